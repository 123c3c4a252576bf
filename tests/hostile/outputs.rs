//! Third round: where a draft, a plan or a partial is written, and what is read to make it.

use super::*;

/// `report.md -> logs/syslog`, then `draft logs -o report.md`: the syslog held the draft.
#[test]
fn regression_output_through_a_link_to_an_input_is_refused() {
    let case = Case::sample();
    std::os::unix::fs::symlink("logs/syslog", case.path("report.md")).unwrap();
    let before = case.read("logs/syslog");
    let o = case.run(&["draft", "logs", "-o", "report.md"]);
    refused(&o, "refusing to write over");
    assert_eq!(
        case.read("logs/syslog"),
        before,
        "the input was written over"
    );
    // A link to a file elsewhere is written through, as before.
    case.write("elsewhere/draft.md", b"old");
    std::os::unix::fs::symlink("elsewhere/draft.md", case.path("link.md")).unwrap();
    let o = case.run(&["draft", "logs", "-o", "link.md"]);
    assert_ne!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&case.read("elsewhere/draft.md")).contains("# Postmortem"));
}

/// A plan made in one folder, `partial` and `merge` run from another (as on an executor):
/// `-o` over the `--at` copy, over a partial just read, over the plan, was written.
#[test]
fn regression_partial_and_merge_never_write_over_what_they_read() {
    let case = planned();
    // The executor's folder: a copy of the syslog, and the plan's files given with --at.
    case.write("exec/syslog.copy", &case.read("logs/syslog"));
    let exec = |args: &[&str]| {
        postmortem()
            .current_dir(case.path("exec"))
            .args(args)
            .output()
            .expect("runs")
    };
    let kept = [
        ("syslog.copy", case.read("exec/syslog.copy")),
        ("../plan.json", case.read("plan.json")),
        ("../all.part", case.read("all.part")),
    ];
    for args in [
        &[
            "partial",
            "--plan",
            "../plan.json",
            "--at",
            "syslog=syslog.copy",
            "-o",
            "syslog.copy",
        ][..],
        &["partial", "--plan", "../plan.json", "-o", "../plan.json"],
        &[
            "merge",
            "--plan",
            "../plan.json",
            "../all.part",
            "-o",
            "../all.part",
        ],
        &[
            "merge",
            "--plan",
            "../plan.json",
            "../all.part",
            "--partial",
            "-o",
            "../plan.json",
        ],
    ] {
        let o = exec(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("refusing to write over"),
            "{args:?}: {}",
            stderr(&o)
        );
    }
    for (name, bytes) in kept {
        assert_eq!(
            std::fs::read(case.path("exec").join(name)).unwrap(),
            bytes,
            "{name} was written over"
        );
    }
}

/// `--template` naming a FIFO hung the run; `/dev/zero` read 2.1 GB before failing.
#[test]
fn regression_a_template_is_a_regular_file_of_a_templates_size() {
    let case = Case::sample();
    let fifo = case.path("template.fifo");
    mkfifo(&fifo);
    for template in [fifo.to_str().unwrap(), "/dev/zero"] {
        let o = case.run(&["draft", "logs", "--template", template]);
        assert_eq!(o.status.code(), Some(2), "{template}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("not a regular file"),
            "{template}: {}",
            stderr(&o)
        );
    }
    case.write("huge.j2", &vec![b'x'; 2 << 20]);
    let o = case.run(&["draft", "logs", "--template", "huge.j2"]);
    refused(&o, "not a template");
    // And the draft is never written over its own template.
    case.write("team.md.j2", b"{{ incidents | length }} incidents\n");
    let o = case.run(&[
        "draft",
        "logs",
        "--template",
        "team.md.j2",
        "-o",
        "team.md.j2",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        case.read("team.md.j2"),
        b"{{ incidents | length }} incidents\n"
    );
}

/// `-o /proc/version` said "No such file or directory" of a file that exists.
#[test]
fn regression_an_output_that_cannot_be_replaced_says_why() {
    let case = Case::sample();
    let o = case.run(&["draft", "logs", "-o", "/proc/version"]);
    refused(&o, "cannot write a new file in /proc");
}

/// `--at nosuch=P` was ignored without a word, and a local path holding `=` could not be
/// given at all.
#[test]
fn regression_at_names_a_file_of_the_plan_and_its_path_may_hold_an_equals_sign() {
    let case = planned();
    let o = case.run(&[
        "partial",
        "--plan",
        "plan.json",
        "--at",
        "nosuch=logs/syslog",
        "-o",
        "p.part",
    ]);
    refused(&o, "no file of the plan is named so");
    case.write("copies/a=b/syslog", &case.read("logs/syslog"));
    let o = case.run(&[
        "partial",
        "--plan",
        "plan.json",
        "--at",
        "syslog=copies/a=b/syslog",
        "-o",
        "p.part",
        "-q",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // A plan's file read at a device is refused, not read forever; the rest is read.
    let o = case.run(&[
        "partial",
        "--plan",
        "plan.json",
        "--at",
        "syslog=/dev/zero",
        "-o",
        "z.part",
    ]);
    refused(&o, "not a regular file");
    assert!(
        !case.read("z.part").is_empty(),
        "the other files' partial was not written"
    );
}

/// The copy of standard input stayed in `$TMPDIR` after SIGINT and SIGKILL, and `yes |
/// postmortem draft -` wrote its copy until the disk was full.
#[test]
fn regression_copies_of_streams_leave_nothing_behind_and_stop_at_their_limit() {
    use std::io::Write;
    let case = Case::sample();
    let tmp = case.path("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    // Killed while copying: nothing was ever visible in the temporary folder.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_postmortem"))
        .args(["draft", "-"])
        .env("TMPDIR", &tmp)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(&case.read("logs/nginx/access.log"))
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let during = std::fs::read_dir(&tmp).unwrap().count();
    child.kill().unwrap();
    let _ = child.wait();
    drop(stdin);
    assert_eq!(
        during, 0,
        "a named copy was written to the temporary folder"
    );
    assert_eq!(std::fs::read_dir(&tmp).unwrap().count(), 0, "left behind");
    // A stream longer than the limit: read up to it, said so, and the draft still made.
    let access = case.read("logs/nginx/access.log");
    let mut long = Vec::new();
    while long.len() < 3 << 20 {
        long.extend_from_slice(&access);
    }
    let o = postmortem()
        .current_dir(case.path(""))
        .env("TMPDIR", &tmp)
        .env("POSTMORTEM_SPOOL_LIMIT", (1u64 << 20).to_string())
        .args(["draft", "-", "--stdin-name", "web/access.log"])
        .write_stdin(long)
        .output()
        .unwrap();
    refused(&o, "web/access.log: longer than 1 MiB");
    assert!(String::from_utf8_lossy(&o.stdout).contains("# Postmortem draft"));
    assert_eq!(std::fs::read_dir(&tmp).unwrap().count(), 0, "left behind");
    let o = case.run_with_stdin(&["draft", "-", "--stdin-name", "web/access.log"], &access);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}
