use super::*;

#[test]
fn an_access_log_line_inside_a_cri_line_is_a_request_at_its_own_time() {
    let line = b"2023-09-10T08:15:02.987654321Z stdout F 203.0.113.7 - - [10/Sep/2023:08:15:02 +0000] \"POST /api/v1/login HTTP/1.1\" 503 162 \"-\" \"curl/8.1\" 0.042";
    let Entry::Request(r) = read_cri(line) else {
        panic!("not a request: {:?}", read_cri(line));
    };
    assert_eq!(r.status, 503);
    assert_eq!(r.client, b"203.0.113.7");
    assert_eq!(r.path, Some(&b"/api/v1/login"[..]));
    assert_eq!(r.latency, Some(0.042));
    assert_eq!(
        r.when,
        When::Offset {
            time: 1_694_333_702_000_000,
            offset_secs: 0
        }
    );
}

#[test]
fn a_plain_line_is_a_message_at_the_kubelets_time_judged_by_its_words() {
    let line =
        b"2023-09-10T08:15:03.000000001Z stderr F panic: runtime error: invalid memory address";
    let Entry::Message(m) = read_cri(line) else {
        panic!("not a message");
    };
    assert_eq!(m.verdict, Verdict::ByWords(None));
    assert_eq!(m.program.as_deref(), Some(&b"stderr"[..]));
    assert_eq!(&*m.text, b"panic: runtime error: invalid memory address");
    assert_eq!(
        m.when,
        When::Offset {
            time: 1_694_333_703_000_000,
            offset_secs: 0
        }
    );
}

#[test]
fn json_and_partial_lines() {
    let json = br#"2023-09-10T08:15:04.5Z stdout F {"time":"2023-09-10T08:15:04Z","level":"error","msg":"db timeout"}"#;
    assert!(matches!(read_cri(json), Entry::Message(m) if m.verdict == Verdict::Given(true)));
    let partial = b"2023-09-10T08:15:05Z stdout P {\"msg\":\"a very long li";
    assert_eq!(read_cri(partial), Entry::Continuation);
    assert!(matches!(
        read_cri(b"Sep 10 08:15:02 web-1 sshd[1]: x"),
        Entry::Unreadable(_)
    ));
}
