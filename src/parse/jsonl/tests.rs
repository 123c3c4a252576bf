use super::*;
use crate::time::format_utc;

#[test]
fn journald_export_line() {
    let r = parse_journald(br#"{"__REALTIME_TIMESTAMP":"1534860261221373","PRIORITY":"1","_HOSTNAME":"imx6ul","SYSLOG_IDENTIFIER":"python","_PID":"184","MESSAGE":"boom"}"#).unwrap();
    assert_eq!(r.time, JsonTime::Utc(1_534_860_261_221_373));
    assert!(r.is_error);
    assert_eq!(
        (r.program.as_deref(), r.host.as_deref(), r.pid),
        (Some("python"), Some("imx6ul"), Some(184))
    );
    let bytes =
        parse_journald(br#"{"__REALTIME_TIMESTAMP":"1","PRIORITY":"6","MESSAGE":[104,105,255]}"#)
            .unwrap();
    assert_eq!(bytes.message, "hi\u{fffd}");
    assert!(!bytes.is_error);
}

#[test]
fn application_json_lines() {
    let r = parse_json_line(br#"{"time":"2023-09-10T08:15:02.5+02:00","level":"error","msg":"db timeout","logger":"api","status":503,"remote_addr":"1.2.3.4","path":"/x"}"#).unwrap();
    assert_eq!(
        r.time,
        JsonTime::Utc(
            crate::time::Civil {
                year: 2023,
                month: 9,
                day: 10,
                hour: 6,
                minute: 15,
                second: 2,
                micros: 500_000
            }
            .as_utc()
            .unwrap()
        )
    );
    assert!(r.is_error);
    assert_eq!(
        (
            r.status,
            r.client.as_deref(),
            r.program.as_deref(),
            r.message.as_str()
        ),
        (Some(503), Some("1.2.3.4"), Some("api"), "db timeout")
    );
    let pino = parse_json_line(br#"{"level":50,"time":1694333702000,"msg":"x"}"#).unwrap();
    assert!(pino.is_error);
    assert_eq!(pino.time, JsonTime::Utc(1_694_333_702_000_000));
    let ns = parse_json_line(br#"{"ts":1694333702123456789,"lvl":"info","message":"ok"}"#).unwrap();
    assert!(matches!(ns.time, JsonTime::Utc(t) if format_utc(t) == "2023-09-10T08:15:02Z"));
    assert!(!ns.is_error);
    let local =
        parse_json_line(br#"{"timestamp":"2023-09-10 08:15:02","severity":"WARN"}"#).unwrap();
    assert!(matches!(local.time, JsonTime::Local(c) if c.hour == 8));
    let nested =
        parse_json_line(br#"{"@timestamp":"2023-09-10T08:15:02Z","http":{"status_code":502}}"#)
            .unwrap();
    assert_eq!(
        nested.status,
        Some(502),
        "http.status_code is looked up one level down"
    );
    assert!(parse_json_line(br#"{"msg":"no time"}"#).is_none());
    assert!(parse_json_line(b"[1,2]").is_none());
}

#[test]
fn an_envoy_json_record_is_a_request_with_its_client_address_and_milliseconds() {
    let line = br#"{"authority":"api.example.com","downstream_remote_address":"198.51.100.4:51234","duration":1200,"method":"POST","path":"/api/v1/pay","response_code":503,"response_flags":"UF","start_time":"2023-09-10T08:15:02.118Z","upstream_host":"10.244.1.7:8080"}"#;
    let r = parse_json_line(line).expect("a record");
    assert_eq!(r.status, Some(503));
    assert!(r.is_error);
    assert_eq!(r.client.as_deref(), Some("198.51.100.4"));
    assert_eq!(r.latency, Some(1.2));
    assert_eq!(r.message, "POST /api/v1/pay 503 UF");
    assert_eq!(r.path.as_deref(), Some("/api/v1/pay"));
}

#[test]
fn addresses_lose_their_port_and_nothing_else() {
    assert_eq!(without_port("10.0.0.5:51234"), "10.0.0.5");
    assert_eq!(without_port("[2001:db8::1]:443"), "2001:db8::1");
    assert_eq!(without_port("2001:db8::1"), "2001:db8::1");
    assert_eq!(without_port("alice"), "alice");
    assert_eq!(without_port("host:http"), "host:http");
    assert_eq!(without_port(":80"), "");
    assert_eq!(without_port("a:"), "a:");
    assert_eq!(without_port("1:2:3"), "1:2:3");
    assert_eq!(without_port("a:1b2"), "a:1b2");
}

/// Go's slog and zap put what went wrong in `err`/`error`, Python's JSON formatters the whole
/// traceback in `exc_info`: the message alone ("quote failed", "Internal Server Error") named
/// only that something did.
#[test]
fn a_records_error_field_or_traceback_joins_its_message() {
    let slog = br#"{"time":"2025-03-04T10:15:02.118Z","level":"ERROR","msg":"quote failed","err":"dial tcp 10.20.0.7:5432: connect: connection refused"}"#;
    let r = parse_json_line(slog).expect("a record");
    assert_eq!(
        r.message,
        "quote failed: dial tcp 10.20.0.7:5432: connect: connection refused"
    );
    let python = br#"{"asctime":"2025-03-04 10:15:02,118","levelname":"ERROR","message":"Internal Server Error: /checkout/","exc_info":"Traceback (most recent call last):\n  File \"/srv/shop/checkout/views.py\", line 47, in checkout\n    user_id = request.session[\"user_id\"]\nKeyError: 'user_id'","timestamp":"2025-03-04T10:15:02.118Z"}"#;
    let r = parse_json_line(python).expect("a record");
    assert_eq!(
        r.message,
        "Internal Server Error: /checkout/: KeyError: 'user_id'"
    );
    // ECS nests it: `error.message`.
    let ecs = br#"{"@timestamp":"2025-03-04T10:15:02.118Z","log.level":"error","message":"payment declined","error":{"type":"java.net.SocketTimeoutException","message":"Read timed out"}}"#;
    let r = parse_json_line(ecs).expect("a record");
    assert_eq!(r.message, "payment declined: Read timed out");
    // The fast reader and the general one agree.
    for line in [&slog[..], &python[..], &ecs[..]] {
        assert_eq!(
            read_json_line(line),
            parse_json_line_general(line).unwrap().entry()
        );
    }
}

#[test]
fn times_written_as_objects_by_mongodb_and_log4j2() {
    // MongoDB 4.4+ structured log, and log4j2's JsonLayout (as in lnav's test logs).
    let mongo = br#"{"t":{"$date":"2026-03-10T20:58:09.401+00:00"},"s":"I","c":"NETWORK","id":22943,"ctx":"listener","msg":"Connection accepted"}"#;
    let r = parse_json_line(mongo).expect("a record");
    assert_eq!(r.time, JsonTime::Utc(1_773_176_289_401_000));
    assert_eq!(r.message, "Connection accepted");
    let log4j = br#"{"instant":{"epochSecond": 1663977609,"nanoOfSecond": 484000000}, "msg": "Hello, World!"}"#;
    let r = parse_json_line(log4j).expect("a record");
    assert_eq!(r.time, JsonTime::Utc(1_663_977_609_484_000));
    assert!(parse_json_line(br#"{"t":{"$date":"soon"},"msg":"x"}"#).is_none());
}

#[test]
fn a_kong_log_plugin_record_is_a_request_with_its_latency_in_milliseconds() {
    // Kong's file-log plugin, trimmed to the fields read.
    let line = br#"{"started_at":1490386367764,"response":{"status":500,"size":4433},"request":{"method":"GET","uri":"/example/uri/5","headers":{"host":"example.com"}},"client_ip":"1.1.1.1","latencies":{"request":215,"kong":10,"proxy":205}}"#;
    let r = parse_json_line(line).expect("a record");
    assert_eq!(r.time, JsonTime::Utc(1_490_386_367_764_000));
    assert_eq!(r.status, Some(500));
    assert!(r.is_error);
    assert_eq!(r.client.as_deref(), Some("1.1.1.1"));
    assert_eq!(r.path.as_deref(), Some("/example/uri/5"));
    assert_eq!(r.latency, Some(0.215));
    assert_eq!(read_json_line(line), r.entry());
}
