//! Corrections and settings through the real binary: `--tz/--year/--format GLOB=…`, the
//! `postmortem.toml` beside the logs (flags win over it), colour, completions, man, templates.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn postmortem() -> Command {
    let mut cmd = Command::cargo_bin("postmortem").expect("binary");
    cmd.env_remove("NO_COLOR");
    cmd
}

fn scan_json(dir: &Path, args: &[&str]) -> Value {
    let out = postmortem()
        .arg("scan")
        .arg(dir)
        .arg("--json")
        .args(args)
        .output()
        .expect("runs");
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

fn input<'a>(scan: &'a Value, file: &str) -> &'a Value {
    scan["inputs"]
        .as_array()
        .and_then(|a| a.iter().find(|i| i["file"] == file))
        .unwrap_or_else(|| panic!("{file} not in {scan:#}"))
}

/// A folder with a zone-less nginx error log and a year-less syslog.
fn logs() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("nginx")).unwrap();
    std::fs::write(
        dir.path().join("nginx/error.log"),
        "2023/09/10 10:15:00 [error] 12#12: *1 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 192.0.2.1, server: x, request: \"GET / HTTP/1.1\", upstream: \"http://127.0.0.1:8080/\", host: \"x\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("syslog"),
        "Sep 10 08:15:00 web-1 sshd[1]: Accepted publickey for alice\nSep 10 08:16:00 web-1 sudo:    alice : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx\n",
    )
    .unwrap();
    dir
}

#[test]
fn a_zone_given_for_a_glob_places_only_those_files() {
    let dir = logs();
    let scan = scan_json(dir.path(), &["--tz", "nginx/*=Europe/Berlin"]);
    let error_log = input(&scan, "nginx/error.log");
    assert_eq!(error_log["zone"], "Europe/Berlin");
    assert_eq!(error_log["zone_rule"]["rule"], "glob");
    assert_eq!(error_log["zone_rule"]["given"], "--tz nginx/*");
    assert_eq!(error_log["first_time"], "2023-09-10T08:15:00Z");
    let syslog = input(&scan, "syslog");
    assert_eq!(syslog["zone"], "UTC", "{syslog:#}");
}

#[test]
fn the_settings_file_beside_the_logs_is_read_and_flags_win_over_it() {
    let dir = logs();
    std::fs::write(
        dir.path().join("postmortem.toml"),
        "year = 2021\n\n[[files]]\nglob = \"error.log\"\ntz = \"Asia/Tokyo\"\n",
    )
    .unwrap();
    let scan = scan_json(dir.path(), &[]);
    assert_eq!(
        input(&scan, "nginx/error.log")["first_time"],
        "2023-09-10T01:15:00Z"
    );
    assert_eq!(input(&scan, "syslog")["first_time"], "2021-09-10T08:15:00Z");
    assert!(
        scan["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["file"] != "postmortem.toml"),
        "the settings file is not read as a log"
    );
    assert!(scan["skipped_files"].as_array().unwrap().is_empty());
    let scan = scan_json(
        dir.path(),
        &["--tz", "error.log=Europe/Berlin", "--year", "syslog=2022"],
    );
    assert_eq!(
        input(&scan, "nginx/error.log")["first_time"],
        "2023-09-10T08:15:00Z"
    );
    assert_eq!(input(&scan, "syslog")["first_time"], "2022-09-10T08:15:00Z");
    assert_eq!(input(&scan, "syslog")["year_rule"]["rule"], "glob");
}

#[test]
fn a_broken_settings_file_stops_the_run_with_its_line() {
    let dir = logs();
    std::fs::write(
        dir.path().join("postmortem.toml"),
        "slo = 99.9\nzone = \"UTC\"\n",
    )
    .unwrap();
    let out = postmortem().arg("draft").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("postmortem.toml:2") && err.contains("zone"),
        "{err}"
    );
}

#[test]
fn a_format_given_for_a_glob_is_used_and_said_so() {
    let dir = logs();
    let scan = scan_json(dir.path(), &["--format", "error.log=syslog"]);
    let f = input(&scan, "nginx/error.log");
    assert_eq!(f["format"], "syslog");
    let why = f["detected_because"].as_str().unwrap();
    assert!(
        why.starts_with("given with --format error.log; 0 of 1"),
        "{why}"
    );
    assert_eq!(f["lines_skipped"], 1);
    let out = postmortem()
        .args(["scan", "--format", "error.log=ngnix"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nginx_error"));
}

#[test]
fn colour_only_when_asked_for_outside_a_terminal() {
    let dir = logs();
    let plain = postmortem().arg("draft").arg(dir.path()).output().unwrap();
    assert!(!plain.stdout.contains(&0x1b), "no escape codes in a pipe");
    let always = postmortem()
        .args(["draft", "--color", "always"])
        .arg(dir.path())
        .output()
        .unwrap();
    let always = String::from_utf8_lossy(&always.stdout);
    assert!(always.contains("\x1b["), "styled: {always}");
    assert!(always.contains("Postmortem draft") && !always.contains("# Postmortem"));
    let timeline = postmortem()
        .args(["timeline", "--color", "always"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&timeline.stdout).contains("\x1b["),
        "timeline takes --color always too"
    );
    let scan = postmortem()
        .args(["scan", "--color", "always"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&scan.stdout).contains("\x1b[1msyslog\x1b[0m"),
        "and scan"
    );
    let never = postmortem()
        .args(["draft", "--color", "never"])
        .arg(dir.path())
        .env("CLICOLOR_FORCE", "1")
        .output()
        .unwrap();
    assert!(!never.stdout.contains(&0x1b));
}

#[test]
fn completions_and_man_page() {
    let bash = postmortem().args(["completions", "bash"]).output().unwrap();
    let bash = String::from_utf8_lossy(&bash.stdout);
    assert!(
        bash.contains("_postmortem") && bash.contains("timeline") && bash.contains("--display-tz")
    );
    let zsh = postmortem().args(["completions", "zsh"]).output().unwrap();
    assert!(String::from_utf8_lossy(&zsh.stdout).starts_with("#compdef postmortem"));
    let man = postmortem().arg("man").output().unwrap();
    let man = String::from_utf8_lossy(&man.stdout);
    assert!(
        man.contains(".TH postmortem 1") && man.contains("timeline"),
        "{man}"
    );
    let page = postmortem().args(["man", "timeline"]).output().unwrap();
    let page = String::from_utf8_lossy(&page.stdout);
    assert!(
        page.contains(".TH postmortem-timeline") && page.contains("\\-\\-since"),
        "{page}"
    );
    let bad = postmortem().args(["man", "nope"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn a_template_mistake_names_the_template_line() {
    let dir = logs();
    let template = dir.path().join("team.md.j2");
    std::fs::write(&template, "# {{ tool.name }}\n{% for i in incidents %}\n{{ i.strat | clock }}\n{% endfor %}\n{{ nope.x }}\n").unwrap();
    let out = postmortem()
        .arg("draft")
        .arg(dir.path().join("nginx"))
        .arg("--template")
        .arg(&template)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("team.md.j2:5: template:"), "{err}");
}

#[test]
fn the_html_report_is_never_written_inside_the_logs() {
    let dir = logs();
    let out = postmortem()
        .arg("draft")
        .arg(dir.path())
        .arg("--html")
        .arg(dir.path().join("report.html"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!dir.path().join("report.html").exists());
    assert!(String::from_utf8_lossy(&out.stderr).contains("refusing"));
}

/// An access log in a shape no built-in access parser reads: time first, no brackets or quotes.
fn edge_log(dir: &Path) {
    std::fs::create_dir_all(dir.join("edge")).unwrap();
    let mut text = String::new();
    for s in 0..40 {
        let status = if s % 4 == 0 { 503 } else { 200 };
        text.push_str(&format!(
            "2023-09-10T10:{:02}:{:02}+02:00 {status} GET /api/v1/items 198.51.100.{} 0.{:03}\n",
            15 + s / 60,
            s % 60,
            s % 7,
            100 + s
        ));
    }
    std::fs::write(dir.join("edge/edge.log"), text).unwrap();
}

const EDGE_FORMAT: &str =
    "$time_iso8601 $status $request_method $request_uri $remote_addr $request_time";

#[test]
fn a_custom_log_format_reads_what_detection_misreads() {
    let dir = tempfile::tempdir().unwrap();
    edge_log(dir.path());
    // Unaided, `time host message` reads as rsyslog's file format: no statuses, no requests.
    let scan = scan_json(dir.path(), &[]);
    assert_eq!(input(&scan, "edge/edge.log")["format"], "syslog");
    let scan = scan_json(dir.path(), &["--nginx-log-format", EDGE_FORMAT]);
    let f = input(&scan, "edge/edge.log");
    assert_eq!(f["format"], "nginx_access");
    assert_eq!(
        f["detected_because"],
        "40 of 40 sampled lines parse with log_format custom-1"
    );
    assert_eq!(f["lines_parsed"], 40);
    assert_eq!(f["first_time"], "2023-09-10T08:15:00Z");
    let out = postmortem()
        .arg("draft")
        .arg(dir.path())
        .args(["--json", "--nginx-log-format", EDGE_FORMAT])
        .output()
        .unwrap();
    let draft: Value = serde_json::from_slice(&out.stdout).unwrap();
    let series = draft["series"].as_array().unwrap();
    let errors: u64 = series.iter().map(|p| p["errors"].as_u64().unwrap()).sum();
    assert_eq!(errors, 10, "every fourth request was a 503");
    assert!(
        series[0]["p95_ms"]
            .as_f64()
            .is_some_and(|ms| ms > 100.0 && ms < 200.0)
    );
}

#[test]
fn the_nginx_conf_names_the_format_of_each_access_log() {
    let dir = tempfile::tempdir().unwrap();
    edge_log(dir.path());
    let conf = dir.path().join("nginx.conf");
    std::fs::write(
        &conf,
        format!("http {{\n  log_format edge '{EDGE_FORMAT}';\n  access_log /var/log/nginx/edge.log edge;\n}}\n"),
    )
    .unwrap();
    let logs = dir.path().join("edge");
    let scan = scan_json(&logs, &["--nginx-conf", conf.to_str().unwrap()]);
    let f = input(&scan, "edge.log");
    assert_eq!(
        f["detected_because"],
        "40 of 40 sampled lines parse with log_format edge"
    );
    std::fs::write(&conf, "log_format broken '$remote_addr $status';\n").unwrap();
    let out = postmortem()
        .args(["scan", "--nginx-conf"])
        .arg(&conf)
        .arg(&logs)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("nginx.conf:1: log_format broken: no $time_local"),
        "{err}"
    );
}

#[test]
fn stats_on_draft_and_scan_count_every_byte_and_line() {
    let dir = logs();
    let bytes: u64 = ["nginx/error.log", "syslog"]
        .iter()
        .map(|f| std::fs::metadata(dir.path().join(f)).unwrap().len())
        .sum();
    for sub in ["draft", "scan"] {
        let out = postmortem()
            .args([sub, "--stats", "--year", "2023"])
            .arg(dir.path())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("postmortem stats"), "{sub}: {err}");
        let all = err
            .lines()
            .find(|l| l.trim_start().starts_with("all "))
            .unwrap_or_else(|| panic!("{sub}: no total row in {err}"));
        let fields: Vec<&str> = all.split_whitespace().collect();
        assert_eq!(fields[1..4], ["2", &bytes.to_string(), "3"], "{sub}: {all}");
        assert!(err.contains("peak memory"), "{sub}: {err}");
    }
}

#[test]
fn regression_a_bad_value_in_the_settings_file_names_its_line_not_a_flag() {
    let dir = logs();
    std::fs::write(
        dir.path().join("postmortem.toml"),
        "# team settings\ntz = \"Europe/Berlin\"\nslo = 120\n",
    )
    .unwrap();
    let out = postmortem().arg("draft").arg(dir.path()).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("postmortem.toml:3: invalid slo value \"120\""),
        "{err}"
    );
    assert!(
        !err.contains("--slo"),
        "the value was not given with a flag: {err}"
    );
    // The same value as a flag is named by the flag.
    let out = postmortem()
        .args(["draft", "--slo", "120"])
        .arg(dir.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("invalid --slo value \"120\""), "{err}");
}

#[test]
fn regression_a_zone_and_year_from_the_settings_file_are_credited_to_their_lines_not_to_flags() {
    let dir = logs();
    std::fs::write(
        dir.path().join("postmortem.toml"),
        "# team settings\n\ntz = \"Europe/Berlin\"\nyear = 2023\n",
    )
    .unwrap();
    let scan = scan_json(dir.path(), &[]);
    let syslog = input(&scan, "syslog");
    assert_eq!(syslog["year_rule"]["rule"], "flag");
    let given = syslog["year_rule"]["given"].as_str().unwrap_or_default();
    assert!(given.ends_with("postmortem.toml:4"), "{syslog:#}");
    let error_log = input(&scan, "nginx/error.log");
    assert_eq!(error_log["zone"], "Europe/Berlin");
    assert_eq!(error_log["zone_rule"]["rule"], "flag");
    let given = error_log["zone_rule"]["given"].as_str().unwrap_or_default();
    assert!(given.ends_with("postmortem.toml:3"), "{error_log:#}");
    let with_flag = scan_json(dir.path(), &["--tz", "Asia/Tokyo"]);
    let error_log = input(&with_flag, "nginx/error.log");
    assert_eq!(error_log["zone"], "Asia/Tokyo", "the flag wins");
    assert_eq!(error_log["zone_rule"]["given"], "--tz");
}

#[test]
fn regression_an_inverted_time_range_is_an_error_not_an_empty_result() {
    let dir = logs();
    let timeline = |since: &str, until: &str| {
        let out = postmortem()
            .args(["timeline", "--since", since, "--until", until])
            .arg(dir.path())
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    // A date as --until reaches to the end of that day: this range is not inverted.
    let (code, err) = timeline("2023-09-10T12:00:00Z", "2023-09-10");
    assert_ne!(code, Some(2), "{err}");
    let (code, err) = timeline("2023-09-10T12:00:00Z", "2023-09-10 08:00");
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("invalid --until value") && err.contains("before --since"),
        "{err}"
    );
}
