//! Large, deterministic log sets for benchmarks and the stored-output guard: one day of
//! traffic shaped like the sample (diurnal load, a few hundred thousand clients, 0.1 %
//! baseline 5xx) with one incident, as nginx combined, RFC 3164 syslog or JSON lines.
//!
//! Lines are assembled from byte templates with hand-written digit code, so a gigabyte takes a
//! few seconds; the same arguments give the same bytes.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::rng::Rng;
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

fn push_num(out: &mut Vec<u8>, mut n: u64, width: usize) {
    let mut buf = [b'0'; 20];
    let mut i = 20;
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let digits = 20 - i;
    for _ in digits..width {
        out.push(b'0');
    }
    out.extend_from_slice(&buf[i..]);
}

const PATHS: [&[u8]; 5] = [
    b"/api/v1/login",
    b"/api/v1/session",
    b"/api/v1/token/refresh",
    b"/api/v1/userinfo",
    b"/static/app.js",
];
const MONTHS: [&[u8]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

/// Writes about `size` bytes of `format` (`nginx`, `syslog`, `json`) into `out_dir`, with
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
    let name = match format {
        "nginx" => "access.log",
        "syslog" => "syslog",
        "json" => "app.jsonl",
        other => {
            return Err(std::io::Error::other(format!(
                "unknown format {other} (nginx, syslog, json)"
            )));
        }
    };
    let mut file =
        std::io::BufWriter::with_capacity(8 << 20, std::fs::File::create(out_dir.join(name))?);
    let mut rng = Rng::new(42);
    // About 200 bytes a line: spread the lines over the day in proportion to a diurnal curve.
    let total_lines = size / 200;
    let weights: Vec<f64> = (0..1440)
        .map(|m| 0.55 + 0.45 * ((m as f64 / 60.0 - 14.0) / 24.0 * std::f64::consts::TAU).cos())
        .collect();
    let weight_sum: f64 = weights.iter().sum();
    let mut written = 0u64;
    let mut line = Vec::with_capacity(512);
    let mut buf = Vec::with_capacity(16 << 20);
    for (minute, w) in weights.iter().enumerate() {
        let t0: Micros = day + minute as i64 * MICROS_PER_MIN;
        let in_incident =
            t0 >= incident_start && t0 < incident_start + incident_minutes * MICROS_PER_MIN;
        let n = (total_lines as f64 * w / weight_sum).round() as u64;
        let dt = to_naive(t0).unwrap_or_default();
        use chrono::{Datelike, Timelike};
        for _ in 0..n {
            let second = rng.below(60);
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
            match format {
                "nginx" => {
                    push_num(&mut line, 10 + user % 200, 1);
                    line.push(b'.');
                    push_num(&mut line, (user / 200) % 250, 1);
                    line.push(b'.');
                    push_num(&mut line, (user / 50_000) % 250, 1);
                    line.push(b'.');
                    push_num(&mut line, 1 + user % 253, 1);
                    line.extend_from_slice(b" - - [");
                    push_num(&mut line, u64::from(dt.day()), 2);
                    line.push(b'/');
                    line.extend_from_slice(MONTHS[dt.month0() as usize]);
                    line.push(b'/');
                    push_num(&mut line, dt.year() as u64, 4);
                    line.push(b':');
                    push_num(&mut line, u64::from(dt.hour()), 2);
                    line.push(b':');
                    push_num(&mut line, u64::from(dt.minute()), 2);
                    line.push(b':');
                    push_num(&mut line, second, 2);
                    line.extend_from_slice(b" +0000] \"GET ");
                    line.extend_from_slice(PATHS[(user % 5) as usize]);
                    line.extend_from_slice(b" HTTP/1.1\" ");
                    push_num(&mut line, status, 3);
                    line.push(b' ');
                    push_num(&mut line, 100 + rng.below(900), 1);
                    line.extend_from_slice(b" \"https://auth.example.com/\" \"Mozilla/5.0 (X11; Linux x86_64) Firefox/118.0\" 0.0");
                    push_num(&mut line, 10 + rng.below(89), 2);
                    line.push(b'\n');
                }
                "syslog" => {
                    line.extend_from_slice(MONTHS[dt.month0() as usize]);
                    line.push(b' ');
                    push_num(&mut line, u64::from(dt.day()), 2);
                    line.push(b' ');
                    push_num(&mut line, u64::from(dt.hour()), 2);
                    line.push(b':');
                    push_num(&mut line, u64::from(dt.minute()), 2);
                    line.push(b':');
                    push_num(&mut line, second, 2);
                    line.extend_from_slice(b" auth-1 authd[2211]: ");
                    if failing {
                        line.extend_from_slice(b"ERROR realm=corp-eu user=u");
                        push_num(&mut line, user, 6);
                        line.extend_from_slice(
                            b" bind to ldaps://ldap-eu.internal:6360 failed: connection refused\n",
                        );
                    } else {
                        line.extend_from_slice(b"INFO login ok user=u");
                        push_num(&mut line, user, 6);
                        line.extend_from_slice(b" realm=corp-us session created in 12ms, pool 8/8 healthy, cache hit\n");
                    }
                }
                _ => {
                    line.extend_from_slice(b"{\"time\":\"");
                    push_num(&mut line, dt.year() as u64, 4);
                    line.push(b'-');
                    push_num(&mut line, u64::from(dt.month()), 2);
                    line.push(b'-');
                    push_num(&mut line, u64::from(dt.day()), 2);
                    line.push(b'T');
                    push_num(&mut line, u64::from(dt.hour()), 2);
                    line.push(b':');
                    push_num(&mut line, u64::from(dt.minute()), 2);
                    line.push(b':');
                    push_num(&mut line, second, 2);
                    line.extend_from_slice(if failing {
                        b"Z\",\"level\":\"error\",\"msg\":\"upstream failed\""
                    } else {
                        b"Z\",\"level\":\"info\",\"msg\":\"request served\""
                    });
                    line.extend_from_slice(b",\"status\":");
                    push_num(&mut line, status, 3);
                    line.extend_from_slice(b",\"remote_addr\":\"10.");
                    push_num(&mut line, user % 250, 1);
                    line.push(b'.');
                    push_num(&mut line, (user / 250) % 250, 1);
                    line.extend_from_slice(b".1\",\"path\":\"");
                    line.extend_from_slice(PATHS[(user % 5) as usize]);
                    line.extend_from_slice(b"\"}\n");
                }
            }
            buf.extend_from_slice(&line);
            if buf.len() >= 8 << 20 {
                file.write_all(&buf)?;
                written += buf.len() as u64;
                buf.clear();
            }
        }
    }
    file.write_all(&buf)?;
    written += buf.len() as u64;
    file.flush()?;
    Ok((out_dir.join(name), written))
}
