//! # libvariance_scaling
//!
//! The variance-scaling weight initializer of TensorFlow and Keras 3
//! (`keras.initializers.VarianceScaling`, `tf.variance_scaling_initializer`)
//! with a stable C ABI (`include/variance_scaling.h`).
//!
//! * [`config`]: the validated config and its Keras 3 JSON forms;
//! * [`fans`]: the fan rules (default TF/Keras rule, layouts, explicit
//!   axes);
//! * [`engine`]: the sampling algorithms, `pcg64-block-v1` and the
//!   default `splitmix64-ctr-v2` with its SIMD kernels;
//! * [`slice`](mod@slice): N-d boxes of a tensor as contiguous runs;
//! * [`initializer`]: config + seed, fills and parameters;
//! * [`parallel`]: splitting large fills over threads;
//! * [`seeds`]: per-tensor seeds derived from a base seed;
//! * `ffi`: the `extern "C"` functions, and nothing else.
//!
//! The sampling algorithms are specified in `docs/algorithm.md` (v1) and
//! `docs/algorithm-v2.md` (v2); the C contract in the header and README.

// `unsafe` only where it is needed: the C boundary (`ffi`) and the SIMD
// kernels and their dispatch (`engine/v2/{avx2,avx512,platform}.rs`) allow
// it for their files; nothing else may use it.
#![deny(unsafe_code)]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(missing_docs)]

pub mod config;
pub mod engine;
pub mod error;
pub mod fans;
pub mod initializer;
pub mod parallel;
pub mod seeds;
pub mod slice;

mod ffi;

/// README.md's Rust code blocks, compiled and run by `cargo test` as
/// doctests (its C, C++, Python and shell blocks are checked elsewhere).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// The C boundary, reachable from Rust only in fuzz builds (`--cfg
/// fuzzing`, set by cargo-fuzz) so that the targets in `fuzz/` call the
/// very `extern "C"` functions C programs call. Not a Rust API.
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod c_api {
    pub use crate::ffi::*;
}

pub use config::{Axes, Config, Distribution, Mode};
pub use engine::v1::BLOCK_LEN;
pub use engine::{Algorithm, Element};
pub use error::{Error, ErrorKind};
pub use fans::Layout;
pub use initializer::{Initializer, Params, TRUNCATED_NORMAL_STDDEV, params_for_fans};
pub use seeds::{derive_seed, derive_seed_name};
