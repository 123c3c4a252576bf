use super::*;

#[test]
fn an_error_line_gives_severity_time_source_and_message() {
    let line = b"E0910 08:15:02.118239    1234 reflector.go:147] k8s.io/client-go/informers/factory.go:150: Failed to watch *v1.Pod: connection refused";
    let k = parse(line).expect("parses");
    assert_eq!(k.severity, b'E');
    assert_eq!(
        (
            k.civil.month,
            k.civil.day,
            k.civil.hour,
            k.civil.minute,
            k.civil.second,
            k.civil.micros
        ),
        (9, 10, 8, 15, 2, 118_239)
    );
    assert_eq!(k.source, b"reflector.go:147");
    assert!(k.message.starts_with(b"k8s.io/client-go"));
    let Entry::Message(m) = read(line) else {
        panic!("a message")
    };
    assert_eq!(m.verdict, Verdict::Given(true));
    assert_eq!(m.when, When::YearLess(k.civil));
}

#[test]
fn info_is_not_an_error_and_a_goroutine_dump_continues() {
    let info = b"I0910 08:15:03.000001       7 server.go:88] \"Serving\" addr=\":8080\"";
    let Entry::Message(m) = read(info) else {
        panic!("a message")
    };
    assert_eq!(m.verdict, Verdict::Given(false));
    assert_eq!(read(b"goroutine 1 [running]:"), Entry::Continuation);
    assert_eq!(read(b"\tmain.main()"), Entry::Continuation);
    assert!(parse(b"2023-09-10 08:15:02 INFO x").is_none());
}
