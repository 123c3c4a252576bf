use super::*;

#[test]
fn upstream_error_fields() {
    let line = br#"2023/09/10 08:15:02 [error] 1234#1234: *45 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 198.51.100.7, server: auth.example.com, request: "POST /api/v1/login HTTP/1.1", upstream: "http://127.0.0.1:8080/api/v1/login", host: "auth.example.com""#;
    let e = parse(line).unwrap();
    assert_eq!((e.civil.year, e.civil.month, e.civil.day), (2023, 9, 10));
    assert_eq!((e.civil.hour, e.civil.minute, e.civil.second), (8, 15, 2));
    assert_eq!(e.level, Level::Error);
    assert_eq!(e.pid, Some(1234));
    assert_eq!(e.connection, Some(45));
    assert!(e.message.starts_with(b"upstream timed out"));
    assert_eq!(e.client, Some(&b"198.51.100.7"[..]));
    assert_eq!(e.server, Some(&b"auth.example.com"[..]));
    assert_eq!(e.upstream, Some(&b"http://127.0.0.1:8080/api/v1/login"[..]));
}

#[test]
fn notice_without_connection() {
    let e = parse(b"2023/09/10 12:40:00 [notice] 812#812: signal process started").unwrap();
    assert_eq!(e.level, Level::Notice);
    assert!(!e.level.is_error());
    assert_eq!(e.connection, None);
    assert_eq!(e.message, b"signal process started");
}

#[test]
fn continuation_lines_do_not_start_records() {
    assert!(starts_record(b"2019/10/30 23:26:34 [error] x"));
    assert!(!starts_record(b"PHP message: PHP Warning:  Declaration"));
    assert!(parse(b"PHP message: x").is_none());
    assert!(parse(b"2023/13/40 08:00:00 [error] 1#1: bad date").is_none());
}
