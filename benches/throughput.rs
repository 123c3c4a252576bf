//! Throughput of each stage in bytes/s: the parsers on realistic lines (access, syslog, JSON),
//! chunk splitting, time conversion, a whole chunk, the merge of chunk summaries, detection
//! with the timeline, rendering, and the pipeline end to end on the bundled sample and on a
//! generated day. `cargo bench` runs them; CI only builds them.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use postmortem::aggregate::chunk::{ChunkContext, process_chunk};
use postmortem::parse::entry::Entry;
use postmortem::parse::{Format, jsonl, nginx_access, syslog};
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
    // JSON lines as the generator writes them (the shape of a Go or Node service's log).
    let json = generated("json", 4 << 20);
    group.throughput(Throughput::Bytes(json.len() as u64));
    // As drafts read them: the one-pass reader, the general one for what it declines.
    group.bench_function("json_lines", |b| {
        b.iter(|| {
            json.split(|&x| x == b'\n')
                .filter(|l| !matches!(jsonl::read_json_line(l), Entry::Unreadable(_)))
                .count()
        })
    });
    group.finish();
}

/// `size` bytes of a generated log of `format`, one day with one incident.
fn generated(format: &str, size: u64) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let start = postmortem_scenario::bulk::day_start() + (8 * 60 + 15) * 60_000_000;
    let (path, _) = postmortem_scenario::bulk::write(dir.path(), format, size, start, 195)
        .expect("a generated log");
    std::fs::read(path).expect("the generated log")
}

/// The stages after reading, on the bundled sample read once: detection with the timeline,
/// then each renderer.
fn detect_and_render(c: &mut Criterion) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-logs/auth-outage");
    let config = postmortem::Config::new(vec![dir]);
    let analysis = postmortem::pipeline::analyse(&config).expect("the sample reads");
    let mut group = c.benchmark_group("after_reading");
    group.bench_function("detect_and_timeline_sample", |b| {
        b.iter(|| {
            postmortem::timeline::build(
                black_box(&analysis),
                postmortem::detect::Params::of(&config),
            )
        })
    });
    let draft = postmortem::timeline::build(&analysis, postmortem::detect::Params::of(&config));
    group.bench_function("render_json_sample", |b| {
        b.iter(|| postmortem::render::json(black_box(&draft)).len())
    });
    group.bench_function("render_markdown_sample", |b| {
        b.iter(|| postmortem::render::markdown::render(black_box(&draft)).len())
    });
    group.finish();
    incident_clients(c);
}

/// The clients of an incident's window, as the generated 224 MB day has them: 195 one-minute
/// bins of 1,280 clients each from a pool of 170,000, a fifth of them failing.
fn incident_clients(c: &mut Criterion) {
    use postmortem::aggregate::clients::{ClientBatch, Clients};
    let mut clients = Clients::default();
    let mut batch = ClientBatch::default();
    let mut state = 5u64;
    for bin in 0..195 {
        for _ in 0..1280 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let id = (state >> 33) % 170_000;
            let address = format!("10.{}.{}.{}", id >> 16, (id >> 8) & 255, id & 255);
            batch.record(&mut clients, address.as_bytes(), bin, id.is_multiple_of(5));
        }
    }
    batch.flush(&mut clients);
    let mut group = c.benchmark_group("after_reading");
    group.throughput(Throughput::Elements(195 * 1280));
    group.bench_function("incident_client_union_250k", |b| {
        b.iter(|| black_box(&clients).active_and_affected(0, 194))
    });
    group.finish();
}

/// An nginx access log's chunk context: UTC, one-minute bins.
fn access_context() -> ChunkContext {
    ChunkContext::new(Format::NginxAccess, 0, 60_000_000, chrono_tz::UTC.into())
}

fn chunks(c: &mut Criterion) {
    let access = sample("nginx/access.log");
    let ctx = access_context();
    let mut group = c.benchmark_group("aggregate");
    group.throughput(Throughput::Bytes(access.len() as u64));
    group.bench_function("access_chunk", |b| {
        b.iter(|| process_chunk(black_box(&access), &ctx).summary.parsed)
    });
    group.finish();
}

fn reading_and_time(c: &mut Criterion) {
    let access = sample("nginx/access.log");
    let mut group = c.benchmark_group("read");
    group.throughput(Throughput::Bytes(access.len() as u64));
    group.bench_function("newline_aligned_chunks_64k", |b| {
        b.iter(|| {
            let stream: postmortem::read::Stream =
                Box::new(std::io::Cursor::new(black_box(access.clone())));
            let mut chunker = postmortem::read::Chunker::new(stream, 64 << 10);
            let mut buf = Vec::new();
            let mut n = 0;
            while chunker.next_chunk(&mut buf).unwrap_or(false) {
                n += buf.len();
            }
            n
        })
    });
    group.finish();
    // One conversion per line of a day in Europe/Berlin, minute by minute: the cached path.
    let mut group = c.benchmark_group("time");
    let civils: Vec<postmortem::time::Civil> = (0..86_400u32)
        .map(|s| postmortem::time::Civil {
            year: 2023,
            month: 9,
            day: 10,
            hour: s / 3600,
            minute: (s / 60) % 60,
            second: s % 60,
            micros: 0,
        })
        .collect();
    group.throughput(Throughput::Elements(civils.len() as u64));
    group.bench_function("zone_less_to_utc_berlin", |b| {
        b.iter(|| {
            let mut zone = postmortem::time::ZoneConverter::new(chrono_tz::Europe::Berlin);
            civils.iter().filter_map(|c| zone.to_utc(c)).count()
        })
    });
    group.finish();
}

fn merge(c: &mut Criterion) {
    let access = sample("nginx/access.log");
    let ctx = access_context();
    let parts: Vec<&[u8]> = access.chunk_by(|_, b| *b != b'\n').collect();
    let outcomes: Vec<postmortem::aggregate::Summary> = parts
        .chunks(parts.len() / 16 + 1)
        .map(|lines| process_chunk(&lines.concat(), &ctx).summary)
        .collect();
    let mut group = c.benchmark_group("aggregate");
    group.throughput(Throughput::Bytes(access.len() as u64));
    group.bench_function("merge_16_chunk_summaries", |b| {
        b.iter(|| {
            let mut whole = postmortem::aggregate::Summary::default();
            for o in outcomes.iter().cloned() {
                whole.append(o);
            }
            whole.lines
        })
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
    // A generated day of nginx (64 MiB): the parallel path over many chunks.
    let generated = std::env::temp_dir().join("postmortem-bench-day");
    let start = postmortem_scenario::bulk::day_start() + (8 * 60 + 15) * 60_000_000;
    if let Ok((_, written)) =
        postmortem_scenario::bulk::write(&generated.join("nginx"), "nginx", 64 << 20, start, 195)
    {
        let config = postmortem::Config::new(vec![generated.clone()]);
        group.sample_size(10);
        group.throughput(Throughput::Bytes(written));
        group.bench_function("draft_generated_nginx_64mib", |b| {
            b.iter(|| postmortem::draft(&config).map(|(d, _)| d.incidents.len()))
        });
        // Detection and the timeline alone, on that day read once: the one-thread part after
        // reading, which bounds how much two threads gain on a small file.
        if let Ok(analysis) = postmortem::pipeline::analyse(&config) {
            group.throughput(Throughput::Elements(1));
            group.sample_size(50);
            group.bench_function("detect_and_timeline_generated_nginx_64mib", |b| {
                b.iter(|| {
                    postmortem::timeline::build(
                        black_box(&analysis),
                        postmortem::detect::Params::of(&config),
                    )
                })
            });
        }
    }
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

criterion_group!(
    benches,
    parsers,
    reading_and_time,
    chunks,
    merge,
    detect_and_render,
    pipeline
);
criterion_main!(benches);
