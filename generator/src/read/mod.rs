//! Reading a spec file: YAML or JSON text into `openapiv3::OpenAPI`. Errors name the file and,
//! where the document is well-formed but not a valid OpenAPI 3.0 description, the JSON pointer of
//! the offending value.

use crate::diagnostics::{Diagnostic, Severity, pointer};
use std::path::Path;

/// Reads and parses `path`.
pub fn read_file(path: &Path) -> Result<openapiv3::OpenAPI, Diagnostic> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| {
        error(
            &file,
            "",
            "unreadable-spec",
            format!("cannot read the file: {e}"),
        )
    })?;
    parse(&file, &text)
}

/// Parses spec text; `file` only names it in errors. JSON is tried when the text starts with `{`,
/// YAML otherwise (YAML 1.2 is a superset of JSON, but JSON errors read better from serde_json).
pub fn parse(file: &str, text: &str) -> Result<openapiv3::OpenAPI, Diagnostic> {
    let document: serde_json::Value = if text.trim_start().starts_with('{') {
        serde_json::from_str(text)
            .map_err(|e| error(file, "", "unparsable-spec", format!("not valid JSON: {e}")))?
    } else {
        serde_yaml::from_str(text)
            .map_err(|e| error(file, "", "unparsable-spec", format!("not valid YAML: {e}")))?
    };
    from_document(file, document)
}

fn from_document(
    file: &str,
    document: serde_json::Value,
) -> Result<openapiv3::OpenAPI, Diagnostic> {
    let Some(root) = document.as_object() else {
        return Err(error(
            file,
            "",
            "invalid-spec",
            "the document is not an object".into(),
        ));
    };
    if root.contains_key("swagger") {
        return Err(error(
            file,
            "/swagger",
            "unsupported-version",
            "Swagger 2.0 is not supported; convert it to OpenAPI 3 first (e.g. with swagger2openapi)"
                .into(),
        ));
    }
    match root.get("openapi").and_then(|v| v.as_str()) {
        Some(version) if version.starts_with("3.0") => {}
        Some(version) => {
            return Err(error(
                file,
                "/openapi",
                "unsupported-version",
                format!("OpenAPI {version} is not supported yet; this generator reads 3.0.x"),
            ));
        }
        None => {
            return Err(error(
                file,
                "/openapi",
                "invalid-spec",
                "missing the `openapi` version field: not an OpenAPI description".into(),
            ));
        }
    }
    let paths = root.get("paths").cloned();
    serde_path_to_error::deserialize(document).map_err(|e| {
        let mut at = json_pointer(e.path());
        let mut inner = e.into_inner().to_string();
        // `openapiv3` reads `paths` with a hand-written visitor that hides the path below it:
        // find the culprit by reading each path item on its own.
        if at == "/paths"
            && let Some((item_at, item_error)) = paths.as_ref().and_then(locate_in_paths)
        {
            at = item_at;
            inner = item_error;
        }
        error(
            file,
            &at,
            "invalid-spec",
            format!("not a valid OpenAPI 3.0 description: {inner}"),
        )
    })
}

/// The pointer and message of the first path item that does not read as one.
fn locate_in_paths(paths: &serde_json::Value) -> Option<(String, String)> {
    paths
        .as_object()?
        .iter()
        .filter(|(key, _)| key.starts_with('/'))
        .find_map(|(key, item)| {
            serde_path_to_error::deserialize::<_, openapiv3::PathItem>(item.clone())
                .err()
                .map(|e| {
                    let at = format!("{}{}", pointer("/paths", key), json_pointer(e.path()));
                    let message = e.into_inner().to_string();
                    // Untagged enums (`$ref` or item) below hide the rest of the path: point at the first
                    // value of the type the message complains about, if the subtree has one.
                    let refined = item_at(item, &at[pointer("/paths", key).len()..])
                        .and_then(|node| find_offending(node, &message))
                        .map(|below| format!("{at}{below}"));
                    (refined.unwrap_or(at), message)
                })
        })
}

fn item_at<'v>(value: &'v serde_json::Value, at: &str) -> Option<&'v serde_json::Value> {
    if at.is_empty() {
        Some(value)
    } else {
        value.pointer(at)
    }
}

/// Depth-first, the pointer (relative to `node`) of the first value whose JSON type is the one
/// named by serde's "invalid type: X, expected Y" message.
fn find_offending(node: &serde_json::Value, message: &str) -> Option<String> {
    let found = message.strip_prefix("invalid type: ")?;
    let matches = |v: &serde_json::Value| match v {
        serde_json::Value::Array(_) => found.starts_with("sequence"),
        serde_json::Value::Object(_) => found.starts_with("map"),
        serde_json::Value::Bool(b) => found.starts_with(&format!("boolean `{b}`")),
        serde_json::Value::Number(n) => {
            found.starts_with(&format!("integer `{n}`"))
                || found.starts_with(&format!("floating point `{n}`"))
        }
        serde_json::Value::String(s) => found.starts_with(&format!("string {s:?}")),
        serde_json::Value::Null => found.starts_with("null"),
    };
    fn walk(
        v: &serde_json::Value,
        at: String,
        matches: &dyn Fn(&serde_json::Value) -> bool,
        depth: usize,
    ) -> Option<String> {
        if depth > 64 {
            return None;
        }
        let children: Vec<(String, &serde_json::Value)> = match v {
            serde_json::Value::Object(map) => {
                map.iter().map(|(k, c)| (pointer(&at, k), c)).collect()
            }
            serde_json::Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, c)| (pointer(&at, &i.to_string()), c))
                .collect(),
            _ => Vec::new(),
        };
        for (child_at, child) in children {
            if matches(child) {
                return Some(child_at);
            }
            if let Some(found) = walk(child, child_at, matches, depth + 1) {
                return Some(found);
            }
        }
        None
    }
    walk(node, String::new(), &matches, 0)
}

/// Converts serde_path_to_error's path into a JSON pointer.
fn json_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        out = match segment {
            Segment::Seq { index } => pointer(&out, &index.to_string()),
            Segment::Map { key } => pointer(&out, key),
            Segment::Enum { variant } => pointer(&out, variant),
            Segment::Unknown => out,
        };
    }
    out
}

fn error(file: &str, at: &str, kind: &'static str, message: String) -> Diagnostic {
    Diagnostic {
        severity: Severity::Error,
        kind,
        file: file.to_owned(),
        pointer: at.to_owned(),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_swagger_2_with_a_pointer() {
        let err = parse("s.yaml", "swagger: '2.0'\ninfo: {}\n").err();
        let err = err.map(|d| (d.pointer, d.kind));
        assert_eq!(err, Some(("/swagger".to_owned(), "unsupported-version")));
    }

    #[test]
    fn wrong_type_is_located() {
        let text = r#"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{"description":5}}}}}}"#;
        let err = parse("s.json", text).err().map(|d| d.pointer);
        assert_eq!(
            err.as_deref(),
            Some("/paths/~1a/get/responses/200/description")
        );
    }

    #[test]
    fn broken_yaml_is_an_error_not_a_panic() {
        let err = parse("s.yaml", "openapi: [3.0\n  : :")
            .err()
            .map(|d| d.kind);
        assert_eq!(err, Some("unparsable-spec"));
    }
}
