//! postmortem: reconstruct an incident's timeline from the logs copied off the servers.
//!
//! The library's API is what a program that drafts postmortems needs: a [`Config`] (built
//! with [`Config::new`] and its `with_…` methods), [`draft`] (or [`draft_timed`]) returning
//! the [`Draft`] (its incidents of each [`Kind`]) and the [`Analysis`] it came from,
//! [`render`] for Markdown, JSON, HTML and the terminal layout, and [`sniff`] to ask what
//! format some bytes are in.
//!
//! The pipeline, one module per stage:
//! `discover` → `read` (chunks, decompression) → `parse` (one module per format) →
//! `time` (zones, years) → `aggregate` (mergeable per-chunk summaries) → `detect` →
//! `timeline` → [`render`]. `pipeline` runs the first five; [`draft`] runs them all. The
//! stages are public for the binary, the integration tests and the benchmarks, which reach
//! into them, but hidden from the documentation: they are not the API and change freely.

#![warn(missing_docs)]
// The stages' docs are read in the source or with `cargo doc --document-private-items`, where
// their links to crate-private items resolve.
#![allow(rustdoc::private_intra_doc_links)]

#[doc(hidden)]
pub mod aggregate;
pub mod config;
#[doc(hidden)]
pub mod detect;
#[doc(hidden)]
pub mod discover;
pub mod error;
pub mod exit;
#[doc(hidden)]
pub mod name;
#[doc(hidden)]
pub mod parse;
#[doc(hidden)]
pub mod pipeline;
#[doc(hidden)]
pub mod read;
pub mod render;
#[doc(hidden)]
pub mod time;
#[doc(hidden)]
pub mod timeline;

pub use config::Config;
pub use detect::Kind;
pub use error::Error;
#[doc(hidden)]
pub use name::serde_name;
pub use parse::{Detection, Format, Sniffed, sniff};
pub use pipeline::Analysis;
pub use timeline::Draft;

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
