//! The error-rate chart as inline SVG, written by hand: a few hundred lines of markup need no
//! chart library, and a report opened on an air-gapped laptop must not fetch one.
//!
//! Three panels share one time axis: requests (and errors) per bin, the error ratio (with the
//! baseline and the paging threshold drawn), and the p95 request time where access logs record
//! it. Incident windows are shaded across all of them; timeline events are markers above,
//! gathered into one numbered marker where they would overlap.
//!
//! The page draws the chart twice, for a wide and a narrow screen ([`WIDE`], [`NARROW`]): an
//! SVG scales its text with its width, so one drawing cannot be legible on both.

use std::fmt::Write;

use crate::render::figures::{ms, pct};
use crate::render::zone::offset_at;
use crate::time::{MICROS_PER_MIN, Micros, Zone};
use crate::timeline::{Draft, SeriesPoint, TimelineItem};

mod markers;

/// The sizes of one drawing, in view-box units (pixels at 1:1).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ChartLayout {
    /// `id` of the `<svg>` element.
    pub id: &'static str,
    /// Width of the view box.
    pub width: f64,
    /// Room left of the panels for the value labels.
    left: f64,
    /// Most time ticks along the axis.
    max_ticks: i64,
    /// More bins than this are summed into columns, so a week of logs stays a small page.
    pub max_columns: usize,
    /// Markers closer than this are drawn as one, with a count.
    cluster: f64,
}

/// For a desktop window: about 1,000 pixels across.
pub(crate) const WIDE: ChartLayout = ChartLayout {
    id: "chart-wide",
    width: 1000.0,
    left: 64.0,
    max_ticks: 10,
    max_columns: 1200,
    cluster: 14.0,
};

/// For a phone held upright: about 360 pixels across, drawn at that size.
pub(crate) const NARROW: ChartLayout = ChartLayout {
    id: "chart-narrow",
    width: 360.0,
    left: 44.0,
    max_ticks: 4,
    max_columns: 300,
    cluster: 16.0,
};

const RIGHT: f64 = 12.0;
const MARKER_TRACK: f64 = 30.0;
const PANEL: f64 = 100.0;
const GAP: f64 = 30.0;
const AXIS_ROOM: f64 = 36.0;

pub use crate::render::escape::html as escape;

/// One drawn column: one bin, or several summed when the span has more columns than fit.
struct Column {
    start: Micros,
    total: u64,
    errors: u64,
    p95_ms: Option<f64>,
    bins: usize,
}

fn columns(series: &[SeriesPoint], bin: Micros, max_columns: usize) -> (Vec<Column>, Micros) {
    let (Some(first), Some(last)) = (series.first(), series.last()) else {
        return (Vec::new(), bin);
    };
    let span_bins = ((last.micros - first.micros) / bin + 1).max(1) as usize;
    let per_column = span_bins.div_ceil(max_columns.max(1)).max(1) as i64;
    let width = bin * per_column;
    let mut out: Vec<Column> = Vec::new();
    for p in series {
        let start = first.micros + (p.micros - first.micros) / width * width;
        match out.last_mut() {
            Some(c) if c.start == start => {
                c.total += p.total;
                c.errors += p.errors;
                c.p95_ms = match (c.p95_ms, p.p95_ms) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    (a, b) => a.or(b),
                };
                c.bins += 1;
            }
            _ => out.push(Column {
                start,
                total: p.total,
                errors: p.errors,
                p95_ms: p.p95_ms,
                bins: 1,
            }),
        }
    }
    (out, width)
}

/// Maps times to x positions over the span of the series.
struct Axis {
    from: Micros,
    to: Micros,
    left: f64,
    right: f64,
}

impl Axis {
    fn x(&self, t: Micros) -> f64 {
        let span = (self.to - self.from).max(1) as f64;
        self.left
            + (t.clamp(self.from, self.to) - self.from) as f64 / span * (self.right - self.left)
    }
}

/// `08:15` (or `09-10 08:15` across days) in the display zone.
fn tick_label(t: Micros, zone: Option<Zone>, with_day: bool) -> String {
    let local = t + offset_at(zone, t);
    match crate::time::to_naive(local) {
        Some(dt) if with_day => dt.format("%m-%d %H:%M").to_string(),
        Some(dt) => dt.format("%H:%M").to_string(),
        None => String::new(),
    }
}

fn ticks(axis: &Axis, zone: Option<Zone>, max_ticks: i64) -> Vec<(Micros, String)> {
    const STEPS_MIN: [i64; 13] = [1, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 4320, 10080];
    let span = axis.to - axis.from;
    let step = STEPS_MIN
        .iter()
        .map(|m| m * MICROS_PER_MIN)
        .find(|s| span / s <= max_ticks)
        .unwrap_or(10080 * MICROS_PER_MIN);
    let with_day = span > 20 * 60 * MICROS_PER_MIN && max_ticks > 5;
    // Ticks fall on round local times: shift into the zone, round, shift back.
    let offset = offset_at(zone, axis.from);
    let first = (axis.from + offset).div_euclid(step) * step + step - offset;
    (0..)
        .map(|k| first + k * step)
        .take_while(|t| *t <= axis.to)
        .map(|t| (t, tick_label(t, zone, with_day)))
        .collect()
}

/// The smallest round number (1, 2, 2.5 or 5 times a power of ten) at or above `value`: the
/// top of a value axis, so its labels read as a scale and not as a figure of the draft.
fn nice_ceiling(value: f64) -> f64 {
    if value.is_nan() || value <= 0.0 || !value.is_finite() {
        return 1.0;
    }
    let power = 10f64.powf(value.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|top| *top >= value * (1.0 - 1e-9))
        .unwrap_or(10.0 * power)
}

/// The events drawn as markers: each incident's timeline, in order. Row `event-N` of the
/// page's table is item N of this list.
pub(crate) fn marker_items(draft: &Draft) -> Vec<&TimelineItem> {
    draft.incidents.iter().flat_map(|i| &i.timeline).collect()
}

/// What every panel of one chart shares: its columns, the time axis and its ticks.
struct Plot<'a> {
    cols: &'a [Column],
    axis: Axis,
    ticks: Vec<(Micros, String)>,
    zone: Option<Zone>,
    /// Width of one column in pixels.
    column_px: f64,
}

impl Plot<'_> {
    fn x_of(&self, c: &Column) -> f64 {
        self.axis.x(c.start)
    }

    /// A panel's title, its value axis (0, half and the top, with units) and gridlines.
    fn frame(&self, out: &mut String, title: &str, top: f64, label: impl Fn(f64) -> String) {
        let (left, right) = (self.axis.left, self.axis.right);
        let _ = write!(
            out,
            r#"<text class="panel-title" x="{left}" y="{:.1}">{}</text>"#,
            top - 6.0,
            escape(title)
        );
        for share in [0.0, 0.5, 1.0] {
            let y = top + PANEL - share * PANEL;
            let class = if share == 0.0 { "frame" } else { "grid" };
            let _ = write!(
                out,
                r#"<line class="{class}" x1="{left}" y1="{y:.1}" x2="{right:.1}" y2="{y:.1}"/><text class="axis" x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
                left - 4.0,
                y + 4.0,
                escape(&label(share))
            );
        }
        for (t, _) in &self.ticks {
            let x = self.axis.x(*t);
            let _ = write!(
                out,
                r#"<line class="grid" x1="{x:.1}" y1="{top:.1}" x2="{x:.1}" y2="{:.1}"/>"#,
                top + PANEL
            );
        }
    }

    /// Panel 1: requests (or records) and errors per column.
    fn counts(&self, out: &mut String, top: f64, unit: &str, per: &str) {
        let max_total =
            nice_ceiling(self.cols.iter().map(|c| c.total).max().unwrap_or(1).max(1) as f64);
        let title = format!("{unit} per {per}, errors in red");
        self.frame(out, &title, top, |s| format!("{}", s * max_total));
        let column_px = self.column_px;
        for c in self.cols {
            let h = c.total as f64 / max_total * PANEL;
            let he = c.errors as f64 / max_total * PANEL;
            let x = self.x_of(c);
            let _ = write!(
                out,
                r#"<g class="bin" data-bins="{}"><rect class="total" x="{x:.2}" y="{:.2}" width="{column_px:.2}" height="{h:.2}"/><rect class="errors" x="{x:.2}" y="{:.2}" width="{column_px:.2}" height="{he:.2}"/><title>{}: {}, {} ({})</title></g>"#,
                c.bins,
                top + PANEL - h,
                top + PANEL - he,
                tick_label(c.start, self.zone, true),
                crate::render::count(c.total as usize, unit.trim_end_matches('s'), unit),
                crate::render::count(c.errors as usize, "error", "errors"),
                pct(c.errors as f64 / c.total.max(1) as f64),
            );
        }
    }

    /// Panel 2: the error ratio, with the baseline and the paging threshold drawn.
    fn ratio(&self, out: &mut String, top: f64, draft: &Draft) {
        let ratio = |c: &Column| c.errors as f64 / c.total.max(1) as f64;
        let peak = self.cols.iter().map(ratio).fold(0.0, f64::max);
        let threshold = draft.alert_threshold_ratio;
        let scale = nice_ceiling(peak.max(threshold.unwrap_or(0.0) * 1.15).max(0.001));
        self.frame(out, "error ratio", top, |s| pct(s * scale));
        let (left, right) = (self.axis.left, self.axis.right);
        let mut level = |class: &str, value: f64, text: String| {
            let y = top + PANEL - value.min(scale) / scale * PANEL;
            let _ = write!(
                out,
                r#"<line class="{class}" x1="{left}" y1="{y:.1}" x2="{right:.1}" y2="{y:.1}"><title>{}</title></line>"#,
                escape(&text)
            );
        };
        // The baseline the text gives: the first incident's, else the run's.
        let baseline = draft
            .incidents
            .first()
            .map_or(draft.baseline_ratio, |i| i.baseline_ratio);
        level("baseline", baseline, format!("baseline {}", pct(baseline)));
        if let Some(t) = threshold {
            level(
                "threshold",
                t,
                format!(
                    "pages at {}: baseline + 14.4 × the error budget of a {}% objective",
                    pct(t),
                    draft.slo_percent
                ),
            );
        }
        let points = self.line(top, |c| Some(ratio(c) / scale));
        let _ = write!(out, r#"<polyline class="ratio" points="{points}"/>"#);
    }

    /// Panel 3: p95 latency.
    fn latency(&self, out: &mut String, top: f64) {
        let max_ms = self
            .cols
            .iter()
            .filter_map(|c| c.p95_ms)
            .fold(0.0, f64::max)
            .max(1.0);
        let max_ms = nice_ceiling(max_ms);
        self.frame(out, "p95 request time", top, |s| ms(s * max_ms));
        let points = self.line(top, |c| c.p95_ms.map(|v| v / max_ms));
        let _ = write!(out, r#"<polyline class="latency" points="{points}"/>"#);
    }

    /// A polyline's points: each column's value (a share of the panel's height) at its middle.
    fn line(&self, top: f64, value: impl Fn(&Column) -> Option<f64>) -> String {
        let points: Vec<String> = self
            .cols
            .iter()
            .filter_map(|c| {
                let v = value(c)?;
                let x = self.x_of(c) + self.column_px / 2.0;
                Some(format!("{x:.1},{:.1}", top + PANEL - v * PANEL))
            })
            .collect();
        points.join(" ")
    }

    /// Time labels under the last panel, and what they are.
    fn time_axis(&self, out: &mut String, bottom: f64, zone_label: &str) {
        for (t, text) in &self.ticks {
            let _ = write!(
                out,
                r#"<text class="axis" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                self.axis.x(*t),
                bottom + 14.0,
                escape(text)
            );
        }
        let _ = write!(
            out,
            r#"<text class="axis axis-title" x="{:.1}" y="{:.1}" text-anchor="end">time ({})</text>"#,
            self.axis.right,
            bottom + 30.0,
            escape(zone_label)
        );
    }
}

/// Incident windows, drawn first so everything else is drawn over them.
fn incident_windows(out: &mut String, draft: &Draft, axis: &Axis, bottom: f64) {
    for (n, i) in draft.incidents.iter().enumerate() {
        let x0 = axis.x(i.start_micros);
        let x1 = axis.x(i.recovered_micros.unwrap_or(axis.to));
        let _ = write!(
            out,
            r#"<rect class="incident" data-incident="{}" x="{x0:.1}" y="{MARKER_TRACK:.1}" width="{:.1}" height="{:.1}"><title>Incident {}: {} – {}</title></rect>"#,
            n + 1,
            (x1 - x0).max(1.0),
            bottom - MARKER_TRACK,
            n + 1,
            escape(&i.start.to_string()),
            escape(
                &i.recovered
                    .map_or("not recovered".into(), |r| r.to_string())
            )
        );
    }
}

/// The SVG element. `data-*` attributes carry the counts a test (or a reader's script) checks.
pub(crate) fn svg(draft: &Draft, layout: &ChartLayout) -> String {
    let bin = draft.bin_seconds.max(1) * 1_000_000;
    let (cols, col_width) = columns(&draft.series, bin, layout.max_columns);
    let Some(first) = cols.first() else {
        return r#"<p class="empty">No timed records to chart.</p>"#.into();
    };
    let has_latency = cols.iter().any(|c| c.p95_ms.is_some());
    let panels = if has_latency { 3.0 } else { 2.0 };
    let bottom = MARKER_TRACK + GAP + panels * PANEL + (panels - 1.0) * GAP;
    let height = bottom + AXIS_ROOM;
    let last = cols.last().map_or(first.start, |c| c.start);
    let axis = Axis {
        from: first.start,
        to: last + col_width,
        left: layout.left,
        right: layout.width - RIGHT,
    };
    let items = marker_items(draft);
    let clusters = markers::clusters(&items, &axis, layout.cluster);
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg id="{}" class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {height:.0}" role="img" aria-label="{} per bin, error ratio and latency over time" data-bins="{}" data-columns="{}" data-markers="{}" data-marker-groups="{}" data-incidents="{}">"#,
        layout.id,
        layout.width,
        escape(&draft.series_unit),
        draft.series.len(),
        cols.len(),
        items.len(),
        clusters.len(),
        draft.incidents.len()
    );
    incident_windows(&mut out, draft, &axis, bottom);
    let plot = Plot {
        cols: &cols,
        ticks: ticks(&axis, draft.display_zone, layout.max_ticks),
        axis,
        zone: draft.display_zone,
        column_px: ((layout.width - layout.left - RIGHT) / cols.len().max(1) as f64).max(0.5),
    };
    let per = crate::render::figures::duration(col_width / 1_000_000);
    let mut top = MARKER_TRACK + GAP;
    plot.counts(&mut out, top, &draft.series_unit, &per);
    top += PANEL + GAP;
    plot.ratio(&mut out, top, draft);
    if has_latency {
        top += PANEL + GAP;
        plot.latency(&mut out, top);
    }
    plot.time_axis(&mut out, bottom, &crate::render::zone::label(draft));
    markers::draw(&mut out, &clusters, bottom);
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests;
