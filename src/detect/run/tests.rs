use std::collections::BTreeMap;

use super::*;
use crate::aggregate::Series;

fn finding(source: usize, start: i64, end: Option<i64>, errors: u64, kind: Kind) -> Finding {
    Finding {
        source,
        incident: detect::SignalIncident {
            kind,
            start_range: (start, start),
            end_range: end.map(|e| (e, e)),
            start_bin: start,
            end_bin: end,
            alarm_bin: start,
            baseline_ratio: 0.0,
            ratio: 0.5,
            peak_ratio: 0.5,
            requests: errors * 2,
            errors,
        },
    }
}

fn source(name: &str, kind: SourceKind) -> SourceSignal {
    SourceSignal {
        name: name.into(),
        kind,
        files: Vec::new(),
        series: Series::default(),
        named_users: false,
        auth_failures: BTreeMap::new(),
        auth_lines: BTreeMap::new(),
        segments: vec![(0, 1000)],
        own_segments: vec![(0, 1000)],
        folder: String::new(),
        errors_only: false,
    }
}

#[test]
fn overlapping_findings_of_two_sources_are_one_incident_spoken_for_by_requests() {
    let sources = vec![
        source("syslog", SourceKind::Records),
        source("nginx/access.log", SourceKind::Requests),
    ];
    let united = unite(
        vec![
            finding(0, 100, Some(140), 500, Kind::Errors),
            finding(1, 105, Some(150), 50, Kind::Errors),
        ],
        &sources,
    );
    assert_eq!(united.len(), 1);
    assert_eq!((united[0].start_bin, united[0].end_bin), (100, Some(150)));
    assert_eq!(united[0].primary().source, 1);
}

#[test]
fn far_apart_findings_stay_apart() {
    let sources = vec![source("a", SourceKind::Requests)];
    let united = unite(
        vec![
            finding(0, 100, Some(140), 50, Kind::Errors),
            finding(0, 400, Some(420), 50, Kind::Errors),
        ],
        &sources,
    );
    assert_eq!(united.len(), 2);
}

#[test]
fn a_brute_force_during_an_outage_is_not_an_incident_of_its_own() {
    let sources = vec![
        source("auth.log", SourceKind::Records),
        source("nginx/access.log", SourceKind::Requests),
    ];
    let united = unite(
        vec![
            finding(1, 100, Some(200), 50, Kind::Errors),
            finding(0, 120, Some(130), 300, Kind::Security),
            finding(0, 600, Some(610), 300, Kind::Security),
        ],
        &sources,
    );
    assert_eq!(united.len(), 2);
    assert_eq!(united[0].primary().incident.kind, Kind::Errors);
    assert_eq!(united[1].primary().incident.kind, Kind::Security);
}

#[test]
fn an_open_finding_leaves_the_union_open() {
    let sources = vec![
        source("a", SourceKind::Requests),
        source("b", SourceKind::Records),
    ];
    let united = unite(
        vec![
            finding(0, 100, Some(140), 50, Kind::Errors),
            finding(1, 120, None, 50, Kind::Errors),
        ],
        &sources,
    );
    assert_eq!(united.len(), 1);
    assert_eq!(united[0].end_bin, None);
}
