use super::*;

#[test]
fn a_development_logger_line_gives_level_and_message_past_the_caller() {
    let line = b"2023-09-10T08:15:02.123Z\tERROR\tapi/server.go:88\tdb timeout\t{\"path\": \"/api/v1/items\"}";
    let (when, level, text) = parse(line).expect("parses");
    assert_eq!(
        when,
        When::Offset {
            time: 1_694_333_702_123_000,
            offset_secs: 0
        }
    );
    assert_eq!((level, text), (&b"ERROR"[..], &b"db timeout"[..]));
    let Entry::Message(m) = read(line) else {
        panic!("a message")
    };
    assert_eq!(m.verdict, Verdict::Given(true));
}

#[test]
fn a_named_logger_an_offset_and_a_stack_trace() {
    let line = b"2023-09-10T10:15:03.000+0200\tinfo\tapi.http\thttp/handler.go:42\tserved";
    let (when, level, text) = parse(line).expect("parses");
    assert!(matches!(
        when,
        When::Offset {
            offset_secs: 7200,
            ..
        }
    ));
    assert_eq!((level, text), (&b"info"[..], &b"served"[..]));
    assert_eq!(read(b"main.main()"), Entry::Continuation);
    assert!(parse(b"2023-09-10T08:15:02Z web-1 sshd[812]: Accepted").is_none());
}
