//! Times to believe, and the window a run looks at: a line's time is checked here before it
//! counts anywhere, so one corrupt stamp never stretches a span, a chart or an incident.

use serde::{Deserialize, Serialize};

use crate::time::Micros;

/// Times a line may carry: from 1990 (older is a clock that never got set, or a parse of
/// garbage) to a bound after the newest input file was written (later is a clock running
/// ahead, or a corrupt field such as a 20-digit journald timestamp). Lines outside are skipped
/// with the reason, so one bad time never stretches the span, the chart or an incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaneTimes {
    /// The earliest time a line may carry.
    pub earliest: Micros,
    /// The latest time a line may carry.
    pub latest: Micros,
    /// The window the run was asked to look at (`draft --since/--until`), both ends
    /// included: lines outside it are left out and counted apart, not skipped as bad.
    #[serde(default = "whole_time")]
    pub scope: (Micros, Micros),
}

/// No scope: every time.
fn whole_time() -> (Micros, Micros) {
    (Micros::MIN, Micros::MAX)
}

/// 1990-01-01T00:00:00Z.
pub const EARLIEST_SANE: Micros = 631_152_000 * 1_000_000;

impl Default for SaneTimes {
    fn default() -> Self {
        Self {
            earliest: EARLIEST_SANE,
            latest: Micros::MAX,
            scope: whole_time(),
        }
    }
}

impl SaneTimes {
    /// Whether `t` lies in the run's scope.
    #[inline]
    pub(crate) fn in_scope(&self, t: Micros) -> bool {
        (self.scope.0..=self.scope.1).contains(&t)
    }

    /// Why `t` is not a time to believe, if it is not.
    pub(crate) fn reject(&self, t: Micros) -> Option<String> {
        // Every line asks: the common answer costs two comparisons.
        if (self.earliest..=self.latest).contains(&t) {
            return None;
        }
        if crate::time::to_naive(t).is_none() {
            return Some(
                "time beyond any calendar date (a corrupt or overflowing field): not believed"
                    .into(),
            );
        }
        if t < self.earliest {
            Some(format!(
                "time {} is before {}: not believed",
                crate::time::format_utc(t),
                crate::time::format_utc(self.earliest)
            ))
        } else if t > self.latest {
            Some(format!(
                "time {} is after {} (a day past the newest file's modification time): not believed",
                crate::time::format_utc(t),
                crate::time::format_utc(self.latest)
            ))
        } else {
            None
        }
    }
}
