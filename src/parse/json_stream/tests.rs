use super::*;

static HITS: Paths = Paths {
    records: &[&[Step::Key("hits"), Step::Key("hits"), Step::Each]],
    labels: None,
    documents: false,
};

static LOKI: Paths = Paths {
    records: &[&[
        Step::Key("data"),
        Step::Key("result"),
        Step::Each,
        Step::Key("values"),
        Step::Each,
    ]],
    labels: Some(&[
        Step::Key("data"),
        Step::Key("result"),
        Step::Each,
        Step::Key("stream"),
    ]),
    documents: false,
};

static TOP: Paths = Paths {
    records: &[&[]],
    labels: None,
    documents: false,
};

/// The values found in `text` fed `piece` bytes at a time.
fn found(paths: &'static Paths, text: &[u8], piece: usize) -> Vec<(char, String)> {
    let mut splitter = Splitter::new(paths);
    let mut out = Vec::new();
    let mut note = |f: Found| {
        let (kind, start, end) = match f {
            Found::Record { start, end, .. } => ('r', start, end),
            Found::Labels { start, end } => ('l', start, end),
            Found::DocumentStart { .. } | Found::DocumentEnd { .. } => return,
        };
        out.push((
            kind,
            String::from_utf8_lossy(&text[start as usize..end as usize]).into_owned(),
        ));
    };
    for chunk in text.chunks(piece) {
        splitter.feed(chunk, &mut note);
    }
    splitter.finish(&mut note);
    out
}

#[test]
fn records_at_their_path_in_any_cut_of_the_stream() {
    let text = br#"{"took":3,"hits":{"total":{"value":2},"hits":[{"_id":"a","_source":{"message":"x \"}]\" y","n":[1,{"hits":[]}]}},
      {"_id":"b","_source":{"message":"z"}}]},"aggs":{"hits":{"hits":[{"_id":"no"}]}}}"#;
    let expected = vec![
        (
            'r',
            r#"{"_id":"a","_source":{"message":"x \"}]\" y","n":[1,{"hits":[]}]}}"#.to_string(),
        ),
        ('r', r#"{"_id":"b","_source":{"message":"z"}}"#.to_string()),
    ];
    for piece in [1, 2, 3, 7, 64, text.len()] {
        assert_eq!(
            found(&HITS, text, piece),
            expected,
            "fed {piece} bytes at a time"
        );
    }
}

#[test]
fn labels_come_before_the_records_they_name() {
    let text = br#"{"status":"success","data":{"resultType":"streams","result":[{"stream":{"app":"web"},"values":[["1694332800000000000","GET / 200"],["1694332801000000000","boom"]]},{"stream":{"app":"db"},"values":[["1694332802000000000","slow"]]}]}}"#;
    let got = found(&LOKI, text, 5);
    let kinds: String = got.iter().map(|(k, _)| *k).collect();
    assert_eq!(kinds, "lrrlr");
    assert_eq!(got[0].1, r#"{"app":"web"}"#);
    assert_eq!(got[2].1, r#"["1694332801000000000","boom"]"#);
    assert_eq!(got[3].1, r#"{"app":"db"}"#);
}

#[test]
fn top_level_values_are_records_and_stray_commas_change_nothing() {
    let text = b"{\"a\":1}\n{\"b\":\"\\ud800\"},,\n[4,,5] 5 true";
    let got: Vec<String> = found(&TOP, text, 4).into_iter().map(|(_, t)| t).collect();
    assert_eq!(
        got,
        ["{\"a\":1}", "{\"b\":\"\\ud800\"}", "[4,,5]", "5", "true"]
    );
}

#[test]
fn keep_from_is_the_open_record_and_a_dropped_one_is_not_reported() {
    let mut splitter = Splitter::new(&HITS);
    let mut got = Vec::new();
    let first = br#"{"hits":{"hits":[{"_id":"a","big":""#;
    splitter.feed(first, &mut |f| got.push(f));
    assert_eq!(splitter.keep_from(), 17);
    assert!(splitter.drop_open_record());
    let second = br#"xxxx"}, {"_id":"b"}]}}"#;
    splitter.feed(second, &mut |f| got.push(f));
    got.retain(|f| matches!(f, Found::Record { .. }));
    let start = (first.len() + 8) as u64;
    assert_eq!(
        got,
        [Found::Record {
            start,
            end: start + 11,
            document: false
        }]
    );
    assert_eq!(splitter.keep_from(), (first.len() + second.len()) as u64);
}

#[test]
fn nesting_past_the_depth_limit_is_followed_by_depth() {
    let deep = "[".repeat(200) + &"]".repeat(200);
    let text = format!(r#"{{"hits":{{"hits":[{deep},{{"_id":"after"}}]}}}}"#);
    let got = found(&HITS, text.as_bytes(), 9);
    assert_eq!(got.len(), 2);
    assert_eq!(got[1].1, r#"{"_id":"after"}"#);
}

static ITEMS_OR_DOCUMENTS: Paths = Paths {
    records: &[&[Step::Key("items"), Step::Each]],
    labels: None,
    documents: true,
};

#[test]
fn a_document_without_records_is_a_record_and_a_list_gives_its_items() {
    let text = br#"{"type":"ADDED","object":{"reason":"BackOff"}}
{"apiVersion":"v1","items":[{"reason":"Killing"},{"reason":"Pulled"}],"kind":"List"}
{"reason":"Started"}"#;
    let mut splitter = Splitter::new(&ITEMS_OR_DOCUMENTS);
    let mut got = Vec::new();
    for piece in text.chunks(5) {
        splitter.feed(piece, &mut |f| got.push(f));
    }
    splitter.finish(&mut |f| got.push(f));
    let shown: Vec<(bool, String)> = got
        .iter()
        .map(|f| match *f {
            Found::Record {
                start,
                end,
                document,
            } => (
                document,
                String::from_utf8_lossy(&text[start as usize..end as usize]).into_owned(),
            ),
            Found::Labels { .. } => panic!("no labels"),
            Found::DocumentStart { .. } | Found::DocumentEnd { .. } => (false, String::new()),
        })
        .filter(|(_, text)| !text.is_empty())
        .collect();
    assert_eq!(
        shown,
        [
            (
                true,
                r#"{"type":"ADDED","object":{"reason":"BackOff"}}"#.to_string()
            ),
            (false, r#"{"reason":"Killing"}"#.to_string()),
            (false, r#"{"reason":"Pulled"}"#.to_string()),
            (true, r#"{"reason":"Started"}"#.to_string()),
        ]
    );
}

#[test]
fn documents_are_reported_around_their_records() {
    let text = b"{\"hits\":{\"hits\":[{\"a\":1}]}}\n\n{\"took\":1}";
    let mut splitter = Splitter::new(&HITS);
    let mut got = Vec::new();
    splitter.feed(text, &mut |f| got.push(f));
    splitter.finish(&mut |f| got.push(f));
    assert_eq!(
        got,
        [
            Found::DocumentStart { at: 0 },
            Found::Record {
                start: 17,
                end: 24,
                document: false
            },
            Found::DocumentEnd {
                end: 27,
                broken: false
            },
            Found::DocumentStart { at: 29 },
            Found::DocumentEnd {
                end: 39,
                broken: false
            },
        ]
    );
}
