use super::*;
use crate::time::format_utc;

#[test]
fn a_timed_vhost_format_reads_every_field() {
    let f = LogFormat::compile(
        "timed",
        r#"$host $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" rt=$request_time uct="$upstream_connect_time" urt="$upstream_response_time""#,
        "--nginx-log-format",
    )
    .unwrap();
    let line = br#"api.example.com 203.0.113.7 - bob [10/Sep/2023:10:15:02 +0200] "POST /v1/login?x=1 HTTP/2.0" 502 157 "-" "curl/8.1" rt=1.503 uct="0.000" urt="1.502""#;
    let a = f.parse(line).expect("parses");
    assert_eq!(a.vhost, Some(&b"api.example.com"[..]));
    assert_eq!(a.client, b"203.0.113.7");
    assert_eq!(a.user, Some(&b"bob"[..]));
    assert_eq!(format_utc(a.time), "2023-09-10T08:15:02Z");
    assert_eq!(a.offset_secs, 7200);
    assert_eq!(a.method, Some(&b"POST"[..]));
    assert_eq!(a.path(), Some(&b"/v1/login"[..]));
    assert_eq!(a.status, 502);
    assert_eq!(a.bytes, Some(157));
    assert_eq!(a.referer, None);
    assert_eq!(a.user_agent, Some(&b"curl/8.1"[..]));
    assert_eq!(a.request_time, Some(1.503));
}

#[test]
fn time_first_iso8601_and_a_forwarded_list() {
    let f = LogFormat::compile(
        "edge",
        r#"$time_iso8601 $status $request_method $request_uri $http_x_forwarded_for $request_time"#,
        "t",
    )
    .unwrap();
    let a = f
        .parse(b"2023-09-10T08:15:02+00:00 504 GET /health 198.51.100.4, 10.0.0.1 30.001")
        .expect("parses");
    assert_eq!(format_utc(a.time), "2023-09-10T08:15:02Z");
    assert_eq!(a.status, 504);
    assert_eq!(
        (a.method, a.target),
        (Some(&b"GET"[..]), Some(&b"/health"[..]))
    );
    assert_eq!(a.forwarded_for, Some(&b"198.51.100.4"[..]));
    assert_eq!(
        a.client, b"198.51.100.4",
        "no $remote_addr: the origin stands in"
    );
    // Unquoted, a list with spaces is ambiguous: the last field takes the rest and is lost.
    assert_eq!(a.request_time, None);
}

#[test]
fn json_escaped_format_and_msec() {
    let f = LogFormat::compile(
        "json",
        r#"{"ts":$msec,"ip":"$remote_addr","req":"$request","status":$status,"rt":$request_time}"#,
        "t",
    )
    .unwrap();
    let a = f
        .parse(
            br#"{"ts":1694333702.250,"ip":"::1","req":"GET / HTTP/1.1","status":200,"rt":0.004}"#,
        )
        .expect("parses");
    assert_eq!(a.time, 1_694_333_702_250_000);
    assert_eq!(a.client, b"::1");
    assert_eq!(a.status, 200);
    assert_eq!(a.request_time, Some(0.004));
}

#[test]
fn a_line_of_another_shape_is_not_read() {
    let f = LogFormat::compile("c", COMBINED, "t").unwrap();
    assert!(f.parse(b"2023/09/10 08:15:02 [error] 1#1: boom").is_none());
    assert!(
        f.parse(br#"1.2.3.4 - - [10/Sep/2023:08:15:02 +0000] "GET / HTTP/1.1" 2x0 1 "-" "-""#)
            .is_none()
    );
}

#[test]
fn formats_that_cannot_be_read_back_are_refused() {
    let err = LogFormat::compile("x", "$remote_addr $status", "t").unwrap_err();
    assert!(err.contains("no $time_local"), "{err}");
    let err = LogFormat::compile("x", "[$time_local] $request", "t").unwrap_err();
    assert!(err.contains("no $status"), "{err}");
    let err = LogFormat::compile("x", "[$time_local] $status$body_bytes_sent", "t").unwrap_err();
    assert!(err.contains("nothing between them"), "{err}");
}

#[test]
fn nginx_conf_formats_and_access_logs() {
    let conf = r#"
http {
    # the team's format
    log_format  main  '$remote_addr - $remote_user [$time_local] "$request" '
                      '$status $body_bytes_sent "$http_referer" '
                      '"$http_user_agent" $request_time';
    log_format api escape=json '{"t":"$time_iso8601","s":$status}';
    access_log  /var/log/nginx/access.log  main;
    server {
        access_log /var/log/nginx/api.log api buffer=32k;
        access_log /var/log/nginx/legacy.log;
        access_log off;
    }
}
"#;
    let conf = read_conf(conf, "nginx.conf").unwrap();
    let names: Vec<&str> = conf.formats.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["combined", "main", "api"]);
    assert_eq!(conf.formats[1].origin, "nginx.conf:4");
    let of = |p: &str| conf.format_for_file(Path::new(p)).map(|f| f.name.as_str());
    assert_eq!(of("logs/web-1/access.log"), Some("main"));
    assert_eq!(of("logs/web-1/access.log.2.gz"), Some("main"));
    assert_eq!(of("api.log-20230910"), Some("api"));
    assert_eq!(of("legacy.log"), Some("combined"));
    assert_eq!(of("error.log"), None);
    let main = &conf.formats[1];
    let a = main
        .parse(
            br#"10.0.0.9 - - [10/Sep/2023:08:15:02 +0000] "GET /a HTTP/1.1" 500 12 "-" "ua" 0.250"#,
        )
        .expect("parses");
    assert_eq!((a.status, a.request_time), (500, Some(0.25)));
    let err = read_conf("log_format bad '$status';", "n.conf").unwrap_err();
    assert!(err.starts_with("n.conf:1: log_format bad:"), "{err}");
}

#[test]
fn a_plan_carries_the_format_as_written_and_compiles_it_again() {
    let format = LogFormat::compile(
        "timed",
        "$remote_addr [$time_local] $status",
        "--nginx-log-format",
    )
    .expect("compiles");
    let json = serde_json::to_string(&format).expect("serialised");
    assert_eq!(
        json,
        r#"{"name":"timed","origin":"--nginx-log-format","format":"$remote_addr [$time_local] $status"}"#
    );
    let back: LogFormat = serde_json::from_str(&json).expect("compiles again");
    assert_eq!(back, format);
    // A plan is written by anyone: a format that could not be read back is refused.
    let no_status = r#"{"name":"x","origin":"plan","format":"$remote_addr [$time_local]"}"#;
    let refused = serde_json::from_str::<LogFormat>(no_status).expect_err("no $status");
    assert!(refused.to_string().contains("$status"), "{refused}");
}
