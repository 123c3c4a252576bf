//! An hour of traffic, written by each test in its format, and the checks every request
//! format must pass on it: 3,600 requests of which 180 are 5xx, and in every minute 54
//! requests of 30 ms, 3 of 250 ms and 3 of 1.2 s, so every bin's p95 is 250 ms. The counts
//! must be exact; p95 within the latency sketch's stated 4 % (`src/aggregate/latency.rs`).

use assert_cmd::Command;
use serde_json::Value;

/// One request of the hour: its second, status and duration in seconds.
#[derive(Debug, Clone, Copy)]
pub struct Req {
    pub second: u32,
    pub status: u16,
    pub seconds: f64,
    /// 08:MM:SS of 2023-09-10.
    pub minute: u32,
    pub sec: u32,
}

pub fn hour() -> Vec<Req> {
    (0..3600u32)
        .map(|s| {
            let in_minute = s % 60;
            let seconds = match in_minute {
                0..=53 => 0.030,
                54..=56 => 0.250,
                _ => 1.2,
            };
            Req {
                second: s,
                status: if s % 20 == 7 { 503 } else { 200 },
                seconds,
                minute: s / 60,
                sec: s % 60,
            }
        })
        .collect()
}

pub fn draft_json(dir: &std::path::Path, args: &[&str]) -> Value {
    let out = Command::cargo_bin("postmortem")
        .expect("binary")
        .args(["draft", "--json"])
        .args(args)
        .arg(dir)
        .output()
        .expect("runs");
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

/// Writes the hour with `line` (plus `header` first) as `name`, drafts it, and checks format,
/// lines, requests, errors and every bin's p95.
pub fn check_hour(name: &str, format: &str, header: &str, line: impl Fn(&Req) -> String) {
    let mut text = header.to_string();
    for r in hour() {
        text.push_str(&line(&r));
        text.push('\n');
    }
    check_text(name, format, &text);
}

/// Drafts `text` (the hour in some format) as `name` and checks format, lines, requests,
/// errors and every bin's p95.
pub fn check_text(name: &str, format: &str, text: &str) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), text).unwrap();
    let draft = draft_json(dir.path(), &[]);
    // Cut into 4 KiB chunks read in parallel, the file must read the same (state such as
    // W3C's columns crosses chunk boundaries).
    assert_eq!(
        draft_json(dir.path(), &["--chunk-size", "4096"]),
        draft,
        "{format}: the draft depends on the chunk size"
    );
    let input = &draft["inputs"][0];
    assert_eq!(input["format"], format, "{input:#}");
    assert_eq!(input["lines_skipped"], 0, "{input:#}");
    let points = draft["series"].as_array().expect("a series");
    assert_eq!(
        super::series_totals(&draft),
        (3600, 180),
        "requests and 5xx of {format}"
    );
    assert_eq!(points.len(), 60, "one bin a minute");
    for p in points {
        let p95 = p["p95_ms"]
            .as_f64()
            .unwrap_or_else(|| panic!("no p95 in {p}"));
        assert!(
            (p95 - 250.0).abs() / 250.0 < 0.04,
            "{format}: p95 {p95} ms in {p}"
        );
    }
    assert!(
        draft["signal"].as_str().unwrap_or("").contains("request"),
        "{format}: lines are requests: {}",
        draft["signal"]
    );
}

/// nginx's combined line with `rt=$request_time urt="$upstream_response_time"` appended, for a
/// request of the hour.
pub fn nginx_timed_line(r: &Req) -> String {
    format!(
        "198.51.100.{} - - [10/Sep/2023:08:{:02}:{:02} +0000] \"GET /api/v1/items?page=2 HTTP/1.1\" {} 512 \"-\" \"Go-http-client/1.1\" rt={:.3} urt=\"{:.3}\"",
        r.second % 200,
        r.minute,
        r.sec,
        r.status,
        r.seconds,
        r.seconds - 0.002
    )
}
