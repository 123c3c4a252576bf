//! Which lines are worth keeping as events: what people did (sudo commands, service
//! restarts and reloads, nginx signals), what the machine did to itself (OOM kills, failed
//! units), and which lines count as errors when the format has no severity.
//!
//! Everything else is only counted. Each rule here is matched against the real shape of the
//! line as the tool in question writes it; the tests show one example of each.

use super::action::text;
pub use super::action::{Action, ActionKind, Finder, build_finder, has_word, prefilter};
use super::commands::classify_command;

/// `alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/systemctl restart authd`
fn sudo(message: &[u8]) -> Option<Action> {
    let at = memchr::memmem::find(message, b"COMMAND=")?;
    let command = message[at + 8..].trim_ascii();
    let actor = message
        .split(|&b| b == b':')
        .next()
        .map(<[u8]>::trim_ascii)
        .filter(|a| !a.is_empty() && !a.contains(&b' '))
        .map(text);
    let (kind, subject) = classify_command(command);
    Some(Action {
        kind,
        actor,
        subject,
        text: format!("sudo {}", text(command)),
    })
}

/// systemd's own lines about units: `Started authd.service - Authentication daemon.`
fn systemd(message: &[u8]) -> Option<Action> {
    if memchr::memmem::find(message, b" of User ").is_some()
        || memchr::memmem::find(message, b"session-").is_some()
    {
        return None; // login sessions, not services
    }
    const VERBS: [(&[u8], ActionKind); 6] = [
        (b"Stopping ", ActionKind::Stop),
        (b"Stopped ", ActionKind::Stop),
        (b"Starting ", ActionKind::Start),
        (b"Started ", ActionKind::Start),
        (b"Reloading ", ActionKind::Reload),
        (b"Reloaded ", ActionKind::Reload),
    ];
    for (verb, kind) in VERBS {
        if let Some(rest) = message.strip_prefix(verb) {
            let unit = rest
                .split(|&b| b == b' ')
                .next()
                .map(|u| u.strip_suffix(b"...").or(u.strip_suffix(b".")).unwrap_or(u))
                .filter(|u| !u.is_empty())
                .map(text);
            return Some(Action {
                kind,
                actor: None,
                subject: unit,
                text: text(message),
            });
        }
    }
    let colon = memchr::memchr(b':', message)?;
    let unit = text(&message[..colon]);
    let rest = &message[colon + 1..];
    if memchr::memmem::find(rest, b"Failed with result").is_some()
        || memchr::memmem::find(rest, b"Scheduled restart job").is_some()
    {
        return Some(Action {
            kind: ActionKind::ServiceFailed,
            actor: None,
            subject: Some(unit),
            text: text(message),
        });
    }
    None
}

/// `Out of memory: Killed process 4242 (java) total-vm:…`; `Linux version 6.1.0-13-amd64
/// (debian-kernel@lists.debian.org) …`, the first line a booting kernel writes.
fn kernel(message: &[u8]) -> Option<Action> {
    // dmesg's `[    0.000000] ` uptime stamp, when syslog keeps it.
    let bare = match message.strip_prefix(b"[") {
        Some(rest) => {
            memchr::memchr(b']', rest).map_or(message, |i| rest[i + 1..].trim_ascii_start())
        }
        None => message,
    };
    if let Some(rest) = bare.strip_prefix(b"Linux version ") {
        let version = rest.split(|&b| b == b' ').next().map(text);
        return Some(Action {
            kind: ActionKind::Boot,
            actor: None,
            subject: version,
            text: format!("host booted: {}", text(message)),
        });
    }
    let at = memchr::memmem::find(message, b"Killed process ")?;
    let process = message[at..]
        .split(|&b| b == b'(')
        .nth(1)
        .and_then(|r| r.split(|&b| b == b')').next())
        .map(text);
    Some(Action {
        kind: ActionKind::OomKill,
        actor: None,
        subject: process,
        text: text(message),
    })
}

/// A syslog line's action, if it records one.
pub fn syslog_action(program: &[u8], message: &[u8]) -> Option<Action> {
    syslog_action_given(word_hits(message), program, message)
}

/// [`syslog_action`] with the message's words already looked for ([`word_hits`]).
pub(crate) fn syslog_action_given(
    hits: WordHits,
    program: &[u8],
    message: &[u8],
) -> Option<Action> {
    let any = || super::catalogue::any_message(hits.change, message);
    match program {
        b"sudo" => sudo(message),
        b"systemd" => systemd(message).or_else(any),
        b"kernel" => kernel(message),
        b"su" => super::catalogue::su(message),
        _ => super::catalogue::by_program(program, message).or_else(any),
    }
}

/// Which kinds of words a message holds, found in one pass of one automaton over it: the
/// error words, and the words a change is announced with. (Two automatons, one after the
/// other, were the largest part of a syslog run.)
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct WordHits {
    /// One of the error words (the prefilter of [`classify_line`]).
    pub error: bool,
    /// One of the change words (the prefilter of `catalogue::any_message`).
    pub change: bool,
}

/// The error words and the change words, lowercased, each in a case-sensitive automaton run
/// over a lowercased copy of the message: the same occurrences as a case-insensitive search,
/// but a case-sensitive one keeps its SIMD prefilter and skips most of a message that holds
/// none (a case-insensitive DFA walked every byte: a third of a syslog run).
struct WordFinders {
    error: aho_corasick::AhoCorasick,
    change: aho_corasick::AhoCorasick,
    /// No word holds a digit: digits may be masked (see [`word_hits`]).
    digit_free: bool,
}

static WORD_FINDERS: std::sync::LazyLock<Option<WordFinders>> = std::sync::LazyLock::new(|| {
    let lowered = |words: &[&[u8]]| -> Vec<Vec<u8>> {
        words.iter().map(|w| w.to_ascii_lowercase()).collect()
    };
    // Leftmost-first: whether any word occurs is the same question under any match kind,
    // and only the leftmost kinds get the packed (Teddy) prefilter.
    let build = |words: Vec<Vec<u8>>| {
        aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostFirst)
            .build(words)
            .ok()
    };
    let changes = super::catalogue::any_message_words();
    let digit_free = ERROR_WORDS
        .iter()
        .chain(&changes)
        .all(|w| !w.iter().any(u8::is_ascii_digit));
    Some(WordFinders {
        error: build(lowered(&ERROR_WORDS))?,
        change: build(lowered(&changes))?,
        digit_free,
    })
});

/// Messages remembered with their hits, by hash: structured logs repeat a handful of fixed
/// messages (`request served`), and most syslog lines are one of a few templates, so a line's
/// words were usually just looked for (numbers masked, so a template with a user id or a port
/// in it repeats too). Only short messages are kept (a slot's buffer is
/// reused); the message itself is compared, so a hash collision is only a miss. Where
/// messages do not repeat (a user id in each), the memo only costs: it then stands aside for a
/// while and tries again.
const MEMO_SLOTS: usize = 256;
const MEMO_LONGEST: usize = 120;
/// Look-ups between judgements of the memo's hit rate.
const MEMO_ROUND: u32 = 4096;
/// Messages searched without the memo after a round where fewer than one in eight hit.
const MEMO_PAUSE: u32 = 1 << 16;

struct Memo {
    /// The lowercased message, reused line after line.
    lowered: Vec<u8>,
    slots: Vec<(Vec<u8>, WordHits)>,
    /// Look-ups and hits of this round; messages left to search without the memo.
    lookups: u32,
    hits: u32,
    paused: u32,
}

impl Memo {
    /// Whether to consult the memo for the next message, judging its hit rate each round.
    fn in_use(&mut self) -> bool {
        if self.paused > 0 {
            self.paused -= 1;
            return false;
        }
        if self.lookups == MEMO_ROUND {
            if self.hits < MEMO_ROUND / 8 {
                self.paused = MEMO_PAUSE;
            }
            (self.lookups, self.hits) = (0, 0);
        }
        self.lookups += 1;
        true
    }
}

thread_local! {
    static MEMO: std::cell::RefCell<Memo> = const {
        std::cell::RefCell::new(Memo {
            lowered: Vec::new(),
            slots: Vec::new(),
            lookups: 0,
            hits: 0,
            paused: 0,
        })
    };
}

/// The kinds of words in a message (see [`WordHits`]).
pub(crate) fn word_hits(message: &[u8]) -> WordHits {
    let Some(finders) = WORD_FINDERS.as_ref() else {
        // No automaton: every check runs, as `prefilter` does then.
        return WordHits {
            error: true,
            change: true,
        };
    };
    MEMO.with_borrow_mut(|memo| {
        let wanted = (1..=MEMO_LONGEST).contains(&message.len()) && memo.in_use();
        let lowered = &mut memo.lowered;
        lowered.clear();
        lowered.extend_from_slice(message);
        lowered.make_ascii_lowercase();
        if finders.digit_free {
            // Every digit as `0`: no word holds a digit, so none starts, ends or lies in a
            // run of them, and the words found are the same; but messages that differ only
            // in their numbers (a user id, a port, a duration) become one for the memo.
            for b in lowered.iter_mut() {
                if b.is_ascii_digit() {
                    *b = b'0';
                }
            }
        }
        let slot = wanted.then(|| {
            let mut h = rustc_hash::FxHasher::default();
            std::hash::Hasher::write(&mut h, lowered);
            std::hash::Hasher::finish(&h) as usize % MEMO_SLOTS
        });
        if let Some(slot) = slot {
            if memo.slots.is_empty() {
                memo.slots = vec![(Vec::new(), WordHits::default()); MEMO_SLOTS];
            }
            let (kept, hits) = &memo.slots[slot];
            if kept == lowered {
                memo.hits += 1;
                return *hits;
            }
        }
        let hits = WordHits {
            error: finders.error.is_match(&lowered[..]),
            change: finders.change.is_match(&lowered[..]),
        };
        if let Some(slot) = slot {
            let (kept, kept_hits) = &mut memo.slots[slot];
            kept.clear();
            kept.extend_from_slice(lowered);
            *kept_hits = hits;
        }
        if lowered.capacity() > 64 << 10 {
            // A rare long line does not keep its buffer.
            *lowered = Vec::new();
        }
        hits
    })
}

/// nginx master signals: `signal process started` (nginx -s), `reconfiguring`,
/// `reopening logs`, `gracefully shutting down`.
pub fn nginx_action(message: &[u8]) -> Option<Action> {
    let kind = if message.starts_with(b"signal process started")
        || message.starts_with(b"reconfiguring")
    {
        ActionKind::Reload
    } else if message.starts_with(b"gracefully shutting down") {
        ActionKind::Stop
    } else if message.starts_with(b"reopening logs") {
        ActionKind::LogRotation
    } else if message.starts_with(b"changing binary")
        || message.starts_with(b"start new binary process")
    {
        ActionKind::Deploy
    } else {
        return None;
    };
    Some(Action {
        kind,
        actor: None,
        subject: Some("nginx".into()),
        text: format!("nginx: {}", text(message)),
    })
}

/// Apache's own restarts: `SIGHUP received.  Attempting to restart`, `caught SIGTERM, shutting
/// down`, `Graceful restart requested, doing restart`.
pub(crate) fn any_apache_action(message: &[u8]) -> Option<Action> {
    let kind = if memchr::memmem::find(message, b"Graceful restart requested").is_some()
        || memchr::memmem::find(message, b"SIGHUP received").is_some()
        || memchr::memmem::find(message, b"SIGUSR1 received").is_some()
    {
        ActionKind::Reload
    } else if memchr::memmem::find(message, b"caught SIGTERM, shutting down").is_some()
        || memchr::memmem::find(message, b"caught SIGWINCH, shutting down gracefully").is_some()
    {
        ActionKind::Stop
    } else {
        return None;
    };
    Some(Action {
        kind,
        actor: None,
        subject: Some("apache".into()),
        text: format!("apache: {}", text(message)),
    })
}

const ERROR_WORDS: [&[u8]; 13] = [
    b"error",
    b"fail",
    b"fatal",
    b"panic",
    b"critical",
    b"exception",
    b"timed out",
    b"timeout",
    b"refused",
    b"unreachable",
    b"segfault",
    b"out of memory",
    b"no space left",
];
/// Phrases that contain an error word but report its absence.
/// Also left out: failed logins. A brute force against sshd is the internet's weather, not a
/// service failing (it stays visible as signatures and in auth.log itself).
const NOT_ERRORS: [&[u8]; 12] = [
    b"0 errors",
    b"no error",
    b"error=false",
    b"errors=0",
    b"error: 0",
    b"without error",
    b"0 failed",
    b"failed password",
    b"invalid user",
    b"authentication failure",
    b"failed publickey",
    b"[preauth]",
];

/// Failed logins: `Failed password for …`, `Invalid user … from …`, `Failed publickey`, PAM's
/// `authentication failure`, and sshd's own `error:` lines (`error: maximum authentication
/// attempts exceeded`). A security signal of their own, never a service error.
pub(crate) fn is_auth_failure(program: &[u8], message: &[u8]) -> bool {
    // Built once: `memmem::find` builds a searcher at every call (profiled: a third of the
    // extra cost of reading failed logins apart).
    static PHRASES: std::sync::LazyLock<[memchr::memmem::Finder<'static>; 8]> =
        std::sync::LazyLock::new(|| {
            [
                &b"Failed password"[..],
                b"Invalid user ",
                b"authentication failure",
                b"Failed publickey",
                b"maximum authentication attempts exceeded",
                // klogind/kshd and the Kerberos KDC.
                b"Authentication failed from ",
                b"Kerberos authentication failed",
                b"PREAUTH_FAILED",
            ]
            .map(memchr::memmem::Finder::new)
        });
    if PHRASES.iter().any(|p| p.find(message).is_some()) {
        return true;
    }
    program.starts_with(b"sshd") && message.starts_with(b"error: ")
}

/// The address a failed login came from: sshd's `… from 203.0.113.7 port 4242`, PAM's
/// `rhost=203.0.113.7`, klogind's `Authentication failed from 203.0.113.7 (…)`.
pub(crate) fn failed_login_address(message: &[u8]) -> Option<&[u8]> {
    let after = match memchr::memmem::find(message, b"rhost=") {
        Some(i) => &message[i + 6..],
        None => &message[memchr::memmem::rfind(message, b" from ")? + 6..],
    };
    let address = after
        .split(|&b| b == b' ' || b == b';' || b == b',')
        .next()?;
    let address = address.strip_suffix(b":").unwrap_or(address);
    let plausible = !address.is_empty()
        && address.len() <= 64
        && address
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b".:-_[]%".contains(b));
    plausible.then_some(address)
}

/// What a syslog line says besides its text: whether it is an error, and whether it is a
/// failed login (never both counted as an outage: failed logins are in `NOT_ERRORS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LineClass {
    /// The line reports a failure.
    pub error: bool,
    /// The line reports a failed login.
    pub failed_login: bool,
}

/// [`is_error_line`] and [`is_auth_failure`] with one prefilter pass over the message: every
/// failed-login phrase holds an error word (`fail`, `error`) except sshd's `Invalid user` and
/// `maximum authentication attempts`, so sshd's lines are the only ones checked without it.
#[cfg(test)]
pub(crate) fn classify_line(severity: Option<u8>, program: &[u8], message: &[u8]) -> LineClass {
    classify_line_given(word_hits(message).error, severity, program, message)
}

/// [`classify_line`] with its prefilter run already (`maybe`: an error word is in the message).
pub(crate) fn classify_line_given(
    maybe: bool,
    severity: Option<u8>,
    program: &[u8],
    message: &[u8],
) -> LineClass {
    LineClass {
        error: match severity {
            Some(severity) => severity <= 3,
            None => maybe && error_words_say_so(message),
        },
        failed_login: (maybe || program.starts_with(b"sshd")) && is_auth_failure(program, message),
    }
}

fn error_words_say_so(message: &[u8]) -> bool {
    ERROR_WORDS.iter().any(|w| has_word(message, w))
        && !NOT_ERRORS.iter().any(|w| has_word(message, w))
}

/// Whether a syslog line counts as an error: by its PRI severity (err or worse) when it has
/// one, else by the error words above minus the phrases that deny them.
pub fn is_error_line(severity: Option<u8>, message: &[u8]) -> bool {
    if let Some(severity) = severity {
        return severity <= 3;
    }
    // One automaton pass rules out most lines before the word-boundary checks.
    word_hits(message).error && error_words_say_so(message)
}

#[cfg(test)]
mod tests;
