//! Real Keras 3.15.1 output (c_tests/fixtures, see its README) loads, and
//! what the library writes back is what Keras's get_config() wrote.

use std::path::PathBuf;

use serde_json::Value;
use variance_scaling::{Config, Distribution, Mode};

fn fixtures() -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("c_tests/fixtures");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("c_tests/fixtures") {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            out.push((name, std::fs::read_to_string(&path).unwrap()));
        }
    }
    out.sort();
    assert!(
        out.len() >= 19,
        "expected the Keras fixtures, found {}",
        out.len()
    );
    out
}

fn expected(name: &str) -> (f64, Mode, Distribution) {
    use Distribution::*;
    use Mode::*;
    let class = name.rsplit('_').next().unwrap();
    match (name, class) {
        // a preset's get_config() holds only seed and axes: alone, it reads
        // as a VarianceScaling config with Keras's defaults
        _ if name.starts_with("get_config_") && !name.contains("VarianceScaling") => {
            (1.0, FanIn, TruncatedNormal)
        }
        (_, "axes") => (1.0, FanIn, TruncatedNormal),
        (_, "VarianceScaling") => (2.0, FanOut, UntruncatedNormal),
        (_, "GlorotNormal") => (1.0, FanAvg, TruncatedNormal),
        (_, "GlorotUniform") => (1.0, FanAvg, Uniform),
        (_, "HeNormal") => (2.0, FanIn, TruncatedNormal),
        (_, "HeUniform") => (2.0, FanIn, Uniform),
        (_, "LecunNormal") => (1.0, FanIn, TruncatedNormal),
        (_, "LecunUniform") => (1.0, FanIn, Uniform),
        ("model_conv2d_kernel_initializer", _) => (2.0, FanIn, TruncatedNormal),
        ("model_conv2d_1_kernel_initializer", _) => (0.5, FanAvg, Uniform),
        ("model_dense_kernel_initializer", _) => (1.0, FanAvg, TruncatedNormal),
        _ => panic!("no expectation for fixture {name}"),
    }
}

#[test]
fn every_keras_fixture_loads_with_the_right_parameters() {
    for (name, text) in fixtures() {
        let c = Config::from_json(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let (scale, mode, dist) = expected(&name);
        assert_eq!(
            (c.scale(), c.mode(), c.distribution()),
            (scale, mode, dist),
            "{name}"
        );
        // the seed is whatever Keras wrote
        let v: Value = serde_json::from_str(&text).unwrap();
        let cfg = v.get("config").unwrap_or(&v);
        assert_eq!(c.seed(), cfg["seed"].as_u64(), "{name}");
    }
}

#[test]
fn get_config_round_trips_to_what_keras_wrote() {
    for (name, text) in fixtures() {
        if !name.starts_with("get_config_VarianceScaling") {
            continue;
        }
        let ours = Config::from_json(&text).unwrap().to_json();
        // Keras's text without its indentation is, byte for byte, ours
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        assert_eq!(ours, compact, "{name}");
    }
}
