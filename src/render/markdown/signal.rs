//! The incident's signal as one line of text in the summary: its own sources around its
//! window when it has a shape, else the run's headline error ratio.

use std::fmt::Write;

use super::{ms, pct};
use crate::render::sparkline::{LABEL, MARK_LABEL, Sparkline, of_shape, sparkline};
use crate::render::zone::{self, local_clock};
use crate::timeline::shape::Measure;
use crate::timeline::{Draft, Incident};

/// The caption and the line for incident `i`.
pub(super) fn block(out: &mut String, draft: &Draft, i: &Incident) {
    if let Some(shape) = &i.shape
        && let Some(line) = of_shape(shape, i.start_micros, i.recovered_micros)
    {
        let _ = writeln!(
            out,
            "_{} per {}-second bin in the sources that showed it, with the time around it._\n",
            capitalised(shape.label),
            draft.bin_seconds
        );
        let peak = match shape.measure {
            Measure::Ratio => pct(shape.peak),
            Measure::Count => format!("{} per {} s", shape.peak.round(), draft.bin_seconds),
            Measure::Milliseconds => ms(shape.peak),
        };
        line_block(out, draft, &line, shape.label, &peak);
        return;
    }
    let _ = writeln!(
        out,
        "_Error rate from {} in {}-second bins._\n",
        draft.signal, draft.bin_seconds
    );
    sparkline_block(out, draft);
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The error ratio over the whole span as one line, the incident marked under it.
fn sparkline_block(out: &mut String, draft: &Draft) {
    let Some(s) = sparkline(draft) else {
        return;
    };
    line_block(out, draft, &s, LABEL.trim_end(), &pct(s.peak_ratio));
}

/// A sparkline, its marks and its time axis, labels padded to one width.
fn line_block(out: &mut String, draft: &Draft, s: &Sparkline, label: &str, peak: &str) {
    let from = local_clock(draft.display_zone, s.from);
    let to = local_clock(draft.display_zone, s.to);
    let width = s.line.chars().count();
    let pad = label.len().max(MARK_LABEL.trim_end().len()) + 1;
    let _ = writeln!(
        out,
        "```text\n{label:<pad$}{}  peak {peak}\n{:<pad$}{}\n{}{from}{}{to} ({})\n```\n",
        s.line,
        MARK_LABEL.trim_end(),
        s.marks,
        " ".repeat(pad),
        " ".repeat(width.saturating_sub(from.len() + to.len())),
        zone::label(draft)
    );
}
