//! How the sniffer counts the votes of the formats on a file's sampled lines: which lines a
//! format is judged by, and when a format of requests goes before a general one that reads
//! more.

use super::registry;
use super::spec::Format;

/// How many sampled lines judge `format`. Where a format's records continue with any text
/// ([`Format::continues_with_any_text`]), the lines after its first record that no format
/// reads are its records' continuations (an XML body under `[2020-12-10 06:56:41,061] DEBUG
/// Full request text:`, the statement under a slow query log's `# Time:`), not votes against
/// it; the lines before its first record vote.
pub(super) fn voters(format: Format, lines: &[&[u8]]) -> usize {
    let first = match format.continues_with_any_text() {
        true => lines.iter().position(|l| format.accepts(l)),
        false => None,
    };
    let Some(first) = first else {
        return lines.len();
    };
    let read_by_some_format = lines[first..]
        .iter()
        .filter(|l| registry::LINE_FORMATS.iter().any(|spec| (spec.accepts)(l)))
        .count();
    first + read_by_some_format
}

/// A format whose records are requests, reading at least three lines in four, goes before a
/// general reader of messages that reads more (a wrapper that reads its inner line by its own
/// format, Docker or compose, keeps its place): HAProxy writes `Proxy www started.` and health-check notices,
/// which are syslog lines too, and one of them among 600 requests made the file syslog (every
/// request lost); an Envoy log opening with one of Envoy's own lines was read as an app log.
/// The request format's reader takes the other lines as messages (HAProxy) or skips them with
/// a count.
pub(super) fn prefer_requests(scores: &mut [(usize, Format)], lines: usize) {
    let Some(&(_, top)) = scores.first() else {
        return;
    };
    use registry::Meaning;
    if !matches!(
        registry::spec(top).meaning,
        Meaning::Messages | Meaning::ErrorLog
    ) {
        return;
    }
    let requests = scores.iter().position(|&(votes, f)| {
        registry::spec(f).meaning == registry::Meaning::Requests
            && votes > 0
            && votes * 4 >= lines * 3
    });
    if let Some(i) = requests {
        scores[..=i].rotate_right(1);
    }
}
