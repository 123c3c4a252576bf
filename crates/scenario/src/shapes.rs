//! Labelled scenarios for the shapes real folders have (issue: trustworthy drafts on real,
//! mixed folders): low-traffic total outages, a host gone dark, a flapping service, a gradual
//! ramp, a daylight-saving fold with actions on both sides, an alert-only folder, a brute
//! force, a cascade whose first error is in another host's log, a deploy marker before a
//! reload, and unrelated logs from other years beside a healthy day.

use crate::build::{
    Label, Labelled, alert_pair, at, base, errors, no_story, nothing_else, sudo, sys,
};
use postmortem::Kind;
use postmortem::time::{MICROS_PER_MIN, MICROS_PER_SEC, Micros};

fn label(start: Micros, end: Micros, kind: Kind, alert: Option<Micros>) -> Label {
    Label {
        start,
        end,
        kind,
        alert,
    }
}

/// 6 requests a minute, every request fails for 20 minutes: the outage is a third of the data
/// around it, so a baseline pooled over everything would hide it.
fn low_traffic_total_outage() -> Labelled {
    let u = |h, mi| at(0.0, 2024, 4, 2, h, mi);
    let mut s = base(u(9, 0), u(10, 30), 0.0, chrono_tz::UTC, 6.0, 60, 41);
    s.health_checks = false;
    s.incidents = vec![errors(u(9, 40), u(10, 0), 1)];
    s.scripted = vec![sudo(u(10, 0), "ivan", "/usr/bin/systemctl restart api")];
    Labelled {
        name: "6 req/min, total outage",
        scenario: s,
        zone: "UTC",
        incidents: vec![label(u(9, 40), u(10, 0), Kind::Errors, None)],
        actions: vec!["systemctl restart api"],
        tolerance_minutes: 3.0,
        story: no_story,
        extra: nothing_else,
    }
}

/// The host wrote nothing for 26 minutes, then booted: no error line at all.
fn host_gone_dark() -> Labelled {
    let u = |h, mi| at(0.0, 2024, 4, 9, h, mi);
    let mut s = base(u(6, 0), u(14, 0), 0.0, chrono_tz::UTC, 60.0, 800, 43);
    s.health_checks = false;
    s.dark = vec![(u(10, 4), u(10, 30))];
    s.scripted = vec![
        sys(
            u(10, 29) + 5 * MICROS_PER_SEC,
            "kernel",
            0,
            "[    0.000000] Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0) #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)",
        ),
        sys(
            u(10, 29) + 50 * MICROS_PER_SEC,
            "systemd",
            1,
            "Started api.service - API server.",
        ),
    ];
    Labelled {
        name: "host gone dark 26 min",
        scenario: s,
        zone: "UTC",
        incidents: vec![label(u(10, 4), u(10, 30), Kind::TrafficLoss, None)],
        actions: vec!["Linux version 6.1.0-18-amd64"],
        tolerance_minutes: 2.0,
        story: |d| {
            // The service started again just before the traffic came back: that is the fix.
            let fix = d
                .incidents
                .first()
                .and_then(|i| i.resolution_candidate.as_ref());
            match fix {
                Some(f) if f.text.contains("Started api.service") => Vec::new(),
                other => vec![format!(
                    "fix {:?}, expected the service's start",
                    other.map(|f| &f.text)
                )],
            }
        },
        extra: nothing_else,
    }
}

/// Errors come and go every five minutes for 40 minutes: one incident, not eight.
fn flapping() -> Labelled {
    let u = |h, mi| at(0.0, 2024, 5, 14, h, mi);
    let mut s = base(u(7, 0), u(13, 0), 0.0, chrono_tz::UTC, 200.0, 3_000, 47);
    s.incidents = (0..4)
        .map(|k| errors(u(10, 10 * k), u(10, 10 * k + 5), 2))
        .collect();
    s.scripted = vec![sudo(u(10, 35), "judy", "/usr/bin/systemctl restart api")];
    Labelled {
        name: "flapping, one incident",
        scenario: s,
        zone: "UTC",
        incidents: vec![label(u(10, 0), u(10, 35), Kind::Errors, None)],
        actions: vec!["systemctl restart api"],
        tolerance_minutes: 2.0,
        story: no_story,
        extra: nothing_else,
    }
}

/// A ramp: one user in 20 fails, then one in 6, then one in 2, then all, until a rollback.
fn gradual_ramp() -> Labelled {
    let u = |h, mi| at(-7.0, 2024, 6, 4, h, mi);
    let mut s = base(
        u(6, 0),
        u(14, 0),
        -7.0,
        chrono_tz::America::Los_Angeles,
        150.0,
        3_000,
        53,
    );
    s.incidents = [(0, 20), (10, 6), (20, 2), (30, 1)]
        .into_iter()
        .map(|(m, every)| errors(u(10, m), u(11, 0), every))
        .collect();
    s.scripted = vec![sudo(
        u(11, 0),
        "kim",
        "/usr/bin/cp /etc/api/api.yaml.bak /etc/api/api.yaml",
    )];
    Labelled {
        name: "gradual ramp, Los Angeles",
        scenario: s,
        zone: "America/Los_Angeles",
        incidents: vec![label(u(10, 0), u(11, 0), Kind::Errors, None)],
        actions: vec!["api.yaml.bak"],
        tolerance_minutes: 3.0,
        story: no_story,
        extra: nothing_else,
    }
}

/// The night clocks go back in Berlin: the access log switches from +0200 to +0100, the
/// syslog is zone-less and no `--tz` is given. A restart in the first 02:xx hour changes
/// nothing; the fix lands at 02:25 of the second. Read with one fixed offset, the fix would
/// come an hour early and look like the trigger.
fn dst_fold() -> Labelled {
    let utc = |h, mi| at(0.0, 2024, 10, 27, h, mi);
    let mut s = base(
        utc(20, 0) - 24 * 60 * MICROS_PER_MIN,
        utc(6, 0),
        2.0,
        chrono_tz::Europe::Berlin,
        120.0,
        2_000,
        59,
    );
    s.access_follows_zone = true;
    // 02:20 CEST = 00:20Z; 02:25 CET = 01:25Z.
    s.incidents = vec![errors(utc(0, 20), utc(1, 25), 3)];
    s.scripted = vec![
        sudo(utc(0, 45), "lena", "/usr/bin/systemctl restart api"),
        sudo(
            utc(1, 25),
            "lena",
            "/usr/bin/cp /etc/api/pool.yaml.bak /etc/api/pool.yaml",
        ),
    ];
    Labelled {
        name: "DST fold, Berlin, zone inferred",
        scenario: s,
        zone: "",
        incidents: vec![label(utc(0, 20), utc(1, 25), Kind::Errors, None)],
        actions: vec!["systemctl restart api", "pool.yaml.bak"],
        tolerance_minutes: 2.0,
        story: no_story,
        extra: nothing_else,
    }
}

/// Only the alert payloads were copied: the alerts fired and resolved.
fn alert_only() -> Labelled {
    let u = |h, mi| at(0.0, 2024, 7, 1, h, mi);
    let mut s = base(u(8, 0), u(8, 1), 0.0, chrono_tz::UTC, 0.0, 10, 61);
    s.health_checks = false;
    s.scripted = alert_pair("DiskFull", "db", u(9, 12), u(9, 48), "dd04");
    Labelled {
        name: "alert-only folder",
        scenario: s,
        zone: "UTC",
        incidents: vec![label(u(9, 12), u(9, 49), Kind::Errors, Some(u(9, 12)))],
        actions: Vec::new(),
        tolerance_minutes: 2.0,
        story: no_story,
        extra: |dir| {
            std::fs::remove_dir_all(dir.join("nginx"))?;
            std::fs::remove_file(dir.join("syslog"))
        },
    }
}

/// sshd under a password-guessing burst for 15 minutes; the service is fine.
fn brute_force() -> Labelled {
    let u = |h, mi| at(0.0, 2024, 8, 20, h, mi);
    let mut s = base(u(6, 0), u(12, 0), 0.0, chrono_tz::UTC, 100.0, 2_000, 67);
    for k in 0..900 {
        let t = u(9, 0) + k * MICROS_PER_SEC;
        s.scripted.push(sys(
            t,
            "sshd",
            40_000 + (k as u32 % 50),
            &format!(
                "Failed password for invalid user admin{} from 192.0.2.{} port {} ssh2",
                k % 7,
                k % 200,
                40_000 + k
            ),
        ));
    }
    Labelled {
        name: "brute force, service fine",
        scenario: s,
        zone: "UTC",
        incidents: vec![label(u(9, 0), u(9, 15), Kind::Security, None)],
        actions: Vec::new(),
        tolerance_minutes: 2.0,
        story: no_story,
        extra: nothing_else,
    }
}

/// The database host ran out of disk 40 s before the first 502 on the web host; a deploy
/// marker 20 minutes before that is not the trigger of a disk filling up, but it is the only
/// change: cited, with the PANIC as the first error.
fn cascade() -> Labelled {
    let u = |h, mi| at(0.0, 2024, 9, 3, h, mi);
    let mut s = base(u(6, 0), u(12, 0), 0.0, chrono_tz::UTC, 150.0, 3_000, 71);
    s.incidents = vec![errors(u(9, 30), u(10, 10), 2)];
    s.scripted = vec![
        sys(
            u(9, 8),
            "deploy",
            3121,
            "deploying shop-api release v2.31.0 to app-1 (requested by ci-bot)",
        ),
        sudo(u(9, 9), "ci-bot", "/usr/bin/systemctl reload api"),
        sudo(u(10, 10), "mo", "/usr/bin/systemctl restart postgresql"),
    ];
    Labelled {
        name: "cascade from another host",
        scenario: s,
        zone: "UTC",
        incidents: vec![label(u(9, 30), u(10, 10), Kind::Errors, None)],
        actions: vec![
            "PANIC:  could not write to file",
            "deploying shop-api release v2.31.0",
            "systemctl restart postgresql",
        ],
        tolerance_minutes: 2.0,
        story: no_story,
        extra: |dir| {
            std::fs::create_dir_all(dir.join("db-1"))?;
            let mut text = String::new();
            for m in 0..180 {
                // 2024-09-03 08:00 UTC onwards, one checkpoint line every minute.
                text.push_str(&format!(
                    "Sep  3 {:02}:{:02}:00 db-1 postgres[812]: LOG:  checkpoint complete: wrote {} buffers\n",
                    8 + m / 60,
                    m % 60,
                    100 + m
                ));
                if m == 89 {
                    text.push_str("Sep  3 09:29:20 db-1 postgres[812]: PANIC:  could not write to file \"pg_wal/xlogtemp.812\": No space left on device\n");
                }
            }
            std::fs::write(dir.join("db-1/syslog"), text)
        },
    }
}

/// A healthy day beside logs copied from other years (an Apache error log of 2019 with a
/// few errors a day, a secure log of 2021): no incident may span the years between them.
fn unrelated_years() -> Labelled {
    let l = |h, mi| at(0.0, 2024, 3, 12, h, mi);
    let s = base(l(6, 0), l(18, 0), 0.0, chrono_tz::UTC, 100.0, 2_000, 73);
    Labelled {
        name: "unrelated logs of other years",
        scenario: s,
        zone: "UTC",
        incidents: Vec::new(),
        actions: Vec::new(),
        tolerance_minutes: 2.0,
        story: no_story,
        extra: |dir| {
            std::fs::create_dir_all(dir.join("old"))?;
            let mut apache = String::new();
            for h in 0..24 {
                apache.push_str(&format!("[Tue Jun 11 {h:02}:14:02.123456 2019] [proxy:error] [pid 812:tid 9] (111)Connection refused: AH00957: http: attempt to connect to 127.0.0.1:8080 (127.0.0.1) failed\n"));
                apache.push_str(&format!("[Tue Jun 11 {h:02}:30:00.000000 2019] [mpm_event:notice] [pid 700:tid 1] AH00489: Apache/2.4.38 configured -- resuming normal operations\n"));
            }
            std::fs::write(dir.join("old/error_log"), apache)?;
            let mut secure = String::new();
            for m in 0..300 {
                secure.push_str(&format!(
                    "2021-02-0{}T{:02}:{:02}:11+00:00 bastion sshd[{}]: Accepted publickey for deploy from 10.0.0.5 port 5{m:04} ssh2\n",
                    1 + m / 100,
                    (m % 100) / 10,
                    m % 60,
                    1000 + m
                ));
            }
            std::fs::write(dir.join("old/secure"), secure)
        },
    }
}

/// Every shape above.
pub fn all() -> Vec<Labelled> {
    vec![
        low_traffic_total_outage(),
        host_gone_dark(),
        flapping(),
        gradual_ramp(),
        dst_fold(),
        alert_only(),
        brute_force(),
        cascade(),
        unrelated_years(),
    ]
}
