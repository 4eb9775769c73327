//! The AVX-512 kernel (x86-64 with AVX-512 F, DQ and BW): the operations of
//! `mod.rs`, in the same order, on 16 binary32 or 8 binary64 lanes, with
//! the same correspondence between intrinsics and scalar operations as
//! `avx2.rs`. AVX-512 DQ's `vpmullq` does SplitMix64's 64-bit
//! multiplications in one instruction each.

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
#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx2,fma,f16c")]
fn splat64(x: u64) -> __m512i {
    _mm512_set1_epi64(x as i64)
}

#[inline]
#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx2,fma,f16c")]
fn splat32(x: u32) -> __m512i {
    _mm512_set1_epi32(x as i32)
}

/// SplitMix64's `mix64` in each 64-bit lane.
#[inline]
#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx2,fma,f16c")]
fn mix64(x: __m512i) -> __m512i {
    let z = _mm512_xor_si512(x, _mm512_srli_epi64::<30>(x));
    let z = _mm512_mullo_epi64(z, splat64(M1));
    let z = _mm512_xor_si512(z, _mm512_srli_epi64::<27>(z));
    let z = _mm512_mullo_epi64(z, splat64(M2));
    _mm512_xor_si512(z, _mm512_srli_epi64::<31>(z))
}

#[inline]
#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx2,fma,f16c")]
fn horner_ps(c: &[f32], u: __m512) -> __m512 {
    let (last, rest) = c.split_last().expect("coefficients");
    let mut p = _mm512_set1_ps(*last);
    for &ci in rest.iter().rev() {
        p = _mm512_fmadd_ps(p, u, _mm512_set1_ps(ci));
    }
    p
}

#[inline]
#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx2,fma,f16c")]
fn horner_pd(c: &[f64], u: __m512d) -> __m512d {
    let (last, rest) = c.split_last().expect("coefficients");
    let mut p = _mm512_set1_pd(*last);
    for &ci in rest.iter().rev() {
        p = _mm512_fmadd_pd(p, u, _mm512_set1_pd(ci));
    }
    p
}

#[inline]
#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx2,fma,f16c")]
fn neg_ln_ps(t: __m512) -> __m512 {
    let ix = _mm512_add_epi32(
        _mm512_castps_si512(t),
        splat32(0x3f80_0000 - SQRT_HALF_BITS32),
    );
    let k = _mm512_sub_epi32(_mm512_srli_epi32::<23>(ix), splat32(127));
    let kf = _mm512_cvtepi32_ps(k);
    let m = _mm512_castsi512_ps(_mm512_add_epi32(
        _mm512_and_si512(ix, splat32(0x007f_ffff)),
        splat32(SQRT_HALF_BITS32),
    ));
    let f = _mm512_sub_ps(m, _mm512_set1_ps(1.0));
    let y = _mm512_fmadd_ps(_mm512_mul_ps(f, f), horner_ps(&LOG32_R, f), f);
    _mm512_fnmsub_ps(kf, _mm512_set1_ps(LN2_32), y)
}

#[inline]
#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx2,fma,f16c")]
fn neg_ln_pd(t: __m512d) -> __m512d {
    let ix = _mm512_add_epi64(
        _mm512_castpd_si512(t),
        splat64(0x3ff0_0000_0000_0000 - SQRT_HALF_BITS64),
    );
    let k = _mm512_sub_epi64(_mm512_srli_epi64::<52>(ix), splat64(1023));
    let kf = _mm512_cvtepi64_pd(k);
    let m = _mm512_castsi512_pd(_mm512_add_epi64(
        _mm512_and_si512(ix, splat64(0x000f_ffff_ffff_ffff)),
        splat64(SQRT_HALF_BITS64),
    ));
    let f = _mm512_sub_pd(m, _mm512_set1_pd(1.0));
    let hfsq = _mm512_mul_pd(_mm512_mul_pd(_mm512_set1_pd(0.5), f), f);
    let s = _mm512_div_pd(f, _mm512_add_pd(_mm512_set1_pd(2.0), f));
    let z = _mm512_mul_pd(s, s);
    let r = _mm512_mul_pd(z, horner_pd(&LOG64_Q, z));
    let c = _mm512_fnmadd_pd(s, _mm512_add_pd(hfsq, r), hfsq);
    let y = _mm512_sub_pd(f, c);
    let lo = _mm512_fmadd_pd(kf, _mm512_set1_pd(LN2_LO), y);
    _mm512_fnmsub_pd(kf, _mm512_set1_pd(LN2_HI), lo)
}

#[inline]
#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx2,fma,f16c")]
fn standard_ps<const D: u8>(r: __m512i) -> __m512 {
    if D == Distribution::Uniform as u8 {
        let k = _mm512_cvtepi32_ps(_mm512_srli_epi32::<8>(r));
        return _mm512_fmsub_ps(
            k,
            _mm512_set1_ps(1.0 / (1u32 << 23) as f32),
            _mm512_set1_ps(1.0),
        );
    }
    let sign = _mm512_and_si512(r, splat32(0x8000_0000));
    let z = if D == Distribution::TruncatedNormal as u8 {
        let q2 = _mm512_or_si512(
            _mm512_and_si512(_mm512_slli_epi32::<1>(r), splat32(0x00ff_fffe)),
            splat32(1),
        );
        let x = _mm512_mul_ps(
            _mm512_cvtepi32_ps(q2),
            _mm512_set1_ps(ERF_SQRT2_32 * (1.0 / (1u32 << 24) as f32)),
        );
        let t = _mm512_fnmadd_ps(x, x, _mm512_set1_ps(1.0));
        let w = neg_ln_ps(t);
        let p = horner_ps(&T32, _mm512_sub_ps(w, _mm512_set1_ps(T32_CENTRE)));
        _mm512_mul_ps(x, p)
    } else {
        unreachable!("the untruncated normal is computed in pairs (normal_pairs_ps)")
    };
    _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(z), sign))
}

#[inline]
#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx2,fma,f16c")]
fn standard_pd<const D: u8>(r: __m512i) -> __m512d {
    if D == Distribution::Uniform as u8 {
        let b = _mm512_or_si512(_mm512_srli_epi64::<12>(r), splat64(0x4000_0000_0000_0000));
        return _mm512_sub_pd(_mm512_castsi512_pd(b), _mm512_set1_pd(3.0));
    }
    let sign = _mm512_and_si512(r, splat64(0x8000_0000_0000_0000));
    let odd = odd53(r);
    let z = if D == Distribution::TruncatedNormal as u8 {
        let x = _mm512_mul_pd(odd, _mm512_set1_pd(ERF_SQRT2_64));
        let t = _mm512_fnmadd_pd(x, x, _mm512_set1_pd(1.0));
        let w = neg_ln_pd(t);
        let p = horner_pd(&T64, _mm512_sub_pd(w, _mm512_set1_pd(T64_CENTRE)));
        _mm512_mul_pd(x, p)
    } else {
        unreachable!("the untruncated normal is computed in pairs (normal_pairs_pd)")
    };
    _mm512_castsi512_pd(_mm512_xor_si512(_mm512_castpd_si512(z), sign))
}

/// `(cos theta, sin theta)` of 16 lanes of 32 angle bits (`circle32`).
#[inline]
#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx2,fma,f16c")]
fn circle_ps(b: __m512i) -> (__m512, __m512) {
    let o = _mm512_srli_epi32::<29>(b);
    let odd = _mm512_test_epi32_mask(o, splat32(1));
    let frac = _mm512_mask_xor_epi32(
        _mm512_and_si512(b, splat32(0x007f_ffff)),
        odd,
        _mm512_and_si512(b, splat32(0x007f_ffff)),
        splat32(0x007f_ffff),
    );
    let g = _mm512_sub_ps(
        _mm512_castsi512_ps(_mm512_or_si512(frac, splat32(0x3f80_0000))),
        _mm512_set1_ps(1.0 - 1.0 / (1u32 << 24) as f32),
    );
    let z = _mm512_mul_ps(g, g);
    let s = _mm512_mul_ps(g, horner_ps(&SIN32, z));
    let c = horner_ps(&COS32, z);
    let swap = _mm512_test_epi32_mask(_mm512_add_epi32(o, splat32(1)), splat32(2));
    let sv = _mm512_mask_blend_ps(swap, s, c);
    let cv = _mm512_mask_blend_ps(swap, c, s);
    let cneg = _mm512_and_si512(
        _mm512_slli_epi32::<29>(_mm512_add_epi32(o, splat32(2))),
        splat32(0x8000_0000),
    );
    let sneg = _mm512_and_si512(b, splat32(0x8000_0000));
    (
        _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(cv), cneg)),
        _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(sv), sneg)),
    )
}

/// The binary32 standard normals of 16 words (32 elements, in order):
/// Box-Muller on each word's halves (`normal_pair32`).
#[inline]
#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx2,fma,f16c")]
fn normal_pairs_ps(r0: __m512i, r1: __m512i) -> (__m512, __m512) {
    let even = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
    let a = _mm512_permutex2var_epi32(r0, even, r1);
    let b = _mm512_permutex2var_epi32(r0, _mm512_add_epi32(even, splat32(1)), r1);
    let v = _mm512_fmadd_ps(
        _mm512_cvtepi32_ps(_mm512_srli_epi32::<1>(a)),
        _mm512_set1_ps(1.0 / (1u64 << 31) as f32),
        _mm512_set1_ps(1.0 / (1u64 << 32) as f32),
    );
    let w = neg_ln_ps(v);
    let r = _mm512_sqrt_ps(_mm512_add_ps(w, w));
    let (c, s) = circle_ps(b);
    let c = _mm512_mul_ps(r, c);
    let s = _mm512_mul_ps(r, s);
    let lo = _mm512_set_epi32(23, 7, 22, 6, 21, 5, 20, 4, 19, 3, 18, 2, 17, 1, 16, 0);
    (
        _mm512_permutex2var_ps(c, lo, s),
        _mm512_permutex2var_ps(c, _mm512_add_epi32(lo, splat32(8)), s),
    )
}

/// `(cos theta, sin theta)` of 8 lanes of 64 angle bits (`circle64`).
#[inline]
#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx2,fma,f16c")]
fn circle_pd(b: __m512i) -> (__m512d, __m512d) {
    let o = _mm512_srli_epi64::<61>(b);
    let odd = _mm512_test_epi64_mask(o, splat64(1));
    let m52 = splat64(0x000f_ffff_ffff_ffff);
    let frac = _mm512_mask_xor_epi64(_mm512_and_si512(b, m52), odd, _mm512_and_si512(b, m52), m52);
    let g = odd53(frac);
    let z = _mm512_mul_pd(g, g);
    let s = _mm512_mul_pd(g, horner_pd(&SIN64, z));
    let c = horner_pd(&COS64, z);
    let swap = _mm512_test_epi64_mask(_mm512_add_epi64(o, splat64(1)), splat64(2));
    let sv = _mm512_mask_blend_pd(swap, s, c);
    let cv = _mm512_mask_blend_pd(swap, c, s);
    let cneg = _mm512_slli_epi64::<61>(_mm512_and_si512(
        _mm512_add_epi64(o, splat64(2)),
        splat64(4),
    ));
    let sneg = _mm512_and_si512(b, splat64(0x8000_0000_0000_0000));
    (
        _mm512_castsi512_pd(_mm512_xor_si512(_mm512_castpd_si512(cv), cneg)),
        _mm512_castsi512_pd(_mm512_xor_si512(_mm512_castpd_si512(sv), sneg)),
    )
}

/// `(2m + 1) 2^-53` for the low 52 bits `m` of each lane, exact.
#[inline]
#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx2,fma,f16c")]
fn odd53(r: __m512i) -> __m512d {
    _mm512_add_pd(
        _mm512_sub_pd(
            _mm512_castsi512_pd(_mm512_or_si512(
                _mm512_and_si512(r, splat64(0x000f_ffff_ffff_ffff)),
                splat64(0x3ff0_0000_0000_0000),
            )),
            _mm512_set1_pd(1.0),
        ),
        _mm512_set1_pd(1.0 / (1u64 << 53) as f64),
    )
}

/// The binary64 standard normals of 16 words (16 elements, in order):
/// Box-Muller on word pairs (`normal_pair64`).
#[inline]
#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx2,fma,f16c")]
fn normal_pairs_pd(r0: __m512i, r1: __m512i) -> (__m512d, __m512d) {
    let even = _mm512_set_epi64(14, 12, 10, 8, 6, 4, 2, 0);
    let a = _mm512_permutex2var_epi64(r0, even, r1);
    let b = _mm512_permutex2var_epi64(r0, _mm512_add_epi64(even, splat64(1)), r1);
    let w = neg_ln_pd(odd53(a));
    let r = _mm512_sqrt_pd(_mm512_add_pd(w, w));
    let (c, s) = circle_pd(b);
    let c = _mm512_mul_pd(r, c);
    let s = _mm512_mul_pd(r, s);
    let lo = _mm512_set_epi64(11, 3, 10, 2, 9, 1, 8, 0);
    (
        _mm512_permutex2var_pd(c, lo, s),
        _mm512_permutex2var_pd(c, _mm512_add_epi64(lo, splat64(4)), s),
    )
}

/// Stores 32 binary32 values as `T`.
trait Put32 {
    /// # Safety
    /// `dst` has 32 writable elements; with `nt`, `dst` is 64-byte aligned.
    unsafe fn put32(dst: *mut Self, a: __m512, b: __m512, nt: bool);
}

impl Put32 for f32 {
    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512bw,avx2,fma,f16c")]
    unsafe fn put32(dst: *mut f32, a: __m512, b: __m512, nt: bool) {
        // SAFETY: 32 writable (with nt: 64-byte aligned) elements.
        unsafe {
            if nt {
                _mm512_stream_ps(dst, a);
                _mm512_stream_ps(dst.add(16), b);
            } else {
                _mm512_storeu_ps(dst, a);
                _mm512_storeu_ps(dst.add(16), b);
            }
        }
    }
}

impl Put32 for half::f16 {
    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512bw,avx2,fma,f16c")]
    unsafe fn put32(dst: *mut half::f16, a: __m512, b: __m512, nt: bool) {
        let lo = _mm512_cvtps_ph::<_MM_FROUND_TO_NEAREST_INT>(a);
        let hi = _mm512_cvtps_ph::<_MM_FROUND_TO_NEAREST_INT>(b);
        // one 64-byte store: a whole line (two 32-byte streaming stores
        // to one line were measured 2x slower on two threads)
        let v = _mm512_inserti64x4::<1>(_mm512_castsi256_si512(lo), hi);
        // SAFETY: 64 writable (with nt: 64-byte aligned) bytes.
        unsafe {
            if nt {
                _mm512_stream_si512(dst.cast(), v);
            } else {
                _mm512_storeu_si512(dst.cast(), v);
            }
        }
    }
}

/// Each 32-bit lane of `v` rounded to nearest-even at bit 16 (values are
/// never NaN): the bfloat16 bits are the high half of each lane.
#[inline]
#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx2,fma,f16c")]
fn bf16_rounded(v: __m512) -> __m512i {
    let b = _mm512_castps_si512(v);
    let odd = _mm512_and_si512(_mm512_srli_epi32::<16>(b), splat32(1));
    _mm512_add_epi32(_mm512_add_epi32(b, splat32(0x7fff)), odd)
}

impl Put32 for half::bf16 {
    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512bw,avx2,fma,f16c")]
    unsafe fn put32(dst: *mut half::bf16, a: __m512, b: __m512, nt: bool) {
        // the high 16-bit halves of both vectors' lanes, in order: words
        // 1, 3, ..., 31 of `a`, then of `b` (indices 32 and up)
        let idx = _mm512_set_epi16(
            63, 61, 59, 57, 55, 53, 51, 49, 47, 45, 43, 41, 39, 37, 35, 33, 31, 29, 27, 25, 23, 21,
            19, 17, 15, 13, 11, 9, 7, 5, 3, 1,
        );
        let v = _mm512_permutex2var_epi16(bf16_rounded(a), idx, bf16_rounded(b));
        // SAFETY: 64 writable (with nt: 64-byte aligned) bytes.
        unsafe {
            if nt {
                _mm512_stream_si512(dst.cast(), v);
            } else {
                _mm512_storeu_si512(dst.cast(), v);
            }
        }
    }
}

#[inline]
#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx2,fma,f16c")]
fn lanes(k: u64) -> __m512i {
    let g = |i: u64| GAMMA.wrapping_mul(i) as i64;
    _mm512_add_epi64(
        splat64(k),
        _mm512_set_epi64(g(7), g(6), g(5), g(4), g(3), g(2), g(1), 0),
    )
}

/// The vector loop of every binary32-class fill.
///
/// # Safety
/// The CPU has AVX-512 F, DQ and BW, AVX2, FMA and F16C.
#[inline]
#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx2,fma,f16c")]
unsafe fn fill32<T: Put32 + super::Out32, const D: u8>(
    s: &Stream32,
    start: u64,
    out: &mut [T],
    stores: Stores,
) {
    let n = out.len();
    let size = std::mem::size_of::<T>();
    let (head, nt) = loop_start(out.as_ptr() as usize, start, n, size, 2, 64, stores);
    portable::fill32(s, start, &mut out[..head]);
    let body = (n - head) / 32 * 32;
    let first = start + head as u64;
    let k = first / 2;
    let mut ctr = lanes(s.key.wrapping_add(k.wrapping_add(1).wrapping_mul(GAMMA)));
    let step = splat64(GAMMA.wrapping_mul(8));
    let factor = _mm512_set1_ps(s.factor);
    let dst = out[head..].as_mut_ptr();
    let mut j = 0;
    while j < body {
        let r0 = mix64(ctr);
        ctr = _mm512_add_epi64(ctr, step);
        let r1 = mix64(ctr);
        ctr = _mm512_add_epi64(ctr, step);
        let (a, b) = if D == Distribution::UntruncatedNormal as u8 {
            normal_pairs_ps(r0, r1)
        } else {
            (standard_ps::<D>(r0), standard_ps::<D>(r1))
        };
        let a = _mm512_mul_ps(a, factor);
        let b = _mm512_mul_ps(b, factor);
        // SAFETY: j + 32 <= body elements remain at dst + j; with nt, dst
        // + j is 64-byte aligned (loop_start; 32 elements of 2 or 4 bytes
        // are a multiple of 64 bytes).
        unsafe { T::put32(dst.add(j), a, b, nt) };
        j += 32;
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
        /// The CPU has AVX-512 F, DQ and BW, AVX2, FMA and F16C.
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
#[target_feature(enable = "avx512f,avx512dq,avx512bw,avx2,fma,f16c")]
unsafe fn fill64_d<const D: u8>(s: &Stream64, start: u64, out: &mut [f64], stores: Stores) {
    let n = out.len();
    // Box-Muller pairs (2k, 2k + 1) start a vector on an even element
    let parity = if D == Distribution::UntruncatedNormal as u8 {
        2
    } else {
        1
    };
    let (head, nt) = loop_start(out.as_ptr() as usize, start, n, 8, parity, 64, stores);
    portable::fill64(s, start, &mut out[..head]);
    let body = (n - head) / 16 * 16;
    let first = start + head as u64;
    let mut ctr = lanes(
        s.key
            .wrapping_add(first.wrapping_add(1).wrapping_mul(GAMMA)),
    );
    let step = splat64(GAMMA.wrapping_mul(8));
    let factor = _mm512_set1_pd(s.factor);
    let dst = out[head..].as_mut_ptr();
    let mut j = 0;
    while j < body {
        let r0 = mix64(ctr);
        ctr = _mm512_add_epi64(ctr, step);
        let r1 = mix64(ctr);
        ctr = _mm512_add_epi64(ctr, step);
        let (a, b) = if D == Distribution::UntruncatedNormal as u8 {
            normal_pairs_pd(r0, r1)
        } else {
            (standard_pd::<D>(r0), standard_pd::<D>(r1))
        };
        let a = _mm512_mul_pd(a, factor);
        let b = _mm512_mul_pd(b, factor);
        // SAFETY: j + 16 <= body elements remain at dst + j; with nt, dst +
        // j is 64-byte aligned (loop_start; 16 doubles are 128 bytes).
        unsafe {
            if nt {
                _mm512_stream_pd(dst.add(j), a);
                _mm512_stream_pd(dst.add(j + 8), b);
            } else {
                _mm512_storeu_pd(dst.add(j), a);
                _mm512_storeu_pd(dst.add(j + 8), b);
            }
        }
        j += 16;
    }
    if nt {
        _mm_sfence();
    }
    portable::fill64(s, first + body as u64, &mut out[head + body..]);
}

/// Writes binary64 elements `[start, start + out.len())`.
///
/// # Safety
/// The CPU has AVX-512 F, DQ and BW, AVX2, FMA and F16C.
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

    const LANES: usize = 16;

    fn runs() -> bool {
        let ok = detected() >= Isa::Avx512;
        if !ok {
            eprintln!("avx512 kernel tests SKIPPED: this CPU lacks its instruction sets");
        }
        ok
    }

    #[target_feature(enable = "avx512f,avx512dq,avx512bw,avx2,fma,f16c")]
    fn lanes32<const D: u8>(r: &[u32; LANES]) -> [f32; LANES] {
        // SAFETY: r has LANES readable u32.
        let v = unsafe { _mm512_loadu_si512(r.as_ptr().cast()) };
        let mut out = [0f32; LANES];
        // SAFETY: out has LANES writable f32.
        unsafe { _mm512_storeu_ps(out.as_mut_ptr(), standard_ps::<D>(v)) };
        out
    }

    #[target_feature(enable = "avx512f,avx512dq,avx512bw,avx2,fma,f16c")]
    fn lanes64<const D: u8>(r: &[u64; LANES / 2]) -> [f64; LANES / 2] {
        // SAFETY: r has LANES / 2 readable u64.
        let v = unsafe { _mm512_loadu_si512(r.as_ptr().cast()) };
        let mut out = [0f64; LANES / 2];
        // SAFETY: out has LANES / 2 writable f64.
        unsafe { _mm512_storeu_pd(out.as_mut_ptr(), standard_pd::<D>(v)) };
        out
    }

    #[target_feature(enable = "avx512f,avx512dq,avx512bw,avx2,fma,f16c")]
    fn pairs32(w: &[u64; LANES]) -> [f32; 2 * LANES] {
        // SAFETY: w has LANES readable u64 (two vectors).
        let (r0, r1) = unsafe {
            (
                _mm512_loadu_si512(w.as_ptr().cast()),
                _mm512_loadu_si512(w.as_ptr().add(LANES / 2).cast()),
            )
        };
        let (a, b) = normal_pairs_ps(r0, r1);
        let mut out = [0f32; 2 * LANES];
        // SAFETY: out has 2 LANES writable f32.
        unsafe {
            _mm512_storeu_ps(out.as_mut_ptr(), a);
            _mm512_storeu_ps(out.as_mut_ptr().add(LANES), b);
        }
        out
    }

    #[target_feature(enable = "avx512f,avx512dq,avx512bw,avx2,fma,f16c")]
    fn pairs64(w: &[u64; LANES]) -> [f64; LANES] {
        // SAFETY: w has LANES readable u64 (two vectors).
        let (r0, r1) = unsafe {
            (
                _mm512_loadu_si512(w.as_ptr().cast()),
                _mm512_loadu_si512(w.as_ptr().add(LANES / 2).cast()),
            )
        };
        let (a, b) = normal_pairs_pd(r0, r1);
        let mut out = [0f64; LANES];
        // SAFETY: out has LANES writable f64.
        unsafe {
            _mm512_storeu_pd(out.as_mut_ptr(), a);
            _mm512_storeu_pd(out.as_mut_ptr().add(LANES / 2), b);
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
