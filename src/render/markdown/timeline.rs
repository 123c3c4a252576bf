//! The draft's Timeline section: detection, actions, misleading paths, escalation,
//! resolution, and the table of every event with its effect and source.

use std::fmt::Write;

use super::{ASK, cite, clock_in, duration, effect_text, is_investigation};
use crate::detect::sources::SourceKind;
use crate::render::escape::escape;
use crate::render::zone::{label, when};
use crate::timeline::{DetectionMethod, Draft, Incident, ItemKind, TimelineItem};

pub(super) fn timeline(out: &mut String, draft: &Draft, i: &Incident, with_table: bool) {
    let _ = writeln!(out, "## Timeline ({})\n", label(draft));
    if let Some(ttr) = i.time_to_resolve_seconds {
        let _ = writeln!(
            out,
            "Time to detect {}, to acknowledge {}, to resolve {}.\n",
            i.time_to_detect_seconds
                .map_or("unknown (no alert or page in the logs)".to_string(), |s| {
                    duration(s.max(0))
                }),
            i.time_to_acknowledge_seconds.map_or(
                "unknown (no acknowledgement in the alert logs)".to_string(),
                duration
            ),
            duration(ttr)
        );
    }
    let _ = match i.time_to_detect_seconds {
        Some(s) => writeln!(
            out,
            "- **Issue detected:** {} — {}",
            when(&i.detected),
            if s >= 0 {
                format!("{} after the start", duration(s))
            } else {
                format!("{} before the computed start", duration(-s))
            }
        ),
        // The logs' own change point is not when a person noticed: ask.
        None => writeln!(
            out,
            "- **Issue detected:** {ASK} _When did someone notice?_ No alert, page or acknowledgement in the logs; {} at {}.",
            match i.detection_method {
                DetectionMethod::BurnRate => "a burn-rate page would have fired",
                _ => "the logs' evidence of the rise was conclusive",
            },
            when(&i.detected)
        ),
    };
    let _ = writeln!(
        out,
        "- **Detection method:** {}",
        escape(&i.detection_detail)
    );
    let (looked, actions): (Vec<&TimelineItem>, Vec<&TimelineItem>) = i
        .timeline
        .iter()
        .filter(|t| matches!(t.kind, ItemKind::Action | ItemKind::Investigation))
        .partition(|t| is_investigation(t));
    let looked = match looked.len() {
        0 => String::new(),
        n => format!(
            "; {} that only looked, listed as investigation",
            crate::render::count(n, "command", "commands")
        ),
    };
    let _ = writeln!(
        out,
        "- **Actions taken:** {}{looked} — {ASK} _add what was assumed at each step._",
        match actions.len() {
            0 => "none found in the logs".to_string(),
            n => format!("{n} found in the logs, in the table below"),
        }
    );
    misleading_paths(out, i);
    escalation(out, i);
    resolution(out, i);
    match with_table {
        true => table(out, i),
        false => {
            let _ = writeln!(out);
        }
    }
}

/// Changes after which the error rate did not fall: candidates to confirm or strike; and a
/// burst of failed logins during the incident, the trail they may have followed.
fn misleading_paths(out: &mut String, i: &Incident) {
    misleading_changes(out, i);
    if let Some(f) = &i.failed_logins {
        bullet(out, i, f, "A trail to check: ", "");
    }
}

/// One event under a bullet of the Timeline section: `  - {lead}08:34:05 text{after} (cite)`.
fn bullet(out: &mut String, i: &Incident, t: &TimelineItem, lead: &str, after: &str) {
    let _ = writeln!(
        out,
        "  - {lead}{} {}{after} ({})",
        clock_in(i, &t.time),
        escape(&t.text),
        cite(t)
    );
}

fn misleading_changes(out: &mut String, i: &Incident) {
    if i.misleading_candidates.is_empty() {
        let _ = writeln!(
            out,
            "- **Misleading paths:** no change during the incident was followed by an unchanged error rate. {ASK} _Add investigations that led nowhere._"
        );
    } else {
        let _ = writeln!(
            out,
            "- **Misleading paths (candidates):** changes during the incident after which the error rate did not fall — {ASK} _confirm or strike:_"
        );
        for m in &i.misleading_candidates {
            bullet(out, i, m, "", &format!(" — {}", effect_text(m)));
        }
    }
}

/// Acknowledgements, escalations and hand-overs from the alert logs.
fn escalation(out: &mut String, i: &Incident) {
    let escalations: Vec<&TimelineItem> = i
        .timeline
        .iter()
        .filter(|t| t.kind == ItemKind::Escalation)
        .collect();
    if escalations.is_empty() {
        let _ = writeln!(
            out,
            "- **Escalation:** none in the alert logs. {ASK} _Who was pulled in?_"
        );
    } else {
        let _ = writeln!(
            out,
            "- **Escalation:** acknowledgements, escalations and hand-overs in the alert logs:"
        );
        for e in escalations {
            bullet(out, i, e, "", "");
        }
    }
}

/// What resolved it, or why the logs cannot say.
fn resolution(out: &mut String, i: &Incident) {
    match i.timeline.iter().find(|t| t.kind == ItemKind::Resolution) {
        Some(r) => {
            let _ = writeln!(
                out,
                "- **Resolution:** {} {} ({})",
                clock_in(i, &r.time),
                escape(&r.text),
                cite(r)
            );
        }
        None if i.impact.unit == SourceKind::Alerts => {
            let _ = writeln!(
                out,
                "- **Resolution:** the alert files hold no resolution of the alert. {ASK} _When and how was it resolved?_"
            );
        }
        None => {
            let _ = writeln!(
                out,
                "- **Resolution:** the logs end before the error rate returned to baseline."
            );
        }
    }
}

/// The incident's timeline as a table: time, kind, what, effect, source.
fn table(out: &mut String, i: &Incident) {
    let _ = writeln!(
        out,
        "\n| time | kind | what | effect on error rate | source |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|");
    for t in &i.timeline {
        let kind = crate::render::figures::kind_text(t);
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            clock_in(i, &t.time),
            kind,
            escape(&t.text),
            effect_text(t),
            cite(t)
        );
    }
    let _ = writeln!(out);
}

/// With `n` lines of context asked for (`--context N`): each cited row's lines around it, in
/// a collapsed `<details>` block (GitHub and GitLab render it; elsewhere it reads as text).
pub(super) fn evidence_in_context(out: &mut String, i: &Incident, n: usize) {
    use crate::render::context::{fence_for, plain_block, shown_lines};
    use crate::render::escape::html;
    let rows: Vec<(&TimelineItem, String)> = i
        .timeline
        .iter()
        .filter_map(|t| {
            let lines = shown_lines(&t.source, n);
            (!lines.is_empty()).then(|| (t, plain_block(&lines)))
        })
        .collect();
    if n == 0 || rows.is_empty() {
        return;
    }
    let _ = writeln!(out, "### Evidence in context\n");
    for (t, block) in rows {
        let fence = fence_for(&block);
        let _ = writeln!(
            out,
            "<details><summary>{} {} <code>{}:{}</code></summary>\n\n{fence}text\n{block}{fence}\n\n</details>\n",
            html(&clock_in(i, &t.time)),
            html(&crate::render::figures::kind_text(t)),
            html(&t.source.file),
            t.source.line
        );
    }
}
