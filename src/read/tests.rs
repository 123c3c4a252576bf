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

/// A traceback cut from its error line by a chunk boundary gave the signature of the first
/// line in one run and of the exception in another, by chunk size alone.
#[test]
fn chunks_aligned_to_records_never_split_one_whatever_their_size() {
    let data =
        b"E one\n  frame\n  frame\nKeyError: 'a'\nE two\nE three\n  frame\nValueError\nE four";
    for size in 1..=data.len() + 1 {
        let mut chunker = Chunker::new(Box::new(Cursor::new(data.to_vec())), size)
            .align_to_records(Box::new(|line: &[u8]| line.starts_with(b"E ")));
        let mut chunks = Vec::new();
        let mut buf = Vec::new();
        while chunker.next_chunk(&mut buf).unwrap() {
            chunks.push(buf.clone());
        }
        assert_eq!(chunks.concat(), data.to_vec(), "size {size}");
        for c in &chunks {
            assert!(
                c.starts_with(b"E "),
                "size {size}: a chunk starts inside a record: {c:?}"
            );
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

#[test]
fn a_line_longer_than_the_cap_is_cut_and_the_lines_after_it_are_kept() {
    let mut data = b"first\n".to_vec();
    data.extend(std::iter::repeat_n(b'x', 3 * MAX_LINE_BYTES + 17));
    data.extend_from_slice(b"\nthird\nfourth");
    let stream: Stream = Box::new(std::io::Cursor::new(data));
    let mut chunker = Chunker::new(stream, 4096);
    let mut buf = Vec::new();
    let mut lines_seen: Vec<usize> = Vec::new();
    let mut biggest = 0;
    while chunker.next_chunk(&mut buf).unwrap() {
        biggest = biggest.max(buf.capacity());
        lines_seen.extend(lines(&buf).map(<[u8]>::len));
    }
    assert_eq!(lines_seen, vec![5, MAX_LINE_BYTES, 5, 6]);
    assert_eq!(chunker.cut_lines, 1);
    // Every byte is accounted for: read whole, or cut off the long line.
    let kept: usize = 6 + MAX_LINE_BYTES + 1 + 6 + 6;
    assert_eq!(
        kept as u64 + chunker.cut_bytes,
        (6 + 3 * MAX_LINE_BYTES + 17 + 1 + 12) as u64
    );
    assert!(
        biggest <= 2 * MAX_LINE_BYTES + 4096,
        "buffer grew to {biggest}"
    );
}

#[test]
fn a_last_line_longer_than_the_cap_is_cut() {
    let data = vec![b'y'; MAX_LINE_BYTES + 5];
    let stream: Stream = Box::new(std::io::Cursor::new(data));
    let mut chunker = Chunker::new(stream, 1 << 16);
    let mut buf = Vec::new();
    let mut seen = Vec::new();
    while chunker.next_chunk(&mut buf).unwrap() {
        seen.extend(lines(&buf).map(<[u8]>::len));
    }
    assert_eq!(seen, vec![MAX_LINE_BYTES]);
    assert_eq!(chunker.cut_lines, 1);
}

#[test]
fn a_file_truncated_or_replaced_while_read_is_told_apart_from_one_that_grew() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.log");
    std::fs::write(&path, "one\ntwo\nthree\n").unwrap();
    let before = std::fs::metadata(&path).unwrap();
    assert_eq!(changed_while_read(&path, &before, 14), None);
    // Grew (a live log): fine.
    std::fs::write(&path, "one\ntwo\nthree\nfour\n").unwrap();
    assert_eq!(changed_while_read(&path, &before, 14), None);
    // Truncated in place (copytruncate).
    let before = std::fs::metadata(&path).unwrap();
    std::fs::File::create(&path).unwrap();
    let told = changed_while_read(&path, &before, 4).unwrap();
    assert!(
        told.starts_with("truncated while being read: 19 bytes before, 0 after"),
        "{told}"
    );
    // Replaced (logrotate's create: a new file under the name).
    std::fs::write(&path, "old\n").unwrap();
    let before = std::fs::metadata(&path).unwrap();
    let other = dir.path().join("new.log");
    std::fs::write(&other, "new\n").unwrap();
    std::fs::rename(&other, &path).unwrap();
    let told = changed_while_read(&path, &before, 4).unwrap();
    assert!(told.starts_with("replaced while being read"), "{told}");
    std::fs::remove_file(&path).unwrap();
    assert_eq!(
        changed_while_read(&path, &before, 4).as_deref(),
        Some("removed while being read")
    );
}

#[test]
fn the_sample_holds_whole_lines_when_lines_are_longer_than_it() {
    let line = format!("GET /q/{} HTTP/1.1\n", "x".repeat(200_000));
    let data = line.repeat(10);
    let opened = sample_and_chain(
        Compression::None,
        Box::new(Cursor::new(data.clone().into_bytes())),
        None,
        None,
    )
    .unwrap();
    assert!(!opened.complete);
    assert_eq!(memchr::memchr_iter(b'\n', &opened.sample).count(), 3);
    let mut all = Vec::new();
    let mut stream = opened.stream;
    stream.read_to_end(&mut all).unwrap();
    assert_eq!(all, data.as_bytes(), "the sample is chained back in front");
}
