//! `postmortem scan` over a folder holding one file of each format (some compressed), pinned
//! with an insta snapshot: what each file was read as, why, and what was assumed.

mod common;

use std::io::Write;

use assert_cmd::Command;

#[test]
fn scan_explains_each_format() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let access = "203.0.113.7 - - [10/Sep/2023:10:15:02 +0200] \"GET / HTTP/1.1\" 200 5 \"-\" \"curl/8\" 0.004\n".repeat(3);
    std::fs::write(d.join("access.log"), &access).unwrap();
    std::fs::write(d.join("access.log.1.gz"), common::gzip(access.as_bytes())).unwrap();
    std::fs::write(d.join("error.log"), "2023/09/10 10:15:03 [error] 1#1: *2 upstream timed out, client: 203.0.113.7, server: a\nPHP message: continued\n").unwrap();
    std::fs::write(d.join("syslog"), "Sep 10 10:15:04 web-1 sudo:  bob : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/usr/bin/systemctl restart a\n\tcontinued\nnot syslog at all\n").unwrap();
    std::fs::write(
        d.join("messages.zst"),
        zstd::encode_all(
            &b"<34>1 2023-09-10T08:15:05.5Z web-1 su - ID47 - su root failed\n"[..],
            3,
        )
        .unwrap(),
    )
    .unwrap();
    std::fs::write(d.join("journal.json"), "{\"__REALTIME_TIMESTAMP\":\"1694333706000000\",\"PRIORITY\":\"3\",\"SYSLOG_IDENTIFIER\":\"authd\",\"MESSAGE\":\"bind failed\"}\n").unwrap();
    std::fs::write(d.join("app.jsonl"), "{\"time\":\"2023-09-10T08:15:07Z\",\"level\":\"error\",\"msg\":\"db timeout\",\"status\":503}\n").unwrap();
    std::fs::write(d.join("alerts.json"), "{\"version\":\"4\",\"status\":\"firing\",\"receiver\":\"oncall\",\"alerts\":[{\"labels\":{\"alertname\":\"A\"},\"startsAt\":\"2023-09-10T08:15:08Z\"}]}\n").unwrap();
    std::fs::write(d.join("pd.json"), "{\"event\":{\"event_type\":\"incident.acknowledged\",\"occurred_at\":\"2023-09-10T08:15:09Z\",\"data\":{\"id\":\"P1\",\"title\":\"A\"}}}\n").unwrap();
    std::fs::write(
        d.join("dpkg.log"),
        "2023-09-10 10:15:10 upgrade nginx:amd64 1.18.0-6 1.18.0-6.1\n",
    )
    .unwrap();
    std::fs::write(d.join("notes.txt"), "hello\nworld\n").unwrap();
    std::fs::write(d.join("opsgenie.json"), "{\"action\":\"Create\",\"alert\":{\"alertId\":\"a1\",\"message\":\"HighAuthErrorRate\",\"createdAt\":1694333712000,\"updatedAt\":1694333712000000000,\"username\":\"System\"},\"integrationName\":\"Prometheus\"}\n").unwrap();
    std::fs::create_dir(d.join("apt")).unwrap();
    std::fs::write(d.join("apt/history.log"), "\nStart-Date: 2023-09-10  10:15:13\nCommandline: apt-get install -y authd\nRequested-By: bob (1001)\nUpgrade: authd:amd64 (2.3.0, 2.4.0)\nEnd-Date: 2023-09-10  10:15:20\n").unwrap();
    let mut bz = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
    bz.write_all(b"-- Boot 3f2a9c0e5b0c4b7e9d1e2f3a4b5c6d7e --\nSep 10 10:15:14.250000 web-1 kernel: Out of memory: Killed process 4242 (authd)\n").unwrap();
    std::fs::write(d.join("kern.log.2.bz2"), bz.finish().unwrap()).unwrap();
    let mut xz = liblzma::write::XzEncoder::new(Vec::new(), 6);
    xz.write_all(b"2023-09-10T10:15:15+0200 web-1 systemd[1]: Started authd.service.\n")
        .unwrap();
    std::fs::write(d.join("daemon.log.xz"), xz.finish().unwrap()).unwrap();
    std::fs::write(d.join("router.log"), "<189>Sep 10 2023 10:15:16: %ASA-5-111008: User 'enable_15' executed the 'write memory' command.\n").unwrap();
    std::fs::write(d.join("httpd_error_log"), "[Sun Sep 10 10:15:11.123456 2023] [proxy:error] [pid 8:tid 9] [client 203.0.113.7:5000] AH00898: Error reading from remote server\n").unwrap();
    let out = Command::cargo_bin("postmortem")
        .unwrap()
        .args(["scan", "--year", "2023"])
        .arg(d)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    insta::assert_snapshot!(String::from_utf8(out.stdout).unwrap());
    let json = Command::cargo_bin("postmortem")
        .unwrap()
        .args(["scan", "--json", "--year", "2023"])
        .arg(d)
        .output()
        .unwrap();
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value["inputs"].as_array().unwrap().len(), 16);
    let apache = value["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["file"] == "httpd_error_log")
        .unwrap();
    assert_eq!(
        (apache["format"].as_str(), apache["first_time"].as_str()),
        (Some("apache_error"), Some("2023-09-10T08:15:11Z"))
    );
    let syslog = value["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["file"] == "syslog")
        .unwrap();
    assert_eq!(
        syslog["zone"], "+02:00",
        "the access log's offset, not the RFC 5424 file's Z"
    );
    assert_eq!(syslog["first_time"], "2023-09-10T08:15:04Z");
    assert_eq!(value["skipped_files"][0]["file"], "notes.txt");
}

#[test]
fn a_file_no_format_reads_names_the_closest_formats_and_their_scores() {
    let dir = tempfile::tempdir().unwrap();
    // Notes pasted under three syslog lines: syslog reads 3 of 8, not the half it needs.
    std::fs::write(
        dir.path().join("notes.txt"),
        "Sep 10 08:15:02 web-1 sshd[1]: ok\nSep 10 08:15:03 web-1 sshd[1]: ok\nSep 10 08:15:04 web-1 sshd[1]: ok\nhello there\nthis is prose\nmore prose here\nand more\nlast words\n",
    )
    .unwrap();
    let out = Command::cargo_bin("postmortem")
        .unwrap()
        .arg("scan")
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "notes.txt: no known format reads half of the first 8 lines (closest: syslog, 3 of 8)"
        ),
        "{stderr}"
    );
}
