//! postmortem: reconstruct an incident's timeline from the logs copied off the servers.
//!
//! The pipeline, one module per stage:
//! [`discover`] → [`read`] (chunks, decompression) → [`parse`] (one module per format) →
//! [`time`] (zones, years) → [`aggregate`] (mergeable per-chunk summaries) → [`detect`] →
//! [`timeline`] → [`render`]. [`pipeline`] runs the first five; [`draft`] runs them all.

pub mod aggregate;
pub mod config;
pub mod detect;
pub mod discover;
pub mod error;
pub mod exit;
pub mod output;
pub mod parse;
pub mod pipeline;
pub mod read;
pub mod render;
pub mod scenario;
pub mod time;
pub mod timeline;

pub use config::Config;
pub use error::Error;

/// The name serde gives a unit enum value (`nginx_access`, `detection`, `gzip`): the one
/// JSON users see, reused wherever text shows the same value.
pub fn serde_name<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Reads the configured logs and builds the draft postmortem.
pub fn draft(config: &Config) -> Result<(timeline::Draft, pipeline::Analysis), Error> {
    let analysis = pipeline::analyse(config)?;
    let draft = timeline::build(&analysis, config.detect_params());
    Ok((draft, analysis))
}
