//! Links Open MPI's C library when the `mpi` feature is on (src/mpi.rs
//! declares the calls); without it there is nothing to do. The flags come
//! from `pkg-config --libs ompi-c`, else from `mpicc --showme:link`.

use std::process::Command;

fn output(cmd: &str, args: &[&str]) -> Option<String> {
    let o = Command::new(cmd).args(args).output().ok()?;
    o.status
        .success()
        .then(|| String::from_utf8_lossy(&o.stdout).into_owned())
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=PKG_CONFIG_PATH");
    if std::env::var_os("CARGO_FEATURE_MPI").is_none() {
        return;
    }
    let flags = output("pkg-config", &["--libs", "ompi-c"])
        .or_else(|| output("mpicc", &["--showme:link"]))
        .unwrap_or_else(|| {
            panic!(
                "the `mpi` feature needs Open MPI's development files: neither `pkg-config --libs ompi-c` nor `mpicc --showme:link` answered (Debian: apt-get install libopenmpi-dev openmpi-bin)"
            )
        });
    let mut linked = false;
    for f in flags.split_whitespace() {
        if let Some(dir) = f.strip_prefix("-L") {
            println!("cargo:rustc-link-search=native={dir}");
        } else if let Some(lib) = f.strip_prefix("-l") {
            println!("cargo:rustc-link-lib=dylib={lib}");
            linked |= lib == "mpi";
        } else if f.starts_with("-Wl,") || f == "-pthread" {
            println!("cargo:rustc-link-arg={f}");
        }
    }
    if !linked {
        println!("cargo:rustc-link-lib=dylib=mpi");
    }
}
