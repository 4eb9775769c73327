//! Constants of `splitmix64-icdf-v2`, written by
//! `scripts/v2-coefficients.py --write` from the same fit as the table in
//! docs/algorithm-v2.md. Do not edit by hand.
//!
//! Polynomials are power series in `(x - centre)`, lowest degree first,
//! evaluated by Horner's rule with one fused multiply-add per step.

#![allow(clippy::unreadable_literal)]

/// `ERF_SQRT2_32`: erf(sqrt(2)) rounded to binary32 (not above it), 0.9544997215270996.
pub const ERF_SQRT2_32: f32 = f32::from_bits(0x3f745a18);
/// `ERF_SQRT2_64`: erf(sqrt(2)) rounded to binary64, 0.9544997361036416.
pub const ERF_SQRT2_64: f64 = f64::from_bits(0x3fee8b4307d3627a);
/// `LN2_32`: ln 2 rounded to binary32, 0.6931471824645996.
pub const LN2_32: f32 = f32::from_bits(0x3f317218);
/// `LN2_HI`: ln 2 rounded to binary64, 0.6931471805599453.
pub const LN2_HI: f64 = f64::from_bits(0x3fe62e42fefa39ef);
/// `LN2_LO`: ln 2 - LN2_HI rounded to binary64, 2.3190468138462996e-17.
pub const LN2_LO: f64 = f64::from_bits(0x3c7abc9e3b39803f);

/// Centre of `LOG32_R` (0.0).
pub const LOG32_R_CENTRE: f32 = f32::from_bits(0x00000000);
/// `LOG32_R`: degree 7 on [-0.292893, 0.414214], fitted relative error 3.3e-07.
pub const LOG32_R: [f32; 8] = [
    f32::from_bits(0xbeffffff),
    f32::from_bits(0x3eaaab1c),
    f32::from_bits(0xbe800181),
    f32::from_bits(0x3e4c8388),
    f32::from_bits(0xbe29ddba),
    f32::from_bits(0x3e17e881),
    f32::from_bits(0xbe10feaa),
    f32::from_bits(0x3db3f694),
];

/// Centre of `T32` (1.2101000547409058).
pub const T32_CENTRE: f32 = f32::from_bits(0x3f9ae48f);
/// `T32`: degree 6 on [0, 2.4202], fitted relative error 6.5e-08.
pub const T32: [f32; 7] = [
    f32::from_bits(0x3fd5883e),
    f32::from_bits(0x3eb484bb),
    f32::from_bits(0x3b80f5cd),
    f32::from_bits(0xbb52e689),
    f32::from_bits(0x394b331d),
    f32::from_bits(0x383a8982),
    f32::from_bits(0xb6dc0f37),
];

/// Centre of `C32` (2.5).
pub const C32_CENTRE: f32 = f32::from_bits(0x40200000);
/// `C32`: degree 9 on [0, 5], fitted relative error 4.8e-08.
pub const C32: [f32; 10] = [
    f32::from_bits(0x4007e45e),
    f32::from_bits(0x3eb2962e),
    f32::from_bits(0xbbc19598),
    f32::from_bits(0xbae835cb),
    f32::from_bits(0x39a1e573),
    f32::from_bits(0xb6ebf4f7),
    f32::from_bits(0xb6a46080),
    f32::from_bits(0x3531b6e2),
    f32::from_bits(0x330dbe21),
    f32::from_bits(0xb2590297),
];

/// Centre of `TAIL32` (3.4375).
pub const TAIL32_CENTRE: f32 = f32::from_bits(0x405c0000);
/// `TAIL32`: degree 10 on [2.23607, 4.64], fitted relative error 6.1e-08.
pub const TAIL32: [f32; 11] = [
    f32::from_bits(0x40941923),
    f32::from_bits(0x3fb6464b),
    f32::from_bits(0x3bab0d2e),
    f32::from_bits(0xbb5bc7a3),
    f32::from_bits(0x3af7039c),
    f32::from_bits(0xba9b14d8),
    f32::from_bits(0x3a480334),
    f32::from_bits(0xb9e30c4f),
    f32::from_bits(0x38e6e536),
    f32::from_bits(0x38634c40),
    f32::from_bits(0xb8052f48),
];

/// Centre of `LOG64_Q` (0.0).
pub const LOG64_Q_CENTRE: f64 = f64::from_bits(0x0000000000000000);
/// `LOG64_Q`: degree 6 on [0, 0.0294373], fitted relative error 4.7e-16.
pub const LOG64_Q: [f64; 7] = [
    f64::from_bits(0x3fe5555555555558),
    f64::from_bits(0x3fd99999999952e2),
    f64::from_bits(0x3fd2492492df148d),
    f64::from_bits(0x3fcc71c62e5800a1),
    f64::from_bits(0x3fc7462b4ab2ef6b),
    f64::from_bits(0x3fc39fe606542dde),
    f64::from_bits(0x3fc2b584aae78a57),
];

/// Centre of `T64` (1.2101).
pub const T64_CENTRE: f64 = f64::from_bits(0x3ff35c91d14e3bcd);
/// `T64`: degree 16 on [0, 2.4202], fitted relative error 2.3e-17.
pub const T64: [f64; 17] = [
    f64::from_bits(0x3ffab107c4aa2838),
    f64::from_bits(0x3fd6909814b3d962),
    f64::from_bits(0x3f701ea9fc7bec16),
    f64::from_bits(0xbf6a5ec80c9e2ffd),
    f64::from_bits(0x3f297131e2d0224f),
    f64::from_bits(0x3f07fcf8358f6780),
    f64::from_bits(0xbedd5fecaa590cb4),
    f64::from_bits(0xbea0c4bcc5b3d0d5),
    f64::from_bits(0x3e884301b8e72144),
    f64::from_bits(0xbdeb89070bf3438e),
    f64::from_bits(0xbe3103d74ad91b83),
    f64::from_bits(0x3df083013261f9fc),
    f64::from_bits(0x3dd477795959e201),
    f64::from_bits(0xbda55493054b7299),
    f64::from_bits(0xbd739d4dbe92f0f1),
    f64::from_bits(0x3d51697588d7cf6d),
    f64::from_bits(0x3d05bcfb694098f9),
];

/// Centre of `C64` (3.125).
pub const C64_CENTRE: f64 = f64::from_bits(0x4009000000000000);
/// `C64`: degree 24 on [0, 6.25], fitted relative error 4.3e-17.
pub const C64: [f64; 25] = [
    f64::from_bits(0x4002b57ec65a8009),
    f64::from_bits(0x3fd5bc94440cc7ec),
    f64::from_bits(0xbf8179b257405d9c),
    f64::from_bits(0xbf512994fbb846d5),
    f64::from_bits(0x3f314e8fc42825bc),
    f64::from_bits(0xbef49627602929bf),
    f64::from_bits(0xbec032ee39d34b4d),
    f64::from_bits(0x3ea4186be851f364),
    f64::from_bits(0xbe66125ad059a6f7),
    f64::from_bits(0xbe38faf52d5f9efa),
    f64::from_bits(0x3e198a60007fd0b6),
    f64::from_bits(0xbdd50c1f186ec7bd),
    f64::from_bits(0xbdb42e6ae9abf4b1),
    f64::from_bits(0x3d905c7d862c3c21),
    f64::from_bits(0xbd4010d750819b5a),
    f64::from_bits(0xbd2fdc77fabf457c),
    f64::from_bits(0x3d04c471617e7dfc),
    f64::from_bits(0xbc900f9b9141b235),
    f64::from_bits(0xbca8e58ab670cd8a),
    f64::from_bits(0x3c794a3c7528cea0),
    f64::from_bits(0x3c2fb25dac98f775),
    f64::from_bits(0xbc221f7b27b2f56e),
    f64::from_bits(0x3be0b09de3300716),
    f64::from_bits(0x3bb554be03161704),
    f64::from_bits(0xbb833294645ba9c7),
];

/// Centre of `TAILA64` (3.25).
pub const TAILA64_CENTRE: f64 = f64::from_bits(0x400a000000000000);
/// `TAILA64`: degree 20 on [2.5, 4], fitted relative error 1.1e-16.
pub const TAILA64: [f64; 21] = [
    f64::from_bits(0x401171f182e77876),
    f64::from_bits(0x3ff6bf14fa6fc348),
    f64::from_bits(0x3f7f1c95c5e738b2),
    f64::from_bits(0xbf75bab4c3ae05a7),
    f64::from_bits(0x3f6cdd2bb96b03cc),
    f64::from_bits(0xbf638f1f694bddc1),
    f64::from_bits(0x3f5616921a7eed6e),
    f64::from_bits(0xbf4073ea049a167a),
    f64::from_bits(0x3f01d17b77257dcf),
    f64::from_bits(0x3f1950e013ca3297),
    f64::from_bits(0xbf118b07725c54ac),
    f64::from_bits(0x3ef27c09809b887c),
    f64::from_bits(0x3ed1651f01905727),
    f64::from_bits(0xbed7a44ba43d4e40),
    f64::from_bits(0x3ec1939cfc0eeb21),
    f64::from_bits(0xbe64f7e4baafd004),
    f64::from_bits(0xbe974c9fffd25861),
    f64::from_bits(0x3e88fa0f14b2bea5),
    f64::from_bits(0xbe5fc23bbe64d3b3),
    f64::from_bits(0xbe573dc29a025003),
    f64::from_bits(0x3e4753244da71d59),
];

/// Centre of `TAILB64` (5.0).
pub const TAILB64_CENTRE: f64 = f64::from_bits(0x4014000000000000);
/// `TAILB64`: degree 18 on [4, 6.01], fitted relative error 4.6e-17.
pub const TAILB64: [f64; 19] = [
    f64::from_bits(0x401b6f6a292f51bf),
    f64::from_bits(0x3ff6dc49111d6dda),
    f64::from_bits(0xbf29b6aa8e9dfc7d),
    f64::from_bits(0xbf33eded29b04c96),
    f64::from_bits(0x3f1c2c6d9481940b),
    f64::from_bits(0xbefd2fb1853c64d7),
    f64::from_bits(0x3edad8cfedd72060),
    f64::from_bits(0xbeb78fa92a6d2c34),
    f64::from_bits(0x3e95bd0a5d4aed2d),
    f64::from_bits(0xbe79a5699184e8ff),
    f64::from_bits(0x3e6608f257fdbb9c),
    f64::from_bits(0xbe572a07e218aa3f),
    f64::from_bits(0x3e47bc7d5dad7be3),
    f64::from_bits(0xbe3516221d7e2b17),
    f64::from_bits(0x3e200e734c87e242),
    f64::from_bits(0xbe05429012e0f491),
    f64::from_bits(0x3dd9d60191c6d62a),
    f64::from_bits(0x3dd0ab91ccd4c44f),
    f64::from_bits(0xbdbe9da4709e4cbc),
];
