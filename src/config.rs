//! The validated initializer config, and its Keras 3 JSON forms.
//!
//! [`Config::new`] checks the arguments as Keras 3's `VarianceScaling`
//! does (plus NaN/infinity for `scale`); [`Config::to_json`] writes exactly
//! the six keys of Keras 3.15's `get_config()`; [`Config::from_json`]
//! accepts every form the header `include/variance_scaling.h` lists for
//! `vs_from_config_json` (plain config, serialized
//! `{"class_name", "config", ...}` for `VarianceScaling` and the six presets,
//! bare names, TF1 configs with `dtype`; `docs/config-json.md`
//! shows each).
//!
//! The code is in three parts:
//! * this file: the validated types ([`Mode`], [`Distribution`], [`Axes`],
//!   [`Config`]) and their checks;
//! * `keras.rs`: the Keras JSON forms, written and read, and the presets;
//! * `python_json.rs`: the reader of the JSON dialect Python's `json`
//!   module writes (`NaN`, `Infinity`, integers of any size), which the
//!   Keras forms are read with.

mod keras;
mod python_json;

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
    truncate(&python_json::quoted(s))
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
    fn scale_must_be_finite_positive() {
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -0.0] {
            let e = check_scale(bad).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidScale);
            assert!(e.message().contains("scale="), "{}", e.message());
        }
        assert!(check_scale(f64::MIN_POSITIVE / 4.0).is_ok());
    }
}
