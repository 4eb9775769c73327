//! `mpirun -np N vs-init --shard rows|columns|layers`: for N = 1, 2, 3, 4
//! and 7 (more ranks than this machine's cores, and than some tensors'
//! columns) the file is byte-identical to the one-process file, the ranks'
//! byte counts add up to the data size (about 1/N each for rows and
//! columns), idle ranks say so, and a failing rank leaves nothing behind.
//! Needs the `mpi` feature and Open MPI's `mpirun`:
//! `cargo test --release -p vs-init --features mpi --test mpi`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{
    BIN, args, data, drawn_seed, entries, ok, run, same_dir, same_file, says, status, stderr,
    write_json,
};
use serde_json::{Value, json};

const SPLITS: [&str; 3] = ["rows", "columns", "layers"];
const RANKS: [usize; 5] = [1, 2, 3, 4, 7];

/// A fresh, empty directory for one test.
fn scratch(test: &str) -> PathBuf {
    common::scratch_in("vs-init-mpi", test)
}

/// `mpirun -np n vs-init args` with `env`. Open MPI refuses more ranks
/// than cores without --oversubscribe and root (CI) without
/// --allow-run-as-root and its two environment variables. Each mpirun
/// gets a session directory of its own: two starting at once in the same
/// one can fail (Open MPI 4.1: "mkdir ... /tmp/ompi.<host>.<uid>: File
/// exists"); short, since it holds Unix sockets.
fn mpirun(n: usize, args: &[&str], env: &[(&str, &str)]) -> Output {
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    let session = std::env::temp_dir().join(format!(
        "vsi-{}-{}",
        std::process::id(),
        CALLS.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&session).unwrap();
    let mut c = Command::new("mpirun");
    c.args([
        "-np",
        &n.to_string(),
        "--oversubscribe",
        "--allow-run-as-root",
    ])
    .arg(BIN)
    .args(args)
    .env("OMPI_ALLOW_RUN_AS_ROOT", "1")
    .env("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
    .env("OMPI_MCA_orte_tmpdir_base", &session)
    .env("TMPDIR", &session);
    for (k, v) in env {
        c.env(k, v);
    }
    let o = c
        .output()
        .expect("cannot run mpirun (Debian: apt-get install openmpi-bin libopenmpi-dev)");
    let _ = std::fs::remove_dir_all(&session);
    o
}

/// `mpirun -np n vs-init input -o out --seed 7 --threads 1 --shard split`,
/// then `extra`, with `env`.
fn sharded(
    n: usize,
    input: &Path,
    out: &Path,
    split: &str,
    extra: &[&str],
    env: &[(&str, &str)],
) -> Output {
    let mut rest = vec!["--seed", "7", "--threads", "1", "--shard", split];
    rest.extend_from_slice(extra);
    mpirun(n, &args(input, out, &rest), env)
}

/// The bytes each rank reported ("rank r/N wrote B bytes"), by rank; each
/// rank exactly once.
fn rank_bytes(err: &str, n: usize) -> Vec<u64> {
    let mut out = vec![None; n];
    for line in err.lines() {
        let Some(rest) = line.strip_prefix("vs-init: rank ") else {
            continue;
        };
        let Some((who, bytes)) = rest.split_once(" wrote ") else {
            continue;
        };
        let (r, of) = who.split_once('/').unwrap();
        assert_eq!(of.parse::<usize>().unwrap(), n, "{line}");
        let r: usize = r.parse().unwrap();
        let b: u64 = bytes.strip_suffix(" bytes").unwrap().parse().unwrap();
        assert!(
            out[r].replace(b).is_none(),
            "rank {r} reported twice:\n{err}"
        );
    }
    out.into_iter()
        .enumerate()
        .map(|(r, b)| b.unwrap_or_else(|| panic!("rank {r}/{n} reported no bytes:\n{err}")))
        .collect()
}

/// The data bytes of a safetensors file (after the header).
fn data_size(file: &Path) -> u64 {
    let bytes = std::fs::read(file).unwrap();
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap());
    bytes.len() as u64 - 8 - n
}

/// A manifest with a tensor of several 8 MiB chunks (and several boxes
/// of columns per rank), tensors with fewer columns (3) than ranks, every
/// dtype, constants and a 4-d kernel.
fn manifest(d: &Path, bf16: bool) -> PathBuf {
    let mut m = vec![
        json!({"name": "embed", "shape": [2600, 2048], "initializer": "glorot_uniform"}),
        json!({"name": "conv", "shape": [3, 3, 16, 3], "dtype": "f64", "initializer": "he_normal"}),
        json!({"name": "conv_bias", "shape": [3], "initializer": {"class_name": "Constant", "config": {"value": 0.25}}}),
        json!({"name": "head", "shape": [512, 96], "dtype": "f16",
               "initializer": {"class_name": "VarianceScaling", "config": {"scale": 0.5, "mode": "fan_avg", "distribution": "untruncated_normal", "seed": 11}}}),
        json!({"name": "head_bias", "shape": [96], "initializer": "zeros"}),
    ];
    if bf16 {
        m.push(json!({"name": "narrow", "shape": [50, 3], "dtype": "bf16", "initializer": "lecun_normal"}));
    }
    let p = d.join(if bf16 { "m.json" } else { "m-nobf16.json" });
    write_json(&p, &Value::Array(m));
    p
}

/// Every split and rank count on `input`: the one-process bytes, the
/// ranks' byte counts, idle ranks announced, nothing else left in `d`.
fn every_split(d: &Path, input: &Path, tensors: usize, balanced: bool) {
    let want = d.join("one.safetensors");
    ok(&run(&args(input, &want, &["--seed", "7", "-q"]), &[]));
    let data = data_size(&want);
    let before = entries(d);
    for split in SPLITS {
        for n in RANKS {
            let out = d.join(format!("{split}-{n}.safetensors"));
            let o = sharded(n, input, &out, split, &[], &[]);
            let err = stderr(&o);
            assert!(o.status.success(), "{split} np {n}: {err}");
            same_file(&want, &out, &format!("{split} np {n}"));
            std::fs::remove_file(&out).unwrap();
            assert_eq!(entries(d), before, "{split} np {n}: left behind");
            let bytes = rank_bytes(&err, n);
            assert_eq!(bytes.iter().sum::<u64>(), data, "{split} np {n}: {bytes:?}");
            let idle = err.lines().filter(|l| l.ends_with("; idle")).count();
            assert_eq!(idle, bytes.iter().filter(|&&b| b == 0).count(), "{err}");
            if split == "layers" && n > tensors {
                assert!(idle >= n - tensors, "{split} np {n}: {err}");
            }
            if balanced && split != "layers" {
                let share = data as f64 / n as f64;
                for (r, &b) in bytes.iter().enumerate() {
                    assert!(
                        (b as f64 - share).abs() <= 0.05 * share,
                        "{split} np {n}: rank {r} wrote {b} bytes of {data}"
                    );
                }
            }
            // one summary, from rank 0
            let table = String::from_utf8_lossy(&o.stdout);
            assert_eq!(table.matches("bytes of data written").count(), 1, "{table}");
        }
    }
}

#[test]
fn keras_fixture_every_split_and_rank_count() {
    let d = scratch("fixture");
    // 6 tensors: 3 kernels and their biases
    every_split(&d, &data("model_to_json.json"), 6, false);
}

#[test]
fn manifest_every_split_and_rank_count() {
    let d = scratch("manifest");
    let m = manifest(&d, true);
    every_split(&d, &m, 6, true);
}

#[test]
fn gguf_and_npy_across_ranks() {
    let d = scratch("formats");
    let m = manifest(&d, false);
    for (format, split, n) in [
        ("gguf", "columns", 4),
        ("npy", "columns", 3),
        ("npy", "layers", 7),
    ] {
        let want = d.join(format!("one.{format}"));
        let got = d.join(format!("{split}-{n}.{format}"));
        let fmt = ["--format", format];
        ok(&run(
            &args(&m, &want, &["--seed", "7", "-q", "--format", format]),
            &[],
        ));
        ok(&sharded(n, &m, &got, split, &fmt, &[]));
        let what = format!("{format} {split} np {n}");
        if format == "npy" {
            same_dir(&want, &got, &what);
            std::fs::remove_dir_all(&want).unwrap();
            std::fs::remove_dir_all(&got).unwrap();
        } else {
            same_file(&want, &got, &what);
            std::fs::remove_file(&want).unwrap();
            std::fs::remove_file(&got).unwrap();
        }
    }
    assert_eq!(entries(&d), ["m-nobf16.json"]);
}

#[test]
fn a_failing_rank_fails_every_rank_and_leaves_nothing() {
    let d = scratch("fail");
    let m = manifest(&d, true);
    for (split, n, rank) in [("rows", 3, "1"), ("columns", 4, "3"), ("layers", 2, "0")] {
        let out = d.join("out.safetensors");
        let fail = [
            ("VS_INIT_TEST_FAIL_AFTER", "0"),
            ("VS_INIT_TEST_FAIL_RANK", rank),
        ];
        let o = sharded(n, &m, &out, split, &[], &fail);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(5), "{split} np {n}: {err}");
        // reported once, by the failing rank
        assert_eq!(err.matches("vs-init: error:").count(), 1, "{err}");
        says(&o, &format!("rank {rank}/{n}: cannot write"));
        says(&o, "failure injected");
        assert_eq!(entries(&d), ["m.json"], "{split} np {n}");
    }
    // an existing output stays as it was
    let out = d.join("keep.safetensors");
    std::fs::write(&out, b"old").unwrap();
    let o = mpirun(
        2,
        &args(&m, &out, &["--seed", "7", "--shard", "rows"]),
        &[
            ("VS_INIT_TEST_FAIL_AFTER", "1"),
            ("VS_INIT_TEST_FAIL_RANK", "1"),
        ],
    );
    status(&o, 5);
    assert_eq!(std::fs::read(&out).unwrap(), b"old");
    assert_eq!(entries(&d), ["keep.safetensors", "m.json"]);
}

#[test]
fn bad_input_is_reported_once_and_a_drawn_seed_is_shared() {
    let d = scratch("input");
    let bad = d.join("bad.json");
    write_json(
        &bad,
        &json!([{"name": "w", "shape": [4, 4], "initializer": "orthogonal"}]),
    );
    let out = d.join("out.safetensors");
    let o = mpirun(3, &args(&bad, &out, &["--shard", "rows"]), &[]);
    status(&o, 4);
    let err = stderr(&o);
    assert_eq!(err.matches("vs-init: error:").count(), 1, "{err}");
    says(&o, "orthogonal");
    assert_eq!(entries(&d), ["bad.json"]);

    // without --seed, rank 0 draws one seed for all ranks and prints it
    let m = manifest(&d, true);
    let o = mpirun(3, &args(&m, &out, &["--shard", "columns", "-q"]), &[]);
    ok(&o);
    let err = stderr(&o);
    assert_eq!(err.matches("drew seed").count(), 1, "{err}");
    let again = d.join("again.safetensors");
    ok(&run(
        &args(&m, &again, &["--seed", drawn_seed(&err), "-q"]),
        &[],
    ));
    same_file(&out, &again, "the repeated run");
}
