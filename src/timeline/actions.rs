//! Actions as timeline items: what people (and systemd, the kernel) did in a window, each with
//! its effect on the error rate, and systemd's echo of a sudo folded into the sudo.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::{ItemKind, Repeats, TimelineItem, item, source};
use crate::aggregate::{Action, ActionKind, Event, EventBody};
use crate::detect::Bin;
use crate::detect::effect::effect;
use crate::pipeline::Analysis;
use crate::time::{MICROS_PER_MIN, MICROS_PER_SEC, Micros};

/// systemd lines this soon after a sudo on the same unit confirm it rather than add to it.
const CONFIRM_WITHIN: Micros = MICROS_PER_MIN;

pub(crate) fn action_text(a: &Action) -> String {
    match &a.actor {
        Some(actor) => format!("{actor}: {}", a.text),
        None => a.text.clone(),
    }
}

/// A unit that systemd starts more often than this, with nobody asking, runs on a timer:
/// its lines are routine, not actions.
const ROUTINE_STARTS: usize = 6;

/// Jobs every distribution schedules (systemd timers, cron.daily's work): log rotation,
/// package lists, manual indexes, session clean-up, disk trims, statistics. Never a trigger
/// or a fix, whenever they run.
const SCHEDULED_JOBS: [&str; 22] = [
    "logrotate",
    "apt-daily",
    "apt-daily-upgrade",
    "man-db",
    "phpsessionclean",
    "anacron",
    "systemd-tmpfiles-clean",
    "fstrim",
    "e2scrub_all",
    "e2scrub_reap",
    "dpkg-db-backup",
    "motd-news",
    "sysstat-collect",
    "sysstat-summary",
    "plocate-updatedb",
    "mlocate",
    "updatedb",
    "logwatch",
    "certbot",
    "ua-timer",
    "update-notifier-download",
    "fwupd-refresh",
];

/// Whether a unit is a job every host runs on a schedule (see [`SCHEDULED_JOBS`]).
pub fn is_scheduled_job(unit: &str) -> bool {
    let name = unit
        .strip_suffix(".service")
        .or_else(|| unit.strip_suffix(".timer"))
        .unwrap_or(unit);
    SCHEDULED_JOBS.contains(&name)
}

/// Units started by nobody in particular more than `ROUTINE_STARTS` times, and the scheduled
/// jobs of [`SCHEDULED_JOBS`] however often they ran.
pub fn routine_units(events: &[&Event]) -> HashSet<String> {
    let mut starts: HashMap<&str, usize> = HashMap::new();
    for e in events {
        if let EventBody::Action(a) = &e.body
            && a.actor.is_none()
            && a.kind == ActionKind::Start
            && let Some(unit) = &a.subject
        {
            *starts.entry(unit.as_str()).or_default() += 1;
        }
    }
    let mut routine: HashSet<String> = starts
        .iter()
        .filter(|(_, n)| **n > ROUTINE_STARTS)
        .map(|(u, _)| u.to_string())
        .collect();
    for e in events {
        if let EventBody::Action(a) = &e.body
            && a.actor.is_none()
            && let Some(unit) = &a.subject
            && is_scheduled_job(unit)
        {
            routine.insert(unit.clone());
        }
    }
    routine
}

/// What the timeline needs to turn events into action items.
pub struct Actions<'a> {
    /// What the read stage learnt.
    pub analysis: &'a Analysis,
    /// Every kept event, in time order.
    pub events: &'a [&'a Event],
    /// The signal effects are judged on.
    pub bins: &'a [Bin],
    /// Width of the time bins, in microseconds.
    pub bin_width: Micros,
    /// Units restarted on a schedule.
    pub routine: &'a HashSet<String>,
}

/// Human and system actions in `[from, to]`, with systemd's echoes of a sudo folded into it.
pub fn actions_between(ctx: &Actions, from: Micros, to: Micros) -> Vec<TimelineItem> {
    let (analysis, bins, bin_width) = (ctx.analysis, ctx.bins, ctx.bin_width);
    let mut items: Vec<TimelineItem> = Vec::new();
    let mut automatic: BTreeMap<(ActionKind, Option<String>), Vec<&Event>> = BTreeMap::new();
    for e in ctx.events.iter().filter(|e| e.time >= from && e.time <= to) {
        let EventBody::Action(a) = &e.body else {
            continue;
        };
        if a.actor.is_none()
            && matches!(
                a.kind,
                ActionKind::Start | ActionKind::Stop | ActionKind::Reload | ActionKind::Restart
            )
            && let Some(unit) = &a.subject
            && let Some(parent) = items.iter_mut().rev().find(|i| {
                e.time - i.micros <= CONFIRM_WITHIN
                    && i.actor.is_some()
                    && i.action.is_some_and(|k| k.is_change())
                    && i.text
                        .contains(unit.strip_suffix(".service").unwrap_or(unit))
            })
        {
            parent.confirmed_by.push(source(analysis, e.source));
            continue;
        }
        let routine =
            a.actor.is_none() && a.subject.as_ref().is_some_and(|u| ctx.routine.contains(u));
        if routine || !a.kind.is_human() {
            automatic
                .entry((a.kind, a.subject.clone()))
                .or_default()
                .push(e);
            continue;
        }
        let mut it = item(analysis, e.time, ItemKind::Action, action_text(a), e.source);
        it.action = Some(a.kind);
        it.actor = a.actor.clone();
        // Looking changes nothing: an investigation has no effect to show.
        if a.kind != ActionKind::Investigate {
            it.effect = Some(effect(bins, e.time.div_euclid(bin_width)));
        }
        items.push(it);
    }
    for ((kind, subject), events) in automatic {
        items.push(what_the_system_did(
            analysis,
            kind,
            subject.as_deref(),
            &events,
        ));
    }
    items.sort_by_key(|i| i.micros);
    items
}

/// What the system did on its own (the kernel's OOM killer, systemd restarting a unit that
/// failed, a cluster failing over, a boot, a scheduled job): evidence of what happened, not an
/// action anyone took, so no effect is judged and it is never named trigger or fix. One event
/// is its own line; a repeated one is one row that counts them and cites the first and the
/// last.
fn what_the_system_did(
    analysis: &Analysis,
    kind: ActionKind,
    subject: Option<&str>,
    events: &[&Event],
) -> TimelineItem {
    let (first, last) = (events[0], events[events.len() - 1]);
    let text = match &first.body {
        EventBody::Action(a) => action_text(a),
        _ => String::new(),
    };
    let mut it = item(analysis, first.time, ItemKind::Evidence, text, first.source);
    it.action = Some(kind);
    if events.len() > 1 {
        let (one, many) = match kind {
            ActionKind::OomKill => ("OOM kill", "OOM kills"),
            ActionKind::ServiceFailed => (
                "failure or automatic restart",
                "failures or automatic restarts",
            ),
            ActionKind::Failover => ("failover", "failovers"),
            ActionKind::Boot => ("boot", "boots"),
            ActionKind::Start => ("start", "starts"),
            ActionKind::Stop => ("stop", "stops"),
            ActionKind::Restart => ("restart", "restarts"),
            ActionKind::Reload => ("reload", "reloads"),
            _ => ("event", "events"),
        };
        let over = (last.time - first.time) / MICROS_PER_SEC;
        let of = subject.map_or(String::new(), |s| format!(" of {s}"));
        let last_at = source(analysis, last.source);
        it.text = format!(
            "{}{of} over {} (first cited, last at {}:{}): {}",
            crate::name::count(events.len(), one, many),
            crate::time::duration_text(over),
            last_at.file,
            last_at.line,
            it.text
        );
        it.repeats = Some(Repeats {
            count: events.len() as u64,
            over_seconds: over,
            last: last_at,
        });
    }
    it
}
