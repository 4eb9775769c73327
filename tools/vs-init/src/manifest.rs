//! The manifest input: a JSON list of `{"name", "shape", "dtype"?,
//! "initializer"}`.

use serde_json::Value;

use crate::Failure;
use crate::tensor::{DType, InitError, Tensor, make_tensor, parse_init};

/// The tensors of a manifest, in its order; unsupported initializers are
/// errors, or warnings (`skip`) and the tensor is left out.
pub fn read(
    entries: &[Value],
    dtype: DType,
    base_seed: u64,
    skip: bool,
    warnings: &mut Vec<String>,
) -> Result<Vec<Tensor>, Failure> {
    let mut out = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let Some(obj) = e.as_object() else {
            return Err(Failure::input(format!(
                "manifest entry #{i} is not an object: {e}"
            )));
        };
        if let Some(k) = obj
            .keys()
            .find(|k| !matches!(k.as_str(), "name" | "shape" | "dtype" | "initializer"))
        {
            return Err(Failure::input(format!(
                "manifest entry #{i}: unknown key \"{k}\" (allowed: name, shape, dtype, initializer)"
            )));
        }
        let name = match obj.get("name").and_then(Value::as_str) {
            Some(n) if !n.is_empty() => n.to_string(),
            _ => {
                return Err(Failure::input(format!(
                    "manifest entry #{i} has no \"name\" (a non-empty string)"
                )));
            }
        };
        let shape: Option<Vec<i64>> = obj
            .get("shape")
            .and_then(Value::as_array)
            .and_then(|a| a.iter().map(Value::as_i64).collect());
        let Some(shape) = shape else {
            return Err(Failure::input(format!(
                "manifest tensor \"{name}\": \"shape\" must be a list of integers; received: {}",
                obj.get("shape").map_or("nothing".into(), Value::to_string)
            )));
        };
        let dtype = match obj.get("dtype") {
            None | Some(Value::Null) => dtype,
            Some(v) => v.as_str().and_then(DType::parse).ok_or_else(|| {
                Failure::input(format!(
                    "manifest tensor \"{name}\": \"dtype\" must be one of f32, f16, bf16, f64 (or float32, float16, bfloat16, float64); received: {v}"
                ))
            })?,
        };
        let Some(init) = obj.get("initializer").filter(|v| !v.is_null()) else {
            return Err(Failure::input(format!(
                "manifest tensor \"{name}\" has no \"initializer\""
            )));
        };
        let spec = match parse_init(init) {
            Ok(s) => s,
            Err(InitError::Unsupported(c)) => {
                let msg = format!(
                    "manifest tensor \"{name}\": initializer {c} is not supported (vs-init fills VarianceScaling and its presets, and zeros/ones/constant)"
                );
                if skip {
                    warnings.push(format!("{msg}; skipped"));
                    continue;
                }
                return Err(Failure::unsupported(format!(
                    "{msg} (--skip-unsupported skips it with a warning)"
                )));
            }
            Err(InitError::Invalid(m)) => {
                return Err(Failure::input(format!(
                    "manifest tensor \"{name}\": initializer: {m}"
                )));
            }
        };
        out.push(make_tensor(name, shape, dtype, &spec, base_seed)?);
    }
    Ok(out)
}
