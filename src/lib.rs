//! # libvariance_scaling
//!
//! The variance-scaling weight initializer of TensorFlow and Keras 3
//! (`keras.initializers.VarianceScaling`, `tf.variance_scaling_initializer`)
//! with a stable C ABI (`include/variance_scaling.h`).
//!
//! * [`config`]: the validated config and its Keras 3 JSON forms;
//! * [`fans`]: the fan rules (default TF/Keras rule, explicit axes);
//! * [`sampler`]: the block-stream engine (`pcg64-block-v1`);
//! * [`initializer`]: config + seed, fills and parameters;
//! * [`parallel`]: splitting large fills over threads;
//! * `ffi`: the `extern "C"` functions, and nothing else.
//!
//! The sampling algorithm is specified in `docs/algorithm.md`; the C
//! contract in the header and README.

#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

pub mod config;
pub mod error;
pub mod fans;
pub mod initializer;
pub mod parallel;
pub mod sampler;

mod ffi;

/// The C boundary, reachable from Rust only in fuzz builds (`--cfg
/// fuzzing`, set by cargo-fuzz) so that the targets in `fuzz/` call the
/// very `extern "C"` functions C programs call. Not a Rust API.
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod c_api {
    pub use crate::ffi::*;
}

pub use config::{Axes, Config, Distribution, Mode};
pub use error::{Error, ErrorKind};
pub use initializer::{Initializer, Params, TRUNCATED_NORMAL_STDDEV};
pub use sampler::{ALGORITHM, BLOCK_LEN, Element};
