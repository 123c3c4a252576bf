use super::*;
use crate::parse::entry::Verdict;

/// `kubectl get events -n shop -o json` as kubectl prints it: keys sorted, four-space indent,
/// the `List` wrapper's `kind` after its items.
pub(crate) const LIST: &str = r#"{
    "apiVersion": "v1",
    "items": [
        {
            "apiVersion": "v1",
            "count": 1,
            "eventTime": null,
            "firstTimestamp": "2024-05-17T15:04:22Z",
            "involvedObject": {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "name": "web",
                "namespace": "shop",
                "resourceVersion": "81234",
                "uid": "5c1d3c8e-8f0e-4a51-9d7a-0b8c3c1f2e11"
            },
            "kind": "Event",
            "lastTimestamp": "2024-05-17T15:04:22Z",
            "message": "Scaled up replica set web-7d4b9c8f6 to 3",
            "metadata": {
                "creationTimestamp": "2024-05-17T15:04:22Z",
                "name": "web.17d0c2f1a9b3e4c5",
                "namespace": "shop",
                "resourceVersion": "81240",
                "uid": "0e6f1f0a-3b7c-4d55-a1c2-8d2f0c9b7a61"
            },
            "reason": "ScalingReplicaSet",
            "reportingComponent": "deployment-controller",
            "reportingInstance": "",
            "source": {
                "component": "deployment-controller"
            },
            "type": "Normal"
        },
        {
            "apiVersion": "v1",
            "count": 25,
            "eventTime": null,
            "firstTimestamp": "2024-05-17T15:05:10Z",
            "involvedObject": {
                "apiVersion": "v1",
                "fieldPath": "spec.containers{web}",
                "kind": "Pod",
                "name": "web-7d4b9c8f6-x2x9k",
                "namespace": "shop",
                "resourceVersion": "81301",
                "uid": "9a3c7b52-1d4e-4f60-8e2b-6c5d4a3b2f10"
            },
            "kind": "Event",
            "lastTimestamp": "2024-05-17T15:09:40Z",
            "message": "Back-off restarting failed container web in pod web-7d4b9c8f6-x2x9k_shop(9a3c7b52-1d4e-4f60-8e2b-6c5d4a3b2f10)",
            "metadata": {
                "creationTimestamp": "2024-05-17T15:05:10Z",
                "name": "web-7d4b9c8f6-x2x9k.17d0c2f8c1a2b3d4",
                "namespace": "shop",
                "resourceVersion": "81377",
                "uid": "2f1e0d9c-8b7a-4c65-9d43-1e2f3a4b5c6d"
            },
            "reason": "BackOff",
            "reportingComponent": "kubelet",
            "reportingInstance": "node-2",
            "source": {
                "component": "kubelet",
                "host": "node-2"
            },
            "type": "Warning"
        }
    ],
    "kind": "List",
    "metadata": {
        "resourceVersion": ""
    }
}
"#;

fn raw(text: &str) -> &RawValue {
    serde_json::from_str(text).expect("JSON")
}

fn message(entry: &Entry<'_>) -> (Micros, bool, String, String, Option<String>) {
    let Entry::Message(m) = entry else {
        panic!("a message: {entry:?}")
    };
    let When::Utc(t) = m.when else {
        panic!("a UTC time")
    };
    let Verdict::Given(error) = m.verdict else {
        panic!("a stated verdict")
    };
    let text = |b: &[u8]| String::from_utf8_lossy(b).to_string();
    (
        t,
        error,
        m.program.as_deref().map(text).unwrap_or_default(),
        text(&m.text),
        m.host.as_deref().map(text),
    )
}

fn at(text: &str) -> Micros {
    parse_time(text).expect("a time")
}

#[test]
fn a_list_gives_each_event_at_its_first_occurrence_with_how_often_it_repeated() {
    let doc = raw(LIST);
    let records = records(doc).expect("events");
    assert_eq!(records.len(), 2);
    let scaled = message(&records[0].entry);
    assert_eq!(scaled.0, at("2024-05-17T15:04:22Z"));
    assert!(!scaled.1, "a Normal event is not a failure");
    assert_eq!(scaled.2, "deployment-controller");
    assert_eq!(
        scaled.3,
        "ScalingReplicaSet deployment/web: Scaled up replica set web-7d4b9c8f6 to 3"
    );
    let backoff = message(&records[1].entry);
    assert_eq!(backoff.0, at("2024-05-17T15:05:10Z"));
    assert!(backoff.1, "a Warning event is a failure");
    assert_eq!(backoff.2, "kubelet");
    assert_eq!(backoff.4.as_deref(), Some("node-2"));
    assert!(backoff.3.starts_with(
        "BackOff pod/web-7d4b9c8f6-x2x9k: Back-off restarting failed container web in pod"
    ));
    assert!(
        backoff
            .3
            .ends_with("(25 times, 2024-05-17T15:05:10Z to 2024-05-17T15:09:40Z)"),
        "{}",
        backoff.3
    );
    // Each record is the item's own text, so the pipeline can cite its line.
    assert!(records[1].at.starts_with('{') && records[1].at.contains("BackOff"));
    let offset = records[1].at.as_ptr() as usize - LIST.as_ptr() as usize;
    let line = LIST[..offset].matches('\n').count() + 1;
    assert_eq!(line, 35);
}

#[test]
fn a_watch_event_is_placed_at_its_latest_occurrence() {
    // `kubectl get events -w -o json --output-watch-events`, one compact line per change, in
    // the events.k8s.io/v1 shape that `kubectl events` prints.
    let line = r#"{"type":"MODIFIED","object":{"apiVersion":"events.k8s.io/v1","deprecatedCount":3,"deprecatedFirstTimestamp":"2024-05-17T15:06:00Z","deprecatedLastTimestamp":"2024-05-17T15:07:30Z","eventTime":null,"kind":"Event","metadata":{"name":"web-1.17d0","namespace":"shop"},"note":"Readiness probe failed: HTTP probe failed with statuscode: 503","reason":"Unhealthy","regarding":{"kind":"Pod","name":"web-1","namespace":"shop"},"reportingController":"kubelet","reportingInstance":"node-1","type":"Warning"}}"#;
    let records = records(raw(line)).expect("an event");
    assert_eq!(records.len(), 1);
    let (t, error, program, text, host) = message(&records[0].entry);
    assert_eq!(t, at("2024-05-17T15:07:30Z"));
    assert!(error);
    assert_eq!(program, "kubelet");
    assert_eq!(host.as_deref(), Some("node-1"));
    assert_eq!(
        text,
        "Unhealthy pod/web-1: Readiness probe failed: HTTP probe failed with statuscode: 503 (3 times, 2024-05-17T15:06:00Z to 2024-05-17T15:07:30Z)"
    );
}

#[test]
fn documents_that_are_not_events_are_not_read_as_events() {
    assert!(
        records(raw(
            r#"{"level":"error","msg":"x","time":"2024-05-17T15:04:22Z"}"#
        ))
        .is_none()
    );
    assert!(records(raw(r#"{"kind":"PodList","items":[{"kind":"Pod"}]}"#)).is_none());
    // An empty list of events is a list of events.
    let empty = records(raw(r#"{"kind":"EventList","items":[]}"#)).expect("a list");
    assert!(empty.is_empty());
}
