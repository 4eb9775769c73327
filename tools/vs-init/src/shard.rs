//! `vs-init --shard rows|columns|layers` under `mpirun -np N`: every rank
//! reads the same input and computes the same layout, rank 0 creates the
//! temporary file (full length, headers), each rank fills and writes only
//! its share at the precomputed offsets, rank 0 renames the file. The
//! ranks agree on success after each step, so an error on any rank makes
//! all of them fail and the temporary is removed.
//!
//! The steps talk to the other ranks only through [`Comm`]: MPI's world
//! communicator (src/mpi.rs, feature `mpi`), or threads in the tests.

use std::path::Path;

use crate::Failure;
use crate::layout::FilePlan;
use crate::tensor::Tensor;
use crate::write::{self, Progress, Share, Stats, Temp, Writer};

/// The collectives the sharded writer needs. Every rank calls the same
/// ones in the same order; each completes only when every rank has called
/// it, so the agreements after each step are also its barriers.
pub trait Comm {
    /// This rank, in `[0, size)`.
    fn rank(&self) -> usize;
    /// The number of ranks.
    fn size(&self) -> usize;
    /// Rank 0's `value`, on every rank.
    fn bcast_u64(&self, value: u64) -> u64;
    /// The least `value` of all ranks, on every rank.
    fn min_u64(&self, value: u64) -> u64;
    /// Element-wise sums of `values` over all ranks, in place.
    fn sum_f64(&self, values: &mut [f64]);
}

/// How tensors are split among the ranks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Split {
    /// Each tensor's dim-0 rows in contiguous blocks, one per rank.
    Rows,
    /// Each tensor's last dimension (the output dimension of a kernel) in
    /// contiguous column blocks, one per rank (tensor parallel).
    Columns,
    /// Whole tensors: consecutive tensors to each rank (pipeline parallel).
    Layers,
}

impl Split {
    pub fn parse(s: &str) -> Option<Split> {
        Some(match s {
            "rows" => Split::Rows,
            "columns" => Split::Columns,
            "layers" => Split::Layers,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Split::Rows => "rows",
            Split::Columns => "columns",
            Split::Layers => "layers",
        }
    }
}

/// Block `r` of `n` items cut into `p` nearly equal contiguous blocks.
fn block(n: u64, r: usize, p: usize) -> (u64, u64) {
    let at = |k: usize| (u128::from(n) * k as u128 / p as u128) as u64;
    (at(r), at(r + 1))
}

/// The rank that writes each whole tensor with `--shard layers`: tensors
/// stay in input order, and a tensor goes to the rank whose equal part of
/// the total bytes holds the tensor's middle byte.
fn layer_owners(tensors: &[Tensor], size: usize) -> Vec<usize> {
    let total: u128 = tensors.iter().map(|t| u128::from(t.nbytes())).sum();
    let mut before = 0u128;
    tensors
        .iter()
        .map(|t| {
            let n = u128::from(t.nbytes());
            let mid2 = 2 * before + n;
            before += n;
            if total == 0 {
                0
            } else {
                ((mid2 * size as u128 / (2 * total)) as usize).min(size - 1)
            }
        })
        .collect()
}

/// Rank `rank`'s shares of `tensors` among `size` ranks: `(tensor index,
/// share)`, empty shares left out.
pub fn shares(split: Split, tensors: &[Tensor], rank: usize, size: usize) -> Vec<(usize, Share)> {
    let owners = match split {
        Split::Layers => layer_owners(tensors, size),
        _ => Vec::new(),
    };
    let mut out = Vec::new();
    for (i, t) in tensors.iter().enumerate() {
        let count = t.count();
        if count == 0 {
            continue;
        }
        let share = match split {
            Split::Layers => (owners[i] == rank).then_some(Share::Range(0, count)),
            Split::Rows => {
                let rows = t.shape.first().map_or(1, |&d| d as u64);
                let (a, b) = block(rows, rank, size);
                let row = count / rows;
                (a < b).then_some(Share::Range(a * row, b * row))
            }
            Split::Columns => match t.shape.last() {
                // a scalar: rank 0's
                None => (rank == 0).then_some(Share::Range(0, count)),
                Some(&cols) => {
                    let (a, b) = block(cols as u64, rank, size);
                    (a < b).then_some(Share::Columns(a, b))
                }
            },
        };
        out.extend(share.map(|s| (i, s)));
    }
    out
}

/// Prints `line` on stderr in one write: mpirun forwards each write of
/// each rank, and the pieces of `eprintln!` (unbuffered) could interleave
/// with other ranks' lines.
pub fn say(line: &str) {
    use std::io::Write;
    let _ = std::io::stderr().write_all(format!("{line}\n").as_bytes());
}

/// The test hook of a failing rank: `VS_INIT_TEST_FAIL_RANK=r` limits
/// `VS_INIT_TEST_FAIL_AFTER` to rank `r` (docs/vs-init.md).
const FAIL_RANK_ENV: &str = "VS_INIT_TEST_FAIL_RANK";

/// The agreement after a step: if any rank failed, every rank fails with
/// the status of the lowest failing rank, which alone reports its message
/// (a failure with an empty message is not printed again).
pub fn agree<C: Comm, T>(comm: &C, result: Result<T, Failure>) -> Result<T, Failure> {
    let (rank, size) = (comm.rank(), comm.size());
    let mine = match &result {
        Ok(_) => u64::MAX,
        Err(f) => ((rank as u64) << 8) | u64::from(f.code),
    };
    let first = comm.min_u64(mine);
    if first == u64::MAX {
        return result;
    }
    let code = (first & 0xff) as u8;
    match result {
        Err(f) if (first >> 8) as usize == rank => Err(Failure {
            msg: if size > 1 {
                format!("rank {rank}/{size}: {}", f.msg)
            } else {
                f.msg
            },
            ..f
        }),
        _ => Err(Failure {
            code,
            msg: String::new(),
        }),
    }
}

/// Writes the planned files together with the other ranks of `comm`: each
/// rank writes its [`shares`] (and rank 0 the headers). Returns every
/// tensor's statistics (summed over the ranks) and the data bytes this
/// rank wrote.
#[allow(clippy::too_many_arguments)]
pub fn write_sharded<C: Comm>(
    comm: &C,
    split: Split,
    target: &Path,
    dir: bool,
    plans: &[FilePlan],
    tensors: &[Tensor],
    show_progress: bool,
    quiet: bool,
) -> Result<(Vec<Stats>, u64), Failure> {
    let (rank, size) = (comm.rank(), comm.size());
    let mine = shares(split, tensors, rank, size);
    let my_bytes: u64 = mine
        .iter()
        .map(|&(i, s)| s.count(&tensors[i]) * tensors[i].dtype.size())
        .sum();
    let total: u64 = tensors.iter().map(Tensor::nbytes).sum();
    if my_bytes == 0 && total > 0 && !quiet {
        say(&format!(
            "vs-init: rank {rank}/{size}: no share of the data (--shard {}: {} tensors for {size} ranks); idle",
            split.name(),
            tensors.len()
        ));
    }
    // rank 0's process id names the temporary of every rank
    let tmp_path = write::temp_beside(target, comm.bcast_u64(u64::from(std::process::id())));

    // 1. rank 0 creates the files: full length, headers
    let created = tmp_path.and_then(|tmp_path| {
        if rank != 0 {
            return Ok((tmp_path, None));
        }
        write::check_target(target, dir)?;
        if dir {
            std::fs::create_dir(&tmp_path).map_err(|e| write::io_fail(target, e))?;
        }
        let temp = Temp {
            path: tmp_path.clone(),
            dir,
            keep: false,
        };
        for plan in plans {
            write::create_file(&write::plan_path(&tmp_path, plan), target, plan)?;
        }
        Ok((tmp_path, Some(temp)))
    });
    // on a failure, rank 0's temporary is removed as `created` is dropped
    let (tmp_path, mut temp) = agree(comm, created)?;

    // 2. every rank writes its shares
    let fail_rank = std::env::var(FAIL_RANK_ENV)
        .ok()
        .and_then(|s| s.parse::<usize>().ok());
    let fail_after = write::fail_after_from_env().filter(|_| fail_rank.is_none_or(|r| r == rank));
    let mut stats = vec![Stats::default(); tensors.len()];
    let mut progress = Progress::new(show_progress && rank == 0, my_bytes);
    let mut w = Writer {
        fail_after,
        chunks: 0,
        progress: &mut progress,
    };
    let wrote = (|| -> Result<(), Failure> {
        for plan in plans {
            let here: Vec<(usize, u64, Share)> = plan
                .parts
                .iter()
                .flat_map(|&(i, at)| {
                    mine.iter()
                        .filter(move |&&(j, _)| j == i)
                        .map(move |&(_, s)| (i, at, s))
                })
                .collect();
            if here.is_empty() {
                continue;
            }
            let path = write::plan_path(&tmp_path, plan);
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(&path)
                .map_err(|e| write::io_fail(target, e))?;
            for (i, at, share) in here {
                write::write_share(&mut w, &file, target, &tensors[i], share, at, &mut stats[i])?;
            }
        }
        Ok(())
    })();
    progress.finish();
    agree(comm, wrote)?;

    // 3. rank 0 publishes the file
    let renamed = match temp.as_mut() {
        Some(temp) => std::fs::rename(&tmp_path, target)
            .map(|()| temp.keep = true)
            .map_err(|e| write::io_fail(target, e)),
        None => Ok(()),
    };
    agree(comm, renamed)?;
    drop(temp);

    // every tensor's statistics, summed over the ranks in rank order
    let mut sums: Vec<f64> = stats.iter().flat_map(|s| [s.sum, s.sumsq]).collect();
    comm.sum_f64(&mut sums);
    let stats = tensors
        .iter()
        .zip(sums.chunks_exact(2))
        .map(|(t, s)| Stats {
            n: t.count(),
            sum: s[0],
            sumsq: s[1],
        })
        .collect();
    if !quiet {
        say(&format!(
            "vs-init: rank {rank}/{size} wrote {my_bytes} bytes"
        ));
    }
    Ok((stats, my_bytes))
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Barrier, Mutex};

    use serde_json::json;

    use super::*;
    use crate::layout::{self, Format};
    use crate::tensor::{DType, make_tensor, parse_init};

    /// Ranks as threads of one process.
    struct Threads {
        rank: usize,
        size: usize,
        barrier: Arc<Barrier>,
        slots: Arc<Mutex<Vec<Vec<f64>>>>,
        words: Arc<Mutex<Vec<u64>>>,
    }

    impl Threads {
        fn world(size: usize) -> Vec<Threads> {
            let barrier = Arc::new(Barrier::new(size));
            let slots = Arc::new(Mutex::new(vec![Vec::new(); size]));
            let words = Arc::new(Mutex::new(vec![0; size]));
            (0..size)
                .map(|rank| Threads {
                    rank,
                    size,
                    barrier: barrier.clone(),
                    slots: slots.clone(),
                    words: words.clone(),
                })
                .collect()
        }

        /// Every rank's `value`, after all have posted theirs.
        fn gather(&self, value: u64) -> Vec<u64> {
            self.words.lock().unwrap()[self.rank] = value;
            self.barrier.wait();
            let all = self.words.lock().unwrap().clone();
            self.barrier.wait();
            all
        }
    }

    impl Comm for Threads {
        fn rank(&self) -> usize {
            self.rank
        }
        fn size(&self) -> usize {
            self.size
        }
        fn bcast_u64(&self, value: u64) -> u64 {
            self.gather(value)[0]
        }
        fn min_u64(&self, value: u64) -> u64 {
            self.gather(value).into_iter().min().unwrap()
        }
        fn sum_f64(&self, values: &mut [f64]) {
            self.slots.lock().unwrap()[self.rank] = values.to_vec();
            self.barrier.wait();
            let all = self.slots.lock().unwrap().clone();
            for (k, v) in values.iter_mut().enumerate() {
                *v = all.iter().map(|s| s[k]).sum();
            }
            self.barrier.wait();
        }
    }

    fn tensors() -> Vec<Tensor> {
        let specs = [
            // more than one chunk (8 MiB) whole, and more than one dim-0
            // box of columns
            ("big", vec![1100i64, 2048], "f32", json!("he_normal")),
            ("cube", vec![24, 200, 500], "f32", json!("lecun_uniform")),
            ("conv", vec![3, 3, 8, 5], "f64", json!("glorot_uniform")),
            (
                "narrow",
                vec![40, 3],
                "bf16",
                json!({"class_name": "LecunNormal", "config": {"seed": 5}}),
            ),
            ("bias", vec![5], "f16", json!("zeros")),
            ("lstm_bias", vec![12], "f32", json!("ones")),
            ("empty", vec![0, 4], "f32", json!("he_uniform")),
        ];
        specs
            .into_iter()
            .map(|(name, shape, dtype, init)| {
                let spec = parse_init(&init).ok().unwrap();
                make_tensor(name.into(), shape, DType::parse(dtype).unwrap(), &spec, 9).unwrap()
            })
            .collect()
    }

    #[test]
    fn shares_cover_every_element_once() {
        let ts = tensors();
        for split in [Split::Rows, Split::Columns, Split::Layers] {
            for size in 1..=9 {
                let mut seen: Vec<Vec<u32>> =
                    ts.iter().map(|t| vec![0; t.count() as usize]).collect();
                for rank in 0..size {
                    for (i, s) in shares(split, &ts, rank, size) {
                        let t = &ts[i];
                        match s {
                            Share::Range(a, b) => (a..b).for_each(|e| seen[i][e as usize] += 1),
                            Share::Columns(a, b) => {
                                let c = *t.shape.last().unwrap() as u64;
                                for e in 0..t.count() {
                                    if (a..b).contains(&(e % c)) {
                                        seen[i][e as usize] += 1;
                                    }
                                }
                            }
                        }
                    }
                }
                for (t, s) in ts.iter().zip(&seen) {
                    assert!(s.iter().all(|&k| k == 1), "{split:?} {size} {}", t.name);
                }
            }
        }
    }

    /// Every rank count and split, the ranks as threads: the same bytes as
    /// the one-process writer, and the statistics summed over the ranks.
    #[test]
    fn sharded_files_are_the_one_process_files() {
        let ts = tensors();
        let dir = std::env::temp_dir().join(format!("vs-init-shard-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for format in [Format::Safetensors, Format::Gguf, Format::Npy] {
            let npy = format == Format::Npy;
            let ts: Vec<Tensor> = if npy {
                ts.iter()
                    .filter(|t| t.dtype != DType::BF16)
                    .cloned()
                    .collect()
            } else {
                ts.clone()
            };
            let plans = layout::plan(format, &ts, &[("seed", "9".into())]).unwrap();
            let one = dir.join(format!("one-{format:?}"));
            let mut p = Progress::new(false, 0);
            let want = write::write_all(&one, npy, &plans, &ts, &mut p).unwrap();
            for split in [Split::Rows, Split::Columns, Split::Layers] {
                for size in [1, 2, 3, 4, 7] {
                    let out = dir.join(format!("{format:?}-{split:?}-{size}"));
                    let results: Vec<_> = std::thread::scope(|s| {
                        let handles: Vec<_> = Threads::world(size)
                            .into_iter()
                            .map(|c| {
                                let (out, plans, ts) = (&out, &plans, &ts);
                                s.spawn(move || {
                                    write_sharded(&c, split, out, npy, plans, ts, false, true)
                                })
                            })
                            .collect();
                        handles
                            .into_iter()
                            .map(|h| h.join().unwrap().unwrap())
                            .collect()
                    });
                    let files = |p: &Path| -> Vec<Vec<u8>> {
                        if npy {
                            plans
                                .iter()
                                .map(|f| std::fs::read(p.join(f.name.as_ref().unwrap())).unwrap())
                                .collect()
                        } else {
                            vec![std::fs::read(p).unwrap()]
                        }
                    };
                    assert!(files(&out) == files(&one), "{format:?} {split:?} {size}");
                    let bytes: u64 = results.iter().map(|r| r.1).sum();
                    assert_eq!(bytes, ts.iter().map(Tensor::nbytes).sum::<u64>());
                    for (got, want) in results[size - 1].0.iter().zip(&want) {
                        assert_eq!(got.n, want.n);
                        assert!((got.sum - want.sum).abs() <= 1e-9 * want.sumsq.max(1.0));
                        assert!((got.sumsq - want.sumsq).abs() <= 1e-9 * want.sumsq.max(1.0));
                    }
                }
            }
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
