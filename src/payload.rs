//! The bytes the demo clients send: reproducible per connection and
//! message, so the echo (or the echoed body) can be checked byte for byte.

/// Fills `buf` with message `seq` of connection `id`: bytes from a
/// generator (splitmix64) seeded by both, so any other message's bytes,
/// shifted bytes or a changed byte do not match.
pub fn fill(buf: &mut [u8], id: u64, seq: u64) {
    let mut state = id.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ seq.rotate_left(32);
    for chunk in buf.chunks_mut(8) {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        chunk.copy_from_slice(&z.to_le_bytes()[..chunk.len()]);
    }
}
