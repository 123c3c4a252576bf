//! `postmortem timeline` output: aligned text lines, NDJSON (one JSON object per event, UTC),
//! or CSV (RFC 4180 quoting) with a header.

use std::fmt::Write;

use chrono_tz::Tz;

use crate::render::escape::plain;
use crate::timeline::events::{EventKind, EventRow};

/// The colour of each kind on a terminal, as the HTML page's markers have them.
fn kind_colour(kind: EventKind) -> &'static str {
    match kind {
        EventKind::Alert => "\x1b[33m",
        EventKind::Escalation => "\x1b[35m",
        EventKind::Action => "\x1b[34m",
        EventKind::Trigger => "\x1b[1;34m",
        EventKind::Investigation => "\x1b[2m",
        EventKind::Error => "\x1b[31m",
        EventKind::Incident => "\x1b[1;31m",
    }
}

/// `2023-09-10T08:15:02Z  alert       alerts/am.ndjson:3  alert X firing`, columns aligned;
/// with `colour`, the kind in its colour.
pub fn text(rows: &[EventRow], zone: Option<Tz>, colour: bool) -> String {
    let width = rows
        .iter()
        .map(|r| plain(&r.file).chars().count() + 1 + r.line.to_string().len())
        .max()
        .unwrap_or(0);
    let kind_width = rows.iter().map(|r| r.kind.name().len()).max().unwrap_or(0);
    let mut out = String::new();
    for r in rows {
        let source = format!("{}:{}", plain(&r.file), r.line);
        let kind = format!("{:<kind_width$}", r.kind.name());
        let kind = match colour {
            true => format!("{}{kind}\x1b[0m", kind_colour(r.kind)),
            false => kind,
        };
        let _ = writeln!(
            out,
            "{}  {kind}  {source:<width$}  {}",
            shown_time(r, zone),
            plain(&r.text)
        );
    }
    out
}

fn shown_time(r: &EventRow, zone: Option<Tz>) -> String {
    match zone {
        Some(tz) => r.time.in_zone(tz).to_string(),
        None => r.time.to_string(),
    }
}

/// Timeline rows as NDJSON: one object per line, times in UTC.
pub fn ndjson(rows: &[EventRow]) -> String {
    let mut out = String::new();
    for r in rows {
        out.push_str(&serde_json::to_string(r).unwrap_or_default());
        out.push('\n');
    }
    out
}

/// A CSV cell. Cells that a spreadsheet would run as a formula (OWASP: starting with `=`,
/// `+`, `-`, `@`, tab or CR) get a leading `'`, so log text never becomes a formula; control
/// characters are shown escaped (`\x1b`), as on a terminal, where `cat`ing the file would
/// otherwise run them.
fn csv_field(text: &str) -> String {
    let shown = plain(text);
    let text = shown.as_str();
    let neutral;
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        neutral = format!("'{text}");
        neutral.as_str()
    } else {
        text
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// Timeline rows as CSV with a header row, times in `zone` (UTC if none).
pub fn csv(rows: &[EventRow], zone: Option<Tz>) -> String {
    let mut out = String::from("time,kind,file,line,text,action,actor\r\n");
    for r in rows {
        let action = r
            .action
            .map(|a| crate::name::serde_name(&a))
            .unwrap_or_default();
        let _ = write!(
            out,
            "{},{},{},{},{},{},{}\r\n",
            csv_field(&shown_time(r, zone)),
            r.kind.name(),
            csv_field(&r.file),
            r.line,
            csv_field(&r.text),
            action,
            csv_field(r.actor.as_deref().unwrap_or(""))
        );
    }
    out
}
