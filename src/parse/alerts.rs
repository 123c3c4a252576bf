//! Alert histories as documents: an Alertmanager webhook body or log, a PagerDuty webhook or
//! export, an Opsgenie webhook. Each JSON document gives the alert notices it holds, each at
//! the time it tells of, read by the format that wrote it (`alertmanager`, `pager`).
//!
//! Why here: which field of which payload is a notice's time, status and receiver is format
//! knowledge, kept with the formats; the pipeline only walks the documents of a file.

use serde::{Deserialize, Serialize};

use super::alertmanager::{self, AlertStatus};
use super::pager;
use crate::time::Micros;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
/// An alert (or a page) as the alert logs tell it.
pub struct AlertEvent {
    /// The alert's name (`alertname`, or the page's title).
    pub name: String,
    /// Firing, resolved, acknowledged, escalated…
    pub status: AlertStatus,
    /// Who it went to (receiver, escalation policy).
    pub receiver: String,
    /// What identifies one alert across notices (its group key, incident id).
    pub identity: String,
    /// The service it concerns, where the payload names one.
    pub service: Option<String>,
    /// Its summary or description.
    pub summary: Option<String>,
    /// Its severity, as written.
    pub severity: Option<String>,
    /// When it started, by the alert's own account.
    pub starts_at: Micros,
    /// When it ended, where the alert says.
    pub ends_at: Option<Micros>,
    /// When the receiver logged the notice, if it did: the only clue to *when* a notice
    /// went to a new receiver (an escalation).
    pub received_at: Option<Micros>,
    /// The paging system, for pages (`None`: Alertmanager).
    pub pager: Option<super::pager::Pager>,
    /// Who acknowledged, escalated or resolved it.
    pub actor: Option<String>,
    /// To whom it was escalated or reassigned.
    pub target: Option<String>,
}

/// The notices of one alert document, each with the time it is placed at (a resolved alert at
/// its end); the reason the document is skipped when it holds none.
pub fn read_document(doc: &serde_json::Value) -> Result<Vec<(Micros, AlertEvent)>, &'static str> {
    if let Some(notices) = alertmanager::notices(doc) {
        return Ok(notices
            .into_iter()
            .map(|n| {
                let time = match n.status {
                    AlertStatus::Resolved => n.ends_at.or(n.received_at).unwrap_or(n.starts_at),
                    _ => n.starts_at,
                };
                let alert = AlertEvent {
                    name: n.name,
                    status: n.status,
                    receiver: n.receiver,
                    identity: n.identity,
                    service: n.service,
                    summary: n.summary,
                    severity: n.severity,
                    starts_at: n.starts_at,
                    ends_at: n.ends_at,
                    received_at: n.received_at,
                    pager: None,
                    actor: None,
                    target: None,
                };
                (time, alert)
            })
            .collect());
    }
    let Some((_, pages)) = pager::notices(doc) else {
        return Err("JSON, but not an alert webhook or export");
    };
    if pages.is_empty() {
        // A PagerDuty or Opsgenie document without a usable time (or status) tells nothing
        // that can be placed: counted as skipped, not as read.
        return Err("a pager notice without a usable time or status");
    }
    Ok(pages
        .into_iter()
        .map(|p| {
            let alert = AlertEvent {
                name: p.title,
                status: p.status,
                receiver: String::new(),
                identity: p.identity,
                service: p.service,
                summary: None,
                severity: None,
                starts_at: p.at,
                ends_at: None,
                received_at: Some(p.at),
                pager: Some(p.pager),
                actor: p.actor,
                target: p.target,
            };
            (p.at, alert)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resolved_alertmanager_notice_is_placed_at_its_end() {
        let doc: serde_json::Value = serde_json::from_str(
            r#"{"receiver":"sre-oncall","status":"resolved","groupKey":"{}:{alertname=\"HighAuthErrorRate\"}","alerts":[{"status":"resolved","labels":{"alertname":"HighAuthErrorRate","service":"authd","severity":"page"},"annotations":{"summary":"More than 5% of authentication requests fail"},"startsAt":"2023-09-10T08:15:30Z","endsAt":"2023-09-10T11:31:30Z","fingerprint":"4f2a9c1e7b3d8a60"}]}"#,
        )
        .expect("JSON");
        let notices = read_document(&doc).expect("an alert document");
        assert_eq!(notices.len(), 1);
        let (time, alert) = &notices[0];
        assert_eq!(*time, 1_694_345_490_000_000, "11:31:30, its end");
        assert_eq!(alert.starts_at, 1_694_333_730_000_000, "08:15:30");
        assert_eq!(alert.name, "HighAuthErrorRate");
        assert_eq!(alert.status, AlertStatus::Resolved);
        assert_eq!(alert.service.as_deref(), Some("authd"));
        assert_eq!(alert.pager, None);
    }

    #[test]
    fn json_that_is_no_alert_says_why_it_is_skipped() {
        let doc: serde_json::Value =
            serde_json::from_str(r#"{"level":"info","msg":"hi"}"#).expect("JSON");
        assert_eq!(
            read_document(&doc).unwrap_err(),
            "JSON, but not an alert webhook or export"
        );
    }
}
