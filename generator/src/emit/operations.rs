//! The `operations` module: one struct per tag (`TrackApi`), reached from the client by an
//! accessor (`client.track()`), with one async method per operation. Each method validates its
//! input, builds the request and hands it to the runtime (`crate::client`), which owns HTTP,
//! authentication, retries and error mapping.

use super::docs;
use super::rust_type::{self, From};
use super::validation;
use crate::model::{Auth, Group, Model, Operation, Param, TypeKind, TypeRef};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

/// Every group and its operations.
pub(crate) fn module(model: &Model) -> TokenStream {
    let groups = model.groups.iter().map(|g| group(model, g));
    quote! { #(#groups)* }
}

fn group(model: &Model, group: &Group) -> TokenStream {
    let Group {
        tag,
        accessor,
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
    let ty = match &p.shape.ty {
        TypeRef::String => quote! { &str },
        other => rust_type::tokens(other, From::Crate),
    };
    if p.required {
        ty
    } else {
        quote! { Option<#ty> }
    }
}

/// The parameter's value as a `String` for the URL, from `value` of the parameter's type.
fn param_to_string(model: &Model, p: &Param, value: &TokenStream) -> TokenStream {
    match &p.shape.ty {
        TypeRef::String => quote! { #value },
        TypeRef::Named(n)
            if matches!(model.types.get(n).map(|t| &t.kind), Some(TypeKind::Enum(_))) =>
        {
            quote! { #value.as_str() }
        }
        _ => quote! { &#value.to_string() },
    }
}

fn operation_doc(op: &Operation) -> TokenStream {
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
        (_, true) => "Retries: 429, 408, 5xx, timeouts and connection failures are retried (the method is idempotent).".to_owned(),
        (Some(key), false) => format!(
            "Retries: 429 always; 408, 5xx, timeouts and connection failures only when `{}` is set, since it makes a repeat harmless.",
            key.wire_name
        ),
        (None, false) => "Retries: 429 only; other failures are not retried, since a repeat could be processed twice.".to_owned(),
    };
    parts.push(retry);
    if !op.errors.is_empty() {
        let statuses: Vec<String> = op.errors.iter().map(|e| e.status.to_string()).collect();
        parts.push(format!(
            "Errors: [`crate::Error::Validation`] before anything is sent; [`crate::Error::Api`] for the documented statuses {}; see [`crate::Error`] for the rest.",
            statuses.join(", ")
        ));
    }
    let mut doc = docs::paragraphs(&parts);
    if op.deprecated {
        doc.extend(quote! { #[deprecated] });
    }
    doc
}

fn operation(model: &Model, op: &Operation) -> TokenStream {
    let method = format_ident!("{}", op.method_name);
    let doc = operation_doc(op);

    // Arguments: path parameters, the body, then query parameters.
    let mut args = Vec::new();
    for p in &op.path_params {
        let id = format_ident!("{}", p.ident);
        let ty = param_type(p);
        args.push(quote! { #id: #ty });
    }
    let body_ty = op.body.as_ref().map(|b| {
        let ty = rust_type::tokens(&b.ty, From::Crate);
        if b.required {
            ty
        } else {
            quote! { Option<#ty> }
        }
    });
    if let Some(ty) = &body_ty {
        args.push(quote! { body: #ty });
    }
    for p in &op.query_params {
        let id = format_ident!("{}", p.ident);
        let ty = param_type(p);
        args.push(quote! { #id: #ty });
    }
    let too_many = (args.len() > 6).then(|| quote! { #[allow(clippy::too_many_arguments)] });

    // Validation of every input before anything is sent.
    let mut checks = TokenStream::new();
    for p in op.path_params.iter().chain(&op.query_params) {
        let body = validation::checks(model, &p.shape, &quote! { value }, &quote! { &path });
        if body.is_empty() {
            continue;
        }
        let id = format_ident!("{}", p.ident);
        let wire = &p.wire_name;
        checks.extend(if p.required {
            quote! { { let value = &#id; let path = root.field(#wire); #body } }
        } else {
            quote! { if let Some(value) = &#id { let path = root.field(#wire); #body } }
        });
    }
    if let Some(b) = &op.body {
        let shape = crate::model::Shape {
            ty: b.ty.clone(),
            constraints: Default::default(),
        };
        let body_checks = validation::checks(model, &shape, &quote! { value }, &quote! { &root });
        if !body_checks.is_empty() {
            checks.extend(if b.required {
                quote! { { let value = &body; #body_checks } }
            } else {
                quote! { if let Some(value) = &body { #body_checks } }
            });
        }
    }
    let validate = (!checks.is_empty()).then(|| {
        quote! {
            let mut v = crate::validation::Validator::new();
            let root = crate::validation::FieldPath::root();
            #checks
            if !v.is_empty() {
                return Err(v.into_error().into());
            }
        }
    });

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
                let value = param_to_string(model, p, &quote! { #id });
                pieces.push(quote! { &crate::client::encode_path_segment(#value) });
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

    let query_expr = if op.query_params.is_empty() {
        quote! { Vec::new() }
    } else {
        let pushes = op.query_params.iter().map(|p| {
            let id = format_ident!("{}", p.ident);
            let wire = &p.wire_name;
            let owned = match &p.shape.ty {
                TypeRef::Named(_) => quote! { value.as_str().to_owned() },
                _ => quote! { value.to_string() },
            };
            if p.required {
                quote! { let value = &#id; query.push((#wire, #owned)); }
            } else {
                quote! { if let Some(value) = &#id { query.push((#wire, #owned)); } }
            }
        });
        quote! { { let mut query = Vec::new(); #(#pushes)* query } }
    };

    let json_body = match &op.body {
        None => quote! { None },
        Some(b) if b.required => quote! { Some(crate::client::encode_json(&body)?) },
        Some(_) => quote! { body.as_ref().map(crate::client::encode_json).transpose()? },
    };
    let carries_key = match (&op.idempotency_key, &op.body) {
        (Some(key), Some(b)) => {
            let f = format_ident!("{}", key.ident);
            let field = if key.optional {
                quote! { b.#f.as_deref().is_some_and(|key| !key.is_empty()) }
            } else {
                quote! { !b.#f.is_empty() }
            };
            if b.required {
                quote! { { let b = &body; #field } }
            } else {
                quote! { body.as_ref().is_some_and(|b| #field) }
            }
        }
        _ => quote! { false },
    };

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
    let successes = op
        .success
        .statuses
        .iter()
        .map(|s| Literal::u16_unsuffixed(*s));
    let errors = op.errors.iter().map(|e| Literal::u16_unsuffixed(e.status));
    let auth = match op.auth {
        Auth::Bearer => quote! { crate::client::Auth::Bearer },
        Auth::None => quote! { crate::client::Auth::None },
    };

    let (ret, call) = match &op.success.ty {
        Some(ty) => {
            let ty = rust_type::tokens(ty, From::Crate);
            (
                ty.clone(),
                quote! { self.client.execute::<#ty>(&OPERATION, request).await },
            )
        }
        None => (
            quote! { () },
            quote! {
                self.client.execute::<::serde::de::IgnoredAny>(&OPERATION, request).await?;
                Ok(())
            },
        ),
    };

    quote! {
        #doc
        #too_many
        pub async fn #method(&self, #(#args),*) -> Result<#ret, crate::Error> {
            static OPERATION: crate::client::OperationInfo = crate::client::OperationInfo {
                operation_id: #operation_id,
                method: ::reqwest::Method::#http,
                path_template: #template,
                idempotent: #idempotent,
                idempotency_key: #key,
                success_statuses: &[#(#successes),*],
                documented_errors: &[#(#errors),*],
                auth: #auth,
            };
            #validate
            let request = crate::client::PreparedRequest {
                path: #path_expr,
                query: #query_expr,
                json_body: #json_body,
                carries_idempotency_key: #carries_key,
            };
            #call
        }
    }
}
