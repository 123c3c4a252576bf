//! Alerts during the window, escalations and acknowledgements, and the time to acknowledge.

use super::*;

/// Alerts in the window (but the one that detected it), escalations and acknowledgements;
/// returns the time to the first acknowledgement.
pub(super) fn alerts_and_escalations(
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
            && let Some(n) = run.story.notice(e)
        {
            timeline.push(item(analysis, n.at, ItemKind::Escalation, n.text, e.source));
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
