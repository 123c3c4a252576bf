//! Timeline markers over the chart. Events minutes apart would be drawn on top of each other
//! (a restart and its four confirming lines, an alert and its page), so markers closer than a
//! layout's `cluster` distance become one marker with a count, and its details list them all.

use std::fmt::Write;

use super::{Axis, MARKER_TRACK, escape};
use crate::timeline::TimelineItem;

/// Markers drawn as one: the events (by their index in `marker_items`) and where.
pub(super) struct Cluster<'a> {
    x: f64,
    members: Vec<(usize, &'a TimelineItem)>,
}

/// Groups items left to right: an item joins the group before it when it is within `reach`
/// of the group's first item, so a group never grows wider than `reach`.
pub(super) fn clusters<'a>(
    items: &[&'a TimelineItem],
    axis: &Axis,
    reach: f64,
) -> Vec<Cluster<'a>> {
    let mut placed: Vec<(f64, usize, &TimelineItem)> = items
        .iter()
        .enumerate()
        .map(|(n, item)| (axis.x(item.micros), n, *item))
        .collect();
    placed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut out: Vec<Cluster> = Vec::new();
    let mut first_x = f64::NEG_INFINITY;
    for (x, n, item) in placed {
        match out.last_mut() {
            Some(c) if x - first_x < reach => c.members.push((n, item)),
            _ => {
                first_x = x;
                out.push(Cluster {
                    x,
                    members: vec![(n, item)],
                });
            }
        }
    }
    for c in &mut out {
        c.x = c.members.iter().map(|(_, i)| axis.x(i.micros)).sum::<f64>() / c.members.len() as f64;
    }
    out
}

/// The kind a group is coloured by: the most telling of its members'.
fn group_kind(c: &Cluster) -> String {
    use crate::timeline::ItemKind::*;
    let rank = |k: &crate::timeline::ItemKind| match k {
        Detection => 0,
        Resolution => 1,
        Escalation => 2,
        Alert => 3,
        Trigger => 4,
        Action => 5,
        Investigation => 6,
        Evidence => 7,
    };
    c.members
        .iter()
        .map(|(_, i)| &i.kind)
        .min_by_key(|k| rank(k))
        .map(crate::name::serde_name)
        .unwrap_or_default()
}

/// Each group: a stem through the panels, a dot in the track above (with the count when it
/// holds several), the list in its `<title>` for hover and in `data-rows` for a tap.
pub(super) fn draw(out: &mut String, clusters: &[Cluster], bottom: f64) {
    for c in clusters {
        let kind = group_kind(c);
        let rows: Vec<String> = c
            .members
            .iter()
            .map(|(n, _)| format!("event-{n}"))
            .collect();
        let title: Vec<String> = c
            .members
            .iter()
            .map(|(_, i)| {
                format!(
                    "{} {}: {} ({}:{})",
                    i.time.clock(),
                    crate::name::serde_name(&i.kind),
                    i.text,
                    i.source.file,
                    i.source.line
                )
            })
            .collect();
        let (x, y) = (c.x, MARKER_TRACK / 2.0);
        let n = c.members.len();
        let _ = write!(
            out,
            r#"<g class="marker marker-{kind}" data-rows="{}" data-count="{n}" tabindex="0" role="button" aria-label="{}"><line x1="{x:.1}" y1="{y:.1}" x2="{x:.1}" y2="{bottom:.1}"/><circle cx="{x:.1}" cy="{y:.1}" r="{}"/>"#,
            rows.join(" "),
            escape(&crate::render::count(n, "event", "events")),
            if n > 1 { 8 } else { 5 },
        );
        if n > 1 {
            let _ = write!(
                out,
                r#"<text class="count" x="{x:.1}" y="{:.1}" text-anchor="middle">{n}</text>"#,
                y + 3.5
            );
        }
        let _ = write!(out, "<title>{}</title></g>", escape(&title.join("\n")));
    }
}
