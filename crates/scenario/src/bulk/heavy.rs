//! The two generated shapes that stress what the generator's day does not: a busy nginx day
//! as real servers write it (time-ordered, 100,000 clients a fifth of them IPv6, paths with
//! ids and query strings, `-` fields, `$request_time` and the upstream timings), and an
//! Elasticsearch `_search` response holding the whole day on one line (an export read in
//! flat memory).

use super::lines::{Request, access_line, clf_time, push_num, rfc3339};
use crate::rng::Rng;

/// Distinct clients of the busy day (a prime, so they do not line up with the failing fifth).
const BUSY_CLIENTS: u64 = 100_003;

/// `2001:db8:1f:2a::7` for a fifth of the clients, `10.x.y.z` for the rest.
fn busy_client(user: u64, line: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let client = user % BUSY_CLIENTS;
    if client.is_multiple_of(5) {
        line.extend_from_slice(b"2001:db8:");
        for shift in [12u32, 8, 4, 0] {
            line.push(HEX[((client >> (shift + 8)) & 0xf) as usize]);
        }
        line.extend_from_slice(b"::");
        line.push(HEX[((client >> 4) & 0xf) as usize]);
        line.push(HEX[(client & 0xf) as usize]);
        return;
    }
    line.extend_from_slice(b"10.");
    push_num(line, client >> 16, 1);
    line.push(b'.');
    push_num(line, (client >> 8) & 0xff, 1);
    line.push(b'.');
    push_num(line, client & 0xff, 1);
}

/// Seconds as nginx writes `$request_time`: `0.031`.
fn millis(line: &mut Vec<u8>, ms: u64) {
    push_num(line, ms / 1000, 1);
    line.push(b'.');
    push_num(line, ms % 1000, 3);
}

/// nginx's `log_format` with upstream timings (its documentation's example):
/// `… "$http_user_agent" rt=$request_time uct="$upstream_connect_time"
/// uht="$upstream_header_time" urt="$upstream_response_time"`.
pub fn nginx_busy(req: &Request, rng: &mut Rng, line: &mut Vec<u8>) {
    busy_client(req.user, line);
    line.extend_from_slice(if req.user % 7 == 3 {
        b" - alice ["
    } else {
        b" - - ["
    });
    clf_time(req, line);
    let kind = rng.below(10);
    let static_file = kind == 0;
    let status = match (req.status, kind) {
        (200, 1) if rng.chance(0.2) => 404,
        (200, 2) if rng.chance(0.3) => 304,
        (status, _) => status,
    };
    line.extend_from_slice(if kind == 3 {
        b" +0000] \"POST "
    } else {
        b" +0000] \"GET "
    });
    if static_file {
        line.extend_from_slice(b"/static/js/app.");
        push_num(line, 1_000_000 + rng.below(9_000_000), 7);
        line.extend_from_slice(b".js");
    } else {
        line.extend_from_slice(b"/api/v2/orders/");
        push_num(line, rng.below(5_000_000), 1);
        line.extend_from_slice(b"?page=");
        push_num(line, 1 + rng.below(40), 1);
        line.extend_from_slice(b"&sort=desc");
    }
    line.extend_from_slice(b" HTTP/1.1\" ");
    push_num(line, status, 3);
    line.push(b' ');
    push_num(line, 200 + rng.below(20_000), 1);
    line.extend_from_slice(if kind == 4 {
        b" \"-\" \"curl/8.5.0\" rt=" as &[u8]
    } else {
        b" \"https://shop.example.com/cart\" \"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36\" rt="
    });
    let upstream = 5 + rng.below(if req.failing { 3000 } else { 120 });
    millis(line, upstream + 1);
    if static_file {
        line.extend_from_slice(b" uct=\"-\" uht=\"-\" urt=\"-\"\n");
        return;
    }
    line.extend_from_slice(b" uct=\"0.001\" uht=\"");
    millis(line, upstream);
    line.extend_from_slice(b"\" urt=\"");
    millis(line, upstream);
    line.extend_from_slice(b"\"\n");
}

/// What an Elasticsearch `_search` response opens with.
pub const SEARCH_HEAD: &[u8] = b"{\"took\":412,\"timed_out\":false,\"_shards\":{\"total\":1,\"successful\":1,\"skipped\":0,\"failed\":0},\"hits\":{\"total\":{\"value\":10000,\"relation\":\"gte\"},\"max_score\":null,\"hits\":[";

/// The last hit and the response's end (every generated hit ends with a comma).
pub const SEARCH_TAIL: &[u8] = b"{\"_index\":\"filebeat-2023.09.10\",\"_id\":\"last\",\"_score\":null,\"_source\":{\"@timestamp\":\"2023-09-10T23:59:59.000Z\",\"host\":{\"name\":\"web-1\"},\"message\":\"10.0.0.1 - - [10/Sep/2023:23:59:59 +0000] \\\"GET /healthz HTTP/1.1\\\" 200 2 \\\"-\\\" \\\"kube-probe/1.29\\\" 0.001\"}}]}}\n";

/// One hit of the response: the generator's nginx line as filebeat ships it, no newline
/// between hits (the whole response is one line, as `curl` saves it).
pub fn search_hit(req: &Request, rng: &mut Rng, line: &mut Vec<u8>) {
    line.extend_from_slice(b"{\"_index\":\"filebeat-2023.09.10\",\"_id\":\"");
    push_num(line, rng.next_u64() >> 12, 1);
    line.extend_from_slice(b"\",\"_score\":null,\"_source\":{\"@timestamp\":\"");
    rfc3339(req, 0, 3, line);
    line.extend_from_slice(b"\",\"host\":{\"name\":\"web-");
    push_num(line, 1 + req.user % 3, 1);
    line.extend_from_slice(b"\"},\"message\":\"");
    let start = line.len();
    access_line(req, rng, line);
    // The line's quotes escaped for JSON, in place from the end.
    let quotes = line[start..].iter().filter(|&&b| b == b'"').count();
    let old_len = line.len();
    line.resize(old_len + quotes, 0);
    let mut to = line.len();
    for from in (start..old_len).rev() {
        let b = line[from];
        to -= 1;
        line[to] = b;
        if b == b'"' {
            to -= 1;
            line[to] = b'\\';
        }
    }
    line.extend_from_slice(b"\"}},");
}
