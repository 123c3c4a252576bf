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
    // Level error, but a client's request for a listing denied (403): not the server failing.
    assert!(!e.is_error());
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

#[test]
fn a_clients_missing_file_or_denied_request_is_not_a_server_error() {
    let lines: [&[u8]; 3] = [
        b"[Sat Jun 03 21:07:32.581121 2023] [core:info] [pid 2281:tid 140] [client 66.249.66.1:40216] AH00128: File does not exist: /var/www/html/robots.txt",
        b"[Thu Jun 09 07:11:21 2005] [error] [client 24.83.37.136] File does not exist: /var/www/html/favicon.ico",
        b"[Sat Jun 03 21:07:33.000001 2023] [authz_core:error] [pid 2281:tid 141] [client 185.220.101.4:50022] AH01630: client denied by server configuration: /var/www/html/.git",
    ];
    // At level info the line is no error at all; at error, a client's request refused.
    let expected = [
        (Verdict::Given(false), "66.249.66.1"),
        (Verdict::ClientSide(ClientSide::Refused), "24.83.37.136"),
        (Verdict::ClientSide(ClientSide::Refused), "185.220.101.4"),
    ];
    for (line, (verdict, client)) in lines.iter().zip(expected) {
        match read(line) {
            Entry::Message(m) => {
                assert_eq!(m.verdict, verdict, "{}", String::from_utf8_lossy(line));
                assert_eq!(m.client, Some(client.as_bytes()));
            }
            other => panic!("{other:?}"),
        }
    }
}
