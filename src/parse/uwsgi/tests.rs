use super::*;

#[test]
fn a_request_line_gives_client_time_request_status_and_duration() {
    let line = b"[pid: 812|app: 0|req: 7/21] 203.0.113.7 () {34 vars in 412 bytes} [Sun Sep 10 08:15:02 2023] GET /api/v1/items?page=2 => generated 512 bytes in 12 msecs (HTTP/1.1 503) 2 headers in 79 bytes (1 switches on core 0)";
    let u = parse(line).expect("parses");
    assert_eq!(u.client, b"203.0.113.7");
    assert_eq!((u.civil.day, u.civil.hour, u.civil.minute), (10, 8, 15));
    assert_eq!(u.request, b"GET /api/v1/items?page=2");
    assert_eq!((u.status, u.seconds), (503, Some(0.012)));
    let Entry::Request(r) = read(line) else {
        panic!("a request")
    };
    assert_eq!(r.path, Some(&b"/api/v1/items"[..]));
}

#[test]
fn a_space_padded_day_and_microseconds_are_read() {
    let line = b"[pid: 9|app: 0|req: 1/1] 10.0.0.2 (alice) {30 vars in 300 bytes} [Sat Sep  2 08:15:02 2023] POST /login => generated 2 bytes in 850 micros (HTTP/2.0 200) 1 headers in 44 bytes (1 switches on core 1)";
    let u = parse(line).expect("parses");
    assert_eq!((u.civil.day, u.status, u.seconds), (2, 200, Some(0.00085)));
    assert!(
        parse(b"*** Starting uWSGI 2.0.22 (64bit) on [Sun Sep 10 08:00:00 2023] ***").is_none()
    );
}
