use super::*;
use crate::parse::entry::{Message, Request, Verdict, When};
use crate::parse::export::read_time;
use crate::parse::{Sniffed, sniff};

/// The header and a row of the Nezha experiment's minute files, as shipped.
const NEZHA: &str = "Timestamp,TimeUnixNano,Node,PodName,Container,TraceID,SpanID,Log\n\
2023-01-29T08:43:17.120718514Z,1674981797120718514,33.33.33.116,ts-contacts-service-866bd68c97-xcqfx,server,dc7db5cbec8d511cb7e08fd7c7b47c00,b6ce9b3cd8b064a8,\"{\"\"log\"\":\"\"16:43:17.120 ERROR  c.s.ContactsServiceImpl#37 TraceID: dc7db5cbec8d511cb7e08fd7c7b47c00 SpanID: b6ce9b3cd8b064a8 [findContactsById][contactsRepository.findById][No contacts according to contactsId]\\n\"\",\"\"stream\"\":\"\"stdout\"\",\"\"time\"\":\"\"2023-01-29T08:43:17.120718514Z\"\"}\"\n\
2023-01-29T08:43:17.3Z,1674981797300000000,33.33.33.116,ts-basic-service-5dc8d4f9fd-46997,server,ab,cd,\"{\"\"log\"\":\"\"16:43:17.300 INFO  b.s.BasicServiceImpl#52 [queryForTravel][Query for travel]\\n\"\",\"\"stream\"\":\"\"stdout\"\",\"\"time\"\":\"\"2023-01-29T08:43:17.3Z\"\"}\"\n";

fn rows(text: &str) -> (Layout, Vec<&str>) {
    let mut lines = text.lines();
    let layout = Layout::from_header(lines.next().unwrap().as_bytes()).expect("a header");
    (layout, lines.collect())
}

fn message(entry: Entry<'_>) -> Message<'_> {
    match entry {
        Entry::Message(m) => m,
        other => panic!("not a message: {other:?}"),
    }
}

#[test]
fn a_nezha_row_is_its_docker_record_at_dockers_time_from_its_pod() {
    let (layout, lines) = rows(NEZHA);
    assert_eq!(
        layout.describe(),
        "time `Timestamp`, log line `Log`, source `PodName`"
    );
    let mut reader = RowReader::new(layout);
    let (entry, source) = reader.read(lines[0].as_bytes());
    assert_eq!(source, Some(&b"ts-contacts-service-866bd68c97-xcqfx"[..]));
    let m = message(entry);
    // 08:43:17.120718 UTC: Docker's time, not the line's zone-less 16:43 (UTC+8).
    assert_eq!(
        m.when,
        When::Offset {
            time: 1_674_981_797_120_718,
            offset_secs: 0
        }
    );
    assert_eq!(m.program.as_deref(), Some(&b"stdout"[..]));
    assert!(
        m.text
            .starts_with(b"16:43:17.120 ERROR  c.s.ContactsServiceImpl#37")
    );
    assert!(m.text.ends_with(b"[No contacts according to contactsId]"));
    assert_eq!(m.verdict, Verdict::ByWords(None));
    let (entry, source) = reader.read(lines[1].as_bytes());
    assert_eq!(source, Some(&b"ts-basic-service-5dc8d4f9fd-46997"[..]));
    assert!(message(entry).text.ends_with(b"[Query for travel]"));
}

#[test]
fn the_sniffer_reads_the_header_and_says_which_columns() {
    match sniff(NEZHA.as_bytes(), true) {
        Sniffed::Log(d) => {
            assert_eq!(d.format, Format::CsvExport);
            assert_eq!((d.matched, d.sampled), (2, 2));
            assert!(d.explain().contains("source `PodName`"), "{}", d.explain());
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_kibana_export_has_quoted_names_its_own_time_and_plain_messages() {
    let text = "\"@timestamp\",\"host.name\",message\n\
\"Jan 29, 2023 @ 08:42:22.383\",web-1,\"upstream timed out (110: Connection timed out), client: 10.0.0.7\"\n\
\"Jan 29, 2023 @ 08:42:23.001\",web-2,\"{\"\"time\"\":\"\"2023-01-29T08:42:23Z\"\",\"\"level\"\":\"\"error\"\",\"\"msg\"\":\"\"db timeout\"\"}\"\n";
    let (layout, lines) = rows(text);
    assert_eq!(
        layout.describe(),
        "time `@timestamp`, log line `message`, source `host.name`"
    );
    let mut reader = RowReader::new(layout);
    let (entry, source) = reader.read(lines[0].as_bytes());
    assert_eq!(source, Some(&b"web-1"[..]));
    let m = message(entry);
    assert_eq!(
        m.when,
        When::Local(crate::time::Civil {
            year: 2023,
            month: 1,
            day: 29,
            hour: 8,
            minute: 42,
            second: 22,
            micros: 383_000
        })
    );
    // The comma inside the quotes is part of the message.
    assert_eq!(
        &m.text[..],
        b"upstream timed out (110: Connection timed out), client: 10.0.0.7"
    );
    // A JSON line in the message column is read as JSON: its level says error.
    let (entry, source) = reader.read(lines[1].as_bytes());
    assert_eq!(source, Some(&b"web-2"[..]));
    let m = message(entry);
    assert_eq!(m.verdict, Verdict::Given(true));
    assert_eq!(&m.text[..], b"db timeout");
}

#[test]
fn an_access_line_in_the_log_column_is_a_request() {
    let text = "time,log\n\
2023-09-10T08:15:02Z,\"203.0.113.7 - - [10/Sep/2023:08:15:02 +0000] \"\"GET /api HTTP/1.1\"\" 503 197 \"\"-\"\" \"\"curl/8.1\"\"\"\n";
    let (layout, lines) = rows(text);
    let mut reader = RowReader::new(layout);
    match reader.read(lines[0].as_bytes()) {
        (Entry::Request(Request { status, .. }), None) => assert_eq!(status, 503),
        other => panic!("{other:?}"),
    }
}

#[test]
fn bad_rows_say_why_and_a_second_header_changes_the_columns() {
    let text = "Timestamp,PodName,Log\n\
not a time,pod-a,hello\n\
2023-01-29T08:43:17Z,pod-a,hello,extra\n\
\"unterminated,pod-a,hello\n\
Log,Timestamp\n\
an error happened,2023-01-29T08:43:18Z\n";
    let (layout, lines) = rows(text);
    let mut reader = RowReader::new(layout);
    assert_eq!(
        reader.read(lines[0].as_bytes()).0,
        Entry::Unreadable(NO_TIME)
    );
    assert_eq!(
        reader.read(lines[1].as_bytes()).0,
        Entry::Unreadable(MORE_FIELDS)
    );
    assert_eq!(reader.read(lines[2].as_bytes()).0, Entry::Continuation);
    assert_eq!(reader.read(lines[3].as_bytes()).0, Entry::Marker);
    let (entry, source) = reader.read(lines[4].as_bytes());
    assert_eq!(source, None);
    let m = message(entry);
    assert_eq!(&m.text[..], b"an error happened");
    assert_eq!(
        m.when,
        When::Offset {
            time: 1_674_981_798_000_000,
            offset_secs: 0
        }
    );
}

#[test]
fn a_csv_of_numbers_or_without_a_log_column_is_not_an_export() {
    assert!(Layout::from_header(b"timestamp,value").is_none());
    assert!(Layout::from_header(b"time,cpu,mem").is_none());
    assert!(Layout::from_header(b"2023-01-29T08:43:17Z,pod-a,hello").is_none());
    assert!(Layout::from_header(b"Sep 10 08:15:02 web-1 sshd[812]: time, log").is_none());
}

#[test]
fn unix_times_in_any_unit_read_alike() {
    let want = Some(When::Utc(1_674_981_797_000_000));
    for text in [
        "1674981797",
        "1674981797000",
        "1674981797000000",
        "1674981797000000000",
    ] {
        assert_eq!(read_time(text.as_bytes()), want, "{text}");
    }
    assert_eq!(read_time(b"12345"), None);
}

#[test]
fn a_table_of_metrics_is_not_a_log() {
    let why = metrics_not_logs(
        b"timestamp,value\n2023-09-10T08:00:00Z,0.93\n2023-09-10T08:01:00Z,\n",
        true,
    )
    .expect("metrics");
    assert!(why.starts_with("metrics, not log lines"), "{why}");
    assert!(
        metrics_not_logs(
            b"time,cpu,mem\n1694332800,12.5,300\n1694332860,13,301",
            false
        )
        .is_some()
    );
    // A log column, or a word among the values, makes it something else.
    assert_eq!(
        metrics_not_logs(b"timestamp,message\n2023-09-10T08:00:00Z,0.93\n", true),
        None
    );
    assert_eq!(
        metrics_not_logs(
            b"timestamp,value,host\n2023-09-10T08:00:00Z,0.93,web-1\n",
            true
        ),
        None
    );
    assert_eq!(metrics_not_logs(b"timestamp,value\n", true), None);
}
