//! `codeqr-codegen diff`: what a spec change does to the users of the SDK it generates.
//!
//! Two [`Model`]s are compared item by item (types, fields, enum values, union variants,
//! operations, parameters, bodies, responses, credentials), and each difference in the SDK's
//! public Rust API or behaviour becomes a [`Change`] classified by Cargo's SemVer rules (The
//! Cargo Book, "SemVer Compatibility") with its reason. The classification rests on how the
//! SDK is built to absorb change (README, "Regenerating: what a spec change does"): structs,
//! string enums and unions are `#[non_exhaustive]`, so a new field, enum value or variant is
//! minor; request types are made through builders.
//!
//! Comparing models rather than generated text is what lets a change be named in Rust terms
//! (`types::TrackSaleRequest::customer_email`) and in spec terms (`file#/json/pointer`) at once,
//! and keeps formatting or doc-only edits from reading as API changes.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{self, Write as _};

use crate::model::{
    Bound, Constraints, Field, Group, Model, Number, Operation, ResponseBody, SchemeKind,
    SecurityScheme, Struct, TypeDef, TypeKind, TypeRef,
};

/// How a change affects the SDK's users, by Cargo's SemVer rules. Ordered by severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Nothing a user's code can see changes but documentation, or behaviour follows the API
    /// without a change to the Rust API (a wire name, a retry rule).
    Patch,
    /// Something is added (a type, a field, an operation, an enum value) or loosened; code that
    /// compiled and worked still does.
    Minor,
    /// Code that compiled may no longer compile, or code that worked may now fail (a request
    /// that passed `validate()` is refused).
    Major,
}

impl Level {
    /// `major`, `minor` or `patch`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Patch => "patch",
            Level::Minor => "minor",
            Level::Major => "major",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Level {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "major" => Ok(Level::Major),
            "minor" => Ok(Level::Minor),
            "patch" => Ok(Level::Patch),
            other => Err(format!("`{other}` is not a level: major, minor or patch")),
        }
    }
}

/// One change to the SDK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// How it affects users.
    pub level: Level,
    /// The Rust item it is about (`types::TrackSaleRequest::customer_email`).
    pub rust: String,
    /// Where it is in the description (`new.yaml#/components/schemas/...`): in the old file for
    /// what was removed, in the new one otherwise.
    pub spec: String,
    /// What changed (`request field added (optional)`).
    pub what: String,
    /// Why it is at this level.
    pub why: String,
}

/// Every change between two SDKs, most severe first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The changes, by level (major first), then Rust path.
    pub changes: Vec<Change>,
}

impl Report {
    /// The most severe change's level; `None` when the SDK's API did not change at all.
    pub fn level(&self) -> Option<Level> {
        self.changes.iter().map(|c| c.level).max()
    }

    /// The report as the command line prints it; with `crate_version`, the line before the last
    /// is `next version: A.B.C`. The last line is exactly `semver: major|minor|patch|none`.
    pub fn render(&self, crate_version: Option<&semver::Version>) -> String {
        let mut out = String::new();
        for change in &self.changes {
            let _ = writeln!(
                out,
                "{:<6} {}: {}\n       at {}\n       {}",
                change.level.as_str(),
                change.rust,
                change.what,
                change.spec,
                change.why
            );
        }
        let count = |level| self.changes.iter().filter(|c| c.level == level).count();
        if self.changes.is_empty() {
            out.push_str("no change to the SDK\n");
        } else {
            let _ = writeln!(
                out,
                "\n{} change{}: {} major, {} minor, {} patch",
                self.changes.len(),
                if self.changes.len() == 1 { "" } else { "s" },
                count(Level::Major),
                count(Level::Minor),
                count(Level::Patch)
            );
        }
        if let Some(version) = crate_version {
            let _ = writeln!(out, "next version: {}", next_version(version, self.level()));
        }
        let _ = writeln!(
            out,
            "semver: {}",
            self.level().map_or("none", Level::as_str)
        );
        out
    }
}

/// The version to publish after `current` for a change of `level`, as Cargo reads versions: in
/// `0.y.z` the minor number is the breaking one and the patch number takes additions; in
/// `0.0.z` every release is breaking. No change keeps the version.
pub fn next_version(current: &semver::Version, level: Option<Level>) -> semver::Version {
    let (x, y, z) = (current.major, current.minor, current.patch);
    let (x, y, z) = match level {
        None => (x, y, z),
        Some(level) if x > 0 => match level {
            Level::Major => (x + 1, 0, 0),
            Level::Minor => (x, y + 1, 0),
            Level::Patch => (x, y, z + 1),
        },
        Some(Level::Major) if y > 0 => (0, y + 1, 0),
        Some(_) if y > 0 => (0, y, z + 1),
        Some(_) => (0, 0, z + 1),
    };
    semver::Version::new(x, y, z)
}

/// Compares the SDK generated from `old` (read from `old_file`) with the one from `new`.
pub fn diff(old: &Model, new: &Model, old_file: &str, new_file: &str) -> Report {
    let mut differ = Differ {
        old,
        new,
        old_file,
        new_file,
        changes: Vec::new(),
        old_params: params_types(old),
        new_params: params_types(new),
    };
    differ.api();
    differ.features();
    differ.types();
    differ.groups();
    let mut changes = differ.changes;
    changes.sort_by(|a, b| {
        b.level
            .cmp(&a.level)
            .then_with(|| a.rust.cmp(&b.rust))
            .then_with(|| a.what.cmp(&b.what))
    });
    changes.dedup();
    Report { changes }
}

/// Which side of the comparison a pointer is in.
#[derive(Clone, Copy)]
enum Side {
    Old,
    New,
}

/// A tightening or loosening of what `validate()` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Strictness {
    Tighter,
    Looser,
    /// Some values newly refused and others newly accepted (a different pattern).
    Both,
}

impl Strictness {
    fn and(a: Option<Strictness>, b: Option<Strictness>) -> Option<Strictness> {
        match (a, b) {
            (None, x) | (x, None) => x,
            (Some(x), Some(y)) if x == y => Some(x),
            _ => Some(Strictness::Both),
        }
    }
}

struct Differ<'a> {
    old: &'a Model,
    new: &'a Model,
    old_file: &'a str,
    new_file: &'a str,
    changes: Vec<Change>,
    /// Parameter structs by type name, with each field's pointer (the parameter's).
    old_params: BTreeMap<String, BTreeMap<String, String>>,
    new_params: BTreeMap<String, BTreeMap<String, String>>,
}

fn params_types(model: &Model) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for op in model.operations() {
        if let Some(params) = &op.params {
            let pointers = params
                .bindings
                .iter()
                .map(|b| (b.ident.clone(), b.pointer.clone()))
                .collect();
            out.insert(params.type_name.clone(), pointers);
        }
    }
    out
}

/// Where a group is: its first operation (a tag need not be declared under `/tags`).
fn group_pointer(group: &Group) -> String {
    group
        .operations
        .first()
        .map_or_else(|| "/paths".to_owned(), |op| op.pointer.clone())
}

fn op_path(group: &Group, op: &Operation) -> String {
    format!("operations::{}::{}", group.type_name, op.method_name)
}

/// `segment` escaped for a JSON pointer (RFC 6901).
fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

impl Differ<'_> {
    fn at(&self, side: Side, pointer: &str) -> String {
        let file = match side {
            Side::Old => self.old_file,
            Side::New => self.new_file,
        };
        format!("{file}#{pointer}")
    }

    fn push(
        &mut self,
        level: Level,
        rust: &str,
        spec: String,
        what: impl Into<String>,
        why: impl Into<String>,
    ) {
        self.changes.push(Change {
            level,
            rust: rust.to_owned(),
            spec,
            what: what.into(),
            why: why.into(),
        });
    }

    // --- the API as a whole -------------------------------------------------------------------

    fn api(&mut self) {
        let (old, new) = (&self.old.api, &self.new.api);
        if old.default_base_url != new.default_base_url {
            self.push(
                Level::Minor,
                "ClientBuilder::base_url",
                self.at(Side::New, "/servers/0/url"),
                format!(
                    "default server changed from `{}` to `{}`",
                    old.default_base_url, new.default_base_url
                ),
                "a client built without `base_url` calls the new server",
            );
        }
        if old.title != new.title
            || old.version != new.version
            || old.description != new.description
        {
            self.push(
                Level::Patch,
                "crate",
                self.at(Side::New, "/info"),
                "API title, version or description changed",
                "documentation only",
            );
        }
        if old.request_id_headers != new.request_id_headers {
            self.push(
                Level::Patch,
                "Error::request_id",
                self.at(Side::New, "/paths"),
                format!(
                    "request id read from {:?} rather than {:?}",
                    new.request_id_headers, old.request_id_headers
                ),
                "follows the API; the Rust API is unchanged",
            );
        }
        let old_schemes: BTreeMap<&str, &SecurityScheme> = old
            .security_schemes
            .iter()
            .map(|s| (s.key.as_str(), s))
            .collect();
        let new_schemes: BTreeMap<&str, &SecurityScheme> = new
            .security_schemes
            .iter()
            .map(|s| (s.key.as_str(), s))
            .collect();
        for (key, scheme) in &old_schemes {
            let pointer = format!("/components/securitySchemes/{}", escape(key));
            let (old_at, new_at) = (self.at(Side::Old, &pointer), self.at(Side::New, &pointer));
            let at = |side| match side {
                Side::Old => old_at.clone(),
                Side::New => new_at.clone(),
            };
            let method = format!("ClientBuilder::{}", scheme.method);
            match new_schemes.get(key) {
                None if scheme.own_method => self.push(
                    Level::Major,
                    &method,
                    at(Side::Old),
                    format!("security scheme `{key}` removed"),
                    "code that sets this credential no longer compiles",
                ),
                None => self.push(
                    Level::Patch,
                    &method,
                    at(Side::Old),
                    format!("security scheme `{key}` removed"),
                    "its credential was set through a generic method, which stays",
                ),
                Some(now) => {
                    if scheme.own_method && (!now.own_method || now.method != scheme.method) {
                        self.push(
                            Level::Major,
                            &method,
                            at(Side::New),
                            format!("credential method of `{key}` renamed or gone"),
                            "code that sets this credential no longer compiles",
                        );
                    } else if !scheme.own_method && now.own_method {
                        self.push(
                            Level::Minor,
                            &format!("ClientBuilder::{}", now.method),
                            at(Side::New),
                            format!("credential method for `{key}` added"),
                            "a new method",
                        );
                    }
                    let basic = |k: &SchemeKind| matches!(k, SchemeKind::Basic);
                    if basic(&scheme.kind) != basic(&now.kind) && now.own_method {
                        self.push(
                            Level::Major,
                            &format!("ClientBuilder::{}", now.method),
                            at(Side::New),
                            format!(
                                "`{key}` changed from {} to {}",
                                scheme.kind.describe(),
                                now.kind.describe()
                            ),
                            "the method's arguments changed (a username and password, or a token)",
                        );
                    } else if scheme.kind != now.kind || scheme.description != now.description {
                        self.push(
                            Level::Patch,
                            &format!("ClientBuilder::{}", now.method),
                            at(Side::New),
                            format!("how `{key}` is sent changed: {}", now.kind.describe()),
                            "follows the API; the Rust API is unchanged",
                        );
                    }
                }
            }
        }
        for (key, scheme) in &new_schemes {
            if !old_schemes.contains_key(key) {
                let level = if scheme.own_method {
                    Level::Minor
                } else {
                    Level::Patch
                };
                self.push(
                    level,
                    &format!("ClientBuilder::{}", scheme.method),
                    self.at(
                        Side::New,
                        &format!("/components/securitySchemes/{}", escape(key)),
                    ),
                    format!("security scheme `{key}` added"),
                    if scheme.own_method {
                        "a new method"
                    } else {
                        "set through an existing generic method"
                    },
                );
            }
        }
    }

    /// The standalone crate's cargo features (a feature per group when there are two or more).
    fn features(&mut self) {
        let names = |model: &Model| -> BTreeSet<String> {
            crate::emit::feature_list(model)
                .into_iter()
                .map(|(f, _)| f)
                .collect()
        };
        let (old, new) = (names(self.old), names(self.new));
        for feature in old.difference(&new) {
            self.push(
                Level::Major,
                &format!("feature `{feature}`"),
                self.at(Side::Old, "/paths"),
                "cargo feature removed",
                if self.new.groups.len() < 2 {
                    "a crate with one operation group has no features: a dependency naming it no longer resolves"
                } else {
                    "a dependency naming it no longer resolves"
                },
            );
        }
        for feature in new.difference(&old) {
            self.push(
                Level::Minor,
                &format!("feature `{feature}`"),
                self.at(Side::New, "/paths"),
                "cargo feature added",
                "a new feature",
            );
        }
    }

    // --- types --------------------------------------------------------------------------------

    fn types(&mut self) {
        let (old, new) = (&self.old.types, &self.new.types);
        let removed: Vec<&String> = old.keys().filter(|n| !new.contains_key(*n)).collect();
        let mut added: BTreeSet<&String> = new.keys().filter(|n| !old.contains_key(*n)).collect();
        for name in removed {
            let def = &old[name];
            // Renamed: the schema at the same place has another name now, or the one added has
            // exactly its shape (a component renamed in the spec).
            let renamed = added
                .iter()
                .copied()
                .find(|n| new[*n].pointer == def.pointer)
                .or_else(|| {
                    let same: Vec<&String> = added
                        .iter()
                        .copied()
                        .filter(|n| new[*n].kind == def.kind)
                        .collect();
                    (same.len() == 1).then(|| same[0])
                });
            match renamed {
                Some(now) => {
                    added.remove(now);
                    self.push(
                        Level::Major,
                        &format!("types::{now}"),
                        self.at(Side::New, &new[now].pointer),
                        format!("type renamed from `types::{name}`"),
                        "code naming the old name no longer compiles",
                    );
                    self.type_def(def, &new[now]);
                }
                None => self.push(
                    Level::Major,
                    &format!("types::{name}"),
                    self.at(Side::Old, &def.pointer),
                    "type removed",
                    "code naming it no longer compiles",
                ),
            }
        }
        for name in added {
            let def = &new[name];
            self.push(
                Level::Minor,
                &format!("types::{name}"),
                self.at(Side::New, &def.pointer),
                "type added",
                "a new item",
            );
        }
        for (name, def) in old {
            if let Some(now) = new.get(name) {
                self.type_def(def, now);
            }
        }
    }

    fn type_def(&mut self, old: &TypeDef, new: &TypeDef) {
        let path = format!("types::{}", new.name);
        let at = self.at(Side::New, &new.pointer);
        let before = self.changes.len();
        match (&old.kind, &new.kind) {
            (TypeKind::Struct(a), TypeKind::Struct(b)) => self.struct_def(old, new, a, b),
            (TypeKind::Enum(a), TypeKind::Enum(b)) => {
                let old_idents: BTreeSet<&str> =
                    a.variants.iter().map(|v| v.ident.as_str()).collect();
                let new_idents: BTreeSet<&str> =
                    b.variants.iter().map(|v| v.ident.as_str()).collect();
                for (i, v) in a.variants.iter().enumerate() {
                    if !new_idents.contains(v.ident.as_str()) {
                        self.push(
                            Level::Major,
                            &format!("{path}::{}", v.ident),
                            self.at(Side::Old, &format!("{}/enum/{i}", old.pointer)),
                            format!("enum value `{}` removed", v.wire_value),
                            "code naming the variant no longer compiles",
                        );
                    }
                }
                for (i, v) in b.variants.iter().enumerate() {
                    if !old_idents.contains(v.ident.as_str()) {
                        self.push(
                            Level::Minor,
                            &format!("{path}::{}", v.ident),
                            self.at(Side::New, &format!("{}/enum/{i}", new.pointer)),
                            format!("enum value `{}` added", v.wire_value),
                            format!(
                                "the enum is `#[non_exhaustive]`, so every match already has a wildcard arm; the value decoded as `{}` before",
                                a.unknown_variant
                            ),
                        );
                    } else if let Some(was) = a.variants.iter().find(|w| w.ident == v.ident)
                        && was.wire_value != v.wire_value
                    {
                        self.push(
                            Level::Patch,
                            &format!("{path}::{}", v.ident),
                            self.at(Side::New, &format!("{}/enum/{i}", new.pointer)),
                            format!(
                                "sent as `{}` rather than `{}`",
                                v.wire_value, was.wire_value
                            ),
                            "follows the API; the Rust API is unchanged",
                        );
                    }
                }
                if a.unknown_variant != b.unknown_variant {
                    self.push(
                        Level::Major,
                        &format!("{path}::{}", b.unknown_variant),
                        at.clone(),
                        format!(
                            "the variant for unknown values renamed from `{}`",
                            a.unknown_variant
                        ),
                        "code naming the old variant no longer compiles",
                    );
                }
                match (&a.default, &b.default) {
                    (Some(_), None) => self.push(
                        Level::Major,
                        &path,
                        at.clone(),
                        "no longer implements `Default` (the schema's `default` is gone)",
                        "code calling `default()` no longer compiles",
                    ),
                    (None, Some(_)) => self.push(
                        Level::Minor,
                        &path,
                        at.clone(),
                        "implements `Default` (the schema has a `default`)",
                        "a new trait implementation",
                    ),
                    (Some(x), Some(y)) if x != y => self.push(
                        Level::Minor,
                        &path,
                        at.clone(),
                        format!("`Default` is now `{y}` rather than `{x}`"),
                        "`default()` gives another value",
                    ),
                    _ => {}
                }
            }
            (TypeKind::Union(a), TypeKind::Union(b)) => {
                for v in &a.variants {
                    match b.variants.iter().find(|w| w.ident == v.ident) {
                        None => self.push(
                            Level::Major,
                            &format!("{path}::{}", v.ident),
                            self.at(Side::Old, &old.pointer),
                            "union variant removed",
                            "code naming the variant no longer compiles",
                        ),
                        Some(w)
                            if (show(&v.ty), v.boxed, v.unit) != (show(&w.ty), w.boxed, w.unit) =>
                        {
                            self.push(
                                Level::Major,
                                &format!("{path}::{}", v.ident),
                                at.clone(),
                                format!(
                                    "variant now holds `{}` rather than `{}`",
                                    variant_type(w),
                                    variant_type(v)
                                ),
                                "code building or matching the variant no longer compiles",
                            )
                        }
                        Some(w) if v.tag != w.tag => self.push(
                            Level::Patch,
                            &format!("{path}::{}", v.ident),
                            at.clone(),
                            "the variant's tag value changed",
                            "follows the API; the Rust API is unchanged",
                        ),
                        Some(_) => {}
                    }
                }
                for v in &b.variants {
                    if !a.variants.iter().any(|w| w.ident == v.ident) {
                        self.push(
                            Level::Minor,
                            &format!("{path}::{}", v.ident),
                            at.clone(),
                            "union variant added",
                            "the enum is `#[non_exhaustive]`, so every match already has a wildcard arm",
                        );
                    }
                }
                match (&a.unknown_variant, &b.unknown_variant) {
                    (Some(x), None) => self.push(
                        Level::Major,
                        &format!("{path}::{x}"),
                        at.clone(),
                        "the variant for unknown tags removed",
                        "code naming it no longer compiles",
                    ),
                    (None, Some(y)) => self.push(
                        Level::Minor,
                        &format!("{path}::{y}"),
                        at.clone(),
                        "a variant for unknown tags added",
                        "a new variant of a `#[non_exhaustive]` enum",
                    ),
                    (Some(x), Some(y)) if x != y => self.push(
                        Level::Major,
                        &format!("{path}::{y}"),
                        at.clone(),
                        format!("the variant for unknown tags renamed from `{x}`"),
                        "code naming the old variant no longer compiles",
                    ),
                    _ => {}
                }
                if a.discriminator != b.discriminator || a.tag_property != b.tag_property {
                    self.push(
                        Level::Patch,
                        &path,
                        at.clone(),
                        "how the variant is told apart when decoding changed",
                        "follows the API; the Rust API is unchanged",
                    );
                }
            }
            (TypeKind::Alias(a), TypeKind::Alias(b)) => {
                if show(&a.ty) != show(&b.ty) {
                    self.push(
                        Level::Major,
                        &path,
                        at.clone(),
                        format!("now `{}` rather than `{}`", show(&b.ty), show(&a.ty)),
                        "code using the old type no longer compiles",
                    );
                } else {
                    self.constraints(new, &path, at.clone(), &a.constraints, &b.constraints);
                }
            }
            (a, b) => {
                self.push(
                    Level::Major,
                    &path,
                    at.clone(),
                    format!("now {} rather than {}", kind_name(b), kind_name(a)),
                    "code using it as before no longer compiles",
                );
                return;
            }
        }
        // What a request type has beside the type itself (`emit::types`): structs a builder and
        // `Validate`, unions `Validate`; string enums always validate, aliases are the type.
        let request_items = match new.kind {
            TypeKind::Struct(_) => Some("a builder (`builder()`) and `validate()`"),
            TypeKind::Union(_) => Some("`validate()`"),
            _ => None,
        };
        match (old.in_request, new.in_request, request_items) {
            (false, true, Some(items)) => self.push(
                Level::Minor,
                &path,
                at.clone(),
                format!("gains {items}: a request sends it now"),
                "new items",
            ),
            (true, false, Some(items)) => self.push(
                Level::Major,
                &path,
                at.clone(),
                format!("loses {items}: no request sends it any more"),
                "code building or validating it no longer compiles",
            ),
            _ => {}
        }
        if old.deprecated != new.deprecated {
            let (level, what) = if new.deprecated {
                (Level::Minor, "deprecated")
            } else {
                (Level::Patch, "no longer deprecated")
            };
            self.push(
                level,
                &path,
                at.clone(),
                what,
                "Cargo counts a deprecation as minor",
            );
        }
        match (compiled_by_default(self.old, old), compiled_by_default(self.new, new)) {
            (true, false) => self.push(
                Level::Major,
                &path,
                at.clone(),
                "no longer compiled with the default cargo features: no operation reaches it (the `other-schemas` feature compiles it)",
                "code naming it no longer compiles unless it turns that feature on",
            ),
            (false, true) => self.push(
                Level::Minor,
                &path,
                at.clone(),
                "compiled with the default cargo features now: an operation reaches it",
                "a new item for the default build",
            ),
            _ => {}
        }
        // Whatever else changed: nothing the Rust API shows. (A renamed type's name and
        // place are reported above.)
        let renamed_only = TypeDef {
            name: new.name.clone(),
            pointer: new.pointer.clone(),
            ..old.clone()
        };
        if self.changes.len() == before && renamed_only != *new {
            let mut what = Vec::new();
            if old.description != new.description {
                what.push("documentation changed".to_owned());
            }
            if old.groups != new.groups {
                what.push(if compiled_always(self.new, new) {
                    "compiled whatever the cargo features".to_owned()
                } else {
                    format!(
                        "compiled with the cargo feature(s) {}",
                        new.groups.join(", ")
                    )
                });
            }
            if old.in_request != new.in_request {
                what.push(if new.in_request {
                    "a request sends it now".to_owned()
                } else {
                    "no request sends it any more".to_owned()
                });
            }
            if what.is_empty() {
                what.push("how it is encoded or decoded changed".to_owned());
            }
            self.push(
                Level::Patch,
                &path,
                at,
                what.join("; "),
                "the Rust API is unchanged",
            );
        }
    }

    fn struct_def(&mut self, old_def: &TypeDef, new_def: &TypeDef, old: &Struct, new: &Struct) {
        let path = format!("types::{}", new_def.name);
        let at = self.at(Side::New, &new_def.pointer);
        let request = new_def.in_request;
        let params_of = self.new_params.get(&new_def.name).cloned();
        let old_params_of = self.old_params.get(&old_def.name).cloned();
        let role = if params_of.is_some() {
            "parameter"
        } else if request {
            "request field"
        } else {
            "response field"
        };
        let field_at = |differ: &Self, side: Side, def: &TypeDef, field: &Field| {
            let params = match side {
                Side::Old => &old_params_of,
                Side::New => &params_of,
            };
            let pointer = match params.as_ref().and_then(|p| p.get(&field.ident)) {
                Some(pointer) if !pointer.is_empty() => pointer.clone(),
                _ if field.additional => format!("{}/additionalProperties", def.pointer),
                _ => format!("{}/properties/{}", def.pointer, escape(&field.wire_name)),
            };
            differ.at(side, &pointer)
        };
        for field in &old.fields {
            if !new.fields.iter().any(|f| f.ident == field.ident) {
                self.push(
                    Level::Major,
                    &format!("{path}::{}", field.ident),
                    field_at(self, Side::Old, old_def, field),
                    format!("{role} removed"),
                    "code that reads or sets it no longer compiles",
                );
            }
        }
        for field in &new.fields {
            let rust = format!("{path}::{}", field.ident);
            let Some(was) = old.fields.iter().find(|f| f.ident == field.ident) else {
                let at = field_at(self, Side::New, new_def, field);
                if field.required && request {
                    self.push(
                        Level::Major,
                        &rust,
                        at,
                        format!("required {role} added"),
                        "a value built without it now fails `build()`",
                    );
                } else {
                    self.push(
                        Level::Minor,
                        &rust,
                        at,
                        format!(
                            "{role} added{}",
                            if field.required { " (required)" } else { " (optional)" }
                        ),
                        "the struct is `#[non_exhaustive]`, so no code outside the crate names all its fields",
                    );
                }
                continue;
            };
            let at = field_at(self, Side::New, new_def, field);
            let (before, after) = (field_type(was), field_type(field));
            if before != after {
                let what = if after == format!("Option<{before}>") {
                    format!("{role} made optional: `{after}`")
                } else if before == format!("Option<{after}>") {
                    format!("{role} made required: `{after}`")
                } else {
                    format!("{role} type changed from `{before}` to `{after}`")
                };
                self.push(
                    Level::Major,
                    &rust,
                    at,
                    what,
                    "code that reads or sets it with the old type no longer compiles",
                );
                continue;
            }
            if request {
                let required = match (was.required, field.required) {
                    (false, true) => Some(Strictness::Tighter),
                    (true, false) => Some(Strictness::Looser),
                    _ => None,
                };
                if let Some(change) = required {
                    let (level, what, why) = if change == Strictness::Tighter {
                        (
                            Level::Major,
                            "made required",
                            "a value without it now fails `validate()`",
                        )
                    } else {
                        (
                            Level::Minor,
                            "no longer required",
                            "values without it now pass `validate()`",
                        )
                    };
                    self.push(level, &rust, at.clone(), format!("{role} {what}"), why);
                }
            }
            if was.nullable != field.nullable {
                // Same Rust type (an `Option` either way): what changes is whether `null` is a
                // value, checked by `validate()` in requests and accepted when decoding.
                let (level, what, why) = match (request, field.nullable) {
                    (true, true) => (
                        Level::Minor,
                        "may be null now",
                        "`validate()` accepts `null` now",
                    ),
                    (true, false) => (
                        Level::Major,
                        "may no longer be null",
                        "a value holding `null` now fails `validate()`",
                    ),
                    (false, true) => (
                        Level::Patch,
                        "may be null now",
                        "decoding accepts `null`; the Rust type is unchanged",
                    ),
                    (false, false) => (
                        Level::Patch,
                        "may no longer be null",
                        "the Rust type is unchanged",
                    ),
                };
                self.push(level, &rust, at.clone(), format!("{role} {what}"), why);
            }
            let field_before = self.changes.len();
            self.constraints(
                new_def,
                &rust,
                at.clone(),
                &was.shape.constraints,
                &field.shape.constraints,
            );
            if was.wire_name != field.wire_name {
                self.push(
                    Level::Patch,
                    &rust,
                    at.clone(),
                    format!(
                        "sent as `{}` rather than `{}`",
                        field.wire_name, was.wire_name
                    ),
                    "follows the API; the Rust API is unchanged",
                );
            }
            if was.deprecated != field.deprecated {
                let (level, what) = if field.deprecated {
                    (Level::Minor, "deprecated")
                } else {
                    (Level::Patch, "no longer deprecated")
                };
                self.push(
                    level,
                    &rust,
                    at.clone(),
                    format!("{role} {what}"),
                    "Cargo counts a deprecation as minor",
                );
            }
            if was.description != field.description || was.default != field.default {
                self.push(
                    Level::Patch,
                    &rust,
                    at.clone(),
                    format!("{role} documentation changed"),
                    "documentation only",
                );
            }
            if self.changes.len() == field_before && was != field && was.nullable == field.nullable
            {
                self.push(
                    Level::Patch,
                    &rust,
                    at,
                    format!("how the {role} is encoded or decoded changed"),
                    "the Rust API is unchanged",
                );
            }
        }
        match (has_default(old), has_default(new)) {
            (true, false) => self.push(
                Level::Major,
                &path,
                at.clone(),
                "no longer implements `Default`: a field is required now",
                "code calling `default()` no longer compiles",
            ),
            (false, true) => self.push(
                Level::Minor,
                &path,
                at.clone(),
                "implements `Default`: every field is optional now",
                "a new trait implementation",
            ),
            _ => {}
        }
        let sizes = |s: &Struct| Constraints {
            min_properties: s.min_properties,
            max_properties: s.max_properties,
            alternatives: s.alternatives.clone(),
            ..Constraints::default()
        };
        self.constraints(new_def, &path, at, &sizes(old), &sizes(new));
    }

    /// A constraint change: what `validate()` accepts, where requests are validated; docs only
    /// elsewhere (responses are decoded leniently, not validated).
    fn constraints(
        &mut self,
        def: &TypeDef,
        rust: &str,
        at: String,
        old: &Constraints,
        new: &Constraints,
    ) {
        if old == new {
            return;
        }
        if !def.in_request {
            self.push(
                Level::Patch,
                rust,
                at,
                "constraints changed",
                "documentation only: responses are not validated",
            );
            return;
        }
        self.validation_change(rust, at, old, new);
    }

    /// A change of what `validate()` (or the check before a call is sent) accepts.
    fn validation_change(&mut self, rust: &str, at: String, old: &Constraints, new: &Constraints) {
        let detail = describe_constraints(old, new);
        match strictness(old, new) {
            Some(Strictness::Looser) => self.push(
                Level::Minor,
                rust,
                at,
                format!("constraint loosened: {detail}"),
                "values that failed `validate()` may pass now",
            ),
            Some(Strictness::Tighter) => self.push(
                Level::Major,
                rust,
                at,
                format!("constraint tightened: {detail}"),
                "a value that passed `validate()` may fail it now",
            ),
            Some(Strictness::Both) => self.push(
                Level::Major,
                rust,
                at,
                format!("constraint changed: {detail}"),
                "a value that passed `validate()` may fail it now",
            ),
            // Written differently, judged alike: an enum's values reordered, a bound `1` as `1.0`.
            None => self.push(
                Level::Patch,
                rust,
                at,
                format!("constraint rewritten: {detail}"),
                "`validate()` accepts the same values",
            ),
        }
    }

    // --- operations ---------------------------------------------------------------------------

    /// A group that only one side has, with each of its operations.
    fn whole_group(&mut self, group: &Group, side: Side) {
        let (level, gone) = match side {
            Side::Old => (Level::Major, true),
            Side::New => (Level::Minor, false),
        };
        self.push(
            level,
            &format!("Client::{}", group.accessor),
            self.at(side, &group_pointer(group)),
            format!(
                "operation group `{}` {}",
                group.tag,
                if gone { "removed" } else { "added" }
            ),
            if gone {
                "code calling its operations no longer compiles"
            } else {
                "new items"
            },
        );
        for op in &group.operations {
            self.one_operation(group, op, side);
        }
    }

    /// An operation that only one side has.
    fn one_operation(&mut self, group: &Group, op: &Operation, side: Side) {
        let (level, what, why) = match side {
            Side::Old => (
                Level::Major,
                "operation removed",
                "code calling it no longer compiles",
            ),
            Side::New => (Level::Minor, "operation added", "a new method"),
        };
        self.push(
            level,
            &op_path(group, op),
            self.at(side, &op.pointer),
            what,
            why,
        );
    }

    fn groups(&mut self) {
        for group in &self.old.groups {
            if !self.new.groups.iter().any(|g| g.accessor == group.accessor) {
                self.whole_group(group, Side::Old);
            }
        }
        for group in &self.new.groups {
            let Some(old) = self
                .old
                .groups
                .iter()
                .find(|g| g.accessor == group.accessor)
            else {
                self.whole_group(group, Side::New);
                continue;
            };
            if old.type_name != group.type_name || old.feature != group.feature {
                self.push(
                    Level::Major,
                    &format!("operations::{}", group.type_name),
                    self.at(Side::New, &group_pointer(group)),
                    format!(
                        "group type or feature renamed from `{}` / `{}`",
                        old.type_name, old.feature
                    ),
                    "code naming the old type or feature no longer compiles",
                );
            }
            for op in &old.operations {
                if !group
                    .operations
                    .iter()
                    .any(|o| o.method_name == op.method_name)
                {
                    self.one_operation(old, op, Side::Old);
                }
            }
            for op in &group.operations {
                match old
                    .operations
                    .iter()
                    .find(|o| o.method_name == op.method_name)
                {
                    None => self.one_operation(group, op, Side::New),
                    Some(was) => self.operation(group, was, op),
                }
            }
        }
    }

    fn operation(&mut self, group: &Group, old: &Operation, new: &Operation) {
        let path = op_path(group, new);
        let at = |differ: &Self, side: Side, suffix: &str| {
            let op = match side {
                Side::Old => old,
                Side::New => new,
            };
            differ.at(side, &format!("{}{suffix}", op.pointer))
        };
        let before = self.changes.len();
        // Path parameters are the method's positional arguments.
        for p in &old.path_params {
            if !new.path_params.iter().any(|q| q.ident == p.ident) {
                self.push(
                    Level::Major,
                    &format!("{path}({})", p.ident),
                    self.at(Side::Old, &p.pointer),
                    "path parameter removed",
                    "the method takes one argument fewer",
                );
            }
        }
        for p in &new.path_params {
            let rust = format!("{path}({})", p.ident);
            match old.path_params.iter().find(|q| q.ident == p.ident) {
                None => self.push(
                    Level::Major,
                    &rust,
                    self.at(Side::New, &p.pointer),
                    "path parameter added",
                    "the method takes another argument",
                ),
                Some(q) if show(&q.shape.ty) != show(&p.shape.ty) => self.push(
                    Level::Major,
                    &rust,
                    self.at(Side::New, &p.pointer),
                    format!(
                        "path parameter type changed from `{}` to `{}`",
                        show(&q.shape.ty),
                        show(&p.shape.ty)
                    ),
                    "code passing the old type no longer compiles",
                ),
                Some(q) if q.shape.constraints != p.shape.constraints => self.validation_change(
                    &rust,
                    self.at(Side::New, &p.pointer),
                    &q.shape.constraints,
                    &p.shape.constraints,
                ),
                Some(_) => {}
            }
        }
        fn names(op: &Operation) -> Vec<&str> {
            op.path_params.iter().map(|p| p.ident.as_str()).collect()
        }
        let (old_names, new_names) = (names(old), names(new));
        if old_names.len() == new_names.len()
            && old_names != new_names
            && old_names.iter().all(|n| new_names.contains(n))
        {
            self.push(
                Level::Major,
                &path,
                at(self, Side::New, ""),
                "path parameters reordered",
                "arguments are positional: calls pass them in the old order",
            );
        }
        // Query, header and cookie parameters: one struct argument; its fields are compared
        // with the types.
        match (&old.params, &new.params) {
            (None, Some(p)) => self.push(
                Level::Major,
                &path,
                at(self, Side::New, "/parameters"),
                format!("takes a new `params: types::{}` argument (its first query, header or cookie parameter)", p.type_name),
                "calls without it no longer compile",
            ),
            (Some(p), None) => self.push(
                Level::Major,
                &path,
                at(self, Side::New, ""),
                format!("no longer takes `params: types::{}` (its last query, header or cookie parameter is gone)", p.type_name),
                "calls passing it no longer compile",
            ),
            (Some(a), Some(b)) => {
                if a.type_name != b.type_name {
                    self.push(
                        Level::Major,
                        &path,
                        at(self, Side::New, "/parameters"),
                        format!("takes `types::{}` rather than `types::{}`", b.type_name, a.type_name),
                        "calls passing the old type no longer compile",
                    );
                }
                for binding in &b.bindings {
                    if let Some(was) = a.bindings.iter().find(|x| x.ident == binding.ident)
                        && (was.location != binding.location || was.style != binding.style)
                    {
                        self.push(
                            Level::Patch,
                            &format!("types::{}::{}", b.type_name, binding.ident),
                            self.at(Side::New, &binding.pointer),
                            "where or how the parameter is sent changed",
                            "follows the API; the Rust API is unchanged",
                        );
                    }
                }
            }
            (None, None) => {}
        }
        // The request body: an argument (an `Option` when not required).
        match (&old.body, &new.body) {
            (None, Some(_)) => self.push(
                Level::Major,
                &path,
                at(self, Side::New, "/requestBody"),
                "takes a request body",
                "calls without it no longer compile",
            ),
            (Some(_), None) => self.push(
                Level::Major,
                &path,
                at(self, Side::Old, "/requestBody"),
                "no longer takes a request body",
                "calls passing one no longer compile",
            ),
            (Some(a), Some(b)) => {
                let arg = |body: &crate::model::RequestBody| {
                    let ty = match &body.encoding {
                        crate::model::BodyEncoding::Bytes(_) => "Bytes".to_owned(),
                        crate::model::BodyEncoding::Text(_) => "String".to_owned(),
                        _ => show(&body.ty),
                    };
                    if body.required {
                        ty
                    } else {
                        format!("Option<{ty}>")
                    }
                };
                if arg(a) != arg(b) {
                    self.push(
                        Level::Major,
                        &path,
                        at(self, Side::New, "/requestBody"),
                        format!("the body argument is `{}` rather than `{}`", arg(b), arg(a)),
                        "calls passing the old type no longer compile",
                    );
                } else if a != b {
                    self.push(
                        Level::Patch,
                        &path,
                        at(self, Side::New, "/requestBody"),
                        format!("the body is sent as `{}`", b.media_type),
                        "follows the API; the Rust API is unchanged",
                    );
                }
            }
            (None, None) => {}
        }
        // The success response: the `Call<T>` the method returns.
        let (a, b) = (&old.success, &new.success);
        let output = |body: &ResponseBody| match body {
            ResponseBody::Json(ty) => show(ty),
            ResponseBody::Bytes => "Vec<u8>".to_owned(),
            ResponseBody::Text => "String".to_owned(),
            ResponseBody::Empty => "()".to_owned(),
        };
        let status = |s: &crate::model::SuccessResponse| {
            s.statuses
                .first()
                .map_or("default".to_owned(), u16::to_string)
        };
        if output(&a.body) != output(&b.body) {
            self.push(
                Level::Major,
                &path,
                at(self, Side::New, &format!("/responses/{}", status(b))),
                format!(
                    "returns `Call<{}>` rather than `Call<{}>`",
                    output(&b.body),
                    output(&a.body)
                ),
                "code using the old response type no longer compiles",
            );
        }
        match (&a.events, &b.events) {
            (None, Some(_)) => self.push(
                Level::Minor,
                &format!("{path}().stream"),
                at(self, Side::New, &format!("/responses/{}", status(b))),
                "the call gains `.stream()` (the response offers server-sent events)",
                "a new method",
            ),
            (Some(_), None) => self.push(
                Level::Major,
                &format!("{path}().stream"),
                at(self, Side::Old, &format!("/responses/{}", status(a))),
                "the call loses `.stream()`",
                "code streaming the response no longer compiles",
            ),
            (Some(x), Some(y)) if show(x) != show(y) => self.push(
                Level::Major,
                &format!("{path}().stream"),
                at(self, Side::New, &format!("/responses/{}", status(b))),
                format!("events hold `{}` rather than `{}`", show(y), show(x)),
                "code using the old event type no longer compiles",
            ),
            _ => {}
        }
        // Error statuses: which `Error` variant a response gives.
        let old_errors: BTreeSet<u16> = old.errors.iter().map(|e| e.status).collect();
        let new_errors: BTreeSet<u16> = new.errors.iter().map(|e| e.status).collect();
        for status in new_errors.difference(&old_errors) {
            self.push(
                Level::Minor,
                &path,
                at(self, Side::New, &format!("/responses/{status}")),
                format!("error status {status} documented"),
                format!("a {status} response now gives `Error::Api` (with its documented body) rather than `Error::UnexpectedStatus`"),
            );
        }
        for status in old_errors.difference(&new_errors) {
            self.push(
                Level::Minor,
                &path,
                at(self, Side::Old, &format!("/responses/{status}")),
                format!("error status {status} no longer documented"),
                format!("a {status} response now gives `Error::UnexpectedStatus` rather than `Error::Api`"),
            );
        }
        // Credentials: which of the client's are sent.
        if old.auth != new.auth {
            let kept = old.auth.iter().all(|alt| new.auth.contains(alt));
            let show_alt = |alt: &Vec<String>| {
                if alt.is_empty() {
                    "none".to_owned()
                } else {
                    alt.join(" + ")
                }
            };
            let (level, what, why) = if kept {
                (
                    Level::Minor,
                    format!(
                        "accepts more credentials: {}",
                        new.auth
                            .iter()
                            .filter(|a| !old.auth.contains(a))
                            .map(show_alt)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    "every client that could call it still can",
                )
            } else {
                (
                    Level::Major,
                    format!(
                        "no longer accepts: {}",
                        old.auth
                            .iter()
                            .filter(|a| !new.auth.contains(a))
                            .map(show_alt)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    "a client holding only those credentials no longer sends them for this call",
                )
            };
            let spec = self.at(Side::New, &new.auth_pointer);
            self.push(level, &path, spec, what, why);
        }
        match (&old.pagination, &new.pagination) {
            (None, Some(_)) => self.push(
                Level::Minor,
                &format!("{path}().pages"),
                at(self, Side::New, ""),
                "the call gains `.pages()` and `.items()`",
                "new methods",
            ),
            (Some(_), None) => self.push(
                Level::Major,
                &format!("{path}().pages"),
                at(self, Side::Old, ""),
                "the call loses `.pages()` and `.items()`",
                "code paging through it no longer compiles",
            ),
            (Some(x), Some(y)) if show(&x.item_type) != show(&y.item_type) => self.push(
                Level::Major,
                &format!("{path}().items"),
                at(self, Side::New, ""),
                format!(
                    "items are `{}` rather than `{}`",
                    show(&y.item_type),
                    show(&x.item_type)
                ),
                "code using the old item type no longer compiles",
            ),
            (Some(x), Some(y)) if x != y => self.push(
                Level::Patch,
                &format!("{path}().pages"),
                at(self, Side::New, ""),
                "how the next page is asked for changed",
                "follows the API; the Rust API is unchanged",
            ),
            _ => {}
        }
        if old.deprecated != new.deprecated {
            let (level, what) = if new.deprecated {
                (Level::Minor, "deprecated")
            } else {
                (Level::Patch, "no longer deprecated")
            };
            self.push(
                level,
                &path,
                at(self, Side::New, ""),
                what,
                "Cargo counts a deprecation as minor",
            );
        }
        if old.http_method != new.http_method || old.path != new.path {
            self.push(
                Level::Patch,
                &path,
                at(self, Side::New, ""),
                format!(
                    "sent as `{} {}` rather than `{} {}`",
                    new.http_method.as_str(),
                    new.path,
                    old.http_method.as_str(),
                    old.path
                ),
                "follows the API; the Rust API is unchanged",
            );
        }
        // Whatever else changed, but for what the comparisons above cover (the parameters'
        // fields are the parameter struct's, and pointers only say where things are).
        let bare = |op: &Operation| {
            let mut op = op.clone();
            op.params = None;
            for p in &mut op.path_params {
                p.pointer.clear();
            }
            op
        };
        if self.changes.len() == before && bare(old) != bare(new) {
            let mut what = Vec::new();
            let docs = |op: &Operation| {
                let errors: Vec<_> = op.errors.iter().map(|e| e.description.clone()).collect();
                let texts = [&op.summary, &op.description, &op.success.description];
                (texts.map(Clone::clone), errors)
            };
            if docs(old) != docs(new) {
                what.push("documentation changed");
            }
            if (
                old.idempotent,
                &old.idempotency_key,
                &old.idempotency_header,
            ) != (
                new.idempotent,
                &new.idempotency_key,
                &new.idempotency_header,
            ) {
                what.push("when it is retried changed");
            }
            let errors = |op: &Operation| -> Vec<_> {
                op.errors
                    .iter()
                    .map(|e| (e.status, e.body.clone(), e.format))
                    .collect()
            };
            if errors(old) != errors(new) {
                what.push("error bodies changed (`ApiError::body_as`)");
            }
            if old.success.statuses != new.success.statuses {
                what.push("success statuses changed");
            }
            if what.is_empty() {
                what.push("how it is sent or read changed");
            }
            self.push(
                Level::Patch,
                &path,
                at(self, Side::New, ""),
                what.join("; "),
                "the Rust API is unchanged",
            );
        }
    }
}

/// Whether the standalone crate compiles `def` with its default features (see
/// `emit::feature_list`): types that no operation reaches are behind `other-schemas`.
fn compiled_by_default(model: &Model, def: &TypeDef) -> bool {
    compiled_always(model, def)
        || def
            .groups
            .iter()
            .any(|g| g != crate::names::OTHER_SCHEMAS_FEATURE)
}

/// Whether no cargo feature gates `def`: the crate has none, or every group reaches it.
fn compiled_always(model: &Model, def: &TypeDef) -> bool {
    model.groups.len() < 2 || def.groups.is_empty()
}

/// Whether the generated struct derives `Default` (every field optional; `emit::types`).
fn has_default(s: &Struct) -> bool {
    s.fields.iter().all(|f| !f.required || f.nullable)
}

fn kind_name(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct(_) => "a struct",
        TypeKind::Enum(_) => "a string enum",
        TypeKind::Union(_) => "a union (enum)",
        TypeKind::Alias(_) => "a type alias",
    }
}

fn variant_type(v: &crate::model::UnionVariant) -> String {
    if v.unit {
        "nothing".to_owned()
    } else if v.boxed {
        format!("Box<{}>", show(&v.ty))
    } else {
        show(&v.ty)
    }
}

/// A field's Rust type as the generated struct declares it (see `emit::types::field_type`).
fn field_type(field: &Field) -> String {
    let mut ty = show(&field.shape.ty);
    if field.boxed {
        ty = format!("Box<{ty}>");
    }
    if field.explicit_null {
        ty = format!("Option<{ty}>");
    }
    if (field.required && !field.nullable) || field.additional {
        ty
    } else {
        format!("Option<{ty}>")
    }
}

/// A type as a person writes it (`Vec<types::Link>`): for messages, and to compare types.
fn show(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "String".to_owned(),
        TypeRef::Integer(_) => crate::rust_type(ty),
        TypeRef::Number => "f64".to_owned(),
        TypeRef::Boolean => "bool".to_owned(),
        TypeRef::Named(name) => format!("types::{name}"),
        TypeRef::Array(inner) => format!("Vec<{}>", show(inner)),
        TypeRef::Map(inner) => format!("BTreeMap<String, {}>", show(inner)),
        TypeRef::Tuple(items) => {
            let items: Vec<String> = items.iter().map(show).collect();
            format!("({},)", items.join(", "))
        }
        TypeRef::OrEmpty(inner) => format!("OrEmpty<{}>", show(inner)),
        TypeRef::Nullable(inner) => format!("Option<{}>", show(inner)),
        TypeRef::Object => "serde_json::Map<String, Value>".to_owned(),
        TypeRef::JsonText { .. } => "JsonText".to_owned(),
        TypeRef::File => "FileUpload".to_owned(),
        TypeRef::Any => "serde_json::Value".to_owned(),
    }
}

/// Whether `new` accepts fewer values than `old` (tighter), more (looser), or some of each.
fn strictness(old: &Constraints, new: &Constraints) -> Option<Strictness> {
    use Strictness::*;
    fn lower(a: Option<u64>, b: Option<u64>) -> Option<Strictness> {
        match (a, b) {
            (None, Some(_)) => Some(Tighter),
            (Some(_), None) => Some(Looser),
            (Some(x), Some(y)) if y > x => Some(Tighter),
            (Some(x), Some(y)) if y < x => Some(Looser),
            _ => None,
        }
    }
    fn upper(a: Option<u64>, b: Option<u64>) -> Option<Strictness> {
        match (a, b) {
            (None, Some(_)) => Some(Tighter),
            (Some(_), None) => Some(Looser),
            (Some(x), Some(y)) if y < x => Some(Tighter),
            (Some(x), Some(y)) if y > x => Some(Looser),
            _ => None,
        }
    }
    fn present<T: PartialEq>(a: &Option<T>, b: &Option<T>) -> Option<Strictness> {
        match (a, b) {
            (None, Some(_)) => Some(Tighter),
            (Some(_), None) => Some(Looser),
            (Some(x), Some(y)) if x != y => Some(Both),
            _ => None,
        }
    }
    fn as_f64(n: Number) -> f64 {
        match n {
            Number::Int(i) => i as f64,
            Number::Float(f) => f,
        }
    }
    fn bound(a: &Option<Bound>, b: &Option<Bound>, minimum: bool) -> Option<Strictness> {
        match (a, b) {
            (Some(x), Some(y)) if x != y => {
                let (vx, vy) = (as_f64(x.value), as_f64(y.value));
                // Raising a minimum, or making it exclusive at the same value, tightens.
                let tighter = if minimum { vy > vx } else { vy < vx };
                let looser = if minimum { vy < vx } else { vy > vx };
                if tighter || (vx == vy && y.exclusive && !x.exclusive) {
                    Some(Tighter)
                } else if looser || (vx == vy && x.exclusive && !y.exclusive) {
                    Some(Looser)
                } else {
                    // The same bound written `1` and `1.0`.
                    None
                }
            }
            _ => present(a, b),
        }
    }
    fn set<T: PartialEq>(a: &[T], b: &[T]) -> Option<Strictness> {
        // An empty list allows any value.
        match (a.is_empty(), b.is_empty()) {
            (true, true) => None,
            (true, false) => Some(Tighter),
            (false, true) => Some(Looser),
            _ => {
                let grows = b.iter().any(|x| !a.contains(x));
                let shrinks = a.iter().any(|x| !b.contains(x));
                match (grows, shrinks) {
                    (false, false) => None,
                    (true, false) => Some(Looser),
                    (false, true) => Some(Tighter),
                    (true, true) => Some(Both),
                }
            }
        }
    }
    let flag = |a: bool, b: bool| match (a, b) {
        (false, true) => Some(Tighter),
        (true, false) => Some(Looser),
        _ => None,
    };
    let mut result = None;
    for s in [
        lower(old.min_length, new.min_length),
        upper(old.max_length, new.max_length),
        present(&old.pattern, &new.pattern),
        present(&old.format, &new.format),
        bound(&old.minimum, &new.minimum, true),
        bound(&old.maximum, &new.maximum, false),
        present(&old.multiple_of, &new.multiple_of),
        lower(old.min_items, new.min_items),
        upper(old.max_items, new.max_items),
        flag(old.unique_items, new.unique_items),
        lower(old.min_properties, new.min_properties),
        upper(old.max_properties, new.max_properties),
        upper(old.max_stringified_length, new.max_stringified_length),
        set(&old.number_enum, &new.number_enum),
        set(&old.json_enum, &new.json_enum),
        set(&old.json_types, &new.json_types),
        flag(old.no_value, new.no_value),
        // A required key listed tightens: the same rule as an enum, inverted.
        set(&new.required_keys, &old.required_keys),
        match (&old.items, &new.items) {
            (Some(a), Some(b)) => strictness(a, b),
            (None, Some(b)) => strictness(&Constraints::default(), b),
            (Some(a), None) => strictness(a, &Constraints::default()),
            (None, None) => None,
        },
        (old.alternatives != new.alternatives || old.tuple != new.tuple).then_some(Both),
    ] {
        result = Strictness::and(result, s);
    }
    result
}

/// The constraints that differ, as `maxLength 10 → 5`.
fn describe_constraints(old: &Constraints, new: &Constraints) -> String {
    fn opt<T: fmt::Debug>(v: &Option<T>) -> String {
        match v {
            Some(v) => format!("{v:?}"),
            None => "none".to_owned(),
        }
    }
    fn bound(b: &Option<Bound>) -> String {
        match b {
            None => "none".to_owned(),
            Some(b) => {
                let v = match b.value {
                    Number::Int(i) => i.to_string(),
                    Number::Float(f) => f.to_string(),
                };
                if b.exclusive {
                    format!("{v} (exclusive)")
                } else {
                    v
                }
            }
        }
    }
    let mut parts = Vec::new();
    let mut add = |name: &str, a: String, b: String| {
        if a != b {
            parts.push(format!("{name} {a} → {b}"));
        }
    };
    add("minLength", opt(&old.min_length), opt(&new.min_length));
    add("maxLength", opt(&old.max_length), opt(&new.max_length));
    add("pattern", opt(&old.pattern), opt(&new.pattern));
    add("format", opt(&old.format), opt(&new.format));
    add("minimum", bound(&old.minimum), bound(&new.minimum));
    add("maximum", bound(&old.maximum), bound(&new.maximum));
    add("multipleOf", opt(&old.multiple_of), opt(&new.multiple_of));
    add("minItems", opt(&old.min_items), opt(&new.min_items));
    add("maxItems", opt(&old.max_items), opt(&new.max_items));
    add(
        "uniqueItems",
        old.unique_items.to_string(),
        new.unique_items.to_string(),
    );
    add(
        "minProperties",
        opt(&old.min_properties),
        opt(&new.min_properties),
    );
    add(
        "maxProperties",
        opt(&old.max_properties),
        opt(&new.max_properties),
    );
    add(
        "x-max-stringified-length",
        opt(&old.max_stringified_length),
        opt(&new.max_stringified_length),
    );
    add(
        "enum",
        format!("{:?}", old.number_enum),
        format!("{:?}", new.number_enum),
    );
    add(
        "enum",
        format!("{:?}", old.json_enum),
        format!("{:?}", new.json_enum),
    );
    add(
        "type",
        format!("{:?}", old.json_types),
        format!("{:?}", new.json_types),
    );
    add(
        "required",
        format!("{:?}", old.required_keys),
        format!("{:?}", new.required_keys),
    );
    if old.items != new.items {
        let empty = Constraints::default();
        let (a, b) = (
            old.items.as_deref().unwrap_or(&empty),
            new.items.as_deref().unwrap_or(&empty),
        );
        parts.push(format!("items: {}", describe_constraints(a, b)));
    }
    if old.alternatives != new.alternatives {
        parts.push("oneOf/anyOf alternatives changed".to_owned());
    }
    if old.tuple != new.tuple {
        parts.push("tuple items changed".to_owned());
    }
    if old.no_value != new.no_value {
        parts.push(format!(
            "no value allowed {} → {}",
            old.no_value, new.no_value
        ));
    }
    parts.join(", ")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn v(s: &str) -> semver::Version {
        semver::Version::parse(s).unwrap()
    }

    #[test]
    fn next_versions_follow_cargo() {
        let cases = [
            ("1.2.3", Some(Level::Major), "2.0.0"),
            ("1.2.3", Some(Level::Minor), "1.3.0"),
            ("1.2.3", Some(Level::Patch), "1.2.4"),
            ("1.2.3", None, "1.2.3"),
            ("0.4.1", Some(Level::Major), "0.5.0"),
            ("0.4.1", Some(Level::Minor), "0.4.2"),
            ("0.4.1", Some(Level::Patch), "0.4.2"),
            ("0.0.7", Some(Level::Major), "0.0.8"),
            ("0.0.7", Some(Level::Patch), "0.0.8"),
        ];
        for (current, level, next) in cases {
            assert_eq!(
                next_version(&v(current), level),
                v(next),
                "{current} {level:?}"
            );
        }
    }

    #[test]
    fn limits_tighten_and_loosen_by_direction() {
        let c = |f: &dyn Fn(&mut Constraints)| {
            let mut c = Constraints::default();
            f(&mut c);
            c
        };
        let max5 = c(&|c| c.max_length = Some(5));
        let max10 = c(&|c| c.max_length = Some(10));
        let min1 = c(&|c| c.min_length = Some(1));
        assert_eq!(strictness(&max10, &max5), Some(Strictness::Tighter));
        assert_eq!(strictness(&max5, &max10), Some(Strictness::Looser));
        assert_eq!(
            strictness(&Constraints::default(), &max5),
            Some(Strictness::Tighter)
        );
        assert_eq!(
            strictness(&max5, &Constraints::default()),
            Some(Strictness::Looser)
        );
        assert_eq!(strictness(&max5, &min1), Some(Strictness::Both));
        let pattern = |p: &str| {
            let p = p.to_owned();
            c(&move |c| c.pattern = Some(p.clone()))
        };
        assert_eq!(
            strictness(&pattern("a"), &pattern("b")),
            Some(Strictness::Both)
        );
        let enum_of = |values: &[i64]| {
            let values: Vec<Number> = values.iter().map(|v| Number::Int(*v)).collect();
            c(&move |c| c.number_enum = values.clone())
        };
        assert_eq!(
            strictness(&enum_of(&[1, 2]), &enum_of(&[1, 2, 3])),
            Some(Strictness::Looser)
        );
        assert_eq!(
            strictness(&enum_of(&[1, 2]), &enum_of(&[1])),
            Some(Strictness::Tighter)
        );
        let min = |value: i64, exclusive: bool| {
            c(&move |c| {
                c.minimum = Some(Bound {
                    value: Number::Int(value),
                    exclusive,
                })
            })
        };
        assert_eq!(
            strictness(&min(0, false), &min(0, true)),
            Some(Strictness::Tighter)
        );
        assert_eq!(
            strictness(&min(1, false), &min(0, false)),
            Some(Strictness::Looser)
        );
        assert_eq!(strictness(&min1, &min1), None);
        let min_float = c(&|c| {
            c.minimum = Some(Bound {
                value: Number::Float(0.0),
                exclusive: false,
            })
        });
        assert_eq!(strictness(&min(0, false), &min_float), None);
    }

    /// A request body whose `size` allows the integers `values`.
    fn sized_body(values: &str) -> Model {
        let spec = format!(
            "openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths:\n  /boxes:\n    post:\n      \
             operationId: createBox\n      requestBody:\n        required: true\n        \
             content:\n          application/json:\n            schema:\n              \
             type: object\n              properties:\n                size: {{type: integer, \
             enum: {values}}}\n      responses:\n        '204': {{description: done}}\n"
        );
        crate::Config::new()
            .model_from_str("t.yaml", &spec)
            .expect("the spec resolves")
            .0
    }

    #[test]
    fn an_enum_reordered_is_a_patch_and_shrunk_a_major() {
        let verdict = |old: &str, new: &str| {
            let report = diff(&sized_body(old), &sized_body(new), "old", "new");
            (report.level(), report.render(None))
        };
        let (level, text) = verdict("[1, 2]", "[2, 1]");
        assert_eq!(level, Some(Level::Patch), "{text}");
        assert!(text.contains("constraint rewritten"), "{text}");
        assert_eq!(verdict("[1, 2]", "[1]").0, Some(Level::Major));
        assert_eq!(verdict("[1, 2]", "[1, 2, 3]").0, Some(Level::Minor));
        assert_eq!(verdict("[1, 2]", "[1, 2]").0, None);
        // `1.0` is the integer 1 (the reader makes it one): the same values.
        assert_eq!(verdict("[1, 2]", "[1.0, 2]").0, None);
        // No integer equals `1.5`: that enum is reported and not enforced, which loosens it.
        assert_eq!(verdict("[1, 2]", "[1.5, 2]").0, Some(Level::Minor));
    }
}
