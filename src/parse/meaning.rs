//! What a line means, beyond its format: which lines are actions (a sudo command, a restart,
//! a deploy marker, a failover), which are errors when the format has no severity, and what
//! a command run through sudo does. Decided from the text as each program writes it, for any
//! format that carries such text; the aggregate stage only counts what is decided here.
//!
//! Why in parse/: meaning is read off the line like its fields are. Kept in one folder so a
//! new rule is a change here, never in the fold.

pub mod action;
pub mod catalogue;
mod commands;
pub mod notable;

pub use action::{Action, ActionKind};
