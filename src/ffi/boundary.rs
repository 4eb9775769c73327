//! The panic boundary and the thread-local last error.
//!
//! Every export runs its body inside [`ffi_boundary!`]: a panic becomes
//! `VS_ERR_INTERNAL` (with a message) instead of unwinding into C.

use std::any::Any;
use std::cell::RefCell;
use std::ffi::CStr;

use super::status::vs_status;
use crate::error::Error;

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
pub(crate) fn last_error_ptr() -> *const libc::c_char {
    LAST_ERROR
        .try_with(|slot| slot.as_ptr().cast::<libc::c_char>().cast_const())
        .unwrap_or(c"".as_ptr())
}

/// Records `e` and returns its status.
pub(crate) fn fail(e: Error) -> vs_status {
    set_last_error(e.message());
    vs_status::from(e.kind())
}

/// Records a message for `status` and returns it.
pub(crate) fn fail_with(status: vs_status, message: impl AsRef<str>) -> vs_status {
    set_last_error(message.as_ref());
    status
}

/// Turns a caught panic into `VS_ERR_INTERNAL`.
pub(crate) fn report_panic(payload: Box<dyn Any + Send>, function: &CStr) -> vs_status {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string());
    fail_with(
        vs_status::VS_ERR_INTERNAL,
        format!(
            "internal error in {}: {what} (please report this bug)",
            function.to_string_lossy()
        ),
    )
}

/// Runs a function body returning `vs_status`, catching any panic.
///
/// In the crate's unit tests, a thread may ask every export to panic at
/// the start of its body ([`inject_panics`]), so that the tests can prove
/// each boundary turns a panic into `VS_ERR_INTERNAL`; that hook does not
/// exist in any other build.
macro_rules! ffi_boundary {
    ($name:literal, $body:block) => {{
        match ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(
            || -> $crate::ffi::status::vs_status {
                #[cfg(test)]
                $crate::ffi::boundary::injected_panic_point($name);
                $body
            },
        )) {
            Ok(status) => status,
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
