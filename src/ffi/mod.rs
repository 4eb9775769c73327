//! The C boundary: every `extern "C"` function, and nothing else.
//!
//! Each function checks its pointers, converts its arguments, calls the safe
//! core and maps errors to a `vs_status` plus a thread-local message. Output
//! parameters are written only on success. Every body runs inside
//! `ffi_boundary!`, so no panic unwinds into C.

#![allow(non_camel_case_types)]

mod boundary;
mod derived;
mod describe;
mod fans_fill;
mod seeds;
pub(crate) mod status;

// One namespace for every export, as `lib.rs`'s `c_api` (fuzz builds) and
// the unit tests below see them; other builds reach them only through C.
#[allow(unused_imports)]
pub use {derived::*, describe::*, fans_fill::*, seeds::*};

pub use status::vs_status;

use std::ffi::{CStr, c_char};

use boundary::{fail, fail_with, ffi_boundary, last_error_ptr};
use status::{algorithm_from_u32, distribution_from_u32, mode_from_u32, status_text};

use crate::config::{Axes, Config};
use crate::engine::{Algorithm, Element};
use crate::error::{Error, ErrorKind};
use crate::fans::{default_fans, element_count, shape_str};
use crate::initializer::Initializer;
use crate::parallel;

/// The longest `int64_t` array that can exist: a larger `ndim` (or axes
/// length) cannot describe real memory, and is rejected before anything is
/// read.
const MAX_ARRAY_LEN: usize = isize::MAX as usize / std::mem::size_of::<i64>();

/// Elements per block of `pcg64-block-v1` (`docs/algorithm.md`): element
/// `i` is drawn from the PCG64 stream of block `i / VS_BLOCK_LEN`. (The
/// default algorithm, `splitmix64-ctr-v2`, has no blocks.)
pub const VS_BLOCK_LEN: u64 = 1024;

/// The algorithm new handles use: `VS_ALGORITHM_SPLITMIX64_CTR_V2`.
pub const VS_ALGORITHM_DEFAULT: u32 = 2;

/// The stddev of a standard normal truncated to `[-2, 2]`: truncated
/// normal fills divide `sqrt(scale / n)` by it, so their values have the
/// variance `scale / n` (TensorFlow/Keras).
#[allow(clippy::excessive_precision)]
pub const VS_TRUNCATED_NORMAL_STDDEV: f64 = 0.879_625_661_034_239_78;

// The C constants restate the core's; they must agree.
const _: () = assert!(VS_BLOCK_LEN == crate::engine::v1::BLOCK_LEN);
const _: () = assert!(VS_ALGORITHM_DEFAULT == Algorithm::DEFAULT as u32);
const _: () = assert!(VS_TRUNCATED_NORMAL_STDDEV == crate::initializer::TRUNCATED_NORMAL_STDDEV);

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
    inner: Initializer,
}

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

fn null_arg(name: &str) -> Error {
    Error::new(
        ErrorKind::NullArgument,
        format!("argument `{name}` is NULL"),
    )
}

/// Checks that a pointer is non-NULL and aligned for `T`.
fn check_ptr<T>(p: *const T, name: &str) -> Result<(), Error> {
    if p.is_null() {
        return Err(null_arg(name));
    }
    if !p.is_aligned() {
        return Err(Error::new(
            ErrorKind::NullArgument,
            format!(
                "argument `{name}` = {p:p} is not aligned to {} bytes",
                std::mem::align_of::<T>()
            ),
        ));
    }
    Ok(())
}

/// # Safety
/// `init` is NULL or a live handle from this library.
unsafe fn handle<'a>(init: *const vs_initializer) -> Result<&'a Initializer, Error> {
    check_ptr(init, "init")?;
    // SAFETY: non-NULL, aligned, and by the caller's contract a live handle.
    Ok(unsafe { &(*init).inner })
}

/// # Safety
/// When non-NULL, `shape` points to `ndim` readable `int64_t`.
unsafe fn shape_arg<'a>(shape: *const i64, ndim: usize) -> Result<&'a [i64], Error> {
    if ndim > MAX_ARRAY_LEN {
        return Err(Error::new(
            ErrorKind::InvalidShape,
            format!("argument `ndim` is larger than any array can be; received: ndim={ndim}"),
        ));
    }
    if ndim == 0 {
        return Ok(&[]);
    }
    if shape.is_null() {
        return Err(Error::new(
            ErrorKind::NullArgument,
            format!("argument `shape` is NULL but ndim={ndim} (NULL is allowed only with ndim=0)"),
        ));
    }
    check_ptr(shape, "shape")?;
    // SAFETY: non-NULL, aligned, ndim elements readable per the contract.
    Ok(unsafe { std::slice::from_raw_parts(shape, ndim) })
}

/// # Safety
/// When non-NULL, `p` points to `n` readable `int64_t`.
unsafe fn axes_arg(p: *const i64, n: usize, name: &str) -> Result<Option<Vec<i64>>, Error> {
    if p.is_null() {
        if n != 0 {
            return Err(Error::new(
                ErrorKind::NullArgument,
                format!("argument `{name}` is NULL but its length is {n}"),
            ));
        }
        return Ok(None);
    }
    if n > MAX_ARRAY_LEN {
        return Err(Error::new(
            ErrorKind::InvalidConfig,
            format!("the length of `{name}` is larger than any array can be; received: {n}"),
        ));
    }
    check_ptr(p, name)?;
    // SAFETY: non-NULL, aligned, n elements readable per the contract.
    Ok(Some(unsafe { std::slice::from_raw_parts(p, n) }.to_vec()))
}

/// Both axes lists, or neither (`None`: the default rule).
///
/// # Safety
/// As [`axes_arg`] for each list.
unsafe fn axes_pair(
    input_axes: *const i64,
    n_input_axes: usize,
    output_axes: *const i64,
    n_output_axes: usize,
) -> Result<Option<Axes>, Error> {
    // SAFETY: per the contract on the axes pointers.
    let input = unsafe { axes_arg(input_axes, n_input_axes, "input_axes")? };
    let output = unsafe { axes_arg(output_axes, n_output_axes, "output_axes")? };
    match (input, output) {
        (None, None) => Ok(None),
        (Some(input), Some(output)) => Ok(Some(Axes { input, output })),
        (given, _) => {
            let (given, missing) = if given.is_some() {
                ("input_axes", "output_axes")
            } else {
                ("output_axes", "input_axes")
            };
            Err(Error::new(
                ErrorKind::InvalidConfig,
                format!(
                    "arguments `input_axes` and `output_axes` must both be given or both be NULL; only one was given: `{given}` has a list but `{missing}` is NULL"
                ),
            ))
        }
    }
}

/// Writes `value` to a caller's size-prefixed struct (`vs_info`,
/// `vs_description`), whose first member, a `uint64_t`, the caller set to
/// the size of the struct it knows (`sizeof` in its header). Writes the
/// first `min(struct_size, size_of::<T>())` bytes of `value` (a struct of
/// an older header gets the members it has, a newer one keeps the members
/// this library does not know as the caller set them) and sets
/// `struct_size` to that many bytes.
///
/// `check_sized` must have accepted `out` first.
///
/// # Safety
/// `out` is non-NULL, aligned, and has `struct_size` writable bytes.
unsafe fn write_sized<T: Copy>(out: *mut T, value: T) {
    // SAFETY: the first member is a uint64_t, readable per the contract.
    let size = unsafe { *out.cast::<u64>() };
    let n = size.min(std::mem::size_of::<T>() as u64) as usize;
    // SAFETY: `value` has size_of::<T>() >= n bytes; `out` has `size` >= n
    // writable bytes; the two do not overlap (`value` is a local). T has no
    // padding (checked where each struct is defined).
    unsafe {
        std::ptr::copy_nonoverlapping((&raw const value).cast::<u8>(), out.cast::<u8>(), n);
        *out.cast::<u64>() = n as u64;
    }
}

/// Checks a size-prefixed output struct: non-NULL, aligned, and a
/// `struct_size` at least `min_size` (the size of the struct's first
/// version).
///
/// # Safety
/// `out` is NULL or points to a readable `uint64_t`.
unsafe fn check_sized<T>(
    out: *mut T,
    name: &str,
    type_name: &str,
    min_size: usize,
) -> Result<(), Error> {
    check_ptr(out.cast_const(), name)?;
    // SAFETY: non-NULL and aligned; the first member is a uint64_t.
    let size = unsafe { *out.cast::<u64>() };
    if size < min_size as u64 {
        return Err(Error::new(
            ErrorKind::BufferSize,
            format!(
                "`{name}->struct_size` = {size} is smaller than {type_name} has ever been ({min_size} bytes): set it to sizeof({type_name})"
            ),
        ));
    }
    Ok(())
}

/// Sets `*out` to NULL when `out` is usable, before anything else runs, so
/// that every error (`VS_ERR_INTERNAL` from a caught panic included) leaves
/// `*out` NULL.
///
/// # Safety
/// `out` is NULL or writable.
unsafe fn clear_handle_out(out: *mut *mut vs_initializer) {
    if !out.is_null() && out.is_aligned() {
        // SAFETY: non-NULL, aligned and writable per the contract.
        unsafe { *out = std::ptr::null_mut() };
    }
}

/// Stores a new handle in `*out`.
///
/// # Safety
/// `out` is non-NULL and writable.
unsafe fn store_handle(out: *mut *mut vs_initializer, r: Result<Initializer, Error>) -> vs_status {
    match r {
        Ok(inner) => {
            let h = Box::into_raw(Box::new(vs_initializer { inner }));
            // SAFETY: checked non-NULL and aligned by the caller.
            unsafe { *out = h };
            vs_status::VS_OK
        }
        Err(e) => {
            // SAFETY: as above; the contract sets *out = NULL on error.
            unsafe { *out = std::ptr::null_mut() };
            fail(e)
        }
    }
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
) -> vs_status {
    if let Err(e) = check_ptr(out, "out") {
        return fail(e);
    }
    let build = || -> Result<Initializer, Error> {
        let seed = if seed.is_null() {
            None
        } else {
            check_ptr(seed, "seed")?;
            // SAFETY: non-NULL, aligned, readable per the contract.
            Some(unsafe { *seed })
        };
        crate::config::check_scale(scale)?;
        let mode = mode_from_u32(mode)?;
        let distribution = distribution_from_u32(distribution)?;
        // SAFETY: per the contract on the axes pointers.
        let axes = unsafe { axes_pair(input_axes, n_input_axes, output_axes, n_output_axes)? };
        Initializer::new(Config::new(scale, mode, distribution, seed, axes)?)
    };
    // SAFETY: `out` checked above.
    unsafe { store_handle(out, build()) }
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
        if let Err(e) = check_ptr(out, "out") {
            return fail(e);
        }
        let build = || -> Result<Initializer, Error> {
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
            Initializer::from_json(text)
        };
        // SAFETY: `out` checked above.
        unsafe { store_handle(out, build()) }
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
        let init = match unsafe { handle(init) } {
            Ok(i) => i,
            Err(e) => return fail(e),
        };
        if let Err(e) = check_ptr(out_len, "out_len") {
            return fail(e);
        }
        let json = init.config().to_json();
        // SAFETY: checked non-NULL and aligned.
        unsafe { *out_len = json.len() };
        if buf.is_null() {
            if buf_len > 0 {
                return fail_with(
                    vs_status::VS_ERR_NULL_ARGUMENT,
                    format!("argument `buf` is NULL but buf_len={buf_len}"),
                );
            }
            return vs_status::VS_OK;
        }
        if buf_len <= json.len() {
            return fail_with(
                vs_status::VS_ERR_BUFFER_SIZE,
                format!(
                    "argument `buf_len` = {buf_len} is too small: the config JSON needs {} bytes including the NUL",
                    json.len() + 1
                ),
            );
        }
        // SAFETY: buf has buf_len > json.len() writable bytes.
        unsafe {
            std::ptr::copy_nonoverlapping(json.as_ptr(), buf.cast::<u8>(), json.len());
            *buf.add(json.len()) = 0;
        }
        vs_status::VS_OK
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
        let init = match unsafe { handle(init) } {
            Ok(i) => i,
            Err(e) => return fail(e),
        };
        if let Err(e) = check_ptr(seed, "seed") {
            return fail(e);
        }
        // SAFETY: checked non-NULL and aligned.
        unsafe { *seed = init.seed() };
        vs_status::VS_OK
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
        boundary::injected_panic_point(c"vs_destroy");
        drop(handle);
    }));
}

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
) -> vs_status {
    let run = || -> Result<(), Error> {
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
    };
    match run() {
        Ok(()) => vs_status::VS_OK,
        Err(e) => fail(e),
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
        let run = || -> Result<vs_params, Error> {
            // SAFETY: per the contract.
            let init = unsafe { handle(init)? };
            let shape = unsafe { shape_arg(shape, ndim)? };
            check_ptr(out, "out")?;
            let p = init.describe(shape)?;
            Ok(vs_params {
                fan_in: p.fan_in,
                fan_out: p.fan_out,
                n: p.n,
                stddev: p.stddev,
                limit: p.limit,
            })
        };
        match run() {
            Ok(p) => {
                // SAFETY: checked non-NULL and aligned.
                unsafe { *out = p };
                vs_status::VS_OK
            }
            Err(e) => fail(e),
        }
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
        let run = || -> Result<(i64, i64), Error> {
            // SAFETY: per the contract.
            let shape = unsafe { shape_arg(shape, ndim)? };
            check_ptr(fan_in, "fan_in")?;
            check_ptr(fan_out, "fan_out")?;
            element_count(shape)?;
            default_fans(shape)
        };
        match run() {
            Ok((i, o)) => {
                // SAFETY: checked non-NULL and aligned.
                unsafe {
                    *fan_in = i;
                    *fan_out = o;
                }
                vs_status::VS_OK
            }
            Err(e) => fail(e),
        }
    })
}

/// Caps, process-wide, how many threads one fill may use: 0 = as many as
/// the machine has cores (the default), 1 = only the calling thread, n = at
/// most n (and never more than the cores). Never changes the values. Takes
/// effect for fills that start after it returns; safe to call from any
/// thread at any time. Always returns `VS_OK`.
#[unsafe(no_mangle)]
pub extern "C" fn vs_set_max_threads(n: u32) -> vs_status {
    parallel::set_max_threads(n);
    vs_status::VS_OK
}

/// This thread's last error message: set by the most recent `vs_*` call on
/// this thread that returned an error, unchanged by successful calls, and
/// `""` before any error. Never NULL. The text belongs to the library and
/// stays valid until the next failing call on this thread; copy it to keep
/// it. Go callers (whose goroutines move between threads) read it in the
/// same cgo call that failed, or use `vs_status_str`.
#[unsafe(no_mangle)]
pub extern "C" fn vs_last_error_message() -> *const c_char {
    last_error_ptr()
}

/// A static description of a status number (for example
/// `"VS_ERR_INVALID_SCALE: scale must be a finite number > 0"`); unknown
/// numbers give `"unknown vs_status value"`. Never NULL; never freed.
/// Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn vs_status_str(status: i32) -> *const c_char {
    status_text(status).as_ptr()
}

/// The library version, `"MAJOR.MINOR.PATCH"`, equal to the header's
/// `VS_VERSION_STRING` when header and library match. Static; never NULL.
#[unsafe(no_mangle)]
pub extern "C" fn vs_version() -> *const c_char {
    const V: &CStr =
        match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
            Ok(v) => v,
            Err(_) => c"0.0.0",
        };
    V.as_ptr()
}

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
        if let Err(e) = check_ptr(out, "out") {
            return fail(e);
        }
        let build = || -> Result<Initializer, Error> {
            // SAFETY: per the contract on `init`.
            let init = unsafe { handle(init)? };
            Ok(init.with_algorithm(algorithm_from_u32(algorithm)?))
        };
        // SAFETY: `out` checked above.
        unsafe { store_handle(out, build()) }
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
        let run = || -> Result<u32, Error> {
            // SAFETY: per the contract on `init`.
            let init = unsafe { handle(init)? };
            check_ptr(algorithm, "algorithm")?;
            Ok(init.algorithm() as u32)
        };
        match run() {
            Ok(a) => {
                // SAFETY: checked non-NULL and aligned.
                unsafe { *algorithm = a };
                vs_status::VS_OK
            }
            Err(e) => fail(e),
        }
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
    use crate::engine::v2::platform::{Isa, kernel};
    match kernel() {
        Isa::Portable => c"portable".as_ptr(),
        Isa::Avx2 => c"avx2".as_ptr(),
        Isa::Avx512 => c"avx512".as_ptr(),
    }
}

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
) -> vs_status {
    let run = || -> Result<(), Error> {
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
    };
    match run() {
        Ok(()) => vs_status::VS_OK,
        Err(e) => fail(e),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// This thread's last error message.
    fn last_message() -> String {
        // SAFETY: never NULL; valid until the next failing call.
        unsafe { CStr::from_ptr(vs_last_error_message()) }
            .to_string_lossy()
            .into_owned()
    }

    /// Checks that `status` is the injected panic of `function`, reported.
    fn assert_internal(status: vs_status, function: &str) {
        assert_eq!(status, vs_status::VS_ERR_INTERNAL, "{function}");
        let msg = last_message();
        assert!(
            msg.contains("injected test panic") && msg.contains(function),
            "{function}: {msg}"
        );
    }

    /// Every export that returns a status, made to panic inside its
    /// boundary, returns `VS_ERR_INTERNAL` with a message, writes no
    /// output, and the library works normally afterwards.
    #[test]
    fn a_panic_inside_any_export_becomes_vs_err_internal_and_the_process_goes_on() {
        let seed = 7u64;
        let mut h: *mut vs_initializer = std::ptr::null_mut();
        // SAFETY: valid pointers to live locals throughout; `h` is a live
        // handle until destroyed at the end.
        unsafe {
            assert_eq!(
                vs_create(2.0, 0, 0, &seed, &mut h),
                vs_status::VS_OK,
                "{}",
                last_message()
            );
            let shape = [3i64, 4];
            let json = c"{\"seed\": 7}";
            let sentinel_handle = std::ptr::dangling_mut::<vs_initializer>();
            let axes = [0i64];

            boundary::inject_panics(true);

            let mut out = sentinel_handle;
            assert_internal(vs_create(2.0, 0, 0, &seed, &mut out), "vs_create");
            assert!(out.is_null(), "vs_create leaves *out NULL on any error");
            let mut out = sentinel_handle;
            let st = vs_create_with_axes(
                2.0,
                0,
                0,
                &seed,
                axes.as_ptr(),
                1,
                axes.as_ptr(),
                1,
                &mut out,
            );
            assert_internal(st, "vs_create_with_axes");
            assert!(out.is_null());
            let mut out = sentinel_handle;
            assert_internal(
                vs_from_config_json(json.as_ptr(), &mut out),
                "vs_from_config_json",
            );
            assert!(out.is_null());

            let mut buf = [0x55 as c_char; 256];
            let mut len = usize::MAX;
            let st = vs_get_config_json(h, buf.as_mut_ptr(), buf.len(), &mut len);
            assert_internal(st, "vs_get_config_json");
            assert!(buf.iter().all(|&b| b == 0x55) && len == usize::MAX);
            let mut s = 0xdead_u64;
            assert_internal(vs_get_seed(h, &mut s), "vs_get_seed");
            assert_eq!(s, 0xdead);

            let mut f32s = [-1.5f32; 12];
            let mut f64s = [-1.5f64; 12];
            let mut u16s = [0xabcd_u16; 12];
            let sp = shape.as_ptr();
            assert_internal(vs_fill_f32(h, sp, 2, f32s.as_mut_ptr(), 12), "vs_fill_f32");
            assert_internal(vs_fill_f64(h, sp, 2, f64s.as_mut_ptr(), 12), "vs_fill_f64");
            assert_internal(vs_fill_f16(h, sp, 2, u16s.as_mut_ptr(), 12), "vs_fill_f16");
            assert_internal(
                vs_fill_bf16(h, sp, 2, u16s.as_mut_ptr(), 12),
                "vs_fill_bf16",
            );
            let st = vs_fill_range_f32(h, sp, 2, 2, f32s.as_mut_ptr(), 5);
            assert_internal(st, "vs_fill_range_f32");
            let st = vs_fill_range_f64(h, sp, 2, 2, f64s.as_mut_ptr(), 5);
            assert_internal(st, "vs_fill_range_f64");
            let st = vs_fill_range_f16(h, sp, 2, 2, u16s.as_mut_ptr(), 5);
            assert_internal(st, "vs_fill_range_f16");
            let st = vs_fill_range_bf16(h, sp, 2, 2, u16s.as_mut_ptr(), 5);
            assert_internal(st, "vs_fill_range_bf16");
            assert!(f32s.iter().all(|&v| v == -1.5));
            assert!(f64s.iter().all(|&v| v == -1.5));
            assert!(u16s.iter().all(|&v| v == 0xabcd));

            let before = vs_params {
                fan_in: -9,
                fan_out: -9,
                n: -9.0,
                stddev: -9.0,
                limit: -9.0,
            };
            let mut p = before;
            assert_internal(vs_describe(h, sp, 2, &mut p), "vs_describe");
            assert_eq!(format!("{p:?}"), format!("{before:?}"));
            let (mut fi, mut fo) = (-9i64, -9i64);
            assert_internal(vs_compute_fans(sp, 2, &mut fi, &mut fo), "vs_compute_fans");
            assert_eq!((fi, fo), (-9, -9));

            // the 0.2 functions
            let mut out = sentinel_handle;
            assert_internal(vs_with_algorithm(h, 1, &mut out), "vs_with_algorithm");
            assert!(out.is_null());
            let mut alg = 0xdead_u32;
            assert_internal(vs_get_algorithm(h, &mut alg), "vs_get_algorithm");
            assert_eq!(alg, 0xdead);
            let (start, extent) = ([1i64, 1], [2i64, 2]);
            let (st, ex) = (start.as_ptr(), extent.as_ptr());
            let st32 = vs_fill_slice_f32(h, sp, 2, st, ex, f32s.as_mut_ptr(), 4);
            assert_internal(st32, "vs_fill_slice_f32");
            let st64 = vs_fill_slice_f64(h, sp, 2, st, ex, f64s.as_mut_ptr(), 4);
            assert_internal(st64, "vs_fill_slice_f64");
            let st16 = vs_fill_slice_f16(h, sp, 2, st, ex, u16s.as_mut_ptr(), 4);
            assert_internal(st16, "vs_fill_slice_f16");
            let stb = vs_fill_slice_bf16(h, sp, 2, st, ex, u16s.as_mut_ptr(), 4);
            assert_internal(stb, "vs_fill_slice_bf16");
            assert!(f32s.iter().all(|&v| v == -1.5));
            assert!(f64s.iter().all(|&v| v == -1.5));
            assert!(u16s.iter().all(|&v| v == 0xabcd));
            // the integrator functions
            let derive: [(&str, &dyn Fn(*mut *mut vs_initializer) -> vs_status); 4] = [
                ("vs_with_seed", &|o| vs_with_seed(h, &seed, o)),
                ("vs_with_axes", &|o| {
                    vs_with_axes(h, axes.as_ptr(), 1, axes.as_ptr(), 1, o)
                }),
                ("vs_with_layout", &|o| vs_with_layout(h, 1, o)),
                ("vs_with_max_threads", &|o| vs_with_max_threads(h, 1, o)),
            ];
            for (name, call) in derive {
                let mut out = sentinel_handle;
                assert_internal(call(&mut out), name);
                assert!(out.is_null(), "{name}");
            }
            let mut info = std::mem::MaybeUninit::<vs_info>::zeroed().assume_init();
            info.struct_size = std::mem::size_of::<vs_info>() as u64;
            info.scale = -9.0;
            assert_internal(vs_get_info(h, &mut info), "vs_get_info");
            assert_eq!(info.scale, -9.0);
            let (mut ax, mut n_in, mut n_out) = ([-9i64; 4], 99usize, 99usize);
            let st = vs_get_axes(
                h,
                ax.as_mut_ptr(),
                4,
                ax.as_mut_ptr(),
                4,
                &mut n_in,
                &mut n_out,
            );
            assert_internal(st, "vs_get_axes");
            assert_eq!((ax, n_in, n_out), ([-9; 4], 99, 99));
            let mut d = vs_description {
                struct_size: std::mem::size_of::<vs_description>() as u64,
                fan_in: -9,
                fan_out: -9,
                n: -9.0,
                stddev: -9.0,
                limit: -9.0,
                value_stddev: -9.0,
            };
            let d0 = format!("{d:?}");
            assert_internal(vs_describe_ex(h, sp, 2, &mut d), "vs_describe_ex");
            assert_internal(
                vs_describe_fans(1.0, 0, 0, 3, 4, &mut d),
                "vs_describe_fans",
            );
            let st = vs_describe_shape(1.0, 0, 0, sp, 2, 1, &mut d);
            assert_internal(st, "vs_describe_shape");
            assert_eq!(format!("{d:?}"), d0);
            let st = vs_compute_fans_layout(sp, 2, 1, &mut fi, &mut fo);
            assert_internal(st, "vs_compute_fans_layout");
            let st =
                vs_compute_fans_axes(sp, 2, axes.as_ptr(), 1, axes.as_ptr(), 1, &mut fi, &mut fo);
            assert_internal(st, "vs_compute_fans_axes");
            assert_eq!((fi, fo), (-9, -9));
            let st = vs_fill_fans_f32(1.0, 0, 0, 1, 3, 4, 0, f32s.as_mut_ptr(), 12);
            assert_internal(st, "vs_fill_fans_f32");
            let st = vs_fill_fans_f64(1.0, 0, 0, 1, 3, 4, 0, f64s.as_mut_ptr(), 12);
            assert_internal(st, "vs_fill_fans_f64");
            let st = vs_fill_fans_f16(1.0, 0, 0, 1, 3, 4, 0, u16s.as_mut_ptr(), 12);
            assert_internal(st, "vs_fill_fans_f16");
            let st = vs_fill_fans_bf16(1.0, 0, 0, 1, 3, 4, 0, u16s.as_mut_ptr(), 12);
            assert_internal(st, "vs_fill_fans_bf16");
            assert!(f32s.iter().all(|&v| v == -1.5));
            assert!(f64s.iter().all(|&v| v == -1.5));
            assert!(u16s.iter().all(|&v| v == 0xabcd));

            // static strings and pure functions have no boundary and still
            // work
            assert_eq!(vs_derive_seed(1, 2), crate::seeds::derive_seed(1, 2));
            assert!(!vs_algorithm_name(1).is_null());
            assert!(!vs_isa().is_null());

            // a panic while destroying is caught too (the handle is still
            // released by the unwinding)
            let mut extra: *mut vs_initializer = std::ptr::null_mut();
            boundary::inject_panics(false);
            assert_eq!(vs_create(1.0, 0, 0, &seed, &mut extra), vs_status::VS_OK);
            boundary::inject_panics(true);
            vs_destroy(extra);

            // the library goes on working on this thread
            boundary::inject_panics(false);
            assert_eq!(
                vs_fill_f32(h, sp, 2, f32s.as_mut_ptr(), 12),
                vs_status::VS_OK
            );
            assert!(f32s.iter().all(|&v| v != -1.5 && v.abs() < 2.0));
            assert_eq!(vs_compute_fans(sp, 2, &mut fi, &mut fo), vs_status::VS_OK);
            assert_eq!((fi, fo), (3, 4));
            vs_destroy(h);
        }
    }

    /// A message too long for the per-thread buffer is cut at a character
    /// boundary and marked; NULs in messages are written out.
    #[test]
    fn long_messages_are_cut_and_nuls_written_out() {
        boundary::set_last_error(&"\u{e9}".repeat(3000));
        let msg = last_message();
        assert!(
            msg.len() < 1024 && msg.ends_with("..."),
            "{} bytes",
            msg.len()
        );
        assert!(msg.trim_end_matches("...").chars().all(|c| c == '\u{e9}'));
        boundary::set_last_error("a\0b");
        assert_eq!(last_message(), "a\\0b");
        boundary::set_last_error(&"x".repeat(1023));
        assert_eq!(last_message().len(), 1020 + 3);
        boundary::set_last_error(&"y".repeat(1022));
        assert_eq!(last_message(), "y".repeat(1022));
    }

    /// Another thread's injected panics do not affect this one.
    #[test]
    fn injected_panics_are_per_thread() {
        let other = std::thread::spawn(|| {
            boundary::inject_panics(true);
            let shape = [5i64];
            let (mut fi, mut fo) = (0i64, 0i64);
            // SAFETY: valid pointers to live locals.
            unsafe { vs_compute_fans(shape.as_ptr(), 1, &mut fi, &mut fo) }
        });
        assert_eq!(other.join().unwrap(), vs_status::VS_ERR_INTERNAL);
        let shape = [5i64];
        let (mut fi, mut fo) = (0i64, 0i64);
        // SAFETY: valid pointers to live locals.
        let st = unsafe { vs_compute_fans(shape.as_ptr(), 1, &mut fi, &mut fo) };
        assert_eq!((st, fi, fo), (vs_status::VS_OK, 5, 5));
    }
}
