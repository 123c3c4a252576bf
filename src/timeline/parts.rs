//! What the timeline's builders share: the windows they look over around an incident, and how
//! a kept log line becomes a timeline item citing its `file:line`. Below the builders, so that
//! each imports it and none imports the folder's `mod.rs`.

use super::model::{ItemKind, Source, TimelineItem};
use crate::aggregate::LineRef;
use crate::pipeline::Analysis;
use crate::time::stamp::Stamp;
use crate::time::{MICROS_PER_MIN, Micros};

/// An alert that fired this long before the computed start still counts as detecting it.
pub(crate) const DETECTION_LOOKBACK: Micros = 15 * MICROS_PER_MIN;
/// How far before the start a change is a trigger candidate.
pub(crate) const TRIGGER_LOOKBACK: Micros = 30 * MICROS_PER_MIN;
/// Actions this soon after the recovery still belong to the incident.
pub(crate) const RECOVERY_GRACE: Micros = 5 * MICROS_PER_MIN;

/// The citation of a kept line: its file as shown, its line, and the lines around it.
pub(crate) fn source(analysis: &Analysis, r: LineRef) -> Source {
    let file = analysis.files.get(r.file);
    Source {
        file: file.map_or_else(String::new, |f| f.display.clone()),
        line: r.line,
        context: file.and_then(|f| f.summary.contexts.get(&r.line).cloned()),
    }
}

/// A timeline item at `time`, citing the line `from`.
pub(crate) fn item(
    analysis: &Analysis,
    time: Micros,
    kind: ItemKind,
    text: String,
    from: LineRef,
) -> TimelineItem {
    TimelineItem {
        time: Stamp::utc(time),
        kind,
        text,
        source: source(analysis, from),
        action: None,
        actor: None,
        effect: None,
        confirmed_by: Vec::new(),
        repeats: None,
        micros: time,
    }
}
