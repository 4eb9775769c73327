//! Fill throughput of libvariance_scaling, with the baselines measured in
//! the same run: a plain store loop over the same buffer (the memory
//! bandwidth limit) and a naive single-threaded rand_pcg + rand_distr loop.
//!
//! Run: `cargo bench --bench fill` (add `-- --quick` for a short run,
//! `-- --n 1048576` for another element count, `-- --only uniform/f32` for
//! some rows, `-- --no-big` to skip the 1 GiB peak-memory fill). Not part of the test suite:
//! it prints figures and ratios and asserts nothing about speed.

use std::hint::black_box;
use std::time::Instant;

use rand::{Rng, RngExt};
use rand_distr::{Distribution as _, StandardNormal};
use rand_pcg::Pcg64;
use rand_pcg::rand_core::SeedableRng;
use variance_scaling::sampler::Sampler;
use variance_scaling::{Config, Distribution, Element, Initializer, Mode, parallel};

struct Opts {
    n: usize,
    reps: usize,
    big: bool,
    only: Option<String>,
}

fn opts() -> Opts {
    let args: Vec<String> = std::env::args().collect();
    let mut o = Opts {
        n: 1 << 24,
        reps: 5,
        big: true,
        only: None,
    };
    let mut i = 1;
    while i < args.len() {
        match args[i].as_str() {
            "--quick" => {
                o.reps = 2;
                o.big = false;
            }
            "--n" => {
                i += 1;
                o.n = args[i].parse().expect("--n takes an element count");
            }
            "--no-big" => o.big = false,
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

/// Best of `reps` timings of `f`, in seconds.
fn best_of(reps: usize, mut f: impl FnMut()) -> f64 {
    f(); // warm up: page in, caches, thread start
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

/// A plain store loop over `buf` on `threads` threads: the memory limit.
fn store_loop<T: Copy + Send>(buf: &mut [T], value: T, threads: usize) {
    let chunk = buf.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|s| {
        let mut parts = buf.chunks_mut(chunk);
        let first = parts.next();
        for part in parts {
            s.spawn(move || {
                for x in part.iter_mut() {
                    *x = value;
                }
                black_box(part);
            });
        }
        if let Some(part) = first {
            for x in part.iter_mut() {
                *x = value;
            }
            black_box(part);
        }
    });
}

/// The naive loop: one PCG64, rand_distr, redraw for truncation, f32 out.
fn naive<T: Element>(dist: Distribution, factor: f64, out: &mut [T]) {
    let mut rng = Pcg64::seed_from_u64(1);
    for o in out.iter_mut() {
        let z: f64 = match dist {
            Distribution::TruncatedNormal => loop {
                let z: f64 = StandardNormal.sample(&mut rng);
                if z.abs() < 2.0 {
                    break z;
                }
            },
            Distribution::UntruncatedNormal => StandardNormal.sample(&mut rng),
            Distribution::Uniform => 2.0 * rng.random::<f64>() - 1.0,
        };
        *o = T::from_f64(z * factor);
    }
    black_box(rng.next_u64());
}

fn dist_name(d: Distribution) -> &'static str {
    match d {
        Distribution::TruncatedNormal => "truncated_normal",
        Distribution::UntruncatedNormal => "untruncated_normal",
        Distribution::Uniform => "uniform",
    }
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn row<T: Element + Default + Fresh>(
    o: &Opts,
    tname: &str,
    dist: Distribution,
    threads_all: usize,
) {
    if let Some(only) = &o.only {
        // e.g. --only truncated_normal/f32 (a leading space-free prefix
        // match, so "truncated" does not select "untruncated")
        let name = format!("{}/{}", dist_name(dist), tname);
        if !name.starts_with(only.as_str()) {
            return;
        }
    }
    let n = o.n;
    let shape = [n as i64 / 1024, 1024];
    assert_eq!(
        shape[0] * shape[1],
        n as i64,
        "--n must be a multiple of 1024"
    );
    let init =
        Initializer::new(Config::new(1.0, Mode::FanIn, dist, Some(42), None).unwrap()).unwrap();
    let factor = {
        let p = init.describe(&shape).unwrap();
        if dist == Distribution::Uniform {
            p.limit
        } else {
            p.stddev
        }
    };
    let bytes = (n * std::mem::size_of::<T>()) as f64;
    let mut buf = vec![T::default(); n];
    // the naive baseline, single-threaded, same buffer
    let t_naive = best_of(o.reps.min(3), || naive(dist, factor, &mut buf));
    for threads in [1usize, threads_all] {
        parallel::set_max_threads(threads as u32);
        let t_fill = best_of(o.reps, || init.fill(&shape, &mut buf).unwrap());
        let t_store = best_of(o.reps, || store_loop(&mut buf, T::from_f64(0.5), threads));
        // into fresh memory: allocation and page faults included
        let t_fresh = best_of(o.reps.min(3), || {
            let mut out = T::fresh(n);
            init.fill(&shape, &mut out).unwrap();
            black_box(&out);
        });
        println!(
            "{:<19} {:<4} {:>2}  {:>7.3} G/s {:>6.2} GB/s  store {:>6.2} GB/s ({:>4.0}% of limit)  x{:>5.2} naive  fresh {:>6.3} G/s",
            dist_name(dist),
            tname,
            threads,
            n as f64 / t_fill / 1e9,
            bytes / t_fill / 1e9,
            bytes / t_store / 1e9,
            100.0 * t_store / t_fill,
            t_naive / t_fill,
            n as f64 / t_fresh / 1e9,
        );
    }
    parallel::set_max_threads(0);
}

/// A Vec of `n` zeros whose pages have not been touched yet (zeroed
/// allocations come from calloc/mmap), as a C caller's fresh malloc.
trait Fresh: Sized {
    fn fresh(n: usize) -> Vec<Self>;
}

impl Fresh for f32 {
    fn fresh(n: usize) -> Vec<Self> {
        vec![0.0; n]
    }
}

impl Fresh for f64 {
    fn fresh(n: usize) -> Vec<Self> {
        vec![0.0; n]
    }
}

impl Fresh for half::f16 {
    fn fresh(n: usize) -> Vec<Self> {
        use half::vec::HalfBitsVecExt;
        vec![0u16; n].reinterpret_into()
    }
}

impl Fresh for half::bf16 {
    fn fresh(n: usize) -> Vec<Self> {
        use half::vec::HalfBitsVecExt;
        vec![0u16; n].reinterpret_into()
    }
}

fn main() {
    let o = opts();
    let all = cores();
    println!(
        "libvariance_scaling fill benchmark: {} elements, best of {} runs, {} cores, algorithm {}",
        o.n,
        o.reps,
        all,
        variance_scaling::ALGORITHM
    );
    println!(
        "columns: distribution, type, threads, values/s, GB/s written; store = plain store loop over the same buffer and thread count (the memory limit), % = our rate as a share of it; naive = ratio to one rand_pcg + rand_distr loop (1 thread) in this run; fresh = rate into newly allocated memory (page faults included)\n"
    );
    for dist in Distribution::ALL {
        row::<f32>(&o, "f32", dist, all);
        row::<f64>(&o, "f64", dist, all);
        row::<half::f16>(&o, "f16", dist, all);
        row::<half::bf16>(&o, "bf16", dist, all);
    }

    // small fills: a 3x3x64x64 kernel through the API (which must start no
    // thread) against a plain single-threaded loop over the same engine
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
        seed: 1,
        distribution: Distribution::TruncatedNormal,
        factor: p.stddev,
    };
    let mut a = vec![0f32; n];
    let mut b = vec![0f32; n];
    let t_api = best_of(300, || init.fill(&shape, &mut a).unwrap());
    let t_loop = best_of(300, || engine.fill_range(0, &mut b));
    assert!(
        a == b,
        "the API and the engine loop must give the same values"
    );
    println!(
        "\nsmall fill 3x3x64x64 (36864 f32, truncated normal): API {:.1} us, plain engine loop {:.1} us: ratio {:.3}",
        t_api * 1e6,
        t_loop * 1e6,
        t_api / t_loop
    );

    if o.big {
        // peak memory beyond the caller's buffer for a 1 GiB fill
        let before = peak_rss_kib().unwrap_or(0);
        let n_big = 1usize << 28; // 1 GiB of f32
        let mut big = vec![0f32; n_big];
        let after_alloc = peak_rss_kib().unwrap_or(0);
        let t = Instant::now();
        init.fill(&[(n_big / 1024) as i64, 1024], &mut big).unwrap();
        let el = t.elapsed().as_secs_f64();
        let after = peak_rss_kib().unwrap_or(0);
        black_box(&big);
        println!(
            "1 GiB f32 fill: {:.2} s ({:.3} G/s into fresh memory); peak RSS {} MiB before, {} MiB after allocating, {} MiB after filling: {} KiB beyond the buffer",
            el,
            n_big as f64 / el / 1e9,
            before / 1024,
            after_alloc / 1024,
            after / 1024,
            after.saturating_sub(before + (n_big as u64 * 4) / 1024)
        );
    }
}
