// How a generated struct is read from and written as a JSON object: the loops and checks every
// struct shares, so that each struct's own impls are a `match` on its wire names and one line
// per field.
//
// Hand-written instead of serde's derives because of what they cost the crate's users at build
// time: a derived `Deserialize` writes a field enum, a key visitor, a sequence visitor and a map
// visitor per struct, which made it half of the time `cargo check` spent on a generated crate
// (Dub's: 3.8 s of 7.1 s). The impls generated against this module check about five times
// faster (BENCHMARKS.md), and read only objects: serde's derive also reads a struct from a
// sequence, field by field in declaration order, so `[1999, "eur"]` would decode where the API
// promises an object.
//
// Decoding ignores properties the struct has no field for, unless it keeps them (a field for
// `additionalProperties`); a property given twice is an error, as with serde's derive.

use serde::de::{self, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// A generated struct's side of decoding. `Partial` holds each field as it arrives (`None` until
/// then); `field` stores the value of one property; `finish` checks the required ones are there
/// and builds the struct.
pub(crate) trait Object: Sized {
    /// The fields read so far.
    type Partial: Default;
    /// The struct's name, for "expected an object (Name)".
    const NAME: &'static str;
    /// Reads the value of property `key` into `partial` (or skips it).
    fn field<'de, A: MapAccess<'de>>(
        partial: &mut Self::Partial,
        key: &str,
        map: &mut A,
    ) -> Result<(), A::Error>;
    /// The struct, once every property has been read.
    fn finish<E: de::Error>(partial: Self::Partial) -> Result<Self, E>;
}

/// Decodes `T` from a map (a JSON object); anything else is an "invalid type" error.
pub(crate) fn deserialize<'de, T: Object, D: de::Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_map(ObjectVisitor::<T>(PhantomData))
}

struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: Object> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object ({})", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut partial = T::Partial::default();
        while let Some(Key(key)) = map.next_key()? {
            T::field(&mut partial, &key, &mut map)?;
        }
        T::finish(partial)
    }
}

/// A property name, borrowed from the input when the format allows (serde_json does for keys
/// without escapes), so matching it against the wire names allocates nothing.
struct Key<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a property name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Reads the current property's value into `slot`; a second value for it is an error.
pub(crate) fn put<'de, T: de::Deserialize<'de>, A: MapAccess<'de>>(
    slot: &mut Option<T>,
    name: &'static str,
    map: &mut A,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Skips the current property's value: a property the struct has no field for.
pub(crate) fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<de::IgnoredAny>().map(drop)
}

/// Keeps the current property in the struct's map of additional properties.
pub(crate) fn extra<'de, V, A>(
    into: &mut impl Extend<(String, V)>,
    key: &str,
    map: &mut A,
) -> Result<(), A::Error>
where
    V: de::Deserialize<'de>,
    A: MapAccess<'de>,
{
    let value = map.next_value()?;
    into.extend(std::iter::once((key.to_owned(), value)));
    Ok(())
}

/// A required property's value, or the "missing field" error.
pub(crate) fn required<T, E: de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| de::Error::missing_field(name))
}

/// How many of the optional fields are set: with the required ones, the length of the object
/// (formats that write a map's length first need it exact).
pub(crate) fn present(set: &[bool]) -> usize {
    set.iter().filter(|set| **set).count()
}

/// Starts writing an object of `len` properties.
pub(crate) fn write<S: Serializer>(
    serializer: S,
    len: usize,
) -> Result<ObjectWriter<S::SerializeMap>, S::Error> {
    Ok(ObjectWriter {
        map: serializer.serialize_map(Some(len))?,
        error: None,
    })
}

/// Writes an object property by property. The first error is kept and returned by [`end`]
/// (the properties after it are not written), so the generated impl is one call per field.
///
/// [`end`]: ObjectWriter::end
pub(crate) struct ObjectWriter<M: SerializeMap> {
    map: M,
    error: Option<M::Error>,
}

impl<M: SerializeMap> ObjectWriter<M> {
    /// Writes a property.
    pub(crate) fn field<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        if self.error.is_none() {
            if let Err(error) = self.map.serialize_entry(name, value) {
                self.error = Some(error);
            }
        }
    }

    /// Writes a property if it is set; `None` leaves it out.
    pub(crate) fn optional<T: serde::Serialize>(&mut self, name: &str, value: &Option<T>) {
        if let Some(value) = value {
            self.field(name, value);
        }
    }

    /// Writes the additional properties, after the named ones.
    pub(crate) fn extra<'a, V: serde::Serialize + 'a>(
        &mut self,
        entries: impl IntoIterator<Item = (&'a String, &'a V)>,
    ) {
        for (name, value) in entries {
            self.field(name, value);
        }
    }

    /// Ends the object, or returns the first error.
    pub(crate) fn end(self) -> Result<M::Ok, M::Error> {
        match self.error {
            Some(error) => Err(error),
            None => self.map.end(),
        }
    }
}

/// Reads a value whole, for a union that tries its variants in turn (see [`variant`]).
/// Hand-written instead of serde's `#[serde(untagged)]` derive for the same reason as the rest of
/// this module: one line per variant instead of a buffering visitor per union.
pub(crate) fn buffer<'de, D: de::Deserializer<'de>>(
    deserializer: D,
) -> Result<serde_json::Value, D::Error> {
    de::Deserialize::deserialize(deserializer)
}

/// `value` decoded as a `T`, if it is one (read in place, not copied).
pub(crate) fn variant<T: de::DeserializeOwned>(value: &serde_json::Value) -> Option<T> {
    T::deserialize(value).ok()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// A struct with every kind of field, written as the generator writes one.
    #[derive(Debug, PartialEq)]
    struct Pet {
        name: String,
        age: Option<i64>,
        owner: Option<Option<String>>,
        tags: BTreeMap<String, i64>,
    }

    #[derive(Default)]
    struct PetPartial {
        name: Option<String>,
        age: Option<Option<i64>>,
        owner: Option<Option<String>>,
        tags: BTreeMap<String, i64>,
    }

    impl Object for Pet {
        type Partial = PetPartial;
        const NAME: &'static str = "Pet";
        fn field<'de, A: MapAccess<'de>>(
            partial: &mut PetPartial,
            key: &str,
            map: &mut A,
        ) -> Result<(), A::Error> {
            match key {
                "name" => put(&mut partial.name, "name", map),
                "age" => put(&mut partial.age, "age", map),
                "owner" => put(&mut partial.owner, "owner", map),
                _ => extra(&mut partial.tags, key, map),
            }
        }
        fn finish<E: de::Error>(partial: PetPartial) -> Result<Self, E> {
            Ok(Self {
                name: required(partial.name, "name")?,
                age: partial.age.flatten(),
                owner: partial.owner,
                tags: partial.tags,
            })
        }
    }

    impl<'de> de::Deserialize<'de> for Pet {
        fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserialize(deserializer)
        }
    }

    impl serde::Serialize for Pet {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let len = 1 + present(&[self.age.is_some(), self.owner.is_some()]) + self.tags.len();
            let mut object = write(serializer, len)?;
            object.field("name", &self.name);
            object.optional("age", &self.age);
            object.optional("owner", &self.owner);
            object.extra(&self.tags);
            object.end()
        }
    }

    /// A struct without additional properties: unknown ones are dropped.
    #[derive(Debug, PartialEq)]
    struct Point {
        x: f64,
    }

    impl Object for Point {
        type Partial = Option<f64>;
        const NAME: &'static str = "Point";
        fn field<'de, A: MapAccess<'de>>(
            partial: &mut Option<f64>,
            key: &str,
            map: &mut A,
        ) -> Result<(), A::Error> {
            match key {
                "x" => put(partial, "x", map),
                _ => skip(map),
            }
        }
        fn finish<E: de::Error>(partial: Option<f64>) -> Result<Self, E> {
            Ok(Self {
                x: required(partial, "x")?,
            })
        }
    }

    impl<'de> de::Deserialize<'de> for Point {
        fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserialize(deserializer)
        }
    }

    fn pet(json: &str) -> Result<Pet, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    fn read(json: &str) -> Pet {
        pet(json).unwrap_or_else(|e| panic!("{json}: {e}"))
    }

    fn ok<T, E: std::fmt::Display>(result: Result<T, E>) -> T {
        result.unwrap_or_else(|e| panic!("{e}"))
    }

    fn refused<T: std::fmt::Debug>(result: Result<T, impl ToString>) -> String {
        match result {
            Ok(value) => panic!("decoded: {value:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn reads_each_kind_of_field() {
        let rex = read(r#"{"name": "Rex", "age": 3, "owner": null, "paws": 4}"#);
        let expected = Pet {
            name: "Rex".into(),
            age: Some(3),
            owner: Some(None),
            tags: BTreeMap::from([("paws".to_owned(), 4)]),
        };
        assert_eq!(rex, expected);
        // Absent and `null` differ only where the field says so.
        let rex = read(r#"{"name": "Rex", "age": null}"#);
        assert_eq!((rex.age, rex.owner), (None, None));
    }

    #[test]
    fn keys_with_escapes_are_read_as_owned_text() {
        let rex = read(r#"{"n\u0061me": "Rex", "p\u00e4ws": 4}"#);
        assert_eq!(rex.name, "Rex");
        assert_eq!(rex.tags.get("päws"), Some(&4));
        // From a `Value`, keys arrive as owned strings too.
        let value = serde_json::json!({"name": "Rex", "age": 2});
        assert_eq!(ok(serde_json::from_value::<Pet>(value)).age, Some(2));
    }

    #[test]
    fn refuses_what_is_not_the_object_the_api_promises() {
        let error = refused(pet(r#"["Rex", 3]"#));
        assert!(error.contains("expected an object (Pet)"), "{error}");
        let error = refused(pet(r#"{"age": 3}"#));
        assert!(error.contains("missing field `name`"), "{error}");
        let error = refused(pet(r#"{"name": "Rex", "name": "Max"}"#));
        assert!(error.contains("duplicate field `name`"), "{error}");
        let error = refused(pet(r#"{"name": 5}"#));
        assert!(error.contains("invalid type: integer `5`"), "{error}");
        let error = refused(serde_json::from_str::<Point>("1.5"));
        assert!(error.contains("expected an object (Point)"), "{error}");
    }

    #[test]
    fn properties_without_a_field_are_skipped_whatever_they_hold() {
        let point: Point = ok(serde_json::from_str(
            r#"{"y": {"deep": [1, {"z": null}]}, "x": 1.5, "w": "s"}"#,
        ));
        assert_eq!(point, Point { x: 1.5 });
    }

    #[test]
    fn writes_set_fields_then_additional_properties() {
        let value = Pet {
            name: "Rex".into(),
            age: None,
            owner: Some(None),
            tags: BTreeMap::from([("paws".to_owned(), 4)]),
        };
        let text = ok(serde_json::to_string(&value));
        assert_eq!(text, r#"{"name":"Rex","owner":null,"paws":4}"#);
        assert_eq!(read(&text), value);
    }

    #[test]
    fn a_buffered_value_is_tried_as_each_variant_in_place() {
        let value: serde_json::Value = ok(serde_json::from_str(r#"{"name": "Rex"}"#));
        assert_eq!(variant::<String>(&value), None);
        assert_eq!(
            variant::<Pet>(&value).map(|pet| pet.name),
            Some("Rex".to_owned())
        );
        let value: serde_json::Value = ok(serde_json::from_str(r#"["Rex"]"#));
        assert_eq!(variant::<Pet>(&value), None);
        assert_eq!(variant::<Vec<String>>(&value), Some(vec!["Rex".to_owned()]));
    }

    #[test]
    fn the_first_error_is_returned_and_nothing_after_it_is_written() {
        /// A value that cannot be written as JSON (a map key that is not a string).
        struct Bad;
        impl serde::Serialize for Bad {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry(&[1], &1)?;
                map.end()
            }
        }
        let mut out = Vec::new();
        let mut serializer = serde_json::Serializer::new(&mut out);
        let mut object = ok(write(&mut serializer, 3));
        object.field("a", &1);
        object.field("bad", &Bad);
        object.field("c", &3);
        let error = refused(object.end());
        assert!(error.contains("key must be a string"), "{error}");
        let written = ok(String::from_utf8(out));
        assert!(!written.contains("\"c\""), "{written}");
    }
}
