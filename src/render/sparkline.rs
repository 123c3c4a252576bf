//! The error rate in one line of text, with the incident marked under it, so the shape of an
//! outage is visible in a terminal or a Markdown file before anyone opens a chart.
//!
//! ```text
//! error ratio ▁▁▁▁▁▁▇█▇▆▆▆▇▇▆▅▄▂▁▁▁▁  peak 19.3%
//! incident          ^^^^^^^^^^^^^
//!             08:00            12:40
//! ```

use crate::time::Micros;
use crate::timeline::Draft;
use crate::timeline::shape::Shape;

const LEVELS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
/// Characters across: with the label in front and `peak 34.5%` behind, the line fits an
/// 80-column terminal.
pub(crate) const CELLS: usize = 54;
/// The label before the error-ratio line.
pub(crate) const LABEL: &str = "error ratio ";
/// The label before the incident-marker line.
pub(crate) const MARK_LABEL: &str = "incident    ";

/// A text sparkline and its numbers.
pub struct Sparkline {
    /// The line of block characters.
    pub line: String,
    /// `^` under the cells inside an incident, spaces elsewhere (same width as `line`).
    pub marks: String,
    /// The highest error ratio plotted.
    pub peak_ratio: f64,
    /// The first instant plotted.
    pub from: Micros,
    /// The end of the last cell plotted.
    pub to: Micros,
}

/// The sparkline over the draft's whole span; `None` with fewer than two bins.
pub fn sparkline(draft: &Draft) -> Option<Sparkline> {
    let (first, last) = (draft.series.first()?, draft.series.last()?);
    let bin = draft.bin_seconds.max(1) * 1_000_000;
    let from = first.micros;
    let to = last.micros + bin;
    let bins = ((to - from) / bin) as usize;
    if bins < 2 {
        return None;
    }
    let cells = bins.min(CELLS);
    let mut sums = vec![(0u64, 0u64); cells];
    let cell_of = |t: Micros| (((t - from) as i128 * cells as i128) / (to - from) as i128) as usize;
    for p in &draft.series {
        let c = cell_of(p.micros).min(cells - 1);
        sums[c].0 += p.errors;
        sums[c].1 += p.total;
    }
    let ratios: Vec<Option<f64>> = sums
        .iter()
        .map(|&(e, t)| (t > 0).then(|| e as f64 / t as f64))
        .collect();
    let (line, peak) = levels(&ratios);
    let marks = marks(from, to, cells, |start, end| {
        draft
            .incidents
            .iter()
            .any(|i| i.start_micros < end && i.recovered_micros.is_none_or(|r| r > start))
    });
    Some(Sparkline {
        line,
        marks,
        peak_ratio: peak,
        from,
        to,
    })
}

/// The incident's own line: each cell shows the highest bin in it (a one-minute spike stays
/// visible on a long line), scaled to the window's highest; cells without data are blank.
pub(crate) fn of_shape(shape: &Shape, start: Micros, end: Option<Micros>) -> Option<Sparkline> {
    let (from, to) = (shape.from, shape.to);
    let bins = ((to - from) / shape.bin_micros.max(1)) as usize;
    if bins < 2 || shape.points.is_empty() {
        return None;
    }
    let cells = bins.min(CELLS);
    let cell_of = |t: Micros| (((t - from) as i128 * cells as i128) / (to - from) as i128) as usize;
    let mut values: Vec<Option<f64>> = vec![None; cells];
    for &(t, v) in &shape.points {
        let c = cell_of(t).min(cells - 1);
        values[c] = Some(values[c].map_or(v, |old: f64| old.max(v)));
    }
    let (line, _) = levels(&values);
    let marks = marks(from, to, cells, |a, b| {
        start < b && end.is_none_or(|e| e > a)
    });
    Some(Sparkline {
        line,
        marks,
        peak_ratio: shape.peak,
        from,
        to,
    })
}

/// Characters for the cell values, scaled to the highest; `None` is a blank. Also the highest.
fn levels(values: &[Option<f64>]) -> (String, f64) {
    let top = values.iter().flatten().fold(0.0f64, |a, &b| a.max(b));
    let line = values
        .iter()
        .map(|v| match v {
            None => ' ',
            Some(_) if top <= 0.0 => LEVELS[0],
            Some(v) => LEVELS[((v / top) * 7.0).round().clamp(0.0, 7.0) as usize],
        })
        .collect();
    (line, top)
}

/// `^` under the cells of `[from, to)` for which `inside(cell start, cell end)` holds.
fn marks(
    from: Micros,
    to: Micros,
    cells: usize,
    inside: impl Fn(Micros, Micros) -> bool,
) -> String {
    (0..cells)
        .map(|c| {
            let (a, b) = (
                from + (to - from) * c as i64 / cells as i64,
                from + (to - from) * (c as i64 + 1) / cells as i64,
            );
            if inside(a, b) { '^' } else { ' ' }
        })
        .collect::<String>()
        .trim_end()
        .to_string()
}

#[cfg(test)]
mod tests;
