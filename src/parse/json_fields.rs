//! A JSON object's top-level fields, borrowed from the line: each value is kept as its raw
//! text and parsed only when asked for. A JSON log line has a dozen fields of which a record
//! reads five; building a `serde_json::Value` of every field (a map, a string for each key and
//! value) was most of the time spent on JSON lines.

use std::borrow::Cow;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

/// The fields of one object, in the order written, and a 64-bit summary of their keys: a
/// record is asked for some sixty keys (the names of a time, a level, a status… in every
/// logger's spelling) of which it has a handful, and a key whose bit is clear is not there.
pub struct Fields<'a>(Vec<(Cow<'a, str>, &'a RawValue)>, u64);

/// The bit of a key in [`Fields`]'s summary, from its length and its first and last bytes.
fn key_bit(key: &str) -> u64 {
    let b = key.as_bytes();
    let (first, last) = (
        b.first().copied().unwrap_or(0),
        b.last().copied().unwrap_or(0),
    );
    let h = (b.len() as u64).wrapping_mul(31) ^ u64::from(first).wrapping_mul(7) ^ u64::from(last);
    1 << (h % 64)
}

/// A key, borrowed unless it holds an escape.
struct Key<'a>(Cow<'a, str>);

impl<'a> Fields<'a> {
    /// The fields of a line holding one JSON object; `None` for anything else.
    pub fn of(line: &'a [u8]) -> Option<Fields<'a>> {
        let start = line.iter().position(|b| !b.is_ascii_whitespace())?;
        if line[start] != b'{' {
            return None;
        }
        serde_json::from_slice(line).ok()
    }

    /// Whether the object has the key.
    pub fn contains_key(&self, key: &str) -> bool {
        self.raw(key).is_some()
    }

    /// The value at a key (the last, when a key is written twice, as a map would keep it).
    pub fn get(&self, key: &str) -> Option<Value> {
        serde_json::from_str(self.raw(key)?.get()).ok()
    }

    fn raw(&self, key: &str) -> Option<&'a RawValue> {
        if self.1 & key_bit(key) == 0 {
            return None;
        }
        self.0.iter().rev().find(|(k, _)| k == key).map(|(_, v)| *v)
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

impl<'de> Deserialize<'de> for Fields<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct FieldsVisitor;
        impl<'de> Visitor<'de> for FieldsVisitor {
            type Value = Fields<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields<'de>, A::Error> {
                let mut fields = Vec::with_capacity(map.size_hint().unwrap_or(16));
                let mut bits = 0;
                while let Some((key, value)) = map.next_entry::<Key<'de>, &'de RawValue>()? {
                    bits |= key_bit(&key.0);
                    fields.push((key.0, value));
                }
                Ok(Fields(fields, bits))
            }
        }
        d.deserialize_map(FieldsVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_read_as_a_map_would_hold_them() {
        let line = br#" {"time":"2023-09-10T08:15:02Z","a\"b":1,"n":{"x":[1,2]},"dup":1,"dup":2} "#;
        let fields = Fields::of(line).expect("an object");
        assert_eq!(
            fields.get("time"),
            Some(Value::from("2023-09-10T08:15:02Z"))
        );
        assert_eq!(fields.get("a\"b"), Some(Value::from(1)));
        assert_eq!(
            fields.get("n").and_then(|n| n.get("x").cloned()),
            Some(serde_json::json!([1, 2]))
        );
        assert_eq!(fields.get("dup"), Some(Value::from(2)));
        assert!(fields.contains_key("n") && !fields.contains_key("m"));
        assert!(Fields::of(b"[1,2]").is_none());
        assert!(Fields::of(b"{\"a\":1} trailing").is_none());
        assert!(Fields::of(b"{\"a\":").is_none());
    }
}
