// `OrEmpty<T>`: a value, or the empty string in its place.
//
// Descriptions say "this, or `""`" as `anyOf: [<schema>, {type: string, enum: [""]}]`; Stripe's
// has 516 such unions, its way of letting a request clear a field (`"metadata": ""`). Each one
// generated as an enum of its own came with its own derives, decoder, validation and `From`s,
// an eighth of the crate's build time; this one generic type says it once. The generator uses it
// only where the value comes first in the union, so decoding tries the value first, as the
// union did.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

use crate::validation::{FieldPath, Validate, Validator};

/// A value, or the empty string `""` sent in its place: the type of a schema that says
/// `anyOf: [<schema>, {enum: [""]}]`, the way some APIs (Stripe's, for one) let a request clear
/// a field.
///
/// Builders and functions that take one accept the value itself (`impl From<T>`):
/// `.metadata(map)` sends the map, `.metadata(OrEmpty::Empty)` sends `""`.
#[derive(Debug, Clone, PartialEq)]
pub enum OrEmpty<T> {
    /// The value.
    Value(T),
    /// The empty string `""`.
    Empty,
}

impl<T> OrEmpty<T> {
    /// The value, unless this is the empty string.
    pub fn as_value(&self) -> Option<&T> {
        match self {
            Self::Value(value) => Some(value),
            Self::Empty => None,
        }
    }

    /// The value, unless this is the empty string.
    pub fn into_value(self) -> Option<T> {
        match self {
            Self::Value(value) => Some(value),
            Self::Empty => None,
        }
    }

    /// Whether this is the empty string.
    pub fn is_empty(&self) -> bool {
        matches!(self, Self::Empty)
    }
}

impl<T> From<T> for OrEmpty<T> {
    fn from(value: T) -> Self {
        Self::Value(value)
    }
}

/// The value as it displays, or nothing: how a query parameter or form field of a scalar type
/// writes it (`nickname=jo`, `nickname=`).
impl<T: fmt::Display> fmt::Display for OrEmpty<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Value(value) => value.fmt(f),
            Self::Empty => Ok(()),
        }
    }
}

impl<T: Serialize> Serialize for OrEmpty<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Value(value) => value.serialize(serializer),
            Self::Empty => serializer.serialize_str(""),
        }
    }
}

impl<'de, T: de::DeserializeOwned> Deserialize<'de> for OrEmpty<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = crate::object::buffer(deserializer)?;
        match T::deserialize(&value) {
            Ok(inner) => Ok(Self::Value(inner)),
            Err(_) if value.as_str() == Some("") => Ok(Self::Empty),
            // The value's own complaint says more than "neither": which field, which type.
            Err(e) => Err(de::Error::custom(NotEither(e))),
        }
    }
}

/// The value's decoding error, said to be about a value that is not `""` either.
struct NotEither(serde_json::Error);

impl fmt::Display for NotEither {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (and not the empty string)", self.0)
    }
}

impl<T: Validate> Validate for OrEmpty<T> {
    fn validate_at(&self, path: &FieldPath<'_>, v: &mut Validator) {
        if let Self::Value(value) = self {
            value.validate_at(path, v);
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn writes_the_value_or_the_empty_string() {
        let map: OrEmpty<BTreeMap<String, String>> =
            BTreeMap::from([("plan".to_owned(), "pro".to_owned())]).into();
        assert_eq!(serde_json::to_string(&map).unwrap(), r#"{"plan":"pro"}"#);
        let empty: OrEmpty<BTreeMap<String, String>> = OrEmpty::Empty;
        assert_eq!(serde_json::to_string(&empty).unwrap(), r#""""#);
    }

    #[test]
    fn reads_the_value_first_then_the_empty_string() {
        let map: OrEmpty<BTreeMap<String, i64>> = serde_json::from_str(r#"{"a":1}"#).unwrap();
        assert_eq!(map.as_value().and_then(|m| m.get("a")), Some(&1));
        let empty: OrEmpty<BTreeMap<String, i64>> = serde_json::from_str(r#""""#).unwrap();
        assert!(empty.is_empty());
        // A value that can be "" itself is the value, as the union's order says.
        let text: OrEmpty<String> = serde_json::from_str(r#""""#).unwrap();
        assert_eq!(text, OrEmpty::Value(String::new()));
    }

    #[test]
    fn displays_the_value_or_nothing() {
        assert_eq!(OrEmpty::Value(42).to_string(), "42");
        assert_eq!(OrEmpty::<i64>::Empty.to_string(), "");
    }

    #[test]
    fn anything_else_is_the_values_error() {
        let err = serde_json::from_str::<OrEmpty<i64>>(r#""x""#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("expected i64"), "{err}");
        assert!(err.contains("and not the empty string"), "{err}");
        assert!(serde_json::from_str::<OrEmpty<i64>>("null").is_err());
    }

    #[test]
    fn validates_the_value_only() {
        struct Positive(i64);
        impl Validate for Positive {
            fn validate_at(&self, path: &FieldPath<'_>, v: &mut Validator) {
                v.minimum_int(path, i128::from(self.0), 1);
            }
        }
        assert!(OrEmpty::Value(Positive(0)).validate().is_err());
        assert!(OrEmpty::Value(Positive(1)).validate().is_ok());
        assert!(OrEmpty::<Positive>::Empty.validate().is_ok());
    }
}
