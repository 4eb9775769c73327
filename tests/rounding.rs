//! The narrow output types are rounded to nearest-even: in both algorithms
//! f16 and bf16 from the f32 values; in `pcg64-block-v1` also f32 from the
//! f64 stream (v2's f64 has its own stream). Checked here without trusting
//! `half` (or the SIMD kernels' F16C and integer conversions): each narrow
//! value must be the nearer of the two representable neighbours of the
//! wider one, ties to the even bit pattern.

use variance_scaling::{Algorithm, Config, Distribution, Initializer, Mode};

/// Decodes a binary16 bit pattern exactly.
fn f16_to_f64(h: u16) -> f64 {
    let sign = if h & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = ((h >> 10) & 0x1f) as i32;
    let frac = (h & 0x3ff) as f64;
    match exp {
        0 => sign * frac * 2f64.powi(-24),
        31 if frac == 0.0 => sign * f64::INFINITY,
        31 => f64::NAN,
        e => sign * (1.0 + frac / 1024.0) * 2f64.powi(e - 15),
    }
}

fn bf16_to_f64(h: u16) -> f64 {
    f32::from_bits(u32::from(h) << 16) as f64
}

/// Checks that `bits` is the round-to-nearest-even of `x` among the
/// patterns `decode` gives; `max_finite` is the type's largest finite value.
fn check_rne(x: f64, bits: u16, decode: fn(u16) -> f64, max_finite_bits: u16, what: &str) {
    let got = decode(bits);
    let mag = bits & 0x7fff;
    // the neighbours of the result on the magnitude line
    let below = if mag == 0 { 0.0 } else { decode(mag - 1) };
    let above_bits = mag + 1;
    let above = if mag >= max_finite_bits {
        f64::INFINITY
    } else {
        decode(above_bits)
    };
    let ax = x.abs();
    let g = got.abs();
    if g.is_infinite() {
        // overflow: x must be at least halfway past the largest finite value
        let maxf = decode(max_finite_bits);
        let next = 2.0 * maxf - decode(max_finite_bits - 1);
        assert!(ax >= (maxf + next) / 2.0, "{what}: {x} overflowed to inf");
        return;
    }
    let d = (ax - g).abs();
    assert!(
        d <= (ax - below).abs(),
        "{what}: {x} -> {got} but {below} is nearer"
    );
    assert!(
        d <= (above - ax).abs(),
        "{what}: {x} -> {got} but {above} is nearer"
    );
    let tie = d != 0.0 && (d == (ax - below).abs() || d == (above - ax).abs());
    if tie {
        assert_eq!(mag & 1, 0, "{what}: tie at {x} not rounded to even");
    }
    assert!(
        got == 0.0 || (got < 0.0) == (x < 0.0),
        "{what}: sign of {x}"
    );
}

fn fills(scale: f64, dist: Distribution, seed: u64) {
    for alg in Algorithm::ALL {
        fills_with(alg, scale, dist, seed);
    }
}

fn fills_with(alg: Algorithm, scale: f64, dist: Distribution, seed: u64) {
    let init = Initializer::new(Config::new(scale, Mode::FanIn, dist, Some(seed), None).unwrap())
        .unwrap()
        .with_algorithm(alg);
    let shape = [256i64, 256];
    let n = 256 * 256;
    let mut v64 = vec![0f64; n];
    let mut v32 = vec![0f32; n];
    let mut v16 = vec![half::f16::ZERO; n];
    let mut vb16 = vec![half::bf16::ZERO; n];
    init.fill(&shape, &mut v64).unwrap();
    init.fill(&shape, &mut v32).unwrap();
    init.fill(&shape, &mut v16).unwrap();
    init.fill(&shape, &mut vb16).unwrap();
    for i in 0..n {
        if alg == Algorithm::Pcg64BlockV1 {
            assert_eq!(v32[i], v64[i] as f32, "v1 f32[{i}] is not the rounded f64");
        }
        let x = v32[i] as f64;
        check_rne(x, v16[i].to_bits(), f16_to_f64, 0x7bff, "f16");
        check_rne(x, vb16[i].to_bits(), bf16_to_f64, 0x7f7f, "bf16");
    }
}

#[test]
fn ordinary_values() {
    for dist in Distribution::ALL {
        fills(2.0, dist, 1);
    }
}

#[test]
fn f16_subnormals() {
    // sqrt(1e-9 / 256) ~ 2e-6: most values are f16 subnormals
    fills(1e-9, Distribution::UntruncatedNormal, 2);
    fills(1e-12, Distribution::Uniform, 3);
}

#[test]
fn f32_and_bf16_subnormals() {
    // sqrt(1e-80 / 256) ~ 6e-42: f32 and bf16 subnormals, through every
    // kernel's final multiplication and bf16 rounding
    for dist in Distribution::ALL {
        fills(1e-80, dist, 5);
    }
}

#[test]
fn f16_overflow_to_infinity() {
    // stddev = sqrt(1e14 / 4096) ~ 1.6e5: most values exceed f16 65504
    for alg in Algorithm::ALL {
        let init = Initializer::new(
            Config::new(
                1e14,
                Mode::FanIn,
                Distribution::UntruncatedNormal,
                Some(4),
                None,
            )
            .unwrap(),
        )
        .unwrap()
        .with_algorithm(alg);
        let mut v16 = vec![half::f16::ZERO; 4096];
        let mut v32 = vec![0f32; 4096];
        init.fill(&[4096], &mut v16).unwrap();
        init.fill(&[4096], &mut v32).unwrap();
        assert!(v16.iter().any(|h| h.is_infinite()));
        for (h, x) in v16.iter().zip(&v32) {
            check_rne(*x as f64, h.to_bits(), f16_to_f64, 0x7bff, "f16 overflow");
        }
    }
}

#[test]
fn checker_catches_wrong_rounding() {
    // truncation instead of rounding must be caught: 1 + 3/4 ulp of f16
    let x = 1.0 + 0.75 / 1024.0;
    let truncated = 0x3c00u16;
    let r = std::panic::catch_unwind(|| check_rne(x, truncated, f16_to_f64, 0x7bff, "t"));
    assert!(r.is_err());
    // and a tie must go to even: 1 + 1/2 ulp -> 0x3c00, not 0x3c01
    let tie = 1.0 + 0.5 / 1024.0;
    check_rne(tie, 0x3c00, f16_to_f64, 0x7bff, "tie");
    assert!(std::panic::catch_unwind(|| check_rne(tie, 0x3c01, f16_to_f64, 0x7bff, "t")).is_err());
}
