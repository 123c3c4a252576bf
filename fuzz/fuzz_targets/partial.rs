#![no_main]
//! Partial summaries read as `merge` reads them, as if anyone wrote them. The input is either
//! a whole partial file (its header, checksum and zstd layer included), or, when it starts
//! with `B`, the packed body alone: wrapped here in a valid frame, header and checksum for a
//! plan of the bundled sample, so that mutations of a real body (seeded from one, see the
//! README) reach the deserializer and the checks of what no reader could have written.
//! Refusals are fine; a panic, a hang or memory past the fuzzer's limit is not.
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use postmortem::pipeline::distributed::gather;
use postmortem::pipeline::wire::{PlanDoc, decode_partial};

static DOC: LazyLock<PlanDoc> = LazyLock::new(|| {
    let logs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../sample-logs");
    let config = postmortem::Config::new(vec![logs]);
    let plan = postmortem::pipeline::plan::make(&config, None).expect("the sample plans");
    PlanDoc::new(&plan, &config)
});

/// A partial's bytes around `body`: magic, version, plan id, checksum, length.
fn framed(body: &[u8], id: &str) -> Vec<u8> {
    let packed = zstd::encode_all(body, 1).unwrap_or_default();
    let mut out = b"PMPARTIAL\0".to_vec();
    out.extend_from_slice(&postmortem::pipeline::wire::PARTIAL_VERSION.to_le_bytes());
    let mut slot = [b'0'; 16];
    for (s, b) in slot.iter_mut().zip(id.bytes()) {
        *s = b;
    }
    out.extend_from_slice(&slot);
    out.extend_from_slice(&crc32fast::hash(&packed).to_le_bytes());
    out.extend_from_slice(&(packed.len() as u64).to_le_bytes());
    out.extend_from_slice(&packed);
    out
}

fuzz_target!(|data: &[u8]| {
    let doc = &*DOC;
    let bytes = match data.split_first() {
        Some((b'B', body)) => framed(body, &doc.id),
        _ => data.to_vec(),
    };
    if let Ok(outputs) = decode_partial(&bytes, "fuzz.part", &doc.id) {
        let _ = gather(doc, vec![("fuzz.part".to_string(), outputs)]);
    }
});
