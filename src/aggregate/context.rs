//! The lines around a cited line, so that an author can judge a citation without opening the
//! file: what happened just before the rollback, the error the restart printed.
//!
//! A chunk keeps them for the lines it may be cited by (kept events, error and failed-login
//! samples, signatures' first lines), as far as its own bytes reach. The lines a chunk's edge
//! cut off come from its neighbour when summaries are appended in file order (each summary
//! keeps its first and last [`CONTEXT_LINES`] lines for that), so the result is the same
//! whatever the chunk size, and a partial summary carries them to `merge`.
//!
//! The cost is about 700 bytes a cited line, and every minute with an error has one: on a
//! syslog of 8 months with an error line every other minute (33 MB), peak memory went from
//! 218 to 343 MB and the run from 0.88 to 1.18 s. A day of logs does not notice it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::parse::common::strip_cr;

/// Lines kept on each side of a cited line.
pub(crate) const CONTEXT_LINES: usize = 2;

/// Characters kept of each line around a citation: enough to recognise it, bounded so that
/// memory never follows line length.
pub(crate) const CONTEXT_CHARS: usize = 200;

/// The lines just before and after a cited line, as written (control characters made
/// visible, long lines cut with `…`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Context {
    /// Up to [`CONTEXT_LINES`] lines before it, oldest first.
    pub before: Vec<String>,
    /// The cited line itself, as written.
    #[serde(default)]
    pub cited: String,
    /// Up to [`CONTEXT_LINES`] lines after it.
    pub after: Vec<String>,
}

/// A summary's first and last lines: what its neighbours' contexts lack at the seam.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edges {
    /// Its first [`CONTEXT_LINES`] lines.
    pub head: Vec<String>,
    /// Its last [`CONTEXT_LINES`] lines, oldest first.
    pub tail: Vec<String>,
}

/// A line around a citation as kept: without its `\r`, cut at [`CONTEXT_CHARS`] characters.
/// At most four bytes a character are decoded, whatever the line's length.
pub(crate) fn context_text(line: &[u8]) -> String {
    let line = strip_cr(line);
    let cut = line.len() > CONTEXT_CHARS * 4;
    let head = &line[..line.len().min(CONTEXT_CHARS * 4)];
    let text = String::from_utf8_lossy(head);
    let mut out = String::with_capacity(head.len().min(CONTEXT_CHARS + 4));
    for (count, c) in text.chars().enumerate() {
        if count >= CONTEXT_CHARS {
            out.push('…');
            return out;
        }
        if c.is_control() && c != '\t' {
            out.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            out.push(c);
        }
    }
    if cut {
        out.push('…');
    }
    out
}

/// The body of a chunk as `read::lines` splits it: without its one trailing newline.
fn body(data: &[u8]) -> &[u8] {
    data.strip_suffix(b"\n").unwrap_or(data)
}

/// Up to `k` lines before the line starting at byte `start` of `data`, oldest first.
pub(crate) fn lines_before(data: &[u8], start: usize, k: usize) -> Vec<String> {
    let mut out = Vec::with_capacity(k);
    let mut pos = start.min(data.len());
    while out.len() < k && pos > 0 {
        let end = pos - 1;
        let from = memchr::memrchr(b'\n', &data[..end]).map_or(0, |i| i + 1);
        out.push(context_text(&data[from..end]));
        pos = from;
    }
    out.reverse();
    out
}

/// Up to `k` lines after the line ending at byte `end` of `data` (its newline not included).
pub(crate) fn lines_after(data: &[u8], end: usize, k: usize) -> Vec<String> {
    let body = body(data);
    let mut out = Vec::with_capacity(k);
    let mut pos = end + 1;
    while out.len() < k && pos <= body.len() {
        let next = memchr::memchr(b'\n', &body[pos..]).map_or(body.len(), |i| pos + i);
        out.push(context_text(&body[pos..next]));
        pos = next + 1;
    }
    out
}

/// A chunk's first and last lines.
pub fn edges(data: &[u8]) -> Edges {
    if data.is_empty() {
        return Edges::default();
    }
    let body = body(data);
    let head = crate::read::lines(data)
        .take(CONTEXT_LINES)
        .map(context_text)
        .collect();
    let last = memchr::memrchr(b'\n', body).map_or(0, |i| i + 1);
    let mut tail = lines_before(data, last, CONTEXT_LINES - 1);
    tail.push(context_text(&body[last..]));
    Edges { head, tail }
}

/// Before the summary of the lines that follow is appended to one of `mine` lines: fills in
/// the context lines each side's edge cut off, and joins the edges (`edges` becomes the
/// joined summary's).
pub(super) fn stitch(
    mine: u64,
    contexts: &mut BTreeMap<u64, Context>,
    edges: &mut Edges,
    next_contexts: &mut BTreeMap<u64, Context>,
    next_edges: &Edges,
) {
    // A line of mine whose after-lines reach my end takes the rest from `next`'s head.
    for (line, c) in contexts.range_mut(mine.saturating_sub(1)..) {
        if c.after.len() < CONTEXT_LINES && c.after.len() as u64 == mine - line {
            let need = CONTEXT_LINES - c.after.len();
            c.after.extend(next_edges.head.iter().take(need).cloned());
        }
    }
    // A line of `next` whose before-lines reach its start takes the rest from my tail.
    for (line, c) in next_contexts.range_mut(..=CONTEXT_LINES as u64) {
        if c.before.len() < CONTEXT_LINES && c.before.len() as u64 + 1 == *line {
            let need = CONTEXT_LINES - c.before.len();
            let from = edges.tail.len().saturating_sub(need);
            let mut before = edges.tail[from..].to_vec();
            before.append(&mut c.before);
            c.before = before;
        }
    }
    let head_room = CONTEXT_LINES.saturating_sub(edges.head.len());
    edges
        .head
        .extend(next_edges.head.iter().take(head_room).cloned());
    let mut tail = std::mem::take(&mut edges.tail);
    tail.extend(next_edges.tail.iter().cloned());
    let from = tail.len().saturating_sub(CONTEXT_LINES);
    edges.tail = tail.split_off(from);
}

/// Contexts of another summary, its line numbers moved on by `offset`.
pub(super) fn moved(contexts: BTreeMap<u64, Context>, offset: u64) -> BTreeMap<u64, Context> {
    match offset {
        0 => contexts,
        _ => contexts
            .into_iter()
            .map(|(line, c)| (line + offset, c))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DATA: &[u8] = b"one\ntwo\r\nthree\nfour\nfive\n";

    #[test]
    fn lines_around_a_line_as_read_lines_splits_them() {
        // "three" starts at byte 9 and ends at byte 14.
        assert_eq!(lines_before(DATA, 9, 2), ["one", "two"]);
        assert_eq!(lines_after(DATA, 14, 2), ["four", "five"]);
        assert_eq!(lines_before(DATA, 0, 2), Vec::<String>::new());
        assert_eq!(lines_after(DATA, 24, 2), Vec::<String>::new());
        assert_eq!(lines_before(DATA, 4, 2), ["one"]);
    }

    #[test]
    fn edges_are_the_first_and_last_lines() {
        let e = edges(DATA);
        assert_eq!(e.head, ["one", "two"]);
        assert_eq!(e.tail, ["four", "five"]);
        let one = edges(b"only");
        assert_eq!(
            (one.head, one.tail),
            (vec!["only".to_string()], vec!["only".into()])
        );
        let blank_end = edges(b"a\n\n");
        assert_eq!(blank_end.tail, ["a", ""]);
    }

    #[test]
    fn a_long_line_is_cut_and_control_characters_shown() {
        let long = vec![b'x'; 1 << 20];
        let text = context_text(&long);
        assert_eq!(text.chars().count(), CONTEXT_CHARS + 1);
        assert!(text.ends_with('…'));
        assert_eq!(context_text(b"a\x1b[31mb"), "a\\x1b[31mb");
    }
}
