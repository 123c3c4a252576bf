//! Render: the draft as Markdown (for people) or JSON (for machines).

pub mod chart;
pub mod context;
pub mod escape;
pub mod events;
pub mod figures;
pub mod html;
pub mod markdown;
pub mod sparkline;
pub mod template;
pub mod terminal;
#[cfg(test)]
pub(crate) mod tests_support;
pub mod zone;

use crate::timeline::Draft;

pub use crate::name::count;

/// The draft as pretty-printed JSON (times in UTC), with a final newline.
pub fn json(draft: &Draft) -> String {
    let mut text =
        serde_json::to_string_pretty(draft).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    text.push('\n');
    text
}

/// `postmortem scan` as text: one block per file, saying what it was read as and why; with
/// `colour`, each file's name in bold and a skipped file's in yellow.
pub fn scan_text(
    inputs: &[crate::timeline::Input],
    skipped: &[crate::timeline::SkippedFile],
    colour: bool,
) -> String {
    use std::fmt::Write;
    let name = |file: &str, style: &str| match colour {
        true => format!("{style}{}\x1b[0m", escape::plain(file)),
        false => escape::plain(file),
    };
    let mut out = String::new();
    for f in inputs {
        let _ = writeln!(out, "{}", name(&f.file, "\x1b[1m"));
        let compression = crate::name::serde_name(&f.compression);
        let _ = writeln!(
            out,
            "  format      {} ({}; compression: {compression})",
            f.format.name(),
            f.detected_because
        );
        let _ = writeln!(
            out,
            "  lines       {} read, {} parsed, {} continued, {} blank, {} skipped",
            f.lines_read, f.lines_parsed, f.lines_continuation, f.lines_blank, f.lines_skipped
        );
        if f.lines_over_1_mib > 0 {
            let _ = writeln!(
                out,
                "  long lines  {} over 1 MiB (read whole; messages from them cut short)",
                f.lines_over_1_mib
            );
        }
        for s in &f.skipped_examples {
            let _ = writeln!(out, "  skipped     line {}: {}", s.line, s.reason);
        }
        let _ = writeln!(
            out,
            "  time        {} – {} (UTC)",
            f.first_time.map_or("–".into(), |t| t.to_string()),
            f.last_time.map_or("–".into(), |t| t.to_string())
        );
        if let (Some(first), Some(last)) = (&f.first_time_as_written, &f.last_time_as_written) {
            let _ = writeln!(out, "  as written  {first} – {last}");
        }
        if let (Some(zone), Some(rule)) = (&f.zone, &f.zone_rule) {
            let _ = writeln!(out, "  zone        {zone} ({})", rule.describe());
        }
        if let Some(r) = &f.rotation {
            let _ = writeln!(
                out,
                "  rotation    piece {} of {} of {} (oldest first){}",
                r.position,
                r.of,
                r.family,
                match r.lines_repeated {
                    0 => String::new(),
                    1 => "; 1 line repeats the older piece and is counted once".to_string(),
                    n => format!("; {n} lines repeat the older piece and are counted once"),
                }
            );
        }
        if let Some(s) = &f.skew {
            let _ = writeln!(
                out,
                "  skew        time jumps back {}, by up to {} s (first at line {}); lines keep their own time",
                count(s.jumps_back as usize, "time", "times"),
                s.largest_jump_back_seconds,
                s.first_line
            );
        }
        if let Some(first) = &f.duplicate_of {
            let _ = writeln!(
                out,
                "  duplicate   same bytes as {first}: not counted again"
            );
        }
        if let Some(k) = &f.kubernetes {
            let _ = writeln!(
                out,
                "  kubernetes  pod {} in namespace {}, container {}",
                k.pod, k.namespace, k.container
            );
        }
        if let Some(c) = &f.partial_copy_of {
            let _ = writeln!(
                out,
                "  copy        {} of its {} lines {} {}: counted once",
                c.lines_repeated,
                f.lines_read,
                if c.lines_repeated == 1 {
                    "repeats"
                } else {
                    "repeat"
                },
                c.file
            );
        }
        if let (Some(year), Some(rule)) = (f.year, &f.year_rule) {
            let _ = writeln!(out, "  year        {year} ({})", rule.describe());
        }
    }
    for s in skipped {
        let _ = writeln!(
            out,
            "{}\n  skipped     {}",
            name(&s.file, "\x1b[1;33m"),
            escape::plain(&s.reason)
        );
    }
    out
}

/// `6 log files`, or `1 of 6 log files (5 not read: see Inputs)` when some were not read
/// (a merge without the partials that hold them).
pub(crate) fn files_read(draft: &crate::timeline::Draft) -> String {
    let all = draft.inputs.len();
    let unread = draft.inputs.iter().filter(|i| i.not_read.is_some()).count();
    match unread {
        0 => crate::render::count(all, "log file", "log files"),
        n => format!("{} of {all} log files ({n} not read: see Inputs)", all - n),
    }
}
