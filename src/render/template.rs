//! `--template FILE`: a team's own postmortem layout, written in Jinja (minijinja) over the same
//! model `--json` prints, so a field a script can read is a field a template can show.
//!
//! Extra filters, so templates need not reimplement the built-in renderer's formatting:
//! `pct` (0.103 → `10.3%`), `duration` (seconds → `3 h 15 min`), `clock` (RFC 3339 →
//! `08:15:30`), `when` (RFC 3339 → `2023-09-10 08:15:30 UTC`), `cite` (a `source` object →
//! `` `file:line` ``). Undefined names print as an error, not as nothing (a typo in a template
//! should not silently drop a section), but may be tested with `if`.

use minijinja::{Environment, UndefinedBehavior, Value};

use crate::error::Error;
use crate::timeline::Draft;

fn clock(time: String) -> String {
    time.get(11..19).unwrap_or(&time).to_string()
}

fn cite(source: Value) -> Result<String, minijinja::Error> {
    let file = source.get_attr("file")?;
    let line = source.get_attr("line")?;
    Ok(format!("`{file}:{line}`"))
}

/// Renders `template` (its text; `name` is for messages) over the draft.
pub fn render(name: &str, template: &str, draft: &Draft) -> Result<String, Error> {
    let fail = |e: minijinja::Error| {
        let mut message = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            message.push_str(&format!(": {s}"));
            source = s.source();
        }
        Error::Template {
            path: name.to_string(),
            line: e.line().unwrap_or(0) as u64,
            message,
        }
    };
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    // Block tags on their own lines leave no blank lines behind, as in Jinja with these set.
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
        .map_err(fail)?;
    env.set_syntax(syntax);
    env.add_filter("pct", crate::render::markdown::pct);
    env.add_filter("duration", crate::render::markdown::duration);
    env.add_filter("clock", clock);
    env.add_filter("when", |t: String| crate::render::zone::when(&t));
    env.add_filter("cite", cite);
    env.add_template(name, template).map_err(fail)?;
    let context = Value::from(minijinja::value::Serde(draft));
    env.get_template(name)
        .and_then(|t| t.render(context))
        .map_err(fail)
}

#[cfg(test)]
mod tests;
