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

// ---------------------------------------------------------------------------------------------
// OpenAPI 3.0 (response side) → JSON Schema Draft 4
// ---------------------------------------------------------------------------------------------

/// `nullable` → `null` in `type` (or `anyOf [null, …]` where there is no `type`); `writeOnly`
/// properties leave `required` (they are never sent back); the OpenAPI-only keywords dropped.
pub fn to_json_schema(schema: &Value) -> Value {
    let Value::Object(map) = schema else {
        return schema.clone();
    };
    if let Some(reference) = map.get("$ref") {
        return json!({ "$ref": reference });
    }
    let mut out = Map::new();
    for (key, value) in map {
        let converted = match key.as_str() {
            "properties" => Value::Object(
                value
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| (k.clone(), to_json_schema(v)))
                    .collect(),
            ),
            "items" | "not" => to_json_schema(value),
            "additionalProperties" if value.is_object() => to_json_schema(value),
            "allOf" | "oneOf" | "anyOf" => Value::Array(
                value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(to_json_schema)
                    .collect(),
            ),
            "nullable" | "discriminator" | "readOnly" | "writeOnly" | "example" | "xml"
            | "externalDocs" | "deprecated" => continue,
            k if k.starts_with("x-") => continue,
            _ => value.clone(),
        };
        out.insert(key.clone(), converted);
    }
    // A sized integer format bounds the value as its range does (what the Rust type holds).
    if map.get("type") == Some(&json!("integer"))
        && let Some((min, max)) = integer_range(schema)
    {
        out.entry("minimum").or_insert_with(|| json!(min));
        out.entry("maximum").or_insert_with(|| json!(max));
    }
    // `exclusiveMinimum: true` with no `minimum` (Dub writes it so) bounds nothing, and Draft 4's
    // meta-schema refuses it.
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if !out.contains_key(bound) {
            out.remove(exclusive);
        }
    }
    if let Some(Value::Array(required)) = out.get_mut("required") {
        let write_only: Vec<&String> = map
            .get("properties")
            .and_then(Value::as_object)
            .map(|p| {
                p.iter()
                    .filter(|(_, s)| s.get("writeOnly") == Some(&json!(true)))
                    .map(|(k, _)| k)
                    .collect()
            })
            .unwrap_or_default();
        required.retain(|r| !write_only.iter().any(|w| Some(w.as_str()) == r.as_str()));
    }
    if map.get("nullable") == Some(&json!(true)) {
        match out.get("type").cloned() {
            Some(Value::String(t)) => {
                out.insert("type".into(), json!([t, "null"]));
                if let Some(Value::Array(values)) = out.get_mut("enum") {
                    values.push(Value::Null);
                }
            }
            _ => {
                return json!({ "anyOf": [{ "type": "null" }, Value::Object(out)] });
            }
        }
    }
    Value::Object(out)
}

/// The root document the validators resolve `#/components/schemas/...` in.
pub fn root_schema(spec: &Value, schema: &Value) -> Value {
    let schemas: Map<String, Value> = spec["components"]["schemas"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), to_json_schema(v)))
        .collect();
    let mut root = to_json_schema(schema);
    if let Value::Object(map) = &mut root {
        map.insert("components".into(), json!({ "schemas": schemas }));
    } else {
        root = json!({ "allOf": [root], "components": { "schemas": schemas } });
    }
    root
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
        let schema = self.resolve(schema);
        let mut out = Vec::new();
        if schema.get("nullable") == Some(&json!(true)) {
            out.push(Value::Null);
        }
        if depth > MAX_DEPTH {
            out.push(self.smallest(schema));
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
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            // The parts' objects merged: each variant of each part, beside the others' first.
            let per_part: Vec<Vec<Value>> =
                parts.iter().map(|p| self.instances(p, depth + 1)).collect();
            // Parts that are not objects (`allOf: [{$ref: Name}]`, a way to add a description
            // to a reference) are not merged: their instances are the candidates.
            if per_part.iter().any(|v| !v[0].is_object()) {
                out.extend(per_part.into_iter().flatten());
                return dedup(out);
            }
            let firsts: Vec<&Value> = per_part.iter().map(|v| &v[0]).collect();
            for (i, variants) in per_part.iter().enumerate() {
                for variant in variants {
                    let mut merged = Map::new();
                    for (j, first) in firsts.iter().enumerate() {
                        let part = if i == j { variant } else { first };
                        if let Value::Object(map) = part {
                            merged.extend(map.clone());
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
        let full: Map<String, Value> = variants
            .iter()
            .map(|(k, v)| ((*k).clone(), v[0].clone()))
            .collect();
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
        // An unknown field, where the schema allows one.
        if schema.get("additionalProperties") != Some(&json!(false)) {
            let mut object = full;
            object.insert("fieldAddedLater".into(), json!({"new": [1, "two"]}));
            out.push(Value::Object(object));
        }
        out
    }

    /// One small valid-looking value, where recursion stops.
    fn smallest(&self, schema: &Value) -> Value {
        match schema_type(schema) {
            "array" => json!([]),
            "object" => json!({}),
            "string" => json!("s"),
            "integer" | "number" => json!(0),
            "boolean" => json!(false),
            _ => Value::Null,
        }
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
    out.push(json!("x".repeat(min.max(1).min(max.unwrap_or(usize::MAX)))));
    if let Some(max) = max {
        out.push(json!("é".repeat(max)));
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
    let regex = rand_regex::Regex::compile(body, 8).ok()?;
    let mut rng = rand::rngs::StdRng::seed_from_u64(0x5eed);
    (0..16)
        .map(|_| Distribution::<String>::sample(&regex, &mut rng))
        .find(|s| {
            let n = s.chars().count();
            n >= min && max.is_none_or(|max| n <= max)
        })
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

fn dedup(values: Vec<Value>) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::with_capacity(values.len());
    for value in values {
        if !out.contains(&value) {
            out.push(value);
        }
    }
    out
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
            to_json_schema(&json!({"type": "string", "nullable": true, "enum": ["a"]})),
            json!({"type": ["string", "null"], "enum": ["a", null]})
        );
        assert_eq!(
            to_json_schema(&json!({"$ref": "#/x", "nullable": true})),
            json!({"$ref": "#/x"})
        );
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
    }
}
