use super::*;
use crate::parse::entry::{Request, Verdict};

// As dockerd writes them (json-file driver).
const ACCESS: &[u8] = br#"{"log":"172.17.0.1 - - [10/Sep/2023:08:15:02 +0000] \"GET /api/v1/items HTTP/1.1\" 503 197 \"-\" \"curl/8.1\"\n","stream":"stdout","time":"2023-09-10T08:15:02.123456789Z"}"#;
const PANIC: &[u8] = br#"{"log":"panic: runtime error: invalid memory address\n","stream":"stderr","time":"2023-09-10T08:15:03.000000001Z"}"#;
const PIECE: &[u8] =
    br#"{"log":"aaaaaaaaaaaaaaaa","stream":"stdout","time":"2023-09-10T08:15:04Z"}"#;

#[test]
fn the_envelope_gives_the_stream_the_time_and_the_escaped_line() {
    let env = envelope(ACCESS).expect("parses");
    assert_eq!(env.stream, b"stdout");
    assert_eq!(
        env.when,
        When::Offset {
            time: 1_694_333_702_123_456,
            offset_secs: 0
        }
    );
    assert!(env.escaped.starts_with(b"172.17.0.1 - - [10/Sep/2023"));
    assert!(env.escaped.ends_with(b"\\n"));
}

#[test]
fn an_escaped_access_line_is_a_request_once_unescaped() {
    let env = envelope(ACCESS).unwrap();
    let mut buffer = Vec::new();
    unescape(env.escaped, &mut buffer).unwrap();
    assert!(buffer.ends_with(b"\"curl/8.1\"\n"));
    let Entry::Request(Request { status, path, .. }) = read_record(&env, &buffer) else {
        panic!("a request")
    };
    assert_eq!((status, path), (503, Some(&b"/api/v1/items"[..])));
}

#[test]
fn a_plain_stderr_line_is_a_message_and_a_split_piece_a_continuation() {
    let Entry::Message(m) = read(PANIC) else {
        panic!("a message")
    };
    assert_eq!(
        m.text.as_ref(),
        b"panic: runtime error: invalid memory address"
    );
    assert_eq!(m.verdict, Verdict::ByWords(None));
    assert_eq!(read(PIECE), Entry::Continuation);
}

#[test]
fn unicode_escapes_and_surrogate_pairs_are_decoded() {
    let mut out = Vec::new();
    unescape(br#"caf\u00e9 \ud83d\ude00 \"q\" \\ \t"#, &mut out).unwrap();
    assert_eq!(String::from_utf8(out).unwrap(), "café 😀 \"q\" \\ \t");
    assert!(unescape(br#"broken \u12"#, &mut Vec::new()).is_none());
}

#[test]
fn a_record_written_again_with_spaces_reads_as_dockerd_wrote_it() {
    // `jq -c` keeps dockerd's bytes; a shipper or `jq .` with one object a line adds spaces.
    let spaced = br#"{ "log": "172.17.0.1 - - [10/Sep/2023:08:15:02 +0000] \"GET /api/v1/items HTTP/1.1\" 503 197 \"-\" \"curl/8.1\"\n", "stream": "stdout", "time": "2023-09-10T08:15:02.123456789Z" }"#;
    assert_eq!(envelope(spaced), envelope(ACCESS));
    assert!(
        envelope(br#"{"log": "x\n", "stream": "stdin", "time": "2023-09-10T08:15:02Z"}"#).is_none()
    );
    assert!((SPEC.accepts)(spaced));
}
