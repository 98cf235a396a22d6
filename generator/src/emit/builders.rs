//! Fluent builders for request types, in the aws-sdk-rust manner: `x(impl Into<T>)`,
//! `set_x(Option<T>)`, and a `build()` that reports every violation at once, missing required
//! fields included. No `get_x()`: the built value's fields are public, and on specs the size of
//! GitHub's the getters were a quarter of the builder code to generate and compile.
//!
//! Builders live in their own module, `builders`, under their type's name (`types::Pet::builder()`
//! returns a `builders::Pet`), as typify's do: no schema name can collide with a builder's, a
//! schema called `PetBuilder` included.

use super::rust_type::{self, From};
use super::types::{inner_type, slot_type};
use super::validation;
use crate::model::{Field, Model, Struct, TypeRef};
use crate::names::{BuilderMethods, builder_methods};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// `impl Name { fn builder() }`, for the `types` module.
pub(crate) fn constructor(name: &str) -> TokenStream {
    let ident = format_ident!("{}", name);
    quote! {
        impl #ident {
            /// Starts a builder; `build()` checks the value against the API's constraints.
            pub fn builder() -> crate::builders::#ident {
                ::std::default::Default::default()
            }
        }
    }
}

/// The builder of struct `name`, for the `builders` module.
pub(crate) fn builder(model: &Model, name: &str, s: &Struct) -> TokenStream {
    let ident = format_ident!("{}", name);
    let target = quote! { crate::types::#ident };
    let builder_doc = format!(
        " Builds a [`crate::types::{name}`], checking every constraint of the API in [`{name}::build`]."
    );
    let names = builder_methods(
        &s.fields
            .iter()
            .map(|f| (f.ident.as_str(), f.explicit_null))
            .collect::<Vec<_>>(),
    );
    let slots = s.fields.iter().map(|f| {
        let id = format_ident!("{}", f.ident);
        let ty = slot_type(f, From::Crate);
        if f.additional {
            quote! { #id: #ty, }
        } else {
            quote! { #id: ::std::option::Option<#ty>, }
        }
    });
    let methods = s.fields.iter().zip(&names).map(|(f, names)| {
        if f.additional {
            return additional_methods(name, f, names);
        }
        let id = format_ident!("{}", f.ident);
        let setter = format_ident!("{}", names.setter);
        let set = format_ident!("{}", names.set);
        let ty = inner_type(f, From::Crate);
        let slot = slot_type(f, From::Crate);
        // One line pointing at the field: its full documentation lives there once.
        let doc = format!(
            " Sets {}: see [`crate::types::{name}::{}`].",
            super::docs::inline_code(&f.wire_name),
            f.ident
        );
        let set_doc = format!(
            " Sets or clears {}.",
            super::docs::inline_code(&f.wire_name)
        );
        let value = if f.explicit_null {
            quote! { Some(Some(value.into())) }
        } else {
            quote! { Some(value.into()) }
        };
        // Absent and `null` differ: a third method sends `null`.
        let null = names.null.as_ref().map(|null| {
            let null = format_ident!("{}", null);
            let null_doc = format!(
                " Sends {} as `null`: the server clears it.",
                super::docs::inline_code(&f.wire_name)
            );
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
            pub fn #setter(mut self, value: impl ::std::convert::Into<#ty>) -> Self {
                self.#id = #value;
                self
            }
            #[doc = #set_doc]
            pub fn #set(mut self, value: ::std::option::Option<#slot>) -> Self {
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
    // The same checks as `validate()`, one function, given the builder's slots.
    let checks = validation::field_checks(model, name, s).map(|checks| {
        let args = checks.fields.iter().map(|f| validation::field_arg(f, true));
        quote! { #target::check_fields(&path, &mut v, #(#args),*); }
    });
    let inits: Vec<TokenStream> = s
        .fields
        .iter()
        .map(|f| {
            let id = format_ident!("{}", f.ident);
            if f.required && !f.nullable && !f.additional {
                quote! { #id, }
            } else {
                quote! { #id: self.#id, }
            }
        })
        .collect();
    let build_body = if must_have.is_empty() {
        quote! {
            if !v.is_empty() {
                return Err(v.into_error());
            }
            Ok(#target { #(#inits)* })
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
        // The validator's verdict is matched beside the fields, not in a guard: a required
        // field called `v` binds a `v` that would shadow the validator there.
        quote! {
            match (v.is_empty(), #(#takes,)*) {
                (true, #(#somes,)*) => Ok(#target { #(#inits)* }),
                _ => Err(v.into_error()),
            }
        }
    };
    // Constraints on the object as a whole are checked on the value built: beside the fields'
    // violations when every field is optional, after them otherwise.
    let build_body = if s.alternatives.is_empty() {
        build_body
    } else {
        let alternatives =
            validation::alternatives_checks(&s.alternatives, &quote! { &value }, &quote! { &path });
        if must_have.is_empty() {
            quote! {
                let value = #target { #(#inits)* };
                #alternatives
                v.finish().map(|()| value)
            }
        } else {
            quote! {
                let value = { #build_body }?;
                let mut v = crate::validation::Validator::new();
                #alternatives
                v.finish().map(|()| value)
            }
        }
    };
    let uses_path = !must_have.is_empty() || checks.is_some() || !s.alternatives.is_empty();
    let path_decl = uses_path.then(|| quote! { let path = crate::validation::FieldPath::root(); });
    let v_mut = uses_path.then(|| quote! { mut });
    let placeholder = super::types::placeholder_names(s.fields.iter());
    quote! {
        #[doc = #builder_doc]
        #[derive(Debug, Clone, Default)]
        pub struct #ident { #(#slots)* }
        impl #ident {
            #(#methods)*
            /// Checks every constraint of the API and returns the value, or every violation found
            /// (missing required fields included).
            #placeholder
            pub fn build(self) -> ::std::result::Result<#target, crate::validation::ValidationError> {
                let #v_mut v = crate::validation::Validator::new();
                #path_decl
                #(#missing)*
                #checks
                #build_body
            }
        }
    }
}

/// The builder's methods for the additional properties, as aws-sdk-rust's for maps: `x(key,
/// value)` adds one, `set_x(map)` replaces them all.
fn additional_methods(name: &str, f: &Field, names: &BuilderMethods) -> TokenStream {
    let id = format_ident!("{}", f.ident);
    let setter = format_ident!("{}", names.setter);
    let set = format_ident!("{}", names.set);
    let map = slot_type(f, From::Crate);
    let value = match &f.shape.ty {
        TypeRef::Map(inner) => rust_type::tokens(inner, From::Crate),
        _ => quote! { ::serde_json::Value },
    };
    let doc = format!(
        " Adds one property beyond the named ones (replacing one of that name): see [`crate::types::{name}::{}`].",
        f.ident
    );
    let set_doc = " Replaces every property beyond the named ones.";
    quote! {
        #[doc = #doc]
        pub fn #setter(mut self, key: impl ::std::convert::Into<::std::string::String>, value: impl ::std::convert::Into<#value>) -> Self {
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
