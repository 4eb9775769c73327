//! Build script: sets the shared library's soname on Linux and regenerates
//! `include/variance_scaling.h` with cbindgen. Nothing here touches the
//! network.

use std::env;
use std::path::PathBuf;

/// Reads `abi-major` from `[package.metadata.variance_scaling]` of
/// Cargo.toml without a TOML dependency.
fn abi_major(manifest: &str) -> u32 {
    manifest
        .lines()
        .filter_map(|l| l.trim().strip_prefix("abi-major"))
        .filter_map(|rest| rest.trim().strip_prefix('='))
        .filter_map(|v| v.trim().parse().ok())
        .next()
        .expect("Cargo.toml must set [package.metadata.variance_scaling] abi-major = N")
}

/// Cargo writes only `libvariance_scaling.so`, but programs linked to it
/// look for its soname at start-up. Puts the link `libvariance_scaling.so.N
/// -> libvariance_scaling.so` beside it (in target/<profile>/, three levels
/// above OUT_DIR), so a plain `cargo build` gives a library C programs can
/// link and run against. Best effort: a failure only means the link is
/// missing.
fn soname_link(abi: u32) {
    let Some(out_dir) = env::var_os("OUT_DIR").map(PathBuf::from) else {
        return;
    };
    let Some(profile_dir) = out_dir.ancestors().nth(3) else {
        return;
    };
    let link = profile_dir.join(format!("libvariance_scaling.so.{abi}"));
    if std::fs::symlink_metadata(&link).is_ok() {
        return;
    }
    #[cfg(unix)]
    if let Err(e) = std::os::unix::fs::symlink("libvariance_scaling.so", &link) {
        println!("cargo:warning=could not create {}: {e}", link.display());
    }
}

/// `MAJOR * 100 * 100 + MINOR * 100 + PATCH`, the header's
/// `VS_VERSION_NUMBER`; MINOR and PATCH must stay below 100 for it to be
/// one-to-one.
fn version_number(major: &str, minor: &str, patch: &str) -> u32 {
    let parse = |what: &str, v: &str| -> u32 {
        v.parse()
            .unwrap_or_else(|_| panic!("version {what} `{v}` is not a number"))
    };
    let (major, minor, patch) = (
        parse("major", major),
        parse("minor", minor),
        parse("patch", patch),
    );
    assert!(
        minor < 100 && patch < 100,
        "VS_VERSION_NUMBER needs minor and patch below 100"
    );
    major * 100 * 100 + minor * 100 + patch
}

fn main() {
    let dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    let abi = abi_major(&manifest);

    println!("cargo:rerun-if-changed=Cargo.toml");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=src");

    // The soname, with the default feature `soname`. Cargo hands a build
    // script's cdylib link arguments to every cdylib that depends on this
    // crate too, so a Rust cdylib that embeds the library (the Python
    // extension, bindings/python) turns the feature off.
    if env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux")
        && env::var_os("CARGO_FEATURE_SONAME").is_some()
    {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libvariance_scaling.so.{abi}");
        soname_link(abi);
    }

    let major = env::var("CARGO_PKG_VERSION_MAJOR").unwrap();
    let minor = env::var("CARGO_PKG_VERSION_MINOR").unwrap();
    let patch = env::var("CARGO_PKG_VERSION_PATCH").unwrap();
    let version = env::var("CARGO_PKG_VERSION").unwrap();
    let number = version_number(&major, &minor, &patch);

    let mut config =
        cbindgen::Config::from_file(dir.join("cbindgen.toml")).expect("cbindgen.toml must parse");
    config.after_includes = Some(format!(
        "\n/** Version of the library this header belongs to (see vs_version()). */\n\
         #define VS_VERSION_MAJOR {major}\n\
         #define VS_VERSION_MINOR {minor}\n\
         #define VS_VERSION_PATCH {patch}\n\
         #define VS_VERSION_STRING \"{version}\"\n\
         /**\n \
         * The version as one number, VS_VERSION_MAJOR * 100 * 100 +\n \
         * VS_VERSION_MINOR * 100 + VS_VERSION_PATCH (0.2.0 is 200), for\n \
         * preprocessor checks such as\n \
         * `#if VS_VERSION_NUMBER >= 200` (this header is 0.2.0 or later).\n \
         */\n\
         #define VS_VERSION_NUMBER {number}\n\
         /** The N of the soname libvariance_scaling.so.N: changes only with an incompatible ABI. */\n\
         #define VS_ABI_MAJOR {abi}\n"
    ));
    let header = dir.join("include").join("variance_scaling.h");
    match cbindgen::Builder::new()
        .with_crate(&dir)
        .with_config(config)
        .generate()
    {
        Ok(bindings) => {
            // cbindgen rewrites the file only when its content changes: a
            // build of the packaged crate (`cargo package` verifies it, see
            // scripts/test-cargo-package.sh) must leave its sources alone.
            bindings.write_to_file(&header);
        }
        Err(e) => panic!("cbindgen failed to generate the header: {e}"),
    }
}
