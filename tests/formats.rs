//! Formats read through the whole pipeline from files on disk: detection by content, the zone
//! given, and the actions they yield.

mod common;

use postmortem::aggregate::{ActionKind, EventBody};
use postmortem::parse::Format;
use postmortem::time::format_utc;

#[test]
fn package_logs_become_actions_in_the_given_zone() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("dpkg.log"),
        "2023-09-10 10:14:05 startup archives unpack\n\
         2023-09-10 10:14:05 upgrade nginx:amd64 1.18.0-6 1.18.0-6.1\n\
         2023-09-10 10:14:06 status half-configured nginx:amd64 1.18.0-6.1\n\
         2023-09-10 10:14:06 status installed nginx:amd64 1.18.0-6.1\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("history.log"),
        "\nStart-Date: 2023-09-10  10:14:04\nCommandline: apt-get install --only-upgrade nginx\nRequested-By: alice (1000)\nUpgrade: nginx:amd64 (1.18.0-6, 1.18.0-6.1)\nEnd-Date: 2023-09-10  10:14:07\n",
    )
    .unwrap();
    let config = postmortem::Config::new(vec![dir.path().to_path_buf()])
        .with_zone("Europe/Berlin")
        .unwrap();
    let analysis = postmortem::pipeline::analyse(&config).unwrap();
    let formats: Vec<Format> = analysis.files.iter().map(|f| f.detection.format).collect();
    assert_eq!(formats, vec![Format::Dpkg, Format::AptHistory]);
    for f in &analysis.files {
        assert_eq!(
            f.summary.skipped, 0,
            "{}: {:?}",
            f.display, f.summary.skipped_examples
        );
        assert_eq!(f.zone.as_deref(), Some("Europe/Berlin"));
    }
    let actions: Vec<(String, ActionKind, Option<String>, String)> = analysis
        .events()
        .iter()
        .filter_map(|e| match &e.body {
            EventBody::Action(a) => {
                Some((format_utc(e.time), a.kind, a.actor.clone(), a.text.clone()))
            }
            EventBody::Alert(_) => None,
        })
        .collect();
    assert_eq!(
        actions,
        vec![
            (
                "2023-09-10T08:14:04Z".into(),
                ActionKind::Deploy,
                Some("alice".into()),
                "apt: apt-get install --only-upgrade nginx".into()
            ),
            (
                "2023-09-10T08:14:05Z".into(),
                ActionKind::Deploy,
                None,
                "dpkg upgrade nginx:amd64 1.18.0-6 → 1.18.0-6.1".into()
            ),
        ]
    );
}

#[test]
fn mixed_alert_sources_detection_and_escalation() {
    // The sample plus an Opsgenie alert created before Alertmanager's: Opsgenie detects it,
    // PagerDuty's acknowledgements land under escalation.
    let dir = tempfile::tempdir().unwrap();
    postmortem_scenario::auth_outage::scenario()
        .write(dir.path())
        .unwrap();
    std::fs::write(
        dir.path().join("alerts/opsgenie.json"),
        r#"{"action":"Create","alert":{"alertId":"og-1","message":"Auth errors above 5%","createdAt":1694333720000,"updatedAt":1694333720000000000,"username":"prometheus","entity":"authd"},"source":{"name":"prometheus","type":"API"}}"#,
    )
    .unwrap();
    let config = postmortem::Config::new(vec![dir.path().to_path_buf()]);
    let (draft, analysis) = postmortem::draft(&config).unwrap();
    let formats: Vec<Format> = analysis.files.iter().map(|f| f.detection.format).collect();
    assert!(
        formats.contains(&Format::Opsgenie)
            && formats.contains(&Format::PagerDuty)
            && formats.contains(&Format::Alertmanager)
    );
    let i = &draft.incidents[0];
    assert_eq!(i.detected, "2023-09-10T08:15:20Z");
    assert!(
        i.detection_detail.contains("Opsgenie"),
        "{}",
        i.detection_detail
    );
    let escalations: Vec<&str> = i
        .timeline
        .iter()
        .filter(|t| t.kind == postmortem::timeline::ItemKind::Escalation)
        .map(|t| t.text.as_str())
        .collect();
    assert!(
        escalations
            .iter()
            .any(|t| t.contains("acknowledged by Alice Chen") && t.contains("PagerDuty")),
        "{escalations:?}"
    );
}

#[test]
fn every_compression_is_read_by_its_magic_bytes_including_concatenated_members() {
    use std::io::Write;
    let text = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-logs/auth-outage/syslog"),
    )
    .unwrap();
    let cut = text[..text.len() / 2]
        .iter()
        .rposition(|&b| b == b'\n')
        .unwrap()
        + 1;
    let twice =
        |encode: &dyn Fn(&[u8]) -> Vec<u8>| [encode(&text[..cut]), encode(&text[cut..])].concat();
    let bz2 = |b: &[u8]| {
        let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
        e.write_all(b).unwrap();
        e.finish().unwrap()
    };
    let xz = |b: &[u8]| {
        let mut e = liblzma::write::XzEncoder::new(Vec::new(), 6);
        e.write_all(b).unwrap();
        e.finish().unwrap()
    };
    let zst = |b: &[u8]| zstd::encode_all(b, 3).unwrap();
    let dir = tempfile::tempdir().unwrap();
    // Names that lie, to show the magic bytes decide.
    std::fs::write(dir.path().join("syslog.1"), twice(&bz2)).unwrap();
    std::fs::write(dir.path().join("syslog.2.gz"), twice(&xz)).unwrap();
    std::fs::write(dir.path().join("syslog.3"), twice(&zst)).unwrap();
    let config = postmortem::Config::new(vec![dir.path().to_path_buf()])
        .with_year(Some(2023))
        .unwrap();
    let analysis = postmortem::pipeline::analyse(&config).unwrap();
    let lines = text.iter().filter(|&&b| b == b'\n').count() as u64;
    let seen: Vec<(String, postmortem::read::Compression, u64, u64)> = analysis
        .files
        .iter()
        .map(|f| {
            (
                f.display.clone(),
                f.compression,
                f.summary.lines,
                f.summary.parsed,
            )
        })
        .collect();
    use postmortem::read::Compression::*;
    assert_eq!(
        seen,
        vec![
            ("syslog.1".to_string(), Bzip2, lines, lines),
            ("syslog.2.gz".to_string(), Xz, lines, lines),
            ("syslog.3".to_string(), Zstd, lines, lines),
        ]
    );
}

#[test]
fn an_error_log_alone_is_tested_on_its_rate() {
    // Ten hours of an nginx error log: a stray error every 25 minutes, then 30 minutes of
    // upstream failures at about 20 a minute from 13:00, then quiet again.
    use std::fmt::Write as _;
    let mut text = String::new();
    let mut rng = postmortem_scenario::rng::Rng::new(3);
    for minute in 0..600u32 {
        let (h, m) = (8 + minute / 60, minute % 60);
        let n = if (300..330).contains(&minute) {
            15 + rng.below(10)
        } else {
            u64::from(minute % 25 == 0)
        };
        for k in 0..n {
            let _ = writeln!(
                text,
                "2023/09/10 {h:02}:{m:02}:{:02} [error] 9#9: *{k} upstream timed out (110: Connection timed out) while connecting to upstream, client: 203.0.113.{}, server: api",
                k % 60,
                k % 200
            );
        }
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("error.log"), text).unwrap();
    let config = postmortem::Config::new(vec![dir.path().to_path_buf()]);
    let (draft, _) = postmortem::draft(&config).unwrap();
    assert!(draft.signal.contains("rate is tested"), "{}", draft.signal);
    assert_eq!(
        draft.incidents.len(),
        1,
        "{:?}",
        draft
            .incidents
            .iter()
            .map(|i| (&i.start, &i.recovered))
            .collect::<Vec<_>>()
    );
    let i = &draft.incidents[0];
    assert_eq!(i.start, "2023-09-10T13:00:00Z");
    assert_eq!(
        i.recovered.map(|r| r.to_string()).as_deref(),
        Some("2023-09-10T13:30:00Z")
    );
    assert_eq!(
        i.detection_method,
        postmortem::timeline::DetectionMethod::DerivedFromLogs
    );
}

#[test]
fn the_same_log_twice_is_counted_once() {
    use std::io::Write;
    let plain = tempfile::tempdir().unwrap();
    postmortem_scenario::auth_outage::scenario()
        .write(plain.path())
        .unwrap();
    let doubled = tempfile::tempdir().unwrap();
    postmortem_scenario::auth_outage::scenario()
        .write(doubled.path())
        .unwrap();
    // A stray uncompressed copy beside the rotation, and a gzip of the current log.
    let access = std::fs::read(doubled.path().join("nginx/access.log")).unwrap();
    std::fs::write(doubled.path().join("nginx/access.log.copy"), &access).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&access).unwrap();
    std::fs::write(
        doubled.path().join("nginx/access.log.2.gz"),
        gz.finish().unwrap(),
    )
    .unwrap();
    let impact = |dir: &std::path::Path| {
        let (draft, _) =
            postmortem::draft(&postmortem::Config::new(vec![dir.to_path_buf()])).unwrap();
        let i = &draft.incidents[0];
        let dups: Vec<(String, Option<String>)> = draft
            .inputs
            .iter()
            .filter(|f| f.duplicate_of.is_some())
            .map(|f| (f.file.clone(), f.duplicate_of.clone()))
            .collect();
        (
            (
                i.impact.requests_total,
                i.impact.requests_failed,
                i.impact.clients_affected,
            ),
            dups,
        )
    };
    let (alone, none) = impact(plain.path());
    let (twice, dups) = impact(doubled.path());
    assert!(none.is_empty());
    assert_eq!(twice, alone, "copies add nothing");
    assert_eq!(
        dups,
        vec![
            (
                "nginx/access.log.2.gz".to_string(),
                Some("nginx/access.log".to_string())
            ),
            (
                "nginx/access.log.copy".to_string(),
                Some("nginx/access.log".to_string())
            ),
        ]
    );
}

/// `syslog.2.gz`, `syslog.1`, `syslog`: the middle piece starts by repeating the last ten
/// minutes of the oldest (copied while logrotate ran).
#[test]
fn rotated_pieces_are_ordered_and_lines_two_pieces_share_count_once() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let line = |minute: u32| {
        format!(
            "Sep 10 {:02}:{:02}:00 web-1 sudo:    alice : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/usr/bin/systemctl restart app{minute}\n",
            8 + minute / 60,
            minute % 60
        )
    };
    let piece = |from: u32, to: u32| (from..to).map(line).collect::<String>();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(piece(0, 30).as_bytes()).unwrap();
    std::fs::write(dir.path().join("syslog.2.gz"), gz.finish().unwrap()).unwrap();
    std::fs::write(dir.path().join("syslog.1"), piece(20, 60)).unwrap();
    std::fs::write(dir.path().join("syslog"), piece(60, 90)).unwrap();
    let out = assert_cmd::Command::cargo_bin("postmortem")
        .unwrap()
        .args(["scan", "--json", "--year", "2023"])
        .arg(dir.path())
        .output()
        .unwrap();
    let scan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rotation = |file: &str| {
        scan["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["file"] == file)
            .map(|i| i["rotation"].clone())
            .unwrap()
    };
    assert_eq!(rotation("syslog.2.gz")["position"], 1);
    assert_eq!(rotation("syslog.1")["position"], 2);
    assert_eq!(rotation("syslog")["position"], 3);
    assert_eq!(rotation("syslog")["family"], "syslog");
    assert_eq!(rotation("syslog.1")["lines_repeated"], 10);
    assert_eq!(rotation("syslog")["lines_repeated"], 0);
    let timeline = assert_cmd::Command::cargo_bin("postmortem")
        .unwrap()
        .args(["timeline", "--kind", "action", "--year", "2023"])
        .arg(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&timeline.stdout);
    assert_eq!(text.lines().count(), 90, "each restart once:\n{text}");
    assert_eq!(text.matches("restart app25\n").count(), 1);
}

/// A rotated syslog copied off a server: the file's own time is today, but the gzip header
/// still says when the log was last written, and that decides the year (across New Year too).
#[test]
fn the_gzip_header_time_dates_year_less_lines_after_a_copy() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let text = "Dec 31 23:59:00 web-1 sshd[1]: Accepted publickey for alice\nJan  1 00:01:00 web-1 sshd[1]: Accepted publickey for bob\n";
    let written = 1_640_995_500; // 2022-01-01T00:05:00Z
    let mut gz = flate2::GzBuilder::new()
        .mtime(written)
        .write(Vec::new(), flate2::Compression::default());
    gz.write_all(text.as_bytes()).unwrap();
    std::fs::write(dir.path().join("syslog.2.gz"), gz.finish().unwrap()).unwrap();
    let out = assert_cmd::Command::cargo_bin("postmortem")
        .unwrap()
        .args(["scan", "--json"])
        .arg(dir.path())
        .output()
        .unwrap();
    let scan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = &scan["inputs"][0];
    assert_eq!(f["year_rule"]["rule"], "gzip_header", "{f:#}");
    assert_eq!(f["year"], 2021);
    assert_eq!(f["first_time"], "2021-12-31T23:59:00Z");
    assert_eq!(f["last_time"], "2022-01-01T00:01:00Z");
}

/// The sample attached to a ticket as `logs.tar.gz`: read in place, the same draft as the
/// folder, with each member cited inside the archive.
#[test]
fn a_tar_gz_of_the_sample_reads_like_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut builder = tar::Builder::new(gz);
    builder
        .append_dir_all("auth-outage", common::sample_logs())
        .unwrap();
    let bytes = builder.into_inner().unwrap().finish().unwrap();
    std::fs::write(dir.path().join("logs.tar.gz"), bytes).unwrap();
    let draft = |path: &std::path::Path| -> serde_json::Value {
        let out = assert_cmd::Command::cargo_bin("postmortem")
            .unwrap()
            .args(["draft", "--json"])
            .arg(path)
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let from_folder = draft(&common::sample_logs());
    let from_archive = draft(&dir.path().join("logs.tar.gz"));
    let (a, b) = (&from_folder["incidents"][0], &from_archive["incidents"][0]);
    for field in [
        "start",
        "detected",
        "recovered",
        "impact",
        "detection_method",
    ] {
        assert_eq!(a[field], b[field], "{field}");
    }
    assert_eq!(
        a["timeline"].as_array().unwrap().len(),
        b["timeline"].as_array().unwrap().len()
    );
    let files: Vec<&str> = from_archive["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["file"].as_str().unwrap())
        .collect();
    assert!(
        files.contains(&"logs.tar.gz/auth-outage/syslog"),
        "{files:?}"
    );
    assert!(
        from_archive["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["compression"] == "gzip")
    );
}
