//! Sampling algorithms and kernels: `vs_algorithm` (the default's name),
//! `vs_with_algorithm`, `vs_get_algorithm`, `vs_algorithm_name`, `vs_isa`.

use libc::c_char;

use super::boundary::ffi_boundary;
use super::status::algorithm_from_u32;
use super::{check_ptr, clear_handle_out, handle, store_handle, vs_initializer, vs_status};
use crate::engine::Algorithm;

/// The name and version of the default sampling algorithm, the one new
/// handles use: `"splitmix64-ctr-v2"` (docs/algorithm-v2.md). Static; never
/// NULL. `vs_algorithm_name(VS_ALGORITHM_DEFAULT)` gives the same text.
#[unsafe(no_mangle)]
pub extern "C" fn vs_algorithm() -> *const c_char {
    Algorithm::DEFAULT.cname().as_ptr()
}

/// Creates a new handle equal to `init` (config, seed, fan rule, thread cap) but for the
/// sampling algorithm `algorithm` (a `vs_algorithm_id` value). `init` is not
/// changed and stays valid; both handles are immutable and may be shared
/// between threads. The new handle's config JSON is the same (the algorithm
/// is not a Keras key), so keep the algorithm next to the JSON when a
/// reproducible run needs it.
///
/// To get the bits of libvariance_scaling 0.1, pass
/// `VS_ALGORITHM_PCG64_BLOCK_V1`.
///
/// Returns `VS_OK`; `VS_ERR_NULL_ARGUMENT` (`init` or `out` NULL);
/// `VS_ERR_INVALID_ALGORITHM` (an unknown number); `VS_ERR_INTERNAL`. On
/// any error `*out` is NULL. The caller owns the new handle and releases it
/// with `vs_destroy`. Thread-safe.
///
/// # Safety
/// `init` is NULL or a live handle; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vs_with_algorithm(
    init: *const vs_initializer,
    algorithm: u32,
    out: *mut *mut vs_initializer,
) -> vs_status {
    // SAFETY: per the contract on `out`.
    unsafe { clear_handle_out(out) };
    ffi_boundary!(c"vs_with_algorithm", {
        check_ptr(out, "out")?;
        // SAFETY: per the contract on `init`.
        let init = unsafe { handle(init)? };
        let inner = init.with_algorithm(algorithm_from_u32(algorithm)?);
        // SAFETY: `out` checked above.
        unsafe { store_handle(out, inner) };
        Ok(())
    })
}

/// Writes the handle's sampling algorithm (a `vs_algorithm_id` value) to
/// `*algorithm`: `VS_ALGORITHM_DEFAULT` unless the handle was made by
/// `vs_with_algorithm`.
///
/// Returns `VS_OK` or `VS_ERR_NULL_ARGUMENT` (`init` or `algorithm` NULL);
/// `*algorithm` is written only on success. Thread-safe.
///
/// # Safety
/// `init` is NULL or a live handle; `algorithm` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vs_get_algorithm(
    init: *const vs_initializer,
    algorithm: *mut u32,
) -> vs_status {
    ffi_boundary!(c"vs_get_algorithm", {
        // SAFETY: per the contract on `init`.
        let init = unsafe { handle(init)? };
        check_ptr(algorithm, "algorithm")?;
        // SAFETY: checked non-NULL and aligned.
        unsafe { *algorithm = init.algorithm() as u32 };
        Ok(())
    })
}

/// The name and version of algorithm number `algorithm`
/// (`"pcg64-block-v1"` for 1, `"splitmix64-ctr-v2"` for 2), or NULL for a
/// number no algorithm has. Static; never freed. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn vs_algorithm_name(algorithm: u32) -> *const c_char {
    match Algorithm::from_u32(algorithm) {
        Some(a) => a.cname().as_ptr(),
        None => std::ptr::null(),
    }
}

/// The name of the kernel fills of the default algorithm run on:
/// `"portable"` (scalar, any CPU), `"avx2"` (x86-64 with AVX2, FMA and
/// F16C) or `"avx512"` (AVX-512 F, DQ and BW). Chosen once, at the first call
/// of this function or of a fill: the widest the CPU runs, capped by the
/// environment variable `VS_MAX_ISA=portable|avx2|avx512` when it is set to
/// one of those names (other values are ignored). Every kernel gives the
/// same bits; only the speed differs. Static; never NULL. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn vs_isa() -> *const c_char {
    crate::engine::v2::platform::kernel().cname().as_ptr()
}
