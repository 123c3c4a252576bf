//! What an action changed: the error ratio in the minutes after it against the minutes
//! before, judged with a two-proportion z-test so that noise at low traffic is not read as
//! an effect. Actions during an incident that changed nothing are the candidate misleading
//! paths; the one after which the ratio fell most is the candidate resolution.

use serde::Serialize;

use super::Bin;

/// Minutes compared on each side of an action.
pub(crate) const EFFECT_WINDOW_BINS: i64 = 10;
/// |z| beyond which a change counts (about a 1 % two-sided test).
pub(crate) const EFFECT_Z: f64 = 2.58;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
/// What the error rate did after an action.
pub enum Direction {
    /// It fell.
    Fell,
    /// It rose.
    Rose,
    /// No change the test can tell from noise.
    NoChange,
    /// Too little traffic on one side to say.
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
/// The error rate before and after an action.
pub struct Effect {
    /// Error ratio in the bins before.
    pub before_ratio: f64,
    /// Error ratio in the bins after.
    pub after_ratio: f64,
    /// Requests in the bins before.
    pub before_requests: u64,
    /// Requests in the bins after.
    pub after_requests: u64,
    /// What the test says.
    pub verdict: Direction,
}

fn window(bins: &[Bin], from: i64, to: i64) -> (u64, u64) {
    let start = bins.partition_point(|b| b.index < from);
    bins[start..]
        .iter()
        .take_while(|b| b.index < to)
        .fold((0, 0), |(n, e), b| (n + b.total, e + b.errors.min(b.total)))
}

/// The effect of something that happened in bin `at` (the bin itself is left out: it mixes
/// before and after).
pub fn effect(bins: &[Bin], at: i64) -> Effect {
    let (n0, e0) = window(bins, at - EFFECT_WINDOW_BINS, at);
    let (n1, e1) = window(bins, at + 1, at + 1 + EFFECT_WINDOW_BINS);
    let ratio = |e: u64, n: u64| if n > 0 { e as f64 / n as f64 } else { 0.0 };
    let (r0, r1) = (ratio(e0, n0), ratio(e1, n1));
    let verdict = if n0 < 10 || n1 < 10 {
        Direction::Unknown
    } else {
        let pooled = (e0 + e1) as f64 / (n0 + n1) as f64;
        let se = (pooled * (1.0 - pooled) * (1.0 / n0 as f64 + 1.0 / n1 as f64)).sqrt();
        let z = if se > 0.0 { (r1 - r0) / se } else { 0.0 };
        if z <= -EFFECT_Z {
            Direction::Fell
        } else if z >= EFFECT_Z {
            Direction::Rose
        } else {
            Direction::NoChange
        }
    };
    Effect {
        before_ratio: r0,
        after_ratio: r1,
        before_requests: n0,
        after_requests: n1,
        verdict,
    }
}
