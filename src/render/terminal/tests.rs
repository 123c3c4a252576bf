use super::*;

#[test]
fn escaped_log_text_reaches_the_terminal_exactly_as_written() {
    // What markdown::escape makes of `user=<*> [x] a_b *c* |d|`, then the renderer's prompt.
    let md =
        "- user=\\<\\*\\> \\[x\\] a\\_b \\*c\\* \\|d\\| `nginx_access` $remote_user ✍ _ask me_\n";
    let shown = for_terminal(md, 80, false);
    assert!(
        shown.contains("user=<*> [x] a_b *c* |d| nginx_access $remote_user ✍ ask me"),
        "{shown:?}"
    );
}

#[test]
fn no_markup_is_left_and_tables_fit_the_width() {
    let md = "## Timeline\n\n- **Issue detected:** at 08:15\n\n| time | what | source |\n|---|---|---|\n| 08:15:30 | a very long line of log text that could never fit in forty columns at all | `syslog:55` |\n";
    let shown = for_terminal(md, 40, false);
    assert!(!shown.contains("**") && !shown.contains("##"), "{shown}");
    for line in shown.lines() {
        assert!(line.chars().count() <= 40, "{line:?} is wider than 40");
    }
    assert!(shown.contains("Issue detected: at 08:15"), "{shown}");
    assert!(shown.contains("a very long line of"), "{shown}");
}

#[test]
fn the_incident_cells_of_the_sparkline_are_red() {
    let md = format!("```text\n{LABEL}▁▂█▇▁  peak 9%\n{MARK_LABEL}  ^^\n```\n");
    let shown = for_terminal(&md, 80, true);
    assert!(shown.contains(&format!("▁▂{HOT}█▇{RESET}▁")), "{shown:?}");
    assert!(!for_terminal(&md, 80, false).contains('\x1b'));
}

#[test]
fn lists_nest_quotes_keep_their_bar_and_no_line_ends_in_a_space() {
    let md = "> a quoted note that is long enough to wrap at thirty columns\n\n- **Escalation:** first level item text that wraps\n  - nested item that also wraps over the line\n";
    let shown = for_terminal(md, 30, false);
    assert_eq!(
        shown,
        "▐ a quoted note that is long\n▐ enough to wrap at thirty\n▐ columns\n\n\
         • Escalation: first level item\n  text that wraps\n  • nested item that also\n    wraps over the line\n\n"
    );
    assert!(shown.lines().all(|l| !l.ends_with(' ')), "{shown:?}");
}

#[test]
fn a_word_wider_than_the_terminal_keeps_its_end() {
    let md = "see (`web-1/very/long/path/to/the/access.log:12`) now\n";
    let shown = for_terminal(md, 20, false);
    assert!(shown.lines().all(|l| l.chars().count() <= 20), "{shown:?}");
    assert!(shown.contains("…/the/access.log:12)"), "{shown:?}");
}

#[test]
fn colour_changes_only_where_the_style_does() {
    let shown = for_terminal("**Impact:** two words _ask me_ `a.log:1`\n", 80, true);
    assert_eq!(
        shown,
        "\x1b[1mImpact:\x1b[22m two words \x1b[33mask me\x1b[39m \x1b[36ma.log:1\x1b[39m\n\n"
    );
}

/// `--context` blocks on a terminal: a log line wider than the terminal used to be re-spaced
/// (`sudo:   deploy` shown as `sudo: deploy`) and its continuation put under the line number.
#[test]
fn a_context_line_wider_than_the_terminal_keeps_its_spaces_and_its_gutter() {
    let md = "```text\n  49  short line\n> 50  Sep 10 08:14:05 auth-1 sudo:   deploy : TTY=unknown ; COMMAND=/usr/bin/install -m 0644 /srv/authd/releases/20230910-0810/authd.yaml\n```\n";
    let shown = for_terminal(md, 50, false);
    let lines: Vec<&str> = shown.lines().collect();
    assert_eq!(lines[0], "  49  short line");
    assert_eq!(lines[1], "> 50  Sep 10 08:14:05 auth-1 sudo:   deploy :");
    assert!(lines.len() > 3, "{shown}");
    for line in &lines[2..] {
        assert!(line.chars().count() <= 50, "{line:?}");
        assert!(
            line.starts_with("      ") && !line[6..].starts_with(' '),
            "{line:?}"
        );
    }
    assert_eq!(lines[2], "      TTY=unknown ; COMMAND=/usr/bin/install -m");
}
