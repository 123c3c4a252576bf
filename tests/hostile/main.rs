//! Hostile inputs and outputs, each built from scratch here and named after what broke: the
//! real binary, as a user would run it. The cases share one way to set up a folder and run
//! the binary in it ([`Case`]), so a new case is its own lines, not a copy of set-up code.

#[path = "../common/mod.rs"]
mod common;

mod earlier;
mod outputs;
mod plans;
mod text_and_time;

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

fn postmortem() -> Command {
    Command::cargo_bin("postmortem").expect("binary built")
}

fn draft(dir: &Path, args: &[&str]) -> Output {
    common::draft_output(dir, args)
}

/// A FIFO at `path`, made by the real `mkfifo`.
fn mkfifo(path: &Path) {
    let made = std::process::Command::new("mkfifo").arg(path).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo {}", path.display());
}

fn access_line(minute: u32, status: u16, path: &str) -> String {
    format!(
        "203.0.113.7 - - [10/Sep/2023:08:{minute:02}:05 +0000] \"GET {path} HTTP/1.1\" {status} 12 \"-\" \"curl/8\"\n"
    )
}

/// One case's working folder: `logs/` (the bundled sample's, or files given), and room beside
/// it for outputs, plans and partials. Commands run with the folder as their working
/// directory, as a user in it would type them.
struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    /// `logs/` holding the bundled sample incident.
    fn sample() -> Case {
        let case = Case::empty();
        copy_dir(&common::sample_logs(), &case.path("logs"));
        case
    }

    /// `logs/` holding these files (relative paths, contents).
    fn with(files: &[(&str, &str)]) -> Case {
        let case = Case::empty();
        for (name, text) in files {
            case.write(&format!("logs/{name}"), text.as_bytes());
        }
        case
    }

    fn empty() -> Case {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("logs")).expect("logs folder");
        Case { dir }
    }

    /// A path inside the case's folder.
    fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    fn write(&self, relative: &str, bytes: &[u8]) {
        let path = self.path(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("folder");
        }
        std::fs::write(path, bytes).expect("written");
    }

    fn read(&self, relative: &str) -> Vec<u8> {
        std::fs::read(self.path(relative)).unwrap_or_default()
    }

    /// The binary with these arguments, run in the case's folder.
    fn run(&self, args: &[&str]) -> Output {
        postmortem()
            .current_dir(self.dir.path())
            .args(args)
            .output()
            .expect("runs")
    }

    /// The same, with `input` on standard input.
    fn run_with_stdin(&self, args: &[&str], input: &[u8]) -> Output {
        postmortem()
            .current_dir(self.dir.path())
            .args(args)
            .write_stdin(input.to_vec())
            .output()
            .expect("runs")
    }
}

/// The sample planned and read into one partial: `plan.json`, `all.part`.
fn planned() -> Case {
    let case = Case::sample();
    let o = case.run(&["plan", "logs", "-o", "plan.json", "-q"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = case.run(&["partial", "--plan", "plan.json", "-o", "all.part", "-q"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    case
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk");
        let target = to.join(entry.path().strip_prefix(from).expect("inside"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("folder");
        } else {
            std::fs::copy(entry.path(), &target).expect("copied");
        }
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The run ended with exit 2, saying `why` on stderr.
fn refused(o: &Output, why: &str) {
    assert_eq!(o.status.code(), Some(2), "{}", stderr(o));
    assert!(stderr(o).contains(why), "wanted {why:?}: {}", stderr(o));
}
