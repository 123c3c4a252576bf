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
