//! When and how the incident was detected: the alert that fired, or when the burn-rate page
//! would have, or when the logs had enough evidence.

use super::*;

pub(super) fn detection(
    run: &Run,
    case: &Case,
    start: Micros,
    until: Micros,
    timeline: &mut Vec<TimelineItem>,
) -> (Micros, DetectionMethod, String) {
    let analysis = run.analysis;
    let found = &case.found;
    let bin_width = analysis.bin_width;
    let alarm = (found.alarm_bin + 1) * bin_width;
    let alert = match case.alert {
        Some(n) => run.story.fired.get(n).copied(),
        None => run
            .story
            .fired
            .iter()
            .find(|e| e.time >= start - DETECTION_LOOKBACK && e.time <= until)
            .copied(),
    }
    .and_then(|e| alert_of(e).map(|a| (e, a)));
    if let Some((e, a)) = alert {
        let mut it = item(
            analysis,
            e.time,
            ItemKind::Detection,
            describe_alert(a),
            e.source,
        );
        it.text = format!("detected by {}", it.text);
        timeline.push(it);
        return (
            e.time,
            DetectionMethod::Alert,
            format!("monitoring alert {} ({})", a.name, origin(a)),
        );
    }
    let until_bin = until.div_euclid(bin_width);
    // A burn rate is a ratio: it means nothing on a log of errors alone.
    if found.kind.traits().burns_budget
        && !case.counts
        && let Some((at, condition)) = detect::burn::first_page(
            &case.bins,
            bin_width,
            run.params.slo,
            found.start_bin,
            until_bin,
        )
    {
        let text = format!(
            "a burn-rate page ({condition}, SLO {}%) would have fired here",
            run.params.slo * 100.0
        );
        if let Some(s) = run.error_sample_before(found.start_bin, at.div_euclid(bin_width)) {
            // What a page would have done is evidence, not when anyone noticed.
            timeline.push(item(analysis, at, ItemKind::Evidence, text, s.source));
        }
        return (
            at,
            DetectionMethod::BurnRate,
            format!(
                "no alert in the logs: the SRE workbook's multiwindow burn-rate page ({condition}) would have fired"
            ),
        );
    }
    let text = match found.kind.detected_by_logs(case.unit, found.ratio) {
        Some(text) => text,
        None => {
            if case.counts {
                let bin = bin_words(bin_width);
                format!(
                    "errors rose: {} error lines per {bin} against a usual {}: enough evidence to call an incident (no alert found)",
                    per_bin(detect::errors_per_bin(found.ratio)),
                    per_bin(detect::errors_per_bin(found.baseline_ratio))
                )
            } else {
                let what = found.kind.ratio_name(case.unit);
                format!(
                    "errors rose: {what} {} against a baseline of {}: enough evidence to call an incident (no alert found)",
                    percent(found.ratio),
                    percent(found.baseline_ratio)
                )
            }
        }
    };
    let cite = run
        .error_sample_before(found.start_bin, found.alarm_bin)
        .map(|s| s.source)
        .or_else(|| last_line_before(run, case, found.start_bin).map(|s| s.source));
    if let Some(cite) = cite {
        // The logs' change point, not when anyone noticed: evidence.
        timeline.push(item(analysis, alarm, ItemKind::Evidence, text, cite));
    }
    (
        alarm,
        DetectionMethod::DerivedFromLogs,
        "derived from logs: change detection on the sources' own signals (no alert, no burn-rate page)"
            .to_string(),
    )
}

/// The last line the speaking sources wrote before `bin`: where a silence began.
pub(super) fn last_line_before(run: &Run, case: &Case, bin: i64) -> Option<crate::aggregate::Seen> {
    case.showing
        .iter()
        .flat_map(|&s| &run.sources[s].files)
        .filter_map(|&f| {
            run.analysis.files[f]
                .summary
                .last_lines
                .range(..bin)
                .next_back()
                .map(|(_, s)| *s)
        })
        .max_by_key(|s| (s.time, s.source))
}

/// A bin's length in words: "minute" for the default bin.
fn bin_words(bin_width: Micros) -> String {
    match bin_width / crate::time::MICROS_PER_SEC {
        60 => "minute".to_string(),
        s => format!("{s}-second bin"),
    }
}

/// A rate of lines per bin as written: one decimal below ten, whole above.
fn per_bin(rate: f64) -> String {
    if rate < 10.0 {
        format!("{rate:.1}")
    } else {
        format!("{rate:.0}")
    }
}
