//! 0.1's shape queries: `vs_describe` into a `vs_params`, and
//! `vs_compute_fans` (the default fan rule). Their successors for layouts,
//! axes and `vs_description` are in `describe.rs`.

use super::boundary::ffi_boundary;
use super::{check_ptr, handle, shape_arg, vs_initializer, vs_status};
use crate::fans::{default_fans, element_count};

/// What a fill of a shape uses, as `vs_describe` reports it.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct vs_params {
    /// Fan-in of the shape (by the handle's fan rule: default, layout or
    /// `input_axes`).
    pub fan_in: i64,
    /// Fan-out of the shape (by the handle's fan rule: default, layout or
    /// `output_axes`).
    pub fan_out: i64,
    /// `max(1, fan_in | fan_out | (fan_in + fan_out) / 2)` by mode.
    pub n: f64,
    /// Stddev of the underlying normal: `sqrt(scale / n) /
    /// 0.87962566103423978` (truncated), `sqrt(scale / n)` (untruncated),
    /// 0 (uniform).
    pub stddev: f64,
    /// The largest possible |value|: `2 * stddev` (truncated, exclusive),
    /// `sqrt(3 * scale / n)` (uniform, exclusive before rounding to the
    /// output type), `+INFINITY` (untruncated).
    pub limit: f64,
}

/// Reports what a fill of `shape` would use, without drawing: fans, `n`,
/// stddev of the underlying normal (0 for uniform) and the largest |value|
/// (`2 * stddev`, the uniform limit, or `+INFINITY` for untruncated).
///
/// Returns `VS_OK`; `VS_ERR_NULL_ARGUMENT` (`init` or `out` NULL, `shape`
/// NULL with `ndim > 0`); `VS_ERR_INVALID_SHAPE`. `*out` is written only on
/// success. `VS_ERR_INVALID_SCALE` for a uniform initializer whose limit
/// overflows for this shape (as the fills report it). Thread-safe.
///
/// # Safety
/// `init` is NULL or a live handle; `shape` is NULL or has `ndim` readable
/// elements; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vs_describe(
    init: *const vs_initializer,
    shape: *const i64,
    ndim: usize,
    out: *mut vs_params,
) -> vs_status {
    ffi_boundary!(c"vs_describe", {
        // SAFETY: per the contract.
        let init = unsafe { handle(init)? };
        let shape = unsafe { shape_arg(shape, ndim)? };
        check_ptr(out, "out")?;
        let p = init.describe(shape)?;
        // SAFETY: checked non-NULL and aligned.
        unsafe {
            *out = vs_params {
                fan_in: p.fan_in,
                fan_out: p.fan_out,
                n: p.n,
                stddev: p.stddev,
                limit: p.limit,
            }
        };
        Ok(())
    })
}

/// The default TensorFlow/Keras fan rule for `shape` (layout `(..., in,
/// out)`): rank 0 gives (1, 1); rank 1 (d0, d0); rank 2 (d0, d1); higher
/// ranks multiply the last two by the product of the others.
///
/// Returns `VS_OK`; `VS_ERR_NULL_ARGUMENT` (`fan_in` or `fan_out` NULL,
/// `shape` NULL with `ndim > 0`); `VS_ERR_INVALID_SHAPE` (negative
/// dimension, an `ndim` no array can have, a count or fan beyond
/// `INT64_MAX`).
/// Outputs are written only on success. Thread-safe.
///
/// # Safety
/// `shape` is NULL or has `ndim` readable elements; `fan_in` and
/// `fan_out` are NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vs_compute_fans(
    shape: *const i64,
    ndim: usize,
    fan_in: *mut i64,
    fan_out: *mut i64,
) -> vs_status {
    ffi_boundary!(c"vs_compute_fans", {
        // SAFETY: per the contract.
        let shape = unsafe { shape_arg(shape, ndim)? };
        check_ptr(fan_in, "fan_in")?;
        check_ptr(fan_out, "fan_out")?;
        element_count(shape)?;
        let (i, o) = default_fans(shape)?;
        // SAFETY: checked non-NULL and aligned.
        unsafe {
            *fan_in = i;
            *fan_out = o;
        }
        Ok(())
    })
}
