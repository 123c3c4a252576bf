//! The draft laid out for a terminal of a given width, with or without colour. Whether to lay
//! it out and colour it at all is the binary's choice (its `--color`, `NO_COLOR`, whether
//! standard output is a terminal); this is the rendering, kept with the other renderings so
//! that a library user and the tests see what the terminal shows.

use crate::render::sparkline::{LABEL, MARK_LABEL};

const HOT: &str = "\x1b[1;31m";
const RESET: &str = "\x1b[0m";

/// The Markdown draft laid out for a terminal: headings and bold shown as such (no literal
/// `**`), tables fitted to `width` with their cells wrapped, long lines wrapped at words.
/// With `colour`, styles are ANSI sequences and the sparkline's incident is red.
pub fn for_terminal(markdown: &str, width: usize, colour: bool) -> String {
    let mut text = String::with_capacity(markdown.len() * 2);
    for block in blocks(markdown) {
        match block {
            Block::Text(md) => {
                // The blank line Markdown leaves after a code block or a table, kept.
                if !text.is_empty() && md.starts_with('\n') {
                    text.push('\n');
                }
                text.push_str(&text::layout(&summaries_as_text(&md), width, colour));
            }
            Block::Table(lines) => {
                let header = table::split_row(lines[0]);
                let rows: Vec<Vec<String>> =
                    lines[2..].iter().map(|l| table::split_row(l)).collect();
                text.push_str(&table::layout(&header, &rows, width.max(20)));
            }
            Block::Code(lines) => text.push_str(&code::layout(&lines, width.max(20))),
        }
    }
    match colour {
        true => redden_incident(&text),
        false => text,
    }
}

/// A stretch of the draft: running text, a table or a code block, each laid out its own way.
enum Block<'a> {
    Text(String),
    Table(Vec<&'a str>),
    Code(Vec<&'a str>),
}

/// The draft cut into text, tables and code blocks. A table is a `|` line followed by a
/// `|---` line, and the `|` lines after them; nothing inside a code fence is a table.
fn blocks(markdown: &str) -> Vec<Block<'_>> {
    let lines: Vec<&str> = markdown.lines().collect();
    let mut out = Vec::new();
    let mut text = String::new();
    let mut n = 0;
    while n < lines.len() {
        let line = lines[n];
        if line.starts_with("```") {
            let end = (n + 1..lines.len())
                .find(|&k| lines[k].starts_with("```"))
                .map_or(lines.len(), |k| k + 1);
            if !text.is_empty() {
                out.push(Block::Text(std::mem::take(&mut text)));
            }
            out.push(Block::Code(lines[n..end].to_vec()));
            n = end;
            continue;
        }
        let starts_table =
            line.starts_with('|') && lines.get(n + 1).is_some_and(|l| l.starts_with("|---"));
        if !starts_table {
            text.push_str(line);
            text.push('\n');
            n += 1;
            continue;
        }
        let end = (n + 2..lines.len())
            .find(|&k| !lines[k].starts_with('|'))
            .unwrap_or(lines.len());
        if !text.is_empty() {
            out.push(Block::Text(std::mem::take(&mut text)));
        }
        out.push(Block::Table(lines[n..end].to_vec()));
        n = end;
    }
    if !text.is_empty() {
        out.push(Block::Text(text));
    }
    out
}

/// `--context`'s collapsed blocks (`<details><summary>…</summary>`) as a terminal shows
/// them: the summary as a paragraph of its own, the closing tag gone.
fn summaries_as_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    for line in markdown.lines() {
        if line == "</details>" {
            continue;
        }
        match line
            .strip_prefix("<details><summary>")
            .and_then(|l| l.strip_suffix("</summary>"))
        {
            Some(summary) => {
                let summary = unescape_html(&summary.replace("<code>", "").replace("</code>", ""));
                out.push_str(&crate::render::escape::escape(&summary));
                out.push_str("\n\n");
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

/// The text of the few entities the draft's own HTML uses.
fn unescape_html(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Colours the sparkline cells above the `^` marks red: the incident, at a glance.
fn redden_incident(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::with_capacity(text.len() + 64);
    for (n, line) in lines.iter().enumerate() {
        let marks = lines
            .get(n + 1)
            .and_then(|next| next.split_once(MARK_LABEL).map(|(_, m)| m));
        match (line.split_once(LABEL), marks) {
            (Some((before, spark)), Some(marks)) => {
                out.push_str(before);
                out.push_str(LABEL);
                let mut hot = false;
                let mut marks = marks.chars();
                for c in spark.chars() {
                    let now = marks.next() == Some('^');
                    if now != hot {
                        out.push_str(if now { HOT } else { RESET });
                        hot = now;
                    }
                    out.push(c);
                }
                if hot {
                    out.push_str(RESET);
                }
            }
            _ => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

mod code;
mod table;
mod text;

#[cfg(test)]
mod tests;
