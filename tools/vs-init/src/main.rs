//! `vs-init`: writes a model's initial checkpoint with libvariance_scaling.
//!
//! Input: a Keras 3 `model.to_json()` file or a manifest (a JSON list of
//! tensors); output: safetensors, a directory of `.npy` files, or GGUF.
//! See docs/vs-init.md.

mod keras;
mod layout;
mod manifest;
#[cfg(feature = "mpi")]
mod mpi;
// without the `mpi` feature only the tests run the sharded writer
#[cfg_attr(not(feature = "mpi"), allow(dead_code))]
mod shard;
mod tensor;
mod write;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::Value;
use variance_scaling::{Algorithm, Config, Distribution, Initializer, Mode};

use layout::{FilePlan, Format};
use shard::Split;
use tensor::{DType, Fill, Tensor};

/// An error and its exit status. An empty message is not printed (a rank
/// of `--shard` that stops because another one failed and reported).
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub msg: String,
}

/// Exit statuses (docs/vs-init.md; USAGE's "exit status:" block, from
/// which the man page's EXIT STATUS is generated, lists them).
pub const EXIT_USAGE: u8 = 2;
pub const EXIT_INPUT: u8 = 3;
pub const EXIT_UNSUPPORTED: u8 = 4;
pub const EXIT_OUTPUT: u8 = 5;

impl Failure {
    pub fn usage(msg: impl Into<String>) -> Failure {
        Failure {
            code: EXIT_USAGE,
            msg: msg.into(),
        }
    }
    pub fn input(msg: impl Into<String>) -> Failure {
        Failure {
            code: EXIT_INPUT,
            msg: msg.into(),
        }
    }
    pub fn unsupported(msg: impl Into<String>) -> Failure {
        Failure {
            code: EXIT_UNSUPPORTED,
            msg: msg.into(),
        }
    }
    pub fn output(msg: impl Into<String>) -> Failure {
        Failure {
            code: EXIT_OUTPUT,
            msg: msg.into(),
        }
    }
}

const USAGE: &str = "\
usage: vs-init INPUT -o OUTPUT [options]

Writes the initial weights of a model, filled by libvariance_scaling.

INPUT is a Keras 3 model.to_json() file, or a manifest: a JSON list of
{\"name\", \"shape\", \"dtype\" (optional), \"initializer\"}.

options:
  -o, --output PATH      the output file (a directory with --format npy)
  --format FORMAT        safetensors (default), npy, gguf
  --dtype TYPE           f32 (default), f16, bf16, f64
  --seed S               the model's seed (an integer in [0, 2^64)); a tensor
                         whose initializer has no seed of its own gets
                         derive_seed_name(S, its name). Without it a seed is
                         drawn and printed.
  --threads N            at most N threads per fill (0: all cores, the default)
  --shard SPLIT          under mpirun: the ranks write the file together, each
                         its share: rows (dim-0 blocks of every tensor),
                         columns (blocks of the last dimension), layers
                         (whole tensors); needs a build with --features mpi
  --skip-unsupported     warn about unsupported layers and initializers and
                         leave their tensors out, instead of failing
  --progress             show the progress bar even when stderr is not a
                         terminal
  -q, --quiet            no progress bar, no summary table
  -h, --help             print the usage and exit
  -V, --version          print the version and exit

exit status:
  0  the output was written
  2  bad arguments
  3  bad input: an unreadable file, not JSON, neither a Keras model nor a
     manifest, a layer without its input shape, an invalid initializer
  4  an unsupported layer or initializer
  5  the output could not be written; no partial file is left behind
";

struct Args {
    input: PathBuf,
    output: PathBuf,
    format: Format,
    dtype: DType,
    seed: Option<u64>,
    threads: Option<u32>,
    shard: Option<Split>,
    skip_unsupported: bool,
    progress: bool,
    quiet: bool,
}

fn parse_u64(s: &str) -> Option<u64> {
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => s.parse().ok(),
    }
}

/// `None`: help or version was printed.
fn parse_args(argv: &[String]) -> Result<Option<Args>, Failure> {
    let mut input = None;
    let mut output = None;
    let mut format = Format::Safetensors;
    let mut dtype = DType::F32;
    let mut seed = None;
    let mut threads = None;
    let mut shard = None;
    let (mut skip, mut progress, mut quiet) = (false, false, false);
    let mut it = argv.iter();
    while let Some(a) = it.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (a.as_str(), None),
        };
        let mut value = |name: &str| -> Result<String, Failure> {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or_else(|| Failure::usage(format!("option {name} needs a value")))
        };
        match flag {
            "-h" | "--help" => {
                print!("{USAGE}");
                return Ok(None);
            }
            "-V" | "--version" => {
                println!(
                    "vs-init {} (libvariance_scaling {})",
                    env!("CARGO_PKG_VERSION"),
                    Algorithm::DEFAULT.name()
                );
                return Ok(None);
            }
            "-o" | "--output" => output = Some(PathBuf::from(value(flag)?)),
            "--format" => {
                let v = value(flag)?;
                format = Format::parse(&v).ok_or_else(|| {
                    Failure::usage(format!(
                        "--format must be safetensors, npy or gguf; received: {v:?}"
                    ))
                })?;
            }
            "--dtype" => {
                let v = value(flag)?;
                dtype = DType::parse(&v).ok_or_else(|| {
                    Failure::usage(format!(
                        "--dtype must be f32, f16, bf16 or f64; received: {v:?}"
                    ))
                })?;
            }
            "--seed" => {
                let v = value(flag)?;
                seed = Some(parse_u64(&v).ok_or_else(|| {
                    Failure::usage(format!(
                        "--seed must be an integer in [0, 2^64) (decimal or 0x hex); received: {v:?}"
                    ))
                })?);
            }
            "--threads" => {
                let v = value(flag)?;
                threads = Some(v.parse::<u32>().map_err(|_| {
                    Failure::usage(format!(
                        "--threads must be an integer >= 0; received: {v:?}"
                    ))
                })?);
            }
            "--shard" => {
                let v = value(flag)?;
                shard = Some(Split::parse(&v).ok_or_else(|| {
                    Failure::usage(format!(
                        "--shard must be rows, columns or layers; received: {v:?}"
                    ))
                })?);
            }
            "--skip-unsupported" => skip = true,
            "--progress" => progress = true,
            "-q" | "--quiet" => quiet = true,
            f if f.starts_with('-') && f != "-" => {
                return Err(Failure::usage(format!(
                    "unknown option {f:?} (vs-init --help lists them)"
                )));
            }
            _ if input.is_none() => input = Some(PathBuf::from(a)),
            _ => {
                return Err(Failure::usage(format!(
                    "unexpected argument {a:?}: one INPUT file only"
                )));
            }
        }
    }
    let input = input.ok_or_else(|| Failure::usage(format!("no INPUT given\n{USAGE}")))?;
    let output = output.ok_or_else(|| Failure::usage("no output given (-o OUTPUT)"))?;
    Ok(Some(Args {
        input,
        output,
        format,
        dtype,
        seed,
        threads,
        shard,
        skip_unsupported: skip,
        progress,
        quiet,
    }))
}

/// A fresh seed from the operating system (through the library's unseeded
/// initializer, which draws one).
fn draw_seed() -> Result<u64, Failure> {
    Config::new(1.0, Mode::FanIn, Distribution::TruncatedNormal, None, None)
        .and_then(Initializer::new)
        .map(|i| i.seed())
        .map_err(|e| Failure::output(format!("cannot draw a seed: {}", e.message())))
}

/// The tensors of the input file and the warnings of skipped ones.
fn read_input(args: &Args, base_seed: u64) -> Result<(Vec<Tensor>, Vec<String>), Failure> {
    let shown = args.input.display();
    let text = std::fs::read_to_string(&args.input)
        .map_err(|e| Failure::input(format!("cannot read input {shown}: {e}")))?;
    let v: Value = serde_json::from_str(&text)
        .map_err(|e| Failure::input(format!("input {shown} is not valid JSON: {e}")))?;
    let mut warnings = Vec::new();
    let tensors = match &v {
        Value::Array(entries) => manifest::read(
            entries,
            args.dtype,
            base_seed,
            args.skip_unsupported,
            &mut warnings,
        )?,
        Value::Object(_) if keras::is_model(&v) => {
            let mut r = keras::Reader {
                dtype: args.dtype,
                base_seed,
                skip_unsupported: args.skip_unsupported,
                warnings: Vec::new(),
                tensors: Vec::new(),
            };
            r.model(&v, "").map_err(|f| Failure {
                msg: format!("{shown}: {}", f.msg),
                ..f
            })?;
            warnings = r.warnings;
            r.tensors
        }
        _ => {
            return Err(Failure::input(format!(
                "input {shown} is not a Keras model (an object with \"class_name\" and \"config\".\"layers\", as model.to_json() writes) nor a manifest (a JSON list of tensors)"
            )));
        }
    };
    let mut seen = std::collections::HashSet::new();
    if let Some(t) = tensors.iter().find(|t| !seen.insert(t.name.as_str())) {
        return Err(Failure::input(format!(
            "input {shown}: tensor name \"{}\" appears twice",
            t.name
        )));
    }
    Ok((tensors, warnings))
}

fn shape_str(shape: &[i64]) -> String {
    let parts: Vec<String> = shape.iter().map(i64::to_string).collect();
    match parts.len() {
        1 => format!("({},)", parts[0]),
        _ => format!("({})", parts.join(", ")),
    }
}

/// The summary table (stdout).
fn summary(tensors: &[Tensor], stats: &[write::Stats]) -> String {
    let header = [
        "tensor",
        "dtype",
        "shape",
        "fan_in",
        "fan_out",
        "initializer",
        "stddev/limit",
        "expected std",
        "mean",
        "std",
    ];
    let mut rows: Vec<Vec<String>> = vec![header.iter().map(|s| s.to_string()).collect()];
    for (t, s) in tensors.iter().zip(stats) {
        let (fi, fo, param, expect) = match &t.fill {
            Fill::Scaling(init) => match init.describe(&t.shape) {
                Ok(p) => (
                    p.fan_in.to_string(),
                    p.fan_out.to_string(),
                    if init.config().distribution() == Distribution::Uniform {
                        format!("limit {:.6}", p.limit)
                    } else {
                        format!("stddev {:.6}", p.stddev)
                    },
                    format!("{:.6}", p.value_stddev),
                ),
                Err(_) => Default::default(),
            },
            Fill::Blocks { .. } => ("-".into(), "-".into(), "-".into(), "-".into()),
        };
        rows.push(vec![
            t.name.clone(),
            t.dtype.name().into(),
            shape_str(&t.shape),
            fi,
            fo,
            t.init_label.clone(),
            param,
            expect,
            format!("{:.6}", s.mean()),
            format!("{:.6}", s.std()),
        ]);
    }
    let widths: Vec<usize> = (0..header.len())
        .map(|c| rows.iter().map(|r| r[c].len()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for r in &rows {
        let cells: Vec<String> = r
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// What is written: the tensors, the warnings of skipped ones, the file
/// layout.
struct Prepared {
    tensors: Vec<Tensor>,
    warnings: Vec<String>,
    plans: Vec<FilePlan>,
}

fn prepare(args: &Args, base_seed: u64) -> Result<Prepared, Failure> {
    let (tensors, warnings) = read_input(args, base_seed)?;
    let meta = [
        (
            "generator",
            format!("vs-init {}", env!("CARGO_PKG_VERSION")),
        ),
        ("seed", base_seed.to_string()),
        ("algorithm", Algorithm::DEFAULT.name().to_string()),
    ];
    let plans = layout::plan(args.format, &tensors, &meta)?;
    Ok(Prepared {
        tensors,
        warnings,
        plans,
    })
}

fn print_drawn(s: u64) {
    shard::say(&format!(
        "vs-init: no --seed given; drew seed {s} (run again with --seed {s} to get the same file)"
    ));
}

/// The summary table and line (stdout).
fn report(args: &Args, tensors: &[Tensor], stats: &[write::Stats], secs: f64, base_seed: u64) {
    if args.quiet {
        return;
    }
    let total: u64 = tensors.iter().map(Tensor::nbytes).sum();
    print!("{}", summary(tensors, stats));
    println!(
        "{} tensors, {} bytes of data written to {} in {:.3} s ({:.1} MiB/s); seed {base_seed}",
        tensors.len(),
        total,
        args.output.display(),
        secs,
        total as f64 / secs.max(1e-9) / (1u64 << 20) as f64
    );
}

fn show_progress(args: &Args) -> bool {
    !args.quiet && (args.progress || std::io::stderr().is_terminal())
}

fn run(args: &Args) -> Result<(), Failure> {
    if let Some(split) = args.shard {
        return run_mpi(args, split);
    }
    if let Some(n) = args.threads {
        variance_scaling::parallel::set_max_threads(n);
    }
    let base_seed = match args.seed {
        Some(s) => s,
        None => {
            let s = draw_seed()?;
            print_drawn(s);
            s
        }
    };
    let Prepared {
        tensors,
        warnings,
        plans,
    } = prepare(args, base_seed)?;
    for w in &warnings {
        eprintln!("vs-init: warning: {w}");
    }
    let total: u64 = tensors.iter().map(Tensor::nbytes).sum();
    let mut progress = write::Progress::new(show_progress(args), total);
    let result = write::write_all(
        &args.output,
        args.format == Format::Npy,
        &plans,
        &tensors,
        &mut progress,
    );
    progress.finish();
    let stats = result?;
    report(args, &tensors, &stats, progress.elapsed(), base_seed);
    Ok(())
}

#[cfg(feature = "mpi")]
fn run_mpi(args: &Args, split: Split) -> Result<(), Failure> {
    let world = mpi::World::init()?;
    let result = run_sharded(args, split, &world);
    // The failing rank's message goes out before any rank exits: mpirun
    // stops the whole job at the first non-zero exit, and a later message
    // would be lost. Then MPI is finalized as `world` is dropped.
    if let Err(f) = &result
        && !f.msg.is_empty()
    {
        shard::say(&format!("vs-init: error: {}", f.msg));
    }
    world.barrier();
    drop(world);
    result.map_err(|f| Failure {
        msg: String::new(),
        ..f
    })
}

#[cfg(not(feature = "mpi"))]
fn run_mpi(_: &Args, split: Split) -> Result<(), Failure> {
    Err(Failure::usage(format!(
        "--shard {}: this vs-init was built without MPI support; build it with `cargo build --release -p vs-init --features mpi` (needs Open MPI: libopenmpi-dev) and run it under mpirun",
        split.name()
    )))
}

/// `--shard`: this rank's part of the run, with the other ranks of `comm`
/// (src/shard.rs). Every rank reads the input; rank 0 alone prints the
/// drawn seed, the warnings and the summary.
#[cfg_attr(not(feature = "mpi"), allow(dead_code))]
fn run_sharded<C: shard::Comm>(args: &Args, split: Split, comm: &C) -> Result<(), Failure> {
    let start = std::time::Instant::now();
    if let Some(n) = args.threads {
        variance_scaling::parallel::set_max_threads(n);
    }
    let lead = comm.rank() == 0;
    let base_seed = match args.seed {
        Some(s) => s,
        None => {
            // rank 0 draws the seed of every rank
            let drawn = if lead { draw_seed() } else { Ok(0) };
            let s = comm.bcast_u64(shard::agree(comm, drawn)?);
            if lead {
                print_drawn(s);
            }
            s
        }
    };
    let Prepared {
        tensors,
        warnings,
        plans,
    } = shard::agree(comm, prepare(args, base_seed))?;
    if lead {
        for w in &warnings {
            shard::say(&format!("vs-init: warning: {w}"));
        }
    }
    let (stats, _) = shard::write_sharded(
        comm,
        split,
        &args.output,
        args.format == Format::Npy,
        &plans,
        &tensors,
        show_progress(args),
        args.quiet,
    )?;
    if lead {
        report(
            args,
            &tensors,
            &stats,
            start.elapsed().as_secs_f64(),
            base_seed,
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let result = parse_args(&argv).and_then(|a| match a {
        Some(a) => run(&a),
        None => Ok(()),
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            if !f.msg.is_empty() {
                shard::say(&format!("vs-init: error: {}", f.msg));
            }
            ExitCode::from(f.code)
        }
    }
}
