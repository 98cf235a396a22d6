// Request validation: the `Validate` trait that generated types implement, the `Validator` that
// collects every violation of the API's constraints (with wire path, rule and limit), and the
// `ValidationError` returned when a request breaks any of them. Nothing is sent in that case.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// Where a value sits inside a request, as a chain of wire names, indices and map keys.
///
/// A `FieldPath` borrows its parent, so building one costs nothing; it is only rendered to a
/// string (`customerExternalId`, `items[3].name`, `metadata.plan`) when a violation is recorded.
/// The root renders as the empty string.
///
/// Generated code's, not the SDK user's: hidden from the docs.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct FieldPath<'a> {
    parent: Option<&'a FieldPath<'a>>,
    segment: Segment<'a>,
}

#[derive(Debug, Clone, Copy)]
enum Segment<'a> {
    Root,
    Field(&'static str),
    Index(usize),
    Key(&'a str),
}

impl FieldPath<'static> {
    /// The path of the request itself (renders as `""`, shown as `(root)` in messages).
    pub fn root() -> FieldPath<'static> {
        FieldPath {
            parent: None,
            segment: Segment::Root,
        }
    }
}

impl<'a> FieldPath<'a> {
    /// The path of the field `wire_name` (its name in the JSON body) inside this value.
    pub fn field(&'a self, wire_name: &'static str) -> FieldPath<'a> {
        FieldPath {
            parent: Some(self),
            segment: Segment::Field(wire_name),
        }
    }

    /// The path of item `i` of this array.
    pub fn index(&'a self, i: usize) -> FieldPath<'a> {
        FieldPath {
            parent: Some(self),
            segment: Segment::Index(i),
        }
    }

    /// The path of the entry `k` of this map.
    pub fn key(&'a self, k: &'a str) -> FieldPath<'a> {
        FieldPath {
            parent: Some(self),
            segment: Segment::Key(k),
        }
    }

    /// Whether this is the root path.
    pub fn is_root(&self) -> bool {
        matches!(self.segment, Segment::Root)
    }
}

/// Whether a map key can be written after a dot (`metadata.plan`) rather than quoted
/// (`metadata["two words"]`).
fn is_plain_key(k: &str) -> bool {
    !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '$')
}

impl fmt::Display for FieldPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parent_is_root = match self.parent {
            Some(parent) => {
                fmt::Display::fmt(parent, f)?;
                parent.is_root()
            }
            None => true,
        };
        match self.segment {
            Segment::Root => Ok(()),
            Segment::Field(name) if parent_is_root => f.write_str(name),
            Segment::Field(name) => write!(f, ".{name}"),
            Segment::Index(i) => write!(f, "[{i}]"),
            Segment::Key(k) if is_plain_key(k) && parent_is_root => f.write_str(k),
            Segment::Key(k) if is_plain_key(k) => write!(f, ".{k}"),
            Segment::Key(k) => {
                let quoted = serde_json::to_string(k).map_err(|_| fmt::Error)?;
                write!(f, "[{quoted}]")
            }
        }
    }
}

/// A constraint of the API description, with its limit.
///
/// Displays as the JSON Schema keyword and its limit: `maxLength 100`, `minimum 0`,
/// `format email`, `x-max-stringified-length 10000`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Rule {
    /// A required field was never set.
    Required,
    /// `minLength`: fewest characters (Unicode scalar values) a string may have.
    MinLength(u64),
    /// `maxLength`: most characters (Unicode scalar values) a string may have.
    MaxLength(u64),
    /// `minimum`: smallest allowed number (inclusive).
    Minimum(serde_json::Number),
    /// `exclusiveMinimum`: the number must be greater than this.
    ExclusiveMinimum(serde_json::Number),
    /// `maximum`: largest allowed number (inclusive).
    Maximum(serde_json::Number),
    /// `exclusiveMaximum`: the number must be less than this.
    ExclusiveMaximum(serde_json::Number),
    /// `multipleOf`: the number must be a multiple of this.
    MultipleOf(serde_json::Number),
    /// `pattern`: the string must contain a match of this ECMAScript regular expression.
    Pattern(String),
    /// `format`: the string must be in this format (e.g. `email`).
    Format(String),
    /// `enum`: the value must be one of these.
    Enum(Vec<String>),
    /// `minItems`: fewest items an array may have.
    MinItems(u64),
    /// `maxItems`: most items an array may have.
    MaxItems(u64),
    /// `uniqueItems`: no two items of the array may be equal.
    UniqueItems,
    /// `minProperties`: fewest entries an object may have.
    MinProperties(u64),
    /// `maxProperties`: most entries an object may have.
    MaxProperties(u64),
    /// `x-max-stringified-length`: most UTF-16 code units the value's compact JSON text may have.
    MaxStringifiedLength(u64),
    /// `type`: the JSON type a value held as JSON text must have (`object`); other values
    /// have it by their Rust type.
    Type(&'static str),
    /// `type` listing several JSON types, on a value held as any JSON: it must be one of them.
    Types(Vec<String>),
    /// The boolean schema `false`: no value is valid; the field may only be absent.
    NoValue,
    /// An additional property (in a struct's map of the properties beyond its fields) has the
    /// name of one of the fields: the object would carry that name twice.
    NamedProperty,
    /// `anyOf` of constraint sets on one value: none of them holds.
    AnyOf,
    /// `oneOf` of constraint sets on one value: none or several hold, not exactly one.
    OneOf,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Required => f.write_str("required"),
            Rule::MinLength(n) => write!(f, "minLength {n}"),
            Rule::MaxLength(n) => write!(f, "maxLength {n}"),
            Rule::Minimum(n) => write!(f, "minimum {n}"),
            Rule::ExclusiveMinimum(n) => write!(f, "exclusiveMinimum {n}"),
            Rule::Maximum(n) => write!(f, "maximum {n}"),
            Rule::ExclusiveMaximum(n) => write!(f, "exclusiveMaximum {n}"),
            Rule::MultipleOf(n) => write!(f, "multipleOf {n}"),
            Rule::Pattern(p) => write!(f, "pattern {p}"),
            Rule::Format(name) => write!(f, "format {name}"),
            Rule::Enum(values) => write!(f, "enum [{}]", values.join(", ")),
            Rule::MinItems(n) => write!(f, "minItems {n}"),
            Rule::MaxItems(n) => write!(f, "maxItems {n}"),
            Rule::UniqueItems => f.write_str("uniqueItems"),
            Rule::MinProperties(n) => write!(f, "minProperties {n}"),
            Rule::MaxProperties(n) => write!(f, "maxProperties {n}"),
            Rule::MaxStringifiedLength(n) => write!(f, "x-max-stringified-length {n}"),
            Rule::Type(name) => write!(f, "type {name}"),
            Rule::Types(names) => write!(f, "type [{}]", names.join(", ")),
            Rule::NoValue => f.write_str("false (no value)"),
            Rule::NamedProperty => f.write_str("a named property set as an additional one"),
            Rule::AnyOf => f.write_str("anyOf"),
            Rule::OneOf => f.write_str("oneOf"),
        }
    }
}

/// One broken constraint: where, which rule, and what was wrong.
///
/// Displays as `{path}: {message}`, e.g.
/// `customerExternalId: is 101 characters long, more than maxLength 100`.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// The wire path of the offending value (`""` for the request itself).
    pub path: String,
    /// The rule that was broken, with its limit.
    pub rule: Rule,
    /// What was wrong, e.g. `is 101 characters long, more than maxLength 100`.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "(root)"
        } else {
            &self.path
        };
        write!(f, "{path}: {}", self.message)
    }
}

/// A request broke one or more of the API's constraints; nothing was sent.
///
/// Holds every violation found, not just the first.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidationError {
    /// Every violation, in the order the fields were checked.
    pub violations: Vec<Violation>,
}

impl ValidationError {
    /// Every violation, in the order the fields were checked.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.violations.len();
        match n {
            0 => return f.write_str("request is invalid"),
            1 => f.write_str("request is invalid (1 violation): ")?,
            _ => write!(f, "request is invalid ({n} violations): ")?,
        }
        for (i, violation) in self.violations.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            fmt::Display::fmt(violation, f)?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationError {}

/// A value that can check itself against the API's constraints.
///
/// Generated request types implement `validate_at`; callers use `validate`.
pub trait Validate {
    /// Records every violation in `self` (found at `path`) into `v`. Generated code's: hidden
    /// from the docs, where `validate` is what users call.
    #[doc(hidden)]
    fn validate_at(&self, path: &FieldPath<'_>, v: &mut Validator);

    /// Checks `self` against every constraint and returns all violations at once.
    fn validate(&self) -> Result<(), ValidationError> {
        let mut v = Validator::new();
        self.validate_at(&FieldPath::root(), &mut v);
        v.finish()
    }
}

impl<T: Validate + ?Sized> Validate for &T {
    fn validate_at(&self, path: &FieldPath<'_>, v: &mut Validator) {
        (**self).validate_at(path, v);
    }
}

impl<T: Validate + ?Sized> Validate for Box<T> {
    fn validate_at(&self, path: &FieldPath<'_>, v: &mut Validator) {
        (**self).validate_at(path, v);
    }
}

impl<T: Validate> Validate for Option<T> {
    fn validate_at(&self, path: &FieldPath<'_>, v: &mut Validator) {
        if let Some(value) = self {
            value.validate_at(path, v);
        }
    }
}

impl<T: Validate> Validate for [T] {
    fn validate_at(&self, path: &FieldPath<'_>, v: &mut Validator) {
        for (i, item) in self.iter().enumerate() {
            item.validate_at(&path.index(i), v);
        }
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate_at(&self, path: &FieldPath<'_>, v: &mut Validator) {
        self.as_slice().validate_at(path, v);
    }
}

impl<T: Validate> Validate for BTreeMap<String, T> {
    fn validate_at(&self, path: &FieldPath<'_>, v: &mut Validator) {
        for (k, value) in self {
            value.validate_at(&path.key(k), v);
        }
    }
}

impl<T: Validate, S> Validate for HashMap<String, T, S> {
    fn validate_at(&self, path: &FieldPath<'_>, v: &mut Validator) {
        // Sorted so that the violations come out in the same order on every run.
        let mut entries: Vec<(&String, &T)> = self.iter().collect();
        entries.sort_by(|a, b| a.0.cmp(b.0));
        for (k, value) in entries {
            value.validate_at(&path.key(k), v);
        }
    }
}

/// Leaf types carry no constraints of their own (the field that holds them does), so validating
/// them records nothing. These impls let generated code treat every field alike.
macro_rules! no_constraints {
    ($($t:ty),* $(,)?) => {
        $(
            impl Validate for $t {
                fn validate_at(&self, _path: &FieldPath<'_>, _v: &mut Validator) {}
            }
        )*
    };
}

no_constraints!(
    str,
    String,
    bool,
    i8,
    i16,
    i32,
    i64,
    i128,
    isize,
    u8,
    u16,
    u32,
    u64,
    u128,
    usize,
    f32,
    f64,
    serde_json::Value,
    serde_json::Number,
    serde_json::Map<String, serde_json::Value>,
);

/// Collects violations while a request is checked. Generated code's, not the SDK user's:
/// hidden from the docs.
#[doc(hidden)]
#[derive(Debug, Default)]
pub struct Validator {
    violations: Vec<Violation>,
}

/// A finite `f64` limit as a JSON number, written without a fraction when it has none
/// (`minimum 0`, not `minimum 0.0`). `None` for NaN and infinities.
fn f64_number(x: f64) -> Option<serde_json::Number> {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53: integers below are exact in f64
    if x.is_finite() && x.fract() == 0.0 && x.abs() < EXACT {
        Some(serde_json::Number::from(x as i64))
    } else {
        serde_json::Number::from_f64(x)
    }
}

/// An `f64` value for a message, formatted like the limits are.
fn f64_text(x: f64) -> String {
    match f64_number(x) {
        Some(n) => n.to_string(),
        None => x.to_string(),
    }
}

/// Quotes a user value for a message, cut to a readable length.
fn quote_value(value: &str) -> String {
    const MAX_CHARS: usize = 64;
    let mut chars = value.chars();
    let shown: String = chars.by_ref().take(MAX_CHARS).collect();
    let quoted = serde_json::to_string(&shown).unwrap_or_else(|_| String::from("\"?\""));
    if chars.next().is_some() {
        format!("{quoted}…")
    } else {
        quoted
    }
}

/// RFC 5321's `Mailbox`, JSON Schema's `email`: a local part (a dot-string of `atext` atoms, or a
/// quoted string) of at most 64 octets, `@`, and a domain that is a host name (letters, digits
/// and inner hyphens, labels of 1 to 63, at most 253 in all) or an address literal
/// (`[192.0.2.1]`, `[IPv6:2001:db8::1]`). ASCII only (non-ASCII addresses are `idn-email`).
///
/// Written by hand rather than with the `email_address` crate: that crate parses RFC 5322, which
/// is wider (display text, any domain text: `a@invalid=domain`), and took 85 ns for a typical
/// address, half of a whole request's validation; one pass over the bytes is a few nanoseconds.
fn is_email(value: &str) -> bool {
    let b = value.as_bytes();
    let at = if b.first() == Some(&b'"') {
        // quoted-string: qtextSMTP (printable ASCII but `"` and `\`, space included) or a
        // quoted-pair (`\` and any printable ASCII).
        let mut i = 1;
        loop {
            match b.get(i) {
                Some(b'"') => break i + 1,
                Some(b'\\') if b.get(i + 1).is_some_and(|c| (32..=126).contains(c)) => i += 2,
                Some(&c) if (32..=126).contains(&c) && c != b'\\' => i += 1,
                _ => return false,
            }
        }
    } else {
        // dot-string: atoms of atext separated by single dots.
        let mut i = 0;
        let mut atom = 0;
        loop {
            match b.get(i) {
                Some(&c) if is_atext(c) => atom += 1,
                Some(b'.') if atom > 0 => atom = 0,
                Some(b'@') if atom > 0 => break i,
                _ => return false,
            }
            i += 1;
        }
    };
    if at > 64 || b.get(at) != Some(&b'@') {
        return false;
    }
    let domain = &value[at + 1..];
    match domain.strip_prefix('[').and_then(|d| d.strip_suffix(']')) {
        Some(literal) => match literal.strip_prefix("IPv6:") {
            Some(v6) => v6.parse::<std::net::Ipv6Addr>().is_ok(),
            None => literal.parse::<std::net::Ipv4Addr>().is_ok(),
        },
        // A host name, without the trailing dot a DNS name may have.
        None => !domain.ends_with('.') && is_hostname(domain),
    }
}

/// RFC 5322's `atext`: the characters of an unquoted local part's atoms (a table: the check
/// runs once per byte of every address).
fn is_atext(c: u8) -> bool {
    const ATEXT: [bool; 256] = {
        let mut table = [false; 256];
        let mut i = 0;
        while i < 256 {
            let c = i as u8;
            table[i] = c.is_ascii_alphanumeric()
                || matches!(
                    c,
                    b'!' | b'#'
                        | b'$'
                        | b'%'
                        | b'&'
                        | b'\''
                        | b'*'
                        | b'+'
                        | b'-'
                        | b'/'
                        | b'='
                        | b'?'
                        | b'^'
                        | b'_'
                        | b'`'
                        | b'{'
                        | b'|'
                        | b'}'
                        | b'~'
                );
            i += 1;
        }
        table
    };
    ATEXT[usize::from(c)]
}

/// JSON Schema's name for `value`'s type (`integer` for a number written without a fraction).
fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "boolean",
        serde_json::Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
    }
}

/// JSON Schema's equality: numbers by mathematical value (`1` and `1.0` are equal; integers
/// beyond `f64`'s precision compare exactly), arrays item by item, objects by their entries in
/// any order; no equality across types (`false` is not `0`).
/// `value` as JSON, for the checks that judge a typed value as JSON Schema would
/// ([`Validator::alternatives`]). Every generated type serializes; should one fail, `null`
/// stands in, which the sets then judge.
pub fn json_of<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}

pub(crate) fn json_equal(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i128(), y.as_i128()) {
            (Some(x), Some(y)) => x == y,
            _ => x.as_f64() == y.as_f64(),
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| json_equal(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(key, x)| y.get(key).is_some_and(|y| json_equal(x, y)))
        }
        _ => a == b,
    }
}

/// A JSON value for a message, cut at 80 characters.
fn quote_json(value: &serde_json::Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 80 {
        format!("{}…", text.chars().take(80).collect::<String>())
    } else {
        text
    }
}

fn plural(n: u64, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

/// Counts the UTF-16 code units of the UTF-8 text written into it, without keeping the text.
/// The fallback for types other than `JsonText`, `serde_json::Value` and `Map` (see
/// [`stringified_units`]).
#[derive(Debug, Default)]
struct Utf16Counter {
    units: u64,
}

impl std::io::Write for Utf16Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        for &b in buf {
            // Each character contributes exactly one lead byte; 4-byte UTF-8 sequences (lead
            // bytes 0xF0..) are the characters outside the BMP, which take two UTF-16 units.
            if b & 0xC0 != 0x80 {
                self.units += if b >= 0xF0 { 2 } else { 1 };
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl fmt::Write for Utf16Counter {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        // Number text (the only user) is ASCII: one unit per byte.
        self.units += s.len() as u64;
        Ok(())
    }
}

/// The UTF-16 code units of `value`'s compact JSON text, as `serde_json` writes it and
/// JavaScript's `JSON.stringify(value).length` counts it.
///
/// Free-form values that bear the limit are generated as [`crate::JsonText`], which knows its
/// length. Other JSON values (`serde_json::Value`, `Map`, in types the generator did not make
/// `JsonText`) are measured by walking them: a serializer would escape and write every byte
/// only for them to be counted. Other types go through the serializer. The walk and
/// `serde_json` agree by construction (same escapes, same number text); a test compares them on
/// random values.
fn stringified_units<T: serde::Serialize + 'static>(value: &T) -> Result<u64, serde_json::Error> {
    let any: &dyn std::any::Any = value;
    if let Some(text) = any.downcast_ref::<crate::JsonText>() {
        return Ok(text.utf16_len());
    }
    if let Some(json) = any.downcast_ref::<serde_json::Value>() {
        return Ok(json_units(json));
    }
    if let Some(map) = any.downcast_ref::<serde_json::Map<String, serde_json::Value>>() {
        return Ok(object_units(map));
    }
    let mut counter = Utf16Counter::default();
    serde_json::to_writer(&mut counter, value)?;
    Ok(counter.units)
}

fn json_units(value: &serde_json::Value) -> u64 {
    use serde_json::Value;
    match value {
        Value::Null => 4,
        Value::Bool(true) => 4,
        Value::Bool(false) => 5,
        Value::Number(n) => number_units(n),
        Value::String(s) => string_units(s),
        Value::Array(items) => {
            // `[` `]` and a comma between items.
            let commas = items.len().saturating_sub(1) as u64;
            2 + commas + items.iter().map(json_units).sum::<u64>()
        }
        Value::Object(map) => object_units(map),
    }
}

fn object_units(map: &serde_json::Map<String, serde_json::Value>) -> u64 {
    // `{` `}`, a colon per entry and a comma between entries.
    let punctuation = 2 + (2 * map.len() as u64).saturating_sub(1);
    punctuation
        + map
            .iter()
            .map(|(key, value)| string_units(key) + json_units(value))
            .sum::<u64>()
}

fn number_units(n: &serde_json::Number) -> u64 {
    if let Some(u) = n.as_u64() {
        return decimal_digits(u);
    }
    if let Some(i) = n.as_i64() {
        return 1 + decimal_digits(i.unsigned_abs());
    }
    // Floats: `Number`'s `Display` is the text `serde_json` serializes.
    let mut counter = Utf16Counter::default();
    let _ = fmt::Write::write_fmt(&mut counter, format_args!("{n}"));
    counter.units
}

fn decimal_digits(u: u64) -> u64 {
    u64::from(u.checked_ilog10().unwrap_or(0)) + 1
}

/// UTF-16 units each byte of a string adds to its JSON text: `"` and `\` and the control
/// characters with a short escape (`\n`) take 2, other control characters 6 (`\u001f`),
/// UTF-8 continuation bytes 0, lead bytes of 4-byte sequences 2 (a surrogate pair), others 1.
const STRING_UNITS: [u8; 256] = {
    let mut table = [1u8; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = match b {
            0x08 | 0x09 | 0x0A | 0x0C | 0x0D => 2,
            _ => 6,
        };
        b += 1;
    }
    table[b'"' as usize] = 2;
    table[b'\\' as usize] = 2;
    let mut b = 0x80;
    while b < 0xC0 {
        table[b] = 0;
        b += 1;
    }
    let mut b = 0xF0;
    while b < 0x100 {
        table[b] = 2;
        b += 1;
    }
    table
};

/// A JSON string's units, quotes included, counted eight bytes at a time: per byte, one unit,
/// plus one for `"` and `\` (their escapes), plus one for the lead byte of a 4-byte UTF-8
/// sequence (a surrogate pair), minus one for each continuation byte. A control character,
/// whose escape length varies, sends the string to the exact table, as do the last bytes
/// that do not fill a word. The per-byte flags are exact (no carries between bytes) and summed
/// with one multiplication per word.
fn string_units(s: &str) -> u64 {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    const LOW7: u64 = u64::from_ne_bytes([0x7F; 8]);
    const QUOTES: u64 = ONES * b'"' as u64;
    const BACKSLASHES: u64 = ONES * b'\\' as u64;
    let table = |bytes: &[u8]| -> u64 {
        bytes
            .iter()
            .map(|&b| u64::from(STRING_UNITS[usize::from(b)]))
            .sum()
    };
    let (mut units, mut more, mut fewer, mut control) = (2u64, 0u64, 0u64, 0u64);
    let mut words = s.as_bytes().chunks_exact(8);
    for chunk in &mut words {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(chunk);
        let w = u64::from_ne_bytes(bytes);
        let (w1, w2, w3) = (w << 1, w << 2, w << 3);
        // Bits 7..5 all clear: a byte below 0x20.
        control |= !(w | w1 | w2) & HIGH;
        let four_byte_lead = w & w1 & w2 & w3 & HIGH;
        let continuation = w & !w1 & HIGH;
        // The top bit of each byte set exactly where `w` holds a `"` (a `\`).
        let (q, b) = (w ^ QUOTES, w ^ BACKSLASHES);
        let quote = !(((q & LOW7) + LOW7) | q | LOW7);
        let backslash = !(((b & LOW7) + LOW7) | b | LOW7);
        // Each byte of the sum is at most 3: the multiplication adds the eight without carry.
        more += ((four_byte_lead >> 7) + (quote >> 7) + (backslash >> 7)).wrapping_mul(ONES) >> 56;
        fewer += (continuation >> 7).wrapping_mul(ONES) >> 56;
        units += 8;
    }
    if control != 0 {
        return 2 + table(s.as_bytes());
    }
    units + more - fewer + table(words.remainder())
}

impl Validator {
    /// An empty validator.
    pub fn new() -> Self {
        Self::default()
    }

    /// `Ok(())` if nothing was recorded, else every violation.
    pub fn finish(self) -> Result<(), ValidationError> {
        if self.violations.is_empty() {
            Ok(())
        } else {
            Err(ValidationError {
                violations: self.violations,
            })
        }
    }

    /// Every violation recorded, as an error (empty if there were none: check [`Validator::is_empty`]
    /// first, or use [`Validator::finish`]).
    pub fn into_error(self) -> ValidationError {
        ValidationError {
            violations: self.violations,
        }
    }

    /// Whether no violation has been recorded.
    pub fn is_empty(&self) -> bool {
        self.violations.is_empty()
    }

    /// The violations recorded so far.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// Records a violation of `rule` at `path`.
    pub fn violation(&mut self, path: &FieldPath<'_>, rule: Rule, message: impl Into<String>) {
        self.violations.push(Violation {
            path: path.to_string(),
            rule,
            message: message.into(),
        });
    }

    /// Validates a nested value at `path`.
    pub fn nested<T: Validate + ?Sized>(&mut self, path: &FieldPath<'_>, value: &T) {
        value.validate_at(path, self);
    }

    /// `type: object` on a value held as JSON text ([`crate::JsonText`]), which may hold any
    /// JSON value.
    pub fn json_object(&mut self, path: &FieldPath<'_>, value: &crate::JsonText) {
        if !value.is_object() {
            let kind = value.kind();
            let article = if kind == "array" { "an" } else { "a" };
            self.violation(
                path,
                Rule::Type("object"),
                format!("is {article} {kind}, not an object"),
            );
        }
    }

    /// `type` listing several JSON types, for a value held as any JSON: `value` must be of one
    /// (`integer` is a number without a fractional part, as JSON Schema says).
    pub fn json_type(
        &mut self,
        path: &FieldPath<'_>,
        value: &serde_json::Value,
        allowed: &'static [&'static str],
    ) {
        let kind = json_kind(value);
        let fits = allowed.iter().any(|t| {
            *t == kind
                || (*t == "number" && kind == "integer")
                || (*t == "integer" && value.as_f64().is_some_and(|n| n.fract() == 0.0))
        });
        if !fits {
            self.violation(
                path,
                Rule::Types(allowed.iter().map(|t| (*t).to_owned()).collect()),
                format!("is {kind}, not {}", allowed.join(" or ")),
            );
        }
    }

    /// `enum` (or `const`) for a value held as any JSON: `value` must equal one of `allowed`
    /// (compact JSON texts), as JSON Schema compares: numbers by value (`1` equals `1.0`),
    /// objects whatever their key order, `false` never equal to `0`.
    pub fn enum_json(
        &mut self,
        path: &FieldPath<'_>,
        value: &serde_json::Value,
        allowed: &'static [&'static str],
    ) {
        let listed = allowed.iter().any(|text| {
            serde_json::from_str::<serde_json::Value>(text)
                .is_ok_and(|allowed| json_equal(&allowed, value))
        });
        if !listed {
            let message = format!(
                "is {}, not one of the allowed values: {}",
                quote_json(value),
                allowed.join(", ")
            );
            self.violation(
                path,
                Rule::Enum(allowed.iter().map(|t| (*t).to_owned()).collect()),
                message,
            );
        }
    }

    /// `uniqueItems` for items held as any JSON, compared as JSON Schema compares (see
    /// [`Validator::enum_json`]).
    pub fn unique_json_items(&mut self, path: &FieldPath<'_>, items: &[serde_json::Value]) {
        for (j, later) in items.iter().enumerate() {
            if let Some(i) = items[..j]
                .iter()
                .position(|earlier| json_equal(earlier, later))
            {
                self.violation(
                    path,
                    Rule::UniqueItems,
                    format!("has equal items at [{i}] and [{j}], but uniqueItems is required"),
                );
                return;
            }
        }
    }

    /// The boolean schema `false`: a value (`_value`) is there where none is valid.
    pub fn no_value<T: ?Sized>(&mut self, path: &FieldPath<'_>, _value: &T) {
        self.violation(
            path,
            Rule::NoValue,
            "is not allowed: the API accepts no value here",
        );
    }

    /// `anyOf`/`oneOf` of constraint sets on one value (`{type: string, anyOf: [{maxLength:
    /// 2}, {minLength: 4}]}`): each of `sets` checks the value into a validator of its own; at
    /// least one (`exactly_one`: exactly one) must find nothing. An `allOf` part that could not
    /// be merged into the value's other constraints comes as `anyOf` of one set.
    pub fn alternatives(
        &mut self,
        path: &FieldPath<'_>,
        exactly_one: bool,
        sets: &[&dyn Fn(&mut Validator)],
    ) {
        let mut holding = Vec::new();
        let mut broken: Vec<(usize, Vec<Violation>)> = Vec::new();
        for (i, set) in sets.iter().enumerate() {
            let mut probe = Validator::new();
            set(&mut probe);
            if probe.is_empty() {
                holding.push(i);
            } else {
                broken.push((i, probe.violations));
            }
        }
        match (holding.len(), exactly_one) {
            // A set of one: its own violations say it best.
            (0, _) if sets.len() == 1 => {
                for (_, mut found) in broken {
                    self.violations.append(&mut found);
                }
            }
            (0, exactly_one) => {
                let (rule, keyword) = if exactly_one {
                    (Rule::OneOf, "oneOf")
                } else {
                    (Rule::AnyOf, "anyOf")
                };
                self.violation(
                    path,
                    rule,
                    format!(
                        "fits none of the {} alternatives of {keyword}: {}",
                        sets.len(),
                        broken
                            .iter()
                            .map(|(i, found)| {
                                let why: Vec<&str> =
                                    found.iter().map(|f| f.message.as_str()).collect();
                                format!("[{i}] {}", why.join("; "))
                            })
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
            }
            (1, _) | (_, false) => {}
            (_, true) => {
                let which: Vec<String> = holding.iter().map(|i| format!("[{i}]")).collect();
                self.violation(
                    path,
                    Rule::OneOf,
                    format!(
                        "fits {} alternatives of oneOf ({}), but exactly one is allowed",
                        holding.len(),
                        which.join(", ")
                    ),
                );
            }
        }
    }

    /// A required field was never set (reported by builders).
    pub fn required(&mut self, path: &FieldPath<'_>) {
        self.violation(path, Rule::Required, "is required but was not set");
    }

    /// `minLength`: `value` must have at least `min` characters (Unicode scalar values, as JSON
    /// Schema counts them).
    pub fn min_length(&mut self, path: &FieldPath<'_>, value: &str, min: u64) {
        // A character takes at most four bytes: four bytes per required character are enough.
        if value.len() as u64 >= min.saturating_mul(4) {
            return;
        }
        let len = value.chars().count() as u64;
        if len < min {
            let unit = plural(len, "character", "characters");
            self.violation(
                path,
                Rule::MinLength(min),
                format!("is {len} {unit} long, less than minLength {min}"),
            );
        }
    }

    /// `maxLength`: `value` must have at most `max` characters (Unicode scalar values, as JSON
    /// Schema counts them).
    pub fn max_length(&mut self, path: &FieldPath<'_>, value: &str, max: u64) {
        // A string with no more bytes than the limit cannot have more characters.
        if value.len() as u64 <= max {
            return;
        }
        let len = value.chars().count() as u64;
        if len > max {
            let unit = plural(len, "character", "characters");
            self.violation(
                path,
                Rule::MaxLength(max),
                format!("is {len} {unit} long, more than maxLength {max}"),
            );
        }
    }

    /// `minimum` on an integer: `value >= min`.
    pub fn minimum_int(&mut self, path: &FieldPath<'_>, value: i128, min: i64) {
        if value < i128::from(min) {
            self.violation(
                path,
                Rule::Minimum(min.into()),
                format!("is {value}, less than minimum {min}"),
            );
        }
    }

    /// `maximum` on an integer: `value <= max`.
    pub fn maximum_int(&mut self, path: &FieldPath<'_>, value: i128, max: i64) {
        if value > i128::from(max) {
            self.violation(
                path,
                Rule::Maximum(max.into()),
                format!("is {value}, more than maximum {max}"),
            );
        }
    }

    /// `exclusiveMinimum` on an integer: `value > min`.
    pub fn exclusive_minimum_int(&mut self, path: &FieldPath<'_>, value: i128, min: i64) {
        if value <= i128::from(min) {
            self.violation(
                path,
                Rule::ExclusiveMinimum(min.into()),
                format!("is {value}, not more than exclusiveMinimum {min}"),
            );
        }
    }

    /// `exclusiveMaximum` on an integer: `value < max`.
    pub fn exclusive_maximum_int(&mut self, path: &FieldPath<'_>, value: i128, max: i64) {
        if value >= i128::from(max) {
            self.violation(
                path,
                Rule::ExclusiveMaximum(max.into()),
                format!("is {value}, not less than exclusiveMaximum {max}"),
            );
        }
    }

    /// `multipleOf` on an integer. A zero divisor (not allowed by JSON Schema) checks nothing.
    pub fn multiple_of_int(&mut self, path: &FieldPath<'_>, value: i128, by: i64) {
        if by == 0 {
            return;
        }
        // An integer of any width fits `i128`, so the remainder cannot overflow.
        if value % i128::from(by) != 0 {
            self.violation(
                path,
                Rule::MultipleOf(by.into()),
                format!("is {value}, not a multiple of {by}"),
            );
        }
    }

    /// Records an `f64` comparison failure. NaN fails every comparison.
    fn f64_check(
        &mut self,
        path: &FieldPath<'_>,
        ok: bool,
        value: f64,
        limit: f64,
        rule: fn(serde_json::Number) -> Rule,
        relation: &str,
    ) {
        if ok {
            return;
        }
        // A limit that is not a finite number (never written by the generator) constrains nothing.
        let Some(number) = f64_number(limit) else {
            return;
        };
        let rule = rule(number);
        let message = if value.is_nan() {
            format!("is NaN, which is not a number and cannot satisfy {rule}")
        } else {
            format!("is {}, {relation} {rule}", f64_text(value))
        };
        self.violation(path, rule, message);
    }

    /// `minimum` on a number: `value >= min`.
    pub fn minimum_f64(&mut self, path: &FieldPath<'_>, value: f64, min: f64) {
        self.f64_check(path, value >= min, value, min, Rule::Minimum, "less than");
    }

    /// `maximum` on a number: `value <= max`.
    pub fn maximum_f64(&mut self, path: &FieldPath<'_>, value: f64, max: f64) {
        self.f64_check(path, value <= max, value, max, Rule::Maximum, "more than");
    }

    /// `exclusiveMinimum` on a number: `value > min`.
    pub fn exclusive_minimum_f64(&mut self, path: &FieldPath<'_>, value: f64, min: f64) {
        self.f64_check(
            path,
            value > min,
            value,
            min,
            Rule::ExclusiveMinimum,
            "not more than",
        );
    }

    /// `exclusiveMaximum` on a number: `value < max`.
    pub fn exclusive_maximum_f64(&mut self, path: &FieldPath<'_>, value: f64, max: f64) {
        self.f64_check(
            path,
            value < max,
            value,
            max,
            Rule::ExclusiveMaximum,
            "not less than",
        );
    }

    /// `multipleOf` on a number, with a relative tolerance for binary rounding
    /// (`0.3` is a multiple of `0.1`). A divisor that is not a positive finite number checks
    /// nothing.
    pub fn multiple_of_f64(&mut self, path: &FieldPath<'_>, value: f64, by: f64) {
        if !(by.is_finite() && by > 0.0) {
            return;
        }
        let quotient = value / by;
        let ok = quotient.is_finite()
            && (quotient - quotient.round()).abs() <= 1e-9 * quotient.abs().max(1.0);
        if ok {
            return;
        }
        let Some(number) = f64_number(by) else {
            return;
        };
        let message = format!("is {}, not a multiple of {number}", f64_text(value));
        self.violation(path, Rule::MultipleOf(number), message);
    }

    /// `pattern`: `value` must contain a match of `regex` (compiled from `source`), as JSON
    /// Schema's unanchored ECMAScript semantics require.
    pub fn pattern(
        &mut self,
        path: &FieldPath<'_>,
        value: &str,
        regex: &regress::Regex,
        source: &'static str,
    ) {
        if regex.find(value).is_none() {
            self.violation(
                path,
                Rule::Pattern(source.to_owned()),
                format!("does not match pattern {source}"),
            );
        }
    }

    /// `format: email`: `value` must be an email address: JSON Schema's `email`, an RFC 5321
    /// mailbox (see [`is_email`]).
    pub fn email(&mut self, path: &FieldPath<'_>, value: &str) {
        let valid = is_email(value);
        if !valid {
            self.violation(
                path,
                Rule::Format(String::from("email")),
                "is not a valid email address",
            );
        }
    }

    /// `format` for the string formats JSON Schema defines and the SDK checks: `uuid`,
    /// `date-time`, `date`, `time`, `uri`, `ipv4`, `ipv6`. Other names are not checked (the
    /// generator reports them).
    pub fn format(&mut self, path: &FieldPath<'_>, value: &str, format: &'static str) {
        let valid = match format {
            "uuid" => is_uuid(value),
            // Google's discovery documents name RFC 3339 date-times so.
            "date-time" | "google-datetime" => is_date_time(value),
            "date" => is_date(value),
            "time" => is_time(value),
            "duration" => is_duration(value),
            "google-duration" => is_google_duration(value),
            "hostname" => is_hostname(value),
            "uri" | "url" => reqwest::Url::parse(value).is_ok(),
            "ipv4" => value.parse::<std::net::Ipv4Addr>().is_ok(),
            "ipv6" => value.parse::<std::net::Ipv6Addr>().is_ok(),
            _ => true,
        };
        if !valid {
            self.violation(
                path,
                Rule::Format(String::from(format)),
                format!("is not a valid {format}"),
            );
        }
    }

    /// `enum`: a value the API does not list (`is_known == false`, e.g. an enum's catch-all
    /// variant holding `value`) may not be sent.
    pub fn enum_value(
        &mut self,
        path: &FieldPath<'_>,
        is_known: bool,
        value: &str,
        allowed: &'static [&'static str],
    ) {
        if !is_known {
            let allowed: Vec<String> = allowed.iter().map(|s| (*s).to_owned()).collect();
            let message = format!(
                "is {}, not one of the allowed values: {}",
                quote_value(value),
                allowed.join(", ")
            );
            self.violation(path, Rule::Enum(allowed), message);
        }
    }

    /// `enum` on an integer or a number: `value` must equal one of `allowed`.
    pub fn enum_number<T: PartialEq + fmt::Display + Copy>(
        &mut self,
        path: &FieldPath<'_>,
        value: T,
        allowed: &'static [T],
    ) {
        if !allowed.contains(&value) {
            let allowed: Vec<String> = allowed.iter().map(ToString::to_string).collect();
            let message = format!(
                "is {value}, not one of the allowed values: {}",
                allowed.join(", ")
            );
            self.violation(path, Rule::Enum(allowed), message);
        }
    }

    /// `minItems`: an array of `len` items must have at least `min`.
    pub fn min_items(&mut self, path: &FieldPath<'_>, len: usize, min: u64) {
        let len = len as u64;
        if len < min {
            let unit = plural(len, "item", "items");
            self.violation(
                path,
                Rule::MinItems(min),
                format!("has {len} {unit}, fewer than minItems {min}"),
            );
        }
    }

    /// `maxItems`: an array of `len` items must have at most `max`.
    pub fn max_items(&mut self, path: &FieldPath<'_>, len: usize, max: u64) {
        let len = len as u64;
        if len > max {
            let unit = plural(len, "item", "items");
            self.violation(
                path,
                Rule::MaxItems(max),
                format!("has {len} {unit}, more than maxItems {max}"),
            );
        }
    }

    /// `uniqueItems`: no two items may be equal. Reports the first repeated pair.
    pub fn unique_items<T: PartialEq>(&mut self, path: &FieldPath<'_>, items: &[T]) {
        for (j, later) in items.iter().enumerate() {
            if let Some(i) = items[..j].iter().position(|earlier| earlier == later) {
                self.violation(
                    path,
                    Rule::UniqueItems,
                    format!("has equal items at [{i}] and [{j}], but uniqueItems is required"),
                );
                return;
            }
        }
    }

    /// `minProperties`: an object of `len` entries must have at least `limit`.
    pub fn min_properties(&mut self, path: &FieldPath<'_>, len: usize, limit: u64) {
        let len = len as u64;
        if len < limit {
            let unit = plural(len, "property", "properties");
            self.violation(
                path,
                Rule::MinProperties(limit),
                format!("has {len} {unit}, fewer than minProperties {limit}"),
            );
        }
    }

    /// A struct's additional properties (`keys`, at the struct's `path`) must not use the names
    /// of its fields (`named`): the object would carry the name twice, and the server would
    /// keep one of the two values.
    pub fn not_named<'k>(
        &mut self,
        path: &FieldPath<'_>,
        keys: impl Iterator<Item = &'k String>,
        named: &[&str],
    ) {
        for key in keys {
            if named.contains(&key.as_str()) {
                self.violation(
                    &path.key(key),
                    Rule::NamedProperty,
                    "is a property with a field of its own: set it there, not among the additional properties",
                );
            }
        }
    }

    /// `maxProperties`: an object of `len` entries must have at most `limit`.
    pub fn max_properties(&mut self, path: &FieldPath<'_>, len: usize, limit: u64) {
        let len = len as u64;
        if len > limit {
            let unit = plural(len, "property", "properties");
            self.violation(
                path,
                Rule::MaxProperties(limit),
                format!("has {len} {unit}, more than maxProperties {limit}"),
            );
        }
    }

    /// `x-max-stringified-length`: the compact JSON text of `value` (as `serde_json::to_string`
    /// writes it) may be at most `max` UTF-16 code units long — what the server's JavaScript
    /// `JSON.stringify(value).length` measures.
    pub fn max_stringified_length<T: serde::Serialize + 'static>(
        &mut self,
        path: &FieldPath<'_>,
        value: &T,
        max: u64,
    ) {
        match stringified_units(value) {
            Ok(len) if len <= max => {}
            Ok(len) => {
                self.violation(
                    path,
                    Rule::MaxStringifiedLength(max),
                    format!(
                        "is {len} characters long as JSON text, more than x-max-stringified-length {max}"
                    ),
                );
            }
            Err(e) => self.violation(
                path,
                Rule::MaxStringifiedLength(max),
                format!("cannot be written as JSON text: {e}"),
            ),
        }
    }
}

// RFC 3339 and RFC 4122 syntax checks, written out because the date/time and UUID crates that
// do this (chrono, time, uuid) are far larger than the few lines a syntax check needs.

/// `8-4-4-4-12` hexadecimal digits.
fn is_uuid(value: &str) -> bool {
    let bytes = value.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// `n` ASCII digits at the start of `s`, as a number.
fn digits(s: &str, n: usize) -> Option<u32> {
    let part = s.get(..n)?;
    if part.bytes().all(|b| b.is_ascii_digit()) {
        part.parse().ok()
    } else {
        None
    }
}

/// RFC 3339 `full-date`: `YYYY-MM-DD`, with the day within its month.
fn is_date(value: &str) -> bool {
    let b = value.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let (Some(year), Some(month), Some(day)) = (
        digits(value, 4),
        digits(&value[5..], 2),
        digits(&value[8..], 2),
    ) else {
        return false;
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// RFC 3339 `full-time`: `HH:MM:SS[.frac](Z|+HH:MM|-HH:MM)`.
fn is_time(value: &str) -> bool {
    let b = value.as_bytes();
    if b.len() < 9 || b[2] != b':' || b[5] != b':' {
        return false;
    }
    let (Some(hour), Some(minute), Some(second)) = (
        digits(value, 2),
        digits(&value[3..], 2),
        digits(&value[6..], 2),
    ) else {
        return false;
    };
    if hour > 23 || minute > 59 || second > 60 {
        return false;
    }
    let mut rest = &value[8..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        rest = &frac[n..];
    }
    // The offset from UTC in minutes (local = UTC + offset).
    let offset = match rest.as_bytes().first() {
        Some(b'Z' | b'z') if rest.len() == 1 => 0,
        Some(sign @ (b'+' | b'-')) => {
            let offset = &rest[1..];
            if offset.len() != 5 || offset.as_bytes()[2] != b':' {
                return false;
            }
            match (digits(offset, 2), digits(&offset[3..], 2)) {
                (Some(h), Some(m)) if h <= 23 && m <= 59 => {
                    let minutes = i64::from(h * 60 + m);
                    if *sign == b'-' { -minutes } else { minutes }
                }
                _ => return false,
            }
        }
        _ => return false,
    };
    // A leap second is the last second of a UTC day: 23:59:60 once the offset is taken off.
    second < 60 || (i64::from(hour * 60 + minute) - offset).rem_euclid(24 * 60) == 23 * 60 + 59
}

/// RFC 3339 `date-time`: a full date, `T` (or `t`), a full time.
fn is_date_time(value: &str) -> bool {
    match (value.get(..10), value.as_bytes().get(10), value.get(11..)) {
        (Some(date), Some(b'T' | b't'), Some(time)) => is_date(date) && is_time(time),
        _ => false,
    }
}

/// ISO 8601 duration as JSON Schema's `duration` (RFC 3339 appendix A): `P`, then years,
/// months, days in that order, then `T` and hours, minutes, seconds in that order, each part
/// optional but at least one present (and one after a `T`); or weeks alone (`P3W`). Parts in
/// order but not adjacent (`P1Y2D`) are accepted, as ajv-formats (Prism's validator) accepts
/// them: refusing what a server may take would be worse than sending what it refuses.
fn is_duration(value: &str) -> bool {
    let Some(rest) = value.strip_prefix('P') else {
        return false;
    };
    // `n` followed by one of `units`, in order: how many parts were read, and what is left.
    fn parts<'a>(mut s: &'a str, units: &[u8]) -> Option<(usize, &'a str)> {
        let mut count = 0;
        let mut next_unit = 0;
        while !s.is_empty() {
            let n = s.bytes().take_while(u8::is_ascii_digit).count();
            if n == 0 {
                break;
            }
            let unit = *s.as_bytes().get(n)?;
            let at = units[next_unit..].iter().position(|u| *u == unit)?;
            next_unit += at + 1;
            count += 1;
            s = &s[n + 1..];
        }
        Some((count, s))
    }
    if let Some(weeks) = rest.strip_suffix('W') {
        return !weeks.is_empty() && weeks.bytes().all(|b| b.is_ascii_digit());
    }
    let Some((date_parts, rest)) = parts(rest, b"YMD") else {
        return false;
    };
    match rest.strip_prefix('T') {
        None => date_parts > 0 && rest.is_empty(),
        Some(time) => parts(time, b"HMS").is_some_and(|(n, left)| n > 0 && left.is_empty()),
    }
}

/// A protobuf `Duration` in JSON (Google's `google-duration`): seconds with up to nine
/// fractional digits and an `s`, e.g. `3.5s`, `-1s`.
fn is_google_duration(value: &str) -> bool {
    let Some(number) = value.strip_suffix('s') else {
        return false;
    };
    let number = number.strip_prefix('-').unwrap_or(number);
    let (whole, fraction) = number.split_once('.').unwrap_or((number, "1"));
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && (1..=9).contains(&fraction.len())
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

/// RFC 1123 host name: dot-separated labels of 1 to 63 letters, digits and hyphens, not
/// starting or ending with a hyphen, 253 characters at most (a final dot allowed), as
/// ajv-formats checks it.
fn is_hostname(value: &str) -> bool {
    // One pass over the bytes (splitting on `.` searched for a char pattern and compared it with
    // `memcmp`: a third of an email's check).
    let name = value.strip_suffix('.').unwrap_or(value).as_bytes();
    if name.is_empty() || name.len() > 253 {
        return false;
    }
    let mut label = 0;
    let mut previous = b'.';
    for &c in name {
        if c == b'.' {
            if label == 0 || previous == b'-' {
                return false;
            }
            label = 0;
        } else if c.is_ascii_alphanumeric() || (c == b'-' && label > 0) {
            label += 1;
            if label > 63 {
                return false;
            }
        } else {
            return false;
        }
        previous = c;
    }
    label > 0 && previous != b'-'
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn one(v: Validator) -> Violation {
        let err = v.finish().unwrap_err();
        assert_eq!(err.violations.len(), 1, "{err}");
        err.violations.into_iter().next().unwrap()
    }

    #[test]
    fn paths_render_as_wire_paths() {
        let root = FieldPath::root();
        assert_eq!(root.to_string(), "");
        assert!(root.is_root());
        let items = root.field("items");
        let third = items.index(3);
        let name = third.field("name");
        assert_eq!(name.to_string(), "items[3].name");
        let metadata = root.field("metadata");
        assert_eq!(metadata.key("foo").to_string(), "metadata.foo");
        assert_eq!(
            metadata.key("two words").to_string(),
            r#"metadata["two words"]"#
        );
        assert_eq!(metadata.key("").to_string(), r#"metadata[""]"#);
        assert_eq!(root.key("plan").to_string(), "plan");
        assert_eq!(root.index(0).to_string(), "[0]");
        assert!(!metadata.is_root());
    }

    #[test]
    fn max_length_counts_chars_not_bytes() {
        let root = FieldPath::root();
        let path = root.field("customerExternalId");
        let mut v = Validator::new();
        v.max_length(&path, &"é".repeat(100), 100);
        v.max_length(&path, &"a".repeat(100), 100);
        v.max_length(&path, "", 100);
        assert!(v.is_empty());

        let mut v = Validator::new();
        v.max_length(&path, &"é".repeat(101), 100);
        let violation = one(v);
        assert_eq!(violation.rule, Rule::MaxLength(100));
        assert_eq!(
            violation.to_string(),
            "customerExternalId: is 101 characters long, more than maxLength 100"
        );
    }

    #[test]
    fn min_length_at_and_below_limit() {
        let root = FieldPath::root();
        let path = root.field("customerExternalId");
        let mut v = Validator::new();
        v.min_length(&path, "x", 1);
        v.min_length(&path, "🦀", 1);
        assert!(v.is_empty());
        let mut v = Validator::new();
        v.min_length(&path, "", 1);
        let violation = one(v);
        assert_eq!(violation.rule, Rule::MinLength(1));
        assert_eq!(
            violation.message,
            "is 0 characters long, less than minLength 1"
        );
    }

    #[test]
    fn integer_bounds() {
        let root = FieldPath::root();
        let path = root.field("amount");
        let mut v = Validator::new();
        v.minimum_int(&path, 0, 0);
        v.maximum_int(&path, 10, 10);
        v.exclusive_minimum_int(&path, 1, 0);
        v.exclusive_maximum_int(&path, 9, 10);
        v.multiple_of_int(&path, 10, 5);
        v.multiple_of_int(&path, i64::MIN.into(), -1);
        v.multiple_of_int(&path, 7, 0);
        // A `u64` beyond `i64::MAX` compares as what it is.
        v.minimum_int(&path, u64::MAX.into(), i64::MAX);
        v.multiple_of_int(&path, u64::MAX.into(), 5);
        assert!(v.is_empty());
        v.maximum_int(&path, u64::MAX.into(), i64::MAX);
        assert_eq!(
            one(v).to_string(),
            "amount: is 18446744073709551615, more than maximum 9223372036854775807"
        );

        let mut v = Validator::new();
        v.minimum_int(&path, -1, 0);
        let violation = one(v);
        assert_eq!(violation.rule, Rule::Minimum(0.into()));
        assert_eq!(violation.to_string(), "amount: is -1, less than minimum 0");
        assert_eq!(violation.rule.to_string(), "minimum 0");

        let mut v = Validator::new();
        v.maximum_int(&path, 11, 10);
        v.exclusive_minimum_int(&path, 0, 0);
        v.exclusive_maximum_int(&path, 10, 10);
        v.multiple_of_int(&path, 7, 5);
        let err = v.finish().unwrap_err();
        let rules: Vec<String> = err
            .violations()
            .iter()
            .map(|v| v.rule.to_string())
            .collect();
        assert_eq!(
            rules,
            [
                "maximum 10",
                "exclusiveMinimum 0",
                "exclusiveMaximum 10",
                "multipleOf 5"
            ]
        );
    }

    #[test]
    fn float_bounds_and_nan() {
        let root = FieldPath::root();
        let path = root.field("amount");
        let mut v = Validator::new();
        v.minimum_f64(&path, 0.0, 0.0);
        v.maximum_f64(&path, 1.5, 1.5);
        v.exclusive_minimum_f64(&path, 0.1, 0.0);
        v.exclusive_maximum_f64(&path, 1.4, 1.5);
        v.multiple_of_f64(&path, 0.3, 0.1);
        v.multiple_of_f64(&path, 1e6, 0.01);
        v.minimum_f64(&path, -1.0, f64::NEG_INFINITY);
        assert!(v.is_empty());

        let mut v = Validator::new();
        v.minimum_f64(&path, -0.5, 0.0);
        let violation = one(v);
        assert_eq!(violation.message, "is -0.5, less than minimum 0");
        assert_eq!(violation.rule, Rule::Minimum(0.into()));

        let mut v = Validator::new();
        v.minimum_f64(&path, f64::NAN, 0.0);
        assert!(one(v).message.contains("NaN"));

        let mut v = Validator::new();
        v.exclusive_maximum_f64(&path, 1.5, 1.5);
        v.multiple_of_f64(&path, 0.35, 0.1);
        let err = v.finish().unwrap_err();
        assert_eq!(
            err.violations[0].message,
            "is 1.5, not less than exclusiveMaximum 1.5"
        );
        assert_eq!(err.violations[1].message, "is 0.35, not a multiple of 0.1");
    }

    #[test]
    fn pattern_is_unanchored_search() {
        let regex = regress::Regex::new("^cus_[0-9]+$").unwrap();
        let root = FieldPath::root();
        let path = root.field("customerExternalId");
        let mut v = Validator::new();
        v.pattern(&path, "cus_123", &regex, "^cus_[0-9]+$");
        let contains = regress::Regex::new("[0-9]").unwrap();
        v.pattern(&path, "abc1def", &contains, "[0-9]");
        assert!(v.is_empty());
        v.pattern(&path, "cus_x", &regex, "^cus_[0-9]+$");
        let violation = one(v);
        assert_eq!(violation.rule, Rule::Pattern("^cus_[0-9]+$".into()));
        assert_eq!(violation.message, "does not match pattern ^cus_[0-9]+$");
    }

    #[test]
    fn string_formats() {
        let root = FieldPath::root();
        let path = root.field("x");
        let cases: &[(&'static str, &str, bool)] = &[
            ("uuid", "123e4567-e89b-12d3-a456-426614174000", true),
            ("uuid", "123e4567e89b12d3a456426614174000", false),
            ("date-time", "2024-02-29T23:59:60.123Z", true),
            ("date-time", "1998-12-31T15:59:60.123-08:00", true),
            ("date-time", "2024-02-29T23:59:60.123+05:30", false),
            ("date-time", "1998-12-31T23:58:60Z", false),
            ("date-time", "2023-02-29T00:00:00Z", false),
            ("date-time", "2024-01-01 00:00:00Z", false),
            ("date-time", "2024-01-01T24:00:00Z", false),
            ("date", "2024-12-31", true),
            ("date", "2024-13-01", false),
            ("time", "08:30:00z", true),
            ("time", "08:30", false),
            ("uri", "https://example.com/a?b#c", true),
            ("uri", "not a uri", false),
            ("ipv4", "192.168.0.1", true),
            ("ipv4", "256.0.0.1", false),
            ("ipv6", "::1", true),
            ("ipv6", "1::2::3", false),
            ("google-datetime", "2024-01-01T00:00:00.5Z", true),
            ("google-datetime", "2024-01-01", false),
            ("url", "https://example.com", true),
            ("url", "example.com", false),
            ("duration", "P1Y2M3DT4H5M6S", true),
            ("duration", "P3W", true),
            ("duration", "PT0S", true),
            ("duration", "P1Y2D", true),
            ("duration", "P", false),
            ("duration", "PT", false),
            ("duration", "P1D2Y", false),
            ("duration", "P1DT", false),
            ("duration", "P1.5D", false),
            ("duration", "1D", false),
            ("duration", "P1W2D", false),
            ("google-duration", "3.5s", true),
            ("google-duration", "-1s", true),
            ("google-duration", "1.000000001s", true),
            ("google-duration", "1.0000000001s", false),
            ("google-duration", "1.s", false),
            ("google-duration", "3.5", false),
            ("google-duration", "s", false),
            ("hostname", "api.example.com", true),
            ("hostname", "localhost.", true),
            ("hostname", "xn--bcher-kva.example", true),
            ("hostname", "-bad.example", false),
            ("hostname", "under_score.example", false),
            ("hostname", "a..b", false),
            ("hostname", "", false),
            ("hostname", &"a".repeat(64), false),
            ("unknown-format", "anything goes: unchecked", true),
        ];
        for (format, value, valid) in cases {
            let mut v = Validator::new();
            v.format(&path, value, format);
            assert_eq!(v.is_empty(), *valid, "{format} {value}");
            if !valid {
                assert_eq!(one(v).rule, Rule::Format((*format).into()));
            }
        }
    }

    #[test]
    fn email_format() {
        let root = FieldPath::root();
        let path = root.field("customerEmail");
        let mut v = Validator::new();
        v.email(&path, "jane@example.com");
        assert!(v.is_empty());
        v.email(&path, "not an email");
        let violation = one(v);
        let mut v = Validator::new();
        v.email(&path, "Jane <jane@example.com>");
        assert_eq!(one(v).rule, Rule::Format("email".into()));
        assert_eq!(violation.rule, Rule::Format("email".into()));
        assert_eq!(violation.rule.to_string(), "format email");
        assert!(!violation.message.contains("not an email"));
    }

    #[test]
    fn enum_values() {
        const ALLOWED: &[&str] = &["stripe", "shopify"];
        let root = FieldPath::root();
        let path = root.field("paymentProcessor");
        let mut v = Validator::new();
        v.enum_value(&path, true, "stripe", ALLOWED);
        assert!(v.is_empty());
        v.enum_value(&path, false, "paypal", ALLOWED);
        let violation = one(v);
        assert_eq!(
            violation.message,
            r#"is "paypal", not one of the allowed values: stripe, shopify"#
        );
        assert_eq!(violation.rule.to_string(), "enum [stripe, shopify]");
    }

    #[test]
    fn item_and_property_counts() {
        let root = FieldPath::root();
        let path = root.field("items");
        let mut v = Validator::new();
        v.min_items(&path, 1, 1);
        v.max_items(&path, 3, 3);
        v.unique_items(&path, &[1, 2, 3]);
        v.unique_items::<i32>(&path, &[]);
        v.min_properties(&path, 2, 2);
        v.max_properties(&path, 2, 2);
        assert!(v.is_empty());

        v.min_items(&path, 0, 1);
        v.max_items(&path, 4, 3);
        v.unique_items(&path, &["a", "b", "a", "b"]);
        v.min_properties(&path, 1, 2);
        v.max_properties(&path, 3, 2);
        let err = v.finish().unwrap_err();
        let messages: Vec<&str> = err.violations.iter().map(|v| v.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "has 0 items, fewer than minItems 1",
                "has 4 items, more than maxItems 3",
                "has equal items at [0] and [2], but uniqueItems is required",
                "has 1 property, fewer than minProperties 2",
                "has 3 properties, more than maxProperties 2",
            ]
        );
    }

    #[test]
    fn stringified_length_counts_utf16_units_of_compact_json() {
        let root = FieldPath::root();
        let path = root.field("metadata");
        // {"k":"<s>"} is 8 units plus the string.
        let ascii = serde_json::json!({ "k": "a".repeat(92) });
        let mut v = Validator::new();
        v.max_stringified_length(&path, &ascii, 100);
        assert!(v.is_empty());
        let over = serde_json::json!({ "k": "a".repeat(93) });
        v.max_stringified_length(&path, &over, 100);
        let violation = one(v);
        assert_eq!(violation.rule, Rule::MaxStringifiedLength(100));
        assert_eq!(
            violation.to_string(),
            "metadata: is 101 characters long as JSON text, more than x-max-stringified-length 100"
        );

        // "é" is one UTF-16 unit (two UTF-8 bytes); "🦀" is two units (four bytes); a quote is
        // escaped to two units.
        let mut v = Validator::new();
        v.max_stringified_length(&path, &serde_json::json!({ "k": "é".repeat(92) }), 100);
        v.max_stringified_length(&path, &serde_json::json!({ "k": "🦀".repeat(46) }), 100);
        v.max_stringified_length(&path, &serde_json::json!({ "k": "\"".repeat(46) }), 100);
        assert!(v.is_empty());
        v.max_stringified_length(&path, &serde_json::json!({ "k": "🦀".repeat(47) }), 100);
        v.max_stringified_length(&path, &serde_json::json!({ "k": "\"".repeat(47) }), 100);
        assert_eq!(v.finish().unwrap_err().violations.len(), 2);
    }

    /// A random JSON value: strings mixing ASCII, escapes, control characters, 2-, 3- and
    /// 4-byte characters at every alignment; integers and floats of every size; nesting.
    fn random_json(rng: &mut fastrand::Rng, depth: u32) -> serde_json::Value {
        use serde_json::Value;
        const PIECES: [&str; 12] = [
            "a",
            "plain text ",
            "\"",
            "\\",
            "\n",
            "\u{1}",
            "\u{1f}",
            "\u{7f}",
            "é",
            "☕",
            "🦀",
            "/",
        ];
        let string = |rng: &mut fastrand::Rng| -> String {
            (0..rng.usize(0..40))
                .map(|_| PIECES[rng.usize(..PIECES.len())])
                .collect()
        };
        match rng.u8(0..if depth == 0 { 6 } else { 8 }) {
            0 => Value::Null,
            1 => Value::Bool(rng.bool()),
            2 => Value::from(rng.i64(..) >> rng.u32(0..64)),
            3 => Value::from(rng.u64(..) >> rng.u32(0..64)),
            4 => Value::from((rng.f64() - 0.5) * 10f64.powi(rng.i32(-30..30))),
            5 => Value::String(string(rng)),
            6 => Value::Array(
                (0..rng.usize(0..6))
                    .map(|_| random_json(rng, depth - 1))
                    .collect(),
            ),
            _ => Value::Object(
                (0..rng.usize(0..6))
                    .map(|_| (string(rng), random_json(rng, depth - 1)))
                    .collect(),
            ),
        }
    }

    #[test]
    fn stringified_length_walk_agrees_with_serde_json_text() {
        let mut rng = fastrand::Rng::with_seed(20261127);
        for _ in 0..5_000 {
            let value = random_json(&mut rng, 3);
            let text = serde_json::to_string(&value).expect("a Value serializes");
            let expected = text.encode_utf16().count() as u64;
            assert_eq!(stringified_units(&value).ok(), Some(expected), "{text}");
            if let serde_json::Value::Object(map) = &value {
                assert_eq!(stringified_units(map).ok(), Some(expected), "{text}");
            }
            // The serializer path (any other type) counts the same text.
            let wrapped = vec![value];
            assert_eq!(
                stringified_units(&wrapped).ok(),
                Some(expected + 2),
                "{text}"
            );
        }
    }

    #[test]
    fn stringified_length_reports_unserializable_values() {
        let mut map = BTreeMap::new();
        map.insert(vec![1u8], 1u8);
        let mut v = Validator::new();
        v.max_stringified_length(&FieldPath::root(), &map, 100);
        let violation = one(v);
        assert!(
            violation
                .message
                .starts_with("cannot be written as JSON text")
        );
        assert_eq!(violation.to_string().split(':').next(), Some("(root)"));
    }

    struct Item {
        name: String,
    }

    impl Validate for Item {
        fn validate_at(&self, path: &FieldPath<'_>, v: &mut Validator) {
            v.max_length(&path.field("name"), &self.name, 3);
        }
    }

    struct Order {
        id: Option<String>,
        items: Vec<Item>,
        tags: HashMap<String, Item>,
        extra: Option<Box<Item>>,
    }

    impl Validate for Order {
        fn validate_at(&self, path: &FieldPath<'_>, v: &mut Validator) {
            match &self.id {
                Some(id) => v.min_length(&path.field("id"), id, 1),
                None => v.required(&path.field("id")),
            }
            v.nested(&path.field("items"), &self.items);
            v.nested(&path.field("tags"), &self.tags);
            v.nested(&path.field("extra"), &self.extra);
        }
    }

    #[test]
    fn validate_collects_every_violation_with_paths() {
        let item = |name: &str| Item { name: name.into() };
        let order = Order {
            id: None,
            items: vec![item("ok"), item("toolong")],
            tags: [
                ("b".to_string(), item("long")),
                ("a".to_string(), item("long")),
            ]
            .into_iter()
            .collect(),
            extra: Some(Box::new(item("four"))),
        };
        let err = order.validate().unwrap_err();
        let paths: Vec<&str> = err.violations().iter().map(|v| v.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "id",
                "items[1].name",
                "tags.a.name",
                "tags.b.name",
                "extra.name"
            ]
        );
        assert_eq!(err.violations[0].rule, Rule::Required);
        let text = err.to_string();
        assert!(text.starts_with("request is invalid (5 violations): id: is required but was not set; items[1].name: is 7 characters long, more than maxLength 3; "), "{text}");

        let fine = Order {
            id: Some("x".into()),
            items: vec![],
            tags: HashMap::new(),
            extra: None,
        };
        assert_eq!(fine.validate(), Ok(()));
    }

    #[test]
    fn single_violation_display() {
        let mut v = Validator::new();
        v.required(&FieldPath::root().field("amount"));
        let err = v.finish().unwrap_err();
        assert_eq!(
            err.to_string(),
            "request is invalid (1 violation): amount: is required but was not set"
        );
    }

    #[test]
    fn leaf_impls_record_nothing() {
        let mut v = Validator::new();
        let root = FieldPath::root();
        v.nested(&root, "text");
        v.nested(&root, &5_i64);
        v.nested(&root, &serde_json::json!({"a": 1}));
        v.nested(&root, &Some(vec![1.5_f64]));
        assert!(v.finish().is_ok());
    }

    #[test]
    fn json_values_compare_as_json_schema_compares() {
        use serde_json::json;
        assert!(json_equal(&json!(1), &json!(1.0)));
        assert!(json_equal(
            &json!({"a": 1, "b": [2]}),
            &json!({"b": [2.0], "a": 1})
        ));
        assert!(!json_equal(&json!(false), &json!(0)));
        assert!(!json_equal(&json!([1]), &json!([true])));
        assert!(!json_equal(&json!({"a": 1}), &json!({"a": 1, "b": 2})));
        assert!(!json_equal(
            &json!(9007199254740993_u64),
            &json!(9007199254740992_u64)
        ));
    }

    #[test]
    fn untyped_values_are_checked_for_enum_type_and_uniqueness() {
        use serde_json::json;
        let root = FieldPath::root();
        let mut v = Validator::new();
        v.enum_json(&root, &json!(1.0), &["1", "\"a\"", "null"]);
        v.enum_json(&root, &json!(null), &["1", "\"a\"", "null"]);
        v.json_type(&root, &json!(2.0), &["integer"]);
        v.json_type(&root, &json!("x"), &["string", "null"]);
        v.unique_json_items(&root, &[json!(1), json!("1")]);
        assert!(v.finish().is_ok());
        let mut v = Validator::new();
        v.enum_json(&root, &json!(false), &["0"]);
        assert!(matches!(one(v).rule, Rule::Enum(_)));
        let mut v = Validator::new();
        v.json_type(&root, &json!(1.5), &["integer", "null"]);
        let violation = one(v);
        assert_eq!(
            violation.rule,
            Rule::Types(vec!["integer".into(), "null".into()])
        );
        assert_eq!(violation.message, "is number, not integer or null");
        let mut v = Validator::new();
        v.unique_json_items(&root, &[json!({"a": 1}), json!({"a": 1.0})]);
        assert_eq!(one(v).rule, Rule::UniqueItems);
    }

    #[test]
    fn an_email_domain_is_a_host_name_or_an_address_literal() {
        let root = FieldPath::root();
        for (address, valid) in [
            ("joe.bloggs@example.com", true),
            ("joe.bloggs@[127.0.0.1]", true),
            ("joe.bloggs@[IPv6:::1]", true),
            ("joe.bloggs@invalid=domain.com", false),
            ("joe.bloggs@[127.0.0.300]", false),
            ("joe@-bad.example", false),
        ] {
            let mut v = Validator::new();
            v.email(&root, address);
            assert_eq!(v.finish().is_ok(), valid, "{address}");
        }
    }
}
