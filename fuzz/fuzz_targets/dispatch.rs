//! Fuzz target: the kernels of `splitmix64-ctr-v2` against the portable
//! kernel and against the per-element definition.
//!
//! For a fuzzer-chosen seed, distribution, output type (f32, f64, f16,
//! bf16), factor (ordinary, f64-subnormal, binary32-subnormal, around the
//! largest binary32 and the rounding tie above it, or any finite value;
//! factors whose binary32 rounding is infinite take the engine's wide
//! path), start element (small, near 2^40, 2^62, the end of the largest
//! tensor, the end of the u64 range, or any) and length (0 to 4096, often
//! around the vector widths 8, 16, 32 and 64), the output slice is placed
//! at any element offset from a 64-byte boundary inside a larger buffer.
//! Then:
//!
//! * every kernel in `platform::available()`, with cached and with
//!   streaming stores, the dispatched kernel (`v2::fill32` / `v2::fill64`)
//!   and the library's own path (`engine::Sampler::fill_range_with`) give
//!   exactly the portable kernel's bits, and write nothing outside the
//!   slice;
//! * the portable kernel's every element equals the definition:
//!   `Stream32::value` of `Sampler::plan32()` (narrow: times the binary32
//!   factor; wide: the binary64 product rounded), rounded to f16/bf16 for
//!   the half types, or `Stream64::value` of `Sampler::stream64()`.

#![no_main]

use arbitrary::Arbitrary;
use half::{bf16, f16};
use libfuzzer_sys::fuzz_target;
use variance_scaling::engine::v2::platform::{self, Dispatch32, Isa, Stores};
use variance_scaling::engine::v2::{self, Plan32, Sampler};
use variance_scaling::{Algorithm, Distribution, Element};

mod common;
use common::Ty;

/// The longest fill tried.
const MAX_LEN: usize = 4096;
/// Guard elements after the slice (the 64 bytes before it are guards too).
const GUARD: usize = 8;

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Start {
    Small(u16),
    /// `2^40 + k`.
    Near40(i16),
    /// `2^62 + k`.
    Near62(i32),
    /// `k` before the end of the largest tensor (`INT64_MAX` elements).
    TensorEnd(u16),
    /// `k` before the end of the u64 index range.
    IndexEnd(u16),
    Any(u64),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Len {
    Small(u8),
    /// `times * width + delta` for a vector width of 8, 16, 32 or 64.
    AroundWidth {
        width: u8,
        times: u8,
        delta: i8,
    },
    Any(u16),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Factor {
    /// `(k + 1) / 4096`: the usual range.
    Ordinary(u16),
    /// The binary32 subnormal with these low bits, exactly.
    SubnormalF32(u32),
    /// Any binary64 between 2^-150 and 2^-126 (rounds to a binary32
    /// subnormal, or to 0 or the smallest normal).
    TinyF64(u64),
    /// `k` binary64 steps from the tie `f32::MAX + 2^103` (above it the
    /// binary32 rounding is infinite: the wide path).
    NearF32Max(i32),
    /// Between 2^128 and `f64::MAX`: always the wide path.
    Huge(u64),
    /// Any finite non-negative binary64 (subnormals included).
    Bits(u64),
}

#[derive(Arbitrary, Debug)]
struct Input {
    seed: u64,
    distribution: u8,
    ty: Ty,
    factor: Factor,
    start: Start,
    len: Len,
    /// Elements from a 64-byte boundary to the slice.
    shift: u8,
}

impl Len {
    fn value(self) -> usize {
        match self {
            Len::Small(n) => usize::from(n),
            Len::AroundWidth {
                width,
                times,
                delta,
            } => {
                let w = [8i64, 16, 32, 64][usize::from(width % 4)];
                let n = w * i64::from(times % 17) + i64::from(delta % 5);
                n.clamp(0, MAX_LEN as i64) as usize
            }
            Len::Any(n) => usize::from(n) % (MAX_LEN + 1),
        }
    }
}

impl Start {
    /// A start such that `start + len` fits in u64.
    fn value(self, len: usize) -> u64 {
        let last = u64::MAX - len as u64;
        let v = match self {
            Start::Small(k) => u64::from(k),
            Start::Near40(k) => (1u64 << 40).wrapping_add_signed(i64::from(k)),
            Start::Near62(k) => (1u64 << 62).wrapping_add_signed(i64::from(k)),
            Start::TensorEnd(k) => (i64::MAX as u64)
                .saturating_sub(len as u64)
                .saturating_sub(u64::from(k)),
            Start::IndexEnd(k) => last.saturating_sub(u64::from(k)),
            Start::Any(v) => v,
        };
        v.min(last)
    }
}

impl Factor {
    fn value(self) -> f64 {
        let v = match self {
            Factor::Ordinary(k) => (f64::from(k) + 1.0) / 4096.0,
            Factor::SubnormalF32(b) => f64::from(f32::from_bits(b % 0x0080_0000)),
            Factor::TinyF64(b) => {
                // [2^-150, 2^-126)
                let (lo, hi) = (0x3690_0000_0000_0000u64, 0x3810_0000_0000_0000u64);
                f64::from_bits(lo + b % (hi - lo))
            }
            Factor::NearF32Max(k) => {
                let tie = f64::from(f32::MAX) + 2f64.powi(103);
                f64::from_bits(tie.to_bits().wrapping_add_signed(i64::from(k)))
            }
            Factor::Huge(b) => {
                let (lo, hi) = (0x47f0_0000_0000_0000u64, f64::MAX.to_bits());
                f64::from_bits(lo + b % (hi - lo + 1))
            }
            Factor::Bits(b) => f64::from_bits(b & !(1 << 63)),
        };
        if v.is_finite() { v } else { 1.0 }
    }
}

/// An output type of the fills, with a guard value and its bits.
trait Out: Copy + Element + 'static {
    const SENTINEL: Self;
    fn bits(self) -> u64;
}

impl Out for f64 {
    const SENTINEL: f64 = -1234.5;
    fn bits(self) -> u64 {
        self.to_bits()
    }
}
impl Out for f32 {
    const SENTINEL: f32 = -1234.5;
    fn bits(self) -> u64 {
        u64::from(self.to_bits())
    }
}
impl Out for f16 {
    const SENTINEL: f16 = f16::from_bits(0x7e5a);
    fn bits(self) -> u64 {
        u64::from(self.to_bits())
    }
}
impl Out for bf16 {
    const SENTINEL: bf16 = bf16::from_bits(0x7fd5);
    fn bits(self) -> u64 {
        u64::from(self.to_bits())
    }
}

/// Runs `fill` on a slice of `len` elements starting `shift` elements
/// after a 64-byte boundary inside a larger buffer of guards; checks the
/// guards and returns the slice's bits.
fn placed<T: Out>(len: usize, shift: usize, what: &str, fill: impl FnOnce(&mut [T])) -> Vec<u64> {
    let line = 64 / std::mem::size_of::<T>();
    let mut buf = vec![T::SENTINEL; 2 * line + shift + len + GUARD];
    // the first 64-byte boundary, then one more line of guards before it
    let begin = buf.as_ptr().align_offset(64) + line + shift;
    assert!(begin + len + GUARD <= buf.len());
    fill(&mut buf[begin..begin + len]);
    let (head, rest) = buf.split_at(begin);
    let (body, tail) = rest.split_at(len);
    if let Some(k) = head
        .iter()
        .chain(tail)
        .position(|v| v.bits() != T::SENTINEL.bits())
    {
        panic!("{what}: wrote outside its slice (guard {k})");
    }
    body.iter().map(|v| v.bits()).collect()
}

/// Compares `got` with the portable kernel's `want`, naming the first
/// difference.
fn same(got: &[u64], want: &[u64], start: u64, what: &str) {
    if let Some(j) = got.iter().zip(want).position(|(a, b)| a != b) {
        panic!(
            "{what}: element {} (index {j} of the slice) is {:#x}, the portable kernel gives {:#x}",
            start + j as u64,
            got[j],
            want[j]
        );
    }
}

/// The library's own path for a v2 range: `engine::Sampler`.
fn library_sampler(s: &Sampler) -> variance_scaling::engine::Sampler {
    variance_scaling::engine::Sampler {
        algorithm: Algorithm::Splitmix64CtrV2,
        seed: s.seed,
        distribution: s.distribution,
        factor: s.factor,
    }
}

const STORES: [Stores; 2] = [Stores::Cached, Stores::Streaming];

fn check32<T: Out + Dispatch32>(s: &Sampler, start: u64, len: usize, shift: usize) {
    let kernel = |isa: Isa, o: &mut [T], stores: Stores| v2::fill32_with(isa, s, start, o, stores);
    let want = placed::<T>(len, shift, "portable", |o| {
        kernel(Isa::Portable, o, Stores::Cached)
    });
    // the definition, element by element
    let plan = s.plan32();
    for (j, &w) in want.iter().enumerate() {
        let i = start + j as u64;
        let v = match plan {
            Plan32::Narrow(st) => T::from_f32(st.value(i)),
            Plan32::Wide(st, factor) => T::from_f32((f64::from(st.value(i)) * factor) as f32),
        };
        assert_eq!(
            v.bits(),
            w,
            "portable kernel at element {i} differs from the definition ({plan:?})"
        );
    }
    check_kernels(s, start, len, shift, &want, kernel, |o, stores| {
        v2::fill32(s, start, o, stores)
    });
}

fn check64(s: &Sampler, start: u64, len: usize, shift: usize) {
    let kernel =
        |isa: Isa, o: &mut [f64], stores: Stores| v2::fill64_with(isa, s, start, o, stores);
    let want = placed::<f64>(len, shift, "portable", |o| {
        kernel(Isa::Portable, o, Stores::Cached)
    });
    let stream = s.stream64();
    for (j, &w) in want.iter().enumerate() {
        let i = start + j as u64;
        assert_eq!(
            stream.value(i).to_bits(),
            w,
            "portable kernel at element {i} differs from the definition"
        );
    }
    check_kernels(s, start, len, shift, &want, kernel, |o, stores| {
        v2::fill64(s, start, o, stores)
    });
}

/// Every kernel in `platform::available()` (`kernel`), the dispatched
/// kernel (`dispatched`), each with cached and streaming stores, and the
/// library's path give the portable kernel's bits `want` and write nothing
/// outside their slice.
fn check_kernels<T: Out>(
    s: &Sampler,
    start: u64,
    len: usize,
    shift: usize,
    want: &[u64],
    kernel: impl Fn(Isa, &mut [T], Stores),
    dispatched: impl Fn(&mut [T], Stores),
) {
    for isa in platform::available() {
        for stores in STORES {
            let what = format!("kernel {} {stores:?}", isa.name());
            let got = placed::<T>(len, shift, &what, |o| kernel(isa, o, stores));
            same(&got, want, start, &what);
        }
    }
    for stores in STORES {
        let what = format!("dispatched kernel {} {stores:?}", platform::kernel().name());
        let got = placed::<T>(len, shift, &what, |o| dispatched(o, stores));
        same(&got, want, start, &what);
        let got = placed::<T>(len, shift, "engine::Sampler", |o| {
            library_sampler(s).fill_range_with(start, o, stores)
        });
        same(&got, want, start, "engine::Sampler");
    }
}

fuzz_target!(|input: Input| {
    let s = Sampler {
        seed: input.seed,
        distribution: Distribution::ALL[usize::from(input.distribution % 3)],
        factor: input.factor.value(),
    };
    let len = input.len.value();
    let start = input.start.value(len);
    // any element offset from a 64-byte boundary
    let shift = usize::from(input.shift % 32);
    match input.ty {
        Ty::F32 => check32::<f32>(&s, start, len, shift % 16),
        Ty::F16 => check32::<f16>(&s, start, len, shift),
        Ty::Bf16 => check32::<bf16>(&s, start, len, shift),
        Ty::F64 => check64(&s, start, len, shift % 8),
    }
});
