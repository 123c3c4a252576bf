//! Standard input and FIFOs through the real binary: `zcat x.gz | postmortem draft -`,
//! `--stdin-name`, and process substitution (`postmortem scan <(zcat x.gz)`), each read as a
//! file would be (sniffed from content, compression undone).

mod common;

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/sample-logs/auth-outage");

fn postmortem() -> Command {
    Command::cargo_bin("postmortem").expect("binary")
}

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

fn access_log() -> Vec<u8> {
    std::fs::read(Path::new(SAMPLE).join("nginx/access.log")).expect("the sample's access log")
}

#[test]
fn a_gzip_stream_on_standard_input_reads_as_the_file_would() {
    let from_file = postmortem()
        .args(["draft", "--json"])
        .arg(Path::new(SAMPLE).join("nginx/access.log"))
        .output()
        .unwrap();
    let from_stdin = postmortem()
        .args(["draft", "--json", "-"])
        .write_stdin(common::gzip(&access_log()))
        .output()
        .unwrap();
    let (file, stdin) = (json(&from_file), json(&from_stdin));
    let input = &stdin["inputs"][0];
    assert_eq!(input["file"], "<stdin>");
    assert_eq!(input["format"], "nginx_access");
    assert_eq!(input["compression"], "gzip");
    assert_eq!(input["lines_read"], file["inputs"][0]["lines_read"]);
    let (a, b) = (&file["incidents"][0], &stdin["incidents"][0]);
    assert!(a.is_object(), "the sample's access log shows the outage");
    for key in ["start", "recovered", "detected", "peak_error_ratio"] {
        assert_eq!(a[key], b[key], "{key}");
    }
    assert_eq!(
        a["impact"]["requests_failed"],
        b["impact"]["requests_failed"]
    );
}

#[test]
fn stdin_name_names_the_stream_in_the_draft() {
    let out = postmortem()
        .args(["scan", "--json", "-", "--stdin-name", "web-1/access.log"])
        .write_stdin(access_log())
        .output()
        .unwrap();
    let scan = json(&out);
    assert_eq!(scan["inputs"][0]["file"], "web-1/access.log");
    assert_eq!(scan["inputs"][0]["lines_parsed"], 16743);
}

#[test]
fn a_fifo_named_on_the_command_line_is_read_and_one_found_in_a_folder_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("access.fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, access_log()).unwrap())
    };
    let out = postmortem()
        .args(["scan", "--json"])
        .arg(&fifo)
        .output()
        .unwrap();
    writer.join().unwrap();
    let scan = json(&out);
    assert_eq!(scan["inputs"][0]["file"], fifo.display().to_string());
    assert_eq!(scan["inputs"][0]["lines_parsed"], 16743);
    // In a folder, a FIFO is passed over with the reason (nobody may ever write to it).
    let out = postmortem()
        .args(["scan", "--json"])
        .arg(dir.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        err.contains("no log files found") && err.contains("access.fifo: not a regular file"),
        "{err}"
    );
}
