//! nginx (and Apache) access logs: `common`, `combined`, and combined with extra fields.
//!
//! The address part before the `[time]` varies in the wild: a vhost in front, an
//! `X-Forwarded-For` list in place of `$remote_addr`, a quoted list before it. We anchor on
//! the bracketed time, take the two tokens before it as ident and user, and read what is left
//! as addresses. After the request, status and size, anything may follow: referer and user
//! agent (combined), then extras such as `"$http_x_forwarded_for"` or `$request_time`.

use super::entry::{Entry, Request, When};
use super::spec::Format;
use super::spec::{FormatSpec, Meaning};

use nom::IResult;
use nom::Parser;
use nom::bytes::complete::tag;

use super::common::{
    civil_parts, clock, dash_as_none, fail, fixed_digits, month_name, number, quoted, spaces,
    utc_offset,
};
use crate::time::Micros;

#[derive(Debug, Clone, PartialEq)]
/// A line of an access log (combined format and variants).
pub struct AccessLine<'a> {
    /// A virtual host written before the address, when the format has one.
    pub vhost: Option<&'a [u8]>,
    /// The connecting address (`$remote_addr`).
    pub client: &'a [u8],
    /// The first address of an `X-Forwarded-For` list, when the line carries one: the origin.
    pub forwarded_for: Option<&'a [u8]>,
    /// The authenticated user (`$remote_user`), when set.
    pub user: Option<&'a [u8]>,
    /// When the request was logged, in UTC.
    pub time: Micros,
    /// The offset it was written with, in seconds east of UTC.
    pub offset_secs: i32,
    /// The raw request line, `""` included.
    pub request: &'a [u8],
    /// The method of the request line.
    pub method: Option<&'a [u8]>,
    /// The target of the request line (path and query).
    pub target: Option<&'a [u8]>,
    /// The status sent.
    pub status: u16,
    /// Bytes sent.
    pub bytes: Option<u64>,
    /// The Referer header.
    pub referer: Option<&'a [u8]>,
    /// The User-Agent header.
    pub user_agent: Option<&'a [u8]>,
    /// The first bare decimal number after the user agent: `$request_time` in common setups.
    pub request_time: Option<f64>,
}

impl AccessLine<'_> {
    /// Who the request is counted against for impact: the authenticated user where set, else
    /// the origin address, else the connecting address.
    pub fn client_key(&self) -> &[u8] {
        self.user.or(self.forwarded_for).unwrap_or(self.client)
    }

    /// The path without its query string.
    pub fn path(&self) -> Option<&[u8]> {
        self.target.map(without_query)
    }
}

/// The longest stamp remembered (`10/Sep/2023:08:15:02.123456 +0000` is 33 bytes).
const REMEMBERED: usize = 40;

thread_local! {
    /// The last stamp this thread read and what it meant. The lines of one second share their
    /// stamp, and a busy server writes hundreds a second: most lines are a comparison of a few
    /// bytes instead of a parse (the parse was a tenth of the time of a run).
    static LAST_STAMP: std::cell::Cell<(usize, [u8; REMEMBERED], Micros, i32)> =
        const { std::cell::Cell::new((usize::MAX, [0; REMEMBERED], 0, 0)) };
}

/// `[10/Sep/2023:08:15:02 +0000]` → (UTC instant, offset).
fn bracketed_time(input: &[u8]) -> IResult<&[u8], (Micros, i32)> {
    let (rest, _) = tag(&b"["[..]).parse(input)?;
    // The stamp runs to the first `]`: `time_local` reads no `]`, so the same bytes up to it
    // always mean the same instant.
    let Some(end) = memchr::memchr(b']', &rest[..rest.len().min(REMEMBERED)]) else {
        let (rest, stamp) = time_local(rest)?;
        let (rest, _) = tag(&b"]"[..]).parse(rest)?;
        return Ok((rest, stamp));
    };
    let key = &rest[..end];
    let (len, bytes, time, offset) = LAST_STAMP.get();
    if len == key.len() && &bytes[..len] == key {
        return Ok((&rest[end + 1..], (time, offset)));
    }
    let (after, stamp) = time_local(rest)?;
    let (after, _) = tag(&b"]"[..]).parse(after)?;
    let mut remembered = [0; REMEMBERED];
    remembered[..key.len()].copy_from_slice(key);
    LAST_STAMP.set((key.len(), remembered, stamp.0, stamp.1));
    Ok((after, stamp))
}

/// `$time_local`: `10/Sep/2023:08:15:02 +0000` → (UTC instant, offset).
pub(crate) fn time_local(input: &[u8]) -> IResult<&[u8], (Micros, i32)> {
    let (rest, (day, _, month, _, year, _, (hour, minute, second, micros), _, offset)) = (
        fixed_digits(2),
        tag(&b"/"[..]),
        month_name,
        tag(&b"/"[..]),
        fixed_digits(4),
        tag(&b":"[..]),
        clock,
        spaces,
        utc_offset,
    )
        .parse(input)?;
    let civil = civil_parts((year, month, day), (hour, minute, second, micros));
    let time = civil.with_offset(offset).ok_or_else(|| fail(input))?;
    Ok((rest, (time, offset)))
}

/// Finds the `[` that opens the time: the first one followed by a parseable time.
fn find_time(line: &[u8]) -> Option<(usize, &[u8], Micros, i32)> {
    let mut from = 0;
    while let Some(i) = memchr::memchr(b'[', &line[from..]) {
        let at = from + i;
        if let Ok((rest, (time, offset))) = bracketed_time(&line[at..]) {
            return Some((at, rest, time, offset));
        }
        from = at + 1;
    }
    None
}

struct Addresses<'a> {
    vhost: Option<&'a [u8]>,
    client: &'a [u8],
    forwarded_for: Option<&'a [u8]>,
    user: Option<&'a [u8]>,
}

pub(crate) fn first_of_list(list: &[u8]) -> &[u8] {
    let first = match memchr::memchr(b',', list) {
        Some(i) => &list[..i],
        None => list,
    };
    first.trim_ascii()
}

/// Reads `[vhost] [xff-list] addr ident user ` (what stands before the time).
fn addresses(prefix: &[u8]) -> Option<Addresses<'_>> {
    let mut rest = prefix.trim_ascii();
    let mut quoted_list = None;
    if rest.first() == Some(&b'"') {
        let (after, inside) = quoted(rest).ok()?;
        quoted_list = dash_as_none(inside);
        rest = after.trim_ascii_start();
    }
    // Group tokens: a token ending in ',' continues into the next (`a, b, c`).
    // A fixed array, not a Vec: this runs once per line. More than 8 groups is not a prefix.
    let mut slots = [(0usize, 0usize); 8];
    let mut count = 0;
    let mut open = false;
    let mut pos = 0;
    for part in rest.split(|&b| b == b' ') {
        let start = pos;
        pos += part.len() + 1;
        if part.is_empty() {
            continue;
        }
        let end = start + part.len();
        if open && count > 0 {
            slots[count - 1].1 = end;
        } else {
            if count == slots.len() {
                return None;
            }
            slots[count] = (start, end);
            count += 1;
        }
        open = part.ends_with(b",");
    }
    let groups = &slots[..count];
    if groups.len() < 3 {
        return None;
    }
    let user = &rest[groups[groups.len() - 1].0..groups[groups.len() - 1].1];
    let addr_groups = &groups[..groups.len() - 2];
    let (last_start, last_end) = addr_groups[addr_groups.len() - 1];
    let last = &rest[last_start..last_end];
    let mut forwarded = quoted_list.map(first_of_list);
    let client = match memchr::memrchr(b',', last) {
        // `$proxy_add_x_forwarded_for`-style: the list ends with the connecting address.
        Some(i) => {
            forwarded = forwarded.or(Some(first_of_list(last)));
            last[i + 1..].trim_ascii()
        }
        None => last,
    };
    let mut vhost = None;
    for &(start, end) in &addr_groups[..addr_groups.len() - 1] {
        let group = &rest[start..end];
        if memchr::memchr(b',', group).is_some() {
            forwarded = forwarded.or(Some(first_of_list(group)));
        } else if vhost.is_none() {
            vhost = Some(group);
        }
    }
    if client.is_empty() || client.contains(&b'"') {
        return None;
    }
    Some(Addresses {
        vhost,
        client,
        forwarded_for: forwarded,
        user: dash_as_none(user),
    })
}

/// `/api?x=1` → `/api`.
#[inline]
pub(crate) fn without_query(target: &[u8]) -> &[u8] {
    match memchr::memchr(b'?', target) {
        Some(i) => &target[..i],
        None => target,
    }
}

/// The path of a request line (`GET /api?x=1 HTTP/1.1` → `/api`), for the formats that write
/// the request line whole.
pub(crate) fn request_path(request: &[u8]) -> Option<&[u8]> {
    split_request(request).1.map(without_query)
}

#[inline]
pub(crate) fn split_request(request: &[u8]) -> (Option<&[u8]>, Option<&[u8]>) {
    // `splitn(3, ' ')`: the method before the first space, the target up to the next.
    let (method, after) = match memchr::memchr(b' ', request) {
        Some(i) => (&request[..i], Some(&request[i + 1..])),
        None => (request, None),
    };
    let is_method = !method.is_empty()
        && method
            .iter()
            .all(|b| b.is_ascii_uppercase() || *b == b'-' || *b == b'_');
    if !is_method {
        return (None, None);
    }
    let target = after
        .map(|a| match memchr::memchr(b' ', a) {
            Some(j) => &a[..j],
            None => a,
        })
        .filter(|t| !t.is_empty());
    (Some(method), target)
}

pub(crate) fn status(input: &[u8]) -> IResult<&[u8], u16> {
    let (rest, code) = fixed_digits(3)(input)?;
    if !(100..=599).contains(&code) {
        return Err(fail(input));
    }
    Ok((rest, code as u16))
}

fn size(input: &[u8]) -> IResult<&[u8], Option<u64>> {
    if let Some(rest) = input.strip_prefix(b"-") {
        return Ok((rest, None));
    }
    let (rest, n) = number(input)?;
    Ok((rest, Some(n)))
}

pub(crate) fn looks_like_seconds(field: &[u8]) -> Option<f64> {
    // Digits with one `.` inside (a bare integer is no request time here).
    match super::common::decimal_and_dot(field)? {
        (seconds, true) => Some(seconds),
        (_, false) => None,
    }
}

/// The request times a line may carry after the combined fields, most telling first.
#[derive(Default)]
struct Timings {
    /// `rt=0.074`, `request_time=0.074`: the request's own time, named.
    named: Option<f64>,
    /// A bare `0.074` (`$request_time` appended), or Traefik's `12ms`.
    positional: Option<f64>,
    /// `urt="0.072"`, `upstream_response_time=…`: the upstream's part, when nothing else says.
    upstream: Option<f64>,
    /// Apache's `%D` (microseconds) as the last field: digits only.
    last_micros: Option<f64>,
}

impl Timings {
    /// Notes an unquoted field; `after` is the rest of the line (for `%D`, which is last).
    /// Not inlined: kept out of `parse`, the parser's helpers stay inlined into it.
    #[inline(never)]
    fn note(&mut self, field: &[u8], after: &[u8]) {
        // The common case first: a bare `$request_time`.
        if self.positional.is_none()
            && field.first().is_some_and(u8::is_ascii_digit)
            && let Some(seconds) = looks_like_seconds(field)
        {
            self.positional = Some(seconds);
            return;
        }
        if let Some(eq) = memchr::memchr(b'=', field) {
            let (key, value) = (&field[..eq], &field[eq + 1..]);
            // `urt="0.072, 0.010"` (two upstreams tried): the first.
            let value = value
                .trim_ascii_start()
                .strip_prefix(b"\"")
                .unwrap_or(value);
            let end = value
                .iter()
                .position(|b| !(b.is_ascii_digit() || *b == b'.'))
                .unwrap_or(value.len());
            let seconds = looks_like_seconds(&value[..end]);
            match key {
                b"rt" | b"request_time" => self.named = self.named.or(seconds),
                b"urt" | b"upstream_response_time" | b"uht" | b"upstream_header_time" => {
                    self.upstream = self.upstream.or(seconds)
                }
                _ => {}
            }
            return;
        }
        let integer = |digits: &[u8]| {
            digits
                .iter()
                .fold(0u64, |n, &b| n * 10 + u64::from(b - b'0'))
        };
        if self.positional.is_none()
            && let Some(ms) = field.strip_suffix(b"ms")
            && !ms.is_empty()
            && ms.len() <= 9
            && ms.iter().all(u8::is_ascii_digit)
        {
            self.positional = Some(integer(ms) as f64 / 1000.0);
        }
        let digits = !field.is_empty() && field.len() <= 12 && field.iter().all(u8::is_ascii_digit);
        self.last_micros = match digits && after.trim_ascii().is_empty() {
            true => Some(integer(field) as f64 / 1e6),
            false => None,
        };
    }

    fn seconds(&self) -> Option<f64> {
        self.named
            .or(self.positional)
            .or(self.upstream)
            .or(self.last_micros)
    }
}

/// An access-log line read up to the fields after the size.
pub(super) struct Fields<'a> {
    addrs: Addresses<'a>,
    time: Micros,
    offset_secs: i32,
    request: &'a [u8],
    status: u16,
    bytes: Option<u64>,
    /// The rest of the line: referer, user agent and extras, if any.
    rest: &'a [u8],
}

/// The general reading of the line up to the fields after the size: anchored on the time,
/// whatever stands before it.
fn head(line: &[u8]) -> Option<Fields<'_>> {
    let (open, after_time, time, offset_secs) = find_time(line)?;
    let addrs = addresses(&line[..open])?;
    let (rest, _) = spaces(after_time).ok()?;
    let (rest, request) = quoted(rest).ok()?;
    let (rest, _) = spaces(rest).ok()?;
    let (rest, status) = status(rest).ok()?;
    let (rest, bytes) = match spaces(rest) {
        Ok((r, _)) => size(r).ok()?,
        Err(_) if rest.is_empty() => (rest, None),
        Err(_) => return None,
    };
    if !rest.is_empty() && rest[0] != b' ' {
        return None;
    }
    Some(Fields {
        addrs,
        time,
        offset_secs,
        request,
        status,
        bytes,
        rest,
    })
}

/// Reads an access-log line: `1.2.3.4 - - [10/Sep/2023:08:15:02 +0000] "GET / HTTP/1.1" 200 …`.
#[inline(always)]
pub fn parse(line: &[u8]) -> Option<AccessLine<'_>> {
    Some(tail(fast::head(line).or_else(|| head(line))?))
}

/// [`parse`] without its fast path: what the fast path is held to.
#[doc(hidden)]
pub fn parse_general(line: &[u8]) -> Option<AccessLine<'_>> {
    Some(tail(head(line)?))
}

/// A space-separated field: quoted (`"…"`, its inside) or a bare token; with what follows.
#[inline]
fn next_field(input: &[u8]) -> Option<(bool, &[u8], &[u8])> {
    if input.first() == Some(&b'"') {
        let (rest, inside) = super::common::quoted_parts(input)?;
        return Some((true, inside, rest));
    }
    // A byte loop: bare fields (a request time, `-`) are a few bytes.
    let n = input.iter().position(|&b| b == b' ').unwrap_or(input.len());
    (n > 0).then(|| (false, &input[..n], &input[n..]))
}

/// The fields after the size: referer and user agent (quoted), an `X-Forwarded-For` list,
/// request times.
#[inline(always)]
fn tail(head: Fields<'_>) -> AccessLine<'_> {
    let Fields {
        addrs,
        time,
        offset_secs,
        request,
        status,
        bytes,
        mut rest,
    } = head;
    let mut referer = None;
    let mut user_agent = None;
    let mut timings = Timings::default();
    let mut forwarded_for = addrs.forwarded_for;
    let mut field_index = 0;
    loop {
        let spaces = rest.iter().take_while(|&&b| b == b' ').count();
        if spaces == 0 {
            break;
        }
        let Some((was_quoted, field, r)) = next_field(&rest[spaces..]) else {
            break;
        };
        match field_index {
            0 if was_quoted => referer = dash_as_none(field),
            1 if was_quoted => user_agent = dash_as_none(field),
            _ if was_quoted && forwarded_for.is_none() => {
                forwarded_for = dash_as_none(field)
                    .map(first_of_list)
                    .filter(|a| a.iter().all(|b| b.is_ascii_hexdigit() || b".:".contains(b)))
                    .filter(|a| !a.is_empty());
            }
            // Once `rt=` is read nothing after it can change the request time.
            _ if !was_quoted && timings.named.is_none() => timings.note(field, r),
            _ => {}
        }
        field_index += 1;
        rest = r;
    }
    let request_time = timings.seconds();
    let (method, target) = split_request(request);
    AccessLine {
        vhost: addrs.vhost,
        client: addrs.client,
        forwarded_for,
        user: addrs.user,
        time,
        offset_secs,
        request,
        method,
        target,
        status,
        bytes,
        referer,
        user_agent,
        request_time,
    }
}

impl<'a> AccessLine<'a> {
    /// The line as the aggregate stage reads it: one request.
    #[inline]
    pub fn entry(&self) -> Entry<'a> {
        let target = self.target.map(without_query);
        Entry::Request(Request {
            when: When::Offset {
                time: self.time,
                offset_secs: self.offset_secs,
            },
            status: self.status,
            client_key: self.user.or(self.forwarded_for).unwrap_or(self.client),
            client: self.client,
            request: self.request,
            path: target,
            latency: self.request_time,
        })
    }
}

/// A line of the combined format (or one of its variants), as an [`Entry`].
#[inline]
pub fn read(line: &[u8]) -> Entry<'_> {
    match parse(line) {
        Some(a) => a.entry(),
        None => Entry::Unreadable(NOT_ACCESS),
    }
}

/// Why an access log's line was skipped.
pub(crate) const NOT_ACCESS: &str = "not an access log line";

/// nginx and Apache access logs in the combined format and its common variants.
pub(crate) const SPEC: FormatSpec = FormatSpec {
    format: Format::NginxAccess,
    name: "nginx access",
    meaning: Meaning::Requests,
    zone_less: false,
    every_line_has_offset: true,
    accepts: |line| parse(line).is_some(),
    read,
    documents: None,
};

mod fast;

#[cfg(test)]
mod tests;
