use super::*;

fn message(line: &str) -> Message<'_> {
    match read(line.as_bytes()) {
        Entry::Message(m) => m,
        other => panic!("not a record: {other:?}"),
    }
}

#[test]
fn logrus_text_formatter_line() {
    // logrus's TextFormatter with DisableColors, as a service writes it to a file.
    let m = message(
        r#"time="2023-09-10T10:15:02+02:00" level=error msg="ldap bind failed: \"invalid credentials\"" user=alice"#,
    );
    assert_eq!(
        m.when,
        When::Offset {
            time: 1_694_333_702_000_000,
            offset_secs: 7200
        }
    );
    assert_eq!(m.verdict, Verdict::Given(true));
    assert_eq!(&*m.text, br#"ldap bind failed: \"invalid credentials\""#);
    assert!(m.http.is_none());
}

#[test]
fn go_kit_line_with_a_request() {
    let m = message(
        "ts=2023-09-10T08:15:03.123456Z caller=http.go:88 level=info msg=served method=POST path=/api/v1/login status=503 remote_addr=203.0.113.7 took=42ms",
    );
    assert_eq!(
        m.when,
        When::Offset {
            time: 1_694_333_703_123_456,
            offset_secs: 0
        }
    );
    let http = m.http.expect("a request");
    assert_eq!(http.status, 503);
    assert_eq!(http.path.as_deref(), Some(&b"/api/v1/login"[..]));
    assert_eq!(http.client.as_deref(), Some(&b"203.0.113.7"[..]));
    assert_eq!(
        m.verdict,
        Verdict::Given(true),
        "a 5xx fails whatever the level"
    );
}

#[test]
fn a_zone_less_time_is_placed_later_and_warnings_are_not_errors() {
    let m = message(r#"time="2023-09-10 08:15:04" level=warning msg="disk 91% full""#);
    assert!(matches!(m.when, When::Local(c) if c.hour == 8 && c.second == 4));
    assert_eq!(m.verdict, Verdict::Given(false));
}

#[test]
fn not_logfmt() {
    for line in [
        "Sep 10 08:15:02 web-1 sshd[1]: a=b",
        "{\"time\":\"2023-09-10T08:15:02Z\",\"level\":\"error\"}",
        "level=error msg=\"no time\"",
        "time=2023-09-10T08:15:02Z user=alice",
        "time=\"2023-09-10T08:15:02Z level=error",
    ] {
        assert!(
            matches!(read(line.as_bytes()), Entry::Unreadable(_)),
            "{line}"
        );
    }
}

/// The keys each field is read from, the first listed winning whatever the order on the line.
const TIME: &[&[u8]] = &[b"time", b"ts", b"t", b"timestamp", b"@timestamp"];
const LEVEL: &[&[u8]] = &[b"level", b"lvl", b"severity"];
const TEXT: &[&[u8]] = &[b"msg", b"message"];
const STATUS: &[&[u8]] = &[b"status", b"status_code"];
const PATH: &[&[u8]] = &[b"path", b"uri", b"url"];
const CLIENT: &[&[u8]] = &[b"remote_addr", b"client_ip", b"fwd", b"ip"];
const PROGRAM: &[&[u8]] = &[b"app", b"service", b"logger", b"component"];
const HOST: &[&[u8]] = &[b"host", b"hostname"];
const CAUSE: &[&[u8]] = &[b"err", b"error", b"exception"];

/// The key dispatch gives each listed key its field and its place in that field's list, and
/// nothing to any other key (near misses included).
#[test]
fn every_listed_key_and_only_those_has_its_role() {
    let lists: [(Role, &[&[u8]]); 10] = [
        (Role::Time, TIME),
        (Role::Level, LEVEL),
        (Role::Text, TEXT),
        (Role::Status, STATUS),
        (Role::Path, PATH),
        (Role::Client, CLIENT),
        (Role::Program, PROGRAM),
        (Role::Host, HOST),
        (Role::Took, TOOK),
        (Role::Cause, CAUSE),
    ];
    let mut listed = 0;
    for (want, keys) in lists {
        for (rank, key) in keys.iter().enumerate() {
            assert_eq!(
                role(key),
                Some((want, rank)),
                "{}",
                String::from_utf8_lossy(key)
            );
            listed += 1;
        }
    }
    assert_eq!(listed, 34);
    for other in [
        &b"Time"[..],
        b"times",
        b"",
        b"ms",
        b"status_",
        b"took_s",
        b"hosts",
        b"_ms",
    ] {
        assert_eq!(role(other), None, "{}", String::from_utf8_lossy(other));
    }
}

/// Go's slog writes what went wrong in `err`; the message alone ("quote failed") says only
/// that something did.
#[test]
fn a_slog_err_field_joins_the_message() {
    let line = br#"time=2025-03-04T10:15:02.118Z level=ERROR msg="quote failed" err="dial tcp 10.20.0.7:5432: connect: connection refused" order=8812"#;
    let Entry::Message(m) = read(line) else {
        panic!("not a message");
    };
    assert_eq!(
        String::from_utf8_lossy(&m.text),
        "quote failed: dial tcp 10.20.0.7:5432: connect: connection refused"
    );
    assert_eq!(m.verdict, Verdict::Given(true));
}
