use super::*;

#[test]
fn apache_22_line() {
    let e = parse(b"[Sun Dec 04 04:47:44 2005] [error] [client 1.2.3.4] Directory index forbidden by rule: /home/test/").unwrap();
    assert_eq!(
        (e.civil.year, e.civil.month, e.civil.day, e.civil.hour),
        (2005, 12, 4, 4)
    );
    assert_eq!(
        (e.level, e.module, e.client),
        (&b"error"[..], None, Some(&b"1.2.3.4"[..]))
    );
    assert!(e.is_error());
    assert_eq!(e.message, b"Directory index forbidden by rule: /home/test/");
}

#[test]
fn apache_24_line() {
    let e = parse(b"[Wed Oct 11 14:32:52.123456 2023] [core:error] [pid 1234:tid 5678] [client 10.0.0.1:5678] AH00124: Request exceeded the limit of 10 internal redirects").unwrap();
    assert_eq!((e.civil.minute, e.civil.micros), (32, 123_456));
    assert_eq!(
        (e.module, e.level, e.pid),
        (Some(&b"core"[..]), &b"error"[..], Some(1234))
    );
    assert_eq!(e.client, Some(&b"10.0.0.1:5678"[..]));
    assert!(e.message.starts_with(b"AH00124"));
    let notice = parse(b"[Wed Oct 11 14:32:52 2023] [mpm_event:notice] [pid 1:tid 2] AH00489: Apache/2.4.57 configured -- resuming normal operations").unwrap();
    assert!(!notice.is_error());
    assert!(parse(b"[Wed Oct 11 14:32:52 2023] [bogus] x").is_none());
}
