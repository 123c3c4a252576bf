//! `postmortem timeline`: every notable event of the run on one merged time line, for people
//! who want the raw sequence (or to feed it to another tool) rather than the drafted story.
//! Filters select by time (absolute, or relative to the incident: `start-30m`), kind, source
//! file and text.

use globset::GlobMatcher;
use regex::Regex;
use serde::Serialize;

use super::actions::action_text;
use super::alerts::alert_story;
use super::model::{Draft, Incident, ItemKind, Source};
use crate::aggregate::{ActionKind, EventBody, LineRef};
use crate::error::Error;
use crate::pipeline::Analysis;
use crate::time::stamp::Stamp;
use crate::time::{MICROS_PER_SEC, Micros, parse_duration};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
/// Kinds of timeline rows (`--kind`).
pub enum EventKind {
    /// An alert fired or resolved.
    Alert,
    /// A page acknowledged, escalated or handed over.
    Escalation,
    /// Something done to the system: sudo, restarts, deploys, OOM kills…
    Action,
    /// A command that only looked (`grep`, `journalctl`, `diff`…), as the draft shows it.
    Investigation,
    /// The change an incident began after (the draft's candidate trigger).
    Trigger,
    /// The first error line of each bin in each file (many; not shown unless asked for).
    Error,
    /// The incident's start, detection and recovery as computed.
    Incident,
}

impl EventKind {
    /// The name in `--kind` and in the output.
    pub fn name(self) -> &'static str {
        match self {
            EventKind::Alert => "alert",
            EventKind::Escalation => "escalation",
            EventKind::Action => "action",
            EventKind::Investigation => "investigation",
            EventKind::Trigger => "trigger",
            EventKind::Error => "error",
            EventKind::Incident => "incident",
        }
    }
}

/// One line of `postmortem timeline`. Field names are a contract (NDJSON, CSV header).
#[derive(Debug, Clone, Serialize)]
pub struct EventRow {
    /// When it happened.
    pub time: Stamp,
    /// What kind of row.
    pub kind: EventKind,
    /// The file, as shown.
    pub file: String,
    /// The line, from 1.
    pub line: u64,
    /// What the line says, kept.
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// For actions: what kind of change.
    pub action: Option<ActionKind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// For actions: who did it.
    pub actor: Option<String>,
    #[serde(skip)]
    /// `time` in microseconds since the epoch (not in the output).
    pub micros: Micros,
    #[serde(skip)]
    order: (usize, u64),
}

fn row(analysis: &Analysis, time: Micros, kind: EventKind, text: String, at: LineRef) -> EventRow {
    EventRow {
        time: Stamp::utc(time),
        kind,
        file: analysis
            .files
            .get(at.file)
            .map_or_else(String::new, |f| f.display.clone()),
        line: at.line,
        text,
        action: None,
        actor: None,
        micros: time,
        order: (at.file, at.line),
    }
}

/// Incident `n`'s start, detection and recovery as rows: the detection and recovery are the
/// draft's own rows (same words, same citation); the start is said in the incident's own
/// terms (an error ratio, failed logins, latency, traffic).
fn incident_rows(draft: &Draft, n: usize, i: &Incident) -> Vec<EventRow> {
    let own = |kind: ItemKind| i.timeline.iter().find(|t| t.kind == kind);
    // What the start cites: the first error, else the trigger, else (alerts alone) the alert.
    let first = i
        .first_errors
        .first()
        .or(i.trigger_candidate.as_ref())
        .or(own(ItemKind::Detection));
    let (name, prefix) = match draft.incidents.len() {
        1 => ("incident".to_string(), String::new()),
        _ => (
            format!("incident {}", n + 1),
            format!("incident {}: ", n + 1),
        ),
    };
    let started = format!(
        "{name} started: {}",
        i.kind
            .started(i.impact.unit, i.error_ratio, i.baseline_ratio)
    );
    let mut marks: Vec<(Micros, String, Option<&Source>)> =
        vec![(i.start_micros, started, first.map(|f| &f.source))];
    match own(ItemKind::Detection) {
        Some(d) => marks.push((i.detected_micros, prefix.clone() + &d.text, Some(&d.source))),
        None => marks.push((
            i.detected_micros,
            format!("{prefix}detected: {}", i.detection_detail),
            first.map(|f| &f.source),
        )),
    }
    if let (Some(r), Some(item)) = (i.recovered_micros, own(ItemKind::Resolution)) {
        marks.push((r, prefix + &item.text, Some(&item.source)));
    }
    marks
        .into_iter()
        .map(|(t, text, cite)| EventRow {
            time: Stamp::utc(t),
            kind: EventKind::Incident,
            file: cite.map_or_else(String::new, |c| c.file.clone()),
            line: cite.map_or(0, |c| c.line),
            text,
            action: None,
            actor: None,
            micros: t,
            order: (usize::MAX, 0),
        })
        .collect()
}

/// Every event of the run, merged and sorted stably (time, then file order, then line).
pub fn rows(analysis: &Analysis, draft: &Draft) -> Vec<EventRow> {
    let mut out = Vec::new();
    let events = analysis.events();
    // The draft's own reading of the alert notices, so both commands show one time and kind.
    let story = alert_story(&events);
    // The draft's triggers, by the line they cite: the same row is `trigger` in both.
    let triggers: Vec<LineRef> = draft
        .incidents
        .iter()
        .filter_map(|i| i.trigger_candidate.as_ref())
        .filter_map(|t| line_of(analysis, &t.source))
        .collect();
    for e in events {
        match &e.body {
            EventBody::Alert(a) => {
                let Some(n) = story.notice(e) else { continue };
                let kind = match n.escalation {
                    true => EventKind::Escalation,
                    false => EventKind::Alert,
                };
                let mut r = row(analysis, n.at, kind, n.text, e.source);
                r.actor = a.actor.clone();
                out.push(r);
            }
            EventBody::Action(a) => {
                let kind = match a.kind {
                    ActionKind::Investigate => EventKind::Investigation,
                    _ if triggers.contains(&e.source) => EventKind::Trigger,
                    _ => EventKind::Action,
                };
                let mut r = row(analysis, e.time, kind, action_text(a), e.source);
                r.action = Some(a.kind);
                r.actor = a.actor.clone();
                out.push(r);
            }
        }
    }
    for f in &analysis.files {
        out.extend(
            f.summary
                .error_samples
                .values()
                .map(|s| row(analysis, s.time, EventKind::Error, s.text.clone(), s.source)),
        );
    }
    for (n, i) in draft.incidents.iter().enumerate() {
        out.extend(incident_rows(draft, n, i));
    }
    out.sort_by_key(|r| (r.micros, r.order));
    out
}

/// The line a draft's citation names, in the run's numbering.
fn line_of(analysis: &Analysis, source: &Source) -> Option<LineRef> {
    let file = analysis
        .files
        .iter()
        .position(|f| f.display == source.file)?;
    Some(LineRef {
        file,
        line: source.line,
    })
}

fn is_date(text: &str) -> bool {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok()
}

/// `2023-09-10` (its first second, or with `end_of_day` its last), `2023-09-10 08:00` or
/// `2023-09-10T08:00:30`: a time without a zone.
fn zone_less(text: &str, end_of_day: bool) -> Option<chrono::NaiveDateTime> {
    if let Ok(date) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return match end_of_day {
            true => date.and_hms_opt(23, 59, 59),
            false => date.and_hms_opt(0, 0, 0),
        };
    }
    [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ]
    .iter()
    .find_map(|f| chrono::NaiveDateTime::parse_from_str(text, f).ok())
}

/// [`parse_bound_in`] in UTC, without dates: what the tests of relative bounds read.
#[cfg(test)]
pub(crate) fn parse_bound(text: &str, draft: &Draft) -> Result<Micros, Error> {
    parse_bound_in(text, draft, None, false)
}

/// An absolute time bound: RFC 3339, a date (`2023-09-10`) or a zone-less time
/// (`2023-09-10 08:00`) read in `zone` (UTC if none); a date alone is its first instant, or
/// with `end_of_day` its last. `None` when `text` is none of these.
pub fn parse_absolute(
    text: &str,
    zone: Option<chrono_tz::Tz>,
    end_of_day: bool,
) -> Option<Result<Micros, Error>> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
        return Some(Ok(t.timestamp_micros()));
    }
    let local = zone_less(text, end_of_day)?;
    use chrono::TimeZone;
    let tz = zone.unwrap_or(chrono_tz::UTC);
    Some(match tz.from_local_datetime(&local).earliest() {
        Some(t) => Ok(t.timestamp_micros() + i64::from(end_of_day && is_date(text)) * 999_999),
        None => Err(Error::invalid(
            "time bound",
            text,
            "that local time does not exist in the zone (clocks went forward)",
        )),
    })
}

/// A time bound: RFC 3339, or relative to the (first) incident (`start-30m`, `detected`,
/// `recovered+1h`), or a date (`2023-09-10`) or a zone-less time (`2023-09-10 08:00`), read in `zone` (UTC if none). A date alone is its first instant,
/// or with `end_of_day` (for `--until`) its last.
pub fn parse_bound_in(
    text: &str,
    draft: &Draft,
    zone: Option<chrono_tz::Tz>,
    end_of_day: bool,
) -> Result<Micros, Error> {
    let bad = |why: &str| Error::invalid("time bound", text, why);
    if let Some(absolute) = parse_absolute(text, zone, end_of_day) {
        return absolute;
    }
    let split = text.find(['+', '-']).unwrap_or(text.len());
    let (anchor, shift) = text.split_at(split);
    let incident = draft.incidents.first();
    let base = match anchor {
        "start" => incident.map(|i| i.start_micros),
        "detected" => {
            incident.map(|i| i.detected_micros)
        }
        "recovered" | "end" => incident.and_then(|i| i.recovered_micros),
        _ => {
            return Err(bad(
                "an RFC 3339 time (2023-09-10T08:00:00Z) or start/detected/recovered ± a duration (start-30m)",
            ));
        }
    }
    .ok_or_else(|| bad("no incident (or no recovery) in these logs to count from"))?;
    if shift.is_empty() {
        return Ok(base);
    }
    let secs = parse_duration(&shift[1..]).ok_or_else(|| bad("a duration such as 30m or 2h"))?;
    // `start-99999999999h` wrapped round to a time in the future, silently.
    let shifted = secs
        .checked_mul(MICROS_PER_SEC)
        .and_then(|d| match shift.as_bytes()[0] {
            b'-' => base.checked_sub(d),
            _ => base.checked_add(d),
        });
    shifted
        .filter(|t| crate::time::to_naive(*t).is_some())
        .ok_or_else(|| bad("a shift that stays within the years a date can hold"))
}

/// What `timeline` keeps.
#[derive(Debug, Default)]
pub struct Filter {
    /// Rows at or after this instant.
    pub since: Option<Micros>,
    /// Rows at or before this instant.
    pub until: Option<Micros>,
    /// Empty: every kind but `error` (one per bin per file would drown the rest).
    pub kinds: Vec<EventKind>,
    /// Rows from files matching this glob.
    pub source: Option<GlobMatcher>,
    /// Rows whose text matches this expression.
    pub grep: Option<Regex>,
}

impl Filter {
    /// Whether a row passes every filter given.
    pub fn keeps(&self, r: &EventRow) -> bool {
        let kind_ok = match self.kinds.is_empty() {
            true => r.kind != EventKind::Error,
            false => self.kinds.contains(&r.kind),
        };
        kind_ok
            && self.since.is_none_or(|s| r.micros >= s)
            && self.until.is_none_or(|u| r.micros <= u)
            && self.source.as_ref().is_none_or(|g| g.is_match(&r.file))
            && self.grep.as_ref().is_none_or(|g| g.is_match(&r.text))
    }
}

#[cfg(test)]
mod tests;
