//! The portable kernel: the reference functions of `mod.rs` in plain
//! loops. Runs on every target (and under Miri); the SIMD kernels are
//! tested against it.

use super::{
    GAMMA, Out32, Stream32, Stream64, normal_pair32, normal_pair64, standard32, standard64,
    truncated64, uniform64,
};
use crate::config::Distribution;
use crate::engine::v1::mix64;

/// Writes binary32-class elements `[start, start + out.len())`.
pub fn fill32<T: Out32>(s: &Stream32, start: u64, out: &mut [T]) {
    fill32_with(s, start, out, |z| T::from_f32(z * s.factor));
}

/// Writes binary32-class elements when the factor overflows binary32:
/// `(f64(z) * factor)` rounded to binary32, then to `T`.
pub fn fill_wide<T: Out32>(s: &Stream32, factor: f64, start: u64, out: &mut [T]) {
    fill32_with(s, start, out, |z| {
        T::from_f32((f64::from(z) * factor) as f32)
    });
}

/// The loop of [`fill32`]: one word per pair of elements.
#[inline(always)]
fn fill32_with<T: Out32>(s: &Stream32, start: u64, out: &mut [T], finish: impl Fn(f32) -> T) {
    let d = s.distribution;
    let mut i = start;
    let mut rest = out;
    if i & 1 == 1 && !rest.is_empty() {
        let (first, tail) = rest.split_at_mut(1);
        first[0] = finish(standard32(d, super::word(s.key, i >> 1), i));
        rest = tail;
        i += 1;
    }
    // state of word k = i / 2 is key + (k + 1) * GAMMA
    let mut state = s
        .key
        .wrapping_add((i >> 1).wrapping_add(1).wrapping_mul(GAMMA));
    let mut pairs = rest.chunks_exact_mut(2);
    for pair in &mut pairs {
        let w = mix64(state);
        state = state.wrapping_add(GAMMA);
        let (a, b) = match d {
            Distribution::UntruncatedNormal => normal_pair32(w),
            _ => (standard32(d, w, 0), standard32(d, w, 1)),
        };
        pair[0] = finish(a);
        pair[1] = finish(b);
    }
    if let [last] = pairs.into_remainder() {
        *last = finish(standard32(d, mix64(state), 0));
    }
}

/// Writes binary64 elements `[start, start + out.len())`.
pub fn fill64(s: &Stream64, start: u64, out: &mut [f64]) {
    let d = s.distribution;
    if d == Distribution::UntruncatedNormal {
        // pairs (2k, 2k + 1) from words 2k and 2k + 1
        let mut i = start;
        let mut rest = out;
        if i & 1 == 1 && !rest.is_empty() {
            let (first, tail) = rest.split_at_mut(1);
            first[0] = standard64(d, s.key, i) * s.factor;
            rest = tail;
            i += 1;
        }
        let mut state = s.key.wrapping_add(i.wrapping_add(1).wrapping_mul(GAMMA));
        let mut pairs = rest.chunks_exact_mut(2);
        for pair in &mut pairs {
            let a = mix64(state);
            let b = mix64(state.wrapping_add(GAMMA));
            state = state.wrapping_add(GAMMA.wrapping_mul(2));
            let (c, sn) = normal_pair64(a, b);
            pair[0] = c * s.factor;
            pair[1] = sn * s.factor;
        }
        if let [last] = pairs.into_remainder() {
            let a = mix64(state);
            let b = mix64(state.wrapping_add(GAMMA));
            *last = normal_pair64(a, b).0 * s.factor;
        }
        return;
    }
    let mut state = s
        .key
        .wrapping_add(start.wrapping_add(1).wrapping_mul(GAMMA));
    for o in out {
        let w = mix64(state);
        *o = match d {
            Distribution::TruncatedNormal => truncated64(w),
            _ => uniform64(w),
        } * s.factor;
        state = state.wrapping_add(GAMMA);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::v2::{Class, key};

    /// The loops equal the per-element definition at any start and length.
    #[test]
    fn loops_equal_the_element_definition() {
        for d in Distribution::ALL {
            let s32 = Stream32 {
                key: key(5, d, Class::Binary32),
                distribution: d,
                factor: 0.25,
            };
            let s64 = Stream64 {
                key: key(5, d, Class::Binary64),
                distribution: d,
                factor: 0.25,
            };
            for start in [0u64, 1, 2, 7, u64::MAX - 40] {
                for len in [0usize, 1, 2, 3, 17] {
                    let mut a = vec![0f32; len];
                    fill32(&s32, start, &mut a);
                    let mut b = vec![0f64; len];
                    fill64(&s64, start, &mut b);
                    for j in 0..len {
                        let i = start + j as u64;
                        assert_eq!(a[j].to_bits(), s32.value(i).to_bits(), "{d:?} {i}");
                        assert_eq!(b[j].to_bits(), s64.value(i).to_bits(), "{d:?} {i}");
                    }
                }
            }
        }
    }
}
