use super::*;
use crate::time::format_utc;

#[test]
fn combined_line_fields() {
    let line = br#"203.0.113.7 - alice [10/Sep/2023:10:15:02 +0200] "POST /api/v1/login?next=%2F HTTP/1.1" 503 162 "https://auth.example.com/" "Mozilla/5.0 (X11)""#;
    let a = parse(line).expect("parses");
    assert_eq!(a.client, b"203.0.113.7");
    assert_eq!(a.user, Some(&b"alice"[..]));
    assert_eq!(format_utc(a.time), "2023-09-10T08:15:02Z");
    assert_eq!(a.offset_secs, 7200);
    assert_eq!(a.method, Some(&b"POST"[..]));
    assert_eq!(a.path(), Some(&b"/api/v1/login"[..]));
    assert_eq!(a.status, 503);
    assert_eq!(a.bytes, Some(162));
    assert_eq!(a.referer, Some(&b"https://auth.example.com/"[..]));
    assert_eq!(a.user_agent, Some(&b"Mozilla/5.0 (X11)"[..]));
    assert_eq!(a.client_key(), b"alice");
}

#[test]
fn common_format_without_referer() {
    let a = parse(br#"10.1.2.3 - - [01/Jan/2024:00:00:01 +0000] "GET / HTTP/1.0" 200 -"#).unwrap();
    assert_eq!(a.status, 200);
    assert_eq!(a.bytes, None);
    assert_eq!(a.referer, None);
    assert_eq!(a.user, None);
    assert_eq!(a.client_key(), b"10.1.2.3");
}

#[test]
fn extras_after_user_agent() {
    let line = br#"10.0.0.9 - - [10/Sep/2023:08:00:00 +0000] "GET /api/v1/session HTTP/1.1" 200 48 "-" "curl/8.1" "198.51.100.4, 10.0.0.1" 0.042"#;
    let a = parse(line).unwrap();
    assert_eq!(a.forwarded_for, Some(&b"198.51.100.4"[..]));
    assert_eq!(a.request_time, Some(0.042));
    assert_eq!(a.client_key(), b"198.51.100.4");
}

#[test]
fn empty_request_is_read() {
    let a = parse(br#"127.0.0.1 - - [12/Apr/2018:09:48:40 +0200] "" 400 0 "-" "-""#).unwrap();
    assert_eq!(a.request, b"");
    assert_eq!(a.method, None);
    assert_eq!(a.status, 400);
}

#[test]
fn escaped_quote_inside_request() {
    let a = parse(
        br#"1.2.3.4 - - [10/Sep/2023:08:00:00 +0000] "GET /a\"b HTTP/1.1" 404 1 "-" "x\x22y""#,
    )
    .unwrap();
    assert_eq!(a.status, 404);
    assert_eq!(a.request, br#"GET /a\"b HTTP/1.1"#);
}

#[test]
fn missing_ident_and_user_is_rejected() {
    assert!(parse(br#"192.168.202.254 [20/Jul/2009:22:59:29 +0000] "GET / HTTP/1.0" 404 46210 "-" "gPXE/0.9.7""#).is_none());
}

#[test]
fn junk_is_rejected() {
    for junk in [
        &b""[..],
        b"[",
        b"\x00\x01\x02",
        b"- - [",
        b"a b c [99/Xyz/2023:00:00:00 +0000]",
    ] {
        assert!(parse(junk).is_none(), "{junk:?}");
    }
}

#[test]
fn request_times_read_by_hand_equal_the_standard_parse() {
    for text in [
        "0.042",
        "1.503",
        "30.001",
        "0.000",
        "123456.789",
        "0.1",
        "9.999999999",
    ] {
        assert_eq!(
            looks_like_seconds(text.as_bytes()),
            text.parse::<f64>().ok(),
            "{text}"
        );
    }
    assert_eq!(looks_like_seconds(b"42"), None);
    assert_eq!(looks_like_seconds(b".5"), None);
    assert_eq!(looks_like_seconds(b"1.2.3"), None);
}

#[test]
fn a_remembered_stamp_gives_the_same_instant_as_a_parsed_one() {
    let line = |stamp: &str| {
        format!("203.0.113.7 - - [{stamp}] \"GET / HTTP/1.1\" 200 5 \"-\" \"curl/8\"")
    };
    let at = |stamp: &str| {
        let text = line(stamp);
        parse(text.as_bytes()).map(|a| (a.time, a.offset_secs))
    };
    let utc = at("10/Sep/2023:08:15:02 +0000").expect("parsed");
    let paris = at("10/Sep/2023:10:15:02 +0200").expect("parsed");
    assert_eq!(utc.0, paris.0, "the same instant written in two zones");
    assert_eq!((utc.1, paris.1), (0, 7200));
    // Back to the first stamp, then one that differs only in its last digit, then a broken
    // one: each is read as itself, whatever was remembered.
    assert_eq!(at("10/Sep/2023:08:15:02 +0000"), Some(utc));
    assert_eq!(
        at("10/Sep/2023:08:15:03 +0000").map(|t| t.0 - utc.0),
        Some(1_000_000)
    );
    assert_eq!(at("10/Sep/2023:08:15:0x +0000"), None);
    assert_eq!(at("10/Sep/2023:08:15:02 +0000"), Some(utc));
}

/// Shapes at the edge of the fast path: each must read as the general parser reads it.
#[test]
fn the_fast_path_agrees_with_the_general_parser_at_its_edges() {
    let lines: &[&[u8]] = &[
        b"1.2.3.4 - - [10/Sep/2023:08:15:02 +0000] \"GET / HTTP/1.1\" 200 12",
        b"1.2.3.4 - - [10/Sep/2023:08:15:59 +0200] \"GET / HTTP/1.1\" 200 12",
        b"1.2.3.4 - - [10/Sep/2023:08:15:00 -0530] \"GET / HTTP/1.1\" 200 12",
        b"1.2.3.4 - - [31/Dec/2016:23:59:60 +0000] \"GET / HTTP/1.1\" 200 12",
        b"1.2.3.4 - - [30/Feb/2023:08:15:02 +0000] \"GET / HTTP/1.1\" 200 12 [10/Sep/2023:08:15:02 +0000]",
        b"1.2.3.4 - - [10/sep/2023:08:15:02 +0000] \"GET / HTTP/1.1\" 200 -",
        b"1.2.3.4 - - [10/Sep/2023:08:15:02.123 +0000] \"GET / HTTP/1.1\" 200 12",
        b"1.2.3.4 - - [10/Sep/2023:08:15:02 +00:00] \"GET / HTTP/1.1\" 200 12",
        b"1.2.3.4 - - [10/Sep/2023:08:15:02  +0000] \"GET / HTTP/1.1\" 200 12",
        b"1.2.3.4 - - [10/Sep/2023:08:15:02 +0000]  \"GET / HTTP/1.1\"  200  12",
        b"1.2.3.4 - - [10/Sep/2023:08:15:02 +0000] \"GET /\\\" HTTP/1.1\" 200 12 \"-\" \"a\\\"b\"",
        b"1.2.3.4, 5.6.7.8 - - [10/Sep/2023:08:15:02 +0000] \"GET / HTTP/1.1\" 200 12",
        b"vhost 1.2.3.4 - - [10/Sep/2023:08:15:02 +0000] \"GET / HTTP/1.1\" 200 12",
        b"\t1.2.3.4 - - [10/Sep/2023:08:15:02 +0000] \"GET / HTTP/1.1\" 200 12",
        b"1.2.3.4 - bob [10/Sep/2023:08:15:02 +0000] \"GET / HTTP/1.1\" 200 12 \"-\" \"ua\" 0.5",
        b"1.2.3.4 - - [10/Sep/2023:08:15:02 +0000] \"GET / HTTP/1.1\" 200 12 \"-\" \"ua\" \"9.9.9.9, 1.1.1.1\" rt=0.2",
        b"1.2.3.4 - - [10/Sep/2023:08:15:02 +0000] \"GET / HTTP/1.1\" 200 12x",
        b"1.2.3.4 - - [10/Sep/2023:08:15:02 +0000] \"GET / HTTP/1.1\" 600 12",
        b"1.2.3.4 - - [10/Sep/2023:08:15:02 +0000] \"GET / HTTP/1.1\" 200",
        b"1.2.3.4 - - [10/Sep/2023:08:15:02 +0000] \"GET / HTTP/1.1 200 12",
        b"1.2.3.4 - - [10/Sep/2023:08:15:02 +0000",
        b"1.2.3.4 - - [",
        b"1.2.3.4 - -",
    ];
    for line in lines {
        assert_eq!(
            parse(line),
            parse_general(line),
            "{}",
            String::from_utf8_lossy(line)
        );
    }
    // The minute remembered by one line must not leak into the next minute's lines.
    let a = parse(b"1.2.3.4 - - [10/Sep/2023:08:15:02 +0000] \"GET / HTTP/1.1\" 200 1").unwrap();
    let b = parse(b"1.2.3.4 - - [10/Sep/2023:08:16:02 +0000] \"GET / HTTP/1.1\" 200 1").unwrap();
    let c = parse(b"1.2.3.4 - - [10/Sep/2023:08:16:02 +0100] \"GET / HTTP/1.1\" 200 1").unwrap();
    assert_eq!(b.time - a.time, 60_000_000);
    assert_eq!(b.time - c.time, 3_600_000_000);
    assert_eq!(c.offset_secs, 3600);
}
