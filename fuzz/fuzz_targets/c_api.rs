//! Fuzz target: the arguments of `vs_create_with_axes`, the fills, range
//! fills, `vs_describe`, `vs_compute_fans`, `vs_get_config_json` and
//! `vs_set_max_threads`, chosen by the fuzzer within small buffer sizes.
//!
//! Each call's status is checked against the one the header predicts from
//! the arguments alone; on error the output (with guard elements on both
//! sides) must be untouched, on success the guards must be, and the values
//! must agree with the other entry points (range = slice of the whole fill,
//! f32 = rounded f64, f16/bf16 = rounded f32, |value| <= limit).

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use variance_scaling::c_api::*;

mod common;
use common::*;

/// The most elements any one call writes.
const MAX_ELEMS: u64 = 2048;
/// Guard elements on each side of every output buffer.
const GUARD: usize = 4;
/// The largest rank tried.
const MAX_RANK: usize = 64;

const TRUNC_STDDEV: f64 = 0.879_625_661_034_239_8;

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

#[derive(Arbitrary, Debug)]
enum Axes {
    Default,
    Both(Vec<Axis>, Vec<Axis>),
    /// Only one list: `VS_ERR_INVALID_CONFIG`.
    InputOnly(Vec<Axis>),
    OutputOnly(Vec<Axis>),
    /// A NULL list with a length > 0: `VS_ERR_NULL_ARGUMENT`.
    NullWithLength(u8),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Ty {
    F32,
    F64,
    F16,
    Bf16,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum OutPtr {
    Valid,
    Null,
    /// One byte past an aligned address.
    Misaligned,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Offset {
    Small(u16),
    /// `count - k` of the tensor (near its end).
    FromEnd(u16),
    Any(u64),
}

#[derive(Arbitrary, Debug)]
enum Op {
    Fill {
        ty: Ty,
        /// Added to the element count for `out_len`.
        len_delta: i8,
        out: OutPtr,
    },
    Range {
        ty: Ty,
        offset: Offset,
        count: u16,
        out: OutPtr,
    },
    /// `shape` NULL with `ndim > 0`: `VS_ERR_NULL_ARGUMENT`.
    NullShape(Ty),
    Describe,
    ComputeFans,
    GetConfig,
    SetMaxThreads(u8),
}

#[derive(Arbitrary, Debug)]
struct Input {
    scale: Scale,
    mode: EnumArg,
    distribution: EnumArg,
    seed: Option<u64>,
    axes: Axes,
    shape: Vec<Dim>,
    ops: Vec<Op>,
}

/// One element type, seen through the fills and as f64 for checks.
trait Elem: Copy + PartialEq + std::fmt::Debug {
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
    /// The exact value of the element.
    fn to_f64(self) -> f64;
    /// `x` rounded to this type as the header specifies (f64 -> f32 ->
    /// type, each to nearest-even).
    fn from_f64(x: f64) -> Self;
}

impl Elem for f64 {
    const SENTINEL: f64 = -1234.5;
    unsafe fn fill(
        h: *const vs_initializer,
        s: *const i64,
        n: usize,
        o: *mut f64,
        l: usize,
    ) -> vs_status {
        unsafe { vs_fill_f64(h, s, n, o, l) }
    }
    unsafe fn range(
        h: *const vs_initializer,
        s: *const i64,
        n: usize,
        off: u64,
        o: *mut f64,
        l: usize,
    ) -> vs_status {
        unsafe { vs_fill_range_f64(h, s, n, off, o, l) }
    }
    fn to_f64(self) -> f64 {
        self
    }
    fn from_f64(x: f64) -> f64 {
        x
    }
}

impl Elem for f32 {
    const SENTINEL: f32 = -1234.5;
    unsafe fn fill(
        h: *const vs_initializer,
        s: *const i64,
        n: usize,
        o: *mut f32,
        l: usize,
    ) -> vs_status {
        unsafe { vs_fill_f32(h, s, n, o, l) }
    }
    unsafe fn range(
        h: *const vs_initializer,
        s: *const i64,
        n: usize,
        off: u64,
        o: *mut f32,
        l: usize,
    ) -> vs_status {
        unsafe { vs_fill_range_f32(h, s, n, off, o, l) }
    }
    fn to_f64(self) -> f64 {
        f64::from(self)
    }
    fn from_f64(x: f64) -> f32 {
        x as f32
    }
}

/// binary16 bits.
#[derive(Clone, Copy, PartialEq, Debug)]
struct F16(u16);
/// bfloat16 bits.
#[derive(Clone, Copy, PartialEq, Debug)]
struct Bf16(u16);

impl Elem for F16 {
    const SENTINEL: F16 = F16(0x7e5a);
    unsafe fn fill(
        h: *const vs_initializer,
        s: *const i64,
        n: usize,
        o: *mut F16,
        l: usize,
    ) -> vs_status {
        unsafe { vs_fill_f16(h, s, n, o.cast(), l) }
    }
    unsafe fn range(
        h: *const vs_initializer,
        s: *const i64,
        n: usize,
        off: u64,
        o: *mut F16,
        l: usize,
    ) -> vs_status {
        unsafe { vs_fill_range_f16(h, s, n, off, o.cast(), l) }
    }
    fn to_f64(self) -> f64 {
        half::f16::from_bits(self.0).to_f64()
    }
    fn from_f64(x: f64) -> F16 {
        F16(half::f16::from_f32(x as f32).to_bits())
    }
}

impl Elem for Bf16 {
    const SENTINEL: Bf16 = Bf16(0x7fd5);
    unsafe fn fill(
        h: *const vs_initializer,
        s: *const i64,
        n: usize,
        o: *mut Bf16,
        l: usize,
    ) -> vs_status {
        unsafe { vs_fill_bf16(h, s, n, o.cast(), l) }
    }
    unsafe fn range(
        h: *const vs_initializer,
        s: *const i64,
        n: usize,
        off: u64,
        o: *mut Bf16,
        l: usize,
    ) -> vs_status {
        unsafe { vs_fill_range_bf16(h, s, n, off, o.cast(), l) }
    }
    fn to_f64(self) -> f64 {
        half::bf16::from_bits(self.0).to_f64()
    }
    fn from_f64(x: f64) -> Bf16 {
        Bf16(half::bf16::from_f32(x as f32).to_bits())
    }
}

/// What the fuzz case is about: a live handle and the shape's facts.
struct Case<'a> {
    h: *const vs_initializer,
    shape: &'a [i64],
    /// The element count, or the status a shape check must give.
    count: Result<u64, vs_status>,
    /// `vs_describe` of the shape.
    params: Result<vs_params, vs_status>,
    scale: f64,
    mode: u32,
    distribution: u32,
    seeded: bool,
}

impl Case<'_> {
    /// The status every fill of this shape gives before lengths matter.
    fn shape_status(&self) -> Result<u64, vs_status> {
        let count = self.count?;
        self.params.map(|_| count)
    }

    /// The whole f64 tensor when it is small enough to draw here.
    fn whole_f64(&self) -> Option<Vec<f64>> {
        match self.shape_status() {
            Ok(c) if c <= MAX_ELEMS => Some(fill_f64(self.h, self.shape, c as usize)),
            _ => None,
        }
    }

    /// Calls a fill (`offset` None) or range fill writing `len` elements
    /// at `out`; checks the status against the predicted one and the
    /// buffer's guards. Returns the written elements on success.
    fn call<T: Elem>(&self, offset: Option<u64>, len: usize, out: OutPtr) -> Option<Vec<T>> {
        let expected = match (self.shape_status(), offset) {
            (Err(st), _) => st,
            (Ok(c), None) if len as u64 != c => vs_status::VS_ERR_BUFFER_SIZE,
            (Ok(c), Some(off)) if off.checked_add(len as u64).is_none_or(|e| e > c) => {
                vs_status::VS_ERR_BUFFER_SIZE
            }
            _ if len == 0 => vs_status::VS_OK,
            _ => match out {
                OutPtr::Valid => vs_status::VS_OK,
                OutPtr::Null | OutPtr::Misaligned => vs_status::VS_ERR_NULL_ARGUMENT,
            },
        };
        let mut buf = vec![T::SENTINEL; len + 2 * GUARD];
        // a byte view of the same memory for the misaligned pointer
        let base = buf.as_mut_ptr();
        let ptr: *mut T = match out {
            // SAFETY: GUARD < buf.len(); stays inside the allocation.
            OutPtr::Valid => unsafe { base.add(GUARD) },
            OutPtr::Null => std::ptr::null_mut(),
            // SAFETY: one byte into the allocation, never dereferenced
            // by a conforming library (it must reject it).
            OutPtr::Misaligned if std::mem::align_of::<T>() > 1 => unsafe {
                base.add(GUARD).cast::<u8>().add(1).cast::<T>()
            },
            OutPtr::Misaligned => unreachable!(),
        };
        let (sp, nd) = (self.shape.as_ptr(), self.shape.len());
        // SAFETY: `ptr` is NULL, misaligned (rejected), or has `len`
        // writable elements; the shape has `nd` readable elements.
        let st = unsafe {
            match offset {
                None => T::fill(self.h, sp, nd, ptr, len),
                Some(off) => T::range(self.h, sp, nd, off, ptr, len),
            }
        };
        assert_eq!(
            st,
            expected,
            "shape {:?} offset {offset:?} len {len} out {out:?}: {}",
            self.shape,
            last_message()
        );
        if st != vs_status::VS_OK {
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
        if matches!(out, OutPtr::Valid) {
            Some(body.to_vec())
        } else {
            None
        }
    }

    /// Checks values of type `T` against the f64 values of the same elements.
    fn check_values<T: Elem>(&self, got: &[T], f64s: &[f64]) {
        let Ok(p) = self.params else { return };
        assert_eq!(got.len(), f64s.len());
        for (&g, &x) in got.iter().zip(f64s) {
            assert!(x.is_finite(), "f64 value {x}");
            if self.distribution != 1 {
                assert!(x.abs() <= p.limit, "{x} beyond {}", p.limit);
                assert!(g.to_f64().abs() <= T::from_f64(p.limit).to_f64());
            }
            assert_eq!(g, T::from_f64(x), "{g:?} is not {x} rounded");
        }
    }

    fn fill_op<T: Elem>(&self, len_delta: i8, out: OutPtr) {
        let len = match self.count {
            Ok(c) if c <= MAX_ELEMS => (c as i64 + i64::from(len_delta)).max(0) as usize,
            _ => usize::from(len_delta.unsigned_abs()),
        };
        if let Some(v) = self.call::<T>(None, len, out) {
            let whole = self.whole_f64().expect("filled but no f64 fill");
            self.check_values(&v, &whole);
        }
    }

    fn range_op<T: Elem>(&self, offset: Offset, count: u16, out: OutPtr) {
        let len = u64::from(count) % (MAX_ELEMS + 1);
        let total = self.count.unwrap_or(0);
        let off = match offset {
            Offset::Small(o) => u64::from(o),
            Offset::FromEnd(k) => total.saturating_sub(u64::from(k)),
            Offset::Any(o) => o,
        };
        let Some(v) = self.call::<T>(Some(off), len as usize, out) else {
            return;
        };
        // the same elements in f64: from the whole tensor when it is small,
        // else as two range fills split in the middle
        let f64s = match self.whole_f64() {
            Some(w) => w[off as usize..(off + len) as usize].to_vec(),
            None => {
                let k = len / 2;
                let mut a = self
                    .call::<f64>(Some(off), k as usize, OutPtr::Valid)
                    .unwrap();
                let b = self
                    .call::<f64>(Some(off + k), (len - k) as usize, OutPtr::Valid)
                    .unwrap();
                a.extend(b);
                a
            }
        };
        self.check_values(&v, &f64s);
    }

    fn describe_op(&self) {
        let again = describe(self.h, self.shape);
        assert_eq!(format!("{again:?}"), format!("{:?}", self.params));
        let Ok(p) = self.params else { return };
        assert!(p.fan_in >= 0 && p.fan_out >= 0, "{p:?}");
        assert!(p.n >= 1.0 && p.n.is_finite(), "{p:?}");
        let fan = match self.mode {
            0 => p.fan_in as f64,
            1 => p.fan_out as f64,
            _ => (p.fan_in as f64 + p.fan_out as f64) / 2.0,
        };
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-14 * b.abs();
        assert!(close(p.n, fan.max(1.0)), "{p:?}");
        // the formulas of the header, computed in another order
        let s = (self.scale / p.n).sqrt();
        match self.distribution {
            0 => {
                assert!(
                    close(p.stddev, s / TRUNC_STDDEV),
                    "{p:?} scale {}",
                    self.scale
                );
                assert_eq!(p.limit, 2.0 * p.stddev);
            }
            1 => assert!(close(p.stddev, s) && p.limit == f64::INFINITY, "{p:?}"),
            2 => assert!(p.stddev == 0.0 && close(p.limit, 3f64.sqrt() * s), "{p:?}"),
            d => panic!("handle with distribution {d}"),
        }
    }

    fn compute_fans_op(&self) {
        let (mut fi, mut fo) = (-3i64, -3i64);
        // SAFETY: shape readable, outputs writable locals.
        let st =
            unsafe { vs_compute_fans(self.shape.as_ptr(), self.shape.len(), &mut fi, &mut fo) };
        let expected = default_fans(self.shape);
        match expected {
            Ok((i, o)) => {
                assert_eq!(st, vs_status::VS_OK, "{}", last_message());
                assert_eq!((fi, fo), (i, o));
            }
            Err(e) => {
                assert_eq!(st, e);
                check_error_message(st, "vs_compute_fans");
                assert_eq!((fi, fo), (-3, -3));
            }
        }
    }

    fn null_shape_op<T: Elem>(&self) {
        if self.shape.is_empty() {
            return;
        }
        let mut buf = vec![T::SENTINEL; 4];
        // SAFETY: shape NULL with ndim > 0 must be rejected before any read.
        let st = unsafe {
            T::fill(
                self.h,
                std::ptr::null(),
                self.shape.len(),
                buf.as_mut_ptr(),
                4,
            )
        };
        assert_eq!(st, vs_status::VS_ERR_NULL_ARGUMENT);
        check_error_message(st, "fill with NULL shape");
        assert!(buf.iter().all(|&v| v == T::SENTINEL));
    }
}

/// The element count of `shape`, as the header defines its errors.
fn element_count(shape: &[i64]) -> Result<u64, vs_status> {
    if shape.iter().any(|&d| d < 0) {
        return Err(vs_status::VS_ERR_INVALID_SHAPE);
    }
    if shape.contains(&0) {
        return Ok(0);
    }
    shape
        .iter()
        .try_fold(1i64, |acc, &d| acc.checked_mul(d))
        .map(|c| c as u64)
        .ok_or(vs_status::VS_ERR_INVALID_SHAPE)
}

/// The default TF/Keras fan rule, written from its definition.
fn default_fans(shape: &[i64]) -> Result<(i64, i64), vs_status> {
    element_count(shape)?;
    let product = |dims: &[i64]| -> Result<i64, vs_status> {
        if dims.contains(&0) {
            return Ok(0);
        }
        dims.iter()
            .try_fold(1i64, |a, &d| a.checked_mul(d))
            .ok_or(vs_status::VS_ERR_INVALID_SHAPE)
    };
    match shape.len() {
        0 => Ok((1, 1)),
        1 => Ok((shape[0], shape[0])),
        2 => Ok((shape[0], shape[1])),
        r => {
            let rf = &shape[..r - 2];
            let mut fin = rf.to_vec();
            fin.push(shape[r - 2]);
            let mut fout = rf.to_vec();
            fout.push(shape[r - 1]);
            Ok((product(&fin)?, product(&fout)?))
        }
    }
}

fn scale_of(input: &Input) -> f64 {
    match input.scale {
        Scale::Small(v) => f64::from(v) / 8.0,
        Scale::Bits(b) => f64::from_bits(b),
    }
}

/// Creates the handle, checking the status the arguments predict.
fn create(input: &Input) -> Option<*mut vs_initializer> {
    let scale = scale_of(input);
    let (mode, dist) = (input.mode.value(), input.distribution.value());
    let to_vec = |a: &[Axis]| a.iter().take(8).map(|x| x.value()).collect::<Vec<i64>>();
    let (inp, outp, null_len) = match &input.axes {
        Axes::Default => (None, None, 0usize),
        Axes::Both(i, o) => (Some(to_vec(i)), Some(to_vec(o)), 0),
        Axes::InputOnly(i) => (Some(to_vec(i)), None, 0),
        Axes::OutputOnly(o) => (None, Some(to_vec(o)), 0),
        Axes::NullWithLength(n) => (None, None, usize::from(*n).max(1)),
    };
    let expected = if !(scale.is_finite() && scale > 0.0) {
        vs_status::VS_ERR_INVALID_SCALE
    } else if mode > 2 {
        vs_status::VS_ERR_INVALID_MODE
    } else if dist > 2 {
        vs_status::VS_ERR_INVALID_DISTRIBUTION
    } else if null_len > 0 {
        vs_status::VS_ERR_NULL_ARGUMENT
    } else if inp.is_some() != outp.is_some() {
        vs_status::VS_ERR_INVALID_CONFIG
    } else {
        vs_status::VS_OK
    };
    let (ip, il) = inp
        .as_ref()
        .map_or((std::ptr::null(), null_len), |v| (v.as_ptr(), v.len()));
    let (op, ol) = outp
        .as_ref()
        .map_or((std::ptr::null(), 0), |v| (v.as_ptr(), v.len()));
    let seed = input.seed;
    let sp = seed.as_ref().map_or(std::ptr::null(), |s| s as *const u64);
    let mut h = sentinel_handle();
    // SAFETY: every non-NULL pointer has its length of readable elements.
    let st = unsafe { vs_create_with_axes(scale, mode, dist, sp, ip, il, op, ol, &mut h) };
    assert_eq!(st, expected, "{input:?}: {}", last_message());
    if st != vs_status::VS_OK {
        assert!(h.is_null());
        check_error_message(st, "vs_create_with_axes");
        return None;
    }
    if let Some(s) = seed {
        assert_eq!(seed_of(h), s);
    }
    Some(h)
}

fuzz_target!(|input: Input| {
    let Some(h) = create(&input) else { return };
    let shape: Vec<i64> = input
        .shape
        .iter()
        .take(MAX_RANK)
        .map(|d| d.value())
        .collect();
    let case = Case {
        h,
        shape: &shape,
        count: element_count(&shape),
        params: describe(h, &shape),
        scale: scale_of(&input),
        mode: input.mode.value(),
        distribution: input.distribution.value(),
        seeded: input.seed.is_some(),
    };
    if let Err(st) = case.count {
        assert_eq!(
            case.params.map(|_| ()),
            Err(st),
            "describe accepts a shape fills reject"
        );
    }
    if matches!(input.axes, Axes::Default) {
        case.compute_fans_op();
        if let Ok(p) = case.params {
            assert_eq!(Ok((p.fan_in, p.fan_out)), default_fans(&shape));
        }
    }
    for op in input.ops.iter().take(12) {
        match *op {
            Op::Fill { ty, len_delta, out } => match ty {
                Ty::F32 => case.fill_op::<f32>(len_delta, out),
                Ty::F64 => case.fill_op::<f64>(len_delta, out),
                Ty::F16 => case.fill_op::<F16>(len_delta, out),
                Ty::Bf16 => case.fill_op::<Bf16>(len_delta, out),
            },
            Op::Range {
                ty,
                offset,
                count,
                out,
            } => match ty {
                Ty::F32 => case.range_op::<f32>(offset, count, out),
                Ty::F64 => case.range_op::<f64>(offset, count, out),
                Ty::F16 => case.range_op::<F16>(offset, count, out),
                Ty::Bf16 => case.range_op::<Bf16>(offset, count, out),
            },
            Op::NullShape(ty) => match ty {
                Ty::F32 => case.null_shape_op::<f32>(),
                Ty::F64 => case.null_shape_op::<f64>(),
                Ty::F16 => case.null_shape_op::<F16>(),
                Ty::Bf16 => case.null_shape_op::<Bf16>(),
            },
            Op::Describe => case.describe_op(),
            Op::ComputeFans => case.compute_fans_op(),
            Op::GetConfig => {
                let json = config_json(h);
                let h2 = from_json(&json).expect("own config JSON rejected");
                assert_eq!(config_json(h2), json);
                if case.seeded {
                    assert_eq!(seed_of(h2), seed_of(h), "{json}");
                } else {
                    assert!(json.starts_with("{\"seed\":null"), "{json}");
                }
                assert_eq!(
                    format!("{:?}", describe(h2, &shape)),
                    format!("{:?}", case.params)
                );
                // SAFETY: live handle, not used afterwards.
                unsafe { vs_destroy(h2) };
            }
            Op::SetMaxThreads(n) => {
                assert_eq!(vs_set_max_threads(u32::from(n % 4)), vs_status::VS_OK);
            }
        }
    }
    // SAFETY: live handle, not used afterwards.
    unsafe { vs_destroy(h) };
});
