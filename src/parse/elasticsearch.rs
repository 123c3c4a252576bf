//! Elasticsearch and OpenSearch `_search` and scroll responses (`curl …/_search`, each page
//! of a scroll, one after another in a file): the records are `hits.hits[]`, each with its
//! document in `_source` (ECS fields from Filebeat, Logstash or Fluent Bit: `@timestamp`,
//! `message`, `log.level`, `host.name`, `kubernetes.pod.name`, `log.file.path`). A response
//! of any size is streamed, hit by hit; hits newest-first (Kibana's and most queries' sort)
//! are read as any others. A hit per line (elasticdump's output) is read by the export lines
//! reader with this file's [`row`].

use serde_json::Value;

use super::common::is_error_level;
use super::entry::read_whole;
use super::export::{Body, Row, fold_record, lookup, source_of, text, time_of};
use super::json_stream::{Paths, Step};
use super::spec::{
    Around, Documents, Fold, Format, FormatSpec, Meaning, RECOGNISE_NOTHING, Recognise, Records,
};

static PATHS: Paths = Paths {
    records: &[&[Step::Key("hits"), Step::Key("hits"), Step::Each]],
    labels: None,
    documents: false,
};

/// Keys of the time, most telling first.
const TIME_KEYS: [&str; 4] = ["@timestamp", "timestamp", "time", "event.created"];
/// Keys of the line as it was logged.
const LINE_KEYS: [&str; 4] = ["message", "log", "event.original", "msg"];

/// One hit: its `_source`, taken (moved into the row, not copied).
pub fn row(mut hit: Value) -> Result<Row, &'static str> {
    let source = hit
        .get_mut("_source")
        .filter(|s| s.is_object())
        .map(Value::take)
        .ok_or("a hit without a _source document")?;
    let when = TIME_KEYS
        .iter()
        .find_map(|k| lookup(&source, k).and_then(time_of))
        .ok_or("a hit whose _source has no @timestamp")?;
    let line = LINE_KEYS
        .iter()
        .find_map(|k| lookup(&source, k).and_then(text));
    let error = ["log.level", "level", "severity"]
        .iter()
        .find_map(|k| lookup(&source, k).and_then(Value::as_str))
        .map(|level| is_error_level(level.as_bytes()));
    Ok(Row {
        when,
        source: source_of(&source),
        body: Body::Record { json: source, line },
        error,
    })
}

/// A hit read from its bytes (see [`Documents`]).
fn read_hit(record: &[u8], _: Around<'_>, fold: Fold<'_>) -> Result<(), &'static str> {
    fold_record(record, row, fold)
}

/// Whether a file's head is a search response.
pub(crate) fn looks_like_response(head: &[u8]) -> bool {
    let has = |key: &[u8]| memchr::memmem::find(head, key).is_some();
    has(b"\"hits\"") && has(b"\"_index\"") && (has(b"\"_source\"") || has(b"\"took\""))
}

/// Elasticsearch and OpenSearch search responses.
pub(crate) const SPEC: FormatSpec = FormatSpec {
    format: Format::Elasticsearch,
    name: "Elasticsearch/OpenSearch search response",
    meaning: Meaning::MaybeRequests,
    zone_less: false,
    every_line_has_offset: true,
    accepts: |_| false,
    read: read_whole,
    documents: Some(Documents {
        recognise: Recognise {
            head_keys: Some(looks_like_response),
            ..RECOGNISE_NOTHING
        },
        records: Records::Streamed {
            paths: &PATHS,
            read: read_hit,
        },
    }),
};
