//! One incident's draft, stage by stage: detection, evidence before the onset (the trigger, what
//! the system did to itself, the first errors of every source), actions during it with their
//! effects, alerts and escalations, the recovery, and the impact. Each stage reads a [`Case`]:
//! the incident's window and the source family whose signal speaks for it.
//!
//! Over 600 lines (about a third of it rustfmt's layout of long argument lists): the stages
//! are separate functions already; moving each into a file of its own under `incident/` is
//! the next step of the codebase issue.

use std::collections::HashSet;

use super::actions::{Actions, actions_between};
use super::alerts::{AlertStory, alert_of, describe_alert, origin};
use super::shape;
use super::sources::{IncidentSource, SourceKind, SourceSignal, United, describe};
use super::{
    DETECTION_LOOKBACK, DetectionMethod, Impact, Incident, ItemKind, RECOVERY_GRACE,
    TRIGGER_LOOKBACK, TimelineItem, evidence, item, percent, source,
};
use crate::aggregate::{ActionKind, Clients, ErrorSample, Event, LineRef, Series};
use crate::detect::effect::Verdict;
use crate::detect::{self, Bin, Kind, Params};
use crate::pipeline::Analysis;
use crate::time::{MICROS_PER_MIN, Micros, Stamp};

/// How far back the baseline shown for an incident looks (in bins before its start).
const LOCAL_BASELINE_BINS: i64 = 360;
/// Errors this long before the onset, in any source, are leading evidence.
pub const LEAD_WINDOW: Micros = 10 * MICROS_PER_MIN;
/// A source with no error in this long before the lead window has a *new* error at the onset.
const NEW_ERROR_LOOKBACK: Micros = 60 * MICROS_PER_MIN;

/// Everything the per-incident drafting reads.
pub struct Run<'a> {
    pub analysis: &'a Analysis,
    pub params: Params,
    pub story: AlertStory<'a>,
    pub events: &'a [&'a Event],
    pub routine: &'a HashSet<String>,
    pub sources: &'a [SourceSignal],
    pub baselines: &'a [f64],
    /// Every incident's window in bins (`[start, end)`), for baselines outside them.
    pub windows: Vec<(i64, Option<i64>)>,
}

impl Run<'_> {
    fn in_incident(&self, bin: i64) -> bool {
        self.windows
            .iter()
            .any(|(s, e)| bin >= *s && e.is_none_or(|e| bin < e))
    }

    /// The latest error sample at or before `bin`, from any file: what to cite for a moment
    /// the logs imply rather than state.
    fn error_sample_before(&self, from_bin: i64, bin: i64) -> Option<&ErrorSample> {
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

    /// The last error line in `[from_bin, bin]`, from any file.
    fn last_error_in(&self, from_bin: i64, bin: i64) -> Option<LineRef> {
        self.analysis
            .files
            .iter()
            .filter_map(|f| f.summary.last_errors.range(from_bin..=bin).next_back())
            .map(|(_, s)| *s)
            .max_by_key(|s| (s.time, s.source))
            .map(|s| s.source)
    }
}

/// One incident and the signal that speaks for it.
pub struct Case {
    /// The window (from the union of the sources that showed it) and, for the rest, the
    /// numbers of the source that showed it most.
    pub found: detect::Incident,
    /// What ratios, effects and burn rates are judged on.
    pub bins: Vec<Bin>,
    pub series: Series,
    /// The files whose clients the impact counts (merged only when there are several).
    pub client_files: Vec<usize>,
    pub client_basis: String,
    /// Error logs: a rate of errors, not a ratio (no burn rate on it).
    pub counts: bool,
    pub unit: SourceKind,
    /// The sources (indices into `Run::sources`) that showed the incident.
    pub showing: Vec<usize>,
    pub sources: Vec<IncidentSource>,
    /// Where the data of the speaking source ends, for an incident without a recovery.
    pub data_end: Option<Micros>,
    pub alert: Option<usize>,
}

impl Case {
    /// The case of a united incident: the primary source's kind decides the unit; sources of
    /// that kind which showed the incident are summed.
    pub fn of(run: &Run, united: &United) -> Case {
        let primary = united.primary();
        let unit = run.sources[primary.source].kind;
        let mut showing: Vec<usize> = united.findings.iter().map(|f| f.source).collect();
        showing.sort_unstable();
        showing.dedup();
        let mut series = Series::default();
        let mut client_files = Vec::new();
        let mut named = false;
        for s in showing
            .iter()
            .map(|&i| &run.sources[i])
            .filter(|s| s.kind == unit)
        {
            series.merge(&s.series);
            if unit == SourceKind::Requests {
                client_files.extend(&s.files);
            }
            named |= s.named_users;
        }
        // Record sources count error lines: their rate is what was tested.
        let counts = unit == SourceKind::Records;
        let mut found = primary.incident.clone();
        found.start_bin = united.start_bin;
        found.end_bin = united.end_bin;
        if found.start_range.0 > found.start_bin || found.start_range.1 < found.start_bin {
            found.start_range = (found.start_bin, found.start_bin);
        }
        if found.end_bin.is_none() {
            found.end_range = None;
        }
        found.alarm_bin = found.alarm_bin.max(found.start_bin);
        let raw = detect::bins_from(&series.bins);
        let bins = if counts {
            detect::counts_as_trials(&raw)
        } else {
            raw
        };
        let last = united.end_bin.map_or(i64::MAX, |e| e - 1);
        let data_end = run.sources[primary.source]
            .segment_end(primary.incident.start_bin)
            .map(|e| e * run.analysis.bin_width);
        Case {
            sources: describe(united, run.sources, run.baselines, united.start_bin, last),
            found,
            bins,
            series,
            client_files,
            client_basis: client_basis(unit, named),
            counts,
            unit,
            showing,
            data_end,
            alert: None,
        }
    }

    /// An incident only alerts tell of: no source has data over the window.
    pub fn alerted(run: &Run, first: i64, end: Option<i64>, fired: usize) -> Case {
        let found = detect::Incident {
            kind: Kind::Errors,
            start_range: (first, first),
            end_range: end.map(|e| (e, e)),
            start_bin: first,
            end_bin: end,
            alarm_bin: first,
            baseline_ratio: 0.0,
            ratio: 0.0,
            peak_ratio: 0.0,
            requests: 0,
            errors: 0,
        };
        Case {
            found,
            bins: Vec::new(),
            series: Series::default(),
            client_files: Vec::new(),
            client_basis: "no request or record source covers the alert: clients unknown".into(),
            counts: true,
            unit: SourceKind::Alerts,
            showing: Vec::new(),
            sources: Vec::new(),
            data_end: end.map(|e| e * run.analysis.bin_width),
            alert: Some(fired),
        }
    }

    /// The pooled ratio over quiet bins in the hours before `start_bin` (Jeffreys, floored as
    /// in `detect`); the source's own baseline when there is no quiet traffic before.
    fn local_baseline(&self, run: &Run) -> (f64, usize) {
        let start_bin = self.found.start_bin;
        let from = start_bin - LOCAL_BASELINE_BINS;
        let quiet: Vec<&Bin> = self
            .bins
            .iter()
            .filter(|b| b.index >= from && b.index < start_bin && !run.in_incident(b.index))
            .collect();
        let (n, e) = quiet.iter().fold((0u64, 0u64), |(n, e), b| {
            (n + b.total, e + b.errors.min(b.total))
        });
        if n == 0 {
            return (self.found.baseline_ratio, 0);
        }
        let floor = if self.counts {
            0.0
        } else {
            (1.0 - run.params.slo) / 10.0
        };
        let ratio = ((e as f64 + 0.5) / (n as f64 + 1.0)).max(floor);
        (ratio, quiet.len())
    }
}

fn client_basis(unit: SourceKind, named: bool) -> String {
    match (unit, named) {
        (SourceKind::Requests, true) => {
            "users where the access log names them ($remote_user), else client addresses".into()
        }
        (SourceKind::Requests, false) => {
            "client addresses, a proxy for users (no $remote_user in the logs)".into()
        }
        _ => "no access logs for this incident: clients unknown".into(),
    }
}

fn detection(
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
    if found.kind == Kind::Errors
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
    let text = match found.kind {
        Kind::TrafficLoss => format!(
            "{} fell to {} of what the hours around predict: enough evidence to call an incident (no alert found)",
            case.unit.noun(),
            percent(1.0 - found.ratio)
        ),
        Kind::Security => "failed logins burst far above their usual rate (no alert found)".into(),
        Kind::Errors | Kind::Slow => {
            let what = if found.kind == Kind::Slow {
                "share of slow requests".to_string()
            } else if case.counts {
                "rate of error lines".to_string()
            } else {
                format!("error ratio of {}", case.unit.noun())
            };
            format!(
                "{what} {} against a baseline of {}: enough evidence to call an incident (no alert found)",
                percent(found.ratio),
                percent(found.baseline_ratio)
            )
        }
    };
    let cite = run
        .error_sample_before(found.start_bin, found.alarm_bin)
        .map(|s| s.source)
        .or_else(|| last_line_before(run, case, found.start_bin).map(|s| s.source));
    if let Some(cite) = cite {
        timeline.push(item(analysis, alarm, ItemKind::Detection, text, cite));
    }
    (
        alarm,
        DetectionMethod::DerivedFromLogs,
        "derived from logs: change detection on the sources' own signals (no alert, no burn-rate page)"
            .to_string(),
    )
}

/// The last line the speaking sources wrote before `bin`: where a silence began.
fn last_line_before(run: &Run, case: &Case, bin: i64) -> Option<crate::aggregate::Seen> {
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

/// How plausible a change is as a trigger: deploys, rollbacks and config edits change what
/// runs; restarts and reloads usually only apply such a change.
fn trigger_weight(kind: ActionKind) -> u8 {
    match kind {
        ActionKind::Deploy | ActionKind::Rollback | ActionKind::ConfigChange => 3,
        ActionKind::Scale | ActionKind::Command => 2,
        _ => 1,
    }
}

/// The onset as the logs show it: the first error line of any source in the first bins of
/// the incident, or the start when none is there.
fn onset(run: &Run, case: &Case, start: Micros) -> Micros {
    let from = case.found.start_bin;
    run.analysis
        .files
        .iter()
        .filter_map(|f| f.summary.error_samples.range(from..from + 3).next())
        .map(|(_, s)| s.time)
        .min()
        .unwrap_or(start)
        .max(start)
}

/// The most plausible change before the onset: the heaviest kind, then the latest.
fn trigger(before: &[TimelineItem], onset: Micros, kind: Kind) -> Option<TimelineItem> {
    before
        .iter()
        .filter(|i| i.micros <= onset && i.action.is_some_and(|k| k.is_change() && k.is_human()))
        .max_by_key(|i| (i.action.map_or(0, trigger_weight), i.micros))
        .cloned()
        .map(|mut t| {
            let lead = (onset - t.micros) / 1_000_000;
            let what = match kind {
                Kind::TrafficLoss => "traffic fell",
                Kind::Slow => "requests slowed",
                Kind::Security => "failed logins rose",
                Kind::Errors => "errors began",
            };
            t.kind = ItemKind::Evidence;
            t.text = format!("{what} {lead} s after: {}", t.text);
            t
        })
}

/// Changes this close before the onset are cited beside the trigger (the reload that applied
/// a config change, the second step of a deploy).
const NEAR_ONSET: Micros = 5 * MICROS_PER_MIN;

fn changes_near_onset(
    before: &[TimelineItem],
    onset: Micros,
    trigger: Option<&TimelineItem>,
) -> Vec<TimelineItem> {
    before
        .iter()
        .filter(|i| i.micros <= onset && onset - i.micros <= NEAR_ONSET)
        .filter(|i| i.action.is_some_and(|k| k.is_change() && k.is_human()))
        .filter(|i| {
            trigger.is_none_or(|t| t.source.file != i.source.file || t.source.line != i.source.line)
        })
        .cloned()
        .map(|mut i| {
            i.kind = ItemKind::Evidence;
            i.text = format!(
                "change {} s before the onset: {}",
                (onset - i.micros) / 1_000_000,
                i.text
            );
            i
        })
        .collect()
}

/// First errors of every file from the lead window before the start to the first bins of the
/// incident, ranked: new errors (none in the hour before) first, then the closest to the start.
fn first_errors(run: &Run, case: &Case, start: Micros) -> Vec<TimelineItem> {
    let bin_width = run.analysis.bin_width;
    let lead_bin = (start - LEAD_WINDOW).div_euclid(bin_width);
    let quiet_from = (start - LEAD_WINDOW - NEW_ERROR_LOOKBACK).div_euclid(bin_width);
    let mut ranked: Vec<(bool, Micros, TimelineItem)> = Vec::new();
    for f in &run.analysis.files {
        let samples = &f.summary.error_samples;
        let Some((_, s)) = samples.range(lead_bin..case.found.start_bin + 3).next() else {
            continue;
        };
        let new = samples.range(quiet_from..lead_bin).next().is_none();
        let text = if s.time < start {
            format!(
                "first error, {} s before the start: {}",
                (start - s.time) / 1_000_000,
                s.text
            )
        } else {
            format!("first error: {}", s.text)
        };
        let it = item(run.analysis, s.time, ItemKind::Evidence, text, s.source);
        ranked.push((new, (s.time - start).abs(), it));
    }
    ranked.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(a.1.cmp(&b.1))
            .then(a.2.micros.cmp(&b.2.micros))
    });
    ranked.into_iter().map(|(_, _, it)| it).collect()
}

/// Evidence for a silence: the last line before it, and boots and service starts in it.
fn silence_evidence(run: &Run, case: &Case, start: Micros, until: Micros) -> Vec<TimelineItem> {
    let mut out = Vec::new();
    if let Some(last) = last_line_before(run, case, case.found.start_bin) {
        out.push(item(
            run.analysis,
            last.time,
            ItemKind::Evidence,
            "last line before the silence".into(),
            last.source,
        ));
    }
    for e in run
        .events
        .iter()
        .filter(|e| e.time >= start && e.time <= until)
    {
        if let crate::aggregate::EventBody::Action(a) = &e.body
            && matches!(a.kind, ActionKind::Boot | ActionKind::Start)
            && a.actor.is_none()
        {
            let mut it = item(
                run.analysis,
                e.time,
                ItemKind::Evidence,
                a.text.clone(),
                e.source,
            );
            it.action = Some(a.kind);
            out.push(it);
        }
    }
    out
}

/// Actions during the incident, the one after which the ratio fell most, and those after which
/// it did not move (the misleading paths), never counting the trigger.
struct During {
    actions: Vec<TimelineItem>,
    resolution: Option<TimelineItem>,
    misleading: Vec<TimelineItem>,
}

fn during(ctx: &Actions, start: Micros, until: Micros, trigger: Option<&TimelineItem>) -> During {
    let is_trigger = |i: &TimelineItem| {
        trigger.is_some_and(|t| t.source.file == i.source.file && t.source.line == i.source.line)
    };
    // The fix often lands in the minute the rate is already seen back at baseline.
    let actions: Vec<TimelineItem> = actions_between(ctx, start, until + RECOVERY_GRACE)
        .into_iter()
        .filter(|i| !is_trigger(i))
        .collect();
    let human_change = |i: &&TimelineItem| i.action.is_some_and(|k| k.is_change() && k.is_human());
    let resolution = actions
        .iter()
        .filter(human_change)
        .filter(|i| i.effect.is_some_and(|e| e.verdict == Verdict::Fell))
        .max_by(|a, b| {
            let drop = |i: &TimelineItem| i.effect.map_or(0.0, |e| e.before_ratio - e.after_ratio);
            drop(a).total_cmp(&drop(b)).then(b.micros.cmp(&a.micros))
        })
        .cloned();
    let cut = resolution.as_ref().map_or(until, |r| r.micros).min(until);
    let misleading = actions
        .iter()
        .filter(human_change)
        .filter(|i| i.micros < cut)
        .filter(|i| {
            i.effect
                .is_some_and(|e| matches!(e.verdict, Verdict::NoChange | Verdict::Rose))
        })
        .cloned()
        .collect();
    During {
        actions,
        resolution,
        misleading,
    }
}

/// Alerts in the window (but the one that detected it), escalations and acknowledgements;
/// returns the time to the first acknowledgement.
fn alerts_and_escalations(
    run: &Run,
    start: Micros,
    until: Micros,
    detected: Micros,
    timeline: &mut Vec<TimelineItem>,
) -> Option<i64> {
    let analysis = run.analysis;
    let detecting = timeline
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
            if detecting.as_ref().is_some_and(|(f, l, t)| {
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
    let acknowledgements: Vec<&&Event> = run
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
    acknowledgements
        .first()
        .map(|e| (e.time - detected) / 1_000_000)
}

/// The recovery item: back at baseline, with the candidate fix or the last error cited.
fn recovery(
    run: &Run,
    case: &Case,
    end: Micros,
    baseline: f64,
    resolution: Option<&TimelineItem>,
) -> Option<TimelineItem> {
    let found = &case.found;
    let last_bin = found.end_bin.map_or(i64::MAX, |b| b - 1);
    let mut text = match found.kind {
        Kind::Errors if case.unit == SourceKind::Alerts => "alerts resolved".to_string(),
        Kind::Errors => format!("error ratio back at baseline ({})", percent(baseline)),
        Kind::Security => "failed logins back at their usual rate".to_string(),
        Kind::Slow => "latency back at baseline".to_string(),
        Kind::TrafficLoss => format!("{} back at their usual rate", case.unit.noun()),
    };
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

fn impact(analysis: &Analysis, case: &Case, baseline: f64, last_bin: i64) -> (Impact, f64) {
    let found = &case.found;
    let (requests, errors, client_errors) = case
        .bins
        .iter()
        .filter(|b| b.index >= found.start_bin && b.index <= last_bin)
        .fold((0, 0, 0), |(n, e, c), b| {
            let four = case
                .series
                .bins
                .get(&b.index)
                .map_or(0, |c| c.client_errors);
            (n + b.total, e + b.errors, c + four)
        });
    // Error logs count errors over virtual trials: the real number of lines is what to show.
    let (requests, errors) = if case.counts {
        case.series
            .bins
            .range(found.start_bin..=last_bin)
            .fold((0, 0), |(n, e), (_, c)| (n + c.total, e + c.errors))
    } else {
        (requests, errors)
    };
    // A burst of failed logins is counted in failed logins, not in error lines.
    let errors = if found.kind == Kind::Security {
        found.errors
    } else {
        errors
    };
    let files = &analysis.files;
    let (clients_total, clients_affected) = match case.client_files.as_slice() {
        [] => (0, 0),
        [one] => files[*one]
            .summary
            .clients
            .active_and_affected(found.start_bin, last_bin),
        many => {
            let mut merged = Clients::default();
            for &f in many {
                merged.merge(files[f].summary.clients.clone());
            }
            merged.active_and_affected(found.start_bin, last_bin)
        }
    };
    let excess = (errors as f64 - baseline * requests as f64).max(0.0);
    let ratio = |a: u64, b: u64| if b > 0 { a as f64 / b as f64 } else { 0.0 };
    let peak = case
        .series
        .bins
        .range(found.start_bin..=last_bin)
        .filter(|(_, c)| c.total > 0)
        .map(|(_, c)| c.errors as f64 / c.total as f64)
        .fold(0.0, f64::max);
    let missing = (found.kind == Kind::TrafficLoss).then_some(found.errors);
    (
        Impact {
            requests_total: requests,
            requests_failed: errors,
            failed_ratio: ratio(errors, requests),
            requests_failed_excess: excess.round() as u64,
            requests_client_errors: client_errors,
            requests_slow: (found.kind == Kind::Slow).then_some(found.errors),
            clients_total,
            clients_affected,
            clients_affected_ratio: ratio(clients_affected, clients_total),
            client_basis: case.client_basis.clone(),
            unit: case.unit,
            requests_missing: missing,
        },
        peak,
    )
}

pub fn draft_incident(run: &Run, case: &Case) -> Incident {
    let analysis = run.analysis;
    let found = &case.found;
    let bin_width = analysis.bin_width;
    let start = found.start_bin * bin_width;
    let end = found.end_bin.map(|b| b * bin_width);
    let until = end.or(case.data_end).unwrap_or(start).max(start);
    let last_bin = found.end_bin.map_or(until.div_euclid(bin_width), |b| b - 1);
    let mut timeline = Vec::new();
    let (detected, method, detail) = detection(run, case, start, until, &mut timeline);

    let ctx = Actions {
        analysis,
        events: run.events,
        bins: &case.bins,
        bin_width,
        routine: run.routine,
    };
    let before = actions_between(&ctx, start - TRIGGER_LOOKBACK, start + bin_width);
    let onset = onset(run, case, start);
    // A change does not make strangers guess passwords: no trigger for a security burst.
    let trigger = (found.kind != Kind::Security)
        .then(|| trigger(&before, onset, found.kind))
        .flatten();
    let system_before: Vec<TimelineItem> = before
        .iter()
        .filter(|i| i.micros < start && i.action.is_some_and(|k| !k.is_human()))
        .cloned()
        .map(|mut i| {
            i.kind = ItemKind::Evidence;
            i
        })
        .collect();
    let first_errors = first_errors(run, case, start);
    timeline.extend(trigger.iter().cloned());
    timeline.extend(changes_near_onset(&before, onset, trigger.as_ref()));
    timeline.extend(system_before);
    timeline.extend(first_errors.iter().cloned());
    if found.kind == Kind::TrafficLoss {
        timeline.extend(silence_evidence(run, case, start, until));
    }
    let during = during(&ctx, start, until, trigger.as_ref());
    timeline.extend(during.actions.iter().cloned());
    let time_to_acknowledge = alerts_and_escalations(run, start, until, detected, &mut timeline);
    let (baseline, quiet_bins) = case.local_baseline(run);
    if let Some(end) = end
        && let Some(it) = recovery(run, case, end, baseline, during.resolution.as_ref())
    {
        timeline.push(it);
    }
    timeline.sort_by(|a, b| {
        a.micros
            .cmp(&b.micros)
            .then(a.source.file.cmp(&b.source.file))
            .then(a.source.line.cmp(&b.source.line))
    });
    let (impact, peak) = impact(analysis, case, baseline, last_bin);
    let in_incident = |b: i64| run.in_incident(b);
    Incident {
        kind: found.kind,
        start: Stamp::utc(start),
        start_interval: [
            Stamp::utc(found.start_range.0 * bin_width),
            Stamp::utc(found.start_range.1 * bin_width),
        ],
        recovered_interval: found
            .end_range
            .map(|(a, b)| [Stamp::utc(a * bin_width), Stamp::utc(b * bin_width)]),
        detected: Stamp::utc(detected),
        detection_method: method,
        detection_detail: detail,
        recovered: end.map(Stamp::utc),
        duration_seconds: end.map(|e| (e - start) / 1_000_000),
        time_to_detect_seconds: (detected - start) / 1_000_000,
        time_to_acknowledge_seconds: time_to_acknowledge,
        time_to_resolve_seconds: end.map(|e| (e - start) / 1_000_000),
        baseline_ratio: baseline,
        error_ratio: impact.failed_ratio,
        peak_error_ratio: peak,
        latency: evidence::latency(&case.series.latency, found.start_bin, last_bin),
        top_paths: evidence::top_paths(analysis, found.start_bin, last_bin),
        top_upstreams: evidence::top_upstreams(analysis, found.start_bin, last_bin),
        top_sources: evidence::top_sources(analysis, found.start_bin, last_bin),
        signatures: evidence::signatures(
            analysis,
            found.start_bin,
            last_bin,
            &in_incident,
            quiet_bins,
        ),
        impact,
        timeline,
        trigger_candidate: trigger,
        misleading_candidates: during.misleading,
        resolution_candidate: during.resolution,
        first_errors,
        sources: case.sources.clone(),
        coverage_partial: case.sources.iter().any(|s| s.showed_incident && !s.covered)
            || found.end_bin.is_none(),
        shape: (case.unit != SourceKind::Alerts).then(|| {
            let judged = shape::Judged {
                kind: found.kind,
                unit: case.unit,
                series: &case.series,
                showing: case.showing.iter().map(|&s| &run.sources[s]).collect(),
            };
            shape::of(&judged, bin_width, start, until)
        }),
        start_micros: start,
        recovered_micros: end,
    }
}
