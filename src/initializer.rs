//! The initializer: a validated [`Config`] plus a resolved 64-bit seed.
//! Immutable once built, so any number of threads may fill from it at once.

use crate::config::{Axes, Config, Distribution, Mode};
use crate::engine::{Algorithm, Element, Sampler};
use crate::error::{Error, ErrorKind, err};
use crate::fans::{Layout, axes_fans, element_count, layout_fans, shape_str};
use crate::parallel;
use crate::slice::BoxRuns;

/// The stddev of a standard normal truncated to `[-2, 2]`; dividing by it
/// gives the truncated values the variance `scale / n` (TensorFlow/Keras).
/// (Written with the contract's and Keras's 17 digits; f64 rounds it.)
#[allow(clippy::excessive_precision)]
pub const TRUNCATED_NORMAL_STDDEV: f64 = 0.879_625_661_034_239_78;

/// What a fill of a given shape uses, computed without drawing.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Params {
    /// Fan-in of the shape.
    pub fan_in: i64,
    /// Fan-out of the shape.
    pub fan_out: i64,
    /// `max(1, fan)` for the mode (real-valued for `fan_avg`).
    pub n: f64,
    /// Stddev of the underlying normal; 0 for uniform.
    pub stddev: f64,
    /// Largest possible |value|: `2 * stddev` (truncated), the uniform
    /// limit, or `+inf` (untruncated).
    pub limit: f64,
    /// The standard deviation of the values a fill produces (of the
    /// distribution, before rounding to the output type): `sqrt(scale /
    /// n)` for every distribution. (For the truncated normal it is
    /// `stddev * 0.8796...`, for the uniform `limit / sqrt(3)`.)
    pub value_stddev: f64,
}

/// The largest element index + 1 a tensor can have: an element count is an
/// `int64_t`.
pub const MAX_ELEMENTS: u64 = i64::MAX as u64;

/// What a fill with these fans uses: `n`, the stddev of the underlying
/// normal and the largest |value|, as [`Initializer::describe`] reports
/// them for a shape with these fans.
///
/// Errors: a negative fan ([`ErrorKind::InvalidShape`]); an invalid scale;
/// a uniform limit `sqrt(3 * scale / n)` that overflows (only for `scale`
/// near `f64::MAX`, [`ErrorKind::InvalidScale`]).
pub fn params_for_fans(
    scale: f64,
    mode: Mode,
    distribution: Distribution,
    fan_in: i64,
    fan_out: i64,
) -> Result<Params, Error> {
    crate::config::check_scale(scale)?;
    for (name, v) in [("fan_in", fan_in), ("fan_out", fan_out)] {
        if v < 0 {
            return err(
                ErrorKind::InvalidShape,
                format!("argument `{name}` must be >= 0; received: {name}={v}"),
            );
        }
    }
    let fan = match mode {
        Mode::FanIn => fan_in as f64,
        Mode::FanOut => fan_out as f64,
        // exact integer sum, then one rounding, as Python's (a + b) / 2.0
        Mode::FanAvg => (i128::from(fan_in) + i128::from(fan_out)) as f64 / 2.0,
    };
    let n = fan.max(1.0);
    let s = scale / n;
    let (stddev, limit) = match distribution {
        Distribution::TruncatedNormal => {
            let sd = s.sqrt() / TRUNCATED_NORMAL_STDDEV;
            (sd, 2.0 * sd)
        }
        Distribution::UntruncatedNormal => (s.sqrt(), f64::INFINITY),
        Distribution::Uniform => (0.0, (3.0 * s).sqrt()),
    };
    if distribution == Distribution::Uniform && !limit.is_finite() {
        // only sqrt(3 * scale / n) can overflow, for scale near DBL_MAX
        return err(
            ErrorKind::InvalidScale,
            format!(
                "scale={scale:?} is too large for fan_in={fan_in}, fan_out={fan_out}: the uniform limit sqrt(3 * scale / n) overflows"
            ),
        );
    }
    Ok(Params {
        fan_in,
        fan_out,
        n,
        stddev,
        limit,
        value_stddev: s.sqrt(),
    })
}

impl Params {
    /// The factor the algorithms scale standard values by: the uniform
    /// limit, or the normal's stddev.
    fn factor(&self, distribution: Distribution) -> f64 {
        match distribution {
            Distribution::Uniform => self.limit,
            _ => self.stddev,
        }
    }
}

/// A VarianceScaling initializer: a config, a resolved seed, the sampling
/// algorithm, the fan rule's layout and a thread cap.
#[derive(Clone, Debug)]
pub struct Initializer {
    config: Config,
    seed: u64,
    algorithm: Algorithm,
    /// The fan rule when the config has no axes ([`Layout::InOut`], the
    /// Keras rule, unless chosen with [`Initializer::with_layout`]);
    /// always `InOut` when it has axes.
    layout: Layout,
    /// At most this many threads per fill; 0: only the process-wide cap.
    max_threads: u32,
}

/// A seed from the operating system, for an unseeded initializer.
fn os_seed() -> Result<u64, Error> {
    getrandom::u64().map_err(|e| {
        Error::new(
            ErrorKind::Internal,
            format!("the operating system gave no entropy for an unseeded initializer: {e}"),
        )
    })
}

impl Initializer {
    /// Builds an initializer; an unseeded config draws its seed from the
    /// operating system now, once.
    pub fn new(config: Config) -> Result<Initializer, Error> {
        let seed = match config.seed() {
            Some(s) => s,
            None => os_seed()?,
        };
        Ok(Initializer {
            config,
            seed,
            algorithm: Algorithm::DEFAULT,
            layout: Layout::InOut,
            max_threads: 0,
        })
    }

    /// The same initializer with another seed (`None`: a fresh one from the
    /// operating system, and the config says unseeded).
    pub fn with_seed(&self, seed: Option<u64>) -> Result<Initializer, Error> {
        let c = &self.config;
        let config = Config::new(
            c.scale(),
            c.mode(),
            c.distribution(),
            seed,
            c.axes().cloned(),
        )?;
        Ok(Initializer {
            seed: match seed {
                Some(s) => s,
                None => os_seed()?,
            },
            config,
            ..self.clone()
        })
    }

    /// The same initializer with explicit fan axes (`None`: Keras's default
    /// rule). Replaces a layout.
    pub fn with_axes(&self, axes: Option<Axes>) -> Result<Initializer, Error> {
        let c = &self.config;
        let config = Config::new(c.scale(), c.mode(), c.distribution(), c.seed(), axes)?;
        Ok(Initializer {
            config,
            layout: Layout::InOut,
            ..self.clone()
        })
    }

    /// The same initializer with the fan rule of `layout`. Replaces axes.
    pub fn with_layout(&self, layout: Layout) -> Result<Initializer, Error> {
        let mut i = self.with_axes(None)?;
        i.layout = layout;
        Ok(i)
    }

    /// The same initializer with a per-handle thread cap: 0 = only the
    /// process-wide cap, 1 = never start a thread, n = at most n.
    pub fn with_max_threads(&self, n: u32) -> Initializer {
        Initializer {
            max_threads: n,
            ..self.clone()
        }
    }

    /// The layout of the fan rule ([`Layout::InOut`] when the config has
    /// axes; see [`Config::axes`]).
    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// The per-handle thread cap (0: none).
    pub fn max_threads(&self) -> u32 {
        self.max_threads
    }

    /// The same initializer (config and seed) with another algorithm.
    pub fn with_algorithm(&self, algorithm: Algorithm) -> Initializer {
        Initializer {
            algorithm,
            ..self.clone()
        }
    }

    /// The sampling algorithm ([`Algorithm::DEFAULT`] unless chosen with
    /// [`with_algorithm`](Self::with_algorithm)).
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// Parses any accepted JSON form and builds the initializer.
    pub fn from_json(text: &str) -> Result<Initializer, Error> {
        Initializer::new(Config::from_json(text)?)
    }

    /// The config (its seed is `None` when the handle was created unseeded).
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The seed in use (drawn from the OS when the config had none).
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Fans of `shape` under this initializer's rule (axes, or the
    /// layout's rule).
    pub fn fans(&self, shape: &[i64]) -> Result<(i64, i64), Error> {
        match self.config.axes() {
            Some(a) => axes_fans(shape, &a.input, &a.output),
            None => layout_fans(shape, self.layout),
        }
    }

    /// Fans, `n`, stddev and limit for `shape`, without drawing.
    pub fn describe(&self, shape: &[i64]) -> Result<Params, Error> {
        let (fan_in, fan_out) = self.fans(shape)?;
        let c = &self.config;
        params_for_fans(c.scale(), c.mode(), c.distribution(), fan_in, fan_out).map_err(|e| {
            Error::new(
                e.kind(),
                format!("{} (shape {})", e.message(), shape_str(shape)),
            )
        })
    }

    /// The sampler for a fill with these parameters.
    fn sampler(&self, p: &Params) -> Sampler {
        Sampler {
            algorithm: self.algorithm,
            seed: self.seed,
            distribution: self.config.distribution(),
            factor: p.factor(self.config.distribution()),
        }
    }

    /// Fills `out` with elements `[offset, offset + out.len())` of any
    /// tensor whose fans are `(fan_in, fan_out)`: the values
    /// [`fill_range`](Self::fill_range) gives there for such a tensor,
    /// without a shape.
    ///
    /// Errors: a negative fan ([`ErrorKind::InvalidShape`]); `offset +
    /// out.len()` above [`MAX_ELEMENTS`] ([`ErrorKind::BufferSize`]); the
    /// uniform limit overflowing ([`ErrorKind::InvalidScale`]). `out` is
    /// then untouched.
    pub fn fill_fans<T: Element>(
        &self,
        fan_in: i64,
        fan_out: i64,
        offset: u64,
        out: &mut [T],
    ) -> Result<(), Error> {
        let sampler = self.plan_fans(fan_in, fan_out, offset, out.len())?;
        parallel::fill(&sampler, offset, out, self.max_threads);
        Ok(())
    }

    /// Checks what [`fill_fans`](Self::fill_fans) checks, for `len`
    /// elements, and returns its sampler.
    fn plan_fans(
        &self,
        fan_in: i64,
        fan_out: i64,
        offset: u64,
        len: usize,
    ) -> Result<Sampler, Error> {
        let c = &self.config;
        let p = params_for_fans(c.scale(), c.mode(), c.distribution(), fan_in, fan_out)?;
        let len = len as u64;
        if offset.checked_add(len).is_none_or(|end| end > MAX_ELEMENTS) {
            return err(
                ErrorKind::BufferSize,
                format!(
                    "offset = {offset} + count = {len} is past INT64_MAX, the largest element count a tensor can have"
                ),
            );
        }
        Ok(self.sampler(&p))
    }

    /// Checks, without writing anything, what
    /// [`fill_fans`](Self::fill_fans) would check for `len` elements.
    pub fn check_fans(
        &self,
        fan_in: i64,
        fan_out: i64,
        offset: u64,
        len: usize,
    ) -> Result<(), Error> {
        self.plan_fans(fan_in, fan_out, offset, len).map(|_| ())
    }

    /// Validates a fill of `len` elements of `shape`, whole (`offset =
    /// None`, then `len` must be the element count) or a range starting at
    /// `offset` (then `offset + len` must not pass the element count), and
    /// returns the sampler it would use.
    fn plan(&self, shape: &[i64], offset: Option<u64>, len: usize) -> Result<Sampler, Error> {
        let total = element_count(shape)?;
        let p = self.describe(shape)?;
        let len = len as u64;
        match offset {
            None if len != total => {
                return err(
                    ErrorKind::BufferSize,
                    format!(
                        "out_len = {len} but shape {} has {total} elements",
                        shape_str(shape)
                    ),
                );
            }
            Some(off) if off.checked_add(len).is_none_or(|end| end > total) => {
                return err(
                    ErrorKind::BufferSize,
                    format!(
                        "offset = {off} + count = {len} is past the end of shape {} ({total} elements)",
                        shape_str(shape)
                    ),
                );
            }
            _ => {}
        }
        Ok(self.sampler(&p))
    }

    /// Checks, without writing anything, what [`fill`](Self::fill)
    /// (`offset = None`) or [`fill_range`](Self::fill_range) would check
    /// for an output of `len` elements.
    pub fn check(&self, shape: &[i64], offset: Option<u64>, len: usize) -> Result<(), Error> {
        self.plan(shape, offset, len).map(|_| ())
    }

    /// Fills `out` with the whole tensor `shape` (row-major).
    ///
    /// Errors: an invalid shape, or `out.len()` not the element count
    /// (then `out` is untouched).
    pub fn fill<T: Element>(&self, shape: &[i64], out: &mut [T]) -> Result<(), Error> {
        let sampler = self.plan(shape, None, out.len())?;
        parallel::fill(&sampler, 0, out, self.max_threads);
        Ok(())
    }

    /// Fills `out` with elements `[offset, offset + out.len())` of the
    /// tensor `shape`, bit-identical to the same elements of
    /// [`fill`](Self::fill). Fans come from the whole shape.
    ///
    /// Errors: an invalid shape, or a range past the element count (then
    /// `out` is untouched).
    pub fn fill_range<T: Element>(
        &self,
        shape: &[i64],
        offset: u64,
        out: &mut [T],
    ) -> Result<(), Error> {
        let sampler = self.plan(shape, Some(offset), out.len())?;
        parallel::fill(&sampler, offset, out, self.max_threads);
        Ok(())
    }

    /// Validates a slice fill: the box `[start, start + extent)` of
    /// `shape` into an output of `len` elements.
    fn plan_box(
        &self,
        shape: &[i64],
        start: &[i64],
        extent: &[i64],
        len: usize,
    ) -> Result<(Sampler, BoxRuns), Error> {
        // a full-tensor plan checks the shape, fans and factor
        let total = element_count(shape)?;
        let sampler = self.plan(shape, Some(0), 0)?;
        for (name, v) in [("start", start), ("extent", extent)] {
            if v.len() != shape.len() {
                return err(
                    ErrorKind::InvalidShape,
                    format!(
                        "`{name}` has {} entries but shape {} has {}",
                        v.len(),
                        shape_str(shape),
                        shape.len()
                    ),
                );
            }
        }
        let b = BoxRuns::new(shape, start, extent)?;
        debug_assert!(b.len() <= total);
        if b.len() != len as u64 {
            return err(
                ErrorKind::BufferSize,
                format!(
                    "out_len = {len} but the box extent {} of shape {} has {} elements",
                    shape_str(extent),
                    shape_str(shape),
                    b.len()
                ),
            );
        }
        Ok((sampler, b))
    }

    /// Checks, without writing anything, what
    /// [`fill_slice`](Self::fill_slice) would check.
    pub fn check_slice(
        &self,
        shape: &[i64],
        start: &[i64],
        extent: &[i64],
        len: usize,
    ) -> Result<(), Error> {
        self.plan_box(shape, start, extent, len).map(|_| ())
    }

    /// Fills `out` with the row-major box `[start, start + extent)` of the
    /// tensor `shape`: bit-identical to those elements of
    /// [`fill`](Self::fill), in row-major order of the box. Fans come from
    /// the whole shape. v2 computes only the box's elements; v1 discards at
    /// most one block of draws per contiguous run.
    ///
    /// Errors: an invalid shape; `start`/`extent` of another length than
    /// the shape, negative, or leaving the tensor
    /// ([`ErrorKind::InvalidShape`]); `out.len()` not the box's size
    /// ([`ErrorKind::BufferSize`]). `out` is then untouched.
    pub fn fill_slice<T: Element>(
        &self,
        shape: &[i64],
        start: &[i64],
        extent: &[i64],
        out: &mut [T],
    ) -> Result<(), Error> {
        let (sampler, b) = self.plan_box(shape, start, extent, out.len())?;
        parallel::fill_box(&sampler, &b, out, self.max_threads);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn make(scale: f64, dist: Distribution) -> Initializer {
        Initializer::new(Config::new(scale, Mode::FanIn, dist, Some(1), None).unwrap()).unwrap()
    }

    #[test]
    fn overflowing_uniform_limit_is_an_error_and_writes_nothing() {
        let init = make(f64::MAX, Distribution::Uniform);
        let mut out = [7.0f32; 2];
        let e = init.fill(&[2], &mut out).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidScale);
        assert_eq!(init.describe(&[2]).unwrap_err(), e);
        assert!(e.message().contains("scale="), "{}", e.message());
        assert_eq!(out, [7.0; 2]);
        // the normals stay finite at the largest scale
        for d in [
            Distribution::TruncatedNormal,
            Distribution::UntruncatedNormal,
        ] {
            let mut v = [0f64; 8];
            make(f64::MAX, d).fill(&[8], &mut v).unwrap();
            assert!(v.iter().all(|x| x.is_finite()));
        }
    }

    #[test]
    fn wrong_lengths_are_errors() {
        let init = make(1.0, Distribution::Uniform);
        let mut out = [0f32; 5];
        assert_eq!(
            init.fill(&[2, 3], &mut out).unwrap_err().kind(),
            ErrorKind::BufferSize
        );
        assert_eq!(
            init.fill_range(&[2, 3], u64::MAX, &mut out)
                .unwrap_err()
                .kind(),
            ErrorKind::BufferSize
        );
        assert_eq!(
            init.fill_range(&[2, 3], 2, &mut out).unwrap_err().kind(),
            ErrorKind::BufferSize
        );
        assert!(init.fill_range(&[2, 3], 1, &mut out).is_ok());
    }
}
