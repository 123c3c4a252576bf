//! `--html FILE`: one self-contained page to pass around after an incident. Everything is
//! inline (styles, the SVG chart, a few lines of script): it opens from a mail attachment or
//! an air-gapped laptop, and fetches nothing.
//!
//! One story, top to bottom: the figures at a glance, the chart, then the template's sections
//! once, with the Timeline section's table here in HTML (effect and confirming lines in their
//! own columns). The page reflows to a phone (a chart drawn for narrow screens, tables that
//! scroll in their own box), follows the reader's dark mode and prints cleanly.

use std::fmt::Write;

use crate::render::chart;
use crate::render::escape::html as escape;
use crate::render::figures::{duration, effect_text, kind_text, part_of, pct};
use crate::render::markdown::{self, Parts};
use crate::render::zone::{label, when};
use crate::timeline::{Draft, Incident};

const STYLE: &str = include_str!("html/page.css");

/// Ties markers and table rows together on hover and tap, and records what the browser built
/// (used by the headless-browser test; harmless for readers).
const SCRIPT: &str = include_str!("html/page.js");

/// What the HTML page takes from the Markdown draft: all but the title, the text sparkline
/// and the timeline table, which it draws itself.
const PAGE_PARTS: Parts = Parts {
    heading: false,
    sparkline: false,
    timeline_table: false,
};

fn figure(out: &mut String, value: &str, caption: &str) {
    let _ = write!(
        out,
        r#"<div class="figure"><b>{}</b><span>{}</span></div>"#,
        escape(value),
        escape(caption)
    );
}

/// The incident at a glance; every figure is written by the function the Markdown uses.
fn figures(out: &mut String, draft: &Draft, i: &Incident) {
    out.push_str(r#"<div class="figures">"#);
    if draft.incidents.len() > 1 {
        figure(
            out,
            &format!("1 of {}", draft.incidents.len()),
            "incidents (the first shown here)",
        );
    }
    figure(out, &when(&i.start), "started");
    figure(
        out,
        &match i.time_to_detect_seconds {
            Some(ttd) if ttd >= 0 => duration(ttd),
            Some(ttd) => format!("{} early", duration(-ttd)),
            None => "unknown".to_string(),
        },
        "to detect",
    );
    figure(
        out,
        &i.time_to_acknowledge_seconds
            .map_or("–".to_string(), duration),
        "to acknowledge",
    );
    figure(
        out,
        &i.recovered
            .as_ref()
            .map_or("not recovered".to_string(), when),
        "ended",
    );
    figure(
        out,
        &i.duration_seconds.map_or("–".to_string(), duration),
        "duration",
    );
    let unit = i.impact.unit.noun();
    figure(
        out,
        &format!(
            "{} ({})",
            part_of(i.impact.requests_failed, i.impact.requests_total),
            pct(i.impact.failed_ratio)
        ),
        &format!("{unit} failed"),
    );
    figure(out, &pct(i.peak_error_ratio), "peak error ratio");
    if i.impact.clients_total > 0 {
        figure(
            out,
            &format!(
                "{} ({})",
                part_of(i.impact.clients_affected, i.impact.clients_total),
                pct(i.impact.clients_affected_ratio)
            ),
            "clients affected",
        );
    }
    out.push_str("</div>");
}

/// The chart, drawn for wide and narrow screens, its legend, and the box a tapped marker
/// fills.
fn chart_block(out: &mut String, draft: &Draft) {
    out.push_str(&chart::svg(draft, &chart::WIDE));
    out.push_str(&chart::svg(draft, &chart::NARROW));
    if draft.series.is_empty() {
        return;
    }
    out.push_str(
        r##"<p class="legend">Shaded: incident. Lines: <i class="line" style="color:var(--ok)"></i>baseline <i class="line" style="color:var(--warn)"></i>pages at (baseline + 14.4 × the error budget). Markers: <i style="background:var(--warn)"></i>alert / detection <i style="background:var(--lat)"></i>action <i style="background:var(--esc)"></i>escalation <i style="background:var(--ok)"></i>resolution <i style="background:var(--ev)"></i>evidence; a number counts events too close to draw apart. <span class="hint">Hover or tap a marker to list its events.</span></p><div id="marker-details" role="status" hidden></div>"##,
    );
}

/// The Timeline section's table: one row per event, `event-N` as the chart's markers name it.
fn events_table(out: &mut String, i: &Incident, first_row: usize) {
    if i.timeline.is_empty() {
        return;
    }
    out.push_str(
        "<div class=\"scroll\"><table class=\"events\"><thead><tr><th>time</th><th>kind</th><th>what</th><th>effect on error rate</th><th>confirmed by</th><th>source</th></tr></thead><tbody>",
    );
    for (n, t) in i.timeline.iter().enumerate() {
        let confirmed: Vec<String> = t
            .confirmed_by
            .iter()
            .map(|s| format!("<code>{}:{}</code>", escape(&s.file), s.line))
            .collect();
        let _ = write!(
            out,
            r#"<tr id="event-{}"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>"#,
            first_row + n,
            escape(&t.time.row_time(i.spans_days())),
            escape(&kind_text(t)),
            escape(&t.text),
            escape(&effect_text(t)),
            confirmed.join(", "),
            citation(&t.source),
        );
    }
    out.push_str("</tbody></table></div>");
}

/// A citation: `file:line`, and where the lines around it were kept, a box they open in (on
/// a click or a tap; a hover shows them as the citation's title).
fn citation(source: &crate::timeline::Source) -> String {
    use crate::render::context::{number_width, plain_block, plain_line, shown_lines};
    let name = format!("<code>{}:{}</code>", escape(&source.file), source.line);
    let lines = shown_lines(source, crate::aggregate::context::CONTEXT_LINES);
    if lines.is_empty() {
        return name;
    }
    let title = escape(&plain_block(&lines));
    // The cited line in bold, each line escaped on its own.
    let width = number_width(&lines);
    let block: String = lines
        .iter()
        .map(|l| {
            let line = escape(&plain_line(l, width));
            match l.cited {
                true => format!("<b>{line}</b>"),
                false => line,
            }
        })
        .collect();
    format!(
        r#"<details class="cite"><summary title="{title}">{name}</summary><pre class="context">{block}</pre></details>"#
    )
}

/// Markdown made by the draft renderer, as HTML: raw HTML in log lines stays text, links keep
/// only their text, images their alt text, and every table scrolls in its own box.
fn markdown_html(markdown: &str) -> String {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let parser = Parser::new_ext(markdown, Options::ENABLE_TABLES).map(|e| match e {
        Event::Html(text) | Event::InlineHtml(text) => Event::Text(text),
        Event::Start(Tag::Link { .. } | Tag::Image { .. })
        | Event::End(TagEnd::Link | TagEnd::Image) => Event::Text("".into()),
        other => other,
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, parser);
    // Log text reaches here escaped, so these tags are the renderer's own.
    html.replace("<table>", "<div class=\"scroll\"><table>")
        .replace("</table>", "</table></div>")
}

fn head(out: &mut String, title: &str) {
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"color-scheme\" content=\"light dark\"><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\"><title>{t}</title><style>{STYLE}</style></head><body>\n<h1>{t}</h1>",
        t = escape(title),
    );
}

/// The whole page.
pub fn render(draft: &Draft) -> String {
    let title = match draft.incidents.first() {
        Some(i) => format!("Postmortem draft: incident of {}", i.start.date()),
        None => "Postmortem draft: no incident found".into(),
    };
    let mut out = String::with_capacity(64 * 1024);
    head(&mut out, &title);
    let _ = write!(
        out,
        "<p class=\"meta\">{} {} · {} · times in {} · {}</p>",
        draft.tool.name,
        draft.tool.version,
        crate::render::count(draft.inputs.len(), "log file", "log files"),
        escape(&label(draft)),
        escape(&draft.signal),
    );
    if let Some(i) = draft.incidents.first() {
        figures(&mut out, draft, i);
    }
    chart_block(&mut out, draft);
    let mut md = String::new();
    markdown::intro(&mut md, draft, PAGE_PARTS);
    out.push_str(&markdown_html(&md));
    let mut first_row = 0;
    for (n, i) in draft.incidents.iter().enumerate() {
        if draft.incidents.len() > 1 {
            let _ = write!(
                out,
                "<h2 class=\"incident\">Incident {} of {}</h2>",
                n + 1,
                draft.incidents.len()
            );
        }
        md.clear();
        markdown::incident_head(&mut md, draft, n, i, PAGE_PARTS);
        out.push_str(&markdown_html(&md));
        events_table(&mut out, i, first_row);
        first_row += i.timeline.len();
        md.clear();
        markdown::incident_tail(&mut md, i);
        out.push_str(&markdown_html(&md));
    }
    md.clear();
    markdown::inputs(&mut md, draft);
    out.push_str(&markdown_html(&md));
    let _ = write!(
        out,
        "<output id=\"self-check\" hidden></output><script>{SCRIPT}</script>\n</body></html>\n"
    );
    out
}
