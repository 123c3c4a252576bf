use super::*;

// Envoy's documented default format example.
const ENVOY: &[u8] = b"[2016-04-15T20:17:00.310Z] \"POST /api/v1/locations HTTP/2\" 204 - 154 0 226 100 \"10.0.35.28\" \"nsq2http\" \"cc21d9b0-cf5c-432b-8c7e-98aeb7988cd2\" \"locations\" \"tcp://10.0.2.1:80\"";
// Istio's default text format (proxy access log).
const ISTIO: &[u8] = b"[2023-09-10T08:15:02.118Z] \"GET /api/v1/items?page=2 HTTP/1.1\" 503 UF upstream_reset_before_response_started{connection_failure} - \"-\" 0 91 12 - \"-\" \"curl/8.1.2\" \"6f2b1c1e-1f9e-4c5e-9d8a-0b1f7c3e2a11\" \"api.default.svc.cluster.local:8080\" \"10.244.1.7:8080\" outbound|8080||api.default.svc.cluster.local - 10.96.12.4:8080 10.244.0.9:51234 - default";

#[test]
fn envoys_default_line_is_a_request_with_its_duration() {
    let e = parse(ENVOY).expect("parses");
    assert_eq!(e.time, (1_460_751_420_310_000, 0));
    assert_eq!(e.request, b"POST /api/v1/locations HTTP/2");
    assert_eq!((e.status, e.flags), (204, &b"-"[..]));
    assert_eq!(e.duration_ms, Some(226));
    assert_eq!(e.forwarded_for, Some(&b"10.0.35.28"[..]));
    let Entry::Request(r) = read(ENVOY) else {
        panic!("a request")
    };
    assert_eq!(r.latency, Some(0.226));
    assert_eq!(r.path, Some(&b"/api/v1/locations"[..]));
}

#[test]
fn istios_line_is_read_past_its_details() {
    let e = parse(ISTIO).expect("parses");
    assert_eq!((e.status, e.flags), (503, &b"UF"[..]));
    assert_eq!(e.duration_ms, Some(12));
    assert_eq!(e.forwarded_for, None);
    let Entry::Request(r) = read(ISTIO) else {
        panic!("a request")
    };
    assert_eq!(r.path, Some(&b"/api/v1/items"[..]));
}

#[test]
fn no_response_is_no_request() {
    let gone = b"[2023-09-10T08:15:02.118Z] \"GET / HTTP/1.1\" 0 DC 0 0 1 - \"-\" \"curl/8\" \"id\" \"host\" \"-\"";
    assert_eq!(read(gone), Entry::Marker);
}
