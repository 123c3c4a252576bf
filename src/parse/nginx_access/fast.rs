//! The common shape of an access-log line, read without the general parser:
//! `addr ident user [10/Sep/2023:08:15:02 +0000] "request" status size…`, three plain
//! tokens, the time in its usual 26 bytes, single spaces. Most lines of most access logs have
//! it, and reading it with a few `memchr`s and fixed offsets is several times faster than the
//! general parser, which anchors on the time, groups address tokens and tries each field.
//!
//! Any surprise gives `None` and the line goes to the general parser: whatever this reads, the
//! general parser reads the same (a test and a fuzz target hold them to it).

use super::{Addresses, Fields, bracketed_time, size, status};
use crate::parse::common::{dash_as_none, quoted_parts};
use crate::time::{MICROS_PER_SEC, Micros};

/// Bytes that may not stand in the three tokens before the time: what would make the general
/// parser group, trim or quote them differently (spaces and controls, `,`, `"`, `[`).
const fn plain_table() -> [bool; 256] {
    let mut table = [true; 256];
    let mut b = 0;
    while b <= b' ' as usize {
        table[b] = false;
        b += 1;
    }
    table[b',' as usize] = false;
    table[b'"' as usize] = false;
    table[b'[' as usize] = false;
    table[0x7f] = false;
    table
}
static PLAIN: [bool; 256] = plain_table();

/// A plain token up to the next space, and what follows the space.
#[inline]
fn plain_token(input: &[u8]) -> Option<(&[u8], &[u8])> {
    // A byte loop, not memchr: these tokens are a few bytes, shorter than memchr's set-up.
    let mut i = 0;
    while i < input.len() {
        let b = input[i];
        if b == b' ' {
            return (i > 0).then(|| (&input[..i], &input[i + 1..]));
        }
        if !PLAIN[b as usize] {
            return None;
        }
        i += 1;
    }
    None
}

/// Address, ident, user, and the rest of the line.
type Tokens<'a> = (&'a [u8], &'a [u8], &'a [u8], &'a [u8]);

/// `addr ident user ` at the start of the line: the three tokens and the rest (from `[`).
#[inline]
fn three_tokens(line: &[u8]) -> Option<Tokens<'_>> {
    let (client, rest) = plain_token(line)?;
    let (ident, rest) = plain_token(rest)?;
    let (user, rest) = plain_token(rest)?;
    Some((client, ident, user, rest))
}

/// The stamp's bytes but the seconds (`10/Sep/2023:08:15:` and ` +0000`), as four words
/// read straight from the line, and the instant at second 0: lines of one minute share the
/// key, so a log whose lines are out of order within the minute still reads most times as a
/// comparison.
type MinuteKey = [u64; 4];

thread_local! {
    static LAST_MINUTE: std::cell::Cell<(MinuteKey, Micros, i32)> =
        const { std::cell::Cell::new(([0; 4], 0, 0)) };
}

#[inline(always)]
fn word(bytes: &[u8], at: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(w)
}

/// `[10/Sep/2023:08:15:02 +0000]` and what follows it, when the stamp has its usual 26 bytes.
#[inline(always)]
fn stamp(bracketed: &[u8]) -> Option<(&[u8], Micros, i32)> {
    // `[` + 26 + `]`.
    if bracketed.len() < 28
        || bracketed[0] != b'['
        || bracketed[27] != b']'
        || bracketed[18] != b':'
        || bracketed[21] != b' '
    {
        return None;
    }
    let (s1, s2) = (
        bracketed[19].wrapping_sub(b'0'),
        bracketed[20].wrapping_sub(b'0'),
    );
    if s1 > 5 || s2 > 9 {
        // Not digits, or a leap second (`:60`): the general reading.
        let (rest, (time, offset)) = bracketed_time(bracketed).ok()?;
        return Some((rest, time, offset));
    }
    // Bytes 1..28 of the bracketed stamp, the two second digits (19, 20) masked out.
    let key: MinuteKey = [
        word(bracketed, 1),
        word(bracketed, 9),
        word(bracketed, 17) & !0xffff_0000,
        word(bracketed, 20) >> 8,
    ];
    let (last, base, offset) = LAST_MINUTE.get();
    let seconds = i64::from(s1 * 10 + s2) * MICROS_PER_SEC;
    if last == key {
        return Some((&bracketed[28..], base + seconds, offset));
    }
    // The minute's second 0, read by the general parser: the same instant it would give, and
    // within a minute the instant moves with the seconds alone.
    let mut at_zero = [0u8; 28];
    at_zero.copy_from_slice(&bracketed[..28]);
    at_zero[19] = b'0';
    at_zero[20] = b'0';
    let (_, (base, offset)) = bracketed_time(&at_zero).ok()?;
    LAST_MINUTE.set((key, base, offset));
    Some((&bracketed[28..], base + seconds, offset))
}

/// The line up to the fields after the size, read the fast way; `None` on any surprise.
#[inline(always)]
pub(super) fn head(line: &[u8]) -> Option<Fields<'_>> {
    let (client, _ident, user, rest) = three_tokens(line)?;
    let (rest, time, offset_secs) = stamp(rest)?;
    let rest = rest.strip_prefix(b" ")?;
    let (rest, request) = quoted_parts(rest)?;
    let rest = rest.strip_prefix(b" ")?;
    let (rest, status) = status(rest).ok()?;
    let (rest, bytes) = match rest.strip_prefix(b" ") {
        Some(r) => size(r).ok()?,
        None if rest.is_empty() => (rest, None),
        None => return None,
    };
    if !rest.is_empty() && rest[0] != b' ' {
        return None;
    }
    Some(Fields {
        addrs: Addresses {
            vhost: None,
            client,
            forwarded_for: None,
            user: dash_as_none(user),
        },
        time,
        offset_secs,
        request,
        status,
        bytes,
        rest,
    })
}
