//! Failed logins during an outage that is not about logins: the classic false trail. An
//! on-call who sees `Failed password` scroll past while requests fail goes after the attacker
//! (iptables, fail2ban) while the real cause waits. When such a burst falls in an incident of
//! errors, latency or lost traffic, the draft shows it beside the misleading paths, with the
//! line it starts at, and says which of the team's steps named its address.

use super::model::{ItemKind, KeyCount, TimelineItem};
use super::parts::item;
use crate::aggregate::LineRef;
use crate::pipeline::Analysis;
use crate::time::Micros;

/// Fewer tries than this in an incident are background, not a trail anyone followed.
const LEAST_TRIES: u64 = 10;
/// The rate during the incident that makes the burst its own: this many times the rate
/// outside it.
const RATE_FACTOR: f64 = 3.0;

/// A burst of failed logins during an incident that is not a security one.
pub(crate) struct LoginBurst {
    /// The addresses most tries came from.
    pub top_sources: Vec<KeyCount>,
    /// The evidence row: the first failed login in the incident, with the figures.
    pub row: TimelineItem,
}

/// Tries per bin of every file, `auth_failures` and their repeats, in `[from, to]`.
fn tries(analysis: &Analysis, from: i64, to: i64) -> (u64, Option<(Micros, LineRef)>) {
    let mut total = 0;
    let mut first: Option<(Micros, LineRef)> = None;
    for f in &analysis.files {
        let s = &f.summary;
        total += s
            .auth_failures
            .range(from..=to)
            .map(|(_, n)| n)
            .sum::<u64>();
        total += s.auth_repeats.range(from..=to).map(|(_, n)| n).sum::<u64>();
        if let Some((_, sample)) = s.auth_samples.range(from..=to).next() {
            let at = (sample.time, sample.source);
            first = Some(first.map_or(at, |f| f.min(at)));
        }
    }
    (total, first)
}

/// The burst in bins `[start_bin, last_bin]`, if it stands out: at least [`LEAST_TRIES`], and
/// either [`RATE_FACTOR`] times the rate outside the incident or an address a step of the
/// team names (`iptables -s 192.0.2.0/24`, `fail2ban-client … banip 192.0.2.23`).
pub fn during(
    analysis: &Analysis,
    (start_bin, last_bin): (i64, i64),
    (first_bin, final_bin): (i64, i64),
    steps: &[TimelineItem],
) -> Option<LoginBurst> {
    let (inside, first) = tries(analysis, start_bin, last_bin);
    if inside < LEAST_TRIES {
        return None;
    }
    let (all, _) = tries(analysis, first_bin, final_bin);
    let bins_in = (last_bin - start_bin + 1).max(1) as f64;
    let bins_out = ((final_bin - first_bin + 1) as f64 - bins_in).max(1.0);
    let rate_out = all.saturating_sub(inside) as f64 / bins_out;
    let top_sources = super::evidence::top_login_sources(analysis, start_bin, last_bin);
    let naming: Vec<&TimelineItem> = steps
        .iter()
        .filter(|s| s.kind == ItemKind::Action)
        .filter(|s| top_sources.iter().any(|a| names(&s.text, &a.key)))
        .collect();
    if naming.is_empty() && (inside as f64 / bins_in) < RATE_FACTOR * rate_out.max(1.0 / bins_in) {
        return None;
    }
    let (time, source) = first?;
    let most = match top_sources.first() {
        Some(a) if a.failed == inside => format!(", all from {}", a.key),
        Some(a) => format!(", {} from {}", a.failed, a.key),
        None => String::new(),
    };
    let mut text = format!(
        "{inside} failed logins during the incident{most} (the first cited): counted apart, never errors"
    );
    if let (Some(address), n @ 1..) = (top_sources.first(), naming.len()) {
        let steps = crate::name::count(n, "step", "steps");
        text.push_str(&format!("; {steps} of the team named {}", address.key));
    }
    Some(LoginBurst {
        top_sources,
        row: item(analysis, time, ItemKind::Evidence, text, source),
    })
}

/// Whether a command names the address or its /24 (`192.0.2.0/24` names `192.0.2.23`).
fn names(command: &str, address: &str) -> bool {
    if command.contains(address) {
        return true;
    }
    match address.rsplit_once('.') {
        Some((net, _)) if address.parse::<std::net::Ipv4Addr>().is_ok() => {
            command.contains(&format!("{net}.0/"))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::names;

    #[test]
    fn a_command_names_an_address_or_its_network() {
        assert!(names(
            "iptables -I INPUT -s 192.0.2.0/24 -j DROP",
            "192.0.2.23"
        ));
        assert!(names(
            "fail2ban-client set sshd banip 192.0.2.23",
            "192.0.2.23"
        ));
        assert!(!names("systemctl restart authd", "192.0.2.23"));
        assert!(!names("iptables -s 192.0.3.0/24", "192.0.2.23"));
    }
}
