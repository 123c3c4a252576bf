//! The recovery: back at baseline, citing the candidate fix or the last error before it.

use super::*;

/// The recovery item: back at baseline, with the candidate fix or the last error cited.
pub(super) fn recovery(
    run: &Run,
    case: &Case,
    end: Micros,
    baseline: f64,
    resolution: Option<&TimelineItem>,
) -> Option<TimelineItem> {
    let found = &case.found;
    let last_bin = found.end_bin.map_or(i64::MAX, |b| b - 1);
    let mut text = found.kind.recovered(case.unit, baseline);
    let cite = match resolution {
        Some(r) => {
            text.push_str(&format!(
                "; candidate resolution: {} at {}",
                r.text,
                crate::time::format_clock(r.micros)
            ));
            Some(r.source.clone())
        }
        None => run.last_error_in(found.start_bin, last_bin).map(|s| {
            text.push_str("; last error before it cited");
            source(run.analysis, s)
        }),
    };
    let cite = cite.or_else(|| {
        run.analysis
            .files
            .iter()
            .enumerate()
            .filter_map(|(i, f)| {
                f.summary
                    .last_lines
                    .range(found.end_bin.unwrap_or(i64::MAX)..)
                    .next()
                    .map(|(_, s)| (s.time, i, s.source))
            })
            .min()
            .map(|(_, _, s)| source(run.analysis, s))
    })?;
    let mut it = item(
        run.analysis,
        end,
        ItemKind::Resolution,
        text,
        LineRef {
            file: usize::MAX,
            line: 0,
        },
    );
    it.source = cite;
    Some(it)
}
