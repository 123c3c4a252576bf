//! Exports of log platforms through the real binary, each holding the hour of traffic of the
//! request-format tests (`common::hour`) as nginx lines, written as the platform writes
//! them, oldest first and newest first: requests and 5xx exact, p95 within the sketch's
//! bound. The line inside a row stays a request; the export's labels name its source.

mod common;

use common::hour::{Req, check_text, hour};
use serde_json::{Value, json};

/// 2023-09-10 08:00:00 UTC.
const HOUR_START: i64 = 1_694_332_800;

fn nginx_line(r: &Req) -> String {
    common::hour::nginx_timed_line(r)
}

fn unix(r: &Req) -> i64 {
    HOUR_START + i64::from(r.second)
}

fn rfc3339(r: &Req) -> String {
    format!("2023-09-10T08:{:02}:{:02}.000Z", r.minute, r.sec)
}

/// The hour oldest first and newest first.
fn both_orders() -> [Vec<Req>; 2] {
    let mut newest_first = hour();
    newest_first.reverse();
    [hour(), newest_first]
}

/// Checks `write` in both orders of the hour, named `name`.
fn check_export(name: &str, format: &str, write: impl Fn(&[Req]) -> String) {
    for rows in both_orders() {
        check_text(name, format, &write(&rows));
    }
}

fn pod(r: &Req) -> String {
    format!("web-{}", r.second % 3)
}

#[test]
fn elasticsearch_search_response_compact_and_pretty_and_in_scroll_pages() {
    let hit = |r: &Req| {
        json!({"_index": "filebeat-8.10.0-2023.09.10", "_id": format!("id{}", r.second), "_score": null,
            "_source": {"@timestamp": rfc3339(r), "message": nginx_line(r),
                "host": {"name": pod(r)}, "log": {"file": {"path": "/var/log/nginx/access.log"}},
                "ecs": {"version": "8.0.0"}},
            "sort": [unix(r) * 1000]})
    };
    let response = |rows: &[Req]| {
        json!({"took": 41, "timed_out": false, "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
            "hits": {"total": {"value": rows.len(), "relation": "eq"}, "max_score": null,
                "hits": rows.iter().map(hit).collect::<Vec<_>>()}})
    };
    check_export("search.json", "elasticsearch", |rows| {
        response(rows).to_string()
    });
    check_export("search.json", "elasticsearch", |rows| {
        serde_json::to_string_pretty(&response(rows)).unwrap()
    });
    // A scroll: pages one after another, each with its `_scroll_id`.
    check_export("scroll.json", "elasticsearch", |rows| {
        rows.chunks(1000)
            .map(|page| {
                let mut r = response(page);
                r["_scroll_id"] = json!("FGluY2x1ZGVfY29udGV4dF91dWlk");
                r.to_string() + "\n"
            })
            .collect()
    });
    // elasticdump writes a hit a line.
    check_export("dump.json", "export_lines", |rows| {
        rows.iter().map(|r| hit(r).to_string() + "\n").collect()
    });
}

#[test]
fn cloudwatch_filter_log_events_as_the_aws_cli_prints_it() {
    let event = |r: &Req| {
        json!({"logStreamName": format!("ecs/nginx/{}", pod(r)), "timestamp": unix(r) * 1000,
            "message": nginx_line(r), "ingestionTime": unix(r) * 1000 + 412,
            "eventId": format!("3740282993485{:010}", r.second)})
    };
    check_export("events.json", "cloudwatch", |rows| {
        let doc = json!({"events": rows.iter().map(event).collect::<Vec<_>>(),
            "searchedLogStreams": [{"logStreamName": "ecs/nginx/web-0", "searchedCompletely": true}]});
        // The CLI indents by four spaces.
        let mut out = Vec::new();
        let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
        let mut ser = serde_json::Serializer::with_formatter(&mut out, fmt);
        serde::Serialize::serialize(&doc, &mut ser).unwrap();
        String::from_utf8(out).unwrap()
    });
    // `jq -c '.events[]'`.
    check_export("events.jsonl", "export_lines", |rows| {
        rows.iter().map(|r| event(r).to_string() + "\n").collect()
    });
}

#[test]
fn loki_query_response_and_logcli_jsonl() {
    check_export("query_range.json", "loki", |rows| {
        let streams: Vec<Value> = (0..3)
            .map(|n| {
                let values: Vec<Value> = rows
                    .iter()
                    .filter(|r| r.second % 3 == n)
                    .map(|r| json!([format!("{}000000000", unix(r)), nginx_line(r)]))
                    .collect();
                json!({"stream": {"container": "nginx", "pod": format!("web-{n}"), "namespace": "shop"}, "values": values})
            })
            .collect();
        json!({"status": "success", "data": {"resultType": "streams", "result": streams,
            "stats": {"summary": {"bytesProcessedPerSecond": 1}}}})
        .to_string()
    });
    check_export("logcli.jsonl", "export_lines", |rows| {
        rows.iter()
            .map(|r| {
                json!({"labels": {"container": "nginx", "pod": pod(r)}, "line": nginx_line(r),
                    "timestamp": format!("2023-09-10T08:{:02}:{:02}Z", r.minute, r.sec)})
                .to_string()
                    + "\n"
            })
            .collect()
    });
}

#[test]
fn cloud_logging_gcloud_array_and_entries_a_line() {
    let entry = |r: &Req| {
        json!({"insertId": format!("1x{}", r.second), "logName": "projects/shop/logs/stdout",
            "receiveTimestamp": rfc3339(r),
            "resource": {"labels": {"cluster_name": "prod", "container_name": "nginx",
                "namespace_name": "shop", "pod_name": pod(r), "project_id": "shop"}, "type": "k8s_container"},
            "severity": "INFO", "textPayload": nginx_line(r), "timestamp": rfc3339(r)})
    };
    check_export("gcloud.json", "cloud_logging", |rows| {
        serde_json::to_string_pretty(&rows.iter().map(entry).collect::<Vec<_>>()).unwrap()
    });
    check_export("entries.jsonl", "export_lines", |rows| {
        rows.iter().map(|r| entry(r).to_string() + "\n").collect()
    });
}

#[test]
fn splunk_json_and_csv_exports() {
    check_export("splunk.json", "export_lines", |rows| {
        rows.iter()
            .enumerate()
            .map(|(n, r)| {
                json!({"preview": false, "offset": n, "result": {"_raw": nginx_line(r),
                    "_time": format!("2023-09-10T08:{:02}:{:02}.000+00:00", r.minute, r.sec),
                    "host": pod(r), "index": "main", "source": "/var/log/nginx/access.log",
                    "sourcetype": "access_combined", "splunk_server": "idx-1"}})
                .to_string()
                    + "\n"
            })
            .collect()
    });
    check_export("splunk.csv", "csv_export", |rows| {
        let mut text = String::from(
            "\"_serial\",\"_time\",source,sourcetype,host,index,\"splunk_server\",\"_raw\"\n",
        );
        for (n, r) in rows.iter().enumerate() {
            text.push_str(&format!(
                "{n},\"2023-09-10T08:{:02}:{:02}.000+0000\",\"/var/log/nginx/access.log\",\"access_combined\",\"{}\",main,\"idx-1\",\"{}\"\n",
                r.minute, r.sec, pod(r), nginx_line(r).replace('"', "\"\"")
            ));
        }
        text
    });
}

#[test]
fn kibana_and_cloudwatch_insights_csv_downloads() {
    check_export("discover.csv", "csv_export", |rows| {
        let mut text = String::from("\"@timestamp\",\"host.name\",message\n");
        for r in rows {
            text.push_str(&format!(
                "\"Sep 10, 2023 @ 08:{:02}:{:02}.000\",\"{}\",\"{}\"\n",
                r.minute,
                r.sec,
                pod(r),
                nginx_line(r).replace('"', "\"\"")
            ));
        }
        text
    });
    check_export("logs-insights-results.csv", "csv_export", |rows| {
        let mut text = String::from("@timestamp,@message,@logStream,@log\n");
        for r in rows {
            text.push_str(&format!(
                "2023-09-10 08:{:02}:{:02}.000,\"{}\",{},123456789012:/ecs/nginx\n",
                r.minute,
                r.sec,
                nginx_line(r).replace('"', "\"\""),
                pod(r)
            ));
        }
        text
    });
}

/// The hour as a Loki response whose pod `web-2` fails every request from 08:20 to 08:30,
/// one stream a pod, with a bad value among them.
fn loki_with_one_pod_failing() -> String {
    let streams: Vec<Value> = (0..3)
        .map(|n| {
            let mut values: Vec<Value> = hour()
                .iter()
                .filter(|r| r.second % 3 == n)
                .map(|r| {
                    let failing = n == 2 && (20..30).contains(&r.minute);
                    let r = Req {
                        status: if failing { 503 } else { 200 },
                        ..*r
                    };
                    json!([format!("{}000000000", unix(&r)), nginx_line(&r)])
                })
                .collect();
            values.insert(5, json!(["not a time", 42]));
            json!({"stream": {"container": "nginx", "pod": format!("web-{n}")}, "values": values})
        })
        .collect();
    json!({"status": "success", "data": {"resultType": "streams", "result": streams}}).to_string()
}

#[test]
fn an_exports_labels_name_its_sources_and_a_bad_record_costs_only_itself() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("query_range.json"),
        loki_with_one_pod_failing(),
    )
    .unwrap();
    let draft = common::hour::draft_json(dir.path(), &[]);
    let input = &draft["inputs"][0];
    assert_eq!(input["format"], "loki", "{input:#}");
    // The response is one line: its records that read make it parsed, and each bad value
    // (one a stream) is shown with why.
    assert_eq!(input["lines_skipped"], 0, "{input:#}");
    let reasons: Vec<&str> = input["skipped_examples"]
        .as_array()
        .expect("examples")
        .iter()
        .map(|e| e["reason"].as_str().expect("a reason"))
        .collect();
    assert_eq!(
        reasons, ["a Loki value without a time in nanoseconds"; 3],
        "{input:#}"
    );
    assert_eq!(common::series_totals(&draft).0, 3600);
    let incident = &draft["incidents"][0];
    let showed: Vec<&str> = incident["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .filter(|s| s["showed_incident"] == true)
        .map(|s| s["file"].as_str().expect("a name"))
        .collect();
    assert_eq!(showed, ["web-2"], "{incident:#}");
    assert!(
        incident["start"]
            .as_str()
            .unwrap_or("")
            .starts_with("2023-09-10T08:2"),
        "{incident:#}"
    );
}
