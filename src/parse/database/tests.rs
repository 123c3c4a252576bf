use super::*;

#[test]
fn a_postgres_error_in_pdt_is_placed_by_its_abbreviation() {
    let line = b"2023-09-10 01:15:02.123 PDT [812] ERROR:  relation \"orders\" does not exist at character 15";
    let PgLine {
        when,
        pid,
        level,
        text,
    } = parse_postgres(line).expect("parses");
    assert_eq!(
        when,
        When::Offset {
            time: 1_694_333_702_123_000,
            offset_secs: -25200
        }
    );
    assert_eq!((pid, level), (&b"812"[..], &b"ERROR"[..]));
    assert!(text.starts_with(b"relation \"orders\""));
    let Entry::Message(m) = read_postgres(line) else {
        panic!("a message")
    };
    assert_eq!(m.verdict, Verdict::Given(true));
}

#[test]
fn postgres_statement_lines_continue_and_log_is_not_an_error() {
    let statement = b"2023-09-10 08:15:02.123 UTC [812] STATEMENT:  SELECT * FROM orders";
    assert_eq!(read_postgres(statement), Entry::Continuation);
    let ready =
        b"2023-09-10 08:15:00.001 UTC [1] LOG:  database system is ready to accept connections";
    let Entry::Message(m) = read_postgres(ready) else {
        panic!("a message")
    };
    assert_eq!(m.verdict, Verdict::Given(false));
    let unknown_zone =
        b"2023-09-10 08:15:00.001 XYZT [1] FATAL:  the database system is starting up";
    assert!(matches!(
        parse_postgres(unknown_zone),
        Some(PgLine {
            when: When::Local(_),
            ..
        })
    ));
}

#[test]
fn mysql_8_57_and_56_error_lines() {
    let m8 = b"2023-09-10T08:15:02.123456Z 0 [ERROR] [MY-010119] [Server] Aborting";
    let (when, level, text) = parse_mysql(m8).expect("8.0");
    assert_eq!(
        when,
        When::Offset {
            time: 1_694_333_702_123_456,
            offset_secs: 0
        }
    );
    assert_eq!((level, text), (&b"ERROR"[..], &b"Aborting"[..]));
    let m57 = b"2023-09-10T08:15:02.123456Z 0 [Warning] Changed limits: max_open_files: 5000";
    assert_eq!(parse_mysql(m57).map(|p| p.1), Some(&b"Warning"[..]));
    let m56 = b"2023-09-10 08:15:02 1234 [Note] InnoDB: Shutdown completed";
    assert!(matches!(parse_mysql(m56), Some((When::Local(_), _, _))));
    assert!(parse_mysql(b"Sep 10 08:15:02 web-1 sshd[812]: Accepted").is_none());
}

#[test]
fn mysql_general_query_log_lines_and_the_servers_start_up_header() {
    let Entry::Message(m) =
        read_mysql(b"2025-08-15T14:03:50.259438Z\t    9 Query\tset global log_output = 'FILE'")
    else {
        panic!("a message")
    };
    assert_eq!(
        m.when,
        When::Offset {
            time: 1_755_266_630_259_438,
            offset_secs: 0
        }
    );
    assert_eq!(&*m.text, b"Query\tset global log_output = 'FILE'");
    assert_eq!(m.verdict, Verdict::Given(false));
    // `Quit` has an empty argument.
    assert!(matches!(
        read_mysql(b"2025-08-15T14:04:35.806005Z\t    9 Quit\t"),
        Entry::Message(_)
    ));
    for header in [
        &b"/usr/sbin/mysqld, Version: 8.0.43-0ubuntu0.24.04.1 ((Ubuntu)). started with:"[..],
        b"Tcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock",
        b"Time                 Id Command    Argument",
    ] {
        assert_eq!(
            read_mysql(header),
            Entry::Marker,
            "{}",
            String::from_utf8_lossy(header)
        );
    }
    // A time and a tab with no connection id is not a general log line.
    assert_eq!(
        read_mysql(b"2025-08-15T14:03:50.259438Z\tQuery\tselect 1"),
        Entry::Continuation
    );
}
