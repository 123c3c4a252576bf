//! The draft's Inputs table: each file, what it was read as and why, its lines, its span and
//! the zone and year assumed; then the files passed over and the errors met.

use std::fmt::Write;

use crate::render::escape::{code, escape};
use crate::render::zone::label;
use crate::timeline::Draft;

/// The Inputs section, as the Markdown draft and the HTML page end.
pub(crate) fn inputs(out: &mut String, draft: &Draft) {
    let _ = writeln!(out, "## Inputs\n");
    let _ = writeln!(
        out,
        "| file | format | lines | parsed | skipped | first ({zone}) | last ({zone}) | zone / year assumed |",
        zone = label(draft)
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|");
    for f in &draft.inputs {
        let mut assumed = match (&f.zone, &f.zone_rule) {
            (Some(zone), Some(rule)) => format!("{} ({})", escape(zone), escape(&rule.describe())),
            (Some(zone), None) => escape(zone),
            _ => "from the lines".into(),
        };
        if let Some(first) = &f.duplicate_of {
            let _ = write!(
                assumed,
                "; same bytes as {}, not counted again",
                code(first)
            );
        }
        if let Some(c) = &f.partial_copy_of {
            let _ = write!(
                assumed,
                "; {} {} {}, counted once",
                crate::name::count(c.lines_repeated as usize, "line", "lines"),
                if c.lines_repeated == 1 {
                    "repeats"
                } else {
                    "repeat"
                },
                code(&c.file)
            );
        }
        if let (Some(y), Some(rule)) = (f.year, &f.year_rule) {
            let _ = write!(assumed, "; year {y} ({})", rule.describe());
        }
        if let Some(why) = &f.not_read {
            assumed = format!("**not read**: {}", escape(why));
        }
        let _ = writeln!(
            out,
            "| {} | {}{} | {} | {} | {} | {} | {} | {} |",
            code(&f.file),
            f.format.name(),
            match f.compression {
                crate::read::Compression::None => "",
                crate::read::Compression::Gzip => " (gzip)",
                crate::read::Compression::Bzip2 => " (bzip2)",
                crate::read::Compression::Xz => " (xz)",
                crate::read::Compression::Zstd => " (zstd)",
            },
            f.lines_read,
            f.lines_parsed,
            f.lines_skipped,
            f.first_time.map_or("–".into(), |t| t.to_string()),
            f.last_time.map_or("–".into(), |t| t.to_string()),
            assumed
        );
    }
    for s in &draft.skipped_files {
        let _ = writeln!(out, "\nSkipped {}: {}.", code(&s.file), escape(&s.reason));
    }
    for e in &draft.errors {
        let _ = writeln!(out, "\nError: {}.", escape(&e.to_string()));
    }
}
