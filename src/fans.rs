//! Fan rules: how many inputs and outputs a weight tensor of a given shape
//! has, as TensorFlow and Keras 3 compute them.
//!
//! All arithmetic is checked: a product that does not fit in `i64` is an
//! [`ErrorKind::InvalidShape`] error, never a wrapped value.

use crate::error::{Error, ErrorKind, err};

/// Formats a shape for messages, as `[3, 3, 64]`.
///
/// A shape of more than 12 dimensions is abbreviated to its first 8 and
/// last 2 dimensions and its rank, so that messages stay short whatever
/// rank a caller passes.
pub(crate) fn shape_str(shape: &[i64]) -> String {
    const HEAD: usize = 8;
    const TAIL: usize = 2;
    let join = |dims: &[i64]| {
        dims.iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if shape.len() <= HEAD + TAIL + 2 {
        return format!("[{}]", join(shape));
    }
    format!(
        "[{}, ..., {}] (rank {})",
        join(&shape[..HEAD]),
        join(&shape[shape.len() - TAIL..]),
        shape.len()
    )
}

/// Checks every dimension and returns the number of elements of a tensor of
/// `shape` (1 for rank 0, 0 when any dimension is 0).
///
/// Errors: a negative dimension, or an element count above `i64::MAX`.
pub fn element_count(shape: &[i64]) -> Result<u64, Error> {
    for (i, &d) in shape.iter().enumerate() {
        if d < 0 {
            return err(
                ErrorKind::InvalidShape,
                format!("shape[{i}] = {d} is negative; every dimension must be >= 0"),
            );
        }
    }
    if shape.contains(&0) {
        return Ok(0);
    }
    let mut count: i64 = 1;
    for &d in shape {
        count = match count.checked_mul(d) {
            Some(c) => c,
            None => {
                return err(
                    ErrorKind::InvalidShape,
                    format!(
                        "shape {} has more elements than int64_t can count",
                        shape_str(shape)
                    ),
                );
            }
        };
    }
    Ok(count as u64)
}

fn checked_product(
    shape: &[i64],
    dims: impl Iterator<Item = i64> + Clone,
    what: &str,
) -> Result<i64, Error> {
    // a zero factor makes the product 0, however large the others are
    // (Python's integers never overflow on the way there)
    if dims.clone().any(|d| d == 0) {
        return Ok(0);
    }
    let mut p: i64 = 1;
    for d in dims {
        p = match p.checked_mul(d) {
            Some(v) => v,
            None => {
                return err(
                    ErrorKind::InvalidShape,
                    format!("{what} of shape {} overflows int64_t", shape_str(shape)),
                );
            }
        };
    }
    Ok(p)
}

/// The default TensorFlow/Keras fan rule for the layout `(..., in, out)`:
///
/// * rank 0: `(1, 1)`; rank 1: `(shape[0], shape[0])`;
/// * rank 2: `(shape[0], shape[1])`;
/// * rank > 2: with `rf = prod(shape[..rank-2])`,
///   `(shape[rank-2] * rf, shape[rank-1] * rf)`.
///
/// Errors: negative dimensions, or a fan that overflows `i64`.
pub fn default_fans(shape: &[i64]) -> Result<(i64, i64), Error> {
    element_count(shape)?;
    let r = shape.len();
    match r {
        0 => Ok((1, 1)),
        1 => Ok((shape[0], shape[0])),
        2 => Ok((shape[0], shape[1])),
        _ => {
            let rf_dims = &shape[..r - 2];
            let fan_in = checked_product(
                shape,
                rf_dims.iter().copied().chain([shape[r - 2]]),
                "fan_in",
            )?;
            let fan_out = checked_product(
                shape,
                rf_dims.iter().copied().chain([shape[r - 1]]),
                "fan_out",
            )?;
            Ok((fan_in, fan_out))
        }
    }
}

/// Resolves `axis` (negative counts from the end) against a rank.
fn resolve_axis(axis: i64, rank: usize, name: &str, index: usize) -> Result<usize, Error> {
    let r = rank as i64;
    if axis < -r || axis >= r {
        let valid = if rank == 0 {
            "none: the shape has rank 0".to_string()
        } else {
            format!("{} to {}", -r, r - 1)
        };
        return err(
            ErrorKind::InvalidShape,
            format!(
                "{name}[{index}] = {axis} is out of range for a shape of rank {rank} (valid axes: {valid})"
            ),
        );
    }
    Ok(if axis < 0 {
        (axis + r) as usize
    } else {
        axis as usize
    })
}

/// Fans from explicit axes (Keras 3 `input_axes` / `output_axes`):
/// `fan_in = prod(shape[a] for a in input_axes)`, likewise `fan_out`.
/// Negative axes count from the end; an empty list gives a fan of 1;
/// an axis listed twice counts twice (as Keras's product does).
///
/// Errors: negative dimensions, an axis out of range, or overflow.
pub fn axes_fans(
    shape: &[i64],
    input_axes: &[i64],
    output_axes: &[i64],
) -> Result<(i64, i64), Error> {
    element_count(shape)?;
    let mut fans = [0i64; 2];
    for (slot, (axes, name, what)) in [
        (input_axes, "input_axes", "fan_in"),
        (output_axes, "output_axes", "fan_out"),
    ]
    .into_iter()
    .enumerate()
    {
        let mut dims = Vec::with_capacity(axes.len());
        for (i, &a) in axes.iter().enumerate() {
            dims.push(shape[resolve_axis(a, shape.len(), name, i)?]);
        }
        fans[slot] = checked_product(shape, dims.into_iter(), what)?;
    }
    Ok((fans[0], fans[1]))
}

/// Where a weight tensor keeps its input and output dimensions: which fan
/// rule applies to it. Every layout gives rank 0 the fans `(1, 1)` and
/// rank 1 (a bias or a scale vector) `(d0, d0)`, as Keras does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Layout {
    /// `(..., in, out)`: Keras, TensorFlow, JAX/Flax (`Dense (in, out)`,
    /// `Conv2D (kh, kw, in, out)`). Keras's default rule.
    #[default]
    InOut = 0,
    /// `(out, in, spatial...)`: PyTorch, ONNX, Caffe, Darknet, cuDNN and
    /// oneDNN `OIHW`, ggml's row-major view of `(out, in)`.
    OutIn = 1,
    /// `(out, spatial..., in)`: TFLite, cuDNN `NHWC` filters, oneDNN
    /// `OHWI`.
    OutSpatialIn = 2,
}

impl Layout {
    /// Every layout, in number order.
    pub const ALL: [Layout; 3] = [Layout::InOut, Layout::OutIn, Layout::OutSpatialIn];

    /// The layout with this number, if any.
    pub fn from_u32(v: u32) -> Option<Layout> {
        Layout::ALL.into_iter().find(|l| *l as u32 == v)
    }

    /// The short name used in messages and docs.
    pub fn name(self) -> &'static str {
        match self {
            Layout::InOut => "in_out",
            Layout::OutIn => "out_in",
            Layout::OutSpatialIn => "out_spatial_in",
        }
    }
}

/// Fans of `shape` stored in `layout`, with `rf` the product of the
/// spatial (receptive-field) dimensions:
///
/// * [`Layout::InOut`]: as [`default_fans`];
/// * [`Layout::OutIn`], rank >= 2: `rf = prod(shape[2..])`,
///   `(shape[1] * rf, shape[0] * rf)` (PyTorch's
///   `_calculate_fan_in_and_fan_out`);
/// * [`Layout::OutSpatialIn`], rank >= 2: `rf = prod(shape[1..rank-1])`,
///   `(shape[rank-1] * rf, shape[0] * rf)`;
/// * rank 0 and 1 as [`default_fans`].
///
/// Errors: negative dimensions, or a fan that overflows `i64`.
pub fn layout_fans(shape: &[i64], layout: Layout) -> Result<(i64, i64), Error> {
    let r = shape.len();
    if layout == Layout::InOut || r < 2 {
        return default_fans(shape);
    }
    element_count(shape)?;
    let (in_axis, rf_dims) = match layout {
        Layout::OutIn => (1, &shape[2..]),
        _ => (r - 1, &shape[1..r - 1]),
    };
    let fan_in = checked_product(
        shape,
        rf_dims.iter().copied().chain([shape[in_axis]]),
        "fan_in",
    )?;
    let fan_out = checked_product(shape, rf_dims.iter().copied().chain([shape[0]]), "fan_out")?;
    Ok((fan_in, fan_out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_in_messages_stay_short() {
        assert_eq!(shape_str(&[]), "[]");
        assert_eq!(shape_str(&[3, -1]), "[3, -1]");
        let twelve: Vec<i64> = (1..=12).collect();
        assert_eq!(shape_str(&twelve), format!("{twelve:?}"));
        let long: Vec<i64> = (1..=13).collect();
        assert_eq!(
            shape_str(&long),
            "[1, 2, 3, 4, 5, 6, 7, 8, ..., 12, 13] (rank 13)"
        );
        let hostile = vec![i64::MIN; 100_000];
        let e = element_count(&hostile).unwrap_err();
        assert!(e.message().len() < 300, "{}", e.message());
        let huge = vec![i64::MAX; 100_000];
        let e = default_fans(&huge).unwrap_err();
        assert!(e.message().len() < 400, "{}", e.message());
    }

    #[test]
    fn default_rule_matches_keras() {
        assert_eq!(default_fans(&[]).unwrap(), (1, 1));
        assert_eq!(default_fans(&[7]).unwrap(), (7, 7));
        assert_eq!(default_fans(&[0]).unwrap(), (0, 0));
        assert_eq!(default_fans(&[784, 10]).unwrap(), (784, 10));
        assert_eq!(default_fans(&[3, 3, 16, 32]).unwrap(), (144, 288));
        assert_eq!(default_fans(&[2, 0, 4, 5]).unwrap(), (0, 0));
        assert_eq!(default_fans(&[1, 2, 3, 4, 5, 6]).unwrap(), (120, 144));
    }

    #[test]
    fn axes_rule_matches_keras() {
        assert_eq!(
            axes_fans(&[64, 32, 3, 3], &[1, 2, 3], &[0, 2, 3]).unwrap(),
            (288, 576)
        );
        assert_eq!(axes_fans(&[8, 4, 16], &[-2], &[-1]).unwrap(), (4, 16));
        assert_eq!(axes_fans(&[8, 4, 16], &[], &[]).unwrap(), (1, 1));
    }

    #[test]
    fn layouts_give_the_frameworks_fans() {
        // PyTorch Conv2d(16, 32, 3): weight (32, 16, 3, 3), fans (144, 288)
        assert_eq!(
            layout_fans(&[32, 16, 3, 3], Layout::OutIn).unwrap(),
            (144, 288)
        );
        // Linear(784, 10): weight (10, 784)
        assert_eq!(layout_fans(&[10, 784], Layout::OutIn).unwrap(), (784, 10));
        // TFLite CONV_2D filter OHWI (32, 3, 3, 16)
        assert_eq!(
            layout_fans(&[32, 3, 3, 16], Layout::OutSpatialIn).unwrap(),
            (144, 288)
        );
        assert_eq!(
            layout_fans(&[10, 784], Layout::OutSpatialIn).unwrap(),
            (784, 10)
        );
        // Conv1d / Conv3d ranks
        assert_eq!(layout_fans(&[8, 4, 5], Layout::OutIn).unwrap(), (20, 40));
        assert_eq!(
            layout_fans(&[8, 2, 3, 5, 4], Layout::OutSpatialIn).unwrap(),
            (120, 240)
        );
        // the same as the axes that spell each layout out
        for shape in [vec![6i64, 5, 4, 3], vec![2, 3, 4, 5, 6], vec![7, 9]] {
            let r = shape.len() as i64;
            let spatial: Vec<i64> = (2..r).collect();
            let inputs: Vec<i64> = [1].iter().chain(&spatial).copied().collect();
            let outputs: Vec<i64> = [0].iter().chain(&spatial).copied().collect();
            assert_eq!(
                layout_fans(&shape, Layout::OutIn).unwrap(),
                axes_fans(&shape, &inputs, &outputs).unwrap()
            );
            let spatial: Vec<i64> = (1..r - 1).collect();
            let inputs: Vec<i64> = spatial.iter().chain(&[r - 1]).copied().collect();
            let outputs: Vec<i64> = spatial.iter().chain(&[0]).copied().collect();
            assert_eq!(
                layout_fans(&shape, Layout::OutSpatialIn).unwrap(),
                axes_fans(&shape, &inputs, &outputs).unwrap()
            );
            assert_eq!(
                layout_fans(&shape, Layout::InOut).unwrap(),
                default_fans(&shape).unwrap()
            );
        }
        // rank 0 and 1 are layout-free
        for l in Layout::ALL {
            assert_eq!(layout_fans(&[], l).unwrap(), (1, 1));
            assert_eq!(layout_fans(&[9], l).unwrap(), (9, 9));
            assert_eq!(Layout::from_u32(l as u32), Some(l));
        }
        assert_eq!(Layout::from_u32(3), None);
        // errors as the default rule's
        let e = layout_fans(&[4, -1, 3], Layout::OutIn).unwrap_err();
        assert!(e.message().contains("shape[1] = -1"), "{}", e.message());
        let e = layout_fans(&[1 << 40, 1 << 30, 0], Layout::OutSpatialIn).unwrap_err();
        assert!(e.message().contains("fan_out"), "{}", e.message());
        // an empty tensor whose fan_in overflows is an error, as in Keras's
        // rule; a zero among a fan's factors makes it 0
        let e = layout_fans(&[0, 1 << 40, 1 << 40], Layout::OutIn).unwrap_err();
        assert!(e.message().contains("fan_in"), "{}", e.message());
        assert_eq!(layout_fans(&[5, 0, 3], Layout::OutIn).unwrap(), (0, 15));
        assert_eq!(
            layout_fans(&[0, 1 << 40, 1 << 20], Layout::OutSpatialIn).unwrap(),
            (1 << 60, 0)
        );
    }

    #[test]
    fn bad_axes_and_shapes_are_errors() {
        let e = axes_fans(&[8, 4], &[2], &[0]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidShape);
        assert!(e.message().contains("input_axes[0] = 2"), "{}", e.message());
        let e = axes_fans(&[8, 4], &[0], &[-3]).unwrap_err();
        assert!(
            e.message().contains("output_axes[0] = -3"),
            "{}",
            e.message()
        );
        let e = default_fans(&[3, -1]).unwrap_err();
        assert!(e.message().contains("shape[1] = -1"), "{}", e.message());
        let e = element_count(&[1 << 32, 1 << 32]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidShape);
        // the count is 0 and so is fan_in, but fan_out = 2^80: an error
        // naming fan_out, not a wrap
        let e = default_fans(&[1 << 40, 1 << 40, 0, 1]).unwrap_err();
        assert!(e.message().contains("fan_out"), "{}", e.message());
        // a zero anywhere makes a product 0 before it can overflow
        assert_eq!(default_fans(&[1 << 40, 1 << 40, 0, 3, 4]).unwrap(), (0, 0));
        assert_eq!(
            axes_fans(&[1 << 40, 1 << 40, 0], &[0, 1, 2], &[2]).unwrap(),
            (0, 0)
        );
        assert_eq!(element_count(&[1 << 40, 1 << 40, 0]).unwrap(), 0);
        assert_eq!(element_count(&[i64::MAX]).unwrap(), i64::MAX as u64);
    }
}
