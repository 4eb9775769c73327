//! Statistical tests of the values, with fixed seeds, for both algorithms
//! and all four output types. Every tolerance is derived from the sample
//! size: means and variances within 5 standard errors, and the
//! Kolmogorov-Smirnov distance below the 0.1% critical value 1.95 /
//! sqrt(N) against the exact target CDF. Bounds: the truncated normal and
//! the uniform stay within their limit rounded to the output type (strictly
//! inside for f64).

use half::{bf16, f16};
use variance_scaling::{
    Algorithm, Config, Distribution, Element, Initializer, Mode, TRUNCATED_NORMAL_STDDEV,
};

fn init(scale: f64, mode: Mode, dist: Distribution, seed: u64) -> Initializer {
    Initializer::new(Config::new(scale, mode, dist, Some(seed), None).unwrap()).unwrap()
}

/// An output type, read back as f64.
trait Out: Element + Default {
    const NAME: &'static str;
    fn to_f64(self) -> f64;
}

impl Out for f64 {
    const NAME: &'static str = "f64";
    fn to_f64(self) -> f64 {
        self
    }
}

impl Out for f32 {
    const NAME: &'static str = "f32";
    fn to_f64(self) -> f64 {
        f64::from(self)
    }
}

impl Out for f16 {
    const NAME: &'static str = "f16";
    fn to_f64(self) -> f64 {
        f64::from(self)
    }
}

impl Out for bf16 {
    const NAME: &'static str = "bf16";
    fn to_f64(self) -> f64 {
        f64::from(self)
    }
}

fn normal_cdf(x: f64) -> f64 {
    0.5 * (1.0 + libm::erf(x / std::f64::consts::SQRT_2))
}

/// The exact CDF of the values for a given distribution and factor.
fn target_cdf(dist: Distribution, factor: f64) -> impl Fn(f64) -> f64 {
    move |x: f64| match dist {
        Distribution::Uniform => ((x + factor) / (2.0 * factor)).clamp(0.0, 1.0),
        Distribution::UntruncatedNormal => normal_cdf(x / factor),
        Distribution::TruncatedNormal => {
            let lo = normal_cdf(-2.0);
            let hi = normal_cdf(2.0);
            ((normal_cdf(x / factor) - lo) / (hi - lo)).clamp(0.0, 1.0)
        }
    }
}

fn ks_distance(values: &[f64], cdf: impl Fn(f64) -> f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = v.len() as f64;
    let mut d: f64 = 0.0;
    for (i, &x) in v.iter().enumerate() {
        let f = cdf(x);
        d = d.max((i as f64 + 1.0) / n - f).max(f - i as f64 / n);
    }
    d
}

struct Moments {
    mean: f64,
    var: f64,
    m4: f64,
}

fn moments(v: &[f64]) -> Moments {
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
    let m4 = v.iter().map(|x| (x - mean).powi(4)).sum::<f64>() / n;
    Moments { mean, var, m4 }
}

/// Runs every check for one config on one shape, for both algorithms and
/// all four output types.
fn check(scale: f64, mode: Mode, dist: Distribution, shape: &[i64], seed: u64) {
    for alg in Algorithm::ALL {
        check_as::<f64>(alg, scale, mode, dist, shape, seed);
        check_as::<f32>(alg, scale, mode, dist, shape, seed);
        check_as::<f16>(alg, scale, mode, dist, shape, seed);
        check_as::<bf16>(alg, scale, mode, dist, shape, seed);
    }
}

fn check_as<T: Out>(
    alg: Algorithm,
    scale: f64,
    mode: Mode,
    dist: Distribution,
    shape: &[i64],
    seed: u64,
) {
    let init = init(scale, mode, dist, seed).with_algorithm(alg);
    let p = init.describe(shape).unwrap();
    let count: i64 = shape.iter().product();
    let mut out = vec![T::default(); count as usize];
    init.fill(shape, &mut out).unwrap();
    let v: Vec<f64> = out.iter().map(|x| x.to_f64()).collect();
    let n = v.len() as f64;
    let target_var = scale / p.n;
    let m = moments(&v);
    let what = format!(
        "{} {} {dist:?} {mode:?} scale={scale} shape={shape:?} seed={seed}",
        alg.name(),
        T::NAME
    );

    // mean 0, within 5 standard errors
    let se_mean = target_var.sqrt() / n.sqrt();
    assert!(
        m.mean.abs() < 5.0 * se_mean,
        "{what}: mean {} (se {se_mean})",
        m.mean
    );
    // variance scale / n, within 5 standard errors of the variance estimate
    let se_var = ((m.m4 - m.var * m.var) / n).sqrt();
    assert!(
        (m.var - target_var).abs() < 5.0 * se_var,
        "{what}: variance {} vs {target_var} (se {se_var})",
        m.var
    );
    // bounds: strictly inside for f64; the limit rounded to the type for
    // the others (rounding may reach it)
    let max = v.iter().fold(0f64, |a, x| a.max(x.abs()));
    let wide = T::NAME == "f64";
    let rounded_limit = T::from_f64(p.limit).to_f64();
    match dist {
        Distribution::TruncatedNormal => {
            if wide {
                assert!(max < 2.0 * p.stddev, "{what}: max |x| {max}");
            } else {
                assert!(
                    max <= rounded_limit,
                    "{what}: max |x| {max} > {rounded_limit}"
                );
            }
            assert_eq!(p.limit, 2.0 * p.stddev);
            assert_eq!(p.stddev, target_var.sqrt() / TRUNCATED_NORMAL_STDDEV);
        }
        Distribution::Uniform => {
            if wide {
                assert!(max <= p.limit, "{what}: max |x| {max}");
                assert!(v.iter().all(|&x| x < p.limit), "{what}: value == limit");
            } else {
                assert!(
                    max <= rounded_limit,
                    "{what}: max |x| {max} > {rounded_limit}"
                );
            }
            assert_eq!(p.limit, (3.0 * target_var).sqrt());
        }
        Distribution::UntruncatedNormal => {
            assert_eq!(p.limit, f64::INFINITY);
            assert_eq!(p.stddev, target_var.sqrt());
        }
    }
    // shape of the distribution: Kolmogorov-Smirnov against the exact CDF
    let factor = match dist {
        Distribution::Uniform => p.limit,
        _ => p.stddev,
    };
    let d = ks_distance(&v, target_cdf(dist, factor));
    let critical = 1.95 / n.sqrt();
    assert!(d < critical, "{what}: KS distance {d} >= {critical}");
}

#[test]
fn he_normal_conv_kernel() {
    check(
        2.0,
        Mode::FanIn,
        Distribution::TruncatedNormal,
        &[3, 3, 64, 64],
        1,
    );
}

#[test]
fn glorot_uniform_dense() {
    check(1.0, Mode::FanAvg, Distribution::Uniform, &[784, 256], 2);
}

#[test]
fn untruncated_fan_out() {
    check(
        1.5,
        Mode::FanOut,
        Distribution::UntruncatedNormal,
        &[512, 300],
        3,
    );
}

#[test]
fn every_distribution_and_mode_on_several_seeds() {
    for seed in [0u64, 17, u64::MAX] {
        for dist in Distribution::ALL {
            for mode in Mode::ALL {
                check(0.7, mode, dist, &[5, 5, 16, 32], seed);
            }
        }
    }
}

#[test]
fn ks_test_can_fail() {
    // The same check must reject values from the wrong distribution:
    // uniform values measured against the truncated-normal CDF, and
    // truncated normal values against the untruncated normal's.
    let init = init(1.0, Mode::FanIn, Distribution::Uniform, 5);
    let mut v = vec![0f64; 100_000];
    init.fill(&[100, 1000], &mut v).unwrap();
    let p = init.describe(&[100, 1000]).unwrap();
    let d = ks_distance(&v, target_cdf(Distribution::TruncatedNormal, p.limit / 2.0));
    assert!(d > 1.95 / (v.len() as f64).sqrt(), "KS did not notice: {d}");
    let init = self::init(1.0, Mode::FanIn, Distribution::TruncatedNormal, 5);
    init.fill(&[100, 1000], &mut v).unwrap();
    let p = init.describe(&[100, 1000]).unwrap();
    let d = ks_distance(&v, target_cdf(Distribution::UntruncatedNormal, p.stddev));
    assert!(
        d > 1.95 / (v.len() as f64).sqrt(),
        "KS did not notice truncation: {d}"
    );
}

/// Long v2 runs: a million values of each distribution in both classes,
/// so that the tails of the Box-Muller radius and of the inverse CDF are
/// visited; KS at N = 2^20 (critical value 0.0019).
#[test]
fn v2_long_runs_follow_their_distributions() {
    let shape = [1024i64, 1024];
    for dist in Distribution::ALL {
        check_as::<f64>(
            Algorithm::Splitmix64CtrV2,
            1.0,
            Mode::FanIn,
            dist,
            &shape,
            99,
        );
        check_as::<f32>(
            Algorithm::Splitmix64CtrV2,
            1.0,
            Mode::FanIn,
            dist,
            &shape,
            99,
        );
    }
}

/// Box-Muller pairs: the two values of a pair are uncorrelated, and so are
/// neighbouring values across pairs and elements one pair apart; likewise
/// their squares.
#[test]
fn v2_neighbouring_values_are_uncorrelated() {
    let n = 1usize << 20;
    for dist in Distribution::ALL {
        let init = init(1.0, Mode::FanIn, dist, 3);
        let mut v64 = vec![0f64; n];
        let mut v32 = vec![0f32; n];
        init.fill(&[n as i64], &mut v64).unwrap();
        init.fill(&[n as i64], &mut v32).unwrap();
        let v32: Vec<f64> = v32.iter().map(|&x| f64::from(x)).collect();
        // the squares too: the two values of a Box-Muller pair share a
        // radius, and independence means their squares are uncorrelated
        let sq64: Vec<f64> = v64.iter().map(|x| x * x).collect();
        let sq32: Vec<f64> = v32.iter().map(|x| x * x).collect();
        for (v, class) in [
            (&v64, "f64"),
            (&v32, "f32"),
            (&sq64, "f64 squared"),
            (&sq32, "f32 squared"),
        ] {
            let m = moments(v);
            for lag in [1usize, 2, 3] {
                let pairs = n - lag;
                let c = (0..pairs)
                    .map(|i| (v[i] - m.mean) * (v[i + lag] - m.mean))
                    .sum::<f64>()
                    / pairs as f64
                    / m.var;
                // the correlation of independent values has standard error
                // 1 / sqrt(N)
                assert!(
                    c.abs() < 5.0 / (pairs as f64).sqrt(),
                    "{dist:?} {class}: lag-{lag} correlation {c}"
                );
            }
        }
    }
}

#[test]
fn n_is_at_least_one() {
    // shape [0, 5]: fan_in 0 -> n = 1 (Keras's max(1, n))
    let init = init(2.0, Mode::FanIn, Distribution::UntruncatedNormal, 1);
    let p = init.describe(&[0, 5]).unwrap();
    assert_eq!((p.fan_in, p.fan_out, p.n), (0, 5, 1.0));
    assert_eq!(p.stddev, 2f64.sqrt());
    // fan_avg is a real-valued mean
    let init2 = Initializer::new(
        Config::new(1.0, Mode::FanAvg, Distribution::Uniform, Some(1), None).unwrap(),
    )
    .unwrap();
    assert_eq!(init2.describe(&[3, 4]).unwrap().n, 3.5);
}

#[test]
fn thread_count_never_changes_values() {
    for alg in Algorithm::ALL {
        thread_count_never_changes_values_of(alg);
    }
}

fn thread_count_never_changes_values_of(alg: Algorithm) {
    let init = init(1.0, Mode::FanAvg, Distribution::TruncatedNormal, 77).with_algorithm(alg);
    let shape = [1024i64, 700];
    let mut reference = vec![0f32; 1024 * 700];
    variance_scaling::parallel::set_max_threads(1);
    init.fill(&shape, &mut reference).unwrap();
    for threads in [2u32, 3, 0] {
        variance_scaling::parallel::set_max_threads(threads);
        let mut v = vec![0f32; reference.len()];
        init.fill(&shape, &mut v).unwrap();
        assert!(v == reference, "threads={threads}");
    }
    variance_scaling::parallel::set_max_threads(0);
}

#[test]
fn unseeded_handles_draw_their_seed_once() {
    let cfg = Config::new(1.0, Mode::FanIn, Distribution::Uniform, None, None).unwrap();
    let a = Initializer::new(cfg.clone()).unwrap();
    let b = Initializer::new(cfg).unwrap();
    assert_ne!(a.seed(), b.seed(), "two OS seeds collided");
    let mut x = vec![0f64; 64];
    let mut y = vec![0f64; 64];
    a.fill(&[8, 8], &mut x).unwrap();
    a.fill(&[8, 8], &mut y).unwrap();
    assert_eq!(x, y);
    let again = init(1.0, Mode::FanIn, Distribution::Uniform, a.seed());
    again.fill(&[8, 8], &mut y).unwrap();
    assert_eq!(x, y);
    assert_eq!(a.config().seed(), None);
    assert!(a.config().to_json().starts_with("{\"seed\":null,"));
}
