//! Whether the draft is laid out for a terminal, and coloured, like ripgrep and fd: only when
//! writing to one (or with `--color always`), coloured only then and never when `NO_COLOR` is
//! set (unless `--color always`); files and pipes get plain Markdown. The layout itself is
//! [`postmortem::render::terminal`].

use std::io::IsTerminal;

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

/// Columns to lay the draft out in: the terminal's, else `COLUMNS`, else 80.
pub fn width() -> usize {
    if std::io::stdout().is_terminal()
        && let Ok(size) = rustix::termios::tcgetwinsize(std::io::stdout())
        && size.ws_col > 0
    {
        return size.ws_col as usize;
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|c: &usize| *c > 0)
        .unwrap_or(80)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_colours_only_a_terminal_without_no_color() {
        let auto = ColorChoice::Auto;
        assert!(auto.resolve(true, None, Some("xterm-256color")));
        assert!(!auto.resolve(false, None, None), "a pipe or a file");
        assert!(!auto.resolve(true, Some("1"), None), "NO_COLOR set");
        assert!(
            auto.resolve(true, Some(""), None),
            "NO_COLOR empty counts as unset"
        );
        assert!(!auto.resolve(true, None, Some("dumb")));
        assert!(
            ColorChoice::Always.resolve(false, Some("1"), None),
            "an explicit flag wins"
        );
        assert!(!ColorChoice::Never.resolve(true, None, None));
    }
}
