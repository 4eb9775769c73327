//! Choosing a kernel at run time.
//!
//! The CPU is asked once which instruction sets it has; the environment
//! variable `VS_MAX_ISA=portable|avx2|avx512` (read once, at the first
//! fill) caps the choice, as oneDNN's `ONEDNN_MAX_CPU_ISA` does. Every
//! kernel gives the portable kernel's bits; the choice changes only speed.
//!
//! Kernels and what they need:
//! * `portable`: the scalar reference (`portable.rs`), everywhere; the only
//!   one under Miri.
//! * `avx2`: x86-64 with AVX2, FMA and F16C (`avx2.rs`).
//! * `avx512`: x86-64 with AVX-512 F, DQ and BW (`avx512.rs`).

// Calls the SIMD kernels, which are unsafe, once the CPU has their features.
#![allow(unsafe_code)]

use std::ffi::CStr;
use std::sync::OnceLock;

use super::{Out32, Stream32, Stream64, portable};

/// A kernel level, ordered from the most portable to the widest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Isa {
    /// Scalar Rust, any CPU.
    Portable,
    /// 256-bit AVX2 + FMA + F16C.
    Avx2,
    /// 512-bit AVX-512 F + DQ + BW.
    Avx512,
}

impl Isa {
    /// Every level, in order.
    pub const ALL: [Isa; 3] = [Isa::Portable, Isa::Avx2, Isa::Avx512];

    /// The name `vs_isa()` reports and `VS_MAX_ISA` accepts, as a C
    /// string: the one place the names are written.
    pub const fn cname(self) -> &'static CStr {
        match self {
            Isa::Portable => c"portable",
            Isa::Avx2 => c"avx2",
            Isa::Avx512 => c"avx512",
        }
    }

    /// The name `vs_isa()` reports and `VS_MAX_ISA` accepts.
    pub const fn name(self) -> &'static str {
        match std::str::from_utf8(self.cname().to_bytes()) {
            Ok(s) => s,
            Err(_) => panic!("kernel names are ASCII"),
        }
    }

    /// Parses a `VS_MAX_ISA` value (ASCII case-insensitive, surrounding
    /// blanks ignored); `None` for anything else.
    pub fn parse(text: &str) -> Option<Isa> {
        let t = text.trim();
        Isa::ALL
            .into_iter()
            .find(|isa| isa.name().eq_ignore_ascii_case(t))
    }
}

/// The widest level this CPU runs (cached after the first call).
pub fn detected() -> Isa {
    static DETECTED: OnceLock<Isa> = OnceLock::new();
    *DETECTED.get_or_init(detect)
}

#[cfg(all(target_arch = "x86_64", not(miri)))]
fn detect() -> Isa {
    if std::arch::is_x86_feature_detected!("avx512f")
        && std::arch::is_x86_feature_detected!("avx512dq")
        && std::arch::is_x86_feature_detected!("avx512bw")
        && std::arch::is_x86_feature_detected!("avx2")
        && std::arch::is_x86_feature_detected!("fma")
        && std::arch::is_x86_feature_detected!("f16c")
    {
        Isa::Avx512
    } else if std::arch::is_x86_feature_detected!("avx2")
        && std::arch::is_x86_feature_detected!("fma")
        && std::arch::is_x86_feature_detected!("f16c")
    {
        Isa::Avx2
    } else {
        Isa::Portable
    }
}

#[cfg(not(all(target_arch = "x86_64", not(miri))))]
fn detect() -> Isa {
    Isa::Portable
}

/// Every level this CPU can run, from portable up.
pub fn available() -> Vec<Isa> {
    Isa::ALL.into_iter().filter(|&i| i <= detected()).collect()
}

/// The cap from `VS_MAX_ISA`, if set to a known name.
pub fn cap() -> Option<Isa> {
    static CAP: OnceLock<Option<Isa>> = OnceLock::new();
    *CAP.get_or_init(|| {
        std::env::var("VS_MAX_ISA")
            .ok()
            .and_then(|v| Isa::parse(&v))
    })
}

/// The kernel fills use: the widest level the CPU runs, capped by
/// `VS_MAX_ISA` (an unknown value is ignored, as oneDNN does).
pub fn kernel() -> Isa {
    static KERNEL: OnceLock<Isa> = OnceLock::new();
    *KERNEL.get_or_init(|| match cap() {
        Some(c) => c.min(detected()),
        None => detected(),
    })
}

/// Whether large fills bypass the cache: see [`crate::engine::NT_MIN_BYTES`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stores {
    /// Ordinary stores: the output stays in cache.
    Cached,
    /// Non-temporal stores where the kernel has them.
    Streaming,
}

/// Where a vector loop over `n` elements of `size` bytes at `ptr` may
/// start, for elements whose index must be a multiple of `parity` (2 for
/// the binary32 class, whose words cover pairs; 1 otherwise): the first
/// such position, and, with streaming stores, the first one that is also
/// `align`-byte aligned, when one exists within the first vector's reach.
/// Returns `(head, streaming)`.
pub fn loop_start(
    ptr: usize,
    start: u64,
    n: usize,
    size: usize,
    parity: u64,
    align: usize,
    stores: Stores,
) -> (usize, bool) {
    let first = ((parity - start % parity) % parity) as usize;
    if stores == Stores::Streaming && ptr.is_multiple_of(size) {
        let per = align / size;
        for h in (first..first + per * parity as usize).step_by(parity as usize) {
            if (ptr + h * size).is_multiple_of(align) {
                return (h.min(n), h < n);
            }
        }
    }
    (first.min(n), false)
}

/// A binary32-class output type the kernels can write.
pub trait Dispatch32: Out32 {
    /// Writes elements `[start, start + out.len())` with kernel `isa`.
    ///
    /// # Panics
    /// If this CPU cannot run `isa` (see [`available`]).
    fn fill(isa: Isa, s: &Stream32, start: u64, out: &mut [Self], stores: Stores);
}

fn assert_runs(isa: Isa) {
    assert!(
        isa <= detected(),
        "kernel {} requested on a CPU that runs only up to {}",
        isa.name(),
        detected().name()
    );
}

macro_rules! dispatch32 {
    ($t:ty, $avx2:ident, $avx512:ident) => {
        impl Dispatch32 for $t {
            fn fill(isa: Isa, s: &Stream32, start: u64, out: &mut [$t], stores: Stores) {
                assert_runs(isa);
                match isa {
                    Isa::Portable => portable::fill32(s, start, out),
                    #[cfg(target_arch = "x86_64")]
                    // SAFETY: assert_runs checked that the CPU has the
                    // kernel's instruction sets.
                    Isa::Avx2 => unsafe { super::avx2::$avx2(s, start, out, stores) },
                    #[cfg(target_arch = "x86_64")]
                    // SAFETY: as above.
                    Isa::Avx512 => unsafe { super::avx512::$avx512(s, start, out, stores) },
                    #[cfg(not(target_arch = "x86_64"))]
                    _ => {
                        let _ = stores;
                        unreachable!("only the portable kernel exists on this architecture")
                    }
                }
            }
        }
    };
}

dispatch32!(f32, fill_f32, fill_f32);
dispatch32!(half::f16, fill_f16, fill_f16);
dispatch32!(half::bf16, fill_bf16, fill_bf16);

/// Writes binary64 elements `[start, start + out.len())` with kernel `isa`.
///
/// # Panics
/// If this CPU cannot run `isa`.
pub fn fill64(isa: Isa, s: &Stream64, start: u64, out: &mut [f64], stores: Stores) {
    assert_runs(isa);
    match isa {
        Isa::Portable => portable::fill64(s, start, out),
        #[cfg(target_arch = "x86_64")]
        // SAFETY: assert_runs checked that the CPU has AVX2, FMA, F16C.
        Isa::Avx2 => unsafe { super::avx2::fill_f64(s, start, out, stores) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: assert_runs checked that the CPU has AVX-512 F, DQ, BW.
        Isa::Avx512 => unsafe { super::avx512::fill_f64(s, start, out, stores) },
        #[cfg(not(target_arch = "x86_64"))]
        _ => {
            let _ = stores;
            unreachable!("only the portable kernel exists on this architecture")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for isa in Isa::ALL {
            assert_eq!(Isa::parse(isa.name()), Some(isa));
        }
        assert_eq!(Isa::parse(" AVX2 "), Some(Isa::Avx2));
        assert_eq!(Isa::parse("sse2"), None);
        assert!(kernel() <= detected());
        assert_eq!(available()[0], Isa::Portable);
    }
}
