//! What the user asked for that had no effect, said as a warning rather than silently ignored.

use super::sniff::Sniff;
use crate::config::Config;

/// A rule whose glob matches no file found is most likely a typo or a path written from the
/// wrong folder: say so, rather than silently detect and place the files it was meant for.
pub(super) fn unused_rules(
    config: &Config,
    logs: &[Sniff],
    passed_over: &[crate::discover::Passed],
) -> Vec<String> {
    config
        .rules
        .iter()
        .filter(|rule| {
            !logs
                .iter()
                .any(|s| rule.matches(&s.candidate.display, &s.candidate.path))
                && !passed_over
                    .iter()
                    .any(|p| rule.matches(&p.display, std::path::Path::new(&p.display)))
        })
        .map(|rule| {
            let how = match rule.pattern.contains('/') {
                true => "a glob with / matches the path as shown, relative to the folder given",
                false => "a glob without / matches the file name",
            };
            format!(
                "{} '{}' matches no file ({how}); it had no effect",
                rule.origin, rule.pattern
            )
        })
        .collect()
}
