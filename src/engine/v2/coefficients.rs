//! Constants of `splitmix64-ctr-v2`, written by
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

/// Centre of `SIN32` (0.0).
pub const SIN32_CENTRE: f32 = f32::from_bits(0x00000000);
/// `SIN32`: degree 3 on [0, 1], fitted relative error 3.5e-08.
pub const SIN32: [f32; 4] = [
    f32::from_bits(0x3f490fdb),
    f32::from_bits(0xbda55ddd),
    f32::from_bits(0x3b232f62),
    f32::from_bits(0xb816cda0),
];

/// Centre of `COS32` (0.0).
pub const COS32_CENTRE: f32 = f32::from_bits(0x00000000);
/// `COS32`: degree 4 on [0, 1], fitted relative error 9.5e-09.
pub const COS32: [f32; 5] = [
    f32::from_bits(0x3f800000),
    f32::from_bits(0xbe9de9e6),
    f32::from_bits(0x3c81e0ee),
    f32::from_bits(0xb9aae2bd),
    f32::from_bits(0x366ce174),
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

/// Centre of `SIN64` (0.0).
pub const SIN64_CENTRE: f64 = f64::from_bits(0x0000000000000000);
/// `SIN64`: degree 6 on [0, 1], fitted relative error 3.9e-17.
pub const SIN64: [f64; 7] = [
    f64::from_bits(0x3fe921fb54442d18),
    f64::from_bits(0xbfb4abbce625be41),
    f64::from_bits(0x3f6466bc677587f8),
    f64::from_bits(0xbf032d2cce2e5b19),
    f64::from_bits(0x3e950782fda12d96),
    f64::from_bits(0xbe1e30071afc3e59),
    f64::from_bits(0x3d9e3f38399551bf),
];

/// Centre of `COS64` (0.0).
pub const COS64_CENTRE: f64 = f64::from_bits(0x0000000000000000);
/// `COS64`: degree 7 on [0, 1], fitted relative error 2.1e-17.
pub const COS64: [f64; 8] = [
    f64::from_bits(0x3ff0000000000000),
    f64::from_bits(0xbfd3bd3cc9be45de),
    f64::from_bits(0x3f903c1f081b5aac),
    f64::from_bits(0xbf355d3c7e3c90f8),
    f64::from_bits(0x3ece1f5068355e15),
    f64::from_bits(0xbe5a6d1ec7906c20),
    f64::from_bits(0x3ddf9cc41140bb60),
    f64::from_bits(0xbd5b264ba152378a),
];
