use super::*;

// IIS 10's default W3C header and a line as it writes them.
const IIS_HEAD: &[u8] = b"#Software: Microsoft Internet Information Services 10.0\n#Version: 1.0\n#Date: 2023-09-10 08:00:00\n#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken\n";
const IIS_LINE: &[u8] = b"2023-09-10 08:15:02 10.0.0.4 GET /api/orders id=7 443 - 203.0.113.7 Mozilla/5.0+(Windows+NT+10.0) - 500 19 0 1234";
// CloudFront's standard log: the directive space-separated, the data tab-separated.
const CLOUDFRONT_FIELDS: &[u8] = b"#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start sc-range-end";
const CLOUDFRONT_LINE: &[u8] = b"2019-12-04\t21:02:31\tLAX1\t392\t192.0.2.100\tGET\td111111abcdef8.cloudfront.net\t/index.html\t200\t-\tMozilla/5.0%20(Windows%20NT%2010.0)\t-\t-\tHit\tSOX4xwn4XV6Q4rgb7XiVGOHms_BGlTAC4KyHmureZmBNrjGdRLiNIQ==\td111111abcdef8.cloudfront.net\thttps\t23\t0.001\t-\tTLSv1.2\tECDHE-RSA-AES128-GCM-SHA256\tHit\tHTTP/2.0\t-\t-\t11040\t0.001\tHit\ttext/html\t78\t-\t-";

#[test]
fn an_iis_line_is_a_request_by_its_fields() {
    let mut reader = Reader::of_head(IIS_HEAD).expect("directives");
    assert_eq!(reader.columns, Some(Columns::iis_default()));
    let Entry::Request(r) = reader.read(IIS_LINE) else {
        panic!("a request")
    };
    assert_eq!(r.when, When::Utc(1_694_333_702_000_000));
    assert_eq!(r.status, 500);
    assert_eq!(r.client, b"203.0.113.7");
    assert_eq!(r.request, b"GET /api/orders");
    assert_eq!(r.path, Some(&b"/api/orders"[..]));
    assert_eq!(r.latency, Some(1.234), "IIS writes milliseconds");
}

#[test]
fn a_cloudfront_line_is_read_by_its_own_directive() {
    let columns = Columns::from_directive(CLOUDFRONT_FIELDS).expect("a directive");
    let Entry::Request(r) = columns.read(CLOUDFRONT_LINE, None, None) else {
        panic!("a request")
    };
    assert_eq!(r.status, 200);
    assert_eq!(r.client, b"192.0.2.100");
    assert_eq!(r.path, Some(&b"/index.html"[..]));
    assert_eq!(
        r.request, b"/index.html",
        "method and path are not neighbours"
    );
    assert_eq!(r.latency, Some(0.001), "CloudFront writes seconds");
    assert!((SPEC.accepts)(CLOUDFRONT_LINE));
}

#[test]
fn directives_are_markers_and_an_application_log_is_not_w3c() {
    assert_eq!(read(b"#Date: 2023-09-10 08:00:00"), Entry::Marker);
    assert!((SPEC.accepts)(IIS_LINE));
    assert!(!(SPEC.accepts)(
        b"2023-09-10 08:15:02 ERROR c.e.auth.LdapClient - bind to ldap failed with 500 retries"
    ));
}

#[test]
fn a_directive_met_again_changes_the_lines_after_it_and_follow_agrees() {
    let restart =
        b"#Date: 2023-09-11 00:00:00\n#Fields: time c-ip cs-method cs-uri-stem sc-status\n";
    let mut reader = Reader::of_head(IIS_HEAD).expect("directives");
    let mut followed = reader.clone();
    for line in restart.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        assert_eq!(reader.read(line), Entry::Marker);
    }
    assert!(followed.follow(restart));
    assert_eq!(
        followed, reader,
        "following a chunk ends where reading it does"
    );
    let Entry::Request(r) = reader.read(b"00:00:05 198.51.100.9 GET /health 503") else {
        panic!("a request")
    };
    assert_eq!(
        r.when,
        When::Utc(1_694_390_405_000_000),
        "the #Date: gives the day"
    );
    assert_eq!(
        (r.status, r.client, r.request),
        (503, &b"198.51.100.9"[..], &b"GET /health"[..])
    );
    assert!(!followed.follow(b"2023-09-11 00:00:06 no directive here\n"));
}

#[test]
fn quoted_fields_hold_spaces_and_doubled_quotes() {
    let line = br#"a  "b c"   " ""x"" y " d"#;
    let fields = Fields::split(line, true);
    let all: Vec<&[u8]> = (0..fields.len)
        .filter_map(|i| fields.get(line, i))
        .collect();
    assert_eq!(all, [&b"a"[..], b"b c", br#" ""x"" y "#, b"d"]);
    // An unclosed quote is a field up to the next space.
    let line = br#""open here"#;
    let fields = Fields::split(line, true);
    assert_eq!(fields.get(line, 0), Some(&br#""open"#[..]));
}

#[test]
fn a_directive_without_a_time_column_leaves_lines_unplaced() {
    let mut reader = Reader::default();
    assert_eq!(reader.read(b"#Fields: 0 cs-bytes"), Entry::Marker);
    assert!(matches!(reader.read(b"0 12"), Entry::Unreadable(_)));
}
