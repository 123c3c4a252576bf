//! Drafts over mixed folders built from the real samples in `../shared/data`: hosts of
//! different years, an internet-facing host's auth.log, error logs with holes of years,
//! alert payloads. What a person would check: no incident spans a stretch its sources have
//! no data for, every source named is a file of the folder, and the words match the kind of
//! records (failed logins are not requests, log records are not requests).

mod common;

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

/// Copies `files` (`from` under `../shared/data`, `to` inside the folder) into a fresh
/// temporary folder.
fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let data = common::shared_data();
    let dir = tempfile::tempdir().expect("temporary folder");
    for (from, to) in files {
        let target = dir.path().join(to);
        std::fs::create_dir_all(target.parent().expect("a parent")).expect("folder");
        std::fs::copy(data.join(from), &target).expect("sample copied");
    }
    dir
}

fn draft(dir: &Path, extra: &[&str]) -> String {
    let out = Command::cargo_bin("postmortem")
        .expect("binary built")
        .arg("draft")
        .args(extra)
        .arg(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("ran");
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 draft")
}

fn draft_json(dir: &Path) -> Value {
    serde_json::from_str(&draft(dir, &["--json"])).expect("JSON draft")
}

fn seconds(t: &Value) -> i64 {
    chrono::DateTime::parse_from_rfc3339(t.as_str().expect("a time"))
        .expect("RFC 3339")
        .timestamp()
}

/// The `[from, to]` stretches (seconds) each input file has data for.
fn coverage(json: &Value) -> Vec<(String, Vec<(i64, i64)>)> {
    json["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .map(|i| {
            let spans = i["coverage"]
                .as_array()
                .map(|c| c.iter().map(|s| (seconds(&s[0]), seconds(&s[1]))).collect())
                .unwrap_or_default();
            (i["file"].as_str().expect("file").to_string(), spans)
        })
        .collect()
}

/// Every incident a source showed lies inside one stretch of that source's data (a bin of
/// slack at each end): none runs across a gap or past the data behind it.
fn assert_no_incident_spans_a_gap(json: &Value) {
    let covered = coverage(json);
    for incident in json["incidents"].as_array().expect("incidents") {
        let start = seconds(&incident["start"]);
        let end = incident["recovered"]
            .as_str()
            .map_or(start, |_| seconds(&incident["recovered"]));
        let showing: Vec<&str> = incident["sources"]
            .as_array()
            .expect("sources")
            .iter()
            .filter(|s| s["showed_incident"] == true)
            .map(|s| s["file"].as_str().expect("file"))
            .collect();
        if incident["detection_method"] == "alert" && showing.is_empty() {
            continue;
        }
        assert!(!showing.is_empty(), "no source named: {incident}");
        let inside = showing.iter().any(|file| {
            covered
                .iter()
                .filter(|(f, _)| f == file)
                .flat_map(|(_, spans)| spans)
                .any(|&(from, to)| from - 60 <= start && end <= to + 120)
        });
        assert!(
            inside,
            "{start}..{end} is not inside the data of {showing:?}: {covered:?}"
        );
    }
}

fn assert_sources_are_files_of_the_folder(json: &Value) {
    let files: Vec<&str> = json["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .map(|i| i["file"].as_str().expect("file"))
        .collect();
    for incident in json["incidents"].as_array().expect("incidents") {
        for s in incident["sources"].as_array().expect("sources") {
            let file = s["file"].as_str().expect("file");
            assert!(files.contains(&file), "{file} is not an input: {files:?}");
            let kind = s["kind"].as_str().expect("kind");
            assert!(["requests", "records", "alerts"].contains(&kind), "{kind}");
        }
    }
}

const MIXED: &[(&str, &str)] = &[
    ("apache/elastic_apache_combined.log", "web/access.log"),
    ("nginx/filebeat_nginx_error_error.log", "web/error.log"),
    ("syslog/elastic_auth.log", "bastion/auth.log"),
    ("syslog/lnav_syslog.0", "misc/syslog"),
    ("nginx/lnav_shop_access.log", "shop/access.log"),
    ("journald/lnav_journald_export.json", "misc/journal.json"),
    ("alerts/alertmanager/old_shape_2018.json", "alerts/old.json"),
    ("alerts/alertmanager/zulip_alert.json", "alerts/zulip.json"),
];

#[test]
#[cfg_attr(
    no_shared_data,
    ignore = "needs ../shared/data beside the checkout (then touch build.rs)"
)]
fn hosts_of_different_years_make_no_incident_across_the_years_between_them() {
    let dir = folder(MIXED);
    let json = draft_json(dir.path());
    assert_no_incident_spans_a_gap(&json);
    assert_sources_are_files_of_the_folder(&json);
    // The error log has a hole of three years (2016 to 2019): it is a gap, not coverage.
    let error_log = json["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .find(|i| i["file"] == "web/error.log")
        .expect("error log listed");
    let gaps = error_log["gaps"].as_array().expect("gaps");
    assert!(
        gaps.iter()
            .any(|g| seconds(&g[1]) - seconds(&g[0]) > 365 * 86_400),
        "{error_log}"
    );
    // No incident lasts longer than a day: none of these samples holds a day-long outage.
    for incident in json["incidents"].as_array().expect("incidents") {
        let long = incident["duration_seconds"].as_i64().unwrap_or(0);
        assert!(long < 86_400, "{incident}");
    }
}

#[test]
#[cfg_attr(
    no_shared_data,
    ignore = "needs ../shared/data beside the checkout (then touch build.rs)"
)]
fn alerts_that_never_resolved_each_tell_their_own_incident() {
    let dir = folder(MIXED);
    let json = draft_json(dir.path());
    let alerted: Vec<&str> = json["incidents"]
        .as_array()
        .expect("incidents")
        .iter()
        .filter(|i| i["detection_method"] == "alert")
        .map(|i| i["start"].as_str().expect("start"))
        .collect();
    // old_shape_2018 fired in March 2018, the zulip alert in February 2020: two incidents,
    // not one from 2018 swallowing everything after it.
    assert_eq!(
        alerted,
        ["2018-03-07T11:33:00Z", "2020-02-06T00:17:00Z"],
        "{alerted:?}"
    );
    // Their end is not in the alert files: the draft says so, not "the logs end".
    let text = draft(dir.path(), &[]);
    assert_eq!(
        text.matches("no resolution of the alert in the alert files")
            .count(),
        2,
        "{text}"
    );
}

#[test]
#[cfg_attr(
    no_shared_data,
    ignore = "needs ../shared/data beside the checkout (then touch build.rs)"
)]
fn an_internet_facing_hosts_probes_are_not_all_incidents_and_are_counted_in_failed_logins() {
    let dir = folder(&[("syslog/elastic_auth.log", "bastion/auth.log")]);
    let json = draft_json(dir.path());
    assert_no_incident_spans_a_gap(&json);
    let incidents = json["incidents"].as_array().expect("incidents");
    let security: Vec<&Value> = incidents
        .iter()
        .filter(|i| i["kind"] == "security")
        .collect();
    // The sample has dozens of bursts; only campaigns far above the host's usual are kept.
    assert!(
        (1..=8).contains(&security.len()),
        "{} security incidents",
        security.len()
    );
    for s in &security {
        assert!(
            s["impact"]["requests_failed"].as_u64().expect("count") >= 20,
            "{s}"
        );
        assert_eq!(s["impact"]["unit"], "records");
        assert!(s["trigger_candidate"].is_null(), "{s}");
    }
    // The largest attacker of the sample (157 failed-password and invalid-user lines from
    // 24.151.103.17 on 30 March) is reported, named by its address.
    let named: Vec<&str> = security
        .iter()
        .filter_map(|s| s["top_login_sources"][0]["key"].as_str())
        .collect();
    assert!(named.contains(&"24.151.103.17"), "{named:?}");
    assert_eq!(
        named.len(),
        security.len(),
        "every campaign names its addresses"
    );
    // An attacker stops: no campaign runs for days over the host's background of probes.
    for s in &security {
        let long = s["duration_seconds"].as_i64().unwrap_or(i64::MAX);
        assert!(long < 6 * 3600, "{s}");
    }
    let text = draft(dir.path(), &[]);
    assert!(text.contains("failed logins back at their usual rate"));
    assert!(
        text.contains("- Most failed logins from: `24.151.103.17` (294)."),
        "{text}"
    );
    assert!(!text.contains("a burst of 0 failed logins"));
    for line in text.lines().filter(|l| l.starts_with("- **Impact:**")) {
        assert_counts_records(line);
    }
}

#[test]
#[cfg_attr(
    no_shared_data,
    ignore = "needs ../shared/data beside the checkout (then touch build.rs)"
)]
fn words_match_the_kind_of_records_in_a_folder_of_logs_without_requests() {
    let dir = folder(&[
        ("syslog/elastic_auth.log", "bastion/auth.log"),
        ("syslog/lnav_syslog.0", "misc/syslog"),
        ("nginx/filebeat_nginx_error_error.log", "web/error.log"),
    ]);
    let json = draft_json(dir.path());
    assert_no_incident_spans_a_gap(&json);
    assert_sources_are_files_of_the_folder(&json);
    for incident in json["incidents"].as_array().expect("incidents") {
        assert_eq!(incident["impact"]["unit"], "records", "{incident}");
    }
    let text = draft(dir.path(), &[]);
    let impacts: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("- **Impact:**"))
        .collect();
    assert!(!impacts.is_empty());
    for line in impacts {
        assert_counts_records(line);
    }
    // Error logs plot error lines, not an error ratio of requests.
    assert!(!text.contains("per request"), "{text}");
}

/// An impact line of a folder without access logs counts log records or failed logins,
/// never requests.
fn assert_counts_records(line: &str) {
    assert!(
        line.contains("log records") || line.contains("failed logins"),
        "{line}"
    );
    assert!(!line.contains("requests failed"), "{line}");
    assert!(!line.contains("requests were"), "{line}");
}

#[test]
#[cfg_attr(
    no_shared_data,
    ignore = "needs ../shared/data beside the checkout (then touch build.rs)"
)]
fn a_backup_holding_the_first_lines_of_a_log_in_another_folder_is_counted_once() {
    let dir = folder(&[("syslog/elastic_auth.log", "bastion/auth.log")]);
    let alone = draft_json(dir.path());
    // Someone saved the first 5,000 lines earlier, in a folder of their own.
    let text = std::fs::read_to_string(dir.path().join("bastion/auth.log")).expect("copied");
    let head: String = text.split_inclusive('\n').take(5000).collect();
    std::fs::create_dir(dir.path().join("backup")).expect("folder");
    std::fs::write(dir.path().join("backup/auth.log"), head).expect("written");
    let both = draft_json(dir.path());
    let copy = both["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .find(|i| i["file"] == "backup/auth.log")
        .expect("the backup is an input");
    assert_eq!(copy["partial_copy_of"]["file"], "bastion/auth.log");
    assert_eq!(copy["partial_copy_of"]["lines_repeated"], 5000);
    assert_eq!(copy["lines_read"], 5000);
    // Every figure is what the log alone gives.
    assert_eq!(both["series"], alone["series"]);
    assert_eq!(both["incidents"], alone["incidents"]);
    let markdown = draft(dir.path(), &[]);
    assert!(
        markdown.contains("5000 lines repeat `bastion/auth.log`, counted once"),
        "{markdown}"
    );
}

#[test]
fn two_hosts_whose_logs_begin_alike_are_not_copies_of_each_other() {
    let dir = tempfile::tempdir().expect("folder");
    // One balancer checks both hosts in the same second: the first two lines of the two
    // access logs are the same bytes; the rest is each host's own traffic.
    let check = "10.0.0.2 - - [10/Sep/2023:00:00:01 +0000] \"GET /health HTTP/1.1\" 200 2 \"-\" \"ELB-HealthChecker/2.0\"\n";
    for (host, client) in [("web-1", 7), ("web-2", 9)] {
        let mut text = check.repeat(2);
        for s in 2..600 {
            text.push_str(&format!(
                "203.0.113.{client} - - [10/Sep/2023:00:{:02}:{:02} +0000] \"GET /api HTTP/1.1\" 200 5 \"-\" \"curl/8\"\n",
                s / 60,
                s % 60
            ));
        }
        std::fs::create_dir(dir.path().join(host)).expect("folder");
        std::fs::write(dir.path().join(host).join("access.log"), text).expect("written");
    }
    let json = draft_json(dir.path());
    for input in json["inputs"].as_array().expect("inputs") {
        assert!(input.get("partial_copy_of").is_none(), "{input}");
    }
    let total: u64 = json["series"]
        .as_array()
        .expect("series")
        .iter()
        .map(|p| p["total"].as_u64().expect("count"))
        .sum();
    assert_eq!(total, 1200);
}

/// The times, zone and zone rule each input of `host` was read with.
fn placement_of(json: &Value, host: &str) -> Vec<String> {
    json["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .filter(|i| i["file"].as_str().is_some_and(|f| f.starts_with(host)))
        .map(|i| {
            format!(
                "{} {} {} {} {}",
                i["file"], i["first_time"], i["last_time"], i["zone"], i["zone_rule"]
            )
        })
        .collect()
}

#[test]
#[cfg_attr(
    no_shared_data,
    ignore = "needs ../shared/data beside the checkout (then touch build.rs)"
)]
fn a_dated_log_in_another_hosts_folder_moves_no_zone_and_no_year() {
    // web-1 holds a zone-less nginx error log and a year-less auth.log; another host's access
    // log (+0330, 2009) copied in beside it must not shift them by hours or years.
    let dir = folder(&[
        (
            "nginx/filebeat_nginx_error_error.log",
            "web-1/nginx/error.log",
        ),
        ("syslog/elastic_auth.log", "web-1/auth.log"),
    ]);
    let alone = draft_json(dir.path());
    let data = common::shared_data();
    std::fs::create_dir_all(dir.path().join("shop")).expect("folder");
    std::fs::copy(
        data.join("nginx/lnav_shop_access.log"),
        dir.path().join("shop/access.log"),
    )
    .expect("copied");
    let beside = draft_json(dir.path());
    let before = placement_of(&alone, "web-1/");
    assert_eq!(before.len(), 2, "{before:?}");
    assert_eq!(before, placement_of(&beside, "web-1/"));
    assert!(
        !before.iter().any(|p| p.contains("shop/")),
        "a zone taken from the other host: {before:?}"
    );
}
