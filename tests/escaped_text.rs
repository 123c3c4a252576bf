//! Log text shown exactly as written in every output: a line full of markup (HTML, Markdown
//! links and emphasis, table pipes, backticks) and the signature placeholders `<*>` and
//! `<path>` are pinned as each rendering shows them. The snapshots are what a reader sees:
//! review a change to them as a change to what users read.

mod common;

use std::path::Path;

const HOSTILE: &str = "upstream <b>said</b> **no** to user=_admin_ [x](javascript:alert(1)) <script>alert(2)</script> a|b `tick` #7 & ~done~";

/// Forty minutes of an access log, errors from minute 20 to 34, and an nginx error log with
/// the hostile message through the errors.
fn write_folder(dir: &Path) {
    let mut access = String::new();
    for m in 0..40u32 {
        for k in 0..20u32 {
            let status = if (20..35).contains(&m) && k % 2 == 0 {
                502
            } else {
                200
            };
            access.push_str(&format!(
                "203.0.113.{k} - - [10/Sep/2023:08:{m:02}:{:02} +0000] \"GET /api/{k} HTTP/1.1\" {status} 12 \"-\" \"curl/8\"\n",
                k * 2
            ));
        }
    }
    std::fs::write(dir.join("access.log"), access).unwrap();
    let mut errors = String::new();
    for m in 0..20u32 {
        errors.push_str(&format!(
            "2023/09/10 08:{m:02}:00 [notice] 1#1: signal 17 (SIGCHLD) received\n"
        ));
    }
    for m in 20..35u32 {
        for k in 0..6u32 {
            errors.push_str(&format!(
                "2023/09/10 08:{m:02}:{:02} [error] 1#1: *{k} {HOSTILE}, client: 203.0.113.{k}, server: api.example.com, request: \"GET /api/{k} HTTP/1.1\"\n",
                k * 5
            ));
        }
    }
    std::fs::write(dir.join("error.log"), errors).unwrap();
}

fn draft() -> postmortem::timeline::Draft {
    let dir = tempfile::tempdir().unwrap();
    write_folder(dir.path());
    let config = postmortem::Config::new(vec![dir.path().to_path_buf()]);
    postmortem::draft(&config).expect("reads").0
}

/// The pieces of `text` (split at `split`) that show the hostile line or a placeholder.
fn showing(text: &str, split: &str) -> String {
    text.split(split)
        .filter(|piece| {
            piece.contains("alert(2)")
                || piece.contains("&lt;*&gt;")
                || piece.contains("<*>")
                || piece.contains("\\<\\*\\>")
        })
        .map(|piece| piece.trim())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn markup_in_log_text_as_markdown_shows_it() {
    let markdown = postmortem::render::markdown::render(&draft());
    let shown = showing(&markdown, "\n");
    assert!(shown.contains("\\<script\\>"), "{shown}");
    insta::assert_snapshot!(shown);
}

#[test]
fn markup_in_log_text_as_html_shows_it() {
    let html = postmortem::render::html::render(&draft());
    assert!(
        !html.contains("<script>alert(2)"),
        "live script from a log line"
    );
    assert!(!html.contains("<b>said"), "live markup from a log line");
    assert!(
        !html.contains("href=\"javascript"),
        "live link from a log line"
    );
    // Each element's own text that shows the line, with its tag: `td: first error: …`.
    let body = &html[html.find("<body>").unwrap()..];
    let shown = body
        .split('<')
        .filter_map(|fragment| {
            let (tag, text) = fragment.split_once('>')?;
            let needle = text.contains("alert(2)") || text.contains("&lt;*&gt;");
            needle.then(|| format!("{}: {text}", tag.split(' ').next().unwrap_or(tag)))
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        shown.contains("&lt;script&gt;alert(2)&lt;/script&gt;"),
        "{shown}"
    );
    insta::assert_snapshot!(shown);
}

#[test]
fn markup_in_log_text_on_an_80_column_terminal_shows_it() {
    let markdown = postmortem::render::markdown::render(&draft());
    let shown = postmortem::render::terminal::for_terminal(&markdown, 80, false);
    for line in shown.lines() {
        assert!(line.chars().count() <= 80, "wider than 80: {line:?}");
    }
    // The renderer's own emphasis is gone; the log's `**no**` is shown as written.
    assert!(
        !shown.contains("**Impact:**"),
        "the renderer's bold left as markup"
    );
    assert!(
        shown.contains("**no**"),
        "the log's asterisks lost: {shown}"
    );
    insta::assert_snapshot!(shown);
}

#[test]
fn the_sample_on_an_80_column_terminal() {
    let config = postmortem::Config::new(vec![common::sample_logs()]);
    let (draft, _) = postmortem::draft(&config).expect("sample reads");
    let markdown = postmortem::render::markdown::render(&draft);
    let shown = postmortem::render::terminal::for_terminal(&markdown, 80, false);
    for line in shown.lines() {
        assert!(line.chars().count() <= 80, "wider than 80: {line:?}");
    }
    insta::assert_snapshot!(shown);
}

/// The lines around a citation are log text too: shown, never read, in each output.
#[test]
fn markup_in_the_lines_around_a_citation_is_shown_not_read() {
    let draft = draft();
    let json = postmortem::render::json(&draft);
    assert!(json.contains("\"context\""), "no context in JSON");
    let markdown = postmortem::render::markdown::render_with_context(&draft, 2);
    let blocks = markdown
        .split("<details>")
        .skip(1)
        .map(|b| b.split("</details>").next().unwrap())
        .filter(|b| b.contains("alert(2)"))
        .collect::<Vec<_>>();
    assert!(
        !blocks.is_empty(),
        "no context block shows the hostile line"
    );
    for block in blocks {
        // Inside a code fence, as written: no Markdown escape, no live tag outside it.
        let (before, fenced) = block.split_once("```text\n").expect("a fenced block");
        assert!(
            !before.contains("alert(2)"),
            "the line outside its fence: {before}"
        );
        let inside = fenced.split("```").next().unwrap();
        assert!(
            inside.contains("<script>alert(2)</script> a|b `tick`"),
            "{inside}"
        );
    }
    let html = postmortem::render::html::render(&draft);
    let pre = html
        .split("<pre class=\"context\">")
        .skip(1)
        .map(|p| p.split("</pre>").next().unwrap())
        .find(|p| p.contains("alert(2)"))
        .expect("a citation's box shows the hostile line");
    assert!(
        pre.contains("&lt;script&gt;alert(2)&lt;/script&gt;"),
        "{pre}"
    );
    // The only tags are the renderer's own, around the cited line.
    let own = pre.replace("<b>", "").replace("</b>", "");
    assert!(!own.contains('<'), "live markup in a citation's box: {pre}");
}

/// Words as a reader compares them: without the punctuation a layout may leave beside them.
fn bare(word: &str) -> &str {
    word.trim_matches(|c: char| "()[],;:.*_\"'`\\".contains(c))
}

/// The sample on terminals of 60, 80 and 120 columns: every word shown is a whole word of
/// the draft (or a citation shortened from the left with `…`), never a piece of one
/// (`escalatio` / `n`), and no line is wider than the terminal.
#[test]
fn the_sample_on_a_terminal_never_splits_a_word() {
    let config = postmortem::Config::new(vec![common::sample_logs()]);
    let (draft, _) = postmortem::draft(&config).expect("sample reads");
    let markdown = postmortem::render::markdown::render(&draft);
    let mut words: std::collections::HashSet<&str> =
        markdown.split_whitespace().map(bare).collect();
    // What a table turned into a list adds: each column's name before its value.
    words.extend([
        "effect", "on", "error", "rate", "source", "first", "UTC", "last", "zone", "year",
        "assumed", "lines", "parsed", "skipped", "format",
    ]);
    // Markdown escapes (`\|`) and code spans are resolved on a terminal.
    let unescaped = markdown.replace(['\\', '`'], "");
    words.extend(unescaped.split_whitespace().map(bare));
    for width in [60, 80, 120] {
        let shown = postmortem::render::terminal::for_terminal(&markdown, width, false);
        for line in shown.lines() {
            assert!(
                line.chars().count() <= width,
                "wider than {width}: {line:?}"
            );
            for token in line.split(|c: char| c.is_whitespace() || "│┌┐└┘├┤┬┴┼─•▐".contains(c))
            {
                let token = bare(token);
                // The sparkline's cells, merged to fit, are no words.
                let cells = token.chars().all(|c| ('▁'..='█').contains(&c) || c == '^');
                if token.is_empty() || words.contains(token) || cells {
                    continue;
                }
                let shortened = token
                    .strip_prefix('…')
                    .is_some_and(|tail| words.iter().any(|w| w.ends_with(tail)));
                assert!(
                    shortened,
                    "at {width} columns, {token:?} is not a word of the draft: {line:?}"
                );
            }
        }
    }
}
