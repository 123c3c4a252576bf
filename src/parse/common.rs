//! Small pieces the format parsers share: fixed-width digits, month names, quoted fields,
//! and turning bytes into bounded, printable text for the few lines we keep.

use nom::IResult;
use nom::Parser;
use nom::bytes::complete::{tag, take};
use nom::error::{Error, ErrorKind};

use crate::time::Civil;

/// The longest message kept for an event; longer ones are cut with an ellipsis.
pub(crate) const MAX_KEPT_TEXT: usize = 400;

/// A nom error at `input`, for parsers that fail by hand.
pub fn fail(input: &[u8]) -> nom::Err<Error<&[u8]>> {
    nom::Err::Error(Error::new(input, ErrorKind::Verify))
}

/// Exactly `n` ASCII digits as a number.
pub(crate) fn fixed_digits(n: usize) -> impl Fn(&[u8]) -> IResult<&[u8], u32> {
    move |input: &[u8]| {
        let (rest, digits) = take(n).parse(input)?;
        let mut value: u32 = 0;
        for &b in digits {
            if !b.is_ascii_digit() {
                return Err(fail(input));
            }
            value = value * 10 + u32::from(b - b'0');
        }
        Ok((rest, value))
    }
}

/// One or more ASCII digits as a number (saturating, so junk cannot overflow).
pub fn number(input: &[u8]) -> IResult<&[u8], u64> {
    let end = input
        .iter()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(input.len());
    if end == 0 {
        return Err(fail(input));
    }
    let value = input[..end].iter().fold(0u64, |acc, &b| {
        acc.saturating_mul(10).saturating_add(u64::from(b - b'0'))
    });
    Ok((&input[end..], value))
}

/// `Jan`..`Dec` as 1..12.
pub(crate) fn month_name(input: &[u8]) -> IResult<&[u8], u32> {
    let (rest, name) = take(3usize).parse(input)?;
    // Some devices shout (`AUG 10`): month names are matched without regard to case.
    let name = [
        name[0].to_ascii_uppercase(),
        name[1].to_ascii_lowercase(),
        name[2].to_ascii_lowercase(),
    ];
    let month = match &name {
        b"Jan" => 1,
        b"Feb" => 2,
        b"Mar" => 3,
        b"Apr" => 4,
        b"May" => 5,
        b"Jun" => 6,
        b"Jul" => 7,
        b"Aug" => 8,
        b"Sep" => 9,
        b"Oct" => 10,
        b"Nov" => 11,
        b"Dec" => 12,
        _ => return Err(fail(input)),
    };
    Ok((rest, month))
}

/// `HH:MM:SS` with optional `.fraction` (up to microseconds kept).
pub fn clock(input: &[u8]) -> IResult<&[u8], (u32, u32, u32, u32)> {
    let (rest, (hour, _, minute, _, second)) = (
        fixed_digits(2),
        tag(&b":"[..]),
        fixed_digits(2),
        tag(&b":"[..]),
        fixed_digits(2),
    )
        .parse(input)?;
    let (rest, micros) = fraction(rest);
    Ok((rest, (hour, minute, second, micros)))
}

/// An optional `.123456789` after seconds, as microseconds; absent means 0.
pub fn fraction(input: &[u8]) -> (&[u8], u32) {
    if input.first() != Some(&b'.') && input.first() != Some(&b',') {
        return (input, 0);
    }
    let digits = input[1..].iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return (input, 0);
    }
    let mut micros = 0u32;
    for i in 0..6 {
        let d = if i < digits { input[1 + i] - b'0' } else { 0 };
        micros = micros * 10 + u32::from(d);
    }
    (&input[1 + digits..], micros)
}

/// `+0200`, `-07:00`, `Z`: seconds east of UTC.
pub(crate) fn utc_offset(input: &[u8]) -> IResult<&[u8], i32> {
    match input.first() {
        Some(b'Z') | Some(b'z') => return Ok((&input[1..], 0)),
        Some(b'+') | Some(b'-') => {}
        _ => return Err(fail(input)),
    }
    let sign = if input[0] == b'-' { -1 } else { 1 };
    let (rest, hours) = fixed_digits(2)(&input[1..])?;
    let rest = rest.strip_prefix(b":").unwrap_or(rest);
    let (rest, minutes) = fixed_digits(2)(rest)?;
    if hours > 23 || minutes > 59 {
        return Err(fail(input));
    }
    Ok((rest, sign * (hours as i32 * 3600 + minutes as i32 * 60)))
}

/// `YYYY-MM-DD` (or with another separator) as (year, month, day).
pub fn date(sep: u8) -> impl Fn(&[u8]) -> IResult<&[u8], (u32, u32, u32)> {
    move |input: &[u8]| {
        let sep = [sep];
        let (rest, (year, _, month, _, day)) = (
            fixed_digits(4),
            tag(&sep[..]),
            fixed_digits(2),
            tag(&sep[..]),
            fixed_digits(2),
        )
            .parse(input)?;
        Ok((rest, (year, month, day)))
    }
}

/// A date and a clock as a civil time, unchecked (`Civil::is_valid` or `with_offset` judge).
pub(crate) fn civil_parts(
    (year, month, day): (u32, u32, u32),
    (hour, minute, second, micros): (u32, u32, u32, u32),
) -> Civil {
    Civil {
        year: year as i32,
        month,
        day,
        hour,
        minute,
        second,
        micros,
    }
}

/// A date and a clock as a civil time, if both exist.
pub(crate) fn civil_of(date: (u32, u32, u32), clock: (u32, u32, u32, u32)) -> Option<Civil> {
    let civil = civil_parts(date, clock);
    civil.is_valid().then_some(civil)
}

/// A zone-less date and time: `2023-09-10 08:14:05`, `2023/09/10 08:14:05` or with `T`.
pub(crate) fn local_date_time(input: &[u8], sep: u8) -> Option<(&[u8], Civil)> {
    let (rest, ymd) = date(sep)(input).ok()?;
    let rest = match rest.strip_prefix(b"T") {
        Some(r) => r,
        None => spaces(rest).ok()?.0,
    };
    let (rest, hms) = clock(rest).ok()?;
    Some((rest, civil_of(ymd, hms)?))
}

/// RFC 3339 / ISO 8601 with an offset: `2023-09-10T08:15:02.123456+00:00`.
pub fn rfc3339(input: &[u8]) -> IResult<&[u8], (Civil, i32)> {
    rfc3339_parts(input).ok_or_else(|| fail(input))
}

/// Two ASCII digits at `at` as a number.
fn two_digits(input: &[u8], at: usize) -> Option<u32> {
    match input.get(at..at + 2)? {
        &[a @ b'0'..=b'9', b @ b'0'..=b'9'] => Some(u32::from(a - b'0') * 10 + u32::from(b - b'0')),
        _ => None,
    }
}

/// [`rfc3339`] by hand, byte by byte at fixed places: it is the time of most JSON, container
/// and load-balancer lines, and the combinator version was a tenth of a JSON run. Accepts
/// exactly what `date('-')`, a `T`/`t`/space, [`clock`] and [`utc_offset`] accept in turn.
fn rfc3339_parts(input: &[u8]) -> Option<(&[u8], (Civil, i32))> {
    let year = two_digits(input, 0)? * 100 + two_digits(input, 2)?;
    let month = (input.get(4) == Some(&b'-')).then(|| two_digits(input, 5))??;
    let day = (input.get(7) == Some(&b'-')).then(|| two_digits(input, 8))??;
    if !matches!(input.get(10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    let hour = two_digits(input, 11)?;
    let minute = (input.get(13) == Some(&b':')).then(|| two_digits(input, 14))??;
    let second = (input.get(16) == Some(&b':')).then(|| two_digits(input, 17))??;
    let (rest, micros) = fraction(&input[19..]);
    let (rest, offset) = utc_offset(rest).ok()?;
    // Validity is checked where the instant is computed (`Civil::with_offset`).
    let civil = civil_parts((year, month, day), (hour, minute, second, micros));
    Some((rest, (civil, offset)))
}

/// A double-quoted field; `\"` and `\\` inside do not end it. Returns the raw inside.
pub fn quoted(input: &[u8]) -> IResult<&[u8], &[u8]> {
    quoted_parts(input).ok_or_else(|| fail(input))
}

/// [`quoted`] without nom's result: (what follows, the inside), for the hot paths.
#[inline]
pub(crate) fn quoted_parts(input: &[u8]) -> Option<(&[u8], &[u8])> {
    let body = input.strip_prefix(b"\"")?;
    let mut at = 0;
    while let Some(i) = quote_or_backslash(&body[at..]) {
        let i = at + i;
        if body[i] == b'\\' {
            at = i + 2;
            if at > body.len() {
                return None;
            }
            continue;
        }
        return Some((&body[i + 1..], &body[..i]));
    }
    None
}

/// A one in every byte of a word, and the high bit of every byte: word-wide byte tests.
pub(crate) const ONES: u64 = 0x0101_0101_0101_0101;
pub(crate) const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Marks, in the high bit of each byte, the bytes of `word` that are zero (exactly: no
/// borrow runs from one byte into the next). XOR a word with `ONES * b` first to find `b`.
#[inline]
pub(crate) fn zero_bytes(word: u64) -> u64 {
    !(((word & !HIGHS) + !HIGHS) | word) & HIGHS
}

/// Where the first `"` or `\\` is: over the first 64 bytes eight a step, in a register (a
/// quoted field of an access log is a few dozen bytes, shorter than memchr's set-up pays
/// for), then memchr for the rest of a long one.
#[inline]
fn quote_or_backslash(bytes: &[u8]) -> Option<usize> {
    const SHORT: usize = 64;
    let mut at = 0;
    while at + 8 <= bytes.len().min(SHORT) {
        let mut word = [0u8; 8];
        word.copy_from_slice(&bytes[at..at + 8]);
        let word = u64::from_le_bytes(word);
        let found = zero_bytes(word ^ (ONES * u64::from(b'"')))
            | zero_bytes(word ^ (ONES * u64::from(b'\\')));
        if found != 0 {
            return Some(at + (found.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    if bytes.len() > SHORT {
        return memchr::memchr2(b'"', b'\\', &bytes[at..]).map(|i| at + i);
    }
    bytes[at..]
        .iter()
        .position(|&b| b == b'"' || b == b'\\')
        .map(|i| at + i)
}

/// Skips spaces (at least one).
pub fn spaces(input: &[u8]) -> IResult<&[u8], ()> {
    let n = input.iter().take_while(|&&b| b == b' ').count();
    if n == 0 {
        return Err(fail(input));
    }
    Ok((&input[n..], ()))
}

/// A run of bytes up to the next space (at least one byte).
pub fn token(input: &[u8]) -> IResult<&[u8], &[u8]> {
    let n = memchr::memchr(b' ', input).unwrap_or(input.len());
    if n == 0 {
        return Err(fail(input));
    }
    Ok((&input[n..], &input[..n]))
}

/// A request's duration as applications write it: `0.012s`, `12ms`, `350us`, `1.2` (seconds,
/// or milliseconds when the key says so: `ms` set), in seconds.
pub fn duration_seconds(text: &[u8], ms: bool) -> Option<f64> {
    let text = std::str::from_utf8(text).ok()?.trim();
    let (number, scale) = if let Some(n) = text.strip_suffix("ms") {
        (n, 1e-3)
    } else if let Some(n) = text.strip_suffix("us").or(text.strip_suffix("µs")) {
        (n, 1e-6)
    } else if let Some(n) = text.strip_suffix("ns") {
        (n, 1e-9)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1.0)
    } else {
        (text, if ms { 1e-3 } else { 1.0 })
    };
    let number = number.trim();
    let value: f64 = match plain_decimal(number.as_bytes()) {
        Some(v) => v,
        None => number.parse().ok()?,
    };
    (value.is_finite() && value >= 0.0).then_some(value * scale)
}

/// Digits with at most one `.` between them (`12`, `0.012`), up to 15 digits: the value as
/// one division of two integers exact in an f64, so correctly rounded, the same `str::parse`
/// gives without its general machinery. `None` for anything else (the caller parses it).
fn plain_decimal(text: &[u8]) -> Option<f64> {
    decimal_and_dot(text).map(|(value, _)| value)
}

/// [`plain_decimal`] and whether the text had its `.` (a request time is written with one).
#[inline]
pub(crate) fn decimal_and_dot(text: &[u8]) -> Option<(f64, bool)> {
    if text.is_empty() || text.len() > 16 {
        return None;
    }
    let mut digits = 0u64;
    let mut dot = None;
    for (i, &b) in text.iter().enumerate() {
        match b {
            b'0'..=b'9' => digits = digits * 10 + u64::from(b - b'0'),
            b'.' if dot.is_none() && i > 0 && i + 1 < text.len() => dot = Some(i),
            _ => return None,
        }
    }
    let fraction = dot.map_or(0, |d| text.len() - d - 1);
    if text.len() - usize::from(dot.is_some()) > 15 {
        return None;
    }
    let value = digits as f64 / 10u64.pow(fraction as u32) as f64;
    Some((value, dot.is_some()))
}

/// The first `N` fields of a line split at `sep`, as offsets on the stack: column formats
/// (W3C, Envoy) look fields up by index without allocating per line. Fields past `N` are not
/// kept.
pub(crate) struct Spans<const N: usize> {
    at: [(usize, usize); N],
    len: usize,
}

impl<const N: usize> Spans<N> {
    /// Splits `line` at every `sep`.
    pub fn split(line: &[u8], sep: u8) -> Self {
        let mut spans = Spans {
            at: [(0, 0); N],
            len: 0,
        };
        let mut start = 0;
        for i in memchr::memchr_iter(sep, line) {
            if spans.len == N {
                return spans;
            }
            spans.at[spans.len] = (start, i);
            spans.len += 1;
            start = i + 1;
        }
        if spans.len < N {
            spans.at[spans.len] = (start, line.len());
            spans.len += 1;
        }
        spans
    }

    /// How many fields were kept.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Field `k`'s start and end offsets.
    pub fn span(&self, k: usize) -> Option<(usize, usize)> {
        (k < self.len).then(|| self.at[k])
    }

    /// Field `k` of `line` (the line that was split).
    pub fn field<'a>(&self, line: &'a [u8], k: usize) -> Option<&'a [u8]> {
        self.span(k).map(|(s, e)| &line[s..e])
    }
}

/// `-` stands for "not set" in most log formats.
pub(crate) fn dash_as_none(field: &[u8]) -> Option<&[u8]> {
    (!field.is_empty() && field != b"-").then_some(field)
}

/// Bytes as text for a message we keep: invalid UTF-8 replaced, control characters shown as
/// `\xNN`, and cut at [`MAX_KEPT_TEXT`] characters.
pub(crate) fn kept_text(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::with_capacity(text.len().min(MAX_KEPT_TEXT + 4));
    for (count, c) in text.chars().enumerate() {
        if count >= MAX_KEPT_TEXT {
            out.push('…');
            break;
        }
        if c.is_control() && c != '\t' {
            out.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// `http://127.0.0.1:8080/api/v1/login` → `127.0.0.1:8080`: the upstream, not the request.
pub fn upstream_host(upstream: &[u8]) -> &[u8] {
    let rest = match memchr::memmem::find(upstream, b"://") {
        Some(i) => &upstream[i + 3..],
        None => upstream,
    };
    match memchr::memchr(b'/', rest) {
        Some(i) => &rest[..i],
        None => rest,
    }
}

/// The line without a trailing `\r` (CRLF files).
pub(crate) fn strip_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Level words that mean a failure (`err`, `error`, `fatal`, `crit`…), in any case: one list
/// for every format that writes levels as words (JSON records, logfmt, application logs).
pub(crate) fn is_error_level(level: &[u8]) -> bool {
    const ERRORS: [&[u8]; 10] = [
        b"error",
        b"err",
        b"fatal",
        b"critical",
        b"crit",
        b"panic",
        b"alert",
        b"emerg",
        b"emergency",
        b"severe",
    ];
    ERRORS.iter().any(|e| level.eq_ignore_ascii_case(e))
}

/// Case-insensitive search for an ASCII needle.
pub(crate) fn contains_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
    if needle.is_empty() {
        return true;
    }
    haystack
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The combinator reading `rfc3339` replaced, kept as the reference it must agree with.
    fn rfc3339_combinators(input: &[u8]) -> IResult<&[u8], (Civil, i32)> {
        let (rest, ymd) = date(b'-')(input)?;
        let rest = match rest.first() {
            Some(b'T') | Some(b't') | Some(b' ') => &rest[1..],
            _ => return Err(fail(input)),
        };
        let (rest, hms) = clock(rest)?;
        let (rest, offset) = utc_offset(rest)?;
        Ok((rest, (civil_parts(ymd, hms), offset)))
    }

    #[test]
    fn rfc3339_by_hand_reads_what_the_combinators_read() {
        let stamps = [
            "2023-09-10T08:15:02Z",
            "2023-09-10t08:15:02.123456789+02:00 rest",
            "2023-09-10 08:15:02,5-0700",
            "2024-02-30T25:61:61.000001z",
            "0000-00-00T00:00:00+00:00",
        ];
        let mut checked = 0;
        for stamp in stamps {
            let stamp = stamp.as_bytes();
            let mut variants = vec![stamp.to_vec(), stamp[..stamp.len() / 2].to_vec()];
            for i in 0..stamp.len() {
                for b in *b"09-:T .,Z+x\xff" {
                    let mut v = stamp.to_vec();
                    v[i] = b;
                    variants.push(v);
                }
                let mut v = stamp.to_vec();
                v.remove(i);
                variants.push(v);
            }
            for v in &variants {
                assert_eq!(
                    rfc3339(v).ok(),
                    rfc3339_combinators(v).ok(),
                    "{}",
                    String::from_utf8_lossy(v)
                );
                checked += 1;
            }
        }
        assert!(checked > 1000);
    }

    /// The short path gives the same f64 as `str::parse`, bit for bit, and leaves to it what
    /// it does not read.
    #[test]
    fn plain_decimals_read_as_str_parse_reads_them() {
        let mut texts: Vec<String> = ["0", "12", "0.012", "1.5", "999999999999999", "0.1", "1e3"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        texts.extend(
            [
                "1.",
                ".5",
                "+1",
                "-0.5",
                "1.2.3",
                "",
                "9999999999999999",
                "0.0000000000001",
            ]
            .map(String::from),
        );
        let mut n = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..20_000 {
            n = n
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let digits = (n >> 60) as usize + 1;
            let whole = format!(
                "{:0>width$}",
                (n >> 8) % 10u64.pow(digits.min(15) as u32),
                width = 1
            );
            let cut = (n as usize >> 3) % (whole.len() + 1);
            texts.push(match cut {
                0 => whole,
                c if c < whole.len() => format!("{}.{}", &whole[..c], &whole[c..]),
                _ => whole,
            });
        }
        let mut short = 0;
        for t in &texts {
            if let Some(v) = plain_decimal(t.as_bytes()) {
                assert_eq!(
                    Some(v.to_bits()),
                    t.parse::<f64>().ok().map(f64::to_bits),
                    "{t}"
                );
                short += 1;
            }
            let parsed = t.parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0);
            assert_eq!(duration_seconds(t.as_bytes(), false), parsed, "{t}");
        }
        assert!(short > 19_000, "{short}");
    }

    /// The word-at-a-time search finds the first quote or backslash where a byte loop does,
    /// at every length and position, among bytes of every value.
    #[test]
    fn quote_or_backslash_finds_the_first_one() {
        let mut n = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            n ^= n << 13;
            n ^= n >> 7;
            n ^= n << 17;
            n
        };
        for _ in 0..20_000 {
            let len = (next() % 150) as usize;
            let bytes: Vec<u8> = (0..len)
                .map(|_| match next() % 40 {
                    0 => b'"',
                    1 => b'\\',
                    2 => 0,
                    3 => 0x22 ^ 0x80,
                    _ => (next() % 256) as u8,
                })
                .collect();
            let want = bytes.iter().position(|&b| b == b'"' || b == b'\\');
            assert_eq!(quote_or_backslash(&bytes), want, "{bytes:?}");
        }
    }
}
