//! Lines held twice across files (rotation overlaps, partial copies), as the chunk worker
//! sees them: hashed on the side that keeps them, dropped on the other.

use crate::time::Micros;

/// Lines that two pieces of a rotation family both hold are counted once: the older piece's
/// lines in the overlapping time are hashed (`Collect`), and the newer piece drops the lines
/// whose hash it finds there (`Drop`).
#[derive(Debug)]
pub enum Overlap {
    /// The older piece: hash the lines in `from..=to`.
    Collect {
        /// Start of the overlap.
        from: Micros,
        /// End of the overlap.
        to: Micros,
    },
    /// The newer piece: drop lines up to `until` whose hash the older piece holds.
    Drop {
        /// The older piece's line hashes.
        hashes: rustc_hash::FxHashSet<u64>,
        /// Where the overlap ends.
        until: Micros,
    },
}

/// The hash of a line, for overlaps.
pub fn line_hash(line: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    h.write(line);
    h.finish()
}
