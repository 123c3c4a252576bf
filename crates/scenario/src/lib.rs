//! Synthetic incidents: deterministic log folders with a known story, for the bundled
//! `sample-logs/`, the integration tests and the benchmarks.
//!
//! A [`Scenario`] describes traffic (requests a minute, users), an optional incident (who is
//! failing, when, and how it tails off after the fix), and scripted lines (what people and
//! machines wrote at given moments). [`Scenario::write`] renders it as the files a server
//! would have: nginx access (with a rotated `.gz`), nginx error, syslog and an alert log,
//! each stamped the way the real program stamps it (offsets, zone-less, year-less).

pub mod auth_outage;
pub mod build;
pub mod bulk;
pub mod causes;
pub mod labelled;
pub mod meaning;
pub mod rng;
pub mod shapes;

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use chrono_tz::Tz;

use postmortem::time::{MICROS_PER_MIN, MICROS_PER_SEC, Micros, offset_at, to_naive};
use rng::Rng;

/// What users of an incident see.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Symptom {
    /// Server errors (500/502/504).
    Errors,
    /// Success, this many times slower than usual.
    Slow(f64),
}

/// Which users fail, and when.
#[derive(Debug, Clone)]
pub struct IncidentPlan {
    pub symptom: Symptom,
    pub start: Micros,
    /// From here only `tail_every`-th affected users still fail.
    pub fix: Micros,
    pub end: Micros,
    /// One user in this many is affected during the main phase.
    pub affected_every: u64,
    /// After the fix, one affected user in this many still fails (1: all of them).
    pub tail_every: u64,
}

/// Where a scripted line goes.
#[derive(Debug, Clone)]
pub enum Target {
    /// `program[pid]: message` in syslog (pid 0 writes no pid).
    Syslog {
        program: String,
        pid: u32,
        message: String,
    },
    NginxError {
        level: String,
        message: String,
    },
    /// One line of the alert log, as written (JSON).
    Alert(String),
    /// One line of the paging system's webhook log (JSON).
    Page(String),
}

#[derive(Debug, Clone)]
pub struct Scripted {
    pub at: Micros,
    pub target: Target,
}

#[derive(Debug, Clone)]
pub struct Scenario {
    pub start: Micros,
    pub end: Micros,
    /// The fixed offset nginx writes in access lines, in seconds east of UTC.
    pub access_offset: i32,
    /// The zone of the server's clock, for zone-less files (syslog, nginx error log).
    pub zone: Tz,
    pub host: String,
    pub server_name: String,
    /// Requests a minute at the daily peak.
    pub peak_rpm: f64,
    pub users: u64,
    pub baseline_error: f64,
    pub incidents: Vec<IncidentPlan>,
    /// A load balancer's health check every 10 s (always healthy).
    pub health_checks: bool,
    /// Access lines before this instant go to `access.log.1.gz`.
    pub rotate_at: Option<Micros>,
    /// Syslog lines written with an RFC 3339 stamp instead of `Mon dd hh:mm:ss`.
    pub syslog_rfc3339: bool,
    /// Per-request authd error lines in syslog while the incident lasts.
    pub app_error: String,
    pub scripted: Vec<Scripted>,
    pub seed: u64,
    /// Access lines carry the zone's offset at each moment (daylight saving switches it)
    /// instead of `access_offset`.
    pub access_follows_zone: bool,
    /// Windows in which the host wrote nothing at all (it was down): no requests reached it
    /// and its syslog is silent, scripted lines aside.
    pub dark: Vec<(Micros, Micros)>,
}

const PATHS: [(&str, &str, u32); 5] = [
    ("POST", "/api/v1/login", 30),
    ("GET", "/api/v1/session", 35),
    ("POST", "/api/v1/token/refresh", 20),
    ("GET", "/api/v1/userinfo", 10),
    ("POST", "/api/v1/logout", 5),
];
const AGENTS: [&str; 4] = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 13_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    "okhttp/4.11.0",
];

/// The address user `n` connects from (documentation and shared-address ranges only).
pub fn user_address(n: u64) -> String {
    match n % 3 {
        0 => format!("198.51.100.{}", 1 + (n / 3) % 254),
        1 => format!("203.0.113.{}", 1 + (n / 3) % 254),
        _ => format!("100.64.{}.{}", (n / 762) % 250, 1 + (n / 3) % 254),
    }
}

fn month_abbr(m: u32) -> &'static str {
    [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ][(m as usize).saturating_sub(1) % 12]
}

/// Requests a minute over the day: low at night, peak mid-morning to afternoon (local time).
fn diurnal(local_hour: f64) -> f64 {
    let x = (local_hour - 14.0) / 24.0 * 2.0 * std::f64::consts::PI;
    0.55 + 0.45 * x.cos()
}

impl Scenario {
    fn local(&self, t: Micros) -> chrono::NaiveDateTime {
        let offset = offset_at(self.zone, t);
        to_naive(t + i64::from(offset) * MICROS_PER_SEC).unwrap_or_default()
    }

    fn syslog_stamp(&self, t: Micros) -> String {
        use chrono::{Datelike, Timelike};
        if self.syslog_rfc3339 {
            let offset = offset_at(self.zone, t);
            let local = self.local(t);
            let sign = if offset < 0 { '-' } else { '+' };
            return format!(
                "{}.{:06}{}{:02}:{:02}",
                local.format("%Y-%m-%dT%H:%M:%S"),
                (t.rem_euclid(MICROS_PER_SEC)),
                sign,
                offset.abs() / 3600,
                offset.abs() % 3600 / 60
            );
        }
        let l = self.local(t);
        format!(
            "{} {:>2} {:02}:{:02}:{:02}",
            month_abbr(l.month()),
            l.day(),
            l.hour(),
            l.minute(),
            l.second()
        )
    }

    fn access_stamp(&self, t: Micros) -> String {
        let o = if self.access_follows_zone {
            offset_at(self.zone, t)
        } else {
            self.access_offset
        };
        let local = to_naive(t + i64::from(o) * MICROS_PER_SEC).unwrap_or_default();
        let sign = if o < 0 { '-' } else { '+' };
        format!(
            "{} {}{:02}{:02}",
            local.format("%d/%b/%Y:%H:%M:%S"),
            sign,
            o.abs() / 3600,
            o.abs() % 3600 / 60
        )
    }

    fn error_stamp(&self, t: Micros) -> String {
        self.local(t).format("%Y/%m/%d %H:%M:%S").to_string()
    }

    fn syslog_line(&self, t: Micros, program: &str, pid: u32, message: &str) -> String {
        let tag = if pid == 0 {
            program.to_string()
        } else {
            format!("{program}[{pid}]")
        };
        format!(
            "{} {} {}: {}\n",
            self.syslog_stamp(t),
            self.host,
            tag,
            message
        )
    }

    /// What user `n` suffers at `t`, if anything.
    fn symptom(&self, n: u64, t: Micros) -> Option<Symptom> {
        self.incidents.iter().find_map(|plan| {
            let hit = t >= plan.start
                && t < plan.end
                && n.is_multiple_of(plan.affected_every)
                && (t < plan.fix || (n / plan.affected_every).is_multiple_of(plan.tail_every));
            hit.then_some(plan.symptom)
        })
    }

    /// Writes the scenario's files into `dir` (created if needed).
    pub fn write(&self, dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let mut rng = Rng::new(self.seed);
        let mut access_old = String::new();
        let mut access = String::new();
        let mut errors: Vec<(Micros, String)> = Vec::new();
        let mut syslog: Vec<(Micros, String)> = Vec::new();
        let mut alerts: Vec<(Micros, String)> = Vec::new();
        let mut pages: Vec<(Micros, String)> = Vec::new();
        let mut connection = 1000u64;
        let mut minute = self.start - self.start.rem_euclid(MICROS_PER_MIN);
        while minute < self.end {
            if self
                .dark
                .iter()
                .any(|(from, to)| minute >= *from && minute < *to)
            {
                minute += MICROS_PER_MIN;
                continue;
            }
            let hour = {
                use chrono::Timelike;
                let l = self.local(minute);
                f64::from(l.hour()) + f64::from(l.minute()) / 60.0
            };
            let mut stamps: Vec<Micros> = (0..rng.poisson(self.peak_rpm * diurnal(hour)))
                .map(|_| {
                    minute
                        + rng.below(MICROS_PER_MIN as u64) as i64 / MICROS_PER_SEC * MICROS_PER_SEC
                })
                .collect();
            // The load balancer's health check, every 10 s.
            let checks: Vec<Micros> = match self.health_checks {
                true => (0..6).map(|k| minute + k * 10 * MICROS_PER_SEC).collect(),
                false => Vec::new(),
            };
            stamps.extend(&checks);
            stamps.sort_unstable();
            for t in stamps {
                let target = if t < self.rotate_at.unwrap_or(i64::MIN) {
                    &mut access_old
                } else {
                    &mut access
                };
                let stamp = self.access_stamp(t);
                if checks.contains(&t) && rng.chance(0.999) {
                    let _ = writeln!(
                        target,
                        "10.0.0.2 - - [{stamp}] \"GET /healthz HTTP/1.1\" 200 2 \"-\" \"ELB-HealthChecker/2.0\" {:.3}",
                        0.001 + rng.unit() * 0.002
                    );
                    continue;
                }
                let user = rng.below(self.users);
                let weights: u32 = PATHS.iter().map(|p| p.2).sum();
                let mut roll = rng.below(u64::from(weights)) as u32;
                let &(method, path, _) = PATHS
                    .iter()
                    .find(|p| {
                        if roll < p.2 {
                            true
                        } else {
                            roll -= p.2;
                            false
                        }
                    })
                    .unwrap_or(&PATHS[0]);
                let client = user_address(user);
                let symptom = self.symptom(user, t);
                let (status, bytes, seconds) = if symptom == Some(Symptom::Errors) {
                    let status = *rng.pick(&[500, 500, 500, 502, 502, 504]);
                    connection += 1;
                    match status {
                        502 => errors.push((t, format!("[error] 812#812: *{connection} upstream prematurely closed connection while reading response header from upstream, client: {client}, server: {}, request: \"{method} {path} HTTP/1.1\", upstream: \"http://127.0.0.1:8080{path}\", host: \"{}\"", self.server_name, self.server_name))),
                        504 => errors.push((t, format!("[error] 812#812: *{connection} upstream timed out (110: Connection timed out) while reading response header from upstream, client: {client}, server: {}, request: \"{method} {path} HTTP/1.1\", upstream: \"http://127.0.0.1:8080{path}\", host: \"{}\"", self.server_name, self.server_name))),
                        _ => {}
                    }
                    if !self.app_error.is_empty() {
                        let message = self.app_error.replace("{user}", &format!("u{user:04}"));
                        syslog.push((t, self.syslog_line(t, "authd", 2211, &message)));
                    }
                    (status, 162, 3.0 + rng.unit() * 2.0)
                } else if rng.chance(self.baseline_error) {
                    (502, 166, 0.5)
                } else if path == "/api/v1/login" && rng.chance(0.04) {
                    (401, 74, 0.08)
                } else {
                    let bytes = 120 + rng.below(800);
                    let seconds = 0.01 + rng.unit() * 0.09;
                    match symptom {
                        Some(Symptom::Slow(factor)) => (200, bytes, seconds * factor),
                        _ => (200, bytes, seconds),
                    }
                };
                let agent = AGENTS[(user % AGENTS.len() as u64) as usize];
                let _ = writeln!(
                    target,
                    "{client} - - [{stamp}] \"{method} {path} HTTP/1.1\" {status} {bytes} \"https://{}/login\" \"{agent}\" {seconds:.3}",
                    self.server_name
                );
            }
            if minute.rem_euclid(10 * MICROS_PER_MIN) == 0 {
                let t = minute + MICROS_PER_SEC;
                syslog.push((
                    t,
                    self.syslog_line(
                        t,
                        "CRON",
                        4000 + (minute / MICROS_PER_MIN % 900) as u32,
                        "(root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)",
                    ),
                ));
            }
            if minute.rem_euclid(60 * MICROS_PER_MIN) == 17 * MICROS_PER_MIN {
                let t = minute + 2 * MICROS_PER_SEC;
                syslog.push((
                    t,
                    self.syslog_line(
                        t,
                        "CRON",
                        5100,
                        "(root) CMD (   cd / && run-parts --report /etc/cron.hourly)",
                    ),
                ));
            }
            if rng.chance(0.05) {
                let t = minute + 30 * MICROS_PER_SEC;
                syslog.push((
                    t,
                    self.syslog_line(
                        t,
                        "authd",
                        2211,
                        &format!(
                            "INFO stats: {} sessions active, ldap pool 8/8 healthy",
                            200 + rng.below(400)
                        ),
                    ),
                ));
            }
            minute += MICROS_PER_MIN;
        }
        for s in &self.scripted {
            match &s.target {
                Target::Syslog {
                    program,
                    pid,
                    message,
                } => syslog.push((s.at, self.syslog_line(s.at, program, *pid, message))),
                Target::NginxError { level, message } => {
                    errors.push((s.at, format!("[{level}] {message}")))
                }
                Target::Alert(json) => alerts.push((s.at, format!("{json}\n"))),
                Target::Page(json) => pages.push((s.at, format!("{json}\n"))),
            }
        }
        let sorted = |mut lines: Vec<(Micros, String)>| {
            lines.sort_by_key(|l| l.0);
            lines
        };
        let error_text: String = sorted(errors)
            .into_iter()
            .map(|(t, l)| format!("{} {l}\n", self.error_stamp(t)))
            .collect();
        let syslog_text: String = sorted(syslog).into_iter().map(|l| l.1).collect();
        let alert_text: String = sorted(alerts).into_iter().map(|l| l.1).collect();
        let page_text: String = sorted(pages).into_iter().map(|l| l.1).collect();
        std::fs::create_dir_all(dir.join("nginx"))?;
        std::fs::write(dir.join("nginx/access.log"), access)?;
        if !access_old.is_empty() {
            // Rotated by logrotate with delaycompress off: one gzip member, no name in header.
            let file = std::fs::File::create(dir.join("nginx/access.log.1.gz"))?;
            let mut gz = flate2::GzBuilder::new()
                .mtime(0)
                .write(file, flate2::Compression::default());
            gz.write_all(access_old.as_bytes())?;
            gz.finish()?;
        }
        std::fs::write(dir.join("nginx/error.log"), error_text)?;
        std::fs::write(dir.join("syslog"), syslog_text)?;
        if !alert_text.is_empty() {
            std::fs::create_dir_all(dir.join("alerts"))?;
            std::fs::write(dir.join("alerts/alertmanager.ndjson"), alert_text)?;
        }
        if !page_text.is_empty() {
            std::fs::create_dir_all(dir.join("alerts"))?;
            std::fs::write(dir.join("alerts/pagerduty.ndjson"), page_text)?;
        }
        Ok(())
    }
}

/// A scripted syslog line.
pub fn syslog_at(at: Micros, program: &str, pid: u32, message: &str) -> Scripted {
    Scripted {
        at,
        target: Target::Syslog {
            program: program.into(),
            pid,
            message: message.into(),
        },
    }
}

/// A scripted sudo line, as sudo writes it (`    user : TTY=… ; PWD=… ; USER=root ; COMMAND=…`).
pub fn sudo_at(at: Micros, user: &str, tty: &str, pwd: &str, command: &str) -> Scripted {
    syslog_at(
        at,
        "sudo",
        0,
        &format!("{user:>8} : TTY={tty} ; PWD={pwd} ; USER=root ; COMMAND={command}"),
    )
}

/// An Alertmanager webhook body as a receiver logs it: `{"time": …, "body": {…}}`.
#[allow(clippy::too_many_arguments)]
pub fn alert_log_line(
    received: Micros,
    receiver: &str,
    status: &str,
    name: &str,
    service: &str,
    summary: &str,
    starts: Micros,
    ends: Option<Micros>,
    fingerprint: &str,
) -> String {
    let rfc = |t: Micros| postmortem::time::format_utc(t);
    let ends = ends.map_or_else(|| "0001-01-01T00:00:00Z".to_string(), rfc);
    serde_json::json!({
        "time": rfc(received),
        "body": {
            "version": "4",
            "groupKey": format!("{{}}:{{alertname=\"{name}\"}}"),
            "status": status,
            "receiver": receiver,
            "groupLabels": {"alertname": name},
            "commonLabels": {"alertname": name, "service": service, "severity": "page"},
            "commonAnnotations": {"summary": summary},
            "externalURL": "http://alertmanager.internal:9093",
            "alerts": [{
                "status": status,
                "labels": {"alertname": name, "service": service, "severity": "page"},
                "annotations": {"summary": summary},
                "startsAt": rfc(starts),
                "endsAt": ends,
                "generatorURL": "http://prometheus.internal:9090/graph",
                "fingerprint": fingerprint
            }]
        }
    })
    .to_string()
}

/// A PagerDuty V3 webhook body (`incident.triggered`, `incident.acknowledged`, …) as one line.
pub fn pagerduty_line(
    event_type: &str,
    at: Micros,
    agent: Option<&str>,
    title: &str,
    service: &str,
    incident: &str,
    assignee: Option<&str>,
) -> String {
    let reference = |name: &str, kind: &str| serde_json::json!({"summary": name, "type": kind});
    serde_json::json!({
        "event": {
            "id": format!("01{incident}{}", at / 1_000_000),
            "event_type": event_type,
            "resource_type": "incident",
            "occurred_at": postmortem::time::format_utc(at),
            "agent": agent.map(|a| reference(a, "user_reference")),
            "data": {
                "id": incident,
                "type": "incident",
                "title": title,
                "service": reference(service, "service_reference"),
                "assignees": assignee.map(|a| vec![reference(a, "user_reference")]).unwrap_or_default(),
                "urgency": "high"
            }
        }
    })
    .to_string()
}
