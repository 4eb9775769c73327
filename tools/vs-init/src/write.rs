//! Writing the planned files: a temporary file (or directory) beside the
//! output, each tensor filled chunk by chunk and written at its offset
//! (positioned writes, no second copy of the model in memory), then one
//! rename. On any error the temporary is removed and nothing is left.

use std::fs::File;
use std::io::Write;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use variance_scaling::Element;

use crate::Failure;
use crate::layout::FilePlan;
use crate::tensor::{DType, Fill, Tensor};

/// Bytes filled and written at once.
pub const CHUNK_BYTES: u64 = 8 << 20;

/// The test hook: with `VS_INIT_TEST_FAIL_AFTER=N` set, the write after the
/// N-th chunk fails as an I/O error would (docs/vs-init.md).
const FAIL_AFTER_ENV: &str = "VS_INIT_TEST_FAIL_AFTER";

/// An output element: the library fills it, vs-init stores it little-endian.
pub trait Scalar: Element + Default {
    /// Its little-endian bytes into `out` (of its size).
    fn put(self, out: &mut [u8]);
    fn to_f64(self) -> f64;

    /// The little-endian bytes of `v` (converted into `scratch`).
    fn le_bytes<'a>(v: &'a [Self], scratch: &'a mut Vec<u8>) -> &'a [u8] {
        le_bytes_copied(v, scratch)
    }
}

impl Scalar for f32 {
    fn put(self, out: &mut [u8]) {
        out.copy_from_slice(&self.to_le_bytes());
    }
    fn le_bytes<'a>(v: &'a [Self], scratch: &'a mut Vec<u8>) -> &'a [u8] {
        le_bytes_cast(v, scratch)
    }
    fn to_f64(self) -> f64 {
        f64::from(self)
    }
}

impl Scalar for f64 {
    fn put(self, out: &mut [u8]) {
        out.copy_from_slice(&self.to_le_bytes());
    }
    fn le_bytes<'a>(v: &'a [Self], scratch: &'a mut Vec<u8>) -> &'a [u8] {
        le_bytes_cast(v, scratch)
    }
    fn to_f64(self) -> f64 {
        self
    }
}

impl Scalar for half::f16 {
    fn put(self, out: &mut [u8]) {
        out.copy_from_slice(&self.to_le_bytes());
    }
    fn to_f64(self) -> f64 {
        half::f16::to_f64(self)
    }
}

impl Scalar for half::bf16 {
    fn put(self, out: &mut [u8]) {
        out.copy_from_slice(&self.to_le_bytes());
    }
    fn to_f64(self) -> f64 {
        half::bf16::to_f64(self)
    }
}

/// Sum and sum of squares of the values written, per tensor.
#[derive(Clone, Copy, Debug, Default)]
pub struct Stats {
    pub n: u64,
    pub sum: f64,
    pub sumsq: f64,
}

impl Stats {
    /// Adds the values of `v` (four running sums, in a fixed order: the
    /// same values give the same sums).
    fn add<T: Scalar>(&mut self, v: &[T]) {
        let mut s = [0f64; 4];
        let mut q = [0f64; 4];
        let mut quads = v.chunks_exact(4);
        for c in &mut quads {
            for k in 0..4 {
                let x = c[k].to_f64();
                s[k] += x;
                q[k] += x * x;
            }
        }
        for &x in quads.remainder() {
            let x = x.to_f64();
            s[0] += x;
            q[0] += x * x;
        }
        self.n += v.len() as u64;
        self.sum += (s[0] + s[1]) + (s[2] + s[3]);
        self.sumsq += (q[0] + q[1]) + (q[2] + q[3]);
    }

    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            f64::NAN
        } else {
            self.sum / self.n as f64
        }
    }
    pub fn std(&self) -> f64 {
        let m = self.mean();
        (self.sumsq / self.n as f64 - m * m).max(0.0).sqrt()
    }
}

/// The progress bar (stderr): bytes written, rate, time left.
pub struct Progress {
    enabled: bool,
    total: u64,
    done: u64,
    start: Instant,
    last: Option<Instant>,
}

fn mib(b: f64) -> String {
    if b >= (1u64 << 30) as f64 {
        format!("{:.2} GiB", b / (1u64 << 30) as f64)
    } else {
        format!("{:.1} MiB", b / (1u64 << 20) as f64)
    }
}

impl Progress {
    pub fn new(enabled: bool, total: u64) -> Progress {
        Progress {
            enabled,
            total,
            done: 0,
            start: Instant::now(),
            last: None,
        }
    }

    pub fn add(&mut self, bytes: u64) {
        self.done += bytes;
        if !self.enabled {
            return;
        }
        let now = Instant::now();
        if self
            .last
            .is_some_and(|t| now - t < Duration::from_millis(100))
            && self.done < self.total
        {
            return;
        }
        self.last = Some(now);
        let secs = (now - self.start).as_secs_f64().max(1e-9);
        let rate = self.done as f64 / secs;
        let left = if self.done == 0 {
            "--".to_string()
        } else {
            format!("{:.0}s", (self.total - self.done) as f64 / rate)
        };
        let frac = if self.total == 0 {
            1.0
        } else {
            self.done as f64 / self.total as f64
        };
        let width = 30;
        let filled = (frac * width as f64) as usize;
        let bar: String = "#".repeat(filled) + &".".repeat(width - filled);
        eprint!(
            "\r[{bar}] {:5.1}% {} / {}  {}/s  {left} left ",
            frac * 100.0,
            mib(self.done as f64),
            mib(self.total as f64),
            mib(rate),
        );
        let _ = std::io::stderr().flush();
    }

    pub fn finish(&mut self) {
        if self.enabled {
            eprintln!();
        }
    }

    /// Seconds since the start.
    pub fn elapsed(&self) -> f64 {
        self.start.elapsed().as_secs_f64()
    }
}

/// A temporary file or directory that is removed unless committed.
pub struct Temp {
    pub path: PathBuf,
    pub dir: bool,
    pub keep: bool,
}

impl Drop for Temp {
    fn drop(&mut self) {
        if !self.keep {
            let _ = if self.dir {
                std::fs::remove_dir_all(&self.path)
            } else {
                std::fs::remove_file(&self.path)
            };
        }
    }
}

pub fn io_fail(what: &Path, e: std::io::Error) -> Failure {
    Failure::output(format!("cannot write {}: {e}", what.display()))
}

/// The test hook's value: `Some(N)` when `VS_INIT_TEST_FAIL_AFTER=N` is set.
pub fn fail_after_from_env() -> Option<u64> {
    std::env::var(FAIL_AFTER_ENV)
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
}

/// Counts chunk writes for the test hook.
pub struct Writer<'a> {
    pub fail_after: Option<u64>,
    pub chunks: u64,
    pub progress: &'a mut Progress,
}

impl Writer<'_> {
    fn check_hook(&self, path: &Path) -> Result<(), Failure> {
        if self.fail_after.is_some_and(|n| self.chunks >= n) {
            return Err(io_fail(
                path,
                std::io::Error::other(format!("failure injected by {FAIL_AFTER_ENV}")),
            ));
        }
        Ok(())
    }

    fn write_at(&mut self, file: &File, path: &Path, bytes: &[u8], at: u64) -> Result<(), Failure> {
        self.check_hook(path)?;
        file.write_all_at(bytes, at).map_err(|e| io_fail(path, e))?;
        self.chunks += 1;
        self.progress.add(bytes.len() as u64);
        Ok(())
    }

    /// Writes `bytes`, `rows` equal pieces of it, the `q`-th at
    /// `at + q * stride`: one chunk for the test hook and the progress bar.
    fn write_rows(
        &mut self,
        file: &File,
        path: &Path,
        bytes: &[u8],
        rows: u64,
        at: u64,
        stride: u64,
    ) -> Result<(), Failure> {
        self.check_hook(path)?;
        if rows > 0 {
            let piece = bytes.len() / rows as usize;
            if piece as u64 == stride {
                // the rows are back to back in the file too: one write
                file.write_all_at(bytes, at).map_err(|e| io_fail(path, e))?;
            } else {
                for (q, row) in bytes.chunks_exact(piece).enumerate() {
                    file.write_all_at(row, at + q as u64 * stride)
                        .map_err(|e| io_fail(path, e))?;
                }
            }
        }
        self.chunks += 1;
        self.progress.add(bytes.len() as u64);
        Ok(())
    }
}

/// Fills `out` with the elements `[pos, pos + out.len())` of `t`.
fn fill_chunk<T: Scalar>(t: &Tensor, pos: u64, out: &mut [T]) -> Result<(), Failure> {
    match &t.fill {
        Fill::Scaling(init) => init
            .fill_range(&t.shape, pos, out)
            .map_err(|e| Failure::input(format!("tensor \"{}\": {}", t.name, e.message()))),
        Fill::Blocks { values, block } => {
            for (k, x) in out.iter_mut().enumerate() {
                let i = (pos + k as u64) / block;
                *x = T::from_f64(values[(i % values.len() as u64) as usize]);
            }
            Ok(())
        }
    }
}

/// Writes the elements `[start, end)` of tensor `t` at byte `at` of `file`
/// (the element `start` goes to `at`), in chunks: the unit a later
/// multi-process writer hands each process. A range of more than one
/// chunk is written by a second thread while the next chunk is filled.
fn write_range<T: Scalar>(
    w: &mut Writer,
    file: &File,
    path: &Path,
    t: &Tensor,
    (start, end): (u64, u64),
    at: u64,
    stats: &mut Stats,
) -> Result<(), Failure> {
    let size = t.dtype.size();
    let chunk = CHUNK_BYTES / size;
    let offset = |pos: u64| at + (pos - start) * size;
    if end - start <= chunk {
        let mut values = vec![T::default(); (end - start) as usize];
        fill_chunk(t, start, &mut values)?;
        stats.add(&values);
        return w.write_at(file, path, T::le_bytes(&values, &mut Vec::new()), at);
    }
    std::thread::scope(|scope| {
        let (full_tx, full_rx) = mpsc::sync_channel::<(Vec<T>, u64)>(1);
        let (free_tx, free_rx) = mpsc::channel::<Vec<T>>();
        for _ in 0..2 {
            let _ = free_tx.send(Vec::with_capacity(chunk as usize));
        }
        let writer = scope.spawn(move || -> Result<(), Failure> {
            let mut scratch = Vec::new();
            for (values, byte) in full_rx {
                w.write_at(file, path, T::le_bytes(&values, &mut scratch), byte)?;
                if free_tx.send(values).is_err() {
                    break;
                }
            }
            Ok(())
        });
        let mut filled = Ok(());
        let mut pos = start;
        while pos < end {
            // no buffer back: the writer stopped on an error
            let Ok(mut values) = free_rx.recv() else {
                break;
            };
            let n = (end - pos).min(chunk);
            values.resize(n as usize, T::default());
            if let Err(e) = fill_chunk(t, pos, &mut values) {
                filled = Err(e);
                break;
            }
            stats.add(&values);
            if full_tx.send((values, offset(pos))).is_err() {
                break;
            }
            pos += n;
        }
        drop(full_tx);
        let written = writer
            .join()
            .unwrap_or_else(|_| Err(Failure::output("the writer thread panicked")));
        filled.and(written)
    })
}

/// The little-endian bytes of `v`, converted into `scratch`.
/// `v` itself on a little-endian machine (no copy), else converted into
/// `scratch` (f32 and f64: plain old data, which f16/bf16 of `half` are not
/// without a feature the library does not enable).
fn le_bytes_cast<'a, T: Scalar + bytemuck::Pod>(v: &'a [T], scratch: &'a mut Vec<u8>) -> &'a [u8] {
    if cfg!(target_endian = "little") {
        bytemuck::cast_slice(v)
    } else {
        le_bytes_copied(v, scratch)
    }
}

fn le_bytes_copied<'a, T: Scalar>(v: &'a [T], scratch: &'a mut Vec<u8>) -> &'a [u8] {
    let size = std::mem::size_of::<T>();
    scratch.resize(std::mem::size_of_val(v), 0);
    for (b, &x) in scratch.chunks_exact_mut(size).zip(v) {
        x.put(b);
    }
    scratch
}

/// What one rank writes of a tensor (`vs-init --shard`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Share {
    /// The elements `[start, end)` of the flattened tensor.
    Range(u64, u64),
    /// The columns `[start, end)` of the last dimension, in every row.
    Columns(u64, u64),
}

impl Share {
    /// The elements of `t` in this share.
    pub fn count(self, t: &Tensor) -> u64 {
        match self {
            Share::Range(a, b) => b - a,
            Share::Columns(a, b) => match t.shape.last() {
                Some(&c) if c > 0 => t.count() / c as u64 * (b - a),
                Some(_) => 0,
                None => b - a,
            },
        }
    }
}

/// Fills the box `[start, start + extent)` of `t` (row-major in the box):
/// the library's slice fill, or the constants' rule per element.
fn fill_box<T: Scalar>(
    t: &Tensor,
    start: &[i64],
    extent: &[i64],
    out: &mut [T],
) -> Result<(), Failure> {
    match &t.fill {
        Fill::Scaling(init) => init
            .fill_slice(&t.shape, start, extent, out)
            .map_err(|e| Failure::input(format!("tensor \"{}\": {}", t.name, e.message()))),
        Fill::Blocks { .. } => {
            // the flat index of each element of the box, then the same
            // rule as a range fill
            let n = t.shape.len();
            let mut idx: Vec<i64> = start.to_vec();
            for x in out.iter_mut() {
                let flat = idx
                    .iter()
                    .zip(&t.shape)
                    .fold(0u64, |f, (&i, &d)| f * d as u64 + i as u64);
                fill_chunk(t, flat, std::slice::from_mut(x))?;
                for k in (0..n).rev() {
                    idx[k] += 1;
                    if idx[k] < start[k] + extent[k] {
                        break;
                    }
                    idx[k] = start[k];
                }
            }
            Ok(())
        }
    }
}

/// Writes the columns `[c0, c1)` of the last dimension of `t` (whose
/// data starts at byte `at`): boxes of whole dim-0 slices (as many as fit
/// in a chunk, at least one) filled by the slice fill, each row's piece
/// written at its place.
fn write_columns<T: Scalar>(
    w: &mut Writer,
    file: &File,
    path: &Path,
    t: &Tensor,
    (c0, c1): (u64, u64),
    at: u64,
    stats: &mut Stats,
) -> Result<(), Failure> {
    let size = t.dtype.size();
    let cols = match t.shape.last() {
        Some(&c) => c as u64,
        // a scalar: one column
        None => return write_range::<T>(w, file, path, t, (c0, c1), at, stats),
    };
    let width = c1 - c0;
    if width == 0 || t.count() == 0 {
        return Ok(());
    }
    let n = t.shape.len();
    // dim-0 slices, and rows (of the last dimension) in each
    let (d0, slice_rows) = if n >= 2 {
        let d0 = t.shape[0] as u64;
        (d0, t.count() / cols / d0)
    } else {
        (1, 1)
    };
    let per_chunk = (CHUNK_BYTES / size / (slice_rows * width)).max(1);
    let mut values: Vec<T> = Vec::new();
    let mut scratch = Vec::new();
    let mut i0 = 0;
    while i0 < d0 {
        let k = per_chunk.min(d0 - i0);
        let (start, extent): (Vec<i64>, Vec<i64>) = if n >= 2 {
            let mut start = vec![0i64; n];
            let mut extent = t.shape.clone();
            start[0] = i0 as i64;
            extent[0] = k as i64;
            start[n - 1] = c0 as i64;
            extent[n - 1] = width as i64;
            (start, extent)
        } else {
            (vec![c0 as i64], vec![width as i64])
        };
        let rows = k * slice_rows;
        values.clear();
        values.resize((rows * width) as usize, T::default());
        fill_box(t, &start, &extent, &mut values)?;
        stats.add(&values);
        let first_row = i0 * slice_rows;
        w.write_rows(
            file,
            path,
            T::le_bytes(&values, &mut scratch),
            rows,
            at + (first_row * cols + c0) * size,
            cols * size,
        )?;
        i0 += k;
    }
    Ok(())
}

/// Writes one rank's `share` of tensor `t`, whose data starts at byte `at`
/// of `file`.
pub fn write_share(
    w: &mut Writer,
    file: &File,
    path: &Path,
    t: &Tensor,
    share: Share,
    at: u64,
    stats: &mut Stats,
) -> Result<(), Failure> {
    let size = t.dtype.size();
    match share {
        Share::Range(a, b) if a < b => {
            let range = (a, b);
            let at = at + a * size;
            match t.dtype {
                DType::F32 => write_range::<f32>(w, file, path, t, range, at, stats),
                DType::F64 => write_range::<f64>(w, file, path, t, range, at, stats),
                DType::F16 => write_range::<half::f16>(w, file, path, t, range, at, stats),
                DType::BF16 => write_range::<half::bf16>(w, file, path, t, range, at, stats),
            }
        }
        Share::Range(..) => Ok(()),
        Share::Columns(a, b) => {
            let cols = (a, b);
            match t.dtype {
                DType::F32 => write_columns::<f32>(w, file, path, t, cols, at, stats),
                DType::F64 => write_columns::<f64>(w, file, path, t, cols, at, stats),
                DType::F16 => write_columns::<half::f16>(w, file, path, t, cols, at, stats),
                DType::BF16 => write_columns::<half::bf16>(w, file, path, t, cols, at, stats),
            }
        }
    }
}

fn write_tensor(
    w: &mut Writer,
    file: &File,
    path: &Path,
    t: &Tensor,
    at: u64,
    stats: &mut Stats,
) -> Result<(), Failure> {
    let range = (0, t.count());
    match t.dtype {
        DType::F32 => write_range::<f32>(w, file, path, t, range, at, stats),
        DType::F64 => write_range::<f64>(w, file, path, t, range, at, stats),
        DType::F16 => write_range::<half::f16>(w, file, path, t, range, at, stats),
        DType::BF16 => write_range::<half::bf16>(w, file, path, t, range, at, stats),
    }
}

/// A temporary name beside `target`, made unique by the process id `pid`.
pub fn temp_beside(target: &Path, pid: u64) -> Result<PathBuf, Failure> {
    let name = target
        .file_name()
        .ok_or_else(|| Failure::output(format!("output {} has no file name", target.display())))?;
    let tmp = format!(".{}.vs-init-{pid}.tmp", name.to_string_lossy());
    Ok(target.with_file_name(tmp))
}

/// The path of `plan`'s file in the temporary `tmp_path`.
pub fn plan_path(tmp_path: &Path, plan: &FilePlan) -> PathBuf {
    match &plan.name {
        Some(n) => tmp_path.join(n),
        None => tmp_path.to_path_buf(),
    }
}

/// Creates `plan`'s file at `path` with its full length and its header.
pub fn create_file(path: &Path, target: &Path, plan: &FilePlan) -> Result<File, Failure> {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| io_fail(target, e))?;
    file.set_len(plan.len).map_err(|e| io_fail(target, e))?;
    file.write_all_at(&plan.header, 0)
        .map_err(|e| io_fail(target, e))?;
    Ok(file)
}

/// Refuses an output that is a directory (or, for npy, one that exists).
pub fn check_target(target: &Path, dir: bool) -> Result<(), Failure> {
    if dir {
        if target.exists() {
            return Err(Failure::output(format!(
                "output directory {} already exists; give a new path",
                target.display()
            )));
        }
    } else if target.is_dir() {
        return Err(Failure::output(format!(
            "output {} is a directory; give a file path",
            target.display()
        )));
    }
    Ok(())
}

/// Creates, fills and renames the planned files. `dir`: the plans are
/// files in the output directory `target` (npy).
pub fn write_all(
    target: &Path,
    dir: bool,
    plans: &[FilePlan],
    tensors: &[Tensor],
    progress: &mut Progress,
) -> Result<Vec<Stats>, Failure> {
    check_target(target, dir)?;
    let fail_after = fail_after_from_env();
    let tmp_path = temp_beside(target, u64::from(std::process::id()))?;
    let mut temp = Temp {
        path: tmp_path.clone(),
        dir,
        keep: false,
    };
    if dir {
        std::fs::create_dir(&tmp_path).map_err(|e| io_fail(target, e))?;
    }
    let mut stats = vec![Stats::default(); tensors.len()];
    let mut w = Writer {
        fail_after,
        chunks: 0,
        progress,
    };
    for plan in plans {
        let file = create_file(&plan_path(&tmp_path, plan), target, plan)?;
        for &(i, at) in &plan.parts {
            write_tensor(&mut w, &file, target, &tensors[i], at, &mut stats[i])?;
        }
    }
    std::fs::rename(&tmp_path, target).map_err(|e| io_fail(target, e))?;
    temp.keep = true;
    Ok(stats)
}
