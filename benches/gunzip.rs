//! Which gzip decoder to read rotated logs with, decided by measurement on the machine at
//! hand: the one the tool reads with (flate2 over zlib-rs, through `read::decode_stream`, as
//! a file is read), miniz_oxide (flate2's default backend, what the tool used before), and
//! libdeflate (the fastest inflater on crates.io, but it decodes a whole member into memory
//! at once: a rotated log is one member, so memory would grow with the file; it is here to
//! show what that would buy). The input is 32 MiB of the busy nginx day at `gzip -6`.
//!
//! `cargo bench --bench gunzip`

use std::hint::black_box;
use std::io::{Read, Write};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn busy_day(size: u64) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let start = postmortem_scenario::bulk::day_start() + (8 * 60 + 15) * 60_000_000;
    let (path, _) = postmortem_scenario::bulk::write(dir.path(), "nginx-busy", size, start, 195)
        .expect("a generated log");
    std::fs::read(path).expect("the generated log")
}

fn gzip(plain: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    encoder.write_all(plain).expect("in memory");
    encoder.finish().expect("in memory")
}

/// The deflate body of a gzip member flate2 wrote: a 10-byte header (no name, no extra) and
/// an 8-byte trailer.
fn deflate_body(member: &[u8]) -> &[u8] {
    &member[10..member.len() - 8]
}

fn decoders(c: &mut Criterion) {
    let plain = busy_day(32 << 20);
    let member = gzip(&plain);
    let mut group = c.benchmark_group("gunzip");
    group.throughput(Throughput::Bytes(plain.len() as u64));
    group.sample_size(10);
    let mut buffer = vec![0u8; 256 << 10];
    group.bench_function("flate2_zlib_rs_as_read", |b| {
        b.iter(|| {
            let raw: postmortem::read::Stream = Box::new(std::io::Cursor::new(member.clone()));
            let (_, mut stream, ..) = postmortem::read::decode_stream(raw).expect("gzip");
            let mut total = 0;
            loop {
                let n = stream.read(&mut buffer).expect("decodes");
                if n == 0 {
                    break total;
                }
                total += n;
            }
        })
    });
    group.bench_function("miniz_oxide_streaming", |b| {
        use miniz_oxide::inflate::stream::{InflateState, inflate};
        use miniz_oxide::{DataFormat, MZFlush};
        let body = deflate_body(&member);
        b.iter(|| {
            let mut state = InflateState::new_boxed(DataFormat::Raw);
            let (mut at, mut total) = (0, 0);
            loop {
                let result = inflate(&mut state, &body[at..], &mut buffer, MZFlush::None);
                at += result.bytes_consumed;
                total += result.bytes_written;
                // Nothing more comes out: the stream ended, or failed.
                if result.bytes_written == 0 && (result.status.is_err() || at == body.len()) {
                    break total;
                }
            }
        })
    });
    let mut whole = vec![0u8; plain.len()];
    group.bench_function("libdeflate_whole_member", |b| {
        let mut decompressor = libdeflater::Decompressor::new();
        b.iter(|| {
            decompressor
                .gzip_decompress(black_box(&member), &mut whole)
                .expect("gzip")
        })
    });
    group.finish();
    assert_eq!(whole, plain, "libdeflate decoded the member");
}

criterion_group!(benches, decoders);
criterion_main!(benches);
