//! A run scoped to a window of time and to some hosts (`draft --since/--until/--host`), and
//! what a run cannot read from its input said in its header (a stream's year).

mod common;

use assert_cmd::Command;
use chrono::DateTime;
use serde_json::Value;

fn postmortem() -> Command {
    Command::cargo_bin("postmortem").expect("binary built")
}

fn json(out: &std::process::Output) -> Value {
    assert!(out.status.code().is_some_and(|c| c <= 1), "{out:?}");
    serde_json::from_slice(&out.stdout).expect("JSON")
}

fn seconds(v: &Value) -> i64 {
    DateTime::parse_from_rfc3339(v.as_str().expect("a time"))
        .expect("RFC 3339")
        .timestamp()
}

#[test]
fn since_and_until_leave_out_the_lines_outside_and_say_so() {
    let logs = common::sample_logs();
    let whole = json(
        &postmortem()
            .args(["draft", "--json"])
            .arg(&logs)
            .output()
            .expect("ran"),
    );
    let out = postmortem()
        .args(["draft", "--json", "--since", "2023-09-10 08:10", "--until"])
        .arg("2023-09-10T08:40:00Z")
        .arg(&logs)
        .output()
        .expect("ran");
    let scoped = json(&out);
    let (from, to) = (
        seconds(&Value::from("2023-09-10T08:10:00Z")),
        seconds(&Value::from("2023-09-10T08:40:00Z")),
    );
    let mut left_out = 0;
    for (input, all) in scoped["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .zip(whole["inputs"].as_array().expect("inputs"))
    {
        if let (Some(_), Some(_)) = (input["first_time"].as_str(), input["last_time"].as_str()) {
            assert!(seconds(&input["first_time"]) >= from, "{input:#}");
            assert!(seconds(&input["last_time"]) <= to, "{input:#}");
        }
        // Every line is still read; the parsed ones outside are counted apart.
        assert_eq!(input["lines_read"], all["lines_read"]);
        let out_of_scope = input["lines_out_of_scope"].as_u64().unwrap_or(0);
        assert_eq!(
            input["lines_parsed"].as_u64().expect("parsed") + out_of_scope,
            all["lines_parsed"].as_u64().expect("parsed"),
            "{input:#}"
        );
        left_out += out_of_scope;
    }
    assert!(left_out > 0);
    assert_eq!(scoped["scope"]["lines_left_out"], left_out);
    assert_eq!(scoped["scope"]["since"], "2023-09-10T08:10:00Z");
    // The outage of the sample lies inside the window: it is still found.
    let incident = &scoped["incidents"][0];
    assert!(seconds(&incident["start"]) >= from, "{incident:#}");
    let md = postmortem()
        .args([
            "draft",
            "--since",
            "2023-09-10 08:10",
            "--until",
            "2023-09-10T08:40:00Z",
        ])
        .arg(&logs)
        .output()
        .expect("ran");
    let text = String::from_utf8(md.stdout).expect("UTF-8");
    assert!(
        text.contains(&format!(
            "> Scoped to 2023-09-10 08:10:00 UTC – 2023-09-10 08:40:00 UTC: {left_out} lines outside the window"
        )),
        "{text}"
    );
}

#[test]
fn until_before_since_is_refused_before_anything_is_read() {
    let out = postmortem()
        .args(["draft", "--since", "2023-09-10", "--until", "2023-09-09"])
        .arg(common::sample_logs())
        .output()
        .expect("ran");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--until") && err.contains("swap them"),
        "{err}"
    );
}

#[test]
fn host_reads_only_the_folders_of_the_hosts_named() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let line =
        "203.0.113.7 - - [10/Sep/2023:08:15:02 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"curl/8\"\n";
    for host in ["web-1", "web-2", "db-1"] {
        std::fs::create_dir_all(dir.path().join(host)).expect("folder");
        std::fs::write(dir.path().join(host).join("access.log"), line.repeat(50)).expect("written");
    }
    let out = postmortem()
        .args(["draft", "--json", "--host", "web-*"])
        .arg(dir.path())
        .output()
        .expect("ran");
    let draft = json(&out);
    let files: Vec<&str> = draft["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .map(|i| i["file"].as_str().expect("a file"))
        .collect();
    assert_eq!(files, ["web-1/access.log", "web-2/access.log"]);
    assert_eq!(draft["scope"]["files_left_out"], 1);
    assert_eq!(draft["scope"]["hosts"][0], "web-*");
    let skipped = &draft["skipped_files"][0];
    assert_eq!(skipped["file"], "db-1/access.log");
    assert!(
        skipped["reason"]
            .as_str()
            .expect("a reason")
            .contains("--host web-*"),
        "{skipped:#}"
    );
}

#[test]
fn a_year_less_log_from_standard_input_states_the_year_it_was_given() {
    let syslog = std::fs::read(common::sample_logs().join("syslog")).expect("the sample");
    let out = postmortem()
        .args(["draft", "-"])
        .write_stdin(syslog)
        .output()
        .expect("ran");
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    let header = text
        .lines()
        .find(|l| l.starts_with("> Assumed, not read:"))
        .unwrap_or_else(|| panic!("no assumptions stated:\n{text}"));
    assert!(header.contains("for `<stdin>`"), "{header}");
    assert!(header.contains("read from a stream"), "{header}");
    assert!(header.contains("`--year` sets it"), "{header}");
}

#[test]
fn a_hosts_syslog_takes_the_zone_its_own_postgresql_log_names() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let host = dir.path().join("db-1");
    std::fs::create_dir_all(&host).expect("folder");
    std::fs::write(
        host.join("postgresql.log"),
        "2023-09-10 08:15:00.001 EDT [1] LOG:  database system is ready to accept connections\n\
         2023-09-10 08:15:02.123 EDT [812] ERROR:  relation \"orders\" does not exist at character 15\n\
         2023-09-10 08:17:02.123 EDT [812] LOG:  checkpoint complete\n",
    )
    .expect("written");
    std::fs::write(
        host.join("syslog"),
        "Sep 10 08:15:09 db-1 sudo:   alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/systemctl restart postgresql\n",
    )
    .expect("written");
    let scan = json(
        &postmortem()
            .args(["scan", "--json"])
            .arg(dir.path())
            .output()
            .expect("ran"),
    );
    let syslog = scan["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .find(|i| i["file"] == "db-1/syslog")
        .expect("the syslog");
    // 08:15:09 on a host whose database writes EDT is 12:15:09 UTC, not 08:15:09.
    assert_eq!(syslog["first_time"], "2023-09-10T12:15:09Z", "{syslog:#}");
}
