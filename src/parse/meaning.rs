//! What a line means, beyond its format: which lines are actions (a sudo command, a restart,
//! a deploy marker, a failover), which are errors when the format has no severity, and what
//! a command run through sudo does. Decided from the text as each program writes it, for any
//! format that carries such text; the aggregate stage only counts what is decided here.
//!
//! Why in parse/: meaning is read off the line like its fields are. Kept in one folder so a
//! new rule is a change here, never in the fold.

pub mod action;
pub mod catalogue;
mod commands;
pub mod notable;

pub use action::{Action, ActionKind};

use crate::parse::entry::{ClientSide, Message, Verdict, Vocabulary};

/// What a message means: everything the fold needs decided before it counts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Judgement {
    /// It reports a failure of the service.
    pub error: bool,
    /// It reports a failed login (sshd, PAM).
    pub failed_login: bool,
    /// How many tries a failed login's line stands for: rsyslog and syslog-ng fold repeats
    /// into `message repeated 5 times: [ Failed password …]`, five tries. 1 otherwise.
    pub attempts: u64,
    /// A client's request refused or held back: counted apart, never a failure.
    pub client_side: Option<ClientSide>,
    /// Someone (or something) changed the system: a command, a restart, a deploy.
    pub action: Option<Action>,
}

/// Judges a message by its verdict, its vocabulary and its words. One pass over the text
/// finds the words both the error rules and the action rules start from.
pub(crate) fn judge(m: &Message<'_>) -> Judgement {
    let program = m.program.as_deref().unwrap_or(b"");
    let hits = match (m.verdict, m.vocabulary) {
        (Verdict::ByWords(_), _) | (_, Vocabulary::Syslog) => notable::word_hits(&m.text),
        _ => notable::WordHits::default(),
    };
    let (error, failed_login, client_side) = match m.verdict {
        Verdict::Given(error) => (error, false, None),
        Verdict::ClientSide(kind) => (false, false, Some(kind)),
        Verdict::ByWords(severity) => {
            let class = notable::classify_line_given(hits.error, severity, program, &m.text);
            // sudo logs command lines, not outcomes: `grep Failed …` is not a failure, nor
            // `grep -c Failed password` a failed login.
            let command = program == b"sudo";
            (
                !command && class.error,
                !command && class.failed_login,
                None,
            )
        }
    };
    let action = match m.vocabulary {
        Vocabulary::Syslog => notable::syslog_action_given(hits, program, &m.text),
        Vocabulary::Nginx => notable::nginx_action(&m.text),
        Vocabulary::Apache => notable::any_apache_action(&m.text),
    };
    Judgement {
        error,
        failed_login,
        attempts: match failed_login {
            true => super::syslog::repeats(&m.text),
            false => 1,
        },
        client_side,
        action,
    }
}

#[cfg(test)]
mod tests;
