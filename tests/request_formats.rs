//! Request formats through the real binary: for each, an hour of traffic written as the real
//! server writes it, 3,600 requests of which 180 are 5xx, and in every minute 54 requests of
//! 30 ms, 3 of 250 ms and 3 of 1.2 s, so every bin's p95 is 250 ms. The counts must be exact;
//! p95 within the latency sketch's stated 4 % (`src/aggregate/latency.rs`).

mod common;

use common::hour::{check_hour, draft_json, hour};

#[test]
fn nginx_combined_with_named_timings_appended() {
    // log_format timed '$remote_addr - $remote_user [$time_local] "$request" $status
    //   $body_bytes_sent "$http_referer" "$http_user_agent" rt=$request_time urt="$upstream_response_time"';
    check_hour(
        "access.log",
        "nginx_access",
        "",
        common::hour::nginx_timed_line,
    );
}

#[test]
fn apache_combined_with_microseconds_appended() {
    // LogFormat "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\" %D" timed
    check_hour("access_log", "nginx_access", "", |r| {
        format!(
            "203.0.113.{} - - [10/Sep/2023:08:{:02}:{:02} +0000] \"GET /index.php HTTP/1.1\" {} 2326 \"http://example.com/\" \"Mozilla/5.0\" {}",
            r.second % 200,
            r.minute,
            r.sec,
            r.status,
            (r.seconds * 1e6) as u64
        )
    });
}

#[test]
fn traefik_common_log_format_with_its_duration() {
    // Traefik's CLF: … "UA" <requests so far> "<router>" "<server URL>" <duration>ms
    check_hour("traefik.log", "nginx_access", "", |r| {
        format!(
            "192.0.2.{} - - [10/Sep/2023:08:{:02}:{:02} +0000] \"GET /whoami HTTP/2.0\" {} 345 \"-\" \"curl/8.4.0\" {} \"whoami@docker\" \"http://172.18.0.3:80\" {}ms",
            r.second % 200,
            r.minute,
            r.sec,
            r.status,
            r.second + 1,
            (r.seconds * 1000.0) as u64
        )
    });
}

#[test]
fn ingress_nginx_default_format() {
    // ingress-nginx's log_format upstreaminfo: … $request_length $request_time
    // [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr
    // $upstream_response_length $upstream_response_time $upstream_status $req_id
    check_hour("ingress.log", "nginx_access", "", |r| {
        format!(
            "10.244.0.{} - - [10/Sep/2023:08:{:02}:{:02} +0000] \"GET /api HTTP/1.1\" {} 612 \"-\" \"kube-probe/1.28\" 231 {:.3} [default-api-80] [] 10.244.1.7:8080 612 {:.3} {} 4b3f1f0f9d8c2a7e6b5d4c3b2a190817",
            r.second % 200,
            r.minute,
            r.sec,
            r.status,
            r.seconds,
            r.seconds - 0.001,
            r.status
        )
    });
}

#[test]
fn haproxy_http_log_in_syslog() {
    // option httplog, sent to rsyslog: the syslog header, then the HTTP log; Ta is the total.
    check_hour("haproxy.log", "haproxy", "", |r| {
        let total = (r.seconds * 1000.0) as u64;
        format!(
            "Sep 10 08:{:02}:{:02} lb-1 haproxy[812]: 198.51.100.{}:{} [10/Sep/2023:08:{:02}:{:02}.{:03}] www~ be_app/app{} 0/0/1/{}/{} {} 512 - - ---- 3/3/1/1/0 0/0 \"GET /api/v1/items HTTP/1.1\"",
            r.minute,
            r.sec,
            r.second % 200,
            40000 + r.second,
            r.minute,
            r.sec,
            r.second % 1000,
            r.second % 3,
            total.saturating_sub(1),
            total,
            r.status
        )
    });
}

/// HAProxy writes notices through the same syslog tag (`Proxy www started.` at every start,
/// health checks all day). One of them made a file of 3,600 requests syslog, every request
/// lost; and the notices, written without a year, were placed in the file's modification
/// year, three years from the requests around them.
#[test]
fn haproxy_notices_among_its_requests_keep_the_file_haproxy_and_take_the_requests_year() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("Sep 10 08:00:00 lb-1 haproxy[812]: Proxy www started.\n");
    for r in hour() {
        if r.second == 1800 {
            text.push_str("Sep 10 08:30:00 lb-1 haproxy[812]: Server be_app/app2 is UP, reason: Layer7 check passed, code: 200, check duration: 3ms.\n");
        }
        text.push_str(&format!(
            "Sep 10 08:{:02}:{:02} lb-1 haproxy[812]: 198.51.100.{}:{} [10/Sep/2023:08:{:02}:{:02}.000] www~ be_app/app1 0/0/1/29/30 {} 512 - - ---- 3/3/1/1/0 0/0 \"GET /api/v1/items HTTP/1.1\"\n",
            r.minute, r.sec, r.second % 200, 40000 + r.second, r.minute, r.sec, r.status
        ));
    }
    std::fs::write(dir.path().join("haproxy.log"), text).unwrap();
    let draft = draft_json(dir.path(), &[]);
    let input = &draft["inputs"][0];
    assert_eq!(input["format"], "haproxy", "{input:#}");
    assert_eq!(input["lines_skipped"], 0, "{input:#}");
    assert_eq!(input["year"], 2023, "{input:#}");
    assert_eq!(input["first_time"], "2023-09-10T08:00:00Z", "{input:#}");
    // The requests only: the notices are no requests (lnav's HAProxy test log had its four
    // notices counted as requests).
    assert_eq!(common::series_totals(&draft), (3600, 180));
    assert_eq!(input["lines_parsed"], 3602, "{input:#}");
}

/// An Envoy access log whose first line is one of Envoy's own log lines (both begin with a
/// bracketed time, which an application-log reader takes): read as Envoy, that line skipped
/// with a count, where the whole file was an application log and no request was counted.
#[test]
fn an_envoy_access_log_opening_with_envoys_own_line_is_still_envoy() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from(
        "[2023-09-10 08:00:00.000][1][info][main] [source/server/server.cc:923] starting main dispatch loop\n",
    );
    for i in 0..100u32 {
        text.push_str(&format!(
            "[2023-09-10T08:{:02}:{:02}.000Z] \"GET /api/{} HTTP/1.1\" 200 - 0 512 30 29 \"10.0.0.{}\" \"curl/8\" \"req-{i}\" \"api.example.com\" \"10.1.0.5:8080\"\n",
            i / 10,
            (i % 10) * 6,
            i % 5,
            i % 9
        ));
    }
    std::fs::write(dir.path().join("envoy.log"), text).unwrap();
    let draft = draft_json(dir.path(), &[]);
    let input = &draft["inputs"][0];
    assert_eq!(input["format"], "envoy", "{input:#}");
    assert_eq!(input["lines_skipped"], 1, "{input:#}");
    assert_eq!(common::series_totals(&draft), (100, 0));
}

#[test]
fn haproxy_http_log_bare() {
    // `log stdout format raw`, as a container prints it.
    check_hour("haproxy.log", "haproxy", "", haproxy_line);
}

#[test]
fn aws_application_load_balancer() {
    // The ALB's own three times (request, target, response processing) sum to the latency.
    check_hour("api-lb_20230910T0800Z.log", "aws_lb", "", |r| {
        format!(
            "https 2023-09-10T08:{:02}:{:02}.{:06}Z app/api-lb/50dc6c495c0c9188 198.51.100.{}:{} 10.0.1.5:8080 0.000 {:.3} 0.000 {} {} 34 366 \"GET https://api.example.com:443/api/v1/items?page=2 HTTP/1.1\" \"curl/8.1\" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/api/73e2d6bc24d8a067 \"Root=1-64fd7a16-36d228ad5d99923122bbe354\" \"api.example.com\" \"-\" 0 2023-09-10T08:{:02}:{:02}.000000Z \"forward\" \"-\" \"-\" \"10.0.1.5:8080\" \"{}\" \"-\" \"-\"",
            r.minute,
            r.sec,
            r.second * 17 % 1_000_000,
            r.second % 200,
            2000 + r.second,
            r.seconds,
            r.status,
            r.status,
            r.minute,
            r.sec,
            r.status
        )
    });
}

#[test]
fn iis_w3c_log_with_its_header() {
    let header = "#Software: Microsoft Internet Information Services 10.0\n#Version: 1.0\n#Date: 2023-09-10 08:00:00\n#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken\n";
    check_hour("u_ex230910.log", "w3c", header, |r| {
        format!(
            "2023-09-10 08:{:02}:{:02} 10.0.0.4 GET /api/orders id={} 443 - 203.0.113.{} Mozilla/5.0+(Windows+NT+10.0) - {} 0 0 {}",
            r.minute,
            r.sec,
            r.second,
            r.second % 200,
            r.status,
            (r.seconds * 1000.0) as u64
        )
    });
}

#[test]
fn cloudfront_standard_log_with_a_second_header_block_midway() {
    let fields = "#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken";
    let header = format!("#Version: 1.0\n{fields}\n");
    check_hour("E2EXAMPLE.2023-09-10-08.a1b2c3d4", "w3c", &header, |r| {
        // CloudFront files are concatenated: a second header block comes halfway.
        let again = match r.second {
            1800 => format!("#Version: 1.0\n{fields}\n"),
            _ => String::new(),
        };
        format!(
            "{again}2023-09-10\t08:{:02}:{:02}\tLAX1\t392\t192.0.2.{}\tGET\td111111abcdef8.cloudfront.net\t/index.html\t{}\t-\tMozilla/5.0\t-\t-\tMiss\tSOX4xwn4XV6Q4rgb7XiVGOHms==\td111111abcdef8.cloudfront.net\thttps\t23\t{:.3}",
            r.minute,
            r.sec,
            r.second % 200,
            r.status,
            r.seconds
        )
    });
}

#[test]
fn envoy_default_access_log() {
    check_hour("envoy.log", "envoy", "", envoy_line);
}

/// `text` as Docker's json-file driver writes its `log` string.
fn json_escaped(text: &str) -> String {
    serde_json::to_string(&format!("{text}\n")).unwrap()
}

#[test]
fn nginx_in_a_docker_json_file_log() {
    // The access log of an nginx container, as `docker logs` keeps it on disk.
    check_hour("3f4e5d-json.log", "docker_json", "", |r| {
        let line = format!(
            "172.17.0.{} - - [10/Sep/2023:08:{:02}:{:02} +0000] \"GET /api/v1/items HTTP/1.1\" {} 512 \"-\" \"Go-http-client/1.1\" {:.3}",
            r.second % 200,
            r.minute,
            r.sec,
            r.status,
            r.seconds
        );
        format!(
            "{{\"log\":{},\"stream\":\"stdout\",\"time\":\"2023-09-10T08:{:02}:{:02}.{:09}Z\"}}",
            json_escaped(&line),
            r.minute,
            r.sec,
            r.second * 7919 % 1_000_000_000
        )
    });
}

#[test]
fn caddy_json_access_log() {
    // Caddy 2's access logger: epoch seconds, the request nested, duration in seconds.
    check_hour("caddy-access.log", "json_lines", "", |r| {
        format!(
            "{{\"level\":\"{}\",\"ts\":{}.{:06},\"logger\":\"http.log.access.log0\",\"msg\":\"handled request\",\"request\":{{\"remote_ip\":\"198.51.100.{}\",\"remote_port\":\"41234\",\"proto\":\"HTTP/2.0\",\"method\":\"GET\",\"host\":\"api.example.com\",\"uri\":\"/api/v1/items?page=2\",\"headers\":{{\"User-Agent\":[\"curl/8.1\"]}}}},\"bytes_read\":0,\"user_id\":\"\",\"duration\":{},\"size\":512,\"status\":{},\"resp_headers\":{{\"Server\":[\"Caddy\"]}}}}",
            if r.status >= 500 { "error" } else { "info" },
            1_694_332_800 + r.second,
            r.second * 37 % 1_000_000,
            r.second % 200,
            r.seconds,
            r.status
        )
    });
}

#[test]
fn istio_and_envoy_json_access_log() {
    // Istio's JSON access log (meshConfig.accessLogEncoding: JSON), keys in its default order:
    // `duration` in milliseconds, the client with its port.
    check_hour("istio-proxy.log", "json_lines", "", |r| {
        format!(
            "{{\"authority\":\"api.example.com\",\"bytes_received\":0,\"bytes_sent\":512,\"connection_termination_details\":null,\"downstream_local_address\":\"10.244.1.7:8080\",\"downstream_remote_address\":\"198.51.100.{}:{}\",\"duration\":{},\"method\":\"GET\",\"path\":\"/api/v1/items\",\"protocol\":\"HTTP/1.1\",\"request_id\":\"5b8e-{}\",\"requested_server_name\":null,\"response_code\":{},\"response_code_details\":\"via_upstream\",\"response_flags\":\"{}\",\"route_name\":\"default\",\"start_time\":\"2023-09-10T08:{:02}:{:02}.{:03}Z\",\"upstream_cluster\":\"outbound|8080||api.shop.svc.cluster.local\",\"upstream_host\":\"10.244.1.7:8080\",\"upstream_local_address\":\"10.244.2.3:41234\",\"upstream_service_time\":\"{}\",\"upstream_transport_failure_reason\":null,\"user_agent\":\"curl/8.1\",\"x_forwarded_for\":null}}",
            r.second % 200,
            30_000 + r.second,
            (r.seconds * 1000.0).round() as u64,
            r.second,
            r.status,
            if r.status >= 500 { "UF" } else { "-" },
            r.minute,
            r.sec,
            r.second % 1000,
            (r.seconds * 1000.0).round() as u64,
        )
    });
}

#[test]
fn gcp_load_balancer_logs_exported_as_json() {
    // Cloud Logging's export of HTTP(S) load balancer requests, one entry a line: read as the
    // platform's export (the entry's `httpRequest` is the request).
    check_hour("requests.json", "export_lines", "", |r| {
        format!(
            "{{\"httpRequest\":{{\"requestMethod\":\"GET\",\"requestUrl\":\"https://api.example.com/api/v1/items\",\"requestSize\":\"79\",\"status\":{},\"responseSize\":\"512\",\"userAgent\":\"curl/8.1\",\"remoteIp\":\"198.51.100.{}\",\"latency\":\"{:.6}s\"}},\"insertId\":\"1x{}\",\"jsonPayload\":{{\"@type\":\"type.googleapis.com/google.cloud.loadbalancing.type.LoadBalancerLogEntry\",\"statusDetails\":\"response_sent_by_backend\"}},\"resource\":{{\"type\":\"http_load_balancer\"}},\"timestamp\":\"2023-09-10T08:{:02}:{:02}.{:06}Z\",\"severity\":\"{}\",\"logName\":\"projects/p/logs/requests\"}}",
            r.status,
            r.second % 200,
            r.seconds,
            r.second,
            r.minute,
            r.sec,
            r.second * 37 % 1_000_000,
            if r.status >= 500 { "WARNING" } else { "INFO" }
        )
    });
}

#[test]
fn cloudflare_logpush_http_requests() {
    check_hour("http_requests.log", "json_lines", "", |r| {
        format!(
            "{{\"ClientIP\":\"198.51.100.{}\",\"ClientRequestHost\":\"api.example.com\",\"ClientRequestMethod\":\"GET\",\"ClientRequestURI\":\"/api/v1/items\",\"EdgeEndTimestamp\":\"2023-09-10T08:{:02}:{:02}Z\",\"EdgeResponseBytes\":512,\"EdgeResponseStatus\":{},\"EdgeStartTimestamp\":\"2023-09-10T08:{:02}:{:02}Z\",\"EdgeTimeToFirstByteMs\":{},\"RayID\":\"7f{:08x}\"}}",
            r.second % 200,
            r.minute,
            r.sec,
            r.status,
            r.minute,
            r.sec,
            (r.seconds * 1000.0) as u64,
            r.second
        )
    });
}

#[test]
fn logfmt_request_log_with_its_duration() {
    check_hour("api.log", "logfmt", "", |r| {
        format!(
            "ts=2023-09-10T08:{:02}:{:02}.{:06}Z caller=http.go:88 level={} msg=served method=GET path=/api/v1/items status={} remote_addr=198.51.100.{} took={}ms",
            r.minute,
            r.sec,
            r.second * 7 % 1_000_000,
            if r.status >= 500 { "error" } else { "info" },
            r.status,
            r.second % 200,
            (r.seconds * 1000.0) as u64
        )
    });
}

#[test]
fn nginx_through_docker_compose_logs_with_timestamps() {
    // `docker compose logs --timestamps > compose.log`, an nginx service and a quiet database.
    check_hour("compose.log", "compose", "", |r| {
        format!(
            "web-1  | 2023-09-10T08:{:02}:{:02}.{:09}Z 172.18.0.{} - - [10/Sep/2023:08:{:02}:{:02} +0000] \"GET /api/v1/items HTTP/1.1\" {} 512 \"-\" \"curl/8.1\" {:.3}",
            r.minute,
            r.sec,
            r.second * 7919 % 1_000_000_000,
            r.second % 200,
            r.minute,
            r.sec,
            r.status,
            r.seconds
        )
    });
}

#[test]
fn uwsgi_request_log() {
    check_hour("uwsgi.log", "uwsgi", "", |r| {
        format!(
            "[pid: {}|app: 0|req: {}/{}] 198.51.100.{} () {{34 vars in 412 bytes}} [Sun Sep 10 08:{:02}:{:02} 2023] GET /api/v1/items => generated 512 bytes in {} msecs (HTTP/1.1 {}) 2 headers in 79 bytes (1 switches on core 0)",
            800 + r.second % 4,
            r.second / 4 + 1,
            r.second + 1,
            r.second % 200,
            r.minute,
            r.sec,
            (r.seconds * 1000.0) as u64,
            r.status
        )
    });
}

/// Envoy's default access line for a request of the hour.
fn envoy_line(r: &common::hour::Req) -> String {
    format!(
        "[2023-09-10T08:{:02}:{:02}.{:03}Z] \"GET /api/v1/items?page=2 HTTP/1.1\" {} {} 0 512 {} {} \"198.51.100.{}\" \"curl/8.1\" \"6f2b1c1e-{}\" \"api.example.com\" \"10.244.1.7:8080\"",
        r.minute,
        r.sec,
        r.second % 1000,
        r.status,
        if r.status == 503 { "UF" } else { "-" },
        (r.seconds * 1000.0) as u64,
        (r.seconds * 1000.0) as u64,
        r.second % 200,
        r.second
    )
}

/// HAProxy's `log stdout format raw` line for a request of the hour (its time has no zone).
fn haproxy_line(r: &common::hour::Req) -> String {
    format!(
        "198.51.100.{}:{} [10/Sep/2023:08:{:02}:{:02}.000] www be_app/app1 0/0/1/1/{} {} 512 - - ---- 3/3/1/1/0 0/0 \"GET /api/v1/items HTTP/1.1\"",
        r.second % 200,
        40000 + r.second,
        r.minute,
        r.sec,
        (r.seconds * 1000.0) as u64,
        r.status
    )
}

#[test]
fn an_istio_sidecars_envoy_lines_in_the_kubelets_cri_log() {
    check_hour("0.log", "cri", "", |r| {
        format!(
            "2023-09-10T08:{:02}:{:02}.{:09}Z stdout F {}",
            r.minute,
            r.sec,
            r.second,
            envoy_line(r)
        )
    });
}

#[test]
fn haproxy_ingress_lines_in_dockers_json_file_and_in_compose() {
    let json = |s: &str| serde_json::to_string(s).expect("a JSON string");
    let docker = |r: &common::hour::Req| {
        format!(
            "{{\"log\":{},\"stream\":\"stdout\",\"time\":\"2023-09-10T08:{:02}:{:02}.000000001Z\"}}",
            json(&(haproxy_line(r) + "\n")),
            r.minute,
            r.sec
        )
    };
    check_hour("abc-json.log", "docker_json", "", docker);
    // The time HAProxy writes has no zone: Docker's places the request, whatever --tz says.
    let dir = tempfile::tempdir().unwrap();
    let minute: String = hour().iter().take(60).map(|r| docker(r) + "\n").collect();
    std::fs::write(dir.path().join("abc-json.log"), minute).unwrap();
    let draft = draft_json(dir.path(), &["--tz", "Etc/GMT-2"]);
    assert_eq!(draft["series"][0]["time"], "2023-09-10T08:00:00Z");
    check_hour("compose.log", "compose", "", |r| {
        format!(
            "haproxy-1  | 2023-09-10T08:{:02}:{:02}.000000000Z {}",
            r.minute,
            r.sec,
            haproxy_line(r)
        )
    });
}
