//! The name serde gives a unit enum value (`nginx_access`, `detection`, `gzip`): the one JSON
//! users see, reused wherever text shows the same value; and a count with its noun. Its own file at the ground floor, so
//! that parsers and renderers alike can use it without importing the crate root.

/// `serde_name(&Format::NginxAccess)` is `"nginx_access"`; empty for a value that is not a
/// plain string in JSON.
pub fn serde_name<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// `1 log file`, `3 log files`: a count with its noun in the right number.
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}
