use super::*;

fn chunks_of(data: &[u8], size: usize) -> Vec<Vec<u8>> {
    let mut chunker = Chunker::new(Box::new(Cursor::new(data.to_vec())), size);
    let mut out = Vec::new();
    let mut buf = Vec::new();
    while chunker.next_chunk(&mut buf).unwrap() {
        out.push(buf.clone());
    }
    out
}

#[test]
fn chunks_end_on_newlines_and_cover_everything() {
    let data = b"one\ntwo\nthree\nfour\nfive";
    for size in 1..=data.len() + 1 {
        let chunks = chunks_of(data, size);
        assert_eq!(chunks.concat(), data.to_vec(), "size {size}");
        for c in &chunks[..chunks.len() - 1] {
            assert!(c.ends_with(b"\n"), "size {size}: {c:?}");
        }
    }
}

#[test]
fn lines_split_like_a_text_editor() {
    let collect = |d: &[u8]| lines(d).map(|l| l.to_vec()).collect::<Vec<_>>();
    assert_eq!(collect(b"a\nb\n"), vec![b"a".to_vec(), b"b".to_vec()]);
    assert_eq!(collect(b"a\nb"), vec![b"a".to_vec(), b"b".to_vec()]);
    assert_eq!(collect(b"\n\n"), vec![b"".to_vec(), b"".to_vec()]);
    assert!(collect(b"").is_empty());
}
