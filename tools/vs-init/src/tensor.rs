//! What vs-init writes: a list of named tensors, each with a shape, an
//! output type and how it is filled (a VarianceScaling initializer with a
//! resolved seed, or constants).

use serde_json::Value;
use variance_scaling::{Config, Initializer, derive_seed_name};

use crate::Failure;

/// The output element type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DType {
    F32,
    F16,
    BF16,
    F64,
}

impl DType {
    /// Parses `f32`, `float32`, ... (the `--dtype` values and the
    /// manifest's `dtype`).
    pub fn parse(s: &str) -> Option<DType> {
        Some(match s {
            "f32" | "float32" | "float" => DType::F32,
            "f16" | "float16" | "half" => DType::F16,
            "bf16" | "bfloat16" => DType::BF16,
            "f64" | "float64" | "double" => DType::F64,
            _ => return None,
        })
    }

    /// Bytes per element.
    pub fn size(self) -> u64 {
        match self {
            DType::F32 => 4,
            DType::F16 | DType::BF16 => 2,
            DType::F64 => 8,
        }
    }

    /// The short name (`f32`, ...).
    pub fn name(self) -> &'static str {
        match self {
            DType::F32 => "f32",
            DType::F16 => "f16",
            DType::BF16 => "bf16",
            DType::F64 => "f64",
        }
    }
}

/// How a tensor's values are made.
#[derive(Clone, Debug)]
pub enum Fill {
    /// A VarianceScaling-family initializer; its seed is resolved.
    Scaling(Initializer),
    /// Element `i` is `values[(i / block) % values.len()]`: a constant
    /// (one value, block 1), or the LSTM bias with `unit_forget_bias`.
    Blocks { values: Vec<f64>, block: u64 },
}

/// One tensor of the output.
#[derive(Clone, Debug)]
pub struct Tensor {
    pub name: String,
    pub shape: Vec<i64>,
    pub dtype: DType,
    pub fill: Fill,
    /// A short description of the initializer for the summary.
    pub init_label: String,
}

impl Tensor {
    /// The element count (the shape was checked when the tensor was made).
    pub fn count(&self) -> u64 {
        self.shape.iter().map(|&d| d as u64).product()
    }

    /// Bytes of its data.
    pub fn nbytes(&self) -> u64 {
        self.count() * self.dtype.size()
    }
}

/// An initializer as read from JSON, before a tensor's seed is resolved.
#[derive(Clone, Debug)]
pub enum InitSpec {
    Scaling { config: Config, label: String },
    Constant { value: f64, label: String },
}

/// The Keras names (class and function spelling) of the VarianceScaling
/// family, which the library reads.
const SCALING_NAMES: [&str; 14] = [
    "VarianceScaling",
    "variance_scaling",
    "GlorotNormal",
    "glorot_normal",
    "GlorotUniform",
    "glorot_uniform",
    "HeNormal",
    "he_normal",
    "HeUniform",
    "he_uniform",
    "LecunNormal",
    "lecun_normal",
    "LecunUniform",
    "lecun_uniform",
];

/// Why an initializer was not read.
pub enum InitError {
    /// Not one vs-init fills (named); `--skip-unsupported` may skip it.
    Unsupported(String),
    /// One it fills, with a config it rejects (the library's message).
    Invalid(String),
}

/// The class (or bare) name of an initializer value.
pub fn class_name(v: &Value) -> Option<&str> {
    match v {
        Value::String(s) => Some(s),
        Value::Object(m) => m.get("class_name").and_then(Value::as_str),
        _ => None,
    }
}

/// Reads an initializer in any form the library reads (bare name,
/// serialized `{"class_name", "config"}`, plain VarianceScaling config), or
/// `zeros` / `ones` / `constant` in their Keras forms.
pub fn parse_init(v: &Value) -> Result<InitSpec, InitError> {
    let class = class_name(v);
    let constant = match class {
        Some("Zeros" | "zeros") => Some(0.0),
        Some("Ones" | "ones") => Some(1.0),
        Some("Constant" | "constant") => {
            let value = v
                .get("config")
                .and_then(|c| c.get("value"))
                .unwrap_or(&Value::from(0.0))
                .clone();
            match value.as_f64() {
                Some(x) => Some(x),
                None => {
                    return Err(InitError::Invalid(format!(
                        "Constant initializer value must be a number; received: value={value}"
                    )));
                }
            }
        }
        _ => None,
    };
    if let Some(value) = constant {
        return Ok(InitSpec::Constant {
            value,
            label: format!("constant {value}"),
        });
    }
    let plain_config = matches!(v, Value::Object(m) if !m.contains_key("class_name"));
    match class {
        Some(c) if SCALING_NAMES.contains(&c) => {}
        None if plain_config => {}
        Some(c) => return Err(InitError::Unsupported(c.to_string())),
        None => return Err(InitError::Unsupported(v.to_string())),
    }
    let config = Config::from_json(&v.to_string())
        .map_err(|e| InitError::Invalid(e.message().to_string()))?;
    let label = match class {
        Some(c) if !c.starts_with("VarianceScaling") && !c.starts_with("variance") => c.to_string(),
        _ => format!(
            "VS({}, {}, {})",
            config.scale(),
            config.mode().name(),
            config.distribution().name()
        ),
    };
    Ok(InitSpec::Scaling { config, label })
}

/// The tensor `name` filled by `spec`: a config's own seed, else
/// `derive_seed_name(base, name)`.
pub fn make_tensor(
    name: String,
    shape: Vec<i64>,
    dtype: DType,
    spec: &InitSpec,
    base_seed: u64,
) -> Result<Tensor, Failure> {
    if let Some(&d) = shape.iter().find(|&&d| d < 0) {
        return Err(Failure::input(format!(
            "tensor \"{name}\": shape {shape:?} has a negative dimension {d}"
        )));
    }
    let (fill, init_label) = match spec {
        InitSpec::Scaling { config, label } => {
            let seed = config
                .seed()
                .unwrap_or_else(|| derive_seed_name(base_seed, name.as_bytes()));
            let c = Config::new(
                config.scale(),
                config.mode(),
                config.distribution(),
                Some(seed),
                config.axes().cloned(),
            )
            .and_then(Initializer::new)
            .map_err(|e| Failure::input(format!("tensor \"{name}\": {}", e.message())))?;
            // the shape and its fans are checked now, before any file is made
            c.describe(&shape)
                .map_err(|e| Failure::input(format!("tensor \"{name}\": {}", e.message())))?;
            (Fill::Scaling(c), label.clone())
        }
        InitSpec::Constant { value, label } => (
            Fill::Blocks {
                values: vec![*value],
                block: 1,
            },
            label.clone(),
        ),
    };
    let t = Tensor {
        name,
        shape,
        dtype,
        fill,
        init_label,
    };
    check_size(&t)?;
    Ok(t)
}

/// The byte size must fit a u64 (and so any file offset).
pub fn check_size(t: &Tensor) -> Result<(), Failure> {
    t.shape
        .iter()
        .try_fold(t.dtype.size(), |n, &d| n.checked_mul(d as u64))
        .filter(|&n| n <= i64::MAX as u64)
        .map(|_| ())
        .ok_or_else(|| {
            Failure::input(format!(
                "tensor \"{}\": shape {:?} is too large",
                t.name, t.shape
            ))
        })
}
