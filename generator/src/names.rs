//! Every Rust name the generator writes is decided here: case conversion, keywords, leading
//! digits, characters Rust does not allow, and collisions. `heck` is imported nowhere else.

use heck::{ToLowerCamelCase, ToSnakeCase, ToUpperCamelCase};
use std::collections::BTreeSet;

/// Words Rust reserves (strict and reserved keywords of edition 2024).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Replaces anything that cannot appear in an identifier by a word separator, so `heck` splits
/// on it (`x-request-id`, `a.b`, `$ref`, `+1`).
fn words(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for ch in raw.chars() {
        match ch {
            '+' => out.push_str(" plus "),
            c if c.is_alphanumeric() => out.push(c),
            _ => out.push(' '),
        }
    }
    out
}

fn non_ascii_free(s: String) -> String {
    // Rust accepts non-ASCII identifiers, but `non_ascii_idents` users and grep do not: keep ASCII.
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

/// `trackSale` → `TrackSale`; a name that starts with a digit gets a `T` prefix (`2fa` → `T2fa`).
pub fn type_name(raw: &str) -> String {
    let name = non_ascii_free(words(raw).to_upper_camel_case());
    let name = if name.is_empty() {
        "Unnamed".to_owned()
    } else {
        name
    };
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("T{name}")
    } else if name == "Self" {
        "Self_".to_owned()
    } else {
        name
    }
}

/// `customerExternalId` → `customer_external_id`; keywords get a trailing underscore (`type_`),
/// leading digits an `n` prefix.
pub fn field_name(raw: &str) -> String {
    let name = non_ascii_free(words(raw).to_snake_case());
    let name = if name.is_empty() {
        "field".to_owned()
    } else {
        name
    };
    let name = if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("n{name}")
    } else {
        name
    };
    if KEYWORDS.contains(&name.as_str()) || name == "_" {
        format!("{name}_")
    } else {
        name
    }
}

/// Enum variants: `revenuecat` → `Revenuecat`, `in-progress` → `InProgress`, `1d` → `V1d`.
pub fn variant_name(raw: &str) -> String {
    let name = non_ascii_free(words(raw).to_upper_camel_case());
    if name.is_empty() {
        // Values made only of symbols ("", "-", "*") still need a name.
        let code: String = raw.chars().map(|c| format!("U{:X}", c as u32)).collect();
        return if code.is_empty() {
            "Empty".to_owned()
        } else {
            code
        };
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{name}")
    } else if name == "Self" {
        "Self_".to_owned()
    } else {
        name
    }
}

/// The method name of operation `operation_id` in group `group`: a prefix naming the group and
/// marked by a separator is dropped, since the method is called through the group already
/// (GitHub's `repos/get` in `repos` is `client.repos().get()`, not `repos_get()`); ids without
/// one keep every word (`trackSale` is `track_sale`).
pub fn method_name(operation_id: &str, group: &str) -> String {
    if let Some((prefix, rest)) = operation_id.split_once(['/', '.'])
        && rest.chars().any(|c| c.is_ascii_alphanumeric())
        && field_name(prefix) == field_name(group)
    {
        return field_name(rest);
    }
    field_name(operation_id)
}

/// An `operationId` for an operation that has none: `get /links/{linkId}` → `getLinksLinkId`.
pub fn derived_operation_id(method: &str, path: &str) -> String {
    let mut words = method.to_owned();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        words.push(' ');
        words.push_str(segment.trim_start_matches('{').trim_end_matches('}'));
    }
    non_ascii_free(self::words(&words).to_lower_camel_case())
}

/// Methods of the generated `Client` (the runtime's and the traits it derives): a tag accessor
/// (`client.<tag>()`) must not take one of these names.
pub const CLIENT_METHODS: &[&str] = &[
    "builder",
    "from_env",
    "base_url",
    "timeout",
    "max_retries",
    "clone",
    "clone_from",
    "fmt",
    "inner",
    "with_response_head",
];

/// Methods of the runtime's `ClientBuilder` (and the traits it implements): a security
/// scheme's credential method must not take one of these names.
pub const CLIENT_BUILDER_METHODS: &[&str] = &[
    "api_key",
    "basic_auth",
    "oauth2_client_credentials",
    "oauth2_scopes",
    "base_url",
    "timeout",
    "max_retries",
    "initial_backoff",
    "max_retry_after",
    "request_id_header",
    "middleware",
    "http_client",
    "build",
    "build_with",
    "credential",
    "basic_credential",
    "default",
    "clone",
    "clone_from",
    "fmt",
];

/// Names a group's cargo feature cannot take: Cargo's own `default`, and the generated crate's
/// dependencies (`crate::emit::DEPENDENCIES`), whose names Cargo keeps for features of its own.
pub const RESERVED_FEATURES: &[&str] = &[
    "default",
    // The optional features every generated crate has (`crate::emit::OPTIONAL_DEPENDENCIES`).
    "middleware",
    "tracing",
    "bytes",
    "fastrand",
    "futures-core",
    "http",
    "httpdate",
    "percent-encoding",
    "regress",
    "reqwest",
    "serde",
    "serde_json",
    "thiserror",
    "tokio",
    "tokio-util",
    "uuid",
];

/// The cargo feature of the spec's schemas that no operation reaches (webhook payloads, say),
/// and of the types they reach. A hyphen keeps it apart from every group's feature, which
/// [`feature_name`] makes from a snake_case accessor.
pub const OTHER_SCHEMAS_FEATURE: &str = "other-schemas";

/// The cargo feature of a group whose accessor is `accessor` (`repos`); one that Cargo or a
/// dependency has is suffixed `-api` (an untagged API's `default` group: `default-api`).
pub fn feature_name(accessor: &str) -> String {
    if RESERVED_FEATURES.contains(&accessor) {
        format!("{accessor}-api")
    } else {
        accessor.to_owned()
    }
}

/// Names a generated operation method binds at its top level (`emit/operations.rs`), beside its
/// arguments: a path parameter must not take one of these, or it would be shadowed.
pub const OPERATION_LOCALS: &[&str] = &[
    "self",
    "body",
    "params",
    "v",
    "at_root",
    "query_pairs",
    "header_pairs",
    "cookie_pairs",
    "body_ref",
    "prepared",
];

/// The methods of one field in a request type's builder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuilderMethods {
    /// `x(impl Into<T>)`.
    pub setter: String,
    /// `set_x(Option<T>)`.
    pub set: String,
    /// `null_x()`, for fields that tell absent from `null`.
    pub null: Option<String>,
}

/// The builder methods of fields `(ident, explicit_null)`, claimed in the builder's one method
/// scope beside `build`: setters first (what users call most keep their plain names), then the
/// `set_` and `null_` forms. Fields `value` and `setValue` give `value`, `set_value` (the
/// second field's setter) and `set_value2` (the first field's `set_` form).
pub fn builder_methods(fields: &[(&str, bool)]) -> Vec<BuilderMethods> {
    let mut scope = Scope::with_reserved(&["build"]);
    let setters: Vec<String> = fields
        .iter()
        // `build` is the builder's own: a field of that name sets through `build_value`.
        .map(|(ident, _)| match *ident {
            "build" => scope.claim("build_value".to_owned()),
            ident => scope.claim(ident.to_owned()),
        })
        .collect();
    let sets: Vec<String> = fields
        .iter()
        .map(|(ident, _)| scope.claim(format!("set_{}", ident.trim_end_matches('_'))))
        .collect();
    let mut out = Vec::with_capacity(fields.len());
    for ((setter, set), (ident, explicit_null)) in setters.into_iter().zip(sets).zip(fields) {
        let null =
            explicit_null.then(|| scope.claim(format!("null_{}", ident.trim_end_matches('_'))));
        out.push(BuilderMethods { setter, set, null });
    }
    out
}

/// Hands out unique names within one scope (a struct's fields, an enum's variants, the type
/// namespace), suffixing `2`, `3`, ... on collision so the output stays deterministic.
#[derive(Debug, Default, Clone)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// A scope in which `reserved` names are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Self {
            taken: reserved.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// Claims `name`, or the first free `name2`, `name3`, ...
    pub fn claim(&mut self, name: String) -> String {
        if self.taken.insert(name.clone()) {
            return name;
        }
        let base = name.trim_end_matches('_').to_owned();
        let separator = if base.ends_with(|c: char| c.is_ascii_digit()) {
            "_"
        } else {
            ""
        };
        let mut n = 2u32;
        loop {
            let candidate = format!("{base}{separator}{n}");
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases_keywords_and_digits() {
        assert_eq!(type_name("trackSale"), "TrackSale");
        assert_eq!(type_name("2fa"), "T2fa");
        assert_eq!(type_name("self"), "Self_");
        assert_eq!(field_name("customerExternalId"), "customer_external_id");
        assert_eq!(field_name("doc_url"), "doc_url");
        assert_eq!(field_name("type"), "type_");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("x-request-id"), "x_request_id");
        assert_eq!(field_name("1st"), "n1st");
        assert_eq!(field_name("$"), "field");
        assert_eq!(variant_name("revenuecat"), "Revenuecat");
        assert_eq!(variant_name("in-progress"), "InProgress");
        assert_eq!(variant_name("1d"), "V1d");
        assert_eq!(variant_name("+1"), "Plus1");
        assert_eq!(variant_name("-"), "U2D");
        assert_eq!(variant_name(""), "Empty");
    }

    #[test]
    fn method_names_drop_the_group_prefix_only() {
        assert_eq!(method_name("repos/get", "repos"), "get");
        assert_eq!(
            method_name("activity/list-repo-events", "activity"),
            "list_repo_events"
        );
        assert_eq!(method_name("Pets.listAll", "pets"), "list_all");
        // Another group's prefix, no separator, or nothing after it: every word is kept.
        assert_eq!(method_name("users/get", "repos"), "users_get");
        assert_eq!(method_name("trackSale", "Track"), "track_sale");
        assert_eq!(method_name("repos/", "repos"), "repos");
        assert_eq!(method_name("repos/$", "repos"), "repos");
    }

    #[test]
    fn derives_operation_ids() {
        assert_eq!(
            derived_operation_id("get", "/links/{linkId}"),
            "getLinksLinkId"
        );
        assert_eq!(
            derived_operation_id("delete", "/reports/{id}.pdf"),
            "deleteReportsIdPdf"
        );
    }

    #[test]
    fn builder_methods_never_collide() {
        let methods = builder_methods(&[("value", false), ("set_value", false), ("build", true)]);
        let names: Vec<&str> = methods
            .iter()
            .flat_map(|m| [Some(&m.setter), Some(&m.set), m.null.as_ref()])
            .flatten()
            .map(String::as_str)
            .collect();
        assert_eq!(
            names,
            [
                "value",
                "set_value2",
                "set_value",
                "set_set_value",
                "build_value",
                "set_build",
                "null_build"
            ]
        );
    }

    #[test]
    fn scope_suffixes_collisions() {
        let mut scope = Scope::with_reserved(&["Unknown"]);
        assert_eq!(scope.claim("Unknown".into()), "Unknown2");
        assert_eq!(scope.claim("A".into()), "A");
        assert_eq!(scope.claim("A".into()), "A2");
        assert_eq!(scope.claim("A".into()), "A3");
        assert_eq!(scope.claim("type_".into()), "type_");
        assert_eq!(scope.claim("type_".into()), "type2");
        assert_eq!(scope.claim("v1".into()), "v1");
        assert_eq!(scope.claim("v1".into()), "v1_2");
    }
}
