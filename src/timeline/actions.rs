//! Actions as timeline items: what people (and systemd, the kernel) did in a window, each with
//! its effect on the error rate, and systemd's echo of a sudo folded into the sudo.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::model::{ItemKind, Repeats, TimelineItem};
use super::parts::{item, source};
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

/// How long after systemd schedules a restart of a failed unit its `Stopped`/`Started` lines
/// may come (`RestartSec=` is 100 ms by default; a slow start takes longer).
const RESTART_WITHIN: Micros = 2 * MICROS_PER_MIN;
/// Events looked back at for that line.
const RESTART_LOOK_BACK: usize = 64;

/// Whether `events[i]` is systemd carrying out a restart it scheduled itself: a start or stop
/// of a unit nobody named, after that unit's `Scheduled restart job` line.
pub(crate) fn restarted_by_system(events: &[&Event], i: usize) -> bool {
    let e = events[i];
    let EventBody::Action(a) = &e.body else {
        return false;
    };
    if a.actor.is_some()
        || a.subject.is_none()
        || !matches!(
            a.kind,
            ActionKind::Start | ActionKind::Stop | ActionKind::Restart
        )
    {
        return false;
    }
    // systemd writes the scheduled restart a few lines before it: a bounded look back keeps a
    // minute of 100,000 unit lines from costing 100,000² comparisons.
    events[..i]
        .iter()
        .rev()
        .take(RESTART_LOOK_BACK)
        .take_while(|p| e.time - p.time <= RESTART_WITHIN)
        .any(|p| {
            matches!(&p.body, EventBody::Action(b)
                if b.kind == ActionKind::ServiceFailed
                    && b.subject == a.subject
                    && b.text.contains("Scheduled restart job"))
        })
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
pub(crate) fn is_scheduled_job(unit: &str) -> bool {
    let name = unit
        .strip_suffix(".service")
        .or_else(|| unit.strip_suffix(".timer"))
        .unwrap_or(unit);
    SCHEDULED_JOBS.contains(&name)
}

/// Units started by nobody in particular more than `ROUTINE_STARTS` times, and the scheduled
/// jobs of [`SCHEDULED_JOBS`] however often they ran.
pub(crate) fn routine_units(events: &[&Event]) -> HashSet<String> {
    let mut starts: HashMap<&str, usize> = HashMap::new();
    // A crash loop's restarts are not a timer's.
    for (i, e) in events.iter().enumerate() {
        if let EventBody::Action(a) = &e.body
            && !restarted_by_system(events, i)
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
pub(crate) fn actions_between(ctx: &Actions, from: Micros, to: Micros) -> Vec<TimelineItem> {
    let (analysis, bins, bin_width) = (ctx.analysis, ctx.bins, ctx.bin_width);
    let mut items: Vec<TimelineItem> = Vec::new();
    let mut automatic: BTreeMap<(ActionKind, Option<String>), Vec<&Event>> = BTreeMap::new();
    for (i, e) in ctx.events.iter().enumerate() {
        if e.time < from || e.time > to {
            continue;
        }
        let EventBody::Action(a) = &e.body else {
            continue;
        };
        if restarted_by_system(ctx.events, i) {
            // The stop is half of the restart its start completes.
            if a.kind != ActionKind::Stop {
                automatic
                    .entry((ActionKind::AutomaticRestart, a.subject.clone()))
                    .or_default()
                    .push(e);
            }
            continue;
        }
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
        let kind = match a.kind {
            ActionKind::Investigate => ItemKind::Investigation,
            _ => ItemKind::Action,
        };
        let mut it = item(analysis, e.time, kind, action_text(a), e.source);
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
    let text = match (kind, subject) {
        (ActionKind::AutomaticRestart, Some(unit)) if events.len() == 1 => {
            format!("systemd restarted {unit} on its own (automatic restart): {text}")
        }
        _ => text,
    };
    let mut it = item(analysis, first.time, ItemKind::Evidence, text, first.source);
    it.action = Some(kind);
    if events.len() > 1 {
        let (one, many) = match kind {
            ActionKind::OomKill => ("OOM kill", "OOM kills"),
            ActionKind::ServiceFailed => (
                "failure or scheduled restart",
                "failures or scheduled restarts",
            ),
            ActionKind::Failover => ("failover", "failovers"),
            ActionKind::AutomaticRestart => ("automatic restart", "automatic restarts"),
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

/// The restart systemd made on its own that the recovery came with: the last one from five
/// minutes before the rate was back (`until`) to two bins after, when the error rate fell
/// after it. A crash loop ends with the restart that held; nobody's change is its fix.
pub(crate) fn restart_that_held(ctx: &Actions, until: Micros) -> Option<TimelineItem> {
    let (from, to) = (until - 5 * MICROS_PER_MIN, until + 2 * ctx.bin_width);
    let (_, e) = ctx
        .events
        .iter()
        .enumerate()
        .filter(|(_, e)| e.time >= from && e.time <= to)
        .filter(|(i, e)| {
            restarted_by_system(ctx.events, *i)
                || matches!(&e.body, EventBody::Action(a) if a.kind == ActionKind::AutomaticRestart)
        })
        .rfind(|(_, e)| matches!(&e.body, EventBody::Action(a) if a.kind != ActionKind::Stop))?;
    let EventBody::Action(a) = &e.body else {
        return None;
    };
    let effect = effect(ctx.bins, e.time.div_euclid(ctx.bin_width));
    if effect.verdict != crate::detect::effect::Direction::Fell {
        return None;
    }
    let unit = a.subject.as_deref().unwrap_or("the unit");
    let text = format!(
        "systemd restarted {unit} on its own (automatic restart): {}",
        a.text
    );
    let mut it = item(ctx.analysis, e.time, ItemKind::Evidence, text, e.source);
    it.action = Some(ActionKind::AutomaticRestart);
    it.effect = Some(effect);
    Some(it)
}
