use super::*;

#[test]
fn append_moves_line_numbers_past_the_earlier_chunk() {
    let mut first = Summary {
        lines: 10,
        ..Summary::default()
    };
    let mut second = Summary {
        lines: 5,
        ..Summary::default()
    };
    second.skip(2, || "bad".into());
    first.append(second);
    assert_eq!(first.lines, 15);
    assert_eq!(first.skipped_examples, vec![(12, "bad".to_string())]);
}

/// rsyslog folds repeats of a message: `message repeated 5 times: [ Failed password …]` is
/// five tries from that address, and was counted as one.
#[test]
fn a_folded_repeat_of_a_failed_login_counts_every_try() {
    use crate::aggregate::chunk::{ChunkContext, process_chunk};
    let chunk = b"2024-10-24T13:50:00+00:00 bastion sshd[812]: Failed password for root from 203.0.113.77 port 40000 ssh2\n2024-10-24T13:50:05+00:00 bastion sshd[812]: message repeated 5 times: [ Failed password for root from 203.0.113.77 port 40000 ssh2]\n";
    let ctx = ChunkContext::new(
        crate::parse::Format::Syslog,
        0,
        60 * crate::time::MICROS_PER_SEC,
        crate::time::Zone::Fixed(0),
    );
    let summary = process_chunk(chunk, &ctx).summary;
    // Two lines, six tries.
    assert_eq!(summary.auth_failures.values().sum::<u64>(), 2);
    assert_eq!(summary.auth_repeats.values().sum::<u64>(), 4);
    let top = summary.failed_login_sources.top(i64::MIN, i64::MAX, 1);
    assert_eq!(top, vec![("203.0.113.77".to_string(), 6)]);
}
