//! Helpers shared by the fuzz targets: they call the library's exported
//! `extern "C"` functions exactly as a C program does, and check what the
//! header promises after every call.

#![allow(dead_code)]

use std::ffi::{CStr, CString};

use variance_scaling::c_api::*;

/// The longest error message any call may leave (bytes).
pub const MAX_MESSAGE_LEN: usize = 1024;

/// A handle value no call may leave in `*out` on error.
pub fn sentinel_handle() -> *mut vs_initializer {
    std::ptr::dangling_mut::<vs_initializer>()
}

/// Checks the per-thread message after a failing call: present, UTF-8,
/// short, and starting with nothing odd.
pub fn check_error_message(status: vs_status, what: &str) {
    assert_ne!(status, vs_status::VS_OK);
    assert_ne!(
        status,
        vs_status::VS_ERR_INTERNAL,
        "{what}: internal error (a caught panic): {}",
        last_message()
    );
    let msg = last_message();
    assert!(!msg.is_empty(), "{what}: {status:?} without a message");
    assert!(
        msg.len() < MAX_MESSAGE_LEN,
        "{what}: message of {} bytes",
        msg.len()
    );
    // SAFETY: vs_status_str returns a static NUL-terminated string.
    let text = unsafe { CStr::from_ptr(vs_status_str(status as i32)) };
    assert!(
        text.to_bytes().starts_with(b"VS_ERR_"),
        "{what}: status text {text:?}"
    );
}

/// This thread's last error message.
pub fn last_message() -> String {
    // SAFETY: never NULL, NUL-terminated, valid until the next failing call.
    let m = unsafe { CStr::from_ptr(vs_last_error_message()) };
    m.to_str()
        .expect("vs_last_error_message is not UTF-8")
        .to_owned()
}

/// The handle's config JSON, through a size query and a second call, with
/// the header's promises on `out_len` and the buffer checked on the way.
pub fn config_json(h: *const vs_initializer) -> String {
    let mut len = usize::MAX;
    // SAFETY: live handle; NULL buffer with length 0 is the size query.
    let st = unsafe { vs_get_config_json(h, std::ptr::null_mut(), 0, &mut len) };
    assert_eq!(st, vs_status::VS_OK, "size query: {}", last_message());
    assert!(len > 2 && len < 1 << 20, "config JSON length {len}");
    // one byte short: VS_ERR_BUFFER_SIZE, buffer untouched, length still set
    let mut short = vec![0x5a_u8; len];
    let mut len2 = 0usize;
    // SAFETY: `short` has `len` writable bytes.
    let st = unsafe { vs_get_config_json(h, short.as_mut_ptr().cast(), len, &mut len2) };
    assert_eq!(st, vs_status::VS_ERR_BUFFER_SIZE);
    assert_eq!(len2, len);
    assert!(
        short.iter().all(|&b| b == 0x5a),
        "a too-short buffer was written"
    );
    // exactly enough, plus a guard byte that must stay
    let mut buf = vec![0x5a_u8; len + 2];
    // SAFETY: `buf` has len + 1 writable bytes (of len + 2).
    let st = unsafe { vs_get_config_json(h, buf.as_mut_ptr().cast(), len + 1, &mut len2) };
    assert_eq!(st, vs_status::VS_OK);
    assert_eq!(len2, len);
    assert_eq!(buf[len], 0, "no NUL after the JSON");
    assert_eq!(buf[len + 1], 0x5a, "written past buf_len");
    buf.truncate(len);
    String::from_utf8(buf).expect("config JSON is not UTF-8")
}

/// Parses `json` with `vs_from_config_json`.
pub fn from_json(json: &str) -> Result<*mut vs_initializer, vs_status> {
    let c = CString::new(json).expect("NUL in JSON");
    let mut h = sentinel_handle();
    // SAFETY: NUL-terminated string; writable out-pointer.
    let st = unsafe { vs_from_config_json(c.as_ptr(), &mut h) };
    if st == vs_status::VS_OK {
        assert!(!h.is_null() && h != sentinel_handle());
        Ok(h)
    } else {
        assert!(h.is_null(), "*out is not NULL after {st:?}");
        check_error_message(st, "vs_from_config_json");
        Err(st)
    }
}

/// The seed a handle uses.
pub fn seed_of(h: *const vs_initializer) -> u64 {
    let mut s = 0u64;
    // SAFETY: live handle, writable local.
    let st = unsafe { vs_get_seed(h, &mut s) };
    assert_eq!(st, vs_status::VS_OK);
    s
}

/// `vs_describe` of `shape`, with the output checked untouched on error.
pub fn describe(h: *const vs_initializer, shape: &[i64]) -> Result<vs_params, vs_status> {
    let before = vs_params {
        fan_in: -7,
        fan_out: -7,
        n: -7.0,
        stddev: -7.0,
        limit: -7.0,
    };
    let mut p = before;
    // SAFETY: live handle; `shape` has shape.len() readable elements.
    let st = unsafe { vs_describe(h, shape.as_ptr(), shape.len(), &mut p) };
    if st == vs_status::VS_OK {
        Ok(p)
    } else {
        check_error_message(st, "vs_describe");
        assert_eq!(
            format!("{p:?}"),
            format!("{before:?}"),
            "vs_describe wrote its output on error"
        );
        Err(st)
    }
}

/// The whole f64 tensor, for shapes of at most `max` elements.
pub fn fill_f64(h: *const vs_initializer, shape: &[i64], count: usize) -> Vec<f64> {
    let mut v = vec![f64::NAN; count];
    // SAFETY: live handle; `v` has `count` writable elements.
    let st = unsafe { vs_fill_f64(h, shape.as_ptr(), shape.len(), v.as_mut_ptr(), count) };
    assert_eq!(st, vs_status::VS_OK, "vs_fill_f64: {}", last_message());
    v
}
