//! Golden vectors: pin the exact bits of both algorithms.
//!
//! `tests/data/golden_vectors.txt` (`pcg64-block-v1`) and
//! `tests/data/golden_vectors_v2.txt` (`splitmix64-ctr-v2`, the default)
//! hold, for a few seeds, shapes, configs and ranges, the values as hex bit
//! patterns for every output type. The C suite (`c_tests/`), the Go package
//! and the Python re-implementations check the same files. The files were
//! written by this test with `VS_BLESS_GOLDEN=1`; regenerate one only when
//! its algorithm gets a new name, never to make a test pass.

use std::fmt::Write as _;
use std::path::PathBuf;

use variance_scaling::{Algorithm, Axes, Config, Distribution, Initializer, Mode};

struct Case {
    name: &'static str,
    seed: u64,
    scale: f64,
    mode: Mode,
    dist: Distribution,
    shape: Vec<i64>,
    axes: Option<(Vec<i64>, Vec<i64>)>,
    offset: u64,
    count: usize,
}

fn cases_v1() -> Vec<Case> {
    use Distribution::*;
    use Mode::*;
    let c = |name,
             seed,
             scale,
             mode,
             dist,
             shape: &[i64],
             axes: Option<(&[i64], &[i64])>,
             offset,
             count| Case {
        name,
        seed,
        scale,
        mode,
        dist,
        shape: shape.to_vec(),
        axes: axes.map(|(i, o)| (i.to_vec(), o.to_vec())),
        offset,
        count,
    };
    vec![
        c(
            "he_normal_conv3x3",
            42,
            2.0,
            FanIn,
            TruncatedNormal,
            &[3, 3, 64, 64],
            None,
            0,
            16,
        ),
        c(
            "glorot_uniform_dense",
            0,
            1.0,
            FanAvg,
            Uniform,
            &[784, 10],
            None,
            0,
            16,
        ),
        c(
            "untruncated_fan_out_vector",
            7,
            1.0,
            FanOut,
            UntruncatedNormal,
            &[100],
            None,
            0,
            16,
        ),
        c(
            "truncated_block_boundary",
            u64::MAX,
            0.5,
            FanAvg,
            TruncatedNormal,
            &[4096, 1000],
            None,
            1020,
            16,
        ),
        c("uniform_scalar", 123, 3.0, FanIn, Uniform, &[], None, 0, 1),
        c(
            "untruncated_rank4_range",
            99,
            1.5,
            FanAvg,
            UntruncatedNormal,
            &[2, 3, 5, 7],
            None,
            200,
            10,
        ),
        c(
            "torch_conv_axes",
            5,
            1.0,
            FanIn,
            TruncatedNormal,
            &[64, 32, 3, 3],
            Some((&[1, 2, 3], &[0, 2, 3])),
            0,
            12,
        ),
        c(
            "uniform_far_block",
            2024,
            6.0,
            FanOut,
            Uniform,
            &[2_000_000, 1_000_000],
            None,
            (1u64 << 40) + 5,
            8,
        ),
        c(
            "tiny_scale_subnormal_f16",
            11,
            1e-9,
            FanIn,
            UntruncatedNormal,
            &[4, 4],
            None,
            0,
            16,
        ),
        // element 15553 goes through the ziggurat tail, whose ln() result
        // there differs between libm and glibc/FreeBSD (docs/algorithm.md)
        c(
            "ziggurat_tail_ln_sensitive",
            30,
            1.0,
            FanIn,
            UntruncatedNormal,
            &[20480],
            None,
            15550,
            8,
        ),
    ]
}

/// The v2 cases: every distribution and class, odd starts and ends (v2's
/// Box-Muller pairs split), offsets near 2^40, a scalar, fan axes, a
/// subnormal factor, a factor beyond `FLT_MAX` (the wide binary32 rule), and
/// a run long enough for the SIMD kernels' vector loops.
fn cases_v2() -> Vec<Case> {
    use Distribution::*;
    use Mode::*;
    let c = |name,
             seed,
             scale,
             mode,
             dist,
             shape: &[i64],
             axes: Option<(&[i64], &[i64])>,
             offset,
             count| Case {
        name,
        seed,
        scale,
        mode,
        dist,
        shape: shape.to_vec(),
        axes: axes.map(|(i, o)| (i.to_vec(), o.to_vec())),
        offset,
        count,
    };
    vec![
        c(
            "he_normal_conv3x3",
            42,
            2.0,
            FanIn,
            TruncatedNormal,
            &[3, 3, 64, 64],
            None,
            0,
            16,
        ),
        c(
            "glorot_uniform_dense",
            0,
            1.0,
            FanAvg,
            Uniform,
            &[784, 10],
            None,
            0,
            16,
        ),
        c(
            "untruncated_fan_out_vector",
            7,
            1.0,
            FanOut,
            UntruncatedNormal,
            &[100],
            None,
            0,
            16,
        ),
        c(
            "truncated_odd_offset",
            u64::MAX,
            0.5,
            FanAvg,
            TruncatedNormal,
            &[4096, 1000],
            None,
            1021,
            16,
        ),
        c("uniform_scalar", 123, 3.0, FanIn, Uniform, &[], None, 0, 1),
        c(
            "untruncated_odd_range",
            99,
            1.5,
            FanAvg,
            UntruncatedNormal,
            &[2, 3, 5, 7],
            None,
            197,
            11,
        ),
        c(
            "torch_conv_axes",
            5,
            1.0,
            FanIn,
            TruncatedNormal,
            &[64, 32, 3, 3],
            Some((&[1, 2, 3], &[0, 2, 3])),
            0,
            12,
        ),
        c(
            "uniform_far",
            2024,
            6.0,
            FanOut,
            Uniform,
            &[2_000_000, 1_000_000],
            None,
            (1u64 << 40) + 5,
            8,
        ),
        c(
            "untruncated_far_odd",
            31,
            1.0,
            FanIn,
            UntruncatedNormal,
            &[2_000_000, 1_000_000],
            None,
            (1u64 << 40) + 3,
            9,
        ),
        c(
            "tiny_scale_subnormal_f16",
            11,
            1e-9,
            FanIn,
            UntruncatedNormal,
            &[4, 4],
            None,
            0,
            16,
        ),
        c(
            "subnormal_factor_f32",
            13,
            1e-80,
            FanIn,
            Uniform,
            &[8, 8],
            None,
            0,
            16,
        ),
        c(
            "huge_scale_wide_f32",
            3,
            1e78,
            FanIn,
            TruncatedNormal,
            &[4, 4],
            None,
            0,
            16,
        ),
        c(
            "truncated_vector_run",
            17,
            2.0,
            FanIn,
            TruncatedNormal,
            &[64, 64],
            None,
            3,
            61,
        ),
        c(
            "untruncated_vector_run",
            19,
            2.0,
            FanIn,
            UntruncatedNormal,
            &[64, 64],
            None,
            5,
            70,
        ),
        c(
            "uniform_vector_run",
            23,
            1.0,
            FanOut,
            Uniform,
            &[64, 64],
            None,
            1,
            67,
        ),
    ]
}

fn build(case: &Case, algorithm: Algorithm) -> Initializer {
    let axes = case.axes.as_ref().map(|(i, o)| Axes {
        input: i.clone(),
        output: o.clone(),
    });
    Initializer::new(Config::new(case.scale, case.mode, case.dist, Some(case.seed), axes).unwrap())
        .unwrap()
        .with_algorithm(algorithm)
}

fn mode_num(m: Mode) -> u32 {
    Mode::ALL.iter().position(|x| *x == m).unwrap() as u32
}

fn dist_num(d: Distribution) -> u32 {
    Distribution::ALL.iter().position(|x| *x == d).unwrap() as u32
}

/// Renders every case of `algorithm` as its file's text.
fn render(algorithm: Algorithm) -> String {
    let mut s = String::new();
    let readers = match algorithm {
        // the v1 file keeps its 0.1 text, byte for byte
        Algorithm::Pcg64BlockV1 => "read by it and by c_tests/",
        Algorithm::Splitmix64CtrV2 => "read by it, c_tests/, bindings/go and tests/python",
    };
    write!(
        s,
        "# Golden vectors of libvariance_scaling, algorithm {}.\n\
         # Written by tests/golden.rs (VS_BLESS_GOLDEN=1); {readers}.\n\
         # case NAME SEED SCALE MODE DIST NDIM DIMS... HASAXES [NIN AXES... NOUT AXES...] OFFSET COUNT\n\
         # then four lines: f64, f32, f16, bf16 with COUNT hex bit patterns each.\n\
         # MODE: 0 fan_in 1 fan_out 2 fan_avg; DIST: 0 truncated_normal 1 untruncated_normal 2 uniform.\n",
        algorithm.name(),
    )
    .unwrap();
    for case in cases(algorithm) {
        let init = build(&case, algorithm);
        write!(
            s,
            "case {} {} {:?} {} {} {}",
            case.name,
            case.seed,
            case.scale,
            mode_num(case.mode),
            dist_num(case.dist),
            case.shape.len()
        )
        .unwrap();
        for d in &case.shape {
            write!(s, " {d}").unwrap();
        }
        match &case.axes {
            None => s.push_str(" 0"),
            Some((i, o)) => {
                write!(s, " 1 {}", i.len()).unwrap();
                for a in i {
                    write!(s, " {a}").unwrap();
                }
                write!(s, " {}", o.len()).unwrap();
                for a in o {
                    write!(s, " {a}").unwrap();
                }
            }
        }
        writeln!(s, " {} {}", case.offset, case.count).unwrap();

        let mut v64 = vec![0f64; case.count];
        let mut v32 = vec![0f32; case.count];
        let mut v16 = vec![half::f16::ZERO; case.count];
        let mut vb16 = vec![half::bf16::ZERO; case.count];
        init.fill_range(&case.shape, case.offset, &mut v64).unwrap();
        init.fill_range(&case.shape, case.offset, &mut v32).unwrap();
        init.fill_range(&case.shape, case.offset, &mut v16).unwrap();
        init.fill_range(&case.shape, case.offset, &mut vb16)
            .unwrap();
        s.push_str("f64");
        for v in &v64 {
            write!(s, " {:016x}", v.to_bits()).unwrap();
        }
        s.push_str("\nf32");
        for v in &v32 {
            write!(s, " {:08x}", v.to_bits()).unwrap();
        }
        s.push_str("\nf16");
        for v in &v16 {
            write!(s, " {:04x}", v.to_bits()).unwrap();
        }
        s.push_str("\nbf16");
        for v in &vb16 {
            write!(s, " {:04x}", v.to_bits()).unwrap();
        }
        s.push('\n');
    }
    s
}

fn cases(algorithm: Algorithm) -> Vec<Case> {
    match algorithm {
        Algorithm::Pcg64BlockV1 => cases_v1(),
        Algorithm::Splitmix64CtrV2 => cases_v2(),
    }
}

fn path(algorithm: Algorithm) -> PathBuf {
    let name = match algorithm {
        Algorithm::Pcg64BlockV1 => "golden_vectors.txt",
        Algorithm::Splitmix64CtrV2 => "golden_vectors_v2.txt",
    };
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn check_file(algorithm: Algorithm) {
    let now = render(algorithm);
    if std::env::var_os("VS_BLESS_GOLDEN").is_some() {
        std::fs::write(path(algorithm), &now).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(path(algorithm)).expect("golden vectors file");
    for (i, (a, b)) in committed.lines().zip(now.lines()).enumerate() {
        assert_eq!(
            a,
            b,
            "{} golden vectors differ at line {}",
            algorithm.name(),
            i + 1
        );
    }
    assert_eq!(committed.lines().count(), now.lines().count());
}

#[test]
fn v1_golden_vectors_match_the_committed_file() {
    check_file(Algorithm::Pcg64BlockV1);
}

#[test]
fn v2_golden_vectors_match_the_committed_file() {
    check_file(Algorithm::Splitmix64CtrV2);
}

#[test]
fn golden_ranges_are_slices_of_whole_fills() {
    for algorithm in Algorithm::ALL {
        golden_ranges_of(algorithm);
    }
}

fn golden_ranges_of(algorithm: Algorithm) {
    for case in cases(algorithm) {
        let init = build(&case, algorithm);
        let total: i64 = case.shape.iter().product();
        if total > 1 << 20 {
            continue;
        }
        let mut whole = vec![0f64; total as usize];
        init.fill(&case.shape, &mut whole).unwrap();
        let mut part = vec![0f64; case.count];
        init.fill_range(&case.shape, case.offset, &mut part)
            .unwrap();
        let o = case.offset as usize;
        assert_eq!(part, whole[o..o + case.count], "{}", case.name);
    }
}
