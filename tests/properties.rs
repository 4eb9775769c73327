//! Property-based tests (proptest) over random shapes, seeds, scales,
//! modes, distributions, axes, offsets and counts:
//!
//! * for both algorithms, a range fill equals the same slice of the whole
//!   fill (all 4 types), and a slice fill (an N-d box) equals the box's
//!   elements of the whole fill;
//! * v1: f32 is the f64 value rounded, f16/bf16 the f32 value rounded;
//!   v2: f16/bf16 are the f32 value rounded (f64 is its own stream);
//! * `Config::from_json(&c.to_json()) == c`, with the same f64 bits;
//! * every error leaves the output untouched, and `describe`, `check` and
//!   the fills agree on the error;
//! * `Config::from_json` never panics, whatever the text.
//!
//! Reproducible: proptest is built without `std` (its `std` feature would
//! turn on `num-traits/std` for the library too, see scripts/test.sh), so
//! its generator is always the fixed-seed one and no environment variable
//! or persistence file changes the cases; the config below says so too.

use std::panic::{AssertUnwindSafe, catch_unwind};

use half::{bf16, f16};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config as ProptestConfig, RngAlgorithm, RngSeed};
use variance_scaling::{
    Algorithm, Axes, Config, Distribution, Element, Error, ErrorKind, Initializer, Mode,
};

/// Largest element count of a generated shape (a few blocks of 1024).
const MAX_ELEMENTS: i64 = 3000;

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed: RngSeed::Fixed(0x7661_7269_616e_6365),
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------
// strategies

/// Rank 0..=5, dims 0..=40, cut so that the element count stays at most
/// `MAX_ELEMENTS` (a dim after a 0 is left as drawn: the count is 0).
fn shape() -> impl Strategy<Value = Vec<i64>> {
    vec(0i64..=40, 0..=5).prop_map(|dims| {
        let mut count = 1i64;
        dims.into_iter()
            .map(|d| {
                let d = if count == 0 {
                    d
                } else {
                    d.min(MAX_ELEMENTS / count)
                };
                count *= d;
                d
            })
            .collect()
    })
}

/// Positive finite scales: ordinary ones, every exponent (subnormals
/// included), and the extremes.
fn scale() -> impl Strategy<Value = f64> {
    prop_oneof![
        3 => 1e-3f64..1e3,
        3 => (prop::num::f64::POSITIVE | prop::num::f64::NORMAL | prop::num::f64::SUBNORMAL)
            .prop_filter("finite > 0", |s| s.is_finite() && *s > 0.0),
        1 => select(vec![
            f64::MIN_POSITIVE,
            f64::from_bits(1),
            f64::MAX,
            f64::MAX / 3.0,
            f64::MAX / 2.0,
            1.0,
            2.0,
        ]),
    ]
}

fn mode() -> impl Strategy<Value = Mode> {
    select(Mode::ALL.to_vec())
}

fn distribution() -> impl Strategy<Value = Distribution> {
    select(Distribution::ALL.to_vec())
}

/// Valid axes for a shape of rank `rank` (negative ones included), or none.
fn axes_for(rank: usize) -> BoxedStrategy<Option<Axes>> {
    if rank == 0 {
        return prop_oneof![
            Just(None),
            Just(Some(Axes {
                input: vec![],
                output: vec![]
            }))
        ]
        .boxed();
    }
    let r = rank as i64;
    let list = vec(-r..r, 0..=3);
    proptest::option::of((list.clone(), list).prop_map(|(input, output)| Axes { input, output }))
        .boxed()
}

/// A seeded config and a shape its axes (if any) fit.
fn case() -> impl Strategy<Value = (Config, Vec<i64>)> {
    shape().prop_flat_map(|s| {
        (
            scale(),
            mode(),
            distribution(),
            any::<u64>(),
            axes_for(s.len()),
            Just(s),
        )
            .prop_map(|(scale, m, d, seed, axes, s)| {
                (Config::new(scale, m, d, Some(seed), axes).unwrap(), s)
            })
    })
}

fn algorithm() -> impl Strategy<Value = Algorithm> {
    select(Algorithm::ALL.to_vec())
}

/// A box of `shape` from raw numbers: each dimension's start and extent
/// inside it.
fn box_in(shape: &[i64], raw: &[(u64, u64)]) -> (Vec<i64>, Vec<i64>) {
    shape
        .iter()
        .zip(raw.iter().cycle())
        .map(|(&d, &(a, b))| {
            let start = (a % (d as u64 + 1)) as i64;
            let extent = (b % ((d - start) as u64 + 1)) as i64;
            (start, extent)
        })
        .unzip()
}

fn count(shape: &[i64]) -> usize {
    shape.iter().product::<i64>() as usize
}

/// `(offset, len)` inside `0..total` from two raw numbers.
fn range_in(total: usize, a: u64, b: u64) -> (usize, usize) {
    let off = (a % (total as u64 + 1)) as usize;
    let len = (b % ((total - off) as u64 + 1)) as usize;
    (off, len)
}

// ---------------------------------------------------------------------------
// element types

trait Elem: Element + std::fmt::Debug {
    const NAME: &'static str;
    fn bits(self) -> u64;
    /// A value no fill produces (a NaN with a payload).
    fn sentinel() -> Self;
}

impl Elem for f64 {
    const NAME: &'static str = "f64";
    fn bits(self) -> u64 {
        self.to_bits()
    }
    fn sentinel() -> Self {
        f64::from_bits(0x7ff8_dead_beef_0001)
    }
}

impl Elem for f32 {
    const NAME: &'static str = "f32";
    fn bits(self) -> u64 {
        u64::from(self.to_bits())
    }
    fn sentinel() -> Self {
        f32::from_bits(0x7fc0_beef)
    }
}

impl Elem for f16 {
    const NAME: &'static str = "f16";
    fn bits(self) -> u64 {
        u64::from(self.to_bits())
    }
    fn sentinel() -> Self {
        f16::from_bits(0x7e5a)
    }
}

impl Elem for bf16 {
    const NAME: &'static str = "bf16";
    fn bits(self) -> u64 {
        u64::from(self.to_bits())
    }
    fn sentinel() -> Self {
        bf16::from_bits(0x7fa5)
    }
}

fn bits<T: Elem>(v: &[T]) -> Vec<u64> {
    v.iter().map(|x| x.bits()).collect()
}

/// The whole tensor, or the error.
fn whole<T: Elem>(init: &Initializer, shape: &[i64]) -> Result<Vec<T>, Error> {
    let mut out = vec![T::sentinel(); count(shape)];
    init.fill(shape, &mut out).map(|()| out)
}

/// Range `[off, off + len)` equals the slice of the whole fill, bitwise;
/// both fail alike when the shape cannot be filled.
fn range_matches<T: Elem>(
    init: &Initializer,
    shape: &[i64],
    off: usize,
    len: usize,
) -> Result<(), TestCaseError> {
    let mut part = vec![T::sentinel(); len];
    let got = init.fill_range(shape, off as u64, &mut part);
    match whole::<T>(init, shape) {
        Ok(all) => {
            prop_assert!(got.is_ok(), "{}: range fill failed: {:?}", T::NAME, got);
            prop_assert_eq!(
                bits(&part),
                bits(&all[off..off + len]),
                "{}: range [{}, {}) of {:?}",
                T::NAME,
                off,
                off + len,
                shape
            );
        }
        Err(e) => {
            prop_assert_eq!(got, Err(e), "{}: whole and range disagree", T::NAME);
            prop_assert_eq!(bits(&part), bits(&vec![T::sentinel(); len]));
        }
    }
    Ok(())
}

/// The box `[start, start + extent)` equals those elements of the whole
/// fill, in row-major order of the box; both fail alike when the shape
/// cannot be filled.
fn box_matches<T: Elem>(
    init: &Initializer,
    shape: &[i64],
    start: &[i64],
    extent: &[i64],
) -> Result<(), TestCaseError> {
    let n = count(extent);
    let mut part = vec![T::sentinel(); n];
    let got = init.fill_slice(shape, start, extent, &mut part);
    match whole::<T>(init, shape) {
        Ok(all) => {
            prop_assert!(got.is_ok(), "{}: slice fill failed: {:?}", T::NAME, got);
            // the box's elements, by row-major multi-index
            let mut want = Vec::with_capacity(n);
            let mut idx = vec![0i64; shape.len()];
            for _ in 0..n {
                let flat = idx
                    .iter()
                    .zip(start)
                    .zip(shape)
                    .fold(0i64, |acc, ((&i, &s), &d)| acc * d + s + i);
                want.push(all[flat as usize]);
                for k in (0..idx.len()).rev() {
                    idx[k] += 1;
                    if idx[k] < extent[k] {
                        break;
                    }
                    idx[k] = 0;
                }
            }
            prop_assert_eq!(
                bits(&part),
                bits(&want),
                "{}: box {:?}+{:?} of {:?}",
                T::NAME,
                start,
                extent,
                shape
            );
        }
        Err(e) => {
            prop_assert_eq!(got, Err(e), "{}: whole and slice disagree", T::NAME);
            prop_assert_eq!(bits(&part), bits(&vec![T::sentinel(); n]));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// fills

proptest! {
    #![proptest_config(config(1500))]

    #[test]
    fn range_fill_is_the_slice_of_the_whole_fill(
        (c, shape) in case(),
        alg in algorithm(),
        a in any::<u64>(),
        b in any::<u64>(),
    ) {
        let init = Initializer::new(c).unwrap().with_algorithm(alg);
        let (off, len) = range_in(count(&shape), a, b);
        range_matches::<f64>(&init, &shape, off, len)?;
        range_matches::<f32>(&init, &shape, off, len)?;
        range_matches::<f16>(&init, &shape, off, len)?;
        range_matches::<bf16>(&init, &shape, off, len)?;
    }

    #[test]
    fn slice_fill_is_the_box_of_the_whole_fill(
        (c, shape) in case(),
        alg in algorithm(),
        raw in vec((any::<u64>(), any::<u64>()), 1..=5),
    ) {
        let init = Initializer::new(c).unwrap().with_algorithm(alg);
        let (start, extent) = box_in(&shape, &raw);
        box_matches::<f64>(&init, &shape, &start, &extent)?;
        box_matches::<f32>(&init, &shape, &start, &extent)?;
        box_matches::<f16>(&init, &shape, &start, &extent)?;
        box_matches::<bf16>(&init, &shape, &start, &extent)?;
    }

    #[test]
    fn v2_half_types_are_the_f32_values_rounded(
        (c, shape) in case(),
    ) {
        let init = Initializer::new(c).unwrap();
        prop_assert_eq!(init.algorithm(), Algorithm::Splitmix64CtrV2);
        let w32 = whole::<f32>(&init, &shape);
        let (w16, wb16) = (whole::<f16>(&init, &shape), whole::<bf16>(&init, &shape));
        let Ok(w32) = w32 else {
            let e = w32.unwrap_err();
            prop_assert_eq!(w16.unwrap_err(), e.clone());
            prop_assert_eq!(wb16.unwrap_err(), e);
            return Ok(());
        };
        let (w16, wb16) = (w16.unwrap(), wb16.unwrap());
        for (i, &f) in w32.iter().enumerate() {
            prop_assert_eq!(w16[i].to_bits(), f16::from_f32(f).to_bits(), "f16[{}] of {}", i, f);
            prop_assert_eq!(wb16[i].to_bits(), bf16::from_f32(f).to_bits(), "bf16[{}] of {}", i, f);
        }
    }

    #[test]
    fn v1_narrow_types_are_the_wide_values_rounded(
        (c, shape) in case(),
        a in any::<u64>(),
        b in any::<u64>(),
    ) {
        let init = Initializer::new(c).unwrap().with_algorithm(Algorithm::Pcg64BlockV1);
        let wide = whole::<f64>(&init, &shape);
        let (w32, w16, wb16) = (
            whole::<f32>(&init, &shape),
            whole::<f16>(&init, &shape),
            whole::<bf16>(&init, &shape),
        );
        let Ok(wide) = wide else {
            let e = wide.unwrap_err();
            prop_assert_eq!(w32.unwrap_err(), e.clone());
            prop_assert_eq!(w16.unwrap_err(), e.clone());
            prop_assert_eq!(wb16.unwrap_err(), e);
            return Ok(());
        };
        let (w32, w16, wb16) = (w32.unwrap(), w16.unwrap(), wb16.unwrap());
        for (i, &x) in wide.iter().enumerate() {
            let f = x as f32;
            prop_assert_eq!(w32[i].to_bits(), f.to_bits(), "f32[{}] of {}", i, x);
            prop_assert_eq!(w16[i].to_bits(), f16::from_f32(w32[i]).to_bits(), "f16[{}] of {}", i, x);
            prop_assert_eq!(wb16[i].to_bits(), bf16::from_f32(w32[i]).to_bits(), "bf16[{}] of {}", i, x);
        }
        // the same holds for a range on its own
        let (off, len) = range_in(wide.len(), a, b);
        let mut r32 = vec![0f32; len];
        let mut r16 = vec![f16::ZERO; len];
        let mut rb16 = vec![bf16::ZERO; len];
        init.fill_range(&shape, off as u64, &mut r32).unwrap();
        init.fill_range(&shape, off as u64, &mut r16).unwrap();
        init.fill_range(&shape, off as u64, &mut rb16).unwrap();
        for i in 0..len {
            let f = wide[off + i] as f32;
            prop_assert_eq!(r32[i].to_bits(), f.to_bits());
            prop_assert_eq!(r16[i].to_bits(), f16::from_f32(f).to_bits());
            prop_assert_eq!(rb16[i].to_bits(), bf16::from_f32(f).to_bits());
        }
    }
}

/// `x` near the midpoint of two neighbouring narrow values (`decode(h)`
/// and the next one up), a few f64 ulps off: where rounding f64 straight
/// to the narrow type and rounding through f32 can differ.
fn near_tie(decode: fn(u16) -> f64, max_finite: u16) -> impl Strategy<Value = f64> {
    (0..max_finite, -(1i64 << 32)..=(1i64 << 32), any::<bool>()).prop_map(move |(h, k, neg)| {
        let mid = (decode(h) + decode(h + 1)) / 2.0;
        let x = f64::from_bits((mid.to_bits() as i64 + k) as u64);
        if neg { -x } else { x }
    })
}

proptest! {
    #![proptest_config(config(3000))]

    #[test]
    fn element_conversion_rounds_through_f32(
        x in prop_oneof![
            near_tie(|h| f64::from(f16::from_bits(h)), 0x7bff),
            near_tie(|h| f64::from(bf16::from_bits(h)), 0x7f7f),
            any::<f64>(),
        ]
    ) {
        let f = x as f32;
        prop_assert_eq!(<f32 as Element>::from_f64(x).to_bits(), f.to_bits());
        prop_assert_eq!(<f16 as Element>::from_f64(x).to_bits(), f16::from_f32(f).to_bits(), "{:e}", x);
        prop_assert_eq!(<bf16 as Element>::from_f64(x).to_bits(), bf16::from_f32(f).to_bits(), "{:e}", x);
        prop_assert_eq!(<f64 as Element>::from_f64(x).to_bits(), x.to_bits());
    }
}

// ---------------------------------------------------------------------------
// JSON round trip

/// Any config `Config::new` accepts: axes need not fit any shape here.
fn any_config() -> impl Strategy<Value = Config> {
    let axes = proptest::option::of(
        (vec(any::<i64>(), 0..=4), vec(any::<i64>(), 0..=4))
            .prop_map(|(input, output)| Axes { input, output }),
    );
    (
        scale(),
        mode(),
        distribution(),
        proptest::option::of(any::<u64>()),
        axes,
    )
        .prop_map(|(s, m, d, seed, axes)| Config::new(s, m, d, seed, axes).unwrap())
}

proptest! {
    #![proptest_config(config(3000))]

    #[test]
    fn json_round_trip_is_exact(c in any_config()) {
        let text = c.to_json();
        let back = Config::from_json(&text);
        prop_assert_eq!(back.as_ref(), Ok(&c), "{}", text);
        let back = back.unwrap();
        prop_assert_eq!(back.scale().to_bits(), c.scale().to_bits());
        // a second trip gives the same text
        prop_assert_eq!(back.to_json(), text);
    }

    #[test]
    fn round_tripped_initializer_draws_the_same_bits((c, shape) in case()) {
        let back = Config::from_json(&c.to_json()).unwrap();
        let a = Initializer::new(c).unwrap();
        let b = Initializer::new(back).unwrap();
        prop_assert_eq!(a.seed(), b.seed());
        prop_assert_eq!(a.describe(&shape), b.describe(&shape));
        let x = whole::<f64>(&a, &shape).map(|v| bits(&v));
        let y = whole::<f64>(&b, &shape).map(|v| bits(&v));
        prop_assert_eq!(x, y);
    }
}

// ---------------------------------------------------------------------------
// errors

/// One thing wrong with an otherwise valid fill.
#[derive(Clone, Debug)]
enum Fault {
    /// `fill` with `out.len() != count` (`extra` in 1..: how far off).
    WrongLen { shorter: bool, extra: usize },
    /// `fill_range` with `offset + len > count`; `huge` puts the offset
    /// near `u64::MAX` so the sum overflows.
    PastEnd { a: u64, over: usize, huge: bool },
    /// Dim `index % rank` (or a new dim at rank 0) replaced by `value < 0`.
    NegativeDim { index: usize, value: i64 },
    /// An axis out of range for the shape, in the input or output list.
    BadAxis {
        output: bool,
        axis: i64,
        at: usize,
        len: usize,
    },
    /// Dims whose product overflows `i64`.
    Overflow { extra: Vec<i64> },
}

fn fault() -> impl Strategy<Value = Fault> {
    let bad_axis = prop_oneof![
        // the first invalid axes on either side...
        (0i64..3),
        // ...and any far away
        any::<i64>(),
    ];
    prop_oneof![
        (any::<bool>(), 1usize..=40)
            .prop_map(|(shorter, extra)| Fault::WrongLen { shorter, extra }),
        (any::<u64>(), 1usize..=40, any::<bool>()).prop_map(|(a, over, huge)| Fault::PastEnd {
            a,
            over,
            huge
        }),
        (any::<usize>(), prop_oneof![-3i64..0, i64::MIN..0])
            .prop_map(|(index, value)| Fault::NegativeDim { index, value }),
        (any::<bool>(), bad_axis, any::<usize>(), 0usize..=3).prop_map(
            |(output, axis, at, len)| Fault::BadAxis {
                output,
                axis,
                at,
                len
            }
        ),
        vec(1i64 << 20..=i64::MAX, 4..=5).prop_map(|extra| Fault::Overflow { extra }),
    ]
}

/// Which fill an error case makes.
enum Call {
    Fill(usize),
    Range(u64, usize),
}

/// Runs `call` on a sentinel-filled buffer of type `T`: it must fail with
/// `want`, agree with `check`, and leave every element as it was.
fn fails_untouched<T: Elem>(
    init: &Initializer,
    shape: &[i64],
    call: &Call,
    want: &Error,
) -> Result<(), TestCaseError> {
    let len = match *call {
        Call::Fill(n) | Call::Range(_, n) => n,
    };
    let mut out = vec![T::sentinel(); len];
    let (got, checked) = match *call {
        Call::Fill(_) => (init.fill(shape, &mut out), init.check(shape, None, len)),
        Call::Range(off, _) => (
            init.fill_range(shape, off, &mut out),
            init.check(shape, Some(off), len),
        ),
    };
    prop_assert_eq!(got.as_ref(), Err(want), "{}: shape {:?}", T::NAME, shape);
    prop_assert_eq!(checked.as_ref(), Err(want), "{}: check disagrees", T::NAME);
    prop_assert_eq!(
        bits(&out),
        bits(&vec![T::sentinel(); len]),
        "{}: an error wrote to the buffer",
        T::NAME
    );
    Ok(())
}

proptest! {
    #![proptest_config(config(3000))]

    #[test]
    fn errors_leave_the_buffer_untouched((c, shape) in case(), fault in fault()) {
        let total = count(&shape);
        let mut shape = shape;
        let mut c = c;
        let want_kind;
        let call = match fault.clone() {
            Fault::WrongLen { shorter, extra } => {
                want_kind = ErrorKind::BufferSize;
                let n = if shorter { total.saturating_sub(extra) } else { total + extra };
                if n == total {
                    // total = 0 cannot be shorter: one too many instead
                    Call::Fill(1)
                } else {
                    Call::Fill(n)
                }
            }
            Fault::PastEnd { a, over, huge } => {
                want_kind = ErrorKind::BufferSize;
                if huge {
                    // offset + len wraps past u64::MAX
                    Call::Range(u64::MAX - (a % 8), 9 + over % 8)
                } else {
                    let off = (a % (total as u64 + 3)) as usize;
                    Call::Range(off as u64, (total + over).saturating_sub(off).max(1))
                }
            }
            Fault::NegativeDim { index, value } => {
                want_kind = ErrorKind::InvalidShape;
                if shape.is_empty() {
                    shape.push(value);
                } else {
                    let i = index % shape.len();
                    shape[i] = value;
                }
                Call::Fill(index % 17)
            }
            Fault::BadAxis { output, axis, at, len } => {
                want_kind = ErrorKind::InvalidShape;
                let r = shape.len() as i64;
                // out of range: >= r, or < -r
                let bad = if axis >= 0 {
                    r.saturating_add(axis)
                } else {
                    (-r - 1).saturating_add(axis + 1)
                };
                let mut axes = c.axes().cloned().unwrap_or_default();
                let list = if output { &mut axes.output } else { &mut axes.input };
                // keep only valid axes before it, so it is the one reported
                list.truncate(len);
                let at = at % (list.len() + 1);
                list.insert(at, bad);
                c = Config::new(c.scale(), c.mode(), c.distribution(), c.seed(), Some(axes)).unwrap();
                Call::Fill(total)
            }
            Fault::Overflow { extra } => {
                want_kind = ErrorKind::InvalidShape;
                // no zero dims, or the count would be 0 (then fans decide)
                shape.retain(|&d| d != 0);
                shape.extend(extra);
                c = Config::new(c.scale(), c.mode(), c.distribution(), c.seed(), None).unwrap();
                Call::Fill(5)
            }
        };
        let init = Initializer::new(c).unwrap();
        let described = init.describe(&shape);
        // the wanted error: what describe reports (shape, axes, scale are
        // checked before the length), else a length error
        let want = match (&described, want_kind) {
            (Err(e), _) => e.clone(),
            (Ok(_), ErrorKind::BufferSize) => {
                let mut probe = vec![0f64; match call { Call::Fill(n) | Call::Range(_, n) => n }];
                let e = match call {
                    Call::Fill(_) => init.fill(&shape, &mut probe),
                    Call::Range(off, _) => init.fill_range(&shape, off, &mut probe),
                };
                prop_assert!(e.is_err(), "{:?} accepted: shape {:?}", fault, shape);
                e.unwrap_err()
            }
            (Ok(p), k) => {
                return Err(TestCaseError::fail(format!(
                    "{fault:?}: describe({shape:?}) = {p:?}, wanted {k:?}"
                )));
            }
        };
        // the kind follows from the fault, unless the scale fails first
        if want.kind() != want_kind {
            prop_assert_eq!(want.kind(), ErrorKind::InvalidScale, "{:?}: {}", fault, want.message());
            prop_assert!(want_kind == ErrorKind::BufferSize, "{:?}: {}", fault, want.message());
        }
        prop_assert!(!want.message().is_empty());
        fails_untouched::<f64>(&init, &shape, &call, &want)?;
        fails_untouched::<f32>(&init, &shape, &call, &want)?;
        fails_untouched::<f16>(&init, &shape, &call, &want)?;
        fails_untouched::<bf16>(&init, &shape, &call, &want)?;
    }

    /// Wherever describe fails, every fill of any length fails with the
    /// same error; wherever it succeeds, only the length can be wrong.
    #[test]
    fn describe_errors_are_fill_errors(
        (c, shape) in case(),
        dims in vec(prop_oneof![0i64..=40, -40i64..0, Just(i64::MIN), Just(i64::MAX)], 0..=5),
        use_dims in any::<bool>(),
        len in 0usize..64,
        off in prop_oneof![0u64..64, any::<u64>()],
    ) {
        let shape = if use_dims { dims } else { shape };
        let init = Initializer::new(c).unwrap();
        let described = init.describe(&shape);
        let mut out = vec![f32::sentinel(); len];
        let whole = init.fill(&shape, &mut out);
        let untouched = bits(&out) == bits(&vec![f32::sentinel(); len]);
        let mut out2 = vec![f32::sentinel(); len];
        let range = init.fill_range(&shape, off, &mut out2);
        let untouched2 = bits(&out2) == bits(&vec![f32::sentinel(); len]);
        match described {
            Err(e) => {
                prop_assert_eq!(whole.as_ref(), Err(&e));
                prop_assert_eq!(range.as_ref(), Err(&e));
                prop_assert!(untouched && untouched2);
            }
            Ok(_) => {
                for r in [&whole, &range] {
                    if let Err(e) = r {
                        prop_assert_eq!(e.kind(), ErrorKind::BufferSize, "{}", e.message());
                    }
                }
                prop_assert!(whole.is_ok() || untouched);
                prop_assert!(range.is_ok() || untouched2);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// from_json never panics

/// The kinds a config text may be rejected with.
const CONFIG_KINDS: [ErrorKind; 6] = [
    ErrorKind::InvalidConfig,
    ErrorKind::InvalidScale,
    ErrorKind::InvalidMode,
    ErrorKind::InvalidDistribution,
    ErrorKind::InvalidDtype,
    ErrorKind::InvalidShape,
];

/// Parses without panicking; an accepted config survives its own round
/// trip, a rejected one has a config error kind and a message.
fn parses_sanely(text: &str) -> Result<(), TestCaseError> {
    let r = catch_unwind(AssertUnwindSafe(|| Config::from_json(text)));
    prop_assert!(r.is_ok(), "from_json panicked on {:?}", text);
    match r.unwrap() {
        Ok(c) => {
            prop_assert_eq!(Config::from_json(&c.to_json()), Ok(c.clone()), "{:?}", text);
        }
        Err(e) => {
            prop_assert!(CONFIG_KINDS.contains(&e.kind()), "{:?} -> {:?}", text, e);
            prop_assert!(!e.message().is_empty());
            // hostile input gives a bounded message
            prop_assert!(e.message().len() < 2000, "{} bytes", e.message().len());
        }
    }
    Ok(())
}

/// Small pieces of JSON and Python-style JSON.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "\"",
    ":",
    ",",
    "-",
    "+",
    ".",
    "e",
    "E",
    "0",
    "1",
    "2",
    "3",
    "4",
    "5",
    "6",
    "7",
    "8",
    "9",
    "N",
    "a",
    "I",
    "n",
    "f",
    "i",
    "t",
    "y",
    "NaN",
    "Infinity",
    "-Infinity",
    "null",
    "true",
    "false",
    " ",
    "\\",
    "\\u0000",
    "\"scale\"",
    "\"mode\"",
    "\"distribution\"",
    "\"seed\"",
    "\"input_axes\"",
    "\"output_axes\"",
    "\"dtype\"",
    "\"class_name\"",
    "\"config\"",
    "\"module\"",
    "\"registered_name\"",
    "\"VarianceScaling\"",
    "\"HeNormal\"",
    "\"glorot_uniform\"",
    "\"fan_in\"",
    "\"fan_avg\"",
    "\"uniform\"",
    "\"normal\"",
    "\"float32\"",
    "\"1e400\"",
    "\"NaN\"",
];

/// Values for the structured generator.
const VALUES: &[&str] = &[
    "1",
    "2.0",
    "0",
    "-0",
    "-1",
    "1e-320",
    "1e308",
    "1e309",
    "-1e309",
    "NaN",
    "Infinity",
    "-Infinity",
    "\"NaN\"",
    "\"2.5\"",
    "\"inf\"",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775808",
    "1.5",
    "null",
    "true",
    "[]",
    "[0]",
    "[-1, 1]",
    "[1.5]",
    "[9223372036854775808]",
    "[\"0\"]",
    "{}",
    "\"fan_in\"",
    "\"fan_out\"",
    "\"FAN_IN\"",
    "\"fan_avg\"",
    "\"Uniform\"",
    "\"truncated_normal\"",
    "\"gaussian\"",
    "\"float16\"",
    "\"int32\"",
    "\"VarianceScaling\"",
    "\"LecunNormal\"",
    "\"keras.initializers\"",
    "{\"scale\": 2, \"mode\": \"fan_out\"}",
    "{\"seed\": 1, \"input_axes\": [0], \"output_axes\": [-1]}",
    "{\"distribution\": \"normal\", \"extra\": 1}",
];

const KEYS: &[&str] = &[
    "scale",
    "mode",
    "distribution",
    "seed",
    "input_axes",
    "output_axes",
    "dtype",
    "class_name",
    "config",
    "module",
    "registered_name",
    "build_config",
    "Scale",
    "",
];

/// `{"key": value, ...}`, sometimes wrapped as `{"class_name": ..., "config": ...}`.
fn json_object() -> impl Strategy<Value = String> {
    let pair = (select(KEYS), select(VALUES)).prop_map(|(k, v)| format!("\"{k}\": {v}"));
    let obj = vec(pair, 0..=6).prop_map(|p| format!("{{{}}}", p.join(", ")));
    (
        obj,
        prop::option::of(select(vec![
            "VarianceScaling",
            "HeUniform",
            "glorot_normal",
            "Zeros",
            "variance_scaling",
        ])),
    )
        .prop_map(|(o, class)| match class {
            Some(name) => format!("{{\"class_name\": \"{name}\", \"config\": {o}}}"),
            None => o,
        })
}

proptest! {
    #![proptest_config(config(4000))]

    #[test]
    fn from_json_never_panics_on_any_string(chars in vec(any::<char>(), 0..80)) {
        let s: String = chars.into_iter().collect();
        parses_sanely(&s)?;
    }

    #[test]
    fn from_json_never_panics_on_any_bytes(bytes in vec(any::<u8>(), 0..120)) {
        parses_sanely(&String::from_utf8_lossy(&bytes))?;
    }

    #[test]
    fn from_json_never_panics_on_json_ish_text(tokens in vec(select(TOKENS), 0..48)) {
        parses_sanely(&tokens.concat())?;
    }

    #[test]
    fn from_json_never_panics_on_config_objects(text in json_object()) {
        parses_sanely(&text)?;
    }
}

/// The generators above reach both outcomes: a property about accepted or
/// rejected configs that never sees one would be empty.
#[test]
fn json_generators_reach_accepted_and_rejected_configs() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::new(config(1));
    let (mut ok, mut bad) = (0, 0);
    for _ in 0..400 {
        let text = json_object().new_tree(&mut runner).unwrap().current();
        match Config::from_json(&text) {
            Ok(_) => ok += 1,
            Err(_) => bad += 1,
        }
    }
    assert!(ok > 0 && bad > 0, "accepted {ok}, rejected {bad}");
}
