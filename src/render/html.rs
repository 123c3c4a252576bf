//! `--html FILE`: one self-contained page to pass around after an incident. Everything is
//! inline (styles, the SVG chart, a few lines of script): it opens from a mail attachment or
//! an air-gapped laptop, and fetches nothing.

use std::fmt::Write;

use crate::render::chart::{self, escape};
use crate::render::zone::label;
use crate::timeline::Draft;

const STYLE: &str = r#"
:root { --fg:#1d2330; --muted:#5b6475; --line:#d9dde5; --err:#c62828; --ok:#2e7d32; --lat:#1565c0; --shade:#ffe0b2; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); margin: 0 auto; max-width: 1060px; padding: 24px; }
h1 { font-size: 1.6em; margin: 0 0 4px; }
.meta { color: var(--muted); margin: 0 0 16px; }
.figures { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0 20px; }
.figure { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; min-width: 140px; }
.figure b { display: block; font-size: 1.3em; }
.figure span { color: var(--muted); font-size: .85em; }
svg { width: 100%; height: auto; display: block; }
svg .incident { fill: var(--shade); opacity: .6; }
svg .total { fill: #b0bec5; }
svg .errors { fill: var(--err); }
svg .ratio { fill: none; stroke: var(--err); stroke-width: 1.6; }
svg .latency { fill: none; stroke: var(--lat); stroke-width: 1.6; }
svg .baseline { stroke: var(--ok); stroke-dasharray: 4 3; }
svg .grid { stroke: var(--line); stroke-width: .6; }
svg .frame { stroke: var(--muted); stroke-width: .8; }
svg .axis { font-size: 11px; fill: var(--muted); }
svg .panel-title { font-size: 12px; fill: var(--fg); font-weight: 600; }
svg .marker line { stroke: #37474f; stroke-width: .8; stroke-dasharray: 2 2; opacity: .7; }
svg .marker circle { fill: #37474f; stroke: white; stroke-width: 1.5; cursor: pointer; }
svg .marker-detection circle, svg .marker-alert circle { fill: #e65100; }
svg .marker-action circle { fill: var(--lat); }
svg .marker-escalation circle { fill: #6a1b9a; }
svg .marker-resolution circle { fill: var(--ok); }
svg .marker.hot circle { r: 8; }
.legend { color: var(--muted); font-size: .85em; margin: 4px 0 20px; }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin: 0 4px 0 12px; }
table { border-collapse: collapse; width: 100%; font-size: .9em; margin: 8px 0 20px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; }
tr.hot td { background: #fff3e0; }
#events td:first-child { white-space: nowrap; }
code { font-size: .9em; background: #f3f5f8; padding: 0 3px; border-radius: 3px; }
.draft { border-top: 2px solid var(--line); margin-top: 28px; }
@media print { .legend, #self-check { display: none; } }
"#;

/// Ties markers and table rows together on hover, and records what the browser built (used by
/// the headless-browser test; harmless for readers).
const SCRIPT: &str = r#"
(function () {
  var errors = [];
  window.addEventListener('error', function (e) { errors.push(String(e.message)); });
  function hot(row, on) {
    var tr = document.getElementById(row);
    if (tr) tr.classList.toggle('hot', on);
    document.querySelectorAll('.marker[data-row="' + row + '"]').forEach(function (m) { m.classList.toggle('hot', on); });
  }
  document.querySelectorAll('.marker').forEach(function (m) {
    var row = m.getAttribute('data-row');
    m.addEventListener('mouseenter', function () { hot(row, true); });
    m.addEventListener('mouseleave', function () { hot(row, false); });
    m.addEventListener('click', function () {
      var tr = document.getElementById(row);
      if (tr) tr.scrollIntoView({ block: 'center' });
    });
  });
  var svg = document.getElementById('chart');
  var check = document.getElementById('self-check');
  if (check) {
    var drawn = 0;
    if (svg) svg.querySelectorAll('.bin').forEach(function (g) { drawn += Number(g.getAttribute('data-bins')); });
    var box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
    check.setAttribute('data-bins', drawn);
    check.setAttribute('data-markers', svg ? svg.querySelectorAll('.marker').length : 0);
    check.setAttribute('data-incidents', svg ? svg.querySelectorAll('.incident').length : 0);
    check.setAttribute('data-width', Math.round(box.width));
    check.setAttribute('data-height', Math.round(box.height));
    check.setAttribute('data-errors', errors.length);
  }
})();
"#;

fn figure(out: &mut String, value: &str, caption: &str) {
    let _ = write!(
        out,
        r#"<div class="figure"><b>{}</b><span>{}</span></div>"#,
        escape(value),
        escape(caption)
    );
}

fn figures(out: &mut String, draft: &Draft) {
    out.push_str(r#"<div class="figures">"#);
    match draft.incidents.first() {
        None => figure(out, "none", "incident found"),
        Some(i) => {
            figure(out, &crate::render::zone::when(&i.start), "started");
            figure(
                out,
                &i.time_to_detect_seconds.max(0).to_string(),
                "seconds to detect",
            );
            figure(
                out,
                &i.duration_seconds
                    .map_or("–".into(), |d| format!("{:.0} min", d as f64 / 60.0)),
                "to recovery",
            );
            figure(
                out,
                &format!("{} / {}", i.impact.requests_failed, i.impact.requests_total),
                "requests failed",
            );
            figure(
                out,
                &format!(
                    "{} ({:.1}%)",
                    i.impact.clients_affected,
                    i.impact.clients_affected_ratio * 100.0
                ),
                "clients affected",
            );
        }
    }
    out.push_str("</div>");
}

fn events_table(out: &mut String, draft: &Draft) {
    let items = chart::marker_items(draft);
    if items.is_empty() {
        return;
    }
    let _ = write!(
        out,
        "<h2>Timeline ({})</h2><table id=\"events\"><thead><tr><th>time</th><th>kind</th><th>what</th><th>source</th></tr></thead><tbody>",
        escape(&label(draft))
    );
    for (n, item) in items.iter().enumerate() {
        let kind = crate::name::serde_name(&item.kind);
        let _ = write!(
            out,
            r#"<tr id="event-{n}"><td>{}</td><td>{kind}</td><td>{}</td><td><code>{}:{}</code></td></tr>"#,
            escape(&item.time.to_string()),
            escape(&item.text),
            escape(&item.source.file),
            item.source.line
        );
    }
    out.push_str("</tbody></table>");
}

/// The Markdown draft as HTML (raw HTML in log lines is escaped, not interpreted).
fn draft_html(markdown: &str) -> String {
    use pulldown_cmark::{Event, Options, Parser};
    use pulldown_cmark::{Tag, TagEnd};
    // Log text never becomes a live link or a remote image: links keep only their text,
    // images their alt text (and the page's CSP forbids remote images besides).
    let parser = Parser::new_ext(markdown, Options::ENABLE_TABLES).map(|e| match e {
        Event::Html(text) | Event::InlineHtml(text) => Event::Text(text),
        Event::Start(Tag::Link { .. } | Tag::Image { .. })
        | Event::End(TagEnd::Link | TagEnd::Image) => Event::Text("".into()),
        other => other,
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, parser);
    html
}

/// The whole page.
pub fn render(draft: &Draft) -> String {
    let title = match draft.incidents.first() {
        Some(i) => format!("Postmortem draft: incident of {}", i.start.date()),
        None => "Postmortem draft: no incident found".into(),
    };
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\"><title>{t}</title><style>{STYLE}</style></head><body>\n<h1>{t}</h1><p class=\"meta\">{} {} · {} · times in {} · {}</p>",
        draft.tool.name,
        draft.tool.version,
        crate::render::count(draft.inputs.len(), "log file", "log files"),
        escape(&label(draft)),
        escape(&draft.signal),
        t = escape(&title),
    );
    figures(&mut out, draft);
    out.push_str(&chart::svg(draft));
    out.push_str(
        r##"<p class="legend">Shaded: incident window. Markers:<i style="background:#e65100"></i>alert / detection<i style="background:#1565c0"></i>action<i style="background:#6a1b9a"></i>escalation<i style="background:#2e7d32"></i>resolution<i style="background:#37474f"></i>evidence. Hover a marker for its line and <code>file:line</code>.</p>"##,
    );
    events_table(&mut out, draft);
    let _ = write!(
        out,
        "<section class=\"draft\">{}</section>",
        draft_html(&crate::render::markdown::render(draft))
    );
    let _ = write!(
        out,
        "<output id=\"self-check\" hidden></output><script>{SCRIPT}</script>\n</body></html>\n"
    );
    out
}
