//! Which lines of a chunk may be cited, and the lines around them (see
//! [`crate::aggregate::context`]). A line is marked only when it kept something (an event, an
//! error or failed-login sample): one comparison a line; the context is cut from the chunk's
//! bytes once, at its end, for the marked lines the summary still cites.

use super::Worker;
use crate::aggregate::context::{
    CONTEXT_LINES, Context, context_text, edges, lines_after, lines_before,
};

/// Lines that kept something, with where their bytes are in the chunk.
#[derive(Debug, Default)]
pub(super) struct Marks {
    /// Bumped by whatever keeps a line: a line that changes it is marked.
    pub kept: u32,
    /// (line number, first byte, end byte) of each marked line, in order.
    pub at: Vec<(u64, usize, usize)>,
}

impl Worker<'_> {
    /// The contexts of the chunk's cited lines, and its edges, cut from `data`.
    pub(super) fn keep_contexts(&mut self, data: &[u8]) {
        let marks = std::mem::take(&mut self.marks.at);
        if !marks.is_empty() {
            let cited = self.out.cited_lines();
            for (line, start, end) in marks {
                if cited.contains(&line) {
                    let context = Context {
                        before: lines_before(data, start, CONTEXT_LINES),
                        cited: context_text(&data[start..end]),
                        after: lines_after(data, end, CONTEXT_LINES),
                    };
                    self.out.contexts.insert(line, context);
                }
            }
        }
        self.out.edges = edges(data);
    }
}
