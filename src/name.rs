//! The name serde gives a unit enum value (`nginx_access`, `detection`, `gzip`): the one JSON
//! users see, reused wherever text shows the same value; a count with its noun; a ratio as a
//! percentage. Its own file at the ground floor, so that parsers, the timeline and renderers
//! alike can use it without importing the crate root.

use std::fmt::Write;

/// `serde_name(&Format::NginxAccess)` is `"nginx_access"`; empty for a value that is not a
/// plain string in JSON.
pub fn serde_name<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// A ratio as a percentage, the one way every output writes it: one decimal, two below 0.1 %
/// so a small baseline is not `0.0%`.
pub fn pct(ratio: f64) -> String {
    if ratio > 0.0 && ratio < 0.001 {
        format!("{:.2}%", ratio * 100.0)
    } else {
        format!("{:.1}%", ratio * 100.0)
    }
}

/// `1 log file`, `3 log files`: a count with its noun in the right number.
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Log text for a terminal or a plain text file: shown as written, but a control character (an
/// ESC that would start a terminal sequence, a line break that would forge a row) is shown as
/// `\x1b`, `\n`.
pub fn plain(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_shown(&mut out, c);
    }
    out
}

/// A character as plain text shows it: a line break or another control character written
/// out (`\n`, `\x1b`), a tab as a space.
pub(crate) fn push_shown(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push(' '),
        c if c.is_control() => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c => out.push(c),
    }
}
