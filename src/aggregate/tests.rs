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
