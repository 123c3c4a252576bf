//! The common JSON record, read in one pass: the line is scanned once ([`json_scan`]), each
//! top-level key is looked up in a table of the keys the roles read (a hash and one compare),
//! and the roles then pick from what was found in their order of preference. Values are
//! borrowed from the line; only a string with escapes is decoded, and only when read.
//!
//! A dotted key (`request.uri`) is read as the general reader reads it: the key as written at
//! the top level if the line has it, else the child of the parent object (`{"request":
//! {"uri":…}}`, Caddy's, GCP's `httpRequest`), the parent scanned once for all its children.
//!
//! Anything this reader does not take on itself — a text role holding a number or an array,
//! an Envoy record without a message, a number `serde_json` would read differently, a line,
//! or an object or array under a role's key, it would refuse — returns `None`, and the
//! general reader decides. The roles' meanings are [`View`]'s, shared with the general reader.

use std::borrow::Cow;
use std::sync::LazyLock;

use super::super::json_scan::{self, Raw};
use super::{
    CAUSE_KEYS, CLIENT_KEYS, HOST_KEYS, JsonTime, LATENCY_KEYS, LEVEL_KEYS, MESSAGE_KEYS,
    PATH_KEYS, PROGRAM_KEYS, STATUS_KEYS, TIME_KEYS, View, in_milliseconds, record_entry,
    without_port,
};
use crate::parse::cause::with_cause;
use crate::parse::entry::{Entry, Http};

/// Slots for keys: every key the roles name, and the parents of the dotted ones.
const SLOTS: usize = 80;
/// Table size: a power of two well over the slots, so probes are short.
const TABLE: usize = 512;
const EMPTY: u8 = u8::MAX;

/// The keys the roles read, each in a slot, and each role's slots in order of preference.
struct Keys {
    names: Vec<&'static str>,
    /// A key's hash to its slot, open-addressed.
    table: [u8; TABLE],
    /// Each dotted key: its parent's slot, the child's name, its own slot.
    children: Vec<(u8, &'static str, u8)>,
    time: Vec<u8>,
    level: Vec<u8>,
    message: Vec<u8>,
    status: Vec<u8>,
    client: Vec<u8>,
    latency: Vec<u8>,
    program: Vec<u8>,
    host: Vec<u8>,
    path: Vec<u8>,
    cause: Vec<u8>,
    journald: u8,
    response_code: u8,
    response_flags: u8,
}

fn hash(key: &[u8]) -> usize {
    let (first, middle, last) = match key {
        [] => (0, 0, 0),
        _ => (key[0], key[key.len() / 2], key[key.len() - 1]),
    };
    let h = (key.len() as u32).wrapping_mul(0x9E37_79B1)
        ^ u32::from(first).wrapping_mul(0x85EB_CA6B)
        ^ u32::from(middle).wrapping_mul(0xC2B2_AE35)
        ^ u32::from(last).wrapping_mul(0x27D4_EB2F);
    (h >> 16) as usize % TABLE
}

impl Keys {
    fn build() -> Keys {
        let mut keys = Keys {
            names: Vec::new(),
            table: [EMPTY; TABLE],
            children: Vec::new(),
            time: Vec::new(),
            level: Vec::new(),
            message: Vec::new(),
            status: Vec::new(),
            client: Vec::new(),
            latency: Vec::new(),
            program: Vec::new(),
            host: Vec::new(),
            path: Vec::new(),
            cause: Vec::new(),
            journald: 0,
            response_code: 0,
            response_flags: 0,
        };
        keys.time = keys.slots(&TIME_KEYS);
        keys.level = keys.slots(&LEVEL_KEYS);
        keys.message = keys.slots(&MESSAGE_KEYS);
        keys.status = keys.slots(&STATUS_KEYS);
        keys.client = keys.slots(&CLIENT_KEYS);
        keys.latency = keys.slots(&LATENCY_KEYS);
        keys.program = keys.slots(&PROGRAM_KEYS);
        keys.host = keys.slots(&HOST_KEYS);
        keys.path = keys.slots(&PATH_KEYS);
        keys.cause = keys.slots(&CAUSE_KEYS);
        keys.journald = keys.slot("__REALTIME_TIMESTAMP");
        keys.response_code = keys.slot("response_code");
        keys.response_flags = keys.slot("response_flags");
        let dotted = keys.names.clone();
        for key in dotted {
            if let Some((parent, child)) = key.split_once('.') {
                let own = keys.slot(key);
                let slot = keys.slot(parent);
                keys.children.push((slot, child, own));
            }
        }
        keys
    }

    fn slots(&mut self, names: &[&'static str]) -> Vec<u8> {
        names.iter().map(|name| self.slot(name)).collect()
    }

    /// The slot of `name`, given one if it has none yet.
    fn slot(&mut self, name: &'static str) -> u8 {
        if let Some(slot) = self.find(name.as_bytes()) {
            return slot;
        }
        let slot = self.names.len() as u8;
        assert!(usize::from(slot) < SLOTS, "more keys than slots");
        self.names.push(name);
        let mut at = hash(name.as_bytes());
        while self.table[at] != EMPTY {
            at = (at + 1) % TABLE;
        }
        self.table[at] = slot;
        slot
    }

    fn find(&self, key: &[u8]) -> Option<u8> {
        let mut at = hash(key);
        loop {
            let slot = self.table[at];
            if slot == EMPTY {
                return None;
            }
            if same_bytes(self.names[usize::from(slot)].as_bytes(), key) {
                return Some(slot);
            }
            at = (at + 1) % TABLE;
        }
    }
}

static KEYS: LazyLock<Keys> = LazyLock::new(Keys::build);

/// The value of each slot the line has (the last, when a key is written twice).
/// Kept in the order met, each slot pointing at its value: clearing 80 bytes a line, not 80
/// values.
struct Found<'a> {
    at: [u8; SLOTS],
    values: [Raw<'a>; MOST_FOUND],
    count: usize,
}

/// Values of known keys a line may have before the general reader is asked instead.
const MOST_FOUND: usize = 24;

impl<'a> Found<'a> {
    fn new() -> Found<'a> {
        Found {
            at: [EMPTY; SLOTS],
            values: [Raw::Literal; MOST_FOUND],
            count: 0,
        }
    }

    /// Keeps a value of a slot (the last, when a key is written twice); `None` when full.
    fn keep(&mut self, slot: u8, raw: Raw<'a>) -> Option<()> {
        let value = self.values.get_mut(self.count)?;
        *value = raw;
        self.at[usize::from(slot)] = self.count as u8;
        self.count += 1;
        Some(())
    }

    fn get(&self, slot: u8) -> Option<Raw<'a>> {
        self.values
            .get(usize::from(self.at[usize::from(slot)]))
            .copied()
    }

    fn has(&self, slot: u8) -> bool {
        self.at[usize::from(slot)] != EMPTY
    }
}

/// The first of a role's slots the line has.
fn first<'a>(found: &Found<'a>, role: &[u8]) -> Option<Raw<'a>> {
    role.iter().find_map(|&slot| found.get(slot))
}

/// Byte equality eight at a time: keys are short, and a `memcmp` call cost more than the
/// compare.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (mut a8, mut b8) = (a.chunks_exact(8), b.chunks_exact(8));
    let words_agree = a8.by_ref().zip(b8.by_ref()).all(|(x, y)| {
        u64::from_le_bytes(x.try_into().unwrap_or_default())
            == u64::from_le_bytes(y.try_into().unwrap_or_default())
    });
    words_agree
        && a8
            .remainder()
            .iter()
            .zip(b8.remainder())
            .all(|(x, y)| x == y)
}

/// A number as `serde_json` reads it: small non-negative integers by hand (exactly as
/// `u64 as f64`), the rest by `serde_json` itself (`-0`, fractions, exponents, big integers).
fn number(raw: &[u8]) -> Option<f64> {
    if raw.len() <= 19 && raw.iter().all(u8::is_ascii_digit) {
        let n = raw.iter().fold(0u64, |n, d| n * 10 + u64::from(d - b'0'));
        return Some(n as f64);
    }
    serde_json::from_slice::<f64>(raw).ok()
}

/// What a role reads of a value; `None` when the general reader should decide.
fn view(raw: Raw<'_>) -> Option<View<'_>> {
    Some(match raw {
        Raw::Str(body) => View::Text(Cow::Borrowed(body)),
        Raw::Escaped(quoted) => View::Text(Cow::Owned(serde_json::from_slice(quoted).ok()?)),
        Raw::Number(digits) => View::Number(number(digits)?),
        Raw::Object(_) | Raw::Array(_) | Raw::Literal => View::Other,
    })
}

/// A text role's value: `Ok(None)` for a value that is no text (as the general reader has
/// it), `Err` for one the general reader turns into text (numbers, byte arrays).
fn text_of(raw: Option<Raw<'_>>) -> Result<Option<Cow<'_, str>>, ()> {
    match raw {
        None | Some(Raw::Object(_) | Raw::Literal) => Ok(None),
        Some(Raw::Number(_) | Raw::Array(_)) => Err(()),
        Some(raw) => match view(raw) {
            Some(View::Text(t)) => Ok(Some(t)),
            _ => Err(()),
        },
    }
}

fn bytes(text: Cow<'_, str>) -> Cow<'_, [u8]> {
    match text {
        Cow::Borrowed(s) => Cow::Borrowed(s.as_bytes()),
        Cow::Owned(s) => Cow::Owned(s.into_bytes()),
    }
}

/// The request a record with a status describes; `None` for the general reader to decide.
fn request<'a>(found: &Found<'a>, keys: &Keys, status: u16, envoy: bool) -> Option<Http<'a>> {
    let mut latency = None;
    for &slot in &keys.latency {
        if let Some(raw) = found.get(slot) {
            let name = keys.names[usize::from(slot)];
            latency = view(raw)?.seconds(in_milliseconds(name, envoy));
            if latency.is_some() {
                break;
            }
        }
    }
    let client = text_of(first(found, &keys.client)).ok()?.map(|c| match c {
        Cow::Borrowed(c) => Cow::Borrowed(without_port(c)),
        Cow::Owned(c) => Cow::Owned(without_port(&c).to_string()),
    });
    let path = text_of(first(found, &keys.path)).ok()?;
    Some(Http {
        status,
        client: client.map(bytes),
        path: path.map(bytes),
        latency,
    })
}

/// The dotted keys the line does not write as such, read from their parent objects (the last
/// parent of a name, the last child of a name in it, as a map keeps them); `None` when a
/// parent object holds what the scan declines (an escaped key).
fn nested_children(found: &mut Found<'_>, keys: &Keys) -> Option<()> {
    // The dotted keys written at the top level win: noted before any child is kept.
    let mut literal = [false; SLOTS];
    for &(_, _, own) in &keys.children {
        literal[usize::from(own)] = found.has(own);
    }
    let mut parents_done = [false; SLOTS];
    for &(parent, _, _) in &keys.children {
        let Some(Raw::Object(text)) = found.get(parent) else {
            continue;
        };
        if std::mem::replace(&mut parents_done[usize::from(parent)], true) {
            continue;
        }
        json_scan::fields(text.as_bytes(), |key, raw| {
            for &(of, child, own) in &keys.children {
                if of == parent && !literal[usize::from(own)] && same_bytes(child.as_bytes(), key) {
                    found.keep(own, raw)?;
                }
            }
            Some(())
        })?;
    }
    Some(())
}

/// Whether `serde_json` surely reads this checked object or array into a `Value`, as the
/// general reader does with a value before it looks at it or at a child in it (and finds
/// nothing at all when that fails). The scan accepts two things it refuses: a surrogate escape
/// without its pair, and a number beyond an f64. So: no `\uD…` escape, no exponent, no run of
/// 300 digits; text that only looks like one (`"1e5"` in a string) declines too, which is
/// only slower.
fn surely_a_value(text: &[u8]) -> bool {
    let mut digits = 0;
    let mut i = 0;
    while i < text.len() {
        let b = text[i];
        match b {
            b'\\' => {
                if text.get(i + 1) == Some(&b'u') && matches!(text.get(i + 2), Some(b'd' | b'D')) {
                    return false;
                }
                i += 2;
                digits = 0;
                continue;
            }
            b'0'..=b'9' => {
                digits += 1;
                if digits >= 300 {
                    return false;
                }
            }
            b'e' | b'E' if digits > 0 => return false,
            _ => digits = 0,
        }
        i += 1;
    }
    true
}

/// The record on `line`, or `None` for the general reader to decide.
pub fn read(line: &[u8]) -> Option<Entry<'_>> {
    let keys = &*KEYS;
    let mut found = Found::new();
    json_scan::fields(line, |key, raw| {
        if let Some(slot) = keys.find(key) {
            // The general reader takes a container it cannot read into a value for no value
            // at all, and goes on to the role's next key: declined, not read otherwise.
            if let Raw::Object(text) | Raw::Array(text) = raw
                && !surely_a_value(text.as_bytes())
            {
                return None;
            }
            found.keep(slot, raw)?;
        }
        Some(())
    })?;
    nested_children(&mut found, keys)?;
    if found.has(keys.journald) {
        return None;
    }
    let time: JsonTime = view(first(&found, &keys.time)?)?.time()?;
    let status = match first(&found, &keys.status) {
        Some(raw) => view(raw)?.status(),
        None => None,
    };
    let envoy = found.has(keys.response_code) && found.has(keys.response_flags);
    let message = match text_of(first(&found, &keys.message)).ok()? {
        Some(m) => m,
        None if envoy => return None,
        None => Cow::Borrowed(""),
    };
    let level_error = match first(&found, &keys.level) {
        Some(raw) => view(raw)?.is_error_level(),
        None => false,
    };
    let message = match text_of(first(&found, &keys.cause)).ok()? {
        Some(cause) => Cow::Owned(with_cause(&message, &cause)),
        None => message,
    };
    let program = text_of(first(&found, &keys.program)).ok()?;
    let host = text_of(first(&found, &keys.host)).ok()?;
    // Client, path and latency belong to a request: a record without a status has none.
    let http = match status {
        Some(status) => Some(request(&found, keys, status, envoy)?),
        None => None,
    };
    Some(record_entry(
        time,
        level_error || status.is_some_and(|s| s >= 500),
        program.map_or(Cow::Borrowed(&b""[..]), bytes),
        host.map(bytes),
        bytes(message),
        http,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_finds_its_own_slot_and_no_other() {
        let keys = &*KEYS;
        assert!(keys.names.len() <= SLOTS);
        for (slot, name) in keys.names.iter().enumerate() {
            assert_eq!(keys.find(name.as_bytes()), Some(slot as u8), "{name}");
        }
        for other in ["", "x", "times", "Time", "levels", "http.status", "log.lvl"] {
            assert_eq!(keys.find(other.as_bytes()), None, "{other}");
        }
        for parent in ["http", "request", "httpRequest", "log"] {
            let slot = keys.find(parent.as_bytes()).expect(parent);
            assert!(keys.children.iter().any(|&(of, ..)| of == slot), "{parent}");
        }
    }

    #[test]
    fn numbers_read_as_serde_json_reads_them() {
        for n in [
            "0",
            "-0",
            "7",
            "1694333702123456789",
            "18446744073709551615",
            "18446744073709551616",
            "99999999999999999999999",
            "-12",
            "0.1",
            "1.5e3",
            "2E-5",
            "1694333702.123456",
        ] {
            let serde = serde_json::from_str::<serde_json::Value>(n)
                .ok()
                .and_then(|v| v.as_f64());
            assert_eq!(
                number(n.as_bytes()).map(f64::to_bits),
                serde.map(f64::to_bits),
                "{n}"
            );
        }
    }
}
