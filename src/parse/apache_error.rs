//! Apache httpd error logs, 2.2 and 2.4:
//! `[Sun Dec 04 04:47:44 2005] [error] [client 1.2.3.4] Directory index forbidden by rule: /x`
//! `[Wed Oct 11 14:32:52.123456 2023] [core:error] [pid 1234:tid 5678] [client 1.2.3.4:5678] AH00124: …`
//! Local time without a zone, like nginx's.

use super::common::{civil_of, clock, fixed_digits, month_name, spaces};
use crate::time::Civil;

#[derive(Debug, Clone, PartialEq)]
pub struct ApacheError<'a> {
    pub civil: Civil,
    /// `error`, `crit`, `warn`, …
    pub level: &'a [u8],
    /// `core` in `[core:error]` (2.4).
    pub module: Option<&'a [u8]>,
    pub pid: Option<u64>,
    pub client: Option<&'a [u8]>,
    pub message: &'a [u8],
}

impl ApacheError<'_> {
    pub fn is_error(&self) -> bool {
        matches!(self.level, b"error" | b"crit" | b"alert" | b"emerg")
    }
}

const LEVELS: [&[u8]; 8] = [
    b"emerg", b"alert", b"crit", b"error", b"warn", b"notice", b"info", b"debug",
];

/// The inside of the next `[...]` and what follows it.
fn bracket(input: &[u8]) -> Option<(&[u8], &[u8])> {
    let rest = input.strip_prefix(b"[")?;
    let close = memchr::memchr(b']', rest)?;
    Some((
        &rest[..close],
        rest[close + 1..]
            .strip_prefix(b" ")
            .unwrap_or(&rest[close + 1..]),
    ))
}

pub fn parse(line: &[u8]) -> Option<ApacheError<'_>> {
    let (stamp, rest) = bracket(line)?;
    // `Sun Dec 04 04:47:44 2005` or with `.123456`
    let stamp = stamp.get(4..)?;
    let (s, month) = month_name(stamp).ok()?;
    let (s, _) = spaces(s).ok()?;
    let (s, day) = fixed_digits(2)(s).ok()?;
    let (s, _) = spaces(s).ok()?;
    let (s, (hour, minute, second, micros)) = clock(s).ok()?;
    let (s, _) = spaces(s).ok()?;
    let (_, year) = fixed_digits(4)(s).ok()?;
    let civil = civil_of((year, month, day), (hour, minute, second, micros))?;
    let (level_field, mut rest) = bracket(rest)?;
    let (module, level) = match memchr::memchr(b':', level_field) {
        Some(i) => (Some(&level_field[..i]), &level_field[i + 1..]),
        None => (None, level_field),
    };
    let level_ok = LEVELS.contains(&level) || level.starts_with(b"trace");
    if !level_ok {
        return None;
    }
    let mut pid = None;
    let mut client = None;
    while let Some((inside, after)) = bracket(rest) {
        if let Some(p) = inside.strip_prefix(b"pid ") {
            let digits = p.iter().take_while(|b| b.is_ascii_digit()).count();
            pid = std::str::from_utf8(&p[..digits])
                .ok()
                .and_then(|d| d.parse().ok());
        } else if let Some(c) = inside.strip_prefix(b"client ") {
            client = Some(c);
        } else {
            break;
        }
        rest = after;
    }
    Some(ApacheError {
        civil,
        level,
        module,
        pid,
        client,
        message: rest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apache_22_line() {
        let e = parse(b"[Sun Dec 04 04:47:44 2005] [error] [client 1.2.3.4] Directory index forbidden by rule: /home/test/").unwrap();
        assert_eq!(
            (e.civil.year, e.civil.month, e.civil.day, e.civil.hour),
            (2005, 12, 4, 4)
        );
        assert_eq!(
            (e.level, e.module, e.client),
            (&b"error"[..], None, Some(&b"1.2.3.4"[..]))
        );
        assert!(e.is_error());
        assert_eq!(e.message, b"Directory index forbidden by rule: /home/test/");
    }

    #[test]
    fn apache_24_line() {
        let e = parse(b"[Wed Oct 11 14:32:52.123456 2023] [core:error] [pid 1234:tid 5678] [client 10.0.0.1:5678] AH00124: Request exceeded the limit of 10 internal redirects").unwrap();
        assert_eq!((e.civil.minute, e.civil.micros), (32, 123_456));
        assert_eq!(
            (e.module, e.level, e.pid),
            (Some(&b"core"[..]), &b"error"[..], Some(1234))
        );
        assert_eq!(e.client, Some(&b"10.0.0.1:5678"[..]));
        assert!(e.message.starts_with(b"AH00124"));
        let notice = parse(b"[Wed Oct 11 14:32:52 2023] [mpm_event:notice] [pid 1:tid 2] AH00489: Apache/2.4.57 configured -- resuming normal operations").unwrap();
        assert!(!notice.is_error());
        assert!(parse(b"[Wed Oct 11 14:32:52 2023] [bogus] x").is_none());
    }
}
