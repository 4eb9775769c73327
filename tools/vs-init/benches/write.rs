//! `cargo bench -p vs-init`: the rate vs-init writes a model at, beside the
//! rate the library fills the same tensors into freshly allocated memory.
//!
//! The model: `VS_INIT_BENCH_MIB` MiB (default 1024) of f32 tensors of
//! 256 MiB each, alternately he_normal and glorot_uniform. The file goes to
//! `VS_INIT_BENCH_DIR` (default: cargo's target tmp directory) and is
//! removed after each run. Best of three runs each.

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use variance_scaling::Initializer;

const SIDE: i64 = 8192; // 8192 x 8192 f32 = 256 MiB

fn main() {
    let mib: u64 = std::env::var("VS_INIT_BENCH_MIB")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1024);
    let tensors = (mib / 256).max(1);
    let inits = ["he_normal", "glorot_uniform"];
    let entries: Vec<String> = (0..tensors)
        .map(|i| {
            format!(
                r#"{{"name": "layers.{i}.weight", "shape": [{SIDE}, {SIDE}], "initializer": "{}"}}"#,
                inits[i as usize % 2]
            )
        })
        .collect();
    let dir = std::env::var_os("VS_INIT_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_TARGET_TMPDIR")));
    std::fs::create_dir_all(&dir).unwrap();
    let manifest = dir.join("vs-init-bench.json");
    std::fs::write(&manifest, format!("[{}]", entries.join(",\n"))).unwrap();
    let bytes = tensors * (SIDE * SIDE) as u64 * 4;

    let mut fill_best = f64::INFINITY;
    for _ in 0..3 {
        let t = Instant::now();
        for i in 0..tensors {
            let init = Initializer::from_json(&format!("\"{}\"", inits[i as usize % 2]))
                .and_then(|x| x.with_seed(Some(i)))
                .unwrap();
            let mut v = vec![0f32; (SIDE * SIDE) as usize];
            init.fill(&[SIDE, SIDE], &mut v).unwrap();
            std::hint::black_box(&v);
        }
        fill_best = fill_best.min(t.elapsed().as_secs_f64());
    }

    let out = dir.join("vs-init-bench.safetensors");
    let mut write_best = f64::INFINITY;
    for _ in 0..3 {
        let t = Instant::now();
        let o = Command::new(env!("CARGO_BIN_EXE_vs-init"))
            .arg(&manifest)
            .args(["-o", out.to_str().unwrap(), "--seed", "1", "-q"])
            .output()
            .unwrap();
        let secs = t.elapsed().as_secs_f64();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        // the old file's pages are freed outside the timing
        std::fs::remove_file(&out).unwrap();
        write_best = write_best.min(secs);
    }
    std::fs::remove_file(&manifest).unwrap();

    let rate = |s: f64| bytes as f64 / s / (1u64 << 20) as f64;
    println!("model: {tensors} f32 tensors, {} MiB", bytes >> 20);
    println!("fill into fresh memory: {:8.1} MiB/s", rate(fill_best));
    println!(
        "vs-init to {}: {:8.1} MiB/s ({:.0} % of the fill rate)",
        dir.display(),
        rate(write_best),
        100.0 * fill_best / write_best
    );
}
