//! Seed derivation: one seed per tensor from a base seed and the tensor's
//! index or name, specified bit for bit in `docs/seeds.md`.
//!
//! Every step is a SplitMix64 output function ([`mix64`], a bijection of
//! `u64`), so neighbouring bases and neighbouring indices give unrelated
//! seeds, and for one base distinct indices always give distinct seeds.

use crate::engine::v1::mix64;

/// `"vs-seed-"` read as a big-endian integer: the tag of the base.
pub const BASE_TAG: u64 = 0x7673_2d73_6565_642d;
/// `"vs-index"`: the tag of an index.
pub const INDEX_TAG: u64 = 0x7673_2d69_6e64_6578;
/// `"vs-names"`: the starting value of a name's hash.
pub const NAME_TAG: u64 = 0x7673_2d6e_616d_6573;

fn base_key(base: u64) -> u64 {
    mix64(base ^ BASE_TAG)
}

/// The seed of tensor number `index` under `base`:
/// `mix64(mix64(base ^ BASE_TAG) ^ mix64(index ^ INDEX_TAG))`.
pub fn derive_seed(base: u64, index: u64) -> u64 {
    mix64(base_key(base) ^ mix64(index ^ INDEX_TAG))
}

/// The 64-bit hash of a name's bytes: starting from `NAME_TAG`, each
/// 8-byte chunk (little-endian; the last one padded with zero bytes) is
/// mixed in as `h = mix64(h ^ chunk)`, then the length: `h = mix64(h ^
/// len)`.
pub fn name_hash(name: &[u8]) -> u64 {
    let mut h = NAME_TAG;
    for chunk in name.chunks(8) {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        h = mix64(h ^ u64::from_le_bytes(word));
    }
    mix64(h ^ name.len() as u64)
}

/// The seed of the tensor called `name` under `base`:
/// `mix64(mix64(base ^ BASE_TAG) ^ name_hash(name))`.
pub fn derive_seed_name(base: u64, name: &[u8]) -> u64 {
    mix64(base_key(base) ^ name_hash(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn tags_spell_their_names() {
        assert_eq!(&BASE_TAG.to_be_bytes(), b"vs-seed-");
        assert_eq!(&INDEX_TAG.to_be_bytes(), b"vs-index");
        assert_eq!(&NAME_TAG.to_be_bytes(), b"vs-names");
    }

    #[test]
    fn neighbouring_bases_and_indices_share_no_seed() {
        let mut seen = HashSet::new();
        for base in 0..64u64 {
            for index in 0..1024u64 {
                assert!(seen.insert(derive_seed(base, index)), "{base} {index}");
            }
        }
        // base + k, the pattern derivation replaces, never reappears
        for base in 0..64u64 {
            assert!(!seen.contains(&(base + 1)));
        }
    }

    #[test]
    fn names_are_hashed_with_their_length() {
        // a name and the same name with a NUL appended differ
        assert_ne!(name_hash(b"w"), name_hash(b"w\0"));
        assert_ne!(name_hash(b""), name_hash(b"\0\0\0\0\0\0\0\0"));
        let names = [
            "",
            "conv1.weight",
            "conv1.bias",
            "conv2.weight",
            "layers.0.attn.q_proj.weight",
            "layers.1.attn.q_proj.weight",
            "12345678",
            "123456789",
        ];
        let seeds: HashSet<u64> = names
            .iter()
            .map(|n| derive_seed_name(7, n.as_bytes()))
            .collect();
        assert_eq!(seeds.len(), names.len());
        assert_ne!(derive_seed_name(7, b"a"), derive_seed_name(8, b"a"));
    }
}
