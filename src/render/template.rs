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

/// Instructions a template may run: generous for any real layout (the bundled sample's
/// examples use under 100,000), and it stops a `for` over 10,000³ in about a second.
pub const TEMPLATE_FUEL: u64 = 50_000_000;
/// Output a template may write.
pub const MAX_TEMPLATE_OUTPUT: usize = 64 << 20;

/// A writer that refuses to grow past [`MAX_TEMPLATE_OUTPUT`].
struct Capped(Vec<u8>);

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.0.len() + buf.len() > MAX_TEMPLATE_OUTPUT {
            return Err(std::io::Error::other(format!(
                "the output would pass {} MiB",
                MAX_TEMPLATE_OUTPUT >> 20
            )));
        }
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Renders `template` (its text; `name` is for messages) over the draft.
pub fn render(name: &str, template: &str, draft: &Draft) -> Result<String, Error> {
    render_value(name, template, Value::from(minijinja::value::Serde(draft)))
}

/// Renders `template` over a model already in JSON form (the sandboxed child's input).
pub fn render_json(name: &str, template: &str, model: &serde_json::Value) -> Result<String, Error> {
    render_value(name, template, Value::from(minijinja::value::Serde(model)))
}

fn render_value(name: &str, template: &str, context: Value) -> Result<String, Error> {
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
    env.set_fuel(Some(TEMPLATE_FUEL));
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
    env.add_filter("when", |t: String| crate::render::zone::when_text(&t));
    env.add_filter("cite", cite);
    env.add_template(name, template).map_err(fail)?;
    let mut out = Capped(Vec::new());
    env.get_template(name)
        .and_then(|t| t.render_captured_to(context, &mut out).map(drop))
        .map_err(fail)?;
    Ok(String::from_utf8_lossy(&out.0).into_owned())
}

#[cfg(test)]
mod tests;
