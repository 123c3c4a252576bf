//! `postmortem timeline` output: aligned text lines, NDJSON (one JSON object per event, UTC),
//! or CSV (RFC 4180 quoting) with a header.

use std::fmt::Write;

use chrono_tz::Tz;

use crate::timeline::events::EventRow;

/// `2023-09-10T08:15:02Z alert       alerts/am.ndjson:3  alert X firing`
pub fn text(rows: &[EventRow], zone: Option<Tz>) -> String {
    let width = rows
        .iter()
        .map(|r| r.file.len() + 1 + r.line.to_string().len())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for r in rows {
        let source = format!("{}:{}", r.file, r.line);
        let _ = writeln!(
            out,
            "{}  {:<10}  {source:<width$}  {}",
            shown_time(r, zone),
            r.kind.name(),
            r.text
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
/// `+`, `-`, `@`, tab or CR) get a leading `'`, so log text never becomes a formula.
fn csv_field(text: &str) -> String {
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
