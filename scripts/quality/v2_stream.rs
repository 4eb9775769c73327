//! Writes a `splitmix64-ctr-v2` stream to stdout, forever, for statistical
//! test batteries (scripts/quality.sh feeds it to `dieharder -a -g 200`).
//!
//!   v2_stream raw SEED   the generator's 64-bit words W(key, 0), W(key, 1), ...
//!                        of the binary32 uniform stream, little-endian
//!   v2_stream f64 SEED   binary64 uniform values u in [-1, 1) as 32-bit
//!                        integers floor((u + 1) 2^31) (their top 32 random bits)
//!   v2_stream f32 SEED   binary32 uniform values u in [-1, 1) as their 24 random
//!                        bits (u + 1) 2^23, packed into 3 bytes each
//!
//! The values come from the library's own fills (the dispatched kernel).

use std::io::Write;

use variance_scaling::Distribution;
use variance_scaling::engine::Stores;
use variance_scaling::engine::v2::{self, Class, Sampler};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let what = args.get(1).map(String::as_str).unwrap_or("raw");
    let seed: u64 = args.get(2).map_or(0, |s| s.parse().expect("SEED is a u64"));
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
    let s = Sampler {
        seed,
        distribution: Distribution::Uniform,
        factor: 1.0,
    };
    const N: usize = 1 << 16;
    let mut start = 0u64;
    let mut bytes = Vec::with_capacity(N * 8);
    loop {
        bytes.clear();
        match what {
            "raw" => {
                let key = v2::key(seed, Distribution::Uniform, Class::Binary32);
                for k in start..start + N as u64 {
                    bytes.extend_from_slice(&v2::word(key, k).to_le_bytes());
                }
            }
            "f64" => {
                let mut v = vec![0f64; N];
                v2::fill64(&s, start, &mut v, Stores::Cached);
                for u in v {
                    let x = ((u + 1.0) * 2f64.powi(31)) as u32;
                    bytes.extend_from_slice(&x.to_le_bytes());
                }
            }
            "f32" => {
                let mut v = vec![0f32; N];
                v2::fill32(&s, start, &mut v, Stores::Cached);
                for u in v {
                    let x = ((u + 1.0) * 2f32.powi(23)) as u32;
                    bytes.extend_from_slice(&x.to_le_bytes()[..3]);
                }
            }
            other => panic!("unknown stream {other:?}: raw, f64 or f32"),
        }
        if out.write_all(&bytes).is_err() {
            return; // the reader closed the pipe
        }
        start += N as u64;
    }
}
