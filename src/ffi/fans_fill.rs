//! One-call fills by fans, without a handle: `vs_fill_fans_f32`, `_f64`,
//! `_f16`, `_bf16`.

use super::boundary::ffi_boundary;
use super::status::{distribution_from_u32, mode_from_u32};
use super::{check_ptr, vs_status};
use crate::config::Config;
use crate::engine::Element;
use crate::error::{Error, ErrorKind};
use crate::initializer::Initializer;

/// The shared body of the `vs_fill_fans_*` functions.
///
/// # Safety
/// `out` is NULL or has `count` writable elements.
#[allow(clippy::too_many_arguments)]
unsafe fn fill_fans_any<T: Element>(
    scale: f64,
    mode: u32,
    distribution: u32,
    seed: u64,
    fan_in: i64,
    fan_out: i64,
    offset: u64,
    out: *mut T,
    count: usize,
) -> Result<(), Error> {
    crate::config::check_scale(scale)?;
    let mode = mode_from_u32(mode)?;
    let distribution = distribution_from_u32(distribution)?;
    let init = Initializer::new(Config::new(scale, mode, distribution, Some(seed), None)?)?;
    init.check_fans(fan_in, fan_out, offset, count)?;
    if count == 0 {
        return Ok(());
    }
    if out.is_null() {
        return Err(Error::new(
            ErrorKind::NullArgument,
            format!("argument `out` is NULL but count={count}"),
        ));
    }
    check_ptr(out.cast_const(), "out")?;
    // SAFETY: non-NULL, aligned, `count` writable elements per the
    // contract.
    let buf = unsafe { std::slice::from_raw_parts_mut(out, count) };
    init.fill_fans(fan_in, fan_out, offset, buf)
}

/// Fills `out[0..count]` with elements `[offset, offset + count)` of a
/// weight tensor whose fans are `(fan_in, fan_out)`, as IEEE-754 binary32,
/// in one call and without a handle: for a layer constructor that knows
/// its fans. `out[j]` is bit for bit what `vs_fill_f32` (or
/// `vs_fill_range_f32`) of a handle made by `vs_create(scale, mode,
/// distribution, &seed, ...)` gives at element `offset + j` of any tensor
/// whose fans are these, under the default algorithm
/// (`splitmix64-ctr-v2`): an element's value depends on the seed, the
/// config, the fans and its index only, not on the rest of the shape. For
/// `pcg64-block-v1`'s values (0.1's), fill through a handle made by
/// `vs_with_algorithm` with `vs_fill_range_f32` on the tensor's shape.
///
/// Give each tensor its own seed (`vs_derive_seed`, `vs_derive_seed_name`):
/// two tensors with one seed and equal fans get equal values.
///
/// * `scale`, `mode`, `distribution`: as in `vs_create` (statuses
///   `VS_ERR_INVALID_SCALE`, `VS_ERR_INVALID_MODE`,
///   `VS_ERR_INVALID_DISTRIBUTION`).
/// * `fan_in`, `fan_out`: >= 0 (`VS_ERR_INVALID_SHAPE` otherwise); `n`
///   follows from them by `mode` as for a shape (`vs_describe_fans`).
/// * `offset + count` must not exceed `INT64_MAX`, the largest element
///   count a tensor can have (`VS_ERR_BUFFER_SIZE`, also when the sum
///   overflows). Filling a tensor in parts at their offsets, on any
///   threads, gives the same bits as one call.
/// * `out` may be NULL only when `count` is 0; it must be aligned.
///
/// Returns `VS_OK`, the statuses above, `VS_ERR_NULL_ARGUMENT`,
/// `VS_ERR_INVALID_SCALE` also for a uniform limit that overflows, or
/// `VS_ERR_INTERNAL`. On error nothing is written to `out`. Thread-safe.
///
/// Threads: a call of fewer than 2 x 131072 elements never starts a
/// thread; a larger one uses up to `vs_set_max_threads` threads (the
/// process-wide cap: there is no handle to carry a cap of its own). An
/// engine that splits a tensor over its own thread pool gives each worker
/// its part's `offset`, and so that the library starts no threads besides,
/// calls `vs_set_max_threads(1)` first, keeps each part below 2 x 131072
/// elements, or fills through a handle from `vs_with_max_threads(h, 1,
/// ...)` with `vs_fill_range_*`.
///
/// # Safety
/// `out` is NULL or has `count` writable elements.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn vs_fill_fans_f32(
    scale: f64,
    mode: u32,
    distribution: u32,
    seed: u64,
    fan_in: i64,
    fan_out: i64,
    offset: u64,
    out: *mut f32,
    count: usize,
) -> vs_status {
    ffi_boundary!(c"vs_fill_fans_f32", {
        // SAFETY: forwarded contract.
        unsafe {
            fill_fans_any(
                scale,
                mode,
                distribution,
                seed,
                fan_in,
                fan_out,
                offset,
                out,
                count,
            )
        }
    })
}

/// As `vs_fill_fans_f32`, with binary64 output (the values of
/// `vs_fill_f64`).
///
/// # Safety
/// As `vs_fill_fans_f32`.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn vs_fill_fans_f64(
    scale: f64,
    mode: u32,
    distribution: u32,
    seed: u64,
    fan_in: i64,
    fan_out: i64,
    offset: u64,
    out: *mut f64,
    count: usize,
) -> vs_status {
    ffi_boundary!(c"vs_fill_fans_f64", {
        // SAFETY: forwarded contract.
        unsafe {
            fill_fans_any(
                scale,
                mode,
                distribution,
                seed,
                fan_in,
                fan_out,
                offset,
                out,
                count,
            )
        }
    })
}

/// As `vs_fill_fans_f32`, with binary16 bits (the values of
/// `vs_fill_f16`).
///
/// # Safety
/// As `vs_fill_fans_f32`.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn vs_fill_fans_f16(
    scale: f64,
    mode: u32,
    distribution: u32,
    seed: u64,
    fan_in: i64,
    fan_out: i64,
    offset: u64,
    out: *mut u16,
    count: usize,
) -> vs_status {
    ffi_boundary!(c"vs_fill_fans_f16", {
        // SAFETY: half::f16 is repr(transparent) over u16; forwarded contract.
        unsafe {
            fill_fans_any(
                scale,
                mode,
                distribution,
                seed,
                fan_in,
                fan_out,
                offset,
                out.cast::<half::f16>(),
                count,
            )
        }
    })
}

/// As `vs_fill_fans_f32`, with bfloat16 bits (the values of
/// `vs_fill_bf16`).
///
/// # Safety
/// As `vs_fill_fans_f32`.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn vs_fill_fans_bf16(
    scale: f64,
    mode: u32,
    distribution: u32,
    seed: u64,
    fan_in: i64,
    fan_out: i64,
    offset: u64,
    out: *mut u16,
    count: usize,
) -> vs_status {
    ffi_boundary!(c"vs_fill_fans_bf16", {
        // SAFETY: half::bf16 is repr(transparent) over u16; forwarded contract.
        unsafe {
            fill_fans_any(
                scale,
                mode,
                distribution,
                seed,
                fan_in,
                fan_out,
                offset,
                out.cast::<half::bf16>(),
                count,
            )
        }
    })
}
