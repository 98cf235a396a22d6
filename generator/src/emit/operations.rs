//! The `operations` module: one struct per tag (`TrackApi`), reached from the client by an
//! accessor (`client.track()`), with one method per operation. Each method validates its input
//! and builds the request into a `Call` (the runtime's, in `crate::client`), which
//! owns HTTP, authentication, retries and error mapping, and sends it when awaited.

use super::docs;
use super::rust_type::{self, From};
use super::validation;
use crate::model::{
    BodyEncoding, CursorFrom, ErrorFormat, FieldStep, Group, Model, NextPage, Operation, Param,
    ParamBinding, ParamLocation, ParamStyle, RequestBody, ResponseBody, TypeKind, TypeRef,
};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

/// One group (tag) and its operations.
pub(crate) fn group(model: &Model, group: &Group) -> TokenStream {
    let Group {
        tag,
        accessor,
        feature: _,
        type_name,
        description,
        operations,
    } = group;
    let ty = format_ident!("{}", type_name);
    let accessor = format_ident!("{}", accessor);
    let mut parts = vec![format!("Operations tagged `{tag}`.")];
    if let Some(d) = description {
        parts.push(docs::sanitize(d));
    }
    let doc = docs::paragraphs(&parts);
    let accessor_doc = format!(" Operations tagged `{tag}`: see [`{type_name}`].");
    let methods = operations.iter().map(|op| operation(model, op));
    quote! {
        #doc
        #[derive(Debug, Clone, Copy)]
        pub struct #ty<'a> {
            client: &'a crate::Client,
        }
        impl crate::Client {
            #[doc = #accessor_doc]
            pub fn #accessor(&self) -> #ty<'_> {
                #ty { client: self }
            }
        }
        impl #ty<'_> {
            #(#methods)*
        }
    }
}

fn param_type(p: &Param) -> TokenStream {
    match &p.shape.ty {
        TypeRef::String => quote! { &str },
        other => rust_type::tokens(other, From::Crate),
    }
}

/// `value` (an expression of the parameter's type, or a reference to it) as text.
fn scalar_text(model: &Model, ty: &TypeRef, value: &TokenStream) -> TokenStream {
    match ty {
        TypeRef::String => quote! { #value.to_string() },
        TypeRef::Named(n)
            if matches!(model.types.get(n).map(|t| &t.kind), Some(TypeKind::Enum(_))) =>
        {
            quote! { #value.as_str().to_owned() }
        }
        _ => quote! { #value.to_string() },
    }
}

fn is_scalar(model: &Model, ty: &TypeRef) -> bool {
    match ty {
        TypeRef::String | TypeRef::Integer(_) | TypeRef::Number | TypeRef::Boolean => true,
        TypeRef::Named(n) => match model.types.get(n).map(|t| &t.kind) {
            Some(TypeKind::Enum(_)) => true,
            Some(TypeKind::Alias(shape)) => is_scalar(model, &shape.ty),
            _ => false,
        },
        // Written as the value is, or as nothing (`OrEmpty`'s `Display`).
        TypeRef::OrEmpty(inner) => is_scalar(model, inner),
        _ => false,
    }
}

/// Statements adding one parameter (`value`: a reference to its value) to the request's pairs
/// (`query_pairs` for query parameters, or `pairs` when given: form bodies).
fn param_push(model: &Model, b: &ParamBinding, pairs: Option<&TokenStream>) -> TokenStream {
    let wire = &b.wire_name;
    let query_pairs = pairs.cloned().unwrap_or_else(|| quote! { query_pairs });
    let scalar = is_scalar(model, &b.ty);
    let array_of_scalars = matches!(&b.ty, TypeRef::Array(inner) if is_scalar(model, inner));
    match b.location {
        ParamLocation::Query => {
            if scalar {
                return quote! { crate::params::push_scalar(&mut #query_pairs, #wire, value); };
            }
            if array_of_scalars {
                let style = match b.style {
                    ParamStyle::Form { explode: false } => quote! { FormComma },
                    ParamStyle::SpaceDelimited => quote! { SpaceDelimited },
                    ParamStyle::PipeDelimited => quote! { PipeDelimited },
                    _ => quote! { FormExplode },
                };
                return quote! { crate::params::push_array(&mut #query_pairs, #wire, value, crate::params::ArrayStyle::#style); };
            }
            let style = match b.style {
                ParamStyle::DeepObject => quote! { DeepObject },
                ParamStyle::Form { explode: false } => quote! { FormNoExplode },
                _ => quote! { FormExplode },
            };
            quote! { crate::params::push_object(&mut #query_pairs, #wire, value, crate::params::ObjectStyle::#style)?; }
        }
        ParamLocation::Header | ParamLocation::Cookie => {
            let text = if scalar {
                scalar_text(model, &b.ty, &quote! { value })
            } else if array_of_scalars {
                quote! { crate::params::join_simple(value) }
            } else {
                // Unions, objects, free-form values: `simple` style from their JSON form.
                quote! { crate::params::join_simple_object(value, false)? }
            };
            if b.location == ParamLocation::Header {
                quote! { header_pairs.push((#wire, #text)); }
            } else {
                quote! { cookie_pairs.push((#wire, #text)); }
            }
        }
    }
}

/// A type as operation docs name it: a named type linked, another (an array of one, a map)
/// spelled out.
fn doc_type(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(name) => format!("[`crate::types::{name}`]"),
        _ => {
            let text: String = rust_type::tokens(ty, From::Crate)
                .to_string()
                .split_whitespace()
                .collect();
            format!("`{text}`")
        }
    }
}

fn operation_doc(model: &Model, op: &Operation) -> TokenStream {
    let mut parts = Vec::new();
    if let Some(s) = &op.summary {
        parts.push(docs::sanitize(s));
    }
    if let Some(d) = &op.description {
        parts.push(docs::sanitize(d));
    }
    parts.push(format!(
        "`{} {}` (operation `{}`).",
        op.http_method.as_str(),
        op.path,
        op.operation_id
    ));
    let retry = match (&op.idempotency_key, op.idempotent) {
        (_, false) if op.idempotency_header.is_some() => format!(
            "Retries: 429, 408, 5xx, timeouts and connection failures are retried: every attempt of a call carries the same `{}` (one the SDK generates unless you set it), so a repeat is harmless.",
            op.idempotency_header.as_deref().unwrap_or_default()
        ),
        (_, true) => "Retries: 429, 408, 5xx, timeouts and connection failures are retried (the method is idempotent).".to_owned(),
        (Some(key), false) => format!(
            "Retries: 429 always; 408, 5xx, timeouts and connection failures only when `{}` is set, since it makes a repeat harmless.",
            key.wire_name
        ),
        (None, false) => "Retries: 429 only; other failures are not retried, since a repeat could be processed twice.".to_owned(),
    };
    parts.push(retry);
    if let Some(pagination) = &op.pagination {
        let item = doc_type(&pagination.item_type);
        parts.push(format!(
            "Paginated ({}): awaited, the call answers the first page; [`.pages()`](crate::Call::pages) streams every page and [`.items()`](crate::Call::items) every item ({item}), each page fetched when the previous one has been consumed, with this call's options.",
            pagination.rule.as_str()
        ));
    }
    if op.success.body == ResponseBody::Bytes && op.success.events.is_none() {
        parts.push(
            "Downloads: [`.stream()`](crate::Call::stream) answers the body as a stream of chunks ([`crate::ByteStream`]) instead of reading it whole.".to_owned(),
        );
    }
    if let Some(event) = &op.success.events
        && op.pagination.is_none()
    {
        let ty = match event {
            TypeRef::String => "its text (a `String`)".to_owned(),
            ty => format!("a {}", doc_type(ty)),
        };
        let flag = op
            .stream_flag
            .as_ref()
            .map(|f| format!(" (with `{f}: true` in the body)"))
            .unwrap_or_default();
        parts.push(format!(
            "Streams: [`.stream()`](crate::Call::stream) asks for `text/event-stream`{flag} and answers the events as they arrive, each one's data {ty}; `data: [DONE]` ends it.{}",
            match (&op.idempotency_key, op.idempotent || op.idempotency_header.is_some()) {
                (_, true) => " A broken stream is resumed with `Last-Event-ID`.".to_owned(),
                (Some(key), false) => format!(
                    " A broken stream is resumed with `Last-Event-ID` only when `{}` is set (a repeat is harmless then).",
                    key.wire_name
                ),
                (None, false) => {
                    " A broken stream is not resumed: a repeat could be processed twice.".to_owned()
                }
            }
        ));
    }
    if !op.auth.is_empty() {
        let method = |key: &String| {
            model
                .api
                .security_schemes
                .iter()
                .find(|s| &s.key == key)
                .map(|s| {
                    format!(
                        "[`ClientBuilder::{0}`](crate::ClientBuilder::{0})",
                        s.method
                    )
                })
                .unwrap_or_else(|| format!("`{key}`"))
        };
        let alternatives: Vec<String> = op
            .auth
            .iter()
            .filter(|requirement| !requirement.is_empty())
            .map(|requirement| {
                let methods: Vec<String> = requirement.iter().map(method).collect();
                methods.join(" and ")
            })
            .collect();
        let anonymous = op.auth.iter().any(Vec::is_empty);
        let sent = match alternatives.as_slice() {
            [one] => one.clone(),
            many => format!("the first of {} that the client has", many.join("; ")),
        };
        parts.push(if anonymous {
            format!("Credentials: {sent}, when set; anonymous calls are allowed.")
        } else {
            format!("Credentials: {sent}.")
        });
    }
    if !op.errors.is_empty() {
        let statuses: Vec<String> = op.errors.iter().map(|e| e.status.to_string()).collect();
        parts.push(format!(
            "Errors: [`crate::Error::Validation`] before anything is sent; [`crate::Error::Api`] for the documented statuses {}; see [`crate::Error`] for the rest.",
            statuses.join(", ")
        ));
        // The documented body of each status, statuses of one type together, for
        // `ApiError::body_as`.
        let mut typed: Vec<(String, Vec<String>)> = Vec::new();
        for error in &op.errors {
            let Some(ty) = &error.body else { continue };
            let name = doc_type(ty);
            match typed.iter_mut().find(|(seen, _)| *seen == name) {
                Some((_, statuses)) => statuses.push(error.status.to_string()),
                None => typed.push((name, vec![error.status.to_string()])),
            }
        }
        if !typed.is_empty() {
            let mut text = String::from(
                "Error bodies, as documented (read one with [`crate::ApiError::body_as`]):",
            );
            for (name, statuses) in typed {
                text.push_str(&format!("\n- {}: {name}", statuses.join(", ")));
            }
            parts.push(text);
        }
    }
    let mut doc = docs::paragraphs(&parts);
    if op.deprecated {
        doc.extend(quote! { #[deprecated] });
    }
    doc
}

fn operation(model: &Model, op: &Operation) -> TokenStream {
    let method = format_ident!("{}", op.method_name);
    let doc = operation_doc(model, op);

    // Arguments: path parameters, the body, then the parameters struct.
    let mut args = Vec::new();
    for p in &op.path_params {
        let id = format_ident!("{}", p.ident);
        let ty = param_type(p);
        args.push(quote! { #id: #ty });
    }
    if let Some(b) = &op.body {
        let ty = match &b.encoding {
            // Binary bodies are `FileUpload`s: bytes in memory, which a retry shares rather than
            // copies, or a file or reader read while it is sent; a required one takes anything
            // that converts (`Vec<u8>`, `Bytes`, `String`, `&'static [u8]`).
            BodyEncoding::Bytes(_) if b.required => {
                quote! { impl ::std::convert::Into<crate::FileUpload> }
            }
            BodyEncoding::Bytes(_) => quote! { crate::FileUpload },
            BodyEncoding::Text(_) => quote! { ::std::string::String },
            _ => rust_type::tokens(&b.ty, From::Crate),
        };
        let ty = if b.required {
            ty
        } else {
            quote! { ::std::option::Option<#ty> }
        };
        args.push(quote! { body: #ty });
    }
    if let Some(params) = &op.params {
        let ty = format_ident!("{}", params.type_name);
        args.push(quote! { params: crate::types::#ty });
    }
    let too_many = (args.len() > 6).then(|| quote! { #[allow(clippy::too_many_arguments)] });

    // Validation of every input before anything is sent, in argument order: statements each,
    // and `Some((input, required))` for a named input whose check is its own `Validate` impl.
    let mut checks: Vec<(TokenStream, Option<(TokenStream, bool)>)> = Vec::new();
    for p in &op.path_params {
        let body = validation::checks(model, &p.shape, &quote! { value }, &quote! { &path });
        if body.is_empty() {
            continue;
        }
        let id = format_ident!("{}", p.ident);
        let wire = &p.wire_name;
        checks.push((
            quote! { { let value = &#id; let path = at_root.field(#wire); #body } },
            None,
        ));
    }
    let mut nested = |ty: &TypeRef, value: TokenStream, required: bool| {
        let shape = crate::model::Shape {
            ty: ty.clone(),
            constraints: Default::default(),
        };
        let body_checks =
            validation::checks(model, &shape, &quote! { value }, &quote! { &at_root });
        if body_checks.is_empty() {
            return;
        }
        // A struct, enum or union: `v.nested(..)`, its own impl, is the whole check.
        let whole = matches!(ty, TypeRef::Named(n)
            if model.types.get(n).is_some_and(|d| !matches!(d.kind, TypeKind::Alias(_))));
        let statements = match (whole, required) {
            (true, true) => quote! { v.nested(&at_root, &#value); },
            (false, true) => quote! { { let value = &#value; #body_checks } },
            (_, false) => quote! { if let Some(value) = &#value { #body_checks } },
        };
        checks.push((statements, whole.then_some((value, required))));
    };
    if let Some(b) = &op.body
        && matches!(
            b.encoding,
            BodyEncoding::Json | BodyEncoding::Form | BodyEncoding::Multipart
        )
    {
        nested(&b.ty, quote! { body }, b.required);
    }
    if let Some(params) = &op.params {
        nested(
            &TypeRef::Named(params.type_name.clone()),
            quote! { params },
            true,
        );
    }
    // One input checked by its own impl: one call. Otherwise a validator collects every
    // violation of every input before any is reported.
    let validate = match checks.as_slice() {
        [] => None,
        [(_, Some((value, true)))] => Some(quote! {
            crate::validation::Validate::validate(&#value)?;
        }),
        [(_, Some((value, false)))] => Some(quote! {
            if let Some(value) = &#value {
                crate::validation::Validate::validate(value)?;
            }
        }),
        _ => {
            let statements = checks.iter().map(|(statements, _)| statements);
            Some(quote! {
                let mut v = crate::validation::Validator::new();
                let at_root = crate::validation::FieldPath::root();
                #(#statements)*
                v.finish()?;
            })
        }
    };

    // The path, with parameters percent-encoded.
    let mut pieces = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        let name = &rest[start + 1..start + len];
        if start > 0 {
            let lit = &rest[..start];
            pieces.push(quote! { #lit });
        }
        match op.path_params.iter().find(|p| p.wire_name == name) {
            Some(p) => {
                let id = format_ident!("{}", p.ident);
                let text = match &p.shape.ty {
                    TypeRef::String => quote! { #id },
                    TypeRef::Array(inner) if is_scalar(model, inner) => {
                        quote! { &crate::params::join_simple(&#id) }
                    }
                    TypeRef::Named(n)
                        if matches!(
                            model.types.get(n).map(|t| &t.kind),
                            Some(TypeKind::Enum(_))
                        ) =>
                    {
                        quote! { #id.as_str() }
                    }
                    ty if is_scalar(model, ty) => {
                        let t = scalar_text(model, ty, &quote! { #id });
                        quote! { &#t }
                    }
                    // Unions and other values: `simple` style from their JSON form.
                    _ => quote! { &crate::params::join_simple_object(&#id, false)? },
                };
                pieces.push(quote! { &crate::client::encode_path_segment(#text) });
            }
            None => {
                let lit = &rest[start..start + len + 1];
                pieces.push(quote! { #lit });
            }
        }
        rest = &rest[start + len + 1..];
    }
    if !rest.is_empty() {
        pieces.push(quote! { #rest });
    }
    let path_expr = if op.path_params.is_empty() {
        let p = &op.path;
        quote! { #p.to_owned() }
    } else {
        quote! { [#(#pieces),*].concat() }
    };

    // Query, header and cookie parameters.
    let mut pushes = TokenStream::new();
    let (mut query, mut header, mut cookie) = (false, false, false);
    if let Some(params) = &op.params {
        for b in &params.bindings {
            let id = format_ident!("{}", b.ident);
            let push = param_push(model, b, None);
            match b.location {
                ParamLocation::Query => query = true,
                ParamLocation::Header => header = true,
                ParamLocation::Cookie => cookie = true,
            }
            let wire = &b.wire_name;
            let scalar_query = b.location == ParamLocation::Query && is_scalar(model, &b.ty);
            pushes.extend(if scalar_query && b.required {
                quote! { crate::params::push_scalar(&mut query_pairs, #wire, &params.#id); }
            } else if scalar_query {
                // One call, set or not: the most common parameter of all is one line.
                quote! { crate::params::push_optional(&mut query_pairs, #wire, &params.#id); }
            } else if b.required {
                quote! { { let value = &params.#id; #push } }
            } else {
                quote! { if let Some(value) = &params.#id { #push } }
            });
        }
    }
    let decl = |used: bool, name: &str| {
        let id = format_ident!("{}", name);
        used.then(|| quote! { let mut #id = ::std::vec::Vec::new(); })
    };
    let declarations = [
        decl(query, "query_pairs"),
        decl(header, "header_pairs"),
        decl(cookie, "cookie_pairs"),
    ];
    // The request's fields that differ from its `Default` (no parameters, no body).
    let mut fields: Vec<TokenStream> = Vec::new();
    for (used, field, local) in [
        (query, "query", "query_pairs"),
        (header, "headers", "header_pairs"),
        (cookie, "cookies", "cookie_pairs"),
    ] {
        if used {
            let field = format_ident!("{}", field);
            let local = format_ident!("{}", local);
            fields.push(quote! { #field: #local, });
        }
    }

    let body_expr = match &op.body {
        None => quote! { crate::client::RequestBody::None },
        // Owned bytes and text are moved into the request, not copied.
        Some(b) if matches!(b.encoding, BodyEncoding::Bytes(_) | BodyEncoding::Text(_)) => {
            // A required binary body is an `impl Into<FileUpload>`, an optional one a
            // `FileUpload`.
            let data = if b.required {
                quote! { body.into() }
            } else {
                quote! { body }
            };
            let make = match &b.encoding {
                BodyEncoding::Bytes(content_type) => quote! {
                    crate::client::RequestBody::File {
                        content_type: #content_type,
                        file: ::std::boxed::Box::new(#data),
                    }
                },
                BodyEncoding::Text(content_type) => quote! {
                    crate::client::RequestBody::Text { content_type: #content_type, text: body }
                },
                _ => TokenStream::new(),
            };
            if b.required {
                make
            } else {
                quote! {
                    match body {
                        Some(body) => #make,
                        None => crate::client::RequestBody::None,
                    }
                }
            }
        }
        Some(b) => {
            if b.required {
                body_encoding(model, b, &quote! { body }, &quote! { &body })
            } else {
                let make = body_encoding(model, b, &quote! { body }, &quote! { body });
                quote! {
                    match &body {
                        Some(body) => #make,
                        None => crate::client::RequestBody::None,
                    }
                }
            }
        }
    };
    let carries_key = match (&op.idempotency_key, &op.body) {
        (Some(key), Some(b)) => {
            let f = format_ident!("{}", key.ident);
            let field = if key.explicit_null {
                quote! { body.#f.as_ref().and_then(|key| key.as_deref()).is_some_and(|key| !key.is_empty()) }
            } else if key.optional {
                quote! { body.#f.as_deref().is_some_and(|key| !key.is_empty()) }
            } else {
                quote! { !body.#f.is_empty() }
            };
            Some(if b.required {
                field
            } else {
                quote! { body.as_ref().is_some_and(|body| #field) }
            })
        }
        _ => None,
    };

    if op.body.is_some() {
        fields.push(quote! { body: #body_expr, });
    }
    if let Some(carries_key) = carries_key {
        fields.push(quote! { carries_idempotency_key: #carries_key, });
    }
    let rest = (fields.len() < 5).then(|| quote! { ..::std::default::Default::default() });
    let http = format_ident!("{}", op.http_method.as_str());
    let operation_id = &op.operation_id;
    let template = &op.path;
    let idempotent = op.idempotent;
    let key = match &op.idempotency_key {
        Some(k) => {
            let w = &k.wire_name;
            quote! { Some(#w) }
        }
        None => quote! { None },
    };
    let header_key = match &op.idempotency_header {
        Some(name) => quote! { Some(#name) },
        None => quote! { None },
    };
    let successes = op
        .success
        .statuses
        .iter()
        .map(|s| Literal::u16_unsuffixed(*s));
    let errors = op.errors.iter().map(|e| Literal::u16_unsuffixed(e.status));
    // The layout most of the statuses have, and the others by status.
    let formats = [
        ErrorFormat::Nested,
        ErrorFormat::Flat,
        ErrorFormat::Problem,
        ErrorFormat::Opaque,
    ];
    let common = formats
        .iter()
        .copied()
        .filter(|_| !op.errors.is_empty())
        .max_by_key(|f| {
            let count = op.errors.iter().filter(|e| e.format == *f).count();
            // Ties go to the earlier in `formats`.
            (
                count,
                std::cmp::Reverse(formats.iter().position(|x| x == f)),
            )
        })
        .unwrap_or(ErrorFormat::Opaque);
    let format_tokens = |format: ErrorFormat| match format {
        ErrorFormat::Nested => quote! { crate::ErrorFormat::Nested },
        ErrorFormat::Flat => quote! { crate::ErrorFormat::Flat },
        ErrorFormat::Problem => quote! { crate::ErrorFormat::Problem },
        ErrorFormat::Opaque => quote! { crate::ErrorFormat::Opaque },
    };
    let error_format = format_tokens(common);
    let error_formats = op.errors.iter().filter(|e| e.format != common).map(|e| {
        let status = Literal::u16_unsuffixed(e.status);
        let format = format_tokens(e.format);
        quote! { (#status, #format) }
    });
    let auth = op
        .auth
        .iter()
        .map(|requirement| quote! { &[#(#requirement),*] });

    let (ret, make) = match &op.success.body {
        ResponseBody::Json(ty) => (rust_type::tokens(ty, From::Crate), quote! { json }),
        ResponseBody::Bytes => (quote! { ::std::vec::Vec<u8> }, quote! { bytes }),
        ResponseBody::Text => (quote! { ::std::string::String }, quote! { text }),
        ResponseBody::Empty => (quote! { () }, quote! { empty }),
    };

    let (returns, pager, paged) = match &op.pagination {
        Some(p) => {
            let item = rust_type::tokens(&p.item_type, From::Crate);
            let pager = pager(p, &ret, &item);
            (
                quote! { crate::PagedCall<#ret, #item> },
                pager,
                quote! { .paged(&PAGER) },
            )
        }
        None => match &op.success.events {
            Some(event) => {
                let ty = rust_type::tokens(event, From::Crate);
                // Event data is JSON text, but for a string: the text itself.
                let decode = if *event == TypeRef::String {
                    quote! { |data| Ok(data.to_owned()) }
                } else {
                    quote! { |data| ::serde_json::from_str(data) }
                };
                let flag = match &op.stream_flag {
                    Some(flag) => quote! { Some(#flag) },
                    None => quote! { None },
                };
                (
                    quote! { crate::StreamingCall<#ret, #ty> },
                    quote! {
                        static EVENTS: crate::streams::Events<#ty> = crate::streams::Events {
                            decode: #decode,
                            flag: #flag,
                        };
                    },
                    quote! { .events(&EVENTS) },
                )
            }
            None => (
                quote! { crate::Call<#ret> },
                TokenStream::new(),
                TokenStream::new(),
            ),
        },
    };

    // The method is not `async`: it validates and encodes its input in a closure the runtime's
    // `Call` runs at once, and the call sends it when awaited. (An `async fn` per operation
    // made rustc type-check and transform a state machine per operation, a quarter of Nexus'
    // `cargo check`.)
    quote! {
        #doc
        #too_many
        pub fn #method(&self, #(#args),*) -> #returns {
            static OPERATION: crate::client::OperationInfo = crate::client::OperationInfo {
                operation_id: #operation_id,
                method: ::reqwest::Method::#http,
                path_template: #template,
                idempotent: #idempotent,
                idempotency_key: #key,
                idempotency_header: #header_key,
                success_statuses: &[#(#successes),*],
                documented_errors: &[#(#errors),*],
                error_format: #error_format,
                error_formats: &[#(#error_formats),*],
                auth: &[#(#auth),*],
            };
            #pager
            crate::client::Call::#make(self.client, &OPERATION, move || {
                #validate
                #(#declarations)*
                #pushes
                Ok(crate::client::PreparedRequest {
                    path: #path_expr,
                    #(#fields)*
                    #rest
                })
            })
            #paged
        }
    }
}

/// The `static PAGER` of a paginated operation: how its next page is asked for, and where the
/// items, their count, the cursor and `has_more` are in a page (closures following the fields
/// the `paginate` pass found, `?` through each optional one).
fn pager(p: &crate::model::Pagination, page: &TokenStream, item: &TokenStream) -> TokenStream {
    // The items moved out of the page: `Some(page.a?.b)`, or `page.a?.b` when `b` is the
    // `Option` (no `Some(x?)`).
    let owned = |steps: &[FieldStep]| {
        let mut expr = quote! { page };
        for (i, step) in steps.iter().enumerate() {
            let f = format_ident!("{}", step.ident);
            expr = if step.optional && i + 1 < steps.len() {
                quote! { #expr.#f? }
            } else {
                quote! { #expr.#f }
            };
        }
        if steps.last().is_some_and(|s| s.optional) {
            expr
        } else {
            quote! { Some(#expr) }
        }
    };
    // A reference through the steps, `?` at each optional one but the last when `keep_last`.
    let borrowed = |base: TokenStream, steps: &[FieldStep], keep_last: bool| {
        let mut expr = base;
        for (i, step) in steps.iter().enumerate() {
            let f = format_ident!("{}", step.ident);
            let last = i + 1 == steps.len();
            expr = if step.optional && !(keep_last && last) {
                quote! { #expr.#f.as_ref()? }
            } else {
                quote! { #expr.#f }
            };
        }
        expr
    };
    let items = owned(&p.items);
    let list = borrowed(quote! { page }, &p.items, false);
    // The page's readers: the runtime's shared ones where they fit, else functions written
    // here. (Not closures: a closure coerced to a `fn` pointer in a static cost rustc four
    // times as much to check, 0.27 MB each, 105 MB over GitHub's 196 pagers.)
    let mut fns: Vec<TokenStream> = Vec::new();
    let no_cursor = quote! { crate::pagination::no_cursor };
    let no_more = quote! { crate::pagination::no_more };
    let (next, cursor, more) = match &p.next {
        NextPage::Number {
            param,
            offset,
            limit,
            default_limit,
        } => {
            let limit = match limit {
                Some(l) => quote! { Some(#l) },
                None => quote! { None },
            };
            let default_limit = match default_limit {
                Some(d) => {
                    let d = Literal::u64_unsuffixed(*d);
                    quote! { Some(#d) }
                }
                None => quote! { None },
            };
            (
                quote! { Number { param: #param, offset: #offset, limit: #limit, default_limit: #default_limit } },
                no_cursor,
                no_more,
            )
        }
        NextPage::Cursor {
            param,
            from,
            keep,
            has_more,
        } => {
            let keep = match keep {
                Some(keep) => quote! { Some(&[#(#keep),*]) },
                None => quote! { None },
            };
            let value = match from {
                CursorFrom::Page(steps) => borrowed(quote! { page }, steps, true),
                CursorFrom::LastItem(steps) => borrowed(quote! { #list.last()? }, steps, true),
            };
            let more = match has_more {
                Some(steps) => {
                    let flag = borrowed(quote! { page }, steps, true);
                    let flag = if steps.last().is_some_and(|s| s.optional) {
                        flag
                    } else {
                        quote! { Some(#flag) }
                    };
                    fns.push(quote! {
                        fn more(page: &#page) -> ::std::option::Option<bool> { #flag }
                    });
                    quote! { more }
                }
                None => no_more,
            };
            fns.push(quote! {
                fn cursor(page: &#page) -> ::std::option::Option<::std::string::String> {
                    crate::pagination::cursor(&#value)
                }
            });
            (
                quote! { Cursor { param: #param, keep: #keep } },
                quote! { cursor },
                more,
            )
        }
        NextPage::Url(steps) => {
            let value = borrowed(quote! { page }, steps, true);
            fns.push(quote! {
                fn cursor(page: &#page) -> ::std::option::Option<::std::string::String> {
                    crate::pagination::cursor(&#value)
                }
            });
            (quote! { Url }, quote! { cursor }, no_more)
        }
        NextPage::Link => (quote! { Link }, no_cursor, no_more),
    };
    // A page that is the array of items reads with the runtime's shared functions.
    let (items, count) = if p.items.is_empty() {
        (
            quote! { crate::pagination::whole },
            quote! { crate::pagination::length },
        )
    } else {
        fns.push(quote! {
            fn items(page: #page) -> ::std::option::Option<::std::vec::Vec<#item>> { #items }
            fn count(page: &#page) -> ::std::option::Option<usize> { Some(#list.len()) }
        });
        (quote! { items }, quote! { count })
    };
    // A function of the block is set by its name alone (`items`), a shared one by its path.
    let fields = [
        ("items", items),
        ("count", count),
        ("cursor", cursor),
        ("more", more),
    ]
    .map(|(name, value)| {
        let field = format_ident!("{}", name);
        if value.to_string() == name {
            quote! { #field }
        } else {
            quote! { #field: #value }
        }
    });
    // The functions sit in the initializer's block, where no argument of the method can shadow
    // them.
    // A reader of an array page takes `&Vec<_>`: its type is `fn(&T)`.
    let allow =
        (p.items.is_empty() && !fns.is_empty()).then(|| quote! { #[allow(clippy::ptr_arg)] });
    quote! {
        #allow
        static PAGER: crate::pagination::Pager<#page, #item> = {
            #(#fns)*
            crate::pagination::Pager {
                next: crate::pagination::NextPage::#next,
                #(#fields),*
            }
        };
    }
}

/// An expression making the `RequestBody` from the body: `place` names it (`body`: its fields
/// are `body.name`), `reference` is a reference to it (`&body`, or `body` where it is one).
fn body_encoding(
    model: &Model,
    b: &RequestBody,
    place: &TokenStream,
    reference: &TokenStream,
) -> TokenStream {
    match &b.encoding {
        // Other JSON media types (`application/merge-patch+json`) go as bytes under their name.
        BodyEncoding::Json if !matches!(b.media_type.as_str(), "application/json" | "*/*" | "") => {
            let content_type = &b.media_type;
            quote! {
                crate::client::RequestBody::Bytes {
                    content_type: #content_type,
                    data: crate::client::encode_json(#reference)?.into(),
                }
            }
        }
        BodyEncoding::Json => {
            quote! { crate::client::RequestBody::Json(crate::client::encode_json(#reference)?) }
        }
        // Moved, not encoded from a reference: see the caller.
        BodyEncoding::Bytes(_) | BodyEncoding::Text(_) => TokenStream::new(),
        BodyEncoding::Form => match struct_fields(model, &b.ty) {
            // A struct body: each property written as a form field in its `encoding` style
            // (objects as JSON text unless a style says otherwise, as OpenAPI 3.0 defines).
            Some(fields) => {
                let pairs = quote! { form_pairs };
                let pushes = fields.iter().filter(|f| f.shape.ty != TypeRef::File).map(|f| {
                    let id = format_ident!("{}", f.ident);
                    if f.additional {
                        // Each additional property a form field of its name, as an object
                        // parameter's members are written.
                        return quote! {
                            crate::params::push_object(&mut form_pairs, "", &#place.#id, crate::params::ObjectStyle::FormExplode)?;
                        };
                    }
                    let wire = &f.wire_name;
                    let style = b.field_styles.iter().find(|(name, _)| name == wire).map(|(_, style)| *style);
                    let structured = !is_scalar(model, &f.shape.ty)
                        && !matches!(&f.shape.ty, TypeRef::Array(inner) if is_scalar(model, inner));
                    let push = if structured && style.is_none() {
                        quote! {
                            form_pairs.push((
                                #wire.to_owned(),
                                ::serde_json::to_string(value).map_err(|source| crate::Error::Encode { source })?,
                            ));
                        }
                    } else {
                        let binding = ParamBinding {
                            ident: f.ident.clone(),
                            wire_name: f.wire_name.clone(),
                            location: ParamLocation::Query,
                            style: style.unwrap_or(ParamStyle::Form { explode: true }),
                            required: f.required,
                            ty: f.shape.ty.clone(),
                            pointer: String::new(),
                        };
                        param_push(model, &binding, Some(&pairs))
                    };
                    if f.required && !f.nullable {
                        quote! { { let value = &#place.#id; #push } }
                    } else {
                        // Form and multipart bodies have no `null`: an explicit one is left out.
                        let some = super::types::some_value(f);
                        quote! { if let #some = &#place.#id { #push } }
                    }
                }).collect::<Vec<_>>();
                if pushes.is_empty() {
                    // Only files, which a form cannot carry (fungenerators' QR decoder): an
                    // empty form, rather than an unused `mut` binding.
                    return quote! {
                        {
                            let _ = #reference;
                            crate::client::RequestBody::Form(::std::vec::Vec::new())
                        }
                    };
                }
                quote! {
                    {
                        let mut form_pairs: ::std::vec::Vec<(::std::string::String, ::std::string::String)> = ::std::vec::Vec::new();
                        #(#pushes)*
                        crate::client::RequestBody::Form(form_pairs)
                    }
                }
            }
            None => quote! {
                {
                    let mut form_pairs = ::std::vec::Vec::new();
                    crate::params::push_object(&mut form_pairs, "", #reference, crate::params::ObjectStyle::FormExplode)?;
                    crate::client::RequestBody::Form(form_pairs)
                }
            },
        },
        BodyEncoding::Multipart => {
            // A struct body: one part per field, files as file parts; anything else: text parts
            // from its form encoding.
            match struct_fields(model, &b.ty) {
                Some(fields) => {
                    let parts = fields.iter().map(|f| {
                        let id = format_ident!("{}", f.ident);
                        if f.additional {
                            // One text part per additional property, written as in a form.
                            return quote! {
                                {
                                    let mut form_pairs = ::std::vec::Vec::new();
                                    crate::params::push_object(&mut form_pairs, "", &#place.#id, crate::params::ObjectStyle::FormExplode)?;
                                    parts.extend(form_pairs.into_iter().map(|(name, text)| crate::client::MultipartPart { name, value: crate::client::PartValue::Text(text) }));
                                }
                            };
                        }
                        let wire = &f.wire_name;
                        let value = match &f.shape.ty {
                            TypeRef::File => quote! { crate::client::PartValue::File(value.clone()) },
                            ty if is_scalar(model, ty) => {
                                let t = scalar_text(model, ty, &quote! { value });
                                quote! { crate::client::PartValue::Text(#t) }
                            }
                            _ => quote! { crate::client::PartValue::Text(::serde_json::to_string(value).map_err(|source| crate::Error::Encode { source })?) },
                        };
                        let push = quote! { parts.push(crate::client::MultipartPart { name: #wire.to_owned(), value: #value }); };
                        if f.required && !f.nullable {
                            quote! { { let value = &#place.#id; #push } }
                        } else {
                            let some = super::types::some_value(f);
                            quote! { if let #some = &#place.#id { #push } }
                        }
                    });
                    let parts: Vec<TokenStream> = parts.collect();
                    if parts.is_empty() {
                        return quote! {
                            {
                                let _ = #reference;
                                crate::client::RequestBody::Multipart(::std::vec::Vec::new())
                            }
                        };
                    }
                    quote! {
                        {
                            let mut parts = ::std::vec::Vec::new();
                            #(#parts)*
                            crate::client::RequestBody::Multipart(parts)
                        }
                    }
                }
                None => quote! {
                    {
                        let mut form_pairs = ::std::vec::Vec::new();
                        crate::params::push_object(&mut form_pairs, "", #reference, crate::params::ObjectStyle::FormExplode)?;
                        crate::client::RequestBody::Multipart(
                            form_pairs
                                .into_iter()
                                .map(|(name, text)| crate::client::MultipartPart { name, value: crate::client::PartValue::Text(text) })
                                .collect(),
                        )
                    }
                },
            }
        }
    }
}

/// The fields of `ty` when it names a struct.
fn struct_fields<'m>(model: &'m Model, ty: &TypeRef) -> Option<&'m Vec<crate::model::Field>> {
    match ty {
        TypeRef::Named(n) => match model.types.get(n).map(|t| &t.kind) {
            Some(TypeKind::Struct(s)) => Some(&s.fields),
            _ => None,
        },
        _ => None,
    }
}
