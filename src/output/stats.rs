//! `--stats`: the figures a user benchmarking a log set wants, from the tool itself.

use postmortem::pipeline::Analysis;

/// Peak resident memory of this process, from `/proc/self/status` (Linux), in bytes.
pub fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// `--stats`: bytes, lines, MB/s and lines/s per format, time per stage (the reading stage
/// split into file reads, decompression and parsing, summed over threads), threads, peak
/// memory.
pub fn stats_text(
    analysis: &Analysis,
    stages: &[(&str, std::time::Duration)],
    total: std::time::Duration,
) -> String {
    use std::collections::BTreeMap;
    use std::fmt::Write as _;
    let mut by_format: BTreeMap<&str, (u64, u64, u64)> = BTreeMap::new();
    for f in &analysis.files {
        let e = by_format.entry(f.detection.format.name()).or_default();
        e.0 += 1;
        e.1 += f.summary.bytes;
        e.2 += f.summary.lines;
    }
    let read_secs = stages[0].1.as_secs_f64().max(1e-9);
    let mut out = String::from("postmortem stats\n");
    let _ = writeln!(
        out,
        "  {:<22} {:>6} {:>14} {:>12} {:>10} {:>12}",
        "format", "files", "bytes", "lines", "MB/s", "lines/s"
    );
    let (mut bytes, mut lines) = (0u64, 0u64);
    for (format, (files, b, l)) in &by_format {
        bytes += b;
        lines += l;
        let _ = writeln!(
            out,
            "  {format:<22} {files:>6} {b:>14} {l:>12} {:>10.1} {:>12.0}",
            *b as f64 / 1e6 / read_secs,
            *l as f64 / read_secs
        );
    }
    let _ = writeln!(
        out,
        "  {:<22} {:>6} {bytes:>14} {lines:>12} {:>10.1} {:>12.0}",
        "all",
        analysis.files.len(),
        bytes as f64 / 1e6 / read_secs,
        lines as f64 / read_secs
    );
    for (stage, took) in stages {
        let _ = writeln!(out, "  stage {stage:<32} {:>9.3} s", took.as_secs_f64());
    }
    // The run is this process's only one: the counters since it started are the run's.
    let within = postmortem::read::clock::Stages::now();
    for (part, nanos) in [
        ("read(2) of the files", within.read),
        ("decompress", within.decompress),
        ("parse and aggregate", within.parse),
    ] {
        let _ = writeln!(out, "    {part:<32} {:>9.3} thread-s", nanos as f64 / 1e9);
    }
    let _ = writeln!(
        out,
        "  wall {:.3} s, {} threads, peak memory {}",
        total.as_secs_f64(),
        rayon::current_num_threads(),
        peak_memory().map_or("unknown".into(), |b| format!("{:.1} MB", b as f64 / 1e6))
    );
    let _ = writeln!(
        out,
        "  (MB/s and lines/s per format are over the read stage, which reads all formats at once)"
    );
    out
}
