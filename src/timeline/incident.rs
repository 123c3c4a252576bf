//! One incident's draft, stage by stage: detection, evidence before the onset (the trigger, what
//! the system did to itself, the first errors of every source), actions during it with their
//! effects, alerts and escalations, the recovery, and the impact. Each stage reads a [`Case`]:
//! the incident's window and the source family whose signal speaks for it.
//!
//! Each stage is a file under `incident/`; this one holds what they read ([`Run`], [`Case`]),
//! the actions during the window, and [`draft_incident`], which runs the stages in order.

mod detection;
mod escalation;
mod impact;
mod onset;
mod recovery;

use detection::{detection, last_line_before};
use escalation::alerts_and_escalations;
use impact::{client_basis, impact};
use onset::{Onset, before_onset};
use recovery::recovery;

use std::collections::HashSet;

use super::actions::{Actions, actions_between};
use super::alerts::{AlertStory, alert_of, describe_alert, origin};
use super::evidence;
use super::model::{DetectionMethod, Impact, Incident, ItemKind, TimelineItem};
use super::parts::{DETECTION_LOOKBACK, RECOVERY_GRACE, TRIGGER_LOOKBACK, item, source};
use super::shape;
use crate::aggregate::{ActionKind, Clients, ErrorSample, Event, LineRef, Series};
use crate::detect::effect::Direction;
use crate::detect::run::{IncidentSource, United, describe};
use crate::detect::sources::{SourceKind, SourceSignal};
use crate::detect::{self, Bin, Kind, Params};
use crate::name::pct as percent;
use crate::pipeline::Analysis;
use crate::time::stamp::Stamp;
use crate::time::{MICROS_PER_MIN, Micros};

/// How far back the baseline shown for an incident looks (in bins before its start).
const LOCAL_BASELINE_BINS: i64 = 360;
/// Errors this long before the onset, in any source, are leading evidence.
pub(crate) const LEAD_WINDOW: Micros = 10 * MICROS_PER_MIN;
/// A source with no error in this long before the lead window has a *new* error at the onset.
const NEW_ERROR_LOOKBACK: Micros = 60 * MICROS_PER_MIN;

/// Everything the per-incident drafting reads.
pub struct Run<'a> {
    /// What the read stage learnt.
    pub analysis: &'a Analysis,
    /// How the detector decides.
    pub params: Params,
    /// Alerts, pages, escalations and acknowledgements, paired.
    pub story: AlertStory<'a>,
    /// Every kept event, in time order.
    pub events: &'a [&'a Event],
    /// Units restarted on a schedule: their restarts are routine, not actions.
    pub routine: &'a HashSet<String>,
    /// Every source family's signal.
    pub sources: &'a [SourceSignal],
    /// Each source's baseline error ratio.
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

/// What service a request source serves, by its name: the path below its host's folder with
/// digits masked (`web-3/nginx/access.log` → `nginx/access.log`, `web3.log` → `web*.log`), so
/// the six hosts behind one balancer are one service.
fn service_key(name: &str) -> String {
    let below_host = match name.split_once('/') {
        Some((_, rest)) if rest.contains('/') || !rest.is_empty() => rest,
        _ => name,
    };
    crate::discover::rotation::slice_shape(below_host).unwrap_or_else(|| below_host.to_string())
}

/// The request sources of the service the showing sources belong to: every host behind it,
/// whether it showed the incident or not.
fn service_peers<'s>(
    sources: &'s [SourceSignal],
    showing: &'s [usize],
) -> impl Iterator<Item = usize> + 's {
    let keys: std::collections::BTreeSet<String> = showing
        .iter()
        .map(|&i| &sources[i])
        .filter(|s| s.kind == SourceKind::Requests)
        .map(|s| service_key(&s.name))
        .collect();
    sources.iter().enumerate().filter_map(move |(i, s)| {
        (s.kind == SourceKind::Requests
            && (showing.contains(&i) || keys.contains(&service_key(&s.name))))
        .then_some(i)
    })
}

/// One incident and the signal that speaks for it.
pub struct Case {
    /// The window (from the union of the sources that showed it) and, for the rest, the
    /// numbers of the source that showed it most.
    pub found: detect::SignalIncident,
    /// What ratios, effects and burn rates are judged on.
    pub bins: Vec<Bin>,
    /// Its records and errors per bin.
    pub series: Series,
    /// The files whose clients the impact counts (merged only when there are several): every
    /// host of the service, not only those that showed the incident.
    pub client_files: Vec<usize>,
    /// Requests of the whole service (every host behind it, see [`service_peers`]), which the
    /// impact is a share of; the incident's own series otherwise.
    pub service: Series,
    /// How many request sources `service` sums.
    pub service_sources: usize,
    /// What a client is here, in words.
    pub client_basis: String,
    /// Error logs: a rate of errors, not a ratio (no burn rate on it).
    pub counts: bool,
    /// What its counts count: requests, records or alerts.
    pub unit: SourceKind,
    /// The sources (indices into `Run::sources`) that showed the incident.
    pub showing: Vec<usize>,
    /// Each source with data near the window, and whether it showed the incident.
    pub sources: Vec<IncidentSource>,
    /// Where the data of the speaking source ends, for an incident without a recovery.
    pub data_end: Option<Micros>,
    /// For an incident without a recovery: the source still showing it when its data stopped.
    pub ongoing_source: Option<String>,
    /// For an incident only alerts tell of: the alert notice that fired.
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
            named |= s.named_users;
        }
        let mut service = series.clone();
        let mut service_sources = 0;
        if unit == SourceKind::Requests {
            service = Series::default();
            for s in service_peers(run.sources, &showing).map(|i| &run.sources[i]) {
                service.merge(&s.series);
                client_files.extend(&s.files);
                service_sources += 1;
            }
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
        let data_end = united.ongoing.map(|(e, _)| e * run.analysis.bin_width);
        Case {
            sources: describe(united, run.sources, run.baselines, united.start_bin, last),
            found,
            bins,
            series,
            client_files,
            service,
            service_sources,
            client_basis: client_basis(unit, named),
            counts,
            unit,
            showing,
            data_end,
            ongoing_source: united.ongoing.map(|(_, s)| run.sources[s].name.clone()),
            alert: None,
        }
    }

    /// An incident only alerts tell of: no source has data over the window.
    pub fn alerted(run: &Run, first: i64, end: Option<i64>, fired: usize) -> Case {
        let found = detect::SignalIncident {
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
            service: Series::default(),
            service_sources: 0,
            client_basis: "no request or record source covers the alert: clients unknown".into(),
            counts: true,
            unit: SourceKind::Alerts,
            showing: Vec::new(),
            sources: Vec::new(),
            data_end: end.map(|e| e * run.analysis.bin_width),
            ongoing_source: None,
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

/// Changes this close before the onset are cited beside the trigger (the reload that applied
/// a config change, the second step of a deploy).
const NEAR_ONSET: Micros = 5 * MICROS_PER_MIN;

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
    // Only what people did: the system's own doings and scheduled jobs are evidence rows.
    let human_change = |i: &&TimelineItem| {
        i.kind == ItemKind::Action && i.action.is_some_and(|k| k.is_change() && k.is_human())
    };
    // The fix lands before the rate is seen back, or in the minute or two the recovery's
    // placement may run ahead of it; a change later than that came after the recovery.
    let fixed_by = until + 2 * ctx.bin_width;
    let resolution = actions
        .iter()
        .filter(human_change)
        .filter(|i| i.micros <= fixed_by)
        .filter(|i| i.effect.is_some_and(|e| e.verdict == Direction::Fell))
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
                .is_some_and(|e| matches!(e.verdict, Direction::NoChange | Direction::Rose))
        })
        .cloned()
        .collect();
    During {
        actions,
        resolution,
        misleading,
    }
}

/// Lost traffic comes back when something brings the service back, whatever its effect on an
/// error ratio there was no traffic to compute: the last start, restart, reload or boot in the
/// ten minutes before the traffic returned (or the two bins after) is the candidate resolution.
fn traffic_back_with(
    actions: &[TimelineItem],
    until: Micros,
    bin_width: Micros,
) -> Option<TimelineItem> {
    use crate::aggregate::ActionKind;
    actions
        .iter()
        .filter(|i| i.micros >= until - 10 * MICROS_PER_MIN && i.micros <= until + 2 * bin_width)
        .filter(|i| {
            matches!(
                i.action,
                Some(
                    ActionKind::Start
                        | ActionKind::Restart
                        | ActionKind::Reload
                        | ActionKind::Boot
                        | ActionKind::Rollback
                        | ActionKind::Deploy
                        | ActionKind::ConfigChange
                        | ActionKind::Failover
                )
            )
        })
        .max_by_key(|i| i.micros)
        .cloned()
}

/// Drafts one incident: detection, evidence before the onset, actions and their effects, alerts and escalations, the recovery, the impact.
pub(crate) fn draft_incident(run: &Run, case: &Case) -> Incident {
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
    let Onset {
        trigger,
        items,
        first_errors,
    } = before_onset(run, case, &ctx, start, until);
    timeline.extend(items);
    let mut during = during(&ctx, start, until, trigger.as_ref());
    if found.kind.traits().counts_missing && during.resolution.is_none() {
        during.resolution = traffic_back_with(&during.actions, until, bin_width);
    }
    if found.kind.traits().ends_with_restart && end.is_some() && during.resolution.is_none() {
        during.resolution = super::actions::restart_that_held(&ctx, until);
    }
    timeline.extend(during.actions.iter().cloned());
    let burst = (!found.kind.traits().counts_logins)
        .then(|| {
            let bins = (found.start_bin, last_bin);
            super::logins::during(analysis, bins, data_bins(analysis), &during.actions)
        })
        .flatten();
    if let Some(b) = &burst {
        timeline.push(b.row.clone());
    }
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
        time_to_detect_seconds: (method == DetectionMethod::Alert)
            .then_some((detected - start) / 1_000_000),
        time_to_acknowledge_seconds: time_to_acknowledge,
        time_to_resolve_seconds: end.map(|e| (e - start) / 1_000_000),
        baseline_ratio: baseline,
        error_ratio: impact.failed_ratio,
        peak_error_ratio: peak,
        latency: evidence::latency(&case.series.latency, found.start_bin, last_bin),
        top_paths: evidence::top_paths(analysis, found.start_bin, last_bin),
        top_upstreams: evidence::top_upstreams(analysis, found.start_bin, last_bin),
        top_login_sources: match (found.kind.traits().counts_logins, &burst) {
            (true, _) => evidence::top_login_sources(analysis, found.start_bin, last_bin),
            (false, Some(b)) => b.top_sources.clone(),
            (false, None) => Vec::new(),
        },
        top_sources: evidence::top_sources(analysis, found.start_bin, last_bin),
        client_side: evidence::client_side(analysis, found.start_bin, last_bin),
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
        failed_logins: burst.map(|b| b.row),
        resolution_candidate: during.resolution,
        first_errors,
        sources: case.sources.clone(),
        coverage_partial: case.sources.iter().any(|s| s.showed_incident && !s.covered)
            || found.end_bin.is_none(),
        ongoing_at_end_of: match (&case.ongoing_source, case.data_end) {
            (Some(file), Some(stop)) if found.end_bin.is_none() => Some(super::model::Ongoing {
                file: file.clone(),
                data_ends: Stamp::utc(stop),
            }),
            _ => None,
        },
        shape: own_shape(run, case, start, until),
        start_micros: start,
        detected_micros: detected,
        recovered_micros: end,
    }
}

/// The first and last bins any file has lines in.
fn data_bins(analysis: &crate::pipeline::Analysis) -> (i64, i64) {
    let files = analysis.files.iter().map(|f| &f.summary);
    let first = files
        .clone()
        .filter_map(|s| s.first_time)
        .min()
        .unwrap_or(0);
    let last = files.filter_map(|s| s.last_time).max().unwrap_or(first);
    (
        first.div_euclid(analysis.bin_width),
        last.div_euclid(analysis.bin_width),
    )
}

/// The incident's own signal around its window, for its sparkline (none for alerts alone).
fn own_shape(run: &Run, case: &Case, start: Micros, until: Micros) -> Option<shape::Shape> {
    (case.unit != SourceKind::Alerts).then(|| {
        let judged = shape::Judged {
            kind: case.found.kind,
            unit: case.unit,
            series: &case.series,
            showing: case.showing.iter().map(|&s| &run.sources[s]).collect(),
        };
        shape::of(&judged, run.analysis.bin_width, start, until)
    })
}
