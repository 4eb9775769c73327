//! Fuzz target: every argument of every C function but the JSON text (see
//! `config_json`), chosen by the fuzzer: scales, enum integers, seeds, fan
//! axes and their lengths, shapes and ranks, offsets, counts, buffer
//! lengths, and NULL, misaligned or impossible (`ndim` above
//! `PTRDIFF_MAX / 8`) pointers, within small buffer sizes. (Fills large
//! enough for several threads are the `threaded_fill` target's.)
//!
//! Each call's status is checked against the one the header predicts,
//! computed here from the arguments alone (fans, `n`, the uniform limit and
//! their overflows included). On error the outputs, with guard elements on
//! both sides, must be untouched; on success the guards must be, and the
//! values must agree with the other entry points: a range fill equals the
//! slice of the whole fill, f32/f16/bf16 equal the f64 values rounded,
//! and every |value| is within the limit.

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use variance_scaling::c_api::*;

mod common;
use common::*;

/// The most elements a small fill writes.
const MAX_ELEMS: u64 = 2048;
/// Guard elements on each side of every output buffer.
const GUARD: usize = 4;
/// The largest rank tried.
const MAX_RANK: usize = 64;
/// An `ndim` or axes length no array can have (the header's bound + 1).
const TOO_LONG: usize = isize::MAX as usize / 8 + 1;

const TRUNC_STDDEV: f64 = 0.879_625_661_034_239_8;

use vs_status::*;

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Scale {
    /// `n / 8` for a small n: the usual values (0 included).
    Small(u8),
    /// Any bit pattern: NaN, infinities, negatives, subnormals, huge.
    Bits(u64),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum EnumArg {
    Valid(u8),
    Raw(u32),
}

impl EnumArg {
    fn value(self) -> u32 {
        match self {
            EnumArg::Valid(v) => u32::from(v % 4),
            EnumArg::Raw(v) => v,
        }
    }
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Dim {
    Small(u8),
    Large(u32),
    Any(i64),
}

impl Dim {
    fn value(self) -> i64 {
        match self {
            Dim::Small(v) => i64::from(v % 7),
            Dim::Large(v) => i64::from(v),
            Dim::Any(v) => v,
        }
    }
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Axis {
    Small(i8),
    Any(i64),
}

impl Axis {
    fn value(self) -> i64 {
        match self {
            Axis::Small(v) => i64::from(v % 6),
            Axis::Any(v) => v,
        }
    }
}

/// How one axes list is passed.
#[derive(Arbitrary, Debug)]
enum AxesArg {
    Null,
    List(Vec<Axis>),
    /// NULL with a length > 0: `VS_ERR_NULL_ARGUMENT`.
    NullWithLength(u8),
    /// A length no array can have: `VS_ERR_INVALID_CONFIG`.
    TooLong,
    /// One byte off alignment: `VS_ERR_NULL_ARGUMENT`.
    Misaligned(u8),
}

/// A pointer argument: valid, NULL or one byte off alignment.
#[derive(Arbitrary, Debug, Clone, Copy, PartialEq)]
enum Ptr {
    Valid,
    Null,
    Misaligned,
}

#[derive(Arbitrary, Debug)]
struct Create {
    /// `vs_create` (no axes) instead of `vs_create_with_axes`.
    plain: bool,
    scale: Scale,
    mode: EnumArg,
    distribution: EnumArg,
    seed: Option<u64>,
    seed_misaligned: bool,
    input_axes: AxesArg,
    output_axes: AxesArg,
    out: Ptr,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Offset {
    Small(u16),
    /// `count - k` of the tensor (near its end).
    FromEnd(u16),
    Any(u64),
}

/// How the shape is passed to one call.
#[derive(Arbitrary, Debug, Clone, Copy, PartialEq)]
enum ShapeArg {
    Valid,
    /// NULL with `ndim` > 0 (valid when the rank is 0).
    Null,
    Misaligned,
    /// `ndim` above `PTRDIFF_MAX / 8`: rejected before anything is read.
    TooLong,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum ConfigBuf {
    Query,
    Short(u8),
    Exact,
    Larger(u8),
    NullWithLength(u16),
    NullOutLen,
    MisalignedOutLen,
}

#[derive(Arbitrary, Debug)]
enum Op {
    Fill {
        ty: Ty,
        /// Added to the element count for `out_len`.
        len_delta: i8,
        out: Ptr,
        shape: ShapeArg,
    },
    Range {
        ty: Ty,
        offset: Offset,
        count: u16,
        out: Ptr,
        shape: ShapeArg,
    },
    Describe {
        out: Ptr,
        shape: ShapeArg,
    },
    ComputeFans {
        fan_in: Ptr,
        fan_out: Ptr,
        shape: ShapeArg,
    },
    GetSeed(Ptr),
    GetConfig(ConfigBuf),
    /// A NULL or misaligned handle given to a function of each kind.
    BadHandle {
        misaligned: bool,
        which: u8,
    },
    /// `vs_from_config_json` with NULL arguments.
    /// `vs_from_config_json` with a NULL `json` (`which` 0), a NULL `out`
    /// (1) or a misaligned `out` (2).
    FromJsonBadArgs(u8),
    StatusStr(i32),
    Strings,
}

#[derive(Arbitrary, Debug)]
struct Input {
    create: Create,
    shape: Vec<Dim>,
    ops: Vec<Op>,
}

/// A pointer for an argument of type `T`: into `backing` (which outlives
/// the call), NULL, or one byte past an aligned address inside `backing`
/// (never dereferenced by a conforming library, which must reject it).
fn ptr_into<T>(backing: &mut [u64], p: Ptr) -> *mut T {
    let base = backing.as_mut_ptr();
    match p {
        Ptr::Valid => base.cast(),
        Ptr::Null => std::ptr::null_mut(),
        // SAFETY: backing has at least one u64; one byte in stays inside.
        Ptr::Misaligned => unsafe { base.cast::<u8>().add(1).cast() },
    }
}

// ---- what the header says, computed from the arguments ----

/// The element count of `shape`, or `VS_ERR_INVALID_SHAPE`.
fn element_count(shape: &[i64]) -> Result<u64, vs_status> {
    if shape.iter().any(|&d| d < 0) {
        return Err(VS_ERR_INVALID_SHAPE);
    }
    if shape.contains(&0) {
        return Ok(0);
    }
    shape
        .iter()
        .try_fold(1i64, |acc, &d| acc.checked_mul(d))
        .map(|c| c as u64)
        .ok_or(VS_ERR_INVALID_SHAPE)
}

/// A product of dimensions: 0 if any is 0, else an error on overflow.
fn product(dims: &[i64]) -> Result<i64, vs_status> {
    if dims.contains(&0) {
        return Ok(0);
    }
    dims.iter()
        .try_fold(1i64, |a, &d| a.checked_mul(d))
        .ok_or(VS_ERR_INVALID_SHAPE)
}

/// The default TF/Keras fan rule.
fn default_fans(shape: &[i64]) -> Result<(i64, i64), vs_status> {
    element_count(shape)?;
    match shape.len() {
        0 => Ok((1, 1)),
        1 => Ok((shape[0], shape[0])),
        2 => Ok((shape[0], shape[1])),
        r => {
            let rf = &shape[..r - 2];
            let fin: Vec<i64> = rf.iter().copied().chain([shape[r - 2]]).collect();
            let fout: Vec<i64> = rf.iter().copied().chain([shape[r - 1]]).collect();
            Ok((product(&fin)?, product(&fout)?))
        }
    }
}

/// Fans from explicit axes (negative axes count from the end).
fn axes_fans(shape: &[i64], input: &[i64], output: &[i64]) -> Result<(i64, i64), vs_status> {
    element_count(shape)?;
    let rank = shape.len() as i64;
    let fan = |axes: &[i64]| -> Result<i64, vs_status> {
        let mut dims = Vec::new();
        for &a in axes {
            let k = if a < 0 { a + rank } else { a };
            if !(0..rank).contains(&k) {
                return Err(VS_ERR_INVALID_SHAPE);
            }
            dims.push(shape[k as usize]);
        }
        product(&dims)
    };
    Ok((fan(input)?, fan(output)?))
}

/// What `vs_describe` must report for a valid handle and shape.
#[derive(Debug, Clone, Copy)]
struct Expected {
    fan_in: i64,
    fan_out: i64,
    n: f64,
    stddev: f64,
    limit: f64,
}

/// The handle as created.
struct Handle {
    h: *mut vs_initializer,
    scale: f64,
    mode: u32,
    distribution: u32,
    seed: Option<u64>,
    axes: Option<(Vec<i64>, Vec<i64>)>,
}

impl Handle {
    /// `vs_describe` of `shape` as the header defines it.
    fn expected(&self, shape: &[i64]) -> Result<Expected, vs_status> {
        let (fan_in, fan_out) = match &self.axes {
            None => default_fans(shape)?,
            Some((i, o)) => axes_fans(shape, i, o)?,
        };
        let fan = match self.mode {
            0 => fan_in as f64,
            1 => fan_out as f64,
            // Python's (fan_in + fan_out) / 2.0: exact sum, then one rounding
            _ => (i128::from(fan_in) + i128::from(fan_out)) as f64 / 2.0,
        };
        let n = fan.max(1.0);
        let s = self.scale / n;
        let (stddev, limit) = match self.distribution {
            0 => (s.sqrt() / TRUNC_STDDEV, 2.0 * s.sqrt() / TRUNC_STDDEV),
            1 => (s.sqrt(), f64::INFINITY),
            _ => (0.0, (3.0 * s).sqrt()),
        };
        if self.distribution == 2 && limit.is_infinite() {
            return Err(VS_ERR_INVALID_SCALE);
        }
        Ok(Expected {
            fan_in,
            fan_out,
            n,
            stddev,
            limit,
        })
    }
}

/// What the case is about: a live handle and the shape's facts.
struct Case<'a> {
    hd: &'a Handle,
    shape: &'a [i64],
    /// The element count, or the status a shape check must give.
    count: Result<u64, vs_status>,
    /// `vs_describe` as predicted.
    expected: Result<Expected, vs_status>,
    /// `vs_describe` as reported (checked against `expected`).
    params: Result<vs_params, vs_status>,
}

/// Holds what a shape argument points to for one call.
struct ShapeBuf {
    backing: Vec<u64>,
}

impl ShapeBuf {
    fn new(shape: &[i64]) -> ShapeBuf {
        let mut backing = vec![0u64; shape.len() + 2];
        for (b, &d) in backing.iter_mut().zip(shape) {
            *b = d as u64;
        }
        ShapeBuf { backing }
    }
    /// (pointer, ndim) for `arg`, and the status the header predicts for
    /// the shape argument alone (before the shape's values are looked at).
    fn arg(&mut self, ndim: usize, arg: ShapeArg) -> (*const i64, usize, Option<vs_status>) {
        match arg {
            ShapeArg::Valid => (self.backing.as_ptr().cast(), ndim, None),
            ShapeArg::Null if ndim == 0 => (std::ptr::null(), 0, None),
            ShapeArg::Null => (std::ptr::null(), ndim, Some(VS_ERR_NULL_ARGUMENT)),
            ShapeArg::Misaligned if ndim == 0 => (self.backing.as_ptr().cast(), 0, None),
            ShapeArg::Misaligned => (
                ptr_into::<i64>(&mut self.backing, Ptr::Misaligned),
                ndim,
                Some(VS_ERR_NULL_ARGUMENT),
            ),
            ShapeArg::TooLong => (
                self.backing.as_ptr().cast(),
                TOO_LONG,
                Some(VS_ERR_INVALID_SHAPE),
            ),
        }
    }
}

impl Case<'_> {
    fn h(&self) -> *const vs_initializer {
        self.hd.h
    }

    /// The status every fill of this shape gives before lengths matter.
    fn shape_status(&self) -> Result<u64, vs_status> {
        let count = self.count?;
        self.expected.map(|_| count)
    }

    /// The whole f64 tensor when it is small enough to draw here.
    fn whole_f64(&self) -> Option<Vec<f64>> {
        match self.shape_status() {
            Ok(c) if c <= MAX_ELEMS => Some(fill_f64(self.h(), self.shape, c as usize)),
            _ => None,
        }
    }

    /// Calls a fill (`offset` None) or range fill writing `len` elements
    /// at `out`; checks the status against the predicted one and the
    /// buffer and its guards. Returns the written elements on success.
    fn call<T: Elem>(
        &self,
        offset: Option<u64>,
        len: usize,
        out: Ptr,
        shape: ShapeArg,
    ) -> Option<Vec<T>> {
        let mut sb = ShapeBuf::new(self.shape);
        let (sp, nd, shape_err) = sb.arg(self.shape.len(), shape);
        let expected = match (shape_err, self.shape_status(), offset) {
            (Some(st), _, _) => st,
            (None, Err(st), _) => st,
            (None, Ok(c), None) if len as u64 != c => VS_ERR_BUFFER_SIZE,
            (None, Ok(c), Some(off)) if off.checked_add(len as u64).is_none_or(|e| e > c) => {
                VS_ERR_BUFFER_SIZE
            }
            _ if len == 0 => VS_OK,
            _ if out == Ptr::Valid => VS_OK,
            _ => VS_ERR_NULL_ARGUMENT,
        };
        let mut buf = vec![T::SENTINEL; len + 2 * GUARD];
        let base = buf.as_mut_ptr();
        let ptr: *mut T = match out {
            // SAFETY: GUARD < buf.len(); stays inside the allocation.
            Ptr::Valid => unsafe { base.add(GUARD) },
            Ptr::Null => std::ptr::null_mut(),
            // SAFETY: one byte into the allocation; every element type is
            // at least 2-byte aligned, so this is misaligned, and a
            // conforming library never dereferences it.
            Ptr::Misaligned => unsafe { base.add(GUARD).cast::<u8>().add(1).cast::<T>() },
        };
        // SAFETY: `ptr` is NULL, misaligned (rejected), or has `len`
        // writable elements; the shape pointer is NULL, misaligned or has
        // `nd` readable elements, or `nd` is beyond any array (rejected).
        let st = unsafe {
            match offset {
                None => T::fill(self.h(), sp, nd, ptr, len),
                Some(off) => T::range(self.h(), sp, nd, off, ptr, len),
            }
        };
        assert_eq!(
            st,
            expected,
            "shape {:?} ({shape:?}) offset {offset:?} len {len} out {out:?}: {}",
            self.shape,
            last_message()
        );
        if st != VS_OK {
            check_error_message(st, "fill");
            assert!(buf.iter().all(|&v| v == T::SENTINEL), "written on error");
            return None;
        }
        let (head, rest) = buf.split_at(GUARD);
        let (body, tail) = rest.split_at(len);
        assert!(
            head.iter().chain(tail).all(|&v| v == T::SENTINEL),
            "guard overwritten"
        );
        (out == Ptr::Valid).then(|| body.to_vec())
    }

    /// Checks values of type `T` against the f64 values of the same elements.
    fn check_values<T: Elem>(&self, got: &[T], f64s: &[f64]) {
        let p = self
            .expected
            .expect("values of a shape that has no parameters");
        assert_eq!(got.len(), f64s.len());
        for (&g, &x) in got.iter().zip(f64s) {
            assert!(x.is_finite(), "f64 value {x}");
            if self.hd.distribution != 1 {
                assert!(x.abs() <= p.limit * (1.0 + 1e-15), "{x} beyond {}", p.limit);
            }
            assert_eq!(g, T::from_f64(x), "{g:?} is not {x} rounded");
        }
    }

    fn fill_op<T: Elem>(&self, len_delta: i8, out: Ptr, shape: ShapeArg) {
        let len = match self.count {
            Ok(c) if c <= MAX_ELEMS => (c as i64 + i64::from(len_delta)).max(0) as usize,
            _ => usize::from(len_delta.unsigned_abs()),
        };
        if let Some(v) = self.call::<T>(None, len, out, shape) {
            let whole = self.whole_f64().expect("filled but no f64 fill");
            self.check_values(&v, &whole);
        }
    }

    fn offset(&self, offset: Offset, len: u64) -> u64 {
        let total = self.count.unwrap_or(0);
        match offset {
            Offset::Small(o) => u64::from(o),
            Offset::FromEnd(k) => total.saturating_sub(u64::from(k)).saturating_sub(len),
            Offset::Any(o) => o,
        }
    }

    fn range_op<T: Elem>(&self, offset: Offset, count: u16, out: Ptr, shape: ShapeArg) {
        let len = u64::from(count) % (MAX_ELEMS + 1);
        let off = self.offset(offset, len);
        let Some(v) = self.call::<T>(Some(off), len as usize, out, shape) else {
            return;
        };
        // the same elements in f64: from the whole tensor when it is small,
        // else as two range fills split in the middle
        let f64s = match self.whole_f64() {
            Some(w) => w[off as usize..(off + len) as usize].to_vec(),
            None => {
                let k = len / 2;
                let mut a = self
                    .call::<f64>(Some(off), k as usize, Ptr::Valid, ShapeArg::Valid)
                    .unwrap();
                let b = self
                    .call::<f64>(
                        Some(off + k),
                        (len - k) as usize,
                        Ptr::Valid,
                        ShapeArg::Valid,
                    )
                    .unwrap();
                a.extend(b);
                a
            }
        };
        self.check_values(&v, &f64s);
    }

    fn describe_op(&self, out: Ptr, shape: ShapeArg) {
        let mut sb = ShapeBuf::new(self.shape);
        let (sp, nd, shape_err) = sb.arg(self.shape.len(), shape);
        let expected = match (shape_err, out, self.expected) {
            (Some(st), _, _) => Err(st),
            (None, Ptr::Null | Ptr::Misaligned, _) => Err(VS_ERR_NULL_ARGUMENT),
            (None, Ptr::Valid, e) => e,
        };
        let mut backing = [0u64; 8];
        let before = backing;
        let p = ptr_into::<vs_params>(&mut backing, out);
        // SAFETY: `p` is NULL, misaligned (rejected) or writable; the shape
        // as in `call`.
        let st = unsafe { vs_describe(self.h(), sp, nd, p) };
        assert_eq!(
            st,
            expected.map(|_| VS_OK).unwrap_or_else(|e| e),
            "{}",
            last_message()
        );
        if st != VS_OK {
            check_error_message(st, "vs_describe");
            assert_eq!(backing, before, "vs_describe wrote on error");
            return;
        }
        let got = describe(self.h(), self.shape).expect("vs_describe changed its mind");
        let e = expected.unwrap();
        assert_eq!((got.fan_in, got.fan_out), (e.fan_in, e.fan_out), "fans");
        // the header's formulas, evaluated in the order it writes them,
        // give the same bits
        let bits = |p: (f64, f64, f64)| (p.0.to_bits(), p.1.to_bits(), p.2.to_bits());
        assert_eq!(
            bits((got.n, got.stddev, got.limit)),
            bits((e.n, e.stddev, e.limit)),
            "{got:?} vs {e:?}"
        );
        if self.hd.distribution == 0 {
            assert_eq!(got.limit, 2.0 * got.stddev);
        }
    }

    fn compute_fans_op(&self, fan_in: Ptr, fan_out: Ptr, shape: ShapeArg) {
        let mut sb = ShapeBuf::new(self.shape);
        let (sp, nd, shape_err) = sb.arg(self.shape.len(), shape);
        let expected = match (shape_err, fan_in, fan_out) {
            (Some(st), _, _) => Err(st),
            (None, Ptr::Valid, Ptr::Valid) => default_fans(self.shape),
            _ => Err(VS_ERR_NULL_ARGUMENT),
        };
        let (mut bi, mut bo) = ([7u64; 2], [7u64; 2]);
        let (pi, po) = (
            ptr_into::<i64>(&mut bi, fan_in),
            ptr_into::<i64>(&mut bo, fan_out),
        );
        // SAFETY: the outputs are NULL, misaligned (rejected) or writable;
        // the shape as in `call`.
        let st = unsafe { vs_compute_fans(sp, nd, pi, po) };
        match expected {
            Ok((i, o)) => {
                assert_eq!(st, VS_OK, "{}", last_message());
                assert_eq!((bi[0] as i64, bo[0] as i64), (i, o));
            }
            Err(e) => {
                assert_eq!(st, e, "{}", last_message());
                check_error_message(st, "vs_compute_fans");
                assert_eq!((bi, bo), ([7; 2], [7; 2]), "vs_compute_fans wrote on error");
            }
        }
    }

    fn get_seed_op(&self, out: Ptr) {
        let mut b = [5u64; 2];
        let p = ptr_into::<u64>(&mut b, out);
        // SAFETY: live handle; `p` NULL, misaligned (rejected) or writable.
        let st = unsafe { vs_get_seed(self.h(), p) };
        if out == Ptr::Valid {
            assert_eq!(st, VS_OK);
            if let Some(s) = self.hd.seed {
                assert_eq!(b[0], s);
            }
        } else {
            assert_eq!(st, VS_ERR_NULL_ARGUMENT);
            check_error_message(st, "vs_get_seed");
            assert_eq!(b, [5; 2]);
        }
    }

    fn get_config_op(&self, how: ConfigBuf) {
        let json = config_json(self.h());
        let need = json.len() + 1;
        let (buf_len, null_buf, null_out_len, expected) = match how {
            ConfigBuf::Query => (0, true, false, VS_OK),
            ConfigBuf::Short(k) => (
                need.saturating_sub(1 + usize::from(k)),
                false,
                false,
                VS_ERR_BUFFER_SIZE,
            ),
            ConfigBuf::Exact => (need, false, false, VS_OK),
            ConfigBuf::Larger(k) => (need + usize::from(k), false, false, VS_OK),
            ConfigBuf::NullWithLength(k) => {
                (usize::from(k).max(1), true, false, VS_ERR_NULL_ARGUMENT)
            }
            ConfigBuf::NullOutLen | ConfigBuf::MisalignedOutLen => {
                (need, false, true, VS_ERR_NULL_ARGUMENT)
            }
        };
        let mut buf = vec![0x5a_u8; buf_len + 8];
        let bp = if null_buf {
            std::ptr::null_mut()
        } else {
            buf.as_mut_ptr().cast()
        };
        let mut len = usize::MAX;
        let mut len_backing = [3u64; 2];
        let lp: *mut usize = match how {
            ConfigBuf::NullOutLen => std::ptr::null_mut(),
            ConfigBuf::MisalignedOutLen => ptr_into(&mut len_backing, Ptr::Misaligned),
            _ => &mut len,
        };
        // SAFETY: `bp` is NULL or has buf_len (+ 8) writable bytes.
        let st = unsafe { vs_get_config_json(self.h(), bp, buf_len, lp) };
        assert_eq!(st, expected, "{how:?}: {}", last_message());
        if !null_out_len {
            assert_eq!(len, json.len(), "*out_len is always set");
        }
        assert_eq!(len_backing, [3; 2], "a misaligned out_len was written");
        if st == VS_OK && !null_buf {
            assert_eq!(&buf[..json.len()], json.as_bytes());
            assert_eq!(buf[json.len()], 0);
            assert!(
                buf[need..].iter().all(|&b| b == 0x5a),
                "written past the NUL"
            );
        } else {
            if st != VS_OK {
                check_error_message(st, "vs_get_config_json");
            }
            assert!(buf.iter().all(|&b| b == 0x5a), "buffer written");
        }
        if matches!(how, ConfigBuf::Exact) {
            let h2 = from_json(&json).expect("own config JSON rejected");
            assert_eq!(config_json(h2), json);
            if let Some(s) = self.hd.seed {
                assert_eq!(seed_of(h2), s, "{json}");
            } else {
                assert!(json.starts_with("{\"seed\":null"), "{json}");
            }
            assert_eq!(
                format!("{:?}", describe(h2, self.shape)),
                format!("{:?}", self.params)
            );
            // SAFETY: live handle, not used afterwards.
            unsafe { vs_destroy(h2) };
        }
    }

    fn bad_handle_op(&self, misaligned: bool, which: u8) {
        let mut backing = [0u64; 4];
        let h: *const vs_initializer = if misaligned {
            ptr_into::<vs_initializer>(&mut backing, Ptr::Misaligned)
        } else {
            std::ptr::null()
        };
        let shape = [2i64, 3];
        let mut out = [-1.5f32; 6];
        let mut b = [9u64; 8];
        let before = b;
        // SAFETY: a NULL or misaligned handle must be rejected before use;
        // every other pointer is valid.
        let st = unsafe {
            match which % 6 {
                0 => vs_fill_f32(h, shape.as_ptr(), 2, out.as_mut_ptr(), 6),
                1 => vs_fill_range_f32(h, shape.as_ptr(), 2, 1, out.as_mut_ptr(), 3),
                2 => vs_describe(h, shape.as_ptr(), 2, b.as_mut_ptr().cast()),
                3 => vs_get_seed(h, b.as_mut_ptr()),
                4 => vs_get_config_json(h, b.as_mut_ptr().cast(), 64, &mut 0usize),
                _ => {
                    vs_destroy(std::ptr::null_mut());
                    vs_fill_bf16(h, shape.as_ptr(), 2, b.as_mut_ptr().cast(), 6)
                }
            }
        };
        assert_eq!(st, VS_ERR_NULL_ARGUMENT);
        check_error_message(st, "bad handle");
        assert!(
            out.iter().all(|&v| v == -1.5) && b == before,
            "written with a bad handle"
        );
    }
}

/// Passes one axes list; returns (pointer, length, status predicted for it).
fn axes_arg(
    arg: &AxesArg,
    backing: &mut Vec<u64>,
) -> (*const i64, usize, Option<vs_status>, Option<Vec<i64>>) {
    match arg {
        AxesArg::Null => (std::ptr::null(), 0, None, None),
        AxesArg::List(l) => {
            let v: Vec<i64> = l.iter().take(8).map(|a| a.value()).collect();
            backing.clear();
            backing.extend(v.iter().map(|&a| a as u64));
            backing.push(0);
            (backing.as_ptr().cast(), v.len(), None, Some(v))
        }
        AxesArg::NullWithLength(n) => (
            std::ptr::null(),
            usize::from(*n).max(1),
            Some(VS_ERR_NULL_ARGUMENT),
            None,
        ),
        AxesArg::TooLong => {
            backing.clear();
            backing.push(0);
            (
                backing.as_ptr().cast(),
                TOO_LONG,
                Some(VS_ERR_INVALID_CONFIG),
                None,
            )
        }
        AxesArg::Misaligned(n) => {
            backing.clear();
            backing.resize(usize::from(*n % 8) + 2, 0);
            let len = usize::from(*n % 8).max(1);
            (
                ptr_into::<i64>(backing, Ptr::Misaligned),
                len,
                Some(VS_ERR_NULL_ARGUMENT),
                None,
            )
        }
    }
}

/// Creates the handle, checking the status the arguments predict.
fn create(c: &Create) -> Option<Handle> {
    let scale = match c.scale {
        Scale::Small(v) => f64::from(v) / 8.0,
        Scale::Bits(b) => f64::from_bits(b),
    };
    let (mode, dist) = (c.mode.value(), c.distribution.value());
    let (mut ib, mut ob) = (Vec::new(), Vec::new());
    let (ip, il, ierr, ivec) = axes_arg(&c.input_axes, &mut ib);
    let (op, ol, oerr, ovec) = axes_arg(&c.output_axes, &mut ob);
    let mut seed_backing = [c.seed.unwrap_or(0); 2];
    let seed_ptr: *const u64 = match (c.seed, c.seed_misaligned) {
        (None, _) => std::ptr::null(),
        (Some(_), false) => seed_backing.as_ptr(),
        (Some(_), true) => ptr_into::<u64>(&mut seed_backing, Ptr::Misaligned),
    };
    // the order of the checks: out, seed pointer, scale, mode,
    // distribution, input axes, output axes, axes given together
    let given = |p: *const i64, l: usize| !p.is_null() || l > 0;
    let expected = if c.out != Ptr::Valid {
        VS_ERR_NULL_ARGUMENT
    } else if c.seed.is_some() && c.seed_misaligned {
        VS_ERR_NULL_ARGUMENT
    } else if !(scale.is_finite() && scale > 0.0) {
        VS_ERR_INVALID_SCALE
    } else if mode > 2 {
        VS_ERR_INVALID_MODE
    } else if dist > 2 {
        VS_ERR_INVALID_DISTRIBUTION
    } else if c.plain {
        VS_OK
    } else if let Some(e) = ierr.or(oerr) {
        e
    } else if given(ip, il) != given(op, ol) {
        VS_ERR_INVALID_CONFIG
    } else {
        VS_OK
    };
    let mut out_backing = [0u64; 2];
    let out = ptr_into::<*mut vs_initializer>(&mut out_backing, c.out);
    if c.out == Ptr::Valid {
        // SAFETY: `out` points into out_backing.
        unsafe { *out = sentinel_handle() };
    }
    // SAFETY: every pointer is NULL, misaligned (rejected) or valid for its
    // length; a TOO_LONG length is rejected before its array is read.
    let st = unsafe {
        if c.plain {
            vs_create(scale, mode, dist, seed_ptr, out)
        } else {
            vs_create_with_axes(scale, mode, dist, seed_ptr, ip, il, op, ol, out)
        }
    };
    assert_eq!(st, expected, "{c:?}: {}", last_message());
    if st != VS_OK {
        check_error_message(st, "create");
        match c.out {
            // SAFETY: as above.
            Ptr::Valid => assert!(unsafe { *out }.is_null(), "*out not NULL on error"),
            _ => assert_eq!(out_backing, [0; 2], "a bad `out` was written"),
        }
        return None;
    }
    // SAFETY: as above.
    let h = unsafe { *out };
    assert!(!h.is_null() && h != sentinel_handle());
    if let Some(s) = c.seed {
        assert_eq!(seed_of(h), s);
    }
    let axes = if c.plain { None } else { ivec.zip(ovec) };
    Some(Handle {
        h,
        scale,
        mode,
        distribution: dist,
        seed: c.seed,
        axes,
    })
}

fn check_strings(status: i32) {
    // SAFETY: static NUL-terminated strings.
    let text = unsafe { std::ffi::CStr::from_ptr(vs_status_str(status)) }
        .to_str()
        .unwrap();
    match status {
        0 => assert!(text.starts_with("VS_OK"), "{text}"),
        1..=9 => assert!(text.starts_with("VS_ERR_"), "{text}"),
        _ => assert_eq!(text, "unknown vs_status value"),
    }
    // SAFETY: as above.
    let version = unsafe { std::ffi::CStr::from_ptr(vs_version()) }
        .to_str()
        .unwrap();
    let parts: Vec<&str> = version.split('.').collect();
    assert!(
        parts.len() == 3 && parts.iter().all(|p| p.parse::<u32>().is_ok()),
        "{version}"
    );
    // SAFETY: as above.
    let algorithm = unsafe { std::ffi::CStr::from_ptr(vs_algorithm()) };
    assert_eq!(algorithm.to_bytes(), b"pcg64-block-v1");
}

fuzz_target!(|input: Input| {
    let Some(hd) = create(&input.create) else {
        return;
    };
    let shape: Vec<i64> = input
        .shape
        .iter()
        .take(MAX_RANK)
        .map(|d| d.value())
        .collect();
    let expected = hd.expected(&shape);
    let params = describe(hd.h, &shape);
    assert_eq!(
        params.map(|_| ()),
        expected.map(|_| ()),
        "vs_describe({shape:?}) of {:?}: {}",
        input.create,
        last_message()
    );
    let case = Case {
        hd: &hd,
        shape: &shape,
        count: element_count(&shape),
        expected,
        params,
    };
    for op in input.ops.iter().take(12) {
        match *op {
            Op::Fill {
                ty,
                len_delta,
                out,
                shape,
            } => match ty {
                Ty::F32 => case.fill_op::<f32>(len_delta, out, shape),
                Ty::F64 => case.fill_op::<f64>(len_delta, out, shape),
                Ty::F16 => case.fill_op::<F16>(len_delta, out, shape),
                Ty::Bf16 => case.fill_op::<Bf16>(len_delta, out, shape),
            },
            Op::Range {
                ty,
                offset,
                count,
                out,
                shape,
            } => match ty {
                Ty::F32 => case.range_op::<f32>(offset, count, out, shape),
                Ty::F64 => case.range_op::<f64>(offset, count, out, shape),
                Ty::F16 => case.range_op::<F16>(offset, count, out, shape),
                Ty::Bf16 => case.range_op::<Bf16>(offset, count, out, shape),
            },
            Op::Describe { out, shape } => case.describe_op(out, shape),
            Op::ComputeFans {
                fan_in,
                fan_out,
                shape,
            } => case.compute_fans_op(fan_in, fan_out, shape),
            Op::GetSeed(out) => case.get_seed_op(out),
            Op::GetConfig(how) => case.get_config_op(how),
            Op::BadHandle { misaligned, which } => case.bad_handle_op(misaligned, which),
            Op::FromJsonBadArgs(which) => {
                let mut h = sentinel_handle();
                let mut backing = [0u64; 2];
                // SAFETY: NULL or misaligned arguments must be rejected.
                let st = unsafe {
                    match which % 3 {
                        0 => vs_from_config_json(std::ptr::null(), &mut h),
                        1 => vs_from_config_json(c"{}".as_ptr(), std::ptr::null_mut()),
                        _ => vs_from_config_json(
                            c"{}".as_ptr(),
                            ptr_into(&mut backing, Ptr::Misaligned),
                        ),
                    }
                };
                assert_eq!(st, VS_ERR_NULL_ARGUMENT);
                check_error_message(st, "vs_from_config_json(bad arguments)");
                if which % 3 == 0 {
                    assert!(h.is_null());
                }
                assert_eq!(backing, [0; 2], "a misaligned out was written");
            }
            Op::StatusStr(s) => check_strings(s),
            Op::Strings => check_strings(0),
        }
    }
    // SAFETY: live handle, not used afterwards.
    unsafe { vs_destroy(hd.h) };
});
