//! Fills of a handle's tensor, whole (`vs_fill_f32`, `_f64`, `_f16`,
//! `_bf16`) or a range of its flattened elements (`vs_fill_range_*`).

use super::boundary::ffi_boundary;
use super::{check_ptr, handle, shape_arg, vs_initializer, vs_status};
use crate::engine::Element;
use crate::error::{Error, ErrorKind};
use crate::fans::shape_str;

/// The shared body of every fill.
///
/// # Safety
/// Per the fill functions' contracts.
unsafe fn fill_any<T: Element>(
    init: *const vs_initializer,
    shape: *const i64,
    ndim: usize,
    offset: Option<u64>,
    out: *mut T,
    len: usize,
) -> Result<(), Error> {
    // SAFETY: per the callers' contracts.
    let init = unsafe { handle(init)? };
    let shape = unsafe { shape_arg(shape, ndim)? };
    init.check(shape, offset, len)?;
    if len == 0 {
        // nothing to write; `out` may be NULL
        return Ok(());
    }
    if out.is_null() {
        return Err(Error::new(
            ErrorKind::NullArgument,
            format!(
                "argument `out` is NULL but {len} elements of shape {} are to be written",
                shape_str(shape)
            ),
        ));
    }
    check_ptr(out, "out")?;
    // SAFETY: non-NULL, aligned, `len` writable elements per the contract.
    let buf = unsafe { std::slice::from_raw_parts_mut(out, len) };
    match offset {
        None => init.fill(shape, buf),
        Some(off) => init.fill_range(shape, off, buf),
    }
}

/// Fills `out` with a whole tensor of shape `shape[0..ndim]` (row-major,
/// TensorFlow/Keras layout `(..., in, out)` for the default fan rule) as
/// IEEE-754 binary32 values.
///
/// The values are a pure function of (seed, scale, mode, distribution,
/// axes, shape) and the handle's algorithm: the same bits on every call,
/// thread count, CPU and kernel (`vs_isa`), and release of this major
/// version. With the default algorithm, `splitmix64-ctr-v2`
/// (docs/algorithm-v2.md), f32, f16 and bf16 share one binary32 stream and
/// f64 is a separate binary64 stream; with `pcg64-block-v1`
/// (docs/algorithm.md, the only algorithm of 0.1, see `vs_with_algorithm`),
/// each f32 value is the `vs_fill_f64` value rounded to nearest-even.
/// The default floating-point environment is assumed (round to nearest,
/// no flush-to-zero or denormals-are-zero): restore it around the call if
/// the caller changed it.
///
/// * `shape` may be NULL only when `ndim == 0` (a scalar: 1 element);
///   Any rank is accepted. A zero dimension is a valid empty tensor.
/// * `out_len` must equal the element count; `out` may be NULL only when
///   that count is 0. `out` must be aligned for its type.
///
/// Returns `VS_OK`; `VS_ERR_NULL_ARGUMENT` (`init` NULL, `shape` NULL with
/// `ndim > 0`, `out` NULL with a count > 0, or a misaligned pointer);
/// `VS_ERR_INVALID_SHAPE` (negative dimension, an `ndim` no array can have,
/// element count or fan beyond `INT64_MAX`, axis out of range);
/// `VS_ERR_BUFFER_SIZE` (`out_len` is not the element count);
/// `VS_ERR_INVALID_SCALE` (uniform only: `scale` so close to `DBL_MAX`
/// that `sqrt(3 * scale / n)` overflows); `VS_ERR_INTERNAL`. On error
/// nothing is written to `out`.
///
/// Thread-safe; large fills use up to `vs_set_max_threads` threads (fills
/// below 2 x 131072 elements never start a thread). Uniform outputs of at
/// least 64 MiB are written with non-temporal stores, which bypass the
/// cache (the values are the same). The library keeps no pointer after it
/// returns.
///
/// # Safety
/// `init` is NULL or a live handle; `shape` is NULL or has `ndim`
/// readable elements; `out` is NULL or has `out_len` writable elements.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vs_fill_f32(
    init: *const vs_initializer,
    shape: *const i64,
    ndim: usize,
    out: *mut f32,
    out_len: usize,
) -> vs_status {
    // SAFETY: forwarded contract.
    ffi_boundary!(c"vs_fill_f32", {
        unsafe { fill_any(init, shape, ndim, None, out, out_len) }
    })
}

/// As `vs_fill_f32`, with IEEE-754 binary64 output: with the default
/// algorithm its own binary64 stream, with `pcg64-block-v1` the stream
/// every other type is rounded from.
///
/// # Safety
/// As `vs_fill_f32`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vs_fill_f64(
    init: *const vs_initializer,
    shape: *const i64,
    ndim: usize,
    out: *mut f64,
    out_len: usize,
) -> vs_status {
    // SAFETY: forwarded contract.
    ffi_boundary!(c"vs_fill_f64", {
        unsafe { fill_any(init, shape, ndim, None, out, out_len) }
    })
}

/// As `vs_fill_f32`, with IEEE-754 binary16 output given as raw bits: each
/// value is the `vs_fill_f32` value rounded to nearest-even (subnormals
/// kept, overflow to infinity), as numpy's `astype(float16)` gives.
///
/// # Safety
/// As `vs_fill_f32`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vs_fill_f16(
    init: *const vs_initializer,
    shape: *const i64,
    ndim: usize,
    out: *mut u16,
    out_len: usize,
) -> vs_status {
    ffi_boundary!(c"vs_fill_f16", {
        // SAFETY: half::f16 is repr(transparent) over u16; forwarded contract.
        unsafe { fill_any(init, shape, ndim, None, out.cast::<half::f16>(), out_len) }
    })
}

/// As `vs_fill_f32`, with bfloat16 output given as raw bits (the upper 16
/// bits of a binary32): each value is the `vs_fill_f32` value rounded to
/// nearest-even.
///
/// # Safety
/// As `vs_fill_f32`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vs_fill_bf16(
    init: *const vs_initializer,
    shape: *const i64,
    ndim: usize,
    out: *mut u16,
    out_len: usize,
) -> vs_status {
    ffi_boundary!(c"vs_fill_bf16", {
        // SAFETY: half::bf16 is repr(transparent) over u16; forwarded contract.
        unsafe { fill_any(init, shape, ndim, None, out.cast::<half::bf16>(), out_len) }
    })
}

/// Fills elements `[offset, offset + count)` of the row-major flattened
/// tensor `shape` into `out[0..count]`, bit-identical to the same elements
/// of `vs_fill_f32`. Fans come from the whole shape (as TF1's
/// `partition_info`), so shards of one tensor can be filled separately, in
/// any order, on any thread. With the default algorithm, costs only the
/// written elements (whatever the offset); with `pcg64-block-v1`, plus at
/// most one block (`VS_BLOCK_LEN`) of discarded draws.
///
/// `offset + count` must not exceed the element count
/// (`VS_ERR_BUFFER_SIZE` otherwise, also when the sum overflows); `out`
/// may be NULL only when `count` is 0. Other arguments, statuses and
/// threading as `vs_fill_f32`.
///
/// # Safety
/// As `vs_fill_f32`, with `count` writable elements at `out`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vs_fill_range_f32(
    init: *const vs_initializer,
    shape: *const i64,
    ndim: usize,
    offset: u64,
    out: *mut f32,
    count: usize,
) -> vs_status {
    ffi_boundary!(c"vs_fill_range_f32", {
        // SAFETY: forwarded contract.
        unsafe { fill_any(init, shape, ndim, Some(offset), out, count) }
    })
}

/// As `vs_fill_range_f32`, with binary64 output (slices of `vs_fill_f64`).
///
/// # Safety
/// As `vs_fill_range_f32`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vs_fill_range_f64(
    init: *const vs_initializer,
    shape: *const i64,
    ndim: usize,
    offset: u64,
    out: *mut f64,
    count: usize,
) -> vs_status {
    ffi_boundary!(c"vs_fill_range_f64", {
        // SAFETY: forwarded contract.
        unsafe { fill_any(init, shape, ndim, Some(offset), out, count) }
    })
}

/// As `vs_fill_range_f32`, with binary16 bits (slices of `vs_fill_f16`).
///
/// # Safety
/// As `vs_fill_range_f32`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vs_fill_range_f16(
    init: *const vs_initializer,
    shape: *const i64,
    ndim: usize,
    offset: u64,
    out: *mut u16,
    count: usize,
) -> vs_status {
    ffi_boundary!(c"vs_fill_range_f16", {
        // SAFETY: half::f16 is repr(transparent) over u16; forwarded contract.
        unsafe {
            fill_any(
                init,
                shape,
                ndim,
                Some(offset),
                out.cast::<half::f16>(),
                count,
            )
        }
    })
}

/// As `vs_fill_range_f32`, with bfloat16 bits (slices of `vs_fill_bf16`).
///
/// # Safety
/// As `vs_fill_range_f32`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vs_fill_range_bf16(
    init: *const vs_initializer,
    shape: *const i64,
    ndim: usize,
    offset: u64,
    out: *mut u16,
    count: usize,
) -> vs_status {
    ffi_boundary!(c"vs_fill_range_bf16", {
        // SAFETY: half::bf16 is repr(transparent) over u16; forwarded contract.
        unsafe {
            fill_any(
                init,
                shape,
                ndim,
                Some(offset),
                out.cast::<half::bf16>(),
                count,
            )
        }
    })
}
