//! File layouts: every header and every tensor's byte offset, computed
//! before any value is drawn, so that the data of each tensor (or any
//! element range of it) can be written straight to its place.

use serde_json::{Map, Value, json};

use crate::Failure;
use crate::tensor::{DType, Tensor};

/// The output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Safetensors,
    Npy,
    Gguf,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        Some(match s {
            "safetensors" => Format::Safetensors,
            "npy" => Format::Npy,
            "gguf" => Format::Gguf,
            _ => return None,
        })
    }
}

/// One output file: its header (at offset 0), its length, and where each
/// of its tensors' data starts. Bytes not covered are zero (padding).
#[derive(Debug)]
pub struct FilePlan {
    /// `None`: the output path itself; `Some(name)`: a file in the output
    /// directory (`--format npy`).
    pub name: Option<String>,
    pub header: Vec<u8>,
    pub len: u64,
    /// `(tensor index, byte offset of its first element)`.
    pub parts: Vec<(usize, u64)>,
}

/// The files of `tensors` in `format`; `meta` is written as the file's
/// metadata (safetensors `__metadata__`, GGUF key-value pairs).
pub fn plan(
    format: Format,
    tensors: &[Tensor],
    meta: &[(&str, String)],
) -> Result<Vec<FilePlan>, Failure> {
    match format {
        Format::Safetensors => Ok(vec![safetensors(tensors, meta)]),
        Format::Npy => npy(tensors),
        Format::Gguf => gguf(tensors, meta).map(|p| vec![p]),
    }
}

/// safetensors: an 8-byte little-endian header length, the JSON header
/// (padded with spaces to a multiple of 8), then the tensors' data, back to
/// back in the order given.
fn safetensors(tensors: &[Tensor], meta: &[(&str, String)]) -> FilePlan {
    let mut header = Map::new();
    let m: Map<String, Value> = meta
        .iter()
        .map(|(k, v)| (k.to_string(), Value::from(v.clone())))
        .collect();
    header.insert("__metadata__".into(), Value::Object(m));
    let mut offset = 0u64;
    let mut parts = Vec::with_capacity(tensors.len());
    for (i, t) in tensors.iter().enumerate() {
        let end = offset + t.nbytes();
        let dtype = match t.dtype {
            DType::F32 => "F32",
            DType::F16 => "F16",
            DType::BF16 => "BF16",
            DType::F64 => "F64",
        };
        header.insert(
            t.name.clone(),
            json!({"dtype": dtype, "shape": t.shape, "data_offsets": [offset, end]}),
        );
        parts.push((i, offset));
        offset = end;
    }
    let mut text = Value::Object(header).to_string().into_bytes();
    while !text.len().is_multiple_of(8) {
        text.push(b' ');
    }
    let start = 8 + text.len() as u64;
    let mut bytes = (text.len() as u64).to_le_bytes().to_vec();
    bytes.extend_from_slice(&text);
    FilePlan {
        name: None,
        header: bytes,
        len: start + offset,
        parts: parts.into_iter().map(|(i, o)| (i, start + o)).collect(),
    }
}

/// The file name of a tensor in the npy directory: `/` becomes `__`, any
/// byte other than ASCII letters, digits, `.`, `-` and `_` becomes `_`, a
/// leading `.` becomes `_`; then `.npy`.
pub fn npy_file_name(name: &str) -> String {
    let mut s = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        match c {
            '/' => s.push_str("__"),
            c if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') => s.push(c),
            _ => s.push('_'),
        }
    }
    if s.starts_with('.') {
        s.replace_range(0..1, "_");
    }
    s + ".npy"
}

/// npy format 1.0: magic, version, a header dict padded with spaces and a
/// newline to a multiple of 64 bytes, then the data (little-endian,
/// row-major).
fn npy(tensors: &[Tensor]) -> Result<Vec<FilePlan>, Failure> {
    let mut names = std::collections::HashMap::new();
    let mut out = Vec::with_capacity(tensors.len());
    for (i, t) in tensors.iter().enumerate() {
        let descr = match t.dtype {
            DType::F32 => "<f4",
            DType::F16 => "<f2",
            DType::F64 => "<f8",
            DType::BF16 => {
                return Err(Failure::usage(format!(
                    "tensor \"{}\": the npy format has no bfloat16 type; use --dtype f32/f16/f64 or --format safetensors/gguf",
                    t.name
                )));
            }
        };
        let file = npy_file_name(&t.name);
        if let Some(other) = names.insert(file.clone(), t.name.clone()) {
            return Err(Failure::input(format!(
                "tensors \"{other}\" and \"{}\" would both be written to {file}",
                t.name
            )));
        }
        let dims: Vec<String> = t.shape.iter().map(i64::to_string).collect();
        let shape = match dims.len() {
            1 => format!("({},)", dims[0]),
            _ => format!("({})", dims.join(", ")),
        };
        let mut dict =
            format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}");
        while (10 + dict.len() + 1) % 64 != 0 {
            dict.push(' ');
        }
        dict.push('\n');
        let mut header = b"\x93NUMPY\x01\x00".to_vec();
        let hlen = u16::try_from(dict.len())
            .map_err(|_| Failure::input(format!("tensor \"{}\": npy header too long", t.name)))?;
        header.extend_from_slice(&hlen.to_le_bytes());
        header.extend_from_slice(dict.as_bytes());
        let start = header.len() as u64;
        out.push(FilePlan {
            name: Some(file),
            header,
            len: start + t.nbytes(),
            parts: vec![(i, start)],
        });
    }
    Ok(out)
}

/// GGUF's alignment of the data section and of each tensor's data.
pub const GGUF_ALIGNMENT: u64 = 32;

/// ggml's largest tensor rank (GGML_MAX_DIMS) and GGUF's longest name.
const GGUF_MAX_DIMS: usize = 4;
const GGUF_MAX_NAME: usize = 64;

fn gguf_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u64).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

/// GGUF v3: magic, version, tensor count, key-value count, the key-value
/// pairs, the tensor infos (dimensions reversed: ggml's `ne[0]` is the
/// fastest-varying one), padding to the alignment, then each tensor's data
/// at an aligned offset.
fn gguf(tensors: &[Tensor], meta: &[(&str, String)]) -> Result<FilePlan, Failure> {
    const STRING: u32 = 8;
    const UINT32: u32 = 4;
    let mut h = b"GGUF".to_vec();
    h.extend_from_slice(&3u32.to_le_bytes());
    h.extend_from_slice(&(tensors.len() as u64).to_le_bytes());
    h.extend_from_slice(&(2 + meta.len() as u64).to_le_bytes());
    gguf_str(&mut h, "general.architecture");
    h.extend_from_slice(&STRING.to_le_bytes());
    gguf_str(&mut h, "vs-init");
    gguf_str(&mut h, "general.alignment");
    h.extend_from_slice(&UINT32.to_le_bytes());
    h.extend_from_slice(&(GGUF_ALIGNMENT as u32).to_le_bytes());
    for (k, v) in meta {
        gguf_str(&mut h, &format!("vs-init.{k}"));
        h.extend_from_slice(&STRING.to_le_bytes());
        gguf_str(&mut h, v);
    }
    let mut offset = 0u64;
    let mut parts = Vec::with_capacity(tensors.len());
    for (i, t) in tensors.iter().enumerate() {
        if t.name.len() > GGUF_MAX_NAME {
            return Err(Failure::input(format!(
                "tensor \"{}\": GGUF names are at most {GGUF_MAX_NAME} bytes; this one has {}",
                t.name,
                t.name.len()
            )));
        }
        if t.shape.len() > GGUF_MAX_DIMS {
            return Err(Failure::input(format!(
                "tensor \"{}\": shape {:?} has {} dimensions; GGUF (ggml) allows at most {GGUF_MAX_DIMS}",
                t.name,
                t.shape,
                t.shape.len()
            )));
        }
        gguf_str(&mut h, &t.name);
        let dims: Vec<u64> = if t.shape.is_empty() {
            vec![1]
        } else {
            t.shape.iter().rev().map(|&d| d as u64).collect()
        };
        h.extend_from_slice(&(dims.len() as u32).to_le_bytes());
        for d in dims {
            h.extend_from_slice(&d.to_le_bytes());
        }
        let ggml_type: u32 = match t.dtype {
            DType::F32 => 0,
            DType::F16 => 1,
            DType::F64 => 28,
            DType::BF16 => 30,
        };
        h.extend_from_slice(&ggml_type.to_le_bytes());
        h.extend_from_slice(&offset.to_le_bytes());
        parts.push((i, offset));
        offset = (offset + t.nbytes()).next_multiple_of(GGUF_ALIGNMENT);
    }
    let start = (h.len() as u64).next_multiple_of(GGUF_ALIGNMENT);
    Ok(FilePlan {
        name: None,
        header: h,
        len: start + offset,
        parts: parts.into_iter().map(|(i, o)| (i, start + o)).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npy_names_are_sanitized() {
        assert_eq!(npy_file_name("conv2d/kernel"), "conv2d__kernel.npy");
        assert_eq!(npy_file_name("a b:c"), "a_b_c.npy");
        assert_eq!(npy_file_name(".hidden"), "_hidden.npy");
        assert_eq!(npy_file_name("layers.0.w"), "layers.0.w.npy");
    }
}
