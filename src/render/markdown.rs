//! The draft in the postmortem template, as Markdown. Facts come from the logs with their
//! `file:line`; what logs cannot know is asked of the author in lines marked `✍`, next to the
//! evidence that points there.

use std::fmt::Write;

use crate::detect::sources::SourceKind;
use crate::detect::wording::ImpactFigures;
use crate::render::escape::{code, escape};
use crate::render::figures::client_side_text;
pub(crate) use crate::render::figures::{duration, effect_text, is_investigation, ms, pct};
use crate::render::zone::{label, when};
use crate::timeline::{DetectionMethod, Draft, Incident, ItemKind, KeyCount, TimelineItem};

mod inputs;
mod signal;
mod timeline;

pub(crate) use inputs::inputs;
use timeline::timeline;

const ASK: &str = "✍";

/// A time in a row of incident `i`: the clock, with the date when the incident runs over
/// more than one day (the header states the first day only).
fn clock_in(i: &Incident, time: &crate::time::stamp::Stamp) -> String {
    time.row_time(i.spans_days())
}

/// The 95 % intervals of start and recovery, where they span more than one bin.
fn uncertainty(i: &Incident) -> String {
    let mut parts = Vec::new();
    if i.start_interval[0] != i.start_interval[1] {
        parts.push(format!(
            "start between {} and {}",
            clock_in(i, &i.start_interval[0]),
            clock_in(i, &i.start_interval[1])
        ));
    }
    if let Some(r) = i.recovered_interval.as_ref().filter(|r| r[0] != r[1]) {
        parts.push(format!(
            "recovery between {} and {}",
            clock_in(i, &r[0]),
            clock_in(i, &r[1])
        ));
    }
    match parts.is_empty() {
        true => String::new(),
        false => format!(" ({}, 95 %)", parts.join("; ")),
    }
}

fn cite(item: &TimelineItem) -> String {
    let mut text = code(&format!("{}:{}", item.source.file, item.source.line));
    if !item.confirmed_by.is_empty() {
        let lines: Vec<String> = item
            .confirmed_by
            .iter()
            .map(|s| code(&format!("{}:{}", s.file, s.line)))
            .collect();
        text.push_str(&format!(", confirmed by {}", lines.join(", ")));
    }
    text
}

/// What of the draft one rendering shows: the HTML page draws its own title, chart and
/// timeline table, and takes the rest from here.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Parts {
    /// The `# Postmortem draft` title.
    pub heading: bool,
    /// The text sparkline under the summary.
    pub sparkline: bool,
    /// The table of every event at the end of the Timeline section.
    pub timeline_table: bool,
}

impl Parts {
    /// Everything: the Markdown draft.
    pub(crate) const ALL: Parts = Parts {
        heading: true,
        sparkline: true,
        timeline_table: true,
    };
}

fn summary(out: &mut String, draft: &Draft, i: &Incident, parts: Parts) {
    let _ = writeln!(out, "## Issue Summary\n");
    let end = match &i.recovered {
        Some(r) => when(r),
        // An alert with no resolution in the alert files says nothing of the other logs.
        None if i.impact.unit == SourceKind::Alerts => {
            "no resolution of the alert in the alert files".into()
        }
        None => match &i.ongoing_at_end_of {
            Some(o) => format!(
                "ongoing at the end of {} (its data stops at {}; no recovery in the data)",
                code(&o.file),
                when(&o.data_ends)
            ),
            None => "not recovered by the end of the logs".into(),
        },
    };
    let length = match i.duration_seconds {
        // A day and more of one incident is rare: the reader should weigh whether it is one.
        Some(d) if d > 86_400 => format!(
            " ({}: longer than a day, {ASK} _one incident, or several with a quiet time between?_)",
            duration(d)
        ),
        Some(d) => format!(" ({})", duration(d)),
        None => String::new(),
    };
    let _ = writeln!(
        out,
        "- **Duration:** {} – {}{}{}",
        when(&i.start),
        end,
        length,
        uncertainty(i)
    );
    let impact = impact_text(i);
    let _ = writeln!(out, "- **Impact:** {impact} {ASK} _What did users see?_");
    sources_line(out, i);
    if i.coverage_partial {
        let _ = writeln!(
            out,
            "- **Coverage:** the incident window is only partly covered by the sources that showed it (their data has gaps or ends inside it)."
        );
    }
    let _ = write!(
        out,
        "- **Root cause:** {ASK} _One line, in the author's words._"
    );
    let system = i
        .timeline
        .iter()
        .find(|t| t.kind == ItemKind::Evidence && t.action.is_some_and(|k| !k.is_human()));
    if let Some(t) = i.trigger_candidate.as_ref().or(system) {
        let _ = write!(
            out,
            " Evidence: {} at {} ({}).",
            escape(&t.text),
            clock_in(i, &t.time),
            cite(t)
        );
    }
    let _ = writeln!(out, "\n");
    if parts.sparkline {
        signal::block(out, draft, i);
    }
}

/// What the incident cost, in the units its sources count, with latency and clients.
fn impact_text(i: &Incident) -> String {
    let m = &i.impact;
    let mut impact = i.kind.impact(&ImpactFigures {
        unit: m.unit,
        failed: m.requests_failed,
        total: m.requests_total,
        failed_ratio: m.failed_ratio,
        baseline_ratio: i.baseline_ratio,
        excess: m.requests_failed_excess,
        request_sources: m.request_sources,
        missing: m.requests_missing.unwrap_or(0),
        slow: m.requests_slow.unwrap_or(0),
    });
    if let Some(l) = &i.latency {
        let _ = write!(
            impact,
            " Latency p50 {} / p95 {} / p99 {}{}.",
            ms(l.p50_ms),
            ms(l.p95_ms),
            ms(l.p99_ms),
            l.baseline_p95_ms
                .map(|b| format!(" (p95 before: {})", ms(b)))
                .unwrap_or_default()
        );
    }
    if m.clients_total > 0 {
        let _ = write!(
            impact,
            " **{} of {} ({}) got at least one server error**; counted by {}.",
            m.clients_affected,
            crate::render::count(m.clients_total as usize, "client", "clients"),
            pct(m.clients_affected_ratio),
            m.client_basis
        );
    }
    impact
}

/// Which sources showed the incident and which stayed normal.
fn sources_line(out: &mut String, i: &Incident) {
    let showed: Vec<String> = i
        .sources
        .iter()
        .filter(|s| s.showed_incident)
        .map(|s| code(&s.file))
        .collect();
    let normal: Vec<String> = i
        .sources
        .iter()
        .filter(|s| !s.showed_incident)
        .map(|s| code(&s.file))
        .collect();
    if !showed.is_empty() {
        let _ = write!(out, "- **Sources:** showed it: {}", showed.join(", "));
        if !normal.is_empty() {
            let _ = write!(out, "; stayed normal: {}", normal.join(", "));
        }
        let _ = writeln!(out, ".");
    }
}

fn root_cause(out: &mut String, i: &Incident) {
    let _ = writeln!(out, "## Root Cause and Resolution\n");
    let _ = writeln!(
        out,
        "{ASK} _Explain what went wrong and why, then how it was fixed._ What the logs show:\n"
    );
    if let Some(t) = &i.trigger_candidate {
        let _ = writeln!(
            out,
            "- The last change before the start: {} ({}).",
            escape(&t.text),
            cite(t)
        );
    }
    for t in i
        .timeline
        .iter()
        .filter(|t| t.kind == ItemKind::Evidence && t.action.is_some_and(|k| !k.is_human()))
    {
        let _ = writeln!(
            out,
            "- {}, at {}: {} ({}).",
            match t.micros < i.start.micros {
                true => "Just before the start",
                false => "What the system did",
            },
            clock_in(i, &t.time),
            escape(&t.text),
            cite(t)
        );
    }
    for e in &i.first_errors {
        let _ = writeln!(
            out,
            "- {} at {} ({}).",
            escape(&e.text),
            clock_in(i, &e.time),
            cite(e)
        );
    }
    match &i.resolution_candidate {
        // Lost traffic has no error rate to fall: it came back.
        Some(r) if i.kind.traits().counts_missing => {
            let _ = writeln!(
                out,
                "- Traffic came back after {} at {} ({}).",
                escape(&r.text),
                clock_in(i, &r.time),
                cite(r)
            );
        }
        Some(r) => {
            let _ = writeln!(
                out,
                "- The error rate fell after {} at {}: {} ({}).",
                escape(&r.text),
                clock_in(i, &r.time),
                effect_text(r),
                cite(r)
            );
        }
        None => {}
    }
    // A burst of failed logins is told by its addresses, not by failed paths or upstreams.
    let security = i.kind.traits().counts_logins;
    for (title, rows) in [
        ("Most failures by paths", &i.top_paths),
        ("Most failures by upstreams", &i.top_upstreams),
        ("Most failures by sources", &i.top_sources),
        ("Most failed logins from", &i.top_login_sources),
    ] {
        let told_otherwise = security && (title.ends_with("paths") || title.ends_with("upstreams"));
        if !rows.is_empty() && !told_otherwise {
            let list: Vec<String> = rows
                .iter()
                .map(|KeyCount { key, failed }| format!("{} ({failed})", code(key)))
                .collect();
            let _ = writeln!(out, "- {title}: {}.", list.join(", "));
        }
    }
    if let Some(c) = &i.client_side {
        let _ = writeln!(out, "- {}", not_failures(c));
    }
    if !i.signatures.is_empty() {
        let _ = writeln!(
            out,
            "\nError signatures during the incident (numbers, addresses and paths masked); **new** ones were at least 10× rarer before:\n"
        );
        let _ = writeln!(out, "| signature | during | before | first seen |");
        let _ = writeln!(out, "|---|---|---|---|");
        for row in &i.signatures {
            let mark = match (row.new, row.at_onset) {
                (true, true) => "**new, at onset** ",
                (true, false) => "**new** ",
                _ => "",
            };
            let _ = writeln!(
                out,
                "| {mark}{} | {} | {} | {} {} |",
                escape(&row.signature),
                row.during,
                row.before,
                clock_in(i, &row.first.time),
                cite(&row.first)
            );
        }
    }
    let _ = writeln!(out);
}

fn measures(out: &mut String, i: &Incident) {
    let _ = writeln!(out, "## Corrective and Preventative Measures\n");
    let _ = writeln!(
        out,
        "{ASK} _List specific tasks with owners._ Prompts from the evidence:\n"
    );
    if let Some(t) = &i.trigger_candidate {
        let _ = writeln!(
            out,
            "- The incident began minutes after a change ({}): how could it have been caught before release (validation, canary, staged rollout)?",
            escape(&t.text)
        );
    }
    if i.detection_method != DetectionMethod::Alert {
        let _ = writeln!(
            out,
            "- No alert fired: add an alert on this error rate (e.g. a burn-rate alert on the SLO)."
        );
    } else if let Some(ttd) = i.time_to_detect_seconds.filter(|s| *s > 300) {
        let _ = writeln!(
            out,
            "- Detection took {}: can the alert fire sooner?",
            duration(ttd)
        );
    }
    if !i.misleading_candidates.is_empty() {
        let _ = writeln!(
            out,
            "- {} not move the error rate: what would have pointed responders to the cause sooner (dashboards, runbook)?",
            crate::render::count(i.misleading_candidates.len(), "change did", "changes did")
        );
    }
    if let Some(r) = &i.resolution_candidate {
        let into = (r.micros - i.start_micros).max(0) / 1_000_000;
        let _ = writeln!(
            out,
            "- The fix ({}) came {} into the incident: can it be made a runbook step or automated?",
            escape(&r.text),
            duration(into)
        );
    }
    let _ = writeln!(out);
}

/// The title (when `parts` has it), the note on how the draft was made, and the verdict when
/// no incident was found.
pub(crate) fn intro(out: &mut String, draft: &Draft, parts: Parts) {
    if parts.heading {
        let date = draft
            .incidents
            .first()
            .map(|i| i.start.date())
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "# Postmortem draft{}\n",
            if date.is_empty() {
                String::new()
            } else {
                format!(": incident of {date}")
            }
        );
    }
    let _ = writeln!(
        out,
        "> Generated by {} {} from {}. Times are {}; zone-less lines were read as {}. Lines marked {ASK} are for the author.\n",
        draft.tool.name,
        draft.tool.version,
        crate::render::files_read(draft),
        label(draft),
        draft.zone_assumed
    );
    guesses(out, draft);
    scope(out, draft);
    if draft.incidents.is_empty() {
        let _ = writeln!(
            out,
            "**No incident found**: the error rate ({}) stayed at its baseline of {} throughout{}.\n",
            draft.signal,
            pct(draft.baseline_ratio),
            draft
                .span
                .as_ref()
                .map(|s| format!(" ({} – {})", s.first, s.last))
                .unwrap_or_default()
        );
        if let Some(c) = &draft.client_side {
            let _ = writeln!(out, "{}\n", not_failures(c));
        }
    }
}

/// Clients' requests refused or held back, the one sentence the run and each incident say.
fn not_failures(c: &crate::timeline::ClientSideCounts) -> String {
    format!(
        "Not failures, counted apart: clients' requests {}.",
        client_side_text(c, code)
    )
}

/// The zones and years assumed, under the header: each a guess the author should confirm, with
/// the flag that sets it.
fn guesses(out: &mut String, draft: &Draft) {
    if draft.guesses.is_empty() {
        return;
    }
    let parts: Vec<String> = draft
        .guesses
        .iter()
        .map(|g| {
            let files = match g.files.as_slice() {
                [one] => code(one),
                many => crate::render::count(many.len(), "file", "files"),
            };
            format!(
                "{} {} for {files} ({}; `{}` sets it)",
                g.what,
                escape(&g.value),
                escape(&g.rule),
                g.flag
            )
        })
        .collect();
    let _ = writeln!(out, "> Assumed, not read: {}.\n", parts.join("; "));
}

/// What the run was scoped to, under the header: the figures below count only that.
fn scope(out: &mut String, draft: &Draft) {
    let Some(s) = &draft.scope else { return };
    let mut parts = Vec::new();
    match (&s.since, &s.until) {
        (Some(a), Some(b)) => parts.push(format!("{} – {}", a.when(), b.when())),
        (Some(a), None) => parts.push(format!("from {}", a.when())),
        (None, Some(b)) => parts.push(format!("until {}", b.when())),
        (None, None) => {}
    }
    if !s.hosts.is_empty() {
        let hosts: Vec<String> = s.hosts.iter().map(|h| code(h)).collect();
        parts.push(format!("hosts {}", hosts.join(", ")));
    }
    let _ = writeln!(
        out,
        "> Scoped to {}: {} outside the window and {} of other hosts left out.\n",
        parts.join(", "),
        crate::render::count(s.lines_left_out as usize, "line", "lines"),
        crate::render::count(s.files_left_out, "file", "files"),
    );
}

/// Incident `n`'s heading (when there are several), Issue Summary and Timeline.
pub(crate) fn incident_head(out: &mut String, draft: &Draft, n: usize, i: &Incident, parts: Parts) {
    if draft.incidents.len() > 1 && parts.heading {
        let _ = writeln!(out, "# Incident {} of {}\n", n + 1, draft.incidents.len());
    }
    summary(out, draft, i, parts);
    timeline(out, draft, i, parts.timeline_table);
}

/// Incident `i`'s Root Cause and Resolution, and Corrective and Preventative Measures.
pub(crate) fn incident_tail(out: &mut String, i: &Incident) {
    root_cause(out, i);
    measures(out, i);
}

/// Renders the whole draft.
pub fn render(draft: &Draft) -> String {
    render_with_context(draft, 0)
}

/// Renders the whole draft; with `context` above 0, each cited row's lines around it (that
/// many each side) follow the timeline table.
pub fn render_with_context(draft: &Draft, context: usize) -> String {
    let mut out = String::new();
    intro(&mut out, draft, Parts::ALL);
    for (n, i) in draft.incidents.iter().enumerate() {
        incident_head(&mut out, draft, n, i, Parts::ALL);
        timeline::evidence_in_context(&mut out, i, context);
        incident_tail(&mut out, i);
    }
    inputs(&mut out, draft);
    out
}
