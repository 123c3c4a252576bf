//! Code blocks on a terminal: printed as written, never reflowed as text (a text layout once
//! squeezed the sparkline's time axis into `05:0014:45` at 60 columns). A sparkline wider than the
//! terminal is drawn with fewer cells, each the highest of the ones it stands for; another
//! line too wide is wrapped at spaces.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::render::sparkline::{LABEL, MARK_LABEL};

const LEVELS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// A fenced block's lines (fences included) laid out in `width` columns.
pub fn layout(lines: &[&str], width: usize) -> String {
    let body: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| !l.starts_with("```"))
        .collect();
    let mut out = String::new();
    let too_wide = body.iter().any(|l| l.width() > width);
    let fitted = match too_wide {
        true => fit_sparkline(&body, width),
        false => None,
    };
    let shown: Vec<String> = match fitted {
        Some(lines) => lines,
        None => body
            .iter()
            .flat_map(|l| match l.width() > width {
                true => wrap_verbatim(l, width),
                false => vec![l.to_string()],
            })
            .collect(),
    };
    for l in shown {
        out.push_str(&l);
        out.push('\n');
    }
    out
}

/// A line of a code block wider than `width`, wrapped at spaces with every character kept
/// (a log line's runs of spaces are its own): the continuation lines are indented past the
/// line number a context block starts each line with (`> 50  `), and a word wider than the
/// room is cut.
fn wrap_verbatim(line: &str, width: usize) -> Vec<String> {
    let gutter = gutter_width(line);
    let indent = " ".repeat(if gutter * 2 < width { gutter } else { 0 });
    let mut out = Vec::new();
    let mut current = String::new();
    let mut used = 0;
    for token in tokens(line) {
        let w = token.width();
        let blank = token.starts_with(' ');
        if used + w > width && used > indent.len() {
            out.push(current.trim_end().to_string());
            current = indent.clone();
            used = indent.len();
        }
        if blank && !out.is_empty() && used == indent.len() {
            continue; // no line starts with the spaces it was cut at
        }
        for c in token.chars() {
            let cw = UnicodeWidthChar::width(c).unwrap_or(0);
            if used + cw > width && used > indent.len() {
                out.push(std::mem::take(&mut current));
                current = indent.clone();
                used = indent.len();
            }
            current.push(c);
            used += cw;
        }
    }
    if used > indent.len() || out.is_empty() {
        out.push(current.trim_end().to_string());
    }
    out
}

/// How wide the line-number gutter of a context line is (`> 50  ` or `  48  `); 0 for a
/// line without one.
fn gutter_width(line: &str) -> usize {
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() && (bytes[i] == b'>' || bytes[i] == b' ') {
        i += 1;
    }
    let digits = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || !bytes[i + digits..].starts_with(b"  ") {
        return 0;
    }
    i + digits + 2
}

/// The line as words and the runs of spaces between them, every character kept.
fn tokens(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut blank = line.starts_with(' ');
    for (i, c) in line.char_indices() {
        if (c == ' ') != blank {
            out.push(&line[start..i]);
            start = i;
            blank = c == ' ';
        }
    }
    if start < line.len() {
        out.push(&line[start..]);
    }
    out
}

/// The three lines of a sparkline (cells, incident marks, time axis) with as many cells
/// merged as it takes to fit `width`; `None` when `lines` is not a sparkline.
fn fit_sparkline(lines: &[&str], width: usize) -> Option<Vec<String>> {
    let [spark, marks, axis] = lines else {
        return None;
    };
    let label: String = spark.chars().take(LABEL.chars().count()).collect();
    let rest: String = spark.chars().skip(LABEL.chars().count()).collect();
    let cells: Vec<char> = rest.chars().take_while(|c| LEVELS.contains(c)).collect();
    let tail: String = rest.chars().skip(cells.len()).collect();
    let marks = marks.strip_prefix(MARK_LABEL)?;
    if cells.is_empty() {
        return None;
    }
    let room = width.saturating_sub(label.width() + tail.width()).max(8);
    let per = cells.len().div_ceil(room);
    let level = |c: &char| LEVELS.iter().position(|l| l == c).unwrap_or(0);
    let merged: String = cells
        .chunks(per)
        .map(|group| {
            group
                .iter()
                .max_by_key(|c| level(c))
                .copied()
                .unwrap_or(LEVELS[0])
        })
        .collect();
    let mark_chars: Vec<char> = marks.chars().collect();
    let merged_marks: String = (0..merged.chars().count())
        .map(|g| {
            let hot = mark_chars.iter().skip(g * per).take(per).any(|&c| c == '^');
            if hot { '^' } else { ' ' }
        })
        .collect();
    let axis = axis.trim();
    let (from, to) = axis.split_once("  ")?;
    let to = to.trim();
    let gap = merged
        .chars()
        .count()
        .saturating_sub(from.width() + to.width())
        .max(1);
    Some(vec![
        format!("{label}{merged}{tail}"),
        format!("{MARK_LABEL}{}", merged_marks.trim_end()),
        format!("{}{from}{}{to}", " ".repeat(label.width()), " ".repeat(gap)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sparkline_too_wide_is_drawn_with_merged_cells_and_its_axis_kept_apart() {
        let spark = format!("{LABEL}{}  peak 34.5%", "▁▂▁█▁▁▁▁".repeat(7));
        let marks = format!("{MARK_LABEL}{}^^^^^^^^", " ".repeat(24));
        let axis = format!("{}05:00{}14:45 (UTC)", " ".repeat(12), " ".repeat(40));
        let lines = ["```text", &spark, &marks, &axis, "```"];
        let shown = layout(&lines, 60);
        let rows: Vec<&str> = shown.lines().collect();
        assert!(rows.iter().all(|l| l.width() <= 60), "{shown}");
        assert!(
            rows[0].ends_with("  peak 34.5%") && rows[0].contains('█'),
            "{shown}"
        );
        assert!(
            rows[2].contains("05:00 ") && rows[2].ends_with(" 14:45 (UTC)"),
            "{shown}"
        );
        assert!(rows[1].contains('^'), "{shown}");
    }
}
