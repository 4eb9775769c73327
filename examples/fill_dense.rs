//! The Rust quick start (docs/rust.md): an initializer from a Keras config,
//! a Dense kernel filled with it, and the kernel's statistics.
//!
//!   cargo run --release --example fill_dense
//!   cargo run --release --example fill_dense -- '"glorot_uniform"' 784 128
//!
//! Arguments (all optional): the initializer as any JSON form the library
//! reads (docs/config-json.md; default: a seeded Keras `HeNormal`), then the
//! kernel's input and output sizes (default 784 and 256). The kernel has
//! Keras's Dense layout `(in, out)`, so fan_in = in and fan_out = out.
//!
//! It checks what it prints: every value lies within the distribution's
//! bounds, and the sample's standard deviation is within 5 % of the one the
//! initializer promises. It exits 1 on a failed check and 2 on bad
//! arguments, naming the argument and the value.

use std::process::ExitCode;

use variance_scaling::Initializer;

/// A seeded Keras 3 `HeNormal`, as `keras.saving.serialize_keras_object`
/// writes it.
const DEFAULT_CONFIG: &str = r#"{"module": "keras.initializers", "class_name": "HeNormal",
  "config": {"seed": 42}, "registered_name": null}"#;

fn size_arg(name: &str, value: Option<&str>, default: i64) -> Result<i64, String> {
    match value {
        None => Ok(default),
        Some(v) => match v.parse::<i64>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(format!(
                "fill_dense: {name} must be a positive integer, got `{v}`"
            )),
        },
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() > 3 {
        eprintln!(
            "fill_dense: at most 3 arguments (CONFIG IN OUT), got {}",
            args.len()
        );
        return ExitCode::from(2);
    }
    let config = args.first().map_or(DEFAULT_CONFIG, String::as_str);
    let sizes = (
        size_arg("IN", args.get(1).map(String::as_str), 784),
        size_arg("OUT", args.get(2).map(String::as_str), 256),
    );
    let (n_in, n_out) = match sizes {
        (Ok(i), Ok(o)) => (i, o),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };

    // Any JSON form: a Keras 3 object, a Keras 2 {"class_name", "config"}
    // pair, a bare config, or a name such as "he_normal".
    let init = match Initializer::from_json(config) {
        Ok(i) => i,
        Err(e) => {
            // The error names the field and the value it got.
            eprintln!("fill_dense: CONFIG: {e}");
            return ExitCode::from(2);
        }
    };

    let shape = [n_in, n_out];
    let params = match init.describe(&shape) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("fill_dense: shape {shape:?}: {e}");
            return ExitCode::from(2);
        }
    };
    let mut kernel = vec![0f32; (n_in * n_out) as usize];
    if let Err(e) = init.fill(&shape, &mut kernel) {
        eprintln!("fill_dense: fill: {e}");
        return ExitCode::from(1);
    }

    let n = kernel.len() as f64;
    let mean = kernel.iter().map(|&v| f64::from(v)).sum::<f64>() / n;
    let var = kernel
        .iter()
        .map(|&v| (f64::from(v) - mean).powi(2))
        .sum::<f64>()
        / n;
    let (min, max) = kernel
        .iter()
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    let c = init.config();

    println!(
        "initializer: scale {} mode {} distribution {} seed {} algorithm {}",
        c.scale(),
        c.mode().name(),
        c.distribution().name(),
        init.seed(),
        init.algorithm().name()
    );
    println!(
        "Dense kernel ({n_in}, {n_out}): fan_in {} fan_out {}",
        params.fan_in, params.fan_out
    );
    println!(
        "first values: {:+.6} {:+.6} {:+.6}",
        kernel[0],
        kernel[1.min(kernel.len() - 1)],
        kernel[2.min(kernel.len() - 1)]
    );
    println!(
        "mean {mean:+.6}  std {:.6} (expected {:.6})  min {min:+.6}  max {max:+.6}",
        var.sqrt(),
        params.value_stddev
    );

    // The checks: values inside the distribution's support, and a standard
    // deviation close to the promised one (a loose bound, meant for kernels
    // of a few thousand values or more).
    // |value| < 2 stddev (truncated normal) or < the uniform limit, before
    // rounding; rounding to f32 is monotonic, so the f32 values stay within
    // the bound rounded to f32. (+inf for the untruncated normal.)
    let bound = params.limit as f32;
    let mut ok = true;
    if min.abs().max(max.abs()) > bound {
        eprintln!("fill_dense: FAILED: a value lies outside +-{bound}");
        ok = false;
    }
    let expected = params.value_stddev;
    if kernel.len() >= 1000 && ((var.sqrt() - expected) / expected).abs() > 0.05 {
        eprintln!(
            "fill_dense: FAILED: std {:.6} is not within 5 % of {expected:.6}",
            var.sqrt()
        );
        ok = false;
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
