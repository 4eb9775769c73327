//! Seed derivation: `vs_derive_seed`, `vs_derive_seed_name`.

use libc::c_char;
use std::ffi::CStr;

/// The seed of tensor number `index` of a model seeded with `base`: a hash
/// of both (docs/seeds.md, bit for bit), so that neighbouring bases and
/// neighbouring indices give unrelated seeds, and for one base distinct
/// indices always give distinct seeds. Use it instead of `base + index`,
/// with which the models of seeds 1 and 2 share all but one tensor's
/// values. Pure; thread-safe; never fails.
#[unsafe(no_mangle)]
pub extern "C" fn vs_derive_seed(base: u64, index: u64) -> u64 {
    crate::seeds::derive_seed(base, index)
}

/// The seed of the tensor called `name` (for example
/// `"layers.3.attn.q_proj.weight"`) of a model seeded with `base`: a hash of
/// `base` and the name's bytes up to its NUL (docs/seeds.md, bit for bit;
/// any bytes, UTF-8 or not). Names survive reordering and insertion of
/// layers, indices do not (and it is the rule the planned `vs-init` tool
/// will use for a checkpoint's tensor names). NULL is read as the empty
/// name. Pure; thread-safe; never fails.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vs_derive_seed_name(base: u64, name: *const c_char) -> u64 {
    let bytes = if name.is_null() {
        &[][..]
    } else {
        // SAFETY: non-NULL and NUL-terminated per the contract.
        unsafe { CStr::from_ptr(name) }.to_bytes()
    };
    crate::seeds::derive_seed_name(base, bytes)
}
