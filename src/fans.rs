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
