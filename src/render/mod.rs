//! Render: the draft as Markdown (for people) or JSON (for machines).

pub mod markdown;

use crate::timeline::Draft;

pub fn json(draft: &Draft) -> String {
    let mut text =
        serde_json::to_string_pretty(draft).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    text.push('\n');
    text
}
