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
/// then); `field` stores the value of one property; `finish` builds the struct once the required
/// fields are there. The loop, the duplicate and missing properties and their errors are this
/// module's, so that each struct's impl is a line per field.
pub(crate) trait Object: Sized {
    /// The fields read so far.
    type Partial;
    /// The struct's name, for "expected an object (Name)".
    const NAME: &'static str;
    /// The named fields' wire names, the required ones first: `field` is given an index into
    /// this list.
    const FIELDS: &'static [&'static str];
    /// How many of [`Object::FIELDS`], from the first, are required.
    const REQUIRED: usize;
    /// Nothing read yet.
    fn empty() -> Self::Partial;
    /// Reads the value of property `FIELDS[index]` into `partial`.
    fn field<'de, A: MapAccess<'de>>(
        partial: &mut Self::Partial,
        index: usize,
        map: &mut A,
    ) -> Result<(), A::Error>;
    /// A property without a field of its own: skipped, unless the struct keeps additional
    /// properties.
    fn other<'de, A: MapAccess<'de>>(
        partial: &mut Self::Partial,
        key: &str,
        map: &mut A,
    ) -> Result<(), A::Error> {
        let _ = (partial, key);
        skip(map)
    }
    /// The struct, or `None` when a required field is missing. A `let`-`else` over the partial
    /// value: one pattern instead of a `?` per field, which made this function the largest of
    /// every struct's (in MIR, so in rustc's memory and time).
    fn finish(partial: Self::Partial) -> Option<Self>;
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
        let mut partial = T::empty();
        let mut seen = Seen::new(T::FIELDS.len());
        while let Some(Key(key)) = map.next_key()? {
            match T::FIELDS.iter().position(|name| *name == key) {
                Some(index) => {
                    if !seen.insert(index) {
                        return Err(de::Error::duplicate_field(T::FIELDS[index]));
                    }
                    T::field(&mut partial, index, &mut map)?;
                }
                None => T::other(&mut partial, &key, &mut map)?,
            }
        }
        T::finish(partial).ok_or_else(|| {
            let missing = (0..T::REQUIRED).find(|index| !seen.contains(*index));
            de::Error::missing_field(missing.map_or("?", |index| T::FIELDS[index]))
        })
    }
}

/// Which of a struct's fields have arrived: the bits of one word for up to 128 fields (almost
/// every struct), a vector for more (GitHub's largest objects have about 100).
struct Seen {
    bits: u128,
    more: Vec<bool>,
}

impl Seen {
    fn new(fields: usize) -> Self {
        let more = if fields > 128 {
            vec![false; fields]
        } else {
            Vec::new()
        };
        Self { bits: 0, more }
    }

    /// Marks field `index` as arrived; `false` if it had already.
    fn insert(&mut self, index: usize) -> bool {
        if let Some(slot) = self.more.get_mut(index) {
            return !std::mem::replace(slot, true);
        }
        let bit = 1u128 << (index % 128);
        let fresh = self.bits & bit == 0;
        self.bits |= bit;
        fresh
    }

    fn contains(&self, index: usize) -> bool {
        match self.more.get(index) {
            Some(arrived) => *arrived,
            None => self.bits & (1u128 << (index % 128)) != 0,
        }
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

/// Reads the current property's value into `slot`.
pub(crate) fn put<'de, T: de::Deserialize<'de>, A: MapAccess<'de>>(
    slot: &mut Option<T>,
    map: &mut A,
) -> Result<(), A::Error> {
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

/// Starts writing `value` (whose `Serialize` impl calls this) as an object. Formats that write
/// a map's length before its entries (binary ones: bincode, postcard) are told it exactly,
/// counted by a dry run of `value`'s own impl that writes nothing ([`Count`]); the
/// human-readable ones (JSON, forms) have no use for it and are not told. Counting here, instead
/// of in each struct's impl, keeps that impl at one line per field: the count was a second line
/// per optional field, and a third of the impl's MIR.
pub(crate) fn write<S: Serializer, T: serde::Serialize + ?Sized>(
    serializer: S,
    value: &T,
) -> Result<ObjectWriter<S::SerializeMap>, S::Error> {
    let len = if serializer.is_human_readable() {
        None
    } else {
        value.serialize(Count).ok()
    };
    Ok(ObjectWriter {
        map: serializer.serialize_map(len)?,
        error: None,
    })
}

/// A serializer that counts the entries of the map a value writes, and writes nothing. It says
/// it is human-readable, so the impl it runs does not ask it for the count in turn.
struct Count;

/// What [`Count`] answers a value that is not a map.
#[derive(Debug)]
struct NotAnObject;

impl fmt::Display for NotAnObject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not an object")
    }
}

impl std::error::Error for NotAnObject {}

impl serde::ser::Error for NotAnObject {
    fn custom<T: fmt::Display>(_: T) -> Self {
        NotAnObject
    }
}

/// The entries counted so far.
struct Entries(usize);

impl SerializeMap for Entries {
    type Ok = usize;
    type Error = NotAnObject;
    fn serialize_key<K: serde::Serialize + ?Sized>(&mut self, _: &K) -> Result<(), NotAnObject> {
        self.0 += 1;
        Ok(())
    }
    fn serialize_value<V: serde::Serialize + ?Sized>(&mut self, _: &V) -> Result<(), NotAnObject> {
        Ok(())
    }
    fn end(self) -> Result<usize, NotAnObject> {
        Ok(self.0)
    }
}

/// The methods of [`Count`] for what is not a map.
macro_rules! not_an_object {
    ($($method:ident($($arg:ty),*);)*) => {
        $(
            fn $method(self, $(_: $arg),*) -> Result<usize, NotAnObject> {
                Err(NotAnObject)
            }
        )*
    };
}

impl Serializer for Count {
    type Ok = usize;
    type Error = NotAnObject;
    type SerializeSeq = serde::ser::Impossible<usize, NotAnObject>;
    type SerializeTuple = serde::ser::Impossible<usize, NotAnObject>;
    type SerializeTupleStruct = serde::ser::Impossible<usize, NotAnObject>;
    type SerializeTupleVariant = serde::ser::Impossible<usize, NotAnObject>;
    type SerializeMap = Entries;
    type SerializeStruct = serde::ser::Impossible<usize, NotAnObject>;
    type SerializeStructVariant = serde::ser::Impossible<usize, NotAnObject>;

    fn serialize_map(self, _: Option<usize>) -> Result<Entries, NotAnObject> {
        Ok(Entries(0))
    }

    not_an_object! {
        serialize_bool(bool);
        serialize_i8(i8);
        serialize_i16(i16);
        serialize_i32(i32);
        serialize_i64(i64);
        serialize_u8(u8);
        serialize_u16(u16);
        serialize_u32(u32);
        serialize_u64(u64);
        serialize_f32(f32);
        serialize_f64(f64);
        serialize_char(char);
        serialize_str(&str);
        serialize_bytes(&[u8]);
        serialize_none();
        serialize_unit();
        serialize_unit_struct(&'static str);
        serialize_unit_variant(&'static str, u32, &'static str);
    }

    fn serialize_some<T: serde::Serialize + ?Sized>(self, _: &T) -> Result<usize, NotAnObject> {
        Err(NotAnObject)
    }
    fn serialize_newtype_struct<T: serde::Serialize + ?Sized>(
        self,
        _: &'static str,
        _: &T,
    ) -> Result<usize, NotAnObject> {
        Err(NotAnObject)
    }
    fn serialize_newtype_variant<T: serde::Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<usize, NotAnObject> {
        Err(NotAnObject)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, NotAnObject> {
        Err(NotAnObject)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, NotAnObject> {
        Err(NotAnObject)
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, NotAnObject> {
        Err(NotAnObject)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, NotAnObject> {
        Err(NotAnObject)
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, NotAnObject> {
        Err(NotAnObject)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, NotAnObject> {
        Err(NotAnObject)
    }
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

/// `Debug` for a generated struct: its name and the properties it would send, by wire name, in
/// name order (`TrackSaleRequest { amount: 0, customerExternalId: "x" }`; unset optional fields
/// are left out; `{:#?}` spreads it over lines).
///
/// Written through `Serialize` instead of derived: a derived `Debug` is a function per struct
/// with a line per field, which for GitHub's crate was 7 % of the MIR rustc holds while checking
/// it (4.5 % of its peak memory); this is one call. The cost moves to printing (the value is
/// serialized to be shown), where it matters less. Structs that hold a file keep the derived
/// one, which shows a file's size instead of its bytes.
pub(crate) fn debug<T: Object + serde::Serialize>(
    value: &T,
    f: &mut fmt::Formatter<'_>,
) -> fmt::Result {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::Object(members)) => {
            let mut out = f.debug_struct(T::NAME);
            for (name, member) in &members {
                out.field(name, &Json(member));
            }
            out.finish()
        }
        Ok(other) => f.debug_tuple(T::NAME).field(&Json(&other)).finish(),
        Err(_) => f.debug_struct(T::NAME).finish_non_exhaustive(),
    }
}

/// A JSON value written the way `Debug` writes Rust data: strings quoted, lists and maps with
/// `Debug`'s brackets (and its `{:#?}` layout).
struct Json<'a>(&'a serde_json::Value);

impl fmt::Debug for Json<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            serde_json::Value::Null => f.write_str("null"),
            serde_json::Value::Bool(value) => fmt::Debug::fmt(value, f),
            serde_json::Value::Number(value) => fmt::Display::fmt(value, f),
            serde_json::Value::String(value) => fmt::Debug::fmt(value, f),
            serde_json::Value::Array(items) => {
                f.debug_list().entries(items.iter().map(Json)).finish()
            }
            serde_json::Value::Object(members) => f
                .debug_map()
                .entries(members.iter().map(|(name, member)| (name, Json(member))))
                .finish(),
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
    #[derive(PartialEq)]
    struct Pet {
        name: String,
        age: Option<i64>,
        owner: Option<Option<String>>,
        tags: BTreeMap<String, i64>,
    }

    struct PetPartial {
        name: Option<String>,
        age: Option<Option<i64>>,
        owner: Option<Option<String>>,
        tags: BTreeMap<String, i64>,
    }

    impl Object for Pet {
        type Partial = PetPartial;
        const NAME: &'static str = "Pet";
        const FIELDS: &'static [&'static str] = &["name", "age", "owner"];
        const REQUIRED: usize = 1;
        fn empty() -> PetPartial {
            PetPartial {
                name: None,
                age: None,
                owner: None,
                tags: BTreeMap::new(),
            }
        }
        fn field<'de, A: MapAccess<'de>>(
            partial: &mut PetPartial,
            index: usize,
            map: &mut A,
        ) -> Result<(), A::Error> {
            match index {
                0 => put(&mut partial.name, map),
                1 => put(&mut partial.age, map),
                2 => put(&mut partial.owner, map),
                _ => skip(map),
            }
        }
        fn other<'de, A: MapAccess<'de>>(
            partial: &mut PetPartial,
            key: &str,
            map: &mut A,
        ) -> Result<(), A::Error> {
            extra(&mut partial.tags, key, map)
        }
        fn finish(partial: PetPartial) -> Option<Self> {
            let PetPartial {
                name: Some(name),
                age,
                owner,
                tags,
            } = partial
            else {
                return None;
            };
            Some(Self {
                name,
                age: age.flatten(),
                owner,
                tags,
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
            let mut object = write(serializer, self)?;
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
        const FIELDS: &'static [&'static str] = &["x"];
        const REQUIRED: usize = 1;
        fn empty() -> Option<f64> {
            None
        }
        fn field<'de, A: MapAccess<'de>>(
            partial: &mut Option<f64>,
            index: usize,
            map: &mut A,
        ) -> Result<(), A::Error> {
            match index {
                0 => put(partial, map),
                _ => skip(map),
            }
        }
        fn finish(partial: Option<f64>) -> Option<Self> {
            Some(Self { x: partial? })
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
    fn seen_fields_are_counted_once_in_a_word_or_beyond_it() {
        for fields in [1, 128, 129, 300] {
            let mut seen = Seen::new(fields);
            let mut indexes = vec![0, fields / 2, fields - 1];
            indexes.dedup();
            for index in indexes {
                assert!(!seen.contains(index), "{fields}: {index}");
                assert!(seen.insert(index), "{fields}: {index}");
                assert!(!seen.insert(index), "{fields}: {index} again");
                assert!(seen.contains(index), "{fields}: {index}");
            }
            let arrived = (0..fields).filter(|index| seen.contains(*index)).count();
            assert_eq!(arrived, if fields == 1 { 1 } else { 3 }, "{fields}");
        }
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

    impl fmt::Debug for Pet {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            debug(self, f)
        }
    }

    #[test]
    fn debug_shows_the_name_and_the_properties_sent() {
        let value = Pet {
            name: "Rex \"the dog\"".into(),
            age: None,
            owner: Some(None),
            tags: BTreeMap::from([("paws".to_owned(), 4), ("ears".to_owned(), 2)]),
        };
        // In name order, or in the order written where a crate in the build turns on
        // serde_json's `preserve_order` (the workspace's test dependencies do).
        let shown = format!("{value:?}");
        assert!(
            [
                r#"Pet { ears: 2, name: "Rex \"the dog\"", owner: null, paws: 4 }"#,
                r#"Pet { name: "Rex \"the dog\"", owner: null, ears: 2, paws: 4 }"#,
            ]
            .contains(&shown.as_str()),
            "{shown}"
        );
        let pretty = format!("{value:#?}");
        assert!(pretty.starts_with("Pet {\n    "), "{pretty}");
        assert!(pretty.contains("\n    paws: 4,\n}"), "{pretty}");
        let nested = Pet {
            name: "Rex".into(),
            age: Some(3),
            owner: None,
            tags: BTreeMap::new(),
        };
        let shown = format!("{nested:?}");
        assert!(
            [
                r#"Pet { age: 3, name: "Rex" }"#,
                r#"Pet { name: "Rex", age: 3 }"#
            ]
            .contains(&shown.as_str()),
            "{shown}"
        );
        assert_eq!(
            format!(
                "{:?}",
                Json(&serde_json::json!({"a": [1, "b", null, {"c": true}]}))
            ),
            r#"{"a": [1, "b", null, {"c": true}]}"#
        );
    }

    #[test]
    fn formats_that_write_lengths_are_told_the_number_of_properties_sent() {
        use serde::Serialize as _;
        let value = Pet {
            name: "Rex".into(),
            age: None,
            owner: Some(None),
            tags: BTreeMap::from([("paws".to_owned(), 4), ("ears".to_owned(), 2)]),
        };
        assert_eq!(value.serialize(Count).ok(), Some(4));
        assert!(1.5f64.serialize(Count).is_err());
        assert!(vec![1].serialize(Count).is_err());
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
        let mut object = ok(write(&mut serializer, &()));
        object.field("a", &1);
        object.field("bad", &Bad);
        object.field("c", &3);
        let error = refused(object.end());
        assert!(error.contains("key must be a string"), "{error}");
        let written = ok(String::from_utf8(out));
        assert!(!written.contains("\"c\""), "{written}");
    }
}
