//! Derived handles (`vs_with_seed`, `vs_with_axes`, `vs_with_layout`,
//! `vs_with_max_threads`) and the getters (`vs_get_info`, `vs_get_axes`).

use super::boundary::ffi_boundary;
use super::status::layout_from_u32;
use super::{
    axes_pair, check_ptr, check_sized, clear_handle_out, handle, read_seed, store_handle,
    vs_initializer, vs_status, write_sized,
};
use crate::error::{Error, ErrorKind};
use crate::initializer::Initializer;

/// Runs `derive` on the live handle `init` and stores the new handle in
/// `*out` (which the caller set to NULL first, and stays so on any error).
///
/// # Safety
/// `init` is NULL or a live handle; `out` is NULL or writable.
unsafe fn derive(
    init: *const vs_initializer,
    out: *mut *mut vs_initializer,
    derive: impl FnOnce(&Initializer) -> Result<Initializer, Error>,
) -> Result<(), Error> {
    check_ptr(out.cast_const(), "out")?;
    // SAFETY: per the contract on `init`.
    let inner = derive(unsafe { handle(init)? })?;
    // SAFETY: `out` checked above.
    unsafe { store_handle(out, inner) };
    Ok(())
}

/// Creates a new handle equal to `init` (config, fan rule, algorithm,
/// thread cap) but for the seed: `*seed`, or when `seed` is NULL a fresh
/// seed drawn from the operating system (the new handle is then unseeded:
/// its config JSON says `"seed": null` and `vs_get_seed` tells the seed
/// drawn). `init` is not changed. To give each tensor of a model its own
/// seed, derive them with `vs_derive_seed` or `vs_derive_seed_name`.
///
/// Returns `VS_OK`; `VS_ERR_NULL_ARGUMENT` (`init` or `out` NULL, or a
/// misaligned pointer); `VS_ERR_INTERNAL` (no OS entropy). On any error
/// `*out` is NULL. The caller owns the new handle and releases it with
/// `vs_destroy`. Thread-safe.
///
/// # Safety
/// `init` is NULL or a live handle; `seed` is NULL or points to a readable
/// `uint64_t`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vs_with_seed(
    init: *const vs_initializer,
    seed: *const u64,
    out: *mut *mut vs_initializer,
) -> vs_status {
    // SAFETY: per the contract on `out`.
    unsafe { clear_handle_out(out) };
    ffi_boundary!(c"vs_with_seed", {
        // SAFETY: forwarded contract.
        unsafe { derive(init, out, |i| i.with_seed(read_seed(seed)?)) }
    })
}

/// Creates a new handle equal to `init` but for the fan axes (Keras 3.15
/// `input_axes` / `output_axes`, as in `vs_create_with_axes`): both lists
/// NULL (with lengths 0) give Keras's default fan rule. The axes replace
/// any axes or layout `init` had; seed, algorithm and thread cap are kept.
/// The arrays are copied.
///
/// Returns `VS_OK`; `VS_ERR_NULL_ARGUMENT` (`init` or `out` NULL, a NULL
/// list with a length > 0, a misaligned pointer); `VS_ERR_INVALID_CONFIG`
/// (only one list NULL, or a length no array can have); `VS_ERR_INTERNAL`.
/// Axes out of range for a shape are reported by the fill. On any error
/// `*out` is NULL. The caller owns the new handle. Thread-safe.
///
/// # Safety
/// `init` is NULL or a live handle; each non-NULL axes pointer has its
/// length of readable `int64_t`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vs_with_axes(
    init: *const vs_initializer,
    input_axes: *const i64,
    n_input_axes: usize,
    output_axes: *const i64,
    n_output_axes: usize,
    out: *mut *mut vs_initializer,
) -> vs_status {
    // SAFETY: per the contract on `out`.
    unsafe { clear_handle_out(out) };
    ffi_boundary!(c"vs_with_axes", {
        // SAFETY: forwarded contract.
        unsafe {
            derive(init, out, |i| {
                i.with_axes(axes_pair(
                    input_axes,
                    n_input_axes,
                    output_axes,
                    n_output_axes,
                )?)
            })
        }
    })
}

/// Creates a new handle equal to `init` but whose fills take their fans
/// from `layout` (a `vs_layout` value), so that a weight stored as, say,
/// PyTorch's `(out, in, kh, kw)` needs no axes arithmetic:
/// `VS_LAYOUT_OUT_IN`. The layout replaces any axes `init` had
/// (`VS_LAYOUT_IN_OUT` is Keras's default rule); seed, algorithm and thread
/// cap are kept.
///
/// A layout is not a Keras setting: `vs_get_config_json` of the new handle
/// writes `"input_axes": null, "output_axes": null`, which Keras (and
/// `vs_from_config_json`) read as the default `(..., in, out)` rule. The
/// layout is lost there (as are the algorithm and the thread cap); keep it
/// beside the JSON, or convert the layout to axes for the tensor's rank
/// and use `vs_with_axes`, whose axes the JSON carries.
///
/// Returns `VS_OK`; `VS_ERR_NULL_ARGUMENT` (`init` or `out` NULL);
/// `VS_ERR_INVALID_LAYOUT` (not a `vs_layout` value); `VS_ERR_INTERNAL`.
/// On any error `*out` is NULL. The caller owns the new handle.
/// Thread-safe.
///
/// # Safety
/// `init` is NULL or a live handle; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vs_with_layout(
    init: *const vs_initializer,
    layout: u32,
    out: *mut *mut vs_initializer,
) -> vs_status {
    // SAFETY: per the contract on `out`.
    unsafe { clear_handle_out(out) };
    ffi_boundary!(c"vs_with_layout", {
        // SAFETY: forwarded contract.
        unsafe { derive(init, out, |i| i.with_layout(layout_from_u32(layout)?)) }
    })
}

/// Creates a new handle equal to `init` but whose fills use at most `n`
/// threads: 0 = no cap of its own (only `vs_set_max_threads`'s process-wide
/// cap applies, the default), 1 = never start a thread (the calling thread
/// does all the work: for engines that run fills on their own thread
/// pool), n = at most n threads, and never more than the process-wide cap
/// or the cores. Never changes the values.
///
/// Returns `VS_OK`; `VS_ERR_NULL_ARGUMENT` (`init` or `out` NULL);
/// `VS_ERR_INTERNAL`. On any error `*out` is NULL. The caller owns the new
/// handle. Thread-safe.
///
/// # Safety
/// `init` is NULL or a live handle; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vs_with_max_threads(
    init: *const vs_initializer,
    n: u32,
    out: *mut *mut vs_initializer,
) -> vs_status {
    // SAFETY: per the contract on `out`.
    unsafe { clear_handle_out(out) };
    ffi_boundary!(c"vs_with_max_threads", {
        // SAFETY: forwarded contract.
        unsafe { derive(init, out, |i| Ok(i.with_max_threads(n))) }
    })
}

/// What a handle is, as `vs_get_info` reports it. A size-prefixed struct
/// that later versions may extend at the end: set `struct_size` to
/// `sizeof(vs_info)` before the call.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct vs_info {
    /// In: `sizeof(vs_info)` as the caller's header declares it. Out: the
    /// number of bytes the library wrote (the smaller of the caller's and
    /// its own size; members past it keep the caller's values).
    pub struct_size: u64,
    /// The scale factor (> 0).
    pub scale: f64,
    /// The seed in use: the configured one, or the one drawn from the OS
    /// for an unseeded handle (as `vs_get_seed`).
    pub seed: u64,
    /// A `vs_mode` value.
    pub mode: u32,
    /// A `vs_distribution` value.
    pub distribution: u32,
    /// A `vs_algorithm_id` value.
    pub algorithm: u32,
    /// 1 when the seed was given (`vs_create`, the JSON's `seed`,
    /// `vs_with_seed` with a seed), 0 when it was drawn from the OS.
    pub seeded: u32,
    /// 1 when the fans come from explicit axes (`vs_get_axes` gives them;
    /// `layout` is then `VS_LAYOUT_IN_OUT` and unused), 0 when they come
    /// from `layout`.
    pub has_axes: u32,
    /// The fan rule's `vs_layout` value: `VS_LAYOUT_IN_OUT` (Keras's
    /// default) unless set by `vs_with_layout`.
    pub layout: u32,
    /// Length of the `input_axes` list (0 without axes).
    pub n_input_axes: usize,
    /// Length of the `output_axes` list (0 without axes).
    pub n_output_axes: usize,
    /// The handle's thread cap (`vs_with_max_threads`; 0: none).
    pub max_threads: u32,
    /// 0; keeps the struct free of padding.
    pub reserved: u32,
}

// No padding on any target: `write_sized` copies the struct as bytes.
const _: () =
    assert!(std::mem::size_of::<vs_info>() == 3 * 8 + 8 * 4 + 2 * std::mem::size_of::<usize>());

/// Writes what `init` is to `*info`: scale, mode, distribution, seed
/// (and whether it was given), algorithm, fan rule (axes or layout, and
/// the axes' lengths), thread cap.
///
/// Set `info->struct_size = sizeof(vs_info)` first. The library writes the
/// members that fit in `struct_size` bytes and sets `struct_size` to the
/// bytes written, so a program built against an older or newer header
/// works with this library: members this library does not know keep the
/// caller's values.
///
/// Returns `VS_OK`; `VS_ERR_NULL_ARGUMENT` (`init` or `info` NULL or
/// misaligned); `VS_ERR_BUFFER_SIZE` (`struct_size` smaller than the first
/// `vs_info`). `*info` is written only on success. Thread-safe.
///
/// # Safety
/// `init` is NULL or a live handle; `info` is NULL or points to a writable
/// struct of `info->struct_size` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vs_get_info(init: *const vs_initializer, info: *mut vs_info) -> vs_status {
    ffi_boundary!(c"vs_get_info", {
        // SAFETY: per the contract.
        let init = unsafe { handle(init)? };
        unsafe { check_sized(info, "info", "vs_info", std::mem::size_of::<vs_info>())? };
        let c = init.config();
        let axes = c.axes();
        let value = vs_info {
            struct_size: std::mem::size_of::<vs_info>() as u64,
            scale: c.scale(),
            seed: init.seed(),
            mode: c.mode() as u32,
            distribution: c.distribution() as u32,
            algorithm: init.algorithm() as u32,
            seeded: u32::from(c.seed().is_some()),
            has_axes: u32::from(axes.is_some()),
            layout: init.layout() as u32,
            n_input_axes: axes.map_or(0, |a| a.input.len()),
            n_output_axes: axes.map_or(0, |a| a.output.len()),
            max_threads: init.max_threads(),
            reserved: 0,
        };
        // SAFETY: checked by check_sized.
        unsafe { write_sized(info, value) };
        Ok(())
    })
}

/// Copies the handle's fan axes. `*n_input` and `*n_output` are always set
/// (whenever `init` and both are non-NULL, also when the call then fails)
/// to the lists' lengths: 0 and 0 for a handle without axes (check
/// `vs_info.has_axes` to tell that from two empty lists). Each list is
/// written when its buffer holds it: `input_cap >= *n_input`, likewise
/// `output_cap`. `NULL` with a capacity of 0 is a size query for that list.
///
/// Returns `VS_OK`; `VS_ERR_NULL_ARGUMENT` (`init`, `n_input` or
/// `n_output` NULL; a NULL list with a capacity > 0; a misaligned
/// pointer); `VS_ERR_BUFFER_SIZE` (a list does not fit: nothing is written
/// to either buffer). Thread-safe.
///
/// # Safety
/// `init` is NULL or a live handle; each non-NULL list has its capacity of
/// writable `int64_t`; `n_input` and `n_output` are NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vs_get_axes(
    init: *const vs_initializer,
    input_axes: *mut i64,
    input_cap: usize,
    output_axes: *mut i64,
    output_cap: usize,
    n_input: *mut usize,
    n_output: *mut usize,
) -> vs_status {
    ffi_boundary!(c"vs_get_axes", {
        // SAFETY: per the contract.
        let init = unsafe { handle(init)? };
        check_ptr(n_input.cast_const(), "n_input")?;
        check_ptr(n_output.cast_const(), "n_output")?;
        let (input, output) = match init.config().axes() {
            Some(a) => (a.input.as_slice(), a.output.as_slice()),
            None => (&[][..], &[][..]),
        };
        // SAFETY: checked non-NULL and aligned.
        unsafe {
            *n_input = input.len();
            *n_output = output.len();
        }
        let lists = [
            (input, input_axes, input_cap, "input_axes", "input_cap"),
            (output, output_axes, output_cap, "output_axes", "output_cap"),
        ];
        for (list, buf, cap, name, cap_name) in lists {
            if buf.is_null() {
                if cap > 0 {
                    return Err(Error::new(
                        ErrorKind::NullArgument,
                        format!("argument `{name}` is NULL but {cap_name}={cap}"),
                    ));
                }
                continue;
            }
            check_ptr(buf.cast_const(), name)?;
            if cap < list.len() {
                return Err(Error::new(
                    ErrorKind::BufferSize,
                    format!(
                        "argument `{cap_name}` = {cap} is too small: the handle has {} {name}",
                        list.len()
                    ),
                ));
            }
        }
        for (list, buf, _, _, _) in lists {
            if !buf.is_null() {
                // SAFETY: checked above: non-NULL, aligned, cap >=
                // list.len() writable elements per the contract.
                unsafe { std::ptr::copy_nonoverlapping(list.as_ptr(), buf, list.len()) };
            }
        }
        Ok(())
    })
}
