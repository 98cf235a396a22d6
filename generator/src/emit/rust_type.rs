//! The Rust spelling of a model [`TypeRef`], from inside the `types` module or from elsewhere in
//! the crate.

use crate::model::{IntWidth, TypeRef};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// Where the type is named from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum From {
    /// Inside `types`: named types by bare name.
    Types,
    /// Elsewhere in the crate: `crate::types::Name`.
    Crate,
}

/// The Rust type for `ty`.
pub(crate) fn tokens(ty: &TypeRef, from: From) -> TokenStream {
    match ty {
        TypeRef::String => quote! { ::std::string::String },
        TypeRef::Integer(IntWidth::I8) => quote! { i8 },
        TypeRef::Integer(IntWidth::I16) => quote! { i16 },
        TypeRef::Integer(IntWidth::I32) => quote! { i32 },
        TypeRef::Integer(IntWidth::I64) => quote! { i64 },
        TypeRef::Integer(IntWidth::U8) => quote! { u8 },
        TypeRef::Integer(IntWidth::U16) => quote! { u16 },
        TypeRef::Integer(IntWidth::U32) => quote! { u32 },
        TypeRef::Integer(IntWidth::U64) => quote! { u64 },
        TypeRef::Number => quote! { f64 },
        TypeRef::Boolean => quote! { bool },
        TypeRef::Named(name) => {
            let ident = format_ident!("{}", name);
            match from {
                From::Types => quote! { #ident },
                From::Crate => quote! { crate::types::#ident },
            }
        }
        TypeRef::Array(inner) => {
            let inner = tokens(inner, from);
            quote! { ::std::vec::Vec<#inner> }
        }
        TypeRef::Map(inner) => {
            let inner = tokens(inner, from);
            quote! { ::std::collections::BTreeMap<::std::string::String, #inner> }
        }
        TypeRef::Tuple(items) => {
            let items = items.iter().map(|item| tokens(item, from));
            quote! { (#(#items,)*) }
        }
        TypeRef::OrEmpty(inner) => {
            let inner = tokens(inner, from);
            quote! { crate::OrEmpty<#inner> }
        }
        TypeRef::Nullable(inner) => {
            let inner = tokens(inner, from);
            quote! { ::std::option::Option<#inner> }
        }
        TypeRef::Object => quote! { ::serde_json::Map<::std::string::String, ::serde_json::Value> },
        TypeRef::JsonText { .. } => quote! { crate::JsonText },
        TypeRef::File => quote! { crate::FileUpload },
        TypeRef::Any => quote! { ::serde_json::Value },
    }
}
