//! Fuzz target: `vs_from_config_json` on arbitrary bytes.
//!
//! The input up to its first NUL is the C string passed in. Whatever it
//! is, the call must return a status (never crash, hang or leak), leave
//! `*out` NULL with a short message on error, and on success give a handle
//! whose config JSON parses back to the same config and the same values.
//! Two oracles written from the contract, not from the library's code:
//! only text Python's `json.loads` reads can be accepted (anything else is
//! `VS_ERR_INVALID_CONFIG`), and for plain JSON every accepted field must
//! come out as Keras maps it.

#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use variance_scaling::c_api::*;

mod common;
use common::*;

/// Small shapes every accepted config is tried on.
const SHAPES: [&[i64]; 4] = [&[], &[5], &[4, 3], &[2, 3, 2, 2]];

/// Keras 3's presets: class name, function name, scale, mode, distribution.
const PRESETS: [(&str, &str, f64, &str, &str); 6] = [
    (
        "GlorotNormal",
        "glorot_normal",
        1.0,
        "fan_avg",
        "truncated_normal",
    ),
    ("GlorotUniform", "glorot_uniform", 1.0, "fan_avg", "uniform"),
    ("HeNormal", "he_normal", 2.0, "fan_in", "truncated_normal"),
    ("HeUniform", "he_uniform", 2.0, "fan_in", "uniform"),
    (
        "LecunNormal",
        "lecun_normal",
        1.0,
        "fan_in",
        "truncated_normal",
    ),
    ("LecunUniform", "lecun_uniform", 1.0, "fan_in", "uniform"),
];

/// (scale, mode, distribution) of a class or function name, as Keras
/// defines them; None for any other name.
fn class_defaults(name: &str) -> Option<(f64, String, String)> {
    if name == "VarianceScaling" || name == "variance_scaling" {
        return Some((1.0, "fan_in".into(), "truncated_normal".into()));
    }
    PRESETS
        .iter()
        .find(|p| p.0 == name || p.1 == name)
        .map(|p| (p.2, p.3.to_string(), p.4.to_string()))
}

/// `v` as Python reads the same text: serde_json reads the integer `-0` as
/// the float -0.0, Python as the integer 0. (The float `-0.0` reads the
/// same in both; the library rejects it where an integer is needed, so an
/// accepted -0.0 here was written `-0`.)
fn as_python(v: &Value) -> Value {
    match v {
        Value::Number(n) if n.as_f64() == Some(0.0) && n.is_f64() => Value::from(0u64),
        Value::Array(a) => Value::Array(a.iter().map(as_python).collect()),
        other => other.clone(),
    }
}

/// Checks an accepted input that is plain JSON against the config the
/// library reports, field by field.
fn check_fields(input: &Value, out: &Value) {
    let (class, plain) = match input {
        Value::String(name) => (name.as_str(), None),
        Value::Object(m) if m.contains_key("class_name") => (
            m["class_name"]
                .as_str()
                .expect("accepted a non-string class_name"),
            Some(
                m["config"]
                    .as_object()
                    .expect("accepted a non-object config"),
            ),
        ),
        Value::Object(m) => ("VarianceScaling", Some(m)),
        other => panic!("accepted a top-level {other}"),
    };
    let (mut scale, mut mode, mut dist) =
        class_defaults(class).unwrap_or_else(|| panic!("accepted class {class:?}"));
    let preset = class != "VarianceScaling" && class != "variance_scaling";
    let mut seed = Value::Null;
    let (mut inp, mut outp) = (Value::Null, Value::Null);
    for (k, v) in plain.into_iter().flatten() {
        match k.as_str() {
            "scale" if !preset => {
                scale = v.as_f64().unwrap_or_else(|| panic!("accepted scale {v}"));
            }
            "mode" if !preset => mode = v.as_str().expect("accepted a non-string mode").into(),
            "distribution" if !preset => {
                let d = v.as_str().expect("accepted a non-string distribution");
                dist = match d.to_lowercase().as_str() {
                    "normal" => "truncated_normal".into(),
                    other => other.into(),
                };
            }
            "seed" => seed = as_python(v),
            "input_axes" => inp = as_python(v),
            "output_axes" => outp = as_python(v),
            "dtype" => {
                let d = v.as_str().unwrap_or("");
                let float = [
                    "float16", "half", "bfloat16", "float32", "float", "float64", "double",
                ];
                assert!(v.is_null() || float.contains(&d), "accepted dtype {v}");
            }
            other => panic!("accepted key {other:?} in a {class} config"),
        }
    }
    assert!(scale.is_finite() && scale > 0.0, "accepted scale {scale}");
    assert!(
        ["fan_in", "fan_out", "fan_avg"].contains(&mode.as_str()),
        "accepted mode {mode}"
    );
    assert_eq!(
        out["scale"].as_f64().map(f64::to_bits),
        Some(scale.to_bits()),
        "{out}"
    );
    assert_eq!(out["mode"], Value::String(mode), "{out}");
    assert_eq!(out["distribution"], Value::String(dist), "{out}");
    assert!(seed.is_null() || seed.is_u64(), "accepted seed {seed}");
    assert_eq!(out["seed"], seed, "{out}");
    assert_eq!(out["input_axes"], inp, "{out}");
    assert_eq!(out["output_axes"], outp, "{out}");
}

fuzz_target!(|data: &[u8]| {
    let end = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    let bytes = &data[..end];

    let Ok(text) = std::str::from_utf8(bytes) else {
        // not UTF-8: always VS_ERR_INVALID_CONFIG
        let c = std::ffi::CString::new(bytes).unwrap();
        let mut h = sentinel_handle();
        // SAFETY: NUL-terminated string; writable out-pointer.
        let st = unsafe { vs_from_config_json(c.as_ptr(), &mut h) };
        assert_eq!(st, vs_status::VS_ERR_INVALID_CONFIG);
        assert!(h.is_null());
        check_error_message(st, "vs_from_config_json (not UTF-8)");
        return;
    };

    let grammatical = is_python_json(bytes);
    let h = match from_json(text) {
        Ok(h) => h,
        Err(st) => {
            if !grammatical {
                assert_eq!(st, vs_status::VS_ERR_INVALID_CONFIG, "not JSON: {text:?}");
            }
            return;
        }
    };
    assert!(grammatical, "accepted text that is not JSON: {text:?}");

    let json = config_json(h);
    let out: Value = serde_json::from_str(&json).expect("config JSON is not JSON");
    if let Ok(input) = serde_json::from_str::<Value>(text) {
        check_fields(&input, &out);
    }
    let seeded = !out["seed"].is_null();
    let h2 = match from_json(&json) {
        Ok(h2) => h2,
        Err(st) => panic!("own config JSON {json} rejected: {st:?} {}", last_message()),
    };
    assert_eq!(config_json(h2), json, "config JSON is not a fixed point");
    if seeded {
        assert_eq!(seed_of(h), seed_of(h2));
        assert_eq!(out["seed"].as_u64(), Some(seed_of(h)));
    }

    for shape in SHAPES {
        let (a, b) = (describe(h, shape), describe(h2, shape));
        assert_eq!(
            format!("{a:?}"),
            format!("{b:?}"),
            "round trip changed describe({shape:?}) of {json}"
        );
        let Ok(p) = a else {
            // only a uniform limit that overflows for a huge scale, or an
            // axis out of range for this shape
            let st = a.unwrap_err();
            let uniform_overflow = st == vs_status::VS_ERR_INVALID_SCALE
                && out["distribution"] == "uniform"
                && out["scale"]
                    .as_f64()
                    .is_some_and(|s| s > f64::MAX / 3.0 / 100.0);
            let axis_out_of_range =
                st == vs_status::VS_ERR_INVALID_SHAPE && !out["input_axes"].is_null();
            assert!(
                uniform_overflow || axis_out_of_range,
                "describe({shape:?}) of {json}: {st:?}"
            );
            continue;
        };
        assert!(p.n >= 1.0 && p.stddev >= 0.0 && p.limit >= 0.0, "{p:?}");
        let count: usize = shape.iter().map(|&d| d as usize).product();
        let v = fill_f64(h, shape, count);
        assert!(
            v.iter().all(|x| x.is_finite() && x.abs() <= p.limit),
            "{json} {shape:?}: {v:?} beyond {}",
            p.limit
        );
        if seeded {
            let v2 = fill_f64(h2, shape, count);
            let same = v.iter().zip(&v2).all(|(x, y)| x.to_bits() == y.to_bits());
            assert!(same, "round trip of {json} changed the values");
        }
    }

    // SAFETY: live handles, not used afterwards.
    unsafe {
        vs_destroy(h);
        vs_destroy(h2);
    }
});
