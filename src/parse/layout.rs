//! What a stateful format learns from a file's lines before a given line: W3C's directives
//! (`#Fields:`, `#Date:`, `#GMT-Offset:`), a CSV export's header. The sniffer finds it in the
//! file's head; where chunks are cut (one after another, in file order) it is followed
//! through each chunk, so every chunk starts from the state the lines before it left, as the
//! file read in one piece would; a byte range of a file starts from the state at its start.

use super::spec::Format;
use super::{csv_export, w3c};

/// The state a file's lines before some point leave.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) enum HeadLayout {
    /// A W3C extended log's directives.
    W3c(w3c::Reader),
    /// A CSV export's header row.
    Csv(csv_export::Layout),
}

/// The layout a file of `format` declares in `head`, for the formats that have one.
pub(crate) fn of_head(format: Format, head: &[u8]) -> Option<HeadLayout> {
    match format {
        Format::W3c => w3c::Reader::of_head(head).map(HeadLayout::W3c),
        Format::CsvExport => csv_export::first_header(head).map(HeadLayout::Csv),
        _ => None,
    }
}

impl HeadLayout {
    /// The layout after `text` (whole lines) when they change it; `None` when they do not.
    pub fn after(&self, text: &[u8]) -> Option<HeadLayout> {
        match self {
            HeadLayout::W3c(reader) => {
                let mut next = reader.clone();
                (next.follow(text) && next != *reader).then_some(HeadLayout::W3c(next))
            }
            HeadLayout::Csv(layout) => csv_export::last_header(text)
                .filter(|last| last != layout)
                .map(HeadLayout::Csv),
        }
    }
}

/// A directive or a header row is never longer than this.
const MAX_LAYOUT_LINE: usize = 64 << 10;

/// The layout at byte `start` of a plain file whose head declared `head`: the file's lines
/// before `start` followed in blocks (a byte range of a plan starts there).
pub(crate) fn at_offset(
    path: &std::path::Path,
    start: u64,
    head: &HeadLayout,
) -> std::io::Result<HeadLayout> {
    use std::io::Read;
    const BLOCK: usize = 4 << 20;
    let mut file = std::fs::File::open(path)?.take(start);
    let mut layout = head.clone();
    let mut block = Vec::with_capacity(BLOCK);
    let mut carried = Vec::new();
    // Within a line too long to be a directive or a header: its rest is passed over.
    let mut passing = false;
    loop {
        block.clear();
        block.extend_from_slice(&carried);
        carried.clear();
        let read = (&mut file).take(BLOCK as u64).read_to_end(&mut block)?;
        let from = match passing {
            true => match memchr::memchr(b'\n', &block) {
                Some(nl) => nl + 1,
                None => block.len(),
            },
            false => 0,
        };
        passing = passing && from == block.len();
        // Whole lines only: the piece after the last newline waits for the next block.
        let whole = match read {
            0 => block.len(),
            _ => memchr::memrchr(b'\n', &block).map_or(from, |nl| (nl + 1).max(from)),
        };
        if block.len() - whole > MAX_LAYOUT_LINE {
            passing = true;
        } else {
            carried.extend_from_slice(&block[whole..]);
        }
        if let Some(next) = layout.after(&block[from..whole]) {
            layout = next;
        }
        if read == 0 {
            return Ok(layout);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csv_header_met_again_changes_the_layout_and_rows_do_not() {
        let head = of_head(Format::CsvExport, b"time,message\n2023-09-10T08:00:00Z,a\n")
            .expect("a header");
        assert_eq!(head.after(b"2023-09-10T08:00:01Z,b\n"), None);
        assert_eq!(head.after(b"time,message\n"), None, "the same header");
        let next = head
            .after(b"2023-09-10T08:00:01Z,b\n\"_time\",\"host\",\"_raw\"\r\n\"2023-09-10\",h,x\n")
            .expect("a new header");
        assert!(matches!(&next, HeadLayout::Csv(l) if l.describe().contains("`_raw`")));
    }

    #[test]
    fn the_layout_at_an_offset_follows_the_lines_before_it_past_a_huge_line() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("u_ex.log");
        let mut text = b"#Fields: date time c-ip cs-method cs-uri-stem sc-status\n".to_vec();
        // A line longer than any directive, then a `#Fields:` after it and one inside it.
        text.extend(std::iter::repeat_n(b'x', 9 << 20));
        text.extend_from_slice(
            b"#Fields: date time\n#Fields: time c-ip cs-method cs-uri-stem sc-status\n",
        );
        let start = text.len() as u64;
        text.extend_from_slice(b"08:00:00 10.0.0.1 GET / 200\n");
        std::fs::write(&path, &text).expect("written");
        let head = of_head(Format::W3c, &text[..4096]).expect("directives");
        let at = at_offset(&path, start, &head).expect("read");
        let mut expected = w3c::Reader::default();
        expected.follow(b"#Fields: time c-ip cs-method cs-uri-stem sc-status\n");
        assert_eq!(at, HeadLayout::W3c(expected));
        assert_eq!(at_offset(&path, 0, &head).expect("read"), head);
    }
}
