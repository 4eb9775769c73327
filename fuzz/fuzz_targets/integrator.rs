//! The integrator API in the `c_api` target: derived handles
//! (`vs_with_seed`, `vs_with_axes`, `vs_with_layout`,
//! `vs_with_max_threads`), `vs_get_info`, `vs_get_axes`, the size-prefixed
//! `vs_description` family (`vs_describe_ex`, `vs_describe_fans`,
//! `vs_describe_shape`), fans by layout and by axes, fills by fans
//! (`vs_fill_fans_*`) and seed derivation (`vs_derive_seed*`).
//!
//! Every status is predicted from the arguments alone, in the library's
//! order of checks; outputs (and the bytes around them) are untouched on
//! error; the results are checked against the header's formulas, against a
//! re-implementation of docs/seeds.md, and against the other entry points:
//! a fill by fans equals a range fill of a handle with the same config on
//! a tensor with those fans, a layout handle equals the handle with the
//! axes that spell the layout out, a rebuilt handle equals the derived one.

use super::*;

/// `sizeof(vs_info)` and `sizeof(vs_description)` in the header (x86-64).
pub const INFO_SIZE: usize = 72;
pub const DESC_SIZE: usize = 56;
const _: () = assert!(std::mem::size_of::<vs_info>() == INFO_SIZE);
const _: () = assert!(std::mem::size_of::<vs_description>() == DESC_SIZE);

/// Words behind a size-prefixed struct: the struct and room for a larger
/// one (a caller's newer header).
const SIZED_WORDS: usize = 16;
/// What the bytes of a size-prefixed struct hold before a call.
const SIZED_FILL: u64 = 0xa5a5_5a5a_a5a5_5a5a;

/// The `struct_size` a caller sets.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum StructSize {
    /// The struct's size.
    Exact,
    /// Below it (0 to size - 1): `VS_ERR_BUFFER_SIZE`.
    Below(u8),
    /// Above it, up to the buffer (a newer, larger struct).
    Larger(u8),
}

impl StructSize {
    fn value(self, size: usize) -> u64 {
        match self {
            StructSize::Exact => size as u64,
            StructSize::Below(k) => u64::from(k) % size as u64,
            StructSize::Larger(k) => (size + 1 + usize::from(k) % (SIZED_WORDS * 8 - size)) as u64,
        }
    }
}

/// A config for the functions without a handle.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum CfgArg {
    /// The case's handle's scale, mode and distribution.
    Case,
    Own {
        scale: Scale,
        mode: EnumArg,
        distribution: EnumArg,
    },
}

impl CfgArg {
    fn values(self, hd: &Handle) -> (f64, u32, u32) {
        match self {
            CfgArg::Case => (hd.scale, hd.mode, hd.distribution),
            CfgArg::Own {
                scale,
                mode,
                distribution,
            } => (scale.value(), mode.value(), distribution.value()),
        }
    }
}

/// A fan given as a number.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Fan {
    Small(u8),
    Large(u32),
    /// `INT64_MAX - k`.
    Max(u16),
    /// Any value (negative half the time: `VS_ERR_INVALID_SHAPE`).
    Any(i64),
}

impl Fan {
    fn value(self) -> i64 {
        match self {
            Fan::Small(v) => i64::from(v % 7),
            Fan::Large(v) => i64::from(v),
            Fan::Max(k) => i64::MAX - i64::from(k),
            Fan::Any(v) => v,
        }
    }
}

/// The seed of a fill by fans.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum SeedArg {
    Raw(u64),
    /// `vs_derive_seed(base, index)`.
    Derived(u64, u64),
}

/// The offset of a fill by fans.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum FansOffset {
    Small(u16),
    /// `INT64_MAX - count + k`: past the largest tensor for k > 0.
    End(i16),
    Any(u64),
}

impl FansOffset {
    fn value(self, count: u64) -> u64 {
        match self {
            FansOffset::Small(o) => u64::from(o),
            FansOffset::End(k) => (i64::MAX as u64 - count).wrapping_add(k as i64 as u64),
            FansOffset::Any(o) => o,
        }
    }
}

/// A thread cap: 0 to 5, or any.
pub type Threads = SmallOrAny<6>;

/// One `vs_with_*` applied to the case's handle before the operations.
#[derive(Arbitrary, Debug)]
pub enum Derive {
    /// `vs_with_seed` with a seed (or NULL: a fresh one), possibly
    /// misaligned.
    Seed {
        seed: Option<u64>,
        misaligned: bool,
        keep: bool,
    },
    Axes {
        input: AxesArg,
        output: AxesArg,
        keep: bool,
    },
    Layout {
        layout: EnumArg,
        keep: bool,
    },
    MaxThreads {
        n: Threads,
        keep: bool,
    },
    /// A NULL (`false`) or misaligned (`true`) `out` given to the
    /// `vs_with_*` function number `which`.
    BadOut {
        which: u8,
        misaligned: bool,
    },
}

/// A list buffer of `vs_get_axes`.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum AxesBuf {
    /// NULL with a capacity of 0: a size query.
    Query,
    Exact,
    /// `len - 1 - k` (`VS_ERR_BUFFER_SIZE` when the list is not empty).
    Short(u8),
    Larger(u8),
    /// NULL with a capacity > 0: `VS_ERR_NULL_ARGUMENT`.
    NullWithCap(u8),
    Misaligned,
}

// ---- helpers ----

/// Calls `f` with a pointer (as `p` says) to a size-prefixed struct whose
/// `struct_size` is `size`, in a buffer of `SIZED_WORDS` words otherwise
/// filled with `SIZED_FILL`.
fn call_sized<S>(p: Ptr, size: u64, f: impl FnOnce(*mut S) -> vs_status) -> (vs_status, [u64; 16]) {
    let mut b = [SIZED_FILL; SIZED_WORDS];
    b[0] = size;
    let ptr = ptr_into::<S>(&mut b, p);
    let st = f(ptr);
    (st, b)
}

/// The status the library gives first for a size-prefixed struct: `out`
/// NULL or misaligned, then a `struct_size` below the library's (`full`);
/// `None` when both are usable.
fn sized_out_status(out: Ptr, size: u64, full: usize) -> Option<vs_status> {
    if out != Ptr::Valid {
        Some(VS_ERR_NULL_ARGUMENT)
    } else if size < full as u64 {
        Some(VS_ERR_BUFFER_SIZE)
    } else {
        None
    }
}

/// After a call on a size-prefixed struct of `struct_size` = `size`
/// (`full`: the library's size): on error the buffer is as it was; on
/// success `struct_size` is the library's size (the caller's is at least
/// that) and every byte past it is as the caller left it.
fn check_sized_out(st: vs_status, b: &[u64; 16], size: u64, full: usize, what: &str) {
    let mut before = [SIZED_FILL; SIZED_WORDS];
    before[0] = size;
    if st != VS_OK {
        check_error_message(st, what);
        assert_eq!(b, &before, "{what}: written on error (struct_size {size})");
        return;
    }
    assert_eq!(
        b[0], full as u64,
        "{what}: struct_size out (struct_size in {size})"
    );
    assert_eq!(
        &b[full / 8..],
        &before[full / 8..],
        "{what}: bytes past the library's struct written (struct_size {size})"
    );
}

/// The struct in a size-prefixed buffer.
fn read_sized<S: Copy>(b: &[u64; 16]) -> S {
    assert!(std::mem::size_of::<S>() <= std::mem::size_of_val(b));
    // SAFETY: the buffer is large enough and 8-byte aligned; both structs
    // are plain integers and floats.
    unsafe { std::ptr::read(b.as_ptr().cast::<S>()) }
}

/// `vs_get_info` of a live handle, with the struct's promises checked.
pub fn info_of(h: *const vs_initializer) -> vs_info {
    let (st, b) = call_sized::<vs_info>(Ptr::Valid, INFO_SIZE as u64, |p| {
        // SAFETY: live handle; `p` has INFO_SIZE writable bytes.
        unsafe { vs_get_info(h, p) }
    });
    assert_eq!(st, VS_OK, "vs_get_info: {}", last_message());
    check_sized_out(st, &b, INFO_SIZE as u64, INFO_SIZE, "vs_get_info");
    read_sized(&b)
}

/// The bytes of a `vs_info`.
pub fn info_bytes(i: &vs_info) -> [u64; 9] {
    // SAFETY: vs_info is 72 bytes of integers and floats, no padding.
    unsafe { std::mem::transmute_copy(i) }
}

/// What `vs_get_info` must say of the handle the model describes.
fn model_info(hd: &Handle) -> vs_info {
    let (ni, no) = hd.axes.as_ref().map_or((0, 0), |(i, o)| (i.len(), o.len()));
    vs_info {
        struct_size: INFO_SIZE as u64,
        scale: hd.scale,
        seed: hd.seed.unwrap_or_else(|| seed_of(hd.h)),
        mode: hd.mode,
        distribution: hd.distribution,
        algorithm: hd.algorithm,
        seeded: u32::from(hd.seed.is_some()),
        has_axes: u32::from(hd.axes.is_some()),
        layout: hd.layout,
        n_input_axes: ni,
        n_output_axes: no,
        max_threads: hd.max_threads,
        reserved: 0,
    }
}

/// `vs_get_info` and `vs_get_axes` of the case's handle against the model.
pub fn check_model(hd: &Handle) {
    let info = info_of(hd.h);
    assert_eq!(
        info_bytes(&info),
        info_bytes(&model_info(hd)),
        "vs_get_info {info:?}, the model says {:?}",
        model_info(hd)
    );
    assert_eq!(info.seed, seed_of(hd.h), "vs_get_info's seed");
    let (mut i, mut o) = ([-9i64; 300], [-9i64; 300]);
    let (mut ni, mut no) = (usize::MAX, usize::MAX);
    // SAFETY: live handle; each list has 300 writable elements (the
    // longest list made here is 264).
    let st = unsafe {
        vs_get_axes(
            hd.h,
            i.as_mut_ptr(),
            i.len(),
            o.as_mut_ptr(),
            o.len(),
            &mut ni,
            &mut no,
        )
    };
    assert_eq!(st, VS_OK, "vs_get_axes: {}", last_message());
    let (wi, wo) = hd.axes.clone().unwrap_or_default();
    assert_eq!((&i[..ni], &o[..no]), (&wi[..], &wo[..]), "vs_get_axes");
    assert!(
        i[ni..].iter().chain(&o[no..]).all(|&v| v == -9),
        "vs_get_axes wrote past the lists"
    );
}

/// A new handle from `f(out)`, which must succeed.
fn new_handle(
    what: &str,
    f: impl FnOnce(*mut *mut vs_initializer) -> vs_status,
) -> *mut vs_initializer {
    let mut out = sentinel_handle();
    let st = f(&mut out);
    assert_eq!(st, VS_OK, "{what}: {}", last_message());
    assert!(!out.is_null() && out != sentinel_handle(), "{what}");
    out
}

/// `vs_create` with a seed (the default algorithm).
fn create_seeded(scale: f64, mode: u32, distribution: u32, seed: u64) -> *mut vs_initializer {
    new_handle("vs_create", |o| {
        // SAFETY: readable seed, writable out.
        unsafe { vs_create(scale, mode, distribution, &seed, o) }
    })
}

/// `vs_with_axes(h, input, output)`.
fn with_axes(h: *const vs_initializer, input: &[i64], output: &[i64]) -> *mut vs_initializer {
    new_handle("vs_with_axes", |o| {
        // SAFETY: live handle; the lists have their lengths.
        unsafe {
            vs_with_axes(
                h,
                input.as_ptr(),
                input.len(),
                output.as_ptr(),
                output.len(),
                o,
            )
        }
    })
}

fn with_layout(h: *const vs_initializer, layout: u32) -> *mut vs_initializer {
    new_handle("vs_with_layout", |o| {
        // SAFETY: live handle, writable out.
        unsafe { vs_with_layout(h, layout, o) }
    })
}

fn with_max_threads(h: *const vs_initializer, n: u32) -> *mut vs_initializer {
    new_handle("vs_with_max_threads", |o| {
        // SAFETY: live handle, writable out.
        unsafe { vs_with_max_threads(h, n, o) }
    })
}

/// Destroys handles made here.
fn destroy(hs: &[*mut vs_initializer]) {
    for &h in hs.iter().rev() {
        // SAFETY: live handles made here, not used afterwards.
        unsafe { vs_destroy(h) };
    }
}

/// `vs_describe_ex` with a whole struct; the untouched bytes checked.
pub fn describe_ex(h: *const vs_initializer, shape: &[i64]) -> Result<vs_description, vs_status> {
    let (st, b) = call_sized::<vs_description>(Ptr::Valid, DESC_SIZE as u64, |p| {
        // SAFETY: live handle; `shape` has its length; `p` writable.
        unsafe { vs_describe_ex(h, shape.as_ptr(), shape.len(), p) }
    });
    check_sized_out(st, &b, DESC_SIZE as u64, DESC_SIZE, "vs_describe_ex");
    if st == VS_OK {
        Ok(read_sized(&b))
    } else {
        Err(st)
    }
}

/// `vs_describe_fans` with a whole struct.
fn describe_fans(
    scale: f64,
    mode: u32,
    distribution: u32,
    fi: i64,
    fo: i64,
) -> Result<vs_description, vs_status> {
    let (st, b) = call_sized::<vs_description>(Ptr::Valid, DESC_SIZE as u64, |p| {
        // SAFETY: `p` writable.
        unsafe { vs_describe_fans(scale, mode, distribution, fi, fo, p) }
    });
    check_sized_out(st, &b, DESC_SIZE as u64, DESC_SIZE, "vs_describe_fans");
    if st == VS_OK {
        Ok(read_sized(&b))
    } else {
        Err(st)
    }
}

/// `vs_describe`'s result against the model, bit for bit.
pub fn assert_params(
    got: Result<vs_params, vs_status>,
    e: Result<Expected, vs_status>,
    what: &str,
) {
    let bits =
        |p: (i64, i64, f64, f64, f64)| (p.0, p.1, p.2.to_bits(), p.3.to_bits(), p.4.to_bits());
    assert_eq!(
        got.map(|p| bits((p.fan_in, p.fan_out, p.n, p.stddev, p.limit))),
        e.map(|p| bits((p.fan_in, p.fan_out, p.n, p.stddev, p.limit))),
        "{what}: {got:?}, the model says {e:?}"
    );
}

/// A description's bits (struct_size included).
fn desc_bits(d: &vs_description) -> [u64; 7] {
    // SAFETY: 56 bytes of integers and floats, no padding.
    unsafe { std::mem::transmute_copy(d) }
}

/// Checks a description against the model, bit for bit.
fn check_description(d: &vs_description, e: &Expected, what: &str) {
    let want = vs_description {
        struct_size: DESC_SIZE as u64,
        fan_in: e.fan_in,
        fan_out: e.fan_out,
        n: e.n,
        stddev: e.stddev,
        limit: e.limit,
        value_stddev: e.value_stddev,
    };
    assert_eq!(
        desc_bits(d),
        desc_bits(&want),
        "{what}: {d:?}, the header's formulas give {want:?}"
    );
}

/// The status and, on success, the bits of a fill (`off` None) or range
/// fill of `len` elements of type `T`; on error nothing written.
fn fill_bits<T: Elem>(
    h: *const vs_initializer,
    shape: &[i64],
    off: Option<u64>,
    len: usize,
) -> Result<Vec<u64>, vs_status> {
    let mut v = Guarded::<T>::new(len, Ptr::Valid);
    let p = v.ptr();
    // SAFETY: live handle; `shape` has its length; `p` has len writable
    // elements.
    let st = unsafe {
        match off {
            None => T::fill(h, shape.as_ptr(), shape.len(), p, len),
            Some(o) => T::range(h, shape.as_ptr(), shape.len(), o, p, len),
        }
    };
    let body = v.checked(st, "fill").ok_or(st)?;
    Ok(body.iter().map(|x| x.bits()).collect())
}

/// `fill_bits` for the type `ty`.
fn fill_bits_ty(
    ty: Ty,
    h: *const vs_initializer,
    shape: &[i64],
    off: Option<u64>,
    len: usize,
) -> Result<Vec<u64>, vs_status> {
    with_elem!(ty, T => fill_bits::<T>(h, shape, off, len))
}

/// The values two handles give for `shape` (the whole tensor when small,
/// else 64 elements in the middle and 16 at the end) are the same, and so
/// are their statuses.
fn same_values(
    ty: Ty,
    a: *const vs_initializer,
    b: *const vs_initializer,
    shape: &[i64],
    what: &str,
) {
    match element_count(shape) {
        Ok(c) if c <= MAX_ELEMS => {
            let (x, y) = (
                fill_bits_ty(ty, a, shape, None, c as usize),
                fill_bits_ty(ty, b, shape, None, c as usize),
            );
            assert_eq!(x, y, "{what}: whole fills of {shape:?} differ");
        }
        Ok(c) => {
            for (off, len) in [(c / 2 - 32, 64), (c - 16, 16)] {
                let (x, y) = (
                    fill_bits_ty(ty, a, shape, Some(off), len),
                    fill_bits_ty(ty, b, shape, Some(off), len),
                );
                assert_eq!(x, y, "{what}: range fills of {shape:?} at {off} differ");
            }
        }
        Err(_) => {
            let (x, y) = (
                fill_bits_ty(ty, a, shape, Some(0), 1),
                fill_bits_ty(ty, b, shape, Some(0), 1),
            );
            assert_eq!(x, y, "{what}: statuses differ");
        }
    }
}

/// The axes that spell `layout` out for a tensor of rank `rank` (the
/// header's table as `input_axes` / `output_axes`).
pub fn spelled_axes(layout: u32, rank: usize) -> (Vec<i64>, Vec<i64>) {
    let r = rank as i64;
    match (rank, layout) {
        (0, _) => (vec![], vec![]),
        (1, _) => (vec![0], vec![0]),
        (_, 0) => (
            (0..r - 2).chain([r - 2]).collect(),
            (0..r - 2).chain([r - 1]).collect(),
        ),
        (_, 1) => (
            [1].into_iter().chain(2..r).collect(),
            [0].into_iter().chain(2..r).collect(),
        ),
        _ => (
            [r - 1].into_iter().chain(1..r - 1).collect(),
            [0].into_iter().chain(1..r - 1).collect(),
        ),
    }
}

// ---- seed derivation, from docs/seeds.md ----

fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

const BASE_TAG: u64 = u64::from_be_bytes(*b"vs-seed-");
const INDEX_TAG: u64 = u64::from_be_bytes(*b"vs-index");
const NAME_TAG: u64 = u64::from_be_bytes(*b"vs-names");

fn derive_seed_model(base: u64, index: u64) -> u64 {
    mix64(mix64(base ^ BASE_TAG) ^ mix64(index ^ INDEX_TAG))
}

fn derive_seed_name_model(base: u64, name: &[u8]) -> u64 {
    let mut h = NAME_TAG;
    for chunk in name.chunks(8) {
        let mut w = [0u8; 8];
        w[..chunk.len()].copy_from_slice(chunk);
        h = mix64(h ^ u64::from_le_bytes(w));
    }
    h = mix64(h ^ name.len() as u64);
    mix64(mix64(base ^ BASE_TAG) ^ h)
}

fn seed_of_arg(s: SeedArg) -> u64 {
    match s {
        SeedArg::Raw(s) => s,
        SeedArg::Derived(base, index) => {
            let s = vs_derive_seed(base, index);
            assert_eq!(
                s,
                derive_seed_model(base, index),
                "vs_derive_seed({base}, {index})"
            );
            s
        }
    }
}

// ---- shapes with given fans ----

/// The smallest `k >= 1` with `unit * k >= end`, if `unit * k` is a
/// possible element count.
fn times(unit: u64, end: u64) -> Option<i64> {
    let k = end.div_ceil(unit).max(1);
    unit.checked_mul(k)
        .filter(|&c| c <= i64::MAX as u64)
        .map(|_| k as i64)
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// A shape with fans exactly `(fi, fo)` and at least `end` elements, and
/// the axes of its fan rule (None: the default rule): `[fi, fo]`, else
/// `[g, fi / g, fo / g, k]` with input axes `[0, 1]` and output axes
/// `[0, 2]` (g = gcd(fi, fo)). None when no tensor is large enough.
type ShapeRule = (Vec<i64>, Option<(Vec<i64>, Vec<i64>)>);

fn shape_with_fans(fi: i64, fo: i64, end: u64) -> Option<ShapeRule> {
    if fi <= 0 || fo <= 0 {
        return None;
    }
    if fi.checked_mul(fo).is_some_and(|c| c as u64 >= end) {
        return Some((vec![fi, fo], None));
    }
    let g = gcd(fi, fo);
    let lcm = (fi / g).checked_mul(fo)?;
    let k = times(lcm as u64, end)?;
    Some((vec![g, fi / g, fo / g, k], Some((vec![0, 1], vec![0, 2]))))
}

/// A shape of at least `end` elements whose fans give the same `n` (so
/// the same parameters and values: an element is a function of the seed,
/// the distribution, the factor and its index, docs/algorithm-v2.md),
/// `[d, k]` with one fan `d` and the other `d` or 1 (an empty list).
fn shape_with_n(scale: f64, mode: u32, dist: u32, fi: i64, fo: i64, end: u64) -> Option<ShapeRule> {
    let want = params_model(scale, mode, dist, fi, fo).ok()?;
    let s = i128::from(fi) + i128::from(fo);
    let max = i128::from(i64::MAX);
    let mut cands: Vec<(i128, bool, bool)> = vec![
        // (d, input axis used, output axis used)
        (i128::from(fi.max(1)), true, false),
        (i128::from(fo.max(1)), false, true),
        (1, false, false),
    ];
    if s % 2 == 0 {
        cands.push((s / 2, true, true));
    }
    cands.push((s - 1, true, false));
    let r = (s as f64) as i128;
    if r % 2 == 0 {
        cands.push((r / 2, true, true));
    }
    cands.push((max, true, true));
    for (d, i, o) in cands {
        if !(1..=max).contains(&d) {
            continue;
        }
        let d = d as i64;
        let (a, b) = (if i { d } else { 1 }, if o { d } else { 1 });
        let Ok(e) = params_model(scale, mode, dist, a, b) else {
            continue;
        };
        if e.n.to_bits() != want.n.to_bits() {
            continue;
        }
        let Some(k) = times(d as u64, end) else {
            continue;
        };
        let axis = |used: bool| if used { vec![0] } else { vec![] };
        return Some((vec![d, k], Some((axis(i), axis(o)))));
    }
    None
}

// ---- derived handles ----

/// `vs_with_*` number `which` with a NULL or misaligned `out`.
fn bad_out(h: *const vs_initializer, which: u8, misaligned: bool) {
    let mut backing = [0u64; 2];
    let out = ptr_into::<*mut vs_initializer>(
        &mut backing,
        if misaligned {
            Ptr::Misaligned
        } else {
            Ptr::Null
        },
    );
    let (seed, axes) = (3u64, [0i64]);
    // SAFETY: a NULL or misaligned `out` must be rejected unwritten.
    let st = unsafe {
        match which % 4 {
            0 => vs_with_seed(h, &seed, out),
            1 => vs_with_axes(h, axes.as_ptr(), 1, axes.as_ptr(), 1, out),
            2 => vs_with_layout(h, 1, out),
            _ => vs_with_max_threads(h, 1, out),
        }
    };
    assert_eq!(st, VS_ERR_NULL_ARGUMENT, "{}", last_message());
    check_error_message(st, "vs_with_* with a bad out");
    assert_eq!(backing, [0; 2], "a bad `out` was written");
}

/// Applies one `vs_with_*` to the case's handle, checking the status,
/// `*out`, that `init` is unchanged, and the new handle's info, axes,
/// config, parameters and values against a handle rebuilt from the model.
pub fn apply(mut hd: Handle, d: &Derive, shape: &[i64]) -> Handle {
    let json = config_json(hd.h);
    let info = info_of(hd.h);
    let mut out = sentinel_handle();
    let (mut ib, mut ob) = (Vec::new(), Vec::new());
    let (mut seed, mut axes, mut layout, mut max_threads) =
        (hd.seed, hd.axes.clone(), hd.layout, hd.max_threads);
    // the order of the checks: out, init, the arguments
    let (st, expected, keep) = match *d {
        Derive::Seed {
            seed: s,
            misaligned,
            keep,
        } => {
            let mut seed_b = [s.unwrap_or(0); 2];
            let p: *const u64 = match (s, misaligned) {
                (None, _) => std::ptr::null(),
                (Some(_), false) => seed_b.as_ptr(),
                (Some(_), true) => ptr_into::<u64>(&mut seed_b, Ptr::Misaligned),
            };
            seed = s;
            let e = if s.is_some() && misaligned {
                VS_ERR_NULL_ARGUMENT
            } else {
                VS_OK
            };
            // SAFETY: live handle; `p` NULL, misaligned (rejected) or
            // readable; `out` writable.
            (unsafe { vs_with_seed(hd.h, p, &mut out) }, e, keep)
        }
        Derive::Axes {
            ref input,
            ref output,
            keep,
        } => {
            let (ip, il, ierr, iv) = axes_arg(input, &mut ib);
            let (op, ol, oerr, ov) = axes_arg(output, &mut ob);
            let given = |p: *const i64, l: usize| !p.is_null() || l > 0;
            let e = if let Some(e) = ierr.or(oerr) {
                e
            } else if given(ip, il) != given(op, ol) {
                VS_ERR_INVALID_CONFIG
            } else {
                VS_OK
            };
            axes = iv.zip(ov);
            layout = 0;
            // SAFETY: live handle; the lists are NULL, misaligned
            // (rejected), too long (rejected unread) or have their lengths.
            (
                unsafe { vs_with_axes(hd.h, ip, il, op, ol, &mut out) },
                e,
                keep,
            )
        }
        Derive::Layout { layout: l, keep } => {
            let l = l.value();
            axes = None;
            layout = l;
            let e = if l > 2 { VS_ERR_INVALID_LAYOUT } else { VS_OK };
            // SAFETY: live handle, writable out.
            (unsafe { vs_with_layout(hd.h, l, &mut out) }, e, keep)
        }
        Derive::MaxThreads { n, keep } => {
            max_threads = n.value();
            // SAFETY: live handle, writable out.
            (
                unsafe { vs_with_max_threads(hd.h, max_threads, &mut out) },
                VS_OK,
                keep,
            )
        }
        Derive::BadOut { which, misaligned } => {
            bad_out(hd.h, which, misaligned);
            return hd;
        }
    };
    assert_eq!(st, expected, "{d:?}: {}", last_message());
    assert_eq!(
        info_bytes(&info_of(hd.h)),
        info_bytes(&info),
        "{d:?} changed its init"
    );
    assert_eq!(config_json(hd.h), json, "{d:?} changed its init's config");
    if st != VS_OK {
        check_error_message(st, "vs_with_*");
        assert!(out.is_null(), "{d:?}: *out not NULL on error");
        return hd;
    }
    assert!(!out.is_null() && out != sentinel_handle() && out != hd.h);
    if keep {
        hd.kept.push(Kept {
            h: hd.h,
            json,
            info,
        });
    } else {
        // SAFETY: live handle, not used afterwards (the new one must not
        // depend on it).
        unsafe { vs_destroy(hd.h) };
    }
    hd.h = out;
    (hd.seed, hd.axes, hd.layout, hd.max_threads) = (seed, axes, layout, max_threads);
    if !matches!(d, Derive::Seed { .. }) {
        assert_eq!(seed_of(hd.h), info.seed, "{d:?} changed the seed");
    }
    check_model(&hd);
    rebuild_check(&hd, shape, Ty::F32);
    hd
}

/// Rebuilds the case's handle from the model alone (`vs_create` or
/// `vs_create_with_axes`, then `vs_with_seed` for a drawn seed,
/// `vs_with_layout`, `vs_with_algorithm`, `vs_with_max_threads`), and
/// checks that it has the same config JSON (before the drawn seed is
/// given), `vs_get_info` (but `seeded`), parameters and values.
pub fn rebuild_check(hd: &Handle, shape: &[i64], ty: Ty) {
    let seed_b = hd.seed.unwrap_or(0);
    let seed_p: *const u64 = if hd.seed.is_some() {
        &seed_b
    } else {
        std::ptr::null()
    };
    let first = new_handle("rebuild", |o| {
        // SAFETY: the seed is NULL or readable; the lists have their
        // lengths; `o` writable.
        unsafe {
            match &hd.axes {
                None => vs_create(hd.scale, hd.mode, hd.distribution, seed_p, o),
                Some((i, x)) => vs_create_with_axes(
                    hd.scale,
                    hd.mode,
                    hd.distribution,
                    seed_p,
                    i.as_ptr(),
                    i.len(),
                    x.as_ptr(),
                    x.len(),
                    o,
                ),
            }
        }
    });
    assert_eq!(
        config_json(first),
        config_json(hd.h),
        "the config JSON is not the rebuilt handle's"
    );
    let mut owned = vec![first];
    let mut h = first;
    if hd.seed.is_none() {
        let s = seed_of(hd.h);
        h = new_handle("vs_with_seed", |o| {
            // SAFETY: live handle, readable seed, writable out.
            unsafe { vs_with_seed(h, &s, o) }
        });
        owned.push(h);
    }
    if hd.axes.is_none() && hd.layout != 0 {
        h = with_layout(h, hd.layout);
        owned.push(h);
    }
    if hd.algorithm != 2 {
        h = with_algorithm(h, hd.algorithm).expect("vs_with_algorithm");
        owned.push(h);
    }
    if hd.max_threads != 0 {
        h = with_max_threads(h, hd.max_threads);
        owned.push(h);
    }
    let mut info = info_of(h);
    if hd.seed.is_none() {
        assert_eq!(info.seeded, 1, "vs_with_seed with a seed: unseeded");
        info.seeded = 0;
    }
    assert_eq!(
        info_bytes(&info),
        info_bytes(&info_of(hd.h)),
        "the rebuilt handle's info {info:?} differs"
    );
    let (a, b) = (describe_ex(h, shape), describe_ex(hd.h, shape));
    assert_eq!(
        a.map(|d| desc_bits(&d)),
        b.map(|d| desc_bits(&d)),
        "vs_describe_ex of the rebuilt handle"
    );
    same_values(ty, h, hd.h, shape, "the rebuilt handle");
    destroy(&owned);
}

// ---- operations on the case ----

impl Case<'_> {
    pub fn get_info_op(&self, out: Ptr, size: StructSize) {
        let size = size.value(INFO_SIZE);
        // the order of the checks: init, info, its struct_size
        let expected = sized_out_status(out, size, INFO_SIZE).unwrap_or(VS_OK);
        let (st, b) = call_sized::<vs_info>(out, size, |p| {
            // SAFETY: live handle; `p` NULL, misaligned (rejected) or with
            // `size` writable bytes.
            unsafe { vs_get_info(self.h(), p) }
        });
        assert_eq!(
            st,
            expected,
            "vs_get_info struct_size {size} {out:?}: {}",
            last_message()
        );
        check_sized_out(st, &b, size, INFO_SIZE, "vs_get_info");
        if st == VS_OK {
            let info: vs_info = read_sized(&b);
            assert_eq!(
                info_bytes(&info),
                info_bytes(&model_info(self.hd)),
                "vs_get_info {info:?}"
            );
        }
    }

    pub fn get_axes_op(&self, input: AxesBuf, output: AxesBuf, n_input: Ptr, n_output: Ptr) {
        let (wi, wo) = self.hd.axes.clone().unwrap_or_default();
        const FILL: u64 = 0x5a5a_5a5a_5a5a_5a5a;
        // (backing, pointer, capacity, status predicted for the list)
        let list = |want: &[i64], how: AxesBuf| {
            let len = want.len();
            let cap = match how {
                AxesBuf::Query => 0,
                AxesBuf::Exact | AxesBuf::Misaligned => len,
                AxesBuf::Short(k) => len.saturating_sub(1 + usize::from(k)),
                AxesBuf::Larger(k) => len + 1 + usize::from(k % 8),
                AxesBuf::NullWithCap(k) => usize::from(k).max(1),
            };
            let mut b = vec![FILL; cap + 2 * GUARD];
            // SAFETY: GUARD < b.len(); a byte in stays inside.
            let p: *mut i64 = unsafe {
                match how {
                    AxesBuf::Query | AxesBuf::NullWithCap(_) => std::ptr::null_mut(),
                    AxesBuf::Misaligned => b.as_mut_ptr().add(GUARD).cast::<u8>().add(1).cast(),
                    _ => b.as_mut_ptr().add(GUARD).cast(),
                }
            };
            let e = match how {
                AxesBuf::NullWithCap(_) | AxesBuf::Misaligned => Some(VS_ERR_NULL_ARGUMENT),
                _ if !p.is_null() && cap < len => Some(VS_ERR_BUFFER_SIZE),
                _ => None,
            };
            (b, p, cap, e)
        };
        let (bi, pi, ci, ei) = list(&wi, input);
        let (bo, po, co, eo) = list(&wo, output);
        let (mut ni, mut no) = ([FILL; 2], [FILL; 2]);
        let (pni, pno) = (
            ptr_into::<usize>(&mut ni, n_input),
            ptr_into::<usize>(&mut no, n_output),
        );
        let lengths_set = n_input == Ptr::Valid && n_output == Ptr::Valid;
        let expected = if !lengths_set {
            VS_ERR_NULL_ARGUMENT
        } else {
            ei.or(eo).unwrap_or(VS_OK)
        };
        // SAFETY: live handle; each list is NULL, misaligned (rejected) or
        // has its capacity of writable elements; the lengths are NULL,
        // misaligned (rejected) or writable.
        let st = unsafe { vs_get_axes(self.h(), pi, ci, po, co, pni, pno) };
        assert_eq!(
            st,
            expected,
            "vs_get_axes({input:?}, {output:?}, {n_input:?}, {n_output:?}) of {:?}: {}",
            self.hd.axes,
            last_message()
        );
        if st != VS_OK {
            check_error_message(st, "vs_get_axes");
        }
        if lengths_set {
            assert_eq!(
                (ni[0] as usize, no[0] as usize),
                (wi.len(), wo.len()),
                "vs_get_axes lengths"
            );
            assert_eq!((ni[1], no[1]), (FILL, FILL));
        } else {
            assert_eq!((ni, no), ([FILL; 2], [FILL; 2]), "lengths written on error");
        }
        for (b, p, want) in [(&bi, pi, &wi), (&bo, po, &wo)] {
            let written = st == VS_OK && !p.is_null();
            let n = if written { want.len() } else { 0 };
            assert!(
                b[..GUARD].iter().chain(&b[GUARD + n..]).all(|&v| v == FILL),
                "vs_get_axes wrote outside a list ({st:?})"
            );
            if written {
                let got: Vec<i64> = b[GUARD..GUARD + n].iter().map(|&v| v as i64).collect();
                assert_eq!(&got, want, "vs_get_axes list");
            }
        }
    }

    pub fn describe_ex_op(&self, out: Ptr, size: StructSize, shape: ShapeArg) {
        let size = size.value(DESC_SIZE);
        let mut sb = ShapeBuf::new(self.shape);
        let (sp, nd, shape_err) = sb.arg(self.shape.len(), shape);
        // the order of the checks: out and its struct_size, init, shape
        let expected = if let Some(e) = sized_out_status(out, size, DESC_SIZE) {
            Err(e)
        } else if let Some(e) = shape_err {
            Err(e)
        } else {
            self.expected
        };
        let (st, b) = call_sized::<vs_description>(out, size, |p| {
            // SAFETY: live handle; the shape as in `call`; `p` NULL,
            // misaligned (rejected) or with `size` writable bytes.
            unsafe { vs_describe_ex(self.h(), sp, nd, p) }
        });
        assert_eq!(
            st,
            expected.map(|_| VS_OK).unwrap_or_else(|e| e),
            "vs_describe_ex({:?} {shape:?}, struct_size {size}, {out:?}): {}",
            self.shape,
            last_message()
        );
        check_sized_out(st, &b, size, DESC_SIZE, "vs_describe_ex");
        if st != VS_OK {
            return;
        }
        let d: vs_description = read_sized(&b);
        check_description(&d, &expected.unwrap(), "vs_describe_ex");
        // vs_describe's struct says the same
        let p = self
            .params
            .expect("vs_describe failed where vs_describe_ex did not");
        assert_eq!(
            (
                p.fan_in,
                p.fan_out,
                p.n.to_bits(),
                p.stddev.to_bits(),
                p.limit.to_bits()
            ),
            (
                d.fan_in,
                d.fan_out,
                d.n.to_bits(),
                d.stddev.to_bits(),
                d.limit.to_bits()
            ),
            "vs_describe and vs_describe_ex differ"
        );
        // value_stddev is the stddev of the values
        let v = d.value_stddev;
        if v > 1e-150 && v < 1e150 {
            let near = |x: f64| (x - v).abs() <= v * 1e-15;
            match self.hd.distribution {
                0 => assert!(near(d.stddev * TRUNC_STDDEV), "{d:?}"),
                1 => assert_eq!(v, d.stddev, "{d:?}"),
                _ => assert!(near(d.limit / 3f64.sqrt()), "{d:?}"),
            }
        }
    }

    pub fn describe_fans_op(
        &self,
        cfg: CfgArg,
        fan_in: Fan,
        fan_out: Fan,
        out: Ptr,
        size: StructSize,
    ) {
        let (scale, mode, dist) = cfg.values(self.hd);
        let (fi, fo) = (fan_in.value(), fan_out.value());
        let size = size.value(DESC_SIZE);
        // the order of the checks: out and its struct_size, scale, mode,
        // distribution, fans, the uniform limit
        let expected = if let Some(e) = sized_out_status(out, size, DESC_SIZE) {
            Err(e)
        } else if let Some(e) = config_status(scale, mode, dist) {
            Err(e)
        } else {
            params_model(scale, mode, dist, fi, fo)
        };
        let (st, b) = call_sized::<vs_description>(out, size, |p| {
            // SAFETY: `p` NULL, misaligned (rejected) or with `size`
            // writable bytes.
            unsafe { vs_describe_fans(scale, mode, dist, fi, fo, p) }
        });
        assert_eq!(
            st,
            expected.map(|_| VS_OK).unwrap_or_else(|e| e),
            "vs_describe_fans({scale:?}, {mode}, {dist}, {fi}, {fo}), struct_size {size} {out:?}: {}",
            last_message()
        );
        check_sized_out(st, &b, size, DESC_SIZE, "vs_describe_fans");
        if st != VS_OK {
            return;
        }
        let d: vs_description = read_sized(&b);
        check_description(&d, &expected.unwrap(), "vs_describe_fans");
        // a handle of this config on a shape with these fans: [fi, fo], or
        // [fi, fo, 0] under the axes [0] and [1] when fi * fo overflows
        let h = create_seeded(scale, mode, dist, 1);
        let mut owned = vec![h];
        let (shape, hh) = if fi.checked_mul(fo).is_some() {
            (vec![fi, fo], h)
        } else {
            let a = with_axes(h, &[0], &[1]);
            owned.push(a);
            (vec![fi, fo, 0], a)
        };
        let e = describe_ex(hh, &shape).expect("vs_describe_ex of a shape with these fans");
        assert_eq!(
            desc_bits(&e),
            desc_bits(&d),
            "vs_describe_fans({fi}, {fo}) {d:?} is not vs_describe_ex of {shape:?}: {e:?}"
        );
        destroy(&owned);
    }

    pub fn describe_shape_op(
        &self,
        cfg: CfgArg,
        layout: EnumArg,
        shape: ShapeArg,
        out: Ptr,
        size: StructSize,
    ) {
        let (scale, mode, dist) = cfg.values(self.hd);
        let layout = layout.value();
        let size = size.value(DESC_SIZE);
        let mut sb = ShapeBuf::new(self.shape);
        let (sp, nd, shape_err) = sb.arg(self.shape.len(), shape);
        // the order of the checks: out and its struct_size, scale, mode,
        // distribution, layout, the shape argument, its fans, the limit
        let expected = if let Some(e) = sized_out_status(out, size, DESC_SIZE) {
            Err(e)
        } else if let Some(e) = config_status(scale, mode, dist) {
            Err(e)
        } else if layout > 2 {
            Err(VS_ERR_INVALID_LAYOUT)
        } else if let Some(e) = shape_err {
            Err(e)
        } else {
            layout_fans(self.shape, layout).and_then(|(i, o)| params_model(scale, mode, dist, i, o))
        };
        let (st, b) = call_sized::<vs_description>(out, size, |p| {
            // SAFETY: the shape as in `call`; `p` NULL, misaligned
            // (rejected) or with `size` writable bytes.
            unsafe { vs_describe_shape(scale, mode, dist, sp, nd, layout, p) }
        });
        assert_eq!(
            st,
            expected.map(|_| VS_OK).unwrap_or_else(|e| e),
            "vs_describe_shape({scale:?}, {mode}, {dist}, {:?} {shape:?}, {layout}), struct_size {size} {out:?}: {}",
            self.shape,
            last_message()
        );
        check_sized_out(st, &b, size, DESC_SIZE, "vs_describe_shape");
        let config_ok = out == Ptr::Valid
            && size >= DESC_SIZE as u64
            && config_status(scale, mode, dist).is_none()
            && layout <= 2
            && shape_err.is_none();
        if !config_ok {
            return;
        }
        // a handle of this config with this layout describes the shape alike
        let h = create_seeded(scale, mode, dist, 1);
        let l = with_layout(h, layout);
        let e = describe_ex(l, self.shape);
        destroy(&[h, l]);
        assert_eq!(
            e.map(|d| desc_bits(&d)),
            if st == VS_OK {
                Ok(desc_bits(&read_sized(&b)))
            } else {
                Err(st)
            },
            "vs_describe_shape is not vs_describe_ex of a vs_with_layout handle"
        );
        if st != VS_OK {
            return;
        }
        let d: vs_description = read_sized(&b);
        check_description(&d, &expected.unwrap(), "vs_describe_shape");
        let f = describe_fans(scale, mode, dist, d.fan_in, d.fan_out)
            .expect("vs_describe_fans of the fans vs_describe_shape reported");
        assert_eq!(
            desc_bits(&f),
            desc_bits(&d),
            "vs_describe_shape is not vs_describe_fans"
        );
    }

    pub fn compute_fans_layout_op(
        &self,
        layout: EnumArg,
        shape: ShapeArg,
        fan_in: Ptr,
        fan_out: Ptr,
    ) {
        let layout = layout.value();
        let mut sb = ShapeBuf::new(self.shape);
        let (sp, nd, shape_err) = sb.arg(self.shape.len(), shape);
        // the order of the checks: fan_in, fan_out, the shape argument,
        // layout, the shape's fans
        let expected = if fan_in != Ptr::Valid || fan_out != Ptr::Valid {
            Err(VS_ERR_NULL_ARGUMENT)
        } else if let Some(e) = shape_err {
            Err(e)
        } else if layout > 2 {
            Err(VS_ERR_INVALID_LAYOUT)
        } else {
            layout_fans(self.shape, layout)
        };
        // SAFETY: the outputs are NULL, misaligned (rejected) or writable;
        // the shape as in `call`.
        let got = fans_out("vs_compute_fans_layout", fan_in, fan_out, |pi, po| unsafe {
            vs_compute_fans_layout(sp, nd, layout, pi, po)
        });
        assert_eq!(
            got,
            expected,
            "vs_compute_fans_layout({:?} {shape:?}, {layout}): {}",
            self.shape,
            last_message()
        );
        if fan_in != Ptr::Valid || fan_out != Ptr::Valid || shape_err.is_some() || layout > 2 {
            return;
        }
        // the axes that spell the layout out give the same fans (or status)
        let (i, o) = spelled_axes(layout, self.shape.len());
        let (mut fi, mut fo) = (-7i64, -7i64);
        // SAFETY: the shape and lists have their lengths; writable outputs.
        let st2 = unsafe {
            vs_compute_fans_axes(
                self.shape.as_ptr(),
                self.shape.len(),
                i.as_ptr(),
                i.len(),
                o.as_ptr(),
                o.len(),
                &mut fi,
                &mut fo,
            )
        };
        let got2 = if st2 == VS_OK { Ok((fi, fo)) } else { Err(st2) };
        assert_eq!(
            got2, got,
            "vs_compute_fans_axes({i:?}, {o:?}) is not layout {layout}"
        );
        if layout == 0 {
            let (mut fi, mut fo) = (-7i64, -7i64);
            // SAFETY: as above.
            let st3 =
                unsafe { vs_compute_fans(self.shape.as_ptr(), self.shape.len(), &mut fi, &mut fo) };
            let got3 = if st3 == VS_OK { Ok((fi, fo)) } else { Err(st3) };
            assert_eq!(got3, got, "vs_compute_fans is not layout 0");
        }
    }

    pub fn compute_fans_axes_op(
        &self,
        input: &AxesArg,
        output: &AxesArg,
        shape: ShapeArg,
        fan_in: Ptr,
        fan_out: Ptr,
    ) {
        let (mut ib, mut ob) = (Vec::new(), Vec::new());
        let (ip, il, ierr, iv) = axes_arg(input, &mut ib);
        let (op, ol, oerr, ov) = axes_arg(output, &mut ob);
        let mut sb = ShapeBuf::new(self.shape);
        let (sp, nd, shape_err) = sb.arg(self.shape.len(), shape);
        let given = |p: *const i64, l: usize| !p.is_null() || l > 0;
        // the order of the checks: fan_in, fan_out, the shape argument,
        // input axes, output axes, both or neither, the fans
        let expected = if fan_in != Ptr::Valid || fan_out != Ptr::Valid {
            Err(VS_ERR_NULL_ARGUMENT)
        } else if let Some(e) = shape_err {
            Err(e)
        } else if let Some(e) = ierr.or(oerr) {
            Err(e)
        } else if given(ip, il) != given(op, ol) {
            Err(VS_ERR_INVALID_CONFIG)
        } else {
            match (&iv, &ov) {
                (Some(i), Some(o)) => axes_fans(self.shape, i, o),
                _ => default_fans(self.shape),
            }
        };
        // SAFETY: outputs NULL, misaligned (rejected) or writable; the
        // shape as in `call`; the lists NULL, misaligned, too long
        // (rejected unread) or with their lengths.
        let got = fans_out("vs_compute_fans_axes", fan_in, fan_out, |pi, po| unsafe {
            vs_compute_fans_axes(sp, nd, ip, il, op, ol, pi, po)
        });
        assert_eq!(
            got,
            expected,
            "vs_compute_fans_axes({:?} {shape:?}, {input:?}, {output:?}): {}",
            self.shape,
            last_message()
        );
        // a handle with these axes describes the shape with these fans
        if let (Ok((fi, fo)), Some(i), Some(o)) = (got, iv, ov) {
            let h = with_axes(self.h(), &i, &o);
            let p = describe(h, self.shape);
            // SAFETY: live handle, not used afterwards.
            unsafe { vs_destroy(h) };
            match p {
                Ok(p) => assert_eq!(
                    (p.fan_in, p.fan_out),
                    (fi, fo),
                    "vs_describe of an axes handle"
                ),
                Err(e) => assert_eq!(e, VS_ERR_INVALID_SCALE, "vs_describe of an axes handle"),
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub fn fill_fans_op<T: Elem>(
        &self,
        cfg: CfgArg,
        seed: SeedArg,
        fan_in: Fan,
        fan_out: Fan,
        offset: FansOffset,
        count: u16,
        out: Ptr,
    ) {
        let (scale, mode, dist) = cfg.values(self.hd);
        let seed = seed_of_arg(seed);
        let (fi, fo) = (fan_in.value(), fan_out.value());
        let len = u64::from(count) % (MAX_ELEMS + 1);
        let off = offset.value(len);
        let end = off.checked_add(len).filter(|&e| e <= i64::MAX as u64);
        // the order of the checks: scale, mode, distribution, fans, the
        // uniform limit, offset + count, out
        let params = config_status(scale, mode, dist)
            .map_or_else(|| params_model(scale, mode, dist, fi, fo), Err);
        let expected = match (params, end) {
            (Err(e), _) => e,
            (Ok(_), None) => VS_ERR_BUFFER_SIZE,
            _ if len == 0 || out == Ptr::Valid => VS_OK,
            _ => VS_ERR_NULL_ARGUMENT,
        };
        let len = len as usize;
        let mut buf = Guarded::<T>::new(len, out);
        let ptr = buf.ptr();
        // SAFETY: `ptr` NULL, misaligned (rejected) or with `len` writable
        // elements.
        let st = unsafe { T::fill_fans(scale, mode, dist, seed, fi, fo, off, ptr, len) };
        assert_eq!(
            st,
            expected,
            "vs_fill_fans({scale:?}, {mode}, {dist}, seed {seed}, fans {fi} {fo}, offset {off}, count {len}, {out:?}): {}",
            last_message()
        );
        let Some(body) = buf.checked(st, "vs_fill_fans") else {
            return;
        };
        if out != Ptr::Valid || len == 0 {
            return;
        }
        let got: Vec<u64> = body.iter().map(|x| x.bits()).collect();
        let p = params.unwrap();
        let what = format!(
            "vs_fill_fans({scale:?}, {mode}, {dist}, seed {seed}, fans {fi} {fo}, offset {off}, count {len})"
        );
        // parts at their offsets give the same bits
        let fans = |o: u64, n: usize| -> Vec<u64> {
            let mut v = vec![T::SENTINEL; n];
            // SAFETY: `v` has n writable elements.
            let st = unsafe { T::fill_fans(scale, mode, dist, seed, fi, fo, o, v.as_mut_ptr(), n) };
            assert_eq!(st, VS_OK, "{}", last_message());
            v.iter().map(|x| x.bits()).collect()
        };
        let k = len / 3;
        let mut parts = fans(off, k);
        parts.extend(fans(off + k as u64, len - k));
        assert_eq!(parts, got, "{what}: parts differ from the whole");
        // f16/bf16 are the f32 values rounded (the default algorithm)
        if T::HALF {
            let mut v = vec![0f32; len];
            // SAFETY: `v` has len writable elements.
            let st = unsafe {
                vs_fill_fans_f32(scale, mode, dist, seed, fi, fo, off, v.as_mut_ptr(), len)
            };
            assert_eq!(st, VS_OK);
            for (j, (&g, &x)) in got.iter().zip(&v).enumerate() {
                assert_eq!(
                    g,
                    T::from_f32(x).bits(),
                    "{what}: element {j} is not the f32 value {x} rounded"
                );
            }
        }
        // within the limit (for the narrow types, rounded to the type)
        if dist != 1 {
            let bound = if std::mem::size_of::<T>() == 8 {
                p.limit * (1.0 + 1e-15)
            } else {
                T::from_f64(p.limit * (1.0 + 1.0 / f64::from(1u32 << 22)) + 2f64.powi(-146))
                    .to_f64()
            };
            let vals = body;
            assert!(
                vals.iter().all(|v| v.to_f64().abs() <= bound),
                "{what}: a value beyond the limit {}",
                p.limit
            );
        }
        // a handle with this config on a tensor with these fans (or, when
        // none is large enough, with the same n)
        let (shape, rule, exact) = match shape_with_fans(fi, fo, off + len as u64) {
            Some((s, r)) => (s, r, true),
            None => match shape_with_n(scale, mode, dist, fi, fo, off + len as u64) {
                Some((s, r)) => (s, r, false),
                None => return,
            },
        };
        let h = create_seeded(scale, mode, dist, seed);
        let mut owned = vec![h];
        let hh = match &rule {
            None => h,
            Some((i, o)) => {
                let a = with_axes(h, i, o);
                owned.push(a);
                a
            }
        };
        let want = fill_bits::<T>(hh, &shape, Some(off), len).unwrap_or_else(|e| {
            panic!("{what}: the range fill of {shape:?} ({rule:?}) failed: {e:?}")
        });
        if let Some(j) = (0..len).find(|&j| want[j] != got[j]) {
            panic!(
                "{what}: element {} is {:#x}, the range fill of {shape:?} ({rule:?}) has {:#x}",
                off + j as u64,
                got[j],
                want[j]
            );
        }
        let d = describe_ex(hh, &shape).expect("vs_describe_ex");
        let f = describe_fans(scale, mode, dist, fi, fo).expect("vs_describe_fans");
        if exact {
            assert_eq!(
                desc_bits(&d),
                desc_bits(&f),
                "vs_describe_fans is not vs_describe_ex of {shape:?}"
            );
        } else {
            assert_eq!(
                &desc_bits(&d)[3..],
                &desc_bits(&f)[3..],
                "same n, other parameters"
            );
        }
        destroy(&owned);
    }

    /// `vs_with_layout(h, layout)` against `vs_with_axes(h, the axes that
    /// spell the layout out for the shape's rank)`.
    pub fn layout_vs_axes_op(&self, layout: u8, ty: Ty) {
        let layout = u32::from(layout % 3);
        let (i, o) = spelled_axes(layout, self.shape.len());
        let hl = with_layout(self.h(), layout);
        let ha = with_axes(self.h(), &i, &o);
        let (il, ia) = (info_of(hl), info_of(ha));
        assert_eq!(
            (il.has_axes, il.layout, il.n_input_axes, il.n_output_axes),
            (0, layout, 0, 0),
            "vs_with_layout's info"
        );
        assert_eq!(
            (ia.has_axes, ia.layout, ia.n_input_axes, ia.n_output_axes),
            (1, 0, i.len(), o.len()),
            "vs_with_axes's info"
        );
        let (dl, da) = (describe_ex(hl, self.shape), describe_ex(ha, self.shape));
        assert_eq!(
            dl.map(|d| desc_bits(&d)),
            da.map(|d| desc_bits(&d)),
            "layout {layout} and the axes {i:?} {o:?} describe {:?} differently",
            self.shape
        );
        let e = layout_fans(self.shape, layout).and_then(|(fi, fo)| {
            params_model(self.hd.scale, self.hd.mode, self.hd.distribution, fi, fo)
        });
        match (dl, e) {
            (Ok(d), Ok(e)) => check_description(&d, &e, "vs_describe_ex of a layout handle"),
            (dl, e) => assert_eq!(
                dl.map(|_| ()),
                e.map(|_| ()),
                "vs_describe_ex of a layout handle"
            ),
        }
        same_values(ty, hl, ha, self.shape, "layout and its axes");
        destroy(&[hl, ha]);
    }

    /// `vs_with_max_threads` changes the thread cap and nothing else; its
    /// fills (large ones, split over threads, when `big`) give the same
    /// bits.
    pub fn with_max_threads_op(&self, n: Threads, ty: Ty, big: u16) {
        let n = n.value();
        let h = with_max_threads(self.h(), n);
        let mut info = info_of(h);
        assert_eq!(info.max_threads, n, "vs_with_max_threads's info");
        info.max_threads = self.hd.max_threads;
        assert_eq!(
            info_bytes(&info),
            info_bytes(&info_of(self.h())),
            "vs_with_max_threads changed more than the cap"
        );
        same_values(ty, h, self.h(), self.shape, "vs_with_max_threads");
        if big.is_multiple_of(16) {
            // 2 x 131072 elements or more: split over the threads the caps
            // allow (none for a cap of 1)
            let shape = [1i64 << 20];
            if self.hd.expected(&shape).is_ok() {
                let len = 2 * 131_072 + usize::from(big) % 4096;
                let off = u64::from(big) * 7 % ((1 << 20) - len as u64);
                let (a, b) = (
                    fill_bits_ty(ty, h, &shape, Some(off), len),
                    fill_bits_ty(ty, self.h(), &shape, Some(off), len),
                );
                assert!(a.is_ok(), "{a:?}");
                assert!(a == b, "vs_with_max_threads({n}): a large fill differs");
            }
        }
        destroy(&[h]);
    }
}

/// `vs_derive_seed` against docs/seeds.md (and its golden values).
pub fn derive_seed_op(base: u64, index: u64) {
    for (b, i, want) in [
        (0, 0, 0xbb21_6237_6d7c_3497),
        (1, 0, 0x9b44_c154_6545_03c9),
        (1, 1, 0x954d_78b5_b445_5f01),
        (2, 0, 0xcdd5_0bb7_fcf2_cc9c),
    ] {
        assert_eq!(
            derive_seed_model(b, i),
            want,
            "the model is not docs/seeds.md"
        );
    }
    assert_eq!(derive_seed_name_model(0, b""), 0x2ee1_b74b_47ce_a43b);
    assert_eq!(
        derive_seed_name_model(42, b"conv1.weight"),
        0xfec0_122b_2b11_3a4c
    );
    for (b, i) in [
        (base, index),
        (base, index.wrapping_add(1)),
        (base.wrapping_add(1), index),
    ] {
        assert_eq!(
            vs_derive_seed(b, i),
            derive_seed_model(b, i),
            "vs_derive_seed({b}, {i})"
        );
    }
}

/// `vs_derive_seed_name` against docs/seeds.md: the bytes before the
/// first NUL, or NULL (the empty name).
pub fn derive_seed_name_op(base: u64, name: &[u8], null: bool) {
    let bytes: Vec<u8> = name.iter().copied().take_while(|&c| c != 0).collect();
    let c = std::ffi::CString::new(bytes.clone()).expect("no NUL");
    // SAFETY: NUL-terminated string.
    let got = unsafe { vs_derive_seed_name(base, c.as_ptr()) };
    assert_eq!(
        got,
        derive_seed_name_model(base, &bytes),
        "vs_derive_seed_name({base}, {bytes:?})"
    );
    if null {
        // SAFETY: NULL is the empty name.
        let got = unsafe { vs_derive_seed_name(base, std::ptr::null()) };
        assert_eq!(
            got,
            derive_seed_name_model(base, b""),
            "vs_derive_seed_name({base}, NULL)"
        );
    }
}
