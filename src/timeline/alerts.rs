//! Alert notices reduced to what happened: the first firing of each alert, acknowledgements,
//! escalations (a paging system's, or an Alertmanager alert reaching a receiver it had not been
//! sent to before), and resolutions.

use std::collections::{HashMap, HashSet};

use crate::aggregate::{AlertEvent, Event, EventBody};
use crate::parse::alertmanager::AlertStatus;
use crate::time::Micros;

/// Alert notices, sorted into what they say.
pub struct AlertStory<'a> {
    /// Alerts firing.
    pub fired: Vec<&'a Event>,
    /// Alerts resolved.
    pub resolved: Vec<&'a Event>,
    /// Acknowledgements.
    pub acknowledged: Vec<&'a Event>,
    /// Escalations and reassignments, with when they happened.
    pub escalated: Vec<(&'a Event, Micros)>,
}

/// The alert an event is, if it is one.
pub(crate) fn alert_of(e: &Event) -> Option<&AlertEvent> {
    match &e.body {
        EventBody::Alert(a) => Some(a),
        EventBody::Action(_) => None,
    }
}

/// Sorts alert events into fired, resolved, acknowledged and escalated.
pub(crate) fn alert_story<'a>(events: &[&'a Event]) -> AlertStory<'a> {
    let mut story = AlertStory {
        fired: Vec::new(),
        resolved: Vec::new(),
        acknowledged: Vec::new(),
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
        // Pages are identified by incident; Alertmanager alerts by fingerprint and start.
        let key = match a.pager {
            Some(_) => (a.identity.as_str(), 0),
            None => (a.identity.as_str(), a.starts_at),
        };
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
            AlertStatus::Acknowledged => story.acknowledged.push(e),
            AlertStatus::Escalated | AlertStatus::Reassigned => story.escalated.push((e, e.time)),
        }
        if a.pager.is_none() {
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
    }
    story.fired.sort_by_key(|e| (e.time, e.source));
    story.resolved.sort_by_key(|e| (e.time, e.source));
    story.acknowledged.sort_by_key(|e| (e.time, e.source));
    story.escalated.sort_by_key(|(e, at)| (*at, e.source));
    story
}

/// How one alert notice is shown, in the draft and in `timeline` alike.
pub struct Notice {
    /// When: an Alertmanager notice reaching a new receiver counts when it arrived.
    pub at: Micros,
    /// An acknowledgement, escalation or hand-over (else an alert firing or resolving).
    pub escalation: bool,
    /// In words.
    pub text: String,
}

impl AlertStory<'_> {
    /// The one way `e` (an alert notice) is shown: a re-sent Alertmanager notice that reached a
    /// new receiver is an escalation when it arrived, not a second firing.
    pub fn notice(&self, e: &Event) -> Option<Notice> {
        let a = alert_of(e)?;
        if let Some((_, at)) = self.escalated.iter().find(|(x, _)| std::ptr::eq(*x, e)) {
            let text = match a.pager {
                Some(_) => describe_alert(a),
                None => format!("alert {} escalated: sent to {}", a.name, a.receiver),
            };
            return Some(Notice {
                at: *at,
                escalation: true,
                text,
            });
        }
        let escalation = matches!(
            a.status,
            AlertStatus::Acknowledged | AlertStatus::Escalated | AlertStatus::Reassigned
        );
        Some(Notice {
            at: e.time,
            escalation,
            text: describe_alert(a),
        })
    }
}

/// Where an alert came from, for the draft: `Alertmanager, receiver x` or `PagerDuty`.
pub fn origin(a: &AlertEvent) -> String {
    match a.pager {
        Some(p) => p.name().to_string(),
        None if a.receiver.is_empty() => "Alertmanager".to_string(),
        None => format!("Alertmanager, receiver {}", a.receiver),
    }
}

/// An alert notice in words: `alert AuthDown firing → oncall`.
pub(crate) fn describe_alert(a: &AlertEvent) -> String {
    let verb = match a.status {
        AlertStatus::Firing => "firing",
        AlertStatus::Resolved => "resolved",
        AlertStatus::Acknowledged => "acknowledged",
        AlertStatus::Escalated => "escalated",
        AlertStatus::Reassigned => "reassigned",
    };
    let mut text = format!("alert {} {verb}", a.name);
    if let Some(actor) = &a.actor {
        text.push_str(&format!(" by {actor}"));
    }
    if let Some(target) = &a.target {
        text.push_str(&format!(" to {target}"));
    }
    if let Some(service) = &a.service {
        text.push_str(&format!(" ({service})"));
    }
    if let Some(summary) = &a.summary {
        text.push_str(&format!(": {summary}"));
    }
    match a.pager {
        Some(p) => text.push_str(&format!(" [{}]", p.name())),
        None if !a.receiver.is_empty() => text.push_str(&format!(" → {}", a.receiver)),
        None => {}
    }
    text
}
