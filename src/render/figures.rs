//! How each kind of figure is written: one function per kind, used by every output (Markdown,
//! HTML cards and chart, sparkline, terminal), so a number never reads two ways in one report.

pub use crate::name::pct;

/// Two ratios as percentages with as many decimals as it takes to tell them apart (up to
/// four), so that "rose" never stands beside two equal figures.
pub(crate) fn distinct_pcts(before: f64, after: f64) -> (String, String) {
    let (a, b) = (pct(before), pct(after));
    if a != b || before == after {
        return (a, b);
    }
    for decimals in 2..=4 {
        let (a, b) = (
            format!("{:.*}%", decimals, before * 100.0),
            format!("{:.*}%", decimals, after * 100.0),
        );
        if a != b {
            return (a, b);
        }
    }
    (a, b)
}

/// A request time: `91 ms`, `3.94 s`.
pub fn ms(value: f64) -> String {
    if value >= 1000.0 {
        format!("{:.2} s", value / 1000.0)
    } else {
        format!("{value:.0} ms")
    }
}

/// A length of time: `30 s`, `2 min 42 s`, `3 h 15 min`, `24 d 6 h`.
pub fn duration(seconds: i64) -> String {
    crate::time::duration_text(seconds)
}

/// `637 of 6165`: a part of a whole, as the summary writes it.
pub fn part_of(part: u64, whole: u64) -> String {
    format!("{part} of {whole}")
}

/// A command that only looked (grep, tail, journalctl): investigation, not an action.
pub(crate) fn is_investigation(item: &crate::timeline::TimelineItem) -> bool {
    item.kind == crate::timeline::ItemKind::Investigation
}

/// An event's effect on the error rate: `fell (19.3% → 4.0%)`; empty for investigation.
pub(crate) fn effect_text(item: &crate::timeline::TimelineItem) -> String {
    // Looking changes nothing: no effect to show.
    if is_investigation(item) {
        return String::new();
    }
    match item.effect {
        Some(e) => {
            let verdict = match e.verdict {
                crate::detect::effect::Direction::Fell => "fell",
                crate::detect::effect::Direction::Rose => "rose",
                crate::detect::effect::Direction::NoChange => "no change",
                crate::detect::effect::Direction::Unknown => "too little traffic to tell",
            };
            let (before, after) = distinct_pcts(e.before_ratio, e.after_ratio);
            format!("{verdict} ({before} → {after})")
        }
        None => String::new(),
    }
}

/// The kind an event is shown as: its JSON kind, in every output.
pub fn kind_text(item: &crate::timeline::TimelineItem) -> String {
    crate::name::serde_name(&item.kind)
}

/// Clients' requests refused or held back, in words, with who sent most: "2400 held back by a
/// rate limit, 12 refused (not found, forbidden, too large); most from `198.51.100.77`
/// (2400)". Names are written with `name` (a code span in Markdown).
pub(crate) fn client_side_text(
    c: &crate::timeline::ClientSideCounts,
    name: impl Fn(&str) -> String,
) -> String {
    let mut parts = Vec::new();
    if c.limited > 0 {
        parts.push(format!("{} held back by a rate limit", c.limited));
    }
    if c.refused > 0 {
        parts.push(format!(
            "{} refused for the client's sake (not found, forbidden, too large)",
            c.refused
        ));
    }
    let mut text = parts.join(", ");
    if !c.top_clients.is_empty() {
        let clients: Vec<String> = c
            .top_clients
            .iter()
            .map(|k| format!("{} ({})", name(&k.key), k.failed))
            .collect();
        text.push_str(&format!("; most from {}", clients.join(", ")));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_as_the_draft_writes_them() {
        assert_eq!(pct(0.345), "34.5%");
        assert_eq!(pct(0.0008), "0.08%");
        assert_eq!(pct(0.0), "0.0%");
        assert_eq!(ms(91.2), "91 ms");
        assert_eq!(ms(3940.0), "3.94 s");
        assert_eq!(duration(195 * 60), "3 h 15 min");
        assert_eq!(duration(162), "2 min 42 s");
        assert_eq!(duration(30), "30 s");
    }
}
