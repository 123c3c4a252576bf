//! Timeline: from the merged run and the incidents found, the draft's content. Each item
//! cites the `file:line` it came from; where the logs cannot know something (why, what to
//! change), the renderer asks the author and shows the evidence gathered here.

pub mod actions;
pub mod alerts;
pub mod events;
pub mod evidence;
pub mod incident;
pub mod inputs;
mod logins;
pub mod model;
mod parts;
pub mod shape;

pub use inputs::inputs;
use inputs::{span, zone_assumed};

use crate::aggregate::{Event, Series};
use crate::detect::run::United;
use crate::detect::sources::{SourceKind, SourceSignal};
use crate::detect::{self, Bin, Params};
use crate::parse::registry::Meaning;
use crate::pipeline::Analysis;
use crate::time::Micros;
use crate::time::stamp::Stamp;
use actions::routine_units;
use alerts::alert_story;
pub use model::*;
use parts::DETECTION_LOOKBACK;

/// The run's headline signal, for the chart and the sparkline: the request sources merged
/// when there are any, else the log records.
struct Signal {
    description: String,
    series: Series,
    /// Requests (access logs) or log records.
    unit: SourceKind,
    /// Most records are errors: their rate, not a ratio, is tested.
    counts: bool,
}

fn signal(analysis: &Analysis) -> Signal {
    let mut access = Series::default();
    let mut records = Series::default();
    for f in &analysis.files {
        match f.detection.format.meaning() {
            Meaning::Requests => access.merge(&f.summary.series),
            // JSON logs with HTTP statuses are requests too.
            Meaning::MaybeRequests if !f.summary.clients.is_empty() => {
                access.merge(&f.summary.series)
            }
            Meaning::Changes | Meaning::Alerts => {}
            Meaning::MaybeRequests | Meaning::ErrorLog | Meaning::Messages => {
                records.merge(&f.summary.series)
            }
        }
    }
    if access.totals().total > 0 {
        return Signal {
            description: "server errors (5xx) per request in the access logs; each source is also judged on its own".into(),
            series: access,
            unit: SourceKind::Requests,
            counts: false,
        };
    }
    let totals = records.totals();
    let counts = totals.errors * 2 > totals.total;
    Signal {
        description: if counts {
            "error lines per bin (no access logs, and most lines are errors: their rate is tested)"
                .into()
        } else {
            "error-severity records per log record (no access logs); each source is judged on its own"
                .into()
        },
        series: records,
        unit: SourceKind::Records,
        counts,
    }
}

/// Alert firing → resolved windows that no request or record source has data for: with no
/// series to judge them by, the alerts alone say an incident happened.
fn alert_only_windows(
    story: &alerts::AlertStory,
    sources: &[SourceSignal],
    united: &[United],
    bin_width: Micros,
) -> Vec<(i64, Option<i64>, usize)> {
    let mut windows: Vec<(i64, Option<i64>, usize)> = Vec::new();
    // Resolutions by alert identity, in time order: a look-up per fired alert, not a scan
    // (100,000 alert notices took 56 s scanning).
    let mut resolutions: std::collections::HashMap<&str, Vec<&Event>> =
        std::collections::HashMap::new();
    for r in &story.resolved {
        if let Some(b) = alerts::alert_of(r) {
            resolutions.entry(b.identity.as_str()).or_default().push(r);
        }
    }
    for list in resolutions.values_mut() {
        list.sort_by_key(|r| (r.time, r.source));
    }
    let lookback = DETECTION_LOOKBACK.div_euclid(bin_width).max(1);
    let mut order: Vec<usize> = (0..story.fired.len()).collect();
    order.sort_by_key(|&n| (story.fired[n].time, n));
    for n in order {
        let fired = story.fired[n];
        let Some(a) = alerts::alert_of(fired) else {
            continue;
        };
        let resolved = resolutions.get(a.identity.as_str()).and_then(|list| {
            let at = list.partition_point(|r| r.time < fired.time);
            list.get(at)
        });
        let end = resolved.map(|r| {
            let at = alerts::alert_of(r)
                .and_then(|b| b.ends_at)
                .unwrap_or(r.time);
            at.max(fired.time)
        });
        let (first, last) = (
            fired.time.div_euclid(bin_width),
            end.map_or(i64::MAX, |e| e.div_euclid(bin_width)),
        );
        // Sources hold requests or records only: alert files are not a source.
        let covered = sources.iter().any(|s| {
            s.segments
                .iter()
                .any(|(from, to)| *from <= first.saturating_add(1) && *to >= first)
        });
        // An alert that never resolved speaks for the time it fired, not for every incident
        // after it (one from 2018 swallowed a folder's incidents of 2026).
        let reach = if end.is_some() {
            last
        } else {
            first.saturating_add(lookback)
        };
        let found = united
            .iter()
            .any(|u| u.start_bin <= reach && u.end_bin.is_none_or(|e| e >= first));
        if covered || found {
            continue;
        }
        // Alerts come in time order: only the last window can take this one in.
        let merged = windows
            .last_mut()
            .filter(|w| w.0 <= reach && w.1.unwrap_or(w.0.saturating_add(lookback)) >= first);
        let end_bin = end.map(|e| e.div_euclid(bin_width) + 1);
        match merged {
            Some(w) => {
                w.1 = match (w.1, end_bin) {
                    (Some(x), Some(y)) => Some(x.max(y)),
                    _ => None,
                }
            }
            None => windows.push((first, end_bin, n)),
        }
    }
    windows
}

/// Builds the draft from a run.
pub fn build(analysis: &Analysis, params: Params) -> Draft {
    let bin_width = analysis.bin_width;
    let mut signal = signal(analysis);
    if params.count_client_errors {
        for c in signal.series.bins.values_mut() {
            c.errors += c.client_errors;
        }
        signal.description.push_str(", 4xx counted as failures");
    }
    let bins = detect::bins_from(&signal.series.bins);
    // The headline baseline, for the chart: of the headline series, outside its incidents.
    let baseline = detect::find_incidents(&bins, params).1;
    let detect::run::Detected {
        sources,
        baselines,
        united,
    } = detect::run::run(analysis, params);
    let events = analysis.events();
    let routine = routine_units(&events);
    let story = alert_story(&events);
    let alert_only = alert_only_windows(&story, &sources, &united, bin_width);
    let run = incident::Run {
        analysis,
        params,
        story,
        events: &events,
        routine: &routine,
        sources: &sources,
        baselines: &baselines,
        windows: united
            .iter()
            .map(|u| (u.start_bin, u.end_bin))
            .chain(alert_only.iter().map(|w| (w.0, w.1)))
            .collect(),
    };
    let mut incidents: Vec<Incident> = united
        .iter()
        .map(|u| incident::draft_incident(&run, &incident::Case::of(&run, u)))
        .collect();
    incidents.extend(alert_only.iter().map(|&(first, end, n)| {
        incident::draft_incident(&run, &incident::Case::alerted(&run, first, end, n))
    }));
    incidents.sort_by_key(|i| (i.start_micros, i.recovered_micros));
    Draft {
        tool: Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        zone_assumed: zone_assumed(analysis),
        guesses: inputs::guesses(analysis),
        scope: inputs::scope_note(analysis),
        bin_seconds: bin_width / 1_000_000,
        signal: signal.description.clone(),
        baseline_ratio: baseline,
        series_unit: signal.unit.noun().to_string(),
        slo_percent: params.slo * 100.0,
        alert_threshold_ratio: (!signal.counts)
            .then(|| (baseline + detect::PAGE_BURN_RATE * (1.0 - params.slo)).min(1.0)),
        span: span(analysis),
        incidents,
        inputs: inputs::inputs_with(analysis, &sources),
        skipped_files: analysis
            .passed_over
            .iter()
            .map(|p| SkippedFile {
                file: p.display.clone(),
                reason: p.reason.clone(),
            })
            .collect(),
        errors: analysis.errors.iter().map(|e| e.to_string()).collect(),
        client_side: evidence::client_side(analysis, i64::MIN, i64::MAX),
        series: series_points(analysis, &signal, &bins),
        display_zone: None,
    }
}

fn series_points(analysis: &Analysis, signal: &Signal, bins: &[Bin]) -> Vec<SeriesPoint> {
    let width = analysis.bin_width;
    bins.iter()
        .map(|b| SeriesPoint {
            time: Stamp::utc(b.index * width),
            total: b.total,
            errors: b.errors,
            p95_ms: signal
                .series
                .latency
                .get(&b.index)
                .and_then(|l| l.quantile_ms(0.95)),
            micros: b.index * width,
        })
        .collect()
}
