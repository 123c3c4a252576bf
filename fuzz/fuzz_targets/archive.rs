#![no_main]
//! The archive reader: any bytes as a tar listing (headers, long names, PAX records, links,
//! truncation), and through each decompressor picked by magic bytes. Never a panic or a
//! hang; a listing's members lie inside what was read.
use std::io::Read;

use libfuzzer_sys::fuzz_target;
use postmortem::read::{Compression, decode_stream, tar};

fuzz_target!(|data: &[u8]| {
    let stream = Box::new(std::io::Cursor::new(data.to_vec()));
    if let Ok(listing) = tar::list(stream, Compression::None) {
        for m in &listing.members {
            assert!(m.offset <= data.len() as u64, "a member starts past the end");
        }
    }
    if let Ok((_, mut decoded, _, _)) = decode_stream(Box::new(std::io::Cursor::new(data.to_vec()))) {
        // Bounded: a decompression bomb is read in part, not whole.
        let mut out = Vec::new();
        let _ = (&mut decoded).take(16 << 20).read_to_end(&mut out);
    }
});
