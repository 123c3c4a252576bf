//! Binary systemd journal files, made by the real `systemd-journal-remote` from an export
//! stream and read back with `journalctl --file`: postmortem must find every entry, at its
//! time, with its identifier, message and priority, as journalctl does. Without the tools the
//! tests are ignored, with the reason (`build.rs` looks for them), except under `CI=true`,
//! where `.ci/run` installs them and their absence is a failure.

use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::Command as Binary;
use serde_json::Value;

fn tool(candidates: &[&str]) -> Option<PathBuf> {
    candidates.iter().map(PathBuf::from).find(|p| p.is_file())
}

/// 40 entries of an auth service, every fifth an error (PRIORITY 3), a minute apart; one
/// message with a non-UTF-8 byte, written the way the export format writes binary fields.
fn export_stream() -> Vec<u8> {
    let mut out = Vec::new();
    for i in 0..40u64 {
        let priority = if i % 5 == 0 { 3 } else { 6 };
        let text = match priority {
            3 => format!("request {i} failed: ldap bind refused"),
            _ => format!("request {i} served"),
        };
        out.extend_from_slice(
            format!(
                "__REALTIME_TIMESTAMP={}\n__MONOTONIC_TIMESTAMP={}\n_BOOT_ID=0123456789abcdef0123456789abcdef\n_HOSTNAME=auth-1\nSYSLOG_IDENTIFIER=authd\n_SYSTEMD_UNIT=authd.service\n_PID=812\nPRIORITY={priority}\n",
                1_694_333_700_000_000 + i * 60_000_000,
                5 + i * 60_000_000
            )
            .as_bytes(),
        );
        if i == 7 {
            // A binary field: the name, a newline, a little-endian length, the bytes.
            let bytes = b"bad byte \xff here";
            out.extend_from_slice(b"MESSAGE\n");
            out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
            out.extend_from_slice(bytes);
            out.push(b'\n');
        } else {
            out.extend_from_slice(format!("MESSAGE={text}\n").as_bytes());
        }
        out.push(b'\n');
    }
    out
}

/// systemd-journal-remote and journalctl. The tests that need them are ignored where the
/// tests were built without them (build.rs); absent here, they fail.
fn tools() -> (PathBuf, PathBuf) {
    let remote = tool(&[
        "/lib/systemd/systemd-journal-remote",
        "/usr/lib/systemd/systemd-journal-remote",
    ]);
    let journalctl = tool(&["/usr/bin/journalctl", "/bin/journalctl"]);
    (
        remote.expect("systemd-journal-remote (.ci/run installs it)"),
        journalctl.expect("journalctl (.ci/run installs it)"),
    )
}

fn journal_file(dir: &Path, remote: &Path) -> PathBuf {
    let export = dir.join("export.txt");
    std::fs::write(&export, export_stream()).unwrap();
    let journal = dir.join("system@0123-0001.journal~");
    let made = Command::new(remote)
        .arg(format!("--output={}", dir.join("made.journal").display()))
        .arg(&export)
        .output()
        .expect("systemd-journal-remote runs");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    // As copied off a server: an archived journal, under its own name.
    std::fs::rename(dir.join("made.journal"), &journal).unwrap();
    journal
}

#[test]
#[cfg_attr(
    no_journal_remote,
    ignore = "needs systemd-journal-remote and journalctl (then touch build.rs)"
)]
fn a_binary_journal_reads_as_journalctl_reads_it() {
    let (remote, journalctl) = tools();
    let dir = tempfile::tempdir().unwrap();
    let journal = journal_file(dir.path(), &remote);

    let read_back = Command::new(journalctl)
        .arg("--file")
        .arg(&journal)
        .args(["-o", "json", "--no-pager"])
        .output()
        .expect("journalctl runs");
    let expected: Vec<Value> = String::from_utf8_lossy(&read_back.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("journalctl JSON"))
        .collect();
    assert_eq!(expected.len(), 40);

    let scan = Binary::cargo_bin("postmortem")
        .unwrap()
        .args(["scan", "--json"])
        .arg(&journal)
        .output()
        .unwrap();
    let scan: Value = serde_json::from_slice(&scan.stdout).expect("scan JSON");
    let input = &scan["inputs"][0];
    assert_eq!(input["format"], "journald", "{input:#}");
    assert_eq!(input["lines_parsed"], 40, "every entry: {input:#}");
    assert_eq!(input["first_time"], "2023-09-10T08:15:00Z");
    assert_eq!(input["last_time"], "2023-09-10T08:54:00Z");

    let rows = Binary::cargo_bin("postmortem")
        .unwrap()
        .args(["timeline", "--kind", "error", "--json"])
        .arg(&journal)
        .output()
        .unwrap();
    let rows: Vec<Value> = String::from_utf8_lossy(&rows.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // One error sample a minute bin: the entries journalctl has at PRIORITY 3.
    let errors: Vec<&Value> = expected.iter().filter(|e| e["PRIORITY"] == "3").collect();
    assert_eq!(rows.len(), errors.len(), "{rows:#?}");
    for (row, entry) in rows.iter().zip(errors) {
        let micros: i64 = entry["__REALTIME_TIMESTAMP"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        let time = chrono::DateTime::from_timestamp_micros(micros).unwrap();
        assert_eq!(row["time"], time.format("%Y-%m-%dT%H:%M:%SZ").to_string());
        assert_eq!(
            row["text"],
            format!("authd: {}", entry["MESSAGE"].as_str().unwrap())
        );
    }
}

/// The offsets of a journal file's entry objects, walked from its header (the systemd
/// journal file format: `header_size` and `arena_size` at byte 88, each object's type at
/// its first byte and its size at byte 8, objects 8-byte aligned; type 3 is an entry).
fn entry_offsets(file: &[u8]) -> Vec<usize> {
    let u64_at = |at: usize| u64::from_le_bytes(file[at..at + 8].try_into().unwrap()) as usize;
    let (header, arena) = (u64_at(88), u64_at(96));
    let mut at = header;
    let mut entries = Vec::new();
    while at + 16 <= header + arena && at + 16 <= file.len() {
        let size = u64_at(at + 8);
        if size == 0 {
            break;
        }
        if file[at] == 3 {
            entries.push(at);
        }
        at += (size + 7) & !7;
    }
    entries
}

#[test]
#[cfg_attr(
    no_journal_remote,
    ignore = "needs systemd-journal-remote and journalctl (then touch build.rs)"
)]
fn a_damaged_journal_is_read_past_its_bad_entry_as_journalctl_reads_it() {
    let (remote, journalctl) = tools();
    let dir = tempfile::tempdir().unwrap();
    let journal = journal_file(dir.path(), &remote);
    let mut bytes = std::fs::read(&journal).unwrap();
    let entries = entry_offsets(&bytes);
    assert_eq!(entries.len(), 40);
    // Bits flipped in the 21st entry's first items (the offsets of its fields' data).
    for b in &mut bytes[entries[20] + 64..entries[20] + 88] {
        *b ^= 0x5a;
    }
    std::fs::write(&journal, &bytes).unwrap();
    let journalctl_reads = Command::new(journalctl)
        .arg("--file")
        .arg(&journal)
        .args(["-o", "json", "--no-pager"])
        .output()
        .expect("journalctl runs");
    let after_damage = String::from_utf8_lossy(&journalctl_reads.stdout)
        .lines()
        .filter(|l| l.contains("request 39 served"))
        .count();
    assert_eq!(after_damage, 1, "journalctl reads past the damage");

    let scan = Binary::cargo_bin("postmortem")
        .unwrap()
        .args(["scan", "--json"])
        .arg(&journal)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&scan.stderr).into_owned();
    let scan: Value = serde_json::from_slice(&scan.stdout).expect("scan JSON");
    let input = &scan["inputs"][0];
    assert_eq!(
        input["lines_parsed"], 39,
        "every entry but the damaged one: {input:#}"
    );
    assert_eq!(input["last_time"], "2023-09-10T08:54:00Z");
    assert!(said.contains("1 damaged journal entries skipped"), "{said}");
    assert!(
        said.contains(journal.to_str().unwrap()),
        "the file is named: {said}"
    );
}
