//! What a stateful format learns from a file's head before its chunks are read: W3C's
//! `#Fields:` columns, a CSV export's header. The sniffer finds it once; every chunk of the
//! file starts from it, and the format's reader changes it where the file says so again.

use super::{Format, csv_export, w3c};

/// The columns a file's head declares.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum HeadLayout {
    /// A W3C extended log's first `#Fields:` directive.
    W3c(w3c::Columns),
    /// A CSV export's header row.
    Csv(csv_export::Layout),
}

/// The layout a file of `format` declares in `head`, for the formats that have one.
pub fn of_head(format: Format, head: &[u8]) -> Option<HeadLayout> {
    match format {
        Format::W3c => w3c::first_directive(head).map(HeadLayout::W3c),
        Format::CsvExport => csv_export::first_header(head).map(HeadLayout::Csv),
        _ => None,
    }
}
