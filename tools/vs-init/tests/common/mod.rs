//! What tests/cli.rs and tests/mpi.rs share: running vs-init, a fresh
//! directory per test, and comparing what it wrote.

// Each test crate uses a part of this module.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_vs-init");

/// A file of tests/data.
pub fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// A fresh, empty directory for one test, under `group` in the target's
/// temporary directory.
pub fn scratch_in(group: &str, test: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(group)
        .join(test);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// vs-init on one process with `args` and `env`.
pub fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(BIN);
    c.args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

/// `input -o out` and then `rest`: the arguments of most runs.
pub fn args<'a>(input: &'a Path, out: &'a Path, rest: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec![input.to_str().unwrap(), "-o", out.to_str().unwrap()];
    v.extend_from_slice(rest);
    v
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn ok(o: &Output) {
    assert!(o.status.success(), "vs-init failed: {}", stderr(o));
}

/// The exit status is `code`; the message goes with the failure.
pub fn status(o: &Output, code: i32) {
    assert_eq!(o.status.code(), Some(code), "{}", stderr(o));
}

/// The seed an unseeded run printed ("drew seed S").
pub fn drawn_seed(err: &str) -> &str {
    err.split("drew seed ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .unwrap_or_else(|| panic!("no seed printed: {err}"))
}

/// The entries of a directory (to show nothing was left behind).
pub fn entries(d: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

pub fn write_json(path: &Path, v: &Value) {
    std::fs::write(path, serde_json::to_string_pretty(v).unwrap()).unwrap();
}

/// Two files with the same bytes (without printing them when not).
pub fn same_file(a: &Path, b: &Path, what: &str) {
    assert!(
        std::fs::read(a).unwrap() == std::fs::read(b).unwrap(),
        "{what}: the file differs"
    );
}

/// Two directories (npy output) with the same names and the same bytes.
pub fn same_dir(a: &Path, b: &Path, what: &str) {
    let names = entries(a);
    assert_eq!(entries(b), names, "{what}");
    for f in names {
        same_file(&a.join(&f), &b.join(&f), &format!("{what}: {f}"));
    }
}

/// The message on stderr holds `needle` (shown whole when not).
pub fn says(o: &Output, needle: &str) {
    let err = stderr(o);
    assert!(err.contains(needle), "{needle:?} not in: {err}");
}
