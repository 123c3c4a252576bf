//! AWS load balancer access logs: the Application Load Balancer's (`http 2023-09-10T08:15:02.1Z
//! app/name/id client:port target:port 0.000 0.012 0.000 200 200 …`) and the Classic ELB's
//! (the same without the leading type). Each line is one request: the load balancer's status
//! (what the client got, `502` when no target answered), the three processing times summed as
//! its latency, the client address, the request line. Times are UTC.

use super::common::{quoted, rfc3339};
use super::entry::{Entry, Request, When};
use super::nginx_access::{split_request, without_query};
use super::spec::{Format, FormatSpec, Meaning};

/// What an ALB or ELB line says.
#[derive(Debug, PartialEq)]
pub struct LbLine<'a> {
    /// When the load balancer answered, in UTC microseconds.
    pub time: crate::time::Micros,
    /// `app/name/id` (ALB) or the ELB's name.
    pub balancer: &'a [u8],
    /// The client's address, without its port.
    pub client: &'a [u8],
    /// `ip:port` of the target, or `-` when none was reached.
    pub target: &'a [u8],
    /// The three processing times summed, in seconds; `None` when one is `-1` (no answer).
    pub seconds: Option<f64>,
    /// The status the load balancer sent.
    pub status: u16,
    /// The request line (`GET https://host:443/path HTTP/1.1`).
    pub request: &'a [u8],
}

const TYPES: [&[u8]; 6] = [b"http", b"https", b"h2", b"grpcs", b"ws", b"wss"];

fn seconds(field: &[u8]) -> Option<Option<f64>> {
    if field == b"-1" {
        return Some(None);
    }
    let ok = !field.is_empty()
        && field.len() <= 16
        && field.iter().all(|b| b.is_ascii_digit() || *b == b'.');
    ok.then(|| std::str::from_utf8(field).ok()?.parse::<f64>().ok())
        .flatten()
        .map(Some)
}

fn status(field: &[u8]) -> Option<u16> {
    let ok = field.len() == 3 && field.iter().all(u8::is_ascii_digit);
    let n: u16 = std::str::from_utf8(field)
        .ok()
        .filter(|_| ok)?
        .parse()
        .ok()?;
    (100..=599).contains(&n).then_some(n)
}

/// Reads an ALB or Classic ELB access log line.
pub fn parse(line: &[u8]) -> Option<LbLine<'_>> {
    let mut rest = line;
    let first = rest.split(|&b| b == b' ').next()?;
    if TYPES.contains(&first) {
        // `http` alone on a line has no space after it: not a load balancer line.
        rest = rest.get(first.len() + 1..)?;
    }
    let (after_time, (civil, offset)) = rfc3339(rest).ok()?;
    let time = civil.with_offset(offset)?;
    let mut fields = after_time.strip_prefix(b" ")?.splitn(11, |&b| b == b' ');
    let balancer = fields.next()?;
    let client_port = fields.next()?;
    let client = &client_port[..memchr::memrchr(b':', client_port)?];
    let target = fields.next()?;
    let times = [fields.next()?, fields.next()?, fields.next()?];
    let mut total = Some(0.0);
    for t in times {
        total = match (total, seconds(t)?) {
            (Some(sum), Some(s)) => Some(sum + s),
            _ => None,
        };
    }
    let status = status(fields.next()?)?;
    let _target_status = fields.next()?;
    let _received = fields.next()?;
    let _sent = fields.next()?;
    let tail = fields.next()?;
    let (_, request) = quoted(tail).ok()?;
    Some(LbLine {
        time,
        balancer,
        client,
        target,
        seconds: total,
        status,
        request,
    })
}

/// A line of an ALB or ELB access log, as an [`Entry`].
pub fn read(line: &[u8]) -> Entry<'_> {
    let Some(l) = parse(line) else {
        return Entry::Unreadable("not an AWS load balancer access log line");
    };
    let (_, target) = split_request(l.request);
    // `https://host:443/path?q`: the path is after the authority.
    let path = target.map(|t| {
        let after_scheme = t
            .windows(3)
            .position(|w| w == b"://")
            .map_or(t, |i| &t[i + 3..]);
        let path = memchr::memchr(b'/', after_scheme).map_or(&b"/"[..], |i| &after_scheme[i..]);
        without_query(path)
    });
    Entry::Request(Request {
        when: When::Utc(l.time),
        status: l.status,
        client_key: l.client,
        client: l.client,
        request: l.request,
        path,
        latency: l.seconds,
    })
}

/// AWS Application Load Balancer and Classic ELB access logs.
pub(crate) const SPEC: FormatSpec = FormatSpec {
    format: Format::AwsLb,
    name: "AWS load balancer",
    meaning: Meaning::Requests,
    zone_less: false,
    every_line_has_offset: false,
    accepts: |line| parse(line).is_some(),
    read,
    documents: None,
};

#[cfg(test)]
mod tests;
