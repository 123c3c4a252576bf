use super::*;

// From HAProxy's configuration manual (section 8.2.3, "HTTP log format"), as rsyslog writes it.
const HTTP: &[u8] = b"Feb  6 12:14:14 localhost haproxy[14389]: 10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 {1wt.eu} {} \"GET /index.html?x=1 HTTP/1.1\"";
// Section 8.2.2, "TCP log format".
const TCP: &[u8] = b"Feb  6 12:12:56 localhost haproxy[14387]: 10.0.1.2:33313 [06/Feb/2009:12:12:51.443] fnt bck/srv1 0/0/5007 212 -- 0/0/0/0/3 0/0";

#[test]
fn an_http_line_in_syslog_is_a_request_with_its_total_time() {
    let t = parse(HTTP).expect("parses");
    assert_eq!(t.client, b"10.0.1.2");
    assert_eq!(
        (t.accepted.year, t.accepted.month, t.accepted.day),
        (2009, 2, 6)
    );
    assert_eq!(
        (
            t.accepted.hour,
            t.accepted.minute,
            t.accepted.second,
            t.accepted.micros
        ),
        (12, 14, 14, 655_000)
    );
    assert_eq!(t.frontend, b"http-in");
    assert_eq!(t.server, b"static/srv1");
    assert_eq!(t.status, Some(200));
    assert_eq!(t.total_ms, Some(109));
    assert_eq!(t.termination, b"----");
    let Entry::Request(r) = read(HTTP) else {
        panic!("a request");
    };
    assert_eq!(r.status, 200);
    assert_eq!(r.request, b"GET /index.html?x=1 HTTP/1.1");
    assert_eq!(r.path, Some(&b"/index.html"[..]));
    assert_eq!(r.latency, Some(0.109));
}

#[test]
fn a_bare_line_and_a_503_without_a_server_read_the_same_way() {
    let bare = b"192.168.1.10:51234 [10/Sep/2023:08:15:02.118] www~ be_app/<NOSRV> 0/-1/-1/-1/0 503 217 - - SC-- 1/1/0/0/0 0/0 \"POST /api/login HTTP/1.1\"";
    let t = parse(bare).expect("parses");
    assert_eq!(t.status, Some(503));
    assert_eq!(t.total_ms, Some(0));
    assert_eq!(t.server, b"be_app/<NOSRV>");
    assert!(matches!(
        read(bare),
        Entry::Request(Request { status: 503, .. })
    ));
}

#[test]
fn an_aborted_timer_is_no_latency() {
    let aborted = b"10.0.0.9:40000 [10/Sep/2023:08:15:02.118] fe be/s1 5/0/2/-1/-1 502 204 - - SH-- 3/3/1/1/0 0/0 \"GET / HTTP/1.1\"";
    let t = parse(aborted).expect("parses");
    assert_eq!((t.status, t.total_ms), (Some(502), None));
}

#[test]
fn a_tcp_line_is_a_connection_judged_by_how_it_ended() {
    let t = parse(TCP).expect("parses");
    assert_eq!(
        (t.status, t.total_ms, t.termination),
        (None, Some(5007), &b"--"[..])
    );
    let Entry::Message(m) = read(TCP) else {
        panic!("a message");
    };
    assert_eq!(m.verdict, Verdict::Given(false));
    let broken =
        b"10.0.1.2:33313 [06/Feb/2009:12:12:51.443] fnt bck/srv1 0/0/5007 212 SD 0/0/0/0/3 0/0";
    let Entry::Message(m) = read(broken) else {
        panic!("a message");
    };
    assert_eq!(m.verdict, Verdict::Given(true));
}

#[test]
fn a_server_going_down_is_an_error_message() {
    let down = b"Sep 10 08:15:03 lb-1 haproxy[812]: Server be_app/app2 is DOWN, reason: Layer4 connection problem, info: \"Connection refused\", check duration: 0ms. 1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.";
    assert!(parse(down).is_none());
    let Entry::Message(m) = read(down) else {
        panic!("a message");
    };
    assert_eq!(m.verdict, Verdict::Given(true));
}

#[test]
fn an_nginx_access_line_is_not_haproxy() {
    let nginx =
        b"203.0.113.7 - - [10/Sep/2023:08:15:02 +0000] \"GET / HTTP/1.1\" 200 12 \"-\" \"curl/8\"";
    assert!(parse(nginx).is_none());
}
