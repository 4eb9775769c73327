//! The sampling engines. Two named algorithms exist; each is a pure
//! function of `(seed, distribution, factor, output type, element index)`:
//!
//! * [`v1`], `pcg64-block-v1` (`docs/algorithm.md`): one PCG64 stream per
//!   block of 1024 elements, ziggurat normals with rejection, every output
//!   type rounded from one binary64 stream. The 0.1 engine, kept bit for
//!   bit.
//! * [`v2`], `splitmix64-ctr-v2` (`docs/algorithm-v2.md`), the default:
//!   SplitMix64 in counter mode, inverse-CDF truncated normals and
//!   Box-Muller normals (no rejection), a binary32 stream for
//!   f32/f16/bf16 and a binary64 stream for f64; SIMD kernels chosen at run
//!   time.

pub mod v1;
pub mod v2;

use std::ffi::CStr;

use crate::config::Distribution;
pub use v2::platform::Stores;

/// A sampling algorithm, numbered as in the C header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// `pcg64-block-v1` (`VS_ALGORITHM_PCG64_BLOCK_V1 = 1`).
    Pcg64BlockV1 = 1,
    /// `splitmix64-ctr-v2` (`VS_ALGORITHM_SPLITMIX64_CTR_V2 = 2`).
    Splitmix64CtrV2 = 2,
}

impl Algorithm {
    /// The algorithm new initializers use.
    pub const DEFAULT: Algorithm = Algorithm::Splitmix64CtrV2;

    /// Every algorithm, oldest first.
    pub const ALL: [Algorithm; 2] = [Algorithm::Pcg64BlockV1, Algorithm::Splitmix64CtrV2];

    /// Its name and version as a C string, as `vs_algorithm_name` gives
    /// it: the one place the names are written.
    pub const fn cname(self) -> &'static CStr {
        match self {
            Algorithm::Pcg64BlockV1 => c"pcg64-block-v1",
            Algorithm::Splitmix64CtrV2 => c"splitmix64-ctr-v2",
        }
    }

    /// Its name and version.
    pub const fn name(self) -> &'static str {
        match std::str::from_utf8(self.cname().to_bytes()) {
            Ok(s) => s,
            Err(_) => panic!("algorithm names are ASCII"),
        }
    }

    /// The algorithm with this number, if any.
    pub const fn from_u32(n: u32) -> Option<Algorithm> {
        match n {
            1 => Some(Algorithm::Pcg64BlockV1),
            2 => Some(Algorithm::Splitmix64CtrV2),
            _ => None,
        }
    }
}

/// Uniform fills of at least this many bytes use non-temporal (streaming)
/// stores, which skip the cache: such an output would not stay in the
/// last-level cache anyway, and skipping the read-for-ownership lets the
/// kernels write at up to the memory's full write bandwidth. Smaller fills
/// use ordinary stores and leave their output in cache for the caller. The
/// normal distributions, whose kernels are compute-bound, always use
/// ordinary stores: streaming cost them about 4% on this project's
/// machines. Measured with `cargo bench --bench fill -- --nt-sweep`
/// (docs/performance.md): on one core, streaming uniform f32 fills are as
/// fast at 32 MiB (the L3 of the machine measured), 6% faster at 64 MiB and
/// 17% at 128 MiB, and up to 5% slower below 32 MiB; the threshold is
/// twice the crossover, so that outputs a larger cache could still hold
/// stay in it.
pub const NT_MIN_BYTES: usize = 64 << 20;

/// An output element type of the fills: f64, f32, f16 or bf16.
pub trait Element: Copy + Send + Sync + 'static {
    /// v1's rule: the binary64 value rounded to this type (through f32 for
    /// the half types).
    fn from_f64(v: f64) -> Self;

    /// Writes v2 elements `[start, start + out.len())` of this type.
    fn fill_v2(s: &v2::Sampler, start: u64, out: &mut [Self], stores: Stores);
}

impl Element for f64 {
    #[inline]
    fn from_f64(v: f64) -> Self {
        v
    }
    fn fill_v2(s: &v2::Sampler, start: u64, out: &mut [f64], stores: Stores) {
        v2::fill64(s, start, out, stores);
    }
}

impl Element for f32 {
    #[inline]
    fn from_f64(v: f64) -> Self {
        v as f32
    }
    fn fill_v2(s: &v2::Sampler, start: u64, out: &mut [f32], stores: Stores) {
        v2::fill32(s, start, out, stores);
    }
}

impl Element for half::f16 {
    #[inline]
    fn from_f64(v: f64) -> Self {
        // from_f32 rounds correctly; from_f64 does not (docs/algorithm.md)
        half::f16::from_f32(v as f32)
    }
    fn fill_v2(s: &v2::Sampler, start: u64, out: &mut [half::f16], stores: Stores) {
        v2::fill32(s, start, out, stores);
    }
}

impl Element for half::bf16 {
    #[inline]
    fn from_f64(v: f64) -> Self {
        half::bf16::from_f32(v as f32)
    }
    fn fill_v2(s: &v2::Sampler, start: u64, out: &mut [half::bf16], stores: Stores) {
        v2::fill32(s, start, out, stores);
    }
}

/// Everything a fill needs once the shape has been turned into a factor.
#[derive(Clone, Copy, Debug)]
pub struct Sampler {
    /// Which algorithm.
    pub algorithm: Algorithm,
    /// The initializer's 64-bit seed.
    pub seed: u64,
    /// Which standard values are drawn.
    pub distribution: Distribution,
    /// Multiplier from standard values to output values (stddev or limit);
    /// finite.
    pub factor: f64,
}

impl Sampler {
    /// Writes elements `[start, start + out.len())` of the flattened
    /// tensor, with the stores [`stores_for`] chooses for `out`.
    pub fn fill_range<T: Element>(&self, start: u64, out: &mut [T]) {
        let stores = stores_for(self.distribution, std::mem::size_of_val(out));
        self.fill_range_with(start, out, stores);
    }

    /// As [`fill_range`](Self::fill_range), with the store kind chosen by
    /// the caller (a thread filling part of a larger output passes the
    /// whole output's choice).
    pub fn fill_range_with<T: Element>(&self, start: u64, out: &mut [T], stores: Stores) {
        match self.algorithm {
            Algorithm::Pcg64BlockV1 => v1::Sampler {
                seed: self.seed,
                distribution: self.distribution,
                factor: self.factor,
            }
            .fill_range(start, out),
            Algorithm::Splitmix64CtrV2 => T::fill_v2(
                &v2::Sampler {
                    seed: self.seed,
                    distribution: self.distribution,
                    factor: self.factor,
                },
                start,
                out,
                stores,
            ),
        }
    }
}

/// The store kind for an output of `bytes` bytes of `distribution`: see
/// [`NT_MIN_BYTES`].
pub fn stores_for(distribution: Distribution, bytes: usize) -> Stores {
    if distribution == Distribution::Uniform && bytes >= NT_MIN_BYTES {
        Stores::Streaming
    } else {
        Stores::Cached
    }
}
