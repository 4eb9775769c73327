//! Fuzz target: every argument of every C function but the JSON text (see
//! `config_json`), chosen by the fuzzer: scales, enum integers, seeds, fan
//! axes and their lengths, algorithm numbers, shapes and ranks, offsets,
//! counts, slice boxes, buffer lengths, and NULL, misaligned or impossible
//! (`ndim` above `PTRDIFF_MAX / 8`) pointers, within small buffer sizes.
//! (Fills large enough for several threads are the `threaded_fill`
//! target's, but for a rare one with a `vs_with_max_threads` handle; the
//! SIMD kernels themselves are the `dispatch` target's.)
//!
//! The handle is the created one (algorithm 2, `splitmix64-ctr-v2`, the
//! default) or one derived from it with `vs_with_algorithm` for algorithm 1
//! (`pcg64-block-v1`), 2, or any number (`VS_ERR_INVALID_ALGORITHM` and
//! `*out` NULL for an unknown one), then up to 4 `vs_with_seed`,
//! `vs_with_axes`, `vs_with_layout`, `vs_with_max_threads` in turn. A model
//! of the handle (config, seed given or drawn, axes or layout, algorithm,
//! thread cap) predicts `vs_get_info`, `vs_get_axes` and the fans of every
//! call; the integrator functions are in `integrator.rs`.
//!
//! Each call's status is checked against the one the header predicts,
//! computed here from the arguments alone (fans, `n`, the uniform limit and
//! their overflows, the box of a slice fill, included). On error the
//! outputs, with guard elements on both sides, must be untouched; on
//! success the guards must be, and the values must agree with the other
//! entry points: a range fill equals the slice of the whole fill, a slice
//! fill the box of the whole fill; with `pcg64-block-v1` f32/f16/bf16 equal
//! the f64 values rounded, with `splitmix64-ctr-v2` f16/bf16 equal the f32
//! values rounded; every |value| is within the limit (rounded to the type).

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use variance_scaling::c_api::*;
use variance_scaling::engine::v2::platform;

#[macro_use]
mod common;
use common::*;
mod integrator;
use integrator::*;

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

impl Scale {
    fn value(self) -> f64 {
        match self {
            Scale::Small(v) => f64::from(v) / 8.0,
            Scale::Bits(b) => f64::from_bits(b),
        }
    }
}

/// A number argument: small (`u8 % K`, the usual values) or any `u32`.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum SmallOrAny<const K: u8> {
    Small(u8),
    Any(u32),
}

impl<const K: u8> SmallOrAny<K> {
    fn value(self) -> u32 {
        match self {
            SmallOrAny::Small(v) => u32::from(v % K),
            SmallOrAny::Any(v) => v,
        }
    }
}

/// A mode, distribution or layout number: 0 to 3, or any.
type EnumArg = SmallOrAny<4>;

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
    /// One axis repeated 9 to 264 times (a product that overflows unless
    /// the dimension is 0 or 1).
    Long(Axis, u8),
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

/// The algorithm of the case's handle.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum AlgArg {
    /// The created handle: the default algorithm.
    Default,
    /// `vs_with_algorithm(h, 1)`; the created handle is destroyed at once.
    V1,
    /// `vs_with_algorithm(h, 1)`; the created handle lives to the end.
    V1Keep,
    /// `vs_with_algorithm(h, 2)`.
    V2,
    /// Any number: 1 and 2 derive, others fail.
    Raw(u32),
    /// A NULL (`false`) or misaligned (`true`) `out`.
    BadOut(bool, u32),
    /// A NULL `init`.
    NullInit(u32),
}

/// One dimension of a slice fill's box.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum BoxDim {
    /// Inside the tensor, with an extent of at most 16.
    Inside(u16, u16),
    /// Inside the tensor, any extent.
    Wide(u64, u64),
    /// The whole dimension.
    Full,
    /// `start + extent = shape + 1 + k`: past the end.
    PastEnd(u16, u8),
    /// A negative start (`true`) or extent (`false`).
    Negative(bool, u8),
    Raw(i64, i64),
}

impl BoxDim {
    /// (start, extent) for a dimension of `d`.
    fn values(self, d: i64) -> (i64, i64) {
        // a start inside [0, d] (any value for a negative d)
        let at = |a: u64| {
            if d < 0 {
                (a % 8) as i64
            } else {
                (a % (d as u64 + 1)) as i64
            }
        };
        match self {
            BoxDim::Inside(a, b) => {
                let s = at(u64::from(a));
                let room = d.saturating_sub(s).clamp(0, 16) as u64;
                (s, (u64::from(b) % (room + 1)) as i64)
            }
            BoxDim::Wide(a, b) => {
                let s = at(a);
                let room = d.saturating_sub(s).max(0) as u64;
                (s, (b % (room + 1)) as i64)
            }
            BoxDim::Full => (0, d),
            BoxDim::PastEnd(a, k) => {
                let s = at(u64::from(a));
                (s, d.saturating_sub(s).saturating_add(1 + i64::from(k)))
            }
            BoxDim::Negative(true, k) => (-1 - i64::from(k), 0),
            BoxDim::Negative(false, k) => (0, -1 - i64::from(k)),
            BoxDim::Raw(s, e) => (s, e),
        }
    }
}

/// The `out_len` of a slice fill.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum BoxLen {
    /// The box's element count (when it is small).
    Exact,
    /// The count plus `k` (or `|k|` when the count is large).
    Delta(i8),
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
    /// `vs_fill_slice_*` of a box given per dimension (missing dimensions
    /// are whole).
    Slice {
        ty: Ty,
        dims: Vec<BoxDim>,
        len: BoxLen,
        out: Ptr,
        shape: ShapeArg,
        start: Ptr,
        extent: Ptr,
    },
    GetAlgorithm(Ptr),
    /// `vs_with_algorithm` on the case's handle; with a known number, a
    /// fill of type `ty` of the new handle and of one derived back.
    WithAlgorithm {
        algorithm: u32,
        ty: Ty,
    },
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
    /// The static strings, with `vs_algorithm_name` of this number.
    Strings(u32),
    GetInfo {
        out: Ptr,
        size: StructSize,
    },
    GetAxes {
        input: AxesBuf,
        output: AxesBuf,
        n_input: Ptr,
        n_output: Ptr,
    },
    DescribeEx {
        out: Ptr,
        size: StructSize,
        shape: ShapeArg,
    },
    DescribeFans {
        cfg: CfgArg,
        fan_in: Fan,
        fan_out: Fan,
        out: Ptr,
        size: StructSize,
    },
    /// `vs_describe_shape` of the case's shape.
    DescribeShape {
        cfg: CfgArg,
        layout: EnumArg,
        shape: ShapeArg,
        out: Ptr,
        size: StructSize,
    },
    ComputeFansLayout {
        layout: EnumArg,
        shape: ShapeArg,
        fan_in: Ptr,
        fan_out: Ptr,
    },
    ComputeFansAxes {
        input: AxesArg,
        output: AxesArg,
        shape: ShapeArg,
        fan_in: Ptr,
        fan_out: Ptr,
    },
    FillFans {
        ty: Ty,
        cfg: CfgArg,
        seed: SeedArg,
        fan_in: Fan,
        fan_out: Fan,
        offset: FansOffset,
        count: u16,
        out: Ptr,
    },
    /// `vs_with_layout` of the case's handle against `vs_with_axes` with
    /// the axes that spell the layout out.
    LayoutVsAxes {
        layout: u8,
        ty: Ty,
    },
    /// `vs_with_max_threads` of the case's handle; with `big % 16 == 0`
    /// also a fill split over threads.
    WithMaxThreads {
        n: Threads,
        ty: Ty,
        big: u16,
    },
    /// The case's handle rebuilt from the model, compared.
    Rebuild(Ty),
    DeriveSeed {
        base: u64,
        index: u64,
    },
    DeriveSeedName {
        base: u64,
        name: Vec<u8>,
        null: bool,
    },
}

#[derive(Arbitrary, Debug)]
struct Input {
    create: Create,
    algorithm: AlgArg,
    /// `vs_with_*` applied in turn (up to 4).
    derives: Vec<Derive>,
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

/// An output buffer of `len` elements of type `T` between `GUARD`
/// sentinels on each side, passed to a call as `out` says.
struct Guarded<T: Elem> {
    buf: Vec<T>,
    len: usize,
    out: Ptr,
}

impl<T: Elem> Guarded<T> {
    fn new(len: usize, out: Ptr) -> Self {
        Guarded {
            buf: vec![T::SENTINEL; len + 2 * GUARD],
            len,
            out,
        }
    }

    /// The `out` argument: the first element after the guard, NULL, or
    /// one byte past it.
    fn ptr(&mut self) -> *mut T {
        let base = self.buf.as_mut_ptr();
        match self.out {
            // SAFETY: GUARD < buf.len(); stays inside the allocation.
            Ptr::Valid => unsafe { base.add(GUARD) },
            Ptr::Null => std::ptr::null_mut(),
            // SAFETY: one byte into the allocation; every element type is
            // at least 2-byte aligned, so this is misaligned, and a
            // conforming library never dereferences it.
            Ptr::Misaligned => unsafe { base.add(GUARD).cast::<u8>().add(1).cast::<T>() },
        }
    }

    /// After the call `what` returned `st`: on error, checks the message
    /// and that nothing was written, and gives `None`; on success, checks
    /// the guards and gives the `len` elements between them.
    fn checked(&self, st: vs_status, what: &str) -> Option<&[T]> {
        let untouched = |s: &[T]| s.iter().all(|v| v.bits() == T::SENTINEL.bits());
        if st != VS_OK {
            check_error_message(st, what);
            assert!(untouched(&self.buf), "{what}: written on error");
            return None;
        }
        let (head, rest) = self.buf.split_at(GUARD);
        let (body, tail) = rest.split_at(self.len);
        assert!(
            untouched(head) && untouched(tail),
            "{what}: guard overwritten"
        );
        Some(body)
    }
}

/// Calls a `vs_compute_fans*` function `what` through `call`, which gets
/// the `fan_in` and `fan_out` pointers (each into two elements of 7,
/// passed as `fan_in` and `fan_out` say). Checks that the second elements
/// stay and, on error, the message and that nothing was written. Returns
/// the fans or the status.
fn fans_out(
    what: &str,
    fan_in: Ptr,
    fan_out: Ptr,
    call: impl FnOnce(*mut i64, *mut i64) -> vs_status,
) -> Result<(i64, i64), vs_status> {
    let (mut bi, mut bo) = ([7u64; 2], [7u64; 2]);
    let (pi, po) = (
        ptr_into::<i64>(&mut bi, fan_in),
        ptr_into::<i64>(&mut bo, fan_out),
    );
    let st = call(pi, po);
    assert_eq!((bi[1], bo[1]), (7, 7), "{what} wrote past its outputs");
    match st {
        VS_OK => Ok((bi[0] as i64, bo[0] as i64)),
        e => {
            check_error_message(e, what);
            assert_eq!((bi, bo), ([7; 2], [7; 2]), "{what} wrote on error");
            Err(e)
        }
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

/// The fans of `shape` stored in `layout` (0, 1, 2), from the header's
/// table of `vs_layout`: with `rf` the product of the spatial dimensions,
/// `(..., in, out)`, `(out, in, spatial...)`, `(out, spatial..., in)`;
/// rank 0 and 1 as the default rule.
fn layout_fans(shape: &[i64], layout: u32) -> Result<(i64, i64), vs_status> {
    let r = shape.len();
    if layout == 0 || r < 2 {
        return default_fans(shape);
    }
    element_count(shape)?;
    let (fan_in_dim, rf) = if layout == 1 {
        (shape[1], &shape[2..])
    } else {
        (shape[r - 1], &shape[1..r - 1])
    };
    let fin: Vec<i64> = rf.iter().copied().chain([fan_in_dim]).collect();
    let fout: Vec<i64> = rf.iter().copied().chain([shape[0]]).collect();
    Ok((product(&fin)?, product(&fout)?))
}

/// What `vs_describe` (and `vs_describe_ex`, `vs_describe_fans`) must
/// report for valid arguments.
#[derive(Debug, Clone, Copy)]
struct Expected {
    fan_in: i64,
    fan_out: i64,
    n: f64,
    stddev: f64,
    limit: f64,
    /// `sqrt(scale / n)`, the header's formula for every distribution.
    value_stddev: f64,
}

/// `n`, stddev, limit and the values' stddev for fans `(fan_in, fan_out)`
/// as the header defines them for a valid config: `VS_ERR_INVALID_SHAPE`
/// for a negative fan, then `VS_ERR_INVALID_SCALE` for a uniform limit
/// that overflows.
fn params_model(
    scale: f64,
    mode: u32,
    distribution: u32,
    fan_in: i64,
    fan_out: i64,
) -> Result<Expected, vs_status> {
    if fan_in < 0 || fan_out < 0 {
        return Err(VS_ERR_INVALID_SHAPE);
    }
    let fan = match mode {
        0 => fan_in as f64,
        1 => fan_out as f64,
        // Python's (fan_in + fan_out) / 2.0: exact sum, then one rounding
        _ => (i128::from(fan_in) + i128::from(fan_out)) as f64 / 2.0,
    };
    let n = fan.max(1.0);
    let s = scale / n;
    let (stddev, limit) = match distribution {
        0 => (s.sqrt() / TRUNC_STDDEV, 2.0 * s.sqrt() / TRUNC_STDDEV),
        1 => (s.sqrt(), f64::INFINITY),
        _ => (0.0, (3.0 * s).sqrt()),
    };
    if distribution == 2 && limit.is_infinite() {
        return Err(VS_ERR_INVALID_SCALE);
    }
    Ok(Expected {
        fan_in,
        fan_out,
        n,
        stddev,
        limit,
        value_stddev: s.sqrt(),
    })
}

/// The status a config check (`vs_create`'s order: scale, mode,
/// distribution) gives, if any.
fn config_status(scale: f64, mode: u32, distribution: u32) -> Option<vs_status> {
    if !(scale.is_finite() && scale > 0.0) {
        Some(VS_ERR_INVALID_SCALE)
    } else if mode > 2 {
        Some(VS_ERR_INVALID_MODE)
    } else if distribution > 2 {
        Some(VS_ERR_INVALID_DISTRIBUTION)
    } else {
        None
    }
}

/// The handle as created.
struct Handle {
    h: *mut vs_initializer,
    scale: f64,
    mode: u32,
    distribution: u32,
    /// The seed given (`vs_create`, `vs_with_seed`), or None when it was
    /// drawn from the OS.
    seed: Option<u64>,
    axes: Option<(Vec<i64>, Vec<i64>)>,
    /// The layout of the fan rule (`vs_with_layout`; 0 with axes).
    layout: u32,
    /// The handle's thread cap (`vs_with_max_threads`).
    max_threads: u32,
    /// The algorithm number `vs_get_algorithm` must report.
    algorithm: u32,
    /// Handles this one was derived from, kept alive to the end, with
    /// their config JSON and `vs_get_info` when derived (they must not
    /// change).
    kept: Vec<Kept>,
}

/// A handle kept alive to the end of the case, with what it must still say.
struct Kept {
    h: *mut vs_initializer,
    json: String,
    info: vs_info,
}

impl Handle {
    /// Keeps the current handle alive to the end (a new one replaces it).
    fn keep(&mut self) {
        self.kept.push(Kept {
            h: self.h,
            json: config_json(self.h),
            info: info_of(self.h),
        });
    }

    /// The fans of `shape` under the handle's rule: its axes, else its
    /// layout's rule.
    fn fans(&self, shape: &[i64]) -> Result<(i64, i64), vs_status> {
        match &self.axes {
            None => layout_fans(shape, self.layout),
            Some((i, o)) => axes_fans(shape, i, o),
        }
    }

    /// `vs_describe` of `shape` as the header defines it.
    fn expected(&self, shape: &[i64]) -> Result<Expected, vs_status> {
        let (fan_in, fan_out) = self.fans(shape)?;
        params_model(self.scale, self.mode, self.distribution, fan_in, fan_out)
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
        let mut buf = Guarded::<T>::new(len, out);
        let ptr = buf.ptr();
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
        let body = buf.checked(st, "fill")?;
        (out == Ptr::Valid).then(|| body.to_vec())
    }

    /// Elements `[off, off + len)` as type `U`: from the whole fill when
    /// the tensor is small, else as two range fills split in the middle.
    fn elements<U: Elem>(&self, off: u64, len: u64) -> Vec<U> {
        match self.shape_status() {
            Ok(c) if c <= MAX_ELEMS => {
                let w = self
                    .call::<U>(None, c as usize, Ptr::Valid, ShapeArg::Valid)
                    .expect("a whole fill failed");
                w[off as usize..(off + len) as usize].to_vec()
            }
            _ => {
                let k = len / 2;
                let mut a = self
                    .call::<U>(Some(off), k as usize, Ptr::Valid, ShapeArg::Valid)
                    .expect("a range fill failed");
                let b = self
                    .call::<U>(
                        Some(off + k),
                        (len - k) as usize,
                        Ptr::Valid,
                        ShapeArg::Valid,
                    )
                    .expect("a range fill failed");
                a.extend(b);
                a
            }
        }
    }

    /// Checks elements `[off, off + got.len())` of type `T` against the
    /// other types' values of the same elements, as the handle's algorithm
    /// relates them, and against the limit.
    fn check_values<T: Elem>(&self, got: &[T], off: u64) {
        let p = self
            .expected
            .expect("values of a shape that has no parameters");
        let len = got.len() as u64;
        let bounded = self.hd.distribution != 1;
        if self.hd.algorithm == 1 {
            // pcg64-block-v1: every type is the f64 value rounded
            let f64s = self.elements::<f64>(off, len);
            for (k, (&g, &x)) in got.iter().zip(&f64s).enumerate() {
                assert!(x.is_finite(), "f64 value {x}");
                if bounded {
                    assert!(x.abs() <= p.limit * (1.0 + 1e-15), "{x} beyond {}", p.limit);
                }
                assert_eq!(
                    g.bits(),
                    T::from_f64(x).bits(),
                    "v1 element {}: {g:?} is not {x} rounded",
                    off + k as u64
                );
            }
            return;
        }
        // splitmix64-ctr-v2: f16/bf16 are the f32 values rounded; f64 is a
        // stream of its own
        if T::HALF {
            let f32s = self.elements::<f32>(off, len);
            for (k, (&g, &y)) in got.iter().zip(&f32s).enumerate() {
                assert_eq!(
                    g.bits(),
                    T::from_f32(y).bits(),
                    "v2 element {}: {g:?} is not the f32 value {y} rounded",
                    off + k as u64
                );
            }
        }
        // |standard value| <= 2 or 1, times the factor rounded to binary32
        // (relative error 2^-24, absolute 2^-150 when subnormal), the product
        // rounded once more, and then to the type (monotone)
        let bound = if std::mem::size_of::<T>() == 8 {
            p.limit * (1.0 + 1e-15)
        } else {
            T::from_f64(p.limit * (1.0 + 1.0 / f64::from(1u32 << 22)) + 2f64.powi(-146)).to_f64()
        };
        for (k, &g) in got.iter().enumerate() {
            let v = g.to_f64();
            assert!(!v.is_nan(), "v2 element {} is NaN", off + k as u64);
            if std::mem::size_of::<T>() == 8 {
                assert!(v.is_finite(), "v2 f64 element {} is {v}", off + k as u64);
            }
            if bounded {
                assert!(
                    v.abs() <= bound,
                    "v2 element {}: {v} beyond the limit {} ({bound} in this type)",
                    off + k as u64,
                    p.limit
                );
            }
        }
    }

    fn fill_op<T: Elem>(&self, len_delta: i8, out: Ptr, shape: ShapeArg) {
        let len = match self.count {
            Ok(c) if c <= MAX_ELEMS => (c as i64 + i64::from(len_delta)).max(0) as usize,
            _ => usize::from(len_delta.unsigned_abs()),
        };
        if let Some(v) = self.call::<T>(None, len, out, shape) {
            self.check_values(&v, 0);
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
        // the same elements of the whole fill (or of two other range fills)
        let same = self.elements::<T>(off, len);
        if let Some(k) = v.iter().zip(&same).position(|(a, b)| a.bits() != b.bits()) {
            panic!(
                "range fill at {off} of {len}: element {} is {:?}, the whole fill has {:?}",
                off + k as u64,
                v[k],
                same[k]
            );
        }
        self.check_values(&v, off);
    }

    /// The flat index of position `pos` (row-major) of the box.
    fn flat_index(&self, start: &[i64], extent: &[i64], mut pos: u64) -> u64 {
        let mut flat = 0u64;
        let mut stride = 1u64;
        for i in (0..self.shape.len()).rev() {
            let e = extent[i] as u64;
            let idx = start[i] as u64 + pos % e;
            pos /= e;
            flat += idx * stride;
            stride = stride.saturating_mul(self.shape[i] as u64);
        }
        flat
    }

    #[allow(clippy::too_many_arguments)]
    fn slice_op<T: Elem>(
        &self,
        dims: &[BoxDim],
        box_len: BoxLen,
        out: Ptr,
        shape: ShapeArg,
        start_arg: Ptr,
        extent_arg: Ptr,
    ) {
        let rank = self.shape.len();
        let (start, extent): (Vec<i64>, Vec<i64>) = (0..rank)
            .map(|i| {
                dims.get(i)
                    .copied()
                    .unwrap_or(BoxDim::Full)
                    .values(self.shape[i])
            })
            .unzip();
        // the box's element count, if the extents are non-negative and
        // their product fits
        let size: Option<u64> = if extent.iter().any(|&e| e < 0) {
            None
        } else if extent.contains(&0) {
            Some(0)
        } else {
            extent
                .iter()
                .try_fold(1u64, |a, &e| a.checked_mul(e as u64))
        };
        let len = match (box_len, size) {
            (BoxLen::Exact, Some(n)) if n <= MAX_ELEMS => n,
            (BoxLen::Delta(k), Some(n)) if n <= MAX_ELEMS => {
                (n as i64 + i64::from(k)).max(0) as u64
            }
            (BoxLen::Exact, _) => 1,
            (BoxLen::Delta(k), _) => u64::from(k.unsigned_abs()),
        } as usize;

        let mut sb = ShapeBuf::new(self.shape);
        let (sp, nd, shape_err) = sb.arg(rank, shape);
        let mut start_b = ShapeBuf::new(&start);
        let mut extent_b = ShapeBuf::new(&extent);
        let (stp, ep) = (
            ptr_into::<i64>(&mut start_b.backing, start_arg),
            ptr_into::<i64>(&mut extent_b.backing, extent_arg),
        );
        let (start_before, extent_before) = (start_b.backing.clone(), extent_b.backing.clone());
        // the order of the checks: handle, shape pointer, start, extent
        // pointers (read only when ndim > 0), the shape (count, fans,
        // factor), the box per dimension, out_len, out
        let box_ok = start
            .iter()
            .zip(&extent)
            .zip(self.shape)
            .all(|((&s, &e), &d)| {
                s >= 0 && e >= 0 && i128::from(s) + i128::from(e) <= i128::from(d)
            });
        let expected = if let Some(st) = shape_err {
            st
        } else if nd > 0 && (start_arg != Ptr::Valid || extent_arg != Ptr::Valid) {
            VS_ERR_NULL_ARGUMENT
        } else if let Err(st) = self.shape_status() {
            st
        } else if !box_ok {
            VS_ERR_INVALID_SHAPE
        } else if size != Some(len as u64) {
            VS_ERR_BUFFER_SIZE
        } else if len == 0 || out == Ptr::Valid {
            VS_OK
        } else {
            VS_ERR_NULL_ARGUMENT
        };
        let mut buf = Guarded::<T>::new(len, out);
        let ptr = buf.ptr();
        // SAFETY: `ptr` is NULL, misaligned (rejected), or has `len`
        // writable elements; shape, start and extent are NULL, misaligned
        // or have `nd` readable elements, or `nd` is beyond any array
        // (rejected before they are read).
        let st = unsafe { T::slice(self.h(), sp, nd, stp, ep, ptr, len) };
        assert_eq!(
            st,
            expected,
            "slice of shape {:?} ({shape:?}) start {start:?} ({start_arg:?}) extent {extent:?} ({extent_arg:?}) out_len {len} out {out:?}: {}",
            self.shape,
            last_message()
        );
        assert!(
            start_b.backing == start_before && extent_b.backing == extent_before,
            "start or extent written"
        );
        let Some(got) = buf.checked(st, "slice fill") else {
            return;
        };
        if out != Ptr::Valid || len == 0 {
            return;
        }
        let count = self.count.expect("a slice of an invalid shape");
        if count <= MAX_ELEMS {
            // the box of the whole fill
            let whole = self
                .call::<T>(None, count as usize, Ptr::Valid, ShapeArg::Valid)
                .expect("the whole fill failed");
            for (j, g) in got.iter().enumerate() {
                let flat = self.flat_index(&start, &extent, j as u64);
                assert_eq!(
                    g.bits(),
                    whole[flat as usize].bits(),
                    "slice start {start:?} extent {extent:?} of {:?}: box element {j} (flat {flat}) is {g:?}, the whole fill has {:?}",
                    self.shape,
                    whole[flat as usize]
                );
            }
            self.check_values(&whole, 0);
        } else {
            // a sample of its rows (runs along the last dimension), each
            // against a range fill
            let row = extent[rank - 1] as u64;
            let rows = len as u64 / row;
            let mut picks: Vec<u64> = (0..8).map(|k| k * (rows - 1) / 7).collect();
            picks.dedup();
            for r in picks {
                let flat = self.flat_index(&start, &extent, r * row);
                let want = self
                    .call::<T>(Some(flat), row as usize, Ptr::Valid, ShapeArg::Valid)
                    .expect("a range fill failed");
                let have = &got[(r * row) as usize..((r + 1) * row) as usize];
                if let Some(k) = have
                    .iter()
                    .zip(&want)
                    .position(|(a, b)| a.bits() != b.bits())
                {
                    panic!(
                        "slice start {start:?} extent {extent:?} of {:?}: row {r} element {k} (flat {}) is {:?}, the range fill has {:?}",
                        self.shape,
                        flat + k as u64,
                        have[k],
                        want[k]
                    );
                }
            }
        }
    }

    fn get_algorithm_op(&self, out: Ptr) {
        let mut b = [0x5a5a_5a5a_5a5a_5a5au64; 2];
        let p = ptr_into::<u32>(&mut b, out);
        // SAFETY: live handle; `p` NULL, misaligned (rejected) or writable.
        let st = unsafe { vs_get_algorithm(self.h(), p) };
        if out == Ptr::Valid {
            assert_eq!(st, VS_OK, "{}", last_message());
            // SAFETY: `p` points into `b`.
            assert_eq!(unsafe { *p }, self.hd.algorithm);
        } else {
            assert_eq!(st, VS_ERR_NULL_ARGUMENT);
            check_error_message(st, "vs_get_algorithm");
            assert_eq!(b, [0x5a5a_5a5a_5a5a_5a5a; 2], "written on error");
        }
    }

    fn with_algorithm_op<T: Elem>(&self, algorithm: u32) {
        let Some(h2) = with_algorithm(self.h(), algorithm) else {
            return;
        };
        assert_eq!(algorithm_of(h2), algorithm);
        assert_eq!(config_json(h2), config_json(self.h()), "config changed");
        assert_eq!(seed_of(h2), seed_of(self.h()));
        assert_eq!(
            format!("{:?}", describe(h2, self.shape)),
            format!("{:?}", self.params),
            "vs_describe changed with the algorithm"
        );
        // and back to the case's algorithm
        let h3 = with_algorithm(h2, self.hd.algorithm).expect("deriving back failed");
        assert_eq!(algorithm_of(h3), self.hd.algorithm);
        if let Ok(c) = self.shape_status()
            && c <= MAX_ELEMS
        {
            let fill = |h: *const vs_initializer| -> Vec<u64> {
                let mut v = vec![T::SENTINEL; c as usize];
                // SAFETY: live handle; `v` has c writable elements.
                let st = unsafe {
                    T::fill(
                        h,
                        self.shape.as_ptr(),
                        self.shape.len(),
                        v.as_mut_ptr(),
                        v.len(),
                    )
                };
                assert_eq!(st, VS_OK, "{}", last_message());
                v.iter().map(|x| x.bits()).collect()
            };
            let own = fill(self.h());
            assert_eq!(fill(h3), own, "a handle derived back differs");
            if algorithm == self.hd.algorithm {
                assert_eq!(fill(h2), own, "the same algorithm gave other values");
            } else {
                let _ = fill(h2);
            }
        }
        // SAFETY: live handles, not used afterwards.
        unsafe {
            vs_destroy(h3);
            vs_destroy(h2);
        }
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
        // SAFETY: the outputs are NULL, misaligned (rejected) or writable;
        // the shape as in `call`.
        let got = fans_out("vs_compute_fans", fan_in, fan_out, |pi, po| unsafe {
            vs_compute_fans(sp, nd, pi, po)
        });
        assert_eq!(got, expected, "{}", last_message());
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
            if self.hd.axes.is_none() && self.hd.layout != 0 {
                // the JSON has no layout: the default rule's parameters
                let e = layout_fans(self.shape, 0).and_then(|(fi, fo)| {
                    params_model(self.hd.scale, self.hd.mode, self.hd.distribution, fi, fo)
                });
                assert_params(describe(h2, self.shape), e, "the JSON of a layout handle");
            } else {
                assert_eq!(
                    format!("{:?}", describe(h2, self.shape)),
                    format!("{:?}", self.params)
                );
            }
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
        let (start, extent) = ([0i64, 1], [2i64, 2]);
        let mut out = [-1.5f32; 6];
        let which = which % 16;
        // room for a vs_info, sized for vs_get_info and vs_describe_ex
        let mut b = [9u64; 16];
        b[0] = match which {
            13 => std::mem::size_of::<vs_info>() as u64,
            15 => std::mem::size_of::<vs_description>() as u64,
            _ => 9,
        };
        let before = b;
        let mut new = sentinel_handle();
        let (seed, axes) = (7u64, [0i64]);
        let (mut n_in, mut n_out) = (77usize, 77usize);
        // SAFETY: a NULL or misaligned handle must be rejected before use;
        // every other pointer is valid.
        let st = unsafe {
            match which {
                0 => vs_fill_f32(h, shape.as_ptr(), 2, out.as_mut_ptr(), 6),
                1 => vs_fill_range_f32(h, shape.as_ptr(), 2, 1, out.as_mut_ptr(), 3),
                2 => vs_describe(h, shape.as_ptr(), 2, b.as_mut_ptr().cast()),
                3 => vs_get_seed(h, b.as_mut_ptr()),
                4 => vs_get_config_json(h, b.as_mut_ptr().cast(), 64, &mut 0usize),
                5 => {
                    vs_destroy(std::ptr::null_mut());
                    vs_fill_bf16(h, shape.as_ptr(), 2, b.as_mut_ptr().cast(), 6)
                }
                6 => vs_with_algorithm(h, 1, &mut new),
                7 => vs_get_algorithm(h, b.as_mut_ptr().cast()),
                9 => vs_with_seed(h, &seed, &mut new),
                10 => vs_with_axes(h, axes.as_ptr(), 1, axes.as_ptr(), 1, &mut new),
                11 => vs_with_layout(h, 1, &mut new),
                12 => vs_with_max_threads(h, 2, &mut new),
                13 => vs_get_info(h, b.as_mut_ptr().cast()),
                14 => vs_get_axes(
                    h,
                    b.as_mut_ptr().cast(),
                    4,
                    b[8..].as_mut_ptr().cast(),
                    4,
                    &mut n_in,
                    &mut n_out,
                ),
                15 => vs_describe_ex(h, shape.as_ptr(), 2, b.as_mut_ptr().cast()),
                _ => vs_fill_slice_f32(
                    h,
                    shape.as_ptr(),
                    2,
                    start.as_ptr(),
                    extent.as_ptr(),
                    out.as_mut_ptr(),
                    4,
                ),
            }
        };
        assert_eq!(st, VS_ERR_NULL_ARGUMENT);
        check_error_message(st, "bad handle");
        assert!(
            out.iter().all(|&v| v == -1.5) && b == before,
            "written with a bad handle"
        );
        if matches!(which, 6 | 9..=12) {
            assert!(new.is_null(), "vs_with_*: *out not NULL on error");
        }
        assert_eq!((n_in, n_out), (77, 77), "vs_get_axes: lengths set");
    }
}

/// Passes one axes list; returns (pointer, length, status predicted for it).
fn axes_arg(
    arg: &AxesArg,
    backing: &mut Vec<u64>,
) -> (*const i64, usize, Option<vs_status>, Option<Vec<i64>>) {
    match arg {
        AxesArg::Null => (std::ptr::null(), 0, None, None),
        AxesArg::List(_) | AxesArg::Long(..) => {
            let v: Vec<i64> = match arg {
                AxesArg::List(l) => l.iter().take(8).map(|a| a.value()).collect(),
                AxesArg::Long(a, n) => vec![a.value(); 9 + usize::from(*n)],
                _ => unreachable!(),
            };
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
    let scale = c.scale.value();
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
    let expected = if c.out != Ptr::Valid || (c.seed.is_some() && c.seed_misaligned) {
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
        layout: 0,
        max_threads: 0,
        algorithm: 2,
        kept: Vec::new(),
    })
}

fn check_strings(status: i32, algorithm: u32) {
    // SAFETY: static NUL-terminated strings.
    let text = unsafe { std::ffi::CStr::from_ptr(vs_status_str(status)) }
        .to_str()
        .unwrap();
    match status {
        0 => assert!(text.starts_with("VS_OK"), "{text}"),
        11 => assert!(text.starts_with("VS_ERR_INVALID_LAYOUT"), "{text}"),
        1..=10 => assert!(text.starts_with("VS_ERR_"), "{text}"),
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
    let default = unsafe { std::ffi::CStr::from_ptr(vs_algorithm()) };
    assert_eq!(default.to_bytes(), b"splitmix64-ctr-v2");
    let name = |n: u32| {
        let p = vs_algorithm_name(n);
        // SAFETY: NULL or a static NUL-terminated string.
        (!p.is_null()).then(|| unsafe { std::ffi::CStr::from_ptr(p) }.to_bytes().to_vec())
    };
    assert_eq!(name(2).as_deref(), Some(default.to_bytes()));
    assert_eq!(name(1).as_deref(), Some(&b"pcg64-block-v1"[..]));
    let expected: Option<&[u8]> = match algorithm {
        1 => Some(b"pcg64-block-v1"),
        2 => Some(b"splitmix64-ctr-v2"),
        _ => None,
    };
    assert_eq!(
        name(algorithm).as_deref(),
        expected,
        "vs_algorithm_name({algorithm})"
    );
    // SAFETY: as above.
    let isa = unsafe { std::ffi::CStr::from_ptr(vs_isa()) }
        .to_str()
        .unwrap();
    assert!(
        ["portable", "avx2", "avx512"].contains(&isa),
        "vs_isa() = {isa:?}"
    );
    assert_eq!(isa, platform::kernel().name(), "vs_isa()");
    assert!(platform::available().contains(&platform::kernel()));
}

/// Gives the case its algorithm (`vs_with_algorithm` as `arg` says),
/// checking the status and `*out` the arguments predict. On an error the
/// created handle stays the case's.
fn derive(mut hd: Handle, arg: AlgArg) -> Handle {
    assert_eq!(
        algorithm_of(hd.h),
        2,
        "a new handle is not splitmix64-ctr-v2"
    );
    let (n, keep) = match arg {
        AlgArg::Default => return hd,
        AlgArg::V1 => (1, false),
        AlgArg::V1Keep => (1, true),
        AlgArg::V2 => (2, false),
        AlgArg::Raw(n) => (n, n % 2 == 0),
        AlgArg::BadOut(misaligned, n) => {
            let mut backing = [0u64; 2];
            let out = ptr_into::<*mut vs_initializer>(
                &mut backing,
                if misaligned {
                    Ptr::Misaligned
                } else {
                    Ptr::Null
                },
            );
            // SAFETY: a NULL or misaligned `out` must be rejected unwritten.
            let st = unsafe { vs_with_algorithm(hd.h, n, out) };
            assert_eq!(st, VS_ERR_NULL_ARGUMENT, "{}", last_message());
            check_error_message(st, "vs_with_algorithm");
            assert_eq!(backing, [0; 2], "a bad `out` was written");
            return hd;
        }
        AlgArg::NullInit(n) => {
            let mut out = sentinel_handle();
            // SAFETY: a NULL `init` must be rejected.
            let st = unsafe { vs_with_algorithm(std::ptr::null(), n, &mut out) };
            assert_eq!(st, VS_ERR_NULL_ARGUMENT, "{}", last_message());
            check_error_message(st, "vs_with_algorithm");
            assert!(out.is_null(), "*out not NULL on error");
            return hd;
        }
    };
    let Some(h) = with_algorithm(hd.h, n) else {
        return hd;
    };
    assert_eq!(algorithm_of(h), n);
    assert_eq!(
        algorithm_of(hd.h),
        2,
        "vs_with_algorithm changed its `init`"
    );
    assert_eq!(config_json(h), config_json(hd.h));
    assert_eq!(seed_of(h), seed_of(hd.h));
    if keep {
        hd.keep();
    } else {
        // SAFETY: live handle, not used afterwards (the new one must not
        // depend on it).
        unsafe { vs_destroy(hd.h) };
    }
    hd.h = h;
    hd.algorithm = n;
    hd
}

fuzz_target!(|input: Input| {
    let Some(hd) = create(&input.create) else {
        return;
    };
    let mut hd = derive(hd, input.algorithm);
    let shape: Vec<i64> = input
        .shape
        .iter()
        .take(MAX_RANK)
        .map(|d| d.value())
        .collect();
    check_model(&hd);
    for d in input.derives.iter().take(4) {
        hd = apply(hd, d, &shape);
    }
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
            } => with_elem!(ty, T => case.fill_op::<T>(len_delta, out, shape)),
            Op::Range {
                ty,
                offset,
                count,
                out,
                shape,
            } => with_elem!(ty, T => case.range_op::<T>(offset, count, out, shape)),
            Op::Describe { out, shape } => case.describe_op(out, shape),
            Op::ComputeFans {
                fan_in,
                fan_out,
                shape,
            } => case.compute_fans_op(fan_in, fan_out, shape),
            Op::GetSeed(out) => case.get_seed_op(out),
            Op::GetConfig(how) => case.get_config_op(how),
            Op::Slice {
                ty,
                ref dims,
                len,
                out,
                shape,
                start,
                extent,
            } => with_elem!(ty, T => case.slice_op::<T>(dims, len, out, shape, start, extent)),
            Op::GetAlgorithm(out) => case.get_algorithm_op(out),
            Op::WithAlgorithm { algorithm, ty } => {
                with_elem!(ty, T => case.with_algorithm_op::<T>(algorithm))
            }
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
            Op::StatusStr(s) => check_strings(s, 2),
            Op::Strings(n) => check_strings(0, n),
            Op::GetInfo { out, size } => case.get_info_op(out, size),
            Op::GetAxes {
                input,
                output,
                n_input,
                n_output,
            } => case.get_axes_op(input, output, n_input, n_output),
            Op::DescribeEx { out, size, shape } => case.describe_ex_op(out, size, shape),
            Op::DescribeFans {
                cfg,
                fan_in,
                fan_out,
                out,
                size,
            } => case.describe_fans_op(cfg, fan_in, fan_out, out, size),
            Op::DescribeShape {
                cfg,
                layout,
                shape,
                out,
                size,
            } => case.describe_shape_op(cfg, layout, shape, out, size),
            Op::ComputeFansLayout {
                layout,
                shape,
                fan_in,
                fan_out,
            } => case.compute_fans_layout_op(layout, shape, fan_in, fan_out),
            Op::ComputeFansAxes {
                ref input,
                ref output,
                shape,
                fan_in,
                fan_out,
            } => case.compute_fans_axes_op(input, output, shape, fan_in, fan_out),
            Op::FillFans {
                ty,
                cfg,
                seed,
                fan_in,
                fan_out,
                offset,
                count,
                out,
            } => {
                with_elem!(ty, T => {
                    case.fill_fans_op::<T>(cfg, seed, fan_in, fan_out, offset, count, out)
                })
            }
            Op::LayoutVsAxes { layout, ty } => case.layout_vs_axes_op(layout, ty),
            Op::WithMaxThreads { n, ty, big } => case.with_max_threads_op(n, ty, big),
            Op::Rebuild(ty) => rebuild_check(&hd, &shape, ty),
            Op::DeriveSeed { base, index } => derive_seed_op(base, index),
            Op::DeriveSeedName {
                base,
                ref name,
                null,
            } => derive_seed_name_op(base, name, null),
        }
    }
    for k in &hd.kept {
        // the handles it was derived from are unchanged
        assert_eq!(config_json(k.h), k.json, "a kept handle's config changed");
        assert_eq!(
            info_bytes(&info_of(k.h)),
            info_bytes(&k.info),
            "a kept handle's vs_get_info changed"
        );
        // SAFETY: live handle, not used afterwards.
        unsafe { vs_destroy(k.h) };
    }
    // SAFETY: live handle, not used afterwards.
    unsafe { vs_destroy(hd.h) };
});
