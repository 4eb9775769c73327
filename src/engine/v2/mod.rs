//! The counter-based engine, algorithm `splitmix64-ctr-v2`
//! (specified bit for bit in `docs/algorithm-v2.md`).
//!
//! Element `i` of the row-major flattened tensor is a pure function of
//! `(seed, distribution, factor, output class, i)`: a 64-bit word
//! `W(key, k) = mix64(key + (k + 1) * GAMMA)` (the `k + 1`-th output of a
//! SplitMix64 generator whose state starts at `key`) gives 32 random bits to
//! each of two binary32-class elements (`k = i / 2`) or 64 to one binary64
//! element (`k = i`). A closed-form transform turns them into a standard
//! value, with no rejection: the truncated normal by its inverse CDF, the
//! untruncated normal by Box-Muller on pairs of elements `(2j, 2j + 1)`,
//! the uniform by scaling. Any element, range or N-d box can therefore be
//! computed on its own, in O(1) per element.
//!
//! This file is the reference: the scalar functions below *are* the
//! algorithm. `portable.rs` runs them in loops; the SIMD kernels
//! (`avx2.rs`, `avx512.rs`) compute the same operations lane by lane and are
//! tested to give the same bits ([`platform`] chooses one at run time).

pub mod coefficients;
pub mod platform;
pub mod portable;

#[cfg(target_arch = "x86_64")]
pub(crate) mod avx2;
#[cfg(target_arch = "x86_64")]
pub(crate) mod avx512;

use coefficients::*;

use crate::config::Distribution;
use crate::engine::v1::mix64;

/// The name of this algorithm.
pub const NAME: &str = crate::engine::Algorithm::Splitmix64CtrV2.name();

/// SplitMix64's increment (the golden ratio in 0.64 fixed point).
pub const GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

/// Domain tag of v2 keys ("vs-ctr-2" in ASCII).
pub const KEY_TAG: u64 = 0x7673_2d63_7472_2d32;

/// The two output classes: f32, f16 and bf16 share the binary32 stream;
/// f64 has its own binary64 stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// Computed in IEEE binary32 from 32 random bits per element.
    Binary32 = 0,
    /// Computed in IEEE binary64 from 64 random bits per element.
    Binary64 = 1,
}

/// The key of a stream: `mix64(mix64(seed ^ KEY_TAG) ^ (4 * class +
/// distribution))`, so every (seed, distribution, class) has its own.
pub fn key(seed: u64, distribution: Distribution, class: Class) -> u64 {
    let stream = 4 * class as u64 + distribution as u64;
    mix64(mix64(seed ^ KEY_TAG) ^ stream)
}

/// Word `k` of the stream `key`: the `(k + 1)`-th output of SplitMix64
/// started at state `key`.
#[inline(always)]
pub fn word(key: u64, k: u64) -> u64 {
    mix64(key.wrapping_add(k.wrapping_add(1).wrapping_mul(GAMMA)))
}

/// Horner's rule with one fused multiply-add per step; `c` lowest degree
/// first.
#[inline(always)]
fn horner32(c: &[f32], u: f32) -> f32 {
    let (last, rest) = c.split_last().expect("a polynomial has coefficients");
    rest.iter().rev().fold(*last, |p, &ci| p.mul_add(u, ci))
}

#[inline(always)]
fn horner64(c: &[f64], u: f64) -> f64 {
    let (last, rest) = c.split_last().expect("a polynomial has coefficients");
    rest.iter().rev().fold(*last, |p, &ci| p.mul_add(u, ci))
}

/// Bits of sqrt(1/2) rounded down in binary32 / binary64: the reduced
/// mantissa `m` of the logarithms lies in `[M0, 2 * M0)`.
pub const SQRT_HALF_BITS32: u32 = 0x3f35_04f3;
/// See [`SQRT_HALF_BITS32`].
pub const SQRT_HALF_BITS64: u64 = 0x3fe6_a09e_667f_3bcd;

/// `-ln(t)` in binary32 for a normal `t` in `(0, 1]` (docs/algorithm-v2.md
/// §4.1). `t = 2^k * m` with `m` in `[M0, 2 * M0)`, `f = m - 1` (exact),
/// `y = fma(f * f, R(f), f)`, result `-fma(k, LN2_32, y)`.
#[inline(always)]
pub fn neg_ln32(t: f32) -> f32 {
    let ix = t.to_bits().wrapping_add(0x3f80_0000 - SQRT_HALF_BITS32);
    let k = (ix >> 23) as i32 - 127;
    let m = f32::from_bits((ix & 0x007f_ffff) + SQRT_HALF_BITS32);
    let f = m - 1.0;
    let y = (f * f).mul_add(horner32(&LOG32_R, f), f);
    (-(k as f32)).mul_add(LN2_32, -y)
}

/// `-ln(t)` in binary64 for a normal `t` in `(0, 1]` (§4.2).
#[inline(always)]
pub fn neg_ln64(t: f64) -> f64 {
    let ix = t
        .to_bits()
        .wrapping_add(0x3ff0_0000_0000_0000 - SQRT_HALF_BITS64);
    let k = (ix >> 52) as i64 - 1023;
    let m = f64::from_bits((ix & 0x000f_ffff_ffff_ffff) + SQRT_HALF_BITS64);
    let f = m - 1.0;
    let hfsq = (0.5 * f) * f;
    let s = f / (2.0 + f);
    let z = s * s;
    let r = z * horner64(&LOG64_Q, z);
    let c = (-s).mul_add(hfsq + r, hfsq);
    let y = f - c;
    let kf = k as f64;
    (-kf).mul_add(LN2_HI, -kf.mul_add(LN2_LO, y))
}

/// Applies the sign bit `sign` (0 or the sign mask) to `z`.
#[inline(always)]
fn with_sign32(z: f32, sign: u32) -> f32 {
    f32::from_bits(z.to_bits() ^ sign)
}

#[inline(always)]
fn with_sign64(z: f64, sign: u64) -> f64 {
    f64::from_bits(z.to_bits() ^ sign)
}

/// Standard uniform on `[-1, 1)` from 32 bits: `(r >> 8) * 2^-23 - 1`,
/// exact.
#[inline(always)]
pub fn uniform32(r: u32) -> f32 {
    (r >> 8) as f32 * (1.0 / (1u32 << 23) as f32) - 1.0
}

/// Standard truncated normal on `(-2, 2)` from 32 bits (§5.2).
#[inline(always)]
pub fn truncated32(r: u32) -> f32 {
    // q = (2m + 1) 2^-24 in (0, 1), exact; x = q * ERF_SQRT2_32
    let q2 = (((r & 0x007f_ffff) << 1) | 1) as f32;
    let x = q2 * (ERF_SQRT2_32 * (1.0 / (1u32 << 24) as f32));
    let t = (-x).mul_add(x, 1.0);
    let w = neg_ln32(t);
    let p = horner32(&T32, w - T32_CENTRE);
    with_sign32(x * p, r & 0x8000_0000)
}

/// Applies an octant to `(sin psi, cos psi)` (docs/algorithm-v2.md §5.3):
/// for octant `o` the point is `(cos theta, sin theta)` with theta in
/// `[o pi/4, (o + 1) pi/4)`; odd octants were given the mirrored angle.
/// Returns `(swap, cos_negative, sin_negative)`.
#[inline(always)]
fn octant(o: u32) -> (bool, bool, bool) {
    ((o + 1) & 2 != 0, (o + 2) & 4 != 0, o & 4 != 0)
}

/// The point `(cos theta, sin theta)` of the unit circle given by 32 random
/// bits: octant `o = b >> 29`, angle in the octant from the low 23 bits
/// (mirrored in odd octants), `g = (2 frac + 1) 2^-24` exact,
/// `sin(pi/4 g) = g SIN32(g^2)`, `cos(pi/4 g) = COS32(g^2)`.
#[inline(always)]
pub fn circle32(b: u32) -> (f32, f32) {
    let o = b >> 29;
    let mut frac = b & 0x007f_ffff;
    if o & 1 == 1 {
        frac ^= 0x007f_ffff;
    }
    let g = f32::from_bits(0x3f80_0000 | frac) - (1.0 - 1.0 / (1u32 << 24) as f32);
    let z = g * g;
    let s = g * horner32(&SIN32, z);
    let c = horner32(&COS32, z);
    let (swap, cneg, sneg) = octant(o);
    let (sv, cv) = if swap { (c, s) } else { (s, c) };
    (
        with_sign32(cv, u32::from(cneg) << 31),
        with_sign32(sv, u32::from(sneg) << 31),
    )
}

/// The pair of binary32 standard normals of one 64-bit word (Box-Muller,
/// §5.3): the radius from the low 32 bits, the angle from the high 32.
#[inline(always)]
pub fn normal_pair32(word: u64) -> (f32, f32) {
    let a = word as u32;
    // v in (0, 1]: (a >> 1) + 1/2 in units of 2^-31, rounded
    let v = ((a >> 1) as f32).mul_add(1.0 / (1u64 << 31) as f32, 1.0 / (1u64 << 32) as f32);
    let w = neg_ln32(v);
    let r = (w + w).sqrt();
    let (c, s) = circle32((word >> 32) as u32);
    (r * c, r * s)
}

/// Standard uniform on `[-1, 1)` from 64 bits: `(r >> 12) * 2^-51 - 1`,
/// exact.
#[inline(always)]
pub fn uniform64(r: u64) -> f64 {
    f64::from_bits(0x4000_0000_0000_0000 | (r >> 12)) - 3.0
}

/// `(2m + 1) * 2^-53` for the low 52 bits `m` of `r`: in (0, 1), exact.
#[inline(always)]
fn odd53(r: u64) -> f64 {
    let m = f64::from_bits(0x3ff0_0000_0000_0000 | (r & 0x000f_ffff_ffff_ffff)) - 1.0;
    m + 1.0 / (1u64 << 53) as f64
}

/// Standard truncated normal on `(-2, 2)` from 64 bits (§5.5).
#[inline(always)]
pub fn truncated64(r: u64) -> f64 {
    let x = odd53(r) * ERF_SQRT2_64;
    let t = (-x).mul_add(x, 1.0);
    let w = neg_ln64(t);
    let p = horner64(&T64, w - T64_CENTRE);
    with_sign64(x * p, r & 0x8000_0000_0000_0000)
}

/// The point `(cos theta, sin theta)` of 64 random bits: octant `o = b >>
/// 61`, angle from the low 52 bits (mirrored in odd octants), `g = (2 frac
/// + 1) 2^-53` exact (§5.6).
#[inline(always)]
pub fn circle64(b: u64) -> (f64, f64) {
    let o = (b >> 61) as u32;
    let mut frac = b & 0x000f_ffff_ffff_ffff;
    if o & 1 == 1 {
        frac ^= 0x000f_ffff_ffff_ffff;
    }
    let g = odd53(frac);
    let z = g * g;
    let s = g * horner64(&SIN64, z);
    let c = horner64(&COS64, z);
    let (swap, cneg, sneg) = octant(o);
    let (sv, cv) = if swap { (c, s) } else { (s, c) };
    (
        with_sign64(cv, u64::from(cneg) << 63),
        with_sign64(sv, u64::from(sneg) << 63),
    )
}

/// The pair of binary64 standard normals of two 64-bit words (Box-Muller,
/// §5.6): the radius from `a`, the angle from `b`.
#[inline(always)]
pub fn normal_pair64(a: u64, b: u64) -> (f64, f64) {
    let w = neg_ln64(odd53(a));
    let r = (w + w).sqrt();
    let (c, s) = circle64(b);
    (r * c, r * s)
}

/// The standard binary32 value of element `i` from its word `w = W(key,
/// i / 2)`.
#[inline(always)]
pub fn standard32(distribution: Distribution, w: u64, i: u64) -> f32 {
    let half = (w >> (32 * (i & 1))) as u32;
    match distribution {
        Distribution::TruncatedNormal => truncated32(half),
        Distribution::UntruncatedNormal => {
            let (c, s) = normal_pair32(w);
            if i & 1 == 0 { c } else { s }
        }
        Distribution::Uniform => uniform32(half),
    }
}

/// The standard binary64 value of element `i` of the stream `key`.
#[inline(always)]
pub fn standard64(distribution: Distribution, key: u64, i: u64) -> f64 {
    match distribution {
        Distribution::TruncatedNormal => truncated64(word(key, i)),
        Distribution::UntruncatedNormal => {
            let (c, s) = normal_pair64(word(key, i & !1), word(key, i | 1));
            if i & 1 == 0 { c } else { s }
        }
        Distribution::Uniform => uniform64(word(key, i)),
    }
}

/// A binary32-class stream: key, distribution and factor.
#[derive(Clone, Copy, Debug)]
pub struct Stream32 {
    /// [`key`] for the binary32 class.
    pub key: u64,
    /// Which standard values.
    pub distribution: Distribution,
    /// The factor rounded to binary32 (finite; see [`Sampler::plan32`]).
    pub factor: f32,
}

/// A binary64-class stream.
#[derive(Clone, Copy, Debug)]
pub struct Stream64 {
    /// [`key`] for the binary64 class.
    pub key: u64,
    /// Which standard values.
    pub distribution: Distribution,
    /// The factor.
    pub factor: f64,
}

impl Stream32 {
    /// Element `i` of the stream (binary32).
    #[inline(always)]
    pub fn value(&self, i: u64) -> f32 {
        standard32(self.distribution, word(self.key, i >> 1), i) * self.factor
    }
}

impl Stream64 {
    /// Element `i` of the stream (binary64).
    #[inline(always)]
    pub fn value(&self, i: u64) -> f64 {
        standard64(self.distribution, self.key, i) * self.factor
    }
}

/// Everything a v2 fill needs.
#[derive(Clone, Copy, Debug)]
pub struct Sampler {
    /// The initializer's seed.
    pub seed: u64,
    /// Which standard values.
    pub distribution: Distribution,
    /// Multiplier from standard values to output values (stddev or limit),
    /// finite.
    pub factor: f64,
}

/// How a binary32-class fill multiplies: by the factor rounded to
/// binary32 (`Narrow`), or, when that rounding overflows (factor above
/// `f32::MAX`, scale above about 1e77), in binary64 then rounded (`Wide`).
#[derive(Clone, Copy, Debug)]
pub enum Plan32 {
    /// `z * F` in binary32, `F = factor` rounded to binary32.
    Narrow(Stream32),
    /// `(f64(z) * factor)` rounded to binary32.
    Wide(Stream32, f64),
}

impl Sampler {
    /// The binary32-class plan.
    pub fn plan32(&self) -> Plan32 {
        let s = Stream32 {
            key: key(self.seed, self.distribution, Class::Binary32),
            distribution: self.distribution,
            factor: self.factor as f32,
        };
        if s.factor.is_finite() {
            Plan32::Narrow(s)
        } else {
            Plan32::Wide(Stream32 { factor: 1.0, ..s }, self.factor)
        }
    }

    /// The binary64-class stream.
    pub fn stream64(&self) -> Stream64 {
        Stream64 {
            key: key(self.seed, self.distribution, Class::Binary64),
            distribution: self.distribution,
            factor: self.factor,
        }
    }
}

/// A binary32-class output type: f32 itself, or a 16-bit type rounded from
/// the f32 value.
pub trait Out32: Copy + Send + Sync + 'static {
    /// Rounds a binary32 value to this type (nearest-even).
    fn from_f32(v: f32) -> Self;
}

impl Out32 for f32 {
    #[inline(always)]
    fn from_f32(v: f32) -> f32 {
        v
    }
}

impl Out32 for half::f16 {
    #[inline(always)]
    fn from_f32(v: f32) -> half::f16 {
        half::f16::from_f32(v)
    }
}

impl Out32 for half::bf16 {
    #[inline(always)]
    fn from_f32(v: f32) -> half::bf16 {
        half::bf16::from_f32(v)
    }
}

/// Writes binary32-class elements `[start, start + out.len())` with the
/// kernel [`platform::kernel`] chose.
pub fn fill32<T: platform::Dispatch32>(
    sampler: &Sampler,
    start: u64,
    out: &mut [T],
    stores: platform::Stores,
) {
    fill32_with(platform::kernel(), sampler, start, out, stores);
}

/// As [`fill32`] with the kernel `isa` (tests compare kernels with it).
///
/// # Panics
/// If this CPU cannot run `isa`.
pub fn fill32_with<T: platform::Dispatch32>(
    isa: platform::Isa,
    sampler: &Sampler,
    start: u64,
    out: &mut [T],
    stores: platform::Stores,
) {
    match sampler.plan32() {
        Plan32::Narrow(s) => T::fill(isa, &s, start, out, stores),
        Plan32::Wide(s, factor) => portable::fill_wide(&s, factor, start, out),
    }
}

/// Writes binary64 elements `[start, start + out.len())`.
pub fn fill64(sampler: &Sampler, start: u64, out: &mut [f64], stores: platform::Stores) {
    fill64_with(platform::kernel(), sampler, start, out, stores);
}

/// As [`fill64`] with the kernel `isa`.
///
/// # Panics
/// If this CPU cannot run `isa`.
pub fn fill64_with(
    isa: platform::Isa,
    sampler: &Sampler,
    start: u64,
    out: &mut [f64],
    stores: platform::Stores,
) {
    platform::fill64(isa, &sampler.stream64(), start, out, stores);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_splitmix64_outputs() {
        // SplitMix64 started at state 0: first outputs (a published
        // sequence, also v1's mix64 test value).
        assert_eq!(word(0, 0), 0xe220_a839_7b1d_cdaf);
        let mut state = 12345u64;
        for k in 0..10 {
            state = state.wrapping_add(GAMMA);
            assert_eq!(word(12345, k), mix64(state));
        }
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "Miri perturbs std's ln, the reference here, by a few ulps on purpose"
    )]
    fn logarithms_are_accurate() {
        for i in 1..=10_000u32 {
            let t = i as f64 / 10_000.0;
            let got = neg_ln64(t);
            let want = -t.ln();
            assert!(
                (got - want).abs() <= 4e-16 * want.max(1.0),
                "{t}: {got} vs {want}"
            );
            let got32 = neg_ln32(t as f32) as f64;
            let want32 = -(t as f32 as f64).ln();
            assert!(
                (got32 - want32).abs() <= 3e-7 * want32.max(1.0),
                "{t}: {got32} vs {want32}"
            );
        }
        assert_eq!(neg_ln32(1.0), 0.0);
        assert_eq!(neg_ln64(1.0), 0.0);
    }

    /// Every binary32 truncated normal input (the 2^24 that differ)
    /// gives a value strictly inside (-2, 2), and the largest is close to
    /// 2; the function is odd.
    #[test]
    fn truncated32_is_inside_the_bounds_for_every_input() {
        let mut max = 0f32;
        for m in 0..(1u32 << 23) {
            let z = truncated32(m);
            assert!(z > 0.0 && z < 2.0, "m={m}: {z}");
            assert_eq!(truncated32(m | 0x8000_0000), -z);
            max = max.max(z);
        }
        assert!(max > 1.99999, "{max}");
    }

    /// The largest binary64 truncated normal inputs stay below 2.
    #[test]
    fn truncated64_is_inside_the_bounds_at_the_top() {
        let top = (1u64 << 52) - 1;
        // (fewer under Miri, where each evaluation takes milliseconds)
        let count = if cfg!(miri) { 1u64 << 6 } else { 1u64 << 16 };
        for d in 0..count {
            let z = truncated64(top - d);
            assert!(z < 2.0, "m={}: {z}", top - d);
        }
        assert!(truncated64(top) > 2.0 - 1e-14);
        assert!(truncated64(0) > 0.0);
    }

    #[test]
    fn uniforms_cover_minus_one_to_one() {
        assert_eq!(uniform32(0), -1.0);
        assert_eq!(uniform32(u32::MAX), 1.0 - 1.0 / (1u32 << 23) as f32);
        assert_eq!(uniform64(0), -1.0);
        assert_eq!(uniform64(u64::MAX), 1.0 - 1.0 / (1u64 << 51) as f64);
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "Miri perturbs std's hypot and atan2, the reference here, on purpose"
    )]
    fn circles_are_on_the_unit_circle_and_cover_every_octant() {
        for o in 0..8u32 {
            for frac in [0u32, 1, 0x3f_ffff, 0x7f_ffff] {
                let b = (o << 29) | frac;
                let (c, s) = circle32(b);
                let r = f64::from(c).hypot(f64::from(s));
                assert!((r - 1.0).abs() < 2e-7, "{b:x}: {c} {s}");
                let theta = f64::from(s)
                    .atan2(f64::from(c))
                    .rem_euclid(std::f64::consts::TAU);
                let lo = f64::from(o) * std::f64::consts::FRAC_PI_4;
                assert!(
                    theta >= lo - 1e-6 && theta <= lo + std::f64::consts::FRAC_PI_4 + 1e-6,
                    "{b:x}: {theta}"
                );
                let b64 = (u64::from(o) << 61) | u64::from(frac) << 29;
                let (c, s) = circle64(b64);
                assert!((c.hypot(s) - 1.0).abs() < 4e-16, "{b64:x}");
            }
        }
    }

    #[test]
    fn normal_pairs_reach_their_tails() {
        // the radius is largest for the smallest v: a = 0 gives v = 2^-32,
        // r = sqrt(2 * 32 ln 2) = 6.6604; a = 0 in binary64 gives v =
        // 2^-53, r = sqrt(106 ln 2) = 8.5718
        let (c, s) = normal_pair32(0);
        assert!(
            (f64::from(c).hypot(f64::from(s)) - 6.660_437).abs() < 2e-5,
            "{c} {s}"
        );
        let (c, s) = normal_pair64(0, 0);
        assert!(
            (c.hypot(s) - (106.0 * std::f64::consts::LN_2).sqrt()).abs() < 1e-14,
            "{c} {s}"
        );
        // v = 1 gives the centre
        assert_eq!(normal_pair32(u64::from(u32::MAX)), (0.0, 0.0));
    }
}
