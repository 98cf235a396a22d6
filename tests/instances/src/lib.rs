//! Instances an OpenAPI 3.0 schema allows, for judging what generated SDKs decode: every
//! `oneOf`/`anyOf` branch, `null` wherever the schema allows it (in arrays and unions too),
//! optional fields absent and present, every enum value, numbers at their bounds, strings of
//! the formats and lengths the schema names, map entries and an unknown field; and the schema
//! converted to JSON Schema Draft 4 (`nullable` spelled out), so that the `jsonschema` crate can
//! say which instances really are valid (a builder cannot satisfy every `pattern`).
//!
//! Used by `tests/dub-sdk/tests/responses.rs` (Dub's responses, in `cargo test`) and by
//! `cargo xtask responses` (the shared and named specs of the corpus).

use serde_json::{Map, Value, json};

/// `$ref`s followed on one path, at most (recursive schemas end there).
const MAX_DEPTH: usize = 6;
/// Variants kept of a nested value (the first ones: null, each branch, bounds come first).
const MAX_NESTED_VARIANTS: usize = 32;
/// The longest string made for a `maxLength`, in characters. Seldon's engine allows 2 MiB
/// strings in 29 places: at the bound each instance ran to tens of MB and one spec's cases to
/// 3 GB (a CI run died of a full disk). Past this, the string stays within the bound instead.
const LONGEST_STRING: usize = 4096;

// ---------------------------------------------------------------------------------------------
// OpenAPI 3.0 → JSON Schema Draft 4
// ---------------------------------------------------------------------------------------------

/// Which way a schema's values travel, which decides what `required` means: a `readOnly`
/// property is never sent (required only in responses), a `writeOnly` one never sent back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// A request body: the request oracle (`tests/tests/oracle.rs`).
    Request,
    /// A response body: the response judge.
    Response,
}

/// Converts one OpenAPI 3.0 Schema Object into JSON Schema Draft 4, for the `jsonschema`
/// crate to judge what the SDK may send (`Side::Request`) or must decode (`Side::Response`):
/// - `nullable: true` → `"null"` added to `type` (and to `enum`), or `anyOf [null, …]` when the
///   schema has no `type` (a `$ref`, `allOf`, `oneOf` …);
/// - `discriminator` → OpenAPI's meaning spelled out: when the tag names a variant (by
///   `mapping`, or by the variant's schema name), the value must be valid against that variant;
///   otherwise the plain `oneOf`/`anyOf` applies;
/// - `readOnly` (request) or `writeOnly` (response) properties leave `required`;
/// - `type: integer` gets the range its Rust type holds: a sized format's (`int32`, `uint8`,
///   `uint64` …), `i64`'s without one. A DESIGN DIFFERENCE: JSON Schema integers are unbounded;
/// - `exclusiveMinimum: true` with no `minimum` bounds nothing (Draft 4's meta-schema refuses
///   it): dropped;
/// - OpenAPI-only keywords (`example`, `xml`, `externalDocs`, `deprecated`, `x-…`) are dropped:
///   JSON Schema ignores unknown keywords anyway, and the request oracle checks
///   `x-max-stringified-length` itself.
///
/// `$ref`s stay as they are (`#/components/schemas/X`): [`root_schema`] places the converted
/// components at the same pointer, so they resolve there.
pub fn to_json_schema(schema: &Value, side: Side) -> Value {
    let Value::Object(map) = schema else {
        return schema.clone();
    };
    if let Some(reference) = map.get("$ref") {
        // OpenAPI 3.0 ignores a `$ref`'s siblings, as Draft 4 does.
        return json!({ "$ref": reference });
    }
    let convert = |value: &Value| to_json_schema(value, side);
    let mut out = Map::new();
    for (key, value) in map {
        let converted = match key.as_str() {
            "properties" => Value::Object(
                value
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| (k.clone(), convert(v)))
                    .collect(),
            ),
            "items" | "not" => convert(value),
            "additionalProperties" if value.is_object() => convert(value),
            "allOf" | "oneOf" | "anyOf" => Value::Array(
                value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(convert)
                    .collect(),
            ),
            "nullable" | "discriminator" | "readOnly" | "writeOnly" | "example" | "xml"
            | "externalDocs" | "deprecated" => continue,
            k if k.starts_with("x-") => continue,
            _ => value.clone(),
        };
        out.insert(key.clone(), converted);
    }
    // The range the Rust type holds; the spec's own tighter bounds stay.
    if map.get("type") == Some(&json!("integer")) {
        let (min, max) = integer_range(schema).unwrap_or((i64::MIN.into(), i64::MAX.into()));
        let range = json!({"minimum": json_integer(min), "maximum": json_integer(max)});
        match out.get_mut("allOf") {
            Some(Value::Array(parts)) => parts.push(range),
            _ => {
                out.insert("allOf".into(), json!([range]));
            }
        }
    }
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if !out.contains_key(bound) {
            out.remove(exclusive);
        }
    }
    if let Some(Value::Array(required)) = out.get_mut("required") {
        let one_way = match side {
            Side::Request => "readOnly",
            Side::Response => "writeOnly",
        };
        let left_out: Vec<&String> = map
            .get("properties")
            .and_then(Value::as_object)
            .map(|p| {
                p.iter()
                    .filter(|(_, s)| s.get(one_way) == Some(&json!(true)))
                    .map(|(k, _)| k)
                    .collect()
            })
            .unwrap_or_default();
        required.retain(|r| !left_out.iter().any(|w| Some(w.as_str()) == r.as_str()));
    }
    if let Some(discriminator) = map.get("discriminator") {
        out = discriminated(out, discriminator);
    }
    if map.get("nullable") == Some(&json!(true)) {
        out = nullable(out);
    }
    Value::Object(out)
}

/// An integer as JSON: every range bound fits `i64` or `u64`.
fn json_integer(n: i128) -> Value {
    match (i64::try_from(n), u64::try_from(n)) {
        (Ok(small), _) => small.into(),
        (_, Ok(big)) => big.into(),
        _ => Value::Null,
    }
}

fn nullable(mut schema: Map<String, Value>) -> Map<String, Value> {
    match schema.get("type").cloned() {
        Some(Value::String(t)) => {
            schema.insert("type".into(), json!([t, "null"]));
            if let Some(Value::Array(values)) = schema.get_mut("enum") {
                values.push(Value::Null);
            }
            schema
        }
        _ => Map::from_iter([(
            "anyOf".to_owned(),
            json!([{"type": "null"}, Value::Object(schema)]),
        )]),
    }
}

/// `oneOf: [$ref A, $ref B, …]` with `discriminator: {propertyName: p, mapping?}` becomes: the
/// tag names A (a `mapping` key pointing at A, or A's schema name) → valid against A; …; the tag
/// names none of them → the `oneOf` as written.
fn discriminated(schema: Map<String, Value>, discriminator: &Value) -> Map<String, Value> {
    let Some(property) = discriminator["propertyName"].as_str() else {
        return schema;
    };
    let mapping = discriminator.get("mapping").and_then(Value::as_object);
    let variants = schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut all_tags = Vec::new();
    let mut branches = Vec::new();
    for variant in &variants {
        let Some(reference) = variant.get("$ref").and_then(Value::as_str) else {
            continue;
        };
        let mut tags: Vec<Value> = mapping
            .into_iter()
            .flatten()
            .filter(|(_, target)| target.as_str() == Some(reference))
            .map(|(tag, _)| json!(tag))
            .collect();
        if tags.is_empty() {
            tags.push(json!(reference.rsplit('/').next().unwrap_or_default()));
        }
        all_tags.extend(tags.iter().cloned());
        branches.push(json!({
            "required": [property],
            "properties": { property: { "enum": tags } },
            "allOf": [variant],
        }));
    }
    branches.push(json!({
        "not": {
            "type": "object",
            "required": [property],
            "properties": { property: { "enum": all_tags } },
        },
        "allOf": [Value::Object(schema)],
    }));
    Map::from_iter([("anyOf".to_owned(), Value::Array(branches))])
}

/// The root document the validators resolve `#/components/schemas/...` in: `schema` converted,
/// with the component schemas of `spec` it reaches converted beside it. For many schemas of one
/// spec, [`Components`] converts the components once.
pub fn root_schema(spec: &Value, schema: &Value, side: Side) -> Value {
    Components::new(spec, side).root(schema)
}

/// Every component schema of a spec, converted once (Stripe's are megabytes: converting them
/// for each of its responses was most of the judge's time).
#[derive(Debug, Clone)]
pub struct Components {
    side: Side,
    schemas: Map<String, Value>,
}

impl Components {
    /// `spec`'s component schemas, converted for `side`.
    pub fn new(spec: &Value, side: Side) -> Self {
        let schemas = spec["components"]["schemas"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.clone(), to_json_schema(v, side)))
            .collect();
        Components { side, schemas }
    }

    /// The root a validator of `schema` needs: it converted, with the components it reaches.
    pub fn root(&self, schema: &Value) -> Value {
        let converted = to_json_schema(schema, self.side);
        let mut reached = Map::new();
        let mut pending = vec![&converted];
        while let Some(next) = pending.pop() {
            let mut refs = Vec::new();
            references(next, &mut refs);
            for name in refs {
                if reached.contains_key(&name) {
                    continue;
                }
                if let Some(target) = self.schemas.get(&name) {
                    reached.insert(name.clone(), target.clone());
                    pending.push(target);
                }
            }
        }
        let mut root = match converted {
            // Draft 4 ignores a `$ref`'s siblings: the components go beside it in a wrapper.
            Value::Object(map) if !map.contains_key("$ref") => map,
            other => Map::from_iter([("allOf".to_owned(), json!([other]))]),
        };
        root.insert("components".into(), json!({ "schemas": reached }));
        Value::Object(root)
    }
}

/// The component names of the `#/components/schemas/...` references in `value`.
fn references(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(name) = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
            {
                out.push(name.replace("~1", "/").replace("~0", "~"));
            }
            map.values().for_each(|v| references(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| references(v, out)),
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------
// Instances a schema allows
// ---------------------------------------------------------------------------------------------

/// Builds the instances a schema of `spec` allows.
#[derive(Debug, Clone, Copy)]
pub struct Builder<'a> {
    /// The whole description, whose `#/components/schemas` `$ref`s point into.
    pub spec: &'a Value,
}

impl Builder<'_> {
    /// `schema`, or the component schema its `$ref` names.
    pub fn resolve<'s>(&'s self, schema: &'s Value) -> &'s Value {
        // Any local reference: `#/components/schemas/X`, `#/components/responses/Y`...
        match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => reference
                .strip_prefix('#')
                .and_then(|pointer| self.spec.pointer(pointer))
                .unwrap_or(&Value::Null),
            None => schema,
        }
    }

    /// Instances of `schema`, the structural variants first; never empty.
    pub fn instances(&self, schema: &Value, depth: usize) -> Vec<Value> {
        let mut out = self.all_instances(schema, depth);
        // A nested value's variants each become a whole instance of the value holding it: past
        // a few dozen, they multiply (Stripe's objects) without judging anything new.
        if depth > 0 {
            out.truncate(MAX_NESTED_VARIANTS);
        }
        out
    }

    fn all_instances(&self, schema: &Value, depth: usize) -> Vec<Value> {
        let schema = self.resolve(schema);
        let mut out = Vec::new();
        if schema.get("nullable") == Some(&json!(true)) {
            out.push(Value::Null);
        }
        if depth > MAX_DEPTH {
            out.push(self.smallest(schema, depth));
            return out;
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            out.extend(values.iter().cloned());
            return dedup(out);
        }
        for keyword in ["oneOf", "anyOf"] {
            if let Some(branches) = schema.get(keyword).and_then(Value::as_array) {
                for branch in branches {
                    if null_branch(branch) {
                        out.push(Value::Null);
                    } else {
                        out.extend(self.instances(branch, depth + 1));
                    }
                }
                return dedup(out);
            }
        }
        if let Some(parts) = self.all_of(schema) {
            // The parts' objects merged: each variant of each part, beside the others' first.
            let per_part: Vec<Vec<Value>> =
                parts.iter().map(|p| self.instances(p, depth + 1)).collect();
            let firsts: Option<Vec<&Value>> = per_part
                .iter()
                .map(|v| v.iter().find(|x| x.is_object()))
                .collect();
            // Parts that are not objects (`allOf: [{$ref: Name}]` where Name is a string) are
            // not merged: their instances are the candidates.
            let Some(firsts) = firsts else {
                out.extend(per_part.into_iter().flatten());
                return dedup(out);
            };
            let merge = |values: &mut dyn Iterator<Item = &Value>| {
                let mut merged = Map::new();
                for value in values {
                    if let Value::Object(map) = value {
                        merged.extend(map.clone());
                    }
                }
                merged
            };
            let full = merge(&mut firsts.iter().copied());
            for (i, variants) in per_part.iter().enumerate() {
                for variant in variants.iter().filter(|v| v.is_object()) {
                    let mut parts = firsts.iter().enumerate().map(|(j, first)| match i == j {
                        true => variant,
                        false => *first,
                    });
                    let mut merged = merge(&mut parts);
                    // A key the whole requires (`required` beside `allOf`, Box's way) stays.
                    for key in required(schema) {
                        if let (false, Some(value)) = (merged.contains_key(key), full.get(key)) {
                            merged.insert(key.to_owned(), value.clone());
                        }
                    }
                    out.push(Value::Object(merged));
                }
            }
            return dedup(out);
        }
        match schema_type(schema) {
            "object" => out.extend(self.objects(schema, depth)),
            "array" => {
                let items = schema.get("items").cloned().unwrap_or(json!({}));
                let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0);
                let item_instances = self.instances(&items, depth + 1);
                if min == 0 {
                    out.push(json!([]));
                }
                // Every item variant, in one array (and the first alone).
                out.push(Value::Array(item_instances.clone()));
                out.push(Value::Array(vec![
                    item_instances[0].clone();
                    min.max(1) as usize
                ]));
            }
            "string" => out.extend(strings(schema)),
            "integer" => out.extend(numbers(schema, true)),
            "number" => out.extend(numbers(schema, false)),
            "boolean" => out.extend([json!(true), json!(false)]),
            _ => out.extend([json!("text"), json!(1), json!({"any": [true]})]),
        }
        dedup(out)
    }

    fn objects(&self, schema: &Value, depth: usize) -> Vec<Value> {
        let empty = Map::new();
        let properties = schema
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let readable = |s: &Value| self.resolve(s).get("writeOnly") != Some(&json!(true));
        let variants: Vec<(&String, Vec<Value>)> = properties
            .iter()
            .filter(|(_, s)| readable(s))
            .map(|(k, s)| (k, self.instances(s, depth + 1)))
            .collect();
        let mut full: Map<String, Value> = variants
            .iter()
            .map(|(k, v)| ((*k).clone(), v[0].clone()))
            .collect();
        // A key required but never declared (Box requires `accessed` of a shared link): any
        // value the map's values allow.
        for key in &required {
            if !properties.contains_key(*key) {
                let value = match schema.get("additionalProperties") {
                    Some(additional) if additional.is_object() => self.smallest(additional, depth),
                    _ => Value::Null,
                };
                full.insert((*key).to_owned(), value);
            }
        }
        let minimal: Map<String, Value> = full
            .iter()
            .filter(|(k, _)| required.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let mut out = vec![Value::Object(full.clone()), Value::Object(minimal)];
        // Each property's other variants, one at a time, in the full object.
        for (key, values) in &variants {
            for value in values.iter().skip(1) {
                let mut object = full.clone();
                object.insert((*key).clone(), value.clone());
                out.push(Value::Object(object));
            }
        }
        // A map's values.
        if let Some(additional) = schema.get("additionalProperties").filter(|a| a.is_object()) {
            for value in self.instances(additional, depth + 1) {
                let mut object = full.clone();
                object.insert("extra_entry".into(), value);
                out.push(Value::Object(object));
            }
        }
        // An unknown field, where the schema allows any: in a map of typed values (Kubernetes'
        // string annotations) it would be one more entry its values refuse.
        let any_field = match schema.get("additionalProperties") {
            None | Some(Value::Bool(true)) => true,
            Some(additional) => annotations_only(self.resolve(additional)),
        };
        if any_field {
            let mut object = full;
            object.insert("fieldAddedLater".into(), json!({"new": [1, "two"]}));
            out.push(Value::Object(object));
        }
        out
    }

    /// One small value `schema` allows, where recursion stops: an enum's first value, a string
    /// of its format or pattern, a number within its bounds, the required fields of an object
    /// and the fewest items of an array, built the same way (a `null` where allowed) down to
    /// `MAX_DEPTH` more levels. Past those a placeholder of the right type, which a schema that
    /// asks for more refuses (the instance is then left out).
    fn smallest(&self, schema: &Value, depth: usize) -> Value {
        let schema = self.resolve(schema);
        if let Some(first) = schema
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|v| v.first())
        {
            return first.clone();
        }
        let deeper = |s: &Value| {
            if self.resolve(s).get("nullable") == Some(&json!(true)) {
                Value::Null
            } else {
                self.smallest(s, depth + 1)
            }
        };
        if depth > 2 * MAX_DEPTH {
            return placeholder(schema);
        }
        for keyword in ["oneOf", "anyOf"] {
            if let Some(branch) = schema
                .get(keyword)
                .and_then(Value::as_array)
                .and_then(|b| b.iter().find(|b| !null_branch(b)))
            {
                return deeper(branch);
            }
        }
        if let Some(parts) = self.all_of(schema) {
            let values: Vec<Value> = parts.iter().map(|p| self.smallest(p, depth + 1)).collect();
            if !values.iter().all(Value::is_object) {
                return values.into_iter().next().unwrap_or(Value::Null);
            }
            let mut merged: Map<String, Value> = values
                .into_iter()
                .filter_map(|v| match v {
                    Value::Object(map) => Some(map),
                    _ => None,
                })
                .flatten()
                .collect();
            for key in required(schema) {
                if let (false, Some(property)) =
                    (merged.contains_key(key), self.property(schema, key))
                {
                    merged.insert(key.to_owned(), deeper(property));
                }
            }
            return Value::Object(merged);
        }
        match schema_type(schema) {
            "string" => strings(schema).swap_remove(0),
            "integer" => numbers(schema, true).swap_remove(0),
            "number" => numbers(schema, false).swap_remove(0),
            "array" => {
                let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0);
                let item = match min {
                    0 => Value::Null,
                    _ => deeper(schema.get("items").unwrap_or(&Value::Null)),
                };
                Value::Array(vec![item; min as usize])
            }
            "object" => {
                let mut object = Map::new();
                for key in required(schema) {
                    // A write-only property is never sent back: not required in a response.
                    let Some(property) = self.property(schema, key) else {
                        continue;
                    };
                    if self.resolve(property).get("writeOnly") != Some(&json!(true)) {
                        object.insert(key.to_owned(), deeper(property));
                    }
                }
                Value::Object(object)
            }
            _ => placeholder(schema),
        }
    }

    /// The parts of `schema`'s `allOf` that say something of the value: a part of annotations
    /// only (`{description: ...}` beside a `$ref`, Box's way of describing a use) is left out,
    /// and properties written beside `allOf` are one more part (a `required` beside it, the
    /// callers keep). `None` when no part is left: the schema is read by its other keywords.
    fn all_of(&self, schema: &Value) -> Option<Vec<Value>> {
        let parts = schema.get("allOf").and_then(Value::as_array)?;
        let mut kept: Vec<Value> = parts
            .iter()
            .filter(|part| !annotations_only(self.resolve(part)))
            .cloned()
            .collect();
        if schema.get("properties").is_some() || schema.get("additionalProperties").is_some() {
            let mut sibling = schema.as_object().cloned().unwrap_or_default();
            sibling.remove("allOf");
            sibling.remove("nullable");
            kept.push(Value::Object(sibling));
        }
        (!kept.is_empty()).then_some(kept)
    }

    /// The schema of property `key` of `schema`: among its own properties or its parts'.
    fn property<'s>(&'s self, schema: &'s Value, key: &str) -> Option<&'s Value> {
        let schema = self.resolve(schema);
        schema
            .get("properties")
            .and_then(|p| p.get(key))
            .or_else(|| {
                schema
                    .get("allOf")
                    .and_then(Value::as_array)?
                    .iter()
                    .find_map(|part| self.property(part, key))
            })
    }
}

/// The names `schema` lists as `required`.
fn required(schema: &Value) -> impl Iterator<Item = &str> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
}

/// A schema that constrains nothing: annotations only (an empty schema too).
fn annotations_only(schema: &Value) -> bool {
    const ANNOTATIONS: [&str; 8] = [
        "description",
        "title",
        "example",
        "examples",
        "default",
        "deprecated",
        "externalDocs",
        "xml",
    ];
    schema.as_object().is_some_and(|map| {
        map.keys()
            .all(|k| ANNOTATIONS.contains(&k.as_str()) || k.starts_with("x-"))
    })
}

/// A value of `schema`'s type and nothing more: where recursion has to end.
fn placeholder(schema: &Value) -> Value {
    match schema_type(schema) {
        "array" => json!([]),
        "object" => json!({}),
        "string" => json!("s"),
        "integer" | "number" => json!(0),
        "boolean" => json!(false),
        _ => Value::Null,
    }
}

/// A union branch the generator reads as `null` alone: `{nullable: true}` with no type (Slack
/// writes `anyOf: [{nullable: true}, {type: string}]` for a string or `null`; to JSON Schema
/// the branch takes any value, which no one means).
fn null_branch(branch: &Value) -> bool {
    branch.get("type") == Some(&json!("null"))
        || (branch.get("nullable") == Some(&json!(true))
            && [
                "type",
                "properties",
                "items",
                "enum",
                "$ref",
                "allOf",
                "oneOf",
                "anyOf",
            ]
            .iter()
            .all(|k| branch.get(k).is_none()))
}

/// The JSON type of `schema`'s instances: its `type`, or the one its keywords imply, as the
/// generator reads them (README, "Judged by the JSON Schema Test Suite": `properties` or
/// `additionalProperties` make an object, `items` an array).
fn schema_type(schema: &Value) -> &str {
    match schema.get("type").and_then(Value::as_str) {
        Some(t) => t,
        None if schema.get("properties").is_some()
            || schema.get("additionalProperties").is_some() =>
        {
            "object"
        }
        None if schema.get("items").is_some() => "array",
        None => "any",
    }
}

fn strings(schema: &Value) -> Vec<Value> {
    let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = schema
        .get("maxLength")
        .and_then(Value::as_u64)
        .map(|n| n as usize);
    let by_format = match schema.get("format").and_then(Value::as_str) {
        Some("date-time") => vec!["2024-02-29T23:59:59.123Z", "2024-01-01T00:00:00+05:30"],
        Some("date") => vec!["2024-02-29"],
        Some("time") => vec!["23:59:59.123Z"],
        Some("ipv4") => vec!["192.0.2.1"],
        Some("ipv6") => vec!["2001:db8::1"],
        Some("uuid") => vec!["123e4567-e89b-12d3-a456-426614174000"],
        Some("email") => vec!["jane@example.com"],
        Some("uri" | "url") => vec!["https://example.com/a?b=c"],
        _ => vec![],
    };
    let mut out: Vec<Value> = Vec::new();
    // A string the `pattern` allows, first: without one every instance would be left out.
    if let Some(pattern) = schema.get("pattern").and_then(Value::as_str)
        && let Some(matching) = matching_string(pattern, min, max)
    {
        out.push(json!(matching));
    }
    out.extend(by_format.into_iter().map(|s| json!(s)));
    if let Some(example) = schema.get("example").filter(|e| e.is_string()) {
        out.push(example.clone());
    }
    // Strings at the lengths, unless the format is one the judge checks and would refuse them
    // for (a `uuid` or a `hostname` it does not check: an SDK must decode "x" there, as the
    // description's JSON Schema reading allows).
    let judged_format = matches!(
        schema.get("format").and_then(Value::as_str),
        Some("date-time" | "date" | "time" | "email" | "uri" | "ipv4" | "ipv6")
    );
    if !judged_format {
        out.push(json!("x".repeat(min.max(1).min(max.unwrap_or(usize::MAX)))));
        // Two-byte characters: a bound counted in bytes instead of characters refuses it.
        if let Some(max) = max {
            out.push(json!("é".repeat(max.min(LONGEST_STRING))));
        }
    }
    out
}

/// A string matching `pattern` whose length is within `min..=max` characters, from a few
/// seeded draws (the same every run); `None` when the pattern is not in the generator's dialect
/// or no draw fits.
fn matching_string(pattern: &str, min: usize, max: Option<usize>) -> Option<String> {
    use rand::SeedableRng;
    use rand::distr::Distribution;
    // The generator refuses anchors; a string matching all of the pattern without them
    // matches it with them at its ends too.
    let body = pattern.strip_prefix('^').unwrap_or(pattern);
    let body = match body.strip_suffix('$') {
        Some(rest) if !rest.ends_with('\\') => rest,
        _ => body,
    };
    let hir = regex_syntax::Parser::new().parse(body).ok()?;
    let regex = rand_regex::Regex::with_hir(short_repeats(hir), EXTRA_REPEATS).ok()?;
    let mut rng = rand::rngs::StdRng::seed_from_u64(0x5eed);
    (0..16)
        .map(|_| Distribution::<String>::sample(&regex, &mut rng))
        .find(|s| {
            let n = s.chars().count();
            n >= min && max.is_none_or(|max| n <= max)
        })
}

/// Repeats a draw may add past a repetition's minimum: rand_regex's own cap for `*`, `+` and
/// `{n,}`, given here to bounded ones too (Seldon's `^.{1,2097152}`: see [`LONGEST_STRING`]).
const EXTRA_REPEATS: u32 = 8;

/// `hir` with every bounded repetition `{n,m}` cut to at most `{n,n+EXTRA_REPEATS}`: the strings
/// it matches are a subset of the pattern's.
fn short_repeats(hir: regex_syntax::hir::Hir) -> regex_syntax::hir::Hir {
    use regex_syntax::hir::{Capture, Hir, HirKind, Repetition};
    match hir.into_kind() {
        HirKind::Repetition(rep) => Hir::repetition(Repetition {
            max: rep
                .max
                .map(|max| max.min(rep.min.saturating_add(EXTRA_REPEATS))),
            sub: Box::new(short_repeats(*rep.sub)),
            ..rep
        }),
        HirKind::Capture(capture) => Hir::capture(Capture {
            sub: Box::new(short_repeats(*capture.sub)),
            ..capture
        }),
        HirKind::Concat(subs) => Hir::concat(subs.into_iter().map(short_repeats).collect()),
        HirKind::Alternation(subs) => {
            Hir::alternation(subs.into_iter().map(short_repeats).collect())
        }
        HirKind::Empty => Hir::empty(),
        HirKind::Literal(literal) => Hir::literal(literal.0),
        HirKind::Class(class) => Hir::class(class),
        HirKind::Look(look) => Hir::look(look),
    }
}

fn numbers(schema: &Value, integer: bool) -> Vec<Value> {
    let bound = |key: &str| schema.get(key).and_then(Value::as_f64);
    let mut out = Vec::new();
    for (limit, exclusive, step) in [
        (bound("minimum"), "exclusiveMinimum", 1.0),
        (bound("maximum"), "exclusiveMaximum", -1.0),
    ] {
        if let Some(limit) = limit {
            let exclusive = schema.get(exclusive) == Some(&json!(true));
            let at = if exclusive { limit + step } else { limit };
            out.push(if integer { json!(at as i64) } else { json!(at) });
        }
    }
    out.push(if integer { json!(0) } else { json!(0.5) });
    if integer {
        // The largest the format allows (OpenAPI's format registry), else JSON's safe integer.
        let (_, max) = integer_range(schema).unwrap_or((0, 9_007_199_254_740_991));
        if bound("maximum").is_none() {
            out.push(json!(max));
        }
    }
    out
}

/// The range a sized integer `format` gives (`int8` … `int64`, `uint8` … `uint64`), as the
/// generated Rust type holds it.
fn integer_range(schema: &Value) -> Option<(i128, i128)> {
    let range = match schema.get("format").and_then(Value::as_str)? {
        "int8" => (i8::MIN.into(), i8::MAX.into()),
        "int16" => (i16::MIN.into(), i16::MAX.into()),
        "int32" => (i32::MIN.into(), i32::MAX.into()),
        "int64" => (i64::MIN.into(), i64::MAX.into()),
        "uint8" => (0, u8::MAX.into()),
        "uint16" => (0, u16::MAX.into()),
        "uint32" => (0, u32::MAX.into()),
        "uint64" => (0, u64::MAX.into()),
        _ => return None,
    };
    Some(range)
}

/// `values` without repeats, in order. Compared by their JSON text (the builder writes keys in
/// one order): comparing the values pairwise was most of the time on Stripe's large objects.
fn dedup(values: Vec<Value>) -> Vec<Value> {
    let mut seen = std::collections::HashSet::with_capacity(values.len());
    values
        .into_iter()
        .filter(|value| seen.insert(value.to_string()))
        .collect()
}

/// What a response schema is judged by: the instances it allows, and the promise beyond it.
#[derive(Debug, Clone, Default)]
pub struct Judged {
    /// Built instances `is_valid` accepts (of the first `limit` built).
    pub valid: Vec<Value>,
    /// Built instances `is_valid` refused (a `pattern` the builder cannot satisfy, say).
    pub left_out: usize,
    /// A valid instance with an unknown enum value in one place (at the top, or in the first
    /// item of a list), which the SDK promises to decode; `None` without an enum to break.
    pub unknown_enum: Option<Value>,
}

impl Builder<'_> {
    /// The instances of `schema` (at most `limit` built) that `is_valid` (the `jsonschema`
    /// crate, converted by [`root_schema`]) accepts, and the unknown-enum promise.
    pub fn judged(
        &self,
        schema: &Value,
        limit: usize,
        is_valid: impl Fn(&Value) -> bool,
    ) -> Judged {
        let mut instances = self.instances(schema, 0);
        instances.truncate(limit);
        let (valid, refused): (Vec<Value>, Vec<Value>) =
            instances.into_iter().partition(|i| is_valid(i));
        // The promise is kept by an instance the schema allows, changed in one place.
        let unknown_enum = valid.first().and_then(|first| match first {
            Value::Array(items) if !items.is_empty() => {
                let item_schema = &self.resolve(schema)["items"];
                with_unknown_enum(self, item_schema, &items[0]).map(|item| json!([item]))
            }
            _ => with_unknown_enum(self, schema, first),
        });
        Judged {
            valid,
            left_out: refused.len(),
            unknown_enum,
        }
    }
}

/// The first string enum reachable at the top of `value`'s schema, with an unknown value in its
/// place: the SDK keeps such values (`Unknown`) rather than fail the call.
pub fn with_unknown_enum(builder: &Builder<'_>, schema: &Value, full: &Value) -> Option<Value> {
    let schema = builder.resolve(schema);
    let (Some(properties), Value::Object(object)) =
        (schema.get("properties").and_then(Value::as_object), full)
    else {
        return None;
    };
    for (key, property) in properties {
        let property = builder.resolve(property);
        if property.get("type") == Some(&json!("string")) && property.get("enum").is_some() {
            let mut object = object.clone();
            object.insert(key.clone(), json!("valueAddedLater"));
            return Some(Value::Object(object));
        }
    }
    None
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    fn spec() -> Value {
        json!({"components": {"schemas": {
            "Status": {"type": "string", "enum": ["on", "off"]},
            "Thing": {
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": {"type": "integer", "minimum": 1},
                    "status": {"$ref": "#/components/schemas/Status"},
                    "note": {"type": "string", "nullable": true},
                    "secret": {"type": "string", "writeOnly": true}
                }
            }
        }}})
    }

    #[test]
    fn objects_come_full_minimal_with_each_variant_and_an_unknown_field() {
        let spec = spec();
        let builder = Builder { spec: &spec };
        let thing = json!({"$ref": "#/components/schemas/Thing"});
        let all = builder.instances(&thing, 0);
        assert_eq!(all[0], json!({"id": 1, "status": "on", "note": null}));
        assert_eq!(all[1], json!({"id": 1}));
        assert!(all.contains(&json!({"id": 1, "status": "off", "note": null})));
        assert!(all.iter().any(|i| i["note"].is_string()));
        assert!(all.iter().any(|i| i.get("fieldAddedLater").is_some()));
        assert!(all.iter().all(|i| i.get("secret").is_none()));
        let unknown = with_unknown_enum(&builder, &thing, &all[0]).unwrap();
        assert_eq!(unknown["status"], "valueAddedLater");
    }

    #[test]
    fn all_of_reads_described_references_and_required_beside_it() {
        // Box's shapes: a `$ref` described by an `allOf` part of annotations only, `required`
        // beside `allOf`, a required key never declared, a format.
        let spec = json!({"components": {"schemas": {
            "Base": {"type": "object", "properties": {"id": {"type": "string"}}},
            "Named": {
                "allOf": [
                    {"$ref": "#/components/schemas/Base"},
                    {"properties": {"name": {"type": "string"}}},
                    {"description": "a named thing"}
                ],
                "required": ["id", "name"]
            },
            "Link": {
                "type": "object",
                "required": ["url", "accessed"],
                "properties": {"url": {"type": "string", "format": "uri"}}
            }
        }}});
        let builder = Builder { spec: &spec };
        let named = builder.instances(&json!({"$ref": "#/components/schemas/Named"}), 0);
        assert!(
            named.iter().any(|i| i.get("fieldAddedLater").is_some()),
            "{named:?}"
        );
        assert!(
            named
                .iter()
                .all(|i| i.get("id").is_some() && i.get("name").is_some()),
            "{named:?}"
        );
        let links = builder.instances(&json!({"$ref": "#/components/schemas/Link"}), 0);
        assert!(
            links.iter().all(|i| i.get("accessed").is_some()),
            "{links:?}"
        );
        // A known format: no plain strings at the lengths, which it refuses.
        assert!(
            links
                .iter()
                .all(|i| i["url"] == json!("https://example.com/a?b=c")),
            "{links:?}"
        );
    }

    #[test]
    fn typed_maps_get_entries_not_unknown_fields_and_checked_formats_get_no_plain_strings() {
        let spec = json!({});
        let builder = Builder { spec: &spec };
        // Kubernetes' annotations: every value a string, so an unknown field of any other
        // shape is an entry the map refuses.
        let labels = json!({"type": "object", "additionalProperties": {"type": "string"}});
        let maps = builder.instances(&labels, 0);
        assert!(
            maps.iter().any(|m| m.get("extra_entry").is_some()),
            "{maps:?}"
        );
        assert!(
            maps.iter().all(|m| m.get("fieldAddedLater").is_none()),
            "{maps:?}"
        );
        // A map that allows anything (a described `additionalProperties`) still gets one.
        let open = json!({"type": "object", "additionalProperties": {"description": "any"}});
        let opens = builder.instances(&open, 0);
        assert!(
            opens.iter().any(|m| m.get("fieldAddedLater").is_some()),
            "{opens:?}"
        );
        // Formats the judge checks get their own strings only; one it does not, "x" as well.
        for (format, expected) in [
            ("time", "23:59:59.123Z"),
            ("ipv4", "192.0.2.1"),
            ("ipv6", "2001:db8::1"),
            ("date", "2024-02-29"),
        ] {
            let schema = json!({"type": "string", "format": format});
            assert_eq!(
                builder.instances(&schema, 0),
                vec![json!(expected)],
                "{format}"
            );
        }
        let uuid = builder.instances(&json!({"type": "string", "format": "uuid"}), 0);
        assert!(uuid.contains(&json!("x")), "{uuid:?}");
    }

    #[test]
    fn past_the_depth_values_keep_enums_formats_and_required_fields() {
        let spec = spec();
        let builder = Builder { spec: &spec };
        let deep = MAX_DEPTH + 1;
        let thing = json!({"$ref": "#/components/schemas/Thing"});
        assert_eq!(builder.instances(&thing, deep), vec![json!({"id": 1})]);
        let status = json!({"$ref": "#/components/schemas/Status"});
        assert_eq!(builder.smallest(&status, deep), json!("on"));
        let date = json!({"type": "string", "format": "date-time"});
        assert_eq!(
            builder.smallest(&date, deep),
            json!("2024-02-29T23:59:59.123Z")
        );
        // An `allOf` of annotations only says nothing: any value.
        let described = json!({"allOf": [{"description": "anything"}]});
        assert!(!builder.instances(&described, 0).is_empty());
        // A chain of required self-references has no finite value: it ends in a placeholder.
        let spec = json!({"components": {"schemas": {"Node": {
            "type": "object",
            "required": ["next"],
            "properties": {"next": {"$ref": "#/components/schemas/Node"}}
        }}}});
        let builder = Builder { spec: &spec };
        let node = builder.smallest(&json!({"$ref": "#/components/schemas/Node"}), 0);
        assert!(node["next"]["next"]["next"].is_object(), "{node}");
    }

    #[test]
    fn unions_give_every_branch_and_null_when_nullable() {
        let spec = spec();
        let builder = Builder { spec: &spec };
        let union = json!({"nullable": true, "oneOf": [{"type": "boolean"}, {"type": "array", "items": {"type": "integer", "nullable": true}}]});
        let all = builder.instances(&union, 0);
        assert_eq!(all[0], Value::Null);
        assert!(all.contains(&json!(true)) && all.contains(&json!(false)));
        assert!(all.contains(&json!([])));
        assert!(
            all.iter()
                .any(|i| i.as_array().is_some_and(|a| a.contains(&Value::Null)))
        );
    }

    #[test]
    fn nullable_becomes_a_null_type_in_json_schema() {
        assert_eq!(
            to_json_schema(
                &json!({"type": "string", "nullable": true, "enum": ["a"]}),
                Side::Response
            ),
            json!({"type": ["string", "null"], "enum": ["a", null]})
        );
        assert_eq!(
            to_json_schema(&json!({"$ref": "#/x", "nullable": true}), Side::Request),
            json!({"$ref": "#/x"})
        );
    }

    #[test]
    fn one_way_properties_leave_required_on_their_side_only() {
        let schema = json!({
            "type": "object",
            "required": ["id", "password", "name"],
            "properties": {
                "id": {"type": "string", "readOnly": true},
                "password": {"type": "string", "writeOnly": true},
                "name": {"type": "string"}
            }
        });
        assert_eq!(
            to_json_schema(&schema, Side::Request)["required"],
            json!(["password", "name"])
        );
        assert_eq!(
            to_json_schema(&schema, Side::Response)["required"],
            json!(["id", "name"])
        );
    }

    #[test]
    fn integers_get_their_rust_range_and_discriminators_their_meaning() {
        let bounded = to_json_schema(
            &json!({"type": "integer", "format": "uint8"}),
            Side::Request,
        );
        assert_eq!(bounded["allOf"], json!([{"minimum": 0, "maximum": 255}]));
        let plain = to_json_schema(&json!({"type": "integer"}), Side::Response);
        assert_eq!(plain["allOf"][0]["maximum"], json!(i64::MAX));
        let spec = json!({"components": {"schemas": {
            "Cat": {"type": "object", "properties": {"kind": {"type": "string"}, "purrs": {"type": "boolean"}}},
            "Dog": {"type": "object", "properties": {"kind": {"type": "string"}, "barks": {"type": "boolean"}}},
            "Pet": {
                "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
                "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat"}}
            }
        }}});
        let root = root_schema(
            &spec,
            &json!({"$ref": "#/components/schemas/Pet"}),
            Side::Response,
        );
        // The tag picks the variant: `cat` by the mapping, `Dog` by the schema's name; any
        // other tag leaves the plain `oneOf`.
        let pet = &root["components"]["schemas"]["Pet"]["anyOf"];
        assert_eq!(pet[0]["properties"]["kind"]["enum"], json!(["cat"]));
        assert_eq!(pet[0]["allOf"][0]["$ref"], "#/components/schemas/Cat");
        assert_eq!(pet[1]["properties"]["kind"]["enum"], json!(["Dog"]));
        assert_eq!(
            pet[2]["not"]["properties"]["kind"]["enum"],
            json!(["cat", "Dog"])
        );
        assert!(pet[2]["allOf"][0]["oneOf"].is_array());
        // A `$ref` root is wrapped: Draft 4 ignores its siblings.
        assert_eq!(root["allOf"][0]["$ref"], "#/components/schemas/Pet");
    }

    #[test]
    fn a_pattern_gets_a_string_it_allows_within_the_lengths() {
        let first = |schema: Value| strings(&schema)[0].as_str().unwrap().to_owned();
        let id = first(json!({"type": "string", "pattern": "^[a-z]{3}-[0-9]+$"}));
        let (letters, digits) = id.split_once('-').unwrap_or_else(|| panic!("{id:?}"));
        assert!(
            letters.len() == 3 && letters.chars().all(|c| c.is_ascii_lowercase()),
            "{id}"
        );
        assert!(
            !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()),
            "{id}"
        );
        let short = first(json!({"type": "string", "pattern": "^a+$", "maxLength": 2}));
        assert!(matches!(short.as_str(), "a" | "aa"), "{short}");
        // The same every run.
        assert_eq!(
            id,
            first(json!({"type": "string", "pattern": "^[a-z]{3}-[0-9]+$"}))
        );
        // A lookahead is not in the generator's dialect: no string, as before.
        assert_eq!(matching_string("^(?=a)a$", 0, None), None);
        // A repetition bounded in megabytes draws near its minimum.
        let long = matching_string("^.{1,2097152}", 1, Some(2_097_152)).unwrap();
        assert!((1..=9).contains(&long.chars().count()), "{long:?}");
    }

    #[test]
    fn a_max_length_gets_a_string_at_it_unless_it_runs_to_megabytes() {
        let longest = |schema: Value| {
            strings(&schema)
                .iter()
                .filter_map(|s| s.as_str().map(|s| s.chars().count()))
                .max()
                .unwrap_or_default()
        };
        assert_eq!(longest(json!({"type": "string", "maxLength": 5})), 5);
        // Seldon's engine: 2 MiB, in 29 places of one response.
        assert_eq!(
            longest(json!({"type": "string", "maxLength": 2_097_152})),
            LONGEST_STRING
        );
    }
}
