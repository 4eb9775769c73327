//! Splitting large fills over threads. The split never changes the values:
//! each thread fills a contiguous part of the output with range fills.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use crate::engine::v1::BLOCK_LEN;
use crate::engine::{Element, Sampler, stores_for};
use crate::slice::BoxRuns;

/// Fills smaller than this many elements per thread stay on the calling
/// thread (starting a thread costs tens of microseconds).
pub const MIN_ELEMENTS_PER_THREAD: usize = 1 << 17;

static MAX_THREADS: AtomicU32 = AtomicU32::new(0);

/// Sets the process-wide cap: 0 = all cores (the default), 1 = only the
/// calling thread, n = at most n threads (never more than the cores).
pub fn set_max_threads(n: u32) {
    MAX_THREADS.store(n, Ordering::Relaxed);
}

/// The cap as set by [`set_max_threads`].
pub fn max_threads() -> u32 {
    MAX_THREADS.load(Ordering::Relaxed)
}

fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// How many threads a fill of `len` elements uses under the process-wide
/// cap and a handle's own cap `handle_cap` (0: none).
pub fn threads_for(len: usize, handle_cap: u32) -> usize {
    let mut cap = match max_threads() {
        0 => cores(),
        n => (n as usize).min(cores()),
    };
    if handle_cap > 0 {
        cap = cap.min(handle_cap as usize);
    }
    cap.min(len / MIN_ELEMENTS_PER_THREAD).max(1)
}

#[cfg(test)]
thread_local! {
    /// Unit tests only: how many fill threads this thread has started.
    static STARTED_HERE: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Unit tests only: how many fill threads the calling thread has started.
#[cfg(test)]
pub(crate) fn threads_started_here() -> u64 {
    STARTED_HERE.with(|c| c.get())
}

#[cfg(test)]
thread_local! {
    /// Unit tests only: makes every fill thread this thread starts "fail to
    /// start", as when the OS refuses one, to prove the fallback. Per
    /// thread, so that tests running at the same time are unaffected.
    static REFUSE_SPAWNS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

#[cfg(test)]
fn refuse_spawn() -> bool {
    REFUSE_SPAWNS.with(|r| r.get())
}

#[cfg(not(test))]
fn refuse_spawn() -> bool {
    false
}

/// Fills `out` with elements `[start, start + out.len())`, on as many
/// threads as [`threads_for`] allows (`cap`: the handle's cap, 0 = none).
pub fn fill<T: Element>(sampler: &Sampler, start: u64, out: &mut [T], cap: u32) {
    let stores = stores_for(sampler.distribution, std::mem::size_of_val(out));
    // cut points on block boundaries of the whole tensor, so that no v1
    // thread re-draws values another thread draws
    split(
        out,
        cap,
        |pos| (start + pos).div_ceil(BLOCK_LEN) * BLOCK_LEN - start,
        |pos, chunk| sampler.fill_range_with(start + pos, chunk, stores),
    );
}

/// Fills `out` with the box `b` of the tensor (row-major inside the box),
/// on as many threads as [`threads_for`] allows (`cap` as in [`fill`]).
pub fn fill_box<T: Element>(sampler: &Sampler, b: &BoxRuns, out: &mut [T], cap: u32) {
    let stores = stores_for(sampler.distribution, std::mem::size_of_val(out));
    split(
        out,
        cap,
        |pos| pos.div_ceil(BLOCK_LEN) * BLOCK_LEN,
        |pos, chunk| {
            let end = pos + chunk.len() as u64;
            b.for_each_run(pos, end, |flat, at, count| {
                let at = (at - pos) as usize;
                sampler.fill_range_with(flat, &mut chunk[at..at + count as usize], stores);
            });
        },
    );
}

/// Splits `out` into one contiguous chunk per thread and calls `work(pos,
/// chunk)` for each, `pos` being the chunk's offset in `out`; `align(pos)`
/// moves a cut point to where the work prefers it (never backwards). The
/// calling thread does the first chunk; when the OS refuses a thread, the
/// calling thread does that chunk too (the values are the same).
fn split<T: Send>(
    out: &mut [T],
    cap: u32,
    align: impl Fn(u64) -> u64,
    work: impl Fn(u64, &mut [T]) + Sync,
) {
    let threads = threads_for(out.len(), cap);
    if threads <= 1 {
        work(0, out);
        return;
    }
    let len = out.len() as u64;
    let mut cuts = Vec::with_capacity(threads + 1);
    cuts.push(0u64);
    for k in 1..threads as u64 {
        let aligned = align(len * k / threads as u64);
        cuts.push(aligned.min(len).max(*cuts.last().unwrap_or(&0)));
    }
    cuts.push(len);

    let mut failed: Vec<(u64, u64)> = Vec::new();
    let work = &work;
    std::thread::scope(|scope| {
        let mut rest: &mut [T] = out;
        let mut mine: Option<(u64, &mut [T])> = None;
        for w in cuts.windows(2) {
            let (chunk, tail) = rest.split_at_mut((w[1] - w[0]) as usize);
            rest = tail;
            if mine.is_none() {
                mine = Some((w[0], chunk));
                continue;
            }
            let pos = w[0];
            let spawned = if refuse_spawn() {
                Err(std::io::Error::other("thread refused (test)"))
            } else {
                std::thread::Builder::new()
                    .name("vs-fill".into())
                    .spawn_scoped(scope, move || work(pos, chunk))
            };
            if spawned.is_err() {
                failed.push((w[0], w[1]));
            } else {
                #[cfg(test)]
                STARTED_HERE.with(|c| c.set(c.get() + 1));
            }
        }
        if let Some((pos, chunk)) = mine {
            work(pos, chunk);
        }
    });
    for (a, b) in failed {
        work(a, &mut out[a as usize..b as usize]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Distribution;

    /// When the OS refuses the fill threads, the calling thread fills their
    /// parts: same values, nothing left unwritten.
    #[test]
    fn refused_threads_are_filled_by_the_caller() {
        for algorithm in crate::engine::Algorithm::ALL {
            refused_threads_are_filled_by_the_caller_with(algorithm);
        }
    }

    fn refused_threads_are_filled_by_the_caller_with(algorithm: crate::engine::Algorithm) {
        let sampler = Sampler {
            algorithm,
            seed: 99,
            distribution: Distribution::TruncatedNormal,
            factor: 0.5,
        };
        let len = 4 * MIN_ELEMENTS_PER_THREAD + 777;
        let start = 3 * BLOCK_LEN + 5;
        let mut reference = vec![0f32; len];
        sampler.fill_range(start, &mut reference);

        assert!(
            threads_for(len, 0) > 1 || cores() == 1,
            "a fill of {len} elements should be split on this machine"
        );
        REFUSE_SPAWNS.with(|r| r.set(true));
        let mut refused = vec![f32::NAN; len];
        fill(&sampler, start, &mut refused, 0);
        REFUSE_SPAWNS.with(|r| r.set(false));
        assert!(
            refused
                .iter()
                .zip(&reference)
                .all(|(a, b)| a.to_bits() == b.to_bits()),
            "values differ when threads are refused"
        );

        let mut threaded = vec![f32::NAN; len];
        fill(&sampler, start, &mut threaded, 0);
        assert!(
            threaded
                .iter()
                .zip(&reference)
                .all(|(a, b)| a.to_bits() == b.to_bits())
        );
    }

    /// A handle's cap of 1 starts no thread, whatever the process-wide cap;
    /// a cap of n starts at most n - 1 besides the caller.
    #[test]
    fn a_handle_cap_limits_the_threads_started() {
        let sampler = Sampler {
            algorithm: crate::engine::Algorithm::DEFAULT,
            seed: 5,
            distribution: Distribution::Uniform,
            factor: 1.0,
        };
        let len = 8 * MIN_ELEMENTS_PER_THREAD;
        let mut reference = vec![0f32; len];
        sampler.fill_range(0, &mut reference);
        assert_eq!(threads_for(len, 1), 1);
        assert!(threads_for(len, 2) <= 2);
        assert_eq!(threads_for(len, 0), threads_for(len, u32::MAX));
        for cap in [1u32, 2, 0] {
            let before = threads_started_here();
            let mut out = vec![f32::NAN; len];
            fill(&sampler, 0, &mut out, cap);
            let started = threads_started_here() - before;
            let expected = threads_for(len, cap) as u64 - 1;
            assert_eq!(started, expected, "cap {cap}");
            if cap == 1 {
                assert_eq!(started, 0);
            }
            assert!(
                out.iter()
                    .zip(&reference)
                    .all(|(a, b)| a.to_bits() == b.to_bits())
            );
        }
    }
}
