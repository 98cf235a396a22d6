//! Structural repair, the last step before `openapiv3` reads a document: a node that is not what
//! OpenAPI says it must be (a required field missing, `null` or a number where an object
//! belongs, a keyword of the wrong type) degrades where it is, with a warning naming its JSON
//! pointer, and the rest of the description is generated. `openapiv3` is strict and all or
//! nothing: one response without a `description` refused the whole file.
//!
//! The shapes below are OpenAPI 3.0's objects as `openapiv3` reads them (3.1 documents arrive
//! here already normalised). For each node that does not fit:
//! - an optional field is removed;
//! - a required field gets a neutral value where one exists (an empty `description`, empty
//!   `responses`, a parameter without `schema` gets `{}`: any value);
//! - otherwise the object that needs it goes (a parameter without `name` or `in`, a server
//!   without `url`, a security scheme without its `type`'s fields), and so on upward: a list
//!   item or a map entry is removed, never the whole document.
//!
//! Strings and booleans written as other scalars (`version: 1.0`, `required: "true"`) are
//! converted rather than removed. Schemas are the normaliser's (`normalise.rs`): here only a
//! schema that is not an object at all is replaced by `{}`. Hand-written: no crate validates an
//! OpenAPI document *and* repairs it node by node; validators stop at a verdict.

use crate::diagnostics::{Diagnostic, Severity, pointer};
use serde_json::{Map, Value};

/// What a node must be.
#[derive(Clone, Copy)]
enum Kind {
    Str,
    Bool,
    Any,
    Schema,
    Obj(&'static Obj),
    /// An object, or a `{"$ref": "..."}` standing for one.
    RefOr(&'static Obj),
    List(&'static Kind),
    /// Entries of one kind; keys starting `x-` are extensions, left as they are.
    Map(&'static Kind),
}

/// An object's fields, and what its required ones become when missing or broken.
struct Obj {
    name: &'static str,
    fields: &'static [(&'static str, Kind)],
    required: &'static [(&'static str, Fill)],
    /// Checks beyond field types (allowed values, one of two fields); `Err` drops the object.
    check: Option<Check>,
}

/// A check of an object's fields as a whole, at its pointer.
type Check = fn(&mut Map<String, Value>, &str, &mut Repair) -> Result<(), String>;

#[derive(Clone, Copy)]
enum Fill {
    /// A neutral value: `""`, `{}`.
    With(fn() -> Value),
    /// None makes sense: the object goes.
    Drop,
}

fn empty_string() -> Value {
    Value::String(String::new())
}
fn empty_object() -> Value {
    Value::Object(Map::new())
}
fn untitled() -> Value {
    Value::String("API".to_owned())
}
fn no_version() -> Value {
    Value::String("0.0.0".to_owned())
}

const STR: Kind = Kind::Str;
const BOOL: Kind = Kind::Bool;
const ANY: Kind = Kind::Any;
const STRINGS: Kind = Kind::List(&STR);
const ANY_MAP: Kind = Kind::Map(&ANY);

static ROOT: Obj = Obj {
    name: "the document",
    fields: &[
        ("info", Kind::Obj(&INFO)),
        ("servers", Kind::List(&Kind::Obj(&SERVER))),
        ("paths", Kind::Map(&Kind::RefOr(&PATH_ITEM))),
        ("components", Kind::Obj(&COMPONENTS)),
        ("security", Kind::List(&Kind::Map(&STRINGS))),
        ("tags", Kind::List(&Kind::Obj(&TAG))),
        ("externalDocs", Kind::Obj(&EXTERNAL_DOCS)),
    ],
    required: &[
        (
            "info",
            Fill::With(|| serde_json::json!({"title": "API", "version": "0.0.0"})),
        ),
        ("paths", Fill::With(empty_object)),
    ],
    check: None,
};

static INFO: Obj = Obj {
    name: "info",
    fields: &[
        ("title", STR),
        ("description", STR),
        ("termsOfService", STR),
        ("contact", Kind::Obj(&CONTACT)),
        ("license", Kind::Obj(&LICENSE)),
        ("version", STR),
    ],
    required: &[
        ("title", Fill::With(untitled)),
        ("version", Fill::With(no_version)),
    ],
    check: None,
};

static CONTACT: Obj = Obj {
    name: "a contact",
    fields: &[("name", STR), ("url", STR), ("email", STR)],
    required: &[],
    check: None,
};

static LICENSE: Obj = Obj {
    name: "a license",
    fields: &[("name", STR), ("url", STR)],
    required: &[("name", Fill::Drop)],
    check: None,
};

static SERVER: Obj = Obj {
    name: "a server",
    fields: &[
        ("url", STR),
        ("description", STR),
        ("variables", Kind::Map(&Kind::Obj(&SERVER_VARIABLE))),
    ],
    required: &[("url", Fill::Drop)],
    check: None,
};

static SERVER_VARIABLE: Obj = Obj {
    name: "a server variable",
    fields: &[("enum", STRINGS), ("default", STR), ("description", STR)],
    required: &[("default", Fill::With(empty_string))],
    check: None,
};

static TAG: Obj = Obj {
    name: "a tag",
    fields: &[
        ("name", STR),
        ("description", STR),
        ("externalDocs", Kind::Obj(&EXTERNAL_DOCS)),
    ],
    required: &[("name", Fill::Drop)],
    check: None,
};

static EXTERNAL_DOCS: Obj = Obj {
    name: "external docs",
    fields: &[("url", STR), ("description", STR)],
    required: &[("url", Fill::Drop)],
    check: None,
};

static PATH_ITEM: Obj = Obj {
    name: "a path item",
    fields: &[
        ("summary", STR),
        ("description", STR),
        ("get", Kind::Obj(&OPERATION)),
        ("put", Kind::Obj(&OPERATION)),
        ("post", Kind::Obj(&OPERATION)),
        ("delete", Kind::Obj(&OPERATION)),
        ("options", Kind::Obj(&OPERATION)),
        ("head", Kind::Obj(&OPERATION)),
        ("patch", Kind::Obj(&OPERATION)),
        ("trace", Kind::Obj(&OPERATION)),
        ("servers", Kind::List(&Kind::Obj(&SERVER))),
        ("parameters", Kind::List(&Kind::RefOr(&PARAMETER))),
    ],
    required: &[],
    check: None,
};

static OPERATION: Obj = Obj {
    name: "an operation",
    fields: &[
        ("tags", STRINGS),
        ("summary", STR),
        ("description", STR),
        ("externalDocs", Kind::Obj(&EXTERNAL_DOCS)),
        ("operationId", STR),
        ("parameters", Kind::List(&Kind::RefOr(&PARAMETER))),
        ("requestBody", Kind::RefOr(&REQUEST_BODY)),
        ("responses", Kind::Obj(&RESPONSES)),
        ("callbacks", Kind::Map(&Kind::RefOr(&CALLBACK))),
        ("deprecated", BOOL),
        ("security", Kind::List(&Kind::Map(&STRINGS))),
        ("servers", Kind::List(&Kind::Obj(&SERVER))),
    ],
    required: &[("responses", Fill::With(empty_object))],
    check: None,
};

/// `Responses` is a map by status, checked key by key in [`responses`].
static RESPONSES: Obj = Obj {
    name: "responses",
    fields: &[],
    required: &[],
    check: Some(responses),
};

static CALLBACK: Obj = Obj {
    name: "a callback",
    fields: &[],
    required: &[],
    check: Some(callback),
};

static PARAMETER: Obj = Obj {
    name: "a parameter",
    fields: &[
        ("name", STR),
        ("in", STR),
        ("description", STR),
        ("required", BOOL),
        ("deprecated", BOOL),
        ("allowEmptyValue", BOOL),
        ("style", STR),
        ("explode", BOOL),
        ("allowReserved", BOOL),
        ("schema", Kind::Schema),
        ("example", ANY),
        ("examples", Kind::Map(&Kind::RefOr(&EXAMPLE))),
        ("content", Kind::Map(&Kind::Obj(&MEDIA_TYPE))),
    ],
    required: &[("name", Fill::Drop), ("in", Fill::Drop)],
    check: Some(parameter),
};

static HEADER: Obj = Obj {
    name: "a header",
    fields: &[
        ("description", STR),
        ("required", BOOL),
        ("deprecated", BOOL),
        ("style", STR),
        ("explode", BOOL),
        ("schema", Kind::Schema),
        ("example", ANY),
        ("examples", Kind::Map(&Kind::RefOr(&EXAMPLE))),
        ("content", Kind::Map(&Kind::Obj(&MEDIA_TYPE))),
    ],
    required: &[],
    check: Some(header),
};

static REQUEST_BODY: Obj = Obj {
    name: "a request body",
    fields: &[
        ("description", STR),
        ("content", Kind::Map(&Kind::Obj(&MEDIA_TYPE))),
        ("required", BOOL),
    ],
    required: &[("content", Fill::With(empty_object))],
    check: None,
};

static MEDIA_TYPE: Obj = Obj {
    name: "a media type",
    fields: &[
        ("schema", Kind::Schema),
        ("example", ANY),
        ("examples", Kind::Map(&Kind::RefOr(&EXAMPLE))),
        ("encoding", Kind::Map(&Kind::Obj(&ENCODING))),
    ],
    required: &[],
    check: None,
};

static ENCODING: Obj = Obj {
    name: "an encoding",
    fields: &[
        ("contentType", STR),
        ("headers", Kind::Map(&Kind::RefOr(&HEADER))),
        ("style", STR),
        ("explode", BOOL),
        ("allowReserved", BOOL),
    ],
    required: &[],
    check: Some(encoding),
};

static RESPONSE: Obj = Obj {
    name: "a response",
    fields: &[
        ("description", STR),
        ("headers", Kind::Map(&Kind::RefOr(&HEADER))),
        ("content", Kind::Map(&Kind::Obj(&MEDIA_TYPE))),
        ("links", Kind::Map(&Kind::RefOr(&LINK))),
    ],
    required: &[("description", Fill::With(empty_string))],
    check: None,
};

static EXAMPLE: Obj = Obj {
    name: "an example",
    fields: &[
        ("summary", STR),
        ("description", STR),
        ("value", ANY),
        ("externalValue", STR),
    ],
    required: &[],
    check: None,
};

static LINK: Obj = Obj {
    name: "a link",
    fields: &[
        ("operationRef", STR),
        ("operationId", STR),
        ("parameters", ANY_MAP),
        ("requestBody", ANY),
        ("description", STR),
        ("server", Kind::Obj(&SERVER)),
    ],
    required: &[],
    check: Some(link),
};

static COMPONENTS: Obj = Obj {
    name: "components",
    fields: &[
        ("schemas", Kind::Map(&Kind::Schema)),
        ("responses", Kind::Map(&Kind::RefOr(&RESPONSE))),
        ("parameters", Kind::Map(&Kind::RefOr(&PARAMETER))),
        ("examples", Kind::Map(&Kind::RefOr(&EXAMPLE))),
        ("requestBodies", Kind::Map(&Kind::RefOr(&REQUEST_BODY))),
        ("headers", Kind::Map(&Kind::RefOr(&HEADER))),
        ("securitySchemes", Kind::Map(&Kind::RefOr(&SECURITY_SCHEME))),
        ("links", Kind::Map(&Kind::RefOr(&LINK))),
        ("callbacks", Kind::Map(&Kind::RefOr(&CALLBACK))),
    ],
    required: &[],
    check: None,
};

static SECURITY_SCHEME: Obj = Obj {
    name: "a security scheme",
    fields: &[
        ("type", STR),
        ("description", STR),
        ("name", STR),
        ("in", STR),
        ("scheme", STR),
        ("bearerFormat", STR),
        ("flows", Kind::Obj(&OAUTH_FLOWS)),
        ("openIdConnectUrl", STR),
    ],
    required: &[("type", Fill::Drop)],
    check: Some(security_scheme),
};

static OAUTH_FLOWS: Obj = Obj {
    name: "OAuth flows",
    fields: &[
        ("implicit", Kind::Obj(&OAUTH_FLOW)),
        ("password", Kind::Obj(&OAUTH_FLOW)),
        ("clientCredentials", Kind::Obj(&OAUTH_FLOW)),
        ("authorizationCode", Kind::Obj(&OAUTH_FLOW)),
    ],
    required: &[],
    check: Some(oauth_flows),
};

static OAUTH_FLOW: Obj = Obj {
    name: "an OAuth flow",
    fields: &[
        ("authorizationUrl", STR),
        ("tokenUrl", STR),
        ("refreshUrl", STR),
        ("scopes", Kind::Map(&STR)),
    ],
    required: &[("scopes", Fill::With(empty_object))],
    check: None,
};

/// Repairs `document` in place and returns a warning for each node it changed.
pub(crate) fn repair(file: &str, document: &mut Value) -> Vec<Diagnostic> {
    let mut repair = Repair {
        file,
        warnings: Vec::new(),
        depth: 0,
    };
    if let Value::Object(root) = document {
        // Not `repair.object`: the root itself cannot go, whatever it lacks.
        let _ = repair.fields(root, "", &ROOT);
    }
    repair.warnings
}

struct Repair<'a> {
    file: &'a str,
    warnings: Vec<Diagnostic>,
    /// How many nodes deep the walk is: past [`MAX_DEPTH`] (callbacks within callbacks), a node
    /// is left to the reader rather than walked on.
    depth: usize,
}

const MAX_DEPTH: usize = 128;

impl Repair<'_> {
    fn warn(&mut self, at: &str, message: String) {
        self.warnings.push(Diagnostic {
            severity: Severity::Warning,
            kind: "invalid-spec",
            file: self.file.to_owned(),
            pointer: at.to_owned(),
            message,
        });
    }

    /// Repairs `value` as a `kind`; `Err` says why it cannot be one (the caller removes it).
    fn node(&mut self, value: &mut Value, at: &str, kind: Kind) -> Result<(), String> {
        if self.depth > MAX_DEPTH {
            return Ok(());
        }
        self.depth += 1;
        let result = self.node_within(value, at, kind);
        self.depth -= 1;
        result
    }

    fn node_within(&mut self, value: &mut Value, at: &str, kind: Kind) -> Result<(), String> {
        match kind {
            Kind::Any => Ok(()),
            Kind::Str => match value {
                Value::String(_) => Ok(()),
                Value::Number(_) | Value::Bool(_) => {
                    let text = value.to_string();
                    self.warn(
                        at,
                        format!("expected a string, found {text}: read as \"{text}\""),
                    );
                    *value = Value::String(text);
                    Ok(())
                }
                other => Err(format!("expected a string, found {}", json_type(other))),
            },
            Kind::Bool => match value {
                Value::Bool(_) => Ok(()),
                Value::String(s) if s == "true" || s == "false" => {
                    let b = s == "true";
                    self.warn(
                        at,
                        format!("expected a boolean, found the string \"{b}\": read as {b}"),
                    );
                    *value = Value::Bool(b);
                    Ok(())
                }
                other => Err(format!("expected a boolean, found {}", json_type(other))),
            },
            Kind::Schema => {
                if !value.is_object() && !value.is_boolean() {
                    self.warn(
                        at,
                        format!(
                            "a schema must be an object, not {}: read as {{}} (any value)",
                            json_type(value)
                        ),
                    );
                    *value = empty_object();
                }
                Ok(())
            }
            Kind::RefOr(obj) => {
                if let Value::Object(map) = value
                    && let Some(reference) = map.get("$ref")
                {
                    return match reference {
                        Value::String(_) => Ok(()),
                        other => Err(format!("`$ref` must be a string, not {}", json_type(other))),
                    };
                }
                self.node_within(value, at, Kind::Obj(obj))
            }
            Kind::Obj(obj) => match value {
                Value::Object(map) => self.fields(map, at, obj),
                other => Err(format!(
                    "{} must be an object, not {}",
                    obj.name,
                    json_type(other)
                )),
            },
            Kind::List(item) => {
                let Value::Array(items) = value else {
                    return Err(format!("expected a list, found {}", json_type(value)));
                };
                let mut i = 0;
                let mut original = 0;
                while i < items.len() {
                    let item_at = pointer(at, &original.to_string());
                    match self.node(&mut items[i], &item_at, *item) {
                        Ok(()) => i += 1,
                        Err(why) => {
                            self.warn(&item_at, format!("{why}: left out"));
                            items.remove(i);
                        }
                    }
                    original += 1;
                }
                Ok(())
            }
            Kind::Map(entry) => {
                let Value::Object(map) = value else {
                    return Err(format!("expected a map, found {}", json_type(value)));
                };
                let mut broken = Vec::new();
                for (key, member) in map.iter_mut() {
                    if key.starts_with("x-") {
                        continue;
                    }
                    let key_at = pointer(at, key);
                    if let Err(why) = self.node(member, &key_at, *entry) {
                        self.warn(&key_at, format!("{why}: left out"));
                        broken.push(key.clone());
                    }
                }
                for key in broken {
                    map.shift_remove(&key);
                }
                Ok(())
            }
        }
    }

    /// Repairs the fields of `map` as `obj` describes; `Err` when a required field has no
    /// neutral value, or the object's own check fails: the object cannot stay.
    fn fields(&mut self, map: &mut Map<String, Value>, at: &str, obj: &Obj) -> Result<(), String> {
        for (name, kind) in obj.fields {
            let Some(value) = map.get_mut(*name) else {
                continue;
            };
            let field_at = pointer(at, name);
            if let Err(why) = self.node(value, &field_at, *kind) {
                map.shift_remove(*name);
                match obj.required.iter().find(|(n, _)| n == name) {
                    Some((_, Fill::With(fill))) => {
                        let fill = fill();
                        self.warn(&field_at, format!("{why}: read as {fill}"));
                        map.insert((*name).to_owned(), fill);
                    }
                    Some((_, Fill::Drop)) => {
                        return Err(format!("{} whose `{name}` is unusable ({why})", obj.name));
                    }
                    None => self.warn(&field_at, format!("{why}: ignored")),
                }
            }
        }
        for (name, fill) in obj.required {
            if map.contains_key(*name) {
                continue;
            }
            match fill {
                Fill::With(fill) => {
                    let fill = fill();
                    self.warn(
                        at,
                        format!(
                            "{} without `{name}` (required): read as `{name}: {fill}`",
                            obj.name
                        ),
                    );
                    map.insert((*name).to_owned(), fill);
                }
                Fill::Drop => return Err(format!("{} without `{name}` (required)", obj.name)),
            }
        }
        match obj.check {
            Some(check) => check(map, at, self),
            None => Ok(()),
        }
    }
}

/// Statuses `openapiv3` reads: `default`, `1XX`…`5XX`, or three digits.
fn responses(map: &mut Map<String, Value>, at: &str, repair: &mut Repair) -> Result<(), String> {
    let mut broken = Vec::new();
    for (key, response) in map.iter_mut() {
        if key.starts_with("x-") {
            continue;
        }
        let key_at = pointer(at, key);
        let bytes = key.as_bytes();
        let status = key == "default"
            || (bytes.len() == 3
                && (b'1'..=b'5').contains(&bytes[0])
                && (bytes[1..] == *b"XX" || bytes[1..].iter().all(u8::is_ascii_digit)));
        if !status {
            repair.warn(&key_at, format!("`{key}` is not an HTTP status: left out"));
            broken.push(key.clone());
            continue;
        }
        if let Err(why) = repair.node(response, &key_at, Kind::RefOr(&RESPONSE)) {
            repair.warn(&key_at, format!("{why}: left out"));
            broken.push(key.clone());
        }
    }
    for key in broken {
        map.shift_remove(&key);
    }
    Ok(())
}

/// A callback: path items by expression.
fn callback(map: &mut Map<String, Value>, at: &str, repair: &mut Repair) -> Result<(), String> {
    let mut value = Value::Object(std::mem::take(map));
    const PATH_ITEMS: Kind = Kind::Map(&Kind::RefOr(&PATH_ITEM));
    let result = repair.node_within(&mut value, at, PATH_ITEMS);
    if let Value::Object(repaired) = value {
        *map = repaired;
    }
    result
}

/// `in` one of the four locations; `style` one that location allows; `schema` or `content`.
fn parameter(map: &mut Map<String, Value>, at: &str, repair: &mut Repair) -> Result<(), String> {
    let location = map.get("in").and_then(Value::as_str).unwrap_or_default();
    let styles: &[&str] = match location {
        "path" => &["simple", "label", "matrix"],
        "query" => &["form", "spaceDelimited", "pipeDelimited", "deepObject"],
        "header" => &["simple"],
        "cookie" => &["form"],
        other => {
            return Err(format!(
                "a parameter `in: {other}`, which OpenAPI 3 does not have"
            ));
        }
    };
    style_and_schema(map, at, repair, styles)
}

fn header(map: &mut Map<String, Value>, at: &str, repair: &mut Repair) -> Result<(), String> {
    style_and_schema(map, at, repair, &["simple"])
}

fn style_and_schema(
    map: &mut Map<String, Value>,
    at: &str,
    repair: &mut Repair,
    styles: &[&str],
) -> Result<(), String> {
    if let Some(style) = map.get("style").and_then(Value::as_str)
        && !styles.contains(&style)
    {
        repair.warn(
            &pointer(at, "style"),
            format!(
                "`style: {style}` is not one this location allows ({}): ignored",
                styles.join(", ")
            ),
        );
        map.shift_remove("style");
    }
    let has_content = map
        .get("content")
        .and_then(Value::as_object)
        .is_some_and(|c| !c.is_empty());
    if has_content && map.contains_key("schema") {
        repair.warn(
            at,
            "both `schema` and `content`: `content` ignored".to_owned(),
        );
        map.shift_remove("content");
    } else if !has_content && !map.contains_key("schema") {
        map.shift_remove("content");
        repair.warn(
            at,
            "neither `schema` nor `content`: read as `schema: {}` (any value)".to_owned(),
        );
        map.insert("schema".to_owned(), empty_object());
    }
    Ok(())
}

fn encoding(map: &mut Map<String, Value>, at: &str, repair: &mut Repair) -> Result<(), String> {
    const STYLES: [&str; 4] = ["form", "spaceDelimited", "pipeDelimited", "deepObject"];
    if let Some(style) = map.get("style").and_then(Value::as_str)
        && !STYLES.contains(&style)
    {
        repair.warn(
            &pointer(at, "style"),
            format!("`style: {style}` is not an encoding style: ignored"),
        );
        map.shift_remove("style");
    }
    Ok(())
}

fn link(map: &mut Map<String, Value>, _at: &str, _repair: &mut Repair) -> Result<(), String> {
    if map.contains_key("operationRef") || map.contains_key("operationId") {
        Ok(())
    } else {
        Err("a link without `operationRef` or `operationId`".to_owned())
    }
}

/// The fields each `type` needs.
fn security_scheme(
    map: &mut Map<String, Value>,
    _at: &str,
    _repair: &mut Repair,
) -> Result<(), String> {
    let needs: &[&str] = match map.get("type").and_then(Value::as_str).unwrap_or_default() {
        "apiKey" => {
            let location = map.get("in").and_then(Value::as_str).unwrap_or_default();
            if !["query", "header", "cookie"].contains(&location) {
                return Err(format!(
                    "an API key `in: {location}`, which is not query, header or cookie"
                ));
            }
            &["name"]
        }
        "http" => &["scheme"],
        "oauth2" => &["flows"],
        "openIdConnect" => &["openIdConnectUrl"],
        other => {
            return Err(format!(
                "a security scheme of `type: {other}`, which OpenAPI 3.0 does not have"
            ));
        }
    };
    match needs.iter().find(|n| !map.contains_key(**n)) {
        Some(missing) => Err(format!(
            "a security scheme without `{missing}` (required for its type)"
        )),
        None => Ok(()),
    }
}

/// Each flow needs the URLs of its kind; a flow without them is left out.
fn oauth_flows(map: &mut Map<String, Value>, at: &str, repair: &mut Repair) -> Result<(), String> {
    let needs: [(&str, &[&str]); 4] = [
        ("implicit", &["authorizationUrl"]),
        ("password", &["tokenUrl"]),
        ("clientCredentials", &["tokenUrl"]),
        ("authorizationCode", &["authorizationUrl", "tokenUrl"]),
    ];
    for (flow, urls) in needs {
        let Some(Value::Object(fields)) = map.get(flow) else {
            continue;
        };
        if let Some(missing) = urls.iter().find(|u| !fields.contains_key(**u)) {
            repair.warn(
                &pointer(at, flow),
                format!("an OAuth flow without `{missing}`: left out"),
            );
            map.shift_remove(flow);
        }
    }
    Ok(())
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn repaired(mut document: Value) -> (Value, Vec<(String, String)>) {
        let warnings = repair("t.json", &mut document)
            .into_iter()
            .map(|d| (d.pointer, d.message))
            .collect();
        (document, warnings)
    }

    #[test]
    fn required_fields_get_neutral_values_or_their_object_goes() {
        let (doc, warnings) = repaired(json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": 1.5},
            "paths": {"/a": {"get": {
                "parameters": [
                    {"in": "query", "schema": {"type": "string"}},
                    {"name": "q", "in": "query"},
                    {"name": "b", "in": "body", "schema": {}},
                    null
                ],
                "responses": {"200": {}, "20O": {"description": "typo"}, "404": 7}
            }}}
        }));
        assert_eq!(doc["info"]["version"], json!("1.5"));
        let op = &doc["paths"]["/a"]["get"];
        assert_eq!(
            op["parameters"],
            json!([{"name": "q", "in": "query", "schema": {}}])
        );
        assert_eq!(op["responses"], json!({"200": {"description": ""}}));
        let pointers: Vec<&str> = warnings.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/info/version",
                "/paths/~1a/get/parameters/0",
                "/paths/~1a/get/parameters/1",
                "/paths/~1a/get/parameters/2",
                "/paths/~1a/get/parameters/3",
                "/paths/~1a/get/responses/200",
                "/paths/~1a/get/responses/20O",
                "/paths/~1a/get/responses/404",
            ],
            "{warnings:#?}"
        );
        assert!(warnings[1].1.contains("without `name`"), "{warnings:?}");
    }

    #[test]
    fn null_where_an_object_belongs_degrades_that_node_only() {
        let (doc, warnings) = repaired(json!({
            "openapi": "3.0.3",
            "info": null,
            "paths": {"/a": null, "/b": {"get": {"responses": null}, "post": 3}},
            "components": {"schemas": {"A": null}, "securitySchemes": {"k": {"type": "apiKey", "in": "body", "name": "k"}}}
        }));
        assert_eq!(doc["info"], json!({"title": "API", "version": "0.0.0"}));
        assert_eq!(doc["paths"], json!({"/b": {"get": {"responses": {}}}}));
        assert_eq!(doc["components"]["schemas"]["A"], json!({}));
        assert_eq!(doc["components"]["securitySchemes"], json!({}));
        assert_eq!(warnings.len(), 6, "{warnings:#?}");
    }

    #[test]
    fn a_valid_document_is_left_alone() {
        let document = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/a/{id}": {
                "parameters": [{"$ref": "#/components/parameters/Id"}],
                "get": {"responses": {"default": {"description": "d"}, "2XX": {"$ref": "#/components/responses/R"}}, "x-any": null}
            }, "x-ext": 1},
            "components": {"parameters": {"Id": {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}},
                           "responses": {"R": {"description": "r", "content": {"application/json": {"schema": true}}}}}
        });
        let (doc, warnings) = repaired(document.clone());
        assert!(warnings.is_empty(), "{warnings:#?}");
        assert_eq!(doc, document);
    }
}
