//! One generated line per format, written as the real program writes it (the shapes are those
//! of the parsers' tests: nginx combined, RFC 3164 syslog, JSON lines, HAProxy's HTTP log,
//! logfmt, IIS's W3C log, Docker's json-file, the CRI log of containerd, AWS ALB, Envoy and
//! Caddy's JSON access log).
//! Each request draws the same few numbers, so the incident is the same in every format.

use chrono::{Datelike, NaiveDateTime, Timelike};

use crate::rng::Rng;

/// The formats [`super::write`] knows: name, the file written, and about how long a line is
/// (so the size asked for is about the size written; the first three keep the 200 they always
/// had, which keeps their bytes, and the stored digests, what they were).
pub const FORMATS: [(&str, &str, u64); 13] = [
    ("nginx", "access.log", 200),
    ("syslog", "syslog", 200),
    ("json", "app.jsonl", 200),
    ("haproxy", "haproxy.log", 180),
    ("logfmt", "app.logfmt", 150),
    ("w3c", "u_ex230910.log", 160),
    ("docker", "container-json.log", 255),
    ("cri", "container.log", 215),
    ("alb", "alb.log", 520),
    ("envoy", "envoy.log", 190),
    ("caddy", "caddy-access.log", 560),
    // The busy day and the export of `heavy`.
    ("nginx-busy", "access.log", 300),
    ("elasticsearch", "search.json", 333),
];

/// What one request is: its minute, second, client and outcome.
pub struct Request<'a> {
    pub minute: &'a NaiveDateTime,
    pub second: u64,
    pub user: u64,
    pub status: u64,
    pub failing: bool,
}

pub fn push_num(out: &mut Vec<u8>, mut n: u64, width: usize) {
    let mut buf = [b'0'; 20];
    let mut i = 20;
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let digits = 20 - i;
    for _ in digits..width {
        out.push(b'0');
    }
    out.extend_from_slice(&buf[i..]);
}

const PATHS: [&[u8]; 5] = [
    b"/api/v1/login",
    b"/api/v1/session",
    b"/api/v1/token/refresh",
    b"/api/v1/userinfo",
    b"/static/app.js",
];
const MONTHS: [&[u8]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

/// The header a format's file starts with (IIS writes its field list first).
pub fn header(format: &str) -> &'static [u8] {
    match format {
        "w3c" => {
            b"#Software: Microsoft Internet Information Services 10.0\n#Version: 1.0\n\
              #Date: 2023-09-10 00:00:00\n#Fields: date time s-ip cs-method cs-uri-stem \
              cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status \
              sc-substatus sc-win32-status time-taken\n"
        }
        _ => b"",
    }
}

/// Appends `req` as one line of `format` (newline included).
pub fn write(format: &str, req: &Request, rng: &mut Rng, line: &mut Vec<u8>) {
    match format {
        "nginx" => nginx(req, rng, line),
        "syslog" => syslog(req, line),
        "json" => json(req, line),
        "haproxy" => haproxy(req, rng, line),
        "logfmt" => logfmt(req, rng, line),
        "w3c" => w3c(req, rng, line),
        "docker" => docker(req, rng, line),
        "cri" => cri(req, rng, line),
        "alb" => alb(req, rng, line),
        "caddy" => caddy(req, rng, line),
        _ => envoy(req, rng, line),
    }
}

fn client(user: u64, line: &mut Vec<u8>) {
    push_num(line, 10 + user % 200, 1);
    line.push(b'.');
    push_num(line, (user / 200) % 250, 1);
    line.push(b'.');
    push_num(line, (user / 50_000) % 250, 1);
    line.push(b'.');
    push_num(line, 1 + user % 253, 1);
}

fn path(user: u64) -> &'static [u8] {
    PATHS[(user % 5) as usize]
}

/// `10/Sep/2023:08:15:02`
pub(super) fn clf_time(req: &Request, line: &mut Vec<u8>) {
    let dt = req.minute;
    push_num(line, u64::from(dt.day()), 2);
    line.push(b'/');
    line.extend_from_slice(MONTHS[dt.month0() as usize]);
    line.push(b'/');
    push_num(line, dt.year() as u64, 4);
    line.push(b':');
    clock(req, line);
}

/// `08:15:02`
fn clock(req: &Request, line: &mut Vec<u8>) {
    push_num(line, u64::from(req.minute.hour()), 2);
    line.push(b':');
    push_num(line, u64::from(req.minute.minute()), 2);
    line.push(b':');
    push_num(line, req.second, 2);
}

/// `2023-09-10`
fn date(req: &Request, line: &mut Vec<u8>) {
    let dt = req.minute;
    push_num(line, dt.year() as u64, 4);
    line.push(b'-');
    push_num(line, u64::from(dt.month()), 2);
    line.push(b'-');
    push_num(line, u64::from(dt.day()), 2);
}

/// `2023-09-10T08:15:02.<fraction>Z`
pub(super) fn rfc3339(req: &Request, fraction: u64, digits: usize, line: &mut Vec<u8>) {
    date(req, line);
    line.push(b'T');
    clock(req, line);
    line.push(b'.');
    push_num(line, fraction, digits);
    line.push(b'Z');
}

/// `Sep 10 08:15:02`
fn syslog_time(req: &Request, line: &mut Vec<u8>) {
    line.extend_from_slice(MONTHS[req.minute.month0() as usize]);
    line.push(b' ');
    push_num(line, u64::from(req.minute.day()), 2);
    line.push(b' ');
    clock(req, line);
}

/// The nginx combined line with `$request_time` (no newline).
pub(super) fn access_line(req: &Request, rng: &mut Rng, line: &mut Vec<u8>) {
    client(req.user, line);
    line.extend_from_slice(b" - - [");
    clf_time(req, line);
    line.extend_from_slice(b" +0000] \"GET ");
    line.extend_from_slice(path(req.user));
    line.extend_from_slice(b" HTTP/1.1\" ");
    push_num(line, req.status, 3);
    line.push(b' ');
    push_num(line, 100 + rng.below(900), 1);
    line.extend_from_slice(
        b" \"https://auth.example.com/\" \"Mozilla/5.0 (X11; Linux x86_64) Firefox/118.0\" 0.0",
    );
    push_num(line, 10 + rng.below(89), 2);
}

fn nginx(req: &Request, rng: &mut Rng, line: &mut Vec<u8>) {
    access_line(req, rng, line);
    line.push(b'\n');
}

fn syslog(req: &Request, line: &mut Vec<u8>) {
    syslog_time(req, line);
    line.extend_from_slice(b" auth-1 authd[2211]: ");
    if req.failing {
        line.extend_from_slice(b"ERROR realm=corp-eu user=u");
        push_num(line, req.user, 6);
        line.extend_from_slice(
            b" bind to ldaps://ldap-eu.internal:6360 failed: connection refused\n",
        );
    } else {
        line.extend_from_slice(b"INFO login ok user=u");
        push_num(line, req.user, 6);
        line.extend_from_slice(
            b" realm=corp-us session created in 12ms, pool 8/8 healthy, cache hit\n",
        );
    }
}

fn json(req: &Request, line: &mut Vec<u8>) {
    line.extend_from_slice(b"{\"time\":\"");
    date(req, line);
    line.push(b'T');
    clock(req, line);
    line.extend_from_slice(if req.failing {
        b"Z\",\"level\":\"error\",\"msg\":\"upstream failed\""
    } else {
        b"Z\",\"level\":\"info\",\"msg\":\"request served\""
    });
    line.extend_from_slice(b",\"status\":");
    push_num(line, req.status, 3);
    line.extend_from_slice(b",\"remote_addr\":\"10.");
    push_num(line, req.user % 250, 1);
    line.push(b'.');
    push_num(line, (req.user / 250) % 250, 1);
    line.extend_from_slice(b".1\",\"path\":\"");
    line.extend_from_slice(path(req.user));
    line.extend_from_slice(b"\"}\n");
}

/// HAProxy's HTTP log through syslog; a failed request found no server (`<NOSRV>`, `SC--`).
fn haproxy(req: &Request, rng: &mut Rng, line: &mut Vec<u8>) {
    syslog_time(req, line);
    line.extend_from_slice(b" lb-1 haproxy[812]: ");
    client(req.user, line);
    line.push(b':');
    push_num(line, 30_000 + rng.below(30_000), 1);
    line.extend_from_slice(b" [");
    clf_time(req, line);
    line.push(b'.');
    push_num(line, rng.below(1000), 3);
    if req.failing {
        line.extend_from_slice(b"] www~ be_app/<NOSRV> 0/-1/-1/-1/0 ");
        push_num(line, req.status, 3);
        line.extend_from_slice(b" 217 - - SC-- 3/3/0/0/0 0/0 \"GET ");
    } else {
        let response = 5 + rng.below(60);
        line.extend_from_slice(b"] www~ be_app/app");
        push_num(line, 1 + req.user % 3, 1);
        line.extend_from_slice(b" 0/0/1/");
        push_num(line, response, 1);
        line.push(b'/');
        push_num(line, response + 1, 1);
        line.push(b' ');
        push_num(line, req.status, 3);
        line.extend_from_slice(b" 512 - - ---- 3/3/1/1/0 0/0 \"GET ");
    }
    line.extend_from_slice(path(req.user));
    line.extend_from_slice(b" HTTP/1.1\"\n");
}

/// A Go service's request log in logfmt (go-kit's key order).
fn logfmt(req: &Request, rng: &mut Rng, line: &mut Vec<u8>) {
    line.extend_from_slice(b"ts=");
    rfc3339(req, rng.below(1000), 3, line);
    line.extend_from_slice(if req.failing {
        b" level=error msg=\"upstream failed\" status="
    } else {
        b" level=info msg=\"request served\" status="
    });
    push_num(line, req.status, 3);
    line.extend_from_slice(b" remote_addr=");
    client(req.user, line);
    line.extend_from_slice(b" path=");
    line.extend_from_slice(path(req.user));
    line.extend_from_slice(b" duration=");
    push_num(line, 2 + rng.below(80), 1);
    line.extend_from_slice(b"ms app=authd\n");
}

/// IIS 10's default fields (`header("w3c")` names them).
fn w3c(req: &Request, rng: &mut Rng, line: &mut Vec<u8>) {
    date(req, line);
    line.push(b' ');
    clock(req, line);
    line.extend_from_slice(b" 10.0.0.4 GET ");
    line.extend_from_slice(path(req.user));
    line.extend_from_slice(b" - 443 - ");
    client(req.user, line);
    line.extend_from_slice(
        b" Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64) https://auth.example.com/ ",
    );
    push_num(line, req.status, 3);
    line.extend_from_slice(b" 0 0 ");
    push_num(line, 5 + rng.below(200), 1);
    line.push(b'\n');
}

/// Docker's json-file driver around the access line (its quotes escaped, `\n` kept).
fn docker(req: &Request, rng: &mut Rng, line: &mut Vec<u8>) {
    let mut inner = Vec::with_capacity(200);
    access_line(req, rng, &mut inner);
    line.extend_from_slice(b"{\"log\":\"");
    for &b in &inner {
        if b == b'"' {
            line.push(b'\\');
        }
        line.push(b);
    }
    line.extend_from_slice(b"\\n\",\"stream\":\"stdout\",\"time\":\"");
    rfc3339(req, rng.below(1_000_000_000), 9, line);
    line.extend_from_slice(b"\"}\n");
}

/// containerd's CRI log around the access line.
fn cri(req: &Request, rng: &mut Rng, line: &mut Vec<u8>) {
    rfc3339(req, rng.below(1_000_000_000), 9, line);
    line.extend_from_slice(b" stdout F ");
    access_line(req, rng, line);
    line.push(b'\n');
}

/// An Application Load Balancer entry; a failed request had no target to answer (`-1`).
fn alb(req: &Request, rng: &mut Rng, line: &mut Vec<u8>) {
    line.extend_from_slice(b"https ");
    rfc3339(req, rng.below(1_000_000), 6, line);
    line.extend_from_slice(b" app/auth-lb/50dc6c495c0c9188 ");
    client(req.user, line);
    line.push(b':');
    push_num(line, 30_000 + rng.below(30_000), 1);
    if req.failing {
        line.extend_from_slice(b" - -1 -1 -1 ");
        push_num(line, req.status, 3);
        line.extend_from_slice(b" - 34 0");
    } else {
        line.extend_from_slice(b" 10.0.1.17:8080 0.000 0.0");
        push_num(line, 10 + rng.below(89), 2);
        line.extend_from_slice(b" 0.000 200 200 34 366");
    }
    line.extend_from_slice(b" \"GET https://auth.example.com:443");
    line.extend_from_slice(path(req.user));
    line.extend_from_slice(
        b" HTTP/1.1\" \"Mozilla/5.0 (X11; Linux x86_64) Firefox/118.0\" \
          ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 \
          arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/auth/73e2d6bc24d8a067 \
          \"Root=1-58337262-36d228ad5d99923122bbe354\" \"auth.example.com\" \"-\" 0 ",
    );
    rfc3339(req, 0, 6, line);
    line.extend_from_slice(b" \"forward\" \"-\" \"-\" \"10.0.1.17:8080\" \"");
    push_num(line, req.status, 3);
    line.extend_from_slice(b"\" \"-\" \"-\" TID_1234abcd5678ef90\n");
}

/// Envoy's default access log format; a failed request is an upstream failure (`UF`).
fn envoy(req: &Request, rng: &mut Rng, line: &mut Vec<u8>) {
    line.push(b'[');
    rfc3339(req, rng.below(1000), 3, line);
    line.extend_from_slice(b"] \"GET ");
    line.extend_from_slice(path(req.user));
    line.extend_from_slice(b" HTTP/1.1\" ");
    push_num(line, req.status, 3);
    line.extend_from_slice(if req.failing {
        b" UF 0 91 "
    } else {
        b" - 0 366 "
    });
    let duration = 2 + rng.below(80);
    push_num(line, duration, 1);
    line.push(b' ');
    push_num(line, duration.saturating_sub(1), 1);
    line.extend_from_slice(b" \"");
    client(req.user, line);
    line.extend_from_slice(
        b"\" \"curl/8.1.2\" \"6f2b1c1e-1f9e-4c5e-9d8a-0b1f7c3e2a11\" \"auth.example.com\" \
          \"10.244.1.7:8080\"\n",
    );
}

/// Caddy's JSON access log (`log` in a site block): epoch seconds, the request nested, the
/// duration in seconds; a server error is logged at `error`.
fn caddy(req: &Request, rng: &mut Rng, line: &mut Vec<u8>) {
    let dt = req.minute;
    let epoch = dt.and_utc().timestamp() as u64 + req.second;
    line.extend_from_slice(if req.failing {
        b"{\"level\":\"error\",\"ts\":"
    } else {
        b"{\"level\":\"info\",\"ts\":"
    });
    push_num(line, epoch, 1);
    line.push(b'.');
    push_num(line, rng.below(1_000_000), 6);
    line.extend_from_slice(
        b",\"logger\":\"http.log.access.log0\",\"msg\":\"handled request\",\"request\":{\"remote_ip\":\"",
    );
    client(req.user, line);
    line.extend_from_slice(b"\",\"remote_port\":\"");
    push_num(line, 30_000 + rng.below(30_000), 1);
    line.extend_from_slice(b"\",\"client_ip\":\"");
    client(req.user, line);
    line.extend_from_slice(
        b"\",\"proto\":\"HTTP/2.0\",\"method\":\"GET\",\"host\":\"auth.example.com\",\"uri\":\"",
    );
    line.extend_from_slice(path(req.user));
    line.extend_from_slice(
        b"\",\"headers\":{\"User-Agent\":[\"Mozilla/5.0 (X11; Linux x86_64) Firefox/118.0\"],\
          \"Accept\":[\"*/*\"]},\"tls\":{\"resumed\":false,\"version\":772,\"cipher_suite\":4865,\
          \"proto\":\"h2\",\"server_name\":\"auth.example.com\"}},\"bytes_read\":0,\"user_id\":\"\",\
          \"duration\":0.0",
    );
    push_num(line, rng.below(100_000), 5);
    line.extend_from_slice(b",\"size\":");
    push_num(line, 100 + rng.below(900), 1);
    line.extend_from_slice(b",\"status\":");
    push_num(line, req.status, 3);
    line.extend_from_slice(
        b",\"resp_headers\":{\"Server\":[\"Caddy\"],\"Content-Type\":[\"application/json\"]}}\n",
    );
}
