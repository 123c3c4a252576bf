//! The floor postmortem is measured against (benches/compare.sh): read a combined access log
//! and count 5xx responses per minute, nothing else, on two threads over newline-aligned
//! halves. No parser, no time zones, no clients: what the hardware allows for this job.
//!
//! `cargo run --release --example bare-5xx -- FILE`

use std::collections::HashMap;

fn count(data: &[u8]) -> HashMap<[u8; 17], u64> {
    let mut per_minute: HashMap<[u8; 17], u64> = HashMap::new();
    for line in memchr::memchr_iter(b'\n', data).scan(0, |start, end| {
        let line = &data[*start..end];
        *start = end + 1;
        Some(line)
    }) {
        // `[10/Sep/2023:08:15:02 +0000] "GET / HTTP/1.1" 503 …`
        let Some(open) = memchr::memchr(b'[', line) else {
            continue;
        };
        let Some(minute) = line.get(open + 1..open + 18) else {
            continue;
        };
        let Some(quote) = memchr::memmem::find(&line[open..], b"\" ") else {
            continue;
        };
        let at = open + quote + 2;
        if line.get(at) == Some(&b'5') {
            let mut key = [0u8; 17];
            key.copy_from_slice(minute);
            *per_minute.entry(key).or_default() += 1;
        }
    }
    per_minute
}

fn main() -> std::io::Result<()> {
    let path = std::env::args()
        .nth(1)
        .ok_or_else(|| std::io::Error::other("usage: bare-5xx FILE"))?;
    let data = std::fs::read(path)?;
    let mid = memchr::memchr(b'\n', &data[data.len() / 2..])
        .map_or(data.len(), |i| data.len() / 2 + i + 1);
    let (a, b) = data.split_at(mid);
    let (mut left, right) = std::thread::scope(|s| {
        let other = s.spawn(|| count(b));
        (count(a), other.join().unwrap_or_default())
    });
    for (k, v) in right {
        *left.entry(k).or_default() += v;
    }
    let total: u64 = left.values().sum();
    println!("{total} server errors in {} minutes", left.len());
    Ok(())
}
