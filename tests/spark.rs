//! The Spark job (`contrib/spark/draft.py`) in local mode, on a generated multi-host folder:
//! its draft is `draft --json`'s, byte for byte, with the executors reading the files and with
//! them piping the bytes into `partial -`, and with the folder given as a `file://` URI (read
//! through Hadoop's FileSystem, as `hdfs://` or `s3a://` would be). Needs Java 17 and pyspark; under `CI=true` their
//! absence fails the test (`.ci/run` installs them); elsewhere, absent when the tests were built,
//! the test is ignored with the reason (`build.rs`).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

/// Whether python3 can import pyspark and java runs. Where either was absent when the tests
/// were built, the test that needs them is ignored (build.rs); absent now, it fails.
fn pyspark_here() -> bool {
    Command::new("python3")
        .args(["-c", "import pyspark"])
        .output()
        .is_ok_and(|o| o.status.success())
        && Command::new("java")
            .arg("-version")
            .output()
            .is_ok_and(|o| o.status.success())
}

fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_postmortem"))
}

fn spark_draft(logs: &Path, extra: &[&str]) -> Vec<u8> {
    let job = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("contrib/spark/draft.py");
    let out = Command::new("python3")
        .arg(job)
        .arg(logs)
        .args([
            "--master", "local[2]", "--json", "--split", "2M", "--binary",
        ])
        .arg(binary())
        .args(extra)
        .output()
        .expect("python3 runs");
    assert!(
        matches!(out.status.code(), Some(0..=2)),
        "the Spark job failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
#[cfg_attr(
    no_spark,
    ignore = "needs python3 with pyspark, and java (then touch build.rs)"
)]
fn the_spark_job_in_local_mode_prints_drafts_json() {
    assert!(
        pyspark_here(),
        "the Spark job needs python3 with pyspark, and java 17 or later (.ci/run installs both)"
    );
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    common::multi_host_folder(&logs, 5 << 20);
    let draft = Command::new(binary())
        .args(["draft", "--json"])
        .arg(&logs)
        .output()
        .unwrap()
        .stdout;
    let value: serde_json::Value = serde_json::from_slice(&draft).expect("draft JSON");
    assert!(
        !value["incidents"].as_array().unwrap().is_empty(),
        "the folder has incidents"
    );
    assert!(
        spark_draft(&logs, &[]) == draft,
        "the Spark job's draft differs from draft --json"
    );
    assert!(
        spark_draft(&logs, &["--pipe"]) == draft,
        "with bytes piped into partial -, the Spark job's draft differs from draft --json"
    );
    // As a URI, the files are listed and fetched through Hadoop's FileSystem (as hdfs:// or
    // s3a:// would be), the plan made over local stand-ins.
    let uri = format!("file://{}", logs.display());
    let remote = spark_draft(Path::new(&uri), &[]);
    assert!(
        remote == draft,
        "with the folder given as a URI, the Spark job's draft differs from draft --json"
    );
}

/// Run with a Python that has no pyspark, the job ended in an ImportError traceback.
#[test]
fn without_pyspark_the_job_says_what_to_install_and_exits_2() {
    // `-S`: no site packages, so no pyspark, whatever this machine has installed.
    let out = Command::new("python3")
        .args(["-S", "contrib/spark/draft.py", "sample-logs"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("python3 runs (the Spark job is a Python script)");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("pyspark is not installed here"), "{err}");
    assert!(!err.contains("Traceback"), "{err}");
}
