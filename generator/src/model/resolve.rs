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
/// String formats the runtime checks (`Validator::format`).
const CHECKED_FORMATS: &[&str] = &["uuid", "date-time", "date", "time", "uri", "ipv4", "ipv6"];
/// Formats that describe an encoding or give a hint rather than constrain: not reported.
const ANNOTATION_FORMATS: &[&str] = &[
    "byte", "binary", "password", "int32", "int64", "float", "double", "decimal", "",
];

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
            "FileUpload",
        ]),
        components: BTreeMap::new(),
        raw: None,
        other_refs: BTreeMap::new(),
        by_pointer: BTreeMap::new(),
        in_progress: BTreeSet::new(),
        provisional: BTreeMap::new(),
        unchecked_formats: BTreeMap::new(),
    };
    resolver.name_components();
    resolver.define_components();
    let groups = resolver.operations();
    for (format, (first, count)) in std::mem::take(&mut resolver.unchecked_formats) {
        let places = if count == 1 {
            "here".to_owned()
        } else {
            format!("in {count} places, first here")
        };
        resolver.diags.warn(
            "unchecked-format",
            &first,
            format!("`format: {format}` is documented but not checked ({places}); values are plain strings"),
        );
    }
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
    dedup_types(&mut model);
    mark_request_types(&mut model);
    box_recursion(&mut model);
    model
}

struct Resolver<'a> {
    spec: &'a OpenAPI,
    diags: &'a mut Diagnostics,
    types: BTreeMap<String, TypeDef>,
    type_names: Scope,
    /// `components/schemas` key → Rust type name.
    components: BTreeMap<String, String>,
    /// The document as JSON, made on the first `$ref` outside `components/schemas`.
    raw: Option<serde_json::Value>,
    /// Such `$ref`s already followed → their type.
    other_refs: BTreeMap<String, TypeRef>,
    /// JSON pointer of each named type's schema → its name.
    by_pointer: BTreeMap<String, String>,
    /// Pointers of inline schemas being resolved right now (to catch schemas that reach
    /// themselves through `allOf` merging).
    in_progress: BTreeSet<String>,
    /// Names handed out for such a schema before its definition was finished.
    provisional: BTreeMap<String, String>,
    /// `format` values the SDK does not check → (first place seen, how many places): reported
    /// once each, since GitHub alone has thousands of `uri-template`s.
    unchecked_formats: BTreeMap<String, (String, usize)>,
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
        self.by_pointer
            .entry(at.to_owned())
            .or_insert_with(|| name.to_owned());
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

    /// Defines the named type `name` from `schema`: a struct for objects with properties (and
    /// `allOf`s of them), an enum for string enums, a union for `oneOf`/`anyOf`, an alias otherwise.
    fn define(&mut self, name: &str, schema: &Schema, at: &str) {
        let data = &schema.schema_data;
        let kind = match self.classify(name, schema, at) {
            Classified::Kind(kind, _) => kind,
            Classified::Plain(resolved) => TypeKind::Alias(resolved.shape),
        };
        self.insert(name, at, data.description.clone(), data.deprecated, kind);
    }

    /// Whether `schema` becomes a named type of its own, and which.
    fn classify(&mut self, name: &str, schema: &Schema, at: &str) -> Classified {
        match &schema.schema_kind {
            SchemaKind::AllOf { all_of } => return self.all_of(name, all_of, schema, at),
            SchemaKind::OneOf { one_of } => {
                return self.union(name, one_of, schema, &pointer(at, "oneOf"));
            }
            SchemaKind::AnyOf { any_of } => {
                return self.union(name, any_of, schema, &pointer(at, "anyOf"));
            }
            _ => {}
        }
        let nullable = schema.schema_data.nullable;
        if let Some(fields) = self.object_fields(schema, name, at) {
            Classified::Kind(TypeKind::Struct(Struct { fields }), nullable)
        } else if let Some(e) = self.string_enum(schema, at) {
            Classified::Kind(TypeKind::Enum(e), nullable)
        } else {
            Classified::Plain(self.plain(schema, name, at))
        }
    }

    /// `allOf`: the properties of every object part merged into one struct (later parts win on a
    /// name clash, `required` is the union); without object parts, the one other part.
    fn all_of(
        &mut self,
        name: &str,
        parts: &[ReferenceOr<Schema>],
        outer: &Schema,
        at: &str,
    ) -> Classified {
        let parts_at = pointer(at, "allOf");
        // `allOf: [$ref]` is how 3.0 adds `nullable` or a description to a reference: it is that
        // type, not a copy of it.
        if let [ReferenceOr::Reference { reference }] = parts {
            let ty = self.follow_ref(reference, &pointer(&parts_at, "0"));
            return Classified::Plain(Resolved {
                shape: Shape {
                    ty,
                    constraints: Constraints::default(),
                },
                nullable: outer.schema_data.nullable,
            });
        }
        let mut acc = AllOf::default();
        for (i, part) in parts.iter().enumerate() {
            self.collect_all_of(
                name,
                part.into(),
                &pointer(&parts_at, &i.to_string()),
                &mut acc,
                0,
            );
        }
        let nullable = outer.schema_data.nullable || acc.nullable;
        if acc.has_object {
            for field in &mut acc.fields {
                field.required |= acc.required.contains(&field.wire_name) && !field.one_way;
            }
            return Classified::Kind(TypeKind::Struct(Struct { fields: acc.fields }), nullable);
        }
        let mut others = acc.others.into_iter();
        match (others.next(), others.next()) {
            (Some(mut only), None) => {
                only.nullable |= nullable;
                Classified::Plain(only)
            }
            (None, _) => Classified::Plain(Resolved {
                shape: any_shape(),
                nullable,
            }),
            (Some(mut first), Some(_)) => {
                self.diags.warn(
                    "unsupported-schema",
                    &parts_at,
                    "allOf of several non-object schemas: only the first is used",
                );
                first.nullable |= nullable;
                Classified::Plain(first)
            }
        }
    }

    fn collect_all_of(
        &mut self,
        owner: &str,
        part: SchemaOrRef<'_>,
        at: &str,
        acc: &mut AllOf,
        depth: usize,
    ) {
        if depth > 32 {
            self.diags.warn(
                "unsupported-schema",
                at,
                "allOf nested too deeply (a cycle?); the rest is ignored",
            );
            return;
        }
        let (schema, at) = match part {
            SchemaOrRef::Ref(reference) => match self.component(reference) {
                // The referenced schema's own pointer: its inline parts are the same types
                // wherever it is merged.
                Some(schema) => (schema, percent_decode(reference.trim_start_matches('#'))),
                None => {
                    let resolved = self.shape_of(part, owner, at);
                    acc.others.push(resolved);
                    return;
                }
            },
            SchemaOrRef::Item(schema) => (schema, at.to_owned()),
        };
        let at = at.as_str();
        acc.nullable |= schema.schema_data.nullable;
        let object = match &schema.schema_kind {
            SchemaKind::AllOf { all_of } => {
                for (i, sub) in all_of.iter().enumerate() {
                    let sub_at = pointer(&pointer(at, "allOf"), &i.to_string());
                    self.collect_all_of(owner, sub.into(), &sub_at, acc, depth + 1);
                }
                return;
            }
            SchemaKind::Type(Type::Object(o)) => Some((&o.properties, &o.required)),
            SchemaKind::Any(a)
                if !a.properties.is_empty() || a.typ.as_deref() == Some("object") =>
            {
                Some((&a.properties, &a.required))
            }
            _ => None,
        };
        match object {
            Some((properties, required)) => {
                acc.has_object = true;
                acc.required.extend(required.iter().cloned());
                let props_at = pointer(at, "properties");
                for (wire_name, property) in properties {
                    let field =
                        self.field(owner, wire_name, property, false, &props_at, &mut acc.scope);
                    match acc.fields.iter_mut().find(|f| f.wire_name == *wire_name) {
                        Some(existing) => {
                            let ident = existing.ident.clone();
                            *existing = Field { ident, ..field };
                        }
                        None => acc.fields.push(field),
                    }
                }
            }
            None => {
                let resolved = match part {
                    SchemaOrRef::Ref(_) => self.shape_of(part, owner, at),
                    SchemaOrRef::Item(schema) => self.shape_of_item(schema, owner, at),
                };
                acc.others.push(resolved);
            }
        }
    }

    /// `oneOf`/`anyOf`: an untagged union of the distinct branch types; `{type: null}` branches
    /// make it nullable; a single remaining branch is that branch's type.
    fn union(
        &mut self,
        name: &str,
        branches: &[ReferenceOr<Schema>],
        outer: &Schema,
        at: &str,
    ) -> Classified {
        let mut nullable = outer.schema_data.nullable;
        let mut variants: Vec<UnionVariant> = Vec::new();
        let mut scope = Scope::default();
        let mut single: Option<Shape> = None;
        for (i, branch) in branches.iter().enumerate() {
            if is_null_schema(branch) {
                nullable = true;
                continue;
            }
            let hint = match branch {
                ReferenceOr::Item(s) => s
                    .schema_data
                    .title
                    .clone()
                    .unwrap_or_else(|| format!("{name}{}", i + 1)),
                ReferenceOr::Reference { .. } => format!("{name}{}", i + 1),
            };
            let resolved = self.shape_of(branch.into(), &hint, &pointer(at, &i.to_string()));
            nullable |= resolved.nullable;
            if variants.iter().any(|v| v.ty == resolved.shape.ty) {
                continue;
            }
            if single.is_none() {
                single = Some(resolved.shape.clone());
            }
            variants.push(UnionVariant {
                ident: scope.claim(variant_ident(&resolved.shape.ty)),
                ty: resolved.shape.ty,
                boxed: false,
            });
        }
        match variants.len() {
            0 => Classified::Plain(Resolved {
                shape: any_shape(),
                nullable,
            }),
            1 => Classified::Plain(Resolved {
                shape: single.unwrap_or_else(any_shape),
                nullable,
            }),
            _ => {
                let discriminator = outer
                    .schema_data
                    .discriminator
                    .as_ref()
                    .map(|d| self.discriminator(d, &variants));
                Classified::Kind(
                    TypeKind::Union(Union {
                        variants,
                        discriminator,
                    }),
                    nullable,
                )
            }
        }
    }

    /// The component schema a `$ref` names, if it is an inline schema.
    fn component(&self, reference: &str) -> Option<&'a Schema> {
        let key = unescape_pointer(reference.strip_prefix(SCHEMA_PREFIX)?);
        match self.spec.components.as_ref()?.schemas.get(&key)? {
            ReferenceOr::Item(schema) => Some(schema),
            ReferenceOr::Reference { .. } => None,
        }
    }

    /// The response, parameter or request body `item` stands for: itself, the component a `$ref`
    /// names (looked up directly, the common case), or whatever a `$ref` elsewhere points at.
    /// `Err` carries the reference that could not be followed, for the warning.
    fn item_or_ref<T: serde::de::DeserializeOwned + Clone>(
        &mut self,
        item: &'a ReferenceOr<T>,
        prefix: &str,
        section: impl Fn(&'a openapiv3::Components, &str) -> Option<&'a ReferenceOr<T>>,
    ) -> Result<std::borrow::Cow<'a, T>, &'a str> {
        let reference = match item {
            ReferenceOr::Item(item) => return Ok(std::borrow::Cow::Borrowed(item)),
            ReferenceOr::Reference { reference } => reference,
        };
        let spec: &'a OpenAPI = self.spec;
        let direct = reference
            .strip_prefix(prefix)
            .and_then(|key| section(spec.components.as_ref()?, &unescape_pointer(key)));
        match direct {
            Some(ReferenceOr::Item(found)) => Ok(std::borrow::Cow::Borrowed(found)),
            _ => self
                .follow::<T>(reference)
                .map(std::borrow::Cow::Owned)
                .ok_or(reference.as_str()),
        }
    }

    /// A response, parameter or request body behind a `$ref` anywhere in the document (DigitalOcean
    /// points into other paths' responses), following chains of references.
    fn follow<T: serde::de::DeserializeOwned>(&mut self, reference: &str) -> Option<T> {
        let mut reference = reference.to_owned();
        for _ in 0..16 {
            let json_pointer = percent_decode(reference.strip_prefix('#')?);
            let raw = self
                .raw
                .get_or_insert_with(|| serde_json::to_value(self.spec).unwrap_or_default());
            let value = raw.pointer(&json_pointer)?.clone();
            match serde_json::from_value::<ReferenceOr<T>>(value).ok()? {
                ReferenceOr::Item(item) => return Some(item),
                ReferenceOr::Reference { reference: next } => reference = next,
            }
        }
        None
    }

    /// The Rust type of a `$ref`.
    fn follow_ref(&mut self, reference: &str, at: &str) -> TypeRef {
        self.follow_ref_depth(reference, at, 0)
    }

    fn follow_ref_depth(&mut self, reference: &str, at: &str, depth: usize) -> TypeRef {
        if let Some(key) = reference.strip_prefix(SCHEMA_PREFIX)
            && let Some(name) = self.components.get(&unescape_pointer(key))
        {
            return TypeRef::Named(name.clone());
        }
        if let Some(ty) = self.other_refs.get(reference) {
            return ty.clone();
        }
        // A pointer anywhere else in the document (into `paths`, into a component's properties):
        // the schema there becomes a named type of its own, defined once.
        let target = match reference.strip_prefix('#') {
            Some(json_pointer) if depth < 16 => {
                let raw = self
                    .raw
                    .get_or_insert_with(|| serde_json::to_value(self.spec).unwrap_or_default());
                raw.pointer(&percent_decode(json_pointer)).cloned()
            }
            _ => None,
        };
        let parsed = target.map(serde_json::from_value::<ReferenceOr<Schema>>);
        match parsed {
            Some(Ok(ReferenceOr::Item(schema))) => {
                let target_at = percent_decode(reference.trim_start_matches('#'));
                if let Some(name) = self.by_pointer.get(&target_at) {
                    let ty = TypeRef::Named(name.clone());
                    self.other_refs.insert(reference.to_owned(), ty.clone());
                    return ty;
                }
                let hint = reference
                    .rsplit('/')
                    .find(|segment| {
                        !segment.is_empty()
                            && !segment.contains('~')
                            && !segment.chars().all(|c| c.is_ascii_digit())
                            && !matches!(
                                *segment,
                                "schema"
                                    | "items"
                                    | "properties"
                                    | "content"
                                    | "requestBody"
                                    | "responses"
                                    | "parameters"
                                    | "get"
                                    | "put"
                                    | "post"
                                    | "delete"
                                    | "patch"
                                    | "options"
                                    | "head"
                                    | "trace"
                                    | "paths"
                            )
                    })
                    .map(unescape_pointer)
                    .unwrap_or_else(|| "Schema".to_owned());
                let name = self.type_names.claim(names::type_name(&hint));
                // Recorded before defining, so a schema that refers to itself finds its name.
                self.other_refs
                    .insert(reference.to_owned(), TypeRef::Named(name.clone()));
                self.define(&name, &schema, &target_at);
                TypeRef::Named(name)
            }
            Some(Ok(ReferenceOr::Reference { reference: next })) => {
                let ty = self.follow_ref_depth(&next, at, depth + 1);
                self.other_refs.insert(reference.to_owned(), ty.clone());
                ty
            }
            _ => {
                self.diags.warn(
                    "unsupported-ref",
                    at,
                    format!(
                        "cannot follow `$ref: {reference}`; the value is typed as serde_json::Value"
                    ),
                );
                self.other_refs.insert(reference.to_owned(), TypeRef::Any);
                TypeRef::Any
            }
        }
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
        let constraints = Constraints {
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
        // Already defined from here (a `$ref` into this spot came first): the same type.
        if let Some(name) = self.by_pointer.get(at) {
            return Resolved {
                shape: Shape {
                    ty: TypeRef::Named(name.clone()),
                    constraints,
                },
                nullable,
            };
        }
        let candidate = names::type_name(hint);
        if self.in_progress.contains(at) {
            // Reached again while being defined: refer to it by the name it will get.
            let name = match self.provisional.get(at) {
                Some(name) => name.clone(),
                None => {
                    let name = self.type_names.claim(candidate);
                    self.provisional.insert(at.to_owned(), name.clone());
                    name
                }
            };
            return Resolved {
                shape: Shape {
                    ty: TypeRef::Named(name),
                    constraints,
                },
                nullable,
            };
        }
        self.in_progress.insert(at.to_owned());
        let classified = self.classify(&candidate, schema, at);
        self.in_progress.remove(at);
        let provisional = self.provisional.remove(at);
        match classified {
            Classified::Kind(kind, kind_nullable) => {
                let name = provisional.unwrap_or_else(|| self.type_names.claim(candidate));
                self.insert(&name, at, data.description.clone(), data.deprecated, kind);
                Resolved {
                    shape: Shape {
                        ty: TypeRef::Named(name),
                        constraints,
                    },
                    nullable: nullable || kind_nullable,
                }
            }
            Classified::Plain(mut resolved) => {
                if let Some(name) = provisional {
                    self.insert(
                        &name,
                        at,
                        data.description.clone(),
                        data.deprecated,
                        TypeKind::Alias(resolved.shape.clone()),
                    );
                }
                if resolved.shape.constraints.max_stringified_length.is_none() {
                    resolved.shape.constraints.max_stringified_length =
                        constraints.max_stringified_length;
                }
                resolved
            }
        }
    }

    /// The shape of a schema that is not a named type: primitives, arrays, maps.
    fn plain(&mut self, schema: &Schema, hint: &str, at: &str) -> Resolved {
        let nullable = schema.schema_data.nullable;
        let mut constraints = Constraints::default();
        let ty = match &schema.schema_kind {
            SchemaKind::Type(Type::String(s))
                if matches!(
                    s.format,
                    VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary)
                ) =>
            {
                TypeRef::File
            }
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
            // openapiv3 reads a schema whose keywords do not fit its `type` (or that has none)
            // as untyped: recover the type the keywords imply.
            SchemaKind::Any(a) if a.items.is_some() || a.typ.as_deref() == Some("array") => {
                constraints.min_items = a.min_items.map(|n| n as u64);
                constraints.max_items = a.max_items.map(|n| n as u64);
                constraints.unique_items = a.unique_items.unwrap_or(false);
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
            SchemaKind::Any(a) if a.typ.as_deref() == Some("string") => {
                constraints.min_length = a.min_length.map(|n| n as u64);
                constraints.max_length = a.max_length.map(|n| n as u64);
                constraints.pattern = a.pattern.clone();
                TypeRef::String
            }
            SchemaKind::Any(a) if matches!(a.typ.as_deref(), Some("integer" | "number")) => {
                let bound = |value: Option<f64>, exclusive: Option<bool>| {
                    value.map(|v| Bound {
                        value: Number::Float(v),
                        exclusive: exclusive.unwrap_or(false),
                    })
                };
                constraints.minimum = bound(a.minimum, a.exclusive_minimum);
                constraints.maximum = bound(a.maximum, a.exclusive_maximum);
                if a.typ.as_deref() == Some("integer") {
                    // Integer fields compare with integer limits only; fractional ones are dropped.
                    let int = |b: Option<Bound>| {
                        b.and_then(|b| match b.value {
                            Number::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
                                Some(Bound {
                                    value: Number::Int(f as i64),
                                    exclusive: b.exclusive,
                                })
                            }
                            _ => None,
                        })
                    };
                    constraints.minimum = int(constraints.minimum);
                    constraints.maximum = int(constraints.maximum);
                    TypeRef::Integer(IntWidth::I64)
                } else {
                    TypeRef::Number
                }
            }
            SchemaKind::Any(a) if a.typ.as_deref() == Some("boolean") => TypeRef::Boolean,
            // No type and nothing that implies one: any JSON value is valid, which is what
            // `serde_json::Value` says.
            SchemaKind::Any(a) if a.typ.is_none() && a.properties.is_empty() => TypeRef::Any,
            SchemaKind::OneOf { .. }
            | SchemaKind::AnyOf { .. }
            | SchemaKind::AllOf { .. }
            | SchemaKind::Not { .. }
            | SchemaKind::Any(_) => {
                self.diags.warn(
                    "unsupported-schema",
                    at,
                    "`not` and schemas of unknown `type` are not modelled; the value is typed as serde_json::Value",
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
            VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::DateTime) => {
                Some(Format::Named("date-time"))
            }
            VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Date) => {
                Some(Format::Named("date"))
            }
            VariantOrUnknownOrEmpty::Unknown(f) if CHECKED_FORMATS.contains(&f.as_str()) => {
                CHECKED_FORMATS
                    .iter()
                    .find(|known| **known == f.as_str())
                    .map(|known| Format::Named(known))
            }
            // Encodings and hints, not constraints: nothing to check.
            VariantOrUnknownOrEmpty::Unknown(f) if ANNOTATION_FORMATS.contains(&f.as_str()) => None,
            VariantOrUnknownOrEmpty::Unknown(f) => {
                let entry = self
                    .unchecked_formats
                    .entry(f.clone())
                    .or_insert_with(|| (pointer(at, "format"), 0));
                entry.1 += 1;
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

    /// One property of a struct named `owner`.
    fn field(
        &mut self,
        owner: &str,
        wire_name: &str,
        property: &ReferenceOr<Box<Schema>>,
        required: bool,
        props_at: &str,
        scope: &mut Scope,
    ) -> Field {
        let field_at = pointer(props_at, wire_name);
        let hint = format!("{owner}{}", names::type_name(wire_name));
        let resolved = self.shape_of(property.into(), &hint, &field_at);
        let documented = match property {
            ReferenceOr::Item(s) => Some(&**s),
            // A `$ref` has no siblings in 3.0: document the field from the schema it names.
            ReferenceOr::Reference { reference } => self.component(reference),
        };
        let (description, default, deprecated) = match documented {
            Some(s) => (
                s.schema_data.description.clone(),
                s.schema_data.default.clone().filter(|d| !d.is_null()),
                s.schema_data.deprecated,
            ),
            None => (None, None, false),
        };
        // One struct serves requests and responses: a `readOnly` property is absent from
        // requests and a `writeOnly` one from responses, so neither can be required of both.
        let one_way =
            documented.is_some_and(|s| s.schema_data.read_only || s.schema_data.write_only);
        let required = required && !one_way;
        Field {
            ident: scope.claim(names::field_name(wire_name)),
            wire_name: wire_name.to_owned(),
            shape: resolved.shape,
            required,
            nullable: resolved.nullable,
            boxed: false,
            one_way,
            description,
            default,
            deprecated,
        }
    }

    /// The tag values of a discriminated union: the `mapping`, then each variant's schema name.
    fn discriminator(
        &self,
        d: &openapiv3::Discriminator,
        variants: &[UnionVariant],
    ) -> Discriminator {
        let variant_of = |ty: &TypeRef| {
            variants
                .iter()
                .find(|v| v.ty == *ty)
                .map(|v| v.ident.clone())
        };
        let mut values: Vec<(String, String)> = Vec::new();
        for (tag, target) in &d.mapping {
            let key = target.strip_prefix(SCHEMA_PREFIX).unwrap_or(target);
            let ty = self
                .components
                .get(&unescape_pointer(key))
                .map(|name| TypeRef::Named(name.clone()));
            if let Some(ident) = ty.as_ref().and_then(variant_of) {
                values.push((tag.clone(), ident));
            }
        }
        for (key, name) in &self.components {
            if values.iter().any(|(tag, _)| tag == key) {
                continue;
            }
            if let Some(ident) = variant_of(&TypeRef::Named(name.clone())) {
                values.push((key.clone(), ident));
            }
        }
        Discriminator {
            property: d.property_name.clone(),
            values,
        }
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
            let is_required = required.contains(wire_name);
            fields.push(self.field(
                owner,
                wire_name,
                property,
                is_required,
                &props_at,
                &mut scope,
            ));
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
                    .unwrap_or_else(|| names::derived_operation_id(method, path));
                let method_name = scope.claim(names::field_name(&operation_id));
                if let Some(operation) =
                    self.operation(path, method, item, op, operation_id, method_name, &op_at)
                    && let Some(g) = groups.get_mut(&tag)
                {
                    g.operations.push(operation);
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
        item: &'a openapiv3::PathItem,
        op: &'a openapiv3::Operation,
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
        let (path_params, params) = self.parameters(path, item, op, &type_stem, at)?;
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
            params,
            body,
            success,
            errors,
            auth,
            idempotent: http_method.is_idempotent(),
            idempotency_key,
            deprecated: op.deprecated,
        })
    }

    /// Path parameters (positional) and the struct of query, header and cookie parameters.
    /// `None` when a required parameter cannot be expressed: the operation is then skipped with
    /// a warning, since a call without it could never be right.
    fn parameters(
        &mut self,
        path: &str,
        item: &'a openapiv3::PathItem,
        op: &'a openapiv3::Operation,
        stem: &str,
        at: &str,
    ) -> Option<(Vec<Param>, Option<ParamsStruct>)> {
        let path_at = at.rsplit_once('/').map(|(a, _)| a).unwrap_or(at).to_owned();
        let mut all: BTreeMap<(u8, String), (openapiv3::Parameter, String)> = BTreeMap::new();
        let mut order = Vec::new();
        for (list, list_at) in [
            (&item.parameters, pointer(&path_at, "parameters")),
            (&op.parameters, pointer(at, "parameters")),
        ] {
            for (i, p) in list.iter().enumerate() {
                let p_at = pointer(&list_at, &i.to_string());
                let param = match self
                    .item_or_ref(p, "#/components/parameters/", |c, k| c.parameters.get(k))
                {
                    Ok(param) => param.into_owned(),
                    Err(reference) => {
                        self.diags.warn("unsupported-ref", &p_at, format!("cannot follow parameter `$ref: {reference}`; the operation is skipped"));
                        return None;
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
        // Locals of the generated method body (see emit/operations.rs) are reserved.
        let mut path_scope = Scope::with_reserved(&[
            "body",
            "params",
            "self",
            "v",
            "at_root",
            "query_pairs",
            "header_pairs",
            "cookie_pairs",
            "body_ref",
            "prepared",
        ]);
        let mut field_scope = Scope::default();
        let mut path_params = Vec::new();
        let mut fields = Vec::new();
        let mut bindings = Vec::new();
        for key in order {
            let Some((param, p_at)) = all.get(&key) else {
                continue;
            };
            let (data, location, style) = match param {
                openapiv3::Parameter::Path {
                    parameter_data,
                    style,
                } => {
                    if !matches!(style, openapiv3::PathStyle::Simple) {
                        self.diags.warn(
                            "unsupported-parameter",
                            p_at,
                            "label and matrix path styles are sent as `simple`",
                        );
                    }
                    (parameter_data, None, ParamStyle::Simple)
                }
                openapiv3::Parameter::Query {
                    parameter_data,
                    style,
                    ..
                } => {
                    let style = match style {
                        openapiv3::QueryStyle::Form => ParamStyle::Form {
                            explode: parameter_data.explode.unwrap_or(true),
                        },
                        openapiv3::QueryStyle::SpaceDelimited => ParamStyle::SpaceDelimited,
                        openapiv3::QueryStyle::PipeDelimited => ParamStyle::PipeDelimited,
                        openapiv3::QueryStyle::DeepObject => ParamStyle::DeepObject,
                    };
                    (parameter_data, Some(ParamLocation::Query), style)
                }
                openapiv3::Parameter::Header { parameter_data, .. } => (
                    parameter_data,
                    Some(ParamLocation::Header),
                    ParamStyle::Simple,
                ),
                openapiv3::Parameter::Cookie { parameter_data, .. } => (
                    parameter_data,
                    Some(ParamLocation::Cookie),
                    ParamStyle::Form {
                        explode: parameter_data.explode.unwrap_or(true),
                    },
                ),
            };
            let required = data.required || location.is_none();
            if location == Some(ParamLocation::Header)
                && ["accept", "content-type", "authorization"]
                    .contains(&data.name.to_ascii_lowercase().as_str())
            {
                // OpenAPI 3.0: such header parameters SHALL be ignored.
                continue;
            }
            if location.is_none() && !path.contains(&format!("{{{}}}", data.name)) {
                self.diags.warn(
                    "unsupported-parameter",
                    p_at,
                    format!(
                        "path parameter `{}` is not in the path template; ignored",
                        data.name
                    ),
                );
                continue;
            }
            let schema = match &data.format {
                openapiv3::ParameterSchemaOrContent::Schema(s) => SchemaOrRef::from(s),
                openapiv3::ParameterSchemaOrContent::Content(content) => {
                    // `content` parameters carry one media type; JSON-encoded values are sent as JSON text.
                    match content.iter().next().and_then(|(_, m)| m.schema.as_ref()) {
                        Some(s) => SchemaOrRef::from(s),
                        None => {
                            self.diags.warn(
                                "unsupported-parameter",
                                p_at,
                                format!("`{}` has no schema; it is sent as a string", data.name),
                            );
                            SchemaOrRef::Ref("")
                        }
                    }
                }
            };
            let hint = format!("{stem}{}", names::type_name(&data.name));
            let resolved = match schema {
                SchemaOrRef::Ref("") => Resolved {
                    shape: Shape {
                        ty: TypeRef::String,
                        constraints: Constraints::default(),
                    },
                    nullable: false,
                },
                other => self.shape_of(other, &hint, &pointer(p_at, "schema")),
            };
            match location {
                None => path_params.push(Param {
                    ident: path_scope.claim(names::field_name(&data.name)),
                    wire_name: data.name.clone(),
                    shape: resolved.shape,
                    required: true,
                    description: data.description.clone(),
                }),
                Some(location) => {
                    let ident = field_scope.claim(names::field_name(&data.name));
                    bindings.push(ParamBinding {
                        ident: ident.clone(),
                        wire_name: data.name.clone(),
                        location,
                        style,
                        required,
                        ty: resolved.shape.ty.clone(),
                    });
                    fields.push(Field {
                        ident,
                        wire_name: data.name.clone(),
                        shape: resolved.shape,
                        required,
                        nullable: false,
                        boxed: false,
                        one_way: false,
                        description: data.description.clone(),
                        default: None,
                        deprecated: data.deprecated.unwrap_or(false),
                    });
                }
            }
        }
        let params = (!fields.is_empty()).then(|| {
            let type_name = self.type_names.claim(format!("{stem}Params"));
            let description = format!("Query, header and cookie parameters of `{stem}`.");
            self.insert(
                &type_name,
                at,
                Some(description),
                false,
                TypeKind::Struct(Struct { fields }),
            );
            ParamsStruct {
                type_name,
                bindings,
            }
        });
        Some((path_params, params))
    }

    /// `Some(None)` for a body the SDK does not send (optional, unsupported media type); `None`
    /// to skip the operation (a required body it cannot send).
    fn request_body(
        &mut self,
        body: &'a ReferenceOr<openapiv3::RequestBody>,
        stem: &str,
        at: &str,
    ) -> Option<Option<RequestBody>> {
        let body =
            match self.item_or_ref(body, "#/components/requestBodies/", |c, k| {
                c.request_bodies.get(k)
            }) {
                Ok(body) => body,
                Err(reference) => {
                    self.diags.warn(
                "unsupported-ref",
                at,
                format!("cannot follow request body `$ref: {reference}`; the operation is skipped"),
            );
                    return None;
                }
            };
        // Prefer JSON, then forms, then the first media type.
        let pick = body
            .content
            .iter()
            .map(|(media, content)| (media_encoding(media), media, content))
            .min_by_key(|(encoding, _, _)| match encoding {
                BodyEncoding::Json => 0,
                BodyEncoding::Form => 1,
                BodyEncoding::Multipart => 2,
                BodyEncoding::Bytes(_) => 3,
                BodyEncoding::Text(_) => 4,
            });
        let Some((encoding, media, content)) = pick else {
            self.diags.warn(
                "unsupported-body",
                at,
                "a request body without content is not sent",
            );
            return Some(None);
        };
        let schema_at = pointer(&pointer(&pointer(at, "content"), media), "schema");
        let ty = match &content.schema {
            Some(schema) => {
                self.shape_of(schema.into(), &format!("{stem}Request"), &schema_at)
                    .shape
                    .ty
            }
            None => TypeRef::Any,
        };
        let field_styles = content
            .encoding
            .iter()
            .filter_map(|(name, e)| {
                // openapiv3 reads an absent `explode` as false, so `form` keeps OpenAPI's
                // default (explode) here.
                let style = match &e.style {
                    Some(openapiv3::QueryStyle::DeepObject) => ParamStyle::DeepObject,
                    Some(openapiv3::QueryStyle::SpaceDelimited) => ParamStyle::SpaceDelimited,
                    Some(openapiv3::QueryStyle::PipeDelimited) => ParamStyle::PipeDelimited,
                    Some(openapiv3::QueryStyle::Form) => ParamStyle::Form { explode: true },
                    None => return None,
                };
                Some((name.clone(), style))
            })
            .collect();
        Some(Some(RequestBody {
            ty,
            required: body.required,
            encoding,
            field_styles,
        }))
    }

    fn responses(
        &mut self,
        op: &'a openapiv3::Operation,
        stem: &str,
        at: &str,
    ) -> (SuccessResponse, Vec<ErrorResponse>) {
        let mut success = SuccessResponse {
            statuses: Vec::new(),
            body: ResponseBody::Empty,
            description: None,
        };
        let mut decided = false;
        let mut errors = Vec::new();
        for (code, response) in &op.responses.responses {
            let code_at = pointer(at, &code.to_string());
            let status = match code {
                StatusCode::Code(c) => *c,
                StatusCode::Range(r) => {
                    if *r == 2 {
                        success.statuses.extend(200..300);
                    }
                    continue;
                }
            };
            let response = match self.item_or_ref(response, "#/components/responses/", |c, k| {
                c.responses.get(k)
            }) {
                Ok(response) => response,
                Err(reference) => {
                    self.diags.warn(
                        "unsupported-ref",
                        &code_at,
                        format!("cannot follow response `$ref: {reference}`"),
                    );
                    continue;
                }
            };
            if (200..300).contains(&status) {
                success.statuses.push(status);
                if decided || status == 204 {
                    continue;
                }
                decided = true;
                success.description = Some(response.description.clone()).filter(|d| !d.is_empty());
                let json = response.content.iter().find(|(media, _)| is_json(media));
                success.body = match (json, response.content.iter().next()) {
                    (Some((media, content)), _) => {
                        let schema_at =
                            pointer(&pointer(&pointer(&code_at, "content"), media), "schema");
                        ResponseBody::Json(match &content.schema {
                            Some(schema) => {
                                self.shape_of(schema.into(), &format!("{stem}Response"), &schema_at)
                                    .shape
                                    .ty
                            }
                            None => TypeRef::Any,
                        })
                    }
                    (None, Some((media, _))) if media.starts_with("text/") => ResponseBody::Text,
                    (None, Some(_)) => ResponseBody::Bytes,
                    (None, None) => ResponseBody::Empty,
                };
            } else if status >= 300 {
                errors.push(ErrorResponse {
                    status,
                    description: Some(response.description.clone()).filter(|d| !d.is_empty()),
                });
            }
        }
        if success.statuses.is_empty() {
            // No documented 2xx: accept any 2xx, decode nothing.
            success.statuses = (200..300).collect();
        }
        success.statuses.sort_unstable();
        success.statuses.dedup();
        errors.sort_by_key(|e| e.status);
        (success, errors)
    }

    fn auth(&mut self, op: &openapiv3::Operation, at: &str) -> Vec<AuthScheme> {
        let requirements = op.security.as_ref().or(self.spec.security.as_ref());
        let Some(requirements) = requirements else {
            return Vec::new();
        };
        // An empty requirement makes credentials optional: none are sent.
        if requirements.iter().any(|r| r.is_empty()) {
            return Vec::new();
        }
        let schemes = self.spec.components.as_ref().map(|c| &c.security_schemes);
        let mut out = Vec::new();
        for requirement in requirements {
            // All schemes of one requirement apply together; the SDK sends the first it supports.
            let scheme =
                requirement
                    .keys()
                    .find_map(|name| match schemes.and_then(|s| s.get(name)) {
                        Some(ReferenceOr::Item(openapiv3::SecurityScheme::HTTP {
                            scheme, ..
                        })) if scheme.eq_ignore_ascii_case("bearer") => Some(AuthScheme::Bearer),
                        Some(ReferenceOr::Item(openapiv3::SecurityScheme::HTTP {
                            scheme, ..
                        })) if scheme.eq_ignore_ascii_case("basic") => Some(AuthScheme::Basic),
                        Some(ReferenceOr::Item(
                            openapiv3::SecurityScheme::OAuth2 { .. }
                            | openapiv3::SecurityScheme::OpenIDConnect { .. },
                        )) => Some(AuthScheme::Bearer),
                        Some(ReferenceOr::Item(openapiv3::SecurityScheme::APIKey {
                            location,
                            name,
                            ..
                        })) => Some(match location {
                            openapiv3::APIKeyLocation::Header => {
                                AuthScheme::ApiKeyHeader(name.clone())
                            }
                            openapiv3::APIKeyLocation::Query => {
                                AuthScheme::ApiKeyQuery(name.clone())
                            }
                            openapiv3::APIKeyLocation::Cookie => {
                                AuthScheme::ApiKeyCookie(name.clone())
                            }
                        }),
                        _ => None,
                    });
            match scheme {
                Some(scheme) if !out.contains(&scheme) => out.push(scheme),
                Some(_) => {}
                None => self.diags.warn(
                    "unsupported-security",
                    &pointer(at, "security"),
                    "a security requirement names no supported scheme; it is skipped",
                ),
            }
        }
        out
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

/// How a body of this media type is written.
fn media_encoding(media: &str) -> BodyEncoding {
    let essence = media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if is_json(&essence) {
        BodyEncoding::Json
    } else if essence == "application/x-www-form-urlencoded" {
        BodyEncoding::Form
    } else if essence.starts_with("multipart/") {
        BodyEncoding::Multipart
    } else if essence.starts_with("text/") {
        BodyEncoding::Text(essence)
    } else {
        BodyEncoding::Bytes(essence)
    }
}

fn is_json(media: &str) -> bool {
    let media = media.split(';').next().unwrap_or("").trim();
    media == "application/json" || media.ends_with("+json") || media == "*/*"
}

/// Undoes percent escapes in a reference's pointer, leaving JSON pointer escapes alone.
fn percent_decode(pointer: &str) -> String {
    let raw = pointer.as_bytes();
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
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Undoes JSON pointer (`~1`, `~0`) and percent escapes in one reference segment.
fn unescape_pointer(segment: &str) -> String {
    percent_decode(segment)
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
        if let Some(params) = &op.params {
            pending.push(params.type_name.clone());
        }
        for p in &op.path_params {
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
            TypeKind::Union(u) => {
                for v in &u.variants {
                    collect_named(&v.ty, &mut pending);
                }
            }
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

/// What a schema becomes: a named type's definition (and whether `null` is allowed), or a
/// plain shape.
enum Classified {
    Kind(TypeKind, bool),
    Plain(Resolved),
}

/// What the parts of an `allOf` add up to.
#[derive(Default)]
struct AllOf {
    fields: Vec<Field>,
    required: BTreeSet<String>,
    scope: Scope,
    has_object: bool,
    nullable: bool,
    others: Vec<Resolved>,
}

fn any_shape() -> Shape {
    Shape {
        ty: TypeRef::Any,
        constraints: Constraints::default(),
    }
}

/// `{type: null}` (3.1 style, after normalisation an untyped nullable) or `{nullable: true}` alone.
fn is_null_schema(branch: &ReferenceOr<Schema>) -> bool {
    match branch {
        ReferenceOr::Item(s) => match &s.schema_kind {
            SchemaKind::Any(a) => {
                a.typ.as_deref() == Some("null")
                    || (s.schema_data.nullable
                        && a.properties.is_empty()
                        && a.items.is_none()
                        && a.enumeration.is_empty()
                        && a.typ.is_none())
            }
            _ => false,
        },
        ReferenceOr::Reference { .. } => false,
    }
}

/// A union variant's name from its type: the type's own name, or what kind of value it is.
fn variant_ident(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(name) => name.clone(),
        TypeRef::String => "String".to_owned(),
        TypeRef::Integer(_) => "Integer".to_owned(),
        TypeRef::Number => "Number".to_owned(),
        TypeRef::Boolean => "Boolean".to_owned(),
        TypeRef::Array(inner) => format!("{}List", variant_ident(inner)),
        TypeRef::Map(inner) => format!("{}Map", variant_ident(inner)),
        TypeRef::Object => "Object".to_owned(),
        TypeRef::File => "File".to_owned(),
        TypeRef::Any => "Value".to_owned(),
    }
}

/// Merges inline types that came out identical (Stripe repeats the same inline object hundreds of
/// times): each group keeps one definition, a `components/schemas` one if there is one, and every
/// reference is rewritten. Repeated until nothing changes, since merging children can make their
/// parents identical.
fn dedup_types(model: &mut Model) {
    for _ in 0..8 {
        // Bucket by a hash of the definition (streamed, no string built), then split each bucket
        // into truly equal definitions.
        let mut buckets: BTreeMap<u64, Vec<String>> = BTreeMap::new();
        for (name, def) in &model.types {
            buckets
                .entry(kind_hash(&def.kind))
                .or_default()
                .push(name.clone());
        }
        let mut groups: Vec<Vec<String>> = Vec::new();
        for names in buckets.into_values().filter(|names| names.len() > 1) {
            let mut split: Vec<Vec<String>> = Vec::new();
            for name in names {
                let kind = model.types.get(&name).map(|d| &d.kind);
                match split
                    .iter_mut()
                    .find(|g| model.types.get(&g[0]).map(|d| &d.kind) == kind)
                {
                    Some(group) => group.push(name),
                    None => split.push(vec![name]),
                }
            }
            groups.extend(split.into_iter().filter(|g| g.len() > 1));
        }
        let mut renames: BTreeMap<String, String> = BTreeMap::new();
        for names in groups {
            let is_component = |n: &String| {
                model
                    .types
                    .get(n)
                    .is_some_and(|d| d.pointer.starts_with("/components/schemas/"))
            };
            let canonical = names
                .iter()
                .filter(|n| is_component(n))
                .min()
                .or_else(|| names.iter().min_by_key(|n| (n.len(), n.as_str())))
                .cloned();
            let Some(canonical) = canonical else { continue };
            for name in names {
                if name != canonical && !is_component(&name) {
                    renames.insert(name, canonical.clone());
                }
            }
        }
        if renames.is_empty() {
            return;
        }
        for name in renames.keys() {
            model.types.remove(name);
        }
        let rename = |ty: &mut TypeRef| rename_named(ty, &renames);
        for def in model.types.values_mut() {
            match &mut def.kind {
                TypeKind::Struct(s) => s.fields.iter_mut().for_each(|f| rename(&mut f.shape.ty)),
                TypeKind::Union(u) => u.variants.iter_mut().for_each(|v| rename(&mut v.ty)),
                TypeKind::Alias(shape) => rename(&mut shape.ty),
                TypeKind::Enum(_) => {}
            }
        }
        for group in &mut model.groups {
            for op in &mut group.operations {
                op.path_params
                    .iter_mut()
                    .for_each(|p| rename(&mut p.shape.ty));
                if let Some(params) = &mut op.params {
                    params.bindings.iter_mut().for_each(|b| rename(&mut b.ty));
                    if let Some(to) = renames.get(&params.type_name) {
                        params.type_name = to.clone();
                    }
                }
                if let Some(body) = &mut op.body {
                    rename(&mut body.ty);
                }
                if let ResponseBody::Json(ty) = &mut op.success.body {
                    rename(ty);
                }
            }
        }
    }
}

/// A hash of a type definition's `Debug` text, computed without building the text.
fn kind_hash(kind: &TypeKind) -> u64 {
    use std::fmt::Write as _;
    use std::hash::Hasher as _;
    struct HashWriter(std::collections::hash_map::DefaultHasher);
    impl std::fmt::Write for HashWriter {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.0.write(s.as_bytes());
            Ok(())
        }
    }
    let mut writer = HashWriter(std::collections::hash_map::DefaultHasher::new());
    let _ = write!(writer, "{kind:?}");
    writer.0.finish()
}

fn rename_named(ty: &mut TypeRef, renames: &BTreeMap<String, String>) {
    match ty {
        TypeRef::Named(n) => {
            if let Some(to) = renames.get(n) {
                *n = to.clone();
            }
        }
        TypeRef::Array(inner) | TypeRef::Map(inner) => rename_named(inner, renames),
        _ => {}
    }
}

/// Boxes every struct field and union variant that holds, by value, a type of its own strongly
/// connected component (a type that contains itself), so the Rust types have a finite size.
fn box_recursion(model: &mut Model) {
    let names: Vec<String> = model.types.keys().cloned().collect();
    let index: BTreeMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    let by_value = |ty: &TypeRef| match ty {
        TypeRef::Named(n) => index.get(n.as_str()).copied(),
        _ => None,
    };
    let edges: Vec<Vec<usize>> = names
        .iter()
        .map(|name| match model.types.get(name).map(|d| &d.kind) {
            Some(TypeKind::Struct(s)) => s
                .fields
                .iter()
                .filter_map(|f| by_value(&f.shape.ty))
                .collect(),
            Some(TypeKind::Union(u)) => u.variants.iter().filter_map(|v| by_value(&v.ty)).collect(),
            Some(TypeKind::Alias(shape)) => by_value(&shape.ty).into_iter().collect(),
            _ => Vec::new(),
        })
        .collect();
    let component = strongly_connected(&edges);
    let same =
        |owner: usize, ty: &TypeRef| by_value(ty).is_some_and(|t| component[t] == component[owner]);
    let mut boxed_fields: Vec<(String, usize)> = Vec::new();
    let mut boxed_variants: Vec<(String, usize)> = Vec::new();
    for (i, name) in names.iter().enumerate() {
        match model.types.get(name).map(|d| &d.kind) {
            Some(TypeKind::Struct(s)) => {
                for (j, f) in s.fields.iter().enumerate() {
                    if same(i, &f.shape.ty) {
                        boxed_fields.push((name.clone(), j));
                    }
                }
            }
            Some(TypeKind::Union(u)) => {
                for (j, v) in u.variants.iter().enumerate() {
                    if same(i, &v.ty) {
                        boxed_variants.push((name.clone(), j));
                    }
                }
            }
            _ => {}
        }
    }
    for (name, j) in boxed_fields {
        if let Some(TypeKind::Struct(s)) = model.types.get_mut(&name).map(|d| &mut d.kind)
            && let Some(f) = s.fields.get_mut(j)
        {
            f.boxed = true;
        }
    }
    for (name, j) in boxed_variants {
        if let Some(TypeKind::Union(u)) = model.types.get_mut(&name).map(|d| &mut d.kind)
            && let Some(v) = u.variants.get_mut(j)
        {
            v.boxed = true;
        }
    }
}

/// Tarjan's algorithm, iterative (deep type chains must not overflow the stack): the component
/// number of each node.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut component = vec![UNSEEN; n];
    let mut next_index = 0;
    let mut next_component = 0;
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some((node, edge)) = work.pop() {
            if edge == 0 {
                index[node] = next_index;
                low[node] = next_index;
                next_index += 1;
                stack.push(node);
                on_stack[node] = true;
            }
            if let Some(&next) = edges[node].get(edge) {
                work.push((node, edge + 1));
                if index[next] == UNSEEN {
                    work.push((next, 0));
                } else if on_stack[next] {
                    low[node] = low[node].min(index[next]);
                }
                continue;
            }
            if low[node] == index[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
        }
    }
    component
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
    fn finds_cycles() {
        // 0 → 1 → 2 → 0, 3 → 3, 4 → 0
        let c = strongly_connected(&[vec![1], vec![2], vec![0], vec![3], vec![0]]);
        assert!(c[0] == c[1] && c[1] == c[2]);
        assert_ne!(c[3], c[0]);
        assert_ne!(c[4], c[0]);
    }
}
