//! The block-stream engine, algorithm `pcg64-block-v1`
//! (specified in `docs/algorithm.md`).
//!
//! Element `i` of the row-major flattened tensor belongs to block
//! `i / BLOCK_LEN`. Each block has its own PCG64 generator, seeded from
//! `(seed, block)` through SplitMix64 hashing, and draws the block's
//! standard values in order. Element `i` therefore depends only on the seed,
//! the distribution, the scale factor and `i`: any range of the tensor can
//! be filled on its own, by any number of threads, with the same bits.

use rand::Rng;
use rand_distr::{Distribution as _, StandardNormal};
use rand_pcg::Pcg64;
use rand_pcg::rand_core::SeedableRng;

use crate::config::Distribution;
use crate::engine::Element;

/// The name and version of the sampling algorithm. A different stream for
/// the same `(seed, config, shape)` gets a new name.
pub const ALGORITHM: &str = crate::engine::Algorithm::Pcg64BlockV1.name();

/// Elements per block: each block has its own PCG64 stream.
pub const BLOCK_LEN: u64 = 1024;

/// Domain tag mixed into every seed ("vs-block" in ASCII).
const DOMAIN_TAG: u64 = 0x7673_2d62_6c6f_636b;
/// SplitMix64's increment (the golden ratio in 0.64 fixed point).
const GOLDEN_GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

/// SplitMix64's output function (a bijection of `u64`).
#[inline]
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The 32-byte PCG64 seed of block `block` under `seed`: four SplitMix64
/// outputs starting from `mix64(mix64(seed ^ DOMAIN_TAG) ^ block)`.
pub fn block_seed(seed: u64, block: u64) -> [u8; 32] {
    let mut x = mix64(mix64(seed ^ DOMAIN_TAG) ^ block);
    let mut bytes = [0u8; 32];
    for chunk in bytes.chunks_exact_mut(8) {
        x = x.wrapping_add(GOLDEN_GAMMA);
        chunk.copy_from_slice(&mix64(x).to_le_bytes());
    }
    bytes
}

/// The generator of block `block` under `seed`.
pub fn block_rng(seed: u64, block: u64) -> Pcg64 {
    Pcg64::from_seed(block_seed(seed, block))
}

/// One standard value: truncated normal on `(-2, 2)`, standard normal, or
/// uniform on `[-1, 1)`. The caller multiplies it by the scale factor.
#[inline(always)]
pub fn draw_standard(distribution: Distribution, rng: &mut Pcg64) -> f64 {
    match distribution {
        Distribution::TruncatedNormal => loop {
            let z: f64 = StandardNormal.sample(rng);
            if z.abs() < 2.0 {
                return z;
            }
        },
        Distribution::UntruncatedNormal => StandardNormal.sample(rng),
        Distribution::Uniform => {
            // 53 high bits -> [0, 1) -> [-1, 1); every step is exact.
            let u = (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
            2.0 * u - 1.0
        }
    }
}

/// Everything a fill needs once the shape has been turned into a factor.
#[derive(Clone, Copy, Debug)]
pub struct Sampler {
    /// The initializer's 64-bit seed.
    pub seed: u64,
    /// Which standard values are drawn.
    pub distribution: Distribution,
    /// Multiplier from standard values to output values (stddev or limit).
    pub factor: f64,
}

impl Sampler {
    /// Writes elements `[start, start + out.len())` of the flattened tensor.
    pub fn fill_range<T: Element>(&self, start: u64, out: &mut [T]) {
        // one monomorphized loop per distribution: no branch per element
        match self.distribution {
            Distribution::TruncatedNormal => self.fill_with(start, out, |rng| {
                draw_standard(Distribution::TruncatedNormal, rng)
            }),
            Distribution::UntruncatedNormal => self.fill_with(start, out, |rng| {
                draw_standard(Distribution::UntruncatedNormal, rng)
            }),
            Distribution::Uniform => {
                self.fill_with(start, out, |rng| draw_standard(Distribution::Uniform, rng))
            }
        }
    }

    #[inline(always)]
    fn fill_with<T: Element>(&self, start: u64, out: &mut [T], draw: impl Fn(&mut Pcg64) -> f64) {
        let mut pos = start;
        let mut rest = out;
        while !rest.is_empty() {
            let block = pos / BLOCK_LEN;
            let within = pos % BLOCK_LEN;
            let mut rng = block_rng(self.seed, block);
            self.skip(&mut rng, within);
            let n = ((BLOCK_LEN - within) as usize).min(rest.len());
            let (head, tail) = rest.split_at_mut(n);
            for o in head {
                *o = T::from_f64(draw(&mut rng) * self.factor);
            }
            rest = tail;
            pos += n as u64;
        }
    }

    /// Discards the first `count` values of a block's stream.
    fn skip(&self, rng: &mut Pcg64, count: u64) {
        match self.distribution {
            // exactly one u64 per uniform value: jump ahead in O(log n)
            Distribution::Uniform => rng.advance(u128::from(count)),
            d => {
                for _ in 0..count {
                    draw_standard(d, rng);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mix64_is_splitmix64() {
        // SplitMix64 seeded with 0: the first output is mix64(GOLDEN_GAMMA).
        assert_eq!(mix64(GOLDEN_GAMMA), 0xe220_a839_7b1d_cdaf);
        assert_eq!(mix64(0), 0);
    }

    #[test]
    fn blocks_have_distinct_seeds() {
        let mut seen = std::collections::HashSet::new();
        for seed in 0..8u64 {
            for block in 0..256u64 {
                assert!(seen.insert(block_seed(seed, block)));
            }
        }
    }

    #[test]
    fn range_equals_slice_of_whole() {
        for d in Distribution::ALL {
            let s = Sampler {
                seed: 99,
                distribution: d,
                factor: 0.5,
            };
            let mut whole = vec![0.0f64; 3 * BLOCK_LEN as usize + 17];
            s.fill_range(0, &mut whole);
            for (start, len) in [
                (0usize, 1usize),
                (5, 1500),
                (1023, 2),
                (1024, 1024),
                (2000, 1089),
            ] {
                let mut part = vec![0.0f64; len];
                s.fill_range(start as u64, &mut part);
                assert_eq!(part, whole[start..start + len], "{d:?} {start} {len}");
            }
        }
    }

    #[test]
    fn values_respect_bounds() {
        let n = 20_000;
        for (d, bound) in [
            (Distribution::TruncatedNormal, 2.0),
            (Distribution::Uniform, 1.0),
        ] {
            let s = Sampler {
                seed: 1,
                distribution: d,
                factor: 1.0,
            };
            let mut v = vec![0.0f64; n];
            s.fill_range(0, &mut v);
            assert!(
                v.iter()
                    .all(|x| x.abs() < bound || (d == Distribution::Uniform && *x == -1.0))
            );
        }
    }
}
