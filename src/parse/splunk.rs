//! Splunk's JSON export: `splunk search … -output json`, the REST API's
//! `search/jobs/export?output_mode=json` and Splunk Web's JSON download write one result a
//! line, `{"preview":false,"offset":0,"result":{"_raw":"…","_time":"…","host":"…","source":
//! "…","sourcetype":"…",…}}` (read by the export lines reader with [`row`]). `_raw` is the line
//! as the program wrote it; `host` and `source` (the file) name the source. Splunk's CSV
//! export (`"_raw","_time","host","source",…`) is read by the CSV export reader.

use serde_json::Value;

use super::export::{Body, Row, source_of, text, time_of};

/// One result of the export.
pub fn row(line: Value) -> Result<Row, &'static str> {
    let result = line
        .get("result")
        .filter(|r| r.is_object())
        .unwrap_or(&line);
    let when = result
        .get("_time")
        .and_then(time_of)
        .or_else(|| result.get("_indextime").and_then(time_of))
        .ok_or("a Splunk result without a _time")?;
    let raw = result
        .get("_raw")
        .and_then(text)
        .ok_or("a Splunk result without its _raw line")?;
    Ok(Row {
        when,
        body: Body::Line(raw),
        source: source_of(result),
        error: None,
    })
}

/// Whether `value` is a line of a Splunk export.
pub(crate) fn is_result(value: &Value) -> bool {
    let result = value.get("result").unwrap_or(value);
    result.get("_raw").is_some() && result.get("_time").is_some()
}
