//! Code blocks on a terminal: printed as written, never reflowed as text (a text layout once
//! squeezed the sparkline's time axis into `05:0014:45` at 60 columns). A sparkline wider than the
//! terminal is drawn with fewer cells, each the highest of the ones it stands for; another
//! line too wide is wrapped at spaces.

use unicode_width::UnicodeWidthStr;

use super::table::wrap;
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
                true => wrap(l, width),
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
