//! Alert notices reduced to what happened: the first firing of each alert, its resolution, and
//! notices that reached a receiver the alert had not been sent to before (escalations).

use std::collections::{HashMap, HashSet};

use crate::aggregate::{AlertEvent, Event, EventBody};
use crate::parse::alertmanager::AlertStatus;
use crate::time::Micros;

/// Alert notices reduced to what happened: first firing per alert, first resolution, and
/// notices that reached a receiver the alert had not been sent to before.
pub struct AlertStory<'a> {
    pub fired: Vec<&'a Event>,
    pub resolved: Vec<&'a Event>,
    pub escalated: Vec<(&'a Event, Micros)>,
}

pub fn alert_of(e: &Event) -> Option<&AlertEvent> {
    match &e.body {
        EventBody::Alert(a) => Some(a),
        EventBody::Action(_) => None,
    }
}

pub fn alert_story<'a>(events: &[&'a Event]) -> AlertStory<'a> {
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

pub fn describe_alert(a: &AlertEvent) -> String {
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
