//! Formats of application logs through the real binary: an hour of traffic written as the
//! real programs write it, with a known number of requests and server errors, counted exactly.

mod common;

use assert_cmd::Command;
use common::series_totals;
use serde_json::Value;

fn draft_json(dir: &std::path::Path) -> Value {
    let out = Command::cargo_bin("postmortem")
        .expect("binary")
        .args(["draft", "--json"])
        .arg(dir)
        .output()
        .expect("runs");
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn an_hour_of_logfmt_requests_is_counted_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    let (mut requests, mut failed) = (0u64, 0u64);
    for s in 0..3600u32 {
        let status = if s % 20 == 7 { 503 } else { 200 };
        requests += 1;
        failed += u64::from(status == 503);
        // go-kit's logfmt logger, one line per request, as a Go service writes it.
        text.push_str(&format!(
            "ts=2023-09-10T08:{:02}:{:02}.{:06}Z caller=http.go:88 level=info msg=served method=GET path=/api/v1/items status={status} remote_addr=198.51.100.{} took={}ms\n",
            s / 60,
            s % 60,
            s * 7 % 1_000_000,
            s % 200,
            5 + s % 40
        ));
    }
    std::fs::write(dir.path().join("api.log"), text).unwrap();
    let draft = draft_json(dir.path());
    let input = &draft["inputs"][0];
    assert_eq!(input["format"], "logfmt");
    assert_eq!(input["lines_parsed"], 3600);
    assert_eq!(series_totals(&draft), (requests, failed));
    assert_eq!((requests, failed), (3600, 180));
    assert!(
        draft["signal"].as_str().unwrap_or("").contains("request"),
        "logfmt lines with statuses are requests: {}",
        draft["signal"]
    );
}

#[test]
fn an_hour_of_access_lines_in_cri_container_logs_counts_as_the_bare_log_does() {
    let (bare, wrapped) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (mut plain, mut cri) = (String::new(), String::new());
    for s in 0..3600u32 {
        let status = if s % 25 == 3 { 502 } else { 200 };
        let line = format!(
            "10.1.{}.{} - - [10/Sep/2023:08:{:02}:{:02} +0000] \"GET /api/v1/items HTTP/1.1\" {status} 512 \"-\" \"Go-http-client/1.1\" {}.{:03}",
            s % 7,
            s % 250,
            s / 60,
            s % 60,
            s % 3,
            s * 37 % 1000
        );
        plain.push_str(&line);
        plain.push('\n');
        // The kubelet's own stamp comes a little after the server's.
        cri.push_str(&format!(
            "2023-09-10T08:{:02}:{:02}.{:09}Z stdout F {line}\n",
            s / 60,
            s % 60,
            s * 271_828 % 1_000_000_000
        ));
    }
    std::fs::write(bare.path().join("access.log"), plain).unwrap();
    // The kubelet's layout: /var/log/pods/<namespace>_<pod>_<pod uid>/<container>/0.log.
    let pod_log = wrapped
        .path()
        .join("default_web-7d9f6c5b4-k2x8p_0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d/nginx");
    std::fs::create_dir_all(&pod_log).unwrap();
    std::fs::write(pod_log.join("0.log"), cri).unwrap();
    let (a, b) = (draft_json(bare.path()), draft_json(wrapped.path()));
    assert_eq!(b["inputs"][0]["format"], "cri");
    assert_eq!(b["inputs"][0]["lines_parsed"], 3600);
    assert_eq!(series_totals(&b), (3600, 144));
    assert_eq!(a["series"], b["series"], "requests, errors and p95 per bin");
    let pod = &b["inputs"][0]["kubernetes"];
    assert_eq!(pod["namespace"], "default");
    assert_eq!(pod["pod"], "web-7d9f6c5b4-k2x8p");
    assert_eq!(pod["container"], "nginx");
}

#[test]
fn an_hour_of_klog_is_placed_by_the_year_rules_and_its_errors_counted() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for s in 0..3600u32 {
        let severity = if s % 30 == 11 { 'E' } else { 'I' };
        text.push_str(&format!(
            "{severity}0910 08:{:02}:{:02}.{:06}    1234 controller.go:{}] \"Reconciling\" pod=\"default/api-{}\"\n",
            s / 60,
            s % 60,
            s * 13 % 1_000_000,
            100 + s % 50,
            s % 7
        ));
        if s == 1800 {
            // A stack dump under a fatal line is one record.
            text.push_str("goroutine 1 [running]:\n\tmain.main()\n");
        }
    }
    std::fs::write(dir.path().join("kube-controller-manager.log"), text).unwrap();
    let out = Command::cargo_bin("postmortem")
        .expect("binary")
        .args(["draft", "--json", "--year", "2023"])
        .arg(dir.path())
        .output()
        .expect("runs");
    let draft: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let input = &draft["inputs"][0];
    assert_eq!(input["format"], "klog", "{input:#}");
    assert_eq!(input["lines_parsed"], 3600, "{input:#}");
    assert_eq!(input["lines_continuation"], 2, "{input:#}");
    assert_eq!(input["first_time"], "2023-09-10T08:00:00Z", "{input:#}");
    assert_eq!(series_totals(&draft), (3600, 120));
}

#[test]
fn an_hour_of_postgresql_in_pdt_is_placed_in_utc_and_its_errors_counted() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for s in 0..3600u32 {
        let (level, message) = match s % 30 {
            11 => (
                "FATAL",
                "remaining connection slots are reserved for non-replication superuser connections",
            ),
            _ => ("LOG", "checkpoint complete"),
        };
        text.push_str(&format!(
            "2023-09-10 01:{:02}:{:02}.{:03} PDT [{}] {level}:  {message}\n",
            s / 60,
            s % 60,
            s % 1000,
            800 + s % 40
        ));
        if s % 30 == 11 {
            text.push_str(&format!(
                "2023-09-10 01:{:02}:{:02}.{:03} PDT [{}] DETAIL:  max_connections is 100\n",
                s / 60,
                s % 60,
                s % 1000,
                800 + s % 40
            ));
        }
    }
    std::fs::write(dir.path().join("postgresql-2023-09-10_010000.log"), text).unwrap();
    let draft = draft_json(dir.path());
    let input = &draft["inputs"][0];
    assert_eq!(input["format"], "postgres", "{input:#}");
    assert_eq!(input["lines_parsed"], 3600, "{input:#}");
    assert_eq!(input["lines_continuation"], 120, "{input:#}");
    assert_eq!(
        input["first_time"], "2023-09-10T08:00:00Z",
        "PDT is UTC-7: {input:#}"
    );
    assert_eq!(series_totals(&draft), (3600, 120));
}

#[test]
fn colour_sequences_in_an_application_log_are_taken_out_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    let mut failed = 0u64;
    for s in 0..600u32 {
        let error = s % 30 == 4;
        failed += u64::from(error);
        // Spring Boot's console pattern with spring.output.ansi.enabled=always, saved to a file.
        let level = if error {
            "\x1b[31mERROR\x1b[0;39m"
        } else {
            "\x1b[32m INFO\x1b[0;39m"
        };
        text.push_str(&format!(
            "\x1b[2m2023-09-10 08:{:02}:{:02}.{:03}\x1b[0;39m {level} \x1b[35m812\x1b[0;39m \x1b[2m---\x1b[0;39m \x1b[2m[nio-8080-exec-3]\x1b[0;39m \x1b[36mc.e.shop.CartController\x1b[0;39m \x1b[2m:\x1b[0;39m {}\n",
            s / 10,
            s % 10 * 6,
            s % 1000,
            if error { "cart lookup failed: timeout" } else { "cart served" }
        ));
    }
    std::fs::write(dir.path().join("shop.log"), text).unwrap();
    let draft = draft_json(dir.path());
    let input = &draft["inputs"][0];
    assert_eq!(input["format"], "app_log");
    assert_eq!(input["lines_parsed"], 600);
    assert_eq!(series_totals(&draft), (600, failed));
    assert_eq!(failed, 20);
    let text = serde_json::to_string(&draft).unwrap();
    assert!(!text.contains("\\u001b"), "no escape reaches the draft");
}
