//! Fluent builders for request types, in the aws-sdk-rust manner: `x(impl Into<T>)`,
//! `set_x(Option<T>)`, and a `build()` that reports every violation at once, missing required
//! fields included. No `get_x()`: the built value's fields are public, and on specs the size of
//! GitHub's the getters were a quarter of the builder code to generate and compile.

use super::rust_type::{self, From};
use super::types::{inner_type, slot_type};
use super::validation;
use crate::model::{Field, Model, Struct, TypeRef};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

/// `impl Name { fn builder() }` and `NameBuilder`.
pub(crate) fn builder(model: &Model, name: &str, s: &Struct) -> TokenStream {
    let ident = format_ident!("{}", name);
    let builder = format_ident!("{}Builder", name);
    // A field called `default` gives the builder a `default(value)` method: name the trait's.
    let new_builder = if s.fields.iter().any(|f| f.ident == "default") {
        quote! { <#builder as ::std::default::Default>::default() }
    } else {
        quote! { #builder::default() }
    };
    let builder_doc = format!(
        " Builds a [`{name}`], checking every constraint of the API in [`{name}Builder::build`]."
    );
    let slots = s.fields.iter().map(|f| {
        let id = format_ident!("{}", f.ident);
        let ty = slot_type(f);
        if f.additional {
            quote! { #id: #ty, }
        } else {
            quote! { #id: Option<#ty>, }
        }
    });
    let methods = s.fields.iter().map(|f| {
        if f.additional {
            return additional_methods(name, f);
        }
        let (id, setter, set) = method_names(f);
        let ty = inner_type(f);
        let slot = slot_type(f);
        // One line pointing at the field: its full documentation lives there once.
        let doc = format!(" Sets `{}`: see [`{name}::{}`].", f.wire_name, f.ident);
        let set_doc = format!(" Sets or clears `{}`.", f.wire_name);
        let value = if f.explicit_null {
            quote! { Some(Some(value.into())) }
        } else {
            quote! { Some(value.into()) }
        };
        // Absent and `null` differ: a third method sends `null`.
        let null = f.explicit_null.then(|| {
            let null = format_ident!("null_{}", f.ident.trim_end_matches('_'));
            let null_doc = format!(" Sends `{}` as `null`: the server clears it.", f.wire_name);
            quote! {
                #[doc = #null_doc]
                pub fn #null(mut self) -> Self {
                    self.#id = Some(None);
                    self
                }
            }
        });
        quote! {
            #[doc = #doc]
            pub fn #setter(mut self, value: impl Into<#ty>) -> Self {
                self.#id = #value;
                self
            }
            #[doc = #set_doc]
            pub fn #set(mut self, value: Option<#slot>) -> Self {
                self.#id = value;
                self
            }
            #null
        }
    });
    let must_have: Vec<_> = s
        .fields
        .iter()
        .filter(|f| f.required && !f.nullable)
        .collect();
    let missing = must_have.iter().map(|f| {
        let id = format_ident!("{}", f.ident);
        let wire = &f.wire_name;
        quote! { if self.#id.is_none() { v.required(&path.field(#wire)); } }
    });
    // The same checks as `validate()`, read from the builder's slots.
    let checks = validation::struct_checks(model, s, &quote! { &path }, true);
    let inits = s.fields.iter().map(|f| {
        let id = format_ident!("{}", f.ident);
        if f.required && !f.nullable && !f.additional {
            quote! { #id, }
        } else {
            quote! { #id: self.#id, }
        }
    });
    let build_body = if must_have.is_empty() {
        quote! {
            if !v.is_empty() {
                return Err(v.into_error());
            }
            Ok(#ident { #(#inits)* })
        }
    } else {
        let takes = must_have.iter().map(|f| {
            let id = format_ident!("{}", f.ident);
            quote! { self.#id }
        });
        let somes = must_have.iter().map(|f| {
            let id = format_ident!("{}", f.ident);
            quote! { Some(#id) }
        });
        quote! {
            match (#(#takes,)*) {
                (#(#somes,)*) if v.is_empty() => Ok(#ident { #(#inits)* }),
                _ => Err(v.into_error()),
            }
        }
    };
    let uses_path = !must_have.is_empty() || !checks.is_empty();
    let path_decl = uses_path.then(|| quote! { let path = crate::validation::FieldPath::root(); });
    let v_mut = uses_path.then(|| quote! { mut });
    quote! {
        impl #ident {
            /// Starts a builder; `build()` checks the value against the API's constraints.
            pub fn builder() -> #builder {
                #new_builder
            }
        }
        #[doc = #builder_doc]
        #[derive(Debug, Clone, Default)]
        pub struct #builder { #(#slots)* }
        impl #builder {
            #(#methods)*
            /// Checks every constraint of the API and returns the value, or every violation found
            /// (missing required fields included).
            pub fn build(self) -> Result<#ident, crate::validation::ValidationError> {
                let #v_mut v = crate::validation::Validator::new();
                #path_decl
                #(#missing)*
                #(#checks)*
                #build_body
            }
        }
    }
}

/// The builder's methods for the additional properties, as aws-sdk-rust's for maps: `x(key,
/// value)` adds one, `set_x(map)` replaces them all.
fn additional_methods(name: &str, f: &Field) -> TokenStream {
    let (id, setter, set) = method_names(f);
    let map = slot_type(f);
    let value = match &f.shape.ty {
        TypeRef::Map(inner) => rust_type::tokens(inner, From::Types),
        _ => quote! { ::serde_json::Value },
    };
    let doc = format!(
        " Adds one property beyond the named ones (replacing one of that name): see [`{name}::{}`].",
        f.ident
    );
    let set_doc = " Replaces every property beyond the named ones.";
    quote! {
        #[doc = #doc]
        pub fn #setter(mut self, key: impl Into<String>, value: impl Into<#value>) -> Self {
            self.#id.insert(key.into(), value.into());
            self
        }
        #[doc = #set_doc]
        pub fn #set(mut self, value: #map) -> Self {
            self.#id = value;
            self
        }
    }
}

/// The builder slot of `f`, its setter (`x`) and its `set_x`. A field called `build` would
/// shadow the builder's own `build()`: its setter is `build_value`.
fn method_names(f: &Field) -> (Ident, Ident, Ident) {
    let id = format_ident!("{}", f.ident);
    let setter = if f.ident == "build" {
        format_ident!("build_value")
    } else {
        id.clone()
    };
    let set = format_ident!("set_{}", f.ident.trim_end_matches('_'));
    (id, setter, set)
}
