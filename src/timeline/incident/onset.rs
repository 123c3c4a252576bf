//! Evidence before the onset: the change most likely to have triggered it, other changes
//! just before, what the system did to itself, and the first errors of every source.

use super::*;

/// What the logs show before the onset.
pub(super) struct Onset {
    /// The change most likely to have triggered it (never for a security burst).
    pub trigger: Option<TimelineItem>,
    /// Everything for the timeline: the trigger, other changes just before, what the system
    /// did to itself, the first errors and (for lost traffic) the silence.
    pub items: Vec<TimelineItem>,
    pub first_errors: Vec<TimelineItem>,
}

/// The evidence before the onset, gathered from the actions of the minutes before `start`.
pub(super) fn before_onset(
    run: &Run,
    case: &Case,
    ctx: &Actions,
    start: Micros,
    until: Micros,
) -> Onset {
    let found = &case.found;
    let before = actions_between(ctx, start - TRIGGER_LOOKBACK, start + ctx.bin_width);
    let onset = onset(run, case, start);
    // A change does not make strangers guess passwords: no trigger for a security burst.
    let trigger = found
        .kind
        .traits()
        .has_trigger
        .then(|| trigger(&before, onset, start + ctx.bin_width, found.kind))
        .flatten();
    let system_before = before
        .iter()
        // What the system did and scheduled jobs: evidence rows already.
        .filter(|i| i.micros < start && i.kind == ItemKind::Evidence)
        .cloned();
    let first_errors = first_errors(run, case, start);
    let mut items: Vec<TimelineItem> = trigger.iter().cloned().collect();
    items.extend(changes_near_onset(&before, onset, trigger.as_ref()));
    items.extend(system_before);
    items.extend(first_errors.iter().cloned());
    if found.kind.traits().counts_missing {
        items.extend(silence_evidence(run, case, start, until));
    }
    Onset {
        trigger,
        items,
        first_errors,
    }
}

/// How plausible a change is as a trigger: deploys, rollbacks and config edits change what
/// runs; restarts and reloads usually only apply such a change.
pub(super) fn trigger_weight(kind: ActionKind) -> u8 {
    match kind {
        ActionKind::Deploy
        | ActionKind::Rollback
        | ActionKind::ConfigChange
        | ActionKind::FeatureFlag => 3,
        ActionKind::Scale | ActionKind::Command => 2,
        _ => 1,
    }
}

/// The onset as the logs show it: the first error line of any source in the first bins of
/// the incident, or the start when none is there.
pub(super) fn onset(run: &Run, case: &Case, start: Micros) -> Micros {
    let from = case.found.start_bin;
    run.analysis
        .files
        .iter()
        .filter_map(|f| f.summary.error_samples.range(from..from + 3).next())
        .map(|(_, s)| s.time)
        .min()
        .unwrap_or(start)
        .max(start)
}

/// The most plausible change before the onset: the heaviest kind, then the latest.
pub(super) fn trigger(
    before: &[TimelineItem],
    onset: Micros,
    change_point_end: Micros,
    kind: Kind,
) -> Option<TimelineItem> {
    // The series changed in the change point's bin: a change up to its end may have caused it,
    // even after the bin's first error line (at thousands of requests a minute a background
    // error comes every few seconds).
    let latest = onset.max(change_point_end);
    before
        .iter()
        .filter(|i| {
            i.kind == ItemKind::Action
                && i.micros <= latest
                && i.action.is_some_and(|k| k.is_change() && k.is_human())
        })
        .max_by_key(|i| (i.action.map_or(0, trigger_weight), i.micros))
        .cloned()
        .map(|mut t| {
            let lead = (onset - t.micros) / 1_000_000;
            let what = kind.began();
            t.kind = ItemKind::Trigger;
            t.text = match t.micros <= onset {
                true => format!("{what} {lead} s after: {}", t.text),
                false => format!("{what} right after: {}", t.text),
            };
            t
        })
}

pub(super) fn changes_near_onset(
    before: &[TimelineItem],
    onset: Micros,
    trigger: Option<&TimelineItem>,
) -> Vec<TimelineItem> {
    before
        .iter()
        .filter(|i| i.micros <= onset && onset - i.micros <= NEAR_ONSET)
        .filter(|i| {
            i.kind == ItemKind::Action && i.action.is_some_and(|k| k.is_change() && k.is_human())
        })
        .filter(|i| {
            trigger.is_none_or(|t| t.source.file != i.source.file || t.source.line != i.source.line)
        })
        .cloned()
        .map(|mut i| {
            i.kind = ItemKind::Evidence;
            i.text = format!(
                "change {} s before the onset: {}",
                (onset - i.micros) / 1_000_000,
                i.text
            );
            i
        })
        .collect()
}

/// First errors of every file from the lead window before the start to the first bins of the
/// incident, ranked: new errors (none in the hour before) first, then the closest to the start.
pub(super) fn first_errors(run: &Run, case: &Case, start: Micros) -> Vec<TimelineItem> {
    let bin_width = run.analysis.bin_width;
    let lead_bin = (start - LEAD_WINDOW).div_euclid(bin_width);
    let quiet_from = (start - LEAD_WINDOW - NEW_ERROR_LOOKBACK).div_euclid(bin_width);
    let mut ranked: Vec<(bool, Micros, TimelineItem)> = Vec::new();
    for f in &run.analysis.files {
        let samples = &f.summary.error_samples;
        let Some((_, s)) = samples.range(lead_bin..case.found.start_bin + 3).next() else {
            continue;
        };
        let new = samples.range(quiet_from..lead_bin).next().is_none();
        let text = if s.time < start {
            format!(
                "first error, {} s before the start: {}",
                (start - s.time) / 1_000_000,
                s.text
            )
        } else {
            format!("first error: {}", s.text)
        };
        let it = item(run.analysis, s.time, ItemKind::Evidence, text, s.source);
        ranked.push((new, (s.time - start).abs(), it));
    }
    ranked.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(a.1.cmp(&b.1))
            .then(a.2.micros.cmp(&b.2.micros))
    });
    ranked.into_iter().map(|(_, _, it)| it).collect()
}

/// Evidence for a silence: the last line before it, and boots and service starts in it.
pub(super) fn silence_evidence(
    run: &Run,
    case: &Case,
    start: Micros,
    until: Micros,
) -> Vec<TimelineItem> {
    let mut out = Vec::new();
    if let Some(last) = last_line_before(run, case, case.found.start_bin) {
        out.push(item(
            run.analysis,
            last.time,
            ItemKind::Evidence,
            "last line before the silence".into(),
            last.source,
        ));
    }
    for e in run
        .events
        .iter()
        .filter(|e| e.time >= start && e.time <= until)
    {
        if let crate::aggregate::EventBody::Action(a) = &e.body
            && matches!(a.kind, ActionKind::Boot | ActionKind::Start)
            && a.actor.is_none()
        {
            let mut it = item(
                run.analysis,
                e.time,
                ItemKind::Evidence,
                a.text.clone(),
                e.source,
            );
            it.action = Some(a.kind);
            out.push(it);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::model::Source;

    const ONSET: Micros = 1_694_333_700_000_000;

    fn change(seconds_before: i64, kind: ActionKind, line: u64, text: &str) -> TimelineItem {
        let micros = ONSET - seconds_before * 1_000_000;
        TimelineItem {
            time: Stamp::utc(micros),
            kind: ItemKind::Action,
            text: text.into(),
            source: Source {
                file: "auth.log".into(),
                line,
                context: None,
            },
            action: Some(kind),
            actor: Some("alice".into()),
            effect: None,
            confirmed_by: Vec::new(),
            repeats: None,
            micros,
        }
    }

    #[test]
    fn a_deploy_is_the_trigger_over_a_later_restart_and_says_how_long_before() {
        let before = [
            change(240, ActionKind::Deploy, 10, "deploy auth 2.4.0"),
            change(60, ActionKind::Restart, 11, "systemctl restart auth"),
        ];
        let t = trigger(&before, ONSET, ONSET, Kind::Errors).expect("a trigger");
        assert_eq!(t.source.line, 10);
        assert_eq!(t.kind, ItemKind::Trigger);
        assert_eq!(t.text, "errors began 240 s after: deploy auth 2.4.0");
    }

    #[test]
    fn nothing_after_the_onset_is_a_trigger() {
        let after = [change(-30, ActionKind::Deploy, 12, "deploy auth 2.4.1")];
        assert!(trigger(&after, ONSET, ONSET, Kind::Errors).is_none());
    }

    #[test]
    fn a_change_after_a_background_error_line_but_in_the_change_points_bin_is_the_trigger() {
        // The bin's first error line came 20 s before the change: background, at thousands of
        // requests a minute. The series changed in the bin that ends 40 s after that line.
        let before = [change(
            -20,
            ActionKind::ConfigChange,
            13,
            "edit /etc/auth.conf",
        )];
        let t = trigger(&before, ONSET, ONSET + 40_000_000, Kind::Errors).expect("a trigger");
        assert_eq!(t.text, "errors began right after: edit /etc/auth.conf");
        assert!(trigger(&before, ONSET, ONSET, Kind::Errors).is_none());
    }

    #[test]
    fn of_equal_changes_the_latest_is_the_trigger_and_the_other_is_cited_once() {
        let before = [
            change(240, ActionKind::Deploy, 10, "deploy auth 2.4.0"),
            change(60, ActionKind::ConfigChange, 11, "edit /etc/auth.conf"),
        ];
        let t = trigger(&before, ONSET, ONSET, Kind::Errors).expect("a trigger");
        assert_eq!(
            t.source.line, 11,
            "a config edit weighs as a deploy; the later wins"
        );
        let near = changes_near_onset(&before, ONSET, Some(&t));
        assert_eq!(near.len(), 1, "{near:?}");
        assert_eq!(near[0].source.line, 10);
        assert_eq!(
            near[0].text,
            "change 240 s before the onset: deploy auth 2.4.0"
        );
    }
}
