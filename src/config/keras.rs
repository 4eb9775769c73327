//! The Keras JSON forms of a [`Config`]: `get_config()` written, and read
//! back with every form Keras and TensorFlow write (plain config,
//! serialized `{"class_name": ..., "config": ...}`, the presets by class or
//! function name, TF1 configs with `dtype`).

use std::collections::BTreeMap;

use serde::Serialize;

use super::python_json::{self, Json};
use super::{Axes, Config, Distribution, Mode, check_scale, json_str, truncate};
use crate::error::{Error, ErrorKind, err};

/// The six Keras presets that are VarianceScaling with fixed arguments.
const PRESETS: [(&str, &str, f64, Mode, Distribution); 6] = [
    (
        "GlorotNormal",
        "glorot_normal",
        1.0,
        Mode::FanAvg,
        Distribution::TruncatedNormal,
    ),
    (
        "GlorotUniform",
        "glorot_uniform",
        1.0,
        Mode::FanAvg,
        Distribution::Uniform,
    ),
    (
        "HeNormal",
        "he_normal",
        2.0,
        Mode::FanIn,
        Distribution::TruncatedNormal,
    ),
    (
        "HeUniform",
        "he_uniform",
        2.0,
        Mode::FanIn,
        Distribution::Uniform,
    ),
    (
        "LecunNormal",
        "lecun_normal",
        1.0,
        Mode::FanIn,
        Distribution::TruncatedNormal,
    ),
    (
        "LecunUniform",
        "lecun_uniform",
        1.0,
        Mode::FanIn,
        Distribution::Uniform,
    ),
];

/// What a `class_name` or bare name resolves to.
enum Class {
    VarianceScaling,
    Preset(f64, Mode, Distribution),
}

fn lookup_class(name: &str) -> Option<Class> {
    if name == "VarianceScaling" || name == "variance_scaling" {
        return Some(Class::VarianceScaling);
    }
    PRESETS
        .iter()
        .find(|p| p.0 == name || p.1 == name)
        .map(|p| Class::Preset(p.2, p.3, p.4))
}

/// The floating-point dtype names TensorFlow 1 configs may carry.
const FLOAT_DTYPES: [&str; 7] = [
    "float16", "half", "bfloat16", "float32", "float", "float64", "double",
];

#[derive(Serialize)]
struct KerasConfig<'a> {
    seed: Option<u64>,
    scale: f64,
    mode: &'a str,
    distribution: &'a str,
    input_axes: Option<&'a [i64]>,
    output_axes: Option<&'a [i64]>,
}

impl Config {
    /// Keras 3.15 `get_config()`: exactly `seed`, `scale`, `mode`,
    /// `distribution`, `input_axes`, `output_axes`, in that order, compact.
    pub fn to_json(&self) -> String {
        let k = KerasConfig {
            seed: self.seed,
            scale: self.scale,
            mode: self.mode.name(),
            distribution: self.distribution.name(),
            input_axes: self.axes.as_ref().map(|a| a.input.as_slice()),
            output_axes: self.axes.as_ref().map(|a| a.output.as_slice()),
        };
        // Serializing plain numbers, strings and arrays cannot fail.
        serde_json::to_string(&k).unwrap_or_default()
    }

    /// Parses any JSON form the contract accepts (listed in the [module
    /// docs](crate::config)), written in the JSON dialect Python's `json`
    /// module writes (`NaN`, `Infinity`, `-Infinity`, integers of any
    /// size).
    pub fn from_json(text: &str) -> Result<Config, Error> {
        let value = python_json::parse(text).map_err(|e| {
            Error::new(
                ErrorKind::InvalidConfig,
                format!("argument `json` is not valid JSON: {e}"),
            )
        })?;
        match value {
            Json::String(name) => Config::from_name(&name),
            Json::Object(map) => {
                if map.contains_key("class_name") {
                    Config::from_serialized(map)
                } else {
                    Config::from_plain(&map, None)
                }
            }
            other => err(
                ErrorKind::InvalidConfig,
                format!(
                    "argument `json` must be a JSON object or an initializer name string; received: {}",
                    show(&other)
                ),
            ),
        }
    }

    /// A bare Keras name such as `"he_normal"`, `"HeNormal"`,
    /// `"variance_scaling"`: that initializer with its defaults, unseeded.
    fn from_name(name: &str) -> Result<Config, Error> {
        match lookup_class(name) {
            Some(Class::VarianceScaling) => {
                Config::new(1.0, Mode::FanIn, Distribution::TruncatedNormal, None, None)
            }
            Some(Class::Preset(s, m, d)) => Config::new(s, m, d, None, None),
            None => err(
                ErrorKind::InvalidConfig,
                unknown_class_message(name, "initializer name"),
            ),
        }
    }

    /// `{"class_name": ..., "config": {...}, "module": ..., "registered_name": ...}`.
    fn from_serialized(map: BTreeMap<String, Json>) -> Result<Config, Error> {
        for key in map.keys() {
            if !matches!(
                key.as_str(),
                "class_name" | "config" | "module" | "registered_name" | "shared_object_id"
            ) {
                return err(
                    ErrorKind::InvalidConfig,
                    format!(
                        "unknown key {} in a serialized initializer (allowed: \"class_name\", \"config\", \"module\", \"registered_name\", \"shared_object_id\")",
                        json_str(key)
                    ),
                );
            }
        }
        for key in ["module", "registered_name"] {
            match map.get(key) {
                None | Some(Json::Null | Json::String(_)) => {}
                Some(v) => {
                    return err(
                        ErrorKind::InvalidConfig,
                        format!(
                            "\"{key}\" must be a string or null; received: {key}={}",
                            show(v)
                        ),
                    );
                }
            }
        }
        let class = match map.get("class_name") {
            Some(Json::String(s)) => s.as_str(),
            Some(v) => {
                return err(
                    ErrorKind::InvalidConfig,
                    format!(
                        "\"class_name\" must be a string; received: class_name={}",
                        show(v)
                    ),
                );
            }
            None => {
                return err(
                    ErrorKind::InvalidConfig,
                    "serialized initializer has no \"class_name\"",
                );
            }
        };
        let inner = match map.get("config") {
            Some(Json::Object(c)) => c,
            Some(v) => {
                return err(
                    ErrorKind::InvalidConfig,
                    format!(
                        "\"config\" must be a JSON object; received: config={}",
                        show(v)
                    ),
                );
            }
            None => {
                return err(
                    ErrorKind::InvalidConfig,
                    format!(
                        "serialized initializer {} has no \"config\" object",
                        json_str(class)
                    ),
                );
            }
        };
        match lookup_class(class) {
            Some(Class::VarianceScaling) => Config::from_plain(inner, None),
            Some(Class::Preset(s, m, d)) => Config::from_plain(inner, Some((class, s, m, d))),
            None => err(
                ErrorKind::InvalidConfig,
                unknown_class_message(class, "class_name"),
            ),
        }
    }

    /// A plain config object. With `preset`, only `seed` and the axes are
    /// allowed (the preset fixes scale, mode and distribution).
    fn from_plain(
        map: &BTreeMap<String, Json>,
        preset: Option<(&str, f64, Mode, Distribution)>,
    ) -> Result<Config, Error> {
        let allowed: &[&str] = if preset.is_some() {
            &["seed", "input_axes", "output_axes", "dtype"]
        } else {
            &[
                "seed",
                "scale",
                "mode",
                "distribution",
                "input_axes",
                "output_axes",
                "dtype",
            ]
        };
        for key in map.keys() {
            if !allowed.contains(&key.as_str()) {
                let whose = match preset {
                    Some((class, ..)) => format!("{class} config"),
                    None => "VarianceScaling config".to_string(),
                };
                let list: Vec<String> = allowed.iter().map(|k| json_str(k)).collect();
                return err(
                    ErrorKind::InvalidConfig,
                    format!(
                        "unknown key {} in the {whose} (allowed: {})",
                        json_str(key),
                        list.join(", ")
                    ),
                );
            }
        }

        // Checked in the order Keras and TensorFlow check them: scale, mode,
        // distribution, dtype; then seed and axes.
        let (mut scale, mut mode, mut distribution) = match preset {
            Some((_, s, m, d)) => (s, m, d),
            None => (1.0, Mode::FanIn, Distribution::TruncatedNormal),
        };
        if let Some(v) = map.get("scale") {
            scale = match v {
                Json::Number(n) => n.as_f64(),
                other => {
                    return err(
                        ErrorKind::InvalidScale,
                        format!(
                            "argument `scale` must be a number; received: scale={}",
                            show(other)
                        ),
                    );
                }
            };
            check_scale(scale)?;
        }
        if let Some(v) = map.get("mode") {
            mode = match v {
                Json::String(s) => Mode::from_name(s)?,
                other => {
                    return err(
                        ErrorKind::InvalidMode,
                        format!(
                            "argument `mode` must be a string; received: mode={}",
                            show(other)
                        ),
                    );
                }
            };
        }
        if let Some(v) = map.get("distribution") {
            distribution = match v {
                Json::String(s) => Distribution::from_name(s)?,
                other => {
                    return err(
                        ErrorKind::InvalidDistribution,
                        format!(
                            "argument `distribution` must be a string; received: distribution={}",
                            show(other)
                        ),
                    );
                }
            };
        }
        match map.get("dtype") {
            None | Some(Json::Null) => {}
            Some(Json::String(s)) if FLOAT_DTYPES.contains(&s.as_str()) => {}
            Some(Json::String(s)) => {
                return err(
                    ErrorKind::InvalidDtype,
                    format!(
                        "\"dtype\" must name a floating-point type (float16, bfloat16, float32, float64); received: dtype={}",
                        json_str(s)
                    ),
                );
            }
            Some(other) => {
                return err(
                    ErrorKind::InvalidDtype,
                    format!(
                        "\"dtype\" must be a string naming a floating-point type; received: dtype={}",
                        show(other)
                    ),
                );
            }
        }
        let seed = match map.get("seed") {
            None | Some(Json::Null) => None,
            Some(Json::Number(n)) if n.as_u64().is_some() => n.as_u64(),
            Some(other) => {
                return err(
                    ErrorKind::InvalidConfig,
                    format!(
                        "\"seed\" must be an integer in [0, 2^64) or null; received: seed={}",
                        show(other)
                    ),
                );
            }
        };
        let input = parse_axes(map.get("input_axes"), "input_axes")?;
        let output = parse_axes(map.get("output_axes"), "output_axes")?;
        let axes = match (input, output) {
            (None, None) => None,
            (Some(input), Some(output)) => Some(Axes { input, output }),
            (Some(_), None) | (None, Some(_)) => {
                return err(
                    ErrorKind::InvalidConfig,
                    "\"input_axes\" and \"output_axes\" must be given together or both be null; received only one of them",
                );
            }
        };
        Config::new(scale, mode, distribution, seed, axes)
    }
}

fn unknown_class_message(name: &str, what: &str) -> String {
    if name == "normal" || name == "uniform" {
        let other = if name == "normal" {
            "RandomNormal"
        } else {
            "RandomUniform"
        };
        format!(
            "{what} {} names Keras's {other} initializer, not VarianceScaling; use \"variance_scaling\" or a preset such as \"he_normal\", \"glorot_uniform\"",
            json_str(name)
        )
    } else {
        format!(
            "{what} {} is not VarianceScaling or one of its presets (VarianceScaling, GlorotNormal, GlorotUniform, HeNormal, HeUniform, LecunNormal, LecunUniform, or their snake_case names)",
            json_str(&truncate(name))
        )
    }
}

fn parse_axes(value: Option<&Json>, name: &str) -> Result<Option<Vec<i64>>, Error> {
    match value {
        None | Some(Json::Null) => Ok(None),
        Some(Json::Array(items)) => {
            let mut axes = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let axis = match item {
                    Json::Number(n) => n.as_i64(),
                    _ => None,
                };
                match axis {
                    Some(a) => axes.push(a),
                    None => {
                        return err(
                            ErrorKind::InvalidConfig,
                            format!(
                                "\"{name}\" must be an array of integers; received: {name}[{i}]={}",
                                show(item)
                            ),
                        );
                    }
                }
            }
            Ok(Some(axes))
        }
        Some(other) => err(
            ErrorKind::InvalidConfig,
            format!(
                "\"{name}\" must be an array of integers or null; received: {name}={}",
                show(other)
            ),
        ),
    }
}

/// A JSON value as it appeared in the input, for messages (short): numbers
/// Python's `json` writes but JSON has no literal for as written.
fn show(v: &Json) -> String {
    match v {
        Json::String(s) => json_str(s),
        other => truncate(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_survives_a_json_round_trip_bit_for_bit() {
        // serde_json's default float parser can be 1 ulp off; the
        // float_roundtrip feature makes it exact
        for scale in [9.052225290942383, 7.4365855480438405, 1.25e-300, 0.1, 1e300] {
            let c = Config::new(scale, Mode::FanIn, Distribution::Uniform, Some(1), None).unwrap();
            let back = Config::from_json(&c.to_json()).unwrap();
            assert_eq!(back.scale().to_bits(), scale.to_bits(), "{scale}");
        }
    }

    #[test]
    fn python_special_numbers_reach_the_right_check() {
        let cases: &[(&str, ErrorKind, &str)] = &[
            (r#"{"scale": NaN}"#, ErrorKind::InvalidScale, "scale=nan"),
            (
                r#"{"scale": Infinity}"#,
                ErrorKind::InvalidScale,
                "scale=inf",
            ),
            (
                r#"{"scale":-Infinity}"#,
                ErrorKind::InvalidScale,
                "scale=-inf",
            ),
            (r#"{"scale": 1e999}"#, ErrorKind::InvalidScale, "scale=inf"),
            (
                r#"{"class_name":"VarianceScaling","config":{"scale":NaN}}"#,
                ErrorKind::InvalidScale,
                "scale=nan",
            ),
            (
                r#"{"seed":18446744073709551616}"#,
                ErrorKind::InvalidConfig,
                "seed=18446744073709551616",
            ),
            (
                r#"{"seed":-9223372036854775809}"#,
                ErrorKind::InvalidConfig,
                "seed=-9223372036854775809",
            ),
            (r#"{"seed":NaN}"#, ErrorKind::InvalidConfig, "seed=NaN"),
            (
                r#"{"input_axes":[99999999999999999999],"output_axes":[0]}"#,
                ErrorKind::InvalidConfig,
                "input_axes[0]=99999999999999999999",
            ),
            // inside strings nothing is touched
            (
                r#"{"mode":"NaN 1e999 Infinity"}"#,
                ErrorKind::InvalidMode,
                "mode=\"NaN 1e999 Infinity\"",
            ),
            (
                r#"{"scale": NaNx}"#,
                ErrorKind::InvalidConfig,
                "not valid JSON",
            ),
        ];
        for (json, kind, needle) in cases {
            let e = Config::from_json(json).unwrap_err();
            assert_eq!(e.kind(), *kind, "{json}: {}", e.message());
            assert!(e.message().contains(needle), "{json}: {}", e.message());
        }
        // a huge integer scale is a valid (finite) scale
        let c = Config::from_json(r#"{"scale":100000000000000000000000}"#).unwrap();
        assert_eq!(c.scale(), 1e23);
        // escaped quotes inside strings do not confuse the pass
        assert!(
            Config::from_json(r#"{"bogus\"":NaN}"#)
                .unwrap_err()
                .message()
                .contains("bogus")
        );
    }

    #[test]
    fn errors_come_in_keras_order() {
        // scale, then mode, then distribution, then dtype, then seed/axes
        let cases: &[(&str, ErrorKind)] = &[
            (r#"{"scale":-1,"mode":"bad"}"#, ErrorKind::InvalidScale),
            (r#"{"mode":"bad","scale":-1}"#, ErrorKind::InvalidScale),
            (r#"{"seed":-1,"scale":-1}"#, ErrorKind::InvalidScale),
            (r#"{"dtype":"int32","scale":-1}"#, ErrorKind::InvalidScale),
            (r#"{"input_axes":[1],"scale":-1}"#, ErrorKind::InvalidScale),
            (
                r#"{"distribution":"x","mode":"bad"}"#,
                ErrorKind::InvalidMode,
            ),
            (
                r#"{"dtype":"int32","distribution":"x"}"#,
                ErrorKind::InvalidDistribution,
            ),
            (r#"{"seed":-1,"dtype":"int32"}"#, ErrorKind::InvalidDtype),
        ];
        for (json, kind) in cases {
            assert_eq!(Config::from_json(json).unwrap_err().kind(), *kind, "{json}");
        }
    }

    #[test]
    fn tf1_and_tf2_extras_are_accepted() {
        // TF1 presets carry dtype; tf.keras 2 writes shared_object_id
        let c = Config::from_json(
            r#"{"class_name":"GlorotUniform","config":{"seed":null,"dtype":"float32"}}"#,
        )
        .unwrap();
        assert_eq!(c.distribution(), Distribution::Uniform);
        let c = Config::from_json(
            r#"{"class_name":"HeNormal","config":{"seed":3},"shared_object_id":1}"#,
        )
        .unwrap();
        assert_eq!(c.seed(), Some(3));
        let e = Config::from_json(r#"{"class_name":"HeNormal","config":{"dtype":"int8"}}"#)
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidDtype);
    }

    /// Inputs that only look like Python's numbers, and strings that look
    /// like the markers an earlier reader put in their place
    /// (`"\u0000vs-raw-number:..."`), get the status a strict JSON parser
    /// and Keras would give.
    #[test]
    fn lookalike_numbers_and_forged_markers_are_rejected() {
        let cases: &[(&str, ErrorKind, &str)] = &[
            (
                r#"{"scale": --}"#,
                ErrorKind::InvalidConfig,
                "not valid JSON",
            ),
            (
                r#"{"scale": --5}"#,
                ErrorKind::InvalidConfig,
                "not valid JSON",
            ),
            (
                r#"{"scale": -}"#,
                ErrorKind::InvalidConfig,
                "not valid JSON",
            ),
            (
                r#"{"scale": 099999999999999999999}"#,
                ErrorKind::InvalidConfig,
                "not valid JSON",
            ),
            (
                r#"{"scale": 01e999}"#,
                ErrorKind::InvalidConfig,
                "not valid JSON",
            ),
            (
                r#"{"scale": 1.e999}"#,
                ErrorKind::InvalidConfig,
                "not valid JSON",
            ),
            (
                r#"{"scale": 1e+}"#,
                ErrorKind::InvalidConfig,
                "not valid JSON",
            ),
            (
                r#"{"scale": "\u0000vs-raw-number:2"}"#,
                ErrorKind::InvalidScale,
                "must be a number",
            ),
            (
                r#"{"seed": "\u0000vs-raw-number:5"}"#,
                ErrorKind::InvalidConfig,
                "seed=",
            ),
            (
                r#"{"class_name":"HeNormal","config":{},"module":--}"#,
                ErrorKind::InvalidConfig,
                "not valid JSON",
            ),
            (
                r#"{"class_name":"HeNormal","config":{},"registered_name":NaN}"#,
                ErrorKind::InvalidConfig,
                "registered_name=NaN",
            ),
            (
                r#"{"class_name":"HeNormal","config":{},"module":1e999}"#,
                ErrorKind::InvalidConfig,
                "module=1e999",
            ),
            (
                r#"{"class_name":-Infinity,"config":{}}"#,
                ErrorKind::InvalidConfig,
                "class_name=-Infinity",
            ),
            (r#"{"mode": NaN}"#, ErrorKind::InvalidMode, "mode=NaN"),
            (
                r#"{"distribution": Infinity}"#,
                ErrorKind::InvalidDistribution,
                "distribution=Infinity",
            ),
            (r#"{"dtype": NaN}"#, ErrorKind::InvalidDtype, "dtype=NaN"),
            ("NaN", ErrorKind::InvalidConfig, "received: NaN"),
            (
                r#"{"input_axes":[[NaN, "a\u0000"]],"output_axes":[]}"#,
                ErrorKind::InvalidConfig,
                r#"input_axes[0]=[NaN,"a\u0000"]"#,
            ),
            (
                r#"{"mode": "fan_in\u0000"}"#,
                ErrorKind::InvalidMode,
                r#""fan_in\u0000""#,
            ),
            (
                r#"{"mode": "\u0000vs-raw-number:1"}"#,
                ErrorKind::InvalidMode,
                r#""\u0000vs-raw-number:1""#,
            ),
        ];
        for &(json, kind, needle) in cases {
            let e = Config::from_json(json).unwrap_err();
            assert_eq!(e.kind(), kind, "{json}: {}", e.message());
            assert!(e.message().contains(needle), "{json}: {}", e.message());
            assert!(
                !e.message().contains("vs-raw-number") || json.contains("vs-raw-number"),
                "{json}: {}",
                e.message()
            );
        }
        // what Python writes for these is still read as it means
        let c = Config::from_json(r#"{"scale": 1e999}"#).unwrap_err();
        assert_eq!(c.kind(), ErrorKind::InvalidScale);
        let c = Config::from_json(r#"{"scale": 0.5e1, "seed": 18446744073709551615}"#).unwrap();
        assert_eq!((c.scale(), c.seed()), (5.0, Some(u64::MAX)));
    }

    /// `-0` is the integer 0, as Python reads it.
    #[test]
    fn minus_zero_is_the_integer_zero() {
        let c = Config::from_json(r#"{"seed": -0, "input_axes": [-0], "output_axes": [-0, 1]}"#)
            .unwrap();
        assert_eq!(c.seed(), Some(0));
        let axes = c.axes().unwrap();
        assert_eq!(
            (axes.input.as_slice(), axes.output.as_slice()),
            (&[0i64][..], &[0i64, 1][..])
        );
        // -0.0 stays a float: not an integer, and not > 0
        for json in [
            r#"{"seed": -0.0}"#,
            r#"{"input_axes": [-0.0], "output_axes": []}"#,
        ] {
            let e = Config::from_json(json).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidConfig, "{json}");
        }
        let e = Config::from_json(r#"{"scale": -0.0}"#).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidScale);
        let e = Config::from_json(r#"{"scale": -0}"#).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidScale);
    }

    /// Numbers of any length are shown cut short.
    #[test]
    fn long_numbers_give_short_messages() {
        let digits = "1".repeat(5000);
        for json in [
            format!(r#"{{"seed": {digits}}}"#),
            format!(r#"{{"input_axes": [{digits}], "output_axes": []}}"#),
            format!(r#"{{"input_axes": [[{digits}]], "output_axes": []}}"#),
            format!(r#"{{"mode": {digits}e999}}"#),
            format!(r#"{{"scale": "{digits}"}}"#),
            digits.clone(),
        ] {
            let e = Config::from_json(&json).unwrap_err();
            assert!(e.message().len() < 1000, "{} bytes", e.message().len());
        }
    }

    #[test]
    fn hostile_strings_give_short_messages() {
        let long = "x".repeat(1 << 20);
        for json in [
            format!(r#"{{"mode":"{long}"}}"#),
            format!(r#"{{"distribution":"{long}"}}"#),
            format!(r#"{{"dtype":"{long}"}}"#),
            format!(r#"{{"{long}":1}}"#),
            format!(r#""{long}""#),
        ] {
            let e = Config::from_json(&json).unwrap_err();
            assert!(e.message().len() < 1000, "{} bytes", e.message().len());
        }
    }

    #[test]
    fn get_config_has_keras_keys_in_order() {
        let c = Config::new(
            2.0,
            Mode::FanOut,
            Distribution::UntruncatedNormal,
            Some(123),
            None,
        )
        .unwrap();
        assert_eq!(
            c.to_json(),
            r#"{"seed":123,"scale":2.0,"mode":"fan_out","distribution":"untruncated_normal","input_axes":null,"output_axes":null}"#
        );
        let axes = Axes {
            input: vec![1, 2, 3],
            output: vec![0, 2, 3],
        };
        let c = Config::new(
            1.0,
            Mode::FanIn,
            Distribution::TruncatedNormal,
            None,
            Some(axes),
        )
        .unwrap();
        assert_eq!(
            c.to_json(),
            r#"{"seed":null,"scale":1.0,"mode":"fan_in","distribution":"truncated_normal","input_axes":[1,2,3],"output_axes":[0,2,3]}"#
        );
        assert_eq!(Config::from_json(&c.to_json()).unwrap(), c);
    }

    #[test]
    fn all_accepted_forms() {
        let plain = Config::from_json(
            r#"{"mode":"fan_avg","distribution":"normal","seed":18446744073709551615}"#,
        )
        .unwrap();
        assert_eq!(plain.distribution(), Distribution::TruncatedNormal);
        assert_eq!(plain.seed(), Some(u64::MAX));
        assert_eq!(plain.scale(), 1.0);
        let empty = Config::from_json("{}").unwrap();
        assert_eq!(
            (
                empty.scale(),
                empty.mode(),
                empty.distribution(),
                empty.seed()
            ),
            (1.0, Mode::FanIn, Distribution::TruncatedNormal, None)
        );
        let tf1 = Config::from_json(
            r#"{"scale":2,"mode":"fan_in","distribution":"uniform","seed":null,"dtype":"float32"}"#,
        )
        .unwrap();
        assert_eq!(tf1.scale(), 2.0);
        let ser = Config::from_json(r#"{"module":"keras.initializers","class_name":"HeUniform","config":{"seed":4,"input_axes":null,"output_axes":null},"registered_name":null}"#).unwrap();
        assert_eq!(
            (ser.scale(), ser.mode(), ser.distribution(), ser.seed()),
            (2.0, Mode::FanIn, Distribution::Uniform, Some(4))
        );
        let old =
            Config::from_json(r#"{"class_name":"GlorotNormal","config":{"seed":null}}"#).unwrap();
        assert_eq!(old.mode(), Mode::FanAvg);
        for name in [
            "he_normal",
            "HeNormal",
            "glorot_uniform",
            "variance_scaling",
            "VarianceScaling",
            "lecun_uniform",
        ] {
            assert!(Config::from_json(&format!("\"{name}\"")).is_ok(), "{name}");
        }
    }

    #[test]
    fn rejected_forms_name_the_problem() {
        let cases: &[(&str, ErrorKind, &str)] = &[
            ("\"normal\"", ErrorKind::InvalidConfig, "RandomNormal"),
            ("\"uniform\"", ErrorKind::InvalidConfig, "RandomUniform"),
            ("\"HE_NORMAL\"", ErrorKind::InvalidConfig, "HE_NORMAL"),
            (r#"{"scale":-2}"#, ErrorKind::InvalidScale, "scale=-2"),
            (r#"{"scale":"1"}"#, ErrorKind::InvalidScale, "scale=\"1\""),
            (r#"{"mode":"Fan_In"}"#, ErrorKind::InvalidMode, "Fan_In"),
            (
                r#"{"distribution":"cauchy"}"#,
                ErrorKind::InvalidDistribution,
                "cauchy",
            ),
            (r#"{"dtype":"int32"}"#, ErrorKind::InvalidDtype, "int32"),
            (r#"{"seed":-1}"#, ErrorKind::InvalidConfig, "seed=-1"),
            (r#"{"seed":1.5}"#, ErrorKind::InvalidConfig, "seed=1.5"),
            (
                r#"{"seed":18446744073709551616}"#,
                ErrorKind::InvalidConfig,
                "seed=",
            ),
            (r#"{"bogus":1}"#, ErrorKind::InvalidConfig, "\"bogus\""),
            (
                r#"{"input_axes":[1]}"#,
                ErrorKind::InvalidConfig,
                "together",
            ),
            (
                r#"{"input_axes":[1.5],"output_axes":[0]}"#,
                ErrorKind::InvalidConfig,
                "input_axes[0]",
            ),
            (
                r#"{"class_name":"HeNormal","config":{"scale":3}}"#,
                ErrorKind::InvalidConfig,
                "\"scale\"",
            ),
            (
                r#"{"class_name":"Orthogonal","config":{}}"#,
                ErrorKind::InvalidConfig,
                "Orthogonal",
            ),
            (
                r#"{"class_name":"HeNormal"}"#,
                ErrorKind::InvalidConfig,
                "no \"config\"",
            ),
            (
                r#"{"class_name":"HeNormal","config":{},"extra":1}"#,
                ErrorKind::InvalidConfig,
                "\"extra\"",
            ),
            ("[1,2]", ErrorKind::InvalidConfig, "[1,2]"),
            ("{", ErrorKind::InvalidConfig, "not valid JSON"),
        ];
        for (json, kind, needle) in cases {
            let e = Config::from_json(json).unwrap_err();
            assert_eq!(e.kind(), *kind, "{json}: {}", e.message());
            assert!(e.message().contains(needle), "{json}: {}", e.message());
        }
    }
}
