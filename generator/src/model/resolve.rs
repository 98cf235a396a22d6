//! Resolving an `openapiv3::OpenAPI` into the [`Model`]: follows `$ref`s, names inline schemas
//! after where they appear, gathers constraints, and decides which types requests reach. What
//! the model cannot express becomes a warning with its JSON pointer, never a panic.

use super::*;
use crate::diagnostics::{Diagnostics, pointer};
use crate::names::{self, Scope};
use openapiv3::{
    AdditionalProperties, OpenAPI, ReferenceOr, Schema, SchemaKind, StatusCode, Type,
    VariantOrUnknownOrEmpty,
};
use std::collections::{BTreeMap, BTreeSet};

const SCHEMA_PREFIX: &str = "#/components/schemas/";
/// The vendor extension naming the request field that makes a repeat of the operation harmless.
pub const IDEMPOTENCY_KEY_EXTENSION: &str = "x-idempotency-key";
/// The vendor extension bounding the length of a value's compact JSON text.
pub const MAX_STRINGIFIED_LENGTH_EXTENSION: &str = "x-max-stringified-length";

/// Builds the model of `spec`, recording problems in `diags`.
pub fn resolve(spec: &OpenAPI, diags: &mut Diagnostics) -> Model {
    let mut resolver = Resolver {
        spec,
        diags,
        types: BTreeMap::new(),
        // Names the crate root and preludes already use.
        type_names: Scope::with_reserved(&[
            "Client",
            "ClientBuilder",
            "Error",
            "Result",
            "Option",
            "Vec",
            "String",
            "Box",
            "Value",
            "Map",
        ]),
        components: BTreeMap::new(),
    };
    resolver.name_components();
    resolver.define_components();
    let groups = resolver.operations();
    let mut model = Model {
        api: ApiInfo {
            title: spec.info.title.clone(),
            version: spec.info.version.clone(),
            description: spec.info.description.clone(),
            default_base_url: spec
                .servers
                .first()
                .map(|s| s.url.trim_end_matches('/').to_owned())
                .unwrap_or_default(),
        },
        types: resolver.types,
        groups,
    };
    mark_request_types(&mut model);
    model
}

struct Resolver<'a> {
    spec: &'a OpenAPI,
    diags: &'a mut Diagnostics,
    types: BTreeMap<String, TypeDef>,
    type_names: Scope,
    /// `components/schemas` key → Rust type name.
    components: BTreeMap<String, String>,
}

/// A schema or a reference to one, whichever box it came in.
#[derive(Clone, Copy)]
enum SchemaOrRef<'a> {
    Ref(&'a str),
    Item(&'a Schema),
}

impl<'a> From<&'a ReferenceOr<Schema>> for SchemaOrRef<'a> {
    fn from(r: &'a ReferenceOr<Schema>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => Self::Ref(reference),
            ReferenceOr::Item(schema) => Self::Item(schema),
        }
    }
}

impl<'a> From<&'a ReferenceOr<Box<Schema>>> for SchemaOrRef<'a> {
    fn from(r: &'a ReferenceOr<Box<Schema>>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => Self::Ref(reference),
            ReferenceOr::Item(schema) => Self::Item(schema),
        }
    }
}

/// A shape plus whether `null` is allowed.
struct Resolved {
    shape: Shape,
    nullable: bool,
}

impl<'a> Resolver<'a> {
    fn name_components(&mut self) {
        let Some(components) = &self.spec.components else {
            return;
        };
        for key in components.schemas.keys() {
            let name = self.type_names.claim(names::type_name(key));
            self.components.insert(key.clone(), name);
        }
    }

    fn define_components(&mut self) {
        let Some(components) = &self.spec.components else {
            return;
        };
        for (key, schema) in &components.schemas {
            let at = pointer("/components/schemas", key);
            let Some(name) = self.components.get(key).cloned() else {
                continue;
            };
            match schema {
                ReferenceOr::Item(schema) => self.define(&name, schema, &at),
                ReferenceOr::Reference { reference } => {
                    let shape = Shape {
                        ty: self.follow_ref(reference, &at),
                        constraints: Constraints::default(),
                    };
                    self.insert(&name, &at, None, false, TypeKind::Alias(shape));
                }
            }
        }
    }

    fn insert(
        &mut self,
        name: &str,
        at: &str,
        description: Option<String>,
        deprecated: bool,
        kind: TypeKind,
    ) {
        self.types.insert(
            name.to_owned(),
            TypeDef {
                name: name.to_owned(),
                pointer: at.to_owned(),
                description,
                kind,
                in_request: false,
                deprecated,
            },
        );
    }

    /// Defines the named type `name` from `schema`: a struct for objects with properties, an enum
    /// for string enums, an alias otherwise.
    fn define(&mut self, name: &str, schema: &Schema, at: &str) {
        let data = &schema.schema_data;
        let kind = if let Some(fields) = self.object_fields(schema, name, at) {
            TypeKind::Struct(Struct { fields })
        } else if let Some(e) = self.string_enum(schema, at) {
            TypeKind::Enum(e)
        } else {
            let resolved = self.shape_of_item(schema, name, at);
            TypeKind::Alias(resolved.shape)
        };
        self.insert(name, at, data.description.clone(), data.deprecated, kind);
    }

    /// The component schema a `$ref` names, if it is an inline schema.
    fn component(&self, reference: &str) -> Option<&'a Schema> {
        let key = unescape_pointer(reference.strip_prefix(SCHEMA_PREFIX)?);
        match self.spec.components.as_ref()?.schemas.get(&key)? {
            ReferenceOr::Item(schema) => Some(schema),
            ReferenceOr::Reference { .. } => None,
        }
    }

    /// The Rust type of a `$ref`.
    fn follow_ref(&mut self, reference: &str, at: &str) -> TypeRef {
        if let Some(key) = reference.strip_prefix(SCHEMA_PREFIX)
            && let Some(name) = self.components.get(&unescape_pointer(key))
        {
            return TypeRef::Named(name.clone());
        }
        self.diags.warn(
            "unsupported-ref",
            at,
            format!("cannot follow `$ref: {reference}`; the value is typed as serde_json::Value"),
        );
        TypeRef::Any
    }

    fn shape_of(&mut self, schema: SchemaOrRef<'_>, hint: &str, at: &str) -> Resolved {
        match schema {
            SchemaOrRef::Ref(reference) => Resolved {
                shape: Shape {
                    ty: self.follow_ref(reference, at),
                    constraints: Constraints::default(),
                },
                nullable: false,
            },
            SchemaOrRef::Item(schema) => self.shape_of_item(schema, hint, at),
        }
    }

    /// The shape of an inline schema; objects with properties and string enums become named
    /// types called after `hint`.
    fn shape_of_item(&mut self, schema: &Schema, hint: &str, at: &str) -> Resolved {
        let data = &schema.schema_data;
        let nullable = data.nullable;
        let mut constraints = Constraints {
            max_stringified_length: data
                .extensions
                .get(MAX_STRINGIFIED_LENGTH_EXTENSION)
                .and_then(|v| v.as_u64()),
            ..Constraints::default()
        };
        if data
            .extensions
            .contains_key(MAX_STRINGIFIED_LENGTH_EXTENSION)
            && constraints.max_stringified_length.is_none()
        {
            self.diags.warn(
                "skipped-constraint",
                &pointer(at, MAX_STRINGIFIED_LENGTH_EXTENSION),
                "not a non-negative integer; the limit is not enforced",
            );
        }
        let is_struct = matches!(&schema.schema_kind, SchemaKind::Type(Type::Object(o)) if !o.properties.is_empty())
            || matches!(&schema.schema_kind, SchemaKind::Any(a) if !a.properties.is_empty());
        let is_enum = self.is_string_enum(schema);
        if is_struct || is_enum {
            let name = self.type_names.claim(names::type_name(hint));
            self.define(&name, schema, at);
            return Resolved {
                shape: Shape {
                    ty: TypeRef::Named(name),
                    constraints,
                },
                nullable,
            };
        }
        let ty = match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                constraints.min_length = s.min_length.map(|n| n as u64);
                constraints.max_length = s.max_length.map(|n| n as u64);
                constraints.pattern = s.pattern.clone();
                constraints.format = self.string_format(&s.format, at);
                TypeRef::String
            }
            SchemaKind::Type(Type::Integer(i)) => {
                constraints.minimum = i.minimum.map(|v| Bound {
                    value: Number::Int(v),
                    exclusive: i.exclusive_minimum,
                });
                constraints.maximum = i.maximum.map(|v| Bound {
                    value: Number::Int(v),
                    exclusive: i.exclusive_maximum,
                });
                constraints.multiple_of = i.multiple_of.filter(|m| *m > 0).map(Number::Int);
                if !i.enumeration.is_empty() {
                    self.skip(at, "enum", "integer enums are not checked yet");
                }
                let width = match &i.format {
                    VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => IntWidth::I32,
                    _ => IntWidth::I64,
                };
                TypeRef::Integer(width)
            }
            SchemaKind::Type(Type::Number(n)) => {
                constraints.minimum = n.minimum.map(|v| Bound {
                    value: Number::Float(v),
                    exclusive: n.exclusive_minimum,
                });
                constraints.maximum = n.maximum.map(|v| Bound {
                    value: Number::Float(v),
                    exclusive: n.exclusive_maximum,
                });
                constraints.multiple_of = n.multiple_of.filter(|m| *m > 0.0).map(Number::Float);
                if !n.enumeration.is_empty() {
                    self.skip(at, "enum", "number enums are not checked yet");
                }
                TypeRef::Number
            }
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Boolean,
            SchemaKind::Type(Type::Array(a)) => {
                constraints.min_items = a.min_items.map(|n| n as u64);
                constraints.max_items = a.max_items.map(|n| n as u64);
                constraints.unique_items = a.unique_items;
                match &a.items {
                    Some(items) => {
                        let item_at = pointer(at, "items");
                        let item = self.shape_of(items.into(), &format!("{hint}Item"), &item_at);
                        self.note_dropped_item_constraints(&item.shape, &item_at);
                        TypeRef::Array(Box::new(item.shape.ty))
                    }
                    None => TypeRef::Array(Box::new(TypeRef::Any)),
                }
            }
            SchemaKind::Type(Type::Object(o)) => {
                constraints.min_properties = o.min_properties.map(|n| n as u64);
                constraints.max_properties = o.max_properties.map(|n| n as u64);
                self.map_type(o.additional_properties.as_ref(), hint, at)
            }
            SchemaKind::Any(a)
                if a.typ.is_none()
                    && a.properties.is_empty()
                    && a.items.is_none()
                    && a.additional_properties.is_none() =>
            {
                TypeRef::Any
            }
            SchemaKind::Any(a)
                if a.typ.as_deref() == Some("object") || a.additional_properties.is_some() =>
            {
                constraints.min_properties = a.min_properties.map(|n| n as u64);
                constraints.max_properties = a.max_properties.map(|n| n as u64);
                self.map_type(a.additional_properties.as_ref(), hint, at)
            }
            SchemaKind::OneOf { .. }
            | SchemaKind::AnyOf { .. }
            | SchemaKind::AllOf { .. }
            | SchemaKind::Not { .. }
            | SchemaKind::Any(_) => {
                self.diags.warn(
                    "unsupported-schema",
                    at,
                    "allOf/oneOf/anyOf/not and untyped schemas are not modelled yet; the value is typed as serde_json::Value",
                );
                TypeRef::Any
            }
        };
        Resolved {
            shape: Shape { ty, constraints },
            nullable,
        }
    }

    fn map_type(
        &mut self,
        additional: Option<&AdditionalProperties>,
        hint: &str,
        at: &str,
    ) -> TypeRef {
        match additional {
            Some(AdditionalProperties::Schema(schema)) => {
                let value_at = pointer(at, "additionalProperties");
                let value = self.shape_of((&**schema).into(), &format!("{hint}Value"), &value_at);
                self.note_dropped_item_constraints(&value.shape, &value_at);
                match value.shape.ty {
                    TypeRef::Any => TypeRef::Object,
                    ty => TypeRef::Map(Box::new(ty)),
                }
            }
            _ => TypeRef::Object,
        }
    }

    /// Constraints on array items and map values are not carried by the model yet: say so.
    fn note_dropped_item_constraints(&mut self, shape: &Shape, at: &str) {
        if shape.constraints.count() > 0 {
            self.skip(
                at,
                "item constraints",
                "constraints on array items and map values are not checked yet",
            );
        }
    }

    fn skip(&mut self, at: &str, what: &str, why: &str) {
        self.diags.warn(
            "skipped-constraint",
            at,
            format!("`{what}` not enforced: {why}"),
        );
    }

    fn string_format(
        &mut self,
        format: &VariantOrUnknownOrEmpty<openapiv3::StringFormat>,
        at: &str,
    ) -> Option<Format> {
        match format {
            VariantOrUnknownOrEmpty::Unknown(f) if f == "email" => Some(Format::Email),
            VariantOrUnknownOrEmpty::Unknown(f) => {
                self.diags.warn(
                    "unchecked-format",
                    &pointer(at, "format"),
                    format!(
                        "`format: {f}` is documented but not checked; values are plain strings"
                    ),
                );
                None
            }
            // date, date-time, byte, binary, password: annotations on strings; sent as given.
            _ => None,
        }
    }

    fn is_string_enum(&self, schema: &Schema) -> bool {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => s.enumeration.iter().any(Option::is_some),
            SchemaKind::Any(a) => {
                !a.enumeration.is_empty()
                    && a.enumeration.iter().all(|v| v.is_string() || v.is_null())
            }
            _ => false,
        }
    }

    fn string_enum(&mut self, schema: &Schema, at: &str) -> Option<StringEnum> {
        if !self.is_string_enum(schema) {
            return None;
        }
        let values: Vec<String> = match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => s.enumeration.iter().flatten().cloned().collect(),
            SchemaKind::Any(a) => a
                .enumeration
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        };
        let mut scope = Scope::default();
        let mut seen = BTreeSet::new();
        let mut variants = Vec::new();
        for value in values {
            if !seen.insert(value.clone()) {
                self.diags.warn(
                    "duplicate-enum-value",
                    &pointer(at, "enum"),
                    format!("`{value}` is listed twice; kept once"),
                );
                continue;
            }
            variants.push(Variant {
                ident: scope.claim(names::variant_name(&value)),
                wire_value: value,
            });
        }
        let unknown_variant = scope.claim("Unknown".to_owned());
        let default = schema
            .schema_data
            .default
            .as_ref()
            .and_then(|d| d.as_str())
            .and_then(|d| variants.iter().find(|v| v.wire_value == d))
            .map(|v| v.ident.clone());
        Some(StringEnum {
            variants,
            unknown_variant,
            default,
        })
    }

    /// The fields of an object schema with properties, or `None` for anything else.
    fn object_fields(&mut self, schema: &Schema, owner: &str, at: &str) -> Option<Vec<Field>> {
        let (properties, required, additional, min_p, max_p) = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) if !o.properties.is_empty() => (
                &o.properties,
                &o.required,
                o.additional_properties.as_ref(),
                o.min_properties,
                o.max_properties,
            ),
            SchemaKind::Any(a) if !a.properties.is_empty() => (
                &a.properties,
                &a.required,
                a.additional_properties.as_ref(),
                a.min_properties,
                a.max_properties,
            ),
            _ => return None,
        };
        if min_p.is_some() || max_p.is_some() {
            self.skip(
                at,
                "minProperties/maxProperties",
                "not checked on objects with named properties",
            );
        }
        if let Some(AdditionalProperties::Schema(_) | AdditionalProperties::Any(true)) = additional
        {
            self.diags.warn(
                "ignored-additional-properties",
                &pointer(at, "additionalProperties"),
                "properties beyond the named ones are ignored when decoding and cannot be set",
            );
        }
        let props_at = pointer(at, "properties");
        let mut scope = Scope::default();
        let mut fields = Vec::new();
        for (wire_name, property) in properties {
            let field_at = pointer(&props_at, wire_name);
            let hint = format!("{owner}{}", names::type_name(wire_name));
            let resolved = self.shape_of(property.into(), &hint, &field_at);
            let (description, default, deprecated) = match property {
                ReferenceOr::Item(s) => (
                    s.schema_data.description.clone(),
                    s.schema_data.default.clone().filter(|d| !d.is_null()),
                    s.schema_data.deprecated,
                ),
                // A `$ref` has no siblings in 3.0: document the field from the schema it names.
                ReferenceOr::Reference { reference } => match self.component(reference) {
                    Some(s) => (
                        s.schema_data.description.clone(),
                        s.schema_data.default.clone().filter(|d| !d.is_null()),
                        s.schema_data.deprecated,
                    ),
                    None => (None, None, false),
                },
            };
            fields.push(Field {
                ident: scope.claim(names::field_name(wire_name)),
                wire_name: wire_name.clone(),
                shape: resolved.shape,
                required: required.contains(wire_name),
                nullable: resolved.nullable,
                description,
                default,
                deprecated,
            });
        }
        for name in required {
            if !properties.contains_key(name) {
                self.diags.warn(
                    "unknown-required",
                    &pointer(at, "required"),
                    format!("`{name}` is required but not among the properties; ignored"),
                );
            }
        }
        Some(fields)
    }

    fn operations(&mut self) -> Vec<Group> {
        let mut groups: BTreeMap<String, Group> = BTreeMap::new();
        let mut accessors = Scope::with_reserved(&[
            "builder",
            "from_env",
            "base_url",
            "timeout",
            "max_retries",
            "clone",
        ]);
        let mut group_types = Scope::default();
        let mut method_scopes: BTreeMap<String, Scope> = BTreeMap::new();
        for (path, item) in self.spec.paths.iter() {
            let path_at = pointer("/paths", path);
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { reference } => {
                    self.diags.warn("unsupported-ref", &path_at, format!("path item `$ref: {reference}` is not followed yet; its operations are skipped"));
                    continue;
                }
            };
            for (method, op) in item.iter() {
                let op_at = pointer(&path_at, method);
                let tag = op
                    .tags
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "default".to_owned());
                groups.entry(tag.clone()).or_insert_with(|| Group {
                    accessor: accessors.claim(names::field_name(&tag)),
                    type_name: group_types.claim(format!("{}Api", names::type_name(&tag))),
                    description: self
                        .spec
                        .tags
                        .iter()
                        .find(|t| t.name == tag)
                        .and_then(|t| t.description.clone()),
                    tag: tag.clone(),
                    operations: Vec::new(),
                });
                let scope = method_scopes.entry(tag.clone()).or_default();
                let operation_id = op
                    .operation_id
                    .clone()
                    .unwrap_or_else(|| derived_operation_id(method, path));
                let method_name = scope.claim(names::field_name(&operation_id));
                if let Some(operation) =
                    self.operation(path, method, item, op, operation_id, method_name, &op_at)
                {
                    if let Some(g) = groups.get_mut(&tag) {
                        g.operations.push(operation);
                    }
                }
            }
        }
        let mut groups: Vec<Group> = groups
            .into_values()
            .filter(|g| !g.operations.is_empty())
            .collect();
        for group in &mut groups {
            group
                .operations
                .sort_by(|a, b| a.method_name.cmp(&b.method_name));
        }
        groups
    }

    #[allow(clippy::too_many_arguments)]
    fn operation(
        &mut self,
        path: &str,
        method: &str,
        item: &openapiv3::PathItem,
        op: &openapiv3::Operation,
        operation_id: String,
        method_name: String,
        at: &str,
    ) -> Option<Operation> {
        let http_method = match method {
            "get" => HttpMethod::Get,
            "put" => HttpMethod::Put,
            "post" => HttpMethod::Post,
            "delete" => HttpMethod::Delete,
            "options" => HttpMethod::Options,
            "head" => HttpMethod::Head,
            "patch" => HttpMethod::Patch,
            _ => HttpMethod::Trace,
        };
        let type_stem = names::type_name(&operation_id);
        let (path_params, query_params) = self.parameters(item, op, &type_stem, at)?;
        let body = match &op.request_body {
            None => None,
            Some(body) => self.request_body(body, &type_stem, &pointer(at, "requestBody"))?,
        };
        let (success, errors) = self.responses(op, &type_stem, &pointer(at, "responses"));
        let auth = self.auth(op, at);
        let idempotency_key = self.idempotency_key(op, body.as_ref(), at);
        Some(Operation {
            operation_id,
            method_name,
            pointer: at.to_owned(),
            http_method,
            path: path.to_owned(),
            summary: op.summary.clone(),
            description: op.description.clone(),
            path_params,
            query_params,
            body,
            success,
            errors,
            auth,
            idempotent: http_method.is_idempotent(),
            idempotency_key,
            deprecated: op.deprecated,
        })
    }

    /// Path and query parameters. `None` when a required one cannot be expressed: the operation
    /// is then skipped (with a warning), since a call without it could never be right.
    fn parameters(
        &mut self,
        item: &openapiv3::PathItem,
        op: &openapiv3::Operation,
        stem: &str,
        at: &str,
    ) -> Option<(Vec<Param>, Vec<Param>)> {
        let mut all: BTreeMap<(u8, String), (openapiv3::Parameter, String)> = BTreeMap::new();
        let mut order = Vec::new();
        for (list, list_at) in [
            (&item.parameters, String::new()),
            (&op.parameters, pointer(at, "parameters")),
        ] {
            for (i, p) in list.iter().enumerate() {
                let p_at = if list_at.is_empty() {
                    format!(
                        "{}/parameters/{i}",
                        at.rsplit_once('/').map(|(a, _)| a).unwrap_or(at)
                    )
                } else {
                    pointer(&list_at, &i.to_string())
                };
                let param = match p {
                    ReferenceOr::Item(p) => p.clone(),
                    ReferenceOr::Reference { reference } => {
                        match reference
                            .strip_prefix("#/components/parameters/")
                            .and_then(|k| {
                                self.spec
                                    .components
                                    .as_ref()?
                                    .parameters
                                    .get(&unescape_pointer(k))
                            }) {
                            Some(ReferenceOr::Item(p)) => p.clone(),
                            _ => {
                                self.diags.warn("unsupported-ref", &p_at, format!("cannot follow parameter `$ref: {reference}`; the operation is skipped"));
                                return None;
                            }
                        }
                    }
                };
                let (loc, data) = match &param {
                    openapiv3::Parameter::Path { parameter_data, .. } => (0u8, parameter_data),
                    openapiv3::Parameter::Query { parameter_data, .. } => (1, parameter_data),
                    openapiv3::Parameter::Header { parameter_data, .. } => (2, parameter_data),
                    openapiv3::Parameter::Cookie { parameter_data, .. } => (3, parameter_data),
                };
                let key = (loc, data.name.clone());
                if !all.contains_key(&key) {
                    order.push(key.clone());
                }
                // Operation-level parameters override path-level ones of the same name and place.
                all.insert(key, (param, p_at));
            }
        }
        let mut scope = Scope::with_reserved(&["body", "self"]);
        let mut path_params = Vec::new();
        let mut query_params = Vec::new();
        for key in order {
            let Some((param, p_at)) = all.get(&key) else {
                continue;
            };
            let (data, is_path) = match param {
                openapiv3::Parameter::Path { parameter_data, .. } => (parameter_data, true),
                openapiv3::Parameter::Query {
                    parameter_data,
                    style,
                    ..
                } => {
                    if !matches!(style, openapiv3::QueryStyle::Form) {
                        self.diags.warn(
                            "unsupported-parameter",
                            p_at,
                            "only `form` style query parameters are supported yet",
                        );
                        if parameter_data.required {
                            return None;
                        }
                        continue;
                    }
                    (parameter_data, false)
                }
                openapiv3::Parameter::Header { parameter_data, .. }
                | openapiv3::Parameter::Cookie { parameter_data, .. } => {
                    self.diags.warn(
                        "unsupported-parameter",
                        p_at,
                        format!(
                            "header and cookie parameters are not supported yet; `{}` is not sent",
                            parameter_data.name
                        ),
                    );
                    if parameter_data.required {
                        return None;
                    }
                    continue;
                }
            };
            let schema = match &data.format {
                openapiv3::ParameterSchemaOrContent::Schema(s) => s,
                openapiv3::ParameterSchemaOrContent::Content(_) => {
                    self.diags.warn(
                        "unsupported-parameter",
                        p_at,
                        "parameters with `content` are not supported yet",
                    );
                    if data.required || is_path {
                        return None;
                    }
                    continue;
                }
            };
            let hint = format!("{stem}{}", names::type_name(&data.name));
            let resolved = self.shape_of(schema.into(), &hint, &pointer(p_at, "schema"));
            let scalar = match &resolved.shape.ty {
                TypeRef::String | TypeRef::Integer(_) | TypeRef::Number | TypeRef::Boolean => true,
                TypeRef::Named(n) => {
                    matches!(self.types.get(n).map(|t| &t.kind), Some(TypeKind::Enum(_)))
                }
                _ => false,
            };
            if !scalar {
                self.diags.warn(
                    "unsupported-parameter",
                    p_at,
                    format!(
                        "`{}`: only string, number, boolean and enum parameters are supported yet",
                        data.name
                    ),
                );
                if data.required || is_path {
                    return None;
                }
                continue;
            }
            let param = Param {
                ident: scope.claim(names::field_name(&data.name)),
                wire_name: data.name.clone(),
                shape: resolved.shape,
                required: data.required || is_path,
                description: data.description.clone(),
            };
            if is_path {
                path_params.push(param)
            } else {
                query_params.push(param)
            }
        }
        Some((path_params, query_params))
    }

    /// `Some(None)` for a body the SDK does not send (optional, not JSON); `None` to skip the
    /// operation (a required body it cannot send).
    fn request_body(
        &mut self,
        body: &ReferenceOr<openapiv3::RequestBody>,
        stem: &str,
        at: &str,
    ) -> Option<Option<RequestBody>> {
        let body = match body {
            ReferenceOr::Item(b) => b,
            ReferenceOr::Reference { reference } => {
                match reference
                    .strip_prefix("#/components/requestBodies/")
                    .and_then(|k| {
                        self.spec
                            .components
                            .as_ref()?
                            .request_bodies
                            .get(&unescape_pointer(k))
                    }) {
                    Some(ReferenceOr::Item(b)) => b,
                    _ => {
                        self.diags.warn("unsupported-ref", at, format!("cannot follow request body `$ref: {reference}`; the operation is skipped"));
                        return None;
                    }
                }
            }
        };
        let json = body.content.iter().find(|(media, _)| is_json(media));
        let Some((media, content)) = json else {
            self.diags.warn(
                "unsupported-body",
                at,
                "only JSON request bodies are supported yet",
            );
            return if body.required { None } else { Some(None) };
        };
        let content_at = pointer(&pointer(at, "content"), media);
        let ty = match &content.schema {
            Some(schema) => {
                self.shape_of(
                    schema.into(),
                    &format!("{stem}Request"),
                    &pointer(&content_at, "schema"),
                )
                .shape
                .ty
            }
            None => TypeRef::Any,
        };
        Some(Some(RequestBody {
            ty,
            required: body.required,
        }))
    }

    fn responses(
        &mut self,
        op: &openapiv3::Operation,
        stem: &str,
        at: &str,
    ) -> (SuccessResponse, Vec<ErrorResponse>) {
        let mut success = SuccessResponse {
            statuses: Vec::new(),
            ty: None,
            description: None,
        };
        let mut errors = Vec::new();
        for (code, response) in &op.responses.responses {
            let code_at = pointer(at, &code.to_string());
            let status = match code {
                StatusCode::Code(c) => *c,
                StatusCode::Range(r) => {
                    self.diags.warn(
                        "unsupported-response",
                        &code_at,
                        format!("status range {r}XX is treated as undocumented"),
                    );
                    continue;
                }
            };
            let response = match response {
                ReferenceOr::Item(r) => r,
                ReferenceOr::Reference { reference } => {
                    match reference
                        .strip_prefix("#/components/responses/")
                        .and_then(|k| {
                            self.spec
                                .components
                                .as_ref()?
                                .responses
                                .get(&unescape_pointer(k))
                        }) {
                        Some(ReferenceOr::Item(r)) => r,
                        _ => {
                            self.diags.warn(
                                "unsupported-ref",
                                &code_at,
                                format!("cannot follow response `$ref: {reference}`"),
                            );
                            continue;
                        }
                    }
                }
            };
            if (200..300).contains(&status) {
                success.statuses.push(status);
                if success.ty.is_none() {
                    let json = response.content.iter().find(|(media, _)| is_json(media));
                    if let Some((media, content)) = json {
                        let schema_at =
                            pointer(&pointer(&pointer(&code_at, "content"), media), "schema");
                        success.ty = Some(match &content.schema {
                            Some(schema) => {
                                self.shape_of(schema.into(), &format!("{stem}Response"), &schema_at)
                                    .shape
                                    .ty
                            }
                            None => TypeRef::Any,
                        });
                        success.description =
                            Some(response.description.clone()).filter(|d| !d.is_empty());
                    } else if !response.content.is_empty() {
                        self.diags.warn("unsupported-response", &code_at, "only JSON response bodies are decoded yet; the body is returned as serde_json::Value if it parses");
                        success.ty = Some(TypeRef::Any);
                    }
                }
            } else if status >= 300 {
                errors.push(ErrorResponse {
                    status,
                    description: Some(response.description.clone()).filter(|d| !d.is_empty()),
                });
            }
        }
        if success.statuses.is_empty() {
            // No documented 2xx: accept any 2xx, decode nothing.
            success.statuses = vec![200, 201, 202, 204];
        }
        success.statuses.sort_unstable();
        errors.sort_by_key(|e| e.status);
        (success, errors)
    }

    fn auth(&mut self, op: &openapiv3::Operation, at: &str) -> Auth {
        let requirements = op.security.as_ref().or(self.spec.security.as_ref());
        let Some(requirements) = requirements else {
            return Auth::None;
        };
        if requirements.is_empty() || requirements.iter().any(|r| r.is_empty()) {
            return Auth::None;
        }
        let schemes = self.spec.components.as_ref().map(|c| &c.security_schemes);
        for requirement in requirements {
            for name in requirement.keys() {
                let scheme = schemes.and_then(|s| s.get(name));
                match scheme {
                    Some(ReferenceOr::Item(openapiv3::SecurityScheme::HTTP { scheme, .. }))
                        if scheme.eq_ignore_ascii_case("bearer") =>
                    {
                        return Auth::Bearer;
                    }
                    Some(ReferenceOr::Item(
                        openapiv3::SecurityScheme::OAuth2 { .. }
                        | openapiv3::SecurityScheme::OpenIDConnect { .. },
                    )) => return Auth::Bearer,
                    _ => {}
                }
            }
        }
        self.diags.warn(
            "unsupported-security",
            &pointer(at, "security"),
            "no bearer scheme among the requirements; the request is sent without credentials",
        );
        Auth::None
    }

    fn idempotency_key(
        &mut self,
        op: &openapiv3::Operation,
        body: Option<&RequestBody>,
        at: &str,
    ) -> Option<IdempotencyKey> {
        let value = op.extensions.get(IDEMPOTENCY_KEY_EXTENSION)?;
        let ext_at = pointer(at, IDEMPOTENCY_KEY_EXTENSION);
        let Some(wire_name) = value.as_str() else {
            self.diags.warn(
                "invalid-extension",
                &ext_at,
                "must name a request body property; ignored",
            );
            return None;
        };
        let field = match body.map(|b| &b.ty) {
            Some(TypeRef::Named(name)) => match self.types.get(name).map(|t| &t.kind) {
                Some(TypeKind::Struct(s)) => s.fields.iter().find(|f| f.wire_name == wire_name),
                _ => None,
            },
            _ => None,
        };
        let Some(field) = field else {
            self.diags.warn("invalid-extension", &ext_at, format!("`{wire_name}` is not a property of the request body; the operation is treated as not idempotent"));
            return None;
        };
        if field.shape.ty != TypeRef::String {
            self.diags.warn(
                "invalid-extension",
                &ext_at,
                format!(
                    "`{wire_name}` is not a string; the operation is treated as not idempotent"
                ),
            );
            return None;
        }
        Some(IdempotencyKey {
            wire_name: wire_name.to_owned(),
            ident: field.ident.clone(),
            optional: !field.required || field.nullable,
        })
    }
}

fn is_json(media: &str) -> bool {
    let media = media.split(';').next().unwrap_or("").trim();
    media == "application/json" || media.ends_with("+json") || media == "*/*"
}

/// `get /links/{linkId}` → `getLinksLinkId`.
fn derived_operation_id(method: &str, path: &str) -> String {
    let mut id = method.to_owned();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        id.push(' ');
        id.push_str(segment.trim_start_matches('{').trim_end_matches('}'));
    }
    id
}

/// Undoes JSON pointer (`~1`, `~0`) and percent escapes in one reference segment.
fn unescape_pointer(segment: &str) -> String {
    let raw = segment.as_bytes();
    let mut bytes = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if raw[i] == b'%'
            && let (Some(hi), Some(lo)) = (
                raw.get(i + 1).and_then(|b| hex(*b)),
                raw.get(i + 2).and_then(|b| hex(*b)),
            )
        {
            bytes.push((hi * 16 + lo) as u8);
            i += 3;
            continue;
        }
        bytes.push(raw[i]);
        i += 1;
    }
    String::from_utf8_lossy(&bytes)
        .replace("~1", "/")
        .replace("~0", "~")
}

/// Marks every type a request body or parameter reaches, following named references.
fn mark_request_types(model: &mut Model) {
    let mut pending: Vec<String> = Vec::new();
    for op in model.operations() {
        if let Some(body) = &op.body {
            collect_named(&body.ty, &mut pending);
        }
        for p in op.path_params.iter().chain(&op.query_params) {
            collect_named(&p.shape.ty, &mut pending);
        }
    }
    while let Some(name) = pending.pop() {
        let Some(def) = model.types.get_mut(&name) else {
            continue;
        };
        if def.in_request {
            continue;
        }
        def.in_request = true;
        match &def.kind {
            TypeKind::Struct(s) => {
                for f in &s.fields {
                    collect_named(&f.shape.ty, &mut pending);
                }
            }
            TypeKind::Alias(shape) => collect_named(&shape.ty, &mut pending),
            TypeKind::Enum(_) => {}
        }
    }
}

fn collect_named(ty: &TypeRef, out: &mut Vec<String>) {
    match ty {
        TypeRef::Named(n) => out.push(n.clone()),
        TypeRef::Array(inner) | TypeRef::Map(inner) => collect_named(inner, out),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unescapes_refs() {
        assert_eq!(unescape_pointer("a~1b"), "a/b");
        assert_eq!(unescape_pointer("a%20b"), "a b");
        assert_eq!(unescape_pointer("100%"), "100%");
        assert_eq!(unescape_pointer("~0x"), "~x");
    }

    #[test]
    fn derives_operation_ids() {
        assert_eq!(
            derived_operation_id("get", "/links/{linkId}"),
            "get links linkId"
        );
    }
}
