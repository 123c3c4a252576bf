//! What users see from the real binary, pinned: `--help` of each subcommand, the draft in
//! another zone, a custom template and the `timeline` output. Review changes with
//! `cargo insta review`.

mod common;

use assert_cmd::Command;

fn stdout_of(args: &[&str]) -> String {
    let out = Command::cargo_bin("postmortem")
        .expect("binary")
        .env("COLUMNS", "100")
        .env_remove("NO_COLOR")
        .args(args)
        .output()
        .expect("runs");
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

fn sample() -> String {
    common::sample_logs().display().to_string()
}

#[test]
fn help_of_each_subcommand() {
    for sub in ["draft", "scan", "timeline"] {
        insta::assert_snapshot!(format!("help_{sub}"), stdout_of(&[sub, "--help"]));
    }
    insta::assert_snapshot!("help", stdout_of(&["--help"]));
}

#[test]
fn timeline_of_the_sample() {
    insta::assert_snapshot!(stdout_of(&["timeline", &sample()]));
}

#[test]
fn timeline_filtered_as_csv_in_berlin_time() {
    insta::assert_snapshot!(stdout_of(&[
        "timeline",
        &sample(),
        "--since",
        "start-5m",
        "--until",
        "detected+5m",
        "--kind",
        "incident,alert,escalation,action",
        "--csv",
        "--display-tz",
        "Europe/Berlin",
    ]));
}

#[test]
fn brief_template_over_the_sample() {
    let template = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/templates/brief.md.j2");
    insta::assert_snapshot!(stdout_of(&["draft", &sample(), "--template", template]));
}

#[test]
fn draft_shown_in_kolkata_time() {
    let text = stdout_of(&["draft", &sample(), "--display-tz", "Asia/Kolkata"]);
    // The summary and the timeline only; the rest is the UTC draft's, pinned elsewhere.
    let head: String = text.lines().take(40).collect::<Vec<_>>().join("\n");
    insta::assert_snapshot!(head);
}
