//! postmortem: reconstruct an incident's timeline from the logs copied off the servers.
//!
//! The pipeline, one module per stage:
//! [`discover`] → [`read`] (chunks, decompression) → [`parse`] (one module per format) →
//! [`time`] (zones, years) → [`aggregate`] (mergeable per-chunk summaries) → [`detect`] →
//! [`timeline`] → [`render`]. [`pipeline`] runs the first five; [`draft`] runs them all.

#![warn(missing_docs)]

pub mod aggregate;
pub mod cli;
pub mod config;
pub mod detect;
pub mod discover;
pub mod error;
pub mod exit;
pub mod name;
pub mod output;
pub mod parse;
pub mod pipeline;
pub mod read;
pub mod render;
pub mod time;
pub mod timeline;

pub use config::Config;
pub use error::Error;
pub use name::serde_name;

/// Reads the configured logs and builds the draft postmortem.
pub fn draft(config: &Config) -> Result<(timeline::Draft, pipeline::Analysis), Error> {
    draft_timed(config, None).map(|(draft, analysis, _)| (draft, analysis))
}

/// How long the two halves of a run took, for `--stats`.
#[derive(Debug, Clone, Copy)]
pub struct Timings {
    /// Discover, read, parse and aggregate.
    pub read: std::time::Duration,
    /// Detect and build the timeline.
    pub detect: std::time::Duration,
}

/// [`draft`], timed, counting how far the reading has got on `progress` (for a progress bar).
pub fn draft_timed(
    config: &Config,
    progress: Option<&config::Progress>,
) -> Result<(timeline::Draft, pipeline::Analysis, Timings), Error> {
    let started = std::time::Instant::now();
    let analysis = pipeline::analyse_watched(config, progress)?;
    Ok(draft_of(analysis, config, started))
}

/// The draft of a run already read (here, or by `partial`s that `merge` put together), with
/// the time since `started` split into reading and the rest.
pub fn draft_of(
    analysis: pipeline::Analysis,
    config: &Config,
    started: std::time::Instant,
) -> (timeline::Draft, pipeline::Analysis, Timings) {
    let read = started.elapsed();
    let draft = timeline::build(&analysis, crate::detect::Params::of(config));
    let detect = started.elapsed() - read;
    (draft, analysis, Timings { read, detect })
}
