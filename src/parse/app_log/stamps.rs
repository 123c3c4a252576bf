//! The less common ways an application line opens with its time, tried only after the ISO
//! shapes fail, so the common path pays nothing for them:
//!
//! - `@40000000433225833b6e1a8c`: a TAI64N label (daemontools' `multilog`, runit's `svlogd -t`);
//! - `17/06/09 20:10:40`: log4j's `yy/MM/dd` (Spark, Hadoop);
//! - `20120702.102240,672`: a compact date and clock;
//! - `2012-025T10:22:40`: an ordinal date (the day of the year);
//! - `Wed May 19 08:00:01 EST 2021`: what `date(1)` prints, with or without a zone name.

use crate::parse::common::{civil_of, clock, fixed_digits, fraction, month_name};
use crate::parse::entry::When;
use crate::parse::zone_names;
use crate::time::{Civil, MICROS_PER_SEC};

/// The leading time in one of the shapes above, and the rest of the line.
pub(super) fn leading(line: &[u8]) -> Option<(&[u8], When)> {
    match line.first()? {
        b'@' => tai64n(line),
        b'0'..=b'9' => two_digit_year(line)
            .or_else(|| compact(line))
            .or_else(|| ordinal(line)),
        b'A'..=b'Z' => date_command(line),
        _ => None,
    }
}

/// TAI64N: `@`, 16 hex digits of seconds (2^62 plus TAI seconds since 1970), 8 of
/// nanoseconds. As daemontools' `tai64nlocal` reads it: TAI is taken as UTC plus 10 s, leap
/// seconds since 1972 left out.
fn tai64n(line: &[u8]) -> Option<(&[u8], When)> {
    let hex = line.get(1..25)?;
    // All hex first: the text is cut at byte 16 below, which must not fall inside a character.
    if !hex.iter().all(u8::is_ascii_hexdigit) || line.get(25).is_some_and(|&b| b != b' ') {
        return None;
    }
    let text = std::str::from_utf8(hex).ok()?;
    let label = u64::from_str_radix(&text[..16], 16).ok()?;
    let nanos = u32::from_str_radix(&text[16..], 16).ok()?;
    const EPOCH_LABEL: u64 = (1 << 62) + 10;
    let secs = i64::try_from(label.checked_sub(EPOCH_LABEL)?).ok()?;
    if nanos >= 1_000_000_000 || secs > 253_402_300_799 {
        return None;
    }
    let micros = secs * MICROS_PER_SEC + i64::from(nanos / 1000);
    Some((line.get(26..).unwrap_or_default(), When::Utc(micros)))
}

/// `yy/MM/dd HH:mm:ss` (log4j's pattern in Spark and Hadoop): the year is 2000 and after.
fn two_digit_year(line: &[u8]) -> Option<(&[u8], When)> {
    if line.get(2) != Some(&b'/') || line.get(5) != Some(&b'/') || line.get(8) != Some(&b' ') {
        return None;
    }
    let year = fixed_digits(2)(line).ok()?.1;
    let month = fixed_digits(2)(&line[3..]).ok()?.1;
    let day = fixed_digits(2)(&line[6..]).ok()?.1;
    let (rest, hms) = clock(&line[9..]).ok()?;
    let civil = civil_of((2000 + year, month, day), hms)?;
    Some((rest, When::Local(civil)))
}

/// `20120702.102240,672` or `20120702 102240`: eight digits of date, six of clock.
fn compact(line: &[u8]) -> Option<(&[u8], When)> {
    if !matches!(line.get(8), Some(b'.' | b' ' | b'T')) {
        return None;
    }
    let (_, year) = fixed_digits(4)(line).ok()?;
    let (_, month) = fixed_digits(2)(&line[4..]).ok()?;
    let (_, day) = fixed_digits(2)(&line[6..]).ok()?;
    let (_, hour) = fixed_digits(2)(line.get(9..)?).ok()?;
    let (_, minute) = fixed_digits(2)(&line[11..]).ok()?;
    let (rest, second) = fixed_digits(2)(&line[13..]).ok()?;
    let (rest, micros) = fraction(rest);
    let civil = civil_of((year, month, day), (hour, minute, second, micros))?;
    Some((rest, When::Local(civil)))
}

/// `2012-025T10:22:40,672`: year, day of the year (001 to 366), clock.
fn ordinal(line: &[u8]) -> Option<(&[u8], When)> {
    if line.get(4) != Some(&b'-') || !matches!(line.get(8), Some(b'T' | b' ')) {
        return None;
    }
    let (_, year) = fixed_digits(4)(line).ok()?;
    let (_, mut day) = fixed_digits(3)(&line[5..]).ok()?;
    let mut month = 1;
    while month <= 12 && day > Civil::days_in_month(year as i32, month) {
        day -= Civil::days_in_month(year as i32, month);
        month += 1;
    }
    let (rest, hms) = clock(&line[9..]).ok()?;
    let civil = civil_of((year, month, day), hms)?;
    Some((rest, When::Local(civil)))
}

/// `Wed May 19 08:00:01 EST 2021` (`date`), `Wed May 19 08:00:01 2021` (`asctime`). A zone
/// abbreviation of [`zone_names`] places the time; another, or none, leaves it local.
fn date_command(line: &[u8]) -> Option<(&[u8], When)> {
    let weekday = line.get(..4)?;
    if !weekday[..3].iter().all(u8::is_ascii_alphabetic) || weekday[3] != b' ' {
        return None;
    }
    let (rest, month) = month_name(&line[4..]).ok()?;
    let rest = rest.trim_ascii_start();
    let digits = rest
        .iter()
        .take(2)
        .take_while(|b| b.is_ascii_digit())
        .count();
    let (rest, day) = fixed_digits(digits.max(1))(rest).ok()?;
    let (rest, hms) = clock(rest.strip_prefix(b" ")?).ok()?;
    let mut rest = rest.strip_prefix(b" ")?;
    let mut offset = None;
    let letters = rest.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    if (1..=5).contains(&letters) && rest.get(letters) == Some(&b' ') {
        offset = Some(zone_names::offset(&rest[..letters]));
        rest = &rest[letters + 1..];
    }
    let (rest, year) = fixed_digits(4)(rest).ok()?;
    let civil = civil_of((year, month, day), hms)?;
    let when = match offset.flatten() {
        Some(offset_secs) => When::Offset {
            time: civil.with_offset(offset_secs)?,
            offset_secs,
        },
        None => When::Local(civil),
    };
    Some((rest, when))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(line: &str) -> (i64, &str) {
        let (rest, when) = leading(line.as_bytes()).expect("a time");
        let time = match when {
            When::Utc(t) | When::Offset { time: t, .. } => t,
            When::Local(civil) => civil.as_utc().expect("a valid time"),
            other => panic!("unexpected {other:?}"),
        };
        (
            time / MICROS_PER_SEC,
            std::str::from_utf8(rest).expect("text"),
        )
    }

    #[test]
    fn tai64n_label_as_tai64nlocal_reads_it() {
        // 0x43322583 - 10 = 1127359865: 2005-09-22 03:31:05 UTC.
        let (secs, rest) = utc("@40000000433225833b6e1a8c tcpserver: status: 5/30");
        assert_eq!(secs, 1_127_359_865);
        assert_eq!(rest, "tcpserver: status: 5/30");
        assert!(leading(b"@4000000043322583zz6e1a8c x").is_none());
    }

    #[test]
    fn spark_two_digit_year() {
        let (secs, rest) = utc("17/06/09 20:10:40 INFO executor.Backend: Registered");
        assert_eq!(secs, 1_497_039_040); // 2017-06-09 20:10:40
        assert_eq!(rest, " INFO executor.Backend: Registered");
        assert!(leading(b"17/13/09 20:10:40 INFO x").is_none());
    }

    #[test]
    fn compact_and_ordinal_dates() {
        assert_eq!(utc("20120702.102240,672:DEBUG:foo").0, 1_341_224_560);
        // Day 25 of 2012 is January 25; day 333 of 2014 is November 29.
        assert_eq!(utc("2012-025T10:22:40,672:DEBUG:foo").0, 1_327_486_960);
        assert_eq!(utc("2014-333T16:56:38,344:WARN:foo").0, 1_417_280_198);
        assert!(leading(b"2014-367T16:56:38 x").is_none());
    }

    #[test]
    fn date_command_with_and_without_a_zone() {
        // 08:00:01 EST is 13:00:01 UTC.
        let (secs, rest) = utc("Wed May 19 08:00:01 EST 2021 line 1");
        assert_eq!(secs, 1_621_429_201);
        assert_eq!(rest, " line 1");
        let (rest, when) = leading(b"Wed May 19 12:00:02 XYZT 2021 x").expect("a time");
        assert!(matches!(when, When::Local(_)), "{when:?}");
        assert_eq!(rest, b" x");
        assert!(leading(b"Wed May 19 08:00:01 line").is_none());
    }
}
