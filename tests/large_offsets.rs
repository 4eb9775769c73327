//! 64-bit correctness: range fills far beyond 2^32 and 2^40 elements of
//! tensors far too large to allocate equal the values of their block drawn
//! independently, straight from the block's generator; products that
//! overflow are errors, never wrapped values.

use variance_scaling::sampler::{BLOCK_LEN, block_rng, draw_standard};
use variance_scaling::{Config, Distribution, ErrorKind, Initializer, Mode};

#[test]
fn far_ranges_match_their_block_drawn_directly() {
    // 2 * 10^12 elements (8 TB of f32): only ranges can be filled
    let shape = [2_000_000i64, 1_000_000];
    let seed = 0xdead_beef_u64;
    for dist in Distribution::ALL {
        let init =
            Initializer::new(Config::new(2.0, Mode::FanAvg, dist, Some(seed), None).unwrap())
                .unwrap();
        let p = init.describe(&shape).unwrap();
        let factor = if dist == Distribution::Uniform {
            p.limit
        } else {
            p.stddev
        };
        for offset in [
            (1u64 << 32) + 7,
            (1u64 << 40) + 1000,
            2_000_000u64 * 1_000_000 - 50,
        ] {
            let count = 40usize.min((2_000_000u64 * 1_000_000 - offset) as usize);
            let mut got = vec![0f64; count];
            init.fill_range(&shape, offset, &mut got).unwrap();
            // the containing blocks, drawn from scratch
            let first = offset / BLOCK_LEN;
            let last = (offset + count as u64 - 1) / BLOCK_LEN;
            let mut stream = Vec::new();
            for b in first..=last {
                let mut rng = block_rng(seed, b);
                for _ in 0..BLOCK_LEN {
                    stream.push(draw_standard(dist, &mut rng) * factor);
                }
            }
            let start = (offset - first * BLOCK_LEN) as usize;
            assert_eq!(
                got,
                stream[start..start + count],
                "{dist:?} offset {offset}"
            );
        }
    }
}

#[test]
fn overflowing_products_are_errors() {
    let init = Initializer::new(
        Config::new(1.0, Mode::FanIn, Distribution::Uniform, Some(1), None).unwrap(),
    )
    .unwrap();
    let mut out = [0f32; 4];
    for shape in [
        vec![1i64 << 32, 1 << 32],
        vec![3, i64::MAX / 2],
        vec![1 << 21, 1 << 21, 1 << 21],
    ] {
        let e = init.fill_range(&shape, 0, &mut out).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidShape, "{shape:?}");
        assert_eq!(out, [0.0; 4]);
    }
    // the largest countable tensor works, at its very end
    let shape = [i64::MAX];
    init.fill_range(&shape, i64::MAX as u64 - 4, &mut out)
        .unwrap();
    assert!(out.iter().all(|v| v.abs() < 1.0));
    // offset + count overflowing u64 is a range error
    let e = init.fill_range(&shape, u64::MAX - 1, &mut out).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BufferSize);
}
