//! `variance_scaling._core`: the PyO3 extension module under the Python
//! package `variance_scaling` (bindings/python/python/variance_scaling).
//!
//! It is a thin layer over the Rust core ([`variance_scaling::Initializer`]):
//! every value check, fan rule, config form and message is the core's, so
//! the package cannot drift from the C, Rust and Go APIs. The Python layer
//! (`__init__.py`) turns arguments into the core's JSON config, picks the
//! numpy dtype and allocates arrays; this module fills buffers with the GIL
//! released and maps the core's errors to the package's exceptions.

#![deny(unsafe_op_in_unsafe_fn)]

use std::sync::{Condvar, Mutex, PoisonError};

use pyo3::buffer::{Element as BufferElement, PyBuffer};
use pyo3::prelude::*;
use variance_scaling::{Algorithm, Element, Error, ErrorKind, Initializer};

/// The C status of an error kind: its name in `include/variance_scaling.h`
/// and its number. Exhaustive (no wildcard), so a new kind in the core does
/// not compile until it is named here; the names and numbers are checked
/// against the header by `tests/test_errors.py`.
fn status_of(kind: ErrorKind) -> (&'static str, i32) {
    match kind {
        ErrorKind::NullArgument => ("VS_ERR_NULL_ARGUMENT", 1),
        ErrorKind::InvalidScale => ("VS_ERR_INVALID_SCALE", 2),
        ErrorKind::InvalidMode => ("VS_ERR_INVALID_MODE", 3),
        ErrorKind::InvalidDistribution => ("VS_ERR_INVALID_DISTRIBUTION", 4),
        ErrorKind::InvalidDtype => ("VS_ERR_INVALID_DTYPE", 5),
        ErrorKind::InvalidShape => ("VS_ERR_INVALID_SHAPE", 6),
        ErrorKind::BufferSize => ("VS_ERR_BUFFER_SIZE", 7),
        ErrorKind::InvalidConfig => ("VS_ERR_INVALID_CONFIG", 8),
        ErrorKind::Internal => ("VS_ERR_INTERNAL", 9),
        ErrorKind::InvalidAlgorithm => ("VS_ERR_INVALID_ALGORITHM", 10),
        ErrorKind::InvalidLayout => ("VS_ERR_INVALID_LAYOUT", 11),
    }
}

/// Every error kind, for the table `_core.STATUSES`.
const ALL_KINDS: [ErrorKind; 11] = [
    ErrorKind::NullArgument,
    ErrorKind::InvalidScale,
    ErrorKind::InvalidMode,
    ErrorKind::InvalidDistribution,
    ErrorKind::InvalidDtype,
    ErrorKind::InvalidShape,
    ErrorKind::BufferSize,
    ErrorKind::InvalidConfig,
    ErrorKind::Internal,
    ErrorKind::InvalidAlgorithm,
    ErrorKind::InvalidLayout,
];

/// The package's exception for `status` and `message`, made by
/// `variance_scaling._errors.from_core` (which picks the class).
fn py_error(py: Python<'_>, status: &str, message: &str, type_error: bool) -> PyErr {
    let made = py
        .import("variance_scaling._errors")
        .and_then(|m| m.getattr("from_core"))
        .and_then(|f| f.call1((status, message, type_error)));
    match made {
        Ok(exc) => PyErr::from_value(exc),
        Err(e) => e,
    }
}

/// The package's exception for a core error.
fn core_error(py: Python<'_>, e: &Error) -> PyErr {
    let (status, _) = status_of(e.kind());
    py_error(py, status, e.message(), false)
}

/// Output ranges (byte addresses) being filled right now with the GIL
/// released. Two fills into overlapping memory (two Python threads given
/// the same array) take turns instead of writing it at once.
static ACTIVE: Mutex<Vec<(usize, usize)>> = Mutex::new(Vec::new());
static ACTIVE_DONE: Condvar = Condvar::new();

/// Holds `[start, end)` in [`ACTIVE`] while it lives.
struct Claim {
    range: (usize, usize),
}

impl Claim {
    /// Waits until no other fill writes into `[start, end)`, then claims it.
    fn new(start: usize, end: usize) -> Claim {
        let mut active = ACTIVE.lock().unwrap_or_else(PoisonError::into_inner);
        while active.iter().any(|&(s, e)| s < end && start < e) {
            active = ACTIVE_DONE
                .wait(active)
                .unwrap_or_else(PoisonError::into_inner);
        }
        active.push((start, end));
        Claim {
            range: (start, end),
        }
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        let mut active = ACTIVE.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(i) = active.iter().position(|&r| r == self.range) {
            active.swap_remove(i);
        }
        ACTIVE_DONE.notify_all();
    }
}

/// A writable, C-contiguous buffer of `B` items, as the address and count
/// of its elements. The Python layer checks the array first and gives
/// better messages; these checks are the backstop.
fn writable<B: BufferElement>(
    py: Python<'_>,
    out: &Bound<'_, PyAny>,
) -> PyResult<(PyBuffer<B>, usize, usize)> {
    let buf = PyBuffer::<B>::get(out).map_err(|e| {
        py_error(
            py,
            "VS_ERR_INVALID_DTYPE",
            &format!("argument `out` is not a buffer of the expected element type: {e}"),
            true,
        )
    })?;
    if buf.readonly() {
        return Err(py_error(
            py,
            "VS_ERR_NULL_ARGUMENT",
            "argument `out` is read-only",
            false,
        ));
    }
    if !buf.is_c_contiguous() {
        return Err(py_error(
            py,
            "VS_ERR_NULL_ARGUMENT",
            "argument `out` is not C-contiguous",
            false,
        ));
    }
    let addr = buf.buf_ptr() as usize;
    let count = buf.item_count();
    Ok((buf, addr, count))
}

/// Runs `f` on `count` elements of `T` at `addr` with the GIL released,
/// while no other fill of this module writes the same memory.
///
/// `addr`/`count` must come from a writable, C-contiguous buffer of
/// `count` items the size of `T` that stays alive (its `PyBuffer` held)
/// during the call.
fn with_out<T: Element>(
    py: Python<'_>,
    addr: usize,
    count: usize,
    f: impl FnOnce(&mut [T]) -> Result<(), Error> + Send,
) -> Result<(), Error> {
    py.detach(move || {
        if count == 0 {
            return f(&mut []);
        }
        let _claim = Claim::new(addr, addr + count * size_of::<T>());
        // SAFETY: the caller holds the writable, C-contiguous buffer
        // (PyBuffer checks the item size and alignment of the element type,
        // and `T` has the size and alignment of that type); the claim keeps
        // every other fill of this module out of these bytes until `f`
        // returns.
        let out = unsafe { std::slice::from_raw_parts_mut(addr as *mut T, count) };
        f(out)
    })
}

/// Which element type a fill writes; `f16`/`bf16` arrive as `uint16`
/// views of the array.
#[derive(Clone, Copy)]
enum Kind {
    F32,
    F64,
    F16,
    Bf16,
}

impl Kind {
    fn parse(py: Python<'_>, kind: &str) -> PyResult<Kind> {
        match kind {
            "f32" => Ok(Kind::F32),
            "f64" => Ok(Kind::F64),
            "f16" => Ok(Kind::F16),
            "bf16" => Ok(Kind::Bf16),
            other => Err(py_error(
                py,
                "VS_ERR_INVALID_DTYPE",
                &format!(
                    "argument `kind` must be \"f32\", \"f64\", \"f16\" or \"bf16\"; received: kind={other:?}"
                ),
                true,
            )),
        }
    }
}

/// Fills `out` (of `kind`) with `op`, generic over the element type.
macro_rules! dispatch {
    ($py:expr, $out:expr, $kind:expr, |$s:ident| $body:expr) => {{
        let py = $py;
        let res = match Kind::parse(py, $kind)? {
            Kind::F32 => {
                let (_buf, addr, n) = writable::<f32>(py, $out)?;
                with_out::<f32>(py, addr, n, |$s| $body)
            }
            Kind::F64 => {
                let (_buf, addr, n) = writable::<f64>(py, $out)?;
                with_out::<f64>(py, addr, n, |$s| $body)
            }
            Kind::F16 => {
                let (_buf, addr, n) = writable::<u16>(py, $out)?;
                with_out::<half::f16>(py, addr, n, |$s| $body)
            }
            Kind::Bf16 => {
                let (_buf, addr, n) = writable::<u16>(py, $out)?;
                with_out::<half::bf16>(py, addr, n, |$s| $body)
            }
        };
        res.map_err(|e| core_error(py, &e))
    }};
}

/// A handle: the core's initializer (config, seed, algorithm). Immutable;
/// the `with_*` methods return new handles.
#[pyclass(frozen, name = "Handle", module = "variance_scaling._core")]
struct Handle {
    inner: Initializer,
}

#[pymethods]
impl Handle {
    /// A handle from any JSON config form the C library reads
    /// (`vs_from_config_json`).
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Handle> {
        Initializer::from_json(text)
            .map(|inner| Handle { inner })
            .map_err(|e| core_error(py, &e))
    }

    /// Keras's `get_config()` as compact JSON (`vs_get_config_json`).
    fn config_json(&self) -> String {
        self.inner.config().to_json()
    }

    /// The seed in use (drawn from the OS once when the config had none).
    #[getter]
    fn seed(&self) -> u64 {
        self.inner.seed()
    }

    /// The algorithm's name (`vs_algorithm_name`).
    #[getter]
    fn algorithm(&self) -> &'static str {
        self.inner.algorithm().name()
    }

    /// The same handle with algorithm number `number` (`vs_with_algorithm`).
    fn with_algorithm(&self, py: Python<'_>, number: i64) -> PyResult<Handle> {
        let a = u32::try_from(number).ok().and_then(Algorithm::from_u32);
        match a {
            Some(a) => Ok(Handle {
                inner: self.inner.with_algorithm(a),
            }),
            None => Err(core_error(
                py,
                &Error::new(
                    ErrorKind::InvalidAlgorithm,
                    format!(
                        "argument `algorithm` must be VS_ALGORITHM_PCG64_BLOCK_V1 (1) or VS_ALGORITHM_SPLITMIX64_CTR_V2 (2); received: algorithm={number}"
                    ),
                ),
            )),
        }
    }

    /// `(fan_in, fan_out, n, stddev, limit, value_stddev)` of `shape`
    /// (`vs_describe_ex`).
    fn describe(
        &self,
        py: Python<'_>,
        shape: Vec<i64>,
    ) -> PyResult<(i64, i64, f64, f64, f64, f64)> {
        self.inner
            .describe(&shape)
            .map(|p| (p.fan_in, p.fan_out, p.n, p.stddev, p.limit, p.value_stddev))
            .map_err(|e| core_error(py, &e))
    }

    /// Fills `out` (a writable C-contiguous buffer of `kind`) with the
    /// whole tensor `shape`.
    fn fill(
        &self,
        py: Python<'_>,
        shape: Vec<i64>,
        out: &Bound<'_, PyAny>,
        kind: &str,
    ) -> PyResult<()> {
        let init = &self.inner;
        dispatch!(py, out, kind, |s| init.fill(&shape, s))
    }

    /// Fills `out` with elements `[offset, offset + len(out))` of `shape`.
    fn fill_range(
        &self,
        py: Python<'_>,
        shape: Vec<i64>,
        offset: u64,
        out: &Bound<'_, PyAny>,
        kind: &str,
    ) -> PyResult<()> {
        let init = &self.inner;
        dispatch!(py, out, kind, |s| init.fill_range(&shape, offset, s))
    }

    /// Fills `out` with the box `[start, start + extent)` of `shape`.
    fn fill_slice(
        &self,
        py: Python<'_>,
        shape: Vec<i64>,
        start: Vec<i64>,
        extent: Vec<i64>,
        out: &Bound<'_, PyAny>,
        kind: &str,
    ) -> PyResult<()> {
        let init = &self.inner;
        dispatch!(py, out, kind, |s| init
            .fill_slice(&shape, &start, &extent, s))
    }
}

/// `vs_derive_seed`: the seed of tensor number `index` under `base`.
#[pyfunction]
fn derive_seed(base: u64, index: u64) -> u64 {
    variance_scaling::derive_seed(base, index)
}

/// `vs_derive_seed_name`: the seed of the tensor named `name` under `base`.
#[pyfunction]
fn derive_seed_name(base: u64, name: &[u8]) -> u64 {
    variance_scaling::derive_seed_name(base, name)
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    // the package's version (`variance_scaling.__version__`): this crate's,
    // which maturin also gives the wheel (pyproject.toml: dynamic version)
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<Handle>()?;
    m.add_function(wrap_pyfunction!(derive_seed, m)?)?;
    m.add_function(wrap_pyfunction!(derive_seed_name, m)?)?;
    let algorithms: Vec<(u32, &str)> = Algorithm::ALL
        .iter()
        .map(|&a| (a as u32, a.name()))
        .collect();
    m.add("ALGORITHMS", algorithms)?;
    m.add("DEFAULT_ALGORITHM", Algorithm::DEFAULT.name())?;
    let statuses: Vec<(&str, i32)> = ALL_KINDS.iter().map(|&k| status_of(k)).collect();
    m.add("STATUSES", statuses)?;
    Ok(())
}
