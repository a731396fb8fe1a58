//! A small per-thread pseudo-random generator for `select!`'s start branch
//! (it need not be good, only cheap and different from poll to poll).
//!
//! xorshift64* (Marsaglia's xorshift with Vigna's multiplier), seeded per
//! thread from std's randomly keyed hasher, so threads and processes do
//! not share a sequence.

use std::cell::Cell;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

std::thread_local! {
    /// The generator's state; 0 until first use (xorshift never yields 0).
    static STATE: Cell<u64> = const { Cell::new(0) };
}

fn seed() -> u64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(0x9E37_79B9_7F4A_7C15);
    hasher.finish() | 1
}

/// A pseudo-random number in `0..n`; 0 if `n` is 0.
pub fn random_below(n: usize) -> usize {
    let x = STATE
        .try_with(|state| {
            let mut x = state.get();
            if x == 0 {
                x = seed();
            }
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            state.set(x);
            x.wrapping_mul(0x2545_F491_4F6C_DD1D)
        })
        // During thread teardown: any start is correct, only less fair.
        .unwrap_or(0);
    // The high 32 bits scaled into 0..n (multiply-shift, no division);
    // `n` is at most a select's branch count, far below 2^32.
    (((x >> 32) * n as u64) >> 32) as usize
}

#[cfg(test)]
mod tests {
    use super::random_below;

    #[test]
    fn in_range_and_spread() {
        let mut seen = [0usize; 4];
        for _ in 0..4_000 {
            seen[random_below(4)] += 1;
        }
        // Each of 4 values expected 1,000 times.
        assert!(seen.iter().all(|&n| n > 500), "{seen:?}");
        assert_eq!(random_below(0), 0);
        assert_eq!(random_below(1), 0);
    }
}
