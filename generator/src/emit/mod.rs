//! Emission: model → Rust source. Each submodule writes one kind of item with `quote!`; this one
//! assembles the crate's files, formats them with prettyplease, and adds the runtime copies.

mod builders;
mod docs;
mod operations;
mod rust_type;
mod types;
mod validation;

use crate::model::{Model, SchemeKind};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeMap;

/// The hand-written runtime, copied verbatim into every SDK: (module, file name, visibility, doc).
const RUNTIME: &[(&str, &str, bool, &str, &str)] = &[
    (
        "error",
        "error.rs",
        true,
        include_str!("../../runtime/error.rs"),
        "The SDK's one error type, [`Error`], and the API error it carries.",
    ),
    (
        "validation",
        "validation.rs",
        true,
        include_str!("../../runtime/validation.rs"),
        "Request validation: every constraint of the spec, all violations reported at once.",
    ),
    (
        "retry",
        "retry.rs",
        false,
        include_str!("../../runtime/retry.rs"),
        "Which failures are retried, and after how long.",
    ),
    (
        "auth",
        "auth.rs",
        false,
        include_str!("../../runtime/auth.rs"),
        "Credentials: the API's security schemes, and OAuth 2 client credentials.",
    ),
    (
        "client",
        "client.rs",
        false,
        include_str!("../../runtime/client.rs"),
        "The client: configuration, authentication, HTTP, retries and error mapping.",
    ),
    (
        "json_text",
        "json_text.rs",
        false,
        include_str!("../../runtime/json_text.rs"),
        "[`JsonText`]: free-form JSON kept as its compact text, for values whose limit is on it.",
    ),
    (
        "object",
        "object.rs",
        false,
        include_str!("../../runtime/object.rs"),
        "How a generated struct is read from and written as a JSON object.",
    ),
    (
        "or_empty",
        "or_empty.rs",
        false,
        include_str!("../../runtime/or_empty.rs"),
        "[`OrEmpty`]: a value, or the empty string in its place.",
    ),
    (
        "pagination",
        "pagination.rs",
        false,
        include_str!("../../runtime/pagination.rs"),
        "Paginated lists: the page and item streams of a list operation's call.",
    ),
    (
        "params",
        "params.rs",
        false,
        include_str!("../../runtime/params.rs"),
        "How query, header and cookie parameters and form bodies are written.",
    ),
    (
        "streams",
        "streams.rs",
        false,
        include_str!("../../runtime/streams.rs"),
        "Bodies read as they arrive: byte streams and server-sent events.",
    ),
    (
        "string_enum",
        "string_enum.rs",
        false,
        include_str!("../../runtime/string_enum.rs"),
        "`string_enum!`: the one definition behind every string enum of the API.",
    ),
];

/// `ty` as the generated crate writes it (see [`crate::rust_type`]).
pub(crate) fn rust_type_text(ty: &crate::model::TypeRef) -> String {
    rust_type::tokens(ty, rust_type::From::Crate).to_string()
}

/// Dependencies of every generated crate (name, TOML spec); `generated/Cargo.toml` lists the same.
pub const DEPENDENCIES: &[(&str, &str)] = &[
    ("bytes", r#""1""#),
    ("fastrand", r#""2""#),
    // The `Stream` trait of paginated lists.
    ("futures-core", r#""0.3""#),
    // Re-exported (`crate::http`): the header map of responses and errors is its type.
    ("http", r#""1""#),
    ("httpdate", r#""1""#),
    ("percent-encoding", r#""2""#),
    ("regress", r#""0.12""#),
    (
        "reqwest",
        r#"{ version = "0.13", default-features = false, features = ["rustls", "json", "http2", "form", "multipart", "stream"] }"#,
    ),
    ("serde", r#"{ version = "1", features = ["derive"] }"#),
    // `raw_value`: `JsonText` is written into request bodies as the text it already is.
    (
        "serde_json",
        r#"{ version = "1", features = ["raw_value"] }"#,
    ),
    ("thiserror", r#""2""#),
    // `sync`: the OAuth 2 token cache's async mutex; `fs`: uploads from a path.
    (
        "tokio",
        r#"{ version = "1", features = ["time", "sync", "fs"] }"#,
    ),
    // Uploads read while they are sent (`FileUpload::from_path`, `from_reader`).
    (
        "tokio-util",
        r#"{ version = "0.7", default-features = false, features = ["io"] }"#,
    ),
    // Idempotency keys the SDK generates (UUID v4, from the operating system's randomness).
    ("uuid", r#"{ version = "1", features = ["v4"] }"#),
];

/// The dependencies behind a cargo feature of the same purpose (`middleware`, `tracing`): a
/// crate built without the feature does not depend on them.
pub const OPTIONAL_DEPENDENCIES: &[(&str, &str, &str)] = &[
    (
        "middleware",
        "reqwest-middleware",
        r#"{ version = "0.5", optional = true }"#,
    ),
    // Without `attributes`: the SDK writes its spans by hand, and proc macros cost build time.
    (
        "tracing",
        "tracing",
        r#"{ version = "0.1", default-features = false, features = ["std"], optional = true }"#,
    ),
];

/// How the generated files are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// For `build.rs`: files for `OUT_DIR`, the root `include!`s the others.
    OutDir,
    /// A standalone crate: `Cargo.toml`, `src/lib.rs` and one file per module.
    Crate,
}

/// What to call the crate and where it came from.
#[derive(Debug, Clone)]
pub(crate) struct CrateInfo {
    /// The crate's name (`codeqr`).
    pub name: String,
    /// The spec's file name, for the `@generated` header.
    pub spec_name: String,
}

/// Every file of the SDK, by path relative to the output directory.
pub(crate) fn files(
    model: &Model,
    info: &CrateInfo,
    layout: Layout,
) -> Result<BTreeMap<String, String>, String> {
    let header = format!(
        "// @generated by codeqr-codegen {} from {}. Do not edit: change the spec and regenerate.\n",
        env!("CARGO_PKG_VERSION"),
        one_line(&info.spec_name)
    );
    let src = match layout {
        Layout::OutDir => "",
        Layout::Crate => "src/",
    };
    let mut files = BTreeMap::new();
    let defs: Vec<&crate::model::TypeDef> = model.types.values().collect();
    let built: Vec<(&crate::model::TypeDef, &crate::model::Struct)> = defs
        .iter()
        .filter(|def| def.in_request)
        .filter_map(|def| match &def.kind {
            crate::model::TypeKind::Struct(s) => Some((*def, s)),
            _ => None,
        })
        .collect();
    // A cargo feature per group in a standalone crate, whose Cargo.toml declares them; a
    // build-script crate's manifest is its author's, so there everything is compiled.
    let features = layout == Layout::Crate && model.groups.len() > 1;
    let gated = |unit: Unit, groups: &[String]| {
        if features && !groups.is_empty() {
            gate(unit, groups)
        } else {
            Ok(unit)
        }
    };
    let [types, builders, operations] = format_in_parallel(
        [defs.len(), built.len(), model.groups.len()],
        |file, i| match file {
            0 => gated(types::type_def(model, defs[i]), &defs[i].groups),
            1 => gated(
                Unit::Items(builders::builder(model, &built[i].0.name, built[i].1)),
                &built[i].0.groups,
            ),
            _ => {
                let group = &model.groups[i];
                gated(
                    Unit::Items(operations::group(model, group)),
                    std::slice::from_ref(&group.feature),
                )
            }
        },
    )?;
    files.insert(format!("{src}types.rs"), format!("{header}\n{types}"));
    files.insert(format!("{src}builders.rs"), format!("{header}\n{builders}"));
    files.insert(
        format!("{src}operations.rs"),
        format!("{header}\n{operations}"),
    );
    for (_, file, _, text, _) in RUNTIME {
        files.insert(
            format!("{src}{file}"),
            format!(
                "{header}// Copied from the codeqr-codegen runtime (its tests stay there).\n\n{}",
                without_tests(text)
            ),
        );
    }
    let root = format_file(root(model, info, layout))?;
    match layout {
        Layout::OutDir => {
            files.insert(
                format!("{}.rs", info.name.replace('-', "_")),
                format!("{header}\n{root}"),
            );
        }
        Layout::Crate => {
            let crate_doc = crate_doc(model, info);
            files.insert(
                "src/lib.rs".to_owned(),
                format!("{header}{crate_doc}\n{root}"),
            );
            files.insert("Cargo.toml".to_owned(), cargo_toml(model, info));
        }
    }
    Ok(files)
}

/// `unit` compiled only when one of `features` is on: a `#[cfg(..)]` on each of its items.
fn gate(unit: Unit, features: &[String]) -> Result<Unit, String> {
    let cfg = if let [feature] = features {
        quote! { #[cfg(feature = #feature)] }
    } else {
        quote! { #[cfg(any(#(feature = #features),*))] }
    };
    Ok(match unit {
        Unit::Items(tokens) => {
            let mut items = parse(tokens)?;
            for item in &mut items {
                if let Some(attrs) = item_attrs(item) {
                    attrs.insert(0, syn::parse_quote! { #cfg });
                }
            }
            Unit::Parsed(items)
        }
        Unit::Parsed(mut items) => {
            for item in &mut items {
                if let Some(attrs) = item_attrs(item) {
                    attrs.insert(0, syn::parse_quote! { #cfg });
                }
            }
            Unit::Parsed(items)
        }
        Unit::InMacro { item, open, close } => {
            let quoted: Vec<String> = features
                .iter()
                .map(|f| format!("feature = {f:?}"))
                .collect();
            let cfg = match quoted.as_slice() {
                [one] => format!("#[cfg({one})]"),
                all => format!("#[cfg(any({}))]", all.join(", ")),
            };
            Unit::InMacro {
                item,
                open: format!("{cfg}\n{open}"),
                close,
            }
        }
    })
}

/// The attributes of an item, for the kinds generated code has.
fn item_attrs(item: &mut syn::Item) -> Option<&mut Vec<syn::Attribute>> {
    match item {
        syn::Item::Struct(i) => Some(&mut i.attrs),
        syn::Item::Enum(i) => Some(&mut i.attrs),
        syn::Item::Impl(i) => Some(&mut i.attrs),
        syn::Item::Macro(i) => Some(&mut i.attrs),
        syn::Item::Type(i) => Some(&mut i.attrs),
        syn::Item::Fn(i) => Some(&mut i.attrs),
        syn::Item::Const(i) => Some(&mut i.attrs),
        syn::Item::Static(i) => Some(&mut i.attrs),
        syn::Item::Mod(i) => Some(&mut i.attrs),
        syn::Item::Use(i) => Some(&mut i.attrs),
        syn::Item::Trait(i) => Some(&mut i.attrs),
        _ => None,
    }
}

/// What an emitter hands over for one unit of a file.
pub(crate) enum Unit {
    /// Items, formatted as they are.
    Items(TokenStream),
    /// Items already parsed (a feature gate added to each), formatted as they are.
    Parsed(Vec<syn::Item>),
    /// An item that is the body of a macro call: formatted as the item it is, then indented
    /// between `open` and `close` (prettyplease lays a macro's body out as a run of tokens,
    /// docs as `#[doc = "..."]`, several variants to a line).
    InMacro {
        item: TokenStream,
        open: String,
        close: String,
    },
}

/// Emits and formats the units (types, operation groups) of `N` files, on as many threads as
/// there are cores: emission and formatting are most of the time for large specs. The units are
/// cut into chunks, several per thread so that no thread idles while another finishes a heavy
/// chunk, and threads take the next chunk as they free up. `TokenStream` is not `Send`, so each
/// thread emits what it formats; chunks are joined in order, which gives the same text as
/// formatting a whole file at once (prettyplease lays out items independently).
fn format_in_parallel<const N: usize>(
    counts: [usize; N],
    emit: impl Fn(usize, usize) -> Result<Unit, String> + Sync,
) -> Result<[String; N], String> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let total: usize = counts.iter().sum();
    let chunk = if threads == 1 || total < 64 {
        usize::MAX
    } else {
        total.div_ceil(threads * 8)
    };
    // (file, first unit, end) for each chunk, in output order.
    let mut chunks: Vec<(usize, usize, usize)> = Vec::new();
    for (file, &count) in counts.iter().enumerate() {
        let mut start = 0;
        while start < count {
            let end = count.min(start.saturating_add(chunk));
            chunks.push((file, start, end));
            start = end;
        }
    }
    let run = |&(file, start, end): &(usize, usize, usize)| {
        let mut text = String::new();
        let mut items: Vec<syn::Item> = Vec::new();
        for i in start..end {
            match emit(file, i)? {
                Unit::Items(tokens) => items.extend(parse(tokens)?),
                Unit::Parsed(parsed) => items.extend(parsed),
                Unit::InMacro { item, open, close } => {
                    text.push_str(&format(std::mem::take(&mut items)));
                    text.push_str(&open);
                    for line in format(parse(item)?).lines() {
                        if !line.is_empty() {
                            text.push_str("    ");
                        }
                        text.push_str(line);
                        text.push('\n');
                    }
                    text.push_str(&close);
                }
            }
        }
        text.push_str(&format(items));
        Ok::<String, String>(text)
    };
    let mut texts: Vec<Option<String>> = vec![None; chunks.len()];
    if threads == 1 || chunks.len() <= 1 {
        for (slot, c) in texts.iter_mut().zip(&chunks) {
            *slot = Some(run(c)?);
        }
    } else {
        let next = AtomicUsize::new(0);
        // Emitting and formatting recurse once per level of a nested type (`Vec<Vec<…>>`): on a
        // spawned thread's default 2 MiB, 60 levels overflowed the stack (an abort, not an
        // error) in a debug build, which is how build scripts are compiled. 16 MiB: a main
        // thread's 8 MiB, twice.
        const FORMAT_STACK: usize = 16 << 20;
        let done: Vec<Vec<(usize, Result<String, String>)>> = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads.min(chunks.len()))
                .map(|_| {
                    std::thread::Builder::new()
                        .stack_size(FORMAT_STACK)
                        .spawn_scoped(scope, || {
                            let mut mine = Vec::new();
                            loop {
                                let i = next.fetch_add(1, Ordering::Relaxed);
                                let Some(c) = chunks.get(i) else { break };
                                mine.push((i, run(c)));
                            }
                            mine
                        })
                })
                .collect();
            workers
                .into_iter()
                .map(|w| match w {
                    Ok(w) => w.join().unwrap_or_else(|_| {
                        let panicked = "internal error: a formatting thread panicked".to_owned();
                        vec![(usize::MAX, Err(panicked))]
                    }),
                    Err(e) => {
                        let failed = format!("internal error: no formatting thread: {e}");
                        vec![(usize::MAX, Err(failed))]
                    }
                })
                .collect()
        });
        for (i, text) in done.into_iter().flatten() {
            let text = text?;
            if let Some(slot) = texts.get_mut(i) {
                *slot = Some(text);
            }
        }
    }
    let mut out: [String; N] = std::array::from_fn(|_| String::new());
    for ((file, _, _), text) in chunks.iter().zip(texts) {
        let text = text.ok_or_else(|| "internal error: a chunk was not formatted".to_owned())?;
        out[*file].push_str(&text);
    }
    Ok(out)
}

/// Generated items, parsed once: to be gated, then formatted.
fn parse(tokens: TokenStream) -> Result<Vec<syn::Item>, String> {
    syn::parse2::<syn::File>(tokens)
        .map(|file| file.items)
        .map_err(|e| format!("internal error: generated code does not parse: {e}"))
}

fn format(items: Vec<syn::Item>) -> String {
    if items.is_empty() {
        return String::new();
    }
    let mut file: syn::File = syn::parse_quote! {};
    file.items = items;
    prettyplease::unparse(&file)
}

/// A whole file (inner attributes and all), formatted.
fn format_file(tokens: TokenStream) -> Result<String, String> {
    let file: syn::File = syn::parse2(tokens)
        .map_err(|e| format!("internal error: generated code does not parse: {e}"))?;
    Ok(prettyplease::unparse(&file))
}

/// A runtime file as SDKs vendor it: without its unit tests (the file's last item, `#[cfg(test)]
/// mod tests`), which run in the runtime's own crate (`generator/runtime`) instead of shipping
/// in every SDK.
fn without_tests(text: &str) -> String {
    let code = match text.find("\n#[cfg(test)]\n") {
        Some(at) => &text[..at],
        None => text,
    };
    format!("{}\n", code.trim_end())
}

fn module_item(name: &str, file: &str, public: bool, doc: &str, layout: Layout) -> TokenStream {
    let ident = format_ident!("{}", name);
    // Generated code may use what the spec deprecates (a builder setting a deprecated field);
    // users of those items still get the warning. The docs there are the spec's descriptions,
    // whose Markdown layout (list items continued without indentation, or indented by four) is
    // the spec author's: clippy's lints on doc prose are allowed rather than the text rewritten
    // (Bitbucket's descriptions failed `clippy -D warnings` on them).
    //
    // Methods are named after the spec's fields and operations, and a builder setter for a field
    // called `add` or an operation called `next` looks to clippy like a std trait's method that
    // should be implemented instead (`should_implement_trait`): the name is the API's.
    //
    // The runtime is the same for every API, and each uses part of it (an API without PATCH
    // bodies never reads an explicit `null`), and names some of its `pub` items only from
    // generated code: one allow on each runtime module rather than one per item.
    let allow = match name {
        "types" | "builders" | "operations" => quote! {
            #[allow(
                deprecated,
                clippy::should_implement_trait,
                clippy::doc_lazy_continuation,
                clippy::doc_overindented_list_items,
                clippy::doc_nested_refdefs
            )]
        },
        // `unexpected_cfgs`: built by `build.rs` into a crate that does not declare the
        // `middleware` and `tracing` features, the runtime compiles without them.
        _ => {
            quote! { #[allow(dead_code, unreachable_pub, unused_imports, unused_macros, unexpected_cfgs)] }
        }
    };
    let vis = public.then(|| quote! { pub });
    let doc = format!(" {doc}");
    match layout {
        Layout::OutDir => {
            let path = format!("/{file}");
            quote! {
                #[doc = #doc]
                #allow
                #vis mod #ident {
                    include!(concat!(env!("OUT_DIR"), #path));
                }
            }
        }
        Layout::Crate => quote! {
            #[doc = #doc]
            #allow
            #vis mod #ident;
        },
    }
}

fn root(model: &Model, info: &CrateInfo, layout: Layout) -> TokenStream {
    let runtime = RUNTIME
        .iter()
        .map(|(name, file, public, _, doc)| module_item(name, file, *public, doc, layout));
    let types = module_item(
        "types",
        "types.rs",
        true,
        "The API's data types: requests with builders and validation, responses read leniently.",
        layout,
    );
    let builders = module_item(
        "builders",
        "builders.rs",
        true,
        "Builders of the request types: `types::X::builder()` gives a `builders::X`, whose `build()` checks the API's constraints.",
        layout,
    );
    let operations = module_item(
        "operations",
        "operations.rs",
        true,
        "The API's operations, grouped by tag: `client.<tag>().<operation>(...)`.",
        layout,
    );
    let env_prefix = info.name.to_uppercase().replace('-', "_");
    let api_key_env = format!("{env_prefix}_API_KEY");
    let base_url_env = format!("{env_prefix}_BASE_URL");
    let user_agent = format!("{}-rust/", info.name);
    let base_url = &model.api.default_base_url;
    // A client without credentials is a configuration error only when no operation could use
    // it; otherwise operations that need credentials say so when called.
    let requires_credentials = model.operations().next().is_some()
        && model
            .operations()
            .all(|op| !op.auth.is_empty() && op.auth.iter().all(|r| !r.is_empty()));
    let schemes = model.api.security_schemes.iter().map(|scheme| {
        let name = &scheme.key;
        let method = &scheme.method;
        let kind = match &scheme.kind {
            SchemeKind::Bearer => quote! { Bearer },
            SchemeKind::Basic => quote! { Basic },
            SchemeKind::ApiKeyHeader(n) => quote! { ApiKeyHeader(#n) },
            SchemeKind::ApiKeyQuery(n) => quote! { ApiKeyQuery(#n) },
            SchemeKind::ApiKeyCookie(n) => quote! { ApiKeyCookie(#n) },
            SchemeKind::OAuth2 {
                token_url: Some(url),
                ..
            } => quote! { OAuth2 { token_url: Some(#url) } },
            SchemeKind::OAuth2 {
                token_url: None, ..
            } => quote! { OAuth2 { token_url: None } },
            SchemeKind::OpenIdConnect => quote! { OpenIdConnect },
        };
        quote! {
            auth::SecurityScheme { name: #name, method: #method, kind: auth::SchemeKind::#kind }
        }
    });
    let scheme_methods = credential_methods(model);
    let request_id_headers = &model.api.request_id_headers;
    quote! {
        #(#runtime)*
        #types
        #builders
        #operations
        pub use client::{Call, Client, ClientBuilder, FileUpload, Response, WithResponse};
        pub use pagination::{Items, PagedCall, Pages};
        pub use streams::{ByteStream, Event, EventStream, StreamingCall};
        pub use error::{ApiError, ApiErrorKind, Error, ErrorFormat, ProblemDetails};
        /// The `http` crate, whose types (`HeaderMap`, `StatusCode`...) the SDK's responses and
        /// errors carry.
        pub use http;
        pub use json_text::JsonText;
        pub use or_empty::OrEmpty;

        /// What the runtime needs to know about this API.
        pub(crate) const SDK_INFO: client::SdkInfo = client::SdkInfo {
            default_base_url: #base_url,
            api_key_env: #api_key_env,
            base_url_env: #base_url_env,
            user_agent: concat!(#user_agent, env!("CARGO_PKG_VERSION")),
            requires_credentials: #requires_credentials,
            request_id_headers: &[#(#request_id_headers),*],
            security_schemes: &[#(#schemes),*],
        };
        #scheme_methods
    }
}

/// One `ClientBuilder` method per security scheme, named after it, setting that scheme's
/// credential alone.
fn credential_methods(model: &Model) -> TokenStream {
    if !model.api.security_schemes.iter().any(|s| s.own_method) {
        return TokenStream::new();
    }
    let methods = model.api.security_schemes.iter().filter(|s| s.own_method).map(|scheme| {
        let name = &scheme.key;
        let method = format_ident!("{}", scheme.method);
        // The scheme's key and a header name are the spec's text: sanitized like its prose.
        let mut text = vec![docs::sanitize(&format!(
            "The credential of the security scheme `{}`: {}.",
            one_line(name).replace('`', "'"),
            scheme.kind.describe()
        ))];
        if let Some(description) = scheme.description.as_deref().map(str::trim)
            && !description.is_empty()
        {
            text.push(docs::sanitize(description));
        }
        text.push(match &scheme.kind {
            SchemeKind::Basic => "Set here, it wins over [`ClientBuilder::basic_auth`], which sets the credential of every basic scheme.".to_owned(),
            SchemeKind::OAuth2 {
                token_url: Some(_), ..
            } => "An access token you already have; set here, it wins over [`ClientBuilder::oauth2_client_credentials`] (with which the SDK fetches one) and [`ClientBuilder::api_key`].".to_owned(),
            _ => "Set here, it wins over [`ClientBuilder::api_key`], which sets the credential of every scheme that takes a token or key.".to_owned(),
        });
        let doc = docs::paragraphs(&text);
        match scheme.kind {
            SchemeKind::Basic => quote! {
                #doc
                pub fn #method(
                    self,
                    username: impl ::std::convert::Into<::std::string::String>,
                    password: impl ::std::convert::Into<::std::string::String>,
                ) -> Self {
                    self.basic_credential(#name, username, password)
                }
            },
            _ => quote! {
                #doc
                pub fn #method(self, token: impl ::std::convert::Into<::std::string::String>) -> Self {
                    self.credential(#name, token)
                }
            },
        }
    });
    quote! {
        /// Credentials, one method per security scheme of the API.
        impl ClientBuilder {
            #(#methods)*
        }
    }
}

fn crate_doc(model: &Model, info: &CrateInfo) -> String {
    // The title and version are one line of the heading whatever the spec's YAML made of them
    // (a `|` block keeps its newlines); the description is rustdoc like every other.
    let heading = docs::sanitize(&format!(
        "Rust SDK for {} {}, generated by codeqr-codegen from `{}`.",
        one_line(&model.api.title),
        one_line(&model.api.version),
        one_line(&info.spec_name).replace('`', "'"),
    ));
    let mut text = vec![heading];
    let description = model
        .api
        .description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty());
    if let Some(description) = description {
        text.push(docs::sanitize(description));
    }
    text.push(
        "Start with [`Client::builder`] (or [`Client::from_env`]); operations are grouped by tag\n\
         (`client.<tag>().<operation>(...)`), request types in [`types`] have builders that\n\
         validate, and every failure is an [`Error`]."
            .to_owned(),
    );
    text.push(
        "The types are `#[non_exhaustive]`, so that a new version of the API can add a field, an\n\
         enum value or a variant without breaking your code: build request and parameter types\n\
         with their builders, and give every `match` on an enum a `_` arm."
            .to_owned(),
    );
    let paginated = model.operations().any(|op| op.pagination.is_some());
    let streaming = model
        .operations()
        .any(|op| op.pagination.is_none() && op.success.events.is_some());
    if paginated || streaming {
        let mut streams = Vec::new();
        if paginated {
            streams.push(
                "list operations that page return a [`PagedCall`]: `.pages()` and `.items()` stream every \
                 page and item, fetching each page when the previous one is consumed",
            );
        }
        if streaming {
            streams.push(
                "operations that offer server-sent events return a [`StreamingCall`]: `.stream()` answers \
                 an [`EventStream`] of decoded events",
            );
        }
        text.push(format!(
            "Beyond one request and one response: {}. The streams are `futures_core::Stream`s.",
            streams.join("; ")
        ));
    }
    text.push(
        "Optional cargo features: `middleware` (`ClientBuilder::middleware`: any\n\
         `reqwest_middleware::Middleware`, run once per attempt inside the SDK's retry loop) and\n\
         `tracing` (a span per call and an event per retry)."
            .to_owned(),
    );
    let listed = feature_list(model);
    if !listed.is_empty() {
        let mut features = String::from(
            "# Cargo features\n\nEach group of operations is a cargo feature, all on by default; with\n\
             `default-features = false, features = [...]` only the groups named, and the types their\n\
             operations reach, are compiled. A type no operation reaches compiles only with\n\
             `other-schemas`:\n",
        );
        for (feature, what) in listed {
            features.push_str(&format!("\n- `{feature}`: {what}"));
        }
        text.push(features);
    }
    let mut doc = String::new();
    for line in text.join("\n\n").lines() {
        let line = line.trim_end();
        doc.push_str(if line.is_empty() { "//!" } else { "//! " });
        doc.push_str(line);
        doc.push('\n');
    }
    if description.is_some() {
        // The description's Markdown layout is the spec author's, as in `types` (see
        // `module_item`): clippy's lints on doc prose are allowed, not the text rewritten.
        doc.push_str(
            "#![allow(\n    clippy::doc_lazy_continuation,\n    clippy::doc_overindented_list_items,\n    clippy::doc_nested_refdefs\n)]\n",
        );
    }
    doc
}

/// The cargo features of a standalone crate, with what each compiles: one per group, and one
/// for the schemas no operation reaches. None for an API of one group.
pub(crate) fn feature_list(model: &Model) -> Vec<(String, String)> {
    if model.groups.len() < 2 {
        return Vec::new();
    }
    let mut features: Vec<(String, String)> = model
        .groups
        .iter()
        .map(|g| (g.feature.clone(), format!("[`Client::{}`]", g.accessor)))
        .collect();
    let other = crate::names::OTHER_SCHEMAS_FEATURE;
    if model
        .types
        .values()
        .any(|d| d.groups.iter().any(|g| g == other))
    {
        features.push((
            other.to_owned(),
            "the schemas no operation reaches (webhook payloads, say); not on by default"
                .to_owned(),
        ));
    }
    features
}

/// Spec text that must stay on one line (a title, a version): runs of whitespace, line breaks
/// included, become one space.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `text` as a TOML basic string, quotes included: backslash, quote and control characters
/// escaped, so spec text cannot end the string or the line.
fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn cargo_toml(model: &Model, info: &CrateInfo) -> String {
    let version = semver_or_default(&model.api.version);
    let description = toml_string(&format!(
        "Rust SDK for {}, generated from its OpenAPI description by codeqr-codegen",
        one_line(&model.api.title)
    ));
    let mut toml = format!(
        "[package]\nname = \"{}\"\nversion = \"{version}\"\nedition = \"2024\"\nrust-version = \"1.85\"\ndescription = {description}\npublish = false\n\n[dependencies]\n",
        info.name
    );
    for (name, spec) in DEPENDENCIES {
        toml.push_str(&format!("{name} = {spec}\n"));
    }
    for (_, name, spec) in OPTIONAL_DEPENDENCIES {
        toml.push_str(&format!("{name} = {spec}\n"));
    }
    // A feature per group, all on by default: `default-features = false, features = ["repos"]`
    // compiles one group and the types it reaches. The schemas no operation reaches are not on
    // by default: a type compiles when an enabled operation reaches it (GitHub's 705 webhook
    // payload structs were a third of its crate), unless `other-schemas` asks for them all.
    let features = feature_list(model);
    toml.push_str("\n[features]\n");
    if !features.is_empty() {
        let quoted: Vec<String> = features
            .iter()
            .filter(|(f, _)| f != crate::names::OTHER_SCHEMAS_FEATURE)
            .map(|(f, _)| format!("\"{f}\""))
            .collect();
        toml.push_str(&format!("default = [{}]\n", quoted.join(", ")));
        for (feature, _) in &features {
            toml.push_str(&format!("{feature} = []\n"));
        }
    }
    // Not on by default: each adds a dependency.
    for (feature, name, _) in OPTIONAL_DEPENDENCIES {
        toml.push_str(&format!("{feature} = [\"dep:{name}\"]\n"));
    }
    // An empty workspace table: the crate builds on its own even inside another workspace's tree.
    toml.push_str("\n[workspace]\n");
    toml
}

/// `info.version` when it is a plain `x.y.z`, else `0.1.0`.
fn semver_or_default(version: &str) -> String {
    let parts: Vec<&str> = version.split('.').collect();
    if parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    {
        version.to_owned()
    } else {
        "0.1.0".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendored_runtime_files_leave_their_tests_behind() {
        for (name, _, _, text, _) in RUNTIME {
            let vendored = without_tests(text);
            assert!(!vendored.contains("#[cfg(test)]"), "{name}");
            assert!(!vendored.contains("mod tests"), "{name}");
            // Only the tests go: the code before them is whole.
            assert!(text.starts_with(vendored.trim_end()), "{name}");
            assert!(
                vendored.ends_with("}\n") || vendored.ends_with(";\n"),
                "{name}"
            );
        }
        let client = RUNTIME.iter().find(|r| r.0 == "client").map(|r| r.3);
        assert!(client.is_some_and(|c| without_tests(c).len() * 4 < c.len() * 3));
    }

    #[test]
    fn tag_accessors_stay_off_every_method_of_the_client() {
        // The runtime's `impl Client { .. }` block, method by method: each name is one a tag
        // accessor (`client.<tag>()`) must not take.
        let client = RUNTIME.iter().find(|r| r.0 == "client").map_or("", |r| r.3);
        let block = client
            .split("\nimpl Client {\n")
            .nth(1)
            .and_then(|rest| rest.split("\n}\n").next())
            .unwrap_or_default();
        let methods: Vec<&str> = block
            .split("fn ")
            .skip(1)
            .filter_map(|rest| rest.split(['(', '<']).next())
            .collect();
        assert!(methods.contains(&"max_retries"), "{methods:?}");
        for method in methods {
            assert!(
                crate::names::CLIENT_METHODS.contains(&method),
                "`Client::{method}` is not in names::CLIENT_METHODS"
            );
        }
    }
}
