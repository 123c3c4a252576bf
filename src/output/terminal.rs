//! Colour like ripgrep and fd: only when writing to a terminal, never when `NO_COLOR` is set
//! (unless `--color always`), and never in files or pipes, where escape codes are noise.

use std::io::IsTerminal;

use crate::render::sparkline::{LABEL, MARK_LABEL};

/// `--color`: `never`, `auto` (on a terminal, unless `NO_COLOR` is set) or `always`.
// The variants go undocumented: clap would print a doc comment as each value's help.
#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    Never,
    #[default]
    Auto,
    Always,
}

impl ColorChoice {
    /// Whether to colour standard output. `no_color` is the `NO_COLOR` variable's value.
    pub fn resolve(
        self,
        stdout_is_terminal: bool,
        no_color: Option<&str>,
        term: Option<&str>,
    ) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                stdout_is_terminal && no_color.is_none_or(str::is_empty) && term != Some("dumb")
            }
        }
    }

    /// `resolve` against this process's standard output and environment.
    pub fn for_stdout(self) -> bool {
        let no_color = std::env::var("NO_COLOR").ok();
        let term = std::env::var("TERM").ok();
        self.resolve(
            std::io::stdout().is_terminal(),
            no_color.as_deref(),
            term.as_deref(),
        )
    }
}

const BOLD: &str = "\x1b[1m";
const HEADING: &str = "\x1b[1;36m";
const ASK: &str = "\x1b[33m";
const HOT: &str = "\x1b[1;31m";
const RESET: &str = "\x1b[0m";

/// Colours the Markdown draft for a terminal: headings, the author's prompts (`✍ _…_`), bold
/// figures, and the incident's cells of the sparkline. The text is otherwise unchanged.
pub fn colour_markdown(markdown: &str) -> String {
    let lines: Vec<&str> = markdown.lines().collect();
    let mut out = String::with_capacity(markdown.len() + 1024);
    for (n, line) in lines.iter().enumerate() {
        if line.starts_with('#') {
            out.push_str(HEADING);
            out.push_str(line);
            out.push_str(RESET);
        } else if let Some(spark) = line.strip_prefix(LABEL)
            && let Some(marks) = lines.get(n + 1).and_then(|m| m.strip_prefix(MARK_LABEL))
        {
            out.push_str(LABEL);
            let mut hot = false;
            let mut marks = marks.chars();
            for c in spark.chars() {
                let now = marks.next() == Some('^');
                if now != hot {
                    out.push_str(if now { HOT } else { RESET });
                    hot = now;
                }
                out.push(c);
            }
            if hot {
                out.push_str(RESET);
            }
        } else {
            out.push_str(&emphasise(line));
        }
        out.push('\n');
    }
    out
}

/// `**bold**` in bold, `✍ _ask_` in yellow; the Markdown markers are kept so the text can
/// still be pasted into a document.
fn emphasise(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 32);
    let mut rest = line;
    while let Some(start) = rest.find("**") {
        let Some(len) = rest[start + 2..].find("**") else {
            break;
        };
        let end = start + 2 + len + 2;
        out.push_str(&rest[..start]);
        out.push_str(BOLD);
        out.push_str(&rest[start..end]);
        out.push_str(RESET);
        rest = &rest[end..];
    }
    out.push_str(rest);
    match out.find("✍ _") {
        Some(at) => {
            let end = out[at + 5..]
                .find('_')
                .map_or(out.len(), |e| at + 5 + e + 1);
            format!("{}{ASK}{}{RESET}{}", &out[..at], &out[at..end], &out[end..])
        }
        None => out,
    }
}

#[cfg(test)]
mod tests;
