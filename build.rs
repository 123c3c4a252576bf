//! Which of the tests' outside helpers this machine lacks, as `cfg`s the tests read: a test
//! that needs one that is absent carries an `ignore` attribute with the reason, so `cargo test` reports it
//! as ignored instead of passing without running. Under `CI=true` nothing is ignored: an
//! absent helper fails its test, as CI must install them all (`.ci/run`).
//!
//! Checked when this script runs (a fresh build, a change of `CI` or `PATH`, or
//! `touch build.rs`); the shipped binary does not depend on any of it.

use std::path::Path;
use std::process::Command;

fn main() {
    for cfg in [
        "no_shared_data",
        "no_chromium",
        "no_journal_remote",
        "no_spark",
    ] {
        println!("cargo::rustc-check-cfg=cfg({cfg})");
    }
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=CI");
    println!("cargo::rerun-if-env-changed=PATH");
    if std::env::var_os("CI").is_some_and(|v| v == "true") {
        return;
    }
    let root = std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default();
    let absent = [
        (
            "no_shared_data",
            !Path::new(&root).join("../shared/data").is_dir(),
        ),
        (
            "no_chromium",
            !on_path(&["chromium", "chromium-browser", "google-chrome"]),
        ),
        (
            "no_journal_remote",
            !any_file(&[
                "/lib/systemd/systemd-journal-remote",
                "/usr/lib/systemd/systemd-journal-remote",
            ]) || !any_file(&["/usr/bin/journalctl", "/bin/journalctl"]),
        ),
        (
            "no_spark",
            !runs("python3", &["-c", "import pyspark"]) || !runs("java", &["-version"]),
        ),
    ];
    for (cfg, missing) in absent {
        if missing {
            println!("cargo::rustc-cfg={cfg}");
        }
    }
}

fn any_file(paths: &[&str]) -> bool {
    paths.iter().any(|p| Path::new(p).is_file())
}

fn on_path(names: &[&str]) -> bool {
    let Some(paths) = std::env::var_os("PATH") else {
        return false;
    };
    std::env::split_paths(&paths).any(|dir| names.iter().any(|n| dir.join(n).is_file()))
}

fn runs(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}
