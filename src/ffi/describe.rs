//! Fans and parameters without a fill: `vs_compute_fans_layout`,
//! `vs_compute_fans_axes`, and the `vs_description` family
//! (`vs_describe_ex`, `vs_describe_shape`, `vs_describe_fans`).

use super::boundary::ffi_boundary;
use super::status::{distribution_from_u32, layout_from_u32, mode_from_u32};
use super::{
    axes_pair, check_ptr, check_sized, handle, shape_arg, vs_initializer, vs_status, write_sized,
};
use crate::error::Error;
use crate::fans::{axes_fans, default_fans, layout_fans};
use crate::initializer::{Params, params_for_fans};

/// What a fill uses, with the standard deviation of the values it
/// produces; written by `vs_describe_ex`, `vs_describe_shape` and
/// `vs_describe_fans`. A size-prefixed struct that later versions may
/// extend at the end: set `struct_size` to `sizeof(vs_description)` before
/// the call. (`vs_params`, 0.1's struct, stays as it is.)
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct vs_description {
    /// In: `sizeof(vs_description)` as the caller's header declares it.
    /// Out: the number of bytes the library wrote.
    pub struct_size: u64,
    /// Fan-in.
    pub fan_in: i64,
    /// Fan-out.
    pub fan_out: i64,
    /// `max(1, fan_in | fan_out | (fan_in + fan_out) / 2)` by mode.
    pub n: f64,
    /// Stddev of the underlying normal, as `vs_params.stddev`:
    /// `sqrt(scale / n) / 0.87962566103423978` (truncated),
    /// `sqrt(scale / n)` (untruncated), 0 (uniform).
    pub stddev: f64,
    /// The largest possible |value|, as `vs_params.limit`.
    pub limit: f64,
    /// The standard deviation of the values a fill produces (of the
    /// distribution, before rounding to the output type): `sqrt(scale /
    /// n)` for every distribution; for the truncated normal that is
    /// `stddev * 0.87962566103423978`, for the uniform `limit / sqrt(3)`.
    /// Compare a filled tensor's measured standard deviation with this.
    pub value_stddev: f64,
}

// No padding: `write_sized` copies the struct as bytes.
const _: () = assert!(std::mem::size_of::<vs_description>() == 7 * 8);

impl From<Params> for vs_description {
    fn from(p: Params) -> vs_description {
        vs_description {
            struct_size: std::mem::size_of::<vs_description>() as u64,
            fan_in: p.fan_in,
            fan_out: p.fan_out,
            n: p.n,
            stddev: p.stddev,
            limit: p.limit,
            value_stddev: p.value_stddev,
        }
    }
}

/// Checks `out` (a `vs_description`), computes, and writes on success.
///
/// # Safety
/// `out` is NULL or has `out->struct_size` writable bytes.
unsafe fn describe_into(
    out: *mut vs_description,
    compute: impl FnOnce() -> Result<Params, Error>,
) -> Result<(), Error> {
    // SAFETY: per the contract on `out`.
    unsafe {
        check_sized(
            out,
            "out",
            "vs_description",
            std::mem::size_of::<vs_description>(),
        )?
    };
    let d: vs_description = compute()?.into();
    // SAFETY: accepted by check_sized.
    unsafe { write_sized(out, d) };
    Ok(())
}

/// As `vs_describe` (what a fill of `shape` with this handle uses, without
/// drawing), into a `vs_description`, which also gives the standard
/// deviation of the produced values (`value_stddev`).
///
/// Returns `VS_OK`; `VS_ERR_NULL_ARGUMENT` (`init` or `out` NULL, `shape`
/// NULL with `ndim > 0`, a misaligned pointer); `VS_ERR_INVALID_SHAPE`;
/// `VS_ERR_INVALID_SCALE` (a uniform limit that overflows);
/// `VS_ERR_BUFFER_SIZE` (`out->struct_size` smaller than the first
/// `vs_description`). `*out` is written only on success. Thread-safe.
///
/// # Safety
/// `init` is NULL or a live handle; `shape` is NULL or has `ndim` readable
/// elements; `out` is NULL or has `out->struct_size` writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vs_describe_ex(
    init: *const vs_initializer,
    shape: *const i64,
    ndim: usize,
    out: *mut vs_description,
) -> vs_status {
    ffi_boundary!(c"vs_describe_ex", {
        // SAFETY: per the contract.
        unsafe {
            describe_into(out, || {
                let init = handle(init)?;
                init.describe(shape_arg(shape, ndim)?)
            })
        }
    })
}

/// What a fill with fans `(fan_in, fan_out)` uses, without a handle (and
/// without reading OS entropy): `n`, the stddev, the limit and the
/// standard deviation of the produced values, exactly as a handle with
/// this `scale`, `mode` and `distribution` reports them for any shape with
/// these fans.
///
/// Returns `VS_OK`; `VS_ERR_INVALID_SCALE`, `VS_ERR_INVALID_MODE`,
/// `VS_ERR_INVALID_DISTRIBUTION` (as `vs_create`; also for a uniform limit
/// that overflows); `VS_ERR_INVALID_SHAPE` (a negative fan);
/// `VS_ERR_NULL_ARGUMENT` (`out` NULL or misaligned); `VS_ERR_BUFFER_SIZE`
/// (`out->struct_size` too small). `*out` is written only on success.
/// Thread-safe.
///
/// # Safety
/// `out` is NULL or has `out->struct_size` writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vs_describe_fans(
    scale: f64,
    mode: u32,
    distribution: u32,
    fan_in: i64,
    fan_out: i64,
    out: *mut vs_description,
) -> vs_status {
    ffi_boundary!(c"vs_describe_fans", {
        // SAFETY: per the contract on `out`.
        unsafe {
            describe_into(out, || {
                crate::config::check_scale(scale)?;
                let mode = mode_from_u32(mode)?;
                let distribution = distribution_from_u32(distribution)?;
                params_for_fans(scale, mode, distribution, fan_in, fan_out)
            })
        }
    })
}

/// What a fill of `shape`, stored in `layout`, uses, without a handle: the
/// fans of `vs_compute_fans_layout`, then as `vs_describe_fans`.
///
/// Returns `VS_OK`; the statuses of `vs_describe_fans`;
/// `VS_ERR_INVALID_LAYOUT`; `VS_ERR_INVALID_SHAPE` (as
/// `vs_compute_fans_layout`); `VS_ERR_NULL_ARGUMENT` also for `shape` NULL
/// with `ndim > 0`. `*out` is written only on success. Thread-safe.
///
/// # Safety
/// `shape` is NULL or has `ndim` readable elements; `out` is NULL or has
/// `out->struct_size` writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vs_describe_shape(
    scale: f64,
    mode: u32,
    distribution: u32,
    shape: *const i64,
    ndim: usize,
    layout: u32,
    out: *mut vs_description,
) -> vs_status {
    ffi_boundary!(c"vs_describe_shape", {
        // SAFETY: per the contract.
        unsafe {
            describe_into(out, || {
                crate::config::check_scale(scale)?;
                let mode = mode_from_u32(mode)?;
                let distribution = distribution_from_u32(distribution)?;
                let layout = layout_from_u32(layout)?;
                let (fan_in, fan_out) = layout_fans(shape_arg(shape, ndim)?, layout)?;
                params_for_fans(scale, mode, distribution, fan_in, fan_out)
            })
        }
    })
}

/// Writes two fans on success.
///
/// # Safety
/// `fan_in` and `fan_out` are NULL or writable.
unsafe fn fans_into(
    fan_in: *mut i64,
    fan_out: *mut i64,
    compute: impl FnOnce() -> Result<(i64, i64), Error>,
) -> Result<(), Error> {
    check_ptr(fan_in.cast_const(), "fan_in")?;
    check_ptr(fan_out.cast_const(), "fan_out")?;
    let (i, o) = compute()?;
    // SAFETY: checked non-NULL and aligned.
    unsafe {
        *fan_in = i;
        *fan_out = o;
    }
    Ok(())
}

/// The fans of `shape` stored in `layout` (a `vs_layout` value; see its
/// table): for a PyTorch/ONNX weight `(out, in, kh, kw)`,
/// `VS_LAYOUT_OUT_IN` gives `fan_in = in * kh * kw`, `fan_out = out * kh *
/// kw`. `VS_LAYOUT_IN_OUT` gives `vs_compute_fans`'s result.
///
/// Returns `VS_OK`; `VS_ERR_NULL_ARGUMENT` (`fan_in` or `fan_out` NULL,
/// `shape` NULL with `ndim > 0`); `VS_ERR_INVALID_LAYOUT`;
/// `VS_ERR_INVALID_SHAPE` (negative dimension, an `ndim` no array can
/// have, a count or fan beyond `INT64_MAX`). Outputs are written only on
/// success. Thread-safe.
///
/// # Safety
/// `shape` is NULL or has `ndim` readable elements; `fan_in` and `fan_out`
/// are NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vs_compute_fans_layout(
    shape: *const i64,
    ndim: usize,
    layout: u32,
    fan_in: *mut i64,
    fan_out: *mut i64,
) -> vs_status {
    ffi_boundary!(c"vs_compute_fans_layout", {
        // SAFETY: per the contract.
        unsafe {
            fans_into(fan_in, fan_out, || {
                let shape = shape_arg(shape, ndim)?;
                layout_fans(shape, layout_from_u32(layout)?)
            })
        }
    })
}

/// The fans of `shape` under explicit axes, as Keras 3.15 computes them
/// from `input_axes` / `output_axes` (and as a handle from
/// `vs_create_with_axes` does): `fan_in = prod(shape[a] for a in
/// input_axes)`, likewise `fan_out`; negative axes count from the end; an
/// empty list gives 1. Both lists NULL (lengths 0): `vs_compute_fans`'s
/// default rule.
///
/// Returns `VS_OK`; `VS_ERR_NULL_ARGUMENT` (`fan_in` or `fan_out` NULL,
/// `shape` NULL with `ndim > 0`, a NULL list with a length > 0);
/// `VS_ERR_INVALID_CONFIG` (only one list NULL, a length no array can
/// have); `VS_ERR_INVALID_SHAPE` (the shape as in `vs_compute_fans`, or an
/// axis out of range for it). Outputs are written only on success.
/// Thread-safe.
///
/// # Safety
/// `shape` is NULL or has `ndim` readable elements; each non-NULL axes
/// list has its length of readable `int64_t`; `fan_in` and `fan_out` are
/// NULL or writable.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn vs_compute_fans_axes(
    shape: *const i64,
    ndim: usize,
    input_axes: *const i64,
    n_input_axes: usize,
    output_axes: *const i64,
    n_output_axes: usize,
    fan_in: *mut i64,
    fan_out: *mut i64,
) -> vs_status {
    ffi_boundary!(c"vs_compute_fans_axes", {
        // SAFETY: per the contract.
        unsafe {
            fans_into(fan_in, fan_out, || {
                let shape = shape_arg(shape, ndim)?;
                match axes_pair(input_axes, n_input_axes, output_axes, n_output_axes)? {
                    Some(a) => axes_fans(shape, &a.input, &a.output),
                    None => default_fans(shape),
                }
            })
        }
    })
}
