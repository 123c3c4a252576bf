//! A digest of a file's bytes that pieces of the file add up to, to notice the same file
//! twice however it was cut (chunks, byte ranges read by other processes).

/// One line's share of the digest (the line without its newline).
pub(crate) fn line_digest(line: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    h.write(line);
    // FxHash alone leaves nearby lines with nearby hashes; a sum needs them spread.
    let mut z = h.finish() ^ line.len() as u64;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A digest of a file's bytes, line by line: the sum of a hash of each line. A sum, so that
/// the digest of a file is the digest of its chunks (or byte ranges, read by other processes)
/// added together, however it was cut. Two files with the same lines in another order share
/// it; with the byte count and the format beside it, that is the only way to be taken for a
/// copy, and such files hold the same records anyway.
pub(crate) fn content_digest(data: &[u8]) -> u64 {
    let mut sum = 0u64;
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', data) {
        sum = sum.wrapping_add(line_digest(&data[start..end]));
        start = end + 1;
    }
    if start < data.len() {
        sum = sum.wrapping_add(line_digest(&data[start..]));
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_cut_at_line_ends_add_up_to_the_whole() {
        let text = b"a 1\nb 22\n\nccc 333\nlast without newline";
        let whole = content_digest(text);
        for cut in [4, 9, 10, 18] {
            let (a, b) = text.split_at(cut);
            assert_eq!(
                content_digest(a).wrapping_add(content_digest(b)),
                whole,
                "{cut}"
            );
        }
        assert_ne!(
            content_digest(b"a 1\nb 22\n"),
            content_digest(b"a 1\nb 23\n")
        );
    }
}
