//! What the incident cost: requests (or records, alerts) failed, clients affected, the peak.

use super::*;

pub(super) fn impact(
    analysis: &Analysis,
    case: &Case,
    baseline: f64,
    last_bin: i64,
) -> (Impact, f64) {
    let found = &case.found;
    let (requests, errors, client_errors) = case
        .bins
        .iter()
        .filter(|b| b.index >= found.start_bin && b.index <= last_bin)
        .fold((0, 0, 0), |(n, e, c), b| {
            let four = case
                .series
                .bins
                .get(&b.index)
                .map_or(0, |c| c.client_errors);
            (n + b.total, e + b.errors, c + four)
        });
    // Error logs count errors over virtual trials: the real number of lines is what to show.
    let (requests, errors) = if case.counts {
        case.series
            .bins
            .range(found.start_bin..=last_bin)
            .fold((0, 0), |(n, e), (_, c)| (n + c.total, e + c.errors))
    } else {
        (requests, errors)
    };
    // Failures beyond the usual are those of the hosts that showed the incident.
    let excess = (errors as f64 - baseline * requests as f64).max(0.0);
    // The share is of the whole service: one host of six failing half its requests is about
    // a twelfth of the service's requests, not a half.
    let (requests, errors, client_errors) = match case.unit {
        SourceKind::Requests if !case.counts && !found.kind.traits().counts_missing => case
            .service
            .bins
            .range(found.start_bin..=last_bin)
            .fold((0, 0, 0), |(n, e, c), (_, b)| {
                (n + b.total, e + b.errors, c + b.client_errors)
            }),
        _ => (requests, errors, client_errors),
    };
    // A burst of failed logins is counted in failed logins, not in error lines.
    let errors = if found.kind.traits().counts_logins {
        found.errors
    } else {
        errors
    };
    let files = &analysis.files;
    let (clients_total, clients_affected) = match case.client_files.as_slice() {
        [] => (0, 0),
        [one] => files[*one]
            .summary
            .clients
            .active_and_affected(found.start_bin, last_bin),
        many => {
            let mut merged = Clients::default();
            for &f in many {
                merged.merge(files[f].summary.clients.clone());
            }
            merged.active_and_affected(found.start_bin, last_bin)
        }
    };
    let ratio = |a: u64, b: u64| if b > 0 { a as f64 / b as f64 } else { 0.0 };
    let peak = case
        .series
        .bins
        .range(found.start_bin..=last_bin)
        .filter(|(_, c)| c.total > 0)
        .map(|(_, c)| c.errors as f64 / c.total as f64)
        .fold(0.0, f64::max);
    let missing = found.kind.traits().counts_missing.then_some(found.errors);
    (
        Impact {
            requests_total: requests,
            requests_failed: errors,
            failed_ratio: ratio(errors, requests),
            requests_failed_excess: excess.round() as u64,
            requests_client_errors: client_errors,
            requests_slow: found.kind.traits().counts_slow.then_some(found.errors),
            clients_total,
            clients_affected,
            clients_affected_ratio: ratio(clients_affected, clients_total),
            client_basis: case.client_basis.clone(),
            unit: case.unit,
            requests_missing: missing,
            request_sources: case.service_sources,
        },
        peak,
    )
}

pub(super) fn client_basis(unit: SourceKind, named: bool) -> String {
    match (unit, named) {
        (SourceKind::Requests, true) => {
            "users where the access log names them ($remote_user), else client addresses".into()
        }
        (SourceKind::Requests, false) => {
            "client addresses, a proxy for users (no $remote_user in the logs)".into()
        }
        _ => "no access logs for this incident: clients unknown".into(),
    }
}
