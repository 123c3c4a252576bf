//! The lines around a citation, as every output shows them: numbered, the cited line marked,
//! at most as many each side as asked for.

use crate::timeline::Source;

/// One line of a citation's context: its number, its text, and whether it is the cited one.
pub(crate) struct ShownLine<'a> {
    /// The line number in the file.
    pub number: u64,
    /// The line as kept.
    pub text: &'a str,
    /// Whether this is the line cited.
    pub cited: bool,
}

/// The lines around `source`, at most `n` each side; empty when it has none.
pub(crate) fn shown_lines(source: &Source, n: usize) -> Vec<ShownLine<'_>> {
    let Some(c) = &source.context else {
        return Vec::new();
    };
    let before = &c.before[c.before.len().saturating_sub(n)..];
    let first = source.line.saturating_sub(before.len() as u64);
    let texts = before
        .iter()
        .map(|t| (t.as_str(), false))
        .chain([(c.cited.as_str(), true)])
        .chain(c.after.iter().take(n).map(|t| (t.as_str(), false)));
    texts
        .enumerate()
        .map(|(k, (text, cited))| ShownLine {
            number: first + k as u64,
            text,
            cited,
        })
        .collect()
}

/// The lines as plain text, one a line: `> 50  text` for the cited one, `  49  text` else,
/// numbers right-aligned.
pub(crate) fn plain_block(lines: &[ShownLine<'_>]) -> String {
    let width = number_width(lines);
    lines.iter().map(|l| plain_line(l, width)).collect()
}

/// How wide the line numbers of `lines` are written: the last is the largest.
pub(crate) fn number_width(lines: &[ShownLine<'_>]) -> usize {
    lines.last().map_or(1, |l| l.number.to_string().len())
}

/// One line of [`plain_block`], its number `width` wide, with its newline.
pub(crate) fn plain_line(l: &ShownLine<'_>, width: usize) -> String {
    let mark = if l.cited { '>' } else { ' ' };
    format!("{mark} {:>width$}  {}\n", l.number, l.text)
}

/// A Markdown code fence that no run of backticks in `text` can close.
pub(crate) fn fence_for(text: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    "`".repeat((longest + 1).max(3))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::Context;

    fn source() -> Source {
        Source {
            file: "syslog".into(),
            line: 50,
            context: Some(Context {
                before: vec!["48 text".into(), "49 text".into()],
                cited: "50 text".into(),
                after: vec!["51 text".into()],
            }),
        }
    }

    #[test]
    fn lines_are_numbered_around_the_cited_one() {
        let s = source();
        let block = plain_block(&shown_lines(&s, 1));
        assert_eq!(block, "  49  49 text\n> 50  50 text\n  51  51 text\n");
        assert_eq!(shown_lines(&s, 2).len(), 4);
    }

    #[test]
    fn a_fence_outlasts_the_backticks_inside() {
        assert_eq!(fence_for("plain"), "```");
        assert_eq!(fence_for("a ```` b"), "`````");
    }
}
