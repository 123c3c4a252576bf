//! Third round: text that reaches a terminal or a CSV, and times at the edges.

#[allow(unused_imports)]
use super::*;

/// `Dec 25` among `Sep 10` lines (three months ahead, which a sparse log may really jump):
/// the stray was kept, the next correct line skipped, and the rest of the file moved a year.
/// Whatever the chunk size: a chunk ending on the stray line started the next in a new year.
#[test]
fn regression_one_line_three_months_ahead_does_not_move_the_file_a_year() {
    let mut text = String::new();
    for minute in 0..40 {
        text.push_str(&format!(
            "Sep 10 08:{minute:02}:01 web-1 app[7]: request served\n"
        ));
        if minute == 20 {
            text.push_str("Dec 25 03:00:00 web-1 app[7]: clock was wrong here\n");
        }
    }
    let case = Case::with(&[("syslog", &text)]);
    let lines = text.lines().count();
    for chunk in ["2097152", "1000", "59"] {
        let o = case.run(&[
            "draft",
            "logs",
            "--json",
            "--year",
            "2023",
            "--chunk-size",
            chunk,
        ]);
        let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let input = &json["inputs"][0];
        assert_eq!(
            input["first_time"], "2023-09-10T08:00:01Z",
            "chunk {chunk}: {input}"
        );
        // Every September line is read in 2023; the stray is at most the one line left out.
        let parsed = input["lines_parsed"].as_u64().unwrap();
        assert!(parsed + 1 >= lines as u64, "chunk {chunk}: {input}");
        let sept_last = "2023-09-10T08:39:01Z";
        assert!(
            input["last_time"] == sept_last || input["last_time"] == "2023-12-25T03:00:00Z",
            "chunk {chunk}: {input}"
        );
        let series = json["series"].as_array().unwrap();
        assert!(
            series
                .iter()
                .all(|p| p["time"].as_str().unwrap().starts_with("2023-")),
            "chunk {chunk}: a line moved to another year"
        );
    }
}

/// `timeline --csv` wrote log text and file names as they were: `cat timeline.csv` ran an
/// OSC title change and cleared the screen; a newline in a file name forged a stderr line.
#[test]
fn regression_csv_and_stderr_show_control_characters_escaped() {
    let sudo = "Sep 10 08:05:00 web-1 sudo:    alice : TTY=pts/0 ; PWD=/root ; USER=root ; COMMAND=/usr/bin/systemctl restart app\u{1b}]0;pwned\u{7}\u{1b}[2J\n";
    let case = Case::with(&[
        ("sys\u{1b}]0;pwned\u{7}log", sudo),
        ("bad\npostmortem: all is well.log", ""),
        ("\u{1b}]8;;http://x.example/\u{7}link.log", ""),
    ]);
    let o = case.run(&["timeline", "logs", "--csv", "--year", "2023"]);
    let csv = String::from_utf8_lossy(&o.stdout);
    assert!(!o.stdout.contains(&0x1b), "raw ESC in the CSV: {csv:?}");
    assert!(csv.contains("sys\\x1b]0;pwned\\x07log"), "{csv:?}");
    let err = stderr(&o);
    assert!(!err.contains('\u{1b}'), "raw ESC on stderr: {err:?}");
    assert!(
        err.lines()
            .all(|l| !l.starts_with("postmortem: all is well")),
        "a file name forged a line: {err}"
    );
    assert!(
        err.contains("bad\\npostmortem: all is well.log: skipped"),
        "{err}"
    );
}

/// 200,000 empty files printed 200,000 "skipped: empty" lines.
#[test]
fn regression_many_files_passed_over_for_one_reason_are_counted_not_listed() {
    let case = Case::sample();
    for i in 0..300 {
        case.write(&format!("logs/empty/{i:03}.log"), b"");
    }
    let o = case.run(&["draft", "logs"]);
    let err = stderr(&o);
    let listed = err
        .lines()
        .filter(|l| l.ends_with("skipped: empty"))
        .count();
    assert!(listed <= 11, "{listed} lines: {err}");
    assert!(err.contains("290 more files skipped: empty"), "{err}");
}

/// `web\prod.log` and `web/prod.log` are two files on Unix, and were shown as one name.
#[test]
fn regression_a_backslash_in_a_file_name_is_shown_as_written() {
    let line = access_line(1, 200, "/");
    let case = Case::with(&[("web\\prod.log", &line), ("web/prod.log", &line)]);
    let o = case.run(&["draft", "logs", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut files: Vec<&str> = json["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["file"].as_str().unwrap())
        .collect();
    files.sort();
    assert_eq!(files, ["web/prod.log", "web\\prod.log"]);
}

/// `--since start-99999999999h` wrapped round to a time in the future, silently.
#[test]
fn regression_a_relative_bound_past_the_calendar_is_refused() {
    let case = Case::sample();
    let o = case.run(&["timeline", "logs", "--since", "start-99999999999h"]);
    refused(&o, "start-99999999999h");
}

/// A file with a 100 GB sparse tail was said to end in "1048576 NUL bytes".
#[test]
fn regression_a_sparse_tail_is_not_given_a_false_length() {
    let lines: String = (0..59).map(|m| access_line(m, 200, "/")).collect();
    let case = Case::with(&[("access.log", &lines)]);
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(case.path("logs/access.log"))
        .unwrap();
    let len = file.metadata().unwrap().len();
    file.set_len(len + (3 << 20)).unwrap();
    let o = case.run(&["draft", "logs"]);
    let err = stderr(&o);
    assert!(!err.contains("1048576 NUL bytes"), "{err}");
    assert!(
        err.contains("a run of NUL bytes longer than the 1 MiB"),
        "{err}"
    );
}
