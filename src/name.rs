//! The name serde gives a unit enum value (`nginx_access`, `detection`, `gzip`): the one JSON
//! users see, reused wherever text shows the same value. Its own file at the ground floor, so
//! that parsers and renderers alike can use it without importing the crate root.

/// `serde_name(&Format::NginxAccess)` is `"nginx_access"`; empty for a value that is not a
/// plain string in JSON.
pub fn serde_name<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}
