//! The months a chunk of a year-less log spans, read from its first and last lines only.

use crate::parse::Format;
use crate::read::lines;

fn year_less_month(format: Format, line: &[u8]) -> Option<u32> {
    crate::parse::year_less_civil(format, line).map(|c| c.month)
}

/// Lines looked at from each end of a chunk for two that agree on their month.
const LOOK: usize = 64;

/// The first of `months` that the next one agrees with, and `true` (one stray line at a
/// chunk's edge, `Dec 25` among `Sep 10` lines, must not start the next chunk in another
/// year); else the first, and `false`.
fn settled(months: impl Iterator<Item = u32>) -> Option<(u32, bool)> {
    let mut first = None;
    let mut previous = None;
    for month in months.take(LOOK) {
        first.get_or_insert(month);
        if previous == Some(month) {
            return Some((month, true));
        }
        previous = Some(month);
    }
    first.map(|m| (m, false))
}

/// The months a chunk spans, read from its ends without parsing the lines between: enough to
/// start the next chunk's year tracker in the right year (see
/// [`crate::time::year::YearTracker::skip_over`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthSpan {
    /// The month of its first lines.
    pub first: u32,
    /// The month of its last lines.
    pub last: u32,
    /// Two lines at the end agree on `last`; else it is one line's word only.
    pub last_settled: bool,
}

/// The months of the first and last year-less lines of a chunk.
pub fn month_span(data: &[u8], format: Format) -> Option<MonthSpan> {
    let (first, _) = settled(lines(data).filter_map(|l| year_less_month(format, l)))?;
    let body = data.strip_suffix(b"\n").unwrap_or(data);
    let mut end = Some(body.len());
    let backwards = std::iter::from_fn(|| {
        let stop = end?;
        let start = memchr::memrchr(b'\n', &body[..stop]).map_or(0, |i| i + 1);
        end = start.checked_sub(1);
        Some(&body[start..stop])
    });
    let (last, last_settled) =
        settled(backwards.filter_map(|l| year_less_month(format, l))).unwrap_or((first, false));
    Some(MonthSpan {
        first,
        last,
        last_settled,
    })
}
