//! Fuzz target: `vs_from_config_json` on arbitrary bytes.
//!
//! The input up to its first NUL is the C string passed in. Whatever it
//! is, the call must return a status (never crash, hang or leak), leave
//! `*out` NULL with a short message on error, and on success give a handle
//! whose config JSON parses back to the same config and the same values.

#![no_main]

use libfuzzer_sys::fuzz_target;
use variance_scaling::c_api::*;

mod common;
use common::*;

/// Small shapes every accepted config is tried on.
const SHAPES: [&[i64]; 4] = [&[], &[5], &[4, 3], &[2, 3, 2, 2]];

fuzz_target!(|data: &[u8]| {
    let end = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    let bytes = &data[..end];

    let Ok(text) = std::str::from_utf8(bytes) else {
        // not UTF-8: always VS_ERR_INVALID_CONFIG
        let c = std::ffi::CString::new(bytes).unwrap();
        let mut h = sentinel_handle();
        // SAFETY: NUL-terminated string; writable out-pointer.
        let st = unsafe { vs_from_config_json(c.as_ptr(), &mut h) };
        assert_eq!(st, vs_status::VS_ERR_INVALID_CONFIG);
        assert!(h.is_null());
        check_error_message(st, "vs_from_config_json (not UTF-8)");
        return;
    };

    // the safe core and the C boundary agree on every input
    let core = variance_scaling::Initializer::from_json(text);
    let Ok(h) = from_json(text) else {
        match core {
            Ok(_) => panic!("the core accepted what the C API rejected"),
            Err(e) => assert!(!e.message().is_empty()),
        }
        return;
    };
    assert!(core.is_ok(), "the C API accepted what the core rejected");

    let json = config_json(h);
    let seeded = !json.starts_with("{\"seed\":null");
    let h2 = match from_json(&json) {
        Ok(h2) => h2,
        Err(st) => panic!("own config JSON {json} rejected: {st:?} {}", last_message()),
    };
    assert_eq!(config_json(h2), json, "config JSON is not a fixed point");
    if seeded {
        assert_eq!(seed_of(h), seed_of(h2));
    }

    for shape in SHAPES {
        let (a, b) = (describe(h, shape), describe(h2, shape));
        assert_eq!(
            format!("{a:?}"),
            format!("{b:?}"),
            "round trip changed describe({shape:?}) of {json}"
        );
        let Ok(p) = a else {
            // only a uniform limit that overflows for a huge scale, or an
            // axis out of range for this shape
            let st = a.unwrap_err();
            assert!(
                st == vs_status::VS_ERR_INVALID_SCALE || st == vs_status::VS_ERR_INVALID_SHAPE,
                "describe({shape:?}) of {json}: {st:?}"
            );
            continue;
        };
        assert!(p.n >= 1.0 && p.stddev >= 0.0 && p.limit >= 0.0, "{p:?}");
        let count: usize = shape.iter().map(|&d| d as usize).product();
        let v = fill_f64(h, shape, count);
        assert!(
            v.iter().all(|x| x.is_finite() && x.abs() <= p.limit),
            "{json} {shape:?}: {v:?} beyond {}",
            p.limit
        );
        if seeded {
            let v2 = fill_f64(h2, shape, count);
            let same = v.iter().zip(&v2).all(|(x, y)| x.to_bits() == y.to_bits());
            assert!(same, "round trip of {json} changed the values");
        }
    }

    // SAFETY: live handles, not used afterwards.
    unsafe {
        vs_destroy(h);
        vs_destroy(h2);
    }
});
