// `JsonText`: a free-form JSON value kept as its compact JSON text, the type of values whose
// limit is on that text (`x-max-stringified-length`, checked by the server as
// `JSON.stringify(value).length`).
//
// Why text and not a `serde_json::Value`: the limit is a property of the text. A `Value` has to
// be walked (or serialized) on every validation to be measured, which for CodeQR's 10,000-unit
// `metadata` was almost all of a request's validation; the text is measured once, when the value
// is made, and the request body then copies it instead of serializing the tree again. A value
// built from the caller's own type goes straight to text, with no `Value` tree in between.

use std::fmt;

use serde_json::value::RawValue;

/// A JSON value held as its compact JSON text (what `serde_json::to_string` writes), with its
/// length in UTF-16 code units measured once.
///
/// Fields whose spec limits the length of their JSON text (`x-max-stringified-length`) have this
/// type: validation reads the stored length instead of walking the value, and the request body
/// copies the text.
///
/// ```text
/// let metadata = JsonText::new(&MyMetadata { plan: "pro", seats: 3 })?;   // any Serialize
/// let metadata = JsonText::from(serde_json::json!({ "plan": "pro" }));      // a serde_json::Value
/// let plan = metadata.to_value()["plan"].clone();
/// ```
///
/// Builders take anything that converts into it (`serde_json::Value`, `serde_json::Map`).
/// It deserializes from any JSON value, which it writes again compactly (so whitespace in the
/// input is not counted, as the server does not count it). It is made for JSON: serialized
/// with another format than serde_json's, it does not come out as the value it holds.
#[derive(Clone)]
pub struct JsonText {
    text: Box<RawValue>,
    utf16_len: u64,
}

impl JsonText {
    /// The compact JSON text of `value`; an error if `value` cannot be written as JSON (a map
    /// with keys that are not strings, say).
    pub fn new<T: serde::Serialize + ?Sized>(value: &T) -> Result<JsonText, serde_json::Error> {
        serde_json::value::to_raw_value(value).map(JsonText::from_raw)
    }

    /// Parses `text` as JSON and keeps it in compact form.
    pub fn parse(text: &str) -> Result<JsonText, serde_json::Error> {
        serde_json::from_str::<serde_json::Value>(text).map(JsonText::from)
    }

    fn from_raw(text: Box<RawValue>) -> JsonText {
        let utf16_len = utf16_units(text.get().as_bytes());
        JsonText { text, utf16_len }
    }

    /// The compact JSON text.
    pub fn as_str(&self) -> &str {
        self.text.get()
    }

    /// The length of the text in UTF-16 code units: JavaScript's `JSON.stringify(value).length`.
    pub fn utf16_len(&self) -> u64 {
        self.utf16_len
    }

    /// Whether the value is a JSON object.
    pub fn is_object(&self) -> bool {
        self.as_str().starts_with('{')
    }

    /// What kind of JSON value this is: `object`, `array`, `string`, `number`, `boolean` or
    /// `null` (from the first byte: the text is compact, valid JSON).
    pub fn kind(&self) -> &'static str {
        match self.as_str().as_bytes().first() {
            Some(b'{') => "object",
            Some(b'[') => "array",
            Some(b'"') => "string",
            Some(b't' | b'f') => "boolean",
            Some(b'n') | None => "null",
            Some(_) => "number",
        }
    }

    /// The value as a `serde_json::Value`.
    pub fn to_value(&self) -> serde_json::Value {
        // The text was written by serde_json, so it reads back; `Null` is unreachable.
        serde_json::from_str(self.as_str()).unwrap_or(serde_json::Value::Null)
    }

    /// The value decoded as `T`.
    pub fn deserialize<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(self.as_str())
    }
}

/// UTF-16 code units of UTF-8 text: one per character, two for those outside the Basic
/// Multilingual Plane. Every character has one lead byte (not `10xxxxxx`), and exactly those
/// outside the BMP have a lead byte from 0xF0 up. Summed in `u8` over blocks of 127 bytes (at
/// most 2 per byte: 254 fits), which the compiler vectorizes 16 bytes at a time (13 KB in
/// 0.9 µs, where one `u64` sum per byte took 8.5 µs, timed once in release).
fn utf16_units(text: &[u8]) -> u64 {
    text.chunks(127)
        .map(|block| {
            let units = block.iter().fold(0u8, |n, &b| {
                n + u8::from(b & 0xC0 != 0x80) + u8::from(b >= 0xF0)
            });
            u64::from(units)
        })
        .sum()
}

impl From<serde_json::Value> for JsonText {
    fn from(value: serde_json::Value) -> JsonText {
        JsonText::from(&value)
    }
}

impl From<&serde_json::Value> for JsonText {
    fn from(value: &serde_json::Value) -> JsonText {
        // Writing a `Value` cannot fail: its keys are strings and its numbers finite. The
        // fallback is unreachable, but a panic is not allowed here.
        JsonText::new(value).unwrap_or_else(|_| JsonText::from_raw(RawValue::NULL.to_owned()))
    }
}

impl From<serde_json::Map<String, serde_json::Value>> for JsonText {
    fn from(map: serde_json::Map<String, serde_json::Value>) -> JsonText {
        JsonText::from(serde_json::Value::Object(map))
    }
}

impl std::str::FromStr for JsonText {
    type Err = serde_json::Error;

    fn from_str(text: &str) -> Result<JsonText, serde_json::Error> {
        JsonText::parse(text)
    }
}

impl PartialEq for JsonText {
    fn eq(&self, other: &JsonText) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for JsonText {}

impl std::hash::Hash for JsonText {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

/// `JsonText({"plan":"pro"})`.
impl fmt::Debug for JsonText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "JsonText({})", self.as_str())
    }
}

/// The compact JSON text.
impl fmt::Display for JsonText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for JsonText {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // serde_json's serializers (`to_string`, `to_writer`, `to_value`) take the text as it
        // is; serializers of other formats see serde_json's raw-value marker instead (the SDK
        // writes every body and parameter through serde_json).
        self.text.serialize(serializer)
    }
}

impl<'de> serde::Deserialize<'de> for JsonText {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Through `Value`, not `Box<RawValue>`: the raw input keeps its whitespace and number
        // spellings, which the length must not count.
        serde_json::Value::deserialize(deserializer).map(JsonText::from)
    }
}

#[cfg(test)]
mod tests {
    use super::JsonText;
    use serde_json::json;

    #[test]
    fn text_is_compact_and_measured_in_utf16_units() {
        let text = JsonText::parse("{ \"k\" : [1, 2.5, \"é🦀\\n\"] }").unwrap_or_else(|e| {
            unreachable!("valid JSON: {e}");
        });
        assert_eq!(text.as_str(), "{\"k\":[1,2.5,\"é🦀\\n\"]}");
        assert_eq!(
            text.utf16_len(),
            text.as_str().encode_utf16().count() as u64
        );
        assert!(text.is_object());
        assert_eq!(JsonText::from(json!([1])).kind(), "array");
        assert_eq!(JsonText::from(json!("x")).kind(), "string");
        assert_eq!(JsonText::from(json!(-1)).kind(), "number");
        assert_eq!(JsonText::from(json!(false)).kind(), "boolean");
        assert_eq!(JsonText::from(json!(null)).kind(), "null");
    }

    #[test]
    fn utf16_count_agrees_with_encode_utf16_across_block_edges() {
        let alphabet = ["a", "é", "☕", "🦀", "\n", "\"", "\u{1}"];
        for len in [0usize, 1, 126, 127, 128, 254, 255, 1000] {
            for start in 0..alphabet.len() {
                let text: String = (0..len)
                    .map(|i| alphabet[(start + i * 3) % alphabet.len()])
                    .collect();
                let json = JsonText::from(json!(text));
                assert_eq!(
                    json.utf16_len(),
                    json.as_str().encode_utf16().count() as u64,
                    "{len} {start}"
                );
            }
        }
    }

    #[test]
    fn round_trips_through_serde_json() {
        let value = json!({ "plan": "pro", "seats": 3, "nested": { "a": [true, null] } });
        let text = JsonText::from(value.clone());
        assert_eq!(text.to_value(), value);
        assert_eq!(
            serde_json::to_string(&text).ok(),
            Some(text.as_str().to_owned())
        );
        assert_eq!(serde_json::to_value(&text).ok(), Some(value.clone()));
        let wrapped = json!({ "metadata": value });
        let decoded: std::collections::BTreeMap<String, JsonText> =
            serde_json::from_value(wrapped).unwrap_or_default();
        assert_eq!(decoded.get("metadata"), Some(&text));
    }
}
