//! Habits of good command-line tools, through the real binary: `-j`, `-q`, `-v`, exit codes
//! in `--help` and the man page, warnings for globs that match nothing, and errors that say
//! what they are about (the config file, a template's undefined name, one file for two outputs).

mod common;

use assert_cmd::Command;

fn postmortem() -> Command {
    let mut cmd = Command::cargo_bin("postmortem").expect("binary");
    cmd.env_remove("NO_COLOR");
    cmd
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A folder whose access log holds one line that is not an access log line: a warning.
fn folder_with_a_bad_line() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for m in 0..30 {
        text.push_str(&format!(
            "192.0.2.1 - - [10/Sep/2023:08:{m:02}:00 +0000] \"GET / HTTP/1.1\" 200 12 \"-\" \"curl/8\"\n"
        ));
    }
    text.push_str("this line is not from nginx\n");
    std::fs::write(dir.path().join("access.log"), text).unwrap();
    dir
}

#[test]
fn quiet_prints_only_errors_and_verbose_says_how_each_file_was_read() {
    let dir = folder_with_a_bad_line();
    let normal = postmortem().arg("draft").arg(dir.path()).output().unwrap();
    assert!(
        stderr(&normal).contains("access.log:31: skipped line"),
        "{}",
        stderr(&normal)
    );
    let quiet = postmortem()
        .args(["draft", "-q"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        stderr(&quiet),
        "",
        "-q prints only errors, and there are none"
    );
    assert_eq!(quiet.stdout, normal.stdout, "-q changes stderr only");
    let verbose = postmortem()
        .arg("-v")
        .arg("draft")
        .arg(dir.path())
        .output()
        .unwrap();
    let said = stderr(&verbose);
    assert!(
        said.contains("access.log: read as nginx access: "),
        "{said}"
    );
    assert!(
        said.contains("postmortem stats"),
        "the figures of --stats: {said}"
    );
    let both = postmortem()
        .args(["draft", "-q", "-v"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        both.status.code(),
        Some(2),
        "-q and -v contradict each other"
    );
}

#[test]
fn quiet_still_prints_errors() {
    let dir = folder_with_a_bad_line();
    let out = postmortem()
        .args(["draft", "-q"])
        .arg(dir.path())
        .arg(dir.path().join("missing.log"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("missing.log"), "{}", stderr(&out));
}

#[test]
fn threads_change_nothing_but_speed_and_zero_is_refused() {
    let sample = common::sample_logs();
    let one = postmortem()
        .args(["-j", "1", "draft", "--json"])
        .arg(&sample)
        .output()
        .unwrap();
    let two = postmortem()
        .args(["draft", "--json", "--threads", "2"])
        .arg(&sample)
        .output()
        .unwrap();
    assert_eq!(one.status.code(), Some(0), "{}", stderr(&one));
    assert_eq!(one.stdout, two.stdout);
    let zero = postmortem()
        .args(["draft", "-j", "0"])
        .arg(&sample)
        .output()
        .unwrap();
    assert_eq!(zero.status.code(), Some(2));
    assert!(stderr(&zero).contains("--threads"), "{}", stderr(&zero));
}

#[test]
fn exit_codes_are_in_help_and_in_the_man_page() {
    for args in [
        vec!["--help"],
        vec!["draft", "--help"],
        vec!["timeline", "--help"],
        vec!["scan", "--help"],
    ] {
        let help = postmortem().args(&args).output().unwrap();
        let text = String::from_utf8_lossy(&help.stdout);
        assert!(
            text.contains("Exit status:") && text.contains("  2    an error"),
            "{args:?}: {text}"
        );
    }
    let man = postmortem().arg("man").output().unwrap();
    let page = String::from_utf8_lossy(&man.stdout);
    assert!(page.contains(".SH \"EXIT STATUS\""), "{page}");
    assert!(
        page.contains("\\fB1\\fR\nthe logs were read and show no incident"),
        "{page}"
    );
}

#[test]
fn a_glob_rule_that_matches_no_file_is_a_warning() {
    let sample = common::sample_logs();
    let out = postmortem()
        .args([
            "draft",
            "--tz",
            "web-9/*=UTC",
            "--format",
            "*.jsonl=json_lines",
            "-o",
            "/dev/null",
        ])
        .arg(&sample)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "a warning, not an error");
    let said = stderr(&out);
    assert!(
        said.contains("warning: --tz 'web-9/*' matches no file"),
        "{said}"
    );
    assert!(
        said.contains("warning: --format '*.jsonl' matches no file"),
        "{said}"
    );
    let quiet = postmortem()
        .args(["draft", "-q", "--tz", "web-9/*=UTC", "-o", "/dev/null"])
        .arg(&sample)
        .output()
        .unwrap();
    assert_eq!(stderr(&quiet), "");
}

#[test]
fn a_missing_config_file_is_called_the_config_file() {
    let out = postmortem()
        .args(["draft", "--config", "/nonexistent/team.toml"])
        .arg(common::sample_logs())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("postmortem: config file /nonexistent/team.toml: "),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_templates_undefined_name_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("brief.md.j2");
    std::fs::write(
        &template,
        "# {{ tool.name }}\n{{ incidents[0].impact.requests_faild }}\n",
    )
    .unwrap();
    let out = postmortem()
        .args(["draft", "--template"])
        .arg(&template)
        .arg(common::sample_logs())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let said = stderr(&out);
    assert!(
        said.contains(
            "brief.md.j2:2: template: undefined name `incidents[0].impact.requests_faild`"
        ) || said.contains("undefined name `"),
        "{said}"
    );
    assert_eq!(
        said.matches("brief.md.j2").count(),
        1,
        "the path once: {said}"
    );
}

#[test]
fn one_file_for_both_outputs_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("report");
    let out = postmortem()
        .args(["draft", "-o"])
        .arg(&target)
        .arg("--html")
        .arg(&target)
        .arg(common::sample_logs())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("two outputs"), "{}", stderr(&out));
    assert!(!target.exists());
}

/// `timeline` over logs with only error lines printed nothing and exited 1, without a word
/// that error rows are hidden unless asked for.
#[test]
fn an_empty_timeline_says_why_and_how_to_see_the_error_rows() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("app.log"),
        "2024-10-22 10:00:03,118 ERROR app boom\n2024-10-22 10:01:03,118 ERROR app boom\n",
    )
    .unwrap();
    let out = postmortem()
        .arg("timeline")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(err.contains("2 error rows"), "{err}");
    assert!(err.contains("--kind error"), "{err}");
    let shown = postmortem()
        .args(["timeline", "--kind", "error"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&shown.stdout).lines().count(), 2);
}

/// `--stats` splits the reading stage into file reads, decompression and parsing, so a user
/// with a folder of rotated `.gz` files sees what the compression costs.
#[test]
fn stats_say_what_decompressing_rotated_files_cost() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for i in 0..40_000 {
        text.push_str(&format!(
            "203.0.113.{} - - [10/Sep/2023:08:{:02}:{:02} +0000] \"GET /api/v1/items/{i} HTTP/1.1\" 200 512 \"-\" \"curl/8\"\n",
            i % 200,
            i / 60 % 60,
            i % 60
        ));
    }
    std::fs::write(
        dir.path().join("access.log.2.gz"),
        common::gzip(text.as_bytes()),
    )
    .unwrap();
    let out = postmortem()
        .args(["draft", "--json", "--stats"])
        .arg(dir.path())
        .output()
        .unwrap();
    let said = stderr(&out);
    let seconds = |part: &str| -> f64 {
        let line = said
            .lines()
            .find(|l| l.trim_start().starts_with(part))
            .unwrap_or_else(|| panic!("no `{part}` line: {said}"));
        line.split_whitespace()
            .rev()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no figure in {line}"))
    };
    assert!(seconds("decompress") > 0.0, "{said}");
    assert!(seconds("parse and aggregate") > 0.0, "{said}");
    // The file reads are printed with a figure too (a small file may read in under 1 ms).
    seconds("read(2) of the files");
}
