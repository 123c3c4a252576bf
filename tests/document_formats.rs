//! Formats of JSON documents that hold many records, through the real binary: Kubernetes
//! events from `kubectl get events -o json` (a list, or a `--watch` stream) and OpenTelemetry
//! OTLP JSON exports, each record cited at the line it starts on.

mod common;

use assert_cmd::Command;
use common::series_totals;
use serde_json::Value;

fn run(args: &[&str], dir: &std::path::Path) -> Vec<u8> {
    let out = Command::cargo_bin("postmortem")
        .expect("binary")
        .args(args)
        .arg(dir)
        .output()
        .expect("runs");
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// One event as kubectl prints an item of a list (keys sorted, eight spaces in).
fn event(reason: &str, kind: &str, name: &str, kind_of_event: &str, at: &str, msg: &str) -> String {
    format!(
        r#"        {{
            "apiVersion": "v1",
            "count": 1,
            "eventTime": null,
            "firstTimestamp": "{at}",
            "involvedObject": {{
                "kind": "{kind}",
                "name": "{name}",
                "namespace": "shop"
            }},
            "kind": "Event",
            "lastTimestamp": "{at}",
            "message": "{msg}",
            "metadata": {{
                "creationTimestamp": "{at}",
                "name": "{name}.17d0c2f1a9b3e4c5",
                "namespace": "shop"
            }},
            "reason": "{reason}",
            "source": {{
                "component": "{component}",
                "host": "node-2"
            }},
            "type": "{kind_of_event}"
        }}"#,
        component = if kind == "Node" {
            "kernel-monitor"
        } else {
            "kubelet"
        },
    )
}

#[test]
fn kubectl_events_are_actions_and_evidence_cited_at_their_lines() {
    let dir = tempfile::tempdir().unwrap();
    let items = [
        event(
            "ScalingReplicaSet",
            "Deployment",
            "web",
            "Normal",
            "2024-05-17T15:04:22Z",
            "Scaled up replica set web-7d4b9c8f6 to 3",
        ),
        event(
            "Killing",
            "Pod",
            "web-5f6-abcde",
            "Normal",
            "2024-05-17T15:04:30Z",
            "Stopping container web",
        ),
        event(
            "OOMKilling",
            "Node",
            "node-2",
            "Warning",
            "2024-05-17T15:05:02Z",
            "Memory cgroup out of memory: Killed process 4242 (java) total-vm:4194304kB",
        ),
        event(
            "BackOff",
            "Pod",
            "web-7d4b9c8f6-x2x9k",
            "Warning",
            "2024-05-17T15:05:10Z",
            "Back-off restarting failed container web in pod web-7d4b9c8f6-x2x9k_shop",
        ),
        event(
            "FailedScheduling",
            "Pod",
            "web-7d4b9c8f6-q8r7t",
            "Warning",
            "2024-05-17T15:05:40Z",
            "0/3 nodes are available: 3 Insufficient memory.",
        ),
    ];
    let text = format!(
        "{{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n{}\n    ],\n    \"kind\": \"List\",\n    \"metadata\": {{\n        \"resourceVersion\": \"\"\n    }}\n}}\n",
        items.join(",\n")
    );
    std::fs::write(dir.path().join("events.json"), &text).unwrap();
    // The line each item starts on, as a person would find it in the file.
    let lines: Vec<u64> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| *l == "        {")
        .map(|(i, _)| i as u64 + 1)
        .collect();
    assert_eq!(lines.len(), 5);

    let scan = String::from_utf8(run(&["scan"], dir.path())).unwrap();
    assert!(scan.contains("kubernetes events"), "{scan}");

    let rows: Vec<Value> = String::from_utf8(run(&["timeline", "--json"], dir.path()))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON row"))
        .collect();
    let action = |line: u64| {
        rows.iter()
            .find(|r| r["kind"] == "action" && r["line"] == line)
            .unwrap_or_else(|| panic!("an action at line {line}: {rows:?}"))
    };
    assert_eq!(action(lines[0])["action"], "scale");
    assert_eq!(action(lines[0])["time"], "2024-05-17T15:04:22Z");
    assert_eq!(action(lines[0])["file"], "events.json");
    assert_eq!(action(lines[1])["action"], "stop");
    assert_eq!(action(lines[2])["action"], "oom_kill");
    assert_eq!(action(lines[3])["action"], "service_failed");

    let draft: Value = serde_json::from_slice(&run(&["draft", "--json"], dir.path())).unwrap();
    let input = &draft["inputs"][0];
    assert_eq!(input["format"], "kube_events");
    assert_eq!(input["lines_read"], text.lines().count());
    assert_eq!(input["lines_parsed"], text.lines().count());
    let totals = series_totals(&draft);
    assert_eq!(totals, (5, 3), "five events, three of them warnings");
}

#[test]
fn a_kubectl_watch_stream_of_pretty_printed_events_is_read_event_by_event() {
    let dir = tempfile::tempdir().unwrap();
    // `kubectl get events -w -o json` prints each change as its own pretty-printed object.
    let one = |count: u32, last: &str| {
        format!(
            "{{\n    \"apiVersion\": \"v1\",\n    \"count\": {count},\n    \"firstTimestamp\": \"2024-05-17T15:06:00Z\",\n    \"involvedObject\": {{\n        \"kind\": \"Pod\",\n        \"name\": \"web-1\"\n    }},\n    \"kind\": \"Event\",\n    \"lastTimestamp\": \"{last}\",\n    \"message\": \"Readiness probe failed: HTTP probe failed with statuscode: 503\",\n    \"reason\": \"Unhealthy\",\n    \"source\": {{\n        \"component\": \"kubelet\",\n        \"host\": \"node-1\"\n    }},\n    \"type\": \"Warning\"\n}}\n"
        )
    };
    let text = [
        one(1, "2024-05-17T15:06:00Z"),
        one(2, "2024-05-17T15:06:10Z"),
        one(3, "2024-05-17T15:06:20Z"),
    ]
    .concat();
    std::fs::write(dir.path().join("watch.json"), &text).unwrap();
    let draft: Value = serde_json::from_slice(&run(&["draft", "--json"], dir.path())).unwrap();
    let input = &draft["inputs"][0];
    assert_eq!(input["format"], "kube_events");
    assert_eq!(input["first_time"], "2024-05-17T15:06:00Z");
    assert_eq!(input["last_time"], "2024-05-17T15:06:20Z");
    assert_eq!(input["lines_skipped"], 0);
}

#[test]
fn an_hour_of_otlp_exports_is_counted_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    let (mut requests, mut failed) = (0u64, 0u64);
    let start: u64 = 1_715_958_000; // 2024-05-17T15:00:00Z
    // The collector's file exporter: one export request a line, ten records each.
    for batch in 0..360u64 {
        let mut records = Vec::new();
        for k in 0..10u64 {
            let s = batch * 10 + k;
            let status = if s % 25 == 3 { 503 } else { 200 };
            requests += 1;
            failed += u64::from(status == 503);
            let (number, level) = if status == 503 {
                (17, "ERROR")
            } else {
                (9, "INFO")
            };
            records.push(format!(
                r#"{{"timeUnixNano":"{}","observedTimeUnixNano":"{}","severityNumber":{number},"severityText":"{level}","body":{{"stringValue":"GET /api/items {status}"}},"attributes":[{{"key":"http.response.status_code","value":{{"intValue":"{status}"}}}},{{"key":"url.path","value":{{"stringValue":"/api/items"}}}},{{"key":"client.address","value":{{"stringValue":"198.51.100.{}"}}}}],"traceId":"","spanId":""}}"#,
                (start + s) * 1_000_000_000 + 250_000_000,
                (start + s) * 1_000_000_000 + 260_000_000,
                s % 200,
            ));
        }
        text.push_str(&format!(
            r#"{{"resourceLogs":[{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"api"}}}}]}},"scopeLogs":[{{"scope":{{"name":"api.http"}},"logRecords":[{}]}}]}}]}}"#,
            records.join(",")
        ));
        text.push('\n');
    }
    std::fs::write(dir.path().join("otel-logs.json"), text).unwrap();
    let draft: Value = serde_json::from_slice(&run(&["draft", "--json"], dir.path())).unwrap();
    let input = &draft["inputs"][0];
    assert_eq!(input["format"], "otlp");
    assert_eq!(input["lines_read"], 360);
    assert_eq!(input["lines_parsed"], 360);
    let totals = series_totals(&draft);
    assert_eq!(totals, (requests, failed));
    assert_eq!((requests, failed), (3600, 144));
    assert!(
        draft["signal"].as_str().unwrap_or("").contains("request"),
        "records with statuses are requests: {}",
        draft["signal"]
    );
}

/// Two watch streams of the same size from two clusters (one digit apart) are two sources:
/// document files had no content digest, so any two of one format and one size were taken
/// for copies and the second's events were dropped.
#[test]
fn regression_two_event_files_of_one_size_are_not_copies() {
    let dir = tempfile::tempdir().unwrap();
    let stream = |host: &str| {
        format!(
            "{{\"apiVersion\": \"v1\", \"count\": 1, \"firstTimestamp\": \"2024-05-17T15:06:00Z\", \"involvedObject\": {{\"kind\": \"Pod\", \"name\": \"web-1\"}}, \"kind\": \"Event\", \"lastTimestamp\": \"2024-05-17T15:06:00Z\", \"message\": \"Back-off restarting failed container\", \"reason\": \"BackOff\", \"source\": {{\"component\": \"kubelet\", \"host\": \"{host}\"}}, \"type\": \"Warning\"}}\n"
        )
    };
    std::fs::create_dir_all(dir.path().join("a")).unwrap();
    std::fs::create_dir_all(dir.path().join("b")).unwrap();
    std::fs::write(dir.path().join("a/events.json"), stream("node-1")).unwrap();
    std::fs::write(dir.path().join("b/events.json"), stream("node-2")).unwrap();
    let draft: Value = serde_json::from_slice(&run(&["draft", "--json"], dir.path())).unwrap();
    let inputs = draft["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 2);
    for input in inputs {
        assert!(
            input.get("duplicate_of").is_none_or(Value::is_null),
            "{input}"
        );
    }
    assert_eq!(series_totals(&draft).0, 2, "both events counted");
}

/// Record files are streamed in segments cut where no document is open: reading one in
/// segments of any size gives the summary reading it whole gives (records, cited lines,
/// skipped lines and why, the digest). OpenTelemetry export files were read whole and cut at
/// 256 MiB, so a large one took memory as large as itself and lost the rest.
#[test]
fn otlp_exports_streamed_in_segments_read_as_the_whole_file_does() {
    use postmortem::aggregate::chunk::ChunkContext;
    use postmortem::parse::Format;
    let record = |s: u64, status: u32| {
        format!(
            r#"{{"timeUnixNano":"{}","severityNumber":9,"body":{{"stringValue":"GET /x {status} \"q\" {{[\"}}"}},"attributes":[{{"key":"http.response.status_code","value":{{"intValue":"{status}"}}}}]}}"#,
            (1_715_958_000 + s) * 1_000_000_000
        )
    };
    let export = |records: &[String], pretty: bool| {
        let sep = if pretty { ",\n    " } else { "," };
        let body = format!(
            r#"{{"resourceLogs":[{{"scopeLogs":[{{"logRecords":[{}]}}]}}]}}"#,
            records.join(sep)
        );
        if pretty {
            body.replace("[{", "[\n  {")
        } else {
            body
        }
    };
    let mut text = String::new();
    for batch in 0..40u64 {
        let records: Vec<String> = (0..3)
            .map(|k| record(batch * 3 + k, if (batch + k) % 7 == 0 { 503 } else { 200 }))
            .collect();
        text.push_str(&export(&records, batch % 5 == 0));
        text.push('\n');
        if batch % 9 == 4 {
            text.push_str("{\"resourceLogs\": [ broken\n\n");
        }
    }
    let context = ChunkContext::new(Format::Otlp, 0, 60_000_000, chrono_tz::UTC.into());
    let whole = postmortem::pipeline::read_record_bytes(text.as_bytes(), &context);
    assert!(
        whole.parsed > 40 && whole.skipped >= 4,
        "{} {}",
        whole.parsed,
        whole.skipped
    );
    let whole = serde_json::to_value(&whole).unwrap();
    for segment in [1, 7, 64, 500, 4096, 1 << 20] {
        let (streamed, errors) = postmortem::pipeline::read_record_stream(
            text.as_bytes(),
            "otel.json",
            &context,
            segment,
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            serde_json::to_value(&streamed).unwrap(),
            whole,
            "segments of {segment}"
        );
    }
}

/// A `kubectl get events -o json` List of `n` warnings a second apart, one of them broken.
fn list_with_a_bad_event(n: usize, bad: &str) -> String {
    let items: Vec<String> = (0..n)
        .map(|i| {
            let at = format!("2024-05-17T15:{:02}:{:02}Z", i / 60 % 60, i % 60);
            let e = event(
                "BackOff",
                "Pod",
                &format!("web-{i}"),
                "Warning",
                &at,
                "Back-off restarting failed container",
            );
            if i == n / 2 {
                e.replace("\"count\": 1,", bad)
            } else {
                e
            }
        })
        .collect();
    format!(
        "{{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n{}\n    ],\n    \"kind\": \"List\",\n    \"metadata\": {{\n        \"resourceVersion\": \"\"\n    }}\n}}\n",
        items.join(",\n")
    )
}

#[test]
fn one_bad_event_costs_only_itself_and_a_list_is_read_in_any_segments() {
    use postmortem::aggregate::chunk::ChunkContext;
    use postmortem::parse::Format;
    let context = ChunkContext::new(Format::KubeEvents, 0, 60_000_000, chrono_tz::UTC.into());
    for bad in [
        r#""count": 1, "note": "lone \ud800 surrogate","#,
        r#""count": 1,,"#,
    ] {
        let text = list_with_a_bad_event(400, bad);
        let whole = postmortem::pipeline::read_record_bytes(text.as_bytes(), &context);
        assert_eq!(
            (
                whole.series.bins.values().map(|c| c.total).sum::<u64>(),
                whole.skipped
            ),
            (399, 25),
            "399 events read, the broken one's 25 lines skipped ({bad})"
        );
        assert_eq!(whole.lines, text.lines().count() as u64);
        assert_eq!(whole.parsed + whole.skipped + whole.blank, whole.lines);
        let whole = serde_json::to_value(&whole).unwrap();
        for segment in [1, 64, 4096] {
            let (streamed, errors) = postmortem::pipeline::read_record_stream(
                text.as_bytes(),
                "events.json",
                &context,
                segment,
            );
            assert!(errors.is_empty());
            assert_eq!(
                serde_json::to_value(&streamed).unwrap(),
                whole,
                "segments of {segment}"
            );
        }
    }
}
