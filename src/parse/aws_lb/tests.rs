use super::*;

// From the Elastic Load Balancing user guide's examples.
const ALB: &[u8] = b"http 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 \"GET http://www.example.com:80/ HTTP/1.1\" \"curl/7.46.0\" - - arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 \"Root=1-58337262-36d228ad5d99923122bbe354\" \"-\" \"-\" 0 2018-07-02T22:22:48.364000Z \"forward\" \"-\" \"-\" \"10.0.0.1:80\" \"200\" \"-\" \"-\" TID_1234abcd5678ef90";
const ALB_502: &[u8] = b"https 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 - -1 -1 -1 502 - 34 366 \"GET https://www.example.com:443/api/x?y=1 HTTP/1.1\" \"curl/7.46.0\" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 \"Root=1-58337281-1d84f3d73c47ec4e58577259\" \"www.example.com\" \"arn:aws:acm:us-east-2:123456789012:certificate/12345678-1234-1234-1234-123456789012\" 1 2018-07-02T22:22:48.364000Z \"forward\" \"-\" \"-\" \"-\" \"-\" \"-\" \"-\"";
const ELB: &[u8] = b"2015-05-13T23:39:43.945958Z my-loadbalancer 192.168.131.39:2817 10.0.0.1:80 0.000073 0.001048 0.000057 200 200 0 29 \"GET http://www.example.com:80/ HTTP/1.1\" \"curl/7.38.0\" - -";

#[test]
fn an_alb_line_is_a_request_with_its_times_summed() {
    let l = parse(ALB).expect("parses");
    assert_eq!(l.time, 1_530_570_180_186_641);
    assert_eq!(l.balancer, b"app/my-loadbalancer/50dc6c495c0c9188");
    assert_eq!(l.client, b"192.168.131.39");
    assert_eq!(l.target, b"10.0.0.1:80");
    assert_eq!(l.status, 200);
    assert!((l.seconds.unwrap() - 0.001).abs() < 1e-9);
    assert_eq!(l.request, b"GET http://www.example.com:80/ HTTP/1.1");
    let Entry::Request(r) = read(ALB) else {
        panic!("a request")
    };
    assert_eq!(r.path, Some(&b"/"[..]));
}

#[test]
fn a_502_without_a_target_has_no_latency_and_its_path() {
    let l = parse(ALB_502).expect("parses");
    assert_eq!((l.status, l.seconds, l.target), (502, None, &b"-"[..]));
    let Entry::Request(r) = read(ALB_502) else {
        panic!("a request")
    };
    assert_eq!(r.path, Some(&b"/api/x"[..]));
}

#[test]
fn a_classic_elb_line_reads_the_same_way() {
    let l = parse(ELB).expect("parses");
    assert_eq!(l.balancer, b"my-loadbalancer");
    assert_eq!(l.status, 200);
    assert!((l.seconds.unwrap() - 0.001178).abs() < 1e-9);
}

/// Found by the chunk fuzz target: a line that is only the type word panicked.
#[test]
fn regression_a_line_of_only_http_is_not_a_panic() {
    assert!(parse(b"http").is_none());
    assert!(parse(b"https").is_none());
}
