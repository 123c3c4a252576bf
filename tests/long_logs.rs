//! A host's syslog kept for eight months, as `/var/log/messages` is: a quiet background with
//! two out-of-memory storms months apart. Each storm is its own incident, bounded by the
//! storm; the kernel's thousands of kills are one summarised row each, not thousands of
//! actions; rows of an incident that runs over midnight carry their dates; no effect says
//! "rose" beside two equal figures.

use std::fmt::Write as _;

use assert_cmd::Command;
use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde_json::Value;

/// A small deterministic generator (64-bit LCG): the same file every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    /// Seconds until the next line, around `mean`.
    fn gap(&mut self, mean: i64) -> Duration {
        Duration::seconds(1 + (self.next() as i64 % (2 * mean)))
    }
}

fn at(y: i32, m: u32, d: u32, h: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|d| d.and_hms_opt(h, 0, 0))
        .expect("a date")
}

/// A storm's first and last hour: year, month, day, hour.
type Hour = (i32, u32, u32, u32);

const STORMS: [(Hour, Hour); 2] = [
    // 30 hours, over midnight.
    ((2025, 11, 15, 10), (2025, 11, 16, 16)),
    ((2026, 1, 20, 14), (2026, 1, 20, 18)),
];

/// The file, and how many OOM kills each storm holds.
fn messages() -> (String, Vec<usize>) {
    let mut rng = Lcg(7);
    let mut lines: Vec<(NaiveDateTime, String)> = Vec::new();
    let mut t = at(2025, 6, 1, 0);
    while t < at(2026, 2, 9, 0) {
        t += rng.gap(240);
        let text = match rng.next() % 4 {
            0 => format!(
                "CROND[{}]: (root) CMD (/usr/lib64/sa/sa1 1 1)",
                1000 + rng.next() % 9000
            ),
            1 => format!(
                "systemd[1]: Started Session {} of user root.",
                rng.next() % 9999
            ),
            2 => format!("httpd[{}]: GET /index.html 200", 1000 + rng.next() % 9000),
            _ => format!(
                "sshd[{}]: Accepted publickey for deploy from 10.0.0.5 port {} ssh2",
                1000 + rng.next() % 9000,
                30000 + rng.next() % 30000
            ),
        };
        lines.push((t, text));
    }
    let mut kills = Vec::new();
    for ((y0, m0, d0, h0), (y1, m1, d1, h1)) in STORMS {
        let (mut t, end) = (at(y0, m0, d0, h0), at(y1, m1, d1, h1));
        let mut n = 0;
        while t < end {
            t += rng.gap(40);
            let pid = 2000 + rng.next() % 28000;
            lines.push((
                t,
                format!("kernel: Out of memory: Killed process {pid} (httpd) total-vm:512000kB, anon-rss:40960kB, file-rss:0kB, shmem-rss:0kB"),
            ));
            n += 1;
        }
        kills.push(n);
    }
    lines.sort();
    let mut text = String::new();
    for (t, line) in lines {
        let _ = writeln!(text, "{} web-7 {line}", t.format("%b %e %H:%M:%S"));
    }
    (text, kills)
}

fn draft(dir: &std::path::Path, json: bool) -> Vec<u8> {
    let mut cmd = Command::cargo_bin("postmortem").expect("binary built");
    cmd.args(["draft", "--year", "2025"]);
    if json {
        cmd.arg("--json");
    }
    let out = cmd.arg(dir).env("NO_COLOR", "1").output().expect("ran");
    assert!(out.status.code().is_some_and(|c| c <= 1), "{out:?}");
    out.stdout
}

fn seconds(v: &Value) -> i64 {
    chrono::DateTime::parse_from_rfc3339(v.as_str().expect("a time"))
        .expect("RFC 3339")
        .timestamp()
}

#[test]
fn eight_months_of_syslog_with_two_oom_storms_make_two_incidents_each_summarised() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let (text, kills) = messages();
    std::fs::write(dir.path().join("messages"), text).expect("written");
    let json: Value = serde_json::from_slice(&draft(dir.path(), true)).expect("JSON");
    let incidents = json["incidents"].as_array().expect("incidents");
    assert_eq!(incidents.len(), 2, "{json:#}");
    for (i, (storm, n)) in incidents.iter().zip(STORMS.iter().zip(&kills)) {
        let ((y0, m0, d0, h0), (y1, m1, d1, h1)) = *storm;
        let (from, to) = (at(y0, m0, d0, h0).and_utc(), at(y1, m1, d1, h1).and_utc());
        assert!(
            (seconds(&i["start"]) - from.timestamp()).abs() <= 600,
            "{i:#}"
        );
        assert!(
            (seconds(&i["recovered"]) - to.timestamp()).abs() <= 900,
            "{i:#}"
        );
        let timeline = i["timeline"].as_array().expect("timeline");
        let kill_rows: Vec<&Value> = timeline
            .iter()
            .filter(|t| t["action"] == "oom_kill")
            .collect();
        assert_eq!(kill_rows.len(), 1, "{kill_rows:#?}");
        assert_eq!(kill_rows[0]["kind"], "evidence");
        assert_eq!(kill_rows[0]["repeats"]["count"], *n as u64);
        assert!(
            kill_rows[0]["text"]
                .as_str()
                .expect("text")
                .starts_with(&format!("{n} OOM kills of httpd over ")),
            "{:#}",
            kill_rows[0]
        );
        assert!(
            timeline.iter().all(|t| t["kind"] != "action"),
            "{timeline:#?}"
        );
    }
    let md = String::from_utf8(draft(dir.path(), false)).expect("UTF-8");
    // The first storm runs over midnight: its rows carry their dates; the second does not.
    assert!(md.contains("| 2025-11-16 "), "{md}");
    assert!(md.contains("longer than a day"), "{md}");
    assert!(md.contains("| 14:"), "{md}");
    for cap in md.split("rose (").skip(1).chain(md.split("fell (").skip(1)) {
        let figures: Vec<&str> = cap
            .split(')')
            .next()
            .expect("a figure")
            .split(" → ")
            .collect();
        assert_ne!(figures.first(), figures.get(1), "{cap}");
    }
}
