use super::*;
use serde_json::json;

#[test]
fn the_narrowest_label_names_the_source_and_a_host_goes_with_its_file() {
    let pod =
        json!({"namespace": "shop", "pod": "cart-7d9", "container": "cart", "host": "node-3"});
    assert_eq!(source_of(&pod).as_deref(), Some("cart-7d9"));
    let ecs = json!({"kubernetes": {"pod": {"name": "pay-1"}}, "host": {"name": "node-3"}});
    assert_eq!(source_of(&ecs).as_deref(), Some("pay-1"));
    let splunk = json!({"host": "web-2", "source": "/var/log/nginx/access.log", "index": "main"});
    assert_eq!(
        source_of(&splunk).as_deref(),
        Some("web-2:/var/log/nginx/access.log")
    );
    assert_eq!(
        source_of(&json!({"filename": "/var/log/app.log"})).as_deref(),
        Some("/var/log/app.log")
    );
    let long = json!({"pod": "x".repeat(MAX_SOURCE_NAME + 1)});
    assert_eq!(source_of(&long), None);
}

#[test]
fn a_rows_line_is_read_by_its_format_and_placed_by_the_rows_time() {
    let row = Row {
        when: When::Utc(1_694_333_702_000_000),
        body: Body::Line("2023-09-10 08:15:02 ERROR c.e.Pay - card service timed out".into()),
        source: Some("pay-1".into()),
        error: None,
    };
    let mut seen = Vec::new();
    fold_row(&row, &mut Vec::new(), &mut |entry, source| {
        seen.push((format!("{entry:?}"), source.map(<[u8]>::to_vec)));
        let Entry::Message(m) = entry else {
            panic!("a message")
        };
        // The line's own time has no zone: the row's instant stands.
        assert_eq!(m.when, When::Utc(1_694_333_702_000_000));
        assert_eq!(m.verdict, Verdict::Given(true));
    });
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].1.as_deref(), Some(&b"pay-1"[..]));
}

#[test]
fn a_record_whose_message_is_a_request_is_the_request() {
    let source = json!({"@timestamp": "2023-09-10T08:15:02Z", "log": {"level": "info"},
        "message": "10.0.0.1 - - [10/Sep/2023:08:15:02 +0000] \"GET /x HTTP/1.1\" 502 0 \"-\" \"-\""});
    let row = Row {
        when: When::Utc(1_694_333_702_000_000),
        body: Body::Record {
            line: source["message"].as_str().map(String::from),
            json: source,
        },
        source: None,
        error: Some(false),
    };
    fold_row(&row, &mut Vec::new(), &mut |entry, _| {
        assert!(matches!(entry, Entry::Request(r) if r.status == 502));
    });
}

#[test]
fn export_times_are_text_or_unix_numbers_of_any_unit() {
    let at = When::Utc(1_694_333_702_000_000);
    for v in [
        json!(1_694_333_702),
        json!(1_694_333_702_000_i64),
        json!("1694333702000000000"),
    ] {
        assert_eq!(time_of(&v), Some(at), "{v}");
    }
    assert!(matches!(
        time_of(&json!("2023-09-10T08:15:02Z")),
        Some(When::Offset { .. })
    ));
    assert_eq!(time_of(&json!(true)), None);
}
