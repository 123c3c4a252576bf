//! The guard for optimisations: the draft of a generated log set (one day, one incident; nginx,
//! syslog and JSON lines in one set, the load-balancer, container and logfmt shapes in another)
//! must stay byte for byte what it was. A speed-up that changes a number fails here; a
//! deliberate change of output updates the stored digest (the test prints the new one) and the
//! readable snapshot beside it.

use postmortem::time::MICROS_PER_MIN;
use postmortem_scenario::bulk;

/// FNV-1a, 64 bits: simple, stable across platforms and crate versions.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The digest of `draft --json` (tool version and temp paths left out) over the set below.
const STORED_DIGEST: &str = "cd462628922c37a4";

/// The same guard over the load-balancer, container, logfmt and Caddy shapes, each its own folder
/// (one draft over all seven, so each source is also judged on its own).
const STORED_DIGEST_PROXIES: &str = "c4c5a548d8ab8344";

#[test]
fn draft_of_generated_logs_is_unchanged() {
    let set = [
        ("nginx", 24u64 << 20),
        ("syslog", 6 << 20),
        ("json", 6 << 20),
    ];
    let summary = draft_digest(&set, STORED_DIGEST);
    insta::assert_json_snapshot!(summary);
}

#[test]
fn draft_of_generated_proxy_and_container_logs_is_unchanged() {
    let set = [
        "haproxy", "logfmt", "w3c", "docker", "cri", "alb", "envoy", "caddy",
    ]
    .map(|f| {
        // Caddy's lines are long: twice the bytes keep a line in every night minute.
        (f, if f == "caddy" { 4u64 << 20 } else { 2 << 20 })
    });
    let summary = draft_digest(&set, STORED_DIGEST_PROXIES);
    insta::assert_json_snapshot!(summary);
}

/// Writes `set`, drafts it at two chunk sizes, and checks the digest against `stored`;
/// returns a readable summary for the snapshot beside the digest.
fn draft_digest(set: &[(&str, u64)], stored: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let start = bulk::day_start() + (8 * 60 + 15) * MICROS_PER_MIN;
    for &(format, size) in set {
        bulk::write(&dir.path().join(format), format, size, start, 195).unwrap();
    }
    // Small chunks too: the digest must not depend on how the files were cut.
    let mut digests = Vec::new();
    let mut last = serde_json::Value::Null;
    for chunk in [postmortem::read::DEFAULT_CHUNK_SIZE, 300_000] {
        let config = postmortem::Config::new(vec![dir.path().to_path_buf()]).with_chunk_size(chunk);
        let (draft, _) = postmortem::draft(&config).unwrap();
        let mut json: serde_json::Value =
            serde_json::from_str(&postmortem::render::json(&draft)).unwrap();
        json["tool"]["version"] = serde_json::Value::Null;
        let text = serde_json::to_string(&json).unwrap();
        digests.push(format!("{:016x}", fnv1a(text.as_bytes())));
        last = json;
    }
    assert_eq!(digests[0], digests[1], "output depends on the chunk size");
    let i = &last["incidents"][0];
    let summary = serde_json::json!({
        "incidents": last["incidents"].as_array().map(Vec::len),
        "start": i["start"],
        "detected": i["detected"],
        "detection_method": i["detection_method"],
        "recovered": i["recovered"],
        "impact": i["impact"],
        "latency": i["latency"],
        "bins": last["series"].as_array().map(Vec::len),
        "inputs": last["inputs"].as_array().unwrap().iter().map(|f| (f["file"].clone(), f["lines_read"].clone(), f["lines_parsed"].clone())).collect::<Vec<_>>(),
    });
    assert_eq!(
        digests[0], stored,
        "the draft of the generated set changed; if on purpose, store the new digest"
    );
    summary
}
