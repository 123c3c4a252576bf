//! The HTML report in a real headless Chromium (Debian's `chromium`): it must render with no
//! console message, and the chart the browser built must hold every bin, the shaded incident
//! window and every timeline event in a marker; on a phone-sized frame the page must not
//! scroll sideways and the chart's text must stay legible; dark mode must take. Screenshots
//! (desktop and phone) are taken as the last step.
//!
//! Without a browser the test is ignored, with the reason (`build.rs` looks for one), except
//! under `CI=true`, where `.ci/run` has installed one and its absence is a failure.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::Command as Binary;
use serde_json::Value;

fn browser() -> Option<PathBuf> {
    [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ]
    .iter()
    .find_map(|name| {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join(name))
                .find(|p| p.is_file())
        })
    })
}

/// Flags for a browser that runs as root in a container, without GPU or network.
fn headless(browser: &Path, profile: &Path) -> Command {
    let mut cmd = Command::new(browser);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-extensions",
        "--no-first-run",
        "--hide-scrollbars",
        "--enable-logging=stderr",
        "--v=0",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    cmd
}

fn attribute(tag: &str, name: &str) -> Option<u64> {
    text_attribute(tag, name)?.parse().ok()
}

fn text_attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    tag[start..].split('"').next()
}

/// What the page's own script recorded (`<output id="self-check" …>`), after checking the
/// browser printed no console message.
fn self_check(mut cmd: Command, url: &str) -> String {
    let dom = cmd
        .args(["--virtual-time-budget=3000", "--dump-dom", url])
        .output()
        .expect("chromium runs");
    let page = String::from_utf8_lossy(&dom.stdout)
        .replace("&lt;", "<")
        .replace("&gt;", ">");
    let log = String::from_utf8_lossy(&dom.stderr);
    let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "console messages: {console:#?}");
    let check_at = page
        .find("<output id=\"self-check\"")
        .unwrap_or_else(|| panic!("the page's script did not run; chromium said:\n{log}"));
    let end = page[check_at..]
        .find('>')
        .map_or(page.len(), |e| check_at + e);
    page[check_at..end].to_string()
}

/// A page that shows the report in a phone-sized frame (390 × 844 CSS pixels, an iPhone 14)
/// and copies the frame's self-check out: a headless window cannot be narrower than 500.
fn phone_frame(dir: &Path) -> PathBuf {
    let page = dir.join("phone.html");
    std::fs::write(
        &page,
        r#"<!DOCTYPE html><html><body style="margin:0"><iframe id="f" src="report.html" style="width:390px;height:844px;border:0"></iframe><pre id="out"></pre><script>
document.getElementById('f').addEventListener('load', function () {
  var c = this.contentDocument.getElementById('self-check');
  document.getElementById('out').textContent = c ? c.outerHTML : 'no self-check';
});
</script></body></html>"#,
    )
    .expect("frame page");
    page
}

struct Sample {
    bins: u64,
    events: u64,
    incidents: u64,
}

fn assert_whole_chart(tag: &str, sample: &Sample) {
    assert_eq!(attribute(tag, "data-errors"), Some(0), "{tag}");
    assert_eq!(
        attribute(tag, "data-bins"),
        Some(sample.bins),
        "every bin drawn: {tag}"
    );
    assert_eq!(
        attribute(tag, "data-incidents"),
        Some(sample.incidents),
        "{tag}"
    );
    assert_eq!(
        attribute(tag, "data-markers"),
        Some(sample.events),
        "every event in a marker: {tag}"
    );
    assert_eq!(
        attribute(tag, "data-charts-shown"),
        Some(1),
        "one chart shown: {tag}"
    );
    assert_eq!(attribute(tag, "data-h1"), Some(1), "one title: {tag}");
    // Citations open onto the lines around them: the sample's first shows five lines.
    assert!(
        attribute(tag, "data-citations").is_some_and(|n| n >= 15),
        "citations that open: {tag}"
    );
    assert_eq!(attribute(tag, "data-citation-lines"), Some(5), "{tag}");
    assert!(
        attribute(tag, "data-citation-height").is_some_and(|h| h > 20),
        "an opened citation shows its lines: {tag}"
    );
    assert_eq!(
        attribute(tag, "data-tables-events"),
        Some(sample.incidents),
        "one timeline table per incident: {tag}"
    );
}

fn screenshot(chromium: &Path, profile: &Path, size: &str, shot: &Path, url: &str) {
    let status = headless(chromium, profile)
        .arg(format!("--window-size={size}"))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(url)
        .output()
        .expect("chromium runs");
    let png = std::fs::read(shot).unwrap_or_else(|e| {
        panic!(
            "no screenshot ({e}): {}",
            String::from_utf8_lossy(&status.stderr)
        )
    });
    assert!(png.starts_with(b"\x89PNG"), "a PNG");
    assert!(
        png.len() > 20_000,
        "a rendered page, not a blank one: {} bytes",
        png.len()
    );
}

#[test]
#[cfg_attr(no_chromium, ignore = "needs Chromium on PATH (then touch build.rs)")]
fn the_report_renders_in_chromium_on_a_desktop_a_phone_and_in_dark_mode() {
    // Ignored where the tests were built without it (build.rs); absent here, it fails.
    let chromium = browser().expect("chromium on PATH (.ci/run installs it)");
    let dir = tempfile::tempdir().expect("temp dir");
    let report = dir.path().join("report.html");
    let out = Binary::cargo_bin("postmortem")
        .expect("binary")
        .arg("draft")
        .arg(common::sample_logs())
        .arg("--json")
        .arg("--html")
        .arg(&report)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let draft: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let incidents = draft["incidents"].as_array().expect("incidents");
    let sample = Sample {
        bins: draft["series"].as_array().expect("series").len() as u64,
        events: incidents
            .iter()
            .map(|i| i["timeline"].as_array().map_or(0, Vec::len) as u64)
            .sum(),
        incidents: incidents.len() as u64,
    };
    assert!(
        sample.bins > 100 && sample.events > 10,
        "{} bins, {} events",
        sample.bins,
        sample.events
    );

    let html = std::fs::read_to_string(&report).expect("report written");
    assert!(
        !html.contains(" src=") && !html.contains("href=\"http"),
        "nothing fetched"
    );
    assert!(!html.contains("<link"), "no external stylesheet");
    let url = format!("file://{}", report.display());

    // A desktop window: the wide chart, laid out large.
    let mut desktop = headless(&chromium, &dir.path().join("profile-desktop"));
    desktop.arg("--window-size=1100,1400");
    let tag = self_check(desktop, &url);
    assert_whole_chart(&tag, &sample);
    assert_eq!(
        text_attribute(&tag, "data-chart"),
        Some("chart-wide"),
        "{tag}"
    );
    assert_eq!(attribute(&tag, "data-dark"), Some(0), "{tag}");
    assert!(
        attribute(&tag, "data-width").is_some_and(|w| w > 900),
        "{tag}"
    );
    assert!(
        attribute(&tag, "data-height").is_some_and(|h| h > 300),
        "{tag}"
    );

    // A phone held upright: the narrow chart, legible text, and no sideways scroll of the page
    // (wide tables scroll inside their own box).
    let phone_url = format!("file://{}", phone_frame(dir.path()).display());
    let mut phone = headless(&chromium, &dir.path().join("profile-phone"));
    phone.args(["--window-size=800,1000", "--allow-file-access-from-files"]);
    let tag = self_check(phone, &phone_url);
    assert_whole_chart(&tag, &sample);
    assert_eq!(
        text_attribute(&tag, "data-chart"),
        Some("chart-narrow"),
        "{tag}"
    );
    assert_eq!(attribute(&tag, "data-viewport"), Some(390), "{tag}");
    assert!(
        attribute(&tag, "data-page-width").is_some_and(|w| w <= 390),
        "the page scrolls sideways at 390 px: {tag}"
    );
    let smallest: f64 = text_attribute(&tag, "data-smallest-text")
        .and_then(|t| t.parse().ok())
        .expect("text measured");
    assert!(
        smallest >= 9.0,
        "chart text {smallest} px high at 390 px: {tag}"
    );

    // Dark mode: the page follows the reader's setting.
    let mut dark = headless(&chromium, &dir.path().join("profile-dark"));
    dark.args(["--window-size=1100,1400", "--force-dark-mode"]);
    let tag = self_check(dark, &url);
    assert_whole_chart(&tag, &sample);
    assert_eq!(attribute(&tag, "data-dark"), Some(1), "{tag}");
    let background = text_attribute(&tag, "data-background").unwrap_or_default();
    let channels: Vec<u32> = background
        .trim_start_matches("rgb(")
        .trim_end_matches(')')
        .split(", ")
        .filter_map(|c| c.parse().ok())
        .collect();
    assert!(
        channels.len() == 3 && channels.iter().all(|c| *c < 64),
        "a dark background: {background}"
    );

    screenshot(
        &chromium,
        &dir.path().join("profile-shot"),
        "1100,1400",
        &dir.path().join("report.png"),
        &url,
    );
    screenshot(
        &chromium,
        &dir.path().join("profile-shot-phone"),
        "390,1600",
        &dir.path().join("phone.png"),
        &url,
    );
}
