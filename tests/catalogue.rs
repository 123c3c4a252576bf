//! The bad-input catalogue: everything a log folder copied off a broken server may hold. Each
//! case runs the release binary on real files and checks that the run goes on, says what it
//! did, and never panics.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

fn run(dir: &Path, extra: &[&str]) -> Output {
    Command::cargo_bin("postmortem")
        .unwrap()
        .arg("draft")
        .arg(dir)
        .arg("--json")
        .args(extra)
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(o: &Output) -> Value {
    assert!(!stderr(o).contains("panicked"), "{}", stderr(o));
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr(o)))
}

fn input<'a>(draft: &'a Value, file: &str) -> &'a Value {
    draft["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["file"] == file)
        .unwrap_or_else(|| panic!("{file} not in inputs: {}", draft["inputs"]))
}

fn skipped_reason(draft: &Value, file: &str) -> String {
    draft["skipped_files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["file"] == file)
        .map(|f| f["reason"].as_str().unwrap().to_string())
        .unwrap_or_else(|| panic!("{file} not skipped: {}", draft["skipped_files"]))
}

/// A folder holding the bundled sample plus whatever the case adds.
fn sample_plus(add: impl FnOnce(&Path)) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    postmortem_scenario::auth_outage::scenario()
        .write(dir.path())
        .unwrap();
    add(dir.path());
    dir
}

const SYSLOG_LINE: &str = "Sep 10 09:00:00 auth-1 cron[1]: (root) CMD (true)";

#[test]
fn empty_file_is_skipped_as_empty() {
    let dir = sample_plus(|d| std::fs::write(d.join("empty.log"), b"").unwrap());
    let o = run(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(skipped_reason(&json(&o), "empty.log"), "empty");
    assert!(stderr(&o).contains("empty.log: skipped: empty"));
}

#[test]
fn only_newlines_is_skipped_as_empty() {
    let dir = sample_plus(|d| std::fs::write(d.join("newlines.log"), b"\n\n\r\n\n").unwrap());
    assert_eq!(
        skipped_reason(&json(&run(dir.path(), &[])), "newlines.log"),
        "empty"
    );
}

#[test]
fn binary_files_are_skipped_with_what_they_look_like() {
    let dir = sample_plus(|d| {
        std::fs::write(
            d.join("core.1234"),
            b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00>\x00",
        )
        .unwrap();
        std::fs::write(d.join("graph.png"), b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR").unwrap();
        let mut rng = postmortem_scenario::rng::Rng::new(5);
        let random: Vec<u8> = (0..50_000).map(|_| rng.next_u64() as u8).collect();
        std::fs::write(d.join("random.bin"), random).unwrap();
    });
    let draft = json(&run(dir.path(), &[]));
    assert!(skipped_reason(&draft, "core.1234").contains("ELF"));
    assert!(skipped_reason(&draft, "graph.png").contains("PNG"));
    assert!(skipped_reason(&draft, "random.bin").starts_with("binary"));
    assert_eq!(
        draft["incidents"].as_array().unwrap().len(),
        1,
        "the logs beside them are still read"
    );
}

#[test]
fn nul_bytes_inside_lines_cost_only_those_lines() {
    let dir = sample_plus(|d| {
        let mut f = std::fs::File::create(d.join("crashed.log")).unwrap();
        for _ in 0..50 {
            writeln!(f, "{SYSLOG_LINE}").unwrap();
        }
        f.write_all(&[0u8; 700]).unwrap();
        writeln!(f).unwrap();
        writeln!(f, "Sep 10 09:00:01 auth-1 cron[1]: (root) CMD (\0true)").unwrap();
        writeln!(f, "{SYSLOG_LINE}").unwrap();
    });
    let draft = json(&run(dir.path(), &[]));
    let f = input(&draft, "crashed.log");
    assert_eq!(f["lines_read"], 53);
    assert_eq!(
        f["lines_parsed"], 52,
        "the NUL in a message does not lose the line"
    );
    assert_eq!(f["lines_skipped"], 1, "the NUL padding is one skipped line");
}

#[test]
fn invalid_utf8_is_kept_lossily_not_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = Vec::new();
    for i in 0..20 {
        bytes.extend_from_slice(format!("Sep 10 09:00:{i:02} h sudo:  bob : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/usr/bin/systemctl restart caf").as_bytes());
        bytes.extend_from_slice(b"\xc3\xff\xfe\n");
    }
    std::fs::write(dir.path().join("latin1.log"), bytes).unwrap();
    let config = postmortem::Config::new(vec![dir.path().to_path_buf()]);
    let analysis = postmortem::pipeline::analyse(&config).unwrap();
    let f = &analysis.files[0];
    assert_eq!(
        (f.summary.lines, f.summary.parsed, f.summary.skipped),
        (20, 20, 0)
    );
    let postmortem::aggregate::EventBody::Action(a) = &f.summary.events[0].body else {
        panic!()
    };
    assert!(a.text.contains('\u{fffd}'), "{}", a.text);
}

#[test]
fn crlf_line_ends_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let text = "1.2.3.4 - - [10/Sep/2023:08:00:00 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"x\"\r\n"
        .repeat(30);
    std::fs::write(dir.path().join("windows.log"), text).unwrap();
    let draft = json(&run(dir.path(), &[]));
    let f = input(&draft, "windows.log");
    assert_eq!(
        (f["lines_read"].as_u64(), f["lines_parsed"].as_u64()),
        (Some(30), Some(30))
    );
}

#[test]
fn a_64_mib_single_line_is_counted_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let mut f = std::fs::File::create(dir.path().join("huge.log")).unwrap();
    for _ in 0..40 {
        writeln!(f, "{SYSLOG_LINE}").unwrap();
    }
    f.write_all(&vec![b'x'; 64 << 20]).unwrap();
    writeln!(f).unwrap();
    writeln!(f, "{SYSLOG_LINE}").unwrap();
    drop(f);
    let draft = json(&run(dir.path(), &[]));
    let f = input(&draft, "huge.log");
    assert_eq!(
        (
            f["lines_read"].as_u64(),
            f["lines_parsed"].as_u64(),
            f["lines_skipped"].as_u64()
        ),
        (Some(42), Some(41), Some(1))
    );
    assert_eq!(f["lines_over_1_mib"], 1);
}

#[test]
fn corrupt_gzip_keeps_what_was_read_and_reports() {
    let syslog = std::fs::read(common::sample_logs().join("syslog")).unwrap();
    let mut gz = common::gzip(&syslog);
    let middle = gz.len() / 2;
    for b in &mut gz[middle..middle + 64] {
        *b ^= 0x5a;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("syslog.3.gz"), gz).unwrap();
    let o = run(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("syslog.3.gz: read stopped after line"),
        "{}",
        stderr(&o)
    );
    let read = input(&json(&o), "syslog.3.gz")["lines_read"]
        .as_u64()
        .unwrap();
    assert!(read > 0 && read < 817, "{read}");
}

#[test]
fn gz_name_on_plain_text_is_read_as_text() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("access.log.2.gz"),
        format!("{SYSLOG_LINE}\n").repeat(10),
    )
    .unwrap();
    let draft = json(&run(dir.path(), &[]));
    let f = input(&draft, "access.log.2.gz");
    assert_eq!(
        (f["compression"].as_str(), f["lines_parsed"].as_u64()),
        (Some("none"), Some(10))
    );
}

#[test]
fn unreadable_file_is_reported_and_the_run_goes_on() {
    use std::os::unix::fs::PermissionsExt;
    let dir = sample_plus(|d| {
        std::fs::write(d.join("secret.log"), format!("{SYSLOG_LINE}\n")).unwrap();
        std::fs::set_permissions(d.join("secret.log"), std::fs::Permissions::from_mode(0o000))
            .unwrap();
        // Root reads anything: a link to a file that is gone fails to open for everyone.
        std::os::unix::fs::symlink(d.join("gone.log"), d.join("dangling.log")).unwrap();
    });
    let o = run(dir.path(), &["--follow"]);
    let err = stderr(&o);
    assert!(err.contains("dangling.log"), "{err}");
    let root = std::fs::File::open(dir.path().join("secret.log")).is_ok();
    if !root {
        assert!(err.contains("secret.log: Permission denied"), "{err}");
    }
    assert_eq!(
        o.status.code(),
        Some(2),
        "a file that could not be read changes the exit code"
    );
    assert_eq!(
        json(&o)["incidents"].as_array().unwrap().len(),
        1,
        "and the run goes on"
    );
}

#[test]
fn fifo_and_device_are_skipped_without_blocking() {
    let dir = sample_plus(|d| {
        let made = std::process::Command::new("mkfifo")
            .arg(d.join("pipe.log"))
            .status()
            .unwrap();
        assert!(made.success());
        std::os::unix::fs::symlink("/dev/zero", d.join("zero.log")).unwrap();
    });
    let o = run(dir.path(), &["--follow"]);
    let draft = json(&o);
    assert!(skipped_reason(&draft, "pipe.log").contains("not a regular file"));
    assert!(skipped_reason(&draft, "zero.log").contains("not a regular file"));
    assert_eq!(draft["incidents"].as_array().unwrap().len(), 1);
}

#[test]
fn symlink_loop_is_reported_not_followed_forever() {
    let dir = sample_plus(|d| {
        std::fs::create_dir(d.join("loop")).unwrap();
        std::os::unix::fs::symlink(d.join("loop"), d.join("loop/again")).unwrap();
    });
    let without = run(dir.path(), &[]);
    assert!(skipped_reason(&json(&without), "loop/again").contains("symbolic link, not followed"));
    let with = run(dir.path(), &["--follow"]);
    assert!(
        stderr(&with).contains("symbolic link loop"),
        "{}",
        stderr(&with)
    );
    assert_eq!(json(&with)["incidents"].as_array().unwrap().len(), 1);
}

#[test]
fn a_folder_of_100000_small_files_is_read() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..100_000u32 {
        let sub = dir.path().join(format!("d{}", i % 100));
        if i < 100 {
            std::fs::create_dir(&sub).unwrap();
        }
        std::fs::write(
            sub.join(format!("f{i}.log")),
            format!(
                "Sep 10 09:{:02}:{:02} h app[1]: ok {i}\n",
                (i / 60) % 60,
                i % 60
            ),
        )
        .unwrap();
    }
    let o = run(dir.path(), &["--year", "2023"]);
    let draft = json(&o);
    assert_eq!(draft["inputs"].as_array().unwrap().len(), 100_000);
    let parsed: u64 = draft["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["lines_parsed"].as_u64().unwrap())
        .sum();
    assert_eq!(parsed, 100_000);
}

#[test]
fn file_appended_and_truncated_while_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("growing.log");
    std::fs::write(&path, format!("{SYSLOG_LINE}\n").repeat(200_000)).unwrap();
    let writer_path = path.clone();
    let writer = std::thread::spawn(move || {
        for round in 0..50 {
            let mut f = std::fs::OpenOptions::new()
                .append(true)
                .open(&writer_path)
                .unwrap();
            f.write_all(format!("{SYSLOG_LINE}\n").repeat(1000).as_bytes())
                .unwrap();
            if round == 25 {
                // logrotate's copytruncate.
                std::fs::OpenOptions::new()
                    .write(true)
                    .truncate(true)
                    .open(&writer_path)
                    .unwrap();
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
    });
    let o = run(dir.path(), &[]);
    writer.join().unwrap();
    let draft = json(&o);
    let f = input(&draft, "growing.log");
    // At most the last line can be cut by a writer caught mid-line; nothing else is lost.
    let (read, parsed, skipped) = (
        f["lines_read"].as_u64().unwrap(),
        f["lines_parsed"].as_u64().unwrap(),
        f["lines_skipped"].as_u64().unwrap(),
    );
    assert_eq!(read, parsed + skipped);
    assert!(skipped <= 1, "{skipped} lines skipped");
}

#[test]
fn times_in_1970_and_9999_are_skipped_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    text.push_str(
        "1.2.3.4 - - [01/Jan/1970:00:00:00 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"x\"\n",
    );
    for i in 0..100 {
        text.push_str(&format!(
            "1.2.3.4 - - [10/Sep/2023:08:{:02}:00 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"x\"\n",
            i % 60
        ));
    }
    text.push_str(
        "1.2.3.4 - - [31/Dec/9999:23:59:59 +0000] \"GET / HTTP/1.1\" 500 5 \"-\" \"x\"\n",
    );
    std::fs::write(dir.path().join("access.log"), text).unwrap();
    let o = run(dir.path(), &[]);
    let f = input(&json(&o), "access.log").clone();
    // One believable span: neither stray time stretches it.
    assert_eq!(f["first_time"], "2023-09-10T08:00:00Z");
    assert_eq!(f["last_time"], "2023-09-10T08:59:00Z");
    assert_eq!(f["lines_parsed"], 100);
    assert_eq!(f["lines_skipped"], 2);
    let reasons = f["skipped_examples"].to_string();
    assert!(reasons.contains("before 1990"), "{reasons}");
    assert!(reasons.contains("after"), "{reasons}");
}

#[test]
fn feb_29_in_a_year_less_syslog_of_a_common_year_is_skipped_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("messages"),
        "Feb 28 23:59:00 h a: x\nFeb 29 00:00:00 h a: leap\nMar  1 00:00:00 h a: y\n",
    )
    .unwrap();
    let o = run(dir.path(), &["--year", "2023"]);
    let draft = json(&o);
    let f = input(&draft, "messages");
    assert_eq!(
        (f["lines_parsed"].as_u64(), f["lines_skipped"].as_u64()),
        (Some(2), Some(1))
    );
    assert!(
        f["skipped_examples"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("does not exist in the inferred year 2023")
    );
    assert!(stderr(&o).contains("messages:2: skipped line"));
    let leap = run(dir.path(), &["--year", "2024"]);
    assert_eq!(input(&json(&leap), "messages")["lines_skipped"], 0);
}

#[test]
fn a_line_far_from_all_others_does_not_move_the_incident() {
    let dir = sample_plus(|d| {
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(d.join("nginx/access.log"))
            .unwrap();
        writeln!(
            f,
            "198.51.100.9 - - [10/Sep/2035:08:00:00 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"x\""
        )
        .unwrap();
    });
    let draft = json(&run(dir.path(), &[]));
    let incidents = draft["incidents"].as_array().unwrap();
    assert_eq!(incidents.len(), 1);
    assert_eq!(incidents[0]["start"], "2023-09-10T08:15:00Z");
    // A line years after the newest file was written is not believed: skipped, with why.
    let f = input(&draft, "nginx/access.log");
    assert_eq!(f["last_time"], "2023-09-10T14:59:57Z");
    assert_eq!(f["lines_skipped"], 1);
}

#[test]
fn strict_fails_when_a_line_is_skipped() {
    let dir = sample_plus(|d| {
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(d.join("syslog"))
            .unwrap();
        writeln!(f, "this is not syslog").unwrap();
    });
    assert_eq!(run(dir.path(), &[]).status.code(), Some(0));
    let strict = run(dir.path(), &["--strict"]);
    assert_eq!(strict.status.code(), Some(2));
    assert!(stderr(&strict).contains("--strict: 1 line was skipped"));
}

#[test]
fn output_over_an_input_file_is_refused_even_with_force() {
    let dir = sample_plus(|_| {});
    let target = dir.path().join("syslog");
    let before = std::fs::read(&target).unwrap();
    let o = Command::cargo_bin("postmortem")
        .unwrap()
        .arg("draft")
        .arg(dir.path())
        .arg("-o")
        .arg(&target)
        .arg("--force")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        std::fs::read(&target).unwrap(),
        before,
        "the input is untouched"
    );
}

#[test]
fn millions_of_distinct_messages_stay_bounded_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let mut f =
        std::io::BufWriter::new(std::fs::File::create(dir.path().join("noisy.log")).unwrap());
    let words = [
        "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
    ];
    for i in 0..1_000_000u32 {
        // Distinct in words (not numbers, which masking folds), so each is its own signature.
        let w: Vec<&str> = (0..6)
            .map(|k| words[((i >> (3 * k)) & 7) as usize])
            .collect();
        writeln!(f, "2023-09-10T08:{:02}:{:02}+00:00 h sudo:  bob : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/echo {}", (i / 60) % 60, i % 60, w.join(" ")).unwrap();
        writeln!(
            f,
            "2023-09-10T08:{:02}:{:02}+00:00 h app[1]: error {}",
            (i / 60) % 60,
            i % 60,
            w.join(" ")
        )
        .unwrap();
    }
    drop(f);
    let o = run(dir.path(), &[]);
    let err = stderr(&o);
    assert!(err.contains("kept the first 100000 events"), "{err}");
    assert!(err.contains("distinct error signatures"), "{err}");
    assert_eq!(input(&json(&o), "noisy.log")["lines_parsed"], 2_000_000);
}

/// All the cases at once, in one folder, through the release binary: the exit code says a
/// file could not be read, nothing panics, and every line of every readable log is accounted
/// for as parsed, continued, blank or skipped.
#[test]
fn a_junk_folder_with_every_case_at_once() {
    let dir = sample_plus(|d| {
        std::fs::write(d.join("empty.log"), b"").unwrap();
        std::fs::write(d.join("newlines.log"), b"\n\n\n").unwrap();
        std::fs::write(d.join("core"), b"\x7fELF\x02\x01\x01").unwrap();
        let mut nul = format!("{SYSLOG_LINE}\n").repeat(30).into_bytes();
        nul.extend_from_slice(&[0; 100]);
        nul.extend_from_slice(b"\nSep 10 09:00:01 h a: \xff\xfe bad utf-8\r\n");
        std::fs::write(d.join("nul.log"), nul).unwrap();
        let mut gz = common::gzip(&format!("{SYSLOG_LINE}\n").repeat(5000).into_bytes());
        gz.truncate(gz.len() / 2);
        std::fs::write(d.join("cut.gz"), gz).unwrap();
        std::fs::write(d.join("plain.gz"), format!("{SYSLOG_LINE}\n").repeat(5)).unwrap();
        std::os::unix::fs::symlink(d.join("missing"), d.join("dangling.log")).unwrap();
        std::process::Command::new("mkfifo")
            .arg(d.join("fifo"))
            .status()
            .unwrap();
        std::fs::write(
            d.join("leap.log"),
            "Feb 29 00:00:00 h a: x\nMar  1 00:00:00 h a: y\n",
        )
        .unwrap();
        std::fs::write(d.join("edges.log"), "1.2.3.4 - - [01/Jan/1970:00:00:00 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"x\"\n1.2.3.4 - - [31/Dec/9999:23:59:59 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"x\"\n").unwrap();
    });
    let o = run(dir.path(), &["--follow", "--year", "2023"]);
    let err = stderr(&o);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(
        o.status.code(),
        Some(2),
        "the cut gzip and the dangling link are errors: {err}"
    );
    assert!(
        err.contains("cut.gz: read stopped after line") && err.contains("dangling.log"),
        "{err}"
    );
    let draft = json(&o);
    for f in draft["inputs"].as_array().unwrap() {
        let n = |k: &str| f[k].as_u64().unwrap();
        assert_eq!(
            n("lines_read"),
            n("lines_parsed") + n("lines_skipped") + n("lines_continuation") + n("lines_blank"),
            "{f}"
        );
    }
    for skipped in ["empty.log", "newlines.log", "core", "fifo"] {
        skipped_reason(&draft, skipped);
    }
    assert_eq!(input(&draft, "leap.log")["lines_skipped"], 1);
    assert_eq!(
        draft["incidents"].as_array().unwrap().len(),
        1,
        "the incident is still found"
    );
}
