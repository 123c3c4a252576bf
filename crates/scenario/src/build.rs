//! What the labelled scenarios are made of: the label (what really happened), the labelled
//! folder, and the small builders both the classic scenarios (`labelled`) and the shapes of
//! real folders (`shapes`) use.

use crate::{
    IncidentPlan, Scenario, Scripted, Symptom, Target, alert_log_line, sudo_at, syslog_at,
};
use postmortem::Kind;
use postmortem::time::{Civil, MICROS_PER_SEC, Micros};

/// An incident as it really happened.
#[derive(Debug, Clone)]
pub struct Label {
    pub start: Micros,
    pub end: Micros,
    pub kind: Kind,
    /// When the alert fired, if one did.
    pub alert: Option<Micros>,
}

#[derive(Debug, Clone)]
pub struct Labelled {
    pub name: &'static str,
    pub scenario: Scenario,
    /// The zone to pass as `--tz` (the server's clock).
    pub zone: &'static str,
    pub incidents: Vec<Label>,
    /// Text each of which must appear in some timeline item: the labelled actions.
    pub actions: Vec<&'static str>,
    /// How far (minutes) start and recovery may be off.
    pub tolerance_minutes: f64,
    /// Files written besides the scenario's own (another host's log, older unrelated logs),
    /// or removed from it (an alert-only folder).
    pub extra: fn(&std::path::Path) -> std::io::Result<()>,
    /// What the draft must tell beyond the windows and actions (which change is the trigger,
    /// which the fix, what is not a failure): each way it fails, in words.
    pub story: fn(&postmortem::timeline::Draft) -> Vec<String>,
}

pub fn nothing_else(_: &std::path::Path) -> std::io::Result<()> {
    Ok(())
}

/// No story beyond the windows and the actions.
pub fn no_story(_: &postmortem::timeline::Draft) -> Vec<String> {
    Vec::new()
}

impl Labelled {
    /// Writes the folder: the scenario's files, then the extras.
    pub fn write(&self, dir: &std::path::Path) -> std::io::Result<()> {
        self.scenario.write(dir)?;
        (self.extra)(dir)
    }
}

/// A civil time at a fixed UTC offset (hours east, may be fractional).
pub fn at(offset_hours: f64, y: i32, mo: u32, d: u32, h: u32, mi: u32) -> Micros {
    let civil = Civil {
        year: y,
        month: mo,
        day: d,
        hour: h,
        minute: mi,
        second: 0,
        micros: 0,
    };
    civil
        .with_offset((offset_hours * 3600.0) as i32)
        .unwrap_or_default()
}

pub fn sys(t: Micros, program: &str, pid: u32, message: &str) -> Scripted {
    syslog_at(t, program, pid, message)
}

pub fn sudo(t: Micros, user: &str, command: &str) -> Scripted {
    sudo_at(t, user, "pts/0", &format!("/home/{user}"), command)
}

/// A firing notice when the alert starts and a resolved one when it ends.
pub fn alert_pair(
    name: &str,
    service: &str,
    start: Micros,
    end: Micros,
    fingerprint: &str,
) -> Vec<Scripted> {
    let line = |received, status, ends| Scripted {
        at: received,
        target: Target::Alert(alert_log_line(
            received,
            "oncall",
            status,
            name,
            service,
            "error ratio above SLO burn",
            start,
            ends,
            fingerprint,
        )),
    };
    vec![
        line(start + 4 * MICROS_PER_SEC, "firing", None),
        line(
            end + 90 * MICROS_PER_SEC,
            "resolved",
            Some(end + 60 * MICROS_PER_SEC),
        ),
    ]
}

pub fn base(
    start: Micros,
    end: Micros,
    offset_hours: f64,
    zone: chrono_tz::Tz,
    peak_rpm: f64,
    users: u64,
    seed: u64,
) -> Scenario {
    Scenario {
        start,
        end,
        access_offset: (offset_hours * 3600.0) as i32,
        zone,
        host: "app-1".into(),
        server_name: "api.example.com".into(),
        peak_rpm,
        users,
        baseline_error: 0.002,
        incidents: Vec::new(),
        health_checks: true,
        rotate_at: None,
        syslog_rfc3339: false,
        app_error: "ERROR upstream pool exhausted for user={user}".into(),
        scripted: Vec::new(),
        seed,
        access_follows_zone: false,
        dark: Vec::new(),
    }
}

pub fn errors(start: Micros, end: Micros, affected_every: u64) -> IncidentPlan {
    IncidentPlan {
        symptom: Symptom::Errors,
        start,
        fix: end,
        end,
        affected_every,
        tail_every: 1,
    }
}
