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

#[test]
fn a_clients_missing_file_forbidden_listing_or_rate_limit_is_not_a_server_error() {
    let lines: [&[u8]; 5] = [
        b"2024/05/17 03:12:40 [error] 812#812: *4411 open() \"/var/www/html/wp-login.php\" failed (2: No such file or directory), client: 66.249.66.1, server: shop.example.com, request: \"GET /wp-login.php HTTP/1.1\", host: \"shop.example.com\"",
        b"2024/05/17 03:12:41 [error] 812#812: *4412 directory index of \"/var/www/html/uploads/\" is forbidden, client: 66.249.66.1, server: shop.example.com, request: \"GET /uploads/ HTTP/1.1\", host: \"shop.example.com\"",
        b"2024/05/17 03:12:42 [error] 812#812: *4413 limiting requests, excess: 10.520 by zone \"api\", client: 198.51.100.7, server: shop.example.com, request: \"GET /api/cart HTTP/1.1\", host: \"shop.example.com\"",
        b"2024/05/17 03:12:43 [crit] 812#812: *4414 SSL_do_handshake() failed (SSL: error:0A00006C:SSL routines::bad key share) while SSL handshaking, client: 185.220.101.4, server: 0.0.0.0:443",
        b"2024/05/17 03:12:44 [error] 812#812: *4415 \"/var/www/html/.env/index.html\" is not found (2: No such file or directory), client: 185.220.101.4, server: shop.example.com, request: \"GET /.env/ HTTP/1.1\", host: \"shop.example.com\"",
    ];
    let expected = [
        (ClientSide::Refused, "66.249.66.1"),
        (ClientSide::Refused, "66.249.66.1"),
        (ClientSide::Limited, "198.51.100.7"),
        (ClientSide::Refused, "185.220.101.4"),
        (ClientSide::Refused, "185.220.101.4"),
    ];
    for (line, (kind, client)) in lines.iter().zip(expected) {
        match read(line) {
            Entry::Message(m) => {
                assert_eq!(
                    m.verdict,
                    Verdict::ClientSide(kind),
                    "{}",
                    String::from_utf8_lossy(line)
                );
                assert_eq!(m.client, Some(client.as_bytes()));
            }
            other => panic!("{other:?}"),
        }
    }
    // The upstream failing is the server's: still an error.
    let upstream = b"2024/05/17 03:12:45 [error] 812#812: *4416 connect() failed (111: Connection refused) while connecting to upstream, client: 66.249.66.1, server: shop.example.com, request: \"GET / HTTP/1.1\", upstream: \"http://127.0.0.1:8080/\", host: \"shop.example.com\"";
    match read(upstream) {
        Entry::Message(m) => assert_eq!(m.verdict, Verdict::Given(true)),
        other => panic!("{other:?}"),
    }
}
