//! The integrator API through the Rust core: layouts, fills by fans,
//! derived seeds and derived handles.
//!
//! `tests/data/derived_seeds.txt` pins `derive_seed` / `derive_seed_name`
//! (docs/seeds.md); it was written by this test with `VS_BLESS_GOLDEN=1`
//! and is checked from C, Go and Python as well. Regenerate it only with a
//! new, differently named rule, never to make a test pass.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::PathBuf;

use variance_scaling::{
    Algorithm, Axes, Config, Distribution, Element, Initializer, Layout, Mode, derive_seed,
    derive_seed_name,
};

const DISTS: [Distribution; 3] = [
    Distribution::TruncatedNormal,
    Distribution::UntruncatedNormal,
    Distribution::Uniform,
];
const MODES: [Mode; 3] = [Mode::FanIn, Mode::FanOut, Mode::FanAvg];

fn make(scale: f64, mode: Mode, dist: Distribution, seed: u64) -> Initializer {
    Initializer::new(Config::new(scale, mode, dist, Some(seed), None).unwrap()).unwrap()
}

fn bits<T: Bits>(v: &[T]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits_u64()).collect()
}

/// Bits of a value of any output type, for comparisons.
trait Bits {
    fn to_bits_u64(&self) -> u64;
}
impl Bits for f32 {
    fn to_bits_u64(&self) -> u64 {
        u64::from(self.to_bits())
    }
}
impl Bits for f64 {
    fn to_bits_u64(&self) -> u64 {
        self.to_bits()
    }
}
impl Bits for half::f16 {
    fn to_bits_u64(&self) -> u64 {
        u64::from(self.to_bits())
    }
}
impl Bits for half::bf16 {
    fn to_bits_u64(&self) -> u64 {
        u64::from(self.to_bits())
    }
}
fn range<T: Element + Default + Clone>(
    init: &Initializer,
    shape: &[i64],
    offset: u64,
    count: usize,
) -> Vec<T> {
    let mut v = vec![T::default(); count];
    init.fill_range(shape, offset, &mut v).unwrap();
    v
}

fn fans_fill<T: Element + Default + Clone>(
    init: &Initializer,
    fans: (i64, i64),
    offset: u64,
    count: usize,
) -> Vec<T> {
    let mut v = vec![T::default(); count];
    init.fill_fans(fans.0, fans.1, offset, &mut v).unwrap();
    v
}

fn check_fans_equal_handle<T: Element + Default + Clone + Bits>(
    init: &Initializer,
    shape: &[i64],
    offsets: &[u64],
) {
    let fans = init.fans(shape).unwrap();
    let total: u64 = shape.iter().product::<i64>() as u64;
    for &off in offsets {
        let count = (total - off).min(300) as usize;
        let a: Vec<T> = range(init, shape, off, count);
        let b: Vec<T> = fans_fill(init, fans, off, count);
        let (a, b): (Vec<u64>, Vec<u64>) = (
            a.iter().map(Bits::to_bits_u64).collect(),
            b.iter().map(Bits::to_bits_u64).collect(),
        );
        assert_eq!(
            a,
            b,
            "shape {shape:?} offset {off} {:?} {:?} {:?}",
            init.config().mode(),
            init.config().distribution(),
            init.algorithm()
        );
    }
}

/// A fill by fans at any offset equals the handle's fill of any tensor with
/// those fans, in every type, for both algorithms (the C functions use the
/// default one; the Rust method takes the handle's).
#[test]
fn fills_by_fans_equal_handle_fills_at_any_offset() {
    let shapes: [&[i64]; 5] = [&[784, 10], &[3, 3, 16, 32], &[1000], &[2, 5, 7, 3, 4], &[]];
    for algorithm in Algorithm::ALL {
        for (k, dist) in DISTS.into_iter().enumerate() {
            for mode in MODES {
                let init = make(1.7, mode, dist, 1000 + k as u64).with_algorithm(algorithm);
                for shape in shapes {
                    let total: i64 = shape.iter().product();
                    let total = total as u64;
                    let offsets: Vec<u64> = [0, 1, 7, total.saturating_sub(5)]
                        .into_iter()
                        .filter(|&o| o < total)
                        .collect();
                    check_fans_equal_handle::<f32>(&init, shape, &offsets);
                    check_fans_equal_handle::<f64>(&init, shape, &offsets);
                    check_fans_equal_handle::<half::f16>(&init, shape, &offsets);
                    check_fans_equal_handle::<half::bf16>(&init, shape, &offsets);
                }
            }
        }
    }
    // values depend on the fans and the index, not on the rest of the shape
    let init = make(2.0, Mode::FanIn, Distribution::TruncatedNormal, 5);
    let a: Vec<f32> = range(&init, &[6, 4], 0, 24);
    let b: Vec<f32> = range(&init, &[1, 1, 6, 4], 0, 24);
    assert_eq!(bits(&a), bits(&b));
}

/// Elements at offsets near INT64_MAX, the end of the largest tensor.
#[test]
fn fills_by_fans_reach_the_largest_index_and_stop_there() {
    let init = make(1.0, Mode::FanIn, Distribution::Uniform, 3);
    let end = i64::MAX as u64;
    // a vector of INT64_MAX elements has the fans (INT64_MAX, INT64_MAX)
    let last: Vec<f32> = fans_fill(&init, (i64::MAX, i64::MAX), end - 4, 4);
    let shape = [i64::MAX];
    assert_eq!(bits(&last), bits(&range::<f32>(&init, &shape, end - 4, 4)));
    let mut one = [0f32; 1];
    let e = init.fill_fans(9, 9, end, &mut one).unwrap_err();
    assert_eq!(e.kind(), variance_scaling::ErrorKind::BufferSize);
    assert!(e.message().contains("INT64_MAX"), "{}", e.message());
    assert_eq!(one, [0.0]);
    let e = init.fill_fans(-1, 9, 0, &mut one).unwrap_err();
    assert_eq!(e.kind(), variance_scaling::ErrorKind::InvalidShape);
    assert!(e.message().contains("fan_in=-1"), "{}", e.message());
    let e = init.fill_fans(9, i64::MIN, 0, &mut one).unwrap_err();
    assert!(e.message().contains("fan_out"), "{}", e.message());
    assert_eq!(one, [0.0]);
}

/// A layout handle gives the fans, values and description that the axes
/// spelling the layout out give, and the Keras default for IN_OUT.
#[test]
fn layout_handles_equal_the_axes_they_stand_for() {
    let base = make(2.0, Mode::FanIn, Distribution::TruncatedNormal, 77);
    let oihw = [32i64, 16, 3, 3];
    let by_layout = base.with_layout(Layout::OutIn).unwrap();
    let by_axes = base
        .with_axes(Some(Axes {
            input: vec![1, 2, 3],
            output: vec![0, 2, 3],
        }))
        .unwrap();
    assert_eq!(by_layout.fans(&oihw).unwrap(), (144, 288));
    assert_eq!(
        by_layout.describe(&oihw).unwrap(),
        by_axes.describe(&oihw).unwrap()
    );
    let n = 32 * 16 * 9;
    let (mut a, mut b) = (vec![0f32; n], vec![0f32; n]);
    by_layout.fill(&oihw, &mut a).unwrap();
    by_axes.fill(&oihw, &mut b).unwrap();
    assert_eq!(bits(&a), bits(&b));
    // without the layout, the same shape gets Keras's fans, silently
    // different: the point of layouts
    // ((32 * 16) * 3, (32 * 16) * 3)
    assert_eq!(base.fans(&oihw).unwrap(), (1536, 1536));

    let ohwi = [32i64, 3, 3, 16];
    let tflite = base.with_layout(Layout::OutSpatialIn).unwrap();
    assert_eq!(tflite.fans(&ohwi).unwrap(), (144, 288));
    // IN_OUT is the default rule; a layout replaces axes and vice versa
    let keras = by_axes.with_layout(Layout::InOut).unwrap();
    assert!(keras.config().axes().is_none());
    assert_eq!(keras.fans(&oihw).unwrap(), base.fans(&oihw).unwrap());
    let back = by_layout
        .with_axes(Some(Axes {
            input: vec![0],
            output: vec![1],
        }))
        .unwrap();
    assert_eq!(back.layout(), Layout::InOut);
    assert_eq!(back.fans(&oihw).unwrap(), (32, 16));
    // the config JSON carries axes, not layouts
    assert_eq!(by_layout.config().to_json(), base.config().to_json());
    assert!(by_layout.config().to_json().contains("\"input_axes\":null"));
    assert!(
        by_axes
            .config()
            .to_json()
            .contains("\"input_axes\":[1,2,3]")
    );
}

/// Derived handles change one setting and keep the rest.
#[test]
fn derived_handles_keep_everything_else() {
    let base = make(0.5, Mode::FanAvg, Distribution::Uniform, 11)
        .with_algorithm(Algorithm::Pcg64BlockV1)
        .with_layout(Layout::OutIn)
        .unwrap()
        .with_max_threads(3);
    let reseeded = base.with_seed(Some(12)).unwrap();
    assert_eq!(reseeded.seed(), 12);
    assert_eq!(reseeded.config().seed(), Some(12));
    assert_eq!(reseeded.algorithm(), Algorithm::Pcg64BlockV1);
    assert_eq!(reseeded.layout(), Layout::OutIn);
    assert_eq!(reseeded.max_threads(), 3);
    assert_eq!(reseeded.config().scale(), 0.5);
    assert_eq!(reseeded.config().mode(), Mode::FanAvg);
    let same = make(0.5, Mode::FanAvg, Distribution::Uniform, 12)
        .with_algorithm(Algorithm::Pcg64BlockV1)
        .with_layout(Layout::OutIn)
        .unwrap();
    let shape = [8i64, 4, 3];
    let (mut a, mut b) = (vec![0f64; 96], vec![0f64; 96]);
    reseeded.fill(&shape, &mut a).unwrap();
    same.fill(&shape, &mut b).unwrap();
    assert_eq!(bits(&a), bits(&b));
    // a fresh OS seed: unseeded config, a seed that differs between calls
    let fresh1 = base.with_seed(None).unwrap();
    let fresh2 = base.with_seed(None).unwrap();
    assert_eq!(fresh1.config().seed(), None);
    assert!(fresh1.config().to_json().starts_with("{\"seed\":null"));
    assert_ne!(fresh1.seed(), fresh2.seed());
    // the thread cap never changes values
    let capped = reseeded.with_max_threads(1);
    let mut c = vec![0f64; 96];
    capped.fill(&shape, &mut c).unwrap();
    assert_eq!(bits(&a), bits(&c));
}

/// Fills `count` values of tensor `k` of a model seeded `base`.
fn tensor(base: u64, k: u64, algorithm: Algorithm, count: usize) -> Vec<u32> {
    let init = make(
        2.0,
        Mode::FanIn,
        Distribution::TruncatedNormal,
        derive_seed(base, k),
    )
    .with_algorithm(algorithm);
    let mut v = vec![0f32; count];
    init.fill_fans(64, 64, 0, &mut v).unwrap();
    v.iter().map(|x| x.to_bits()).collect()
}

/// Models seeded with neighbouring bases share no tensor, not even
/// shifted: no window of 4 values of one tensor appears anywhere in
/// another (with `base + k` seeds, 9 of 10 tensors would repeat).
#[test]
fn derived_seeds_of_neighbouring_bases_share_no_tensor() {
    const COUNT: usize = 2048;
    for algorithm in Algorithm::ALL {
        let mut windows: HashMap<[u32; 4], (u64, u64, usize)> = HashMap::new();
        for base in 1..=3u64 {
            for k in 0..10u64 {
                let t = tensor(base, k, algorithm, COUNT);
                for (pos, w) in t.windows(4).enumerate() {
                    let key = [w[0], w[1], w[2], w[3]];
                    if let Some(&(b0, k0, p0)) = windows.get(&key) {
                        assert!(
                            b0 == base && k0 == k,
                            "{algorithm:?}: base {base} tensor {k} at {pos} repeats base {b0} tensor {k0} at {p0}"
                        );
                    }
                    windows.insert(key, (base, k, pos));
                }
            }
        }
    }
}

fn golden_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/derived_seeds.txt")
}

const GOLDEN_BASES: [u64; 6] = [0, 1, 2, 42, 20_261_201, u64::MAX];
const GOLDEN_INDICES: [u64; 7] = [0, 1, 2, 3, 9, 1023, u64::MAX];
const GOLDEN_NAMES: [&str; 8] = [
    "",
    "a",
    "conv1.weight",
    "conv1.bias",
    "12345678",
    "123456789",
    "model.layers.10.mlp.down_proj.weight",
    "Gewichte.größe",
];

fn hex(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "-".into();
    }
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

fn golden_text() -> String {
    let mut s = String::new();
    s.push_str(
        "# Derived seeds (docs/seeds.md). Written by tests/integrator.rs (VS_BLESS_GOLDEN=1);\n\
         # read by it, c_tests/, bindings/go and tests/python.\n\
         # index BASE INDEX SEED: vs_derive_seed(BASE, INDEX) == SEED\n\
         # name BASE NAMEHEX SEED: vs_derive_seed_name(BASE, the bytes NAMEHEX) == SEED (\"-\": the empty name)\n\
         # BASE and INDEX in decimal, SEED as 16 hex digits.\n",
    );
    for base in GOLDEN_BASES {
        for index in GOLDEN_INDICES {
            let _ = writeln!(s, "index {base} {index} {:016x}", derive_seed(base, index));
        }
    }
    for base in GOLDEN_BASES {
        for name in GOLDEN_NAMES {
            let _ = writeln!(
                s,
                "name {base} {} {:016x}",
                hex(name.as_bytes()),
                derive_seed_name(base, name.as_bytes())
            );
        }
    }
    s
}

/// The derived seeds are pinned.
#[test]
fn derived_seeds_match_the_golden_file() {
    let text = golden_text();
    if std::env::var_os("VS_BLESS_GOLDEN").is_some() {
        std::fs::write(golden_path(), &text).unwrap();
    }
    let file = std::fs::read_to_string(golden_path()).expect("tests/data/derived_seeds.txt");
    assert_eq!(file, text, "derived seeds changed");
    // and the file holds what the doc's table shows
    let doc =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/seeds.md"))
            .unwrap();
    for (call, value) in [
        ("vs_derive_seed(0, 0)", derive_seed(0, 0)),
        ("vs_derive_seed(1, 0)", derive_seed(1, 0)),
        ("vs_derive_seed(1, 1)", derive_seed(1, 1)),
        ("vs_derive_seed(2, 0)", derive_seed(2, 0)),
        ("vs_derive_seed_name(0, \"\")", derive_seed_name(0, b"")),
        (
            "vs_derive_seed_name(42, \"conv1.weight\")",
            derive_seed_name(42, b"conv1.weight"),
        ),
    ] {
        let row = format!("| `{call}` | `0x{value:016x}` |");
        assert!(doc.contains(&row), "docs/seeds.md lacks the row {row}");
    }
    let all: HashSet<&str> = file.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(
        all.len(),
        GOLDEN_BASES.len() * (GOLDEN_INDICES.len() + GOLDEN_NAMES.len())
    );
}
