//! `--display-tz`: people read a timeline in their own zone. The draft is computed and kept in
//! UTC (JSON stays UTC); for the text renderers its time strings are rewritten into the chosen
//! zone with their offset, so every shown time says which zone it is in.

use chrono::{DateTime, Offset, TimeZone};
use chrono_tz::Tz;

use crate::time::stamp::Stamp;
pub use crate::time::stamp::when_text;
use crate::time::{Micros, Zone};
use crate::timeline::{Draft, Incident, TimelineItem};

fn shown_in(t: &mut Stamp, tz: Tz) {
    *t = t.in_zone(tz);
}

fn relabel_incident(i: &mut Incident, tz: Tz) {
    shown_in(&mut i.start, tz);
    shown_in(&mut i.detected, tz);
    i.start_interval.iter_mut().for_each(|s| shown_in(s, tz));
    if let Some(r) = i.recovered_interval.as_mut() {
        r.iter_mut().for_each(|s| shown_in(s, tz));
    }
    if let Some(r) = i.recovered.as_mut() {
        shown_in(r, tz);
    }
    // The resolution row names its candidate fix's time in words: that time too.
    if let Some(fix) = &i.resolution_candidate {
        let utc = format!(" at {}", crate::time::format_clock(fix.micros));
        let mut local = fix.time;
        shown_in(&mut local, tz);
        let local = format!(" at {}", local.clock());
        i.timeline
            .iter_mut()
            .filter(|t| t.kind == crate::timeline::ItemKind::Resolution)
            .for_each(|t| t.text = t.text.replace(&utc, &local));
    }
    let items = i
        .timeline
        .iter_mut()
        .chain(i.trigger_candidate.iter_mut())
        .chain(i.failed_logins.iter_mut())
        .chain(i.misleading_candidates.iter_mut())
        .chain(i.resolution_candidate.iter_mut())
        .chain(i.first_errors.iter_mut())
        .chain(i.signatures.iter_mut().map(|s| &mut s.first));
    items.for_each(|item: &mut TimelineItem| shown_in(&mut item.time, tz));
}

/// The draft with every shown time in `tz`; the numbers are untouched.
pub fn in_display_zone(draft: &Draft, tz: Tz) -> Draft {
    let mut shown = draft.clone();
    shown.display_zone = Some(Zone::Named(tz));
    if let Some(span) = shown.span.as_mut() {
        shown_in(&mut span.first, tz);
        shown_in(&mut span.last, tz);
    }
    shown
        .incidents
        .iter_mut()
        .for_each(|i| relabel_incident(i, tz));
    for input in &mut shown.inputs {
        input.first_time.iter_mut().for_each(|t| shown_in(t, tz));
        input.last_time.iter_mut().for_each(|t| shown_in(t, tz));
    }
    if let Some(scope) = shown.scope.as_mut() {
        scope.since.iter_mut().for_each(|t| shown_in(t, tz));
        scope.until.iter_mut().for_each(|t| shown_in(t, tz));
    }
    for point in &mut shown.series {
        shown_in(&mut point.time, tz);
    }
    shown
}

/// What the renderers call the zone times are shown in: `UTC`, or `Europe/Berlin` with the
/// offset at the incident's start (`Europe/Berlin, +02:00`).
pub fn label(draft: &Draft) -> String {
    match draft.display_zone {
        None => "UTC".into(),
        Some(Zone::Named(tz)) => {
            let at = draft
                .incidents
                .first()
                .map(|i| i.start_micros)
                .or_else(|| draft.series.first().map(|p| p.micros))
                .unwrap_or(0);
            let offset = tz
                .offset_from_utc_datetime(
                    &DateTime::from_timestamp_micros(at)
                        .unwrap_or_default()
                        .naive_utc(),
                )
                .fix()
                .local_minus_utc();
            format!("{}, {}", tz.name(), crate::time::format_offset(offset))
        }
        Some(Zone::Fixed(secs)) => crate::time::format_offset(secs),
    }
}

/// `2023-09-10 08:15:00 UTC` or `2023-09-10 10:15:00 +02:00`: a time for a sentence.
pub fn when(time: &Stamp) -> String {
    time.when()
}

/// Microseconds to add to a UTC time to read it in `zone` (none: UTC).
pub fn offset_at(zone: Option<Zone>, t: Micros) -> i64 {
    match zone {
        None => 0,
        Some(Zone::Fixed(secs)) => i64::from(secs) * 1_000_000,
        Some(Zone::Named(tz)) => {
            let utc = DateTime::from_timestamp_micros(t)
                .unwrap_or_default()
                .naive_utc();
            i64::from(tz.offset_from_utc_datetime(&utc).fix().local_minus_utc()) * 1_000_000
        }
    }
}

/// `08:15` in the zone the draft is shown in.
pub(crate) fn local_clock(zone: Option<Zone>, t: Micros) -> String {
    crate::time::to_naive(t + offset_at(zone, t))
        .map(|dt| dt.format("%H:%M").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
