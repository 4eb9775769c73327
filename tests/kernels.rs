//! Kernel equivalence: every SIMD kernel of `splitmix64-ctr-v2` gives the
//! portable kernel's bits, for every distribution and output type, at any
//! start (odd, even, near 2^63), any length (heads and tails around the
//! vector width), any buffer alignment, with cached and streaming stores.
//!
//! Kernels this CPU cannot run are built but not run; the test names the
//! levels it exercised and skipped (run with `--nocapture` to see them).
//! The whole C suite additionally runs under each `VS_MAX_ISA` level
//! (scripts/test.sh).

use half::{bf16, f16};
use variance_scaling::Distribution;
use variance_scaling::engine::Stores;
use variance_scaling::engine::v2::platform::{self, Dispatch32, Isa};
use variance_scaling::engine::v2::{self, Sampler};

fn levels() -> Vec<Isa> {
    let avail = platform::available();
    for isa in Isa::ALL {
        if avail.contains(&isa) {
            eprintln!("kernel {}: exercised", isa.name());
        } else {
            eprintln!(
                "kernel {}: SKIPPED (this CPU lacks its instruction sets)",
                isa.name()
            );
        }
    }
    avail.into_iter().filter(|&i| i != Isa::Portable).collect()
}

const SEEDS: [u64; 4] = [0, 1, 0xdead_beef, u64::MAX];
const STARTS: [u64; 7] = [0, 1, 2, 3, 31, 1 << 40, (1 << 62) + 5];
const LENS: [usize; 10] = [0, 1, 7, 15, 16, 17, 33, 64, 100, 1031];
const FACTORS: [f64; 3] = [1.0, 0.0123, 3.0e-39];

fn bits32(v: &[f32]) -> Vec<u32> {
    v.iter().map(|x| x.to_bits()).collect()
}

/// Fills `len` elements into a buffer offset by `shift` elements from an
/// aligned allocation, with kernel `isa`.
fn fill32<T: Dispatch32 + Default>(
    isa: Isa,
    s: &Sampler,
    start: u64,
    len: usize,
    shift: usize,
    stores: Stores,
) -> Vec<T> {
    let mut buf = vec![T::default(); len + 64];
    v2::fill32_with(isa, s, start, &mut buf[shift..shift + len], stores);
    buf[shift..shift + len].to_vec()
}

fn check32<T: Dispatch32 + Default + PartialEq + std::fmt::Debug>(isa: Isa, what: &str) {
    let mut cases = 0;
    for d in Distribution::ALL {
        for seed in SEEDS {
            for factor in FACTORS {
                let s = Sampler {
                    seed,
                    distribution: d,
                    factor,
                };
                for start in STARTS {
                    for len in LENS {
                        for shift in [0usize, 1, 3] {
                            let want =
                                fill32::<T>(Isa::Portable, &s, start, len, shift, Stores::Cached);
                            for stores in [Stores::Cached, Stores::Streaming] {
                                let got = fill32::<T>(isa, &s, start, len, shift, stores);
                                assert_eq!(
                                    got,
                                    want,
                                    "{what} {} {d:?} seed {seed} factor {factor} start {start} len {len} shift {shift} {stores:?}",
                                    isa.name()
                                );
                                cases += 1;
                            }
                        }
                    }
                }
            }
        }
    }
    assert!(cases > 1000);
}

#[test]
fn binary32_kernels_equal_portable() {
    for isa in levels() {
        check32::<f32>(isa, "f32");
        check32::<f16>(isa, "f16");
        check32::<bf16>(isa, "bf16");
    }
}

#[test]
fn binary64_kernels_equal_portable() {
    for isa in levels() {
        for d in Distribution::ALL {
            for seed in SEEDS {
                for factor in FACTORS {
                    let s = Sampler {
                        seed,
                        distribution: d,
                        factor,
                    };
                    for start in STARTS {
                        for len in LENS {
                            for shift in [0usize, 1, 3] {
                                let mut want = vec![0f64; len + 8];
                                v2::fill64_with(
                                    Isa::Portable,
                                    &s,
                                    start,
                                    &mut want[shift..shift + len],
                                    Stores::Cached,
                                );
                                for stores in [Stores::Cached, Stores::Streaming] {
                                    let mut got = vec![0f64; len + 8];
                                    v2::fill64_with(
                                        isa,
                                        &s,
                                        start,
                                        &mut got[shift..shift + len],
                                        stores,
                                    );
                                    let a: Vec<u64> = got.iter().map(|x| x.to_bits()).collect();
                                    let b: Vec<u64> = want.iter().map(|x| x.to_bits()).collect();
                                    assert_eq!(
                                        a,
                                        b,
                                        "{} {d:?} seed {seed} start {start} len {len} shift {shift} {stores:?}",
                                        isa.name()
                                    );
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Long runs: a million values per distribution and class, so that rare
/// paths (the normal's tail polynomials: about 1 value in 300) are hit
/// thousands of times in every kernel.
#[test]
fn long_runs_equal_portable() {
    let n = 1 << 20;
    for isa in levels() {
        for d in Distribution::ALL {
            let s = Sampler {
                seed: 42,
                distribution: d,
                factor: 1.0,
            };
            let mut want = vec![0f32; n];
            let mut got = vec![0f32; n];
            v2::fill32_with(Isa::Portable, &s, 0, &mut want, Stores::Cached);
            v2::fill32_with(isa, &s, 0, &mut got, Stores::Streaming);
            assert_eq!(bits32(&got), bits32(&want), "{} {d:?} f32", isa.name());
            let mut want = vec![0f64; n];
            let mut got = vec![0f64; n];
            v2::fill64_with(Isa::Portable, &s, 0, &mut want, Stores::Cached);
            v2::fill64_with(isa, &s, 0, &mut got, Stores::Streaming);
            let bad = got
                .iter()
                .zip(&want)
                .position(|(a, b)| a.to_bits() != b.to_bits());
            assert!(
                bad.is_none(),
                "{} {d:?} f64: first difference at {bad:?}: {:?} vs {:?}",
                isa.name(),
                bad.map(|i| got[i]),
                bad.map(|i| want[i])
            );
        }
    }
}
