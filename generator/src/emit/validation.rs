//! Validation code for one value: the checks its constraints call for, then the nested
//! validation of the named types it holds. A request struct's checks are one function,
//! `check_fields`, that `impl Validate` and the builder's `build()` both call, so a built request
//! and a deserialized one are checked by the same code, written once.

use crate::model::{
    Alternatives, Constraints, Field, Format, Model, Number, Shape, Struct, TupleChecks, TypeKind,
    TypeRef,
};
use crate::names::Scope;
use proc_macro2::{Literal, TokenStream};
use quote::{ToTokens, format_ident, quote};

/// Statements checking `value` (an expression of type `&T`) at `path` (a `FieldPath`), with
/// `v` the `Validator` in scope. Empty when nothing is to be checked.
pub(crate) fn checks(
    model: &Model,
    shape: &Shape,
    value: &TokenStream,
    path: &TokenStream,
) -> TokenStream {
    let mut out = constraint_checks(&shape.ty, &shape.constraints, value, path);
    out.extend(nested(model, &shape.ty, value, path, 0));
    out
}

/// The function that checks a request struct's fields, written once and called by both
/// `validate_at` (on the struct) and the builder's `build()` (on its slots): `check_fields(path,
/// v, ..)`, taking each field it checks as an `Option<&T>` (`None`: not set) and the additional
/// properties as a map. `None` when the struct has nothing to check.
pub(crate) struct FieldChecks<'m> {
    /// `impl Name { fn check_fields(..) }`.
    pub item: TokenStream,
    /// The fields passed, in parameter order.
    pub fields: Vec<&'m Field>,
}

/// How a caller passes `field` to `check_fields`: from the struct itself, or from its
/// builder, whose every slot is an `Option` (a missing required field is the builder's to
/// report). Either way a field is an `Option<&T>` (`Option<&Option<T>>` for one that tells
/// absent from `null`), the additional properties a `&Map`.
pub(crate) fn field_arg(field: &Field, from_builder: bool) -> TokenStream {
    let f = format_ident!("{}", field.ident);
    if field.additional {
        quote! { &self.#f }
    } else if field.required && !field.nullable && !field.explicit_null && !from_builder {
        quote! { Some(&self.#f) }
    } else {
        quote! { self.#f.as_ref() }
    }
}

pub(crate) fn field_checks<'m>(
    model: &Model,
    name: &str,
    s: &'m Struct,
) -> Option<FieldChecks<'m>> {
    let counted = s.min_properties.is_some() || s.max_properties.is_some();
    // Parameters beside `path` and `v`, named after their fields, apart from the locals the
    // checks bind (`value`, `item`, `count`...).
    let mut scope =
        Scope::with_reserved(&["path", "v", "value", "item", "i", "key", "count", "self"]);
    let mut fields = Vec::new();
    let mut params = Vec::new();
    let mut body = TokenStream::new();
    for field in &s.fields {
        let checks = if field.additional {
            additional_checks(model, s, field)
        } else {
            checks(model, &field.shape, &quote! { value }, &quote! { &path })
        };
        // Counting properties needs every optional field's presence.
        if checks.is_empty() && (field.required || !counted) {
            continue;
        }
        let param = format_ident!("{}", scope.claim(field.ident.clone()));
        if field.additional {
            let ty = super::types::inner_type(field, super::rust_type::From::Types);
            params.push(quote! { #param: &#ty });
            if !checks.is_empty() {
                body.extend(quote! { { let value = #param; #checks } });
            }
        } else {
            // A field that tells absent from `null` comes as `Option<&Option<T>>`: a `null` it
            // sends counts as a property, and has nothing to check.
            let ty = super::types::slot_type(field, super::rust_type::From::Types);
            params.push(quote! { #param: ::std::option::Option<&#ty> });
            if !checks.is_empty() {
                let wire = &field.wire_name;
                let some = if field.explicit_null {
                    quote! { Some(Some(value)) }
                } else {
                    quote! { Some(value) }
                };
                body.extend(quote! {
                    if let #some = #param {
                        let path = path.field(#wire);
                        #checks
                    }
                });
            }
        }
        fields.push((field, param));
    }
    let count = counted.then(|| {
        // The properties the value sends: the required fields (a missing one is reported as
        // such, not counted again), the optional ones set, and the additional properties.
        let always = s.fields.iter().filter(|f| f.required).count();
        let mut terms: Vec<TokenStream> = Vec::new();
        if always > 0 || fields.is_empty() {
            terms.push(Literal::usize_suffixed(always).into_token_stream());
        }
        for (field, param) in fields.iter().filter(|(f, _)| !f.required) {
            terms.push(if field.additional {
                quote! { #param.len() }
            } else {
                quote! { usize::from(#param.is_some()) }
            });
        }
        let mut out = quote! { let count = #(#terms)+*; };
        if let Some(n) = s.min_properties {
            out.extend(quote! { v.min_properties(path, count, #n); });
        }
        if let Some(n) = s.max_properties {
            out.extend(quote! { v.max_properties(path, count, #n); });
        }
        quote! { { #out } }
    });
    if count.is_none() && body.is_empty() {
        return None;
    }
    let ident = format_ident!("{}", name);
    let too_many = (params.len() > 5).then(|| quote! { #[allow(clippy::too_many_arguments)] });
    let placeholder = super::types::placeholder_names(fields.iter().map(|(f, _)| *f));
    let item = quote! {
        impl #ident {
            /// Checks the fields given (`None`: not set) against the API's constraints; called
            /// by `validate_at` and by the builder's `build()` alike.
            #too_many
            #placeholder
            pub(crate) fn check_fields(
                path: &crate::validation::FieldPath<'_>,
                v: &mut crate::validation::Validator,
                #(#params),*
            ) {
                #count
                #body
            }
        }
    };
    Some(FieldChecks {
        item,
        fields: fields.into_iter().map(|(f, _)| f).collect(),
    })
}

/// Checks of a struct's additional properties (`value`, the map of the properties beyond the
/// named ones), at the struct's `path`: no name that has a field of its own, then each value's
/// constraints at its key (`labels.env`).
fn additional_checks(model: &Model, s: &Struct, field: &Field) -> TokenStream {
    let named: Vec<&str> = s
        .fields
        .iter()
        .filter(|f| !f.additional)
        .map(|f| f.wire_name.as_str())
        .collect();
    let mut out = TokenStream::new();
    if !named.is_empty() {
        out.extend(quote! { v.not_named(path, value.keys(), &[#(#named),*]); });
    }
    out.extend(checks(
        model,
        &field.shape,
        &quote! { value },
        &quote! { path },
    ));
    out
}

fn nested(
    model: &Model,
    ty: &TypeRef,
    value: &TokenStream,
    path: &TokenStream,
    depth: usize,
) -> TokenStream {
    if depth > 16 {
        return TokenStream::new();
    }
    match ty {
        TypeRef::Named(name) => match model.types.get(name).map(|def| &def.kind) {
            // Aliases have no impl of their own: their constraints apply where they are used.
            Some(TypeKind::Alias(shape)) => {
                let mut out = constraint_checks(&shape.ty, &shape.constraints, value, path);
                out.extend(nested(model, &shape.ty, value, path, depth + 1));
                out
            }
            Some(_) => quote! { v.nested(#path, #value); },
            None => TokenStream::new(),
        },
        // Item by item, so that items whose type is an alias get the alias's constraints
        // (a `Vec<Alias>` is a `Vec<String>` to the trait, which checks nothing).
        TypeRef::Array(inner) if validates(model, inner, depth) => {
            let each = nested(model, inner, &quote! { item }, &quote! { &path }, depth + 1);
            quote! {
                for (i, item) in #value.iter().enumerate() {
                    let path = crate::validation::FieldPath::index(#path, i);
                    #each
                }
            }
        }
        TypeRef::Tuple(items) => {
            let mut out = TokenStream::new();
            for (i, item) in items.iter().enumerate() {
                if !validates(model, item, depth) {
                    continue;
                }
                let field = syn::Index::from(i);
                let each = nested(model, item, &quote! { item }, &quote! { &path }, depth + 1);
                out.extend(quote! {
                    {
                        let item = &#value.#field;
                        let path = crate::validation::FieldPath::index(#path, #i);
                        #each
                    }
                });
            }
            out
        }
        // The value's checks when there is one; `null` has none.
        TypeRef::Nullable(inner) if validates(model, inner, depth) => {
            let each = nested(model, inner, &quote! { item }, path, depth + 1);
            quote! {
                if let Some(item) = #value {
                    #each
                }
            }
        }
        // The value's checks when there is a value; the empty string has none.
        TypeRef::OrEmpty(inner) if validates(model, inner, depth) => {
            let each = nested(model, inner, &quote! { item }, path, depth + 1);
            quote! {
                if let crate::OrEmpty::Value(item) = #value {
                    #each
                }
            }
        }
        TypeRef::Map(inner) if validates(model, inner, depth) => {
            let each = nested(model, inner, &quote! { item }, &quote! { &path }, depth + 1);
            quote! {
                for (key, item) in #value.iter() {
                    let path = crate::validation::FieldPath::key(#path, key);
                    #each
                }
            }
        }
        _ => TokenStream::new(),
    }
}

/// Whether values of `ty` have a `Validate` impl with something to check.
fn validates(model: &Model, ty: &TypeRef, depth: usize) -> bool {
    if depth > 16 {
        return false;
    }
    match ty {
        TypeRef::Named(name) => match model.types.get(name).map(|def| &def.kind) {
            Some(TypeKind::Alias(shape)) => {
                shape.constraints.count() > 0 || validates(model, &shape.ty, depth + 1)
            }
            Some(_) => true,
            None => false,
        },
        TypeRef::Array(inner)
        | TypeRef::Map(inner)
        | TypeRef::OrEmpty(inner)
        | TypeRef::Nullable(inner) => validates(model, inner, depth + 1),
        TypeRef::Tuple(items) => items.iter().any(|item| validates(model, item, depth + 1)),
        _ => false,
    }
}

fn number(n: Number, as_float: bool) -> Literal {
    match n {
        Number::Int(i) if as_float => Literal::f64_suffixed(i as f64),
        Number::Int(i) => Literal::i64_suffixed(i),
        Number::Float(f) => Literal::f64_suffixed(f),
    }
}

/// Checks on a value held as any JSON (`&serde_json::Value`): the list of types and the enum
/// first, then each keyword on the values of the JSON type it speaks of (a `minimum` on numbers,
/// a `pattern` on strings...), as JSON Schema applies them; other types pass it.
fn any_checks(c: &Constraints, value: &TokenStream, path: &TokenStream) -> TokenStream {
    let mut out = TokenStream::new();
    if !c.json_types.is_empty() {
        let types = &c.json_types;
        out.extend(quote! { v.json_type(#path, #value, &[#(#types),*]); });
    }
    if !c.json_enum.is_empty() {
        let values = &c.json_enum;
        out.extend(quote! { v.enum_json(#path, #value, &[#(#values),*]); });
    }
    // A typed value's numeric `enum`, in an alternative checked on its JSON.
    if !c.number_enum.is_empty() {
        let values = c.number_enum.iter().map(|n| match n {
            Number::Int(i) => i.to_string(),
            Number::Float(f) => serde_json::Number::from_f64(*f)
                .map_or_else(|| "null".to_owned(), |n| n.to_string()),
        });
        out.extend(quote! { v.enum_json(#path, #value, &[#(#values),*]); });
    }
    let string = Constraints {
        min_length: c.min_length,
        max_length: c.max_length,
        pattern: c.pattern.clone(),
        format: c.format,
        ..Constraints::default()
    };
    let number = Constraints {
        minimum: c.minimum,
        maximum: c.maximum,
        multiple_of: c.multiple_of,
        ..Constraints::default()
    };
    let array = Constraints {
        min_items: c.min_items,
        max_items: c.max_items,
        items: c.items.clone(),
        ..Constraints::default()
    };
    let object = Constraints {
        min_properties: c.min_properties,
        max_properties: c.max_properties,
        ..Constraints::default()
    };
    let any = Box::new(TypeRef::Any);
    let strings = constraint_checks(&TypeRef::String, &string, &quote! { s }, path);
    let numbers = constraint_checks(&TypeRef::Number, &number, &quote! { n }, path);
    let mut arrays = constraint_checks(&TypeRef::Array(any), &array, &quote! { a }, path);
    if c.unique_items {
        arrays.extend(quote! { v.unique_json_items(#path, a); });
    }
    let mut objects = constraint_checks(&TypeRef::Object, &object, &quote! { o }, path);
    for key in &c.required_keys {
        objects.extend(quote! {
            if !o.contains_key(#key) {
                v.required(&crate::validation::FieldPath::field(#path, #key));
            }
        });
    }
    let mut arms: Vec<(TokenStream, TokenStream)> = Vec::new();
    if !strings.is_empty() {
        arms.push((quote! { ::serde_json::Value::String(s) }, strings));
    }
    if !numbers.is_empty() {
        arms.push((
            quote! { ::serde_json::Value::Number(n) },
            quote! {
                if let Some(n) = n.as_f64() {
                    let n = &n;
                    #numbers
                }
            },
        ));
    }
    if !arrays.is_empty() {
        arms.push((quote! { ::serde_json::Value::Array(a) }, arrays));
    }
    if !objects.is_empty() {
        arms.push((quote! { ::serde_json::Value::Object(o) }, objects));
    }
    match arms.as_slice() {
        [] => {}
        // One JSON type constrained: `if let` (clippy's `single_match`).
        [(pattern, body)] => out.extend(quote! { if let #pattern = #value { #body } }),
        arms => {
            let arms = arms
                .iter()
                .map(|(pattern, body)| quote! { #pattern => { #body } });
            out.extend(quote! {
                match #value {
                    #(#arms)*
                    _ => {}
                }
            });
        }
    }
    out
}

fn constraint_checks(
    ty: &TypeRef,
    c: &Constraints,
    value: &TokenStream,
    path: &TokenStream,
) -> TokenStream {
    if c.no_value {
        // Nothing else can matter: the value should not be there at all.
        return quote! { v.no_value(#path, #value); };
    }
    // An item that may be `null`: its checks when it is not.
    if let TypeRef::Nullable(inner) = ty {
        let checks = constraint_checks(inner, c, &quote! { item }, path);
        if checks.is_empty() {
            return checks;
        }
        return quote! {
            if let Some(item) = #value {
                #checks
            }
        };
    }
    let mut out = if *ty == TypeRef::Any {
        any_checks(c, value, path)
    } else {
        typed_checks(ty, c, value, path)
    };
    out.extend(alternatives_checks(&c.alternatives, value, path));
    if let Some(tuple) = &c.tuple {
        out.extend(tuple_checks(ty, tuple, value, path));
    }
    out
}

/// A tuple's items checked by position, and the items after them, each on its JSON at its own
/// path (`point[1]`). A list of JSON values is read as it is; a Rust tuple as its JSON.
fn tuple_checks(
    ty: &TypeRef,
    tuple: &TupleChecks,
    value: &TokenStream,
    path: &TokenStream,
) -> TokenStream {
    let mut each = TokenStream::new();
    for (i, c) in tuple.prefix.iter().enumerate() {
        let checks = constraint_checks(&TypeRef::Any, c, &quote! { item }, &quote! { &path });
        // `first()` for the first (clippy's `get_first`).
        let get = if i == 0 {
            quote! { items.first() }
        } else {
            quote! { items.get(#i) }
        };
        if !checks.is_empty() {
            each.extend(quote! {
                if let Some(item) = #get {
                    let path = crate::validation::FieldPath::index(#path, #i);
                    #checks
                }
            });
        }
    }
    if let Some(rest) = &tuple.rest {
        let checks = constraint_checks(&TypeRef::Any, rest, &quote! { item }, &quote! { &path });
        let skip = tuple.prefix.len();
        if !checks.is_empty() {
            each.extend(quote! {
                for (i, item) in items.iter().enumerate().skip(#skip) {
                    let path = crate::validation::FieldPath::index(#path, i);
                    #checks
                }
            });
        }
    }
    if each.is_empty() {
        return each;
    }
    if matches!(ty, TypeRef::Array(inner) if **inner == TypeRef::Any) {
        quote! { { let items = #value.as_slice(); #each } }
    } else {
        quote! {
            if let ::serde_json::Value::Array(items) = &crate::validation::json_of(#value) {
                #each
            }
        }
    }
}

/// `anyOf`/`oneOf` of constraint sets ([`Constraints::alternatives`]): each set checks the
/// value's JSON into a validator of its own, and the runtime counts the sets that hold.
pub(crate) fn alternatives_checks(
    alternatives: &[Alternatives],
    value: &TokenStream,
    path: &TokenStream,
) -> TokenStream {
    if alternatives.is_empty() {
        return TokenStream::new();
    }
    let each = alternatives.iter().map(|a| {
        let exactly_one = a.exactly_one;
        let sets = a.sets.iter().map(|set| {
            let checks = constraint_checks(&TypeRef::Any, set, &quote! { &json }, path);
            if checks.is_empty() {
                quote! { &|_: &mut crate::validation::Validator| {} }
            } else {
                quote! { &|v: &mut crate::validation::Validator| { #checks } }
            }
        });
        quote! { v.alternatives(#path, #exactly_one, &[#(#sets),*]); }
    });
    quote! {
        {
            let json = crate::validation::json_of(#value);
            #(#each)*
        }
    }
}

fn typed_checks(
    ty: &TypeRef,
    c: &Constraints,
    value: &TokenStream,
    path: &TokenStream,
) -> TokenStream {
    let mut out = TokenStream::new();
    let lit = |n: u64| Literal::u64_suffixed(n);
    if let TypeRef::JsonText { object: true } = ty {
        out.extend(quote! { v.json_object(#path, #value); });
    }
    // A boolean that must be one value (`enum: [true]`), compared as JSON.
    if *ty == TypeRef::Boolean && !c.json_enum.is_empty() {
        let values = &c.json_enum;
        out.extend(quote! {
            v.enum_json(#path, &::serde_json::Value::Bool(*#value), &[#(#values),*]);
        });
    }
    if let Some(n) = c.min_length {
        let n = lit(n);
        out.extend(quote! { v.min_length(#path, #value, #n); });
    }
    if let Some(n) = c.max_length {
        let n = lit(n);
        out.extend(quote! { v.max_length(#path, #value, #n); });
    }
    if let Some(pattern) = &c.pattern {
        out.extend(quote! {
            {
                static PATTERN: ::std::sync::LazyLock<::std::option::Option<::regress::Regex>> =
                    ::std::sync::LazyLock::new(|| ::regress::Regex::new(#pattern).ok());
                if let Some(regex) = PATTERN.as_ref() {
                    v.pattern(#path, #value, regex, #pattern);
                }
            }
        });
    }
    match c.format {
        Some(Format::Email) => out.extend(quote! { v.email(#path, #value); }),
        Some(Format::Named(name)) => out.extend(quote! { v.format(#path, #value, #name); }),
        None => {}
    }
    match ty {
        TypeRef::Integer(_) => {
            // Every width compares as `i128`, which holds `u64` and `i64` values alike.
            let as_i128 = quote! { i128::from(*#value) };
            let int = |n: Number| match n {
                Number::Int(i) => Some(Literal::i64_suffixed(i)),
                Number::Float(_) => None,
            };
            if let Some(b) = c.minimum
                && let Some(n) = int(b.value)
            {
                out.extend(if b.exclusive {
                    quote! { v.exclusive_minimum_int(#path, #as_i128, #n); }
                } else {
                    quote! { v.minimum_int(#path, #as_i128, #n); }
                });
            }
            if let Some(b) = c.maximum
                && let Some(n) = int(b.value)
            {
                out.extend(if b.exclusive {
                    quote! { v.exclusive_maximum_int(#path, #as_i128, #n); }
                } else {
                    quote! { v.maximum_int(#path, #as_i128, #n); }
                });
            }
            match c.multiple_of {
                Some(Number::Int(n)) => {
                    let n = Literal::i64_suffixed(n);
                    out.extend(quote! { v.multiple_of_int(#path, #as_i128, #n); });
                }
                // A fractional divisor (`multipleOf: 0.3`): compared as numbers.
                Some(m @ Number::Float(_)) => {
                    let n = number(m, true);
                    out.extend(quote! { v.multiple_of_f64(#path, *#value as f64, #n); });
                }
                None => {}
            }
            if !c.number_enum.is_empty() {
                let values = c.number_enum.iter().filter_map(|n| match n {
                    Number::Int(i) => Some(Literal::i128_suffixed(i128::from(*i))),
                    Number::Float(_) => None,
                });
                out.extend(quote! { v.enum_number(#path, #as_i128, &[#(#values),*]); });
            }
        }
        TypeRef::Number => {
            if let Some(b) = c.minimum {
                let n = number(b.value, true);
                out.extend(if b.exclusive {
                    quote! { v.exclusive_minimum_f64(#path, *#value, #n); }
                } else {
                    quote! { v.minimum_f64(#path, *#value, #n); }
                });
            }
            if let Some(b) = c.maximum {
                let n = number(b.value, true);
                out.extend(if b.exclusive {
                    quote! { v.exclusive_maximum_f64(#path, *#value, #n); }
                } else {
                    quote! { v.maximum_f64(#path, *#value, #n); }
                });
            }
            if let Some(m) = c.multiple_of {
                let n = number(m, true);
                out.extend(quote! { v.multiple_of_f64(#path, *#value, #n); });
            }
            if !c.number_enum.is_empty() {
                let values = c.number_enum.iter().map(|n| number(*n, true));
                out.extend(quote! { v.enum_number(#path, *#value, &[#(#values),*]); });
            }
        }
        _ => {}
    }
    if let Some(n) = c.min_items {
        let n = lit(n);
        out.extend(quote! { v.min_items(#path, #value.len(), #n); });
    }
    if let Some(n) = c.max_items {
        let n = lit(n);
        out.extend(quote! { v.max_items(#path, #value.len(), #n); });
    }
    if c.unique_items {
        // Items held as any JSON compare as JSON Schema compares (`1` equals `1.0`).
        if matches!(ty, TypeRef::Array(inner) if **inner == TypeRef::Any) {
            out.extend(quote! { v.unique_json_items(#path, #value); });
        } else if let TypeRef::Tuple(_) = ty {
            out.extend(quote! {
                if let ::serde_json::Value::Array(items) = &crate::validation::json_of(#value) {
                    v.unique_json_items(#path, items);
                }
            });
        } else {
            out.extend(quote! { v.unique_items(#path, #value); });
        }
    }
    if let Some(n) = c.min_properties {
        let n = lit(n);
        out.extend(quote! { v.min_properties(#path, #value.len(), #n); });
    }
    if let Some(n) = c.max_properties {
        let n = lit(n);
        out.extend(quote! { v.max_properties(#path, #value.len(), #n); });
    }
    // `required` on a map: the keys it must have.
    if matches!(ty, TypeRef::Map(_) | TypeRef::Object) {
        for key in &c.required_keys {
            out.extend(quote! {
                if !#value.contains_key(#key) {
                    v.required(&crate::validation::FieldPath::field(#path, #key));
                }
            });
        }
    }
    if let Some(n) = c.max_stringified_length {
        let n = lit(n);
        out.extend(quote! { v.max_stringified_length(#path, #value, #n); });
    }
    if let Some(items) = &c.items {
        // Each item (or map value) checked at its own path: `tags[2]`, `labels.env`.
        match ty {
            TypeRef::Array(inner) => {
                let checks = constraint_checks(inner, items, &quote! { item }, &quote! { &path });
                if !checks.is_empty() {
                    out.extend(quote! {
                        for (i, item) in #value.iter().enumerate() {
                            let path = crate::validation::FieldPath::index(#path, i);
                            #checks
                        }
                    });
                }
            }
            TypeRef::Map(inner) => {
                let checks = constraint_checks(inner, items, &quote! { item }, &quote! { &path });
                if !checks.is_empty() {
                    out.extend(quote! {
                        for (key, item) in #value.iter() {
                            let path = crate::validation::FieldPath::key(#path, key);
                            #checks
                        }
                    });
                }
            }
            _ => {}
        }
    }
    out
}
