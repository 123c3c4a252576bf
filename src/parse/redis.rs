//! Redis and Valkey server logs: `<pid>:<role> <day> <Mon> <year> <hh:mm:ss.mmm> <level>
//! <message>` (`1:M 25 Apr 2024 05:32:35.019 * Ready to accept connections tcp`), the role
//! `M` primary, `S` replica, `C` a child (a save), `X` sentinel, the level `.` debug, `-`
//! verbose, `*` notice, `#` warning; and the signal handler's own lines, timed in Unix
//! seconds (`1:signal-handler (1714024483) Received SIGTERM scheduling shutdown...`). The
//! time has no zone (the server's clock). Read alone and inside containers.

use super::common::{civil_of, clock, month_name};
use super::entry::{Entry, Message, Verdict, When};
use super::spec::{Format, FormatSpec, Meaning};

/// `1:M ` and what follows; `None` for another line.
fn after_pid(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let colon = line.iter().take(11).position(|&b| b == b':')?;
    if colon == 0 || !line[..colon].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let rest = &line[colon + 1..];
    let space = memchr::memchr(b' ', rest)?;
    Some((&rest[..space], &rest[space + 1..]))
}

/// A line of a Redis server log.
pub fn read(line: &[u8]) -> Entry<'_> {
    const NOT_REDIS: &str = "not a Redis log line";
    let Some((role, rest)) = after_pid(line) else {
        return Entry::Unreadable(NOT_REDIS);
    };
    if role == b"signal-handler" {
        let Some((epoch, text)) = rest
            .strip_prefix(b"(")
            .and_then(|r| memchr::memchr(b')', r).map(|end| (&r[..end], &r[end + 1..])))
        else {
            return Entry::Unreadable(NOT_REDIS);
        };
        let Some(seconds) = std::str::from_utf8(epoch)
            .ok()
            .and_then(|e| e.parse::<i64>().ok())
        else {
            return Entry::Unreadable(NOT_REDIS);
        };
        return Message::text_line(
            When::Utc(seconds * 1_000_000),
            Verdict::ByWords(None),
            Some(b"redis"),
            text.trim_ascii(),
        );
    }
    if !matches!(role, b"M" | b"S" | b"C" | b"X") {
        return Entry::Unreadable(NOT_REDIS);
    }
    // A `#` warning is judged by its words, as every other level is.
    match timed(rest) {
        Some((when, text)) => {
            Message::text_line(when, Verdict::ByWords(None), Some(b"redis"), text)
        }
        None => Entry::Unreadable(NOT_REDIS),
    }
}

/// `25 Apr 2024 05:32:35.018 * message`: the time and the message.
fn timed(rest: &[u8]) -> Option<(When, &[u8])> {
    let space = memchr::memchr(b' ', rest)?;
    let day: u32 = std::str::from_utf8(&rest[..space]).ok()?.parse().ok()?;
    let (rest, month) = month_name(&rest[space + 1..]).ok()?;
    let rest = rest.strip_prefix(b" ")?;
    let year: u32 = std::str::from_utf8(rest.get(..4)?).ok()?.parse().ok()?;
    let (rest, hms) = clock(rest.get(5..)?).ok()?;
    let level = *rest.get(1)?;
    if rest.first() != Some(&b' ') || !b".-*#".contains(&level) {
        return None;
    }
    let text = rest.get(3..).unwrap_or_default();
    Some((When::Local(civil_of((year, month, day), hms)?), text))
}

/// Redis server logs.
pub(crate) const SPEC: FormatSpec = FormatSpec {
    format: Format::Redis,
    name: "Redis server log",
    meaning: Meaning::Messages,
    zone_less: true,
    every_line_has_offset: false,
    accepts: |line| !matches!(read(line), Entry::Unreadable(_)),
    read,
    documents: None,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_redis_line_is_its_time_and_message() {
        let Entry::Message(m) =
            read(b"1:M 25 Apr 2024 05:54:43.946 # Redis is now ready to exit, bye bye...")
        else {
            panic!("a message")
        };
        let civil = civil_of((2024, 4, 25), (5, 54, 43, 946_000)).expect("a time");
        assert_eq!(m.when, When::Local(civil));
        assert_eq!(m.program.as_deref(), Some(&b"redis"[..]));
        assert_eq!(m.text.as_ref(), b"Redis is now ready to exit, bye bye...");
        let Entry::Message(m) =
            read(b"1:signal-handler (1714024483) Received SIGTERM scheduling shutdown...")
        else {
            panic!("a message")
        };
        assert_eq!(m.when, When::Utc(1_714_024_483_000_000));
        assert_eq!(m.text.as_ref(), b"Received SIGTERM scheduling shutdown...");
        assert!(matches!(read(b"12:30:01 GET /x 200"), Entry::Unreadable(_)));
        assert!(matches!(
            read(b"1:Q 25 Apr 2024 05:54:43.946 # x"),
            Entry::Unreadable(_)
        ));
    }
}
