//! The draft's running text on a terminal: headings, paragraphs, quotes and lists (nested),
//! with strong, emphasis and code spans, wrapped to the width at word boundaries.
//!
//! Why our own and not a terminal Markdown crate: the draft uses a handful of CommonMark's
//! blocks, and the crate that laid them out brought 29 more crates into every build (a terminal
//! toolkit, a second `syn`, proc-macros) for that, cut words in two and left spaces at line
//! ends. CommonMark is read by pulldown-cmark, which the HTML page uses anyway, so escapes and
//! emphasis are read exactly as the Markdown output means them.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// How a stretch of text is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    Strong,
    Emphasis,
    Code,
}

impl Style {
    /// The ANSI sequences that start and end it.
    fn codes(self) -> (&'static str, &'static str) {
        match self {
            Style::Plain => ("", ""),
            Style::Strong => ("\x1b[1m", "\x1b[22m"),
            Style::Emphasis => ("\x1b[33m", "\x1b[39m"),
            Style::Code => ("\x1b[36m", "\x1b[39m"),
        }
    }
}

/// A word: the text between spaces, in one or more styles (`(` `syslog:50` `).`).
#[derive(Default)]
struct Word {
    parts: Vec<(String, Style)>,
}

impl Word {
    fn width(&self) -> usize {
        self.parts.iter().map(|(t, _)| t.width()).sum()
    }

    fn push(&mut self, c: char, style: Style) {
        match self.parts.last_mut() {
            Some((text, s)) if *s == style => text.push(c),
            _ => self.parts.push((c.to_string(), style)),
        }
    }

    /// Its last `room` columns after a `…`: a word wider than the line (a long path) keeps
    /// the end that tells it apart.
    fn shortened(&self, room: usize) -> Word {
        let mut kept: Vec<(String, Style)> = Vec::new();
        let mut left = room.saturating_sub(1);
        for (text, style) in self.parts.iter().rev() {
            let mut tail: Vec<char> = Vec::new();
            for c in text.chars().rev() {
                let w = UnicodeWidthChar::width(c).unwrap_or(0);
                if w > left {
                    left = 0;
                    break;
                }
                left -= w;
                tail.push(c);
            }
            tail.reverse();
            kept.push((tail.into_iter().collect(), *style));
            if left == 0 {
                break;
            }
        }
        kept.push(("…".to_string(), Style::Plain));
        kept.reverse();
        Word { parts: kept }
    }
}

/// The block being laid out and where it sits.
struct Layout {
    width: usize,
    colour: bool,
    out: String,
    words: Vec<Word>,
    /// Whether the next character starts a new word.
    at_space: bool,
    styles: Vec<Style>,
    quoted: bool,
    /// Open lists, and whether the current item's first line is still to be written.
    lists: usize,
    item_first_line: bool,
}

/// `markdown` (text without tables or code blocks) laid out in `width` columns; styled with
/// ANSI sequences when `colour`.
pub(super) fn layout(markdown: &str, width: usize, colour: bool) -> String {
    let mut l = Layout {
        width: width.max(20),
        colour,
        out: String::with_capacity(markdown.len() + markdown.len() / 4),
        words: Vec::new(),
        at_space: true,
        styles: Vec::new(),
        quoted: false,
        lists: 0,
        item_first_line: false,
    };
    for event in Parser::new(markdown) {
        l.event(event);
    }
    l.flush();
    l.out
}

impl Layout {
    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(Tag::Strong) => self.styles.push(Style::Strong),
            Event::Start(Tag::Emphasis) => self.styles.push(Style::Emphasis),
            Event::End(TagEnd::Strong | TagEnd::Emphasis) => {
                self.styles.pop();
            }
            Event::Start(Tag::Heading { .. }) => self.styles.push(Style::Strong),
            Event::End(TagEnd::Heading(_)) => {
                self.styles.pop();
                self.end_block();
            }
            Event::Start(Tag::BlockQuote(_)) => self.quoted = true,
            Event::End(TagEnd::BlockQuote(_)) => self.quoted = false,
            Event::End(TagEnd::Paragraph) => match self.lists {
                0 => self.end_block(),
                _ => self.flush(),
            },
            Event::Start(Tag::List(_)) => {
                self.flush();
                self.lists += 1;
            }
            Event::End(TagEnd::List(_)) => {
                self.flush();
                self.lists -= 1;
                if self.lists == 0 {
                    self.out.push('\n');
                }
            }
            Event::Start(Tag::Item) => {
                self.flush();
                self.item_first_line = true;
            }
            Event::End(TagEnd::Item) => self.flush(),
            Event::Text(text) => self.text(&text, self.style()),
            Event::Code(text) => {
                self.text(&text, Style::Code);
            }
            Event::SoftBreak => self.at_space = true,
            Event::HardBreak => self.flush(),
            // Raw HTML is never the draft's own (log text arrives escaped): shown as written.
            Event::Html(text) | Event::InlineHtml(text) => self.text(&text, Style::Plain),
            _ => {}
        }
    }

    fn style(&self) -> Style {
        self.styles.last().copied().unwrap_or(Style::Plain)
    }

    /// Text into words; a control character (none should come, log text arrives escaped)
    /// is shown as U+FFFD, never sent to the terminal.
    fn text(&mut self, text: &str, style: Style) {
        for c in text.chars() {
            if c.is_whitespace() {
                self.at_space = true;
                continue;
            }
            if self.at_space || self.words.is_empty() {
                self.words.push(Word::default());
                self.at_space = false;
            }
            let shown = if c.is_control() { '\u{FFFD}' } else { c };
            if let Some(word) = self.words.last_mut() {
                word.push(shown, style);
            }
        }
    }

    /// The block's words written, then a blank line.
    fn end_block(&mut self) {
        self.flush();
        self.out.push('\n');
    }

    /// The words gathered so far written as wrapped lines under the current prefix.
    fn flush(&mut self) {
        self.at_space = true;
        if self.words.is_empty() {
            return;
        }
        let quote = if self.quoted { "▐ " } else { "" };
        let depth = self.lists;
        let indent = "  ".repeat(depth.saturating_sub(1));
        let (first, rest) = match (depth, self.item_first_line) {
            (0, _) => (quote.to_string(), quote.to_string()),
            (_, true) => (format!("{quote}{indent}• "), format!("{quote}{indent}  ")),
            (_, false) => (format!("{quote}{indent}  "), format!("{quote}{indent}  ")),
        };
        self.item_first_line = false;
        let words = std::mem::take(&mut self.words);
        let mut line = Line::default();
        let mut prefix = first.as_str();
        for word in words {
            let room = self.width.saturating_sub(prefix.width()).max(1);
            let w = word.width();
            if line.used > 0 && line.used + 1 + w > room {
                self.end_line(prefix, &mut line);
                prefix = rest.as_str();
            }
            let room = self.width.saturating_sub(prefix.width()).max(1);
            let word = if w > room { word.shortened(room) } else { word };
            if line.used > 0 {
                // A space between two styles is in neither.
                if word.parts.first().is_none_or(|(_, s)| *s != line.style) {
                    self.switch(&mut line, Style::Plain);
                }
                line.text.push(' ');
                line.used += 1;
            }
            line.used += word.width();
            for (text, style) in &word.parts {
                self.switch(&mut line, *style);
                line.text.push_str(text);
            }
        }
        self.end_line(prefix, &mut line);
    }

    /// Changes the style of what is written next (a sequence only where it changes).
    fn switch(&self, line: &mut Line, style: Style) {
        if !self.colour || line.style == style {
            return;
        }
        line.text.push_str(line.style.codes().1);
        line.text.push_str(style.codes().0);
        line.style = style;
    }

    /// Writes the line after `prefix`, its style closed, and starts the next empty.
    fn end_line(&mut self, prefix: &str, line: &mut Line) {
        self.switch(line, Style::Plain);
        self.out.push_str(prefix);
        self.out.push_str(&line.text);
        self.out.push('\n');
        *line = Line::default();
    }
}

/// A line being filled: its text, its width in columns, the style it is in.
struct Line {
    text: String,
    used: usize,
    style: Style,
}

impl Default for Line {
    fn default() -> Self {
        Line {
            text: String::new(),
            used: 0,
            style: Style::Plain,
        }
    }
}
