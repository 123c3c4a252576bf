use super::*;
use crate::parse::entry::{Entry, When};

fn message(
    program: Option<&'static [u8]>,
    text: &'static [u8],
    verdict: Verdict,
) -> Message<'static> {
    match Message::text_line(When::Utc(0), verdict, program, text) {
        Entry::Message(m) => m,
        _ => unreachable!("text_line makes a message"),
    }
}

#[test]
fn a_failed_login_is_judged_from_its_words_and_counted_apart_from_errors() {
    let m = message(
        Some(b"sshd"),
        b"Failed password for root from 198.51.100.7 port 4242 ssh2",
        Verdict::ByWords(None),
    );
    let judged = judge(&m);
    assert!(judged.failed_login && !judged.error, "{judged:?}");
    assert_eq!(judged.client_side, None);
    assert_eq!(judged.action, None);
}

#[test]
fn a_sudo_command_that_searches_for_failures_is_an_investigation_not_a_failure() {
    let m = message(
        Some(b"sudo"),
        b"alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/grep -c Failed password /var/log/auth.log",
        Verdict::ByWords(None),
    );
    let judged = judge(&m);
    assert!(!judged.error && !judged.failed_login);
    let action = judged.action.expect("a command is an action");
    assert_eq!(action.kind, ActionKind::Investigate);
}

#[test]
fn a_request_refused_for_the_client_is_counted_apart_and_never_an_error() {
    let m = message(
        None,
        b"limiting requests, excess: 20.5 by zone \"api\"",
        Verdict::ClientSide(ClientSide::Limited),
    );
    assert_eq!(
        judge(&m),
        Judgement {
            error: false,
            failed_login: false,
            attempts: 1,
            client_side: Some(ClientSide::Limited),
            action: None,
        }
    );
}

#[test]
fn a_folded_repeat_of_a_failed_login_stands_for_each_try() {
    let m = message(
        Some(b"sshd"),
        b"message repeated 5 times: [ Failed password for root from 203.0.113.9 port 22 ssh2]",
        Verdict::ByWords(None),
    );
    let judged = judge(&m);
    assert!(judged.failed_login);
    assert_eq!(judged.attempts, 5);
}
