//! Reading a spec file: YAML or JSON text into `openapiv3::OpenAPI`. Errors name the file and,
//! where the document is well-formed but not a valid OpenAPI description, the JSON pointer of
//! the offending value.
//!
//! `openapiv3` reads OpenAPI 3.0 only: 3.1 documents are first rewritten into 3.0 idioms by
//! [`normalise`], and what that had to approximate comes back as warnings.

mod normalise;
mod repair;

pub(crate) use normalise::{TUPLE_EXTENSION, TYPES_EXTENSION};
mod yaml;

use crate::diagnostics::{Diagnostic, Severity, pointer};
use std::path::Path;

/// Reads and parses `path`; see [`parse`].
pub fn read_file(path: &Path) -> Result<(openapiv3::OpenAPI, Vec<Diagnostic>), Diagnostic> {
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

/// Parses spec text (OpenAPI 3.0.x or 3.1.x); `file` only names it in diagnostics. Returns the
/// description and the warnings about what reading it approximated. JSON is tried when the text
/// starts with `{`, YAML otherwise (YAML 1.2 is a superset of JSON, but JSON errors read better
/// from serde_json).
pub fn parse(file: &str, text: &str) -> Result<(openapiv3::OpenAPI, Vec<Diagnostic>), Diagnostic> {
    let mut warnings = Vec::new();
    let document: serde_json::Value = if text.trim_start().starts_with('{') {
        serde_json::from_str(text)
            .map_err(|e| error(file, "", "unparsable-spec", format!("not valid JSON: {e}")))?
    } else {
        if let Some((line, column)) = yaml::too_deep(text) {
            return Err(error(
                file,
                "",
                "unparsable-spec",
                format!(
                    "not valid YAML: nested more than 1000 levels deep at line {line} column {column}"
                ),
            ));
        }
        let (document, notes) = yaml::from_str(text).map_err(|e| {
            let mut message = format!("not valid YAML: {e}");
            // yaml_serde leaves the position out of its text when it is line 1, column 1 (its
            // "no position" value); say it, so that every syntax error reads the same. (An error
            // of libyaml's reader may instead name a byte "position" at that mark.)
            if e.location().is_some_and(|l| l.line() == 1 && l.column() == 1)
                && !message.contains(" at position ")
            {
                message.push_str(" at line 1 column 1");
            }
            // yaml_serde gives no position for this one; say where the second document starts.
            // (Its error has no kind to match on, only the text.)
            if e.location().is_none()
                && message.contains("more than one document")
                && let Some(line) = yaml::second_document_line(text)
            {
                message = format!(
                    "not valid YAML: a second document starts at line {line}; an OpenAPI description is one document"
                );
            }
            error(file, "", "unparsable-spec", message)
        })?;
        warnings.extend(notes.into_iter().map(|(at, message)| Diagnostic {
            severity: Severity::Warning,
            kind: "approximated-number",
            file: file.to_owned(),
            pointer: at,
            message,
        }));
        document
    };
    let spec = from_document(file, document, &mut warnings)?;
    Ok((spec, warnings))
}

fn from_document(
    file: &str,
    mut document: serde_json::Value,
    warnings: &mut Vec<Diagnostic>,
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
    let v31 = match root.get("openapi") {
        Some(serde_json::Value::String(version)) if version.starts_with("3.0") => false,
        // 3.2 is 3.1 with additions; the one the SDK reads, `itemSchema`, is normalised.
        Some(serde_json::Value::String(version))
            if version.starts_with("3.1") || version.starts_with("3.2") =>
        {
            true
        }
        // `openapi: 3.1` unquoted in YAML is a number.
        Some(serde_json::Value::Number(n))
            if ["3", "3.0", "3.1"].contains(&n.to_string().as_str()) =>
        {
            warnings.push(Diagnostic {
                severity: Severity::Warning,
                kind: "invalid-spec",
                file: file.to_owned(),
                pointer: "/openapi".to_owned(),
                message: format!("the version is the number {n}, not a string: read as \"{n}\""),
            });
            n.to_string() == "3.1"
        }
        Some(version) => {
            let version = version
                .as_str()
                .map_or_else(|| version.to_string(), str::to_owned);
            return Err(error(
                file,
                "/openapi",
                "unsupported-version",
                format!(
                    "OpenAPI {version} is not supported; this generator reads 3.0.x, 3.1.x and 3.2.x"
                ),
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
    };
    if let Some(version) = document.get_mut("openapi")
        && version.is_number()
    {
        *version = serde_json::Value::String(format!("{version}.0"));
    }
    let notes = normalise::normalise(file, &mut document, v31);
    if let Some(error) = notes.iter().find(|d| d.severity == Severity::Error) {
        return Err(error.clone());
    }
    warnings.extend(notes);
    // What `openapiv3` would refuse the whole document for, degraded node by node.
    warnings.extend(repair::repair(file, &mut document));
    let what = if v31 {
        "not a valid OpenAPI 3.1 description (read as 3.0)"
    } else {
        "not a valid OpenAPI 3.0 description"
    };
    // `paths` and `components` hold nearly all of a large description: read them on two threads
    // beside the rest (a third of generation time on GitHub's went to reading). Each part is read
    // from a borrowed value, so that a bad path item can still be located afterwards.
    let (paths, components) = match document.as_object_mut() {
        Some(root) => (
            root.insert(
                "paths".to_owned(),
                serde_json::Value::Object(Default::default()),
            ),
            root.remove("components"),
        ),
        None => (None, None),
    };
    // The readers recurse once per nesting level of a schema, several frames each: on a spawned
    // thread's default 2 MiB, 60 levels overflowed the stack (an abort, not an error) in a debug
    // build, which is how build scripts are compiled. They get a main thread's 8 MiB, twice.
    const READER_STACK: usize = 16 << 20;
    let (rest, paths_read, components_read) = std::thread::scope(|scope| {
        let paths_read = std::thread::Builder::new()
            .stack_size(READER_STACK)
            .spawn_scoped(scope, || {
                paths
                    .as_ref()
                    .map(serde_path_to_error::deserialize::<_, openapiv3::Paths>)
            });
        let components_read = std::thread::Builder::new()
            .stack_size(READER_STACK)
            .spawn_scoped(scope, || {
                components
                    .as_ref()
                    .map(serde_path_to_error::deserialize::<_, openapiv3::Components>)
            });
        let rest = std::panic::catch_unwind(|| {
            serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(&document)
        });
        // A thread that could not be started counts as a reader that failed.
        let not_started = |_| Box::new("no reader thread") as Box<dyn std::any::Any + Send>;
        (
            rest,
            paths_read.map_err(not_started).and_then(|t| t.join()),
            components_read.map_err(not_started).and_then(|t| t.join()),
        )
    });
    // `openapiv3` has an `expect` in its `ReferenceOr` reader: a panic there is an error, not a
    // crash of the whole run.
    let panicked = || {
        error(
            file,
            "",
            "internal",
            format!("{what}: the OpenAPI reader panicked"),
        )
    };
    let located = |prefix: &str, e: serde_path_to_error::Error<serde_json::Error>| {
        let mut at = format!("{prefix}{}", json_pointer(e.path()));
        let mut inner = e.into_inner().to_string();
        // `openapiv3` reads `paths` with a hand-written visitor that hides the path below it:
        // find the culprit by reading each path item on its own.
        if at == "/paths"
            && let Some((item_at, item_error)) = paths.as_ref().and_then(locate_in_paths)
        {
            at = item_at;
            inner = item_error;
        }
        error(file, &at, "invalid-spec", format!("{what}: {inner}"))
    };
    let mut spec = rest.map_err(|_| panicked())?.map_err(|e| located("", e))?;
    if let Some(read) = paths_read.map_err(|_| panicked())? {
        spec.paths = read.map_err(|e| located("/paths", e))?;
    }
    if let Some(read) = components_read.map_err(|_| panicked())? {
        spec.components = Some(read.map_err(|e| located("/components", e))?);
    }
    Ok(spec)
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

    /// The pointers of the warnings `text` reads with (it must read).
    #[allow(clippy::expect_used)]
    fn warned_at(text: &str) -> Vec<String> {
        let (_, warnings) = parse("s.json", text).expect("reads, with warnings");
        warnings.into_iter().map(|d| d.pointer).collect()
    }

    #[test]
    fn a_wrong_type_is_repaired_where_it_is() {
        let text = r#"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{"description":5}}}}}}"#;
        assert_eq!(
            warned_at(text),
            ["/paths/~1a/get/responses/200/description"]
        );
    }

    #[test]
    fn defects_in_components_and_beside_paths_are_located() {
        let text = r#"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{},
            "components":{"responses":{"R":{"description":null}}}}"#;
        assert_eq!(warned_at(text), ["/components/responses/R/description"]);
        let text = r#"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{},"tags":[{"name":null}]}"#;
        assert_eq!(warned_at(text), ["/tags/0"]);
    }

    #[test]
    #[allow(clippy::expect_used)]
    fn an_unquoted_version_number_is_read_as_its_text() {
        for version in ["3.0", "3.1"] {
            let text =
                format!("openapi: {version}\ninfo: {{title: t, version: '1'}}\npaths: {{}}\n");
            let (_, warnings) = parse("s.yaml", &text).expect("reads");
            let pointers: Vec<&str> = warnings.iter().map(|d| d.pointer.as_str()).collect();
            assert_eq!(pointers, ["/openapi"], "{version}: {warnings:?}");
        }
        assert!(parse("s.yaml", "openapi: 2.0\ninfo: {title: t, version: '1'}\n").is_err());
    }

    #[test]
    fn broken_yaml_is_an_error_not_a_panic() {
        let err = parse("s.yaml", "openapi: [3.0\n  : :")
            .err()
            .map(|d| d.kind);
        assert_eq!(err, Some("unparsable-spec"));
    }

    #[test]
    fn a_yaml_error_at_the_first_character_names_its_line() {
        // Found by the fuzzer (run 12): a mapping key that is a sequence, on the first line.
        for text in ["[]: \n", "[a, {b: c}]: x\n"] {
            let message = parse("s.yaml", text).err().map(|d| d.message);
            assert_eq!(
                message.as_deref(),
                Some(
                    "not valid YAML: invalid type: sequence, expected a scalar mapping key at line 1 column 1"
                ),
                "{text:?}"
            );
        }
        // Elsewhere yaml_serde names the position itself, once.
        let message = parse("s.yaml", "a: 1\n[x]: 2\n").err().map(|d| d.message);
        assert_eq!(
            message.as_deref(),
            Some(
                "not valid YAML: invalid type: sequence, expected a scalar mapping key at line 2 column 1"
            )
        );
    }

    #[test]
    fn a_second_yaml_document_is_refused_with_its_line() {
        let one = "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\n";
        for (text, line) in [
            (format!("{one}---\nopenapi: 3.0.0\n"), 4),
            (format!("# c\n---\n{one}\n---\nx: 1\n"), 7),
            (format!("--- # first\n{one}...\n# c\nx: 1\n"), 7),
            ("--- {a: 1}\n--- {b: 2}\n".to_owned(), 2),
        ] {
            let err = parse("s.yaml", &text).err().map(|d| d.message);
            assert_eq!(
                err.as_deref(),
                Some(format!("not valid YAML: a second document starts at line {line}; an OpenAPI description is one document").as_str()),
                "{text}"
            );
        }
        // A marker-like line inside a block scalar is indented: not a document.
        assert_eq!(yaml::second_document_line("a: |\n  ---\n  x\n"), None);
        // No marker at all: the scanner ends the first document itself (the fuzzer's case, a
        // JSON description missing its first 31 bytes); the loader, bisected, says where.
        let text = "\": {\n    \"title\": \"Minimal\",\n    \"version\": \"1\"\n  },\n  \"paths\": {}\n}\n";
        // The first document is the quoted scalar `": {⏎    "`, so the second starts on line 2.
        let message = parse("s.json", text).err().map(|d| d.message);
        assert_eq!(
            message.as_deref(),
            Some(
                "not valid YAML: a second document starts at line 2; an OpenAPI description is one document"
            )
        );
    }

    use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};

    type Read = Result<(openapiv3::OpenAPI, Vec<Diagnostic>), Diagnostic>;

    /// The component schema `name` of a read document.
    fn component(read: &Read, name: &str) -> Option<Schema> {
        let spec = read.as_ref().ok().map(|(spec, _)| spec)?;
        match spec.components.as_ref()?.schemas.get(name)? {
            ReferenceOr::Item(schema) => Some(schema.clone()),
            ReferenceOr::Reference { .. } => None,
        }
    }

    fn warning_kinds(read: &Read) -> Vec<(&'static str, String)> {
        read.as_ref()
            .map(|(_, warnings)| {
                warnings
                    .iter()
                    .map(|w| (w.kind, w.pointer.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn reads_3_1_yaml_as_3_0() {
        let text = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Name: {type: [string, 'null'], maxLength: 3}\n    Wrapped:\n      $ref: '#/components/schemas/Name'\n      readOnly: true\n    Positive: {type: integer, exclusiveMinimum: 0}\n";
        let read = parse("s.yaml", text);
        assert_eq!(
            read.as_ref().map(|(spec, _)| spec.openapi.as_str()).ok(),
            Some("3.0.3")
        );
        let name = component(&read, "Name");
        assert_eq!(name.as_ref().map(|s| s.schema_data.nullable), Some(true));
        assert!(matches!(
            name.map(|s| s.schema_kind),
            Some(SchemaKind::Type(Type::String(t))) if t.max_length == Some(3)
        ));
        let wrapped = component(&read, "Wrapped");
        assert_eq!(
            wrapped.as_ref().map(|s| s.schema_data.read_only),
            Some(true)
        );
        assert!(matches!(
            wrapped.map(|s| s.schema_kind),
            Some(SchemaKind::AllOf { all_of }) if all_of == [ReferenceOr::ref_("#/components/schemas/Name")]
        ));
        assert!(matches!(
            component(&read, "Positive").map(|s| s.schema_kind),
            Some(SchemaKind::Type(Type::Integer(t))) if t.minimum == Some(0) && t.exclusive_minimum
        ));
    }

    #[test]
    fn webhooks_only_3_1_reads_with_a_warning() {
        let text = r#"{"openapi":"3.1.0","info":{"title":"t","version":"1"},"webhooks":{"w":{"post":{"responses":{"200":{"description":"ok"}}}}}}"#;
        let read = parse("s.json", text);
        assert_eq!(
            read.as_ref().map(|(spec, _)| spec.paths.paths.len()).ok(),
            Some(0)
        );
        assert_eq!(
            warning_kinds(&read),
            [("unsupported-feature", "/webhooks".to_owned())]
        );
    }

    #[test]
    fn integers_beyond_64_bits_do_not_stop_the_read() {
        let yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Big: {type: integer, minimum: 1, maximum: 99999999999999999999999}\n";
        let json = r#"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{},"components":{"schemas":{"Big":{"type":"integer","minimum":1,"maximum":99999999999999999999999}}}}"#;
        for (file, text) in [("s.yaml", yaml), ("s.json", json)] {
            let read = parse(file, text);
            assert!(
                matches!(
                    component(&read, "Big").map(|s| s.schema_kind),
                    Some(SchemaKind::Type(Type::Integer(t))) if t.minimum == Some(1) && t.maximum.is_none()
                ),
                "{file}: {read:?}"
            );
            let kinds = warning_kinds(&read);
            assert!(kinds.contains(&(
                "skipped-constraint",
                "/components/schemas/Big/maximum".to_owned()
            )));
            assert_eq!(
                kinds.contains(&(
                    "approximated-number",
                    "/components/schemas/Big/maximum".to_owned()
                )),
                file.ends_with("yaml")
            );
        }
    }

    #[test]
    fn yaml_merge_keys_and_integer_keys() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        200: &ok\n          description: ok\n        404:\n          <<: *ok\n          headers: {}\n";
        let read = parse("s.yaml", text);
        let codes = read.as_ref().ok().and_then(|(spec, _)| {
            let item = spec.paths.paths.get("/a")?.as_item()?;
            let op = item.get.as_ref()?;
            Some(op.responses.responses.len())
        });
        assert_eq!(codes, Some(2), "{read:?}");
    }

    #[test]
    fn refuses_other_versions() {
        let err = parse("s.yaml", "openapi: 3.3.0\ninfo: {}\npaths: {}\n").err();
        assert_eq!(err.map(|d| d.kind), Some("unsupported-version"));
        let err = parse("s.yaml", "openapi: 4.1\ninfo: {}\npaths: {}\n").err();
        assert_eq!(err.map(|d| d.kind), Some("unsupported-version"));
    }

    #[test]
    fn item_schemas_of_3_2_become_schemas() {
        // OpenAPI 3.2: an event stream's items described as events, their data as JSON text.
        let text = "openapi: 3.2.0\ninfo: {title: t, version: '1'}\npaths:\n  /e:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            text/event-stream:\n              itemSchema:\n                type: object\n                properties:\n                  data: {type: string, contentMediaType: application/json, contentSchema: {type: object, properties: {n: {type: integer}}}}\n";
        let read = parse("s.yaml", text);
        let schema = read.as_ref().ok().and_then(|(spec, _)| {
            let op = spec.paths.paths.get("/e")?.as_item()?.get.as_ref()?;
            let response = op.responses.responses.values().next()?.as_item()?;
            let media = response.content.get("text/event-stream")?;
            serde_json::to_value(media.schema.as_ref()?).ok()
        });
        assert_eq!(
            schema,
            Some(serde_json::json!({"type": "object", "properties": {"n": {"type": "integer"}}})),
            "{read:?}"
        );
    }

    #[test]
    fn defects_in_3_1_documents_are_located() {
        let text = r#"{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{"description":[]}}}}}}"#;
        assert_eq!(
            warned_at(text),
            ["/paths/~1a/get/responses/200/description"]
        );
    }
}
