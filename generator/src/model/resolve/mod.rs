//! Resolving an `openapiv3::OpenAPI` into the [`Model`]: follows `$ref`s, names inline schemas
//! after where they appear, gathers constraints, and decides which types requests reach. What
//! the model cannot express becomes a warning with its JSON pointer, never a panic.

mod operations;
mod pagination;
mod passes;
mod schemas;

use super::*;
use crate::diagnostics::{Diagnostics, pointer};
use crate::names::{self, Scope};
use openapiv3::{
    AdditionalProperties, OpenAPI, ReferenceOr, Schema, SchemaKind, StatusCode, Type,
    VariantOrUnknownOrEmpty,
};
use std::collections::{BTreeMap, BTreeSet};

use passes::{
    box_recursion, break_alias_cycles, dedup_types, mark_error_formats, mark_explicit_nulls,
    mark_groups, mark_request_types, or_empty_unions,
};

const SCHEMA_PREFIX: &str = "#/components/schemas/";
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
        // The `types` module holds the spec's types and nothing else; generated code names
        // everything outside it by path (`crate::Error`, `::std::option::Option`), so a
        // schema may be called `Client` or `Option` and keep its name.
        type_names: Scope::default(),
        components: BTreeMap::new(),
        raw: None,
        other_refs: BTreeMap::new(),
        by_pointer: BTreeMap::new(),
        in_progress: BTreeSet::new(),
        provisional: BTreeMap::new(),
        unchecked_formats: BTreeMap::new(),
        request_id_headers: BTreeSet::new(),
        page_hints: BTreeMap::new(),
    };
    resolver.name_components();
    resolver.define_components();
    let mut groups = resolver.operations();
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
    // A description that declares security schemes but has no operation require any (Apache
    // Airflow's says `security: []`: its servers take pluggable authentication, and answer 401
    // without credentials) leaves the caller's credential nowhere to go. Then every operation
    // accepts any one declared scheme, or none: the credential the caller set is sent.
    let requires_nothing = groups
        .iter()
        .flat_map(|g| &g.operations)
        .all(|op| op.auth.iter().all(Vec::is_empty));
    if requires_nothing {
        let declared: Vec<String> = spec
            .components
            .iter()
            .flat_map(|c| c.security_schemes.keys())
            .filter(|key| resolver.security_scheme(key).is_some())
            .cloned()
            .collect();
        if !declared.is_empty() {
            resolver.diags.warn(
                "auth-unstated",
                "/components/securitySchemes",
                format!(
                    "no operation requires a security scheme, though {} declared: a credential \
                     set on the client ({}) is sent with every call, and calls go without one \
                     otherwise",
                    if declared.len() == 1 {
                        "one is"
                    } else {
                        "several are"
                    },
                    declared.join(", ")
                ),
            );
            let alternatives: Vec<Vec<String>> = declared
                .iter()
                .map(|key| vec![key.clone()])
                .chain(std::iter::once(Vec::new()))
                .collect();
            for op in groups.iter_mut().flat_map(|g| &mut g.operations) {
                op.auth = alternatives.clone();
            }
        }
    }
    let used: BTreeSet<&str> = groups
        .iter()
        .flat_map(|g| &g.operations)
        .flat_map(|op| op.auth.iter().flatten())
        .map(String::as_str)
        .collect();
    let security_schemes = resolver.security_schemes(&used);
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
            request_id_headers: resolver.request_id_headers.into_iter().collect(),
            security_schemes,
        },
        types: resolver.types,
        groups,
    };
    dedup_types(&mut model);
    or_empty_unions(&mut model);
    break_alias_cycles(&mut model, resolver.diags);
    mark_request_types(&mut model);
    mark_groups(&mut model);
    mark_explicit_nulls(&mut model);
    box_recursion(&mut model);
    mark_error_formats(&mut model);
    pagination::paginate(&mut model, &resolver.page_hints, resolver.diags);
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
    /// Documented response headers whose names end in `request-id`, lower case.
    request_id_headers: BTreeSet<String>,
    /// What pagination needs to know of each operation, by its pointer (see `pagination`).
    page_hints: BTreeMap<String, pagination::PageHint>,
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
                    self.insert(&name, &at, None, false, TypeKind::Alias(Box::new(shape)));
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
                groups: Vec::new(),
            },
        );
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
}
