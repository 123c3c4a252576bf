//! Labelled scenarios for what a record says beyond its first line and whom it concerns: a
//! traceback names the exception; systemd's automatic restart is what ended a crash loop; one
//! real attack stands out of a public host's background of probes; a host's own PostgreSQL log
//! says which zone its syslog is in. Each says what the draft must tell (`story`).

use std::fmt::Write as _;

use crate::build::{Label, Labelled, at, base, errors, nothing_else, sudo, sys};
use postmortem::Kind;
use postmortem::time::{MICROS_PER_MIN, MICROS_PER_SEC, Micros};
use postmortem::timeline::Draft;

fn errors_label(start: Micros, end: Micros) -> Vec<Label> {
    vec![Label {
        start,
        end,
        kind: Kind::Errors,
        alert: None,
    }]
}

/// `2024-10-22 10:00:03,118`, as Python's `logging` writes `asctime`.
fn python_time(t: Micros) -> String {
    let secs = t.div_euclid(MICROS_PER_SEC);
    let millis = t.rem_euclid(MICROS_PER_SEC) / 1000;
    let when = chrono::DateTime::from_timestamp(secs, 0).unwrap_or_default();
    format!("{},{millis:03}", when.format("%Y-%m-%d %H:%M:%S"))
}

/// A Django request that failed, with the traceback Django's logger prints under it.
fn django_error(
    out: &mut String,
    t: Micros,
    path: &str,
    frames: &[(&str, u32, &str, &str)],
    last: &str,
) {
    let _ = writeln!(
        out,
        "{} ERROR django.request Internal Server Error: {path}",
        python_time(t)
    );
    out.push_str("Traceback (most recent call last):\n");
    for (file, line, function, code) in frames {
        let _ = writeln!(out, "  File \"{file}\", line {line}, in {function}");
        let _ = writeln!(out, "    {code}");
    }
    let _ = writeln!(out, "{last}");
}

const DJANGO_FRAMES: [(&str, u32, &str, &str); 2] = [
    (
        "/srv/shop/venv/lib/python3.11/site-packages/django/core/handlers/exception.py",
        55,
        "inner",
        "response = get_response(request)",
    ),
    (
        "/srv/shop/venv/lib/python3.11/site-packages/django/core/handlers/base.py",
        197,
        "_get_response",
        "response = wrapped_callback(request, *callback_args, **callback_kwargs)",
    ),
];

/// A release reads a session key that old sessions lack: from 10:00 to 10:25 a third of the
/// checkouts fail, and each failure is a Django traceback ending in `KeyError: 'user_id'`.
/// The same first line ("Internal Server Error: …") comes a few times a day with a search
/// timeout: only the exception tells this incident's errors from the usual ones.
fn traceback_cause() -> Labelled {
    let u = |h, mi| at(0.0, 2024, 10, 22, h, mi);
    let mut s = base(u(7, 0), u(13, 0), 0.0, chrono_tz::UTC, 150.0, 3_000, 141);
    s.incidents = vec![errors(u(10, 0), u(10, 25), 3)];
    Labelled {
        name: "traceback names the cause",
        scenario: s,
        zone: "UTC",
        incidents: errors_label(u(10, 0), u(10, 25)),
        actions: Vec::new(),
        tolerance_minutes: 2.0,
        story: |d: &Draft| {
            let Some(i) = d.incidents.first() else {
                return Vec::new();
            };
            let new: Vec<&str> = i
                .signatures
                .iter()
                .filter(|s| s.new && s.at_onset)
                .map(|s| s.signature.as_str())
                .collect();
            match new
                .iter()
                .any(|s| s.contains("Internal Server Error") && s.contains("KeyError"))
            {
                true => Vec::new(),
                false => vec![format!(
                    "new signatures at the onset {new:?}: none names the KeyError the tracebacks end in"
                )],
            }
        },
        extra: |dir| {
            let u = |h, mi| at(0.0, 2024, 10, 22, h, mi);
            std::fs::create_dir_all(dir.join("app"))?;
            let mut log = String::new();
            let mut t = u(7, 0);
            let mut k = 0u32;
            while t < u(13, 0) {
                let _ = writeln!(
                    log,
                    "{} INFO django.server \"GET /health/ HTTP/1.1\" 200 2",
                    python_time(t)
                );
                if k % 100 == 50 {
                    let frames = [
                        DJANGO_FRAMES[0],
                        DJANGO_FRAMES[1],
                        (
                            "/srv/shop/search/views.py",
                            88,
                            "search",
                            "hits = client.search(index=\"products\", body=query)",
                        ),
                    ];
                    django_error(
                        &mut log,
                        t + 7 * MICROS_PER_SEC,
                        "/search/",
                        &frames,
                        "TimeoutError: timed out",
                    );
                }
                if t >= u(10, 0) && t < u(10, 25) {
                    for s in [3, 23, 43] {
                        let frames = [
                            DJANGO_FRAMES[0],
                            DJANGO_FRAMES[1],
                            (
                                "/srv/shop/checkout/views.py",
                                47,
                                "checkout",
                                "user_id = request.session[\"user_id\"]",
                            ),
                        ];
                        django_error(
                            &mut log,
                            t + s * MICROS_PER_SEC,
                            "/checkout/",
                            &frames,
                            "KeyError: 'user_id'",
                        );
                    }
                }
                t += MICROS_PER_MIN;
                k += 1;
            }
            std::fs::write(dir.join("app/django.log"), log)
        },
    }
}

/// systemd's lines for one round of a crash loop: the OOM kill, the unit failing, and the
/// restart systemd schedules itself 10 s later.
fn crash_round(t: Micros, round: u32) -> Vec<crate::Scripted> {
    vec![
        sys(
            t,
            "kernel",
            0,
            &format!(
                "Out of memory: Killed process {} (java) total-vm:8123456kB, anon-rss:4012345kB, file-rss:0kB, shmem-rss:0kB, UID:1001 pgtables:9000kB oom_score_adj:0",
                4242 + round
            ),
        ),
        sys(
            t + MICROS_PER_SEC,
            "systemd",
            1,
            "api.service: Main process exited, code=killed, status=9/KILL",
        ),
        sys(
            t + MICROS_PER_SEC,
            "systemd",
            1,
            "api.service: Failed with result 'signal'.",
        ),
        sys(
            t + 11 * MICROS_PER_SEC,
            "systemd",
            1,
            &format!(
                "api.service: Scheduled restart job, restart counter is at {}.",
                round + 1
            ),
        ),
        sys(
            t + 11 * MICROS_PER_SEC,
            "systemd",
            1,
            "Stopped api.service - Shop API.",
        ),
        sys(
            t + 11 * MICROS_PER_SEC,
            "systemd",
            1,
            "Started api.service - Shop API.",
        ),
    ]
}

/// The API runs out of memory at 14:00 and systemd restarts it; it runs out again every
/// three minutes until the fifth restart at 14:12:11 holds. Someone looks at the journal, no
/// one changes anything: the automatic restart is what the recovery came with, and no restart
/// is a misleading path.
fn automatic_restart() -> Labelled {
    let u = |h, mi| at(0.0, 2024, 10, 23, h, mi);
    let mut s = base(u(11, 0), u(17, 0), 0.0, chrono_tz::UTC, 150.0, 3_000, 143);
    s.incidents = vec![errors(u(14, 0), u(14, 12) + 20 * MICROS_PER_SEC, 1)];
    for round in 0..5 {
        s.scripted.extend(crash_round(
            u(14, 0) + i64::from(round) * 3 * MICROS_PER_MIN,
            round,
        ));
    }
    s.scripted.push(sudo(
        u(14, 5),
        "kim",
        "/usr/bin/journalctl -u api --since -10min",
    ));
    Labelled {
        name: "crash loop ended by an automatic restart",
        scenario: s,
        zone: "UTC",
        incidents: errors_label(u(14, 0), u(14, 12)),
        actions: vec!["Out of memory"],
        tolerance_minutes: 2.0,
        story: |d: &Draft| {
            let Some(i) = d.incidents.first() else {
                return Vec::new();
            };
            let mut failures = Vec::new();
            match &i.resolution_candidate {
                Some(r) if r.text.contains("api.service") && r.text.contains("automatic") => {}
                other => failures.push(format!(
                    "resolution {:?}, expected systemd's automatic restart of api.service",
                    other.as_ref().map(|r| &r.text)
                )),
            }
            for m in &i.misleading_candidates {
                failures.push(format!(
                    "misleading path {:?}: nobody changed anything",
                    m.text
                ));
            }
            if let Some(t) = &i.trigger_candidate {
                failures.push(format!("trigger {:?}: nobody changed anything", t.text));
            }
            failures
        },
        extra: nothing_else,
    }
}

/// A public host's auth log: every hour or so a scanner tries a handful of user names for a
/// minute or two, as every host on the internet sees. At 13:50 one address starts guessing
/// passwords once a second and is still at it when the log ends at 14:00.
fn probing_then_attack() -> Labelled {
    let u = |h, mi| at(0.0, 2024, 10, 24, h, mi);
    let mut s = base(u(6, 0), u(14, 0), 0.0, chrono_tz::UTC, 100.0, 2_000, 145);
    let mut rng = crate::rng::Rng::new(145);
    let mut t = u(6, 10);
    let mut burst = 0u32;
    while t < u(13, 40) {
        let tries = 6 + rng.below(15);
        let address = format!(
            "{}.{}.{}.{}",
            45 + rng.below(150),
            rng.below(250),
            rng.below(250),
            1 + rng.below(250)
        );
        for k in 0..tries {
            let at = t + (k as i64) * (5 + rng.below(10) as i64) * MICROS_PER_SEC;
            s.scripted.push(sys(
                at,
                "sshd",
                20_000 + burst * 40 + k as u32,
                &format!(
                    "Failed password for invalid user {} from {address} port {} ssh2",
                    ["admin", "oracle", "test", "ubuntu", "git", "postgres"][(k % 6) as usize],
                    30_000 + rng.below(30_000)
                ),
            ));
        }
        burst += 1;
        t += (20 + rng.below(50) as i64) * MICROS_PER_MIN;
    }
    for k in 0..600 {
        let at = u(13, 50) + k * MICROS_PER_SEC;
        s.scripted.push(sys(
            at,
            "sshd",
            50_000 + (k as u32 % 90),
            &format!(
                "Failed password for root from 203.0.113.77 port {} ssh2",
                40_000 + k
            ),
        ));
    }
    Labelled {
        name: "probes all day, attack at the end",
        scenario: s,
        zone: "UTC",
        incidents: vec![Label {
            start: u(13, 50),
            end: u(14, 0),
            kind: Kind::Security,
            alert: None,
        }],
        actions: Vec::new(),
        tolerance_minutes: 2.0,
        story: |d: &Draft| {
            let Some(i) = d.incidents.iter().find(|i| i.kind == Kind::Security) else {
                return Vec::new();
            };
            let mut failures = Vec::new();
            if i.top_login_sources.first().map(|k| k.key.as_str()) != Some("203.0.113.77") {
                failures.push(format!(
                    "top addresses {:?}, expected 203.0.113.77 first",
                    i.top_login_sources
                        .iter()
                        .map(|k| &k.key)
                        .collect::<Vec<_>>()
                ));
            }
            if i.ongoing_at_end_of.is_none() {
                failures.push("the attack goes on to the end of the log: not ongoing".into());
            }
            failures
        },
        extra: nothing_else,
    }
}

/// PostgreSQL's log on the database host names its zone (EDT); the host's syslog, where the
/// restart that fixed things was run, names none. The web host beside it logs in UTC. The
/// syslog is read in the zone of its own host's database log, so the restart lands at 14:20
/// UTC, when the errors stopped, not four hours earlier.
fn zone_from_the_hosts_own_log() -> Labelled {
    let u = |h, mi| at(0.0, 2024, 10, 8, h, mi);
    let mut s = base(u(10, 0), u(17, 0), 0.0, chrono_tz::UTC, 150.0, 3_000, 147);
    s.incidents = vec![errors(u(14, 0), u(14, 20), 2)];
    Labelled {
        name: "zone from the host's own PostgreSQL log",
        scenario: s,
        zone: "",
        incidents: errors_label(u(14, 0), u(14, 20)),
        actions: vec!["systemctl restart postgresql"],
        tolerance_minutes: 2.0,
        story: |d: &Draft| {
            let Some(i) = d.incidents.first() else {
                return Vec::new();
            };
            let fixed_at = at(0.0, 2024, 10, 8, 14, 20);
            match &i.resolution_candidate {
                Some(r)
                    if r.text.contains("restart postgresql")
                        && (r.micros - fixed_at).abs() <= 2 * MICROS_PER_MIN =>
                {
                    Vec::new()
                }
                other => vec![format!(
                    "resolution {:?}, expected the restart of postgresql at 14:20 UTC",
                    other
                        .as_ref()
                        .map(|r| (&r.text, postmortem::time::format_utc(r.micros)))
                )],
            }
        },
        extra: |dir| {
            // EDT is UTC−4: the web host's 14:00 UTC is the database's 10:00.
            let edt = |h, mi| at(-4.0, 2024, 10, 8, h, mi);
            std::fs::create_dir_all(dir.join("db-1"))?;
            let mut pg = String::new();
            let mut t = edt(6, 0);
            while t < edt(13, 0) {
                let local = chrono::DateTime::from_timestamp(t / MICROS_PER_SEC - 4 * 3600, 0)
                    .unwrap_or_default();
                let _ = writeln!(
                    pg,
                    "{}.000 EDT [812] LOG:  checkpoint starting: time",
                    local.format("%Y-%m-%d %H:%M:%S")
                );
                if t >= edt(10, 0) && t < edt(10, 20) {
                    for s in [5, 25, 45] {
                        let _ = writeln!(
                            pg,
                            "{}.{s:03} EDT [{}] FATAL:  sorry, too many clients already",
                            (local + chrono::Duration::seconds(s)).format("%Y-%m-%d %H:%M:%S"),
                            9000 + s
                        );
                    }
                }
                t += MICROS_PER_MIN;
            }
            std::fs::write(dir.join("db-1/postgresql.log"), pg)?;
            let mut syslog = String::new();
            for m in (0..420).step_by(10) {
                let (h, mi) = (6 + m / 60, m % 60);
                let _ = writeln!(
                    syslog,
                    "Oct  8 {h:02}:{mi:02}:01 db-1 CRON[{}]: (postgres) CMD (/usr/local/bin/pg-metrics)",
                    7000 + m
                );
                if (h, mi) == (10, 20) {
                    let _ = writeln!(
                        syslog,
                        "Oct  8 10:20:05 db-1 sudo:       mo : TTY=pts/0 ; PWD=/home/mo ; USER=root ; COMMAND=/usr/bin/systemctl restart postgresql"
                    );
                }
            }
            std::fs::write(dir.join("db-1/syslog"), syslog)
        },
    }
}

/// Every scenario of this file.
pub fn all() -> Vec<Labelled> {
    vec![
        traceback_cause(),
        automatic_restart(),
        probing_then_attack(),
        zone_from_the_hosts_own_log(),
    ]
}
