//! Actions written by programs other than sudo, systemd and the kernel: `su`, deploy and
//! rollback markers with a version, Kubernetes events, keepalived and pacemaker failovers.
//! Each rule is matched against the shape the program really writes; the tests quote one.

use super::action::{Action, ActionKind, has_word, text};

fn action(
    kind: ActionKind,
    actor: Option<String>,
    subject: Option<String>,
    message: &[u8],
) -> Option<Action> {
    Some(Action {
        kind,
        actor,
        subject,
        text: text(message),
    })
}

/// `(to root) alice on pts/0` (util-linux su) or `Successful su for root by alice` (shadow).
pub fn su(message: &[u8]) -> Option<Action> {
    let words: Vec<&[u8]> = message
        .split(|&b| b == b' ')
        .filter(|w| !w.is_empty())
        .collect();
    let (actor, target) = match words.as_slice() {
        [to, target, actor, b"on", ..] if *to == b"(to" => (*actor, target.strip_suffix(b")")?),
        [b"Successful", b"su", b"for", target, b"by", actor, ..] => (*actor, *target),
        _ => return None,
    };
    action(
        ActionKind::SwitchUser,
        Some(text(actor)),
        Some(text(target)),
        message,
    )
}

/// A token that looks like a version or a commit: `v1.2.3`, `1.4`, `2023.09.10-1`, `3f9c2ab`.
fn version_in(message: &[u8]) -> Option<&[u8]> {
    message
        .split(|&b| b == b' ' || b == b'=' || b == b',' || b == b'"' || b == b'\'')
        .map(|w| w.strip_suffix(b".").unwrap_or(w))
        .find(|w| {
            let core = w.strip_prefix(b"v").unwrap_or(w);
            let dotted = core.first().is_some_and(u8::is_ascii_digit)
                && core.contains(&b'.')
                && core
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || b".-+_".contains(b));
            let commit = w.len() >= 7
                && w.len() <= 40
                && w.iter().all(u8::is_ascii_hexdigit)
                && w.iter().any(u8::is_ascii_digit)
                && w.iter().any(|b| b.is_ascii_alphabetic());
            dotted || commit
        })
}

const ROLLBACK_MARKERS: [&[u8]; 6] = [
    b"rollback",
    b"rolled back",
    b"rolling back",
    b"roll back",
    b"reverted to",
    b"rollout undo",
];
/// Changes that name what they change without a version: the release or the deployment.
/// `helm upgrade shop ./chart`, Helm's `Release "shop" has been upgraded`, `kubectl set
/// image deployment/shop …`, Argo CD's `sync operation to 3f9c2ab…` (has a version anyway).
const VERSIONLESS_DEPLOY_MARKERS: [&[u8]; 4] = [
    b"helm upgrade",
    b"has been upgraded",
    b"set image",
    b"kubectl apply",
];
const DEPLOY_MARKERS: [&[u8]; 6] = [
    b"deploying",
    b"deployed",
    b"deployment of",
    b"released",
    b"releasing",
    b"upgraded to",
];

/// The words without which no message announces a change ([`any_message`]'s prefilter):
/// deploy and rollback markers, Kubernetes event reasons.
pub(crate) fn any_message_words() -> Vec<&'static [u8]> {
    let mut words: Vec<&[u8]> = vec![
        b"scaled ",
        b"crashloopbackoff",
        b"back-off",
        b"killing",
        b"oomkilling",
        b"successfulrescale",
        b"flag",
        b"toggle",
    ];
    words.extend(ROLLBACK_MARKERS);
    words.extend(DEPLOY_MARKERS);
    words.extend(VERSIONLESS_DEPLOY_MARKERS);
    words
}

/// The change a free-text message announces (`kubectl rollout undo`, `helm upgrade`, Helm's
/// "has been upgraded"…), if any. `may_announce` is the prefilter, run by the caller in the
/// pass that also looks for error words (`notable::word_hits`): one of
/// [`any_message_words`] is in the message.
pub(crate) fn any_message(may_announce: bool, message: &[u8]) -> Option<Action> {
    if !may_announce {
        return None;
    }
    if let Some(rest) = find_after(message, b"Scaled ") {
        let scaled = rest.starts_with(b"up replica set") || rest.starts_with(b"down replica set");
        if scaled {
            return action(ActionKind::Scale, None, None, message);
        }
    }
    // Kubernetes event reasons, as `kubectl get events` lines start (`OOMKilling node/x: …`).
    if has_word(message, b"SuccessfulRescale") {
        return action(ActionKind::Scale, None, None, message);
    }
    if has_word(message, b"OOMKilling") {
        return action(ActionKind::OomKill, None, None, message);
    }
    if has_word(message, b"CrashLoopBackOff")
        || has_word(message, b"Back-off restarting failed container")
    {
        return action(ActionKind::ServiceFailed, None, None, message);
    }
    // The kubelet restarting a container whose probe failed: the cluster's own doing.
    if memchr::memmem::find(message, b"probe, will be restarted").is_some() {
        return action(ActionKind::AutomaticRestart, None, None, message);
    }
    if has_word(message, b"Killing") && has_word(message, b"container") {
        return action(ActionKind::Stop, None, None, message);
    }
    if let Some(flag) = feature_flag(message) {
        return Some(flag);
    }
    if ROLLBACK_MARKERS.iter().any(|m| has_word(message, m)) {
        return action(
            ActionKind::Rollback,
            None,
            version_in(message).map(text),
            message,
        );
    }
    if DEPLOY_MARKERS.iter().any(|m| has_word(message, m))
        && let Some(version) = version_in(message)
    {
        return action(ActionKind::Deploy, None, Some(text(version)), message);
    }
    if VERSIONLESS_DEPLOY_MARKERS
        .iter()
        .any(|m| has_word(message, m))
    {
        let subject = version_in(message).map(text);
        return action(ActionKind::Deploy, None, subject, message);
    }
    None
}

/// What a feature flag's change is said with: switched on or off, a rollout or its share.
const FLAG_VERBS: [&[u8]; 13] = [
    b"enabled",
    b"disabled",
    b"turned on",
    b"turned off",
    b"switched on",
    b"switched off",
    b"toggled",
    b"flipped",
    b"rolled out",
    b"rollout",
    b"percentage",
    b"targeting",
    b"% of",
];

/// `flag checkout.new_pricing enabled by alice`, `Feature flag 'new-checkout' turned off`,
/// LaunchDarkly's `Alice turned on the flag new-pricing in Production`, Unleash's
/// `feature-toggle-updated`: a flag (or toggle) named, and a verb that changes it.
fn feature_flag(message: &[u8]) -> Option<Action> {
    use crate::parse::common::contains_ignore_case;
    let named = has_word(message, b"flag") || has_word(message, b"toggle");
    let changed = FLAG_VERBS.iter().any(|v| contains_ignore_case(message, v))
        || contains_ignore_case(message, b"toggle-updated")
        || contains_ignore_case(message, b"flag-updated");
    if !(named && changed) {
        return None;
    }
    // The flag's name: the word after `flag`/`toggle` (`the flag X`, `flag 'X'`, `flag: X`).
    let lower = message.to_ascii_lowercase();
    let at = ["flag ", "toggle ", "flag: ", "toggle: "]
        .iter()
        .filter_map(|w| memchr::memmem::find(&lower, w.as_bytes()).map(|i| i + w.len()))
        .min();
    let subject = at.and_then(|i| {
        message[i..]
            .split(|&b| b == b' ' || b == b',')
            .map(without_quotes)
            .find(|w| !w.is_empty() && *w != b"the" && *w != b"is")
            .map(text)
    });
    action(ActionKind::FeatureFlag, None, subject, message)
}

/// A word without the quotes and colons around it.
fn without_quotes(word: &[u8]) -> &[u8] {
    let quote = |b: &u8| b"'\"`:".contains(b);
    let start = word.iter().position(|b| !quote(b)).unwrap_or(word.len());
    let end = word
        .iter()
        .rposition(|b| !quote(b))
        .map_or(start, |e| e + 1);
    &word[start..end.max(start)]
}

fn find_after<'a>(haystack: &'a [u8], needle: &[u8]) -> Option<&'a [u8]> {
    memchr::memmem::find(haystack, needle).map(|i| &haystack[i + needle.len()..])
}

/// Programs with their own wording: keepalived and pacemaker.
pub(crate) fn by_program(program: &[u8], message: &[u8]) -> Option<Action> {
    // Compared without a lower-cased copy: this runs for every syslog line.
    let starts = |prefix: &[u8]| {
        program.len() >= prefix.len() && program[..prefix.len()].eq_ignore_ascii_case(prefix)
    };
    if starts(b"keepalived") {
        // `(VI_1) Entering MASTER STATE`
        let state = find_after(message, b"Entering ")?;
        let state = state.split(|&b| b == b' ').next()?;
        let instance = message
            .strip_prefix(b"(")
            .and_then(|m| m.split(|&b| b == b')').next());
        let subject = format!(
            "{} → {}",
            instance.map(text).unwrap_or_default(),
            text(state)
        );
        return action(ActionKind::Failover, None, Some(subject), message);
    }
    let is = |name: &[u8]| program.eq_ignore_ascii_case(name);
    if starts(b"pacemaker") || is(b"crmd") || is(b"pengine") {
        // `notice: Initiating start operation nginx_start_0 on node2`, `* Move vip ( node1 -> node2 )`
        let moved = find_after(message, b"* Move ").or_else(|| find_after(message, b"* Recover "));
        let initiating = find_after(message, b"Initiating start operation ")
            .or_else(|| find_after(message, b"Initiating stop operation "));
        let subject = moved.or(initiating)?.split(|&b| b == b' ').next().map(text);
        return action(ActionKind::Failover, None, subject, message);
    }
    None
}

#[cfg(test)]
mod tests;
