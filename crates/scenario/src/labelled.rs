//! Labelled scenarios: generated log folders whose incidents, alerts and actions are known, and
//! a score of a draft against them. The scoring test (`tests/scoring.rs`) runs them all and
//! prints the table the README shows.

pub use crate::build::{Label, Labelled, at};
use crate::build::{alert_pair, base, errors, no_story, nothing_else, sudo, sys};
use crate::{IncidentPlan, Scenario, Scripted, Symptom, Target, auth_outage};
use postmortem::Kind;
use postmortem::time::{MICROS_PER_SEC, Micros};
use postmortem::timeline::{DetectionMethod, Draft};

/// New Year's night in Berlin: access logs at +0100, a zone-less nginx error log and a year-less
/// syslog; authd is OOM-killed at 23:49 local and errors last until a restart at 00:40 on Jan 1.
/// No alert fires.
pub fn new_year_in_berlin() -> Scenario {
    let b = |y, mo, d, h, mi| at(1.0, y, mo, d, h, mi);
    let mut s = base(
        b(2023, 12, 31, 19, 0),
        b(2024, 1, 1, 6, 0),
        1.0,
        chrono_tz::Europe::Berlin,
        60.0,
        300,
        31,
    );
    s.host = "auth-fra-2".into();
    s.server_name = "login.example.de".into();
    s.app_error = "ERROR session store unavailable for user={user}".into();
    s.incidents = vec![errors(b(2023, 12, 31, 23, 50), b(2024, 1, 1, 0, 40), 3)];
    let oom = b(2023, 12, 31, 23, 49) + 30 * MICROS_PER_SEC;
    s.scripted = vec![
        sys(
            oom,
            "kernel",
            0,
            "[812345.123456] Out of memory: Killed process 2211 (authd) total-vm:4123456kB, anon-rss:3900000kB, file-rss:0kB",
        ),
        sys(
            oom + MICROS_PER_SEC,
            "systemd",
            1,
            "authd.service: Failed with result 'oom-kill'.",
        ),
        sudo(
            b(2024, 1, 1, 0, 40),
            "carol",
            "/usr/bin/systemctl restart authd",
        ),
        sys(
            b(2024, 1, 1, 0, 40),
            "systemd",
            1,
            "Stopping authd.service - Authentication daemon...",
        ),
        sys(
            b(2024, 1, 1, 0, 40) + MICROS_PER_SEC,
            "systemd",
            1,
            "Started authd.service - Authentication daemon.",
        ),
    ];
    s
}

/// All labelled scenarios, from 2 to 2,000 requests a minute.
pub fn all() -> Vec<Labelled> {
    let mut out = Vec::new();

    let (start, _, end) = auth_outage::labels();
    out.push(Labelled {
        name: "auth-outage (sample)",
        scenario: auth_outage::scenario(),
        zone: "UTC",
        incidents: vec![Label {
            start,
            end,
            kind: Kind::Errors,
            alert: Some(at(0.0, 2023, 9, 10, 8, 15) + 30 * MICROS_PER_SEC),
        }],
        actions: vec![
            "authd.yaml.bak-20230909 /etc/authd/authd.yaml",
            "iptables -I INPUT",
            "systemctl reload authd",
        ],
        tolerance_minutes: 2.0,
        story: no_story,
        extra: nothing_else,
    });

    let b = |y, mo, d, h, mi| at(1.0, y, mo, d, h, mi);
    out.push(Labelled {
        name: "new year, Berlin, no alert",
        scenario: new_year_in_berlin(),
        zone: "Europe/Berlin",
        incidents: vec![Label {
            start: b(2023, 12, 31, 23, 50),
            end: b(2024, 1, 1, 0, 40),
            kind: Kind::Errors,
            alert: None,
        }],
        actions: vec![
            "systemctl restart authd",
            "Out of memory: Killed process 2211",
        ],
        tolerance_minutes: 2.0,
        story: no_story,
        extra: nothing_else,
    });

    // 2 requests a minute at the daily peak; half the users fail for 50 minutes.
    let u = |h, mi| at(0.0, 2024, 3, 5, h, mi);
    let mut trickle = base(u(6, 0), u(22, 0), 0.0, chrono_tz::UTC, 2.0, 40, 7);
    trickle.health_checks = false;
    trickle.incidents = vec![errors(u(13, 40), u(14, 30), 2)];
    trickle.scripted = vec![sudo(u(14, 30), "dana", "/usr/bin/systemctl restart api")];
    out.push(Labelled {
        name: "2 req/min, no alert",
        scenario: trickle,
        zone: "UTC",
        incidents: vec![Label {
            start: u(13, 40),
            end: u(14, 30),
            kind: Kind::Errors,
            alert: None,
        }],
        actions: vec!["systemctl restart api"],
        tolerance_minutes: 3.0,
        story: no_story,
        extra: nothing_else,
    });

    // 2,000 requests a minute in India; 5 % of users fail for 25 minutes; alerted.
    let k = |h, mi| at(5.5, 2024, 7, 15, h, mi);
    let mut flood = base(
        k(9, 0),
        k(12, 0),
        5.5,
        chrono_tz::Asia::Kolkata,
        2000.0,
        20_000,
        11,
    );
    flood.incidents = vec![errors(k(10, 20), k(10, 45), 20)];
    flood.scripted = alert_pair(
        "HighErrorRate",
        "api",
        k(10, 21) + 30 * MICROS_PER_SEC,
        k(10, 45),
        "aa01",
    );
    flood
        .scripted
        .push(sudo(k(10, 45), "ravi", "/usr/bin/systemctl restart api"));
    out.push(Labelled {
        name: "2,000 req/min, Kolkata, alert",
        scenario: flood,
        zone: "Asia/Kolkata",
        incidents: vec![Label {
            start: k(10, 20),
            end: k(10, 45),
            kind: Kind::Errors,
            alert: Some(k(10, 21) + 30 * MICROS_PER_SEC),
        }],
        actions: vec!["systemctl restart api"],
        tolerance_minutes: 2.0,
        story: no_story,
        extra: nothing_else,
    });

    // Two incidents in one day in New York (EDT), only the second alerted.
    let n = |h, mi| at(-4.0, 2024, 6, 11, h, mi);
    let mut two = base(
        n(6, 0),
        n(22, 0),
        -4.0,
        chrono_tz::America::New_York,
        120.0,
        2_000,
        13,
    );
    two.incidents = vec![
        errors(n(9, 10), n(9, 40), 4),
        errors(n(15, 0), n(16, 20), 3),
    ];
    two.scripted = alert_pair("PaymentsErrors", "payments", n(15, 2), n(16, 20), "bb02");
    two.scripted.push(sudo(
        n(9, 40),
        "erin",
        "/usr/bin/systemctl restart payments",
    ));
    two.scripted.push(sudo(
        n(16, 20),
        "erin",
        "/usr/bin/cp /etc/payments/config.yaml.bak /etc/payments/config.yaml",
    ));
    out.push(Labelled {
        name: "two incidents, New York",
        scenario: two,
        zone: "America/New_York",
        incidents: vec![
            Label {
                start: n(9, 10),
                end: n(9, 40),
                kind: Kind::Errors,
                alert: None,
            },
            Label {
                start: n(15, 0),
                end: n(16, 20),
                kind: Kind::Errors,
                alert: Some(n(15, 2)),
            },
        ],
        actions: vec!["systemctl restart payments", "config.yaml.bak"],
        tolerance_minutes: 2.0,
        story: no_story,
        extra: nothing_else,
    });

    // A healthy day in London with a deploy and a reload: no incident.
    let l = |h, mi| at(1.0, 2024, 5, 20, h, mi);
    let mut healthy = base(
        l(6, 0),
        l(18, 0),
        1.0,
        chrono_tz::Europe::London,
        200.0,
        4_000,
        17,
    );
    healthy.baseline_error = 0.003;
    healthy.scripted = vec![
        sys(
            l(10, 0),
            "deployer",
            4100,
            "Deploying api version 4.2.0 to app-1",
        ),
        sudo(l(10, 1), "frank", "/usr/bin/systemctl reload api"),
        sudo(l(14, 0), "frank", "/usr/sbin/nginx -s reload"),
        Scripted {
            at: l(14, 0),
            target: Target::NginxError {
                level: "notice".into(),
                message: "812#812: signal process started".into(),
            },
        },
    ];
    out.push(Labelled {
        name: "healthy day, deploy + reload",
        scenario: healthy,
        zone: "Europe/London",
        incidents: Vec::new(),
        actions: Vec::new(),
        tolerance_minutes: 2.0,
        story: no_story,
        extra: nothing_else,
    });

    // Slow, not down: every request six times slower for 35 minutes, no errors.
    let g = |h, mi| at(0.0, 2024, 2, 1, h, mi);
    let mut slow = base(g(8, 0), g(14, 0), 0.0, chrono_tz::UTC, 150.0, 3_000, 19);
    slow.incidents = vec![IncidentPlan {
        symptom: Symptom::Slow(6.0),
        start: g(10, 30),
        fix: g(11, 5),
        end: g(11, 5),
        affected_every: 1,
        tail_every: 1,
    }];
    slow.scripted = vec![sudo(g(11, 5), "gina", "/usr/bin/systemctl restart cache")];
    out.push(Labelled {
        name: "slow, not down",
        scenario: slow,
        zone: "UTC",
        incidents: vec![Label {
            start: g(10, 30),
            end: g(11, 5),
            kind: Kind::Slow,
            alert: None,
        }],
        actions: vec!["systemctl restart cache"],
        tolerance_minutes: 2.0,
        story: no_story,
        extra: nothing_else,
    });

    // Across midnight in Sydney (AEDT), alerted.
    let sy = |d, h, mi| at(11.0, 2024, 1, d, h, mi);
    let mut sydney = base(
        sy(20, 20, 0),
        sy(21, 4, 0),
        11.0,
        chrono_tz::Australia::Sydney,
        300.0,
        3_000,
        23,
    );
    sydney.incidents = vec![errors(sy(20, 23, 40), sy(21, 0, 25), 3)];
    sydney.scripted = alert_pair(
        "CheckoutErrors",
        "checkout",
        sy(20, 23, 41),
        sy(21, 0, 25),
        "cc03",
    );
    sydney.scripted.push(sudo(
        sy(21, 0, 25),
        "hank",
        "/usr/bin/systemctl restart checkout",
    ));
    out.push(Labelled {
        name: "midnight, Sydney, alert",
        scenario: sydney,
        zone: "Australia/Sydney",
        incidents: vec![Label {
            start: sy(20, 23, 40),
            end: sy(21, 0, 25),
            kind: Kind::Errors,
            alert: Some(sy(20, 23, 41)),
        }],
        actions: vec!["systemctl restart checkout"],
        tolerance_minutes: 2.0,
        story: no_story,
        extra: nothing_else,
    });
    out.extend(crate::shapes::all());
    out.extend(crate::meaning::all());
    out.extend(crate::causes::all());
    out
}

/// How a draft did against one labelled scenario.
#[derive(Debug, Clone)]
pub struct Score {
    pub name: &'static str,
    pub expected: usize,
    pub found: usize,
    /// Worst error over the matched incidents, in minutes.
    pub start_error: Option<f64>,
    pub end_error: Option<f64>,
    pub detection_error: Option<f64>,
    pub actions_cited: usize,
    pub actions_total: usize,
    pub tolerance: f64,
    pub failures: Vec<String>,
}

impl Score {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// The instant of a time of the draft, to the second as the draft shows it.
fn instant(t: &postmortem::time::stamp::Stamp) -> Option<Micros> {
    Some(t.micros.div_euclid(MICROS_PER_SEC) * MICROS_PER_SEC)
}

fn minutes(a: Micros, b: Micros) -> f64 {
    (a - b).abs() as f64 / 60e6
}

/// Scores a draft against its labels.
pub fn score(l: &Labelled, draft: &Draft) -> Score {
    let mut s = Score {
        name: l.name,
        expected: l.incidents.len(),
        found: draft.incidents.len(),
        start_error: None,
        end_error: None,
        detection_error: None,
        actions_cited: 0,
        actions_total: l.actions.len(),
        tolerance: l.tolerance_minutes,
        failures: Vec::new(),
    };
    if s.found != s.expected {
        s.failures.push(format!(
            "{} incidents found, {} expected",
            s.found, s.expected
        ));
    }
    let worst = |slot: &mut Option<f64>, v: f64| *slot = Some(slot.map_or(v, |w: f64| w.max(v)));
    for label in &l.incidents {
        let Some(found) = draft.incidents.iter().find(|i| {
            let (Some(start), end) = (instant(&i.start), i.recovered.as_ref().and_then(instant))
            else {
                return false;
            };
            start < label.end && end.is_none_or(|e| e > label.start)
        }) else {
            s.failures.push(format!(
                "no incident overlaps the one starting {}",
                postmortem::time::format_utc(label.start)
            ));
            continue;
        };
        if found.kind != label.kind {
            s.failures
                .push(format!("kind {:?}, expected {:?}", found.kind, label.kind));
        }
        let start_error = instant(&found.start).map_or(f64::INFINITY, |t| minutes(t, label.start));
        worst(&mut s.start_error, start_error);
        // A label that ends exactly where the scenario's logs end is still going then: it has
        // no recovery to find.
        let still_going = label.end == l.scenario.end;
        let end_error = match (found.recovered.as_ref().and_then(instant), still_going) {
            (None, true) => 0.0,
            (Some(_), true) | (None, false) => f64::INFINITY,
            (Some(t), false) => minutes(t, label.end),
        };
        worst(&mut s.end_error, end_error);
        if start_error > l.tolerance_minutes || end_error > l.tolerance_minutes {
            s.failures.push(format!(
                "start off {start_error:.1} min, end off {end_error:.1} min"
            ));
        }
        if let Some(alert) = label.alert {
            let error = instant(&found.detected).map_or(f64::INFINITY, |t| minutes(t, alert));
            worst(&mut s.detection_error, error);
            if error > 1.0 || found.detection_method != DetectionMethod::Alert {
                s.failures.push(format!(
                    "detection off {error:.1} min ({:?})",
                    found.detection_method
                ));
            }
        }
    }
    s.failures.extend((l.story)(draft));
    for needle in &l.actions {
        let cited = draft
            .incidents
            .iter()
            .flat_map(|i| &i.timeline)
            .any(|t| t.text.contains(needle));
        if cited {
            s.actions_cited += 1;
        } else {
            s.failures.push(format!("action not cited: {needle}"));
        }
    }
    s
}

/// The score table in Markdown.
pub fn table(scores: &[Score]) -> String {
    let cell = |v: Option<f64>| v.map_or("–".to_string(), |m| format!("{m:.1}"));
    let mut out = String::from(
        "| scenario | incidents (found/labelled) | start error (min) | recovery error (min) | detection error (min) | actions cited | result |\n|---|---|---|---|---|---|---|\n",
    );
    for s in scores {
        out.push_str(&format!(
            "| {} | {}/{} | {} | {} | {} | {}/{} | {} |\n",
            s.name,
            s.found,
            s.expected,
            cell(s.start_error),
            cell(s.end_error),
            cell(s.detection_error),
            s.actions_cited,
            s.actions_total,
            if s.passed() {
                format!("pass (±{} min)", s.tolerance)
            } else {
                format!("FAIL: {}", s.failures.join("; "))
            }
        ));
    }
    out
}
