//! The months a chunk of a year-less log spans, read from its first and last lines only.

use crate::parse::Format;
use crate::read::lines;

fn year_less_month(format: Format, line: &[u8]) -> Option<u32> {
    crate::parse::year_less_civil(format, line).map(|c| c.month)
}

/// The months of the first and last year-less lines of a chunk, read without parsing the
/// lines between: enough to start the next chunk's year tracker in the right year.
pub fn month_span(data: &[u8], format: Format) -> Option<(u32, u32)> {
    let first = lines(data).find_map(|l| year_less_month(format, l))?;
    let body = data.strip_suffix(b"\n").unwrap_or(data);
    let mut end = body.len();
    loop {
        let start = memchr::memrchr(b'\n', &body[..end]).map_or(0, |i| i + 1);
        if let Some(last) = year_less_month(format, &body[start..end]) {
            return Some((first, last));
        }
        if start == 0 {
            return Some((first, first));
        }
        end = start - 1;
    }
}
