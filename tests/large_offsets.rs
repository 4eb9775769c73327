//! 64-bit correctness: range fills far beyond 2^32 and 2^40 elements of
//! tensors far too large to allocate equal the values computed
//! independently (v1: their block drawn straight from the block's
//! generator; v2: each element from its definition); products that overflow
//! are errors, never wrapped values.

use variance_scaling::engine::v1::{BLOCK_LEN, block_rng, draw_standard};
use variance_scaling::engine::v2;
use variance_scaling::{Algorithm, Config, Distribution, ErrorKind, Initializer, Mode};

#[test]
fn far_ranges_match_their_block_drawn_directly() {
    // 2 * 10^12 elements (8 TB of f32): only ranges can be filled
    let shape = [2_000_000i64, 1_000_000];
    let seed = 0xdead_beef_u64;
    for dist in Distribution::ALL {
        let init =
            Initializer::new(Config::new(2.0, Mode::FanAvg, dist, Some(seed), None).unwrap())
                .unwrap()
                .with_algorithm(Algorithm::Pcg64BlockV1);
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
fn far_v2_ranges_match_the_element_definition() {
    let shape = [2_000_000i64, 1_000_000];
    let total = 2_000_000u64 * 1_000_000;
    let seed = 0xdead_beef_u64;
    for dist in Distribution::ALL {
        let init =
            Initializer::new(Config::new(2.0, Mode::FanAvg, dist, Some(seed), None).unwrap())
                .unwrap();
        assert_eq!(init.algorithm(), Algorithm::Splitmix64CtrV2);
        let p = init.describe(&shape).unwrap();
        let factor = if dist == Distribution::Uniform {
            p.limit
        } else {
            p.stddev
        };
        let s = v2::Sampler {
            seed,
            distribution: dist,
            factor,
        };
        let v2::Plan32::Narrow(s32) = s.plan32() else {
            panic!("a factor of {factor} fits binary32")
        };
        let s64 = s.stream64();
        for offset in [(1u64 << 32) + 7, (1u64 << 40) + 1001, total - 41] {
            let count = 41usize.min((total - offset) as usize);
            let mut got64 = vec![0f64; count];
            init.fill_range(&shape, offset, &mut got64).unwrap();
            let mut got32 = vec![0f32; count];
            init.fill_range(&shape, offset, &mut got32).unwrap();
            for j in 0..count {
                let i = offset + j as u64;
                assert_eq!(
                    got64[j].to_bits(),
                    s64.value(i).to_bits(),
                    "{dist:?} f64 {i}"
                );
                assert_eq!(
                    got32[j].to_bits(),
                    s32.value(i).to_bits(),
                    "{dist:?} f32 {i}"
                );
            }
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
