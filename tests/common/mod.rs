//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod hour;

use std::path::PathBuf;

/// `../shared/data` beside the project. A test that needs it is ignored (with the reason) where it was
/// absent when the tests were built (see `build.rs`), so reaching here without it fails: under
/// `CI=true`, or when it went away since.
pub fn shared_data() -> PathBuf {
    match shared_data_if_present() {
        Some(dir) => dir,
        None => panic!(
            "../shared/data is absent: the real-sample cases need it (under CI=true it must be there; elsewhere `touch build.rs` to have these tests ignored)"
        ),
    }
}

/// `../shared/data` beside the project, if it is there: for a test that reads it as well as
/// what it always has.
pub fn shared_data_if_present() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    dir.is_dir().then_some(dir)
}

/// `postmortem draft DIR ARGS…` run by the real binary, its whole output.
pub fn draft_output(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    assert_cmd::Command::cargo_bin("postmortem")
        .expect("binary built")
        .arg("draft")
        .arg(dir)
        .args(args)
        .output()
        .expect("runs")
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

/// A generated folder of many hosts, as an on-call engineer copies them: every labelled
/// scenario in a `site-NN/` of its own (access logs, error logs, syslog with and without years,
/// alerts, zones), a rotated piece that overlaps the live log, a backup holding a log's first
/// lines, a gzip copy of a log, and one large load-balancer log (`lb/access.log`, about
/// `lb_bytes`) for byte ranges.
pub fn multi_host_folder(dir: &std::path::Path, lb_bytes: u64) {
    use postmortem_scenario::{bulk, labelled};
    for (n, l) in labelled::all().into_iter().enumerate() {
        l.write(&dir.join(format!("site-{n:02}")))
            .expect("scenario written");
    }
    let files: Vec<PathBuf> = walk(dir);
    let named = |name: &str| {
        files
            .iter()
            .find(|p| p.file_name().is_some_and(|n| n == name))
    };
    // A rotated piece copied while logrotate ran: its lines overlap the live file's.
    if let Some(live) = named("access.log") {
        let text = std::fs::read(live).expect("readable");
        let lines: Vec<&[u8]> = text.split_inclusive(|b| *b == b'\n').collect();
        let older: Vec<u8> = lines[..lines.len() * 3 / 5].concat();
        std::fs::write(live.with_file_name("access.log.1"), older).expect("written");
    }
    // A backup of a syslog's first lines, in another folder.
    if let Some(syslog) = named("syslog") {
        let text = std::fs::read(syslog).expect("readable");
        let head: Vec<u8> = text
            .split_inclusive(|b| *b == b'\n')
            .take(200)
            .flatten()
            .copied()
            .collect();
        std::fs::create_dir_all(dir.join("backup")).expect("folder");
        std::fs::write(dir.join("backup/syslog"), head).expect("written");
    }
    // The same bytes again, compressed, in another folder.
    if let Some(error_log) = named("error.log") {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&std::fs::read(error_log).expect("readable"))
            .expect("compressed");
        std::fs::create_dir_all(dir.join("copy")).expect("folder");
        std::fs::write(
            dir.join("copy/error.log.gz"),
            gz.finish().expect("compressed"),
        )
        .expect("written");
    }
    let start = bulk::day_start() + 9 * 3600 * 1_000_000;
    bulk::write(&dir.join("lb"), "nginx", lb_bytes, start, 25).expect("bulk log written");
}

/// Every file under `dir`, sorted.
pub fn walk(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("readable folder").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// A line and its one-byte mutations: each byte replaced by each of `bytes`, and each byte
/// deleted, at every position (for holding a fast parser to a general one).
pub fn one_byte_mutations(line: &[u8], bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut variants = vec![line.to_vec()];
    for i in 0..line.len() {
        for &b in bytes {
            let mut v = line.to_vec();
            v[i] = b;
            variants.push(v);
        }
        let mut v = line.to_vec();
        v.remove(i);
        variants.push(v);
    }
    variants
}

/// `bytes` as one gzip member (what `gzip -6` writes, by the same deflate).
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(bytes).expect("in memory");
    gz.finish().expect("in memory")
}
