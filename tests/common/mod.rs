//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// `../shared/data` beside the project, or `None` (with a printed reason) when absent;
/// under `CI=true` its absence fails the test.
pub fn shared_data() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    if dir.is_dir() {
        Some(dir)
    } else if std::env::var_os("CI").is_some_and(|v| v == "true") {
        // Under CI a missing sample folder is a broken set-up, never a silent pass.
        panic!(
            "{} is absent under CI=true: the conformance cases need it",
            dir.display()
        );
    } else {
        eprintln!(
            "skipped: {} is absent (the real-sample conformance cases live there)",
            dir.display()
        );
        None
    }
}

pub fn sample_logs() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-logs/auth-outage")
}

/// Every line of a file, as bytes, without line ends.
pub fn lines_of(path: &std::path::Path) -> Vec<Vec<u8>> {
    let data = std::fs::read(path).expect("readable sample");
    data.split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l).to_vec())
        .filter(|l| !l.is_empty())
        .collect()
}

/// (requests or records, errors) summed over a JSON draft's series.
pub fn series_totals(draft: &serde_json::Value) -> (u64, u64) {
    let points = draft["series"].as_array().expect("a series");
    points.iter().fold((0, 0), |(t, e), p| {
        (
            t + p["total"].as_u64().expect("a count"),
            e + p["errors"].as_u64().expect("a count"),
        )
    })
}
