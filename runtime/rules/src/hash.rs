//! One hash, FNV-1a, for everything that must hash the same on every platform and release:
//! the suffixes that keep long or colliding names apart, and the fingerprints that tie a
//! cursor to its query.

/// The 64-bit FNV-1a hash of `bytes`.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// 6 hex digits of the hash of `text`: the suffix of a shortened or disambiguated name.
pub fn short_hash(text: &str) -> String {
    format!("{:06x}", fnv1a(text.as_bytes()) & 0x00ff_ffff)
}

/// 16 hex digits of the hash of `text`: a fingerprint.
pub fn fingerprint(text: &str) -> String {
    format!("{:016x}", fnv1a(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_fnv1a() {
        // The published FNV-1a test vectors.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fingerprint("a"), "af63dc4c8601ec8c");
        assert_eq!(short_hash("a"), "01ec8c");
    }
}
