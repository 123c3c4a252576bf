//! Throughput of each stage in bytes/s: the parsers on realistic lines, a whole chunk, and the
//! pipeline end to end on the bundled sample. `cargo bench` runs them; CI only builds them.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use postmortem::aggregate::chunk::{ChunkContext, process_chunk};
use postmortem::parse::{Format, nginx_access, syslog};
use std::hint::black_box;

fn sample(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample-logs/auth-outage")
        .join(name);
    std::fs::read(path).expect("sample-logs present")
}

fn parsers(c: &mut Criterion) {
    let access = sample("nginx/access.log");
    let syslog_data = sample("syslog");
    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Bytes(access.len() as u64));
    group.bench_function("nginx_access_lines", |b| {
        b.iter(|| {
            access
                .split(|&x| x == b'\n')
                .filter_map(nginx_access::parse)
                .count()
        })
    });
    group.throughput(Throughput::Bytes(syslog_data.len() as u64));
    group.bench_function("syslog_lines", |b| {
        b.iter(|| {
            syslog_data
                .split(|&x| x == b'\n')
                .filter_map(syslog::parse)
                .count()
        })
    });
    group.finish();
}

fn chunks(c: &mut Criterion) {
    let access = sample("nginx/access.log");
    let ctx = ChunkContext {
        format: Format::NginxAccess,
        file: 0,
        bin_width: 60_000_000,
        zone: chrono_tz::UTC.into(),
        year: None,
        access_format: None,
        overlap: None,
    };
    let mut group = c.benchmark_group("aggregate");
    group.throughput(Throughput::Bytes(access.len() as u64));
    group.bench_function("access_chunk", |b| {
        b.iter(|| process_chunk(black_box(&access), &ctx).summary.parsed)
    });
    group.finish();
}

fn pipeline(c: &mut Criterion) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-logs/auth-outage");
    let bytes: u64 = walk_size(&dir);
    let config = postmortem::Config::new(vec![dir]);
    let mut group = c.benchmark_group("pipeline");
    group.sample_size(20);
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function("draft_sample_logs", |b| {
        b.iter(|| postmortem::draft(&config).map(|(d, _)| d.incidents.len()))
    });
    group.finish();
}

fn walk_size(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| {
                    let p = e.path();
                    if p.is_dir() {
                        walk_size(&p)
                    } else {
                        e.metadata().map_or(0, |m| m.len())
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}

criterion_group!(benches, parsers, chunks, pipeline);
criterion_main!(benches);
