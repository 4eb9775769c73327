//! `vs_status`, the enums that cross the boundary as plain integers, and
//! the static status texts.

#![allow(non_camel_case_types)]

use std::ffi::CStr;

use crate::config::{Distribution, Mode};
use crate::error::{Error, ErrorKind};

/// The result of every fallible `vs_*` function. `VS_OK` is 0; every error
/// has its own number, and `vs_last_error_message()` then tells what was
/// wrong, naming the argument and the value received.
///
/// The numbers are ABI: they never change within a major version.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum vs_status {
    /// Success.
    VS_OK = 0,
    /// A required pointer argument was NULL (or not aligned for its type).
    VS_ERR_NULL_ARGUMENT = 1,
    /// `scale` was not a finite number > 0 (NaN and infinity included); or,
    /// for the uniform distribution, the limit `sqrt(3 * scale / n)`
    /// overflows (reported by the fill or describe call, since only the
    /// shape gives `n`).
    VS_ERR_INVALID_SCALE = 2,
    /// `mode` was not a `vs_mode` value / not exactly `fan_in`, `fan_out`
    /// or `fan_avg`.
    VS_ERR_INVALID_MODE = 3,
    /// `distribution` was not a `vs_distribution` value / not a known name.
    VS_ERR_INVALID_DISTRIBUTION = 4,
    /// A config's `dtype` did not name a floating-point type.
    VS_ERR_INVALID_DTYPE = 5,
    /// A shape was invalid: a negative dimension, an element count or fan
    /// beyond `INT64_MAX`, fan axes out of range for the shape, or an `ndim`
    /// no array can have. A zero dimension makes every product 0 first, so a
    /// shape with a zero is a valid empty tensor whatever its other
    /// dimensions.
    VS_ERR_INVALID_SHAPE = 6,
    /// A length was wrong: `out_len` differs from the element count, a range
    /// runs past the end, or a string buffer is too small.
    VS_ERR_BUFFER_SIZE = 7,
    /// A JSON config was malformed, or had an unknown key or class, a value
    /// of the wrong type (but for `scale`, `mode`, `distribution` and
    /// `dtype`, which have their own statuses) or a seed outside
    /// `[0, 2^64)`; or fan axes were given inconsistently (only one list).
    VS_ERR_INVALID_CONFIG = 8,
    /// An internal error (a caught panic, or no OS entropy for an unseeded
    /// handle); should never happen. The process may go on and later calls work. A creating
    /// function's `*out` is NULL; a fill that panicked part-way may have
    /// written part of `out` (treat its contents as unspecified); no other
    /// output is written.
    VS_ERR_INTERNAL = 9,
    /// An algorithm number was not a `vs_algorithm_id` value.
    VS_ERR_INVALID_ALGORITHM = 10,
    /// A layout number was not a `vs_layout` value.
    VS_ERR_INVALID_LAYOUT = 11,
}

/// A sampling algorithm; passed as a `uint32_t` (`vs_with_algorithm`,
/// `vs_get_algorithm`, `vs_algorithm_name`). Each has a name and version
/// and is specified bit for bit in the library's docs; each is kept, bit
/// for bit, for as long as the library exists.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum vs_algorithm_id {
    /// `"pcg64-block-v1"` (docs/algorithm.md): one PCG64 stream per block
    /// of `VS_BLOCK_LEN` elements, ziggurat normals; f32/f16/bf16 are the
    /// f64 values rounded. The only algorithm of libvariance_scaling 0.1:
    /// select it to keep 0.1's bits.
    VS_ALGORITHM_PCG64_BLOCK_V1 = 1,
    /// `"splitmix64-ctr-v2"` (docs/algorithm-v2.md), the default since
    /// 0.2: SplitMix64 in counter mode, inverse-CDF truncated normals and
    /// Box-Muller normals, with SIMD
    /// kernels chosen at run time (`vs_isa`); f32, f16 and bf16 share one
    /// binary32 stream (halves rounded from the f32 values), f64 has its own
    /// binary64 stream.
    VS_ALGORITHM_SPLITMIX64_CTR_V2 = 2,
}

/// Where a weight tensor keeps its input and output dimensions, which
/// decides its fans; passed as a `uint32_t` (`vs_with_layout`,
/// `vs_compute_fans_layout`, `vs_describe_shape`). With `rf` the product of
/// the spatial dimensions (1 for rank 2), a tensor of rank >= 2 has:
///
/// | layout | fan_in | fan_out |
/// |---|---|---|
/// | `VS_LAYOUT_IN_OUT` `(..., in, out)` | `shape[rank-2] * rf` | `shape[rank-1] * rf` |
/// | `VS_LAYOUT_OUT_IN` `(out, in, spatial...)` | `shape[1] * rf` | `shape[0] * rf` |
/// | `VS_LAYOUT_OUT_SPATIAL_IN` `(out, spatial..., in)` | `shape[rank-1] * rf` | `shape[0] * rf` |
///
/// Rank 0 has the fans (1, 1) and rank 1 (d0, d0) in every layout. Which
/// constant fits which framework's weights: docs/semantics.md, "Layouts".
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum vs_layout {
    /// `(..., in, out)`: Keras, TensorFlow, JAX/Flax; Keras's default fan
    /// rule, the rule of handles made without axes or layout.
    VS_LAYOUT_IN_OUT = 0,
    /// `(out, in, spatial...)`: PyTorch, ONNX, Caffe, Darknet, MXNet,
    /// cuDNN/oneDNN `OIHW`, a ggml/llama.cpp matrix read row-major.
    VS_LAYOUT_OUT_IN = 1,
    /// `(out, spatial..., in)`: TFLite, cuDNN `NHWC` filters, oneDNN
    /// `OHWI`.
    VS_LAYOUT_OUT_SPATIAL_IN = 2,
}

// The C numbers are the core's.
const _: () = assert!(vs_layout::VS_LAYOUT_IN_OUT as u32 == crate::fans::Layout::InOut as u32);
const _: () = assert!(vs_layout::VS_LAYOUT_OUT_IN as u32 == crate::fans::Layout::OutIn as u32);
const _: () =
    assert!(vs_layout::VS_LAYOUT_OUT_SPATIAL_IN as u32 == crate::fans::Layout::OutSpatialIn as u32);

/// Maps the C integer to a layout; anything else is an error.
pub(crate) fn layout_from_u32(v: u32) -> Result<crate::fans::Layout, Error> {
    crate::fans::Layout::from_u32(v).ok_or_else(|| {
        Error::new(
            ErrorKind::InvalidLayout,
            format!(
                "argument `layout` must be VS_LAYOUT_IN_OUT (0), VS_LAYOUT_OUT_IN (1) or VS_LAYOUT_OUT_SPATIAL_IN (2); received: layout={v}"
            ),
        )
    })
}

/// How `n` is derived from the fans; passed as a `uint32_t`.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum vs_mode {
    /// `n = fan_in`
    VS_MODE_FAN_IN = 0,
    /// `n = fan_out`
    VS_MODE_FAN_OUT = 1,
    /// `n = (fan_in + fan_out) / 2`, a real-valued mean
    VS_MODE_FAN_AVG = 2,
}

/// The distribution values are drawn from; passed as a `uint32_t`.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum vs_distribution {
    /// Normal with stddev `sqrt(scale / n) / 0.87962566103423978`, values
    /// with `|x| >= 2 stddev` re-drawn (Keras's `"truncated_normal"`, alias
    /// `"normal"`).
    VS_DISTRIBUTION_TRUNCATED_NORMAL = 0,
    /// Normal with stddev `sqrt(scale / n)` (`"untruncated_normal"`).
    VS_DISTRIBUTION_UNTRUNCATED_NORMAL = 1,
    /// Uniform on `[-limit, limit)`, `limit = sqrt(3 * scale / n)`
    /// (`"uniform"`).
    VS_DISTRIBUTION_UNIFORM = 2,
}

impl From<ErrorKind> for vs_status {
    fn from(kind: ErrorKind) -> vs_status {
        match kind {
            ErrorKind::NullArgument => vs_status::VS_ERR_NULL_ARGUMENT,
            ErrorKind::InvalidScale => vs_status::VS_ERR_INVALID_SCALE,
            ErrorKind::InvalidMode => vs_status::VS_ERR_INVALID_MODE,
            ErrorKind::InvalidDistribution => vs_status::VS_ERR_INVALID_DISTRIBUTION,
            ErrorKind::InvalidDtype => vs_status::VS_ERR_INVALID_DTYPE,
            ErrorKind::InvalidShape => vs_status::VS_ERR_INVALID_SHAPE,
            ErrorKind::BufferSize => vs_status::VS_ERR_BUFFER_SIZE,
            ErrorKind::InvalidConfig => vs_status::VS_ERR_INVALID_CONFIG,
            ErrorKind::Internal => vs_status::VS_ERR_INTERNAL,
            ErrorKind::InvalidAlgorithm => vs_status::VS_ERR_INVALID_ALGORITHM,
            ErrorKind::InvalidLayout => vs_status::VS_ERR_INVALID_LAYOUT,
        }
    }
}

/// Maps the C integer to a mode; anything else is an error, never UB.
pub(crate) fn mode_from_u32(v: u32) -> Result<Mode, Error> {
    match v {
        x if x == vs_mode::VS_MODE_FAN_IN as u32 => Ok(Mode::FanIn),
        x if x == vs_mode::VS_MODE_FAN_OUT as u32 => Ok(Mode::FanOut),
        x if x == vs_mode::VS_MODE_FAN_AVG as u32 => Ok(Mode::FanAvg),
        _ => Err(Error::new(
            ErrorKind::InvalidMode,
            format!(
                "argument `mode` must be VS_MODE_FAN_IN (0), VS_MODE_FAN_OUT (1) or VS_MODE_FAN_AVG (2); received: mode={v}"
            ),
        )),
    }
}

/// Maps the C integer to a distribution; anything else is an error.
pub(crate) fn distribution_from_u32(v: u32) -> Result<Distribution, Error> {
    match v {
        x if x == vs_distribution::VS_DISTRIBUTION_TRUNCATED_NORMAL as u32 => {
            Ok(Distribution::TruncatedNormal)
        }
        x if x == vs_distribution::VS_DISTRIBUTION_UNTRUNCATED_NORMAL as u32 => {
            Ok(Distribution::UntruncatedNormal)
        }
        x if x == vs_distribution::VS_DISTRIBUTION_UNIFORM as u32 => Ok(Distribution::Uniform),
        _ => Err(Error::new(
            ErrorKind::InvalidDistribution,
            format!(
                "argument `distribution` must be VS_DISTRIBUTION_TRUNCATED_NORMAL (0), VS_DISTRIBUTION_UNTRUNCATED_NORMAL (1) or VS_DISTRIBUTION_UNIFORM (2); received: distribution={v}"
            ),
        )),
    }
}

// The C numbers are the core's.
const _: () = assert!(
    vs_algorithm_id::VS_ALGORITHM_PCG64_BLOCK_V1 as u32
        == crate::engine::Algorithm::Pcg64BlockV1 as u32
);
const _: () = assert!(
    vs_algorithm_id::VS_ALGORITHM_SPLITMIX64_CTR_V2 as u32
        == crate::engine::Algorithm::Splitmix64CtrV2 as u32
);

/// Maps the C integer to an algorithm; anything else is an error.
pub(crate) fn algorithm_from_u32(v: u32) -> Result<crate::engine::Algorithm, Error> {
    crate::engine::Algorithm::from_u32(v).ok_or_else(|| {
        Error::new(
            ErrorKind::InvalidAlgorithm,
            format!(
                "argument `algorithm` must be VS_ALGORITHM_PCG64_BLOCK_V1 (1) or VS_ALGORITHM_SPLITMIX64_CTR_V2 (2); received: algorithm={v}"
            ),
        )
    })
}

/// Builds the table of status texts: each entry is a `vs_status` variant
/// and its short text, which `vs_status_str` gives as `"NAME: text"`.
macro_rules! status_texts {
    ($($variant:ident => $text:literal,)*) => {
        [$((
            vs_status::$variant,
            match CStr::from_bytes_with_nul(
                concat!(stringify!($variant), ": ", $text, "\0").as_bytes(),
            ) {
                Ok(text) => text,
                Err(_) => panic!("a status text holds no NUL"),
            },
        ),)*]
    };
}

/// The short text of every status, in number order: the one table
/// `vs_status_str` reads (and, through it, the Go binding's `Status`
/// names and texts). The meaning of each status is its doc comment on
/// [`vs_status`], which the header carries; these texts only sum it up.
pub(crate) const STATUS_TEXTS: [(vs_status, &CStr); 12] = status_texts! {
    VS_OK => "success",
    VS_ERR_NULL_ARGUMENT => "a required pointer argument was NULL or misaligned",
    VS_ERR_INVALID_SCALE => "scale must be a finite number > 0",
    VS_ERR_INVALID_MODE => "mode must be fan_in, fan_out or fan_avg",
    VS_ERR_INVALID_DISTRIBUTION => "distribution must be truncated_normal (normal), untruncated_normal or uniform",
    VS_ERR_INVALID_DTYPE => "dtype must be a floating-point type",
    VS_ERR_INVALID_SHAPE => "invalid shape (negative dimension, overflowing count or fan, or axis out of range)",
    VS_ERR_BUFFER_SIZE => "buffer length does not match what the call needs",
    VS_ERR_INVALID_CONFIG => "invalid config (JSON text, keys, seed or fan axes)",
    VS_ERR_INTERNAL => "internal error",
    VS_ERR_INVALID_ALGORITHM => "algorithm must be a vs_algorithm_id value (1 or 2)",
    VS_ERR_INVALID_LAYOUT => "layout must be a vs_layout value (0, 1 or 2)",
};

// Entry `i` is status number `i`, and the last status has an entry (a new
// status goes at the end of the table, and this bound moves with it).
const _: () = {
    let mut i = 0;
    while i < STATUS_TEXTS.len() {
        assert!(STATUS_TEXTS[i].0 as usize == i);
        i += 1;
    }
    assert!(STATUS_TEXTS.len() == vs_status::VS_ERR_INVALID_LAYOUT as usize + 1);
};

/// The text `vs_status_str` gives for a number no status has.
pub(crate) const UNKNOWN_STATUS_TEXT: &CStr = c"unknown vs_status value";

/// The static text of a status number; unknown numbers get a text too.
pub(crate) fn status_text(status: i32) -> &'static CStr {
    usize::try_from(status)
        .ok()
        .and_then(|i| STATUS_TEXTS.get(i))
        .map_or(UNKNOWN_STATUS_TEXT, |&(_, text)| text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each status has its text, which starts with its name; unknown
    /// numbers get the unknown text.
    #[test]
    fn every_status_has_its_text() {
        for (i, (status, text)) in STATUS_TEXTS.iter().enumerate() {
            assert_eq!(status_text(i as i32), *text);
            let text = text.to_str().unwrap();
            let rest = text.strip_prefix(&format!("{status:?}: ")).unwrap();
            assert!(!rest.is_empty(), "{text}");
        }
        // the example in `vs_status_str`'s documentation
        assert_eq!(
            status_text(2),
            c"VS_ERR_INVALID_SCALE: scale must be a finite number > 0"
        );
        for unknown in [-1, 12, 13, i32::MIN, i32::MAX] {
            assert_eq!(status_text(unknown), UNKNOWN_STATUS_TEXT);
        }
        assert_eq!(UNKNOWN_STATUS_TEXT, c"unknown vs_status value");
    }
}
