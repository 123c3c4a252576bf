//! Timeline: from the merged run and the incidents found, the draft's content. Each item
//! cites the `file:line` it came from; where the logs cannot know something (why, what to
//! change), the renderer asks the author and shows the evidence gathered here.

pub mod actions;
pub mod alerts;
pub mod events;
pub mod evidence;
pub mod inputs;
pub mod model;

pub use inputs::inputs;
use inputs::{span, zone_assumed};

use crate::aggregate::{Clients, LineRef, Series};
use crate::detect::effect::Verdict;
use crate::detect::{self, Bin, Kind, Params};
use crate::parse::Format;
use crate::pipeline::Analysis;
use crate::time::{MICROS_PER_MIN, Micros, format_utc};
use actions::{Actions, actions_between, routine_units};
use alerts::{AlertStory, alert_of, alert_story, describe_alert, origin};
pub use model::*;

/// An alert that fired this long before the computed start still counts as detecting it.
pub const DETECTION_LOOKBACK: Micros = 15 * MICROS_PER_MIN;
/// How far before the start a change is a trigger candidate.
pub const TRIGGER_LOOKBACK: Micros = 30 * MICROS_PER_MIN;
/// Actions this soon after the recovery still belong to the incident.
pub const RECOVERY_GRACE: Micros = 5 * MICROS_PER_MIN;
/// How far back the baseline shown for an incident looks (in bins before its start).
const LOCAL_BASELINE_BINS: i64 = 360;

struct Signal {
    description: String,
    series: Series,
    clients: Clients,
    client_basis: String,
    /// Error logs only (most records are errors): test the rate of errors, not a ratio.
    counts: bool,
}

fn signal(analysis: &Analysis) -> Signal {
    let mut access = Series::default();
    let mut clients = Clients::default();
    let mut users = false;
    let mut records = Series::default();
    for f in &analysis.files {
        match f.detection.format {
            // JSON logs with HTTP statuses are requests too.
            Format::NginxAccess => {
                access.merge(&f.summary.series);
                clients.merge(f.summary.clients.clone());
            }
            Format::JsonLines if !f.summary.clients.is_empty() => {
                access.merge(&f.summary.series);
                clients.merge(f.summary.clients.clone());
            }
            f if f.is_alerts() => {}
            _ => records.merge(&f.summary.series),
        }
    }
    if access.totals().total > 0 {
        // `$remote_user` names people; addresses only stand in for them.
        users |= analysis
            .files
            .iter()
            .any(|f| f.detection.format == Format::NginxAccess)
            && clients.named;
        return Signal {
            description: "server errors (5xx) per request in the access logs".into(),
            series: access,
            clients,
            counts: false,
            client_basis: if users {
                "users where the access log names them ($remote_user), else client addresses".into()
            } else {
                "client addresses, a proxy for users (no $remote_user in the logs)".into()
            },
        };
    }
    let totals = records.totals();
    let counts = totals.errors * 2 > totals.total;
    Signal {
        description: if counts {
            "error lines per bin (no access logs, and most lines are errors: their rate is tested)"
                .into()
        } else {
            "error-severity records per record (syslog, nginx error log)".into()
        },
        series: records,
        clients: Clients::default(),
        client_basis: "no access logs: clients unknown".into(),
        counts,
    }
}

pub(crate) fn source(analysis: &Analysis, r: LineRef) -> Source {
    Source {
        file: analysis
            .files
            .get(r.file)
            .map_or_else(String::new, |f| f.display.clone()),
        line: r.line,
    }
}

pub(crate) fn item(
    analysis: &Analysis,
    time: Micros,
    kind: ItemKind,
    text: String,
    from: LineRef,
) -> TimelineItem {
    TimelineItem {
        time: format_utc(time),
        kind,
        text,
        source: source(analysis, from),
        action: None,
        actor: None,
        effect: None,
        confirmed_by: Vec::new(),
        micros: time,
    }
}

fn percent(r: f64) -> String {
    format!("{:.1}%", r * 100.0)
}

/// Everything the per-incident drafting reads.
struct Run<'a> {
    analysis: &'a Analysis,
    params: Params,
    signal: Signal,
    bins: Vec<Bin>,
    baseline: f64,
    found: Vec<detect::Incident>,
    story: AlertStory<'a>,
    actions: Actions<'a>,
    data_end: Option<Micros>,
}

impl Run<'_> {
    fn in_incident(&self, bin: i64) -> bool {
        self.found
            .iter()
            .any(|i| bin >= i.start_bin && i.end_bin.is_none_or(|e| bin < e))
    }

    /// The pooled ratio over quiet bins in the hours before `start_bin` (Jeffreys, floored as
    /// in `detect`); the run's baseline when there is no quiet traffic before.
    fn local_baseline(&self, start_bin: i64) -> (f64, usize) {
        let from = start_bin - LOCAL_BASELINE_BINS;
        let quiet: Vec<&Bin> = self
            .bins
            .iter()
            .filter(|b| b.index >= from && b.index < start_bin && !self.in_incident(b.index))
            .collect();
        let (n, e) = quiet.iter().fold((0u64, 0u64), |(n, e), b| {
            (n + b.total, e + b.errors.min(b.total))
        });
        if n == 0 {
            return (self.baseline, 0);
        }
        let ratio = ((e as f64 + 0.5) / (n as f64 + 1.0)).max((1.0 - self.params.slo) / 10.0);
        (ratio, quiet.len())
    }

    /// The latest error sample at or before `bin`, from any file: what to cite for a moment
    /// the logs imply rather than state.
    fn error_sample_before(
        &self,
        from_bin: i64,
        bin: i64,
    ) -> Option<&crate::aggregate::ErrorSample> {
        self.analysis
            .files
            .iter()
            .filter_map(|f| {
                f.summary
                    .error_samples
                    .range(from_bin..=bin)
                    .next_back()
                    .map(|(_, s)| s)
            })
            .max_by_key(|s| (s.time, std::cmp::Reverse(s.source)))
    }
}

fn detection(
    run: &Run,
    found: &detect::Incident,
    start: Micros,
    until: Micros,
    timeline: &mut Vec<TimelineItem>,
) -> (Micros, DetectionMethod, String) {
    let analysis = run.analysis;
    let bin_width = analysis.bin_width;
    let alarm = (found.alarm_bin + 1) * bin_width;
    let alert = run
        .story
        .fired
        .iter()
        .find(|e| e.time >= start - DETECTION_LOOKBACK && e.time <= until)
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
    if found.kind == Kind::Errors
        && !run.signal.counts
        && let Some((at, condition)) = detect::burn::first_page(
            &run.bins,
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
            timeline.push(item(analysis, at, ItemKind::Detection, text, s.source));
        }
        return (
            at,
            DetectionMethod::BurnRate,
            format!(
                "no alert in the logs: the SRE workbook's multiwindow burn-rate page ({condition}) would have fired"
            ),
        );
    }
    let what = match found.kind {
        Kind::Errors => "error ratio",
        Kind::Slow => "share of slow requests",
    };
    let text = format!(
        "{what} {} against a baseline of {}: enough evidence to call an incident (no alert found)",
        percent(found.ratio),
        percent(found.baseline_ratio)
    );
    if let Some(s) = run.error_sample_before(found.start_bin, found.alarm_bin) {
        timeline.push(item(analysis, alarm, ItemKind::Detection, text, s.source));
    }
    (
        alarm,
        DetectionMethod::DerivedFromLogs,
        "derived from logs: error-rate change detection (no alert, no burn-rate page)".to_string(),
    )
}

fn draft_incident(run: &Run, found: &detect::Incident) -> Incident {
    let analysis = run.analysis;
    let bin_width = analysis.bin_width;
    let start = found.start_bin * bin_width;
    let end = found.end_bin.map(|b| b * bin_width);
    let until = end.or(run.data_end).unwrap_or(start);
    let last_bin = found.end_bin.map_or(i64::MAX, |b| b - 1);
    let mut timeline = Vec::new();
    let (detected, method, detail) = detection(run, found, start, until, &mut timeline);

    // Evidence: the change shortly before the start, what the system did to itself, and the
    // first errors of each file.
    let before = actions_between(&run.actions, start - TRIGGER_LOOKBACK, start + bin_width);
    let trigger = before
        .iter()
        .rfind(|i| {
            i.micros <= start + bin_width && i.action.is_some_and(|k| k.is_change() && k.is_human())
        })
        .cloned()
        .map(|mut t| {
            let lead = (start - t.micros) / 1_000_000;
            t.kind = ItemKind::Evidence;
            t.text = if lead >= 0 {
                format!("errors began {lead} s after: {}", t.text)
            } else {
                format!("errors began {} s before: {}", -lead, t.text)
            };
            t
        });
    let system_before: Vec<TimelineItem> = before
        .iter()
        .filter(|i| i.micros < start && i.action.is_some_and(|k| !k.is_human()))
        .cloned()
        .map(|mut i| {
            i.kind = ItemKind::Evidence;
            i
        })
        .collect();
    let mut first_errors = Vec::new();
    for f in &analysis.files {
        if let Some((_, s)) = f
            .summary
            .error_samples
            .range(found.start_bin..found.start_bin + 3)
            .next()
        {
            first_errors.push(item(
                analysis,
                s.time,
                ItemKind::Evidence,
                format!("first error: {}", s.text),
                s.source,
            ));
        }
    }
    first_errors.sort_by_key(|i| i.micros);
    timeline.extend(trigger.iter().cloned());
    timeline.extend(system_before.iter().cloned());
    timeline.extend(first_errors.iter().cloned());

    // Actions during the incident, with their effect.
    // The fix often lands in the minute the rate is already seen back at baseline.
    let actions = actions_between(&run.actions, start, until + RECOVERY_GRACE);
    let resolution_candidate = actions
        .iter()
        .filter(|i| i.action.is_some_and(|k| k.is_change() && k.is_human()))
        .filter(|i| i.effect.is_some_and(|e| e.verdict == Verdict::Fell))
        .max_by(|a, b| {
            let drop = |i: &TimelineItem| i.effect.map_or(0.0, |e| e.before_ratio - e.after_ratio);
            drop(a).total_cmp(&drop(b)).then(b.micros.cmp(&a.micros))
        })
        .cloned();
    let misleading: Vec<TimelineItem> = actions
        .iter()
        .filter(|i| i.action.is_some_and(|k| k.is_change() && k.is_human()))
        .filter(|i| {
            i.micros
                < resolution_candidate
                    .as_ref()
                    .map_or(until, |r| r.micros)
                    .min(until)
        })
        .filter(|i| {
            i.effect
                .is_some_and(|e| matches!(e.verdict, Verdict::NoChange | Verdict::Rose))
        })
        .cloned()
        .collect();
    timeline.extend(actions.iter().cloned());

    // Alerts in the window, escalations, and the recovery.
    let detecting_source = timeline
        .iter()
        .find(|t| t.kind == ItemKind::Detection)
        .map(|t| (t.source.file.clone(), t.source.line, t.micros));
    for e in run.story.fired.iter().chain(&run.story.resolved) {
        if e.time > start - DETECTION_LOOKBACK
            && e.time <= until + DETECTION_LOOKBACK
            && let Some(a) = alert_of(e)
        {
            let it = item(
                analysis,
                e.time,
                ItemKind::Alert,
                describe_alert(a),
                e.source,
            );
            if detecting_source.as_ref().is_some_and(|(f, l, t)| {
                *f == it.source.file && *l == it.source.line && *t == it.micros
            }) {
                continue;
            }
            timeline.push(it);
        }
    }
    for (e, at) in &run.story.escalated {
        if *at >= start
            && *at <= until
            && let Some(a) = alert_of(e)
        {
            let text = match a.pager {
                Some(_) => describe_alert(a),
                None => format!("alert {} escalated: sent to {}", a.name, a.receiver),
            };
            timeline.push(item(analysis, *at, ItemKind::Escalation, text, e.source));
        }
    }
    let acknowledgements: Vec<&&crate::aggregate::Event> = run
        .story
        .acknowledged
        .iter()
        .filter(|e| e.time >= start - DETECTION_LOOKBACK && e.time <= until)
        .collect();
    for e in &acknowledgements {
        if let Some(a) = alert_of(e) {
            timeline.push(item(
                analysis,
                e.time,
                ItemKind::Escalation,
                describe_alert(a),
                e.source,
            ));
        }
    }
    let time_to_acknowledge = acknowledgements
        .first()
        .map(|e| (e.time - detected) / 1_000_000);
    let (baseline, quiet_bins) = run.local_baseline(found.start_bin);
    if let Some(end) = end {
        let mut text = match found.kind {
            Kind::Errors => format!("error ratio back at baseline ({})", percent(baseline)),
            Kind::Slow => "latency back at baseline".to_string(),
        };
        let cite = match &resolution_candidate {
            Some(r) => {
                text.push_str(&format!(
                    "; candidate resolution: {} at {}",
                    r.text,
                    crate::time::format_clock(r.micros)
                ));
                Some(r.source.clone())
            }
            None => run.error_sample_before(found.start_bin, last_bin).map(|s| {
                text.push_str("; last error before it cited");
                source(analysis, s.source)
            }),
        };
        if let Some(cite) = cite {
            let mut it = item(
                analysis,
                end,
                ItemKind::Resolution,
                text,
                LineRef {
                    file: usize::MAX,
                    line: 0,
                },
            );
            it.source = cite;
            timeline.push(it);
        }
    }
    timeline.sort_by(|a, b| {
        a.micros
            .cmp(&b.micros)
            .then(a.source.file.cmp(&b.source.file))
            .then(a.source.line.cmp(&b.source.line))
    });

    let (requests, errors, client_errors) = run
        .bins
        .iter()
        .filter(|b| b.index >= found.start_bin && b.index <= last_bin)
        .fold((0, 0, 0), |(n, e, c), b| {
            let four = run
                .signal
                .series
                .bins
                .get(&b.index)
                .map_or(0, |c| c.client_errors);
            (n + b.total, e + b.errors, c + four)
        });
    let (clients_total, clients_affected) = run
        .signal
        .clients
        .active_and_affected(found.start_bin, last_bin);
    let excess = (errors as f64 - baseline * requests as f64).max(0.0);
    let ratio = |a: u64, b: u64| if b > 0 { a as f64 / b as f64 } else { 0.0 };
    let in_incident = |b: i64| run.in_incident(b);
    Incident {
        kind: found.kind,
        start: format_utc(start),
        start_interval: [
            format_utc(found.start_range.0 * bin_width),
            format_utc(found.start_range.1 * bin_width),
        ],
        recovered_interval: found
            .end_range
            .map(|(a, b)| [format_utc(a * bin_width), format_utc(b * bin_width)]),
        detected: format_utc(detected),
        detection_method: method,
        detection_detail: detail,
        recovered: end.map(format_utc),
        duration_seconds: end.map(|e| (e - start) / 1_000_000),
        time_to_detect_seconds: (detected - start) / 1_000_000,
        time_to_acknowledge_seconds: time_to_acknowledge,
        time_to_resolve_seconds: end.map(|e| (e - start) / 1_000_000),
        baseline_ratio: baseline,
        error_ratio: ratio(errors, requests),
        peak_error_ratio: run
            .bins
            .iter()
            .filter(|b| b.index >= found.start_bin && b.index <= last_bin && b.total > 0)
            .map(|b| b.errors as f64 / b.total as f64)
            .fold(0.0, f64::max),
        impact: Impact {
            requests_total: requests,
            requests_failed: errors,
            failed_ratio: ratio(errors, requests),
            requests_failed_excess: excess.round() as u64,
            requests_client_errors: client_errors,
            requests_slow: (found.kind == Kind::Slow).then_some(found.errors),
            clients_total,
            clients_affected,
            clients_affected_ratio: ratio(clients_affected, clients_total),
            client_basis: run.signal.client_basis.clone(),
        },
        latency: evidence::latency(&run.signal.series.latency, found.start_bin, last_bin),
        top_paths: evidence::top_paths(analysis, found.start_bin, last_bin),
        top_upstreams: evidence::top_upstreams(analysis, found.start_bin, last_bin),
        top_sources: evidence::top_sources(analysis, found.start_bin, last_bin),
        signatures: evidence::signatures(
            analysis,
            found.start_bin,
            last_bin.min(run.data_end.map_or(i64::MAX, |e| e / bin_width)),
            &in_incident,
            quiet_bins,
        ),
        timeline,
        trigger_candidate: trigger,
        misleading_candidates: misleading,
        resolution_candidate,
        first_errors,
        start_micros: start,
        recovered_micros: end,
    }
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
    // What actions' effects are judged on: the same series the detector read.
    let (mut found, baseline, effect_bins) = if signal.counts {
        let (found, dense) = detect::find_incidents_in_counts(&bins, params);
        let (_, baseline) = detect::find_incidents(&bins, params);
        (found, baseline, dense)
    } else {
        let (found, baseline) = detect::find_incidents(&bins, params);
        (found, baseline, bins.clone())
    };
    if let Some(slow) = detect::slow::find_slow(&signal.series.latency, params) {
        let overlaps = |s: &detect::Incident, e: &detect::Incident| {
            s.start_bin < e.end_bin.unwrap_or(i64::MAX)
                && e.start_bin < s.end_bin.unwrap_or(i64::MAX)
        };
        let errors = found.clone();
        found.extend(
            slow.incidents
                .into_iter()
                .filter(|s| !errors.iter().any(|e| overlaps(s, e))),
        );
        found.sort_by_key(|i| i.start_bin);
    }
    let events = analysis.events();
    let routine = routine_units(&events);
    let run = Run {
        analysis,
        params,
        data_end: bins.last().map(|b| (b.index + 1) * bin_width),
        story: alert_story(&events),
        actions: Actions {
            analysis,
            events: &events,
            bins: &effect_bins,
            bin_width,
            routine,
        },
        signal,
        bins: bins.clone(),
        baseline,
        found,
    };
    let incidents = run.found.iter().map(|f| draft_incident(&run, f)).collect();
    Draft {
        tool: Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        zone_assumed: zone_assumed(analysis),
        bin_seconds: bin_width / 1_000_000,
        signal: run.signal.description.clone(),
        baseline_ratio: baseline,
        span: span(analysis),
        incidents,
        inputs: inputs(analysis),
        skipped_files: analysis
            .passed_over
            .iter()
            .map(|p| SkippedFile {
                file: p.display.clone(),
                reason: p.reason.clone(),
            })
            .collect(),
        errors: analysis.errors.iter().map(|e| e.to_string()).collect(),
        series: series_points(&run),
        display_zone: None,
    }
}

fn series_points(run: &Run) -> Vec<SeriesPoint> {
    let width = run.analysis.bin_width;
    run.bins
        .iter()
        .map(|b| SeriesPoint {
            time: format_utc(b.index * width),
            total: b.total,
            errors: b.errors,
            p95_ms: run
                .signal
                .series
                .latency
                .get(&b.index)
                .and_then(|l| l.quantile_ms(0.95)),
            micros: b.index * width,
        })
        .collect()
}
