//! Timeline: from the merged run and the incidents found, the draft's content. Each item
//! cites the `file:line` it came from; where the logs cannot know something (why, what to
//! change), the renderer asks the author and shows the evidence gathered here.

pub mod model;

use std::collections::{HashMap, HashSet};

use crate::aggregate::{
    Action, ActionKind, AlertEvent, Clients, Event, EventBody, LineRef, Series,
};
use crate::detect::effect::{Verdict, effect};
use crate::detect::{self, Bin, Params};
use crate::parse::Format;
use crate::parse::alertmanager::AlertStatus;
use crate::pipeline::Analysis;
use crate::time::{MICROS_PER_MIN, Micros, format_utc};
pub use model::*;

/// An alert that fired this long before the computed start still counts as detecting it.
pub const DETECTION_LOOKBACK: Micros = 15 * MICROS_PER_MIN;
/// How far before the start a change is a trigger candidate.
pub const TRIGGER_LOOKBACK: Micros = 30 * MICROS_PER_MIN;
/// systemd lines this soon after a sudo on the same unit confirm it rather than add to it.
const CONFIRM_WITHIN: Micros = MICROS_PER_MIN;

struct Signal {
    description: String,
    series: Series,
    clients: Clients,
    client_basis: String,
}

fn signal(analysis: &Analysis) -> Signal {
    let mut access = Series::default();
    let mut clients = Clients::default();
    let mut users = false;
    let mut records = Series::default();
    for f in &analysis.files {
        match f.detection.format {
            Format::NginxAccess => {
                access.merge(&f.summary.series);
                clients.merge(f.summary.clients.clone());
            }
            Format::Alertmanager => {}
            _ => records.merge(&f.summary.series),
        }
    }
    if access.totals().total > 0 {
        // `$remote_user` names people; addresses only stand in for them.
        users |= analysis
            .files
            .iter()
            .any(|f| f.detection.format == Format::NginxAccess)
            && clients
                .by_client
                .keys()
                .any(|k| !k.iter().all(|b| b.is_ascii_hexdigit() || b".:".contains(b)));
        return Signal {
            description: "server errors (5xx) per request in the access logs".into(),
            series: access,
            clients,
            client_basis: if users {
                "users where the access log names them ($remote_user), else client addresses".into()
            } else {
                "client addresses, a proxy for users (no $remote_user in the logs)".into()
            },
        };
    }
    Signal {
        description: "error-severity records per record (syslog, nginx error log)".into(),
        series: records,
        clients: Clients::default(),
        client_basis: "no access logs: clients unknown".into(),
    }
}

fn source(analysis: &Analysis, r: LineRef) -> Source {
    Source {
        file: analysis
            .files
            .get(r.file)
            .map_or_else(String::new, |f| f.display.clone()),
        line: r.line,
    }
}

fn item(
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

/// Alert notices reduced to what happened: first firing per alert, first resolution, and
/// notices that reached a receiver the alert had not been sent to before.
struct AlertStory<'a> {
    fired: Vec<&'a Event>,
    resolved: Vec<&'a Event>,
    escalated: Vec<(&'a Event, Micros)>,
}

fn alert_of(e: &Event) -> Option<&AlertEvent> {
    match &e.body {
        EventBody::Alert(a) => Some(a),
        EventBody::Action(_) => None,
    }
}

fn alert_story<'a>(events: &[&'a Event]) -> AlertStory<'a> {
    let mut story = AlertStory {
        fired: Vec::new(),
        resolved: Vec::new(),
        escalated: Vec::new(),
    };
    let mut seen_fired = HashSet::new();
    let mut seen_resolved = HashSet::new();
    let mut receivers: HashMap<(&str, Micros), Vec<&str>> = HashMap::new();
    let mut notices: Vec<&Event> = events
        .iter()
        .copied()
        .filter(|e| alert_of(e).is_some())
        .collect();
    // Escalation is about the order notices arrived in: by arrival time, then file order.
    notices.sort_by_key(|e| {
        (
            alert_of(e).and_then(|a| a.received_at).unwrap_or(e.time),
            e.source,
        )
    });
    for e in notices {
        let Some(a) = alert_of(e) else { continue };
        let key = (a.identity.as_str(), a.starts_at);
        match a.status {
            AlertStatus::Firing => {
                if seen_fired.insert(key) {
                    story.fired.push(e);
                }
            }
            AlertStatus::Resolved => {
                if seen_resolved.insert(key) {
                    story.resolved.push(e);
                }
            }
        }
        let sent_to = receivers.entry(key).or_default();
        if !sent_to.contains(&a.receiver.as_str()) {
            if !sent_to.is_empty()
                && let Some(at) = a.received_at
            {
                story.escalated.push((e, at));
            }
            sent_to.push(a.receiver.as_str());
        }
    }
    story.fired.sort_by_key(|e| (e.time, e.source));
    story.resolved.sort_by_key(|e| (e.time, e.source));
    story
}

fn describe_alert(a: &AlertEvent) -> String {
    let mut text = format!(
        "alert {} {}",
        a.name,
        match a.status {
            AlertStatus::Firing => "firing",
            AlertStatus::Resolved => "resolved",
        }
    );
    if let Some(service) = &a.service {
        text.push_str(&format!(" ({service})"));
    }
    if let Some(summary) = &a.summary {
        text.push_str(&format!(": {summary}"));
    }
    if !a.receiver.is_empty() {
        text.push_str(&format!(" → {}", a.receiver));
    }
    text
}

fn action_text(a: &Action) -> String {
    match &a.actor {
        Some(actor) => format!("{actor}: {}", a.text),
        None => a.text.clone(),
    }
}

/// A unit that systemd starts more often than this, with nobody asking, runs on a timer:
/// its lines are routine, not actions.
const ROUTINE_STARTS: usize = 6;

/// Units started by nobody in particular more than [`ROUTINE_STARTS`] times.
fn routine_units(events: &[&Event]) -> HashSet<String> {
    let mut starts: HashMap<&str, usize> = HashMap::new();
    for e in events {
        if let EventBody::Action(a) = &e.body
            && a.actor.is_none()
            && a.kind == ActionKind::Start
            && let Some(unit) = &a.subject
        {
            *starts.entry(unit.as_str()).or_default() += 1;
        }
    }
    starts
        .into_iter()
        .filter(|(_, n)| *n > ROUTINE_STARTS)
        .map(|(u, _)| u.to_string())
        .collect()
}

/// What the timeline needs to turn events into action items.
struct Actions<'a> {
    analysis: &'a Analysis,
    events: &'a [&'a Event],
    bins: &'a [Bin],
    bin_width: Micros,
    routine: HashSet<String>,
}

/// Human and system actions in `[from, to]`, with systemd's echoes of a sudo folded into it.
fn actions_between(ctx: &Actions, from: Micros, to: Micros) -> Vec<TimelineItem> {
    let (analysis, bins, bin_width) = (ctx.analysis, ctx.bins, ctx.bin_width);
    let mut items: Vec<TimelineItem> = Vec::new();
    for e in ctx.events.iter().filter(|e| e.time >= from && e.time <= to) {
        let EventBody::Action(a) = &e.body else {
            continue;
        };
        if a.actor.is_none()
            && matches!(
                a.kind,
                ActionKind::Start | ActionKind::Stop | ActionKind::Reload | ActionKind::Restart
            )
            && let Some(unit) = &a.subject
            && let Some(parent) = items.iter_mut().rev().find(|i| {
                e.time - i.micros <= CONFIRM_WITHIN
                    && i.actor.is_some()
                    && i.action.is_some_and(|k| k.is_change())
                    && i.text
                        .contains(unit.strip_suffix(".service").unwrap_or(unit))
            })
        {
            parent.confirmed_by.push(source(analysis, e.source));
            continue;
        }
        if a.actor.is_none() && a.subject.as_ref().is_some_and(|u| ctx.routine.contains(u)) {
            continue;
        }
        let mut it = item(analysis, e.time, ItemKind::Action, action_text(a), e.source);
        it.action = Some(a.kind);
        it.actor = a.actor.clone();
        it.effect = Some(effect(bins, e.time.div_euclid(bin_width)));
        items.push(it);
    }
    items
}

fn percent(r: f64) -> String {
    format!("{:.1}%", r * 100.0)
}

/// Builds the draft from a run.
pub fn build(analysis: &Analysis, params: Params) -> Draft {
    let bin_width = analysis.bin_width;
    let signal = signal(analysis);
    let bins = detect::bins_from(&signal.series.bins);
    let (found, baseline) = detect::find_incidents(&bins, params);
    let events = analysis.events();
    let story = alert_story(&events);
    let actions_ctx = Actions {
        analysis,
        events: &events,
        bins: &bins,
        bin_width,
        routine: routine_units(&events),
    };
    let data_end = bins.last().map(|b| (b.index + 1) * bin_width);
    let mut incidents = Vec::new();
    for found_incident in &found {
        let start = found_incident.start_bin * bin_width;
        let end = found_incident.end_bin.map(|b| b * bin_width);
        let alarm = (found_incident.alarm_bin + 1) * bin_width;
        let until = end.or(data_end).unwrap_or(alarm);
        let mut timeline = Vec::new();

        // Detection: the first alert firing around the start, else the test's alarm.
        let detecting = story
            .fired
            .iter()
            .find(|e| e.time >= start - DETECTION_LOOKBACK && e.time <= until);
        let (detected, method, detail) = match detecting.and_then(|e| alert_of(e).map(|a| (e, a))) {
            Some((e, a)) => {
                let mut it = item(
                    analysis,
                    e.time,
                    ItemKind::Detection,
                    describe_alert(a),
                    e.source,
                );
                it.text = format!("detected by {}", it.text);
                timeline.push(it);
                (
                    e.time,
                    DetectionMethod::Alert,
                    format!(
                        "monitoring alert {} (Alertmanager, receiver {})",
                        a.name, a.receiver
                    ),
                )
            }
            None => {
                let cite = analysis
                    .files
                    .iter()
                    .flat_map(|f| {
                        f.summary
                            .error_samples
                            .range(found_incident.start_bin..=found_incident.alarm_bin)
                            .map(|(_, s)| s)
                    })
                    .max_by_key(|s| (s.time, std::cmp::Reverse(s.source)));
                let text = format!(
                    "error ratio {} against a baseline of {}: enough evidence to call an incident (no alert found)",
                    percent(found_incident.ratio),
                    percent(baseline)
                );
                if let Some(s) = cite {
                    timeline.push(item(analysis, alarm, ItemKind::Detection, text, s.source));
                }
                (alarm, DetectionMethod::DerivedFromLogs, "derived from logs: error-rate change detection (no alert overlapped the incident)".to_string())
            }
        };

        // Evidence: the change shortly before the start, and the first errors of each file.
        let before = actions_between(&actions_ctx, start - TRIGGER_LOOKBACK, start + bin_width);
        let trigger = before
            .iter()
            .rfind(|i| {
                i.micros <= start + bin_width
                    && i.action.is_some_and(|k| k.is_change() && k.is_human())
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
        // What the system did to itself just before (an OOM kill, a unit failing).
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
                .range(found_incident.start_bin..found_incident.start_bin + 3)
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
        let actions = actions_between(&actions_ctx, start, until);
        let resolution_candidate = actions
            .iter()
            .filter(|i| i.action.is_some_and(|k| k.is_change() && k.is_human()))
            .filter(|i| i.effect.is_some_and(|e| e.verdict == Verdict::Fell))
            .max_by(|a, b| {
                let drop =
                    |i: &TimelineItem| i.effect.map_or(0.0, |e| e.before_ratio - e.after_ratio);
                drop(a).total_cmp(&drop(b)).then(b.micros.cmp(&a.micros))
            })
            .cloned();
        let misleading: Vec<TimelineItem> = actions
            .iter()
            .filter(|i| i.action.is_some_and(|k| k.is_change() && k.is_human()))
            .filter(|i| i.micros < resolution_candidate.as_ref().map_or(until, |r| r.micros))
            .filter(|i| {
                i.effect
                    .is_some_and(|e| matches!(e.verdict, Verdict::NoChange | Verdict::Rose))
            })
            .cloned()
            .collect();
        timeline.extend(actions.iter().cloned());

        // Alerts in the window, escalations, and the recovery.
        for e in story.fired.iter().chain(&story.resolved) {
            if e.time > start - DETECTION_LOOKBACK
                && e.time <= until + DETECTION_LOOKBACK
                && detecting.is_none_or(|d| !std::ptr::eq(*d, *e))
                && let Some(a) = alert_of(e)
            {
                timeline.push(item(
                    analysis,
                    e.time,
                    ItemKind::Alert,
                    describe_alert(a),
                    e.source,
                ));
            }
        }
        for (e, at) in &story.escalated {
            if *at >= start
                && *at <= until
                && let Some(a) = alert_of(e)
            {
                let text = format!("alert {} escalated: sent to {}", a.name, a.receiver);
                timeline.push(item(analysis, *at, ItemKind::Escalation, text, e.source));
            }
        }
        if let Some(end) = end {
            let mut text = format!("error ratio back at baseline ({})", percent(baseline));
            let cite = match &resolution_candidate {
                Some(r) => {
                    text.push_str(&format!(
                        "; candidate resolution: {} at {}",
                        r.text,
                        crate::time::format_clock(r.micros)
                    ));
                    Some(r.source.clone())
                }
                None => analysis
                    .files
                    .iter()
                    .flat_map(|f| {
                        f.summary
                            .error_samples
                            .range(..found_incident.end_bin.unwrap_or(i64::MAX))
                            .next_back()
                            .map(|(_, s)| s)
                    })
                    .max_by_key(|s| s.time)
                    .map(|s| {
                        text.push_str("; last server error cited");
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

        let (clients_total, clients_affected) = signal.clients.active_and_affected(
            found_incident.start_bin,
            found_incident.end_bin.map_or(i64::MAX, |b| b - 1),
        );
        let excess =
            (found_incident.errors as f64 - baseline * found_incident.requests as f64).max(0.0);
        incidents.push(Incident {
            start: format_utc(start),
            detected: format_utc(detected),
            detection_method: method,
            detection_detail: detail,
            recovered: end.map(format_utc),
            duration_seconds: end.map(|e| (e - start) / 1_000_000),
            time_to_detect_seconds: (detected - start) / 1_000_000,
            baseline_ratio: baseline,
            error_ratio: found_incident.ratio,
            peak_error_ratio: found_incident.peak_ratio,
            impact: Impact {
                requests_total: found_incident.requests,
                requests_failed: found_incident.errors,
                failed_ratio: found_incident.ratio,
                requests_failed_excess: excess.round() as u64,
                clients_total,
                clients_affected,
                clients_affected_ratio: if clients_total > 0 {
                    clients_affected as f64 / clients_total as f64
                } else {
                    0.0
                },
                client_basis: signal.client_basis.clone(),
            },
            timeline,
            trigger_candidate: trigger,
            misleading_candidates: misleading,
            resolution_candidate,
            first_errors,
            start_micros: start,
        });
    }
    Draft {
        tool: Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        zone_assumed: analysis.zone.clone(),
        bin_seconds: bin_width / 1_000_000,
        signal: signal.description,
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
    }
}

fn span(analysis: &Analysis) -> Option<Span> {
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
        first: format_utc(first),
        last: format_utc(last),
    })
}

fn inputs(analysis: &Analysis) -> Vec<Input> {
    analysis
        .files
        .iter()
        .map(|f| Input {
            file: f.display.clone(),
            format: f.detection.format,
            detected_because: f.detection.explain(),
            compression: f.compression,
            lines_read: f.summary.lines,
            lines_parsed: f.summary.parsed,
            lines_skipped: f.summary.skipped,
            lines_continuation: f.summary.continuation,
            lines_blank: f.summary.blank,
            skipped_examples: f
                .summary
                .skipped_examples
                .iter()
                .map(|(line, reason)| SkippedLine {
                    line: *line,
                    reason: reason.clone(),
                })
                .collect(),
            first_time: f.summary.first_time.map(format_utc),
            last_time: f.summary.last_time.map(format_utc),
            zone: f.zone.clone(),
            year: f.year.as_ref().map(|y| y.year),
            year_rule: f.year.as_ref().map(|y| y.source.clone()),
        })
        .collect()
}
