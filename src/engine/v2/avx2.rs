//! The AVX2 kernel (x86-64 with AVX2, FMA and F16C): the operations of
//! `mod.rs`, in the same order, on 8 binary32 or 4 binary64 lanes. Each
//! intrinsic below is the IEEE operation the scalar reference performs
//! (`_mm256_fmadd_ps` is `mul_add`, `_mm256_fnmadd_ps(a, b, c)` is
//! `(-a).mul_add(b, c)`, `_mm256_fnmsub_ps(a, b, c)` is `(-a).mul_add(b,
//! -c)`), so every lane gets the portable bits; `tests/kernels.rs` checks
//! it.
//!
//! AVX2 has no 64-bit multiply: SplitMix64's two multiplications by
//! constants take three `vpmuludq` each. About a quarter of the binary32
//! normal's cost is there (`docs/performance.md`).

// SIMD intrinsics and `#[target_feature]` functions are unsafe to call.
#![allow(unsafe_code)]

use core::arch::x86_64::*;

use super::coefficients::*;
use super::platform::{Stores, loop_start};
use super::{GAMMA, SQRT_HALF_BITS32, SQRT_HALF_BITS64, Stream32, Stream64, portable};
use crate::config::Distribution;

const M1: u64 = 0xbf58_476d_1ce4_e5b9;
const M2: u64 = 0x94d0_49bb_1331_11eb;

#[inline]
#[target_feature(enable = "avx2,fma,f16c")]
fn splat64(x: u64) -> __m256i {
    _mm256_set1_epi64x(x as i64)
}

#[inline]
#[target_feature(enable = "avx2,fma,f16c")]
fn splat32(x: u32) -> __m256i {
    _mm256_set1_epi32(x as i32)
}

/// `a * m` modulo 2^64 in each lane (three 32 x 32 -> 64 products).
#[inline]
#[target_feature(enable = "avx2,fma,f16c")]
fn mul64(a: __m256i, m: u64) -> __m256i {
    let lo = _mm256_mul_epu32(a, splat64(m));
    let c1 = _mm256_mul_epu32(_mm256_srli_epi64::<32>(a), splat64(m));
    let c2 = _mm256_mul_epu32(a, splat64(m >> 32));
    _mm256_add_epi64(lo, _mm256_slli_epi64::<32>(_mm256_add_epi64(c1, c2)))
}

/// SplitMix64's `mix64` in each 64-bit lane.
#[inline]
#[target_feature(enable = "avx2,fma,f16c")]
fn mix64(x: __m256i) -> __m256i {
    let z = _mm256_xor_si256(x, _mm256_srli_epi64::<30>(x));
    let z = mul64(z, M1);
    let z = _mm256_xor_si256(z, _mm256_srli_epi64::<27>(z));
    let z = mul64(z, M2);
    _mm256_xor_si256(z, _mm256_srli_epi64::<31>(z))
}

#[inline]
#[target_feature(enable = "avx2,fma,f16c")]
fn horner_ps(c: &[f32], u: __m256) -> __m256 {
    let (last, rest) = c.split_last().expect("coefficients");
    let mut p = _mm256_set1_ps(*last);
    for &ci in rest.iter().rev() {
        p = _mm256_fmadd_ps(p, u, _mm256_set1_ps(ci));
    }
    p
}

#[inline]
#[target_feature(enable = "avx2,fma,f16c")]
fn horner_pd(c: &[f64], u: __m256d) -> __m256d {
    let (last, rest) = c.split_last().expect("coefficients");
    let mut p = _mm256_set1_pd(*last);
    for &ci in rest.iter().rev() {
        p = _mm256_fmadd_pd(p, u, _mm256_set1_pd(ci));
    }
    p
}

/// `neg_ln32` in 8 lanes.
#[inline]
#[target_feature(enable = "avx2,fma,f16c")]
fn neg_ln_ps(t: __m256) -> __m256 {
    let ix = _mm256_add_epi32(
        _mm256_castps_si256(t),
        splat32(0x3f80_0000 - SQRT_HALF_BITS32),
    );
    let k = _mm256_sub_epi32(_mm256_srli_epi32::<23>(ix), splat32(127));
    let kf = _mm256_cvtepi32_ps(k);
    let m = _mm256_castsi256_ps(_mm256_add_epi32(
        _mm256_and_si256(ix, splat32(0x007f_ffff)),
        splat32(SQRT_HALF_BITS32),
    ));
    let f = _mm256_sub_ps(m, _mm256_set1_ps(1.0));
    let y = _mm256_fmadd_ps(_mm256_mul_ps(f, f), horner_ps(&LOG32_R, f), f);
    _mm256_fnmsub_ps(kf, _mm256_set1_ps(LN2_32), y)
}

/// `neg_ln64` in 4 lanes.
#[inline]
#[target_feature(enable = "avx2,fma,f16c")]
fn neg_ln_pd(t: __m256d) -> __m256d {
    let ix = _mm256_add_epi64(
        _mm256_castpd_si256(t),
        splat64(0x3ff0_0000_0000_0000 - SQRT_HALF_BITS64),
    );
    // k = biased exponent - 1023, converted exactly through 2^52 + e
    let e = _mm256_srli_epi64::<52>(ix);
    let kf = _mm256_sub_pd(
        _mm256_castsi256_pd(_mm256_or_si256(e, splat64(0x4330_0000_0000_0000))),
        _mm256_set1_pd((1u64 << 52) as f64 + 1023.0),
    );
    let m = _mm256_castsi256_pd(_mm256_add_epi64(
        _mm256_and_si256(ix, splat64(0x000f_ffff_ffff_ffff)),
        splat64(SQRT_HALF_BITS64),
    ));
    let f = _mm256_sub_pd(m, _mm256_set1_pd(1.0));
    let hfsq = _mm256_mul_pd(_mm256_mul_pd(_mm256_set1_pd(0.5), f), f);
    let s = _mm256_div_pd(f, _mm256_add_pd(_mm256_set1_pd(2.0), f));
    let z = _mm256_mul_pd(s, s);
    let r = _mm256_mul_pd(z, horner_pd(&LOG64_Q, z));
    let c = _mm256_fnmadd_pd(s, _mm256_add_pd(hfsq, r), hfsq);
    let y = _mm256_sub_pd(f, c);
    let lo = _mm256_fmadd_pd(kf, _mm256_set1_pd(LN2_LO), y);
    _mm256_fnmsub_pd(kf, _mm256_set1_pd(LN2_HI), lo)
}

/// Binary32 standard values of 8 lanes of random bits.
#[inline]
#[target_feature(enable = "avx2,fma,f16c")]
fn standard_ps<const D: u8>(r: __m256i) -> __m256 {
    if D == Distribution::Uniform as u8 {
        let k = _mm256_cvtepi32_ps(_mm256_srli_epi32::<8>(r));
        return _mm256_fmsub_ps(
            k,
            _mm256_set1_ps(1.0 / (1u32 << 23) as f32),
            _mm256_set1_ps(1.0),
        );
    }
    let sign = _mm256_and_si256(r, splat32(0x8000_0000));
    let z = if D == Distribution::TruncatedNormal as u8 {
        let q2 = _mm256_or_si256(
            _mm256_and_si256(_mm256_slli_epi32::<1>(r), splat32(0x00ff_fffe)),
            splat32(1),
        );
        let x = _mm256_mul_ps(
            _mm256_cvtepi32_ps(q2),
            _mm256_set1_ps(ERF_SQRT2_32 * (1.0 / (1u32 << 24) as f32)),
        );
        let t = _mm256_fnmadd_ps(x, x, _mm256_set1_ps(1.0));
        let w = neg_ln_ps(t);
        let p = horner_ps(&T32, _mm256_sub_ps(w, _mm256_set1_ps(T32_CENTRE)));
        _mm256_mul_ps(x, p)
    } else {
        unreachable!("the untruncated normal is computed in pairs (normal_pairs_ps)")
    };
    _mm256_xor_ps(z, _mm256_castsi256_ps(sign))
}

/// Binary64 standard values of 4 lanes of random bits.
#[inline]
#[target_feature(enable = "avx2,fma,f16c")]
fn standard_pd<const D: u8>(r: __m256i) -> __m256d {
    if D == Distribution::Uniform as u8 {
        let b = _mm256_or_si256(_mm256_srli_epi64::<12>(r), splat64(0x4000_0000_0000_0000));
        return _mm256_sub_pd(_mm256_castsi256_pd(b), _mm256_set1_pd(3.0));
    }
    let sign = _mm256_and_si256(r, splat64(0x8000_0000_0000_0000));
    let odd = odd53(r);
    let z = if D == Distribution::TruncatedNormal as u8 {
        let x = _mm256_mul_pd(odd, _mm256_set1_pd(ERF_SQRT2_64));
        let t = _mm256_fnmadd_pd(x, x, _mm256_set1_pd(1.0));
        let w = neg_ln_pd(t);
        let p = horner_pd(&T64, _mm256_sub_pd(w, _mm256_set1_pd(T64_CENTRE)));
        _mm256_mul_pd(x, p)
    } else {
        unreachable!("the untruncated normal is computed in pairs (normal_pairs_pd)")
    };
    _mm256_xor_pd(z, _mm256_castsi256_pd(sign))
}

/// `(2m + 1) 2^-53` for the low 52 bits `m` of each lane, exact.
#[inline]
#[target_feature(enable = "avx2,fma,f16c")]
fn odd53(r: __m256i) -> __m256d {
    _mm256_add_pd(
        _mm256_sub_pd(
            _mm256_castsi256_pd(_mm256_or_si256(
                _mm256_and_si256(r, splat64(0x000f_ffff_ffff_ffff)),
                splat64(0x3ff0_0000_0000_0000),
            )),
            _mm256_set1_pd(1.0),
        ),
        _mm256_set1_pd(1.0 / (1u64 << 53) as f64),
    )
}

/// `(cos theta, sin theta)` of 8 lanes of 32 angle bits (`circle32`).
#[inline]
#[target_feature(enable = "avx2,fma,f16c")]
fn circle_ps(b: __m256i) -> (__m256, __m256) {
    let o = _mm256_srli_epi32::<29>(b);
    // all ones in odd octants (bit 29 of b)
    let odd = _mm256_srai_epi32::<31>(_mm256_slli_epi32::<2>(b));
    let m23 = splat32(0x007f_ffff);
    let frac = _mm256_xor_si256(_mm256_and_si256(b, m23), _mm256_and_si256(odd, m23));
    let g = _mm256_sub_ps(
        _mm256_castsi256_ps(_mm256_or_si256(frac, splat32(0x3f80_0000))),
        _mm256_set1_ps(1.0 - 1.0 / (1u32 << 24) as f32),
    );
    let z = _mm256_mul_ps(g, g);
    let s = _mm256_mul_ps(g, horner_ps(&SIN32, z));
    let c = horner_ps(&COS32, z);
    // swap when bit 1 of o + 1 is set
    let swap = _mm256_castsi256_ps(_mm256_slli_epi32::<30>(_mm256_add_epi32(o, splat32(1))));
    let sv = _mm256_blendv_ps(s, c, swap);
    let cv = _mm256_blendv_ps(c, s, swap);
    let cneg = _mm256_and_si256(
        _mm256_slli_epi32::<29>(_mm256_add_epi32(o, splat32(2))),
        splat32(0x8000_0000),
    );
    let sneg = _mm256_and_si256(b, splat32(0x8000_0000));
    (
        _mm256_xor_ps(cv, _mm256_castsi256_ps(cneg)),
        _mm256_xor_ps(sv, _mm256_castsi256_ps(sneg)),
    )
}

/// The binary32 standard normals of 8 words (16 elements, in order):
/// Box-Muller on each word's halves (`normal_pair32`).
#[inline]
#[target_feature(enable = "avx2,fma,f16c")]
fn normal_pairs_ps(r0: __m256i, r1: __m256i) -> (__m256, __m256) {
    let (x0, x1) = (_mm256_castsi256_ps(r0), _mm256_castsi256_ps(r1));
    let a = _mm256_castps_si256(_mm256_shuffle_ps::<0b10_00_10_00>(x0, x1));
    let b = _mm256_castps_si256(_mm256_shuffle_ps::<0b11_01_11_01>(x0, x1));
    let a = _mm256_permute4x64_epi64::<0b11_01_10_00>(a);
    let b = _mm256_permute4x64_epi64::<0b11_01_10_00>(b);
    let v = _mm256_fmadd_ps(
        _mm256_cvtepi32_ps(_mm256_srli_epi32::<1>(a)),
        _mm256_set1_ps(1.0 / (1u64 << 31) as f32),
        _mm256_set1_ps(1.0 / (1u64 << 32) as f32),
    );
    let w = neg_ln_ps(v);
    let r = _mm256_sqrt_ps(_mm256_add_ps(w, w));
    let (c, s) = circle_ps(b);
    let c = _mm256_mul_ps(r, c);
    let s = _mm256_mul_ps(r, s);
    let lo = _mm256_unpacklo_ps(c, s);
    let hi = _mm256_unpackhi_ps(c, s);
    (
        _mm256_permute2f128_ps::<0x20>(lo, hi),
        _mm256_permute2f128_ps::<0x31>(lo, hi),
    )
}

/// `(cos theta, sin theta)` of 4 lanes of 64 angle bits (`circle64`).
#[inline]
#[target_feature(enable = "avx2,fma,f16c")]
fn circle_pd(b: __m256i) -> (__m256d, __m256d) {
    let o = _mm256_srli_epi64::<61>(b);
    let bit61 = splat64(1 << 61);
    let odd = _mm256_cmpeq_epi64(_mm256_and_si256(b, bit61), bit61);
    let m52 = splat64(0x000f_ffff_ffff_ffff);
    let frac = _mm256_xor_si256(_mm256_and_si256(b, m52), _mm256_and_si256(odd, m52));
    let g = odd53(frac);
    let z = _mm256_mul_pd(g, g);
    let s = _mm256_mul_pd(g, horner_pd(&SIN64, z));
    let c = horner_pd(&COS64, z);
    let swap = _mm256_castsi256_pd(_mm256_slli_epi64::<62>(_mm256_add_epi64(o, splat64(1))));
    let sv = _mm256_blendv_pd(s, c, swap);
    let cv = _mm256_blendv_pd(c, s, swap);
    let cneg = _mm256_slli_epi64::<61>(_mm256_and_si256(
        _mm256_add_epi64(o, splat64(2)),
        splat64(4),
    ));
    let sneg = _mm256_and_si256(b, splat64(0x8000_0000_0000_0000));
    (
        _mm256_xor_pd(cv, _mm256_castsi256_pd(cneg)),
        _mm256_xor_pd(sv, _mm256_castsi256_pd(sneg)),
    )
}

/// The binary64 standard normals of 8 words (8 elements, in order):
/// Box-Muller on word pairs (`normal_pair64`).
#[inline]
#[target_feature(enable = "avx2,fma,f16c")]
fn normal_pairs_pd(r0: __m256i, r1: __m256i) -> (__m256d, __m256d) {
    let a = _mm256_permute4x64_epi64::<0b11_01_10_00>(_mm256_unpacklo_epi64(r0, r1));
    let b = _mm256_permute4x64_epi64::<0b11_01_10_00>(_mm256_unpackhi_epi64(r0, r1));
    let w = neg_ln_pd(odd53(a));
    let r = _mm256_sqrt_pd(_mm256_add_pd(w, w));
    let (c, s) = circle_pd(b);
    let c = _mm256_mul_pd(r, c);
    let s = _mm256_mul_pd(r, s);
    let lo = _mm256_unpacklo_pd(c, s);
    let hi = _mm256_unpackhi_pd(c, s);
    (
        _mm256_permute2f128_pd::<0x20>(lo, hi),
        _mm256_permute2f128_pd::<0x31>(lo, hi),
    )
}

/// Stores 16 binary32 values as `T`.
trait Put16 {
    /// # Safety
    /// `dst` has 16 writable elements; with `nt`, `dst` is aligned to 32
    /// bytes (64 for f32's two vectors: each 32-byte half is aligned).
    unsafe fn put16(dst: *mut Self, a: __m256, b: __m256, nt: bool);
}

impl Put16 for f32 {
    #[inline]
    #[target_feature(enable = "avx2,fma,f16c")]
    unsafe fn put16(dst: *mut f32, a: __m256, b: __m256, nt: bool) {
        // SAFETY: the caller guarantees 16 writable, (with nt) aligned
        // elements; AVX is enabled in every caller.
        unsafe {
            if nt {
                _mm256_stream_ps(dst, a);
                _mm256_stream_ps(dst.add(8), b);
            } else {
                _mm256_storeu_ps(dst, a);
                _mm256_storeu_ps(dst.add(8), b);
            }
        }
    }
}

#[inline]
#[target_feature(enable = "avx2,fma,f16c")]
unsafe fn put_halves(dst: *mut __m256i, v: __m256i, nt: bool) {
    // SAFETY: the caller guarantees 32 writable (with nt: aligned) bytes.
    unsafe {
        if nt {
            _mm256_stream_si256(dst, v);
        } else {
            _mm256_storeu_si256(dst, v);
        }
    }
}

impl Put16 for half::f16 {
    #[inline]
    #[target_feature(enable = "avx2,fma,f16c")]
    unsafe fn put16(dst: *mut half::f16, a: __m256, b: __m256, nt: bool) {
        // round to nearest-even: the IEEE conversion half::f16::from_f32
        // performs
        let v = _mm256_set_m128i(
            _mm256_cvtps_ph::<_MM_FROUND_TO_NEAREST_INT>(b),
            _mm256_cvtps_ph::<_MM_FROUND_TO_NEAREST_INT>(a),
        );
        // SAFETY: per the caller's contract.
        unsafe { put_halves(dst.cast(), v, nt) }
    }
}

/// bfloat16 bits of 8 binary32 values, rounded to nearest-even (values are
/// never NaN), in the low half of each 32-bit lane.
#[inline]
#[target_feature(enable = "avx2,fma,f16c")]
fn bf16_bits(v: __m256) -> __m256i {
    let b = _mm256_castps_si256(v);
    let odd = _mm256_and_si256(_mm256_srli_epi32::<16>(b), splat32(1));
    let r = _mm256_add_epi32(_mm256_add_epi32(b, splat32(0x7fff)), odd);
    _mm256_srli_epi32::<16>(r)
}

impl Put16 for half::bf16 {
    #[inline]
    #[target_feature(enable = "avx2,fma,f16c")]
    unsafe fn put16(dst: *mut half::bf16, a: __m256, b: __m256, nt: bool) {
        let packed = _mm256_packus_epi32(bf16_bits(a), bf16_bits(b));
        let v = _mm256_permute4x64_epi64::<0b11_01_10_00>(packed);
        // SAFETY: per the caller's contract.
        unsafe { put_halves(dst.cast(), v, nt) }
    }
}

/// The vector loop of every binary32-class fill.
///
/// # Safety
/// The CPU has AVX2, FMA and F16C.
#[inline]
#[target_feature(enable = "avx2,fma,f16c")]
unsafe fn fill32<T: Put16 + super::Out32, const D: u8>(
    s: &Stream32,
    start: u64,
    out: &mut [T],
    stores: Stores,
) {
    let n = out.len();
    let size = std::mem::size_of::<T>();
    let (head, nt) = loop_start(out.as_ptr() as usize, start, n, size, 2, 32, stores);
    portable::fill32(s, start, &mut out[..head]);
    let body = (n - head) / 16 * 16;
    let first = start + head as u64;
    // words k, k+1, k+2, k+3 for elements 2k .. 2k+7
    let k = first / 2;
    let mut ctr = _mm256_add_epi64(
        splat64(s.key.wrapping_add(k.wrapping_add(1).wrapping_mul(GAMMA))),
        _mm256_set_epi64x(
            GAMMA.wrapping_mul(3) as i64,
            GAMMA.wrapping_mul(2) as i64,
            GAMMA as i64,
            0,
        ),
    );
    let step = splat64(GAMMA.wrapping_mul(4));
    let factor = _mm256_set1_ps(s.factor);
    let dst = out[head..].as_mut_ptr();
    let mut j = 0;
    while j < body {
        let r0 = mix64(ctr);
        ctr = _mm256_add_epi64(ctr, step);
        let r1 = mix64(ctr);
        ctr = _mm256_add_epi64(ctr, step);
        let (a, b) = if D == Distribution::UntruncatedNormal as u8 {
            normal_pairs_ps(r0, r1)
        } else {
            (standard_ps::<D>(r0), standard_ps::<D>(r1))
        };
        let a = _mm256_mul_ps(a, factor);
        let b = _mm256_mul_ps(b, factor);
        // SAFETY: j + 16 <= body <= n - head elements remain at dst + j;
        // with nt, dst + j is 32-byte aligned (loop_start, and 16
        // elements of 2 or 4 bytes are a multiple of 32 bytes).
        unsafe { T::put16(dst.add(j), a, b, nt) };
        j += 16;
    }
    if nt {
        _mm_sfence();
    }
    portable::fill32(s, first + body as u64, &mut out[head + body..]);
}

macro_rules! by_distribution {
    ($name:ident, $t:ty) => {
        /// Writes binary32-class elements `[start, start + out.len())`.
        ///
        /// # Safety
        /// The CPU has AVX2, FMA and F16C.
        pub(crate) unsafe fn $name(s: &Stream32, start: u64, out: &mut [$t], stores: Stores) {
            // SAFETY: forwarded contract.
            unsafe {
                match s.distribution {
                    Distribution::TruncatedNormal => {
                        fill32::<$t, { Distribution::TruncatedNormal as u8 }>(s, start, out, stores)
                    }
                    Distribution::UntruncatedNormal => fill32::<
                        $t,
                        { Distribution::UntruncatedNormal as u8 },
                    >(s, start, out, stores),
                    Distribution::Uniform => {
                        fill32::<$t, { Distribution::Uniform as u8 }>(s, start, out, stores)
                    }
                }
            }
        }
    };
}

by_distribution!(fill_f32, f32);
by_distribution!(fill_f16, half::f16);
by_distribution!(fill_bf16, half::bf16);

#[inline]
#[target_feature(enable = "avx2,fma,f16c")]
unsafe fn fill64_d<const D: u8>(s: &Stream64, start: u64, out: &mut [f64], stores: Stores) {
    let n = out.len();
    // Box-Muller pairs (2k, 2k + 1) start a vector on an even element
    let parity = if D == Distribution::UntruncatedNormal as u8 {
        2
    } else {
        1
    };
    let (head, nt) = loop_start(out.as_ptr() as usize, start, n, 8, parity, 32, stores);
    portable::fill64(s, start, &mut out[..head]);
    let body = (n - head) / 8 * 8;
    let first = start + head as u64;
    let mut ctr = _mm256_add_epi64(
        splat64(
            s.key
                .wrapping_add(first.wrapping_add(1).wrapping_mul(GAMMA)),
        ),
        _mm256_set_epi64x(
            GAMMA.wrapping_mul(3) as i64,
            GAMMA.wrapping_mul(2) as i64,
            GAMMA as i64,
            0,
        ),
    );
    let step = splat64(GAMMA.wrapping_mul(4));
    let factor = _mm256_set1_pd(s.factor);
    let dst = out[head..].as_mut_ptr();
    let mut j = 0;
    while j < body {
        let r0 = mix64(ctr);
        ctr = _mm256_add_epi64(ctr, step);
        let r1 = mix64(ctr);
        ctr = _mm256_add_epi64(ctr, step);
        let (a, b) = if D == Distribution::UntruncatedNormal as u8 {
            normal_pairs_pd(r0, r1)
        } else {
            (standard_pd::<D>(r0), standard_pd::<D>(r1))
        };
        let a = _mm256_mul_pd(a, factor);
        let b = _mm256_mul_pd(b, factor);
        // SAFETY: j + 8 <= body elements remain at dst + j; with nt, dst +
        // j is 32-byte aligned (loop_start; 8 doubles are 64 bytes).
        unsafe {
            if nt {
                _mm256_stream_pd(dst.add(j), a);
                _mm256_stream_pd(dst.add(j + 4), b);
            } else {
                _mm256_storeu_pd(dst.add(j), a);
                _mm256_storeu_pd(dst.add(j + 4), b);
            }
        }
        j += 8;
    }
    if nt {
        _mm_sfence();
    }
    portable::fill64(s, first + body as u64, &mut out[head + body..]);
}

/// Writes binary64 elements `[start, start + out.len())`.
///
/// # Safety
/// The CPU has AVX2, FMA and F16C.
pub(crate) unsafe fn fill_f64(s: &Stream64, start: u64, out: &mut [f64], stores: Stores) {
    // SAFETY: forwarded contract.
    unsafe {
        match s.distribution {
            Distribution::TruncatedNormal => {
                fill64_d::<{ Distribution::TruncatedNormal as u8 }>(s, start, out, stores)
            }
            Distribution::UntruncatedNormal => {
                fill64_d::<{ Distribution::UntruncatedNormal as u8 }>(s, start, out, stores)
            }
            Distribution::Uniform => {
                fill64_d::<{ Distribution::Uniform as u8 }>(s, start, out, stores)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    //! Lane-level equivalence with the scalar reference over whole input
    //! spaces: every binary32 input of the uniform and truncated normal
    //! (their 24 significant bits), and a few million words of the other
    //! transforms. Skipped (with a message) on a CPU without the kernel's
    //! instruction sets.
    use super::*;
    use crate::engine::v2::platform::{Isa, detected};
    use crate::engine::v2::{
        normal_pair32, normal_pair64, truncated32, truncated64, uniform32, uniform64,
    };

    const LANES: usize = 8;

    fn runs() -> bool {
        let ok = detected() >= Isa::Avx2;
        if !ok {
            eprintln!("avx2 kernel tests SKIPPED: this CPU lacks its instruction sets");
        }
        ok
    }

    #[target_feature(enable = "avx2,fma,f16c")]
    fn lanes32<const D: u8>(r: &[u32; LANES]) -> [f32; LANES] {
        // SAFETY: r has LANES readable u32.
        let v = unsafe { _mm256_loadu_si256(r.as_ptr().cast()) };
        let mut out = [0f32; LANES];
        // SAFETY: out has LANES writable f32.
        unsafe { _mm256_storeu_ps(out.as_mut_ptr(), standard_ps::<D>(v)) };
        out
    }

    #[target_feature(enable = "avx2,fma,f16c")]
    fn lanes64<const D: u8>(r: &[u64; LANES / 2]) -> [f64; LANES / 2] {
        // SAFETY: r has LANES / 2 readable u64.
        let v = unsafe { _mm256_loadu_si256(r.as_ptr().cast()) };
        let mut out = [0f64; LANES / 2];
        // SAFETY: out has LANES / 2 writable f64.
        unsafe { _mm256_storeu_pd(out.as_mut_ptr(), standard_pd::<D>(v)) };
        out
    }

    #[target_feature(enable = "avx2,fma,f16c")]
    fn pairs32(w: &[u64; LANES]) -> [f32; 2 * LANES] {
        // SAFETY: w has LANES readable u64 (two vectors).
        let (r0, r1) = unsafe {
            (
                _mm256_loadu_si256(w.as_ptr().cast()),
                _mm256_loadu_si256(w.as_ptr().add(LANES / 2).cast()),
            )
        };
        let (a, b) = normal_pairs_ps(r0, r1);
        let mut out = [0f32; 2 * LANES];
        // SAFETY: out has 2 LANES writable f32.
        unsafe {
            _mm256_storeu_ps(out.as_mut_ptr(), a);
            _mm256_storeu_ps(out.as_mut_ptr().add(LANES), b);
        }
        out
    }

    #[target_feature(enable = "avx2,fma,f16c")]
    fn pairs64(w: &[u64; LANES]) -> [f64; LANES] {
        // SAFETY: w has LANES readable u64 (two vectors).
        let (r0, r1) = unsafe {
            (
                _mm256_loadu_si256(w.as_ptr().cast()),
                _mm256_loadu_si256(w.as_ptr().add(LANES / 2).cast()),
            )
        };
        let (a, b) = normal_pairs_pd(r0, r1);
        let mut out = [0f64; LANES];
        // SAFETY: out has LANES writable f64.
        unsafe {
            _mm256_storeu_pd(out.as_mut_ptr(), a);
            _mm256_storeu_pd(out.as_mut_ptr().add(LANES / 2), b);
        }
        out
    }

    /// Every binary32 uniform and truncated normal input: the uniform reads
    /// bits 8..32, the truncated normal bits 0..23 and 31.
    #[test]
    fn every_binary32_input_equals_the_reference() {
        if !runs() {
            return;
        }
        let mut r = [0u32; LANES];
        for base in (0..1u32 << 24).step_by(LANES) {
            for (k, x) in r.iter_mut().enumerate() {
                let m = base + k as u32;
                // the truncated normal's mantissa bits and both signs
                *x = (m & 0x7f_ffff) | ((m >> 23) << 31);
            }
            // SAFETY: runs() checked the CPU.
            let t = unsafe { lanes32::<{ Distribution::TruncatedNormal as u8 }>(&r) };
            for k in 0..LANES {
                assert_eq!(
                    t[k].to_bits(),
                    truncated32(r[k]).to_bits(),
                    "truncated {:#x}",
                    r[k]
                );
            }
            for (k, x) in r.iter_mut().enumerate() {
                *x = (base + k as u32) << 8;
            }
            // SAFETY: as above.
            let u = unsafe { lanes32::<{ Distribution::Uniform as u8 }>(&r) };
            for k in 0..LANES {
                assert_eq!(
                    u[k].to_bits(),
                    uniform32(r[k]).to_bits(),
                    "uniform {:#x}",
                    r[k]
                );
            }
        }
    }

    /// Box-Muller pairs and the binary64 transforms on pseudo-random words
    /// and on the edges (all zeros, all ones, each octant boundary).
    #[test]
    fn words_equal_the_reference() {
        if !runs() {
            return;
        }
        let mut x = 0x1234_5678_9abc_def0u64;
        let mut next = || {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            x ^ (x >> 29)
        };
        let edges = [
            0u64,
            u64::MAX,
            1,
            1 << 63,
            (1 << 61) - 1,
            1 << 61,
            u64::from(u32::MAX),
            0xffff_ffff_0000_0000,
        ];
        for round in 0..(1 << 18) {
            let mut w = [0u64; LANES];
            for (k, v) in w.iter_mut().enumerate() {
                *v = if round == 0 {
                    edges[k % edges.len()]
                } else {
                    next()
                };
            }
            // SAFETY: runs() checked the CPU.
            let p32 = unsafe { pairs32(&w) };
            for k in 0..LANES {
                let (c, s) = normal_pair32(w[k]);
                assert_eq!(
                    (p32[2 * k].to_bits(), p32[2 * k + 1].to_bits()),
                    (c.to_bits(), s.to_bits()),
                    "pair32 {:#x}",
                    w[k]
                );
            }
            // SAFETY: as above.
            let p64 = unsafe { pairs64(&w) };
            for k in 0..LANES / 2 {
                let (c, s) = normal_pair64(w[2 * k], w[2 * k + 1]);
                assert_eq!(
                    (p64[2 * k].to_bits(), p64[2 * k + 1].to_bits()),
                    (c.to_bits(), s.to_bits()),
                    "pair64 {:#x} {:#x}",
                    w[2 * k],
                    w[2 * k + 1]
                );
            }
            let half: &[u64; LANES / 2] = w[..LANES / 2].try_into().unwrap();
            // SAFETY: as above.
            let t = unsafe { lanes64::<{ Distribution::TruncatedNormal as u8 }>(half) };
            let u = unsafe { lanes64::<{ Distribution::Uniform as u8 }>(half) };
            for k in 0..LANES / 2 {
                assert_eq!(
                    t[k].to_bits(),
                    truncated64(half[k]).to_bits(),
                    "truncated64 {:#x}",
                    half[k]
                );
                assert_eq!(
                    u[k].to_bits(),
                    uniform64(half[k]).to_bits(),
                    "uniform64 {:#x}",
                    half[k]
                );
            }
        }
    }
}
