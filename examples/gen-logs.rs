//! Writes a large, deterministic log for benchmarks (see `postmortem_scenario::bulk`).
//!
//! `cargo run --release --example gen-logs -- --out DIR --size 1GiB --format nginx|nginx-busy|elasticsearch|syslog|json|haproxy|logfmt|w3c|docker|cri|alb|envoy|caddy
//!  [--incident 2023-09-10T08:15+195]`

use postmortem::time::MICROS_PER_MIN;
use postmortem_scenario::bulk;

fn parse_size(text: &str) -> Option<u64> {
    let (digits, unit) = text.split_at(
        text.find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len()),
    );
    let n: u64 = digits.parse().ok()?;
    let mult = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => return None,
    };
    Some(n * mult)
}

const USAGE: &str = "usage: gen-logs --out DIR [--size 1GiB] [--format nginx|nginx-busy|elasticsearch|syslog|json|haproxy|logfmt|w3c|docker|cri|alb|envoy|caddy] [--incident 2023-09-10T08:15+195]";

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    // Asked for help, or given no folder: say how, and write nothing (it wrote 88 MB into
    // ./gen-logs when asked for --help).
    if args.len() < 2 || args.iter().any(|a| a == "--help" || a == "-h") {
        eprintln!("{USAGE}");
        std::process::exit(if args.len() < 2 { 2 } else { 0 });
    }
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let out_dir = std::path::PathBuf::from(arg("--out").unwrap_or_else(|| "gen-logs".into()));
    let size = arg("--size")
        .and_then(|s| parse_size(&s))
        .unwrap_or(100 << 20);
    let format = arg("--format").unwrap_or_else(|| "nginx".into());
    let day = bulk::day_start();
    let (incident_start, incident_minutes) = match arg("--incident") {
        Some(spec) => {
            let (at, minutes) = spec.split_once('+').unwrap_or((spec.as_str(), "60"));
            let (_, (civil, offset)) = postmortem::parse::common::rfc3339(
                format!("{at}:00Z").as_bytes(),
            )
            .map_err(|_| std::io::Error::other("--incident wants YYYY-MM-DDTHH:MM+MINUTES"))?;
            (
                civil.with_offset(offset).unwrap_or(day),
                minutes.parse::<i64>().unwrap_or(60),
            )
        }
        None => (day + (8 * 60 + 15) * MICROS_PER_MIN, 195),
    };
    let (path, written) = bulk::write(&out_dir, &format, size, incident_start, incident_minutes)?;
    eprintln!("wrote {} ({written} bytes)", path.display());
    Ok(())
}
