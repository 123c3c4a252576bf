//! Log-derived text made safe for Markdown and HTML: shown exactly as written, never read as
//! markup, never able to start a table row or reach a terminal as a control sequence.

pub use crate::name::plain;
use crate::name::push_shown;

/// Log-derived text as Markdown shows it exactly as written: punctuation Markdown would read
/// (emphasis, links, images, HTML, code, table cells) is backslash-escaped, a line break or an
/// ESC can neither start a new table row nor reach a terminal raw (shown as `\n`, `\x1b`).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            c => push_shown(&mut out, c),
        }
    }
    out
}

/// A name (a file, a path) as a code span when it can be one exactly; text with a backtick,
/// a `|` or a control character is shown escaped instead, which no table or renderer breaks.
pub fn code(text: &str) -> String {
    if text.chars().any(|c| c == '`' || c == '|' || c.is_control()) || text.is_empty() {
        escape(text)
    } else {
        format!("`{text}`")
    }
}

/// Text safe inside HTML/SVG elements and attribute values; control characters (but line
/// breaks and tabs) become U+FFFD, as no page can show them.
pub fn html(text: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_breaks_and_controls_are_shown_not_read() {
        assert_eq!(
            escape("a|b\n<x>\u{1b}[1m`*_"),
            "a\\|b\\n\\<x\\>\\x1b\\[1m\\`\\*\\_"
        );
        assert_eq!(code("web-1/access.log"), "`web-1/access.log`");
        assert_eq!(code("we|b"), "we\\|b");
    }
}
