//! A small hand-built draft for renderer unit tests: a series of (total, errors) per minute and
//! at most one incident over a range of its bins.

use crate::detect::Kind;
use crate::time::MICROS_PER_MIN;
use crate::time::stamp::Stamp;
use crate::timeline::*;

pub(crate) const T0: i64 = 1_694_332_800_000_000; // 2023-09-10T08:00:00Z

pub(crate) fn draft_with_series(points: &[(u64, u64)], incident: Option<(usize, usize)>) -> Draft {
    let at = |n: usize| T0 + n as i64 * MICROS_PER_MIN;
    let series = points
        .iter()
        .enumerate()
        .map(|(n, &(total, errors))| SeriesPoint {
            time: Stamp::utc(at(n)),
            total,
            errors,
            p95_ms: None,
            micros: at(n),
        })
        .collect();
    let incidents = incident
        .map(|(from, to)| Incident {
            kind: Kind::Errors,
            start: Stamp::utc(at(from)),
            start_interval: [Stamp::utc(at(from)), Stamp::utc(at(from))],
            recovered_interval: None,
            detected: Stamp::utc(at(from)),
            detection_method: DetectionMethod::DerivedFromLogs,
            detection_detail: String::new(),
            recovered: Some(Stamp::utc(at(to))),
            duration_seconds: Some((to - from) as i64 * 60),
            time_to_detect_seconds: Some(0),
            time_to_acknowledge_seconds: None,
            time_to_resolve_seconds: None,
            baseline_ratio: 0.0,
            error_ratio: 0.5,
            peak_error_ratio: 1.0,
            impact: Impact {
                requests_total: 0,
                requests_failed: 0,
                failed_ratio: 0.0,
                requests_failed_excess: 0,
                requests_client_errors: 0,
                requests_slow: None,
                clients_total: 0,
                clients_affected: 0,
                clients_affected_ratio: 0.0,
                client_basis: String::new(),
                unit: crate::detect::sources::SourceKind::Requests,
                requests_missing: None,
                request_sources: 1,
            },
            latency: None,
            top_paths: Vec::new(),
            top_upstreams: Vec::new(),
            top_login_sources: Vec::new(),
            top_sources: Vec::new(),
            client_side: None,
            signatures: Vec::new(),
            timeline: Vec::new(),
            trigger_candidate: None,
            misleading_candidates: Vec::new(),
            failed_logins: None,
            resolution_candidate: None,
            first_errors: Vec::new(),
            sources: Vec::new(),
            coverage_partial: false,
            ongoing_at_end_of: None,
            shape: None,
            start_micros: at(from),
            detected_micros: at(from),
            recovered_micros: Some(at(to)),
        })
        .into_iter()
        .collect();
    Draft {
        tool: Tool {
            name: "postmortem",
            version: "test",
        },
        zone_assumed: "UTC".into(),
        guesses: Vec::new(),
        scope: None,
        bin_seconds: 60,
        signal: "test".into(),
        baseline_ratio: 0.0,
        series_unit: "requests".into(),
        slo_percent: 99.9,
        alert_threshold_ratio: Some(0.0144),
        span: None,
        incidents,
        inputs: Vec::new(),
        skipped_files: Vec::new(),
        errors: Vec::new(),
        client_side: None,
        series,
        display_zone: None,
    }
}
