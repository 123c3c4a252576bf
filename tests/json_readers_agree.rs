//! The one-pass JSON record reader against the general one (`serde_json`): on every line below,
//! as the loggers named write it, and on each with one byte changed or deleted at every
//! position, the fast reader either declines or gives exactly the general reader's entry.

mod common;

use postmortem::parse::jsonl::{parse_json_line_general, read_json_line_fast};

/// Lines as real programs write them (the keys and value shapes of each logger), and the
/// shapes a reader can trip on: escapes, non-ASCII, nesting, duplicates, odd numbers.
const LINES: &[&str] = &[
    // Go log/slog JSON handler.
    r#"{"time":"2023-09-10T08:15:02.123456789+02:00","level":"ERROR","msg":"upstream timed out","service":"checkout","status":504,"duration":"1.2s"}"#,
    // pino (Node): numeric level and epoch milliseconds.
    r#"{"level":50,"time":1694333702000,"pid":4242,"hostname":"web-1","msg":"db connection refused","err":{"type":"Error","message":"ECONNREFUSED","stack":"Error: ECONNREFUSED\n    at TCPConnectWrap"}}"#,
    // bunyan.
    r#"{"name":"api","hostname":"web-2","pid":77,"level":30,"msg":"request served","time":"2023-09-10T08:15:02.118Z","v":0,"req":{"method":"GET","url":"/v1/users"}}"#,
    // zap production encoder: epoch seconds with a fraction.
    r#"{"level":"error","ts":1694333702.1234567,"caller":"server/handler.go:88","msg":"payment declined","status_code":502,"remote_ip":"10.1.2.3","latency":0.0421}"#,
    // logrus JSON formatter.
    r#"{"level":"warning","msg":"retrying \"orders\" in 2s","time":"2023-09-10T08:15:02Z","component":"worker"}"#,
    // zerolog.
    r#"{"level":"info","service":"auth","method":"POST","path":"/login","status":200,"duration_ms":12.5,"time":"2023-09-10T08:15:02Z","message":"ok"}"#,
    // Caddy access log: seconds, nested request.
    r#"{"level":"info","ts":1694333702.118,"logger":"http.log.access","msg":"handled request","request":{"remote_ip":"198.51.100.7","method":"GET","uri":"/index.html"},"duration":0.00213,"status":200}"#,
    // Google Cloud structured logging: nested httpRequest, latency as "0.012s".
    r#"{"severity":"ERROR","timestamp":"2023-09-10T08:15:02.5Z","message":"backend failed","httpRequest":{"status":503,"remoteIp":"203.0.113.9","requestUrl":"/api/cart","latency":"0.012s"}}"#,
    // The same, flattened with dotted keys.
    r#"{"severity":"ERROR","timestamp":"2023-09-10T08:15:02.5Z","message":"backend failed","httpRequest.status":503,"httpRequest.remoteIp":"203.0.113.9","httpRequest.latency":"0.012s"}"#,
    // Elastic Common Schema: @timestamp, nested log.level, nested http.
    r#"{"@timestamp":"2023-09-10T08:15:02.000Z","log":{"level":"error","logger":"app"},"message":"Out of memory","http":{"status_code":500},"service":{"name":"cart"}}"#,
    r#"{"@timestamp":"2023-09-10T08:15:02.000Z","log.level":"warn","message":"slow query","ecs.version":"1.6.0"}"#,
    // Envoy / Istio JSON access log (no message; milliseconds).
    r#"{"authority":"api.example.com","downstream_remote_address":"198.51.100.4:51234","duration":1200,"method":"POST","path":"/api/v1/pay","response_code":503,"response_flags":"UF","start_time":"2023-09-10T08:15:02.118Z","upstream_host":"10.244.1.7:8080"}"#,
    r#"{"start_time":"2023-09-10T08:15:02.118Z","response_code":200,"response_flags":"-","message":"ok","downstream_remote_address":"[2001:db8::1]:443"}"#,
    // Cloudflare Logpush.
    r#"{"ClientIP":"192.0.2.10","ClientRequestURI":"/checkout","EdgeResponseStatus":521,"EdgeStartTimestamp":"2023-09-10T08:15:02Z","EdgeTimeToFirstByteMs":830}"#,
    // Kubernetes JSON logs (klog's JSON format).
    r#"{"ts":1694333702118.5,"caller":"kubelet.go:2230","msg":"SyncLoop (PLEG): event for pod","v":0,"pod":{"name":"api-7d9","namespace":"prod"}}"#,
    // Python json logger, local time without an offset.
    r#"{"asctime":"x","timestamp":"2023-09-10 08:15:02,123","levelname":"ERROR","level":"ERROR","name":"app.db","message":"deadlock detected"}"#,
    r#"{"datetime":"2023-09-10 08:15:02.5","lvl":"err","text":"disk full","host":"db-3"}"#,
    // Microseconds and nanoseconds since the epoch, as strings and as numbers.
    r#"{"t":"1694333702123456","loglevel":"fatal","msg":"boom"}"#,
    r#"{"ts":1694333702123456789,"level":"info","msg":"tick"}"#,
    r#"{"date":1694333702,"severity":3,"message":"priority 3 is an error"}"#,
    // Escapes and non-ASCII everywhere.
    r#"{"time":"2023-09-10T08:15:02Z","level":"error","msg":"caf\u00e9 \ud83d\ude00 tab\there\\ \/ \"q\"","app":"ünï","host":"h\u0041","remote_addr":"10.0.0.1","status":"500"}"#,
    r#"{"time":"2023-09-10T08:15:02Z","msg":"lone \ud800 surrogate","level":"error"}"#,
    r#"{"time":"2023-09-10T08:15:02Z","msg":"日本語のメッセージ","level":"info","logger":"ジョブ"}"#,
    // Odd values: nulls, booleans, arrays, objects, duplicates, numbers in text roles.
    r#"{"time":null,"ts":1694333702,"msg":"null time first"}"#,
    r#"{"time":"2023-09-10T08:15:02Z","msg":null,"level":true,"status":null,"logger":["a"],"host":{"x":1}}"#,
    r#"{"time":"2023-09-10T08:15:02Z","msg":42,"status":200}"#,
    r#"{"time":"2023-09-10T08:15:02Z","msg":[104,105],"status":200}"#,
    r#"{"time":"2023-09-10T08:15:02Z","time":"2023-09-10T09:15:02Z","level":"info","level":"error","msg":"dup"}"#,
    r#"{"time":"2023-09-10T08:15:02Z","status":-0,"pid":-1,"latency":1e400,"duration":"12ms","msg":"numbers"}"#,
    r#"{"time":"2023-09-10T08:15:02Z","status":5.03e2,"took":-0.5,"elapsed":"1m","msg":"numbers 2"}"#,
    r#"{"time":"2023-09-10T08:15:02Z","status":99999999999999999999,"response_time":"0.3","msg":"big"}"#,
    r#"{"time":1e400,"ts":1694333702,"msg":"time out of range"}"#,
    r#"  {"time" : "2023-09-10T08:15:02Z" , "msg" : "spaced" , "a" : [ 1 , { "b" : [ ] } ] }  "#,
    r#"{"time":"2023-09-10T08:15:02Z","deep":[[[[[[[[[[[[[[[[[[[[{"x":[[[[[[]]]]]]}]]]]]]]]]]]]]]]]]]]],"msg":"deep"}"#,
    r#"{"time":"2023-09-10T08:15:02Z","k\"ey":1,"msg":"escaped key"}"#,
    r#"{"time":"2023-09-10T08:15:02Z","http":"not an object","request":[1],"msg":"parents that are not objects"}"#,
    // Dotted keys: written as such beside a parent (the written one wins), a parent twice (the
    // last counts, even when it is no object), a child twice, a child with an escaped key.
    r#"{"ts":1694333702,"msg":"m","request.uri":"/flat","request":{"uri":"/nested","remote_ip":"10.0.0.9"},"status":502}"#,
    r#"{"ts":1694333702,"msg":"m","request":{"uri":"/first"},"request":{"remote_ip":"10.0.0.9"},"status":502}"#,
    r#"{"ts":1694333702,"msg":"m","httpRequest":{"status":503},"httpRequest":"gone"}"#,
    r#"{"ts":1694333702,"msg":"m","http":{"status_code":500,"status_code":200,"path":"/p","path":"/q"}}"#,
    r#"{"ts":1694333702,"msg":"m","request":{"u\u0072i":"/escaped","remote_ip":"10.0.0.9"},"status":500}"#,
    r#"{"ts":1694333702,"log":{"level":{"nested":"deeper"}},"msg":"a parent's child that is an object"}"#,
    // A parent `serde_json` cannot read into a value: the general reader finds no child in it
    // (the fuzz target found the first).
    r#"{"ts":1694333702,"msg":"m","log":{"level":"error","x":"lone \ude00"}}"#,
    r#"{"ts":1694333702,"msg":"m","log":{"level":"error","x":1e400}}"#,
    // Any container `serde_json` cannot read is no value to the general reader, which goes on
    // to the role's next key (found by the fuzz target).
    r#"{"ts":1694333702,"msg":"m","status":["\ud800"],"status_code":500}"#,
    r#"{"ts":1694333702,"msg":"m","status":503,"remote_addr":{"x":"\ud812s"},"downstream_remote_address":1200}"#,
    r#"{"__REALTIME_TIMESTAMP":"1534860261221373","PRIORITY":"3","MESSAGE":"journald","time":"2023-09-10T08:15:02Z"}"#,
    r#"{"msg":"no time at all","level":"error"}"#,
    r#"{}"#,
    r#"[{"time":"2023-09-10T08:15:02Z"}]"#,
];

/// Every byte a JSON line could be broken or re-shaped by.
const MUTATIONS: &[u8] = b" \"\\{}[],:0-9eE+./ntu\t\xc3\xff";

#[test]
fn the_one_pass_json_reader_agrees_with_the_general_one_on_every_line_and_mutation() {
    let (mut checked, mut fast_taken) = (0, 0);
    for line in LINES {
        for v in &common::one_byte_mutations(line.as_bytes(), MUTATIONS) {
            checked += 1;
            let Some(fast) = read_json_line_fast(v) else {
                continue;
            };
            fast_taken += 1;
            let general = parse_json_line_general(v).map(|r| r.entry());
            assert_eq!(Some(fast), general, "{}", String::from_utf8_lossy(v));
        }
    }
    assert!(
        checked > 100_000 && fast_taken > checked / 4,
        "{checked} lines, {fast_taken} read by the fast path"
    );
}

/// The fast reader takes the common shapes itself (else it would be no faster), nested parents
/// of dotted keys included (Caddy, GCP, ECS), and leaves the rare ones (numbers as text, an
/// Envoy record without a message, escaped keys, a lone surrogate) to the general reader.
#[test]
fn the_one_pass_reader_takes_the_common_lines_and_declines_the_rare_shapes() {
    for taken in [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 15, 16, 17, 18, 19, 20, 22, 27, 28, 29, 30,
        32, 33, 35, 36, 37, 38, 39, 41,
    ] {
        assert!(
            read_json_line_fast(LINES[taken].as_bytes()).is_some(),
            "declined: {}",
            LINES[taken]
        );
    }
    for declined in [
        11, 21, 23, 24, 25, 26, 31, 34, 40, 42, 43, 44, 45, 46, 47, 48, 49,
    ] {
        assert!(
            read_json_line_fast(LINES[declined].as_bytes()).is_none(),
            "taken: {}",
            LINES[declined]
        );
    }
}
