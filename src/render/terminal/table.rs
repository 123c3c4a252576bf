//! Markdown tables laid out for a terminal so that no word is ever cut in two: columns are
//! at least as wide as their longest word and wrap at spaces; a citation too long for its
//! column is shortened from the left (`…/pagerduty.ndjson:2`), which keeps the part that
//! names the file and line; when the columns' longest words do not fit the width (or the
//! terminal is under 80 columns), each row becomes a short list instead.

use unicode_width::UnicodeWidthStr;

/// Below this width a table is always a list: five columns of a timeline cannot be read in
/// fewer.
pub(crate) const LIST_BELOW: usize = 80;

/// Columns whose cells are citations (`file:line`), shortened from the left when too long.
fn is_citation_column(header: &str) -> bool {
    matches!(header, "source" | "file" | "confirmed by")
}

/// A Markdown cell as the reader sees it: code spans without their backticks, escapes
/// resolved.
pub(crate) fn cell_text(cell: &str) -> String {
    let mut out = String::with_capacity(cell.len());
    let mut in_code = false;
    let mut chars = cell.chars();
    while let Some(c) = chars.next() {
        match c {
            '`' => in_code = !in_code,
            _ if in_code => out.push(c),
            '\\' => match chars.next() {
                Some(e) => out.push(e),
                None => out.push('\\'),
            },
            c => out.push(c),
        }
    }
    out.trim().to_string()
}

/// The cells of one table row: split at `|` outside code spans and escapes.
pub(crate) fn split_row(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|');
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut in_code = false;
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '`' => {
                in_code = !in_code;
                cell.push(c);
            }
            '\\' if !in_code => {
                cell.push(c);
                if let Some(e) = chars.next() {
                    cell.push(e);
                }
            }
            '|' if !in_code => cells.push(cell_text(&std::mem::take(&mut cell))),
            c => cell.push(c),
        }
    }
    cells.push(cell_text(&cell));
    cells
}

fn width_of(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// `text` in lines no wider than `width`, broken at spaces only. A word wider than `width`
/// (only possible in a list, for a word wider than the terminal) gets a line of its own.
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && width_of(&line) + 1 + width_of(word) > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// A citation shortened from the left to `width`, at a `/` where one fits
/// (`…/pagerduty.ndjson:2`), else within the name (`…y.ndjson:2`).
pub(crate) fn shorten_left(word: &str, width: usize) -> String {
    if width_of(word) <= width {
        return word.to_string();
    }
    let fits = |tail: &str| width_of(tail) < width;
    let at_slash = word
        .match_indices('/')
        .map(|(i, _)| &word[i..])
        .find(|tail| fits(tail));
    if let Some(tail) = at_slash {
        return format!("…{tail}");
    }
    let mut start = word.len();
    for (i, _) in word.char_indices().rev() {
        if !fits(&word[i..]) {
            break;
        }
        start = i;
    }
    format!("…{}", &word[start..])
}

/// The widest a citation column may be made: a quarter of the width, at least 16.
fn citation_cap(width: usize) -> usize {
    (width / 4).max(16)
}

/// The table (its header, its rows) laid out in `width` columns: a boxed table when every
/// column's longest word fits, a list otherwise.
pub fn layout(header: &[String], rows: &[Vec<String>], width: usize) -> String {
    let columns = header.len();
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            (0..columns)
                .map(|c| r.get(c).cloned().unwrap_or_default())
                .collect()
        })
        .collect();
    // Borders: one `│` before each column and one at the end.
    let room = width.saturating_sub(columns + 1);
    if width < LIST_BELOW {
        return as_list(header, &rows, width);
    }
    // In a box, citations are shortened, so that their column's longest word is known.
    let cap = citation_cap(width);
    let boxed_rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            r.iter()
                .zip(header)
                .map(|(cell, h)| match is_citation_column(h) {
                    true => cell
                        .split(' ')
                        .map(|w| shorten_left(w, cap))
                        .collect::<Vec<_>>()
                        .join(" "),
                    false => cell.clone(),
                })
                .collect()
        })
        .collect();
    let cells = |c: usize| std::iter::once(&header[c]).chain(boxed_rows.iter().map(move |r| &r[c]));
    let longest_word: Vec<usize> = (0..columns)
        .map(|c| {
            let words = cells(c).flat_map(|cell| cell.split_whitespace());
            words.map(width_of).max().unwrap_or(1).max(1)
        })
        .collect();
    if longest_word.iter().sum::<usize>() > room {
        return as_list(header, &rows, width);
    }
    let natural: Vec<usize> = (0..columns)
        .map(|c| {
            cells(c)
                .map(|cell| width_of(cell))
                .max()
                .unwrap_or(1)
                .max(1)
        })
        .collect();
    boxed(
        header,
        &boxed_rows,
        &fair_widths(&longest_word, &natural, room),
    )
}

/// Column widths that share `room` fairly: each column first gets its longest word, then
/// the space left is poured out evenly, a column that wants less than an even share taking
/// only what it wants (its whole text on one line).
fn fair_widths(least: &[usize], natural: &[usize], room: usize) -> Vec<usize> {
    let mut widths = least.to_vec();
    let mut spare = room.saturating_sub(least.iter().sum());
    let mut open: Vec<usize> = (0..least.len())
        .filter(|&c| natural[c] > least[c])
        .collect();
    while spare > 0 && !open.is_empty() {
        let share = (spare / open.len()).max(1);
        let mut still = Vec::new();
        for &c in &open {
            let give = (natural[c] - widths[c]).min(share).min(spare);
            widths[c] += give;
            spare -= give;
            if widths[c] < natural[c] {
                still.push(c);
            }
        }
        open = still;
    }
    widths
}

fn boxed(header: &[String], rows: &[Vec<String>], widths: &[usize]) -> String {
    let mut out = String::new();
    let rule = |left: &str, mid: &str, right: &str| {
        let parts: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
        format!("{left}{}{right}\n", parts.join(mid))
    };
    out.push_str(&rule("┌", "┬", "┐"));
    push_row(&mut out, header, widths);
    out.push_str(&rule("├", "┼", "┤"));
    for r in rows {
        push_row(&mut out, r, widths);
    }
    out.push_str(&rule("└", "┴", "┘"));
    out
}

fn push_row(out: &mut String, cells: &[String], widths: &[usize]) {
    let wrapped: Vec<Vec<String>> = cells.iter().zip(widths).map(|(c, w)| wrap(c, *w)).collect();
    let height = wrapped.iter().map(Vec::len).max().unwrap_or(1);
    for line in 0..height {
        out.push('│');
        for (cell, w) in wrapped.iter().zip(widths) {
            let text = cell.get(line).map_or("", String::as_str);
            out.push_str(text);
            out.push_str(&" ".repeat(w.saturating_sub(width_of(text))));
            out.push('│');
        }
        out.push('\n');
    }
}

/// Each row as a short list: its first two cells as the heading, the rest below, each with
/// its column's name (the `what` column without), wrapped at spaces.
fn as_list(header: &[String], rows: &[Vec<String>], width: usize) -> String {
    let mut out = String::new();
    let indent = "  ";
    let body = width.saturating_sub(indent.len()).max(8);
    for r in rows {
        let heading: Vec<&str> = r
            .iter()
            .take(2)
            .map(String::as_str)
            .filter(|c| !c.is_empty())
            .collect();
        for (n, line) in wrap(&heading.join(" "), body).into_iter().enumerate() {
            out.push_str(if n == 0 { "• " } else { indent });
            out.push_str(&line);
            out.push('\n');
        }
        for (h, cell) in header.iter().zip(r).skip(2) {
            if cell.is_empty() {
                continue;
            }
            let text = match h.as_str() {
                "what" => cell.clone(),
                _ => format!("{h}: {cell}"),
            };
            for line in wrap(&text, body) {
                out.push_str(indent);
                out.push_str(&line);
                out.push('\n');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_split_at_pipes_outside_code_and_escapes() {
        let row = split_row("| 08:14 | a \\| b | `x|y` | \\_z\\_ |");
        assert_eq!(row, ["08:14", "a | b", "x|y", "_z_"]);
    }

    #[test]
    fn words_are_wrapped_whole_and_citations_cut_from_the_left() {
        assert_eq!(wrap("one two three", 7), ["one two", "three"]);
        assert_eq!(wrap("escalation", 5), ["escalation"]);
        assert_eq!(
            shorten_left("alerts/pagerduty.ndjson:2", 20),
            "…/pagerduty.ndjson:2"
        );
        assert_eq!(
            shorten_left("alerts/pagerduty.ndjson:2", 12),
            "…ty.ndjson:2"
        );
        assert_eq!(shorten_left("syslog:50", 12), "syslog:50");
    }

    #[test]
    fn a_table_too_narrow_for_its_words_becomes_a_list() {
        let header: Vec<String> = ["time", "kind", "what", "source"]
            .map(String::from)
            .to_vec();
        let rows = vec![
            [
                "08:18:12",
                "escalation",
                "acknowledged by Alice",
                "alerts/pagerduty.ndjson:2",
            ]
            .map(String::from)
            .to_vec(),
        ];
        let wide = layout(&header, &rows, 100);
        assert!(wide.contains("│escalation│"), "{wide}");
        assert!(wide.lines().all(|l| width_of(l) <= 100));
        let narrow = layout(&header, &rows, 60);
        assert!(narrow.starts_with("• 08:18:12 escalation\n"), "{narrow}");
        assert!(
            narrow.contains("  source: alerts/pagerduty.ndjson:2"),
            "{narrow}"
        );
    }
}
