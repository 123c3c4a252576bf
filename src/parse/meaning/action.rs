//! The vocabulary of actions and the word matching the action and error rules share: what
//! an action is, and how a line is searched for words. Kept apart from the rules themselves
//! (`notable`, `catalogue`) so that both can use it without importing each other.

use serde::Serialize;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
/// What kind of change or command a line records.
pub enum ActionKind {
    /// A read-only command run through sudo (`grep`, `tail`, `journalctl`, `systemctl
    /// status`…): what was investigated.
    Investigate,
    /// A command run through sudo that matches nothing more specific.
    Command,
    /// A configuration file edited or replaced.
    ConfigChange,
    /// A new version installed or rolled out.
    Deploy,
    /// A rollback to an earlier version.
    Rollback,
    /// A service restarted.
    Restart,
    /// A service reloaded its configuration.
    Reload,
    /// A service started.
    Start,
    /// A service stopped.
    Stop,
    /// A unit that failed, or that systemd restarts on its own.
    ServiceFailed,
    /// systemd carrying out a restart it scheduled itself (`Restart=on-failure`): the
    /// `Stopped`/`Started` lines after a unit's `Scheduled restart job`.
    AutomaticRestart,
    /// The kernel's OOM killer killed a process.
    OomKill,
    /// Someone became another user (`su`): access, not a change.
    SwitchUser,
    /// A replica count changed (Kubernetes `Scaled`).
    Scale,
    /// A feature flag switched on or off, or its rollout changed (LaunchDarkly, Unleash,
    /// Flagsmith, OpenFeature providers, or an application's own words).
    FeatureFlag,
    /// A cluster moved a service or address to another node (keepalived, pacemaker).
    Failover,
    /// Log files reopened (nginx USR1, logrotate): routine.
    LogRotation,
    /// The host booted (`kernel: Linux version …`): it had been down.
    Boot,
}

impl ActionKind {
    /// Whether people did this (as opposed to the system doing it to itself).
    pub(crate) fn is_human(self) -> bool {
        !matches!(
            self,
            ActionKind::ServiceFailed
                | ActionKind::AutomaticRestart
                | ActionKind::OomKill
                | ActionKind::Failover
                | ActionKind::Boot
        )
    }

    /// Whether it could have changed the system (looking, logging in and rotating logs cannot).
    pub(crate) fn is_change(self) -> bool {
        !matches!(
            self,
            ActionKind::Investigate | ActionKind::SwitchUser | ActionKind::LogRotation
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
/// A change or command found in a line.
pub struct Action {
    /// What kind.
    pub kind: ActionKind,
    /// Who did it (the sudo user), when the line says.
    pub actor: Option<String>,
    /// What it was done to: a unit, a file, a process.
    pub subject: Option<String>,
    /// What was done, in words (kept text).
    pub text: String,
}

/// Bytes as text to keep (see `kept_text`).
pub fn text(bytes: &[u8]) -> String {
    crate::parse::common::kept_text(bytes)
}

/// A case-insensitive automaton over some words, built once.
pub type Finder = std::sync::LazyLock<Option<aho_corasick::AhoCorasick>>;

/// A case-insensitive automaton over `words`; `None` if it cannot be built.
pub fn build_finder(words: &[&[u8]]) -> Option<aho_corasick::AhoCorasick> {
    // A DFA: case-insensitive words leave no literal prefilter to skip ahead with, so the
    // automaton walks every byte, and the DFA's walk is the cheapest (perf: the automaton is
    // about half of a syslog run).
    aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .build(words)
        .ok()
}

/// Whether any of the finder's words occurs (true when the finder could not be built, so the
/// precise checks still run).
pub fn prefilter(finder: &Finder, message: &[u8]) -> bool {
    finder.as_ref().is_none_or(|f| f.is_match(message))
}

/// Case-insensitive search for `word` starting a word (no letter or digit before it) and not
/// running into digits after it: `failed` and `ERRORS` match `fail` and `error`, while
/// `Fail2Ban` does not match `fail` and `6360 failed` does not match `0 failed`.
pub fn has_word(haystack: &[u8], word: &[u8]) -> bool {
    if word.is_empty() || haystack.len() < word.len() {
        return false;
    }
    // Jump between occurrences of the first letter (either case) with memchr.
    let (lower, upper) = (word[0].to_ascii_lowercase(), word[0].to_ascii_uppercase());
    let last_start = haystack.len() - word.len();
    let mut from = 0;
    while from <= last_start {
        let Some(found) = memchr::memchr2(lower, upper, &haystack[from..=last_start]) else {
            return false;
        };
        let i = from + found;
        if haystack[i..i + word.len()].eq_ignore_ascii_case(word)
            && (i == 0 || !haystack[i - 1].is_ascii_alphanumeric())
            && haystack
                .get(i + word.len())
                .is_none_or(|b| !b.is_ascii_digit())
        {
            return true;
        }
        from = i + 1;
    }
    false
}
