//! The C boundary: every `extern "C"` function, and nothing else.
//!
//! Each function checks its pointers, converts its arguments, calls the safe
//! core and maps errors to a `vs_status` plus a thread-local message. Output
//! parameters are written only on success. Every body runs inside
//! `ffi_boundary!`, so no panic unwinds into C.
//!
//! One file per C object or topic, as rustls-ffi keeps them; this file
//! holds only the argument checks they share. The `mod` lines are in the
//! order of the header, which cbindgen writes as it reads the files.

// The C boundary is where raw pointers from C are read and written.
#![allow(unsafe_code)]
#![allow(non_camel_case_types)]

mod boundary;
pub(crate) mod status;

// The exports, one topic per file, in the header's order: cbindgen reads
// the files in the order of these lines. rustfmt sorts the `mod` lines of
// a group, so a file whose place is not alphabetical is a group of its own.

// Handles and their config: create, from/get config JSON, seed, destroy.
mod handle;

// Whole and range fills.
mod fill;

// `vs_params`, `vs_describe`, `vs_compute_fans`.
mod shape;

// The library: constants, thread cap, last error, status texts, version.
mod info;

// Sampling algorithms and kernels.
mod algorithm;

// Box fills.
mod slice;

// Derived handles and getters; `vs_description` and fans by layout or
// axes; fills by fans; seed derivation.
mod derived;
mod describe;
mod fans_fill;
mod seeds;

// One namespace for every export, as `lib.rs`'s `c_api` (fuzz builds) and
// the unit tests see them; other builds reach them only through C.
#[allow(unused_imports)]
pub use {
    algorithm::*, derived::*, describe::*, fans_fill::*, fill::*, handle::*, info::*, seeds::*,
    shape::*, slice::*,
};

pub use status::vs_status;

use crate::config::Axes;
use crate::error::{Error, ErrorKind};
use crate::initializer::Initializer;

/// The longest `int64_t` array that can exist: a larger `ndim` (or axes
/// length) cannot describe real memory, and is rejected before anything is
/// read.
const MAX_ARRAY_LEN: usize = isize::MAX as usize / std::mem::size_of::<i64>();

/// The error of a NULL pointer argument.
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

/// Stores a new handle in `*out`, once nothing can fail any more (every
/// creating function sets `*out` to NULL first, with `clear_handle_out`).
///
/// # Safety
/// `out` is non-NULL, aligned and writable.
unsafe fn store_handle(out: *mut *mut vs_initializer, inner: Initializer) {
    let h = Box::into_raw(Box::new(vs_initializer { inner }));
    // SAFETY: checked non-NULL and aligned by the caller.
    unsafe { *out = h };
}

/// Reads an optional seed: `None` for NULL (unseeded).
///
/// # Safety
/// `seed` is NULL or points to a readable `uint64_t`.
unsafe fn read_seed(seed: *const u64) -> Result<Option<u64>, Error> {
    if seed.is_null() {
        return Ok(None);
    }
    check_ptr(seed, "seed")?;
    // SAFETY: non-NULL, aligned, readable per the contract.
    Ok(Some(unsafe { *seed }))
}
