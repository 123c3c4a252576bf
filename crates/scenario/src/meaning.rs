//! Labelled scenarios for what the signals mean (issue: background noise, non-failures,
//! automatic and routine changes): a crawler's 404s and a load test's rate limiting are not
//! outages; scheduled jobs near an incident are neither its trigger nor its fix; looking is not
//! changing; a change after the recovery is not the fix; a clean-up that deletes is a change.
//! Each says what the draft must tell (`story`), not only when.

use crate::build::{Label, Labelled, at, base, errors, nothing_else, sudo, sys};
use crate::{Scripted, Target};
use postmortem::Kind;
use postmortem::time::{MICROS_PER_SEC, Micros};
use postmortem::timeline::{Draft, ItemKind};

fn nginx_error(t: Micros, message: String) -> Scripted {
    Scripted {
        at: t,
        target: Target::NginxError {
            level: "error".into(),
            message,
        },
    }
}

/// A crawler walks a shop for 40 minutes asking for pages that do not exist: nginx writes an
/// `[error] open() … failed (2: No such file or directory)` line for each (every 2 s), the
/// service itself is fine.
fn crawler_404s() -> Labelled {
    let u = |h, mi| at(0.0, 2024, 10, 2, h, mi);
    let mut s = base(u(6, 0), u(14, 0), 0.0, chrono_tz::UTC, 80.0, 1_500, 101);
    s.scripted = (0..1200)
        .map(|k| {
            let t = u(9, 10) + k * 2 * MICROS_PER_SEC;
            nginx_error(
                t,
                format!(
                    "812#812: *{} open() \"/var/www/html/old/product-{k}.html\" failed (2: No such file or directory), client: 66.249.66.1, server: api.example.com, request: \"GET /old/product-{k}.html HTTP/1.1\", host: \"api.example.com\"",
                    90_000 + k
                ),
            )
        })
        .collect();
    Labelled {
        name: "crawler 404s, service fine",
        scenario: s,
        zone: "UTC",
        incidents: Vec::new(),
        actions: Vec::new(),
        tolerance_minutes: 2.0,
        // The 404s are named for what they are: refused, from the crawler's address.
        story: |d| client_side_story(d, 0, 1200, "66.249.66.1"),
        extra: nothing_else,
    }
}

/// A load test from one address hits the rate limit for 20 minutes: nginx writes
/// `limiting requests, excess: …` at level error, the service answers everyone else.
fn load_test_rate_limited() -> Labelled {
    let u = |h, mi| at(0.0, 2024, 10, 3, h, mi);
    let mut s = base(u(6, 0), u(14, 0), 0.0, chrono_tz::UTC, 80.0, 1_500, 103);
    s.scripted = (0..2400)
        .map(|k| {
            let t = u(11, 0) + k * MICROS_PER_SEC / 2;
            nginx_error(
                t,
                format!(
                    "812#812: *{} limiting requests, excess: 20.{:03} by zone \"api\", client: 198.51.100.77, server: api.example.com, request: \"GET /api/v1/items HTTP/1.1\", host: \"api.example.com\"",
                    70_000 + k,
                    k % 1000
                ),
            )
        })
        .collect();
    Labelled {
        name: "load test, rate limited",
        scenario: s,
        zone: "UTC",
        incidents: Vec::new(),
        actions: Vec::new(),
        tolerance_minutes: 2.0,
        // Shown as a "limited" count of its own, from the load tester's address.
        story: |d| client_side_story(d, 2400, 0, "198.51.100.77"),
        extra: nothing_else,
    }
}

/// The draft's count of clients' requests refused and held back, against what was written.
fn client_side_story(d: &Draft, limited: u64, refused: u64, client: &str) -> Vec<String> {
    match &d.client_side {
        Some(c)
            if c.limited == limited
                && c.refused == refused
                && c.top_clients.first().is_some_and(|k| k.key == client) =>
        {
            Vec::new()
        }
        other => vec![format!(
            "client-side lines {:?}, expected {limited} limited and {refused} refused, most from {client}",
            other
                .as_ref()
                .map(|c| (c.limited, c.refused, c.top_clients.first().map(|k| &k.key)))
        )],
    }
}

/// An error incident no alert told of.
fn errors_without_alert(start: Micros, end: Micros) -> Vec<Label> {
    vec![Label {
        start,
        end,
        kind: Kind::Errors,
        alert: None,
    }]
}

/// The incident's trigger, fix and misleading paths, each as its text.
fn changes(d: &Draft) -> (Option<String>, Option<String>, Vec<String>) {
    let Some(i) = d.incidents.first() else {
        return (None, None, Vec::new());
    };
    (
        i.trigger_candidate.as_ref().map(|t| t.text.clone()),
        i.resolution_candidate.as_ref().map(|t| t.text.clone()),
        i.misleading_candidates
            .iter()
            .map(|t| t.text.clone())
            .collect(),
    )
}

/// Scheduled jobs run at 06:25 as on every Debian host (logrotate, man-db, apt-daily) just
/// before a config edit breaks the service at 06:30; during it someone looks (a certificate's
/// dates, `nginx -t`) and the edit is rolled back at 07:00.
fn routine_jobs_near_an_incident() -> Labelled {
    let u = |h, mi| at(0.0, 2024, 10, 7, h, mi);
    let mut s = base(u(4, 0), u(10, 0), 0.0, chrono_tz::UTC, 150.0, 3_000, 107);
    s.incidents = vec![errors(u(6, 30), u(7, 0), 2)];
    let job = |t: Micros, unit: &str, what: &str| {
        vec![
            sys(t, "systemd", 1, &format!("Starting {unit} - {what}...")),
            sys(
                t + 20 * MICROS_PER_SEC,
                "systemd",
                1,
                &format!("Started {unit} - {what}."),
            ),
        ]
    };
    s.scripted = [
        job(u(6, 25), "logrotate.service", "Rotate log files"),
        job(u(6, 26), "man-db.service", "Daily man-db regeneration"),
        job(
            u(6, 40),
            "apt-daily.service",
            "Daily apt download activities",
        ),
        job(
            u(7, 0) + 30 * MICROS_PER_SEC,
            "phpsessionclean.service",
            "Clean php session files",
        ),
    ]
    .concat();
    s.scripted.extend([
        sudo(
            u(6, 29) + 30 * MICROS_PER_SEC,
            "olga",
            "/usr/bin/cp /srv/deploy/api.yaml /etc/api/api.yaml",
        ),
        sudo(
            u(6, 41),
            "olga",
            "/usr/bin/openssl x509 -noout -enddate -in /etc/ssl/certs/api.pem",
        ),
        sudo(u(6, 43), "olga", "/usr/sbin/nginx -t"),
        sudo(
            u(7, 0),
            "olga",
            "/usr/bin/cp /etc/api/api.yaml.bak /etc/api/api.yaml",
        ),
    ]);
    Labelled {
        name: "routine jobs near an incident",
        scenario: s,
        zone: "UTC",
        incidents: errors_without_alert(u(6, 30), u(7, 0)),
        actions: vec!["/srv/deploy/api.yaml", "api.yaml.bak", "-noout", "nginx -t"],
        tolerance_minutes: 2.0,
        story: |d| {
            let (trigger, fix, misleading) = changes(d);
            let mut failures = Vec::new();
            if !trigger
                .as_deref()
                .is_some_and(|t| t.contains("/srv/deploy/api.yaml"))
            {
                failures.push(format!("trigger {trigger:?}, expected the config edit"));
            }
            if !fix.as_deref().is_some_and(|t| t.contains("api.yaml.bak")) {
                failures.push(format!("fix {fix:?}, expected the rollback"));
            }
            for m in &misleading {
                if ["logrotate", "man-db", "apt-daily", "-noout", "nginx -t"]
                    .iter()
                    .any(|w| m.contains(w))
                {
                    failures.push(format!("misleading path: {m}"));
                }
            }
            let looked = d
                .incidents
                .iter()
                .flat_map(|i| &i.timeline)
                .filter(|t| {
                    t.action == Some(postmortem::aggregate::ActionKind::Investigate)
                        && t.kind == ItemKind::Investigation
                })
                .count();
            if looked != 2 {
                failures.push(format!("{looked} investigations, expected 2"));
            }
            failures
        },
        extra: nothing_else,
    }
}

/// A disk fills at 13:00 and the service fails until someone deletes old dumps with `find …
/// -delete` at 13:20; at 13:40, well after the recovery, a config change lands. The clean-up
/// is the fix; the later change is not.
fn cleanup_fix_and_a_later_change() -> Labelled {
    let u = |h, mi| at(0.0, 2024, 10, 9, h, mi);
    let mut s = base(u(10, 0), u(16, 0), 0.0, chrono_tz::UTC, 150.0, 3_000, 109);
    s.app_error = "ERROR could not write session file: No space left on device".into();
    s.incidents = vec![errors(u(13, 0), u(13, 20), 2)];
    s.scripted = vec![
        sudo(u(13, 6), "pavel", "/usr/bin/du -sh /var/lib/api/dumps"),
        sudo(
            u(13, 20),
            "pavel",
            "/usr/bin/find /var/lib/api/dumps -name *.dump -mtime +1 -delete",
        ),
        sudo(
            u(13, 40),
            "pavel",
            "/usr/bin/cp /srv/deploy/api.yaml /etc/api/api.yaml",
        ),
    ];
    Labelled {
        name: "clean-up fix, later change",
        scenario: s,
        zone: "UTC",
        incidents: errors_without_alert(u(13, 0), u(13, 20)),
        actions: vec!["-delete", "du -sh"],
        tolerance_minutes: 2.0,
        story: |d| {
            let (_, fix, _) = changes(d);
            match fix.as_deref() {
                Some(f) if f.contains("-delete") => Vec::new(),
                other => vec![format!("fix {other:?}, expected the clean-up")],
            }
        },
        extra: nothing_else,
    }
}

/// Six web hosts behind one balancer; on one of them half the users fail for 30 minutes. The
/// service lost about a twelfth of its requests, not half.
fn one_host_of_six() -> Labelled {
    let u = |h, mi| at(0.0, 2024, 10, 14, h, mi);
    let mut s = base(u(8, 0), u(12, 0), 0.0, chrono_tz::UTC, 120.0, 2_000, 113);
    s.incidents = vec![errors(u(10, 0), u(10, 30), 2)];
    s.scripted = vec![sudo(u(10, 30), "quinn", "/usr/bin/systemctl restart api")];
    Labelled {
        name: "one host of six failing",
        scenario: s,
        zone: "UTC",
        incidents: errors_without_alert(u(10, 0), u(10, 30)),
        actions: vec!["systemctl restart api"],
        tolerance_minutes: 2.0,
        story: |d| {
            let Some(i) = d.incidents.first() else {
                return Vec::new();
            };
            let mut failures = Vec::new();
            // Half of one host's sixth of the traffic: about 8 %.
            if !(0.04..=0.15).contains(&i.impact.failed_ratio) {
                failures.push(format!(
                    "{:.1} % of requests failed, expected about 8 % of the service's",
                    i.impact.failed_ratio * 100.0
                ));
            }
            let showing: Vec<&str> = i
                .sources
                .iter()
                .filter(|s| s.showed_incident && s.file.ends_with("access.log"))
                .map(|s| s.file.as_str())
                .collect();
            if showing != ["web-1/nginx/access.log"] {
                failures.push(format!("showing access logs {showing:?}"));
            }
            failures
        },
        extra: |dir| {
            // The scenario's host is web-1; five healthy hosts beside it.
            let web1 = dir.join("web-1");
            std::fs::create_dir_all(&web1)?;
            for entry in std::fs::read_dir(dir)? {
                let path = entry?.path();
                if path != web1 {
                    std::fs::rename(&path, web1.join(path.file_name().unwrap_or_default()))?;
                }
            }
            let u = |h, mi| at(0.0, 2024, 10, 14, h, mi);
            for n in 2..=6 {
                let mut healthy = base(
                    u(8, 0),
                    u(12, 0),
                    0.0,
                    chrono_tz::UTC,
                    120.0,
                    2_000,
                    113 + n,
                );
                healthy.host = format!("web-{n}");
                healthy.write(&dir.join(format!("web-{n}")))?;
            }
            Ok(())
        },
    }
}

/// 2,000 requests a minute with the usual background of a few 502s a minute; a config edit at
/// 10:00:30 breaks a third of the users until a rollback at 10:25. The minute's first error
/// line is a background one from before the edit: the edit is still the trigger.
fn trigger_at_high_traffic() -> Labelled {
    let u = |h, mi| at(0.0, 2024, 10, 16, h, mi);
    let mut s = base(u(8, 0), u(12, 0), 0.0, chrono_tz::UTC, 2000.0, 20_000, 127);
    let edit = u(10, 0) + 30 * MICROS_PER_SEC;
    s.incidents = vec![errors(edit + 5 * MICROS_PER_SEC, u(10, 25), 3)];
    s.scripted = vec![
        sudo(
            edit,
            "rosa",
            "/usr/bin/cp /srv/deploy/api.yaml /etc/api/api.yaml",
        ),
        sudo(
            u(10, 25),
            "rosa",
            "/usr/bin/cp /etc/api/api.yaml.bak /etc/api/api.yaml",
        ),
    ];
    Labelled {
        name: "trigger at 2,000 req/min",
        scenario: s,
        zone: "UTC",
        incidents: errors_without_alert(u(10, 0), u(10, 25)),
        actions: vec!["/srv/deploy/api.yaml", "api.yaml.bak"],
        tolerance_minutes: 2.0,
        story: |d| {
            let (trigger, _, _) = changes(d);
            match trigger.as_deref() {
                Some(t) if t.contains("/srv/deploy/api.yaml") => Vec::new(),
                other => vec![format!("trigger {other:?}, expected the config edit")],
            }
        },
        extra: nothing_else,
    }
}

/// A feature flag switched on at 11:00 breaks a third of the users; switched off at 11:20, the
/// errors stop. The flag is the trigger and the fix, though no deploy or restart happened.
fn feature_flag_trigger_and_fix() -> Labelled {
    let u = |h, mi| at(0.0, 2024, 10, 21, h, mi);
    let mut s = base(u(8, 0), u(14, 0), 0.0, chrono_tz::UTC, 150.0, 3_000, 131);
    s.incidents = vec![errors(u(11, 0) + 10 * MICROS_PER_SEC, u(11, 20), 3)];
    s.scripted = vec![
        sys(
            u(11, 0),
            "checkout",
            3131,
            "flag checkout.new_pricing enabled by sam (100% of users)",
        ),
        sys(
            u(11, 20),
            "checkout",
            3131,
            "flag checkout.new_pricing disabled by sam",
        ),
    ];
    Labelled {
        name: "feature flag trigger and fix",
        scenario: s,
        zone: "UTC",
        incidents: errors_without_alert(u(11, 0), u(11, 20)),
        actions: vec!["new_pricing enabled", "new_pricing disabled"],
        tolerance_minutes: 2.0,
        story: |d| {
            let (trigger, fix, _) = changes(d);
            let mut failures = Vec::new();
            if !trigger.as_deref().is_some_and(|t| t.contains("enabled")) {
                failures.push(format!(
                    "trigger {trigger:?}, expected the flag switched on"
                ));
            }
            if !fix.as_deref().is_some_and(|t| t.contains("disabled")) {
                failures.push(format!("fix {fix:?}, expected the flag switched off"));
            }
            failures
        },
        extra: nothing_else,
    }
}

/// Every scenario of this file.
pub fn all() -> Vec<Labelled> {
    vec![
        crawler_404s(),
        load_test_rate_limited(),
        routine_jobs_near_an_incident(),
        cleanup_fix_and_a_later_change(),
        one_host_of_six(),
        trigger_at_high_traffic(),
        feature_flag_trigger_and_fix(),
    ]
}
