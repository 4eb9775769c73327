//! The core's error type: a kind (which the C layer maps to a `vs_status`)
//! and a human-readable message that names the offending argument and the
//! value that was received.

use std::fmt;

/// What went wrong, independent of how it is reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// A required pointer argument was NULL (only the C layer raises this).
    NullArgument,
    /// `scale` was not a finite number greater than zero.
    InvalidScale,
    /// `mode` was not one of `fan_in`, `fan_out`, `fan_avg`.
    InvalidMode,
    /// `distribution` was not a known distribution name.
    InvalidDistribution,
    /// A config named a `dtype` that is not a floating-point type.
    InvalidDtype,
    /// A shape had a negative dimension, an element count or fan that does
    /// not fit in `int64_t`, or axes that do not fit the shape.
    InvalidShape,
    /// A buffer length did not match what the call needs.
    BufferSize,
    /// A JSON config could not be parsed or had keys/values Keras rejects.
    InvalidConfig,
    /// A bug: a panic was caught or the OS refused to give entropy.
    Internal,
    /// An algorithm number that names no algorithm (only the C layer
    /// raises this).
    InvalidAlgorithm,
    /// A layout number that names no layout (only the C layer raises
    /// this).
    InvalidLayout,
}

/// An error of the core, with a message for people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
}

impl Error {
    /// A new error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
        }
    }

    /// Which kind of error this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The message: names the argument and the value received.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// Shorthand used throughout the core.
pub(crate) fn err<T>(kind: ErrorKind, message: impl Into<String>) -> Result<T, Error> {
    Err(Error::new(kind, message))
}
