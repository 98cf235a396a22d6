//! The `types` module: one Rust item per model type. Structs derive serde with wire names;
//! string enums keep unknown values; request types get `impl Validate` (see `validation.rs`) and
//! a builder (see `builders.rs`).
//!
//! The spec's names share this module's namespace with the prelude's, so a schema may be called
//! `Option`, `Into` or `String`: generated code names every std item by its absolute path
//! (`::std::option::Option`). `Some`, `None`, `Ok` and `Err` stay bare: they live in the value
//! namespace, where this module defines nothing (its structs have named fields; the rest are
//! enums and type aliases). Generic parameters are `__D` and `__S`, names no schema can take.

use super::rust_type::{self, From};
use super::{Unit, docs};
use super::{builders, validation};
use crate::model::{Field, Model, Shape, StringEnum, Struct, TypeDef, TypeKind, Union};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// Every type of the model, in name order.
pub(crate) fn type_def(model: &Model, def: &TypeDef) -> Unit {
    let TypeDef {
        name,
        pointer: _,
        description,
        kind,
        in_request,
        deprecated,
        groups: _,
    } = def;
    let mut doc = docs::doc(description.as_deref());
    if *deprecated {
        doc.extend(quote! { #[deprecated] });
    }
    match kind {
        TypeKind::Struct(s) => Unit::Items(struct_def(model, name, doc, s, *in_request)),
        TypeKind::Enum(e) => enum_def(name, doc, e),
        TypeKind::Union(u) => Unit::Items(union_def(model, name, doc, u, *in_request)),
        TypeKind::Alias(shape) => {
            let ident = format_ident!("{}", name);
            let ty = rust_type::tokens(&shape.ty, From::Types);
            Unit::Items(quote! { #doc pub type #ident = #ty; })
        }
    }
}

/// The field's Rust type: `Option` unless required and not nullable, `Option<Option<_>>` when
/// absent and `null` differ; boxed when the type holds itself directly.
pub(crate) fn field_type(field: &Field) -> TokenStream {
    let slot = slot_type(field, From::Types);
    // The additional properties are a map, empty when there are none.
    if (field.required && !field.nullable) || field.additional {
        slot
    } else {
        quote! { ::std::option::Option<#slot> }
    }
}

/// The field's type without the outer `Option`: what a builder slot holds once set.
pub(crate) fn slot_type(field: &Field, from: From) -> TokenStream {
    let inner = inner_type(field, from);
    if field.explicit_null {
        quote! { ::std::option::Option<#inner> }
    } else {
        inner
    }
}

/// The field's value type, without any `Option`.
pub(crate) fn inner_type(field: &Field, from: From) -> TokenStream {
    let ty = rust_type::tokens(&field.shape.ty, from);
    if field.boxed {
        quote! { ::std::boxed::Box<#ty> }
    } else {
        ty
    }
}

/// The pattern that binds a field's value, if it has one: `Some(value)`, or `Some(Some(value))`
/// for a field that tells absent from `null`.
pub(crate) fn some_value(field: &Field) -> TokenStream {
    if field.explicit_null {
        quote! { Some(Some(value)) }
    } else {
        quote! { Some(value) }
    }
}

/// Field docs: the description, then the server's default.
fn field_doc(field: &Field) -> TokenStream {
    let mut parts = Vec::new();
    if field.additional {
        parts.push(
            "The properties beyond the named ones (`additionalProperties`), by name. A name that \
             has a field of its own is refused by validation: set it through that field."
                .to_owned(),
        );
    }
    if let Some(d) = &field.description {
        parts.push(docs::sanitize(d.trim()));
    }
    if let Some(default) = &field.default {
        parts.push(format!(
            "Server default when omitted: {}.",
            docs::code(default)
        ));
    }
    if field.explicit_null {
        parts.push(
            "`None` leaves the field out (the server keeps its value); `Some(None)` sends `null` \
             (the server clears it)."
                .to_owned(),
        );
    }
    let mut doc = docs::paragraphs(&parts);
    if field.deprecated {
        doc.extend(quote! { #[deprecated] });
    }
    doc
}

fn struct_def(
    model: &Model,
    name: &str,
    doc: TokenStream,
    s: &Struct,
    in_request: bool,
) -> TokenStream {
    let ident = format_ident!("{}", name);
    let fields = s.fields.iter().map(|field| {
        let f = format_ident!("{}", field.ident);
        let ty = field_type(field);
        let doc = field_doc(field);
        quote! { #doc pub #f: #ty, }
    });
    let request_items = in_request.then(|| {
        let validate = validate_impl(model, name, s);
        let builder = builders::constructor(name);
        quote! { #validate #builder }
    });
    // Every field optional: `Default` gives the empty value (handy for parameter structs).
    let default = s
        .fields
        .iter()
        .all(|f| !f.required || f.nullable)
        .then(|| quote! { Default, });
    // `Debug` through the runtime (`object::debug`), but derived for a struct holding a file,
    // whose derived `Debug` shows its size rather than its bytes.
    let holds_file = s.fields.iter().any(|f| holds_file(model, &f.shape.ty, 0));
    let derive_debug = holds_file.then(|| quote! { Debug, });
    let serde = struct_serde(name, s, !holds_file);
    quote! {
        #doc
        #[derive(#derive_debug Clone, PartialEq, #default)]
        #[non_exhaustive]
        pub struct #ident { #(#fields)* }
        #serde
        #request_items
    }
}

/// `#[allow(clippy::disallowed_names)]` for a function that binds fields by their names, when
/// one is a name clippy flags by default as a placeholder (a Slack schema has a field `foo`).
pub(crate) fn placeholder_names<'f>(
    fields: impl Iterator<Item = &'f Field>,
) -> Option<TokenStream> {
    const CLIPPY_DEFAULT_DISALLOWED: [&str; 3] = ["foo", "baz", "quux"];
    let mut fields = fields;
    fields
        .any(|f| CLIPPY_DEFAULT_DISALLOWED.contains(&f.ident.as_str()))
        .then(|| quote! { #[allow(clippy::disallowed_names)] })
}

/// Whether values of `ty` hold a file (`crate::FileUpload`) themselves, not inside another struct.
fn holds_file(model: &Model, ty: &crate::model::TypeRef, depth: usize) -> bool {
    use crate::model::TypeRef;
    match ty {
        _ if depth > 16 => false,
        TypeRef::File => true,
        TypeRef::Array(inner)
        | TypeRef::Map(inner)
        | TypeRef::OrEmpty(inner)
        | TypeRef::Nullable(inner) => holds_file(model, inner, depth + 1),
        TypeRef::Tuple(items) => items.iter().any(|item| holds_file(model, item, depth + 1)),
        TypeRef::Named(n) => match model.types.get(n).map(|def| &def.kind) {
            Some(TypeKind::Alias(shape)) => holds_file(model, &shape.ty, depth + 1),
            _ => false,
        },
        _ => false,
    }
}

/// `Serialize` and `Deserialize` for a struct, written against the runtime's `object` module
/// rather than derived: serde's derives were half of a generated crate's check time (see
/// `runtime/object.rs`). Decoding reads only objects; encoding leaves unset optional fields out
/// and writes the additional properties after the named ones.
fn struct_serde(name: &str, s: &Struct, debug: bool) -> TokenStream {
    let ident = format_ident!("{}", name);
    let field = |f: &Field| format_ident!("{}", f.ident);
    let additional = s.fields.iter().find(|f| f.additional);
    let named: Vec<&Field> = s.fields.iter().filter(|f| !f.additional).collect();
    // A field is written always when required (`null` when a required nullable one is `None`),
    // else only when set.
    let always = |f: &Field| f.required && !f.explicit_null;

    let writes = named.iter().map(|f| {
        let id = field(f);
        let wire = &f.wire_name;
        if always(f) {
            quote! { object.field(#wire, &self.#id); }
        } else {
            quote! { object.optional(#wire, &self.#id); }
        }
    });
    let write_extra = additional.map(|f| {
        let id = field(f);
        quote! { object.extra(&self.#id); }
    });

    // While decoding, each named field is `None` until its property arrives; a field that tells
    // absent from `null` is that `Option` already.
    let partial_fields = s.fields.iter().map(|f| {
        let id = field(f);
        let ty = field_type(f);
        if f.additional || f.explicit_null {
            quote! { #id: #ty, }
        } else {
            quote! { #id: ::std::option::Option<#ty>, }
        }
    });
    let empty_fields = s.fields.iter().map(|f| {
        let id = field(f);
        if f.additional {
            quote! { #id: ::std::default::Default::default(), }
        } else {
            quote! { #id: ::std::option::Option::None, }
        }
    });
    // A property that must be there: `finish` has nothing to put in the field without it.
    let must = |f: &Field| f.required && !f.nullable && !f.explicit_null;
    // The wire names the runtime looks keys up in, the required ones first.
    let order: Vec<&Field> = named
        .iter()
        .filter(|f| must(f))
        .chain(named.iter().filter(|f| !must(f)))
        .copied()
        .collect();
    let wire_names = order.iter().map(|f| &f.wire_name);
    let required = proc_macro2::Literal::usize_unsuffixed(named.iter().filter(|f| must(f)).count());
    let arms = order.iter().enumerate().map(|(i, f)| {
        let id = field(f);
        let i = proc_macro2::Literal::usize_unsuffixed(i);
        quote! { #i => crate::object::put(&mut partial.#id, map), }
    });
    let field_fn = (!named.is_empty()).then(|| {
        quote! {
            fn field<'de, __A: ::serde::de::MapAccess<'de>>(partial: &mut __Partial, index: usize, map: &mut __A) -> ::std::result::Result<(), __A::Error> {
                match index {
                    #(#arms)*
                    _ => crate::object::skip(map),
                }
            }
        }
    });
    // A struct without named fields reads every property as `other`.
    let field_fn = field_fn.unwrap_or_else(|| {
        quote! {
            fn field<'de, __A: ::serde::de::MapAccess<'de>>(_partial: &mut __Partial, _index: usize, map: &mut __A) -> ::std::result::Result<(), __A::Error> {
                crate::object::skip(map)
            }
        }
    });
    let other_fn = additional.map(|f| {
        let id = field(f);
        quote! {
            fn other<'de, __A: ::serde::de::MapAccess<'de>>(partial: &mut __Partial, key: &str, map: &mut __A) -> ::std::result::Result<(), __A::Error> {
                crate::object::extra(&mut partial.#id, key, map)
            }
        }
    });
    // One pattern over the partial value binds every field (the required ones only if there),
    // then the struct is made of the bindings.
    let bindings = s.fields.iter().map(|f| {
        let id = field(f);
        if must(f) {
            quote! { #id: ::std::option::Option::Some(#id), }
        } else {
            quote! { #id, }
        }
    });
    let values = s.fields.iter().map(|f| {
        let id = field(f);
        if f.additional || f.explicit_null || must(f) {
            quote! { #id, }
        } else {
            quote! { #id: #id.flatten(), }
        }
    });
    let placeholder = placeholder_names(s.fields.iter());
    let finish_body = if s.fields.is_empty() {
        quote! {
            let __Partial {} = partial;
            ::std::option::Option::Some(Self {})
        }
    } else if s.fields.iter().any(must) {
        quote! {
            let __Partial { #(#bindings)* } = partial else {
                return ::std::option::Option::None;
            };
            ::std::option::Option::Some(Self { #(#values)* })
        }
    } else {
        quote! {
            let __Partial { #(#bindings)* } = partial;
            ::std::option::Option::Some(Self { #(#values)* })
        }
    };
    let write_body = if s.fields.is_empty() {
        quote! { crate::object::write(serializer, self)?.end() }
    } else {
        quote! {
            let mut object = crate::object::write(serializer, self)?;
            #(#writes)*
            #write_extra
            object.end()
        }
    };
    // The impls read deprecated fields like any other.
    let allow = s
        .fields
        .iter()
        .any(|f| f.deprecated)
        .then(|| quote! { #[allow(deprecated)] });
    let debug = debug.then(|| {
        quote! {
            impl ::std::fmt::Debug for #ident {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    crate::object::debug(self, f)
                }
            }
        }
    });
    // `__Partial` holds each field's type inside one more `Option` (not yet seen): deep for a
    // list of nullable objects (GitHub's), too deep for clippy's `type_complexity`, and only
    // the decoder ever names it.
    let partial_allow = s
        .fields
        .iter()
        .any(|f| nesting(&f.shape.ty) >= 2)
        .then(|| quote! { #[allow(clippy::type_complexity)] });
    // One block, so a feature gate covers it with one attribute; `__Partial` is local to it.
    quote! {
        #allow
        const _: () = {
            #debug
            impl ::serde::Serialize for #ident {
                fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                    #write_body
                }
            }
            impl<'de> ::serde::Deserialize<'de> for #ident {
                fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                    crate::object::deserialize(deserializer)
                }
            }
            #partial_allow
            pub struct __Partial { #(#partial_fields)* }
            impl crate::object::Object for #ident {
                type Partial = __Partial;
                const NAME: &'static str = #name;
                const FIELDS: &'static [&'static str] = &[#(#wire_names),*];
                const REQUIRED: usize = #required;
                fn empty() -> __Partial {
                    __Partial { #(#empty_fields)* }
                }
                #field_fn
                #other_fn
                #placeholder
                fn finish(partial: __Partial) -> ::std::option::Option<Self> {
                    #finish_body
                }
            }
        };
    }
}

fn validate_impl(model: &Model, name: &str, s: &Struct) -> TokenStream {
    let ident = format_ident!("{}", name);
    let alternatives =
        validation::alternatives_checks(&s.alternatives, &quote! { self }, &quote! { path });
    let (check_fields, mut body) = match validation::field_checks(model, name, s) {
        Some(checks) => {
            let args = checks
                .fields
                .iter()
                .map(|f| validation::field_arg(f, false));
            let call = quote! { Self::check_fields(path, v, #(#args),*); };
            (Some(checks.item), call)
        }
        None => (None, TokenStream::new()),
    };
    body.extend(alternatives);
    let (path_arg, v_arg) = if body.is_empty() {
        (quote! { _path }, quote! { _v })
    } else {
        (quote! { path }, quote! { v })
    };
    quote! {
        impl crate::validation::Validate for #ident {
            fn validate_at(&self, #path_arg: &crate::validation::FieldPath<'_>, #v_arg: &mut crate::validation::Validator) {
                #body
            }
        }
        impl #ident {
            /// Checks every constraint of the API on this value and returns all violations.
            pub fn validate(&self) -> ::std::result::Result<(), crate::validation::ValidationError> {
                crate::validation::Validate::validate(self)
            }
        }
        #check_fields
    }
}

/// A string enum: its variants and wire values, handed to the runtime's `string_enum!`, which
/// writes the enum, its unknown-value variant and every impl (`runtime/string_enum.rs`). The
/// macro's body is an enum item with the wire values as discriminants, laid out as one.
fn enum_def(name: &str, doc: TokenStream, e: &StringEnum) -> Unit {
    let ident = format_ident!("{}", name);
    let unknown = format_ident!("{}", e.unknown_variant);
    let variants = e.variants.iter().map(|v| {
        let id = format_ident!("{}", v.ident);
        let wire = &v.wire_value;
        let doc = if v.wire_value.is_empty() {
            " `\"\"` (the empty string)".to_owned()
        } else {
            format!(" {}", docs::inline_code(&v.wire_value))
        };
        let default =
            (e.default.as_deref() == Some(v.ident.as_str())).then(|| quote! { #[default] });
        quote! { #[doc = #doc] #default #id = #wire, }
    });
    let derive_default = e.default.is_some().then(|| quote! { #[derive(Default)] });
    let unknown_doc = format!(
        " [`{name}::{}`]: responses still decode, requests fail validation.",
        e.unknown_variant
    );
    let separator = (!doc.is_empty()).then(|| quote! { #[doc = ""] });
    Unit::InMacro {
        item: quote! {
            #doc
            #separator
            /// Values this version of the SDK does not know are kept in
            #[doc = #unknown_doc]
            #derive_default
            pub enum #ident {
                #(#variants)*
            }
        },
        open: "crate::string_enum::string_enum! {\n".to_owned(),
        close: format!("    unknown {unknown};\n}}\n"),
    }
}

fn union_def(
    model: &Model,
    name: &str,
    doc: TokenStream,
    u: &Union,
    in_request: bool,
) -> TokenStream {
    let ident = format_ident!("{}", name);
    let variant_type = |ty: &crate::model::TypeRef, boxed: bool| {
        let ty = rust_type::tokens(ty, From::Types);
        if boxed {
            quote! { ::std::boxed::Box<#ty> }
        } else {
            ty
        }
    };
    let variants = u.variants.iter().map(|v| {
        let id = format_ident!("{}", v.ident);
        // A variant picked by a discriminator says by which values: the reader of the enum
        // sees what `petType: cat` decodes into without opening the spec.
        let picked_by = u
            .discriminator
            .as_ref()
            .filter(|_| v.tag.is_none())
            .and_then(|d| {
                let values: Vec<String> = d
                    .values
                    .iter()
                    .filter(|(_, ident)| *ident == v.ident)
                    .map(|(value, _)| format!("`{}`", value.replace('`', "'")))
                    .collect();
                let (last, rest) = values.split_last()?;
                let listed = if rest.is_empty() {
                    last.clone()
                } else {
                    format!("{} or {last}", rest.join(", "))
                };
                let doc = format!(" When `{}` is {listed}.", d.property.replace('`', "'"));
                Some(quote! { #[doc = #doc] })
            });
        let rename = v.tag.as_ref().map(|tag| {
            let doc = format!(" `{}`", tag.replace('`', "'"));
            quote! { #[doc = #doc] #[serde(rename = #tag)] }
        });
        let rename = quote! { #picked_by #rename };
        if v.unit {
            return quote! { #rename #id, };
        }
        let ty = variant_type(&v.ty, v.boxed);
        quote! { #rename #id(#ty), }
    });
    let unknown = u.unknown_variant.as_ref().map(|unknown| {
        let id = format_ident!("{}", unknown);
        quote! {
            /// A tag this version of the SDK does not know: responses still decode, requests
            /// fail validation.
            #[serde(other)]
            #id,
        }
    });
    // `From` for each variant, unless two variants are the same Rust type once aliases are seen
    // through (`type Id = String` beside `String`): the impls would conflict.
    let bases: Vec<_> = u
        .variants
        .iter()
        .map(|v| crate::model::base_type(&model.types, &v.ty))
        .collect();
    let unique = |i: usize| bases.iter().filter(|b| **b == bases[i]).count() == 1;
    let froms = u
        .variants
        .iter()
        .enumerate()
        .filter(|(i, v)| !v.unit && unique(*i))
        .map(|(_, v)| {
            let id = format_ident!("{}", v.ident);
            let ty = rust_type::tokens(&v.ty, From::Types);
            let wrap = if v.boxed {
                quote! { ::std::boxed::Box::new(value) }
            } else {
                quote! { value }
            };
            quote! {
                impl ::std::convert::From<#ty> for #ident {
                    fn from(value: #ty) -> Self {
                        Self::#id(#wrap)
                    }
                }
            }
        });
    let validate = in_request.then(|| {
        let arms = u.variants.iter().map(|v| {
            let id = format_ident!("{}", v.ident);
            if v.unit {
                return quote! { Self::#id => {} };
            }
            let shape = Shape { ty: v.ty.clone(), constraints: Default::default() };
            let checks = validation::checks(model, &shape, &quote! { value }, &quote! { path });
            if checks.is_empty() {
                quote! { Self::#id(_) => {} }
            } else {
                quote! { Self::#id(value) => { #checks } }
            }
        });
        let unknown_arm = u.unknown_variant.as_ref().zip(u.tag_property.as_ref()).map(|(unknown, property)| {
            let id = format_ident!("{}", unknown);
            let tags = u.variants.iter().filter_map(|v| v.tag.as_deref());
            quote! {
                Self::#id => {
                    v.enum_value(&path.field(#property), false, "a tag this SDK does not know", &[#(#tags),*]);
                }
            }
        });
        quote! {
            impl crate::validation::Validate for #ident {
                #[allow(unused_variables)]
                fn validate_at(&self, path: &crate::validation::FieldPath<'_>, v: &mut crate::validation::Validator) {
                    match self {
                        #(#arms)*
                        #unknown_arm
                    }
                }
            }
        }
    });
    let (derives, decoding, deserialize) = match &u.discriminator {
        _ if u.tag_property.is_some() => (
            quote! { ::serde::Serialize, ::serde::Deserialize },
            format!(
                " The `{}` property names the variant; the variants' own fields are the rest.",
                u.tag_property.as_deref().unwrap_or_default()
            ),
            None,
        ),
        None => (
            quote! { ::serde::Serialize },
            " Decoding tries each variant in order and keeps the first that fits.".to_owned(),
            Some(untagged_deserialize(name, u)),
        ),
        Some(d) => (
            quote! { ::serde::Serialize },
            format!(
                " Decoding picks the variant named by the `{}` property, else tries each variant in order.",
                d.property
            ),
            Some(discriminated_deserialize(name, u, d)),
        ),
    };
    let representation = match &u.tag_property {
        Some(property) => quote! { #[serde(tag = #property)] },
        None => quote! { #[serde(untagged)] },
    };
    // Variants hold the API's own shapes, which may differ a lot in size (Dub: a 1 KB link
    // beside a small error); boxing the large ones would make every `match` and constructor
    // unwrap a `Box` to save memory only in collections of them.
    quote! {
        #doc
        ///
        #[doc = #decoding]
        #[derive(Debug, Clone, PartialEq, #derives)]
        #[allow(clippy::large_enum_variant)]
        #[non_exhaustive]
        #representation
        pub enum #ident {
            #(#variants)*
            #unknown
        }
        #deserialize
        #(#froms)*
        #validate
    }
}

/// `Deserialize` for a union with a discriminator: the tag picks the variant; objects without a
/// known tag, and non-objects, fall back to trying each variant in order.
fn discriminated_deserialize(
    name: &str,
    u: &Union,
    d: &crate::model::Discriminator,
) -> TokenStream {
    let ident = format_ident!("{}", name);
    let property = &d.property;
    let tagged: Vec<TokenStream> = d
        .values
        .iter()
        .filter_map(|(tag, variant)| {
            let v = u.variants.iter().find(|v| v.ident == *variant)?;
            let id = format_ident!("{}", v.ident);
            Some(quote! {
                Some(#tag) => {
                    return ::serde::Deserialize::deserialize(&value)
                        .map(Self::#id)
                        .map_err(::serde::de::Error::custom);
                }
            })
        })
        .collect();
    // No discriminator value names a variant (DigitalOcean's): no tag to look at.
    let by_tag = (!tagged.is_empty()).then(|| {
        quote! {
            #[allow(clippy::single_match)]
            match value.get(#property).and_then(::serde_json::Value::as_str) {
                #(#tagged)*
                _ => {}
            }
        }
    });
    let fallbacks = variant_attempts(u);
    let no_match = format!("data did not match any variant of {name}");
    quote! {
        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                let value = crate::object::buffer(deserializer)?;
                #by_tag
                #fallbacks
                Err(::serde::de::Error::custom(#no_match))
            }
        }
    }
}

/// `Deserialize` for a union without a tag: the value read whole, then tried as each variant in
/// order (what `#[serde(untagged)]` derives, in a line per variant; `runtime/object.rs`).
fn untagged_deserialize(name: &str, u: &Union) -> TokenStream {
    let ident = format_ident!("{}", name);
    let attempts = variant_attempts(u);
    let no_match = format!("data did not match any variant of untagged enum {name}");
    quote! {
        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                let value = crate::object::buffer(deserializer)?;
                #attempts
                Err(::serde::de::Error::custom(#no_match))
            }
        }
    }
}

/// Statements returning the first variant `value` (a buffered `serde_json::Value`) decodes as;
/// a unit variant is `null`.
fn variant_attempts(u: &Union) -> TokenStream {
    u.variants
        .iter()
        .map(|v| {
            let id = format_ident!("{}", v.ident);
            if v.unit {
                quote! { if value.is_null() { return Ok(Self::#id); } }
            } else {
                quote! {
                    if let Some(inner) = crate::object::variant(&value) {
                        return Ok(Self::#id(inner));
                    }
                }
            }
        })
        .collect()
}

/// How many generic containers deep `ty` is (`Vec<Option<T>>`: 2).
fn nesting(ty: &crate::model::TypeRef) -> usize {
    use crate::model::TypeRef;
    match ty {
        TypeRef::Array(inner)
        | TypeRef::Map(inner)
        | TypeRef::OrEmpty(inner)
        | TypeRef::Nullable(inner) => 1 + nesting(inner),
        TypeRef::Tuple(items) => 1 + items.iter().map(nesting).max().unwrap_or(0),
        _ => 0,
    }
}
