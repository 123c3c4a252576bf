//! The labelled supercomputer logs of the loghub collection (BGL, Thunderbird, and Spirit
//! and Liberty in Thunderbird's shape), widely used to test log tools: each line starts with
//! an alert label (`-` for none, else the category an administrator gave it, `KERNDTLB`,
//! `APPREAD`, `VAPI`), the Unix time, the date and the node, then the line as the machine
//! wrote it: BGL's `2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 RAS KERNEL INFO …`,
//! Thunderbird's syslog `Nov 9 12:01:01 dn228/dn228 crond[2916]: …`.
//!
//! A labelled line is an alert, so it is an error; an unlabelled one is not, whatever its
//! words (the labels are the data set's truth). The Unix time places the line (BGL's own
//! time adds its microseconds).

use super::entry::{Entry, Message, Verdict, When};
use super::spec::{Format, FormatSpec, Meaning};
use std::borrow::Cow;

/// What the data set's columns say.
struct Labelled<'a> {
    alert: bool,
    epoch: i64,
    node: &'a [u8],
    rest: &'a [u8],
}

/// Splits off the next space-separated token.
fn token(text: &[u8]) -> Option<(&[u8], &[u8])> {
    let text = text.strip_prefix(b" ").unwrap_or(text);
    let end = memchr::memchr(b' ', text).unwrap_or(text.len());
    (end > 0).then(|| (&text[..end], text.get(end + 1..).unwrap_or_default()))
}

fn labelled(line: &[u8]) -> Option<Labelled<'_>> {
    let (label, rest) = token(line)?;
    let label_ok = label == b"-"
        || (label.len() <= 16
            && label
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_'));
    let (epoch, rest) = token(rest)?;
    let (date, rest) = token(rest)?;
    let (node, rest) = token(rest)?;
    let date_ok = date.len() == 10
        && date[4] == b'.'
        && date[7] == b'.'
        && date
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    let epoch_ok = (9..=10).contains(&epoch.len()) && epoch.iter().all(u8::is_ascii_digit);
    if !(label_ok && date_ok && epoch_ok) {
        return None;
    }
    Some(Labelled {
        alert: label != b"-",
        epoch: std::str::from_utf8(epoch).ok()?.parse().ok()?,
        node,
        rest,
    })
}

/// BGL's `2005-06-03-15.42.50.675872 <node> RAS KERNEL INFO …`: the microseconds, and the
/// message after the node (the component's facility, source and level kept in it).
fn bgl(rest: &[u8]) -> Option<(u32, &[u8])> {
    let (stamp, after) = token(rest)?;
    if stamp.len() != 26 || stamp[10] != b'-' || stamp[19] != b'.' {
        return None;
    }
    let micros = std::str::from_utf8(&stamp[20..]).ok()?.parse().ok()?;
    let (_, message) = token(after)?;
    Some((micros, message))
}

/// Thunderbird's `Nov 9 12:01:01 dn228/dn228 crond[2916]: …`: the program and its message.
fn thunderbird(rest: &[u8]) -> Option<(&[u8], &[u8])> {
    let (month, rest) = token(rest)?;
    let rest = rest.trim_ascii_start();
    let (_, rest) = token(rest)?;
    let (clock, rest) = token(rest)?;
    let (_, rest) = token(rest)?;
    if month.len() != 3 || clock.len() != 8 || clock[2] != b':' {
        return None;
    }
    let colon = memchr::memmem::find(rest, b": ")?;
    let program = &rest[..colon];
    let program = memchr::memchr(b'[', program).map_or(program, |b| &program[..b]);
    (!program.is_empty() && !program.contains(&b' ')).then(|| (program, &rest[colon + 2..]))
}

/// A line of a loghub labelled log.
pub fn read(line: &[u8]) -> Entry<'_> {
    let Some(l) = labelled(line) else {
        return Entry::Unreadable("not a loghub labelled line (label, Unix time, date, node)");
    };
    let (micros, program, text) = match (bgl(l.rest), thunderbird(l.rest)) {
        (Some((micros, text)), _) => (micros, None, text),
        (None, Some((program, text))) => (0, Some(program), text),
        (None, None) => (0, None, l.rest),
    };
    Entry::Message(Message {
        when: When::Utc(l.epoch * 1_000_000 + i64::from(micros)),
        verdict: Verdict::Given(l.alert),
        program: program.map(Cow::Borrowed),
        host: Some(Cow::Borrowed(l.node)),
        text: Cow::Borrowed(text),
        vocabulary: super::entry::Vocabulary::Syslog,
        upstream: None,
        client: None,
        http: None,
    })
}

/// loghub's labelled logs: BGL, Thunderbird, Spirit, Liberty.
pub(crate) const SPEC: FormatSpec = FormatSpec {
    format: Format::Loghub,
    name: "loghub labelled (BGL, Thunderbird)",
    meaning: Meaning::Messages,
    zone_less: false,
    every_line_has_offset: true,
    accepts: |line| labelled(line).is_some(),
    read,
    documents: None,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bgl_line_is_its_node_time_and_message_and_its_label_an_alert() {
        let line = b"APPREAD 1117869872 2005.06.04 R04-M1-N1-C:J11-U11 2005-06-04-00.24.32.432192 R04-M1-N1-C:J11-U11 RAS APP FATAL ciod: failed to read message prefix on control stream";
        let Entry::Message(m) = read(line) else {
            panic!("a message")
        };
        assert_eq!(m.when, When::Utc(1_117_869_872_432_192));
        assert_eq!(m.verdict, Verdict::Given(true));
        assert_eq!(m.host.as_deref(), Some(&b"R04-M1-N1-C:J11-U11"[..]));
        assert_eq!(
            m.text.as_ref(),
            b"RAS APP FATAL ciod: failed to read message prefix on control stream"
        );
        let plain = b"- 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 RAS KERNEL INFO instruction cache parity error corrected";
        assert!(matches!(read(plain), Entry::Message(m) if m.verdict == Verdict::Given(false)));
    }

    #[test]
    fn a_thunderbird_line_is_its_program_and_message() {
        let line = b"- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond(pam_unix)[2915]: session closed for user root";
        let Entry::Message(m) = read(line) else {
            panic!("a message")
        };
        assert_eq!(m.when, When::Utc(1_131_566_461_000_000));
        assert_eq!(m.program.as_deref(), Some(&b"crond(pam_unix)"[..]));
        assert_eq!(m.host.as_deref(), Some(&b"dn228"[..]));
        assert_eq!(m.text.as_ref(), b"session closed for user root");
        assert!(!(SPEC.accepts)(b"2023-09-10 08:15:02 ERROR something"));
    }
}
