//! The validated initializer config, and its Keras 3 JSON forms.
//!
//! [`Config::new`] checks the arguments as Keras 3's `VarianceScaling`
//! does (plus NaN/infinity for `scale`); [`Config::to_json`] writes exactly
//! the six keys of Keras 3.15's `get_config()`; [`Config::from_json`]
//! accepts every form listed in `docs/c-api` (plain config, serialized
//! `{"class_name", "config", ...}` for `VarianceScaling` and the six presets,
//! bare names, TF1 configs with `dtype`).

use std::borrow::Cow;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{Error, ErrorKind, err};

/// Which fan `n` is taken from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    /// `n = fan_in`
    FanIn,
    /// `n = fan_out`
    FanOut,
    /// `n = (fan_in + fan_out) / 2` (a real-valued mean)
    FanAvg,
}

impl Mode {
    /// All modes, in ABI order.
    pub const ALL: [Mode; 3] = [Mode::FanIn, Mode::FanOut, Mode::FanAvg];

    /// The Keras name (`fan_in`, `fan_out`, `fan_avg`).
    pub fn name(self) -> &'static str {
        match self {
            Mode::FanIn => "fan_in",
            Mode::FanOut => "fan_out",
            Mode::FanAvg => "fan_avg",
        }
    }

    /// Parses a Keras mode name; case-sensitive, as in Keras and TensorFlow.
    pub fn from_name(name: &str) -> Result<Mode, Error> {
        Mode::ALL.into_iter().find(|m| m.name() == name).ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidMode,
                format!(
                    "argument `mode` must be exactly one of \"fan_in\", \"fan_out\", \"fan_avg\" (case-sensitive); received: mode={}",
                    json_str(name)
                ),
            )
        })
    }
}

/// Which distribution the values are drawn from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Distribution {
    /// Normal truncated to `|x| < 2 sigma` by re-drawing (Keras's `normal`).
    TruncatedNormal,
    /// Plain normal.
    UntruncatedNormal,
    /// Uniform in `[-limit, limit)`.
    Uniform,
}

impl Distribution {
    /// All distributions, in ABI order.
    pub const ALL: [Distribution; 3] = [
        Distribution::TruncatedNormal,
        Distribution::UntruncatedNormal,
        Distribution::Uniform,
    ];

    /// The canonical (lower-case) Keras name.
    pub fn name(self) -> &'static str {
        match self {
            Distribution::TruncatedNormal => "truncated_normal",
            Distribution::UntruncatedNormal => "untruncated_normal",
            Distribution::Uniform => "uniform",
        }
    }

    /// Parses a distribution name case-insensitively, as Keras does;
    /// `normal` is an alias of `truncated_normal`.
    pub fn from_name(name: &str) -> Result<Distribution, Error> {
        let lower = name.to_ascii_lowercase();
        if lower == "normal" {
            return Ok(Distribution::TruncatedNormal);
        }
        Distribution::ALL
            .into_iter()
            .find(|d| d.name() == lower)
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidDistribution,
                    format!(
                        "argument `distribution` must be one of \"truncated_normal\" (alias \"normal\"), \"untruncated_normal\", \"uniform\" (case-insensitive); received: distribution={}",
                        json_str(name)
                    ),
                )
            })
    }
}

/// Explicit fan axes (Keras 3.15 `input_axes` / `output_axes`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct Axes {
    /// Axes whose sizes multiply to `fan_in`.
    pub input: Vec<i64>,
    /// Axes whose sizes multiply to `fan_out`.
    pub output: Vec<i64>,
}

/// A validated VarianceScaling configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    scale: f64,
    mode: Mode,
    distribution: Distribution,
    seed: Option<u64>,
    axes: Option<Axes>,
}

/// Checks `scale`: finite and > 0.
pub fn check_scale(scale: f64) -> Result<f64, Error> {
    if scale.is_finite() && scale > 0.0 {
        Ok(scale)
    } else {
        err(
            ErrorKind::InvalidScale,
            format!(
                "argument `scale` must be a finite number > 0; received: scale={}",
                fmt_f64(scale)
            ),
        )
    }
}

/// Formats a float for messages: `nan`, `inf`, `-inf`, or the shortest
/// round-tripping decimal.
fn fmt_f64(v: f64) -> String {
    if v.is_nan() {
        "nan".into()
    } else {
        format!("{v:?}")
    }
}

/// A string as a JSON literal, for messages (shows quotes and escapes).
/// Long (possibly hostile) strings are cut to keep messages short.
fn json_str(s: &str) -> String {
    // the string as the caller wrote it: `protect_special_numbers` doubled
    // every NUL in it
    truncate(&Value::String(s.replace("\0\0", "\0")).to_string())
}

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
    /// A validated config. `seed = None` means unseeded (the initializer
    /// draws its seed from the OS when it is created).
    pub fn new(
        scale: f64,
        mode: Mode,
        distribution: Distribution,
        seed: Option<u64>,
        axes: Option<Axes>,
    ) -> Result<Config, Error> {
        check_scale(scale)?;
        Ok(Config {
            scale,
            mode,
            distribution,
            seed,
            axes,
        })
    }

    /// The scale factor.
    pub fn scale(&self) -> f64 {
        self.scale
    }
    /// The mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }
    /// The distribution.
    pub fn distribution(&self) -> Distribution {
        self.distribution
    }
    /// The seed as configured (`None`: unseeded).
    pub fn seed(&self) -> Option<u64> {
        self.seed
    }
    /// The explicit fan axes, if any.
    pub fn axes(&self) -> Option<&Axes> {
        self.axes.as_ref()
    }

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

    /// Parses any JSON form the contract accepts (see the module docs).
    pub fn from_json(text: &str) -> Result<Config, Error> {
        let protected = protect_special_numbers(text);
        let value: Value = serde_json::from_str(&protected.text).map_err(|e| {
            Error::new(
                ErrorKind::InvalidConfig,
                format!(
                    "argument `json` is not valid JSON: {}",
                    syntax_error(&e, text, &protected)
                ),
            )
        })?;
        // only a rewrite can have put a marker where a key is
        let number_key = if protected.edits.is_empty() {
            None
        } else {
            number_as_key(&value)
        };
        if let Some(raw) = number_key {
            return err(
                ErrorKind::InvalidConfig,
                format!(
                    "argument `json` is not valid JSON: an object key must be a string; received: {}",
                    truncate(raw)
                ),
            );
        }
        match value {
            Value::String(name) if raw_number(&name).is_none() => Config::from_name(&name),
            Value::Object(map) => {
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
    fn from_serialized(map: Map<String, Value>) -> Result<Config, Error> {
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
                None | Some(Value::Null) => {}
                Some(Value::String(s)) if raw_number(s).is_none() => {}
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
            Some(Value::String(s)) if raw_number(s).is_none() => s.as_str(),
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
            Some(Value::Object(c)) => c,
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
        map: &Map<String, Value>,
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
                Value::Number(n) => n.as_f64().unwrap_or(f64::NAN),
                Value::String(s) if raw_number(s).is_some() => {
                    parse_raw_f64(raw_number(s).unwrap_or_default())
                }
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
                Value::String(s) if raw_number(s).is_none() => Mode::from_name(s)?,
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
                Value::String(s) if raw_number(s).is_none() => Distribution::from_name(s)?,
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
            None | Some(Value::Null) => {}
            Some(Value::String(s)) if FLOAT_DTYPES.contains(&s.as_str()) => {}
            Some(Value::String(s)) if raw_number(s).is_none() => {
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
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) if n.as_u64().is_some() => n.as_u64(),
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

/// Prefix of the strings that [`protect_special_numbers`] puts where the
/// JSON text has a number serde_json cannot hold; the original text follows.
/// No string of the caller's can start with it: the same pass doubles every
/// NUL the caller writes inside a string, so a caller's string that starts
/// with a NUL has a second one right after it.
const RAW_NUMBER: &str = "\u{0}vs-raw-number:";

/// [`RAW_NUMBER`] as it appears in serialized JSON.
const RAW_NUMBER_JSON: &str = "\"\\u0000vs-raw-number:";

/// The original text of a protected number, if `s` is one.
fn raw_number(s: &str) -> Option<&str> {
    s.strip_prefix(RAW_NUMBER)
}

/// The value of a protected number: `NaN`, `Infinity`, `-Infinity`, a
/// literal beyond binary64's range (gives an infinity), or an integer
/// beyond 64 bits (gives the nearest binary64).
fn parse_raw_f64(raw: &str) -> f64 {
    match raw {
        "NaN" => f64::NAN,
        "Infinity" => f64::INFINITY,
        "-Infinity" => f64::NEG_INFINITY,
        other => other.parse().unwrap_or(f64::NAN),
    }
}

/// A JSON value as it appeared in the input, for messages (short).
fn show(v: &Value) -> String {
    match v {
        Value::String(s) => match raw_number(s) {
            Some(raw) => truncate(raw),
            None => json_str(s),
        },
        other => {
            // an array or object: its protected numbers as written, its
            // strings with their NULs single again
            let json = other.to_string();
            let mut shown = String::with_capacity(json.len().min(1024));
            let mut rest = json.as_str();
            while let Some(at) = rest.find(RAW_NUMBER_JSON) {
                shown.push_str(&rest[..at]);
                let raw = &rest[at + RAW_NUMBER_JSON.len()..];
                // number text is ASCII without quotes: the marker ends at
                // the next quote
                let end = raw.find('"').unwrap_or(raw.len());
                shown.push_str(&raw[..end]);
                rest = raw.get(end + 1..).unwrap_or("");
            }
            shown.push_str(rest);
            truncate(&shown.replace("\\u0000\\u0000", "\\u0000"))
        }
    }
}

/// Whether `t` is a number as JSON's grammar writes it:
/// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
fn is_json_number(t: &[u8]) -> bool {
    let digits = |mut i: usize| {
        while t.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        i
    };
    let mut i = usize::from(t.first() == Some(&b'-'));
    i = match t.get(i) {
        Some(b'0') => i + 1,
        Some(b'1'..=b'9') => digits(i + 1),
        _ => return false,
    };
    if t.get(i) == Some(&b'.') {
        let end = digits(i + 1);
        if end == i + 1 {
            return false;
        }
        i = end;
    }
    if matches!(t.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(t.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let end = digits(i);
        if end == i {
            return false;
        }
        i = end;
    }
    i == t.len()
}

/// The text given to serde_json, and where it differs from the caller's.
struct Protected<'a> {
    text: Cow<'a, str>,
    /// `(out_start, out_end, in_start, in_end)` of every rewrite, in order.
    edits: Vec<(usize, usize, usize, usize)>,
}

impl Protected<'_> {
    /// The caller's byte offset of byte `o` of the rewritten text (a byte
    /// inside a rewrite maps to the start of what it replaced).
    fn input_offset(&self, o: usize) -> usize {
        let mut shift: isize = 0;
        for &(os, oe, is, ie) in &self.edits {
            if o < os {
                break;
            }
            if o < oe {
                return is;
            }
            shift = ie as isize - oe as isize;
        }
        (o as isize + shift).max(0) as usize
    }
}

/// Python's `json.dumps` writes `NaN`, `Infinity` and `-Infinity` (Keras
/// accepts `scale=float("nan")` and writes it so), and integers of any
/// size. serde_json rejects the former and turns huge integers into floats.
/// This pass replaces, outside strings, each such token (and any number
/// literal beyond binary64's range or an integer beyond
/// `[i64::MIN, u64::MAX]`) with a marker string holding its text, so the
/// key it belongs to can report it with the right status and as written.
/// It also writes the integer `-0` as `0` (Python reads it as the integer
/// 0, serde_json as the float -0.0), and doubles every NUL written inside
/// a string (see [`RAW_NUMBER`]). Only tokens that are numbers by JSON's
/// grammar are touched; the parser rejects everything else. A marker in a
/// place a string cannot be either (an object key) is rejected after
/// parsing ([`number_as_key`]).
fn protect_special_numbers(text: &str) -> Protected<'_> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut edits = Vec::new();
    let mut copied = 0; // bytes of `text` already copied into `out`
    // replaces text[at..at + len] by `with`
    let mut edit = |at: usize, len: usize, with: &[&str]| {
        let o = out.get_or_insert_with(|| String::with_capacity(text.len() + 32));
        o.push_str(&text[copied..at]);
        let start = o.len();
        for w in with {
            o.push_str(w);
        }
        edits.push((start, o.len(), at, at + len));
        copied = at + len;
    };
    let mut i = 0;
    let mut in_string = false;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' if bytes[i..].starts_with(b"\\u0000") => {
                    // a NUL of the caller's: doubled (see RAW_NUMBER)
                    edit(i, 6, &["\\u0000\\u0000"]);
                    i += 6;
                }
                b'\\' => i += 2,
                b'"' => {
                    in_string = false;
                    i += 1;
                }
                _ => i += 1,
            }
            continue;
        }
        if b == b'"' {
            in_string = true;
            i += 1;
            continue;
        }
        // bytes, not str: outside strings a non-ASCII byte (invalid JSON,
        // reported by the parser) may sit anywhere, also mid-character
        let rest = &bytes[i..];
        if let Some(t) = ["-Infinity", "Infinity", "NaN"]
            .into_iter()
            .find(|t| rest.starts_with(t.as_bytes()))
        {
            edit(i, t.len(), &["\"\\u0000vs-raw-number:", t, "\""]);
            i += t.len();
            continue;
        }
        if b == b'-' || b.is_ascii_digit() {
            let len = rest
                .iter()
                .take_while(|c| c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E'))
                .count();
            // ASCII from an ASCII byte on: both ends are char boundaries
            let tok = &text[i..i + len];
            // anything that is not a JSON number is left to the parser,
            // which rejects it
            if is_json_number(tok.as_bytes()) {
                let float = tok.contains(['.', 'e', 'E']);
                if tok == "-0" {
                    edit(i, len, &["0"]);
                } else if (float && tok.parse::<f64>().is_ok_and(|v| v.is_infinite()))
                    || (!float && tok.parse::<i64>().is_err() && tok.parse::<u64>().is_err())
                {
                    edit(i, len, &["\"\\u0000vs-raw-number:", tok, "\""]);
                }
            }
            i += len.max(1);
            continue;
        }
        i += 1;
    }
    let text = match out {
        Some(mut o) => {
            o.push_str(&text[copied..]);
            Cow::Owned(o)
        }
        None => Cow::Borrowed(text),
    };
    Protected { text, edits }
}

/// The first object key, at any depth, that is a protected number: the
/// caller wrote a number (or `NaN`, `Infinity`) where JSON needs a string.
fn number_as_key(v: &Value) -> Option<&str> {
    match v {
        Value::Object(m) => m
            .keys()
            .find_map(|k| raw_number(k))
            .or_else(|| m.values().find_map(number_as_key)),
        Value::Array(a) => a.iter().find_map(number_as_key),
        _ => None,
    }
}

/// serde_json's message for `e`, with its line and column those of the
/// caller's text rather than of the rewritten one.
fn syntax_error(e: &serde_json::Error, original: &str, p: &Protected<'_>) -> String {
    let msg = e.to_string();
    let position = format!(" at line {} column {}", e.line(), e.column());
    let Some(base) = msg.strip_suffix(&position) else {
        return msg;
    };
    if e.line() == 0 || p.edits.is_empty() {
        return msg;
    }
    // rewrites add no newline: the line is the same in both texts
    let line_start = |t: &str| -> usize {
        t.match_indices('\n')
            .nth(e.line() - 2)
            .map_or(0, |(k, _)| k + 1)
    };
    let (out_line, in_line) = if e.line() == 1 {
        (0, 0)
    } else {
        (line_start(&p.text), line_start(original))
    };
    let o = out_line + e.column().saturating_sub(1);
    let column = p.input_offset(o).saturating_sub(in_line) + 1;
    format!("{base} at line {} column {column}", e.line())
}

fn parse_axes(value: Option<&Value>, name: &str) -> Result<Option<Vec<i64>>, Error> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => {
            let mut axes = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                match item.as_i64() {
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

/// Keeps messages short when a hostile input is huge.
fn truncate(s: &str) -> String {
    const MAX: usize = 200;
    if s.len() <= MAX {
        return s.to_owned();
    }
    let mut end = MAX;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}... ({} bytes)", &s[..end], s.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_keras_case_rules() {
        assert_eq!(Mode::from_name("fan_avg").unwrap(), Mode::FanAvg);
        let e = Mode::from_name("FAN_IN").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidMode);
        assert!(e.message().contains("mode=\"FAN_IN\""), "{}", e.message());
        assert_eq!(
            Distribution::from_name("Truncated_Normal").unwrap(),
            Distribution::TruncatedNormal
        );
        assert_eq!(
            Distribution::from_name("NORMAL").unwrap(),
            Distribution::TruncatedNormal
        );
        let e = Distribution::from_name("gaussian").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidDistribution);
        assert!(e.message().contains("gaussian"));
    }

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

    /// Inputs that only look like the numbers the protection pass
    /// handles, and strings of the caller's that look like its markers,
    /// get the status a strict JSON parser and Keras would give.
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

    /// A number, `NaN` or `Infinity` as an object key is not JSON, at any
    /// depth and whatever else is wrong.
    #[test]
    fn numbers_as_keys_are_not_json() {
        for json in [
            r#"{"class_name":"HeNormal","config":{},"shared_object_id":{NaN:1}}"#,
            r#"{"class_name":"HeNormal","config":{},"shared_object_id":{1e999:1,99999999999999999999:2}}"#,
            r#"{"scale": -1, "mode": {NaN: 1}}"#,
            r#"{"mode": {Infinity: 1}}"#,
            r#"{NaN: 1}"#,
            r#"[[{"a": [{-Infinity: 0}]}]]"#,
        ] {
            let e = Config::from_json(json).unwrap_err();
            assert_eq!(
                e.kind(),
                ErrorKind::InvalidConfig,
                "{json}: {}",
                e.message()
            );
            assert!(
                e.message().contains("key must be a string"),
                "{json}: {}",
                e.message()
            );
            assert!(
                !e.message().contains("vs-raw-number"),
                "{json}: {}",
                e.message()
            );
        }
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

    /// Syntax errors give the line and column of the caller's text (as
    /// Python's json module does), not of the rewritten one.
    #[test]
    fn syntax_errors_point_into_the_callers_text() {
        for (json, at) in [
            ("[NaN, NaN, NaN, x]", "line 1 column 17"),
            (r#"{"mode":"\u0000\u0000\u0000", x}"#, "line 1 column 31"),
            (
                "{\"a\": NaN,\n \"b\": [1e999, -0, 99999999999999999999999] x}",
                "line 2 column 44",
            ),
            ("{\"seed\": 1 x}", "line 1 column 12"),
        ] {
            let e = Config::from_json(json).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidConfig);
            assert!(e.message().contains(at), "{json}: {}", e.message());
        }
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

    /// JSON nested 128 levels deep or more is an error, not a stack
    /// overflow; 127 levels still parse (and are then the wrong type).
    #[test]
    fn nesting_limit() {
        let nested = |n: usize| format!(r#"{{"mode": {}{}}}"#, "[".repeat(n), "]".repeat(n));
        let e = Config::from_json(&nested(126)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidMode, "{}", e.message());
        let e = Config::from_json(&nested(127)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidConfig, "{}", e.message());
        assert!(e.message().contains("recursion limit"), "{}", e.message());
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
    fn scale_must_be_finite_positive() {
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -0.0] {
            let e = check_scale(bad).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidScale);
            assert!(e.message().contains("scale="), "{}", e.message());
        }
        assert!(check_scale(f64::MIN_POSITIVE / 4.0).is_ok());
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
