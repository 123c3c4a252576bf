//! Zones written by their abbreviation (`PDT`, `CEST`), as PostgreSQL's `%m` and `date(1)`
//! print them. An abbreviation is not a zone: the common ones are read as their offsets, the
//! rest left zone-less and placed like every zone-less line.

/// Zone abbreviations as offsets in seconds. Ambiguous ones (`IST`, `CST`
/// in China) are read as their most common meaning in server logs.
const ABBREVIATIONS: [(&[u8], i32); 28] = [
    (b"UTC", 0),
    (b"GMT", 0),
    (b"WET", 0),
    (b"WEST", 3600),
    (b"BST", 3600),
    (b"CET", 3600),
    (b"CEST", 7200),
    (b"EET", 7200),
    (b"EEST", 10800),
    (b"MSK", 10800),
    (b"IST", 19800),
    (b"SGT", 28800),
    (b"HKT", 28800),
    (b"AWST", 28800),
    (b"JST", 32400),
    (b"KST", 32400),
    (b"AEST", 36000),
    (b"AEDT", 39600),
    (b"NZST", 43200),
    (b"NZDT", 46800),
    (b"EST", -18000),
    (b"EDT", -14400),
    (b"CST", -21600),
    (b"CDT", -18000),
    (b"MST", -25200),
    (b"MDT", -21600),
    (b"PST", -28800),
    (b"PDT", -25200),
];

/// The offset east of UTC, in seconds, of a zone written by its abbreviation (`PDT`).
pub fn offset(word: &[u8]) -> Option<i32> {
    ABBREVIATIONS
        .iter()
        .find(|(name, _)| *name == word)
        .map(|&(_, offset)| offset)
}
