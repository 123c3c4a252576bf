//! `plan`, `partial` and `merge` with the real binary: partials made in any grouping and
//! merged in any order (or merged into partials first) give the draft `draft` prints, byte
//! for byte; partials of another plan, damaged ones and missing ones are reported.
//! (Over 600 lines: its cases share the helpers that run the three commands and one plan
//! fixture; split, each file would repeat them.)

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use assert_cmd::Command;
use postmortem_scenario::rng::Rng;

fn postmortem() -> Command {
    Command::cargo_bin("postmortem").expect("the binary")
}

/// Runs the binary, asserting the exit code is one of `ok`; returns stdout.
fn run(args: &[&str], ok: &[i32]) -> Vec<u8> {
    let out = postmortem().args(args).output().expect("runs");
    let code = out.status.code().unwrap_or(-1);
    assert!(
        ok.contains(&code),
        "postmortem {args:?} exited {code}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Runs the binary, asserting it refuses (exit 2); returns what it said on stderr.
fn refused(args: &[&str]) -> String {
    let out = postmortem().args(args).output().expect("runs");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "postmortem {args:?}: {err}");
    err
}

fn s(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

/// One multi-host folder for the tests of this file, with its plan and `draft` outputs.
struct Fixture {
    _dir: tempfile::TempDir,
    logs: PathBuf,
    plan: PathBuf,
    doc: serde_json::Value,
    draft_json: Vec<u8>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let logs = dir.path().join("logs");
        common::multi_host_folder(&logs, 6 << 20);
        let plan = dir.path().join("plan.json");
        // Ranges of 1 MiB: the load balancer's log is read in several pieces.
        run(
            &["plan", s(&logs), "--split", "1M", "-o", s(&plan), "-q"],
            &[0, 2],
        );
        let doc: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&plan).expect("plan written")).expect("JSON");
        let draft_json = run(&["draft", "--json", s(&logs)], &[0, 1, 2]);
        Fixture {
            _dir: dir,
            logs,
            plan,
            doc,
            draft_json,
        }
    })
}

fn tasks(doc: &serde_json::Value) -> Vec<(usize, u8)> {
    doc["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .map(|t| {
            (
                t["id"].as_u64().unwrap() as usize,
                t["stage"].as_u64().unwrap() as u8,
            )
        })
        .collect()
}

/// Partials of `shards` (each a list of tasks), stage by stage: each shard's tasks of a
/// stage in one partial, given every partial of the stages before with `--after`.
fn partials(f: &Fixture, shards: &[Vec<usize>], out: &Path) -> Vec<PathBuf> {
    let stages: std::collections::HashMap<usize, u8> = tasks(&f.doc).into_iter().collect();
    let mut made: Vec<PathBuf> = Vec::new();
    for stage in 0..3u8 {
        let earlier = made.clone();
        for (n, shard) in shards.iter().enumerate() {
            let mine: Vec<String> = shard
                .iter()
                .filter(|t| stages[t] == stage)
                .map(|t| t.to_string())
                .collect();
            if mine.is_empty() {
                continue;
            }
            let path = out.join(format!("s{stage}-{n}.part"));
            let mut args = vec!["partial", "--plan", s(&f.plan), "-o", s(&path), "-q"]
                .into_iter()
                .map(String::from)
                .collect::<Vec<_>>();
            for t in &mine {
                args.extend(["--task".into(), t.clone()]);
            }
            for e in &earlier {
                args.extend(["--after".into(), s(e).to_string()]);
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            run(&args, &[0]);
            made.push(path);
        }
    }
    made
}

fn merge_json(f: &Fixture, parts: &[PathBuf]) -> Vec<u8> {
    let mut args = vec!["merge", "--plan", s(&f.plan), "--json"];
    args.extend(parts.iter().map(|p| s(p)));
    run(&args, &[0, 1, 2])
}

#[test]
fn the_plan_cuts_the_folder_into_stages_and_ranges() {
    let f = fixture();
    let all = tasks(&f.doc);
    for stage in 0..3 {
        assert!(
            all.iter().any(|(_, s)| *s == stage),
            "no task of stage {stage}"
        );
    }
    let ranges = f.doc["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t.get("range").is_some())
        .count();
    assert!(ranges >= 5, "the 6 MiB log in 1 MiB ranges: {ranges}");
    // The rotated piece and the live log are read by one task, so their overlap counts once.
    let files = f.doc["files"].as_array().unwrap();
    let display = |x: &serde_json::Value| x["display"].as_str().unwrap().to_string();
    let older = files
        .iter()
        .find(|x| display(x).ends_with("/access.log.1"))
        .expect("the rotated piece planned");
    let live_name = display(older).trim_end_matches(".1").to_string();
    let live = files
        .iter()
        .find(|x| display(x) == live_name)
        .expect("the live log planned");
    let (live, older) = (live["id"].as_u64().unwrap(), older["id"].as_u64().unwrap());
    let together = f.doc["tasks"].as_array().unwrap().iter().any(|t| {
        let files: Vec<u64> = t["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect();
        files.contains(&live) && files.contains(&older)
    });
    assert!(together, "a rotation family is one task");
}

#[test]
fn merge_of_any_grouping_in_any_order_equals_draft() {
    let f = fixture();
    // What is compared carries the lines around citations: partials must bring them.
    let draft = String::from_utf8_lossy(&f.draft_json);
    assert!(
        draft.contains("\"context\": {"),
        "no citation with its lines around it"
    );
    let all: Vec<usize> = tasks(&f.doc).into_iter().map(|(t, _)| t).collect();
    let dir = tempfile::tempdir().unwrap();
    for seed in 1..=4u64 {
        let mut rng = Rng::new(seed);
        let count = 1 + rng.below(5) as usize;
        let mut shards = vec![Vec::new(); count];
        for &t in &all {
            shards[rng.below(count as u64) as usize].push(t);
        }
        let out = dir.path().join(format!("seed-{seed}"));
        std::fs::create_dir_all(&out).unwrap();
        let mut parts = partials(f, &shards, &out);
        // Commutative: any order of the partials.
        for i in (1..parts.len()).rev() {
            parts.swap(i, rng.below(i as u64 + 1) as usize);
        }
        let merged = merge_json(f, &parts);
        assert!(
            merged == f.draft_json,
            "seed {seed}: {count} shards, {} partials: merge differs from draft",
            parts.len()
        );
        // Associative: partials merged pairwise, at random, into partials first.
        let mut pool = parts.clone();
        let mut n = 0;
        while pool.len() > 1 {
            let a = pool.swap_remove(rng.below(pool.len() as u64) as usize);
            let b = pool.swap_remove(rng.below(pool.len() as u64) as usize);
            let joined = out.join(format!("joined-{n}.part"));
            n += 1;
            run(
                &[
                    "merge",
                    "--plan",
                    s(&f.plan),
                    "--partial",
                    "-o",
                    s(&joined),
                    s(&a),
                    s(&b),
                ],
                &[0],
            );
            pool.push(joined);
        }
        assert!(
            merge_json(f, &pool) == f.draft_json,
            "seed {seed}: the pairwise-merged partial differs from draft"
        );
    }
}

#[test]
fn markdown_and_html_of_a_merge_equal_drafts() {
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let all = dir.path().join("all.part");
    run(
        &["partial", "--plan", s(&f.plan), "-o", s(&all), "-q"],
        &[0, 2],
    );
    let (md_draft, md_merge) = (dir.path().join("d.md"), dir.path().join("m.md"));
    let (html_draft, html_merge) = (dir.path().join("d.html"), dir.path().join("m.html"));
    run(
        &[
            "draft",
            s(&f.logs),
            "-o",
            s(&md_draft),
            "--html",
            s(&html_draft),
        ],
        &[0, 1, 2],
    );
    run(
        &[
            "merge",
            "--plan",
            s(&f.plan),
            s(&all),
            "-o",
            s(&md_merge),
            "--html",
            s(&html_merge),
        ],
        &[0, 1, 2],
    );
    assert_eq!(
        std::fs::read(&md_draft).unwrap(),
        std::fs::read(&md_merge).unwrap()
    );
    assert_eq!(
        std::fs::read(&html_draft).unwrap(),
        std::fs::read(&html_merge).unwrap()
    );
}

#[test]
fn a_range_piped_on_standard_input_gives_the_same_partial_as_the_file() {
    let f = fixture();
    let ranged = f.doc["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| {
            t.get("range")
                .is_some_and(|r| r["start"].as_u64() > Some(0))
        })
        .expect("a range past the start");
    let task = ranged["id"].as_u64().unwrap().to_string();
    let file = &f.doc["files"][ranged["files"][0].as_u64().unwrap() as usize];
    let (start, end) = (
        ranged["range"]["start"].as_u64().unwrap() as usize,
        ranged["range"]["end"].as_u64().unwrap() as usize,
    );
    let bytes = std::fs::read(file["path"].as_str().unwrap()).unwrap()[start..end].to_vec();
    let dir = tempfile::tempdir().unwrap();
    let (by_file, by_pipe) = (dir.path().join("f.part"), dir.path().join("p.part"));
    run(
        &[
            "partial",
            "--plan",
            s(&f.plan),
            "--task",
            &task,
            "-o",
            s(&by_file),
        ],
        &[0],
    );
    let out = postmortem()
        .args([
            "partial",
            "--plan",
            s(&f.plan),
            "--task",
            &task,
            "-o",
            s(&by_pipe),
            "-",
        ])
        .write_stdin(bytes)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read(&by_file).unwrap(),
        std::fs::read(&by_pipe).unwrap(),
        "the same range read from the file and from a pipe"
    );
}

#[test]
fn partials_of_another_plan_damaged_or_missing_are_reported() {
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let part = dir.path().join("0.part");
    run(
        &[
            "partial",
            "--plan",
            s(&f.plan),
            "--task",
            "0",
            "-o",
            s(&part),
        ],
        &[0],
    );

    // Another plan (another bin width) refuses it, naming the partial.
    let other = dir.path().join("other.json");
    run(
        &["plan", s(&f.logs), "--bin", "5m", "-o", s(&other), "-q"],
        &[0, 2],
    );
    let err = refused(&["merge", "--plan", s(&other), s(&part)]);
    assert!(
        err.contains("0.part") && err.contains("another plan"),
        "{err}"
    );

    // One byte changed: the checksum says so.
    let mut bytes = std::fs::read(&part).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x55;
    let damaged = dir.path().join("damaged.part");
    std::fs::write(&damaged, bytes).unwrap();
    assert!(refused(&["merge", "--plan", s(&f.plan), s(&damaged)]).contains("checksum"));

    // An edited plan is refused.
    let edited = dir.path().join("edited.json");
    let text = std::fs::read_to_string(&f.plan)
        .unwrap()
        .replace("\"slo\": 0.999", "\"slo\": 0.99");
    std::fs::write(&edited, text).unwrap();
    assert!(
        refused(&["merge", "--plan", s(&edited), s(&part)]).contains("changed after it was made")
    );

    // A later stage without the earlier partials is refused, naming what it needs.
    let (late, _) = tasks(&f.doc).into_iter().next_back().unwrap();
    let x = dir.path().join("x");
    let late = late.to_string();
    assert!(
        refused(&[
            "partial",
            "--plan",
            s(&f.plan),
            "--task",
            &late,
            "-o",
            s(&x)
        ])
        .contains("--after")
    );

    // Only task 0's partial: the draft is still written, every other file reported unread.
    let out = postmortem()
        .args(["merge", "--plan", s(&f.plan), s(&part), "--json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "files not read make it an error"
    );
    let draft: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a draft");
    let errors: Vec<&str> = draft["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap())
        .collect();
    let first: Vec<u64> = f.doc["tasks"][0]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    for file in f.doc["files"].as_array().unwrap() {
        let display = file["display"].as_str().unwrap();
        let reported = errors.iter().any(|e| {
            e.starts_with(&format!("{display}: ")) && e.contains("no partial summary holds task")
        });
        let in_first = first.contains(&file["id"].as_u64().unwrap());
        assert!(
            reported || in_first,
            "{display} was not read and is not reported: {errors:?}"
        );
    }
    // The draft says how many files it is made of: not "from 6 log files" when 1 was read.
    let inputs = draft["inputs"].as_array().unwrap();
    let unread = inputs.iter().filter(|i| i["not_read"].is_string()).count();
    assert!(unread > 0 && unread < inputs.len(), "{inputs:?}");
    let md = Command::cargo_bin("postmortem")
        .unwrap()
        .args(["merge", "--plan", s(&f.plan), s(&part)])
        .output()
        .unwrap();
    let header = format!(
        "from {} of {} log files ({unread} not read: see Inputs)",
        inputs.len() - unread,
        inputs.len()
    );
    assert!(
        String::from_utf8_lossy(&md.stdout).contains(&header),
        "{header}"
    );
}

/// A partial's size follows time span and distinct signatures, not lines: a day of traffic at
/// about 1.0 GB, read as four ranges and as one, stays under 8 MiB a partial.
#[test]
fn partials_stay_small_for_a_gigabyte() {
    const BOUND: u64 = 8 << 20;
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    let start = postmortem_scenario::bulk::day_start() + 8 * 3600 * 1_000_000;
    postmortem_scenario::bulk::write(&logs, "nginx", 1140 << 20, start, 40).unwrap();
    let plan = dir.path().join("plan.json");
    run(
        &["plan", s(&logs), "--split", "256M", "-o", s(&plan), "-q"],
        &[0],
    );
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&plan).unwrap()).unwrap();
    let input: u64 = std::fs::metadata(logs.join("access.log")).unwrap().len();
    let mut parts = Vec::new();
    for (t, _) in tasks(&doc) {
        let part = dir.path().join(format!("{t}.part"));
        run(
            &[
                "partial",
                "--plan",
                s(&plan),
                "--task",
                &t.to_string(),
                "-o",
                s(&part),
            ],
            &[0],
        );
        let size = std::fs::metadata(&part).unwrap().len();
        assert!(size < BOUND, "task {t}: {size} bytes");
        parts.push(part);
    }
    assert!(parts.len() >= 3, "{} ranges", parts.len());
    let whole = dir.path().join("whole.part");
    run(&["partial", "--plan", s(&plan), "-o", s(&whole)], &[0]);
    let size = std::fs::metadata(&whole).unwrap().len();
    assert!(size < BOUND, "one partial of the whole day: {size} bytes");
    println!(
        "{input} bytes of input: {} partials of {} bytes in all; one partial of the whole: {size} bytes ({:.0} bytes per GB)",
        parts.len(),
        parts
            .iter()
            .map(|p| std::fs::metadata(p).unwrap().len())
            .sum::<u64>(),
        size as f64 / (input as f64 / 1e9),
    );
    let mut args = vec!["merge", "--plan", s(&plan), "--json"];
    args.extend(parts.iter().map(|p| s(p)));
    let merged = run(&args, &[0, 1]);
    assert!(
        merged == run(&["draft", "--json", s(&logs)], &[0, 1]),
        "ranges merged equal draft"
    );
}

/// `plan` and `draft` over the same input, then every task in one partial, merged: the draft.
fn plan_partial_merge(dir: &Path, input: &[&str], stdin: Option<&[u8]>) -> (Vec<u8>, Vec<u8>) {
    let plan = dir.join("p.json");
    let part = dir.join("p.part");
    let with_stdin = |args: &[&str]| {
        let mut c = postmortem();
        c.args(args);
        if let Some(bytes) = stdin {
            c.write_stdin(bytes.to_vec());
        }
        c.output().unwrap()
    };
    let mut args = vec!["plan", "-q", "-o", s(&plan)];
    args.extend(input);
    with_stdin(&args);
    let mut args = vec!["partial", "--plan", s(&plan), "-o", s(&part)];
    if stdin.is_some() {
        args.extend(["--task", "0", "-"]);
    }
    let out = with_stdin(&args);
    assert!(
        matches!(out.status.code(), Some(0 | 2)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let merged = postmortem()
        .args(["merge", "--plan", s(&plan), s(&part), "--json"])
        .output()
        .unwrap();
    let mut args = vec!["draft", "--json"];
    args.extend(input);
    (merged.stdout, with_stdin(&args).stdout)
}

#[test]
fn standard_input_and_archives_go_through_plan_partial_merge() {
    let dir = tempfile::tempdir().unwrap();
    let access = std::fs::read(common::sample_logs().join("nginx/access.log")).unwrap();
    let (merged, draft) = plan_partial_merge(
        dir.path(),
        &["-", "--stdin-name", "web-1/access.log"],
        Some(&access),
    );
    assert!(!draft.is_empty() && merged == draft, "standard input");

    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut tar = tar::Builder::new(gz);
    tar.append_dir_all("auth-outage", common::sample_logs())
        .unwrap();
    let archive = dir.path().join("logs.tar.gz");
    std::fs::write(&archive, tar.into_inner().unwrap().finish().unwrap()).unwrap();
    let (merged, draft) = plan_partial_merge(dir.path(), &[s(&archive)], None);
    assert!(!draft.is_empty() && merged == draft, "members of a .tar.gz");
}

#[test]
fn a_file_gone_after_the_plan_is_reported_and_the_rest_merged() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    for name in ["nginx/access.log", "syslog"] {
        let to = logs.join(name);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(common::sample_logs().join(name), to).unwrap();
    }
    let plan = dir.path().join("p.json");
    run(&["plan", s(&logs), "-o", s(&plan), "-q"], &[0]);
    std::fs::remove_file(logs.join("syslog")).unwrap();
    let part = dir.path().join("p.part");
    let out = postmortem()
        .args(["partial", "--plan", s(&plan), "-o", s(&part)])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "a file that cannot be read is an error"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("syslog"));
    let out = postmortem()
        .args(["merge", "--plan", s(&plan), s(&part), "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let draft: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors = draft["errors"].to_string();
    assert!(
        errors.contains("syslog") && errors.contains("No such file"),
        "{errors}"
    );
    assert!(
        common::series_totals(&draft).0 > 0,
        "the access log was still read"
    );
}

#[test]
fn a_partial_is_never_written_over_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    let access = logs.join("access.log");
    std::fs::copy(common::sample_logs().join("nginx/access.log"), &access).unwrap();
    let before = std::fs::read(&access).unwrap();
    let plan = dir.path().join("p.json");
    run(&["plan", s(&logs), "-o", s(&plan), "-q"], &[0]);
    refused(&["partial", "--plan", s(&plan), "-o", s(&access)]);
    let part = dir.path().join("p.part");
    run(&["partial", "--plan", s(&plan), "-o", s(&part)], &[0]);
    refused(&[
        "merge",
        "--plan",
        s(&plan),
        "--partial",
        "-o",
        s(&access),
        s(&part),
    ]);
    assert_eq!(
        std::fs::read(&access).unwrap(),
        before,
        "the input is untouched"
    );
}

#[test]
fn standard_input_cannot_stand_for_a_task_of_several_files() {
    let f = fixture();
    let many = f.doc["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["files"].as_array().unwrap().len() > 1)
        .expect("a rotation family in the folder");
    let out = postmortem()
        .args([
            "partial",
            "--plan",
            s(&f.plan),
            "--task",
            &many["id"].to_string(),
            "-o",
            "x",
            "-",
        ])
        .write_stdin(b"whatever".to_vec())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--at NAME=PATH"));
}

/// A plan cut a large log at fixed byte offsets: a traceback split between two ranges lost its
/// exception in one of them, and the merge disagreed with `draft`. Ranges now start at a line
/// that starts a record.
#[test]
fn plan_ranges_of_a_log_with_tracebacks_start_at_records_and_merge_to_the_draft() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    // A syslog with full dates (read in stage 0, so split) whose app prints tracebacks under
    // its error lines, as rsyslog keeps them with `$EscapeControlCharactersOnReceive off`.
    let mut log = String::new();
    let mut k = 0u64;
    while log.len() < 3 << 20 {
        let (m, sec) = (k / 60, k % 60);
        log.push_str(&format!(
            "2024-10-22T{:02}:{:02}:{sec:02}.118+00:00 web-1 shop[812]: ERROR Internal Server Error: /checkout/\n Traceback (most recent call last):\n",
            8 + m / 60,
            m % 60
        ));
        for f in 0..(k % 40) {
            log.push_str(&format!(
                "   File \"/srv/shop/module_{f}.py\", line {}, in step_{f}\n     result = step_{}(request)\n",
                10 + f,
                f + 1
            ));
        }
        log.push_str("KeyError: 'user_id'\n");
        k += 1;
    }
    std::fs::write(logs.join("syslog"), &log).unwrap();
    let plan = dir.path().join("plan.json");
    run(
        &["plan", s(&logs), "--split", "1M", "-o", s(&plan), "-q"],
        &[0, 2],
    );
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&plan).unwrap()).unwrap();
    let starts: Vec<u64> = doc["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["range"]["start"].as_u64())
        .collect();
    assert!(starts.len() >= 3, "{doc:#}");
    for start in starts {
        let at = &log.as_bytes()[start as usize..];
        assert!(
            at.starts_with(b"2024-10-22T"),
            "a range starts inside a record: {:?}",
            String::from_utf8_lossy(&at[..40])
        );
    }
    let part = dir.path().join("all.part");
    // Every task in one partial.
    run(
        &["partial", "--plan", s(&plan), "-o", s(&part), "-q"],
        &[0, 2],
    );
    let merged = run(
        &["merge", "--plan", s(&plan), s(&part), "--json"],
        &[0, 1, 2],
    );
    let draft = run(&["draft", "--json", s(&logs)], &[0, 1, 2]);
    assert!(merged == draft, "merge differs from draft");
}

/// A custom `log_format` reaches the partials in the plan, as written, and is compiled again
/// there: the merge reads the requests and the failures the draft reads.
#[test]
fn a_custom_log_format_goes_through_plan_partial_merge() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir(&logs).unwrap();
    for host in 0..3 {
        let mut text = String::new();
        for i in 0..600 {
            let status = if (300..360).contains(&i) { 502 } else { 200 };
            text.push_str(&format!(
                "api.example.com 10.0.{host}.{} [10/Sep/2023:10:{:02}:{:02} +0200] \"GET /v1/items HTTP/1.1\" {status} rt=0.{:03}\n",
                i % 200,
                i / 60,
                i % 60,
                i % 1000
            ));
        }
        std::fs::write(logs.join(format!("web-{host}.log")), text).unwrap();
    }
    let format = r#"$host $remote_addr [$time_local] "$request" $status rt=$request_time"#;
    let input = ["--nginx-log-format", format, s(&logs)];
    let (merged, draft) = plan_partial_merge(dir.path(), &input, None);
    assert!(merged == draft, "the merge equals the draft");
    let doc: serde_json::Value = serde_json::from_slice(&draft).unwrap();
    let sum = |key: &str| -> u64 {
        (doc["series"].as_array().unwrap().iter())
            .map(|p| p[key].as_u64().unwrap_or(0))
            .sum()
    };
    assert_eq!(sum("total"), 1800, "every line a request");
    assert_eq!(sum("errors"), 180, "the 502s");
    let plan = std::fs::read_to_string(dir.path().join("p.json")).unwrap();
    assert!(
        plan.contains(&serde_json::to_string(format).unwrap()),
        "carried as written"
    );
}
