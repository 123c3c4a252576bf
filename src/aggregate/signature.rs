//! Error signatures: an error message with its variable parts masked, so that ten thousand
//! `bind to ldaps://ldap-eu.internal:6360 failed` lines for different users count as one.
//!
//! This is the preprocessing half of Drain (He et al., 2017): tokens holding digits (numbers,
//! addresses, ports, sizes, ids), paths and `key=value` values are masked; messages that mask
//! to the same text share a signature. Drain's similarity tree is left out: exact grouping after
//! masking is deterministic and mergeable across chunks, which the tree is not.

use std::collections::{BTreeMap, HashMap};

use super::ErrorSample;

/// Tokens kept in a signature; longer messages are cut (the tail is rarely what differs).
const MAX_TOKENS: usize = 24;
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
        mask_token(token, &mut out);
    }
    out
}

#[derive(Debug, Clone, PartialEq)]
pub struct SignatureStats {
    /// The first line with this signature, as written.
    pub first: ErrorSample,
    pub per_bin: BTreeMap<i64, u32>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Signatures {
    pub by_signature: HashMap<String, SignatureStats>,
    /// Lines whose signature did not fit under [`MAX_SIGNATURES`].
    pub overflow: u64,
}

impl Signatures {
    pub fn record(&mut self, signature: String, bin: i64, sample: impl FnOnce() -> ErrorSample) {
        if let Some(stats) = self.by_signature.get_mut(&signature) {
            *stats.per_bin.entry(bin).or_default() += 1;
            return;
        }
        if self.by_signature.len() >= MAX_SIGNATURES {
            self.overflow += 1;
            return;
        }
        let mut per_bin = BTreeMap::new();
        per_bin.insert(bin, 1);
        self.by_signature.insert(
            signature,
            SignatureStats {
                first: sample(),
                per_bin,
            },
        );
    }

    /// Adds another summary's signatures; `other` comes later in the file or run.
    pub fn merge(&mut self, other: Signatures) {
        self.overflow += other.overflow;
        for (signature, stats) in other.by_signature {
            let room = self.by_signature.len() < MAX_SIGNATURES;
            match self.by_signature.get_mut(&signature) {
                Some(mine) => {
                    for (bin, n) in stats.per_bin {
                        *mine.per_bin.entry(bin).or_default() += n;
                    }
                    if (stats.first.time, stats.first.source) < (mine.first.time, mine.first.source)
                    {
                        mine.first = stats.first;
                    }
                }
                None if room => {
                    self.by_signature.insert(signature, stats);
                }
                None => self.overflow += stats.per_bin.values().map(|&n| u64::from(n)).sum::<u64>(),
            }
        }
    }

    /// Drain's similarity step, reduced to its most common case: signatures that differ in one
    /// unmasked token only (`Failed password for invalid user admin` / `… user oracle`) are
    /// one template with that token masked. Deterministic: groups are taken largest first.
    pub fn generalised(&self) -> Signatures {
        let mut keys: Vec<&String> = self.by_signature.keys().collect();
        keys.sort();
        let mut variants: HashMap<String, Vec<&String>> = HashMap::new();
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
        let mut groups: Vec<(String, Vec<&String>)> =
            variants.into_iter().filter(|(_, m)| m.len() >= 2).collect();
        groups.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
        let mut target: HashMap<&String, String> = HashMap::new();
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
            let stats = &self.by_signature[key];
            let name = target.get(key).cloned().unwrap_or_else(|| key.clone());
            let mut single = Signatures::default();
            single.by_signature.insert(name, stats.clone());
            out.merge(single);
        }
        out
    }

    pub fn line_offset(&mut self, offset: u64) {
        for s in self.by_signature.values_mut() {
            s.first.source.line += offset;
        }
    }
}

#[cfg(test)]
mod tests;
