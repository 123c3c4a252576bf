//! Exit codes, so scripts can tell "an incident was found" from "nothing happened" from
//! "something went wrong".

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// How a run ends, as the shell sees it (see `--help`).
pub enum ExitCode {
    /// A draft was written and it holds at least one incident.
    Incident = 0,
    /// The logs were read and show no incident.
    NoIncident = 1,
    /// Bad arguments, no readable log, or a file that could not be read (the draft is still
    /// written from the rest).
    Error = 2,
}

impl ExitCode {
    /// Commands that find nothing (completions, man) succeed with 0.
    pub const SUCCESS: ExitCode = ExitCode::Incident;

    /// The code for a finished run: errors on some files outrank the finding.
    pub fn for_run(incidents: usize, had_errors: bool) -> ExitCode {
        match (had_errors, incidents) {
            (true, _) => ExitCode::Error,
            (false, 0) => ExitCode::NoIncident,
            (false, _) => ExitCode::Incident,
        }
    }
}

impl From<ExitCode> for std::process::ExitCode {
    fn from(code: ExitCode) -> Self {
        std::process::ExitCode::from(code as u8)
    }
}

#[cfg(test)]
mod tests;
