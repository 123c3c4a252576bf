//! What the draft says of each kind of incident, and what its chart measures: one `match`
//! per phrase, all here, so a new [`Kind`] is written in this folder and the compiler lists
//! every phrase it needs. The timeline and the renderers ask a kind for its words and never
//! match on it.
//!
//! Why in detect/: a kind's words say what its detector saw (a ratio against a baseline, a
//! rate far above the usual, traffic below what the hours around predict); they change with
//! the detector, not with the layout of the draft.

use crate::name::pct;

use super::Kind;
use super::sources::SourceKind;

/// What a kind's chart plots per bin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plotted {
    /// The ratio of failures to requests (or records).
    Ratio,
    /// Failures (error lines of a log of records).
    Failures,
    /// Failed logins.
    FailedLogins,
    /// Requests (or records), whatever their outcome.
    Total,
    /// The 95th percentile of latency.
    LatencyP95,
}

/// How the timeline treats a kind beyond its words: what its count is of, and what can start
/// or end it. One row per kind in [`Kind::traits`]; the timeline and the renderers ask for
/// these, never for the kind itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Traits {
    /// A change shortly before the onset may be named its trigger (a burst of failed logins
    /// comes from outside: no change of ours makes strangers guess passwords).
    pub has_trigger: bool,
    /// Its count is of requests the hours around predict that never arrived: its impact is
    /// requests missing, and it ends when traffic comes back, not when errors fall.
    pub counts_missing: bool,
    /// Its count is of requests slower than usual.
    pub counts_slow: bool,
    /// Its count is of failed logins: its impact is in logins, it is told by the addresses
    /// they came from, and no separate burst of failed logins is shown beside it.
    pub counts_logins: bool,
    /// The service's own failure, so a restart that held may be what ended it.
    pub ends_with_restart: bool,
    /// A ratio of failures to requests, so an SLO's burn-rate page may have detected it.
    pub burns_budget: bool,
}

/// The figures an impact sentence is made of, as the draft counts them.
#[derive(Debug, Clone, Copy)]
pub struct ImpactFigures {
    /// What the sources count.
    pub unit: SourceKind,
    /// Failed (or, for failed logins, the logins).
    pub failed: u64,
    /// All requests or records in the window.
    pub total: u64,
    /// Failed over total.
    pub failed_ratio: f64,
    /// The sources' ratio outside incidents.
    pub baseline_ratio: f64,
    /// Failures beyond what the baseline predicts.
    pub excess: u64,
    /// Request logs that showed it.
    pub request_sources: usize,
    /// Requests the hours around predict that never arrived.
    pub missing: u64,
    /// Requests slower than twice the usual p95.
    pub slow: u64,
}

impl Kind {
    /// How the timeline treats it (see [`Traits`]).
    pub fn traits(self) -> Traits {
        let none = Traits {
            has_trigger: true,
            counts_missing: false,
            counts_slow: false,
            counts_logins: false,
            ends_with_restart: false,
            burns_budget: false,
        };
        match self {
            Kind::Errors => Traits {
                ends_with_restart: true,
                burns_budget: true,
                ..none
            },
            Kind::Slow => Traits {
                counts_slow: true,
                ends_with_restart: true,
                ..none
            },
            Kind::TrafficLoss => Traits {
                counts_missing: true,
                ..none
            },
            Kind::Security => Traits {
                has_trigger: false,
                counts_logins: true,
                ..none
            },
        }
    }

    /// How its onset reads after the change before it: `errors began 67 s after: …`.
    pub fn began(self) -> &'static str {
        match self {
            Kind::TrafficLoss => "traffic fell",
            Kind::Slow => "requests slowed",
            Kind::Security => "failed logins rose",
            Kind::Errors => "errors began",
        }
    }

    /// Its start on the event list, after `incident started: `. `ratio` and `baseline` are
    /// the incident's error ratio and its sources' usual one.
    pub fn started(self, unit: SourceKind, ratio: f64, baseline: f64) -> String {
        match self {
            Kind::Errors if unit == SourceKind::Alerts => {
                "alerts firing, no log of requests or records showed it".to_string()
            }
            Kind::Errors => format!(
                "error ratio {} against {} before",
                pct(ratio),
                pct(baseline)
            ),
            Kind::Security => "failed logins far above their usual rate".to_string(),
            Kind::Slow => "requests slowed".to_string(),
            Kind::TrafficLoss => "traffic fell far below its usual rate".to_string(),
        }
    }

    /// Its end, as the recovery item says it.
    pub fn recovered(self, unit: SourceKind, baseline: f64) -> String {
        match self {
            Kind::Errors if unit == SourceKind::Alerts => "alerts resolved".to_string(),
            Kind::Errors => format!("error ratio back at baseline ({})", pct(baseline)),
            Kind::Security => "failed logins back at their usual rate".to_string(),
            Kind::Slow => "latency back at baseline".to_string(),
            Kind::TrafficLoss => format!("{} back at their usual rate", unit.noun()),
        }
    }

    /// How the logs alone detected it, where no alert did; `None` for the kinds whose
    /// wording depends on how the errors were counted (the timeline says it).
    pub(crate) fn detected_by_logs(self, unit: SourceKind, ratio: f64) -> Option<String> {
        match self {
            Kind::TrafficLoss => Some(format!(
                "{} fell to {} of what the hours around predict: enough evidence to call an incident (no alert found)",
                unit.noun(),
                pct(1.0 - ratio)
            )),
            Kind::Security => {
                Some("failed logins burst far above their usual rate (no alert found)".into())
            }
            Kind::Errors | Kind::Slow => None,
        }
    }

    /// What rose, for an incident found in a ratio: `share of slow requests` or `error ratio
    /// of requests`.
    pub(crate) fn ratio_name(self, unit: SourceKind) -> String {
        match self {
            Kind::Slow => "share of slow requests".to_string(),
            Kind::Errors | Kind::Security | Kind::TrafficLoss => {
                format!("error ratio of {}", unit.noun())
            }
        }
    }

    /// What its chart plots, and the label it is shown with.
    pub fn chart(self, unit: SourceKind) -> (Plotted, &'static str) {
        match self {
            Kind::Security => (Plotted::FailedLogins, "failed logins"),
            Kind::Slow => (Plotted::LatencyP95, "p95 latency"),
            Kind::TrafficLoss => (Plotted::Total, "requests"),
            Kind::Errors if unit == SourceKind::Records => (Plotted::Failures, "error lines"),
            Kind::Errors => (Plotted::Ratio, "error ratio"),
        }
    }

    /// What it cost, in one sentence (the Impact line starts with it).
    pub fn impact(self, f: &ImpactFigures) -> String {
        let noun = f.unit.noun();
        match self {
            Kind::Errors if f.unit == SourceKind::Alerts => {
                "only the alerts tell of it: no request or log record covers the window."
                    .to_string()
            }
            Kind::Errors if f.unit == SourceKind::Records => format!(
                "{} of {} {noun} were errors ({}; baseline {}); no access logs show the requests.",
                f.failed,
                f.total,
                pct(f.failed_ratio),
                pct(f.baseline_ratio),
            ),
            Kind::Errors => format!(
                "{} of {} {noun}{} failed ({}; baseline {}), {} more than the baseline predicts.",
                f.failed,
                f.total,
                match f.request_sources {
                    0 | 1 => String::new(),
                    n => format!(" across {n} request logs"),
                },
                pct(f.failed_ratio),
                pct(f.baseline_ratio),
                f.excess
            ),
            Kind::TrafficLoss => format!(
                "traffic lost: about {} {noun} the hours around predict never arrived ({} arrived).",
                f.missing, f.total,
            ),
            Kind::Security => format!(
                "a burst of {} failed logins: an attack or a broken client, not an outage.",
                f.failed
            ),
            Kind::Slow => format!(
                "slow, not down: {} of {} timed requests took more than twice the usual p95; {} failed.",
                f.slow, f.total, f.failed
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(unit: SourceKind) -> ImpactFigures {
        ImpactFigures {
            unit,
            failed: 150,
            total: 300,
            failed_ratio: 0.5,
            baseline_ratio: 0.001,
            excess: 149,
            request_sources: 2,
            missing: 900,
            slow: 40,
        }
    }

    #[test]
    fn each_kind_says_what_its_detector_saw() {
        let requests = figures(SourceKind::Requests);
        assert_eq!(
            Kind::Errors.impact(&requests),
            "150 of 300 requests across 2 request logs failed (50.0%; baseline 0.1%), 149 more than the baseline predicts."
        );
        assert_eq!(
            Kind::TrafficLoss.impact(&requests),
            "traffic lost: about 900 requests the hours around predict never arrived (300 arrived)."
        );
        assert_eq!(
            Kind::Slow.impact(&requests),
            "slow, not down: 40 of 300 timed requests took more than twice the usual p95; 150 failed."
        );
        assert!(
            Kind::Errors
                .impact(&figures(SourceKind::Records))
                .contains("were errors")
        );
        assert!(
            Kind::Security
                .impact(&requests)
                .starts_with("a burst of 150 failed logins")
        );
        assert_eq!(
            Kind::TrafficLoss.recovered(SourceKind::Requests, 0.0),
            "requests back at their usual rate"
        );
        assert_eq!(
            Kind::Errors.started(SourceKind::Requests, 0.5, 0.001),
            "error ratio 50.0% against 0.1% before"
        );
    }

    #[test]
    fn a_log_of_records_charts_error_lines_and_requests_chart_the_ratio() {
        assert_eq!(
            Kind::Errors.chart(SourceKind::Records),
            (Plotted::Failures, "error lines")
        );
        assert_eq!(
            Kind::Errors.chart(SourceKind::Requests),
            (Plotted::Ratio, "error ratio")
        );
        assert_eq!(
            Kind::Security.chart(SourceKind::Records).0,
            Plotted::FailedLogins
        );
    }
}
