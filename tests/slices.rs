//! Time slices and rotated pieces of one stream are one source: one series, one baseline, one
//! incident where an outage crosses the cut. Decided by the times the files hold, not by their
//! names alone: two hosts' `web1.log` and `web2.log` of the same hours stay two sources.

use std::fmt::Write as _;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

/// An nginx access line at `minute` past 2023-09-10 23:00 UTC (second `s` of it).
fn access_line(minute: u32, s: u32, status: u16) -> String {
    let (day, hour, min) = match minute {
        m if m < 60 => (10, 23, m),
        m => (11, (m - 60) / 60, (m - 60) % 60),
    };
    format!(
        "203.0.113.{} - - [{day}/Sep/2023:{hour:02}:{min:02}:{s:02} +0000] \"GET /api/items HTTP/1.1\" {status} 512 \"-\" \"curl/8.1\"\n",
        1 + s % 200
    )
}

/// Sixty requests a minute over `minutes`; half fail in `[fail_from, fail_to)`.
fn access_log(minutes: std::ops::Range<u32>, fail: std::ops::Range<u32>) -> String {
    let mut out = String::new();
    for m in minutes {
        for s in 0..60 {
            let status = if fail.contains(&m) && s % 2 == 0 {
                503
            } else {
                200
            };
            out.push_str(&access_line(m, s, status));
        }
    }
    out
}

fn run(args: &[&str], dir: &Path) -> Value {
    let out = Command::cargo_bin("postmortem")
        .expect("binary built")
        .args(args)
        .arg(dir)
        .output()
        .expect("ran");
    assert!(out.status.code().is_some_and(|c| c <= 1), "{out:?}");
    serde_json::from_slice(&out.stdout).expect("JSON")
}

fn showed(incident: &Value) -> Vec<String> {
    incident["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .filter(|s| s["showed_incident"] == true)
        .map(|s| s["file"].as_str().expect("a name").to_string())
        .collect()
}

#[test]
fn an_outage_across_midnight_in_daily_files_is_one_incident_of_one_source() {
    let dir = tempfile::tempdir().expect("temporary folder");
    // 23:00-24:00 in the first day's file, 00:00-01:00 in the next; failing 23:50-00:10.
    std::fs::write(
        dir.path().join("access-2023-09-10.log"),
        access_log(0..60, 50..70),
    )
    .expect("written");
    std::fs::write(
        dir.path().join("access-2023-09-11.log"),
        access_log(60..120, 50..70),
    )
    .expect("written");
    let json = run(&["draft", "--json"], dir.path());
    let incidents = json["incidents"].as_array().expect("incidents");
    assert_eq!(incidents.len(), 1, "{json:#}");
    assert_eq!(incidents[0]["start"], "2023-09-10T23:50:00Z");
    assert_eq!(incidents[0]["recovered"], "2023-09-11T00:10:00Z");
    assert_eq!(showed(&incidents[0]), ["access-*-*-*.log"]);
    let scan = run(&["scan", "--json"], dir.path());
    let positions: Vec<(String, u64)> = scan["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .map(|i| {
            let r = &i["rotation"];
            (
                r["family"].as_str().unwrap_or("none").to_string(),
                r["position"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        positions,
        [
            ("access-*-*-*.log".to_string(), 1),
            ("access-*-*-*.log".to_string(), 2)
        ]
    );
}

#[test]
fn two_hosts_logs_of_the_same_hours_stay_two_sources() {
    let dir = tempfile::tempdir().expect("temporary folder");
    std::fs::write(dir.path().join("web1.log"), access_log(0..120, 0..0)).expect("written");
    std::fs::write(dir.path().join("web2.log"), access_log(0..120, 50..70)).expect("written");
    let json = run(&["draft", "--json"], dir.path());
    let incidents = json["incidents"].as_array().expect("incidents");
    assert_eq!(incidents.len(), 1, "{json:#}");
    assert_eq!(showed(&incidents[0]), ["web2.log"]);
    let names: Vec<&str> = incidents[0]["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .map(|s| s["file"].as_str().expect("a name"))
        .collect();
    assert_eq!(names, ["web1.log", "web2.log"]);
}

#[test]
fn slices_that_hold_the_same_lines_count_them_once() {
    let dir = tempfile::tempdir().expect("temporary folder");
    // Minute files cut with a ten-second overlap, as an exporter writes them.
    let all = access_log(0..3, 0..0);
    let lines: Vec<&str> = all.lines().collect();
    for (n, range) in [(1, 0..70), (2, 60..130), (3, 120..180)] {
        let mut text = String::new();
        for line in &lines[range] {
            let _ = writeln!(text, "{line}");
        }
        std::fs::write(dir.path().join(format!("23_0{n}_access.log")), text).expect("written");
    }
    let scan = run(&["scan", "--json"], dir.path());
    let repeated: u64 = scan["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .map(|i| {
            i["rotation"]["lines_repeated"]
                .as_u64()
                .expect("a rotation")
        })
        .sum();
    assert_eq!(repeated, 20);
}

#[test]
fn the_kubelets_rotated_pieces_join_the_live_log() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let cri = |minutes: std::ops::Range<u32>| {
        let mut out = String::new();
        for m in minutes {
            let _ = writeln!(
                out,
                "2023-09-10T23:{m:02}:00.000000000Z stdout F {{\"time\":\"2023-09-10T23:{m:02}:00Z\",\"level\":\"info\",\"msg\":\"served\"}}"
            );
        }
        out
    };
    let piece = dir.path().join("0.log.20230910-233000");
    std::fs::write(&piece, cri(0..30)).expect("written");
    let status = std::process::Command::new("gzip")
        .arg(&piece)
        .status()
        .expect("gzip runs");
    assert!(status.success());
    std::fs::write(dir.path().join("0.log"), cri(30..60)).expect("written");
    let scan = run(&["scan", "--json"], dir.path());
    let families: Vec<(&str, &str, u64)> = scan["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .map(|i| {
            (
                i["file"].as_str().expect("a file"),
                i["rotation"]["family"].as_str().expect("a family"),
                i["rotation"]["position"].as_u64().expect("a position"),
            )
        })
        .collect();
    assert_eq!(
        families,
        [
            ("0.log", "0.log", 2),
            ("0.log.20230910-233000.gz", "0.log", 1)
        ]
    );
}
