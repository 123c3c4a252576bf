//! Large, deterministic log sets for benchmarks and the stored-output guard: one day of
//! traffic shaped like the sample (diurnal load, a few hundred thousand clients, 0.1 %
//! baseline 5xx) with one incident, in any of the formats of [`FORMATS`] (nginx combined,
//! RFC 3164 syslog, JSON lines, and the load-balancer, container and logfmt shapes).
//!
//! Lines are assembled from byte templates with hand-written digit code, so a gigabyte takes a
//! few seconds; the same arguments give the same bytes.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::rng::Rng;

mod heavy;
mod lines;
pub use lines::FORMATS;
use postmortem::time::{Civil, MICROS_PER_MIN, Micros, to_naive};

/// 2023-09-10T00:00:00Z, the day generated.
pub fn day_start() -> Micros {
    Civil {
        year: 2023,
        month: 9,
        day: 10,
        hour: 0,
        minute: 0,
        second: 0,
        micros: 0,
    }
    .as_utc()
    .unwrap_or(0)
}

/// Writes about `size` bytes of `format` (one of [`FORMATS`]) into `out_dir`, with
/// the incident from `incident_start` for `incident_minutes` (a fifth of the clients fail).
/// Returns the file written and its length.
pub fn write(
    out_dir: &Path,
    format: &str,
    size: u64,
    incident_start: Micros,
    incident_minutes: i64,
) -> std::io::Result<(PathBuf, u64)> {
    let day = day_start();
    std::fs::create_dir_all(out_dir)?;
    let Some(&(_, name, line_length)) = lines::FORMATS.iter().find(|(known, ..)| *known == format)
    else {
        let known: Vec<&str> = lines::FORMATS.iter().map(|(f, ..)| *f).collect();
        return Err(std::io::Error::other(format!(
            "unknown format {format} ({})",
            known.join(", ")
        )));
    };
    let mut file =
        std::io::BufWriter::with_capacity(8 << 20, std::fs::File::create(out_dir.join(name))?);
    let mut rng = Rng::new(42);
    // Spread the lines over the day in proportion to a diurnal curve.
    let total_lines = size / line_length;
    let weights: Vec<f64> = (0..1440)
        .map(|m| 0.55 + 0.45 * ((m as f64 / 60.0 - 14.0) / 24.0 * std::f64::consts::TAU).cos())
        .collect();
    let weight_sum: f64 = weights.iter().sum();
    let mut written = 0u64;
    let mut line = Vec::with_capacity(512);
    let mut buf = Vec::with_capacity(16 << 20);
    buf.extend_from_slice(match format {
        "elasticsearch" => heavy::SEARCH_HEAD,
        _ => lines::header(format),
    });
    for (minute, w) in weights.iter().enumerate() {
        let t0: Micros = day + minute as i64 * MICROS_PER_MIN;
        let in_incident =
            t0 >= incident_start && t0 < incident_start + incident_minutes * MICROS_PER_MIN;
        let n = (total_lines as f64 * w / weight_sum).round() as u64;
        let dt = to_naive(t0).unwrap_or_default();
        for i in 0..n {
            // The busy day is written in time order, as a server writes it.
            let second = match format {
                "nginx-busy" => i * 60 / n,
                _ => rng.below(60),
            };
            let user = rng.below(300_000);
            let failing = if in_incident {
                user.is_multiple_of(5)
            } else {
                rng.chance(0.001)
            };
            let status: u64 = if failing {
                [500, 502, 503, 504][(user % 4) as usize]
            } else {
                200
            };
            line.clear();
            let request = lines::Request {
                minute: &dt,
                second,
                user,
                status,
                failing,
            };
            match format {
                "nginx-busy" => heavy::nginx_busy(&request, &mut rng, &mut line),
                "elasticsearch" => heavy::search_hit(&request, &mut rng, &mut line),
                _ => lines::write(format, &request, &mut rng, &mut line),
            }
            buf.extend_from_slice(&line);
            if buf.len() >= 8 << 20 {
                file.write_all(&buf)?;
                written += buf.len() as u64;
                buf.clear();
            }
        }
    }
    // A JSON response closes its array.
    if format == "elasticsearch" {
        buf.extend_from_slice(heavy::SEARCH_TAIL);
    }
    file.write_all(&buf)?;
    written += buf.len() as u64;
    file.flush()?;
    Ok((out_dir.join(name), written))
}
