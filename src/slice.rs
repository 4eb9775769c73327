//! N-d boxes of a row-major tensor as contiguous runs of the flattened
//! tensor, so that a box (a tensor-parallel or pipeline-parallel shard) is
//! filled with range fills of its runs: the same bits as the whole fill,
//! at a cost proportional to the box.

use crate::error::{Error, ErrorKind, err};
use crate::fans::{element_count, shape_str};

/// The box `[start, start + extent)` of a tensor, validated, with its
/// trailing full dimensions merged into the runs.
#[derive(Clone, Debug)]
pub struct BoxRuns {
    /// Extents of the dimensions that index runs (outer dimensions).
    outer_extent: Vec<u64>,
    /// Element strides of those dimensions in the whole tensor.
    outer_stride: Vec<u64>,
    /// Flat index of the box's first element.
    origin: u64,
    /// Elements per run (contiguous in the flattened tensor).
    run_len: u64,
    /// Elements in the box.
    len: u64,
}

fn list_str(v: &[i64]) -> String {
    shape_str(v)
}

impl BoxRuns {
    /// Validates the box against `shape` (already a valid shape) and plans
    /// its runs.
    ///
    /// Errors ([`ErrorKind::InvalidShape`]): `start` or `extent` with a
    /// negative entry, or a box that leaves the tensor.
    pub fn new(shape: &[i64], start: &[i64], extent: &[i64]) -> Result<BoxRuns, Error> {
        element_count(shape)?;
        debug_assert_eq!(shape.len(), start.len());
        debug_assert_eq!(shape.len(), extent.len());
        for (i, (&s, &e)) in start.iter().zip(extent).enumerate() {
            if s < 0 {
                return err(
                    ErrorKind::InvalidShape,
                    format!(
                        "start[{i}] = {s} is negative; received start {}",
                        list_str(start)
                    ),
                );
            }
            if e < 0 {
                return err(
                    ErrorKind::InvalidShape,
                    format!(
                        "extent[{i}] = {e} is negative; received extent {}",
                        list_str(extent)
                    ),
                );
            }
            // s, e and shape[i] are all in [0, i64::MAX]: the sum fits in u64
            if s as u64 + e as u64 > shape[i] as u64 {
                return err(
                    ErrorKind::InvalidShape,
                    format!(
                        "the box leaves the tensor in dimension {i}: start[{i}] = {s} + extent[{i}] = {e} > shape[{i}] = {}; received start {}, extent {}, shape {}",
                        shape[i],
                        list_str(start),
                        list_str(extent),
                        shape_str(shape)
                    ),
                );
            }
        }
        let len = if extent.contains(&0) {
            0
        } else {
            // a sub-box of a valid shape: the product fits
            extent.iter().map(|&e| e as u64).product()
        };
        // strides of the whole tensor (valid: the element count fits in i64)
        let n = shape.len();
        let mut stride = vec![1u64; n];
        for i in (0..n.saturating_sub(1)).rev() {
            stride[i] = stride[i + 1].saturating_mul(shape[i + 1] as u64);
        }
        // merge trailing dimensions the box covers completely
        let mut d = n;
        while d > 0 && start[d - 1] == 0 && extent[d - 1] == shape[d - 1] {
            d -= 1;
        }
        // dimension d - 1 (if any) is the last partial one: it joins the run
        let (outer, run_len) = if len == 0 {
            // an empty box has no runs; its extents may multiply past 2^64
            // before a 0 cancels them, so they are not multiplied at all
            (0, 0)
        } else if d == 0 {
            (0, len)
        } else {
            let inner: u64 = extent[d - 1..].iter().map(|&e| e as u64).product();
            (d - 1, inner)
        };
        let origin = if len == 0 {
            0
        } else {
            start
                .iter()
                .zip(&stride)
                .map(|(&s, &st)| s as u64 * st)
                .sum()
        };
        Ok(BoxRuns {
            outer_extent: extent[..outer].iter().map(|&e| e as u64).collect(),
            outer_stride: stride[..outer].to_vec(),
            origin,
            run_len,
            len,
        })
    }

    /// Elements in the box.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the box is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Elements per contiguous run.
    pub fn run_len(&self) -> u64 {
        self.run_len
    }

    /// Calls `f(flat_index, out_position, count)` for the pieces of runs
    /// that make up box positions `[from, to)` (row-major order inside the
    /// box), in order.
    pub fn for_each_run(&self, from: u64, to: u64, mut f: impl FnMut(u64, u64, u64)) {
        if from >= to || self.run_len == 0 {
            return;
        }
        let run = from / self.run_len;
        let mut within = from % self.run_len;
        // mixed-radix digits of `run` over the outer extents
        let mut digits = vec![0u64; self.outer_extent.len()];
        let mut r = run;
        for (dig, &e) in digits.iter_mut().zip(&self.outer_extent).rev() {
            *dig = r % e;
            r /= e;
        }
        let mut pos = from;
        while pos < to {
            let base: u64 = self.origin
                + digits
                    .iter()
                    .zip(&self.outer_stride)
                    .map(|(&d, &s)| d * s)
                    .sum::<u64>();
            let count = (self.run_len - within).min(to - pos);
            f(base + within, pos, count);
            pos += count;
            within = 0;
            // increment the digits
            for (dig, &e) in digits.iter_mut().zip(&self.outer_extent).rev() {
                *dig += 1;
                if *dig < e {
                    break;
                }
                *dig = 0;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat_indices(shape: &[i64], start: &[i64], extent: &[i64]) -> Vec<u64> {
        let b = BoxRuns::new(shape, start, extent).unwrap();
        let mut v = Vec::new();
        b.for_each_run(0, b.len(), |flat, pos, count| {
            assert_eq!(pos as usize, v.len());
            v.extend(flat..flat + count);
        });
        v
    }

    /// The runs list exactly the box's flat indices, in row-major order.
    #[test]
    fn runs_enumerate_the_box() {
        let shape = [4i64, 5, 6];
        let mut naive = Vec::new();
        let (s, e) = ([1i64, 2, 3], [2i64, 3, 2]);
        for a in s[0]..s[0] + e[0] {
            for b in s[1]..s[1] + e[1] {
                for c in s[2]..s[2] + e[2] {
                    naive.push((a * 30 + b * 6 + c) as u64);
                }
            }
        }
        assert_eq!(flat_indices(&shape, &s, &e), naive);
        // full trailing dims merge into one run per outer index
        let b = BoxRuns::new(&shape, &[1, 0, 0], &[2, 5, 6]).unwrap();
        assert_eq!(b.run_len(), 60);
        assert_eq!(
            flat_indices(&shape, &[1, 0, 0], &[2, 5, 6]),
            (30..90).collect::<Vec<_>>()
        );
        // the whole tensor, a scalar, an empty box
        assert_eq!(
            flat_indices(&shape, &[0, 0, 0], &[4, 5, 6]),
            (0..120).collect::<Vec<_>>()
        );
        assert_eq!(flat_indices(&[], &[], &[]), vec![0]);
        assert!(flat_indices(&shape, &[4, 0, 0], &[0, 5, 6]).is_empty());
        // an empty tensor whose whole dimensions before its 0 multiply past
        // 2^64 (found by the c_api fuzz target: the run length overflowed)
        let huge = [2i64, 1 << 62, 4, 0, 1, 1];
        let b = BoxRuns::new(&huge, &[0; 6], &[1, 1 << 62, 4, 0, 1, 1]).unwrap();
        assert!(b.is_empty() && b.run_len() == 0);
        assert!(flat_indices(&huge, &[0; 6], &[2, 1 << 62, 4, 0, 1, 1]).is_empty());
    }

    /// Any sub-range of box positions gives the matching part of the runs.
    #[test]
    fn partial_ranges_continue_where_they_start() {
        let shape = [3i64, 4, 5];
        let (s, e) = ([0i64, 1, 1], [3i64, 2, 3]);
        let all = flat_indices(&shape, &s, &e);
        let b = BoxRuns::new(&shape, &s, &e).unwrap();
        for from in 0..all.len() as u64 {
            for to in from..=all.len() as u64 {
                let mut got = Vec::new();
                b.for_each_run(from, to, |flat, pos, count| {
                    assert_eq!(pos, from + got.len() as u64);
                    got.extend(flat..flat + count);
                });
                assert_eq!(got, all[from as usize..to as usize]);
            }
        }
    }

    #[test]
    fn boxes_outside_the_tensor_are_errors() {
        let shape = [4i64, 5];
        for (s, e, what) in [
            ([-1i64, 0], [1i64, 1], "start[0] = -1"),
            ([0, 0], [1, -2], "extent[1] = -2"),
            ([3, 0], [2, 5], "dimension 0"),
            ([0, i64::MAX], [1, i64::MAX], "dimension 1"),
        ] {
            let e = BoxRuns::new(&shape, &s, &e).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidShape);
            assert!(e.message().contains(what), "{}", e.message());
        }
    }
}
