//! Helpers shared by the fuzz targets: they call the library's exported
//! `extern "C"` functions exactly as a C program does, and check what the
//! header promises after every call.

#![allow(dead_code)]

use std::ffi::{CStr, CString};

use arbitrary::Arbitrary;
use variance_scaling::c_api::*;

/// The longest error message any call may leave (bytes).
pub const MAX_MESSAGE_LEN: usize = 1024;

/// A handle value no call may leave in `*out` on error.
pub fn sentinel_handle() -> *mut vs_initializer {
    std::ptr::dangling_mut::<vs_initializer>()
}

/// Checks the per-thread message after a failing call: present, UTF-8,
/// short, and the status has its own text.
///
/// (A panic inside the library needs no check here: libfuzzer-sys's panic
/// hook aborts the process on every panic, also on one the boundary would
/// catch, so any library panic is a crash the fuzzer reports.)
pub fn check_error_message(status: vs_status, what: &str) {
    assert_ne!(status, vs_status::VS_OK);
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

/// Whether `t` is a JSON text as Python's `json.loads` reads it (what Keras
/// reads): RFC 8259 JSON plus the tokens `NaN`, `Infinity`, `-Infinity`.
/// Nesting deeper than 256 levels counts as not JSON here (the library
/// rejects 128 and more). Written from the grammar, independently of the
/// library's parser.
pub fn is_python_json(t: &[u8]) -> bool {
    let mut p = Json { t, i: 0 };
    p.ws();
    p.value(0) && {
        p.ws();
        p.i == t.len()
    }
}

struct Json<'a> {
    t: &'a [u8],
    i: usize,
}

impl Json<'_> {
    fn peek(&self) -> Option<u8> {
        self.t.get(self.i).copied()
    }
    fn eat(&mut self, s: &[u8]) -> bool {
        if self.t[self.i..].starts_with(s) {
            self.i += s.len();
            true
        } else {
            false
        }
    }
    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }
    fn digits(&mut self) -> usize {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        self.i - start
    }
    /// The rest of an object or array after its opening bracket: `item`s
    /// separated by commas (whitespace around each), up to `close`.
    fn items(&mut self, close: &[u8], item: impl Fn(&mut Self) -> bool) -> bool {
        self.ws();
        if self.eat(close) {
            return true;
        }
        loop {
            self.ws();
            if !item(self) {
                return false;
            }
            self.ws();
            if self.eat(close) {
                return true;
            }
            if !self.eat(b",") {
                return false;
            }
        }
    }
    fn value(&mut self, depth: usize) -> bool {
        if depth > 256 {
            return false;
        }
        match self.peek() {
            Some(b'{') => {
                self.i += 1;
                // "key": value
                self.items(b"}", |p| {
                    if !p.string() {
                        return false;
                    }
                    p.ws();
                    if !p.eat(b":") {
                        return false;
                    }
                    p.ws();
                    p.value(depth + 1)
                })
            }
            Some(b'[') => {
                self.i += 1;
                self.items(b"]", |p| p.value(depth + 1))
            }
            Some(b'"') => self.string(),
            _ => {
                for lit in [
                    &b"true"[..],
                    b"false",
                    b"null",
                    b"NaN",
                    b"Infinity",
                    b"-Infinity",
                ] {
                    if self.eat(lit) {
                        return true;
                    }
                }
                self.number()
            }
        }
    }
    fn string(&mut self) -> bool {
        if !self.eat(b"\"") {
            return false;
        }
        loop {
            match self.peek() {
                None => return false,
                Some(b'"') => {
                    self.i += 1;
                    return true;
                }
                Some(b'\\') => {
                    self.i += 1;
                    match self.peek() {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.i += 1,
                        Some(b'u') => {
                            let hex = self.t.get(self.i + 1..self.i + 5);
                            if !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
                                return false;
                            }
                            self.i += 5;
                        }
                        _ => return false,
                    }
                }
                Some(c) if c < 0x20 => return false,
                Some(_) => self.i += 1,
            }
        }
    }
    fn number(&mut self) -> bool {
        self.eat(b"-");
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return false,
        }
        if self.eat(b".") && self.digits() == 0 {
            return false;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if self.digits() == 0 {
                return false;
            }
        }
        true
    }
}

/// An output element type.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Ty {
    F32,
    F64,
    F16,
    Bf16,
}

/// `$body` with the type alias `$t` set to the element type that the `Ty`
/// value `$ty` names (needs `#[macro_use] mod common;`).
#[allow(unused_macros)]
macro_rules! with_elem {
    ($ty:expr, $t:ident => $body:expr) => {
        match $ty {
            $crate::common::Ty::F32 => {
                type $t = f32;
                $body
            }
            $crate::common::Ty::F64 => {
                type $t = f64;
                $body
            }
            $crate::common::Ty::F16 => {
                type $t = $crate::common::F16;
                $body
            }
            $crate::common::Ty::Bf16 => {
                type $t = $crate::common::Bf16;
                $body
            }
        }
    };
}

/// One element type, seen through the fills and as f64 for checks.
pub trait Elem: Copy + PartialEq + std::fmt::Debug {
    const SENTINEL: Self;
    /// # Safety
    /// The fill functions' contracts.
    unsafe fn fill(
        h: *const vs_initializer,
        shape: *const i64,
        ndim: usize,
        out: *mut Self,
        len: usize,
    ) -> vs_status;
    /// # Safety
    /// The range fill functions' contracts.
    unsafe fn range(
        h: *const vs_initializer,
        shape: *const i64,
        ndim: usize,
        offset: u64,
        out: *mut Self,
        len: usize,
    ) -> vs_status;
    /// # Safety
    /// The slice fill functions' contracts.
    unsafe fn slice(
        h: *const vs_initializer,
        shape: *const i64,
        ndim: usize,
        start: *const i64,
        extent: *const i64,
        out: *mut Self,
        len: usize,
    ) -> vs_status;
    /// # Safety
    /// The `vs_fill_fans_*` functions' contracts.
    #[allow(clippy::too_many_arguments)]
    unsafe fn fill_fans(
        scale: f64,
        mode: u32,
        distribution: u32,
        seed: u64,
        fan_in: i64,
        fan_out: i64,
        offset: u64,
        out: *mut Self,
        count: usize,
    ) -> vs_status;
    /// `x` rounded to this type as the header specifies for
    /// `pcg64-block-v1` (f64 -> f32 -> type, each to nearest-even).
    fn from_f64(x: f64) -> Self;
    /// `x` rounded to this type (nearest-even), as `splitmix64-ctr-v2`
    /// gives f16 and bf16 from its f32 values.
    fn from_f32(x: f32) -> Self;
    /// The value, exactly.
    fn to_f64(self) -> f64;
    /// The bits (for comparisons that tell -0.0 from 0.0).
    fn bits(self) -> u64;
    /// f16 or bf16: the types `splitmix64-ctr-v2` rounds from f32.
    const HALF: bool;
}

/// `impl Elem` for one type: the fills forward to its `vs_fill*_<type>`
/// functions (`cast`: the C type of the same layout); the conversions
/// are given per type.
macro_rules! impl_elem {
    (
        $t:ty,
        fill: $fill:ident,
        range: $range:ident,
        slice: $slice:ident,
        fans: $fans:ident,
        sentinel: $sentinel:expr,
        half: $half:expr,
        from_f64: |$a:ident| $from_f64:expr,
        from_f32: |$b:ident| $from_f32:expr,
        to_f64: |$c:ident| $to_f64:expr,
        bits: |$d:ident| $bits:expr $(,)?
    ) => {
        impl Elem for $t {
            const SENTINEL: $t = $sentinel;
            unsafe fn fill_fans(
                scale: f64,
                mode: u32,
                distribution: u32,
                seed: u64,
                fan_in: i64,
                fan_out: i64,
                offset: u64,
                o: *mut $t,
                count: usize,
            ) -> vs_status {
                unsafe {
                    $fans(
                        scale,
                        mode,
                        distribution,
                        seed,
                        fan_in,
                        fan_out,
                        offset,
                        o.cast(),
                        count,
                    )
                }
            }
            unsafe fn fill(
                h: *const vs_initializer,
                s: *const i64,
                n: usize,
                o: *mut $t,
                l: usize,
            ) -> vs_status {
                unsafe { $fill(h, s, n, o.cast(), l) }
            }
            unsafe fn range(
                h: *const vs_initializer,
                s: *const i64,
                n: usize,
                off: u64,
                o: *mut $t,
                l: usize,
            ) -> vs_status {
                unsafe { $range(h, s, n, off, o.cast(), l) }
            }
            unsafe fn slice(
                h: *const vs_initializer,
                s: *const i64,
                n: usize,
                st: *const i64,
                ex: *const i64,
                o: *mut $t,
                l: usize,
            ) -> vs_status {
                unsafe { $slice(h, s, n, st, ex, o.cast(), l) }
            }
            fn from_f64($a: f64) -> $t {
                $from_f64
            }
            fn from_f32($b: f32) -> $t {
                $from_f32
            }
            fn to_f64(self) -> f64 {
                let $c = self;
                $to_f64
            }
            fn bits(self) -> u64 {
                let $d = self;
                $bits
            }
            const HALF: bool = $half;
        }
    };
}

impl_elem!(
    f64,
    fill: vs_fill_f64,
    range: vs_fill_range_f64,
    slice: vs_fill_slice_f64,
    fans: vs_fill_fans_f64,
    sentinel: -1234.5,
    half: false,
    from_f64: |x| x,
    from_f32: |x| f64::from(x),
    to_f64: |v| v,
    bits: |v| v.to_bits(),
);

impl_elem!(
    f32,
    fill: vs_fill_f32,
    range: vs_fill_range_f32,
    slice: vs_fill_slice_f32,
    fans: vs_fill_fans_f32,
    sentinel: -1234.5,
    half: false,
    from_f64: |x| x as f32,
    from_f32: |x| x,
    to_f64: |v| f64::from(v),
    bits: |v| u64::from(v.to_bits()),
);

/// binary16 bits.
#[repr(transparent)]
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct F16(pub u16);
/// bfloat16 bits.
#[repr(transparent)]
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Bf16(pub u16);

impl_elem!(
    F16,
    fill: vs_fill_f16,
    range: vs_fill_range_f16,
    slice: vs_fill_slice_f16,
    fans: vs_fill_fans_f16,
    sentinel: F16(0x7e5a),
    half: true,
    from_f64: |x| F16(half::f16::from_f32(x as f32).to_bits()),
    from_f32: |x| F16(half::f16::from_f32(x).to_bits()),
    to_f64: |v| f64::from(half::f16::from_bits(v.0)),
    bits: |v| u64::from(v.0),
);

impl_elem!(
    Bf16,
    fill: vs_fill_bf16,
    range: vs_fill_range_bf16,
    slice: vs_fill_slice_bf16,
    fans: vs_fill_fans_bf16,
    sentinel: Bf16(0x7fd5),
    half: true,
    from_f64: |x| Bf16(half::bf16::from_f32(x as f32).to_bits()),
    from_f32: |x| Bf16(half::bf16::from_f32(x).to_bits()),
    to_f64: |v| f64::from(half::bf16::from_bits(v.0)),
    bits: |v| u64::from(v.0),
);

/// `vs_with_algorithm(h, algorithm)`: the new handle for a known number
/// (1 or 2), else `None` after checking `VS_ERR_INVALID_ALGORITHM`, `*out`
/// NULL and the message.
pub fn with_algorithm(h: *const vs_initializer, algorithm: u32) -> Option<*mut vs_initializer> {
    let mut out = sentinel_handle();
    // SAFETY: live handle; writable out-pointer.
    let st = unsafe { vs_with_algorithm(h, algorithm, &mut out) };
    if matches!(algorithm, 1 | 2) {
        assert_eq!(st, vs_status::VS_OK, "{}", last_message());
        assert!(!out.is_null() && out != sentinel_handle() && out.cast_const() != h);
        Some(out)
    } else {
        assert_eq!(
            st,
            vs_status::VS_ERR_INVALID_ALGORITHM,
            "{}",
            last_message()
        );
        check_error_message(st, "vs_with_algorithm");
        assert!(out.is_null(), "*out is not NULL after {st:?}");
        None
    }
}

/// The handle's algorithm number.
pub fn algorithm_of(h: *const vs_initializer) -> u32 {
    let mut a = u32::MAX;
    // SAFETY: live handle, writable local.
    let st = unsafe { vs_get_algorithm(h, &mut a) };
    assert_eq!(st, vs_status::VS_OK, "{}", last_message());
    a
}
