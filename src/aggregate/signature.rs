//! Error signatures: an error message with its variable parts masked, so that ten thousand
//! `bind to ldaps://ldap-eu.internal:6360 failed` lines for different users count as one.
//!
//! This is the preprocessing half of Drain (He et al., 2017): tokens holding digits (numbers,
//! addresses, ports, sizes, ids), paths and `key=value` values are masked; messages that mask
//! to the same text share a signature. Drain's similarity tree is left out: exact grouping after
//! masking is deterministic and mergeable across chunks, which the tree is not.

use std::collections::{BTreeMap, HashMap};

use super::bounded::BoundedMap;

use super::cited::ErrorSample;

/// Tokens kept in a signature; longer messages are cut (the tail is rarely what differs).
const MAX_TOKENS: usize = 24;
/// A token longer than this is kept as its prefix: a 500 KB token would otherwise make a
/// 500 KB signature, kept per distinct message.
const MAX_TOKEN_BYTES: usize = 64;
/// Distinct signatures kept per summary; further ones are counted together.
pub const MAX_SIGNATURES: usize = 5_000;

fn mask_token(token: &str, out: &mut String) {
    let core = token.trim_matches(|c: char| {
        matches!(
            c,
            '"' | '\'' | '(' | ')' | '[' | ']' | ',' | ';' | '<' | '>' | '{' | '}'
        )
    });
    if core.is_empty() {
        out.push_str(token);
        return;
    }
    if let Some((key, value)) = core.split_once('=')
        && !key.is_empty()
        && !value.is_empty()
        && (value.bytes().any(|b| b.is_ascii_digit()) || value.contains('/'))
    {
        out.push_str(key);
        out.push_str("=<*>");
        return;
    }
    if core.starts_with('/') || core.contains("://") {
        out.push_str("<path>");
    } else if core.bytes().any(|b| b.is_ascii_digit()) {
        out.push_str("<*>");
    } else {
        out.push_str(core);
    }
}

/// The signature of a message.
pub fn signature(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(160));
    for (i, token) in message
        .split_ascii_whitespace()
        .take(MAX_TOKENS)
        .enumerate()
    {
        if i > 0 {
            out.push(' ');
        }
        if token.len() > MAX_TOKEN_BYTES {
            let mut cut = MAX_TOKEN_BYTES;
            while !token.is_char_boundary(cut) {
                cut -= 1;
            }
            mask_token(&token[..cut], &mut out);
            out.push('…');
        } else {
            mask_token(token, &mut out);
        }
    }
    out
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
/// One signature's numbers.
pub struct SignatureStats {
    /// The first line with this signature, as written.
    pub first: ErrorSample,
    /// Lines per bin.
    pub per_bin: BTreeMap<i64, u32>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
/// Error messages by signature, bounded (see [`crate::aggregate::bounded`]).
pub struct Signatures {
    /// The kept signatures: the [`MAX_SIGNATURES`] of lowest rank (see [`super::bounded`]).
    pub by_signature: BoundedMap<SignatureStats>,
    /// Lines whose signature was not kept.
    pub overflow: u64,
}

impl Default for Signatures {
    fn default() -> Self {
        Self {
            by_signature: BoundedMap::new(MAX_SIGNATURES),
            overflow: 0,
        }
    }
}

fn lines_of(stats: &SignatureStats) -> u64 {
    stats.per_bin.values().map(|&n| u64::from(n)).sum()
}

impl Signatures {
    /// Counts a line with this signature in a bin, keeping its first line as a sample.
    pub fn record(&mut self, signature: String, bin: i64, sample: impl FnOnce() -> ErrorSample) {
        let mut evicted = 0;
        let slot = self.by_signature.slot(
            &signature,
            || SignatureStats {
                first: sample(),
                per_bin: BTreeMap::new(),
            },
            |old| evicted = lines_of(&old),
        );
        match slot {
            Some(stats) => {
                let n = stats.per_bin.entry(bin).or_default();
                *n = n.saturating_add(1);
            }
            None => self.overflow += 1,
        }
        self.overflow += evicted;
    }

    /// Adds another summary's signatures (in any order: the result is the same).
    pub fn merge(&mut self, other: Signatures) {
        self.overflow += other.overflow;
        for (signature, stats) in other.by_signature.into_entries() {
            if let Some(mine) = self.by_signature.get_mut(&signature) {
                for (bin, n) in stats.per_bin {
                    let slot = mine.per_bin.entry(bin).or_default();
                    *slot = slot.saturating_add(n);
                }
                if (stats.first.time, stats.first.source) < (mine.first.time, mine.first.source) {
                    mine.first = stats.first;
                }
                continue;
            }
            let mut evicted = 0;
            if let Err(stats) = self
                .by_signature
                .admit(&signature, stats, |old| evicted = lines_of(&old))
            {
                self.overflow += lines_of(&stats);
            }
            self.overflow += evicted;
        }
    }

    /// Drain's similarity step, reduced to its most common case: signatures that differ in one
    /// unmasked token only (`Failed password for invalid user admin` / `… user oracle`) are
    /// one template with that token masked. Deterministic: groups are taken largest first.
    pub(crate) fn generalised(&self) -> Signatures {
        let mut keys: Vec<&str> = self.by_signature.iter().map(|(k, _)| k).collect();
        keys.sort();
        let mut variants: HashMap<String, Vec<&str>> = HashMap::new();
        for key in &keys {
            let tokens: Vec<&str> = key.split(' ').collect();
            for i in 0..tokens.len() {
                if tokens[i].starts_with('<') || tokens[i].ends_with(':') {
                    continue;
                }
                let mut variant = tokens.clone();
                variant[i] = "<*>";
                variants.entry(variant.join(" ")).or_default().push(key);
            }
        }
        let mut groups: Vec<(String, Vec<&str>)> =
            variants.into_iter().filter(|(_, m)| m.len() >= 2).collect();
        groups.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
        let mut target: HashMap<&str, String> = HashMap::new();
        for (variant, members) in &groups {
            if members.iter().any(|m| target.contains_key(*m)) {
                continue;
            }
            for m in members {
                target.insert(m, variant.clone());
            }
        }
        let mut out = Signatures {
            overflow: self.overflow,
            ..Signatures::default()
        };
        for key in keys {
            let Some(stats) = self.by_signature.get(key) else {
                continue;
            };
            let name = target.get(key).cloned().unwrap_or_else(|| key.to_string());
            let mut single = Signatures::default();
            // One entry in an empty table always ranks in.
            let _ = single.by_signature.admit(&name, stats.clone(), |_| {});
            out.merge(single);
        }
        out
    }

    /// The lines the signatures' first lines were read from.
    pub(crate) fn first_lines(&self) -> impl Iterator<Item = u64> + '_ {
        self.by_signature.iter().map(|(_, s)| s.first.source.line)
    }

    /// Shifts every kept line number by `offset` (a chunk's lines count from its start).
    pub(crate) fn line_offset(&mut self, offset: u64) {
        for s in self.by_signature.values_mut() {
            s.first.source.line += offset;
        }
    }
}

#[cfg(test)]
mod tests;
