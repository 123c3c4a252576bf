//! The error-rate chart as inline SVG, written by hand: a few hundred lines of markup need no
//! chart library, and a report opened on an air-gapped laptop must not fetch one.
//!
//! Three panels share one time axis: requests (and errors) per bin, the error ratio, and the
//! p95 request time where access logs record it. Incident windows are shaded across all of
//! them; every timeline event is a marker whose tooltip (`<title>`) gives the line and its
//! `file:line`.

use std::fmt::Write;

use crate::render::zone::offset_at;
use crate::time::{MICROS_PER_MIN, Micros, Zone};
use crate::timeline::{Draft, SeriesPoint, TimelineItem};

/// Width of the chart's view box.
pub const WIDTH: f64 = 1000.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 16.0;
const MARKER_TRACK: f64 = 34.0;
const PANEL: f64 = 110.0;
const GAP: f64 = 26.0;
/// More bins than this are drawn summed into columns, so a week of logs stays a small page.
pub const MAX_COLUMNS: usize = 1200;

/// Text safe inside HTML/SVG elements and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// One drawn column: one bin, or several summed when the span has more than `MAX_COLUMNS`.
struct Column {
    start: Micros,
    total: u64,
    errors: u64,
    p95_ms: Option<f64>,
    bins: usize,
}

fn columns(series: &[SeriesPoint], bin: Micros) -> (Vec<Column>, Micros) {
    let (Some(first), Some(last)) = (series.first(), series.last()) else {
        return (Vec::new(), bin);
    };
    let span_bins = ((last.micros - first.micros) / bin + 1).max(1) as usize;
    let per_column = span_bins.div_ceil(MAX_COLUMNS).max(1) as i64;
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
}

impl Axis {
    fn x(&self, t: Micros) -> f64 {
        let span = (self.to - self.from).max(1) as f64;
        LEFT + (t.clamp(self.from, self.to) - self.from) as f64 / span * (WIDTH - LEFT - RIGHT)
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

fn ticks(axis: &Axis, zone: Option<Zone>) -> Vec<(Micros, String)> {
    const STEPS_MIN: [i64; 12] = [1, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 10080];
    let span = axis.to - axis.from;
    let step = STEPS_MIN
        .iter()
        .map(|m| m * MICROS_PER_MIN)
        .find(|s| span / s <= 10)
        .unwrap_or(10080 * MICROS_PER_MIN);
    let with_day = span > 20 * 60 * MICROS_PER_MIN;
    // Ticks fall on round local times: shift into the zone, round, shift back.
    let offset = offset_at(zone, axis.from);
    let first = (axis.from + offset).div_euclid(step) * step + step - offset;
    (0..)
        .map(|k| first + k * step)
        .take_while(|t| *t <= axis.to)
        .map(|t| (t, tick_label(t, zone, with_day)))
        .collect()
}

fn grid(out: &mut String, axis: &Axis, ticks: &[(Micros, String)], top: f64, bottom: f64) {
    for (t, _) in ticks {
        let x = axis.x(*t);
        let _ = write!(
            out,
            r#"<line class="grid" x1="{x:.1}" y1="{top:.1}" x2="{x:.1}" y2="{bottom:.1}"/>"#
        );
    }
}

fn panel_frame(out: &mut String, title: &str, top: f64, max_label: &str) {
    let _ = write!(
        out,
        r#"<text class="panel-title" x="{LEFT}" y="{:.1}">{}</text><text class="axis" x="{:.1}" y="{:.1}" text-anchor="end">{}</text><text class="axis" x="{:.1}" y="{:.1}" text-anchor="end">0</text><line class="frame" x1="{LEFT}" y1="{:.1}" x2="{:.1}" y2="{:.1}"/>"#,
        top - 4.0,
        escape(title),
        LEFT - 6.0,
        top + 10.0,
        escape(max_label),
        LEFT - 6.0,
        top + PANEL,
        top + PANEL,
        WIDTH - RIGHT,
        top + PANEL,
    );
}

fn kind_name(item: &TimelineItem) -> String {
    crate::name::serde_name(&item.kind)
}

/// The events drawn as markers: each incident's timeline, in order.
pub fn marker_items(draft: &Draft) -> Vec<&TimelineItem> {
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

    /// Panel 1: records and errors per column.
    fn counts(&self, out: &mut String, top: f64, per: &str) {
        let max_total = self.cols.iter().map(|c| c.total).max().unwrap_or(1).max(1);
        let label = format!("records {per} (errors in red)");
        panel_frame(out, &label, top, &max_total.to_string());
        grid(out, &self.axis, &self.ticks, top, top + PANEL);
        let column_px = self.column_px;
        for c in self.cols {
            let h = c.total as f64 / max_total as f64 * PANEL;
            let he = c.errors as f64 / max_total as f64 * PANEL;
            let x = self.x_of(c);
            let _ = write!(
                out,
                r#"<g class="bin" data-bins="{}"><rect class="total" x="{x:.2}" y="{:.2}" width="{column_px:.2}" height="{h:.2}"/><rect class="errors" x="{x:.2}" y="{:.2}" width="{column_px:.2}" height="{he:.2}"/><title>{}: {} records, {} errors</title></g>"#,
                c.bins,
                top + PANEL - h,
                top + PANEL - he,
                tick_label(c.start, self.zone, true),
                c.total,
                c.errors
            );
        }
    }

    /// Panel 2: the error ratio, with the baseline drawn.
    fn ratio(&self, out: &mut String, top: f64, baseline_ratio: f64) {
        let ratio = |c: &Column| c.errors as f64 / c.total.max(1) as f64;
        let max_ratio = self.cols.iter().map(ratio).fold(0.0, f64::max).max(0.01);
        let label = format!("{:.0}%", max_ratio * 100.0);
        panel_frame(out, "error ratio", top, &label);
        grid(out, &self.axis, &self.ticks, top, top + PANEL);
        let baseline_y = top + PANEL - baseline_ratio / max_ratio * PANEL;
        let _ = write!(
            out,
            r#"<line class="baseline" x1="{LEFT}" y1="{baseline_y:.1}" x2="{:.1}" y2="{baseline_y:.1}"><title>baseline {:.2}%</title></line>"#,
            WIDTH - RIGHT,
            baseline_ratio * 100.0
        );
        let points = self.line(top, |c| Some(ratio(c) / max_ratio));
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
        panel_frame(out, "p95 request time", top, &format!("{max_ms:.0} ms"));
        grid(out, &self.axis, &self.ticks, top, top + PANEL);
        let points = self.line(top, |c| c.p95_ms.map(|ms| ms / max_ms));
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
}

/// Incident windows, drawn first so everything else is drawn over them.
fn incident_windows(out: &mut String, draft: &Draft, axis: &Axis, height: f64) {
    for (n, i) in draft.incidents.iter().enumerate() {
        let x0 = axis.x(i.start_micros);
        let x1 = axis.x(i.recovered_micros.unwrap_or(axis.to));
        let _ = write!(
            out,
            r#"<rect class="incident" data-incident="{}" x="{x0:.1}" y="{MARKER_TRACK:.1}" width="{:.1}" height="{:.1}"><title>Incident {}: {} – {}</title></rect>"#,
            n + 1,
            (x1 - x0).max(1.0),
            height - MARKER_TRACK - 24.0,
            n + 1,
            escape(&i.start.to_string()),
            escape(
                &i.recovered
                    .map_or("not recovered".into(), |r| r.to_string())
            )
        );
    }
}

/// Markers: a stem through the panels and a dot in the track above, by kind.
fn markers(out: &mut String, markers: &[&TimelineItem], axis: &Axis, bottom: f64) {
    for (n, item) in markers.iter().enumerate() {
        let x = axis.x(item.micros);
        let kind = kind_name(item);
        let row = (n % 3) as f64;
        let _ = write!(
            out,
            r#"<g class="marker marker-{kind}" data-row="event-{n}" data-source="{}:{}" tabindex="0"><line x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{bottom:.1}"/><circle cx="{x:.1}" cy="{:.1}" r="5"/><title>{} {kind}: {} ({}:{})</title></g>"#,
            escape(&item.source.file),
            item.source.line,
            10.0 + row * 8.0,
            10.0 + row * 8.0,
            escape(&item.time.to_string()),
            escape(&item.text),
            escape(&item.source.file),
            item.source.line
        );
    }
}

/// The SVG element. `data-*` attributes carry the counts a test (or a reader's script) checks.
pub fn svg(draft: &Draft) -> String {
    let bin = draft.bin_seconds.max(1) * 1_000_000;
    let (cols, col_width) = columns(&draft.series, bin);
    let has_latency = cols.iter().any(|c| c.p95_ms.is_some());
    let panels = if has_latency { 3.0 } else { 2.0 };
    let height = MARKER_TRACK + panels * (PANEL + GAP) + 24.0;
    let mut out = String::new();
    let Some(first) = cols.first() else {
        return r#"<p class="empty">No timed records to chart.</p>"#.into();
    };
    let last = cols.last().map_or(first.start, |c| c.start);
    let axis = Axis {
        from: first.start,
        to: last + col_width,
    };
    let zone = draft.display_zone;
    let marker_list = marker_items(draft);
    let _ = write!(
        out,
        r#"<svg id="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0}" role="img" aria-label="Requests, error ratio and latency over time" data-bins="{}" data-columns="{}" data-markers="{}" data-incidents="{}">"#,
        draft.series.len(),
        cols.len(),
        marker_list.len(),
        draft.incidents.len()
    );
    incident_windows(&mut out, draft, &axis, height);
    let plot = Plot {
        cols: &cols,
        ticks: ticks(&axis, zone),
        axis,
        zone,
        column_px: ((WIDTH - LEFT - RIGHT) / cols.len().max(1) as f64).max(0.5),
    };
    let per = if col_width == bin {
        format!("per {} s", draft.bin_seconds)
    } else {
        format!("per {} s", col_width / 1_000_000)
    };
    let top = MARKER_TRACK + GAP;
    plot.counts(&mut out, top, &per);
    let top2 = top + PANEL + GAP;
    plot.ratio(&mut out, top2, draft.baseline_ratio);
    let mut bottom = top2 + PANEL;
    if has_latency {
        let top3 = top2 + PANEL + GAP;
        plot.latency(&mut out, top3);
        bottom = top3 + PANEL;
    }
    for (t, text) in &plot.ticks {
        let _ = write!(
            out,
            r#"<text class="axis" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            plot.axis.x(*t),
            bottom + 16.0,
            escape(text)
        );
    }
    markers(&mut out, &marker_list, &plot.axis, bottom);
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests;
