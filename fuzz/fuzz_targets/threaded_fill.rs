//! Fuzz target: range fills and slice fills large enough to be split over
//! threads, for both algorithms (the default `splitmix64-ctr-v2` and
//! `pcg64-block-v1` through `vs_with_algorithm`), at fuzzer-chosen shapes,
//! offsets, boxes, lengths, element types and thread caps.
//!
//! The library splits a fill of at least 2 x 131072 elements over up to
//! `vs_set_max_threads` threads (range fills on block boundaries of the
//! tensor, slice fills on block boundaries of the box). Whatever the
//! split, the result must equal the single-threaded fill bit for bit and
//! write nothing outside its buffer; around the split points and the ends,
//! elements must equal one-element range fills, and relate to the other
//! types as the algorithm says (v1: rounded from the f64 values; v2:
//! f16/bf16 rounded from the f32 values). Some v2 ranges are of 8 MiB or
//! more: written with streaming stores, from every thread.

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use variance_scaling::c_api::*;

#[macro_use]
mod common;
use common::*;

/// The smallest fill the library splits.
const SPLIT: u64 = 2 * 131_072;
/// The size of a "big" range fill (bytes): large enough for every thread
/// to stream its part when the kernels are given streaming stores (the
/// library streams uniform fills from `engine::NT_MIN_BYTES` on; the
/// `dispatch` target checks both store kinds at every size).
const NT_MIN_BYTES: u64 = 8 << 20;
const GUARD: usize = 4;

#[derive(Arbitrary, Debug)]
enum Kind {
    /// A range fill; of at least 8 MiB when `big % 8 == 7` and the
    /// algorithm is v2 (v1 has no streaming stores).
    Range { big: u8 },
    /// A slice fill of a box of rank 1 to 4.
    Slice {
        /// Per dimension: the gap before the box (dimension 0: any u32,
        /// the others: below 4).
        lead: u32,
        pads: [u8; 4],
        /// Where the box starts inside the room left by the pads.
        starts: [u16; 4],
    },
}

#[derive(Arbitrary, Debug)]
struct Input {
    seed: u64,
    distribution: u8,
    scale: u8,
    /// `pcg64-block-v1` instead of the default.
    v1: bool,
    dims: Vec<u32>,
    ty: Ty,
    offset: u64,
    /// Elements beyond `SPLIT` (or beyond 8 MiB).
    extra: u16,
    threads: u8,
    kind: Kind,
}

/// A buffer of `len` elements between guards.
struct Guarded<T: Elem> {
    buf: Vec<T>,
    len: usize,
}

impl<T: Elem> Guarded<T> {
    fn new(len: usize) -> Self {
        Guarded {
            buf: vec![T::SENTINEL; len + 2 * GUARD],
            len,
        }
    }
    fn ptr(&mut self) -> *mut T {
        // SAFETY: GUARD < buf.len().
        unsafe { self.buf.as_mut_ptr().add(GUARD) }
    }
    /// Checks the guards; the elements.
    fn body(self) -> Vec<T> {
        let (head, rest) = self.buf.split_at(GUARD);
        let (body, tail) = rest.split_at(self.len);
        assert!(
            head.iter()
                .chain(tail)
                .all(|v| v.bits() == T::SENTINEL.bits()),
            "guard overwritten"
        );
        body.to_vec()
    }
}

/// A range fill of `len` elements at `offset`; the elements.
fn range<T: Elem>(h: *const vs_initializer, shape: &[i64], offset: u64, len: usize) -> Vec<T> {
    let mut g = Guarded::<T>::new(len);
    // SAFETY: live handle; `g` has len writable elements at g.ptr().
    let st = unsafe { T::range(h, shape.as_ptr(), shape.len(), offset, g.ptr(), len) };
    assert_eq!(
        st,
        vs_status::VS_OK,
        "{shape:?} @ {offset}: {}",
        last_message()
    );
    g.body()
}

/// A slice fill of the box `[start, start + extent)`; the elements.
fn slice<T: Elem>(
    h: *const vs_initializer,
    shape: &[i64],
    start: &[i64],
    extent: &[i64],
    len: usize,
) -> Vec<T> {
    let mut g = Guarded::<T>::new(len);
    // SAFETY: live handle; shape, start and extent have shape.len()
    // elements; `g` has len writable elements at g.ptr().
    let st = unsafe {
        T::slice(
            h,
            shape.as_ptr(),
            shape.len(),
            start.as_ptr(),
            extent.as_ptr(),
            g.ptr(),
            len,
        )
    };
    assert_eq!(
        st,
        vs_status::VS_OK,
        "{shape:?} box {start:?} + {extent:?}: {}",
        last_message()
    );
    g.body()
}

/// Checks element `flat` of the tensor, `got`, against a one-element range
/// fill of it and the other types as the algorithm relates them.
fn check_element<T: Elem>(h: *const vs_initializer, shape: &[i64], v1: bool, flat: u64, got: T) {
    let same = range::<T>(h, shape, flat, 1)[0];
    assert_eq!(
        got.bits(),
        same.bits(),
        "element {flat}: {got:?} vs {same:?}"
    );
    if v1 {
        let x = range::<f64>(h, shape, flat, 1)[0];
        assert!(x.is_finite());
        assert_eq!(got.bits(), T::from_f64(x).bits(), "v1 element {flat}");
    } else if T::HALF {
        let y = range::<f32>(h, shape, flat, 1)[0];
        assert_eq!(got.bits(), T::from_f32(y).bits(), "v2 element {flat}");
    }
}

/// Positions worth a look in a split output of `len`: the ends and both
/// sides of where 2, 3 and 4 threads cut (the library rounds the cuts up to
/// a multiple of 1024 from `base`).
fn probes(len: usize, base: u64) -> Vec<usize> {
    let mut v = vec![0, len - 1];
    for t in 2..=4usize {
        for k in 1..t {
            let cut = len * k / t;
            let aligned = ((base + cut as u64).div_ceil(1024) * 1024 - base) as usize;
            for p in [cut, aligned] {
                v.extend([p.saturating_sub(1), p, p + 1]);
            }
        }
    }
    v.retain(|&p| p < len);
    v.sort_unstable();
    v.dedup();
    v
}

fn first_difference<T: Elem>(a: &[T], b: &[T]) -> Option<usize> {
    a.iter().zip(b).position(|(x, y)| x.bits() != y.bits())
}

fn run_range<T: Elem>(h: *const vs_initializer, input: &Input, big: bool, cap: u32) {
    let len = if big {
        NT_MIN_BYTES / std::mem::size_of::<T>() as u64
    } else {
        SPLIT
    } + u64::from(input.extra);
    let len = len as usize;
    // a shape of up to rank 4 with dimensions below 2^15 (a count below
    // 2^60), or a vector just long enough
    let mut shape: Vec<i64> = input
        .dims
        .iter()
        .take(4)
        .map(|&d| i64::from(d % 32768) + 1)
        .collect();
    let count: u64 = shape.iter().map(|&d| d as u64).product();
    if count < len as u64 {
        shape = vec![(len as u64 + input.offset % 4096) as i64];
    }
    let count: u64 = shape.iter().map(|&d| d as u64).product();
    let offset = input.offset % (count - len as u64 + 1);

    assert_eq!(vs_set_max_threads(cap), vs_status::VS_OK);
    let split = range::<T>(h, &shape, offset, len);
    assert_eq!(vs_set_max_threads(1), vs_status::VS_OK);
    let single = range::<T>(h, &shape, offset, len);
    assert_eq!(vs_set_max_threads(0), vs_status::VS_OK);
    if let Some(k) = first_difference(&split, &single) {
        panic!(
            "cap {cap}: element {k} of the range at {offset} differs from the single-threaded fill"
        );
    }
    for k in probes(len, offset) {
        check_element(h, &shape, input.v1, offset + k as u64, split[k]);
    }
}

fn run_slice<T: Elem>(
    h: *const vs_initializer,
    input: &Input,
    lead: u32,
    pads: [u8; 4],
    starts: [u16; 4],
    cap: u32,
) {
    let len = SPLIT + u64::from(input.extra);
    let rank = input.dims.len().clamp(1, 4);
    let dim = |i: usize| u64::from(input.dims.get(i).copied().unwrap_or(0));
    // extents: dimension 0 makes the box long enough; the last (when not
    // 0) has rows of 64 to 1087 elements (a v1 slice costs up to one block
    // of draws per row); the others 1 to 16
    let mut extent = vec![0u64; rank];
    for (i, e) in extent.iter_mut().enumerate().skip(1) {
        *e = if i == rank - 1 {
            64 + dim(i) % 1024
        } else {
            1 + dim(i) % 16
        };
    }
    let inner: u64 = extent[1..].iter().product();
    extent[0] = len.div_ceil(inner);
    let size = extent[0] * inner;
    // the tensor: each box dimension with room around it
    let mut shape = vec![0u64; rank];
    let mut start = vec![0u64; rank];
    for i in 0..rank {
        let room = if i == 0 {
            u64::from(lead)
        } else {
            u64::from(pads[i] % 4)
        };
        shape[i] = extent[i] + room;
        start[i] = u64::from(starts[i]) % (room + 1);
    }
    let as_i64 = |v: &[u64]| v.iter().map(|&x| x as i64).collect::<Vec<i64>>();
    let (shape, start, extent) = (as_i64(&shape), as_i64(&start), as_i64(&extent));
    let len = size as usize;

    assert_eq!(vs_set_max_threads(cap), vs_status::VS_OK);
    let split = slice::<T>(h, &shape, &start, &extent, len);
    assert_eq!(vs_set_max_threads(1), vs_status::VS_OK);
    let single = slice::<T>(h, &shape, &start, &extent, len);
    assert_eq!(vs_set_max_threads(0), vs_status::VS_OK);
    if let Some(k) = first_difference(&split, &single) {
        panic!(
            "cap {cap}: element {k} of the box {start:?} + {extent:?} of {shape:?} differs from the single-threaded fill"
        );
    }
    // the flat index of box position p
    let flat = |mut p: u64| -> u64 {
        let (mut f, mut stride) = (0u64, 1u64);
        for i in (0..rank).rev() {
            let e = extent[i] as u64;
            f += (start[i] as u64 + p % e) * stride;
            p /= e;
            stride *= shape[i] as u64;
        }
        f
    };
    for k in probes(len, 0) {
        check_element(h, &shape, input.v1, flat(k as u64), split[k]);
    }
    // one whole row around the middle, against a range fill
    let row = extent[rank - 1] as usize;
    let r = len / 2 / row * row;
    let want = range::<T>(h, &shape, flat(r as u64), row);
    if let Some(k) = first_difference(&split[r..r + row], &want) {
        panic!("box row at position {r}: element {k} differs from the range fill");
    }
}

fn run<T: Elem>(h: *const vs_initializer, input: &Input, cap: u32) {
    match input.kind {
        Kind::Range { big } => run_range::<T>(h, input, !input.v1 && big % 8 == 7, cap),
        Kind::Slice { lead, pads, starts } => run_slice::<T>(h, input, lead, pads, starts, cap),
    }
}

fuzz_target!(|input: Input| {
    assert!(
        std::thread::available_parallelism().is_ok_and(|n| n.get() >= 2),
        "threaded_fill needs at least 2 cores: on one, the library never splits a fill"
    );
    let scale = f64::from(input.scale.max(1)) / 16.0;
    let dist = u32::from(input.distribution % 3);
    let mut h: *mut vs_initializer = std::ptr::null_mut();
    // SAFETY: valid pointers to locals.
    let st = unsafe { vs_create(scale, 0, dist, &input.seed, &mut h) };
    assert_eq!(st, vs_status::VS_OK);
    if input.v1 {
        let h1 = with_algorithm(h, 1).expect("algorithm 1");
        // SAFETY: live handle, not used afterwards.
        unsafe { vs_destroy(h) };
        h = h1;
    }
    assert_eq!(algorithm_of(h), if input.v1 { 1 } else { 2 });

    // 0 (all cores) or 2 to 4: always a split
    let cap = [0, 2, 3, 4][usize::from(input.threads % 4)];
    with_elem!(input.ty, T => run::<T>(h, &input, cap));
    // SAFETY: live handle, not used afterwards.
    unsafe { vs_destroy(h) };
});
