//! The panic boundary and the thread-local last error.
//!
//! Every export runs its body inside [`ffi_boundary!`]. The body returns
//! `Result<(), Error>` and reports errors with `?`; the boundary records
//! the error's message as this thread's last error and returns its
//! `vs_status`, and turns a panic into `VS_ERR_INTERNAL` (with a message)
//! instead of unwinding into C. The unit tests below make every export
//! panic and check each boundary.

use libc::c_char;
use std::any::Any;
use std::cell::RefCell;
use std::ffi::CStr;

use super::status::vs_status;
use crate::error::{Error, ErrorKind};

/// Bytes of the per-thread message buffer, its NUL included. Messages are
/// far shorter (the fuzz targets check < 1 KiB); a longer one would be cut.
const MESSAGE_CAP: usize = 1024;

thread_local! {
    /// This thread's last error message, NUL-terminated. A fixed array with
    /// a constant initializer has no destructor, so the slot exists for the
    /// thread's whole life: calls from thread-exit destructors (which glibc
    /// runs after Rust's thread-local destructors) can still use it, and
    /// there is nothing to free or leak when the thread ends.
    static LAST_ERROR: RefCell<[u8; MESSAGE_CAP]> = const { RefCell::new([0; MESSAGE_CAP]) };
}

/// Records `message` as this thread's last error: NULs written as `\0`,
/// cut at a character boundary (ending in `...`) if it would not fit.
/// Never panics.
pub(crate) fn set_last_error(message: &str) {
    let text = message.replace('\0', "\\0");
    let bytes = text.as_bytes();
    let (len, ellipsis) = if bytes.len() < MESSAGE_CAP {
        (bytes.len(), "")
    } else {
        let mut end = MESSAGE_CAP - 4;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        (end, "...")
    };
    let _ = LAST_ERROR.try_with(|slot| {
        if let Ok(mut buf) = slot.try_borrow_mut() {
            buf[..len].copy_from_slice(&bytes[..len]);
            buf[len..len + ellipsis.len()].copy_from_slice(ellipsis.as_bytes());
            buf[len + ellipsis.len()] = 0;
        }
    });
}

/// A pointer to this thread's last error message; valid for the thread's
/// life, its text replaced by the next failing call on this thread. Never
/// panics.
pub(crate) fn last_error_ptr() -> *const c_char {
    LAST_ERROR
        .try_with(|slot| slot.as_ptr().cast::<c_char>().cast_const())
        .unwrap_or(c"".as_ptr())
}

/// Records `e` as this thread's last error and returns its status.
pub(crate) fn fail(e: Error) -> vs_status {
    set_last_error(e.message());
    vs_status::from(e.kind())
}

/// The status of a body's result: `VS_OK`, or the error's status with its
/// message recorded.
pub(crate) fn status_of(result: Result<(), Error>) -> vs_status {
    match result {
        Ok(()) => vs_status::VS_OK,
        Err(e) => fail(e),
    }
}

/// Turns a caught panic into `VS_ERR_INTERNAL`.
pub(crate) fn report_panic(payload: Box<dyn Any + Send>, function: &CStr) -> vs_status {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string());
    fail(Error::new(
        ErrorKind::Internal,
        format!(
            "internal error in {}: {what} (please report this bug)",
            function.to_string_lossy()
        ),
    ))
}

/// Runs an export's body, a block of type `Result<(), Error>`, catching
/// any panic, and gives the export's `vs_status`: `VS_OK` for `Ok(())`;
/// for `Err(e)` the status of `e.kind()`, with `e`'s message recorded as
/// this thread's last error; for a panic `VS_ERR_INTERNAL`, with a message
/// naming the function. So the body reports every error with `?` or
/// `return Err(...)`, and writes its outputs only once nothing can fail.
///
/// In the crate's unit tests, a thread may ask every export to panic at
/// the start of its body (`inject_panics`), so that the tests can prove
/// each boundary turns a panic into `VS_ERR_INTERNAL`; that hook does not
/// exist in any other build.
macro_rules! ffi_boundary {
    ($name:literal, $body:block) => {{
        match ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(
            || -> ::std::result::Result<(), $crate::error::Error> {
                #[cfg(test)]
                $crate::ffi::boundary::injected_panic_point($name);
                $body
            },
        )) {
            Ok(result) => $crate::ffi::boundary::status_of(result),
            Err(payload) => $crate::ffi::boundary::report_panic(payload, $name),
        }
    }};
}

pub(crate) use ffi_boundary;

#[cfg(test)]
thread_local! {
    static INJECT_PANICS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Test builds only: makes every export called on this thread panic inside
/// its boundary (`on = true`) or behave normally again (`on = false`).
#[cfg(test)]
pub(crate) fn inject_panics(on: bool) {
    INJECT_PANICS.with(|f| f.set(on));
}

/// Test builds only: panics when this thread asked for injected panics.
#[cfg(test)]
pub(crate) fn injected_panic_point(function: &CStr) {
    if INJECT_PANICS.with(|f| f.get()) {
        panic!("injected test panic in {}", function.to_string_lossy());
    }
}

#[cfg(test)]
mod tests {
    use libc::c_char;
    use std::ffi::CStr;

    use crate::ffi::*;

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

            super::inject_panics(true);

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
            super::inject_panics(false);
            assert_eq!(vs_create(1.0, 0, 0, &seed, &mut extra), vs_status::VS_OK);
            super::inject_panics(true);
            vs_destroy(extra);

            // the library goes on working on this thread
            super::inject_panics(false);
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
        super::set_last_error(&"\u{e9}".repeat(3000));
        let msg = last_message();
        assert!(
            msg.len() < 1024 && msg.ends_with("..."),
            "{} bytes",
            msg.len()
        );
        assert!(msg.trim_end_matches("...").chars().all(|c| c == '\u{e9}'));
        super::set_last_error("a\0b");
        assert_eq!(last_message(), "a\\0b");
        super::set_last_error(&"x".repeat(1023));
        assert_eq!(last_message().len(), 1020 + 3);
        super::set_last_error(&"y".repeat(1022));
        assert_eq!(last_message(), "y".repeat(1022));
    }

    /// Another thread's injected panics do not affect this one.
    #[test]
    fn injected_panics_are_per_thread() {
        let other = std::thread::spawn(|| {
            super::inject_panics(true);
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
