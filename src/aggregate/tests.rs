use super::*;

#[test]
fn client_activity_merges_and_counts_by_window() {
    let mut a = Clients::default();
    a.record(b"alice", 10, false);
    a.record(b"alice", 11, true);
    a.record(b"bob", 30, false);
    let mut b = Clients::default();
    b.record(b"alice", 12, false);
    b.record(b"carol", 11, true);
    a.merge(b);
    assert_eq!(a.active_and_affected(10, 12), (2, 2));
    assert_eq!(a.active_and_affected(12, 40), (2, 0));
    assert_eq!(a.get(b"alice").unwrap().active, vec![(10, 12)]);
    assert_eq!(a.len(), 3);
    assert!(a.named, "alice is a name, not an address");
}

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
