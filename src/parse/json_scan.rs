//! One JSON object on a line, checked and walked in a single pass without building anything:
//! each top-level field is handed over as its key and its value's bytes. JSON log lines are
//! read by a few of their fields; a general deserializer spent most of a JSON run building the
//! rest.
//!
//! The scan is at least as strict as `serde_json`: whatever it accepts, `serde_json` accepts
//! (and reads to the same values). It declines what it does not take on itself — a key with an
//! escape, nesting deeper than 64 — and the caller then asks the general parser, so the two
//! never disagree on a line (`tests/conformance.rs` holds them to that).

use super::common::{HIGHS, ONES, zero_bytes};

/// A top-level value, as written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Raw<'a> {
    /// A string without escapes: its body.
    Str(&'a str),
    /// A string with escapes, quotes included: decoded only when read.
    Escaped(&'a [u8]),
    /// A number, as written (valid JSON number syntax).
    Number(&'a [u8]),
    /// `{…}`: its text, braces included (one object, checked: [`fields`] reads it).
    Object(&'a str),
    /// `[…]`: its text, brackets included.
    Array(&'a str),
    /// `true`, `false` or `null`.
    Literal,
}

/// The containers open at once beyond which the scan declines (one bit each in a `u64`).
const MAX_DEPTH: u32 = 64;

/// Calls `field` with each top-level field of the object on `line`, in order; `None` when the
/// line is not one object the scan reads, or when `field` says to stop.
pub fn fields<'a>(
    line: &'a [u8],
    mut field: impl FnMut(&'a [u8], Raw<'a>) -> Option<()>,
) -> Option<()> {
    // Once for the line: JSON allows bytes over 0x7F only inside strings, where they must be
    // UTF-8, so a line that is not UTF-8 is not JSON.
    let text = std::str::from_utf8(line).ok()?;
    let specials = &mut Specials::new(line);
    let mut at = skip_space(line, 0);
    if line.get(at) != Some(&b'{') {
        return None;
    }
    at = skip_space(line, at + 1);
    if line.get(at) == Some(&b'}') {
        return (skip_space(line, at + 1) == line.len()).then_some(());
    }
    loop {
        if line.get(at) != Some(&b'"') {
            return None;
        }
        let (end, escaped) = string_end(specials, at + 1)?;
        if escaped {
            return None;
        }
        let key = &line[at + 1..end];
        at = skip_space(line, end + 1);
        if line.get(at) != Some(&b':') {
            return None;
        }
        at = skip_space(line, at + 1);
        let (raw, next) = value(text, specials, at)?;
        field(key, raw)?;
        at = skip_space(line, next);
        match line.get(at) {
            Some(b',') => at = skip_space(line, at + 1),
            Some(b'}') => return (skip_space(line, at + 1) == line.len()).then_some(()),
            _ => return None,
        }
    }
}

/// JSON's four whitespace bytes, as `serde_json` reads them.
fn skip_space(line: &[u8], mut at: usize) -> usize {
    while let Some(b' ' | b'\n' | b'\t' | b'\r') = line.get(at) {
        at += 1;
    }
    at
}

/// Marks the bytes of `word` below 0x20 (control bytes, which a JSON string may not hold).
fn control_bytes(word: u64) -> u64 {
    !(((word & !HIGHS) + ONES * (0x80 - 0x20)) | word) & HIGHS
}

/// The quotes, backslashes and control bytes of a line as bits, one 64-byte block at a time,
/// found with word-wide arithmetic: a string's end is then a bit search, where a byte loop
/// mispredicted on every short string.
struct Specials<'a> {
    line: &'a [u8],
    /// Whether the line has a control byte anywhere (most have none; then only quotes and
    /// backslashes need marking).
    controls: bool,
    /// The block `mask` describes (`usize::MAX`: none yet).
    block: usize,
    mask: u64,
}

impl<'a> Specials<'a> {
    fn new(line: &'a [u8]) -> Specials<'a> {
        Specials {
            line,
            controls: line.iter().fold(false, |any, &b| any | (b < 0x20)),
            block: usize::MAX,
            mask: 0,
        }
    }

    /// The first special byte at or after `at`.
    fn next(&mut self, mut at: usize) -> Option<usize> {
        while at < self.line.len() {
            let block = at / 64;
            if block != self.block {
                self.mask = block_mask(self.line, block * 64, self.controls);
                self.block = block;
            }
            let bits = self.mask >> (at % 64);
            if bits != 0 {
                return Some(at + bits.trailing_zeros() as usize);
            }
            at = (block + 1) * 64;
        }
        None
    }
}

/// Bit `i` set when byte `start + i` is a quote, a backslash or (with `controls`) a control
/// byte.
fn block_mask(line: &[u8], start: usize, controls: bool) -> u64 {
    let mut mask = 0;
    for w in 0..8 {
        let from = start + w * 8;
        let word = match line.get(from..from + 8) {
            Some(chunk) => u64::from_le_bytes(chunk.try_into().unwrap_or([b' '; 8])),
            None if from < line.len() => {
                // The tail, padded with spaces (never special).
                let mut padded = [b' '; 8];
                padded[..line.len() - from].copy_from_slice(&line[from..]);
                u64::from_le_bytes(padded)
            }
            None => break,
        };
        let mut special = zero_bytes(word ^ (ONES * u64::from(b'"')))
            | zero_bytes(word ^ (ONES * u64::from(b'\\')));
        if controls {
            special |= control_bytes(word);
        }
        // The high bit of each byte, gathered into one byte (the products never overlap).
        let bits = (special >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56;
        mask |= bits << (w * 8);
    }
    mask
}

/// From just past an opening quote: the closing quote's index, and whether the string has an
/// escape. `None` on a control byte, a bad escape or no end. (UTF-8 was checked for the
/// whole line.)
fn string_end(specials: &mut Specials<'_>, mut at: usize) -> Option<(usize, bool)> {
    let mut escaped = false;
    loop {
        at = specials.next(at)?;
        match specials.line[at] {
            b'"' => return Some((at, escaped)),
            b'\\' => {
                escaped = true;
                at += escape_len(&specials.line[at + 1..])? + 1;
            }
            _ => return None,
        }
    }
}

/// The bytes after a backslash that an escape takes: `n`, or `u` and four hex digits.
fn escape_len(rest: &[u8]) -> Option<usize> {
    match rest.first()? {
        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => Some(1),
        b'u' => {
            let hex = rest.get(1..5)?;
            hex.iter().all(u8::is_ascii_hexdigit).then_some(5)
        }
        _ => None,
    }
}

/// A number's end: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
fn number_end(line: &[u8], mut at: usize) -> Option<usize> {
    let digits = |line: &[u8], from: usize| {
        let n = line[from..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        (n > 0).then_some(from + n)
    };
    if line.get(at) == Some(&b'-') {
        at += 1;
    }
    at = match line.get(at)? {
        b'0' => at + 1,
        b'1'..=b'9' => digits(line, at)?,
        _ => return None,
    };
    if line.get(at) == Some(&b'.') {
        at = digits(line, at + 1)?;
    }
    if let Some(b'e' | b'E') = line.get(at) {
        at += 1;
        if let Some(b'+' | b'-') = line.get(at) {
            at += 1;
        }
        at = digits(line, at)?;
    }
    // `01` or `1x`: what follows a number must end it.
    match line.get(at) {
        Some(b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-') => None,
        _ => Some(at),
    }
}

/// The value at `at` and the index after it.
fn value<'a>(text: &'a str, specials: &mut Specials<'_>, at: usize) -> Option<(Raw<'a>, usize)> {
    let line = text.as_bytes();
    match *line.get(at)? {
        b'"' => {
            let (end, escaped) = string_end(specials, at + 1)?;
            let raw = match escaped {
                false => Raw::Str(text.get(at + 1..end)?),
                true => Raw::Escaped(&line[at..=end]),
            };
            Some((raw, end + 1))
        }
        b'-' | b'0'..=b'9' => {
            let end = number_end(line, at)?;
            Some((Raw::Number(&line[at..end]), end))
        }
        b't' => literal(line, at, b"true"),
        b'f' => literal(line, at, b"false"),
        b'n' => literal(line, at, b"null"),
        b'{' => {
            let end = container_end(text, specials, at)?;
            Some((Raw::Object(text.get(at..end)?), end))
        }
        b'[' => {
            let end = container_end(text, specials, at)?;
            Some((Raw::Array(text.get(at..end)?), end))
        }
        _ => None,
    }
}

fn literal<'a>(line: &'a [u8], at: usize, word: &[u8]) -> Option<(Raw<'a>, usize)> {
    line[at..]
        .starts_with(word)
        .then_some((Raw::Literal, at + word.len()))
}

/// The index after the object or array opening at `at`, every value inside checked. Open
/// containers are a stack of bits (1 = object), so the walk allocates nothing.
fn container_end(text: &str, specials: &mut Specials<'_>, mut at: usize) -> Option<usize> {
    let line = text.as_bytes();
    let mut objects: u64 = 0;
    let mut depth = 0u32;
    loop {
        // `at` is at a value.
        match *line.get(at)? {
            open @ (b'{' | b'[') => {
                if depth == MAX_DEPTH {
                    return None;
                }
                let is_object = open == b'{';
                objects = objects << 1 | u64::from(is_object);
                depth += 1;
                at = skip_space(line, at + 1);
                if line.get(at) == Some(if is_object { &b'}' } else { &b']' }) {
                    objects >>= 1;
                    depth -= 1;
                    if depth == 0 {
                        return Some(at + 1);
                    }
                    at = after_value(line, at + 1, &mut objects, &mut depth)?;
                    if depth == 0 {
                        return Some(at);
                    }
                }
            }
            _ => {
                let (_, next) = value(text, specials, at)?;
                at = after_value(line, next, &mut objects, &mut depth)?;
                if depth == 0 {
                    return Some(at);
                }
            }
        }
        // `at` starts an element: in an object, its key and colon come first.
        if objects & 1 == 1 {
            if line.get(at) != Some(&b'"') {
                return None;
            }
            let (end, _) = string_end(specials, at + 1)?;
            at = skip_space(line, end + 1);
            if line.get(at) != Some(&b':') {
                return None;
            }
            at = skip_space(line, at + 1);
        }
    }
}

/// After a value inside a container: past a comma (to the next value or key), or past the
/// closing brackets that follow. Leaves `depth` at 0 when the outermost one closed.
fn after_value(line: &[u8], mut at: usize, objects: &mut u64, depth: &mut u32) -> Option<usize> {
    loop {
        at = skip_space(line, at);
        let close = if *objects & 1 == 1 { b'}' } else { b']' };
        match *line.get(at)? {
            b',' => return Some(skip_space(line, at + 1)),
            b if b == close => {
                at += 1;
                *objects >>= 1;
                *depth -= 1;
                if *depth == 0 {
                    return Some(at);
                }
            }
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(line: &str) -> Option<Vec<(String, Raw<'_>)>> {
        let mut out = Vec::new();
        fields(line.as_bytes(), |k, v| {
            out.push((String::from_utf8_lossy(k).into_owned(), v));
            Some(())
        })?;
        Some(out)
    }

    #[test]
    fn fields_come_with_their_values_as_written() {
        let got =
            scan(r#" {"a":"x\"y","b": -1.5e3 ,"c":{"d":[1,{"e":null}]},"f":[],"g":true,"h":"é"} "#)
                .expect("an object");
        let keys: Vec<&str> = got.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["a", "b", "c", "f", "g", "h"]);
        assert_eq!(got[0].1, Raw::Escaped(br#""x\"y""#));
        assert_eq!(got[1].1, Raw::Number(b"-1.5e3"));
        assert_eq!(got[2].1, Raw::Object(r#"{"d":[1,{"e":null}]}"#));
        assert_eq!(got[3].1, Raw::Array("[]"));
        assert_eq!(got[4].1, Raw::Literal);
        assert_eq!(got[5].1, Raw::Str("é"));
        assert_eq!(scan("{}").map(|f| f.len()), Some(0));
    }

    #[test]
    fn what_serde_json_refuses_the_scan_refuses() {
        for line in [
            "",
            "[1]",
            "{",
            r#"{"a":1,}"#,
            r#"{"a":01}"#,
            r#"{"a":1.}"#,
            r#"{"a":-}"#,
            r#"{"a":.5}"#,
            r#"{"a":1e}"#,
            r#"{"a":"\x"}"#,
            r#"{"a":"\u12g4"}"#,
            "{\"a\":\"tab\there\"}",
            r#"{"a":[1,]}"#,
            r#"{"a":{"b"}}"#,
            r#"{"a":{"b":1,}}"#,
            r#"{"a":[1 2]}"#,
            r#"{"a":tru}"#,
            r#"{"a":1} x"#,
            r#"{"a":1}}"#,
            "\u{c}{\"a\":1}",
        ] {
            assert!(scan(line).is_none(), "{line:?} accepted");
            assert!(
                serde_json::from_str::<serde_json::Value>(line).is_err() || line.starts_with('['),
                "{line:?} is valid JSON: the list is wrong"
            );
        }
        assert!(fields(b"{\"a\":\"\xff\"}", |_, _| Some(())).is_none());
    }

    #[test]
    fn nesting_deeper_than_the_bit_stack_is_declined_not_misread() {
        let deep = |n: usize| format!(r#"{{"a":{}1{}}}"#, "[".repeat(n), "]".repeat(n));
        assert!(scan(&deep(64)).is_some());
        assert!(scan(&deep(65)).is_none());
        assert!(scan(&deep(10_000)).is_none());
    }
}
