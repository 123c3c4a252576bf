//! The bundled sample: the authentication outage of 2023-09-10 (UTC).
//!
//! 08:14 a config deploy points realm corp-eu at the wrong LDAP port; from 08:15 every request
//! of that realm's users (one in five) fails. An alert fires at 08:15:30. At 08:30 the
//! on-call engineer, seeing an SSH brute force in auth.log, suspects a breach and blocks
//! addresses (a false trail). At 09:30 the alert is escalated to the authentication team,
//! who roll the config back at 10:15; cached routes keep failing one affected user in four
//! until they expire at 11:30.

use crate::{
    IncidentPlan, Scenario, Scripted, Symptom, Target, alert_log_line, pagerduty_line, sudo_at,
    syslog_at,
};
use postmortem::time::{Civil, MICROS_PER_SEC, Micros};

fn at(hour: u32, minute: u32, second: u32) -> Micros {
    Civil {
        year: 2023,
        month: 9,
        day: 10,
        hour,
        minute,
        second,
        micros: 0,
    }
    .as_utc()
    .unwrap_or_default()
}

fn sys(t: Micros, program: &str, pid: u32, message: &str) -> Scripted {
    syslog_at(t, program, pid, message)
}

fn sudo(t: Micros, user: &str, tty: &str, pwd: &str, command: &str) -> Scripted {
    sudo_at(t, user, tty, pwd, command)
}

fn systemd_cycle(t: Micros, unit: &str, description: &str, verb: &str) -> Vec<Scripted> {
    let s = MICROS_PER_SEC;
    match verb {
        "reload" => vec![
            sys(
                t,
                "systemd",
                1,
                &format!("Reloading {unit} - {description}..."),
            ),
            sys(
                t + s,
                "systemd",
                1,
                &format!("Reloaded {unit} - {description}."),
            ),
        ],
        _ => vec![
            sys(
                t,
                "systemd",
                1,
                &format!("Stopping {unit} - {description}..."),
            ),
            sys(
                t + s,
                "systemd",
                1,
                &format!("{unit}: Deactivated successfully."),
            ),
            sys(
                t + s,
                "systemd",
                1,
                &format!("Stopped {unit} - {description}."),
            ),
            sys(
                t + s,
                "systemd",
                1,
                &format!("Starting {unit} - {description}..."),
            ),
            sys(
                t + 2 * s,
                "systemd",
                1,
                &format!("Started {unit} - {description}."),
            ),
        ],
    }
}

fn script() -> Vec<Scripted> {
    let mut s = Vec::new();
    let alert = |received, receiver, status, ends| Scripted {
        at: received,
        target: Target::Alert(alert_log_line(
            received,
            receiver,
            status,
            "HighAuthErrorRate",
            "authd",
            "More than 5% of authentication requests fail",
            at(8, 15, 30),
            ends,
            "4f2a9c1e7b3d8a60",
        )),
    };
    let disk = |received, status, ends| Scripted {
        at: received,
        target: Target::Alert(alert_log_line(
            received,
            "sre-oncall",
            status,
            "DiskSpaceLow",
            "backup-1",
            "Less than 10% disk space left on /var/backups",
            at(5, 10, 0),
            ends,
            "9c0d11e2aa7f3b45",
        )),
    };
    // Earlier, unrelated, and resolved long before: must not be taken as the detection.
    s.push(disk(at(5, 10, 4), "firing", None));
    s.push(disk(at(5, 41, 2), "resolved", Some(at(5, 40, 0))));
    s.push(sys(at(4, 2, 11), "sshd", 1822, "Accepted publickey for deploy from 10.0.0.9 port 50412 ssh2: ED25519 SHA256:kXr3o1v8cJ0mJmVjz3t6yQ2b9xq7aX1m0c2Q4l8YQpE"));
    s.push(sudo(
        at(5, 12, 40),
        "alice",
        "pts/0",
        "/home/alice",
        "/usr/bin/apt-get install -y htop",
    ));
    // 08:14 the deploy that breaks realm corp-eu.
    s.push(sys(at(8, 13, 58), "sshd", 3101, "Accepted publickey for deploy from 10.0.0.9 port 51730 ssh2: ED25519 SHA256:kXr3o1v8cJ0mJmVjz3t6yQ2b9xq7aX1m0c2Q4l8YQpE"));
    s.push(sudo(at(8, 14, 5), "deploy", "unknown", "/srv/authd", "/usr/bin/install -m 0644 /srv/authd/releases/20230910-0810/authd.yaml /etc/authd/authd.yaml"));
    s.push(sudo(
        at(8, 14, 20),
        "deploy",
        "unknown",
        "/srv/authd",
        "/usr/bin/systemctl reload authd",
    ));
    s.extend(systemd_cycle(
        at(8, 14, 20),
        "authd.service",
        "Authentication daemon",
        "reload",
    ));
    s.push(sys(at(8, 14, 21), "authd", 2211, "INFO config reloaded: 3 realms (corp-us, corp-eu, partners), ldap backends ldaps://ldap-us.internal:636, ldaps://ldap-eu.internal:6360"));
    s.push(alert(at(8, 15, 34), "sre-oncall", "firing", None));
    let page = |t, kind, agent, assignee| Scripted {
        at: t,
        target: Target::Page(pagerduty_line(
            kind,
            t,
            agent,
            "HighAuthErrorRate: more than 5% of authentication requests fail",
            "authd",
            "Q1AUTH0910",
            assignee,
        )),
    };
    s.push(page(
        at(8, 15, 36),
        "incident.triggered",
        None,
        Some("Alice Chen"),
    ));
    s.push(page(
        at(8, 18, 12),
        "incident.acknowledged",
        Some("Alice Chen"),
        None,
    ));
    s.push(page(
        at(9, 30, 2),
        "incident.reassigned",
        Some("Alice Chen"),
        Some("Authentication Services"),
    ));
    s.push(page(
        at(9, 33, 40),
        "incident.acknowledged",
        Some("Bob Ortiz"),
        None,
    ));
    s.push(page(
        at(11, 33, 5),
        "incident.resolved",
        Some("Bob Ortiz"),
        None,
    ));
    // 08:22 an SSH brute force from the internet, unrelated, but it is what the on-call sees.
    for k in 0..40u32 {
        let t = at(8, 22, 0) + i64::from(k) * 11 * MICROS_PER_SEC;
        let user = ["admin", "root", "oracle", "test", "ubuntu"][(k % 5) as usize];
        s.push(sys(
            t,
            "sshd",
            3300 + k,
            &format!(
                "Failed password for invalid user {user} from 192.0.2.23 port {} ssh2",
                40000 + k * 7
            ),
        ));
    }
    s.push(sudo(
        at(8, 30, 12),
        "alice",
        "pts/1",
        "/home/alice",
        "/usr/bin/grep -c Failed password /var/log/auth.log",
    ));
    s.push(sudo(
        at(8, 31, 40),
        "alice",
        "pts/1",
        "/home/alice",
        "/usr/bin/last -n 50",
    ));
    s.push(sudo(
        at(8, 34, 5),
        "alice",
        "pts/1",
        "/home/alice",
        "/usr/sbin/iptables -I INPUT -s 192.0.2.0/24 -j DROP",
    ));
    s.push(sudo(
        at(8, 41, 30),
        "alice",
        "pts/1",
        "/home/alice",
        "/usr/bin/fail2ban-client set sshd banip 192.0.2.23",
    ));
    s.push(sudo(
        at(8, 47, 10),
        "alice",
        "pts/1",
        "/home/alice",
        "/usr/local/bin/rotate-ldap-bind-secret --realm corp-eu",
    ));
    s.push(sys(
        at(8, 47, 12),
        "authd",
        2211,
        "INFO bind secret for realm corp-eu rotated",
    ));
    s.push(sudo(
        at(8, 52, 0),
        "alice",
        "pts/1",
        "/home/alice",
        "/usr/bin/systemctl restart fail2ban",
    ));
    s.extend(systemd_cycle(
        at(8, 52, 0),
        "fail2ban.service",
        "Fail2Ban Service",
        "restart",
    ));
    // 09:30 escalation: the alert is routed to the authentication team.
    s.push(alert(at(9, 30, 5), "auth-services-oncall", "firing", None));
    s.push(sys(at(9, 38, 44), "sshd", 3620, "Accepted publickey for bob from 10.0.0.14 port 53120 ssh2: ED25519 SHA256:Zt1q0v4wS7d1o9bqYw2nK3f8LxT6uR5cH0jE2mP9aVg"));
    s.push(sudo(
        at(9, 41, 0),
        "bob",
        "pts/2",
        "/home/bob",
        "/usr/bin/journalctl -u authd --since 08:00",
    ));
    s.push(sudo(
        at(9, 52, 30),
        "bob",
        "pts/2",
        "/etc/authd",
        "/usr/bin/diff /etc/authd/authd.yaml.bak-20230909 /etc/authd/authd.yaml",
    ));
    // 10:15 rollback to the last known good config.
    s.push(sudo(
        at(10, 15, 0),
        "bob",
        "pts/2",
        "/etc/authd",
        "/usr/bin/cp /etc/authd/authd.yaml.bak-20230909 /etc/authd/authd.yaml",
    ));
    s.push(sudo(
        at(10, 15, 10),
        "bob",
        "pts/2",
        "/etc/authd",
        "/usr/bin/systemctl restart authd",
    ));
    s.extend(systemd_cycle(
        at(10, 15, 10),
        "authd.service",
        "Authentication daemon",
        "restart",
    ));
    s.push(sys(at(10, 15, 13), "authd", 2214, "INFO realm route cache warm-started from /var/cache/authd/routes.db (1184 entries, ttl 75m)"));
    s.push(sys(at(11, 30, 0), "authd", 2214, "INFO route cache entries for realm corp-eu expired; re-resolved to ldaps://ldap-eu.internal:636"));
    s.push(alert(
        at(11, 33, 2),
        "sre-oncall",
        "resolved",
        Some(at(11, 31, 30)),
    ));
    s.push(alert(
        at(11, 33, 2),
        "auth-services-oncall",
        "resolved",
        Some(at(11, 31, 30)),
    ));
    // 12:40 a routine nginx reload (log rotation): not part of the incident.
    s.push(sudo(
        at(12, 39, 58),
        "alice",
        "pts/0",
        "/home/alice",
        "/usr/sbin/nginx -s reload",
    ));
    s.push(Scripted {
        at: at(12, 40, 0),
        target: Target::NginxError {
            level: "notice".into(),
            message: "812#812: signal process started".into(),
        },
    });
    s.push(Scripted {
        at: at(12, 40, 0),
        target: Target::NginxError {
            level: "notice".into(),
            message: "812#812: reconfiguring".into(),
        },
    });
    s
}

/// The sample scenario as written to `sample-logs/auth-outage`.
pub fn scenario() -> Scenario {
    Scenario {
        start: at(4, 0, 0),
        end: at(15, 0, 0),
        access_offset: 0,
        zone: chrono_tz::UTC,
        host: "auth-1".into(),
        server_name: "auth.example.com".into(),
        peak_rpm: 34.0,
        users: 600,
        baseline_error: 0.001,
        incidents: vec![IncidentPlan {
            symptom: Symptom::Errors,
            start: at(8, 15, 0),
            fix: at(10, 15, 15),
            end: at(11, 30, 0),
            affected_every: 5,
            tail_every: 4,
        }],
        health_checks: true,
        rotate_at: Some(at(6, 25, 0)),
        syslog_rfc3339: false,
        app_error: "ERROR realm=corp-eu user={user} bind to ldaps://ldap-eu.internal:6360 failed: connection refused".into(),
        scripted: script(),
        seed: 20230910,
        access_follows_zone: false,
        dark: Vec::new(),
    }
}

/// Minutes of the incident as labelled: start, fix (rollback), recovery.
pub fn labels() -> (Micros, Micros, Micros) {
    (at(8, 15, 0), at(10, 15, 0), at(11, 30, 0))
}
