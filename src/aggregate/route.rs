//! The route a failing request's path belongs to, for the top failing paths: busy services put
//! ids in their paths (`/api/v2/orders/1963250`), and counted path by path a thousand failures
//! of one endpoint came out as a thousand paths failing once or twice each. A segment that is
//! an id (digits, a UUID, a long hex string) is written `{id}`.

/// The shortest run of hex digits taken for an id (a Mongo ObjectId has 24, a SHA-1 40).
const HEX_ID_LEAST: usize = 16;

/// Whether a path segment is an id rather than a name.
fn is_id(segment: &[u8]) -> bool {
    if segment.is_empty() {
        return false;
    }
    if segment.iter().all(u8::is_ascii_digit) {
        return true;
    }
    let uuid = segment.len() == 36
        && segment.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        });
    uuid || (segment.len() >= HEX_ID_LEAST
        && segment.iter().all(u8::is_ascii_hexdigit)
        && segment.iter().any(u8::is_ascii_digit))
}

/// `path` with each id segment written `{id}`: the path itself when it has none, else written
/// into `buffer` (reused from line to line).
pub(crate) fn route_of<'a>(path: &'a [u8], buffer: &'a mut Vec<u8>) -> &'a [u8] {
    if !path.split(|&b| b == b'/').any(is_id) {
        return path;
    }
    buffer.clear();
    for (i, segment) in path.split(|&b| b == b'/').enumerate() {
        if i > 0 {
            buffer.push(b'/');
        }
        match is_id(segment) {
            true => buffer.extend_from_slice(b"{id}"),
            false => buffer.extend_from_slice(segment),
        }
    }
    buffer
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(path: &str) -> String {
        let mut buffer = Vec::new();
        String::from_utf8_lossy(route_of(path.as_bytes(), &mut buffer)).into_owned()
    }

    #[test]
    fn ids_in_paths_become_one_route() {
        assert_eq!(route("/api/v2/orders/1963250"), "/api/v2/orders/{id}");
        assert_eq!(
            route("/users/3f2b6c1e-9a4d-4c2b-8e7f-1a2b3c4d5e6f/cart/7"),
            "/users/{id}/cart/{id}"
        );
        assert_eq!(route("/objects/507f1f77bcf86cd799439011"), "/objects/{id}");
        // Names stay: versions, words, file names with digits, short hex-looking words.
        assert_eq!(route("/api/v2/login"), "/api/v2/login");
        assert_eq!(route("/static/app.1234567.js"), "/static/app.1234567.js");
        assert_eq!(route("/deadbeef/cafe"), "/deadbeef/cafe");
        assert_eq!(route("/"), "/");
        assert_eq!(route("(no path)"), "(no path)");
    }
}
