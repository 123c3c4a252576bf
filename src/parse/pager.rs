//! Paging systems' webhooks and exports: who was paged, who acknowledged, who it was escalated
//! to, when it was resolved.
//!
//! - PagerDuty V3 webhooks: `{"event": {"event_type": "incident.acknowledged", "occurred_at", "agent", "data"}}`.
//! - PagerDuty V2 webhooks: `{"messages": [{"event": "incident.trigger", "created_on", "incident", "log_entries"}]}`.
//! - PagerDuty REST log entries: `{"log_entries": [{"type": "acknowledge_log_entry", "created_at", "agent", "incident"}]}`.
//! - Opsgenie webhooks: `{"action": "Create", "alert": {"createdAt" (ms), "updatedAt" (ns), "message", "username"}}`.

use serde_json::Value;

use super::entry::read_whole;
use super::spec::Format;
use super::spec::{Documents, FormatSpec, Meaning, RECOGNISE_NOTHING, Recognise, Records};

use super::alertmanager::{AlertStatus, parse_time};
use crate::time::Micros;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
/// A paging service.
pub enum Pager {
    /// PagerDuty.
    PagerDuty,
    /// Opsgenie.
    Opsgenie,
}

impl Pager {
    /// Its name, for people.
    pub fn name(self) -> &'static str {
        match self {
            Pager::PagerDuty => "PagerDuty",
            Pager::Opsgenie => "Opsgenie",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
/// One notice of a paging service.
pub struct PageNotice {
    /// Which service.
    pub pager: Pager,
    /// What it says of the alert.
    pub status: AlertStatus,
    /// When.
    pub at: Micros,
    /// The incident's or alert's title.
    pub title: String,
    /// What identifies the incident across notices.
    pub identity: String,
    /// Who acted, where said.
    pub actor: Option<String>,
    /// The service concerned, where named.
    pub service: Option<String>,
    /// For escalations and reassignments: to whom.
    pub target: Option<String>,
}

fn text(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn summary(v: Option<&Value>) -> Option<String> {
    text(
        v.and_then(|o| o.get("summary"))
            .or_else(|| v.and_then(|o| o.get("name"))),
    )
}

/// PagerDuty event words to a status; `None` for events that tell nothing about the page's
/// course (annotations, priority changes).
fn pagerduty_status(event: &str) -> Option<AlertStatus> {
    let word = event
        .trim_start_matches("incident.")
        .trim_end_matches("_log_entry");
    Some(match word {
        "triggered" | "trigger" => AlertStatus::Firing,
        "acknowledged" | "acknowledge" => AlertStatus::Acknowledged,
        "escalated" | "escalate" | "responder.added" | "responder_added" => AlertStatus::Escalated,
        "reassigned" | "assign" | "delegated" | "delegate" => AlertStatus::Reassigned,
        "resolved" | "resolve" => AlertStatus::Resolved,
        _ => return None,
    })
}

fn names(list: Option<&Value>, inner: &str) -> Option<String> {
    let names: Vec<String> = list?
        .as_array()?
        .iter()
        .filter_map(|a| summary(a.get(inner)).or_else(|| summary(Some(a))))
        .collect();
    (!names.is_empty()).then(|| names.join(", "))
}

fn pagerduty_v3(event: &Value) -> Option<PageNotice> {
    let status = pagerduty_status(event.get("event_type")?.as_str()?)?;
    let data = event.get("data");
    let at = parse_time(event.get("occurred_at")?.as_str()?)?;
    let target = match status {
        AlertStatus::Escalated | AlertStatus::Reassigned => {
            names(data.and_then(|d| d.get("assignees")), "assignee")
                .or_else(|| summary(data.and_then(|d| d.get("escalation_policy"))))
                .or_else(|| summary(data.and_then(|d| d.get("user"))))
        }
        _ => None,
    };
    Some(PageNotice {
        pager: Pager::PagerDuty,
        status,
        at,
        title: text(data.and_then(|d| d.get("title")))
            .unwrap_or_else(|| "PagerDuty incident".into()),
        identity: text(data.and_then(|d| d.get("id"))).unwrap_or_default(),
        actor: summary(event.get("agent")),
        service: summary(data.and_then(|d| d.get("service"))),
        target,
    })
}

fn pagerduty_v2(message: &Value) -> Option<PageNotice> {
    let status = pagerduty_status(message.get("event")?.as_str()?)?;
    let incident = message.get("incident");
    let at = parse_time(message.get("created_on")?.as_str()?)?;
    let entry = message.get("log_entries").and_then(|l| l.get(0));
    Some(PageNotice {
        pager: Pager::PagerDuty,
        status,
        at,
        title: text(incident.and_then(|i| i.get("title")))
            .or_else(|| summary(incident))
            .unwrap_or_else(|| "PagerDuty incident".into()),
        identity: text(incident.and_then(|i| i.get("id"))).unwrap_or_default(),
        actor: summary(entry.and_then(|e| e.get("agent"))),
        service: summary(incident.and_then(|i| i.get("service"))),
        target: match status {
            AlertStatus::Escalated | AlertStatus::Reassigned => {
                names(incident.and_then(|i| i.get("assignments")), "assignee")
            }
            _ => None,
        },
    })
}

fn pagerduty_log_entry(entry: &Value) -> Option<PageNotice> {
    let status = pagerduty_status(entry.get("type")?.as_str()?)?;
    let at = parse_time(entry.get("created_at")?.as_str()?)?;
    let incident = entry.get("incident");
    Some(PageNotice {
        pager: Pager::PagerDuty,
        status,
        at,
        title: summary(incident).unwrap_or_else(|| "PagerDuty incident".into()),
        identity: text(incident.and_then(|i| i.get("id"))).unwrap_or_default(),
        actor: summary(entry.get("agent")),
        service: summary(entry.get("service")),
        target: match status {
            AlertStatus::Escalated | AlertStatus::Reassigned => {
                names(entry.get("assignees"), "assignee")
            }
            _ => None,
        },
    })
}

/// Epoch milliseconds, or nanoseconds (Opsgenie's `updatedAt`), as microseconds.
fn epoch(v: Option<&Value>) -> Option<Micros> {
    let n = v?.as_i64()?;
    Some(if n > 100_000_000_000_000_000 {
        n / 1_000
    } else {
        n * 1_000
    })
}

fn opsgenie(doc: &Value) -> Option<PageNotice> {
    let action = doc.get("action")?.as_str()?;
    let alert = doc.get("alert")?;
    let status = match action {
        "Create" => AlertStatus::Firing,
        "Acknowledge" => AlertStatus::Acknowledged,
        "Escalate" | "EscalateNext" | "AddResponder" | "AddTeam" => AlertStatus::Escalated,
        "AssignOwnership" | "TakeOwnership" => AlertStatus::Reassigned,
        "Close" => AlertStatus::Resolved,
        _ => return None,
    };
    let at = match status {
        AlertStatus::Firing => epoch(alert.get("createdAt")),
        _ => epoch(alert.get("updatedAt")).or_else(|| epoch(alert.get("createdAt"))),
    }?;
    let target = match status {
        AlertStatus::Escalated => summary(doc.get("escalation"))
            .or_else(|| text(alert.get("responder")))
            .or_else(|| text(alert.get("team"))),
        AlertStatus::Reassigned => text(alert.get("owner")),
        _ => None,
    };
    Some(PageNotice {
        pager: Pager::Opsgenie,
        status,
        at,
        title: text(alert.get("message")).unwrap_or_else(|| "Opsgenie alert".into()),
        identity: text(alert.get("alertId"))
            .or_else(|| text(alert.get("alias")))
            .unwrap_or_default(),
        actor: text(alert.get("username")),
        service: text(alert.get("entity")).or_else(|| summary(doc.get("source"))),
        target,
    })
}

/// The pages a document reports; `None` when it is not a paging webhook or export.
pub fn notices(doc: &Value) -> Option<(Pager, Vec<PageNotice>)> {
    if let Some(event) = doc.get("event").filter(|e| e.get("event_type").is_some()) {
        return Some((Pager::PagerDuty, pagerduty_v3(event).into_iter().collect()));
    }
    if let Some(messages) = doc.get("messages").and_then(Value::as_array) {
        return Some((
            Pager::PagerDuty,
            messages.iter().filter_map(pagerduty_v2).collect(),
        ));
    }
    if let Some(entries) = doc.get("log_entries").and_then(Value::as_array) {
        return Some((
            Pager::PagerDuty,
            entries.iter().filter_map(pagerduty_log_entry).collect(),
        ));
    }
    if doc.get("action").is_some() && doc.get("alert").is_some() {
        return Some((Pager::Opsgenie, opsgenie(doc).into_iter().collect()));
    }
    None
}

/// PagerDuty webhooks (V2, V3) or REST log entries.
pub(crate) const PAGERDUTY: FormatSpec = FormatSpec {
    format: Format::PagerDuty,
    name: "pagerduty",
    meaning: Meaning::Alerts,
    zone_less: false,
    every_line_has_offset: false,
    accepts: |_| false,
    read: read_whole,
    documents: Some(Documents {
        recognise: Recognise {
            first_document: Some(|doc| is_from(doc, Pager::PagerDuty)),
            cut_document: Some(looks_like_pagerduty),
            ..RECOGNISE_NOTHING
        },
        records: Records::Alerts,
    }),
};

/// Whether a whole document is a notice from `pager`.
fn is_from(doc: &super::spec::FirstDocument<'_>, pager: Pager) -> bool {
    (doc.value().and_then(notices)).is_some_and(|(found, _)| found == pager)
}

/// Whether a sample cut inside a large document looks like a PagerDuty webhook or export.
pub(crate) fn looks_like_pagerduty(sample: &[u8]) -> bool {
    let has = |key: &[u8]| memchr::memmem::find(sample, key).is_some();
    has(b"\"event_type\"") || has(b"\"log_entries\"")
}

/// Opsgenie webhooks.
pub(crate) const OPSGENIE: FormatSpec = FormatSpec {
    format: Format::Opsgenie,
    name: "opsgenie",
    meaning: Meaning::Alerts,
    zone_less: false,
    every_line_has_offset: false,
    accepts: |_| false,
    read: read_whole,
    documents: Some(Documents {
        recognise: Recognise {
            first_document: Some(|doc| is_from(doc, Pager::Opsgenie)),
            cut_document: None,
            ..RECOGNISE_NOTHING
        },
        records: Records::Alerts,
    }),
};

#[cfg(test)]
mod tests;
