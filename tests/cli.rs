//! The real binary on real files: the bundled sample, scenarios generated into temp folders,
//! junk, and bad arguments.

mod common;

use std::path::Path;
use std::process::Output;

use assert_cmd::Command;
use postmortem::time::{Micros, format_utc};
use postmortem_scenario::{auth_outage, labelled};
use serde_json::Value;

fn postmortem() -> Command {
    Command::cargo_bin("postmortem").expect("binary built")
}

fn run(args: &[&str], dir: &Path) -> Output {
    common::draft_output(dir, args)
}

fn json_of(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "JSON ({e}); stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn instant(text: &Value) -> Micros {
    let text = text.as_str().expect("a time");
    let (_, (civil, offset)) =
        postmortem::parse::common::rfc3339(text.as_bytes()).expect("RFC 3339");
    civil.with_offset(offset).unwrap()
}

fn minutes_apart(a: Micros, b: Micros) -> f64 {
    (a - b).abs() as f64 / 60e6
}

/// The text of a cited line, read back from the file.
fn cited_line(root: &Path, source: &Value) -> String {
    let file = source["file"].as_str().unwrap();
    let line = source["line"].as_u64().unwrap() as usize;
    let text = std::fs::read_to_string(root.join(file)).unwrap();
    text.lines().nth(line - 1).unwrap_or_default().to_string()
}

#[test]
fn sample_draft_meets_the_brief() {
    let dir = common::sample_logs();
    let output = run(&["--json"], &dir);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let draft = json_of(&output);
    let incidents = draft["incidents"].as_array().unwrap();
    assert_eq!(incidents.len(), 1, "exactly one incident");
    let i = &incidents[0];
    let (start, rollback, end) = auth_outage::labels();
    assert!(
        minutes_apart(instant(&i["start"]), start) <= 2.0,
        "start {}",
        i["start"]
    );
    assert!(
        minutes_apart(instant(&i["recovered"]), end) <= 2.0,
        "recovered {}",
        i["recovered"]
    );
    assert!(
        minutes_apart(instant(&i["detected"]), start) <= 2.0,
        "detected {}",
        i["detected"]
    );
    assert_eq!(i["detection_method"], "alert");
    assert!(
        i["detection_detail"]
            .as_str()
            .unwrap()
            .contains("HighAuthErrorRate")
    );
    let ratio = i["impact"]["clients_affected_ratio"].as_f64().unwrap();
    assert!(
        (0.17..=0.23).contains(&ratio),
        "clients_affected_ratio {ratio}"
    );
    assert!(i["impact"]["requests_failed"].as_u64().unwrap() > 0);
    let timeline = i["timeline"].as_array().unwrap();
    let rollback_item = timeline
        .iter()
        .find(|t| {
            t["kind"] == "action"
                && minutes_apart(instant(&t["time"]), rollback) <= 1.0
                && t["action"] == "rollback"
        })
        .expect("the 10:15 rollback is in the timeline");
    let line = cited_line(&dir, &rollback_item["source"]);
    assert!(
        line.starts_with("Sep 10 10:15:00")
            && line.contains("COMMAND=/usr/bin/cp /etc/authd/authd.yaml.bak"),
        "{line}"
    );
    // The false trail: blocking addresses changed nothing.
    let misleading: Vec<&str> = i["misleading_candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert!(
        misleading.iter().any(|m| m.contains("iptables")),
        "{misleading:?}"
    );
    assert!(
        !misleading.iter().any(|m| m.contains(".bak")),
        "the rollback is not misleading"
    );
    // The trail it followed: the brute force from 192.0.2.23, its first line cited. Alice's
    // `grep -c Failed password` (a sudo line) is no failed login: 40 tries, not 41.
    let trail = &i["failed_logins"];
    let text = trail["text"].as_str().expect("the brute force is shown");
    assert!(
        text.starts_with("40 failed logins during the incident, all from 192.0.2.23")
            && text.ends_with("2 steps of the team named 192.0.2.23"),
        "{text}"
    );
    let line = cited_line(&dir, &trail["source"]);
    assert!(
        line.starts_with("Sep 10 08:22:00") && line.contains("Failed password"),
        "{line}"
    );
    assert_eq!(i["top_login_sources"][0]["key"], "192.0.2.23");
    assert!(timeline.iter().any(|t| t["kind"] == "escalation"
        && t["text"].as_str().unwrap().contains("auth-services-oncall")));
    assert_eq!(i["resolution_candidate"]["action"], "rollback");
    // PagerDuty: acknowledged 2 min 42 s after the alert, and handed to the auth team.
    assert_eq!(i["time_to_acknowledge_seconds"], 162);
    assert!(timeline.iter().any(|t| {
        t["kind"] == "escalation"
            && t["text"]
                .as_str()
                .unwrap()
                .contains("acknowledged by Alice Chen")
    }));
    assert!(timeline.iter().any(|t| {
        t["kind"] == "escalation"
            && t["text"]
                .as_str()
                .unwrap()
                .contains("to Authentication Services")
    }));
    let inputs = draft["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 6);
    for input in inputs {
        assert_eq!(input["lines_skipped"], 0, "{input}");
        assert!(input["lines_read"].as_u64().unwrap() > 0);
    }
    assert!(
        inputs
            .iter()
            .any(|f| f["file"] == "nginx/access.log.1.gz" && f["compression"] == "gzip")
    );
}

#[test]
fn sample_markdown_follows_the_template() {
    let output = run(&[], &common::sample_logs());
    let text = String::from_utf8(output.stdout).unwrap();
    for heading in [
        "## Issue Summary",
        "**Duration:**",
        "**Impact:**",
        "**Root cause:**",
        "## Timeline (UTC)",
        "**Issue detected:**",
        "**Detection method:**",
        "**Actions taken:**",
        "**Misleading paths",
        "**Escalation:**",
        "**Resolution:**",
        "## Root Cause and Resolution",
        "## Corrective and Preventative Measures",
    ] {
        assert!(text.contains(heading), "missing {heading}");
    }
    // The config install is the change; the reload that applied it is cited beside it.
    assert!(
        text.contains("errors began 67 s after: deploy: sudo /usr/bin/install"),
        "trigger evidence with its lead time"
    );
    assert!(text.contains("s before the onset: deploy: sudo /usr/bin/systemctl reload authd"));
}

fn berlin(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> Micros {
    labelled::at(1.0, y, mo, d, h, mi)
}

#[test]
fn new_year_in_berlin_is_placed_in_utc() {
    let dir = tempfile::tempdir().unwrap();
    labelled::new_year_in_berlin().write(dir.path()).unwrap();
    let output = run(&["--json", "--tz", "Europe/Berlin"], dir.path());
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let draft = json_of(&output);
    assert_eq!(draft["zone_assumed"], "Europe/Berlin");
    let i = &draft["incidents"][0];
    assert_eq!(
        draft["incidents"].as_array().unwrap().len(),
        1,
        "{}",
        draft["incidents"]
    );
    assert!(
        minutes_apart(instant(&i["start"]), berlin(2023, 12, 31, 23, 50)) <= 2.0,
        "start {}",
        i["start"]
    );
    assert!(
        minutes_apart(instant(&i["recovered"]), berlin(2024, 1, 1, 0, 40)) <= 2.0,
        "recovered {}",
        i["recovered"]
    );
    assert_eq!(
        i["detection_method"], "burn_rate",
        "no alert: the burn-rate page stands in"
    );
    let detected = instant(&i["detected"]);
    assert!(
        detected >= instant(&i["start"]) && minutes_apart(detected, instant(&i["start"])) <= 10.0,
        "detected {}",
        i["detected"]
    );
    let timeline = i["timeline"].as_array().unwrap();
    let restart = timeline
        .iter()
        .find(|t| {
            t["action"] == "restart"
                && t["text"]
                    .as_str()
                    .unwrap()
                    .contains("systemctl restart authd")
        })
        .expect("the restart is cited");
    assert_eq!(
        restart["time"],
        format_utc(berlin(2024, 1, 1, 0, 40)),
        "00:40 local is 23:40 UTC"
    );
    assert_eq!(restart["time"], "2023-12-31T23:40:00Z");
    let line = cited_line(dir.path(), &restart["source"]);
    assert!(
        line.starts_with("Jan  1 00:40:00") && line.contains("restart authd"),
        "{line}"
    );
    assert!(
        timeline.iter().any(|t| t["action"] == "oom_kill"),
        "the OOM kill shows"
    );
    let syslog = draft["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["file"] == "syslog")
        .unwrap();
    assert_eq!(syslog["year"], 2023, "the first line is Dec 31 2023");
    assert_eq!(syslog["zone"], "Europe/Berlin");
    assert_eq!(syslog["lines_skipped"], 0);
    assert_eq!(
        syslog["last_time"].as_str().unwrap()[..4],
        *"2024",
        "rolled over into 2024"
    );
}

#[test]
fn zone_less_lines_take_the_offset_of_sibling_access_logs_without_flags() {
    let dir = tempfile::tempdir().unwrap();
    labelled::new_year_in_berlin().write(dir.path()).unwrap();
    let output = run(&["--json"], dir.path());
    let draft = json_of(&output);
    let syslog = draft["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["file"] == "syslog")
        .unwrap();
    assert_eq!(syslog["zone"], "+01:00");
    assert_eq!(syslog["zone_rule"]["rule"], "sibling_offset");
    assert_eq!(syslog["zone_rule"]["file"], "nginx/access.log");
    let i = &draft["incidents"][0];
    let restart = i["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["action"] == "restart")
        .expect("restart cited");
    assert_eq!(
        restart["time"], "2023-12-31T23:40:00Z",
        "the sudo line lands at its true UTC time"
    );
    assert_eq!(draft["zone_assumed"], "+01:00");
}

#[test]
fn year_comes_from_mtime_when_no_file_has_dates() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("messages");
    let mut f = std::fs::File::create(&path).unwrap();
    writeln!(f, "Dec 31 23:59:58 h sshd[1]: a").unwrap();
    writeln!(f, "Jan  1 00:00:02 h sshd[1]: b").unwrap();
    drop(f);
    let mtime = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_704_067_300); // 2024-01-01T00:01:40Z
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    let draft = json_of(&run(&["--json"], dir.path()));
    let input = &draft["inputs"][0];
    assert_eq!(input["year"], 2023);
    assert_eq!(input["year_rule"]["rule"], "modification_time");
    assert_eq!(input["first_time"], "2023-12-31T23:59:58Z");
    assert_eq!(input["last_time"], "2024-01-01T00:00:02Z");
}

#[test]
fn same_json_whatever_the_threads_and_chunks() {
    let dir = tempfile::tempdir().unwrap();
    labelled::new_year_in_berlin().write(dir.path()).unwrap();
    let with = |threads: &str, extra: &[&str]| {
        let mut args = vec!["--json", "--tz", "Europe/Berlin"];
        args.extend_from_slice(extra);
        let out = postmortem()
            .arg("draft")
            .arg(dir.path())
            .args(&args)
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap();
        assert!(out.status.code().is_some_and(|c| c < 2));
        out.stdout
    };
    let one = with("1", &[]);
    assert_eq!(one, with("2", &[]), "1 vs 2 threads");
    assert_eq!(one, with("2", &["--chunk-size", "4096"]), "small chunks");
    let sample = |threads: &str| {
        postmortem()
            .arg("draft")
            .arg(common::sample_logs())
            .arg("--json")
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap()
            .stdout
    };
    assert_eq!(sample("1"), sample("2"));
}

#[test]
fn a_healthy_day_exits_one_with_no_incident() {
    let dir = tempfile::tempdir().unwrap();
    let mut healthy = labelled::new_year_in_berlin();
    healthy.incidents.clear();
    healthy.scripted.truncate(0);
    healthy.write(dir.path()).unwrap();
    let output = run(&["--json", "--tz", "Europe/Berlin"], dir.path());
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(json_of(&output)["incidents"].as_array().unwrap().len(), 0);
}

#[test]
fn bad_arguments_are_named() {
    let out = run(&["--tz", "Mars/Olympus"], &common::sample_logs());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown time zone \"Mars/Olympus\""));
    let missing = postmortem()
        .args(["draft", "/nonexistent/logs"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/logs"));
}

#[test]
fn output_file_is_written_and_never_inside_the_input() {
    let dir = tempfile::tempdir().unwrap();
    auth_outage::scenario()
        .write(&dir.path().join("logs"))
        .unwrap();
    let inside = postmortem()
        .arg("draft")
        .arg(dir.path().join("logs"))
        .arg("-o")
        .arg(dir.path().join("logs/draft.md"))
        .output()
        .unwrap();
    assert_eq!(inside.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&inside.stderr).contains("refusing"));
    let target = dir.path().join("draft.md");
    let ok = postmortem()
        .arg("draft")
        .arg(dir.path().join("logs"))
        .arg("-o")
        .arg(&target)
        .output()
        .unwrap();
    assert_eq!(ok.status.code(), Some(0));
    assert!(
        std::fs::read_to_string(&target)
            .unwrap()
            .contains("## Issue Summary")
    );
}

#[test]
fn no_panic_on_the_shared_samples_or_junk() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let mut rng = postmortem_scenario::rng::Rng::new(99);
    for n in 0..20 {
        let len = rng.below(20_000) as usize;
        let bytes: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
        std::fs::write(dir.path().join(format!("junk{n}.log")), bytes).unwrap();
    }
    // Text-like junk that half-resembles the formats.
    let mut mixed = String::new();
    for n in 0..500 {
        mixed.push_str(match n % 5 {
            0 => "1.2.3.4 - - [10/Sep/2023:08:00:00 +0000] \"GET / HTTP/1.1\" 200 5\n",
            1 => "Sep 10 08:00:0",
            2 => "\n[10/Sep/2023:99:99:99 +9999]\n",
            3 => "Feb 29 08:00:00 host x: not a leap year\n",
            _ => "{\"alerts\": [{\"startsAt\": 5}]}\n",
        });
    }
    std::fs::write(dir.path().join("mixed.log"), mixed).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&std::fs::read(common::sample_logs().join("syslog")).unwrap())
        .unwrap();
    let gz = gz.finish().unwrap();
    std::fs::write(dir.path().join("truncated.gz"), &gz[..gz.len() / 2]).unwrap();
    let mut roots = vec![dir.path().to_path_buf()];
    roots.extend(common::shared_data_if_present());
    for root in roots {
        let out = run(&["--json"], &root);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(
            out.status.code().is_some_and(|c| c <= 2),
            "{:?}",
            out.status
        );
    }
}

#[test]
fn truncated_gzip_keeps_what_was_read_and_says_so() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let syslog = std::fs::read(common::sample_logs().join("syslog")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&syslog).unwrap();
    let gz = gz.finish().unwrap();
    std::fs::write(dir.path().join("syslog.2.gz"), &gz[..gz.len() * 2 / 3]).unwrap();
    let out = run(&["--json"], dir.path());
    assert_eq!(
        out.status.code(),
        Some(2),
        "a read error changes the exit code"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("syslog.2.gz: read stopped after line"),
        "{stderr}"
    );
    let draft = json_of(&out);
    let read = draft["inputs"][0]["lines_read"].as_u64().unwrap();
    let total = syslog.iter().filter(|&&b| b == b'\n').count() as u64;
    assert!(
        read > total / 3 && read < total,
        "{read} of {total} lines kept"
    );
}

/// An Apache error log's lines carry the year but no offset; a year-less syslog beside it
/// took its year from the file's mtime (2026 here) instead of from its sibling's 2005.
#[test]
fn year_less_syslog_takes_its_year_from_an_apache_error_log_sibling() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("error_log"),
        "[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties\n\
         [Sun Dec 04 04:47:44 2005] [error] mod_jk child workerEnv in error state 6\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("messages"),
        "Dec  4 04:50:01 combo sshd(pam_unix)[19939]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=218.188.2.4\n",
    )
    .unwrap();
    let json = json_of(&run(&["--json"], dir.path()));
    let messages = json["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["file"] == "messages")
        .expect("messages read");
    assert_eq!(messages["year"], 2005, "{messages}");
    assert_eq!(messages["year_rule"]["rule"], "dated_files");
    assert_eq!(messages["first_time"], "2005-12-04T04:50:01Z");
}

/// An nginx error log whose first line is the outage's first error had no quiet past of its
/// own, so its burst was judged against itself and found normal. Its host's access log (in
/// the same folder, all 200s) shows the server was up and quiet before: the error log now
/// borrows that coverage.
#[test]
fn error_log_starting_at_the_outage_is_judged_against_its_hosts_quiet_hours() {
    let dir = tempfile::tempdir().unwrap();
    let host = dir.path().join("web-1");
    std::fs::create_dir(&host).unwrap();
    let mut access = String::new();
    for minute in 0..180 {
        for second in [5, 25, 45] {
            access.push_str(&format!(
                "10.0.0.{} - - [12/Mar/2024:{:02}:{:02}:{second:02} +0000] \"GET /api/cart HTTP/1.1\" 200 512 \"-\" \"curl/8.5\"\n",
                minute % 50 + 1,
                8 + minute / 60,
                minute % 60
            ));
        }
    }
    std::fs::write(host.join("access.log"), access).unwrap();
    let mut errors = String::new();
    for minute in 90..105 {
        for second in [3, 33] {
            errors.push_str(&format!(
                "2024/03/12 {:02}:{:02}:{second:02} [error] 811#811: *{minute}{second} upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.0.0.7, server: shop, request: \"GET /api/cart HTTP/1.1\", upstream: \"http://10.0.1.5:8080/api/cart\"\n",
                8 + minute / 60,
                minute % 60
            ));
        }
    }
    std::fs::write(host.join("error.log"), errors).unwrap();
    let json = json_of(&run(&["--json"], dir.path()));
    let incidents = json["incidents"].as_array().unwrap();
    assert_eq!(incidents.len(), 1, "{json}");
    let i = &incidents[0];
    assert_eq!(i["start"], "2024-03-12T09:30:00Z");
    assert_eq!(i["recovered"], "2024-03-12T09:45:00Z");
    let shown: Vec<&str> = i["sources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["showed_incident"] == true)
        .map(|s| s["file"].as_str().unwrap())
        .collect();
    assert_eq!(shown, ["web-1/error.log"]);
}

/// "from 1 log files": a count and its noun agree.
#[test]
fn one_file_is_one_log_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("access.log"),
        "10.0.0.1 - - [10/Sep/2023:08:00:05 +0000] \"GET / HTTP/1.1\" 200 12 \"-\" \"c\"\n",
    )
    .unwrap();
    let out = run(&[], dir.path());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("from 1 log file."), "{text}");
}
