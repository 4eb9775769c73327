//! Handles and their config: `vs_create`, `vs_create_with_axes`,
//! `vs_from_config_json`, `vs_get_config_json`, `vs_get_seed`,
//! `vs_destroy`, and the opaque `vs_initializer` itself.

use libc::c_char;
use std::ffi::CStr;

use super::boundary::ffi_boundary;
use super::status::{distribution_from_u32, mode_from_u32};
use super::{
    axes_pair, check_ptr, clear_handle_out, handle, null_arg, read_seed, store_handle, vs_status,
};
use crate::config::Config;
use crate::error::{Error, ErrorKind};
use crate::initializer::Initializer;

/// An initializer: scale, mode, distribution, 64-bit seed, fan rule
/// (Keras's default, a `vs_layout`, or explicit axes), sampling algorithm
/// and thread cap. Opaque; created by `vs_create`, `vs_create_with_axes`,
/// `vs_from_config_json` or, from another handle, by `vs_with_seed`,
/// `vs_with_axes`, `vs_with_layout`, `vs_with_max_threads` and
/// `vs_with_algorithm`; released by `vs_destroy`.
///
/// Immutable after creation: any number of threads may call the `vs_fill*`,
/// `vs_describe*`, `vs_get_*` and `vs_with_*` functions on one handle at
/// the same time.
pub struct vs_initializer {
    pub(super) inner: Initializer,
}

/// Creates an initializer from its arguments, with the default fan rule.
///
/// * `scale`: finite and > 0, else `VS_ERR_INVALID_SCALE`.
/// * `mode`: a `vs_mode` value (0, 1, 2), else `VS_ERR_INVALID_MODE`.
/// * `distribution`: a `vs_distribution` value (0, 1, 2), else
///   `VS_ERR_INVALID_DISTRIBUTION`.
/// * `seed`: the 64-bit seed, or NULL for unseeded: the seed is then drawn
///   from the operating system once, now, and the handle gives the same
///   values on every call (`vs_get_seed` tells it; the config JSON says
///   `"seed": null`). The pointer is read during the call only.
/// * `out`: receives the new handle, which the caller owns and releases with
///   `vs_destroy`. On any error `*out` is set to NULL.
///
/// Returns `VS_OK`, `VS_ERR_NULL_ARGUMENT` (`out` NULL), one of the three
/// above (checked in that order), or `VS_ERR_INTERNAL` (no OS entropy).
/// Thread-safe.
///
/// # Safety
/// `seed` is NULL or points to a readable `uint64_t`; `out` is NULL or
/// points to a writable `vs_initializer *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vs_create(
    scale: f64,
    mode: u32,
    distribution: u32,
    seed: *const u64,
    out: *mut *mut vs_initializer,
) -> vs_status {
    // SAFETY: per the contract on `out`.
    unsafe { clear_handle_out(out) };
    ffi_boundary!(c"vs_create", {
        // SAFETY: forwarded contract; NULL axes mean the default fan rule.
        unsafe {
            create(
                scale,
                mode,
                distribution,
                seed,
                std::ptr::null(),
                0,
                std::ptr::null(),
                0,
                out,
            )
        }
    })
}

/// Creates an initializer with explicit fan axes (Keras 3.15 `input_axes`
/// / `output_axes`): `fan_in = prod(shape[a] for a in input_axes)`, likewise
/// `fan_out`; negative axes count from the end of the shape. Axes out of
/// range for a shape are reported by the fill (`VS_ERR_INVALID_SHAPE`).
///
/// Example: a PyTorch conv weight `[out, in, kh, kw]` gets PyTorch's fans
/// with `input_axes = {1, 2, 3}`, `output_axes = {0, 2, 3}`.
///
/// * `input_axes` / `output_axes`: both NULL (with lengths 0) for the
///   default fan rule, or both non-NULL (a length of 0 is an empty list,
///   whose fan is 1). Only one of them NULL is `VS_ERR_INVALID_CONFIG`; a
///   NULL list with a length > 0 is `VS_ERR_NULL_ARGUMENT`; a length no
///   array can have (above `PTRDIFF_MAX / 8`) is `VS_ERR_INVALID_CONFIG`.
///   An axis may be listed more than once (it is multiplied in each time).
///   The arrays are copied.
/// * The other arguments, the statuses and `*out` are as in `vs_create`.
///
/// # Safety
/// Each non-NULL axes pointer points to its length of readable `int64_t`;
/// `seed` and `out` as in `vs_create`.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn vs_create_with_axes(
    scale: f64,
    mode: u32,
    distribution: u32,
    seed: *const u64,
    input_axes: *const i64,
    n_input_axes: usize,
    output_axes: *const i64,
    n_output_axes: usize,
    out: *mut *mut vs_initializer,
) -> vs_status {
    // SAFETY: per the contract on `out`.
    unsafe { clear_handle_out(out) };
    ffi_boundary!(c"vs_create_with_axes", {
        // SAFETY: forwarded contract.
        unsafe {
            create(
                scale,
                mode,
                distribution,
                seed,
                input_axes,
                n_input_axes,
                output_axes,
                n_output_axes,
                out,
            )
        }
    })
}

/// The shared body of `vs_create` and `vs_create_with_axes`, run inside
/// their boundaries.
///
/// # Safety
/// As `vs_create_with_axes`.
#[allow(clippy::too_many_arguments)]
unsafe fn create(
    scale: f64,
    mode: u32,
    distribution: u32,
    seed: *const u64,
    input_axes: *const i64,
    n_input_axes: usize,
    output_axes: *const i64,
    n_output_axes: usize,
    out: *mut *mut vs_initializer,
) -> Result<(), Error> {
    check_ptr(out, "out")?;
    // SAFETY: per the contract on `seed`.
    let seed = unsafe { read_seed(seed)? };
    crate::config::check_scale(scale)?;
    let mode = mode_from_u32(mode)?;
    let distribution = distribution_from_u32(distribution)?;
    // SAFETY: per the contract on the axes pointers.
    let axes = unsafe { axes_pair(input_axes, n_input_axes, output_axes, n_output_axes)? };
    let inner = Initializer::new(Config::new(scale, mode, distribution, seed, axes)?)?;
    // SAFETY: `out` checked above.
    unsafe { store_handle(out, inner) };
    Ok(())
}

/// Creates an initializer from Keras JSON (NUL-terminated UTF-8).
///
/// Accepted forms:
/// * a config object as Keras 3's `VarianceScaling.get_config()` writes it
///   (`seed`, `scale`, `mode`, `distribution`, `input_axes`,
///   `output_axes`); missing keys take Keras's defaults (`scale` 1.0,
///   `"fan_in"`, `"truncated_normal"`, `seed` null, no axes); an optional
///   TF1 `"dtype"` must name a floating-point type (`float16`, `half`,
///   `bfloat16`, `float32`, `float`, `float64`, `double`) and is otherwise
///   ignored; any other key is `VS_ERR_INVALID_CONFIG`. `seed` is an
///   integer in [0, 2^64) or null.
/// * the serialized form `{"class_name": ..., "config": {...}, "module":
///   ..., "registered_name": ...}` (`module` and `registered_name`
///   optional) for `VarianceScaling` and the presets `GlorotNormal`,
///   `GlorotUniform`, `HeNormal`, `HeUniform`, `LecunNormal`,
///   `LecunUniform` (whose config may hold only `seed`, `input_axes`,
///   `output_axes`);
/// * a JSON string naming one of these as Keras does (`"he_normal"`,
///   `"HeNormal"`, `"variance_scaling"`, ...): defaults, unseeded. Keras's
///   `"normal"` and `"uniform"` name RandomNormal / RandomUniform and are
///   rejected.
///
/// Returns `VS_OK`; `VS_ERR_NULL_ARGUMENT` (`json` or `out` NULL);
/// `VS_ERR_INVALID_CONFIG` (not UTF-8, not JSON, a number JSON cannot
/// represent such as `1e999`, unknown key or class, a wrong value type for
/// `seed`, the axes, `class_name`, `config`, `module` or `registered_name`,
/// a bad seed, only one of the axes lists);
/// `VS_ERR_INVALID_SCALE`, `VS_ERR_INVALID_MODE`,
/// `VS_ERR_INVALID_DISTRIBUTION`, `VS_ERR_INVALID_DTYPE` for a wrong value
/// or value type of `scale`, `mode`, `distribution`, `dtype`;
/// `VS_ERR_INTERNAL`. On error `*out` is NULL. The caller owns the handle
/// and releases it with `vs_destroy`. `json` is read during the call only.
/// Thread-safe.
///
/// # Safety
/// `json` is NULL or a NUL-terminated string; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vs_from_config_json(
    json: *const c_char,
    out: *mut *mut vs_initializer,
) -> vs_status {
    // SAFETY: per the contract on `out`.
    unsafe { clear_handle_out(out) };
    ffi_boundary!(c"vs_from_config_json", {
        check_ptr(out, "out")?;
        if json.is_null() {
            return Err(null_arg("json"));
        }
        // SAFETY: non-NULL and NUL-terminated per the contract.
        let bytes = unsafe { CStr::from_ptr(json) };
        let text = bytes.to_str().map_err(|e| {
            Error::new(
                ErrorKind::InvalidConfig,
                format!("argument `json` is not valid UTF-8: {e}"),
            )
        })?;
        let inner = Initializer::from_json(text)?;
        // SAFETY: `out` checked above.
        unsafe { store_handle(out, inner) };
        Ok(())
    })
}

/// Writes the handle's config as Keras 3.15's `get_config()` JSON: exactly
/// `{"seed":S,"scale":X,"mode":M,"distribution":D,"input_axes":A,"output_axes":B}`
/// (compact, in that order; `seed` is null when the handle was created
/// unseeded; `distribution` is the canonical lower-case name; the axes are
/// arrays of integers or null). `vs_from_config_json` and Keras's
/// `VarianceScaling.from_config` accept it as it is.
///
/// `*out_len` is always set (whenever `init` and `out_len` are non-NULL,
/// also when the call then fails) to the JSON's length in bytes without the
/// NUL. The JSON and a NUL are
/// written when `buf_len >= *out_len + 1`.
/// * `buf == NULL && buf_len == 0` is a size query: `VS_OK`, nothing written.
/// * a buffer too small: `VS_ERR_BUFFER_SIZE`, nothing written to `buf`.
///
/// Returns `VS_OK`, `VS_ERR_NULL_ARGUMENT` (`init` or `out_len` NULL, or
/// `buf` NULL with `buf_len > 0`), `VS_ERR_BUFFER_SIZE`. Thread-safe.
///
/// # Safety
/// `init` is NULL or a live handle; `buf` is NULL or has `buf_len`
/// writable bytes; `out_len` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vs_get_config_json(
    init: *const vs_initializer,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> vs_status {
    ffi_boundary!(c"vs_get_config_json", {
        // SAFETY: per the contract on `init`.
        let init = unsafe { handle(init)? };
        check_ptr(out_len, "out_len")?;
        let json = init.config().to_json();
        // SAFETY: checked non-NULL and aligned.
        unsafe { *out_len = json.len() };
        if buf.is_null() {
            if buf_len > 0 {
                return Err(Error::new(
                    ErrorKind::NullArgument,
                    format!("argument `buf` is NULL but buf_len={buf_len}"),
                ));
            }
            return Ok(());
        }
        if buf_len <= json.len() {
            return Err(Error::new(
                ErrorKind::BufferSize,
                format!(
                    "argument `buf_len` = {buf_len} is too small: the config JSON needs {} bytes including the NUL",
                    json.len() + 1
                ),
            ));
        }
        // SAFETY: buf has buf_len > json.len() writable bytes.
        unsafe {
            std::ptr::copy_nonoverlapping(json.as_ptr(), buf.cast::<u8>(), json.len());
            *buf.add(json.len()) = 0;
        }
        Ok(())
    })
}

/// Writes the handle's 64-bit seed to `*seed`: the configured one, or for an
/// unseeded handle the one drawn from the OS at creation (pass it to
/// `vs_create` to reproduce the values).
///
/// Returns `VS_OK` or `VS_ERR_NULL_ARGUMENT` (`init` or `seed` NULL).
/// Thread-safe.
///
/// # Safety
/// `init` is NULL or a live handle; `seed` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vs_get_seed(init: *const vs_initializer, seed: *mut u64) -> vs_status {
    ffi_boundary!(c"vs_get_seed", {
        // SAFETY: per the contract on `init`.
        let init = unsafe { handle(init)? };
        check_ptr(seed, "seed")?;
        // SAFETY: checked non-NULL and aligned.
        unsafe { *seed = init.seed() };
        Ok(())
    })
}

/// Releases a handle. NULL is a no-op. The handle must not be in use by
/// another thread, and must not be used or destroyed again afterwards.
///
/// # Safety
/// `init` is NULL or a live handle from this library, not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vs_destroy(init: *mut vs_initializer) {
    if init.is_null() {
        return;
    }
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // SAFETY: created by Box::into_raw in store_handle; not used again.
        let handle = unsafe { Box::from_raw(init) };
        #[cfg(test)]
        super::boundary::injected_panic_point(c"vs_destroy");
        drop(handle);
    }));
}
