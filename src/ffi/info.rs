//! The library as a whole: the C constants, the process-wide thread cap
//! (`vs_set_max_threads`), the last error (`vs_last_error_message`), the
//! status texts (`vs_status_str`) and the version (`vs_version`).

use libc::c_char;
use std::ffi::CStr;

use super::boundary::last_error_ptr;
use super::status::{status_text, vs_status};
use crate::engine::Algorithm;
use crate::parallel;

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
