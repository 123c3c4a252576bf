//! W3C extended logs as the servers that are not IIS's defaults write them, through the real
//! binary: fields several spaces apart at a `#GMT-Offset:` (Oracle Web Cache), local times
//! and quoted fields (IIS Advanced Logging), every field quoted (Incapsula), IIS's FTP
//! service; and a `#Fields:` change at a restart, which every chunk and every byte range of a
//! plan must read in.

mod common;

use assert_cmd::Command;
use common::hour::{check_hour, draft_json, hour};
use serde_json::Value;

fn s(p: &std::path::Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

fn first_bin(draft: &Value) -> &str {
    draft["series"][0]["time"].as_str().expect("a series")
}

#[test]
fn oracle_web_cache_fields_several_spaces_apart_at_its_gmt_offset() {
    let header = "#Version: 1.0\n#GMT-Offset: -0800\n#Software: Oracle9iAS Web Cache/2.0.0.2.0\n#Start-Date: 2023-09-10 00:00:00\n#Fields:  c-ip  c-dns  c-auth-id  date  time  cs-method  cs-uri  sc-status  bytes  cs(Cookie)  cs(Referrer)  cs(User-Agent)\n#Date: 2023-09-10 00:00:00\n";
    let dir = tempfile::tempdir().unwrap();
    let mut text = header.to_string();
    for r in hour() {
        text.push_str(&format!(
            "64.103.37.{}      client_{}      DMS.user      2023-09-10     00:{:02}:{:02}      GET      /admin/images/oc_bottomleft.gif?x=1    {}     350    \"ORA_UCM_AGID=%2fMP\"         \"http://www.oracle.com/\"      \"Mozilla/4.5 [en] (WinNT; I)\"\n",
            r.second % 200, r.second % 7, r.minute, r.sec, r.status
        ));
    }
    std::fs::write(dir.path().join("access_log"), text).unwrap();
    let draft = draft_json(dir.path(), &[]);
    let input = &draft["inputs"][0];
    assert_eq!(input["format"], "w3c", "{input:#}");
    assert_eq!(input["lines_skipped"], 0, "{input:#}");
    assert_eq!(common::series_totals(&draft), (3600, 180));
    // 00:00 at GMT-08:00 is 08:00 UTC.
    assert_eq!(first_bin(&draft), "2023-09-10T08:00:00Z");
    assert_eq!(draft_json(dir.path(), &["--chunk-size", "4096"]), draft);
}

#[test]
fn advanced_logging_local_times_quoted_fields_and_milliseconds() {
    let header = "#Software: IIS Advanced Logging Module\n\n#Version: 1.0\n\n#Start-Date: 2023-09-10 08:00:00.128\n\n#Fields:   date-local time-local   s-ip   cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) cs(Host) sc-status sc-substatus sc-win32-status TimeTakenMS\n";
    let line = |r: &common::hour::Req| {
        format!(
            "2023-09-10 08:{:02}:{:02}.363 1.2.3.4 GET /Products/theProduct - 80 - \"70.95.0.{}\" \"Mozilla/5.0 (Linux; Android 4.4.4) Chrome/39.0\" - \"xzy.example.com\" {} \" \"\"garbage\"\" w/ spaces \" 0 {}",
            r.minute,
            r.sec,
            r.second % 200,
            r.status,
            (r.seconds * 1000.0) as u64
        )
    };
    check_hour("ex230910.log", "w3c", header, line);
    // Local times follow --tz.
    let dir = tempfile::tempdir().unwrap();
    let mut text = header.to_string();
    for r in hour().iter().take(60) {
        text.push_str(&line(r));
        text.push('\n');
    }
    std::fs::write(dir.path().join("ex230910.log"), text).unwrap();
    assert_eq!(
        first_bin(&draft_json(dir.path(), &["--tz", "Etc/GMT-2"])),
        "2023-09-10T06:00:00Z"
    );
}

#[test]
fn incapsula_every_field_quoted_and_a_request_without_a_status() {
    let header = "#Software: Incapsula LOGS API\n#Version: 1.1\n#Date: 10/Sep/2023 08:00:00\n#Fields: date time cs-vid cs-clapp c-ip cs(User-Agent) cs-uri cs-postbody sc-action s-ip s-port cs-method cs-uri-query sc-status s-xff\n";
    let mut text = header.to_string();
    for r in hour() {
        text.push_str(&format!(
            "\"2023-09-10\" \"08:{:02}:{:02}\" \"a1f36498\" \"Chrome\" \"123.123.123.{}\" \"Mozilla/5.0 (Windows NT 6.1; Win64; x64)\" \"www.example.com/page.php\" \"\" \"REQ_PASSED\" \"124.124.124.124\" \"80\" \"GET\" \"variable=test\" \"{}\" \"\"\n",
            r.minute, r.sec, r.second % 200, r.status
        ));
    }
    // A connection the server closed has no status: a message of the log, not a request.
    text.push_str("\"2023-09-10\" \"08:59:59\" \"daf5e234\" \"Firefox\" \"125.125.125.125\" \"Mozilla/5.0\" \"www.example.com/rss/news\" \"\" \"REQ_BAD_SERVER_CLOSED_CONNECTION\" \"125.125.125.125\" \"80\" \"GET\" \"\" \"\" \"\"\n");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("incapsula.log"), text).unwrap();
    let draft = draft_json(dir.path(), &[]);
    let input = &draft["inputs"][0];
    assert_eq!(input["format"], "w3c", "{input:#}");
    assert_eq!(input["lines_skipped"], 0, "{input:#}");
    assert_eq!(input["lines_parsed"], 3601, "{input:#}");
    assert_eq!(common::series_totals(&draft), (3600, 180));
}

#[test]
fn an_iis_ftp_log_is_ftp_commands_dated_by_its_directives() {
    let text = "#Software: Microsoft Internet Information Services 10.0\n#Version: 1.0\n#Date: 2023-09-10 23:59:00\n#Fields: time c-ip cs-method cs-uri-stem sc-status\n23:59:10 192.0.2.4 [7]USER deploy 331\n23:59:12 192.0.2.4 [7]PASS - 530\n23:59:40 192.0.2.4 [7]QUIT - 221\n#Software: Microsoft Internet Information Services 10.0\n#Version: 1.0\n#Date: 2023-09-11 00:00:05\n#Fields: time c-ip cs-method cs-uri-stem sc-status\n00:00:05 192.0.2.4 [8]USER deploy 331\n00:00:06 192.0.2.4 [8]PASS - 230\n00:00:09 192.0.2.4 [8]sent /releases/app.tar.gz 426\n";
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("u_ex230910.log"), text).unwrap();
    let out = Command::cargo_bin("postmortem")
        .expect("binary")
        .args(["scan", "--json"])
        .arg(dir.path())
        .output()
        .expect("runs");
    let scan: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let input = &scan["inputs"][0];
    assert_eq!(input["format"], "w3c", "{input:#}");
    assert_eq!(input["lines_parsed"], 6, "{input:#}");
    assert_eq!(input["lines_skipped"], 0, "{input:#}");
    // Each block's lines take the date of its own #Date:.
    assert_eq!(input["first_time"], "2023-09-10T23:59:10Z");
    assert_eq!(input["last_time"], "2023-09-11T00:00:09Z");
    // FTP replies are not HTTP requests.
    let draft = draft_json(dir.path(), &[]);
    assert_eq!(common::series_totals(&draft).0, 0, "{:#}", draft["series"]);
}

/// IIS's default columns, then a restart whose header block puts them in another order.
fn restarted_log(lines_each: u32) -> String {
    let mut text = String::from(
        "#Software: Microsoft Internet Information Services 10.0\n#Version: 1.0\n#Date: 2023-09-10 08:00:00\n#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken\n",
    );
    for n in 0..lines_each {
        let status = if n % 50 == 0 { 500 } else { 200 };
        text.push_str(&format!(
            "2023-09-10 08:{:02}:{:02} 10.0.0.4 GET /api/orders id={n} 443 - 203.0.113.{} Mozilla/5.0 - {status} 0 0 31\n",
            n / 60 % 60, n % 60, n % 250
        ));
    }
    text.push_str("#Software: Microsoft Internet Information Services 10.0\n#Version: 1.0\n#Date: 2023-09-10 09:00:00\n#Fields: date time c-ip cs-method cs-uri-stem sc-status time-taken cs(User-Agent)\n");
    for n in 0..lines_each {
        let status = if n % 25 == 0 { 503 } else { 200 };
        text.push_str(&format!(
            "2023-09-10 09:{:02}:{:02} 203.0.113.{} POST /api/pay {status} 45 curl/8.4.0\n",
            n / 60 % 60,
            n % 60,
            n % 250
        ));
    }
    text
}

#[test]
fn a_fields_change_at_a_restart_holds_in_every_chunk_and_every_range_of_a_plan() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir(&logs).unwrap();
    std::fs::write(logs.join("u_ex230910.log"), restarted_log(40_000)).unwrap();
    let draft = draft_json(&logs, &[]);
    assert_eq!(
        draft["inputs"][0]["lines_skipped"], 0,
        "{:#}",
        draft["inputs"][0]
    );
    assert_eq!(common::series_totals(&draft), (80_000, 800 + 1600));
    assert_eq!(
        draft_json(&logs, &["--chunk-size", "4096"]),
        draft,
        "chunks"
    );
    assert_eq!(
        draft_json(&logs, &["--chunk-size", "4096", "-j", "1"]),
        draft
    );
    // A plan cuts the file into ranges; those after the restart start from its columns.
    let plan = dir.path().join("plan.json");
    let part = dir.path().join("all.part");
    let run = |args: &[&str]| {
        let out = Command::cargo_bin("postmortem")
            .expect("binary")
            .args(args)
            .output()
            .expect("runs");
        assert!(
            matches!(out.status.code(), Some(0..=2)),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    run(&["plan", s(&logs), "--split", "1M", "-o", s(&plan), "-q"]);
    let doc: Value = serde_json::from_slice(&std::fs::read(&plan).unwrap()).unwrap();
    let ranges = doc["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .filter(|t| !t["range"].is_null())
        .count();
    assert!(ranges >= 3, "the plan cut the file into ranges: {doc:#}");
    run(&["partial", "--plan", s(&plan), "-o", s(&part), "-q"]);
    let merged: Value =
        serde_json::from_slice(&run(&["merge", "--plan", s(&plan), "--json", s(&part)])).unwrap();
    assert_eq!(merged, draft, "merged ranges");
}

/// Zeek's header, as `zeek` writes it before the data of `http.log`.
const ZEEK_HTTP_HEADER: &str = "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\thttp\n#open\t2023-09-10-08-00-00\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\ttrans_depth\tmethod\thost\turi\treferrer\tversion\tuser_agent\trequest_body_len\tresponse_body_len\tstatus_code\tstatus_msg\ttags\n#types\ttime\tstring\taddr\tport\taddr\tport\tcount\tstring\tstring\tstring\tstring\tstring\tstring\tcount\tcount\tcount\tstring\tset[enum]\n";

#[test]
fn zeek_http_log_is_a_request_log_at_its_unix_times() {
    // 2023-09-10 08:00:00 UTC.
    const HOUR_START: u32 = 1_694_332_800;
    let mut text = ZEEK_HTTP_HEADER.to_string();
    for r in hour() {
        // A `"` opening the user agent is the field's own text in Zeek's logs.
        text.push_str(&format!(
            "{}.{:06}\tCwFs1P2UcUdlSxD2La\t192.168.2.{}\t52026\t10.0.0.1\t80\t1\tGET\twww.example.com\t/api/items?page={}\t-\t1.1\t\"quoted\" agent/1.0\t0\t512\t{}\t{}\t(empty)\n",
            HOUR_START + r.second,
            r.second * 7 % 1_000_000,
            r.second % 200,
            r.second,
            r.status,
            if r.status == 200 { "OK" } else { "Service Unavailable" }
        ));
    }
    text.push_str("#close\t2023-09-10-09-00-00\n");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("http.log"), &text).unwrap();
    let draft = draft_json(dir.path(), &[]);
    let input = &draft["inputs"][0];
    assert_eq!(input["format"], "w3c", "{input:#}");
    assert_eq!(input["lines_skipped"], 0, "{input:#}");
    assert_eq!(input["first_time"], "2023-09-10T08:00:00Z", "{input:#}");
    assert_eq!(input["last_time"], "2023-09-10T08:59:59Z", "{input:#}");
    assert_eq!(common::series_totals(&draft), (3600, 180));
    assert_eq!(draft_json(dir.path(), &["--chunk-size", "4096"]), draft);
}

#[test]
fn zeek_logs_without_requests_are_messages_at_their_times() {
    let text = "#separator \\x09\n#path\tconn\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\tconn_state\n#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tstring\n\
1320279554.496300\tCg9xqq3JAcZusspA86\t192.168.2.76\t52025\t208.85.42.28\t80\ttcp\t-\t2.125850\tSF\n\
1320279567.181431\tCdysLK1XpcrXOpVDuh\t192.168.2.76\t52034\t174.129.249.33\t80\ttcp\thttp\t0.082899\tSF\n";
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("conn.log"), text).unwrap();
    let draft = draft_json(dir.path(), &[]);
    let input = &draft["inputs"][0];
    assert_eq!(input["format"], "w3c", "{input:#}");
    assert_eq!(input["lines_parsed"], 2, "{input:#}");
    assert_eq!(input["lines_skipped"], 0, "{input:#}");
    // 1320279554 is 2011-11-03 00:19:14 UTC.
    assert_eq!(input["first_time"], "2011-11-03T00:19:14Z", "{input:#}");
    assert_eq!(input["last_time"], "2011-11-03T00:19:27Z", "{input:#}");
}
