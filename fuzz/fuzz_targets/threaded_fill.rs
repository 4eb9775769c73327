//! Fuzz target: range fills large enough to be split over threads, at
//! fuzzer-chosen shapes, offsets, lengths, element types and thread caps.
//!
//! The library splits a fill of at least 2 x 131072 elements over up to
//! `vs_set_max_threads` threads on block boundaries. Whatever the split,
//! the result must equal the single-threaded fill bit for bit, write
//! nothing outside its range, and round from the f64 values as the header
//! says.

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use variance_scaling::c_api::*;

mod common;
use common::*;

/// The smallest fill the library splits.
const SPLIT: u64 = 2 * 131_072;
const GUARD: usize = 4;

#[derive(Arbitrary, Debug)]
struct Input {
    seed: u64,
    distribution: u8,
    scale: u8,
    dims: Vec<u32>,
    ty: Ty,
    offset: u64,
    /// Elements beyond `SPLIT`.
    extra: u16,
    threads: u8,
}

/// A range fill of `len` elements at `offset` with guards; the elements.
fn range<T: Elem>(h: *const vs_initializer, shape: &[i64], offset: u64, len: usize) -> Vec<T> {
    let mut buf = vec![T::SENTINEL; len + 2 * GUARD];
    // SAFETY: live handle; `buf` has len writable elements after GUARD.
    let st = unsafe {
        T::range(
            h,
            shape.as_ptr(),
            shape.len(),
            offset,
            buf.as_mut_ptr().add(GUARD),
            len,
        )
    };
    assert_eq!(
        st,
        vs_status::VS_OK,
        "{shape:?} @ {offset}: {}",
        last_message()
    );
    let (head, rest) = buf.split_at(GUARD);
    let (body, tail) = rest.split_at(len);
    assert!(
        head.iter().chain(tail).all(|&v| v == T::SENTINEL),
        "guard overwritten"
    );
    body.to_vec()
}

fn run<T: Elem>(h: *const vs_initializer, shape: &[i64], offset: u64, len: usize, cap: u32) {
    assert_eq!(vs_set_max_threads(cap), vs_status::VS_OK);
    let split = range::<T>(h, shape, offset, len);
    assert_eq!(vs_set_max_threads(1), vs_status::VS_OK);
    let single = range::<T>(h, shape, offset, len);
    assert_eq!(vs_set_max_threads(0), vs_status::VS_OK);
    if let Some(k) = split.iter().zip(&single).position(|(a, b)| a != b) {
        panic!(
            "cap {cap}: element {k} of the range at {offset} differs from the single-threaded fill"
        );
    }
    // around the middle, where a two-thread split cuts
    for k in [0, len / 2 - 1, len / 2, len / 2 + 1, len - 1] {
        let x = range::<f64>(h, shape, offset + k as u64, 1)[0];
        assert!(x.is_finite());
        assert_eq!(split[k], T::from_f64(x), "element {k}");
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

    let len = (SPLIT + u64::from(input.extra)) as usize;
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
    // 0 (all cores) or 2 to 4: always a split
    let cap = [0, 2, 3, 4][usize::from(input.threads % 4)];
    match input.ty {
        Ty::F32 => run::<f32>(h, &shape, offset, len, cap),
        Ty::F64 => run::<f64>(h, &shape, offset, len, cap),
        Ty::F16 => run::<F16>(h, &shape, offset, len, cap),
        Ty::Bf16 => run::<Bf16>(h, &shape, offset, len, cap),
    }
    // SAFETY: live handle, not used afterwards.
    unsafe { vs_destroy(h) };
});
