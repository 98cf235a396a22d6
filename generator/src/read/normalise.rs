//! Rewrites a parsed document, as a `serde_json::Value`, into the OpenAPI 3.0 shapes `openapiv3`
//! reads, before it reads them.
//!
//! For 3.1 documents: type lists (`type: [string, "null"]`) become `nullable`, numeric
//! `exclusiveMinimum`/`exclusiveMaximum` become the 3.0 boolean form, `const` becomes a one-value
//! `enum`, `examples` becomes `example`, `$ref` with sibling keywords becomes `allOf`, boolean
//! schemas become `{}`/`{not: {}}`, `$defs` move to `components/schemas`, and JSON Schema 2020
//! keywords 3.0 has no counterpart for are dropped. Webhooks are normalised, then removed.
//!
//! For every version: integer bounds that are fractional or beyond 64 bits (which would make
//! `openapiv3` read an `integer` schema as an untyped one) are rounded or dropped, and local
//! `$ref`s of path items are followed.
//!
//! Whatever had to be approximated or dropped is recorded as a warning. Nothing here panics: every
//! unexpected shape is left as it is for `openapiv3` to report.

use crate::diagnostics::{Diagnostic, Severity, pointer};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// Where a tuple's item schemas go (see `Normaliser::tuple`); the resolver reads them back.
pub(crate) const TUPLE_EXTENSION: &str = "x-codeqr-tuple";
/// Where a `type` listing several JSON types (`[string, integer]`) is kept once the schema is
/// read as untyped: validation checks the value against the list.
pub(crate) const TYPES_EXTENSION: &str = "x-codeqr-types";

/// Deeper schema nesting than this is left as it is (a guard against stack exhaustion).
const MAX_DEPTH: usize = 256;

/// From this depth of schema nesting down, each schema is test-read on its own before the
/// document is handed to `openapiv3` (see `Normaliser::readable`).
const READ_CHECK_DEPTH: usize = 6;

/// The HTTP methods of a path item.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// JSON Schema 2020-12 keywords that OpenAPI 3.0 has no counterpart for; they are dropped with a
/// warning.
const UNSUPPORTED_KEYWORDS: [&str; 17] = [
    "unevaluatedProperties",
    "unevaluatedItems",
    "dependentSchemas",
    "dependentRequired",
    "if",
    "then",
    "else",
    "propertyNames",
    "contains",
    "minContains",
    "maxContains",
    "$dynamicRef",
    "$dynamicAnchor",
    "$recursiveRef",
    "$recursiveAnchor",
    "$defs",
    "definitions",
];

/// Keywords that only identify or comment a schema: dropped without a warning.
const SILENT_KEYWORDS: [&str; 6] = [
    "$schema",
    "$id",
    "$anchor",
    "$comment",
    "$vocabulary",
    "contentSchema",
];

/// Keywords `openapiv3` keeps beside `allOf` (its `SchemaData`): they stay on the outer schema
/// when a `$ref` with siblings is rewritten.
const SCHEMA_DATA_KEYWORDS: [&str; 10] = [
    "nullable",
    "readOnly",
    "writeOnly",
    "deprecated",
    "externalDocs",
    "example",
    "title",
    "description",
    "discriminator",
    "default",
];

/// Rewrites `document` in place and returns the warnings. `v31` turns on the 3.1 rewrites (the
/// caller has checked the `openapi` field); the version is then set to 3.0.3.
pub(crate) fn normalise(file: &str, document: &mut Value, v31: bool) -> Vec<Diagnostic> {
    let mut normaliser = Normaliser {
        file,
        v31,
        warnings: Vec::new(),
        inapplicable: BTreeMap::new(),
    };
    normaliser.document(document);
    for ((keyword, ty), (first, count)) in std::mem::take(&mut normaliser.inapplicable) {
        let places = if count == 1 {
            "here".to_owned()
        } else {
            format!("in {count} places, first here")
        };
        // JSON Schema makes such a keyword vacuous: nothing is lost, but the author likely
        // meant something else.
        normaliser.warn(
            "inapplicable-keyword",
            &first,
            format!("`{keyword}` does not apply to `type: {ty}` and is ignored ({places})"),
        );
    }
    normaliser.warnings
}

struct Normaliser<'a> {
    file: &'a str,
    v31: bool,
    warnings: Vec<Diagnostic>,
    /// Keywords dropped for not applying to their schema's type, by (keyword, type) → (first
    /// place, how many places): reported once each, since Kubernetes alone has 5,000 of them.
    inapplicable: BTreeMap<(String, String), (String, usize)>,
}

impl Normaliser<'_> {
    fn warn(&mut self, kind: &'static str, at: &str, message: String) {
        self.warnings.push(Diagnostic {
            severity: Severity::Warning,
            kind,
            file: self.file.to_owned(),
            pointer: at.to_owned(),
            message,
        });
    }

    fn document(&mut self, document: &mut Value) {
        item_schemas(document);
        self.hoist_defs(document);
        resolve_path_refs(document);
        self.resolve_callback_refs(document);
        let Some(root) = document.as_object_mut() else {
            return;
        };
        if self.v31 {
            root.insert("openapi".into(), Value::String("3.0.3".into()));
            self.root_31(root);
        }
        if let Some(Value::Object(paths)) = root.get_mut("paths") {
            for (key, item) in paths.iter_mut() {
                self.path_item(item, &pointer("/paths", key));
            }
        }
        if let Some(Value::Object(components)) = root.get_mut("components") {
            self.components(components);
        }
    }

    /// The 3.1-only fields of the root object.
    fn root_31(&mut self, root: &mut Map<String, Value>) {
        if let Some(dialect) = root.remove("jsonSchemaDialect")
            && dialect.as_str() != Some("https://spec.openapis.org/oas/3.1/dialect/base")
        {
            self.warn(
                "unsupported-schema",
                "/jsonSchemaDialect",
                format!(
                    "the schema dialect {dialect} is ignored; schemas are read as OpenAPI 3.1's default dialect"
                ),
            );
        }
        if let Some(Value::Object(license)) = root
            .get_mut("info")
            .and_then(|info| info.get_mut("license"))
            && let Some(identifier) = license.remove("identifier")
            && !license.contains_key("url")
            && let Some(id) = identifier.as_str()
        {
            license.insert(
                "url".into(),
                Value::String(format!("https://spdx.org/licenses/{id}.html")),
            );
        }
        if let Some(Value::Object(mut hooks)) = root.remove("webhooks") {
            for (key, item) in hooks.iter_mut() {
                self.path_item(item, &pointer("/webhooks", key));
            }
            if !hooks.is_empty() {
                let names: Vec<&str> = hooks.keys().map(String::as_str).collect();
                self.warn(
                    "unsupported-feature",
                    "/webhooks",
                    format!("webhooks are not generated; skipped: {}", names.join(", ")),
                );
            }
        }
        if !root.contains_key("paths") {
            root.insert("paths".into(), Value::Object(Map::new()));
        }
    }

    fn components(&mut self, components: &mut Map<String, Value>) {
        for (section, entries) in components.iter_mut() {
            let Value::Object(entries) = entries else {
                continue;
            };
            let section_at = pointer("/components", section);
            for (name, entry) in entries.iter_mut() {
                let at = pointer(&section_at, name);
                match section.as_str() {
                    "schemas" => self.schema(entry, &at, 0),
                    "responses" => self.response(entry, &at),
                    "parameters" | "headers" => self.parameter(entry, &at),
                    "requestBodies" => self.request_body(entry, &at),
                    "callbacks" => self.callback(entry, &at),
                    "pathItems" => self.path_item(entry, &at),
                    _ => {}
                }
            }
        }
    }

    fn path_item(&mut self, item: &mut Value, at: &str) {
        let Some(item) = object_not_ref(item) else {
            return;
        };
        for (key, value) in item.iter_mut() {
            let key_at = pointer(at, key);
            if key == "parameters" {
                self.each(value, &key_at, Self::parameter);
            } else if METHODS.contains(&key.as_str()) {
                self.operation(value, &key_at);
            }
        }
    }

    fn operation(&mut self, operation: &mut Value, at: &str) {
        let Some(operation) = operation.as_object_mut() else {
            return;
        };
        if self.v31 && !operation.contains_key("responses") {
            // Optional in 3.1, required by `openapiv3`.
            operation.insert("responses".into(), Value::Object(Map::new()));
        }
        for (key, value) in operation.iter_mut() {
            let key_at = pointer(at, key);
            match key.as_str() {
                "parameters" => self.each(value, &key_at, Self::parameter),
                "requestBody" => self.request_body(value, &key_at),
                "responses" => self.each(value, &key_at, Self::response),
                "callbacks" => self.each(value, &key_at, Self::callback),
                _ => {}
            }
        }
    }

    /// Calls `f` on each member of an object or array.
    fn each(&mut self, value: &mut Value, at: &str, f: fn(&mut Self, &mut Value, &str)) {
        match value {
            Value::Object(map) => {
                for (key, member) in map.iter_mut() {
                    f(self, member, &pointer(at, key));
                }
            }
            Value::Array(items) => {
                for (i, member) in items.iter_mut().enumerate() {
                    f(self, member, &pointer(at, &i.to_string()));
                }
            }
            _ => {}
        }
    }

    fn callback(&mut self, callback: &mut Value, at: &str) {
        if object_not_ref(callback).is_some() {
            self.each(callback, at, Self::path_item);
        }
    }

    /// A parameter or a header: a schema or a content map.
    fn parameter(&mut self, parameter: &mut Value, at: &str) {
        let Some(parameter) = object_not_ref(parameter) else {
            return;
        };
        if let Some(schema) = parameter.get_mut("schema") {
            self.schema(schema, &pointer(at, "schema"), 0);
        }
        if let Some(content) = parameter.get_mut("content") {
            self.content(content, &pointer(at, "content"));
        }
    }

    fn request_body(&mut self, body: &mut Value, at: &str) {
        if let Some(content) = object_not_ref(body).and_then(|b| b.get_mut("content")) {
            self.content(content, &pointer(at, "content"));
        }
    }

    fn response(&mut self, response: &mut Value, at: &str) {
        let Some(response) = object_not_ref(response) else {
            return;
        };
        if let Some(headers) = response.get_mut("headers") {
            self.each(headers, &pointer(at, "headers"), Self::parameter);
        }
        if let Some(content) = response.get_mut("content") {
            self.content(content, &pointer(at, "content"));
        }
    }

    fn content(&mut self, content: &mut Value, at: &str) {
        let Some(content) = content.as_object_mut() else {
            return;
        };
        for (media_type, entry) in content.iter_mut() {
            let entry_at = pointer(at, media_type);
            let Some(entry) = entry.as_object_mut() else {
                continue;
            };
            if let Some(schema) = entry.get_mut("schema") {
                self.schema(schema, &pointer(&entry_at, "schema"), 0);
            }
            if let Some(Value::Object(encodings)) = entry.get_mut("encoding") {
                for (name, encoding) in encodings.iter_mut() {
                    if let Some(headers) = encoding.get_mut("headers") {
                        let headers_at =
                            pointer(&pointer(&pointer(&entry_at, "encoding"), name), "headers");
                        self.each(headers, &headers_at, Self::parameter);
                    }
                }
            }
        }
    }

    /// One schema, and the schemas below it.
    fn schema(&mut self, schema: &mut Value, at: &str, depth: usize) {
        if depth > MAX_DEPTH {
            self.warn(
                "unsupported-schema",
                at,
                format!("schemas nested deeper than {MAX_DEPTH} levels are read as they are"),
            );
            return;
        }
        if let Value::Bool(accepts) = schema {
            // `true` accepts anything, `false` nothing. In a 3.0 document a boolean schema is a
            // mistake (JSON Schema's, which 3.1 adopted) read the same way, with a warning:
            // handed to `openapiv3` it is refused, but only after its untagged readers retried
            // every variant at every level above it, time doubling per level (the fuzzer's
            // `items: false` under 40 nested arrays: stopped after 5 minutes).
            if !self.v31 {
                self.warn(
                    "invalid-keyword",
                    at,
                    format!(
                        "a boolean schema (`{accepts}`) is OpenAPI 3.1, not 3.0; read as {}",
                        if *accepts { "`{}`" } else { "`{not: {}}`" }
                    ),
                );
            }
            *schema = if *accepts {
                json!({})
            } else {
                json!({"not": {}})
            };
            return;
        }
        if !schema.is_object() {
            // Found by fuzzing: handed to `openapiv3`, a non-schema deep inside nested schemas
            // makes its untagged readers retry every variant at every level, time doubling per
            // level. Replaced here, at once and with its place: one bad schema is one untyped
            // value, not a refused document.
            self.warn(
                "invalid-spec",
                at,
                format!(
                    "a schema must be an object, not {}: read as {{}} (any value)",
                    json_type(schema)
                ),
            );
            *schema = Value::Object(Map::new());
        }
        let Value::Object(map) = schema else {
            return;
        };
        if map
            .get("$ref")
            .is_some_and(|reference| !reference.is_string())
        {
            // Not a reference, and not a schema `openapiv3` reads either: handed over deep in
            // others, the same doubling per level (the tenth long fuzz run: `$ref: true` under
            // 28 nested `oneOf`). Dropped; the rest is read as a schema.
            map.remove("$ref");
            self.warn(
                "invalid-keyword",
                &pointer(at, "$ref"),
                String::from("`$ref` must be a string (a URI reference); it is ignored"),
            );
        }
        if map.contains_key("$ref") {
            if !self.v31 {
                // 3.0: siblings of `$ref` are ignored, as `openapiv3` does.
                return;
            }
            let Some(reference) = map.remove("$ref") else {
                return;
            };
            self.schema_object(map, at, depth);
            ref_with_siblings(map, reference);
            return;
        }
        self.schema_object(map, at, depth);
    }

    fn schema_object(&mut self, map: &mut Map<String, Value>, at: &str, depth: usize) {
        self.tuple(map, at, depth);
        if self.v31 {
            self.keywords_31(map, at);
        }
        self.inapplicable_keywords(map, at);
        self.integer_bounds(map, at);
        self.mistyped_keywords(map, at);
        if depth >= READ_CHECK_DEPTH {
            self.readable(map, at);
        }
        for (key, value) in map.iter_mut() {
            let key_at = pointer(at, key);
            match key.as_str() {
                "properties" => {
                    if let Value::Object(properties) = value {
                        for (name, property) in properties.iter_mut() {
                            self.schema(property, &pointer(&key_at, name), depth + 1);
                        }
                    }
                }
                "items" | "not" => self.schema(value, &key_at, depth + 1),
                // `true`/`false` are valid here in 3.0 too.
                "additionalProperties" if value.is_object() => {
                    self.schema(value, &key_at, depth + 1);
                }
                "allOf" | "oneOf" | "anyOf" => {
                    if let Value::Array(branches) = value {
                        for (i, branch) in branches.iter_mut().enumerate() {
                            self.schema(branch, &pointer(&key_at, &i.to_string()), depth + 1);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// The safety net under [`Self::mistyped_keywords`]: a schema `openapiv3` cannot read, its
    /// sub-schemas aside, is read as `{}` with a warning. Handed over as it is, such a schema
    /// deep in others makes `openapiv3`'s untagged readers retry every variant at every level
    /// above it, time doubling per level (the fuzzer kept finding new keywords that did it:
    /// `required: [1]`, `exclusiveMinimum: "x"`, `externalDocs: 5`, ... under 22 `items`: no
    /// answer in 20 s). Checked from [`READ_CHECK_DEPTH`] levels down, where the doubling
    /// starts to cost: a real spec has few schemas that deep.
    fn readable(&mut self, map: &mut Map<String, Value>, at: &str) {
        let empty = || Value::Object(Map::new());
        let shallow: Map<String, Value> = map
            .iter()
            .map(|(key, value)| {
                let value = match (key.as_str(), value) {
                    ("properties", Value::Object(_)) => empty(),
                    ("items" | "not", _) => empty(),
                    ("additionalProperties", Value::Object(_)) => empty(),
                    ("allOf" | "oneOf" | "anyOf", Value::Array(branches)) => {
                        Value::Array(branches.iter().map(|_| empty()).collect())
                    }
                    _ => value.clone(),
                };
                (key.clone(), value)
            })
            .collect();
        if let Err(e) = serde_json::from_value::<openapiv3::Schema>(Value::Object(shallow)) {
            map.clear();
            self.warn(
                "invalid-keyword",
                at,
                format!("a schema that cannot be read ({e}); read as `{{}}`, any value"),
            );
        }
    }

    /// A tuple, `prefixItems` (2020-12) or `items` as a list (draft 4 to 2019-09, seen in 3.0
    /// files too), has no 3.0 spelling: its item schemas move, normalised, into
    /// [`TUPLE_EXTENSION`] as `{"items": [...], "closed": bool, "keyword": ...}`, where `closed`
    /// says no further items are allowed (`items: false`, `additionalItems: false`, or `maxItems`
    /// reached) and `keyword` is where the items were, for warnings.
    fn tuple(&mut self, map: &mut Map<String, Value>, at: &str, depth: usize) {
        let (keyword, rest) = if map.get("prefixItems").is_some_and(Value::is_array) {
            ("prefixItems", "items")
        } else if map.get("items").is_some_and(Value::is_array) {
            ("items", "additionalItems")
        } else {
            return;
        };
        let Some(Value::Array(mut items)) = map.remove(keyword) else {
            return;
        };
        let keyword_at = pointer(at, keyword);
        for (i, item) in items.iter_mut().enumerate() {
            self.schema(item, &pointer(&keyword_at, &i.to_string()), depth + 1);
        }
        let at_most = map.get("maxItems").and_then(Value::as_u64);
        let closed = map.get(rest) == Some(&Value::Bool(false))
            || at_most.is_some_and(|max| max <= items.len() as u64);
        if map.get(rest) == Some(&Value::Bool(false)) {
            map.remove(rest);
        }
        if keyword == "items" {
            // Further items' schema: not modelled (the tuple is then open).
            map.remove(rest);
        }
        map.entry("type").or_insert_with(|| json!("array"));
        map.insert(
            TUPLE_EXTENSION.to_owned(),
            json!({"items": items, "closed": closed, "keyword": keyword}),
        );
    }

    /// The 3.1 rewrites of one schema object's own keywords (not its subschemas').
    fn keywords_31(&mut self, map: &mut Map<String, Value>, at: &str) {
        for keyword in SILENT_KEYWORDS {
            map.remove(keyword);
        }
        self.pattern_properties(map, at);
        if map.get("items") == Some(&Value::Bool(false)) {
            // A closed tuple (with `prefixItems`, dropped below); alone, no item is valid: an
            // empty array.
            map.remove("items");
            if !map.contains_key("prefixItems") && !map.contains_key(TUPLE_EXTENSION) {
                map.insert("maxItems".into(), json!(0));
            }
        }
        for keyword in UNSUPPORTED_KEYWORDS {
            if map.remove(keyword).is_some() {
                self.warn(
                    "unsupported-schema",
                    &pointer(at, keyword),
                    format!("`{keyword}` has no OpenAPI 3.0 counterpart and is ignored"),
                );
            }
        }
        self.type_list(map, at);
        self.null_branches(map);
        exclusive_bound(map, "exclusiveMinimum", "minimum", |bound, limit| {
            bound > limit
        });
        exclusive_bound(map, "exclusiveMaximum", "maximum", |bound, limit| {
            bound < limit
        });
        if let Some(value) = map.remove("const") {
            map.insert("enum".into(), Value::Array(vec![value]));
        }
        if let Some(examples) = map.remove("examples")
            && let Value::Array(examples) = examples
            && let Some(first) = examples.into_iter().next()
            && !map.contains_key("example")
        {
            map.insert("example".into(), first);
        }
        content_format(map);
    }

    /// `patternProperties` with a single pattern, and no `additionalProperties`, becomes
    /// `additionalProperties` (a map whose keys are not checked against the pattern); otherwise it
    /// is dropped.
    fn pattern_properties(&mut self, map: &mut Map<String, Value>, at: &str) {
        let Some(patterns) = map.remove("patternProperties") else {
            return;
        };
        let at = pointer(at, "patternProperties");
        match patterns {
            Value::Object(patterns)
                if patterns.len() == 1 && !map.contains_key("additionalProperties") =>
            {
                if let Some((pattern, schema)) = patterns.into_iter().next() {
                    map.insert("additionalProperties".into(), schema);
                    self.warn(
                        "unsupported-schema",
                        &at,
                        format!(
                            "read as `additionalProperties`; keys are not checked against `{pattern}`"
                        ),
                    );
                }
            }
            _ => self.warn(
                "unsupported-schema",
                &at,
                "`patternProperties` has no OpenAPI 3.0 counterpart and is ignored".into(),
            ),
        }
    }

    /// `type: [X, "null"]` → `type: X, nullable: true`; `type: "null"` → an untyped nullable;
    /// several non-null types → untyped.
    fn type_list(&mut self, map: &mut Map<String, Value>, at: &str) {
        let types: Vec<String> = match map.get("type") {
            Some(Value::Array(types)) => types
                .iter()
                .map(|t| t.as_str().unwrap_or_default().to_owned())
                .collect(),
            Some(Value::String(t)) if t == "null" => vec![t.clone()],
            _ => return,
        };
        let nullable = types.iter().any(|t| t == "null");
        let mut others: Vec<String> = types.into_iter().filter(|t| t != "null").collect();
        others.dedup();
        if nullable {
            map.insert("nullable".into(), Value::Bool(true));
        }
        let at = pointer(at, "type");
        match others.as_slice() {
            [one] => {
                map.insert("type".into(), Value::String(one.clone()));
            }
            [] => {
                map.remove("type");
                if nullable {
                    // `type: null`: held as any JSON, which validation checks is `null`.
                    map.insert(TYPES_EXTENSION.into(), json!(["null"]));
                } else {
                    self.warn(
                        "unsupported-schema",
                        &at,
                        "an empty type list is read as untyped".into(),
                    );
                }
            }
            [a, b] if is_pair(a, b, "integer", "number") => {
                map.insert("type".into(), Value::String("number".into()));
            }
            several => {
                map.remove("type");
                self.warn(
                    "unsupported-schema",
                    &at,
                    format!(
                        "a value of several types ({}) is held as serde_json::Value; \
                         validation checks its type",
                        several.join(", ")
                    ),
                );
                let mut types: Vec<Value> = several.iter().map(|t| json!(t)).collect();
                if nullable {
                    types.push(json!("null"));
                }
                map.insert(TYPES_EXTENSION.into(), Value::Array(types));
            }
        }
    }

    /// `oneOf`/`anyOf` branches that only accept `null` are removed and make the schema nullable.
    fn null_branches(&mut self, map: &mut Map<String, Value>) {
        let mut nullable = false;
        for keyword in ["oneOf", "anyOf"] {
            let Some(Value::Array(branches)) = map.get_mut(keyword) else {
                continue;
            };
            let before = branches.len();
            branches.retain(|branch| !is_null_only(branch));
            if branches.len() != before {
                nullable = true;
                if branches.is_empty() {
                    map.remove(keyword);
                }
            }
        }
        if nullable {
            map.insert("nullable".into(), Value::Bool(true));
        }
    }

    /// Keywords that do not apply to the schema's declared type (`minLength` on an integer) make
    /// `openapiv3` read it as untyped; JSON Schema ignores them, and so does this.
    fn inapplicable_keywords(&mut self, map: &mut Map<String, Value>, at: &str) {
        const STRING: &[&str] = &["pattern", "enum", "format", "minLength", "maxLength"];
        const NUMBER: &[&str] = &[
            "multipleOf",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "minimum",
            "maximum",
            "enum",
            "format",
        ];
        const OBJECT: &[&str] = &[
            "properties",
            "required",
            "additionalProperties",
            "minProperties",
            "maxProperties",
        ];
        const ARRAY: &[&str] = &["items", "minItems", "maxItems", "uniqueItems"];
        const BOOLEAN: &[&str] = &["enum"];
        let applicable = match map.get("type").and_then(Value::as_str) {
            Some("string") => STRING,
            Some("number" | "integer") => NUMBER,
            Some("object") => OBJECT,
            Some("array") => ARRAY,
            Some("boolean") => BOOLEAN,
            _ => return,
        };
        if ["oneOf", "anyOf", "allOf", "not"]
            .iter()
            .any(|k| map.contains_key(*k))
        {
            return;
        }
        let inapplicable: Vec<String> = map
            .keys()
            .filter(|key| {
                [STRING, NUMBER, OBJECT, ARRAY]
                    .iter()
                    .any(|set| set.contains(&key.as_str()))
                    && !applicable.contains(&key.as_str())
            })
            .cloned()
            .collect();
        let ty = map
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        for key in inapplicable {
            let value = map.remove(&key).unwrap_or_default();
            // Generated specs often carry no-op defaults (`uniqueItems: false`, `minimum: 0` on an
            // array); an object or array `format` is only a label.
            let no_op = match &value {
                Value::Null | Value::Bool(false) => true,
                Value::Number(n) => n.as_f64() == Some(0.0),
                Value::Array(a) => a.is_empty(),
                Value::Object(o) => o.is_empty(),
                _ => false,
            };
            if key != "format" && !no_op {
                let first = pointer(at, &key);
                self.inapplicable
                    .entry((key, ty.clone()))
                    .or_insert((first, 0))
                    .1 += 1;
            }
        }
    }

    /// Keywords whose value has the wrong JSON type (api.video has `pattern: 0`) would make the
    /// whole spec unreadable: each is dropped with a warning instead.
    fn mistyped_keywords(&mut self, map: &mut Map<String, Value>, at: &str) {
        // A size written with a zero fraction (`maxLength: 2.0`) is the integer JSON Schema
        // (2019-09 on) says it is.
        for key in [
            "minLength",
            "maxLength",
            "minItems",
            "maxItems",
            "minProperties",
            "maxProperties",
        ] {
            if let Some(n) = map.get(key).and_then(Value::as_f64)
                && n >= 0.0
                && n.fract() == 0.0
                && n < 9.0e15
                && !map[key].is_u64()
            {
                map.insert(key.into(), json!(n as u64));
            }
        }
        type Check = (&'static str, fn(&Value) -> bool, &'static str);
        let expect: &[Check] = &[
            ("pattern", Value::is_string, "a string"),
            ("format", Value::is_string, "a string"),
            ("description", Value::is_string, "a string"),
            ("title", Value::is_string, "a string"),
            ("minLength", Value::is_u64, "a non-negative integer"),
            ("maxLength", Value::is_u64, "a non-negative integer"),
            ("minItems", Value::is_u64, "a non-negative integer"),
            ("maxItems", Value::is_u64, "a non-negative integer"),
            ("minProperties", Value::is_u64, "a non-negative integer"),
            ("maxProperties", Value::is_u64, "a non-negative integer"),
            ("required", Value::is_array, "an array"),
            ("enum", Value::is_array, "an array"),
            // Structural keywords of the wrong type, too, would leave `openapiv3` retrying
            // every reading of every enclosing schema (a fuzzed `type: {$ref: ...}` under 99
            // levels of `items` never finished).
            (
                "type",
                |v| {
                    v.is_string()
                        || v.as_array()
                            .is_some_and(|types| types.iter().all(Value::is_string))
                },
                "a string",
            ),
            (
                "required",
                |v| {
                    v.as_array()
                        .is_some_and(|names| names.iter().all(Value::is_string))
                },
                "an array of property names",
            ),
            ("exclusiveMinimum", Value::is_boolean, "a boolean"),
            ("exclusiveMaximum", Value::is_boolean, "a boolean"),
            (
                "externalDocs",
                |v| {
                    v.get("url").is_some_and(Value::is_string)
                        && v.get("description").is_none_or(Value::is_string)
                },
                "an object with a `url` string",
            ),
            ("properties", Value::is_object, "an object"),
            ("items", |v| v.is_object() || v.is_boolean(), "a schema"),
            ("not", |v| v.is_object() || v.is_boolean(), "a schema"),
            (
                "additionalProperties",
                |v| v.is_object() || v.is_boolean(),
                "a schema or a boolean",
            ),
            ("allOf", Value::is_array, "an array"),
            ("oneOf", Value::is_array, "an array"),
            ("anyOf", Value::is_array, "an array"),
            (
                "discriminator",
                |v| {
                    v.get("propertyName").is_some_and(Value::is_string)
                        && v.get("mapping").is_none_or(|mapping| {
                            mapping
                                .as_object()
                                .is_some_and(|m| m.values().all(Value::is_string))
                        })
                },
                "an object with a `propertyName` string",
            ),
            ("nullable", Value::is_boolean, "a boolean"),
            ("readOnly", Value::is_boolean, "a boolean"),
            ("writeOnly", Value::is_boolean, "a boolean"),
            ("deprecated", Value::is_boolean, "a boolean"),
            ("uniqueItems", Value::is_boolean, "a boolean"),
            ("minimum", Value::is_number, "a number"),
            ("maximum", Value::is_number, "a number"),
            ("multipleOf", Value::is_number, "a number"),
        ];
        for (key, is_valid, what) in expect {
            if map.get(*key).is_some_and(|value| !is_valid(value)) {
                map.remove(*key);
                self.warn(
                    "invalid-keyword",
                    &pointer(at, key),
                    format!("`{key}` must be {what}; it is ignored"),
                );
            }
        }
    }

    /// `openapiv3` reads an `integer` schema whose `minimum`, `maximum`, `multipleOf` or `enum`
    /// value is not an `i64` as an untyped one: fractional bounds are rounded inwards, bounds
    /// beyond 64 bits dropped (the Rust integer type bounds the value anyway), and whole numbers
    /// written with a fraction (`1.0`) become integers.
    fn integer_bounds(&mut self, map: &mut Map<String, Value>, at: &str) {
        if map.get("type").and_then(Value::as_str) != Some("integer") {
            return;
        }
        for (key, exclusive, lower) in [
            ("minimum", "exclusiveMinimum", true),
            ("maximum", "exclusiveMaximum", false),
            ("multipleOf", "", false),
        ] {
            let Some(Value::Number(n)) = map.get(key) else {
                continue;
            };
            let n = n.clone();
            if n.is_i64() {
                continue;
            }
            let Some(value) = n.as_f64() else {
                continue;
            };
            let rounded = if key == "multipleOf" {
                value
            } else if lower {
                value.ceil()
            } else {
                value.floor()
            };
            let key_at = pointer(at, key);
            if rounded.fract() != 0.0
                || !in_i64_range(rounded)
                || (key == "multipleOf" && rounded < 1.0)
            {
                map.remove(key);
                if !exclusive.is_empty() {
                    map.remove(exclusive);
                }
                self.warn(
                    "skipped-constraint",
                    &key_at,
                    format!(
                        "`{key}: {n}` does not fit a 64-bit integer schema and is not enforced"
                    ),
                );
                continue;
            }
            #[allow(clippy::cast_possible_truncation)] // in range and integral, checked above
            let integer = rounded as i64;
            if rounded != value {
                // x > 1.5 is x >= 2: the rounded bound is inclusive.
                if !exclusive.is_empty() {
                    map.remove(exclusive);
                }
                self.warn(
                    "skipped-constraint",
                    &key_at,
                    format!("`{key}: {n}` on an integer is read as {integer}"),
                );
            }
            map.insert(key.to_owned(), Value::from(integer));
        }
        // `enum: [1.0, 2]`: JSON Schema compares numbers by value, so 1.0 is the integer 1, which
        // `openapiv3` cannot read as an `i64` (the value was lost, and `validate()` refused 1).
        if let Some(Value::Array(values)) = map.get_mut("enum") {
            for value in values.iter_mut() {
                let integral = match value {
                    Value::Number(n) if !n.is_i64() => {
                        n.as_f64().filter(|f| f.fract() == 0.0 && in_i64_range(*f))
                    }
                    _ => None,
                };
                #[allow(clippy::cast_possible_truncation)] // in range and integral, checked above
                if let Some(f) = integral {
                    *value = Value::from(f as i64);
                }
            }
        }
    }

    /// Moves every `$defs` (3.1), and every entry of a `definitions` (Draft 4's name for them,
    /// which 3.x documents converted from JSON Schema keep) that a `$ref` points into, to
    /// `components/schemas`, and rewrites the `$ref`s into them: `openapiv3` keeps neither
    /// keyword, so such a `$ref` could not be followed.
    fn hoist_defs(&mut self, document: &mut Value) {
        if self.v31 {
            let mut found = Vec::new();
            take_defs(document, "", &mut found, 0);
            move_to_components(document, found);
        }
        // `definitions` is also a plausible property name, so only what is referenced moves;
        // a moved entry may hold `definitions` of its own, hence the rounds.
        for _ in 0..8 {
            let found = take_referenced_definitions(document);
            if found.is_empty() {
                break;
            }
            move_to_components(document, found);
        }
    }
}

/// A schema taken out of a `$defs` or `definitions` object: the owner's pointer, which of the
/// two keywords held it, its name there, and the schema.
type Hoisted = (String, &'static str, String, Value);

/// Inserts `found` schemas into `components/schemas` (renamed on a clash) and rewrites the
/// `$ref`s into their old places.
fn move_to_components(document: &mut Value, found: Vec<Hoisted>) {
    if found.is_empty() {
        return;
    }
    let Some(root) = document.as_object_mut() else {
        return;
    };
    let components = root
        .entry("components")
        .or_insert_with(|| Value::Object(Map::new()));
    let Some(components) = components.as_object_mut() else {
        return;
    };
    let schemas = components
        .entry("schemas")
        .or_insert_with(|| Value::Object(Map::new()));
    let Some(schemas) = schemas.as_object_mut() else {
        return;
    };
    let mut renames: Vec<(String, String)> = Vec::new();
    for (owner, container, name, schema) in found {
        let mut new_name = name.clone();
        let mut n = 2;
        while schemas.contains_key(&new_name) {
            new_name = format!("{name}{n}");
            n += 1;
        }
        let old = format!("#{}", pointer(&pointer(&owner, container), &name));
        let new = format!("#{}", pointer("/components/schemas", &new_name));
        schemas.insert(new_name, schema);
        renames.push((old, new));
    }
    // Longest first, so that nested `$defs` are renamed before their owners.
    renames.sort_by_key(|(old, _)| std::cmp::Reverse(old.len()));
    rename_refs(document, &renames);
}

impl Normaliser<'_> {
    /// `openapiv3` reads an operation's callbacks without `$ref`s: local ones are replaced by a
    /// copy of the callback, others dropped (callbacks are not generated).
    fn resolve_callback_refs(&mut self, document: &mut Value) {
        let mut found: Vec<(String, Option<Value>)> = Vec::new();
        for container in ["/paths", "/webhooks", "/components/pathItems"] {
            let Some(Value::Object(items)) = document.pointer(container) else {
                continue;
            };
            for (path, item) in items {
                let Some(item) = item.as_object() else {
                    continue;
                };
                for (method, operation) in item {
                    if !METHODS.contains(&method.as_str()) {
                        continue;
                    }
                    let Some(Value::Object(callbacks)) = operation.get("callbacks") else {
                        continue;
                    };
                    for (name, callback) in callbacks {
                        if callback.get("$ref").is_some() {
                            let at = pointer(
                                &pointer(&pointer(&pointer(container, path), method), "callbacks"),
                                name,
                            );
                            found.push((at, follow_local(document, callback)));
                        }
                    }
                }
            }
        }
        for (at, target) in found {
            match target {
                Some(target) => {
                    if let Some(slot) = document.pointer_mut(&at) {
                        *slot = target;
                    }
                }
                None => {
                    if let Some((parent, name)) = at.rsplit_once('/')
                        && let Some(Value::Object(callbacks)) = document.pointer_mut(parent)
                    {
                        callbacks.remove(&name.replace("~1", "/").replace("~0", "~"));
                    }
                    self.warn(
                        "unsupported-ref",
                        &at,
                        "a callback `$ref` that is not local is dropped (callbacks are not generated)"
                            .into(),
                    );
                }
            }
        }
    }
}

/// An object that is not a Reference Object.
fn object_not_ref(value: &mut Value) -> Option<&mut Map<String, Value>> {
    value
        .as_object_mut()
        .filter(|map| !map.contains_key("$ref"))
}

/// A 3.1 `$ref` whose siblings (already normalised) are more than annotations becomes
/// `allOf: [{$ref}, {siblings}]`, keeping `openapiv3`'s schema data (`nullable`, `description`...)
/// on the outer object; otherwise the `$ref` stays, with its `description`.
fn ref_with_siblings(map: &mut Map<String, Value>, reference: Value) {
    let annotation = |key: &str| {
        matches!(key, "description" | "summary" | "title" | "example") || key.starts_with("x-")
    };
    if map.keys().all(|key| annotation(key)) {
        map.retain(|key, _| key == "description");
        map.insert("$ref".into(), reference);
        return;
    }
    let mut rest = Map::new();
    let mut outer = Map::new();
    for (key, value) in std::mem::take(map) {
        if SCHEMA_DATA_KEYWORDS.contains(&key.as_str()) || key.starts_with("x-") {
            outer.insert(key, value);
        } else {
            rest.insert(key, value);
        }
    }
    let mut all_of = vec![json!({"$ref": reference})];
    match rest.remove("allOf") {
        Some(Value::Array(parts)) if rest.is_empty() => all_of.extend(parts),
        Some(parts) => {
            rest.insert("allOf".into(), parts);
            all_of.push(Value::Object(rest));
        }
        None if rest.is_empty() => {}
        None => all_of.push(Value::Object(rest)),
    }
    outer.insert("allOf".into(), Value::Array(all_of));
    *map = outer;
}

/// A schema that accepts only `null`: `{type: "null"}`, `{type: ["null"]}`, `{const: null}`,
/// `{enum: [null]}`, perhaps with a description.
fn is_null_only(branch: &Value) -> bool {
    let Some(map) = branch.as_object() else {
        return false;
    };
    let null_type = match map.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(types)) => types.iter().all(|t| t.as_str() == Some("null")),
        _ => false,
    };
    let null_value = map.get("const") == Some(&Value::Null)
        || map
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|values| values.iter().all(Value::is_null));
    (null_type || null_value)
        && map.keys().all(|key| {
            matches!(
                key.as_str(),
                "type" | "const" | "enum" | "description" | "title" | "$comment"
            ) || key.starts_with("x-")
        })
}

/// 3.1's numeric `exclusiveMinimum: n` → `minimum: n, exclusiveMinimum: true`, unless `minimum`
/// is already the tighter bound (`tighter(minimum, n)`), in which case the exclusive bound goes.
fn exclusive_bound(
    map: &mut Map<String, Value>,
    exclusive: &str,
    inclusive: &str,
    tighter: fn(f64, f64) -> bool,
) {
    let Some(Value::Number(limit)) = map.get(exclusive) else {
        return;
    };
    let limit = limit.clone();
    let keep_inclusive = match (map.get(inclusive).and_then(Value::as_f64), limit.as_f64()) {
        (Some(bound), Some(limit)) => tighter(bound, limit),
        _ => false,
    };
    if keep_inclusive {
        map.remove(exclusive);
    } else {
        map.insert(inclusive.to_owned(), Value::Number(limit));
        map.insert(exclusive.to_owned(), Value::Bool(true));
    }
}

/// `contentEncoding: base64` on a string → `format: byte`; a non-text `contentMediaType` →
/// `format: binary`.
/// OpenAPI 3.2's `itemSchema` (the schema of each item of a sequential media type such as
/// `text/event-stream`) as the media type's `schema`, which the generator reads as the item's:
/// for server-sent events described as objects (`{event, data, id}`), the schema of `data`
/// (its `contentSchema` when the data is JSON text).
fn item_schemas(document: &mut Value) {
    let Some(root) = document.as_object_mut() else {
        return;
    };
    let mut responses: Vec<&mut Value> = Vec::new();
    for (key, value) in root.iter_mut() {
        match key.as_str() {
            "paths" => {
                let items = value
                    .as_object_mut()
                    .into_iter()
                    .flat_map(|m| m.values_mut());
                for item in items.filter_map(Value::as_object_mut) {
                    for op in item.values_mut().filter_map(Value::as_object_mut) {
                        if let Some(map) = op.get_mut("responses").and_then(Value::as_object_mut) {
                            responses.extend(map.values_mut());
                        }
                    }
                }
            }
            "components" => {
                let map = value.get_mut("responses").and_then(Value::as_object_mut);
                responses.extend(map.into_iter().flat_map(|m| m.values_mut()));
            }
            _ => {}
        }
    }
    for response in responses {
        let Some(content) = response.get_mut("content").and_then(Value::as_object_mut) else {
            continue;
        };
        for media in content.values_mut().filter_map(Value::as_object_mut) {
            if media.contains_key("schema") {
                continue;
            }
            let Some(item) = media.remove("itemSchema") else {
                continue;
            };
            let data = item.get("properties").and_then(|p| p.get("data"));
            let schema = match data {
                Some(data) => data.get("contentSchema").unwrap_or(data).clone(),
                None => item,
            };
            media.insert("schema".into(), schema);
        }
    }
}

fn content_format(map: &mut Map<String, Value>) {
    let encoding = map.remove("contentEncoding");
    let media_type = map.remove("contentMediaType");
    if map.contains_key("format") {
        return;
    }
    match map.get("type") {
        Some(Value::String(t)) if t == "string" => {}
        None if encoding.is_some() || media_type.is_some() => {
            let structural = [
                "properties",
                "items",
                "allOf",
                "oneOf",
                "anyOf",
                "not",
                "enum",
            ];
            if structural.iter().any(|k| map.contains_key(*k)) {
                return;
            }
            map.insert("type".into(), Value::String("string".into()));
        }
        _ => return,
    }
    let format = match (
        encoding.as_ref().and_then(Value::as_str),
        media_type.as_ref().and_then(Value::as_str),
    ) {
        (Some("base64" | "base64url"), _) => "byte",
        (None, Some(media_type)) if is_binary_media_type(media_type) => "binary",
        _ => return,
    };
    map.insert("format".into(), Value::String(format.into()));
}

fn is_binary_media_type(media_type: &str) -> bool {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    !(essence.starts_with("text/")
        || essence.ends_with("json")
        || essence.ends_with("xml")
        || essence == "application/x-www-form-urlencoded")
}

fn is_pair(a: &str, b: &str, x: &str, y: &str) -> bool {
    (a == x && b == y) || (a == y && b == x)
}

/// Whether an integral `f64` converts to `i64` exactly (`i64::MAX as f64` is 2^63, out of range).
fn in_i64_range(value: f64) -> bool {
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    (-TWO_63..TWO_63).contains(&value)
}

/// Removes every `$defs` object below `value` (whose pointer is `at`), collecting its entries,
/// nested ones included.
fn take_defs(value: &mut Value, at: &str, found: &mut Vec<Hoisted>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match value {
        Value::Object(map) => {
            if matches!(map.get("$defs"), Some(Value::Object(_)))
                && let Some(Value::Object(defs)) = map.remove("$defs")
            {
                let defs_at = pointer(at, "$defs");
                for (name, mut schema) in defs {
                    take_defs(&mut schema, &pointer(&defs_at, &name), found, depth + 1);
                    found.push((at.to_owned(), "$defs", name, schema));
                }
            }
            for (key, child) in map.iter_mut() {
                take_defs(child, &pointer(at, key), found, depth + 1);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter_mut().enumerate() {
                take_defs(child, &pointer(at, &i.to_string()), found, depth + 1);
            }
        }
        _ => {}
    }
}

/// Removes from `document` the `definitions` entries that local `$ref`s point into
/// (`#/a/b/definitions/name...`).
fn take_referenced_definitions(document: &mut Value) -> Vec<Hoisted> {
    // (owner pointer, escaped name) of each entry pointed into.
    let mut wanted: BTreeSet<(String, String)> = BTreeSet::new();
    visit_refs(document, 0, &mut |reference| {
        if let Some((owner, rest)) = reference
            .strip_prefix('#')
            .and_then(|target| target.split_once("/definitions/"))
        {
            let name = rest.split('/').next().unwrap_or(rest);
            wanted.insert((owner.to_owned(), name.to_owned()));
        }
    });
    let mut found = Vec::new();
    for (owner, escaped_name) in wanted {
        let Some(Value::Object(definitions)) = document
            .pointer_mut(&owner)
            .and_then(|o| o.get_mut("definitions"))
        else {
            continue;
        };
        let name = escaped_name.replace("~1", "/").replace("~0", "~");
        if let Some(schema) = definitions.remove(&name) {
            if definitions.is_empty()
                && let Some(Value::Object(o)) = document.pointer_mut(&owner)
            {
                o.remove("definitions");
            }
            found.push((owner, "definitions", name, schema));
        }
    }
    found
}

/// Rewrites `$ref` strings equal to, or below, an old pointer.
fn rename_refs(document: &mut Value, renames: &[(String, String)]) {
    visit_refs(document, 0, &mut |reference| {
        if let Some(renamed) = renames.iter().find_map(|(old, new)| {
            let rest = reference.strip_prefix(old.as_str())?;
            (rest.is_empty() || rest.starts_with('/')).then(|| format!("{new}{rest}"))
        }) {
            *reference = renamed;
        }
    });
}

/// Calls `f` on every `$ref` string below `value`, down to `MAX_DEPTH` levels.
fn visit_refs(value: &mut Value, depth: usize, f: &mut impl FnMut(&mut String)) {
    if depth > MAX_DEPTH {
        return;
    }
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref") {
                f(reference);
            }
            for child in map.values_mut() {
                visit_refs(child, depth + 1, f);
            }
        }
        Value::Array(items) => {
            for child in items {
                visit_refs(child, depth + 1, f);
            }
        }
        _ => {}
    }
}

/// Replaces `paths` entries that are local `$ref`s (to `components/pathItems` in 3.1, or another
/// path) by a copy of the path item, keeping the reference's `summary`/`description`.
fn resolve_path_refs(document: &mut Value) {
    let Some(Value::Object(paths)) = document.get("paths") else {
        return;
    };
    let mut resolved: Vec<(String, Value)> = Vec::new();
    for (key, item) in paths {
        let Some(mut target) = follow_local(document, item) else {
            continue;
        };
        if let (Value::Object(target), Value::Object(reference)) = (&mut target, item) {
            for field in ["summary", "description"] {
                if let Some(text) = reference.get(field) {
                    target.insert(field.to_owned(), text.clone());
                }
            }
        }
        resolved.push((key.clone(), target));
    }
    if let Some(Value::Object(paths)) = document.get_mut("paths") {
        for (key, item) in resolved {
            paths.insert(key, item);
        }
    }
}

/// The object a local `$ref` object leads to (through a few chained references), if any.
fn follow_local(document: &Value, item: &Value) -> Option<Value> {
    let mut current = item;
    for _ in 0..8 {
        let Some(reference) = current.get("$ref") else {
            return (!std::ptr::eq(current, item))
                .then(|| current.clone())
                .filter(Value::is_object);
        };
        let target = reference.as_str()?.strip_prefix('#')?;
        current = document.pointer(&percent_decode(target))?;
    }
    None
}

/// Undoes the URI percent-encoding of a JSON pointer in a `$ref` fragment (`%7B` → `{`).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

/// What kind of JSON value `value` is, for messages.
fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn mistyped_keywords_are_dropped_not_fatal() {
        let mut doc = serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": {"A": {"type": "object", "properties": {"t": {"type": "string", "pattern": 0, "maxLength": "10"}}}}}
        });
        let warnings = super::normalise("api.json", &mut doc, false);
        let t = &doc["components"]["schemas"]["A"]["properties"]["t"];
        assert_eq!(t, &serde_json::json!({"type": "string"}));
        let pointers: Vec<&str> = warnings.iter().map(|w| w.pointer.as_str()).collect();
        assert!(
            pointers.contains(&"/components/schemas/A/properties/t/pattern"),
            "{pointers:?}"
        );
        assert!(
            pointers.contains(&"/components/schemas/A/properties/t/maxLength"),
            "{pointers:?}"
        );
    }

    use super::*;

    /// Normalises a 3.1 document holding `schema` as `components/schemas/S`; returns the
    /// normalised schema and the warnings' (kind, pointer).
    fn schema_31(schema: Value) -> (Value, Vec<(&'static str, String)>) {
        let mut doc = json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": {"S": schema}},
        });
        let warnings = normalise("t.json", &mut doc, true);
        let schema = doc
            .pointer("/components/schemas/S")
            .cloned()
            .unwrap_or(Value::Null);
        (schema, kinds(warnings))
    }

    fn kinds(warnings: Vec<Diagnostic>) -> Vec<(&'static str, String)> {
        warnings.into_iter().map(|d| (d.kind, d.pointer)).collect()
    }

    #[test]
    fn type_with_null_becomes_nullable() {
        let (s, w) = schema_31(json!({"type": ["string", "null"], "maxLength": 3}));
        assert_eq!(
            s,
            json!({"type": "string", "maxLength": 3, "nullable": true})
        );
        assert!(w.is_empty());
        // `null` alone: any JSON, which validation checks is `null`.
        let (s, w) = schema_31(json!({"type": ["null"]}));
        assert_eq!(s, json!({"nullable": true, "x-codeqr-types": ["null"]}));
        assert!(w.is_empty());
        let (s, _) = schema_31(json!({"type": "null"}));
        assert_eq!(s, json!({"nullable": true, "x-codeqr-types": ["null"]}));
    }

    #[test]
    fn several_types_become_untyped_with_a_warning() {
        // Kept for validation to check.
        let (s, w) = schema_31(json!({"type": ["string", "object", "null"]}));
        assert_eq!(
            s,
            json!({"nullable": true, "x-codeqr-types": ["string", "object", "null"]})
        );
        assert_eq!(
            w,
            vec![(
                "unsupported-schema",
                "/components/schemas/S/type".to_owned()
            )]
        );
        let (s, w) = schema_31(json!({"type": ["integer", "number"]}));
        assert_eq!(s, json!({"type": "number"}));
        assert!(w.is_empty());
    }

    #[test]
    fn null_branches_of_one_of_and_any_of_become_nullable() {
        let (s, _) = schema_31(json!({
            "type": "object",
            "oneOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}],
        }));
        assert_eq!(
            s,
            json!({"type": "object", "oneOf": [{"$ref": "#/components/schemas/A"}], "nullable": true})
        );
        let (s, _) =
            schema_31(json!({"anyOf": [{"type": "string"}, {"const": null}, {"type": "integer"}]}));
        assert_eq!(
            s,
            json!({"anyOf": [{"type": "string"}, {"type": "integer"}], "nullable": true})
        );
    }

    #[test]
    fn numeric_exclusive_bounds_become_boolean_ones() {
        let (s, _) =
            schema_31(json!({"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 10.5}));
        assert_eq!(
            s,
            json!({"type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 10.5, "exclusiveMaximum": true})
        );
        // `minimum: 5` is tighter than `> 0`; `< 3` is tighter than `maximum: 10`.
        let (s, _) = schema_31(
            json!({"type": "integer", "minimum": 5, "exclusiveMinimum": 0, "maximum": 10, "exclusiveMaximum": 3}),
        );
        assert_eq!(
            s,
            json!({"type": "integer", "minimum": 5, "maximum": 3, "exclusiveMaximum": true})
        );
    }

    #[test]
    fn const_and_examples() {
        let (s, _) = schema_31(json!({"type": "string", "const": "a", "examples": ["x", "y"]}));
        assert_eq!(s, json!({"type": "string", "enum": ["a"], "example": "x"}));
        let (s, _) = schema_31(json!({"type": "string", "example": "kept", "examples": ["x"]}));
        assert_eq!(s, json!({"type": "string", "example": "kept"}));
    }

    #[test]
    fn ref_with_only_a_description_stays_a_ref() {
        let (s, w) = schema_31(
            json!({"$ref": "#/components/schemas/A", "description": "d", "summary": "s"}),
        );
        assert_eq!(
            s,
            json!({"description": "d", "$ref": "#/components/schemas/A"})
        );
        assert!(w.is_empty());
    }

    #[test]
    fn ref_with_siblings_becomes_all_of() {
        let (s, _) = schema_31(
            json!({"$ref": "#/components/schemas/A", "description": "d", "readOnly": true}),
        );
        assert_eq!(
            s,
            json!({"description": "d", "readOnly": true, "allOf": [{"$ref": "#/components/schemas/A"}]})
        );
        let (s, _) = schema_31(json!({
            "$ref": "#/components/schemas/A",
            "type": ["object", "null"],
            "properties": {"x": {"type": "string"}},
        }));
        assert_eq!(
            s,
            json!({
                "nullable": true,
                "allOf": [
                    {"$ref": "#/components/schemas/A"},
                    {"type": "object", "properties": {"x": {"type": "string"}}},
                ],
            })
        );
        let (s, _) = schema_31(
            json!({"$ref": "#/components/schemas/A", "allOf": [{"$ref": "#/components/schemas/B"}]}),
        );
        assert_eq!(
            s,
            json!({"allOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]})
        );
    }

    #[test]
    fn content_keywords_become_formats() {
        let (s, _) = schema_31(json!({"type": "string", "contentEncoding": "base64"}));
        assert_eq!(s, json!({"type": "string", "format": "byte"}));
        let (s, _) = schema_31(json!({"type": "string", "contentMediaType": "image/png"}));
        assert_eq!(s, json!({"type": "string", "format": "binary"}));
        let (s, _) = schema_31(json!({"contentMediaType": "application/octet-stream"}));
        assert_eq!(s, json!({"type": "string", "format": "binary"}));
        let (s, _) = schema_31(json!({"type": "string", "contentMediaType": "application/json"}));
        assert_eq!(s, json!({"type": "string"}));
    }

    #[test]
    fn json_schema_2020_keywords_are_dropped_with_warnings() {
        let (s, w) = schema_31(json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "x",
            "type": "array",
            "items": {"type": "string"},
            "unevaluatedItems": false,
            "if": {}, "then": {}, "else": {},
        }));
        assert_eq!(s, json!({"type": "array", "items": {"type": "string"}}));
        let dropped: Vec<String> = w.into_iter().map(|(_, at)| at).collect();
        assert_eq!(
            dropped,
            ["unevaluatedItems", "if", "then", "else"]
                .map(|k| format!("/components/schemas/S/{k}"))
        );
    }

    #[test]
    fn tuples_move_into_the_extension_normalised() {
        let (s, w) = schema_31(json!({
            "type": ["array", "null"],
            "prefixItems": [{"type": ["string", "null"]}, {"const": 1}],
            "items": false,
        }));
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(
            s,
            json!({
                "type": "array",
                "nullable": true,
                TUPLE_EXTENSION: {
                    "items": [{"type": "string", "nullable": true}, {"enum": [1]}],
                    "closed": true,
                    "keyword": "prefixItems",
                },
            })
        );
        // Open: further items allowed (here of a given type, which is not modelled).
        let (s, _) =
            schema_31(json!({"prefixItems": [{"type": "string"}], "items": {"type": "integer"}}));
        assert_eq!(s[TUPLE_EXTENSION]["closed"], json!(false));
        // `maxItems` closes it as well as `items: false` does.
        let (s, _) = schema_31(json!({"prefixItems": [{"type": "string"}], "maxItems": 1}));
        assert_eq!(s[TUPLE_EXTENSION]["closed"], json!(true));
    }

    #[test]
    fn single_pattern_properties_become_additional_properties() {
        let (s, w) = schema_31(
            json!({"type": "object", "patternProperties": {"^x-": {"type": ["integer", "null"]}}}),
        );
        assert_eq!(
            s,
            json!({"type": "object", "additionalProperties": {"type": "integer", "nullable": true}})
        );
        assert_eq!(w.len(), 1);
    }

    #[test]
    fn boolean_schemas_and_nested_positions() {
        let (s, _) = schema_31(json!({
            "type": "object",
            "properties": {
                "any": true,
                "none": false,
                "list": {"type": "array", "items": {"type": ["string", "null"]}},
                "map": {"type": "object", "additionalProperties": {"const": 1}},
                "not": {"not": {"type": ["string", "null"]}},
                "all": {"allOf": [{"examples": [1]}]},
            },
            "additionalProperties": false,
        }));
        assert_eq!(
            s,
            json!({
                "type": "object",
                "properties": {
                    "any": {},
                    "none": {"not": {}},
                    "list": {"type": "array", "items": {"type": "string", "nullable": true}},
                    "map": {"type": "object", "additionalProperties": {"enum": [1]}},
                    "not": {"not": {"type": "string", "nullable": true}},
                    "all": {"allOf": [{"example": 1}]},
                },
                "additionalProperties": false,
            })
        );
    }

    #[test]
    fn defs_move_to_components() {
        let (s, _) = schema_31(json!({
            "type": "object",
            "properties": {"a": {"$ref": "#/components/schemas/S/$defs/A"}},
            "$defs": {"A": {"type": "string"}},
        }));
        assert_eq!(
            s,
            json!({"type": "object", "properties": {"a": {"$ref": "#/components/schemas/A"}}})
        );
        let mut doc = json!({
            "openapi": "3.1.0",
            "paths": {},
            "components": {"schemas": {
                "A": {"type": "integer"},
                "S": {"$defs": {"A": {"type": "string"}}, "items": {"$ref": "#/components/schemas/S/$defs/A"}, "type": "array"},
            }},
        });
        normalise("t", &mut doc, true);
        assert_eq!(
            doc.pointer("/components/schemas/A2"),
            Some(&json!({"type": "string"}))
        );
        assert_eq!(
            doc.pointer("/components/schemas/S/items/$ref"),
            Some(&json!("#/components/schemas/A2"))
        );
    }

    #[test]
    fn referenced_definitions_move_to_components_in_any_version() {
        // Draft 4's `definitions`, as documents converted from JSON Schema keep them (Codat's):
        // only the entries a `$ref` points into move, nested ones too, and a property that is
        // called `definitions` stays a property.
        let mut doc = json!({
            "openapi": "3.0.3",
            "paths": {},
            "components": {"schemas": {
                "Report": {
                    "type": "object",
                    "properties": {
                        "rows": {"type": "array", "items": {"$ref": "#/components/schemas/Report/definitions/row"}},
                        "definitions": {"type": "object", "properties": {"x": {"type": "string"}}},
                    },
                    "definitions": {
                        "row": {
                            "type": "object",
                            "properties": {"cell": {"$ref": "#/components/schemas/Report/definitions/row/definitions/cell"}},
                            "definitions": {"cell": {"type": "number"}},
                        },
                        "unused": {"type": "string"},
                    },
                },
            }},
        });
        normalise("t", &mut doc, false);
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["Report"]["properties"]["rows"]["items"]["$ref"],
            json!("#/components/schemas/row")
        );
        assert_eq!(
            schemas["row"]["properties"]["cell"]["$ref"],
            json!("#/components/schemas/cell")
        );
        assert_eq!(schemas["cell"], json!({"type": "number"}));
        assert_eq!(
            schemas["Report"]["definitions"],
            json!({"unused": {"type": "string"}}),
            "what nothing points into stays"
        );
        assert!(schemas["Report"]["properties"]["definitions"]["properties"].is_object());
        assert!(schemas.get("x").is_none());
    }

    #[test]
    fn integer_bounds_beyond_64_bits_are_dropped_and_fractions_rounded() {
        let mut doc = json!({
            "openapi": "3.0.3",
            "paths": {},
            "components": {"schemas": {
                "Big": {"type": "integer", "minimum": 1.0e30, "maximum": 18446744073709551615u64},
                "Frac": {"type": "integer", "minimum": 1.5, "exclusiveMinimum": true, "maximum": 9.0, "multipleOf": 0.5},
                "Number": {"type": "number", "minimum": 1.0e30},
                "Sizes": {"type": "integer", "enum": [1.0, 2, 1.5, null]},
            }},
        });
        let w = kinds(normalise("t", &mut doc, false));
        // A whole number written with a fraction is that integer; 1.5 no integer matches.
        assert_eq!(
            doc.pointer("/components/schemas/Sizes/enum"),
            Some(&json!([1, 2, 1.5, null]))
        );
        assert_eq!(
            doc.pointer("/components/schemas/Big"),
            Some(&json!({"type": "integer"}))
        );
        assert_eq!(
            doc.pointer("/components/schemas/Frac"),
            Some(&json!({"type": "integer", "minimum": 2, "maximum": 9}))
        );
        assert_eq!(
            doc.pointer("/components/schemas/Number"),
            Some(&json!({"type": "number", "minimum": 1.0e30}))
        );
        assert_eq!(
            w.iter().map(|(_, at)| at.as_str()).collect::<Vec<_>>(),
            [
                "/components/schemas/Big/minimum",
                "/components/schemas/Big/maximum",
                "/components/schemas/Frac/minimum",
                "/components/schemas/Frac/multipleOf",
            ]
        );
    }

    #[test]
    fn root_fields_of_3_1() {
        let mut doc = json!({
            "openapi": "3.1.0",
            "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
            "info": {"title": "t", "version": "1", "license": {"name": "MIT", "identifier": "MIT"}},
            "webhooks": {"ping": {"post": {"requestBody": {"content": {"application/json": {"schema": {"type": ["string", "null"]}}}}}}},
        });
        let w = kinds(normalise("t", &mut doc, true));
        assert_eq!(
            doc,
            json!({
                "openapi": "3.0.3",
                "info": {"title": "t", "version": "1", "license": {"name": "MIT", "url": "https://spdx.org/licenses/MIT.html"}},
                "paths": {},
            })
        );
        assert_eq!(
            w,
            vec![
                ("unsupported-schema", "/jsonSchemaDialect".to_owned()),
                ("unsupported-feature", "/webhooks".to_owned()),
            ]
        );
    }

    #[test]
    fn path_item_refs_are_followed() {
        let mut doc = json!({
            "openapi": "3.1.0",
            "paths": {
                "/a": {"$ref": "#/components/pathItems/A", "summary": "s"},
                "/b": {"$ref": "other.yaml#/x"},
            },
            "components": {"pathItems": {"A": {"get": {"parameters": [{"name": "q", "in": "query", "schema": {"type": ["string", "null"]}}]}}}},
        });
        normalise("t", &mut doc, true);
        assert_eq!(
            doc.pointer("/paths/~1a"),
            Some(
                &json!({"get": {"parameters": [{"name": "q", "in": "query", "schema": {"type": "string", "nullable": true}}], "responses": {}}, "summary": "s"})
            )
        );
        assert_eq!(
            doc.pointer("/paths/~1b"),
            Some(&json!({"$ref": "other.yaml#/x"}))
        );
    }

    #[test]
    fn keywords_of_other_types_are_ignored() {
        let (s, w) = schema_31(
            json!({"type": "integer", "minLength": 3, "maxLength": 4, "format": "int32", "items": {}}),
        );
        assert_eq!(s, json!({"type": "integer", "format": "int32"}));
        // `items: {}` is a no-op: no warning.
        assert_eq!(w.len(), 2);
        // The same keyword on the same type is reported once, with a count.
        let mut doc = json!({"openapi": "3.0.3", "paths": {}, "components": {"schemas": {
            "A": {"type": "string", "uniqueItems": true},
            "B": {"type": "string", "uniqueItems": true},
            "C": {"type": "boolean", "uniqueItems": true},
        }}});
        let w = normalise("t", &mut doc, false);
        let w: Vec<(&str, &str, &str)> = w
            .iter()
            .map(|d| (d.kind, d.pointer.as_str(), d.message.as_str()))
            .collect();
        assert_eq!(
            w,
            [
                (
                    "inapplicable-keyword",
                    "/components/schemas/C/uniqueItems",
                    "`uniqueItems` does not apply to `type: boolean` and is ignored (here)"
                ),
                (
                    "inapplicable-keyword",
                    "/components/schemas/A/uniqueItems",
                    "`uniqueItems` does not apply to `type: string` and is ignored (in 2 places, first here)"
                ),
            ]
        );
        let (s, _) =
            schema_31(json!({"type": "object", "format": "x", "enum": [{}], "properties": {}}));
        assert_eq!(s, json!({"type": "object", "properties": {}}));
        let (s, w) = schema_31(json!({"type": "string", "minimum": 1, "allOf": [{}]}));
        assert_eq!(s, json!({"type": "string", "minimum": 1, "allOf": [{}]}));
        assert!(w.is_empty());
    }

    #[test]
    fn operations_without_responses_get_an_empty_map() {
        let mut doc = json!({"openapi": "3.1.0", "paths": {"/a": {"get": {}}}});
        normalise("t", &mut doc, true);
        assert_eq!(
            doc.pointer("/paths/~1a/get"),
            Some(&json!({"responses": {}}))
        );
    }

    #[test]
    fn callback_refs_are_followed_or_dropped() {
        let mut doc = json!({
            "openapi": "3.0.3",
            "paths": {"/a": {"get": {"callbacks": {
                "local": {"$ref": "#/components/callbacks/C"},
                "remote": {"$ref": "other.yaml#/C"},
            }}}},
            "components": {"callbacks": {"C": {"{$url}": {"post": {}}}}},
        });
        let w = kinds(normalise("t", &mut doc, false));
        assert_eq!(
            doc.pointer("/paths/~1a/get/callbacks"),
            Some(&json!({"local": {"{$url}": {"post": {}}}}))
        );
        assert_eq!(
            w,
            [(
                "unsupported-ref",
                "/paths/~1a/get/callbacks/remote".to_owned()
            )]
        );
    }

    #[test]
    fn every_schema_position_is_visited() {
        let nullable = || json!({"type": ["string", "null"]});
        let media = || json!({"application/json": {"schema": nullable(), "encoding": {"e": {"headers": {"h": {"schema": nullable()}}}}}});
        let response = || json!({"description": "d", "headers": {"h": {"schema": nullable()}}, "content": media()});
        let operation = || {
            json!({
                "parameters": [{"name": "p", "in": "query", "schema": nullable()}, {"name": "c", "in": "query", "content": media()}],
                "requestBody": {"content": media()},
                "responses": {"200": response()},
                "callbacks": {"cb": {"{$request.body#/url}": {"post": {"responses": {"200": response()}}}}},
            })
        };
        let mut doc = json!({
            "openapi": "3.1.0",
            "paths": {"/a": {"parameters": [{"name": "x", "in": "header", "schema": nullable()}], "get": operation()}},
            "components": {
                "schemas": {"S": nullable()},
                "parameters": {"P": {"name": "p", "in": "query", "schema": nullable()}},
                "headers": {"H": {"schema": nullable()}},
                "requestBodies": {"B": {"content": media()}},
                "responses": {"R": response()},
                "callbacks": {"C": {"x": {"put": operation()}}},
                "pathItems": {"I": {"delete": operation()}},
            },
        });
        normalise("t", &mut doc, true);
        let text = doc.to_string();
        assert!(!text.contains("\"null\""), "{text}");
        // 12 under `paths`, 30 under `components`.
        assert_eq!(text.matches("\"nullable\":true").count(), 42);
    }

    #[test]
    fn odd_shapes_do_not_panic() {
        for schema in [
            json!(null),
            json!(5),
            json!({"type": [1, null, {}]}),
            json!({"type": []}),
            json!({"exclusiveMinimum": "x", "minimum": "y"}),
            json!({"oneOf": "x", "anyOf": [null, {"type": "null"}]}),
            json!({"$ref": 5, "type": "string"}),
            json!({"$defs": 1, "patternProperties": [1]}),
            json!({"type": "integer", "minimum": "a", "maximum": -1.0e300, "multipleOf": 0}),
            json!({"examples": {}, "const": null}),
        ] {
            let _ = schema_31(schema);
        }
        for mut doc in [
            json!(null),
            json!([]),
            json!({"openapi": "3.1.0", "paths": [], "webhooks": 1, "components": []}),
            json!({"openapi": "3.1.0", "info": {"license": "MIT"}, "paths": {"/a": {"$ref": "#/paths/~1a"}}}),
            json!({"openapi": "3.1.0", "paths": {"/a": {"get": {"parameters": {"x": 1}, "responses": []}}}}),
        ] {
            let _ = normalise("t", &mut doc, true);
        }
    }
}
