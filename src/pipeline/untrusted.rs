//! A partial summary read as if anyone wrote it. Its checksum says it was not damaged, not that
//! it is true: "16746605 of 16743 requests failed", a citation of file 999, a million events
//! where the reader keeps 100,000, a 1 GiB name copied into every citation were all accepted.
//! Every count is checked against the counts it is part of, every cap the reader applies is
//! applied again, and every citation must point into the file that holds it. A plan is read
//! the same way: its tasks are checked here, its settings as their flags are.

use std::collections::BTreeMap;

use super::plan::Task;
use super::stages::{Piece, TaskOutput};
use crate::aggregate::{LineRef, MAX_KEPT_EVENTS, MAX_OFFSET_RUNS, MAX_STREAMS, Summary};

/// The longest text a kept line may be once written as JSON: [`MAX_KEPT_TEXT`] characters of
/// up to four bytes, escaped, and the fields around them.
///
/// [`MAX_KEPT_TEXT`]: crate::parse::common::MAX_KEPT_TEXT
const MAX_KEPT_JSON: usize = 16 << 10;
/// The most bytes one piece may say it read (8 TiB): a million of them still add up in a u64.
const MAX_PIECE_BYTES: u64 = 1 << 43;
/// The longest name of a file as shown (a path).
const MAX_NAME: usize = 4096;

/// The first thing in `outputs` no reader could have written, in words.
pub(crate) fn implausible(outputs: &[TaskOutput]) -> Option<String> {
    outputs
        .iter()
        .flat_map(|o| &o.pieces)
        .find_map(|p| piece(p).map(|why| format!("file {}: {why}", p.file)))
}

fn piece(p: &Piece) -> Option<String> {
    let r = &p.report;
    if r.display.len() > MAX_NAME {
        return Some(format!("a name of {} bytes", r.display.len()));
    }
    counts(&r.summary, r.detection.format.is_document())
        .or_else(|| caps(&r.summary))
        .or_else(|| citations(&r.summary, p.file))
}

/// Counts that add up: no bin with more errors than records, no more lines parsed, skipped or
/// counted than read, no more records than lines parsed (a document's lines hold many).
fn counts(s: &Summary, documents: bool) -> Option<String> {
    if let Some((bin, c)) = s
        .series
        .bins
        .iter()
        .find(|(_, c)| c.errors > c.total || c.client_errors > c.total)
    {
        return Some(format!(
            "bin {bin} has {} errors and {} client errors of {} records",
            c.errors, c.client_errors, c.total
        ));
    }
    // With at most a million tasks, no sum of pieces this size can wrap.
    if s.bytes > MAX_PIECE_BYTES {
        return Some(format!("{} bytes read: more than one task reads", s.bytes));
    }
    if s.lines > s.bytes.saturating_add(1) {
        return Some(format!("{} lines in {} bytes", s.lines, s.bytes));
    }
    let accounted = [s.parsed, s.skipped, s.blank, s.continuation, s.duplicates];
    if !documents && accounted.iter().any(|&n| n > s.lines) {
        return Some(format!(
            "more lines parsed or skipped than the {} read",
            s.lines
        ));
    }
    let records = s
        .series
        .bins
        .values()
        .try_fold(0u64, |sum, c| sum.checked_add(c.total));
    match records {
        None => Some("records per bin add up past any count".into()),
        Some(n) if !documents && n > s.parsed => Some(format!(
            "{n} records counted from {} lines parsed",
            s.parsed
        )),
        _ => None,
    }
}

/// The reader's own caps, applied again.
fn caps(s: &Summary) -> Option<String> {
    let too_many = [
        ("events", s.events.len(), MAX_KEPT_EVENTS),
        (
            "skipped examples",
            s.skipped_examples.len(),
            crate::aggregate::SKIPPED_EXAMPLES,
        ),
        ("offset runs", s.offset_runs.len(), MAX_OFFSET_RUNS),
        ("streams", s.streams.len(), MAX_STREAMS + 1),
        (
            "signatures",
            s.signatures.by_signature.len(),
            crate::aggregate::signature::MAX_SIGNATURES,
        ),
    ];
    if let Some((what, n, cap)) = too_many.iter().find(|(_, n, cap)| n > cap) {
        return Some(format!("{n} {what}, where a reader keeps at most {cap}"));
    }
    let long = |len: usize| len > MAX_KEPT_JSON;
    if s.events.iter().any(|e| long(json_len(e)))
        || s.error_samples.values().any(|e| long(json_len(e)))
    {
        return Some("a kept line longer than a reader keeps".into());
    }
    if s.signatures
        .by_signature
        .iter()
        .any(|(k, v)| long(k.len()) || long(json_len(&v.first)))
    {
        return Some("a signature longer than a reader keeps".into());
    }
    context_caps(s)
}

/// The lines around citations: two a side, as long as a reader cuts them, only for cited
/// lines (a partial keeps no others).
fn context_caps(s: &Summary) -> Option<String> {
    use crate::aggregate::context::{CONTEXT_CHARS, CONTEXT_LINES};
    let too_long = |lines: &[String]| {
        lines.len() > CONTEXT_LINES
            || lines
                .iter()
                .any(|l| l.chars().count() > CONTEXT_CHARS * 4 + 1)
    };
    let edges = [&s.edges.head, &s.edges.tail];
    let sides = s.contexts.values().flat_map(|c| [&c.before, &c.after]);
    let cited = s.contexts.values().map(|c| std::slice::from_ref(&c.cited));
    if edges.into_iter().chain(sides).any(|l| too_long(l)) || cited.into_iter().any(too_long) {
        return Some("lines around a citation longer than a reader keeps".into());
    }
    if !s.contexts.is_empty() {
        let cited = s.cited_lines();
        if let Some(line) = s.contexts.keys().find(|l| !cited.contains(l)) {
            return Some(format!("lines around line {line}, which nothing cites"));
        }
    }
    None
}

/// Every citation points into the piece's own file, at a line it read.
fn citations(s: &Summary, file: usize) -> Option<String> {
    let outside = |r: &LineRef| r.file != file || r.line > s.lines.saturating_add(1);
    let mut cited = s
        .events
        .iter()
        .map(|e| &e.source)
        .chain(s.error_samples.values().map(|e| &e.source))
        .chain(s.auth_samples.values().map(|e| &e.source))
        .chain(
            s.signatures
                .by_signature
                .iter()
                .map(|(_, v)| &v.first.source),
        )
        .chain(s.last_lines.values().map(|l| &l.source))
        .chain(s.last_errors.values().map(|l| &l.source));
    cited
        .find(|r| outside(r))
        .map(|r| format!("cites {}:{}, outside the lines it read", r.file, r.line))
}

/// How long a kept value is once written as JSON: what it holds, whatever its shape.
fn json_len(value: &impl serde::Serialize) -> usize {
    serde_json::to_string(value).map_or(0, |s| s.len())
}

/// The most tasks a plan may hold: `--split 1` made 1.4 million.
pub(crate) const MAX_TASKS: usize = 1_000_000;

/// A plan's tasks, checked as if anyone wrote them (the id is a checksum against accidents,
/// which anyone can recompute): each names files of the plan, no file is read by two tasks
/// (it would be counted twice) unless they read different byte ranges of it, and every range
/// runs forwards.
///
/// `files`: each file of the plan as (path, archive member), in order.
pub(super) fn check_tasks(
    tasks: &[Task],
    files: &[(&std::path::Path, Option<&str>)],
) -> Result<(), String> {
    if tasks.len() > MAX_TASKS {
        return Err(format!("{} tasks: more than {MAX_TASKS}", tasks.len()));
    }
    let mut read: BTreeMap<usize, Vec<Option<(u64, u64)>>> = BTreeMap::new();
    for (i, t) in tasks.iter().enumerate() {
        if t.id != i || t.files.is_empty() || t.files.iter().any(|&f| f >= files.len()) {
            return Err(format!("task {i} names no file or one not in the plan"));
        }
        if let Some(r) = t.range
            && (r.start >= r.end || t.files.len() != 1)
        {
            return Err(format!(
                "task {i} has a byte range {}..{} that reads nothing or more than one file",
                r.start, r.end
            ));
        }
        for &f in &t.files {
            read.entry(f)
                .or_default()
                .push(t.range.map(|r| (r.start, r.end)));
        }
    }
    // Sorted, so that a million ranges of one file are checked in n log n, not n².
    for (f, mut ranges) in read {
        let whole = ranges.iter().any(Option::is_none);
        ranges.sort_unstable();
        let overlap = ranges.windows(2).any(|w| match (w[0], w[1]) {
            (Some((_, end)), Some((start, _))) => start < end,
            _ => true,
        });
        if (whole && ranges.len() > 1) || overlap {
            return Err(format!(
                "file {f} is read by two tasks: it would be counted twice"
            ));
        }
    }
    let mut seen = std::collections::HashSet::new();
    for (n, key) in files.iter().enumerate() {
        if !seen.insert(key) {
            return Err(format!(
                "{} is listed twice (file {n}): it would be counted twice",
                key.0.display()
            ));
        }
    }
    Ok(())
}
