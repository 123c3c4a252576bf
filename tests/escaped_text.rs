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
    let shown = postmortem::output::terminal::for_terminal(&markdown, 80, false);
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
    let shown = postmortem::output::terminal::for_terminal(&markdown, 80, false);
    for line in shown.lines() {
        assert!(line.chars().count() <= 80, "wider than 80: {line:?}");
    }
    insta::assert_snapshot!(shown);
}
