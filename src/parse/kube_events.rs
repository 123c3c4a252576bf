//! Kubernetes events as `kubectl get events -o json` writes them: a `List` of events, one
//! event, or a `--watch` stream (bare events or `{"type":"ADDED","object":…}` with
//! `--output-watch-events`), in the core `v1` shape (`involvedObject`, `message`, `count`) or
//! the `events.k8s.io/v1` one (`regarding`, `note`, `series`). Each event becomes a message of
//! its reporting component: `Warning` events are failures (BackOff, Unhealthy,
//! FailedScheduling…), and the action catalogue reads the changes (ScalingReplicaSet, Killing,
//! OOMKilling, SuccessfulRescale) from the same words it reads in any log.
//!
//! Which instant an event stands for: a list holds each event once, with how often it repeated,
//! so the first occurrence places it (when the trouble began); a watch stream reports every
//! repetition as it happens, so each report is placed at its latest occurrence.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

use super::alertmanager::parse_time;
use super::entry::{Entry, Message, Verdict, Vocabulary, When, read_whole};
use super::json_stream::{Paths, Step};
use super::spec::{
    Around, Documents, Fold, Format, FormatSpec, Meaning, RECOGNISE_NOTHING, Recognise, Record,
    Records,
};
use crate::time::Micros;

/// What a document is, read in one pass without building its values: a list's items, or a
/// watch event's object, stay raw text until each is read.
#[derive(Deserialize)]
struct Shape<'a> {
    #[serde(default)]
    kind: Option<Value>,
    #[serde(borrow, default)]
    items: Option<Vec<&'a RawValue>>,
    #[serde(borrow, default)]
    object: Option<&'a RawValue>,
    #[serde(rename = "type", borrow, default)]
    change: Option<&'a RawValue>,
}

/// The records of one document, or `None` when it holds no Kubernetes event.
pub fn records(doc: &RawValue) -> Option<Vec<Record<'_>>> {
    let shape: Shape = serde_json::from_str(doc.get()).ok()?;
    let kind = shape.kind.as_ref().and_then(Value::as_str).unwrap_or("");
    if kind.ends_with("List") {
        let items = shape.items.unwrap_or_default();
        let records: Vec<Record> = items
            .iter()
            .filter_map(|item| {
                let event: Value = serde_json::from_str(item.get()).ok()?;
                let entry = read_event(&event, Placement::FirstSeen)?;
                Some(Record {
                    at: item.get(),
                    entry,
                })
            })
            .collect();
        // An empty list of events is still a list of events; a list of something else is not.
        let events_list = kind == "EventList" || records.len() == items.len();
        return events_list.then_some(records);
    }
    let event = match (shape.object, shape.change) {
        (Some(object), Some(_)) => object,
        _ => doc,
    };
    let event: Value = serde_json::from_str(event.get()).ok()?;
    let entry = read_event(&event, Placement::LastSeen)?;
    Some(vec![Record {
        at: doc.get(),
        entry,
    }])
}

/// A List's events are streamed one by one (a List of any size, one bad event costing only
/// itself); any other document (a watch stream's, a single event) is a record whole.
static PATHS: Paths = Paths {
    records: &[&[Step::Key("items"), Step::Each]],
    labels: None,
    documents: true,
};

/// One event of a List, or one document of a watch stream.
fn read_streamed(record: &[u8], around: Around<'_>, fold: Fold<'_>) -> Result<(), &'static str> {
    let value: Value =
        serde_json::from_slice(record).map_err(|_| "an event that is not valid JSON")?;
    let kind = value.get("kind").and_then(Value::as_str).unwrap_or("");
    if around.document && kind.ends_with("List") {
        // A List whose items held no event: an empty list of events.
        return Ok(());
    }
    let (event, placement) = match (around.document, value.get("object"), value.get("type")) {
        (false, _, _) => (&value, Placement::FirstSeen),
        (true, Some(object), Some(_)) => (object, Placement::LastSeen),
        (true, _, _) => (&value, Placement::LastSeen),
    };
    let entry = read_event(event, placement).ok_or("not a Kubernetes event")?;
    fold(entry, None);
    Ok(())
}

/// Whether a sample cut inside a large document looks like a list of events.
pub(crate) fn looks_like_events(sample: &[u8]) -> bool {
    let has = |key: &[u8]| memchr::memmem::find(sample, key).is_some();
    has(b"\"reason\"") && (has(b"\"involvedObject\"") || has(b"\"regarding\""))
}

/// Which occurrence of a repeated event places it (see the module's notes).
#[derive(Clone, Copy)]
enum Placement {
    FirstSeen,
    LastSeen,
}

fn text<'v>(v: &'v Value, path: &[&str]) -> Option<&'v str> {
    let mut v = v;
    for key in path {
        v = v.get(key)?;
    }
    v.as_str().filter(|s| !s.is_empty())
}

/// The first of the named times the event has.
fn first_time(event: &Value, paths: &[&[&str]]) -> Option<(Micros, String)> {
    paths.iter().find_map(|p| {
        let s = text(event, p)?;
        Some((parse_time(s)?, s.to_string()))
    })
}

/// One event, read; `None` when it is not an event (no reason, no object, no time).
fn read_event(event: &Value, placement: Placement) -> Option<Entry<'static>> {
    let object = event
        .get("involvedObject")
        .or_else(|| event.get("regarding"))?;
    let reason = text(event, &["reason"])?;
    let first: &[&[&str]] = &[
        &["firstTimestamp"],
        &["deprecatedFirstTimestamp"],
        &["eventTime"],
        &["lastTimestamp"],
        &["metadata", "creationTimestamp"],
    ];
    let last: &[&[&str]] = &[
        &["lastTimestamp"],
        &["deprecatedLastTimestamp"],
        &["series", "lastObservedTime"],
        &["eventTime"],
        &["firstTimestamp"],
        &["metadata", "creationTimestamp"],
    ];
    let (from, to) = (first_time(event, first), first_time(event, last));
    let (time, _) = match placement {
        Placement::FirstSeen => from.clone()?,
        Placement::LastSeen => to.clone()?,
    };
    let message = text(event, &["message"])
        .or_else(|| text(event, &["note"]))
        .unwrap_or("");
    let object_name = match (text(object, &["kind"]), text(object, &["name"])) {
        (Some(kind), Some(name)) => format!("{}/{name}", kind.to_ascii_lowercase()),
        (None, Some(name)) => name.to_string(),
        _ => String::new(),
    };
    let mut line = format!("{reason} {object_name}: {}", message.trim_end());
    let count = ["count", "deprecatedCount"]
        .iter()
        .find_map(|k| event.get(*k).and_then(Value::as_u64))
        .or_else(|| event.get("series")?.get("count")?.as_u64())
        .unwrap_or(1);
    if count > 1
        && let (Some((_, from)), Some((_, to))) = (&from, &to)
    {
        line.push_str(&format!(" ({count} times, {from} to {to})"));
    }
    let program = text(event, &["source", "component"])
        .or_else(|| text(event, &["reportingController"]))
        .or_else(|| text(event, &["reportingComponent"]));
    let host = text(event, &["source", "host"]).or_else(|| text(event, &["reportingInstance"]));
    let warning = text(event, &["type"]) == Some("Warning");
    Some(Entry::Message(Message {
        when: When::Utc(time),
        verdict: Verdict::Given(warning),
        program: program.map(|p| Cow::Owned(p.as_bytes().to_vec())),
        host: host.map(|h| Cow::Owned(h.as_bytes().to_vec())),
        text: Cow::Owned(line.into_bytes()),
        vocabulary: Vocabulary::Syslog,
        upstream: None,
        client: None,
        http: None,
    }))
}

/// The registry entry: read by document, never sniffed line by line.
pub(crate) const SPEC: FormatSpec = FormatSpec {
    format: Format::KubeEvents,
    name: "kubernetes events",
    meaning: Meaning::Messages,
    zone_less: false,
    every_line_has_offset: true,
    accepts: |_| false,
    read: read_whole,
    documents: Some(Documents {
        recognise: Recognise {
            first_document: Some(|doc| records(doc.raw).is_some()),
            cut_document: Some(looks_like_events),
            ..RECOGNISE_NOTHING
        },
        records: Records::Streamed {
            paths: &PATHS,
            read: read_streamed,
        },
    }),
};

#[cfg(test)]
pub(crate) mod tests;
