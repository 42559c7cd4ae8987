//! The crate's own hashes, in one place: FNV-1a where a hash must be the
//! same across builds and runs (std's hasher is seeded per process), and
//! Fibonacci hashing for the first slot of an open-addressing table.

use std::hash::Hasher;

/// FNV-1a, 64 bits, fed in pieces.
#[derive(Debug, Clone, Copy)]
pub struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv1a {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// FNV-1a of `bytes`.
#[inline]
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h = Fnv1a::default();
    h.write(bytes);
    h.finish()
}

/// The first slot of `key` in a table of `2^(32 - shift)` slots: the top
/// bits of the key times the golden ratio, which spreads nearby keys apart.
#[inline]
pub fn fib_slot(key: u32, shift: u32) -> usize {
    (key.wrapping_mul(0x9E37_79B1) >> shift) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_gives_the_published_values_whole_or_in_pieces() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
        let mut h = Fnv1a::default();
        h.write(b"foo");
        h.write(b"bar");
        assert_eq!(h.finish(), fnv1a(b"foobar"));
    }

    #[test]
    fn fib_slot_stays_in_the_table() {
        for key in [0, 1, 2, 1023, u32::MAX] {
            assert!(fib_slot(key, 22) < 1024);
            assert!(fib_slot(key, 26) < 64);
        }
        assert_ne!(fib_slot(1, 22), fib_slot(2, 22));
    }
}
