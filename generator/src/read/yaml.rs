//! YAML text into a `serde_json::Value`, without the failures of deserializing into
//! `serde_json::Value` directly: integers beyond 64 bits (which yaml_serde hands over as 128-bit
//! integers that neither `serde_json::Value` nor `serde_yaml::Value` accept) become the nearest
//! `f64`, non-string keys (`200:`) become strings, merge keys (`<<: *anchor`) are applied, and
//! tagged values (`!tag value`) lose their tag. Each approximation is noted with its JSON pointer.

use crate::diagnostics::pointer;
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::cell::RefCell;
use std::fmt;

/// A value that could not be kept exactly: its JSON pointer and what was done.
pub(crate) type Note = (String, String);

/// Deepest flow nesting (`[` and `{`) read; the deserializer refuses more than 128 levels anyway.
const MAX_FLOW_DEPTH: usize = 1_000;

/// Where the text first nests `[`/`{` deeper than [`MAX_FLOW_DEPTH`], as (line, column), 1-based.
///
/// The YAML scanner takes time quadratic in the flow nesting depth (it rechecks every open level
/// at each token) and scans the whole document before the deserializer's recursion limit applies:
/// 100,000 levels (4 MB) took four minutes. Brackets are counted without regard to quoting, so
/// brackets inside strings count too: the limit, eight times the deserializer's, leaves room for
/// them.
pub(crate) fn too_deep(text: &str) -> Option<(usize, usize)> {
    let (mut depth, mut line, mut column) = (0usize, 1usize, 0usize);
    for c in text.chars() {
        column += 1;
        match c {
            '[' | '{' => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    return Some((line, column));
                }
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            '\n' => {
                line += 1;
                column = 0;
            }
            _ => {}
        }
    }
    None
}

/// The line (1-based) on which the YAML loader sees a second document begin, found by bisecting
/// on line prefixes: yaml_serde refuses a stream of several documents without saying where the
/// second begins, which may be a `---` or `...` marker or the scanner ending a document on its
/// own (a quoted scalar followed by more text, say). Costs a parse of the text per halving, and
/// runs only once a read has already failed.
pub(crate) fn second_document_line(text: &str) -> Option<usize> {
    let line_ends: Vec<usize> = text
        .match_indices('\n')
        .map(|(i, _)| i + 1)
        .chain(std::iter::once(text.len()))
        .collect();
    // Whether the first `lines` lines hold a whole, well-formed first document and the start of
    // another (a cut through the first document is an error, not two documents).
    let two_documents_in = |lines: usize| {
        let prefix = &text[..line_ends[lines - 1]];
        let mut documents = serde_yaml::Deserializer::from_str(prefix);
        documents
            .next()
            .is_some_and(|first| de::IgnoredAny::deserialize(first).is_ok())
            && documents.next().is_some()
    };
    let (mut low, mut high) = (1usize, line_ends.len());
    if !two_documents_in(high) {
        return None;
    }
    // Invariant: the first `high` lines hold two documents; the first `low - 1` do not.
    while low < high {
        let middle = low + (high - low) / 2;
        if two_documents_in(middle) {
            high = middle;
        } else {
            low = middle + 1;
        }
    }
    Some(high)
}

/// Parses one YAML document.
pub(crate) fn from_str(text: &str) -> Result<(Value, Vec<Note>), serde_yaml::Error> {
    let notes = RefCell::new(Vec::new());
    let value = Seed {
        at: String::new(),
        notes: &notes,
    }
    .deserialize(serde_yaml::Deserializer::from_str(text))?;
    Ok((value, notes.into_inner()))
}

struct Seed<'n> {
    at: String,
    notes: &'n RefCell<Vec<Note>>,
}

impl Seed<'_> {
    fn child(&self, segment: &str) -> Self {
        Seed {
            at: pointer(&self.at, segment),
            notes: self.notes,
        }
    }

    fn note(&self, message: String) {
        self.notes.borrow_mut().push((self.at.clone(), message));
    }

    fn float(&self, value: f64) -> Value {
        match Number::from_f64(value) {
            Some(n) => Value::Number(n),
            None => {
                self.note(format!(
                    "`{value}` has no JSON counterpart and is read as null"
                ));
                Value::Null
            }
        }
    }

    fn wide_integer(&self, text: String, value: f64) -> Value {
        self.note(format!(
            "the integer {text} does not fit 64 bits and is read as {value:e}"
        ));
        self.float(value)
    }
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    #[allow(clippy::cast_precision_loss)] // the point: the nearest f64
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        if let Ok(small) = i64::try_from(v) {
            return Ok(Value::from(small));
        }
        if let Ok(small) = u64::try_from(v) {
            return Ok(Value::from(small));
        }
        Ok(self.wide_integer(v.to_string(), v as f64))
    }

    #[allow(clippy::cast_precision_loss)] // the point: the nearest f64
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        if let Ok(small) = u64::try_from(v) {
            return Ok(Value::from(small));
        }
        Ok(self.wide_integer(v.to_string(), v as f64))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(self.float(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Value, E> {
        Ok(Value::String(String::from_utf8_lossy(v).into_owned()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self.child(&items.len().to_string()))? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key_seed(KeySeed)? {
            let value = access.next_value_seed(self.child(&key))?;
            map.insert(key, value);
        }
        // YAML 1.1 merge keys: `<<: *base` or `<<: [*a, *b]`; keys already present win.
        if let Some(merged) = map.remove("<<") {
            let sources = match merged {
                Value::Array(sources) => sources,
                other => vec![other],
            };
            for source in sources {
                if let Value::Object(source) = source {
                    for (key, value) in source {
                        map.entry(key).or_insert(value);
                    }
                }
            }
        }
        Ok(Value::Object(map))
    }

    /// A tagged value (`!tag value`): the tag is dropped.
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        let (_tag, variant) = data.variant::<String>()?;
        de::VariantAccess::newtype_variant_seed(variant, self)
    }
}

/// A mapping key: any scalar, as its text.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a scalar mapping key")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }

    fn visit_unit<E: de::Error>(self) -> Result<String, E> {
        Ok("null".to_owned())
    }

    fn visit_none<E: de::Error>(self) -> Result<String, E> {
        Ok("null".to_owned())
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<String, A::Error> {
        let (_tag, variant) = data.variant::<String>()?;
        de::VariantAccess::newtype_variant_seed(variant, self)
    }
}
