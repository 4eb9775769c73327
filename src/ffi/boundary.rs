//! The panic boundary and the thread-local last error.
//!
//! Every export runs its body inside [`ffi_boundary!`]: a panic becomes
//! `VS_ERR_INTERNAL` (with a message) instead of unwinding into C.

use std::any::Any;
use std::cell::RefCell;
use std::ffi::{CStr, CString};

use super::status::vs_status;
use crate::error::Error;

thread_local! {
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

/// What `vs_last_error_message` gives on a thread whose thread-local
/// storage is already torn down (a call from a thread-exit destructor).
const NO_MESSAGE: &CStr =
    c"(no message: the call was made while its thread was exiting, after the library's thread-local storage was released)";

/// Records `message` as this thread's last error. During thread exit, once
/// the thread-local slot is gone, the message is dropped (the status still
/// tells the error); this never panics.
pub(crate) fn set_last_error(message: &str) {
    let c = CString::new(message.replace('\0', "\\0")).unwrap_or_default();
    let _ = LAST_ERROR.try_with(|slot| {
        if let Ok(mut s) = slot.try_borrow_mut() {
            *s = c;
        }
    });
}

/// A pointer to this thread's last error message; valid until the next
/// failing call on this thread (or the thread's exit). Never panics.
pub(crate) fn last_error_ptr() -> *const libc::c_char {
    LAST_ERROR
        .try_with(|slot| slot.try_borrow().map(|s| s.as_ptr()).ok())
        .ok()
        .flatten()
        .unwrap_or(NO_MESSAGE.as_ptr())
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
