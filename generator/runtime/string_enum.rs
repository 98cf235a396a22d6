// `string_enum!`: the one definition behind every string enum of the API. Generated code gives
// the variants, their wire values and docs; this writes the enum with its variant for values the
// SDK does not know, and the impls every such enum has (text, conversions, serde, validation),
// so each enum in `types` is its variants and nothing else.
//
// Every path is absolute: the macro expands in `types`, where a schema may be called `String`,
// `Option` or `Result`.

/// Defines a string enum (see the file's comment): attributes, `pub enum Name { Variant =
/// "wire", ... }`, then `unknown Unknown;` naming the variant that keeps other values.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident = $wire:literal, )*
        }
        unknown $unknown:ident;
    ) => {
        $(#[$meta])*
        // `PartialOrd` is written out below as the derived `Ord`'s order, so the two agree.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Ord)]
        #[allow(clippy::derive_ord_xor_partial_ord)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$variant_meta])* $variant, )*
            /// A value this version of the SDK does not know.
            $unknown(::std::string::String),
        }

        // `Ord`'s order, said once: a derived `PartialOrd` would compare everything again.
        impl ::std::cmp::PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> ::std::option::Option<::std::cmp::Ordering> {
                ::std::option::Option::Some(::std::cmp::Ord::cmp(self, other))
            }
        }

        impl $name {
            /// Every value the API documents.
            pub const VALUES: &'static [&'static str] = &[$($wire),*];

            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )*
                    Self::$unknown(value) => value,
                }
            }

            /// Whether the value is one the API documents.
            pub fn is_known(&self) -> bool {
                !::std::matches!(self, Self::$unknown(_))
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $wire => Self::$variant, )*
                    other => Self::$unknown(::std::borrow::ToOwned::to_owned(other)),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                match Self::from(value.as_str()) {
                    Self::$unknown(_) => Self::$unknown(value),
                    known => known,
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<__S: ::serde::Serializer>(
                &self,
                serializer: __S,
            ) -> ::std::result::Result<__S::Ok, __S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(
                deserializer: __D,
            ) -> ::std::result::Result<Self, __D::Error> {
                <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)
                    .map(Self::from)
            }
        }

        impl crate::validation::Validate for $name {
            fn validate_at(
                &self,
                path: &crate::validation::FieldPath<'_>,
                v: &mut crate::validation::Validator,
            ) {
                v.enum_value(path, self.is_known(), self.as_str(), Self::VALUES);
            }
        }
    };
}
pub(crate) use string_enum;
