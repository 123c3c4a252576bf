//! Colour and cursor sequences (ANSI escapes) in logs: `docker compose logs` and many
//! applications (Rails, pino-pretty, Spring Boot with colour forced on, zap's development
//! encoder) write them into files. They are taken out before a line is sniffed or read, so a
//! coloured `ERROR` reads as a level and a coloured time as a time. Line breaks are never taken
//! out, so line numbers stay those of the file.

use std::borrow::Cow;

const ESC: u8 = 0x1b;
const BEL: u8 = 0x07;

/// The bytes without their escape sequences (borrowed when there are none: the usual case
/// costs one `memchr`).
pub(crate) fn strip(data: &[u8]) -> Cow<'_, [u8]> {
    let Some(first) = memchr::memchr(ESC, data) else {
        return Cow::Borrowed(data);
    };
    let mut out = Vec::with_capacity(data.len());
    out.extend_from_slice(&data[..first]);
    let mut i = first;
    while i < data.len() {
        if data[i] != ESC {
            // Copy up to the next escape in one go.
            let next = memchr::memchr(ESC, &data[i..]).map_or(data.len(), |k| i + k);
            out.extend_from_slice(&data[i..next]);
            i = next;
            continue;
        }
        i += sequence_len(&data[i..]);
    }
    Cow::Owned(out)
}

/// How many bytes the escape sequence at the start of `s` (which starts with ESC) takes. A
/// sequence never swallows a line break: one cut by the end of a line ends there.
fn sequence_len(s: &[u8]) -> usize {
    let ends_at = |pos: Option<usize>, extra: usize| pos.map_or(s.len(), |p| p + extra);
    match s.get(1) {
        // CSI: ESC [ parameters (0x30–0x3F), intermediates (0x20–0x2F), one final (0x40–0x7E).
        Some(b'[') => {
            let body = s[2..]
                .iter()
                .position(|b| !(0x20..=0x3f).contains(b))
                .map(|k| k + 2);
            match body {
                Some(k) if (0x40..=0x7e).contains(&s[k]) => k + 1,
                Some(k) => k,
                None => s.len(),
            }
        }
        // OSC (hyperlinks, titles): up to BEL or ESC \, never past the line.
        Some(b']') => {
            let end = s[2..]
                .iter()
                .position(|&b| b == BEL || b == ESC || b == b'\n')
                .map(|k| k + 2);
            match end {
                Some(k) if s[k] == BEL => k + 1,
                Some(k) if s[k] == ESC && s.get(k + 1) == Some(&b'\\') => k + 2,
                other => ends_at(other, 0),
            }
        }
        // A two-byte escape (ESC 7, ESC (B …'s first byte); a lone ESC at a line's end.
        Some(b'\n') | None => 1,
        Some(_) => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::strip;

    fn clean(text: &str) -> String {
        String::from_utf8(strip(text.as_bytes()).into_owned()).unwrap()
    }

    #[test]
    fn colours_as_applications_write_them_are_taken_out() {
        // Spring Boot with spring.output.ansi.enabled=always.
        assert_eq!(
            clean(
                "2023-09-10 08:15:02.123 \x1b[31mERROR\x1b[0;39m \x1b[35m812\x1b[0;39m --- [main] c.e.App : boot failed\n"
            ),
            "2023-09-10 08:15:02.123 ERROR 812 --- [main] c.e.App : boot failed\n"
        );
        // zap's development encoder with colour, and a 256-colour and a bold sequence.
        assert_eq!(
            clean(
                "2023-09-10T08:15:02.123Z\t\x1b[31mERROR\x1b[0m\tdb timeout\n\x1b[1;38;5;196mpanic\x1b[m\n"
            ),
            "2023-09-10T08:15:02.123Z\tERROR\tdb timeout\npanic\n"
        );
        // An OSC 8 hyperlink.
        assert_eq!(
            clean("see \x1b]8;;https://x.example\x1b\\docs\x1b]8;;\x1b\\ now"),
            "see docs now"
        );
    }

    #[test]
    fn a_cut_sequence_never_takes_a_line_break_and_plain_text_is_not_copied() {
        assert_eq!(clean("a\x1b[31\nb\x1b]0;title\nc\x1b"), "a\nb\nc");
        assert!(matches!(
            strip(b"plain line\n"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
