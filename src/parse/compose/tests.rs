use super::*;
use crate::parse::entry::Request;

#[test]
fn a_service_prefix_with_timestamps_and_colour_is_read_past() {
    let line = b"\x1b[36mweb-1  | \x1b[0m2023-09-10T08:15:02.123456789Z 172.18.0.1 - - [10/Sep/2023:08:15:02 +0000] \"GET /api HTTP/1.1\" 502 157 \"-\" \"curl/8.1\"";
    let c = parse(line).expect("parses");
    assert_eq!(c.service, b"web-1");
    assert!(c.when.is_some());
    assert!(c.line.starts_with(b"172.18.0.1"));
    assert!(matches!(
        read(line),
        Entry::Request(Request { status: 502, .. })
    ));
}

#[test]
fn a_plain_line_is_its_services_message_at_composes_time() {
    let line =
        b"db-1   | 2023-09-10T08:15:03.000000000Z FATAL:  the database system is starting up";
    let Entry::Message(m) = read(line) else {
        panic!("a message")
    };
    assert_eq!(m.program.as_deref(), Some(&b"db-1"[..]));
    assert_eq!(
        m.text.as_ref(),
        b"FATAL:  the database system is starting up"
    );
}

#[test]
fn without_timestamps_a_line_needs_its_own_time() {
    let timed = b"api_1  | time=\"2023-09-10T08:15:02Z\" level=error msg=\"db timeout\"";
    assert!(matches!(read(timed), Entry::Message(_)));
    assert_eq!(read(b"api_1  | starting up"), Entry::Continuation);
    assert!(parse(b"Sep 10 08:15:02 web-1 sshd[812]: a | b").is_none());
}

#[test]
fn a_container_named_without_an_index_is_read_and_a_level_column_is_not() {
    // lnav's test log: `container_name: caddy`, Caddy's JSON log inside.
    let line = br#"caddy  | {"level":"error","ts":1761019822.3152757,"logger":"http.log.error","msg":"dial tcp 172.18.0.4:8080: connect: connection refused"}"#;
    assert_eq!(parse(line).expect("parses").service, b"caddy");
    let Entry::Message(m) = read(line) else {
        panic!("a message")
    };
    assert_eq!(m.when, When::Utc(1_761_019_822_315_275));
    assert_eq!(m.verdict, Verdict::Given(true));
    // An application's `LEVEL | message` is not a compose prefix.
    assert!(parse(b"ERROR  | payment declined").is_none());
    assert!(parse(b"Sep 10 08:15:02 web-1 sshd[812]: a | b").is_none());
}
