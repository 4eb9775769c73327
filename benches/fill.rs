//! Fill throughput of libvariance_scaling against the machine's limits,
//! measured in the same run.
//!
//! Two limits, for each element size and thread count, over the very buffer
//! the fills write (allocated and touched before timing):
//! * `plain`: a loop of ordinary vector stores (the widest the CPU has):
//!   what a simple fill loop can reach; each store first reads the line
//!   (read-for-ownership).
//! * `nt`: a loop of non-temporal (streaming) stores, which skip the cache
//!   and the read: the memory's write bandwidth. A fill that streams can
//!   beat the plain loop.
//!
//! Both are limits, not targets to beat by computing less: the fills write
//! exactly as many bytes.
//!
//! Then, for both algorithms, each distribution and type: values/s, GB/s,
//! and the ratio to each limit, on 1 thread and on all cores; a per-kernel
//! table for v2 on 1 thread (every kernel this CPU runs); the small-fill
//! latency; the peak memory of a 1 GiB fill. `-- --nt-sweep` measures the
//! size above which streaming stores pay (`NT_MIN_BYTES`).
//!
//! Run: `cargo bench --bench fill` (`-- --quick` for a short run, `-- --n
//! N` for another element count, `-- --only uniform/f32` for some rows,
//! `-- --no-big` to skip the 1 GiB fill). Not part of the test suite: it
//! prints figures and ratios and asserts nothing about speed. oneMKL is
//! compared in `benches/mkl/` (docs/performance.md).

use std::hint::black_box;
use std::time::Instant;

use variance_scaling::engine::v2::platform::{self, Isa};
use variance_scaling::engine::v2::{self};
use variance_scaling::engine::{Sampler, Stores};
use variance_scaling::{Algorithm, Config, Distribution, Element, Initializer, Mode, parallel};

struct Opts {
    n: usize,
    reps: usize,
    big: bool,
    only: Option<String>,
    nt_sweep: bool,
}

fn opts() -> Opts {
    let args: Vec<String> = std::env::args().collect();
    let mut o = Opts {
        n: 1 << 24,
        reps: 7,
        big: true,
        only: None,
        nt_sweep: false,
    };
    let mut i = 1;
    while i < args.len() {
        match args[i].as_str() {
            "--quick" => {
                o.reps = 3;
                o.big = false;
            }
            "--n" => {
                i += 1;
                o.n = args[i].parse().expect("--n takes an element count");
            }
            "--no-big" => o.big = false,
            "--nt-sweep" => o.nt_sweep = true,
            "--only" => {
                i += 1;
                o.only = Some(args[i].clone());
            }
            _ => {} // cargo bench passes --bench
        }
        i += 1;
    }
    o
}

/// Best of `reps` timings of `f`, in seconds, after one warm-up run.
fn best_of(reps: usize, mut f: impl FnMut()) -> f64 {
    f();
    (0..reps)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Runs `f` on `threads` contiguous 64-byte-aligned parts of `buf`.
fn on_threads(buf: &mut [u8], threads: usize, f: fn(&mut [u8])) {
    let chunk = buf.len().div_ceil(threads.max(1)).div_ceil(64) * 64;
    std::thread::scope(|s| {
        let mut parts = buf.chunks_mut(chunk.max(64));
        let first = parts.next();
        for part in parts {
            s.spawn(move || f(part));
        }
        if let Some(part) = first {
            f(part);
        }
    });
}

mod stores {
    //! The two store loops, with the widest vectors the CPU has.
    use std::hint::black_box;

    #[cfg(target_arch = "x86_64")]
    use core::arch::x86_64::*;

    /// Ordinary stores over `buf` (a pattern, so no memset substitutes).
    pub fn plain(buf: &mut [u8]) {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f") {
                // SAFETY: AVX-512 F is present.
                unsafe { plain512(buf) };
                return;
            }
            if std::arch::is_x86_feature_detected!("avx") {
                // SAFETY: AVX is present.
                unsafe { plain256(buf) };
                return;
            }
        }
        for (i, c) in buf.chunks_mut(8).enumerate() {
            let v = (i as u64).to_le_bytes();
            c.copy_from_slice(&v[..c.len()]);
        }
        black_box(buf);
    }

    /// Non-temporal stores over `buf`, where the CPU has them (else the
    /// plain loop).
    pub fn nt(buf: &mut [u8]) {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f") {
                // SAFETY: AVX-512 F is present.
                unsafe { nt512(buf) };
                return;
            }
            if std::arch::is_x86_feature_detected!("avx") {
                // SAFETY: AVX is present.
                unsafe { nt256(buf) };
                return;
            }
        }
        plain(buf);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    unsafe fn plain512(buf: &mut [u8]) {
        let mut v = _mm512_set1_epi32(1);
        let one = _mm512_set1_epi32(1);
        let mut c = buf.chunks_exact_mut(64);
        for part in &mut c {
            // SAFETY: 64 writable bytes.
            unsafe { _mm512_storeu_si512(part.as_mut_ptr().cast(), v) };
            v = _mm512_add_epi32(v, one);
        }
        c.into_remainder().fill(0);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    unsafe fn nt512(buf: &mut [u8]) {
        let head = buf.as_ptr().align_offset(64).min(buf.len());
        let (h, rest) = buf.split_at_mut(head);
        h.fill(0);
        let mut v = _mm512_set1_epi32(1);
        let one = _mm512_set1_epi32(1);
        let mut c = rest.chunks_exact_mut(64);
        for part in &mut c {
            // SAFETY: 64 writable, 64-byte-aligned bytes.
            unsafe { _mm512_stream_si512(part.as_mut_ptr().cast(), v) };
            v = _mm512_add_epi32(v, one);
        }
        c.into_remainder().fill(0);
        _mm_sfence();
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx")]
    unsafe fn plain256(buf: &mut [u8]) {
        let mut v = _mm256_set1_epi32(1);
        let one = _mm256_set1_epi64x(1);
        let mut c = buf.chunks_exact_mut(32);
        for part in &mut c {
            // SAFETY: 32 writable bytes.
            unsafe { _mm256_storeu_si256(part.as_mut_ptr().cast(), v) };
            v = _mm256_castpd_si256(_mm256_add_pd(
                _mm256_castsi256_pd(v),
                _mm256_castsi256_pd(one),
            ));
        }
        c.into_remainder().fill(0);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx")]
    unsafe fn nt256(buf: &mut [u8]) {
        let head = buf.as_ptr().align_offset(32).min(buf.len());
        let (h, rest) = buf.split_at_mut(head);
        h.fill(0);
        let mut v = _mm256_set1_pd(1.0);
        let one = _mm256_set1_pd(1.0);
        let mut c = rest.chunks_exact_mut(32);
        for part in &mut c {
            // SAFETY: 32 writable, 32-byte-aligned bytes.
            unsafe { _mm256_stream_pd(part.as_mut_ptr().cast(), v) };
            v = _mm256_add_pd(v, one);
        }
        c.into_remainder().fill(0);
        _mm_sfence();
    }
}

fn dist_name(d: Distribution) -> &'static str {
    match d {
        Distribution::TruncatedNormal => "truncated_normal",
        Distribution::UntruncatedNormal => "untruncated_normal",
        Distribution::Uniform => "uniform",
    }
}

fn alg_name(a: Algorithm) -> &'static str {
    match a {
        Algorithm::Pcg64BlockV1 => "v1",
        Algorithm::Splitmix64CtrV2 => "v2",
    }
}

/// The two limits for `bytes` of output on `threads` threads.
#[derive(Clone, Copy)]
struct Limits {
    plain: f64,
    nt: f64,
}

fn limits(o: &Opts, bytes: usize, threads: usize) -> Limits {
    let mut buf = vec![0u8; bytes + 64];
    let buf = &mut buf[..bytes];
    let plain = best_of(o.reps, || on_threads(buf, threads, stores::plain));
    let nt = best_of(o.reps, || on_threads(buf, threads, stores::nt));
    Limits {
        plain: bytes as f64 / plain,
        nt: bytes as f64 / nt,
    }
}

fn selected(o: &Opts, dist: Distribution, tname: &str) -> bool {
    let name = format!("{}/{}", dist_name(dist), tname);
    o.only
        .as_ref()
        .is_none_or(|only| name.starts_with(only.as_str()))
}

/// One row: a fill of `o.n` values of `T` through the API.
fn row<T: Element + Default>(
    o: &Opts,
    alg: Algorithm,
    tname: &str,
    dist: Distribution,
    threads: usize,
    lim: Limits,
) -> f64 {
    let n = o.n;
    let shape = [n as i64 / 1024, 1024];
    let init = Initializer::new(Config::new(1.0, Mode::FanIn, dist, Some(42), None).unwrap())
        .unwrap()
        .with_algorithm(alg);
    let mut buf = vec![T::default(); n];
    parallel::set_max_threads(threads as u32);
    let t = best_of(o.reps, || init.fill(&shape, &mut buf).unwrap());
    parallel::set_max_threads(0);
    black_box(&buf);
    let bytes = (n * std::mem::size_of::<T>()) as f64;
    let rate = n as f64 / t;
    println!(
        "{:<3} {:<19} {:<4} {:>2}  {:>7.3} G/s {:>6.2} GB/s  {:>5.0}% plain  {:>5.0}% nt",
        alg_name(alg),
        dist_name(dist),
        tname,
        threads,
        rate / 1e9,
        bytes / t / 1e9,
        100.0 * (bytes / t) / lim.plain,
        100.0 * (bytes / t) / lim.nt,
    );
    rate
}

fn main() {
    let o = opts();
    let all = cores();
    println!(
        "libvariance_scaling fill benchmark: {} values in a touched buffer, best of {} runs, {} cores; kernel {} (VS_MAX_ISA caps it); default algorithm {}",
        o.n,
        o.reps,
        all,
        platform::kernel().name(),
        Algorithm::DEFAULT.name()
    );
    if o.nt_sweep {
        nt_sweep(&o);
        return;
    }
    let thread_counts: Vec<usize> = if all > 1 { vec![1, all] } else { vec![1] };
    for &threads in &thread_counts {
        let mut lims = Vec::new();
        println!("\n== {threads} thread(s): limits over the same buffers (GB/s)");
        for size in [2usize, 4, 8] {
            let l = limits(&o, o.n * size, threads);
            println!(
                "   {}-byte values: plain store loop {:>6.2} GB/s ({:.3} G values/s), non-temporal store loop {:>6.2} GB/s ({:.3} G values/s)",
                size,
                l.plain / 1e9,
                l.plain / size as f64 / 1e9,
                l.nt / 1e9,
                l.nt / size as f64 / 1e9
            );
            lims.push(l);
        }
        println!(
            "alg distribution        type thr   values/s     written   share of plain / nt limit"
        );
        for alg in [Algorithm::Splitmix64CtrV2, Algorithm::Pcg64BlockV1] {
            for dist in Distribution::ALL {
                let mut f32_rate = None;
                if selected(&o, dist, "f32") {
                    f32_rate = Some(row::<f32>(&o, alg, "f32", dist, threads, lims[1]));
                }
                if selected(&o, dist, "f64") {
                    row::<f64>(&o, alg, "f64", dist, threads, lims[2]);
                }
                for (name, r) in [
                    (
                        "f16",
                        selected(&o, dist, "f16")
                            .then(|| row::<half::f16>(&o, alg, "f16", dist, threads, lims[0])),
                    ),
                    (
                        "bf16",
                        selected(&o, dist, "bf16")
                            .then(|| row::<half::bf16>(&o, alg, "bf16", dist, threads, lims[0])),
                    ),
                ] {
                    if let (Some(r), Some(f)) = (r, f32_rate) {
                        println!("        {name} / f32 values/s: {:.2}", r / f);
                    }
                }
            }
        }
    }

    kernels(&o);
    small_fill();
    if o.big {
        big_fill();
    }
}

/// v2 on one thread with each kernel this CPU runs (through the engine, no
/// thread), f32 and f64.
fn kernels(o: &Opts) {
    println!("\n== v2 per kernel, 1 thread, {} values (values/s)", o.n);
    for isa in platform::available() {
        let mut line = format!("   {:<8}", isa.name());
        for dist in Distribution::ALL {
            let s = v2::Sampler {
                seed: 1,
                distribution: dist,
                factor: 0.5,
            };
            let stores = variance_scaling::engine::stores_for(dist, o.n * 4);
            let mut a = vec![0f32; o.n];
            let t32 = best_of(o.reps, || v2::fill32_with(isa, &s, 0, &mut a, stores));
            let mut b = vec![0f64; o.n];
            let stores = variance_scaling::engine::stores_for(dist, o.n * 8);
            let t64 = best_of(o.reps, || v2::fill64_with(isa, &s, 0, &mut b, stores));
            line += &format!(
                "  {} f32 {:.3} G/s f64 {:.3} G/s",
                dist_name(dist),
                o.n as f64 / t32 / 1e9,
                o.n as f64 / t64 / 1e9
            );
        }
        println!("{line}");
    }
    let _ = Isa::ALL;
}

/// Cached against streaming stores by fill size: where NT_MIN_BYTES goes.
fn nt_sweep(o: &Opts) {
    println!("\n== cached vs streaming stores by size, v2, 1 thread, f32 (G values/s)");
    for log in 14..=26 {
        let n = 1usize << log;
        let mut line = format!("   {:>9} KiB", n * 4 / 1024);
        for dist in [Distribution::Uniform, Distribution::TruncatedNormal] {
            let s = Sampler {
                algorithm: Algorithm::Splitmix64CtrV2,
                seed: 1,
                distribution: dist,
                factor: 0.5,
            };
            let mut buf = vec![0f32; n];
            let reps = (o.reps * (1 << 24) / n).clamp(o.reps, 2000);
            let tc = best_of(reps, || s.fill_range_with(0, &mut buf, Stores::Cached));
            let ts = best_of(reps, || s.fill_range_with(0, &mut buf, Stores::Streaming));
            line += &format!(
                "  {} cached {:.3} streaming {:.3}",
                dist_name(dist),
                n as f64 / tc / 1e9,
                n as f64 / ts / 1e9
            );
        }
        println!("{line}");
    }
}

/// A 3x3x64x64 kernel through the API (which starts no thread) against
/// the engine called directly.
fn small_fill() {
    let shape = [3i64, 3, 64, 64];
    let n = 36_864;
    let init = Initializer::new(
        Config::new(
            2.0,
            Mode::FanIn,
            Distribution::TruncatedNormal,
            Some(1),
            None,
        )
        .unwrap(),
    )
    .unwrap();
    let p = init.describe(&shape).unwrap();
    let engine = Sampler {
        algorithm: init.algorithm(),
        seed: 1,
        distribution: Distribution::TruncatedNormal,
        factor: p.stddev,
    };
    let mut a = vec![0f32; n];
    let mut b = vec![0f32; n];
    let t_api = best_of(300, || init.fill(&shape, &mut a).unwrap());
    let t_loop = best_of(300, || engine.fill_range(0, &mut b));
    assert!(a == b, "the API and the engine must give the same values");
    println!(
        "\nsmall fill 3x3x64x64 (36864 f32, truncated normal, v2): API {:.1} us, engine {:.1} us: ratio {:.3}",
        t_api * 1e6,
        t_loop * 1e6,
        t_api / t_loop
    );
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Peak memory beyond the caller's buffer for a 1 GiB fill.
fn big_fill() {
    let init = Initializer::new(
        Config::new(
            2.0,
            Mode::FanIn,
            Distribution::TruncatedNormal,
            Some(1),
            None,
        )
        .unwrap(),
    )
    .unwrap();
    let before = peak_rss_kib().unwrap_or(0);
    let n_big = 1usize << 28;
    let mut big = vec![0f32; n_big];
    let after_alloc = peak_rss_kib().unwrap_or(0);
    let t = Instant::now();
    init.fill(&[(n_big / 1024) as i64, 1024], &mut big).unwrap();
    let el = t.elapsed().as_secs_f64();
    let after = peak_rss_kib().unwrap_or(0);
    black_box(&big);
    println!(
        "1 GiB f32 fill (v2, truncated normal): {:.2} s ({:.3} G/s into fresh memory); peak RSS {} MiB before, {} MiB after allocating, {} MiB after filling: {} KiB beyond the buffer",
        el,
        n_big as f64 / el / 1e9,
        before / 1024,
        after_alloc / 1024,
        after / 1024,
        after.saturating_sub(before + (n_big as u64 * 4) / 1024)
    );
}
