//! Fills of an N-d box of a handle's tensor: `vs_fill_slice_f32`, `_f64`,
//! `_f16`, `_bf16`.

use super::boundary::ffi_boundary;
use super::{check_ptr, handle, shape_arg, vs_initializer, vs_status};
use crate::engine::Element;
use crate::error::{Error, ErrorKind};
use crate::fans::shape_str;

/// The shared body of the slice fills.
///
/// # Safety
/// Per the slice fill functions' contracts.
unsafe fn fill_slice_any<T: Element>(
    init: *const vs_initializer,
    shape: *const i64,
    ndim: usize,
    start: *const i64,
    extent: *const i64,
    out: *mut T,
    out_len: usize,
) -> Result<(), Error> {
    // SAFETY: per the callers' contracts.
    let init = unsafe { handle(init)? };
    let shape = unsafe { shape_arg(shape, ndim)? };
    let start = unsafe { box_arg(start, ndim, "start")? };
    let extent = unsafe { box_arg(extent, ndim, "extent")? };
    init.check_slice(shape, start, extent, out_len)?;
    if out_len == 0 {
        return Ok(());
    }
    if out.is_null() {
        return Err(Error::new(
            ErrorKind::NullArgument,
            format!(
                "argument `out` is NULL but the box extent {} of shape {} has {out_len} elements",
                shape_str(extent),
                shape_str(shape)
            ),
        ));
    }
    check_ptr(out, "out")?;
    // SAFETY: non-NULL, aligned, `out_len` writable elements per the
    // contract.
    let buf = unsafe { std::slice::from_raw_parts_mut(out, out_len) };
    init.fill_slice(shape, start, extent, buf)
}

/// # Safety
/// When non-NULL, `p` points to `ndim` readable `int64_t` (`ndim` already
/// checked by `shape_arg`).
unsafe fn box_arg<'a>(p: *const i64, ndim: usize, name: &str) -> Result<&'a [i64], Error> {
    if ndim == 0 {
        return Ok(&[]);
    }
    if p.is_null() {
        return Err(Error::new(
            ErrorKind::NullArgument,
            format!("argument `{name}` is NULL but ndim={ndim} (NULL is allowed only with ndim=0)"),
        ));
    }
    check_ptr(p, name)?;
    // SAFETY: non-NULL, aligned, ndim elements readable per the contract.
    Ok(unsafe { std::slice::from_raw_parts(p, ndim) })
}

/// Fills `out` with the row-major box `[start, start + extent)` of the
/// tensor `shape` (a tensor-parallel or pipeline-parallel shard), as
/// IEEE-754 binary32 values: `out[j]` is the box's `j`-th element in
/// row-major order inside the box, bit-identical to the same element of
/// `vs_fill_f32` of the whole shape. Fans come from the whole shape. Any
/// partition of a tensor into boxes, filled by any number of threads,
/// processes or machines, gives the whole fill's bits.
///
/// Cost: with `splitmix64-ctr-v2` (the default), only the box's elements
/// are computed; with `pcg64-block-v1`, at most one block
/// (`VS_BLOCK_LEN` values) of discarded draws per contiguous run of the
/// box in the flattened tensor.
///
/// * `start`, `extent`: `ndim` entries each (may be NULL only when `ndim`
///   is 0: the scalar's box is the scalar); every `start[i] >= 0`,
///   `extent[i] >= 0`, `start[i] + extent[i] <= shape[i]`, else
///   `VS_ERR_INVALID_SHAPE` with a message naming the dimension and the
///   values. An `extent` with a 0 is an empty box.
/// * `out_len` must be the product of `extent` (`VS_ERR_BUFFER_SIZE`
///   otherwise); `out` may be NULL only when it is 0.
///
/// Returns `VS_OK`; `VS_ERR_NULL_ARGUMENT` (`init` NULL; `shape`, `start`
/// or `extent` NULL with `ndim > 0`; `out` NULL with elements to write; a
/// misaligned pointer); `VS_ERR_INVALID_SHAPE` (the shape as in
/// `vs_fill_f32`, or the box); `VS_ERR_BUFFER_SIZE`; `VS_ERR_INVALID_SCALE`
/// (as in `vs_fill_f32`); `VS_ERR_INTERNAL`. On error nothing is written to
/// `out`. Threads and thread safety as `vs_fill_f32`.
///
/// # Safety
/// `init` is NULL or a live handle; `shape`, `start` and `extent` are NULL
/// or have `ndim` readable elements; `out` is NULL or has `out_len`
/// writable elements.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vs_fill_slice_f32(
    init: *const vs_initializer,
    shape: *const i64,
    ndim: usize,
    start: *const i64,
    extent: *const i64,
    out: *mut f32,
    out_len: usize,
) -> vs_status {
    ffi_boundary!(c"vs_fill_slice_f32", {
        // SAFETY: forwarded contract.
        unsafe { fill_slice_any(init, shape, ndim, start, extent, out, out_len) }
    })
}

/// As `vs_fill_slice_f32`, with binary64 output (boxes of `vs_fill_f64`).
///
/// # Safety
/// As `vs_fill_slice_f32`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vs_fill_slice_f64(
    init: *const vs_initializer,
    shape: *const i64,
    ndim: usize,
    start: *const i64,
    extent: *const i64,
    out: *mut f64,
    out_len: usize,
) -> vs_status {
    ffi_boundary!(c"vs_fill_slice_f64", {
        // SAFETY: forwarded contract.
        unsafe { fill_slice_any(init, shape, ndim, start, extent, out, out_len) }
    })
}

/// As `vs_fill_slice_f32`, with binary16 bits (boxes of `vs_fill_f16`).
///
/// # Safety
/// As `vs_fill_slice_f32`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vs_fill_slice_f16(
    init: *const vs_initializer,
    shape: *const i64,
    ndim: usize,
    start: *const i64,
    extent: *const i64,
    out: *mut u16,
    out_len: usize,
) -> vs_status {
    ffi_boundary!(c"vs_fill_slice_f16", {
        // SAFETY: half::f16 is repr(transparent) over u16; forwarded contract.
        unsafe {
            fill_slice_any(
                init,
                shape,
                ndim,
                start,
                extent,
                out.cast::<half::f16>(),
                out_len,
            )
        }
    })
}

/// As `vs_fill_slice_f32`, with bfloat16 bits (boxes of `vs_fill_bf16`).
///
/// # Safety
/// As `vs_fill_slice_f32`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vs_fill_slice_bf16(
    init: *const vs_initializer,
    shape: *const i64,
    ndim: usize,
    start: *const i64,
    extent: *const i64,
    out: *mut u16,
    out_len: usize,
) -> vs_status {
    ffi_boundary!(c"vs_fill_slice_bf16", {
        // SAFETY: half::bf16 is repr(transparent) over u16; forwarded contract.
        unsafe {
            fill_slice_any(
                init,
                shape,
                ndim,
                start,
                extent,
                out.cast::<half::bf16>(),
                out_len,
            )
        }
    })
}
