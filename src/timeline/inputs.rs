//! What the run read: each file's format, lines, span, zone and year, for the draft's Inputs
//! and for `scan`.

use super::model::{Guess, Input, ScopeNote, SkewReport, SkippedLine, Span};
use crate::pipeline::Analysis;
use crate::time::format_utc;
use crate::time::stamp::Stamp;

/// The zone zone-less lines were read in: one for all, or "per file" when siblings differed.
pub(super) fn zone_assumed(analysis: &Analysis) -> String {
    let zones: std::collections::BTreeSet<&str> = analysis
        .files
        .iter()
        .filter_map(|f| f.zone.as_deref())
        .collect();
    match zones.len() {
        0 => analysis.zone.clone(),
        1 => zones.into_iter().next().unwrap_or_default().to_string(),
        _ => "per file (see Inputs)".to_string(),
    }
}

/// The zones and years assumed rather than given, grouped by what was assumed and why.
pub(super) fn guesses(analysis: &Analysis) -> Vec<Guess> {
    use crate::pipeline::ZoneSource;
    use crate::time::year::YearSource;
    let mut by: std::collections::BTreeMap<
        (&'static str, String, String, &'static str),
        Vec<String>,
    > = std::collections::BTreeMap::new();
    for f in &analysis.files {
        if let (Some(zone), Some(rule)) = (&f.zone, &f.zone_source)
            && matches!(
                rule,
                ZoneSource::Default
                    | ZoneSource::SiblingOffset { .. }
                    | ZoneSource::SiblingZone { .. }
            )
        {
            let key = ("zone", zone.clone(), rule.describe(), "--tz");
            by.entry(key).or_default().push(f.display.clone());
        }
        if let Some(choice) = &f.year
            && !matches!(choice.source, YearSource::Flag { .. } | YearSource::Rule)
        {
            let key = (
                "year",
                choice.year.to_string(),
                choice.source.describe(),
                "--year",
            );
            by.entry(key).or_default().push(f.display.clone());
        }
    }
    by.into_iter()
        .map(|((what, value, rule, flag), files)| Guess {
            what,
            value,
            rule,
            files,
            flag,
        })
        .collect()
}

pub(super) fn span(analysis: &Analysis) -> Option<Span> {
    let first = analysis
        .files
        .iter()
        .filter_map(|f| f.summary.first_time)
        .min()?;
    let last = analysis
        .files
        .iter()
        .filter_map(|f| f.summary.last_time)
        .max()?;
    Some(Span {
        first: Stamp::utc(first),
        last: Stamp::utc(last),
    })
}

/// A UTC time shown as the file wrote it: in the offset most of its lines carry, or in the
/// zone its zone-less lines were read in.
fn as_written(t: Option<crate::time::Micros>, f: &crate::pipeline::FileReport) -> Option<String> {
    let t = t?;
    let offset = f
        .summary
        .offsets
        .iter()
        .max_by_key(|(o, n)| (**n, -**o))
        .map(|(o, _)| *o);
    match (offset, f.zone.as_deref()) {
        (Some(secs), _) => {
            let fixed = chrono::FixedOffset::east_opt(secs)?;
            let dt = chrono::DateTime::from_timestamp_micros(t)?.with_timezone(&fixed);
            Some(dt.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false))
        }
        (None, Some(zone)) => match zone.parse::<chrono_tz::Tz>() {
            Ok(tz) => Some(Stamp::utc(t).in_zone(tz).to_string()),
            Err(_) => {
                let fixed: chrono::FixedOffset = zone.parse().ok()?;
                let dt = chrono::DateTime::from_timestamp_micros(t)?.with_timezone(&fixed);
                Some(dt.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false))
            }
        },
        (None, None) => None,
    }
}

/// What each file was read as, and what it held: the `inputs` of the draft and of `scan`.
pub fn inputs(analysis: &Analysis) -> Vec<Input> {
    inputs_with(analysis, &crate::detect::sources::sources(analysis))
}

/// The same, with the source families already built.
pub(super) fn inputs_with(
    analysis: &Analysis,
    sources: &[crate::detect::sources::SourceSignal],
) -> Vec<Input> {
    let width = analysis.bin_width;
    let stretch = |(a, b): (i64, i64)| [format_utc(a * width), format_utc((b + 1) * width)];
    let mut family_of = vec![None; analysis.files.len()];
    for s in sources {
        for &f in &s.files {
            if let Some(slot) = family_of.get_mut(f) {
                *slot = Some(s);
            }
        }
    }
    analysis
        .files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let family = family_of[i];
            let segments = family.map(|s| s.own_segments.clone()).unwrap_or_default();
            let gaps = crate::detect::coverage::gaps(&segments);
            (f, segments, gaps)
        })
        .map(|(f, segments, gaps)| Input {
            coverage: segments.into_iter().map(stretch).collect(),
            gaps: gaps
                .into_iter()
                .map(|(a, b)| [format_utc((a + 1) * width), format_utc(b * width)])
                .collect(),
            file: f.display.clone(),
            // Nothing read, and why (a merge without the partial holding it, a file gone).
            not_read: (f.summary.lines == 0)
                .then(|| {
                    f.errors
                        .first()
                        .map(|e| why_not_read(&e.to_string(), &f.display))
                })
                .flatten(),
            format: f.detection.format,
            detected_because: f.detection.explain(),
            compression: f.compression,
            lines_read: f.summary.lines,
            lines_parsed: f.summary.parsed,
            lines_skipped: f.summary.skipped,
            lines_continuation: f.summary.continuation,
            lines_blank: f.summary.blank,
            lines_over_1_mib: f.summary.long_lines,
            lines_out_of_scope: f.summary.out_of_scope,
            skipped_examples: f
                .summary
                .skipped_examples
                .iter()
                .map(|(line, reason)| SkippedLine {
                    line: *line,
                    reason: reason.clone(),
                })
                .collect(),
            first_time: f.summary.first_time.map(Stamp::utc),
            last_time: f.summary.last_time.map(Stamp::utc),
            first_time_as_written: as_written(f.summary.first_time, f),
            last_time_as_written: as_written(f.summary.last_time, f),
            zone: f.zone.clone(),
            zone_rule: f.zone_source.clone(),
            zone_inferred: match &f.zone_source {
                Some(crate::pipeline::ZoneSource::SiblingZone { candidates, .. }) => {
                    Some(candidates.clone())
                }
                _ => None,
            },
            year: f.year.as_ref().map(|y| y.year),
            year_rule: f.year.as_ref().map(|y| y.source.clone()),
            skew: (f.summary.skew.jumps > 0).then(|| SkewReport {
                jumps_back: f.summary.skew.jumps,
                largest_jump_back_seconds: f.summary.skew.largest / 1_000_000,
                first_line: f.summary.skew.first_line.unwrap_or(0),
            }),
            rotation: f.rotation.clone(),
            duplicate_of: f.duplicate_of.clone(),
            partial_copy_of: f.copy_of.clone(),
            kubernetes: (f.detection.format.written_by_kubelet())
                .then(|| crate::discover::kubelet::pod_path(&f.display))
                .flatten(),
        })
        .collect()
}

/// What the run was scoped to and what that left out; `None` for a run over everything.
pub(crate) fn scope_note(analysis: &Analysis) -> Option<ScopeNote> {
    let scope = &analysis.scope;
    if *scope == crate::config::Scope::default() {
        return None;
    }
    let files_left_out = match scope.hosts.is_empty() {
        true => 0,
        false => analysis
            .passed_over
            .iter()
            .filter(|p| p.reason.starts_with("not in a folder of --host"))
            .count(),
    };
    Some(ScopeNote {
        since: scope.since.map(Stamp::utc),
        until: scope.until.map(Stamp::utc),
        hosts: scope.hosts.clone(),
        lines_left_out: analysis.files.iter().map(|f| f.summary.out_of_scope).sum(),
        files_left_out,
    })
}

/// An error about a file, without the file's name before it (the row names it).
fn why_not_read(error: &str, display: &str) -> String {
    let why = error
        .strip_prefix(display)
        .and_then(|rest| rest.strip_prefix(": "))
        .unwrap_or(error);
    why.strip_prefix("not read: ").unwrap_or(why).to_string()
}
