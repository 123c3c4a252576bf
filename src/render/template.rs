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
pub(crate) const TEMPLATE_FUEL: u64 = 50_000_000;
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

/// The name a template used that the model does not have, read off the template's line `line`:
/// minijinja says only "undefined value". Names whose root the model has (`incident.typo`) are
/// tried first, then names rooted elsewhere that no `for` or `set` in the template binds, then
/// a field of a loop variable.
fn undefined_name(
    env: &Environment,
    template: &str,
    line: usize,
    context: &Value,
) -> Option<String> {
    let text = template.lines().nth(line.checked_sub(1)?)?;
    let names = regex::Regex::new(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*|\[\d+\])*").ok()?;
    let bound = regex::Regex::new(
        r"\{%-?\s*(?:for\s+([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s+in\b|set\s+([A-Za-z_]\w*))",
    )
    .ok()?;
    let local: Vec<String> = bound
        .captures_iter(template)
        .flat_map(|c| {
            let names = c.get(1).or(c.get(2)).map_or("", |m| m.as_str());
            names
                .split(',')
                .map(|n| n.trim().to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    let mut in_tags = String::new();
    for piece in text.split("{{").skip(1).chain(text.split("{%").skip(1)) {
        in_tags.push_str(piece.split(['}', '%']).next().unwrap_or(""));
        in_tags.push(' ');
    }
    let defined = |expr: &str| {
        env.compile_expression(expr)
            .and_then(|e| e.eval(context))
            .is_ok_and(|v| !v.is_undefined())
    };
    // `incidents[0].impact.x`: `incidents`, `incidents[0]`, `incidents[0].impact`, … in turn.
    let first_missing = |path: &str| {
        path.char_indices()
            .filter(|&(i, c)| i > 0 && (c == '.' || c == '['))
            .map(|(i, _)| &path[..i])
            .chain(std::iter::once(path))
            .find(|prefix| !defined(prefix))
            .map(str::to_string)
    };
    // Statement words, filters (`| pct`), tests (`is defined`) and calls are not data.
    const WORDS: &[&str] = &[
        "for",
        "in",
        "endfor",
        "if",
        "elif",
        "else",
        "endif",
        "set",
        "endset",
        "not",
        "and",
        "or",
        "is",
        "true",
        "false",
        "none",
        "True",
        "False",
        "None",
        "loop",
        "recursive",
        "with",
        "endwith",
        "macro",
        "endmacro",
        "call",
        "filter",
        "endfilter",
        "raw",
        "endraw",
        "include",
        "import",
        "from",
        "as",
        "block",
        "endblock",
        "extends",
        "continue",
        "break",
    ];
    let candidates: Vec<&str> = names
        .find_iter(&in_tags)
        .filter(|m| {
            let before = in_tags[..m.start()].trim_end();
            let after = in_tags[m.end()..].trim_start();
            !WORDS.contains(&m.as_str())
                && !before.ends_with('|')
                && !before.ends_with(" is")
                && !after.starts_with('(')
        })
        .map(|m| m.as_str())
        .collect();
    let root_of = |c: &str| c.split(['.', '[']).next().unwrap_or(c).to_string();
    candidates
        .iter()
        .filter(|c| defined(&root_of(c)))
        .chain(candidates.iter().filter(|c| !local.contains(&root_of(c))))
        .find_map(|c| first_missing(c))
        // A field of a loop variable cannot be evaluated here: name the whole path.
        .or_else(|| {
            candidates
                .iter()
                .find(|c| c.contains('.') && local.contains(&root_of(c)))
                .map(|c| c.to_string())
        })
}

fn render_value(name: &str, template: &str, context: Value) -> Result<String, Error> {
    let undefined_in = std::cell::RefCell::new(None::<String>);
    let fail = |e: minijinja::Error| {
        // The kind and detail, without minijinja's "(in FILE:LINE)": the prefix says where.
        let mut message = match e.detail() {
            Some(detail) => format!("{}: {detail}", e.kind()),
            None => e.kind().to_string(),
        };
        if let Some(missing) = undefined_in.borrow().as_ref() {
            message = format!(
                "undefined name `{missing}` (the model has no such field: see `postmortem draft --json` for the names)"
            );
        }
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
    let rendered = env
        .get_template(name)
        .and_then(|t| t.render_captured_to(context.clone(), &mut out).map(drop));
    if let Err(e) = &rendered
        && e.kind() == minijinja::ErrorKind::UndefinedError
    {
        *undefined_in.borrow_mut() = e
            .line()
            .and_then(|line| undefined_name(&env, template, line, &context));
    }
    rendered.map_err(fail)?;
    Ok(String::from_utf8_lossy(&out.0).into_owned())
}

#[cfg(test)]
mod tests;
