//! The intermediate model: what the SDK consists of, with every `$ref` followed, every Rust name
//! decided and every constraint collected. Plain data; no `openapiv3` type leaks past this
//! module, so emitters depend on this contract alone.

mod resolve;

pub use resolve::{IDEMPOTENCY_KEY_EXTENSION, MAX_STRINGIFIED_LENGTH_EXTENSION, resolve};

use std::collections::BTreeMap;

/// Everything the emitters need to write an SDK.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// About the API as a whole.
    pub api: ApiInfo,
    /// Every named type, keyed by its (unique) Rust name, so iteration order is deterministic.
    pub types: BTreeMap<String, TypeDef>,
    /// Operation groups (one per tag), in name order, each with its operations in name order.
    pub groups: Vec<Group>,
}

/// About the API as a whole.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiInfo {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// The first server's URL, the client's default base URL.
    pub default_base_url: String,
    /// The response headers some operation documents whose names end in `request-id` (lower
    /// case, sorted): where the SDK looks for the server's request id.
    pub request_id_headers: Vec<String>,
    /// The security schemes some operation can use, in `components/securitySchemes` order.
    pub security_schemes: Vec<SecurityScheme>,
}

/// A named Rust type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// The Rust name (`TrackSaleRequest`), unique among types.
    pub name: String,
    /// Where the schema is (`/components/schemas/TrackSaleRequest`).
    pub pointer: String,
    /// The schema's description.
    pub description: Option<String>,
    /// What it is.
    pub kind: TypeKind,
    /// Whether a request body reaches this type: such types get a builder and validation.
    pub in_request: bool,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// The features of the groups (`repos`) whose operations reach this type; the type is compiled
    /// when one of their cargo features is on. Empty when every group's does, or none does (a
    /// component no operation uses): then it is always compiled.
    pub groups: Vec<String>,
}

/// The shape of a named type.
#[derive(Debug, Clone, PartialEq, Hash)]
pub enum TypeKind {
    /// An object with known properties.
    Struct(Struct),
    /// A string with a closed set of values (open on the wire: unknown values are kept).
    Enum(StringEnum),
    /// One of several types (`oneOf`/`anyOf`), tried in order when decoding.
    Union(Union),
    /// Another name for a type, with the constraints the alias adds.
    Alias(Box<Shape>),
}

/// An untagged union.
#[derive(Debug, Clone, PartialEq, Hash)]
pub struct Union {
    /// The distinct branch types, in the spec's order.
    pub variants: Vec<UnionVariant>,
    /// The property whose value names the variant, when the spec gives a `discriminator` or the
    /// variants are told apart by a property of one constant value each that stays in them.
    pub discriminator: Option<Discriminator>,
    /// Internally tagged: the variants are told apart by this property, which each variant's
    /// own type leaves out (serde's `#[serde(tag = ...)]`; see [`UnionVariant::tag`]).
    pub tag_property: Option<String>,
    /// With a tag property: the variant holding tags this SDK does not know (decoding only).
    pub unknown_variant: Option<String>,
}

/// How a union's variant is picked from a property of the object.
#[derive(Debug, Clone, PartialEq, Hash)]
pub struct Discriminator {
    /// The property's wire name.
    pub property: String,
    /// Property value → variant ident (from `mapping`, and schema names for the rest).
    pub values: Vec<(String, String)>,
}

/// One branch of a union.
#[derive(Debug, Clone, PartialEq, Hash)]
pub struct UnionVariant {
    /// The Rust variant name (the branch type's name, or `String`, `Integer`, ...).
    pub ident: String,
    /// The branch type.
    pub ty: TypeRef,
    /// Held in a `Box` because the union contains itself through this branch.
    pub boxed: bool,
    /// The tag's value for this variant, when the union is internally tagged.
    pub tag: Option<String>,
    /// Nothing but the tag: a unit variant (`ty` is then `Any` and unused).
    pub unit: bool,
}

/// An object with known properties.
#[derive(Debug, Clone, PartialEq, Hash)]
pub struct Struct {
    /// The properties, in the spec's order.
    pub fields: Vec<Field>,
    /// `minProperties`: how many properties a valid value sends at least: a required field
    /// always counts, an optional one when set, and each additional property (see
    /// [`Field::additional`]); properties the struct has no place for are dropped when
    /// decoding and cannot be set, so they never count.
    pub min_properties: Option<u64>,
    /// `maxProperties`: how many of the fields a valid value sends at most.
    pub max_properties: Option<u64>,
    /// Untyped parts of an `allOf` beside the object's (`oneOf: [{required: [a]}, {required:
    /// [b]}]`), checked on the value's JSON.
    pub alternatives: Vec<Alternatives>,
}

/// One property of a struct.
#[derive(Debug, Clone, PartialEq, Hash)]
pub struct Field {
    /// The Rust name (`customer_external_id`), unique within the struct.
    pub ident: String,
    /// The name on the wire (`customerExternalId`).
    pub wire_name: String,
    /// The value's type and constraints.
    pub shape: Shape,
    /// Listed in `required`.
    pub required: bool,
    /// `nullable: true`: `null` is a valid value.
    pub nullable: bool,
    /// Held in a `Box` because the struct contains itself through this field.
    pub boxed: bool,
    /// `readOnly` or `writeOnly`: present in one direction only, so never required.
    pub one_way: bool,
    /// Optional and nullable in a type a `PATCH` body reaches: leaving the field out (keep the
    /// current value) and sending `null` (clear it) are different requests, as in JSON Merge
    /// Patch (RFC 7386), so the Rust type tells them apart: `Option<Option<T>>`.
    pub explicit_null: bool,
    /// The property's description.
    pub description: Option<String>,
    /// The server's default when the field is omitted.
    pub default: Option<serde_json::Value>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// Not a property but the others: the properties beyond the named ones that the object's
    /// `additionalProperties` (a schema, or `true`) allows, as a map (`shape.ty` is a `Map` or
    /// `Object`) flattened into the object, so that decoding keeps them and requests can send
    /// them. Never required; `wire_name` is empty. At most one per struct, after the others.
    pub additional: bool,
}

/// A type together with the constraints on its values.
#[derive(Debug, Clone, PartialEq, Hash)]
pub struct Shape {
    /// The type.
    pub ty: TypeRef,
    /// What valid values satisfy.
    pub constraints: Constraints,
}

/// A reference to a type: primitive, container or named.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TypeRef {
    /// A JSON string.
    String,
    /// A JSON integer, with the Rust width chosen from `format`.
    Integer(IntWidth),
    /// A JSON number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// A named type from [`Model::types`].
    Named(String),
    /// An array of the inner type.
    Array(Box<TypeRef>),
    /// An object with arbitrary keys and values of the inner type.
    Map(Box<TypeRef>),
    /// A fixed-length array whose items have these types, in order (`prefixItems`, or `items`
    /// as a list): a Rust tuple.
    Tuple(Vec<TypeRef>),
    /// The inner type's value, or the empty string in its place (`crate::OrEmpty`): what a union
    /// of the type and `{enum: [""]}` becomes (see the `or_empty_unions` pass).
    OrEmpty(Box<TypeRef>),
    /// The inner type or `null` (`Option<T>`): an item of an array, a map's value or a tuple's
    /// item that may be `null` (a field that may be `null` is an `Option` by [`Field::nullable`]).
    Nullable(Box<TypeRef>),
    /// An object with arbitrary keys and values (`serde_json::Map`).
    Object,
    /// A free-form value whose limit is on its JSON text (`x-max-stringified-length`), held as
    /// that text (`crate::JsonText`); `object`: the schema says `type: object`, which
    /// validation then checks.
    JsonText {
        /// Must be a JSON object.
        object: bool,
    },
    /// A file's bytes (`type: string, format: binary`): `crate::FileUpload`.
    File,
    /// Any JSON value (`serde_json::Value`): used where the spec says nothing, or says what the
    /// generator cannot express (a warning says so).
    Any,
}

/// Rust integer widths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IntWidth {
    /// `format: int8`.
    I8,
    /// `format: int16`.
    I16,
    /// `format: int32`.
    I32,
    /// `format: int64`, no format, or one the SDK does not know.
    I64,
    /// `format: uint8`.
    U8,
    /// `format: uint16`.
    U16,
    /// `format: uint32`.
    U32,
    /// `format: uint64`: values up to 2^64 - 1, which an `i64` could not hold.
    U64,
}

impl IntWidth {
    /// The width a `format` names (OpenAPI's `int32`/`int64`, and the sized formats of the
    /// OpenAPI Format Registry: `int8`, `int16`, `uint8` … `uint64`).
    pub fn from_format(format: Option<&str>) -> IntWidth {
        match format {
            Some("int8") => IntWidth::I8,
            Some("int16") => IntWidth::I16,
            Some("int32") => IntWidth::I32,
            Some("uint8") => IntWidth::U8,
            Some("uint16") => IntWidth::U16,
            Some("uint32") => IntWidth::U32,
            Some("uint64") => IntWidth::U64,
            _ => IntWidth::I64,
        }
    }
}

/// Constraints on a value, one optional slot per JSON Schema keyword the SDK enforces.
#[derive(Debug, Clone, PartialEq, Default, Hash)]
pub struct Constraints {
    /// `minLength`, in characters.
    pub min_length: Option<u64>,
    /// `maxLength`, in characters.
    pub max_length: Option<u64>,
    /// `pattern`, an ECMAScript regular expression.
    pub pattern: Option<String>,
    /// `format`, when the SDK checks it (`email`).
    pub format: Option<Format>,
    /// `minimum` / `exclusiveMinimum`.
    pub minimum: Option<Bound>,
    /// `maximum` / `exclusiveMaximum`.
    pub maximum: Option<Bound>,
    /// `multipleOf`.
    pub multiple_of: Option<Number>,
    /// `minItems`.
    pub min_items: Option<u64>,
    /// `maxItems`.
    pub max_items: Option<u64>,
    /// `uniqueItems: true`.
    pub unique_items: bool,
    /// `minProperties`.
    pub min_properties: Option<u64>,
    /// `maxProperties`.
    pub max_properties: Option<u64>,
    /// `x-max-stringified-length`: the most UTF-16 code units the value's compact JSON may take.
    pub max_stringified_length: Option<u64>,
    /// `enum` on an integer or a number: the values allowed (empty: any).
    pub number_enum: Vec<Number>,
    /// The constraints on each item of an array, or each value of a map.
    pub items: Option<Box<Constraints>>,
    /// `enum` (or 3.1's `const`) on a value held as any JSON ([`TypeRef::Any`]): the allowed
    /// values as compact JSON texts, compared as JSON Schema compares (`1` equals `1.0`).
    pub json_enum: Vec<String>,
    /// `required` on a value held as any JSON: keys an object must have (other JSON types pass).
    pub required_keys: Vec<String>,
    /// `type` listing several JSON types (3.1) on a value held as any JSON: the types allowed.
    pub json_types: Vec<String>,
    /// The boolean schema `false` (read as `not: {}`): no value is valid, so the value may only
    /// be absent.
    pub no_value: bool,
    /// Sets of constraints checked on the value's JSON, apart from the rest: `anyOf`/`oneOf`
    /// branches that only constrain a value of one type further (`{type: string, anyOf:
    /// [{maxLength: 2}, {minLength: 4}]}`), and `allOf` parts whose keywords cannot be merged
    /// into these (a second `pattern`, another `multipleOf`).
    pub alternatives: Vec<Alternatives>,
    /// A tuple's (`prefixItems`) constraints by position, and on the items after them, checked
    /// on the value's JSON: an open tuple is a list of JSON values, whose types are checked
    /// here too.
    pub tuple: Option<Box<TupleChecks>>,
}

/// The checks of a tuple's items, each on the item's JSON.
#[derive(Debug, Clone, PartialEq, Default, Hash)]
pub struct TupleChecks {
    /// The item at each position, when the array has one.
    pub prefix: Vec<Constraints>,
    /// Every item after the prefix (`items` beside `prefixItems`).
    pub rest: Option<Box<Constraints>>,
}

/// Constraint sets of which at least one (`anyOf`; an `allOf` part kept apart is a set of one)
/// or exactly one (`oneOf`) must hold, each checked on the value's JSON.
#[derive(Debug, Clone, PartialEq, Default, Hash)]
pub struct Alternatives {
    /// `oneOf`: exactly one set holds.
    pub exactly_one: bool,
    /// The sets, in the spec's order.
    pub sets: Vec<Constraints>,
}

impl Constraints {
    /// Adds `other`'s constraints, as `allOf` does: the stricter of two length or size limits,
    /// `other`'s where these have none; where both have a different pattern, format, bound,
    /// `multipleOf` or `enum`, `other`'s go apart into [`Constraints::alternatives`] as a set
    /// of one, so that both hold.
    pub fn add(&mut self, other: Constraints) {
        fn stricter(a: &mut Option<u64>, b: Option<u64>, tighter: fn(u64, u64) -> u64) {
            *a = match (*a, b) {
                (Some(x), Some(y)) => Some(tighter(x, y)),
                (x, y) => x.or(y),
            };
        }
        /// `other`'s value where `mine` has none; a different one goes to `apart`, checked as
        /// a set of its own (both must hold, and one slot cannot say so).
        fn merge<T: PartialEq>(mine: &mut Option<T>, theirs: Option<T>, apart: &mut Option<T>) {
            match (mine.as_ref(), theirs) {
                (None, theirs) => *mine = theirs,
                (Some(a), Some(b)) if *a != b => *apart = Some(b),
                _ => {}
            }
        }
        fn merge_list<T: PartialEq>(mine: &mut Vec<T>, theirs: Vec<T>, apart: &mut Vec<T>) {
            if mine.is_empty() {
                *mine = theirs;
            } else if !theirs.is_empty() && *mine != theirs {
                *apart = theirs;
            }
        }
        stricter(&mut self.min_length, other.min_length, u64::max);
        stricter(&mut self.max_length, other.max_length, u64::min);
        stricter(&mut self.min_items, other.min_items, u64::max);
        stricter(&mut self.max_items, other.max_items, u64::min);
        stricter(&mut self.min_properties, other.min_properties, u64::max);
        stricter(&mut self.max_properties, other.max_properties, u64::min);
        stricter(
            &mut self.max_stringified_length,
            other.max_stringified_length,
            u64::min,
        );
        let mut apart = Constraints::default();
        merge(&mut self.pattern, other.pattern, &mut apart.pattern);
        merge(&mut self.format, other.format, &mut apart.format);
        merge(&mut self.minimum, other.minimum, &mut apart.minimum);
        merge(&mut self.maximum, other.maximum, &mut apart.maximum);
        merge(
            &mut self.multiple_of,
            other.multiple_of,
            &mut apart.multiple_of,
        );
        merge_list(
            &mut self.number_enum,
            other.number_enum,
            &mut apart.number_enum,
        );
        merge_list(&mut self.json_enum, other.json_enum, &mut apart.json_enum);
        merge_list(
            &mut self.json_types,
            other.json_types,
            &mut apart.json_types,
        );
        self.unique_items |= other.unique_items;
        match (&mut self.items, other.items) {
            (Some(mine), Some(theirs)) => mine.add(*theirs),
            (mine @ None, theirs) => *mine = theirs,
            _ => {}
        }
        self.no_value |= other.no_value;
        for key in other.required_keys {
            if !self.required_keys.contains(&key) {
                self.required_keys.push(key);
            }
        }
        self.alternatives.extend(other.alternatives);
        if self.tuple.is_none() {
            self.tuple = other.tuple;
        }
        if apart.count() > 0 {
            self.alternatives.push(Alternatives {
                exactly_one: false,
                sets: vec![apart],
            });
        }
    }

    /// Only the keywords that apply to values of `base` (a type as [`base_type`] resolves it):
    /// what an untyped `allOf` part (`{minimum: 1}`) adds to a typed one. A keyword of another
    /// JSON type constrains nothing there (JSON Schema: a `minLength` ignores numbers).
    pub fn applicable_to(self, base: &TypeRef) -> Constraints {
        let integral = |n: Number| match n {
            Number::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Number::Int(f as i64),
            n => n,
        };
        if *base == TypeRef::Any {
            return self;
        }
        let no_value = self.no_value;
        // Checked on the value's JSON, whatever its type.
        let alternatives = self.alternatives;
        let kept = match base {
            TypeRef::String => Constraints {
                min_length: self.min_length,
                max_length: self.max_length,
                pattern: self.pattern,
                format: self.format,
                ..Constraints::default()
            },
            TypeRef::Integer(_) => Constraints {
                minimum: self.minimum.map(|b| Bound {
                    value: integral(b.value),
                    ..b
                }),
                maximum: self.maximum.map(|b| Bound {
                    value: integral(b.value),
                    ..b
                }),
                multiple_of: self.multiple_of.map(integral),
                ..Constraints::default()
            },
            TypeRef::Number => Constraints {
                minimum: self.minimum,
                maximum: self.maximum,
                multiple_of: self.multiple_of,
                ..Constraints::default()
            },
            TypeRef::Array(_) => Constraints {
                min_items: self.min_items,
                max_items: self.max_items,
                unique_items: self.unique_items,
                tuple: self.tuple,
                ..Constraints::default()
            },
            TypeRef::Map(_) => Constraints {
                min_properties: self.min_properties,
                max_properties: self.max_properties,
                ..Constraints::default()
            },
            _ => Constraints::default(),
        };
        Constraints {
            no_value,
            alternatives,
            ..kept
        }
    }

    /// How many rules these constraints add to validation.
    pub fn count(&self) -> usize {
        [
            self.min_length.is_some(),
            self.max_length.is_some(),
            self.pattern.is_some(),
            self.format.is_some(),
            self.minimum.is_some(),
            self.maximum.is_some(),
            self.multiple_of.is_some(),
            self.min_items.is_some(),
            self.max_items.is_some(),
            self.unique_items,
            self.min_properties.is_some(),
            self.max_properties.is_some(),
            self.max_stringified_length.is_some(),
            !self.number_enum.is_empty(),
            !self.json_enum.is_empty(),
            !self.json_types.is_empty(),
            self.no_value,
        ]
        .iter()
        .filter(|set| **set)
        .count()
            + self.required_keys.len()
            + self.items.as_ref().map_or(0, |items| items.count())
            + self.alternatives.len()
            + self.tuple.as_ref().map_or(0, |t| {
                t.prefix.iter().map(Constraints::count).sum::<usize>()
                    + t.rest.as_ref().map_or(0, |rest| rest.count())
            })
    }
}

/// The string formats the SDK checks, by name: `email` (`Validator::email`) and those
/// `Validator::format` knows. The JSON Schema Test Suite's judge reads it too.
pub const CHECKED_FORMATS: &[&str] = &[
    "email",
    "uuid",
    "date-time",
    "date",
    "time",
    "duration",
    "uri",
    "url",
    "hostname",
    "ipv4",
    "ipv6",
    "google-datetime",
    "google-duration",
];

/// String formats the SDK validates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// `format: email`.
    Email,
    /// Formats the runtime's `Validator::format` checks, by name: `uuid`, `date-time`, `date`,
    /// `time`, `duration`, `uri`, `url`, `hostname`, `ipv4`, `ipv6`, and Google's
    /// `google-datetime` and `google-duration`.
    Named(&'static str),
}

/// A numeric limit.
#[derive(Debug, Clone, Copy, PartialEq, Hash)]
pub struct Bound {
    /// The limit.
    pub value: Number,
    /// The limit itself is not allowed.
    pub exclusive: bool,
}

/// A number from the spec, kept as an integer when it is one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    /// An integer limit (compared exactly against integer fields).
    Int(i64),
    /// A fractional limit.
    Float(f64),
}

impl std::hash::Hash for Number {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        match *self {
            Number::Int(i) => (0u8, i).hash(state),
            // `0.0 == -0.0`: equal values hash alike.
            Number::Float(0.0) => (1u8, 0u64).hash(state),
            Number::Float(f) => (1u8, f.to_bits()).hash(state),
        }
    }
}

/// A string enum.
#[derive(Debug, Clone, PartialEq, Hash)]
pub struct StringEnum {
    /// The known values, in the spec's order.
    pub variants: Vec<Variant>,
    /// The Rust name of the variant holding values this SDK does not know.
    pub unknown_variant: String,
    /// The variant named by the schema's `default`, if it is one of the values.
    pub default: Option<String>,
}

/// One enum value.
#[derive(Debug, Clone, PartialEq, Hash)]
pub struct Variant {
    /// The Rust name.
    pub ident: String,
    /// The value on the wire.
    pub wire_value: String,
}

/// The operations of one tag: `client.track()` returns them.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// The tag as written in the spec (`Track`).
    pub tag: String,
    /// The accessor on the client (`track`).
    pub accessor: String,
    /// The cargo feature that compiles the group in a standalone crate (`track`).
    pub feature: String,
    /// The struct holding the operations (`TrackApi`).
    pub type_name: String,
    /// The tag's description.
    pub description: Option<String>,
    /// The operations, in name order.
    pub operations: Vec<Operation>,
}

/// One API call.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// `operationId`, or one derived from method and path.
    pub operation_id: String,
    /// The Rust method name (`track_sale`).
    pub method_name: String,
    /// Where the operation is (`/paths/~1track~1sale/post`).
    pub pointer: String,
    /// The HTTP method.
    pub http_method: HttpMethod,
    /// The path template (`/links/{linkId}`).
    pub path: String,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// Path parameters, in the template's order: positional arguments of the method.
    pub path_params: Vec<Param>,
    /// Query, header and cookie parameters, gathered in one struct argument.
    pub params: Option<ParamsStruct>,
    /// The request body.
    pub body: Option<RequestBody>,
    /// The documented success response (the lowest 2xx).
    pub success: SuccessResponse,
    /// Documented error statuses.
    pub errors: Vec<ErrorResponse>,
    /// The security requirements the call accepts, alternatives in the spec's order, each the
    /// keys of the schemes (`ApiInfo::security_schemes`) sent together. An empty alternative
    /// allows an anonymous call; no alternatives at all, no credentials.
    pub auth: Vec<Vec<String>>,
    /// Where [`Operation::auth`] comes from: the operation's `security`, or the document's
    /// (`/security`).
    pub auth_pointer: String,
    /// Whether a repeat is harmless by the method's semantics (RFC 9110 §9.2.2).
    pub idempotent: bool,
    /// The request field whose presence makes a repeat harmless (`x-idempotency-key`).
    pub idempotency_key: Option<IdempotencyKey>,
    /// The header parameter that carries an idempotency key (`Idempotency-Key`, Stripe's and
    /// Adyen's style), as the spec spells it: the SDK sends one it generates when the caller
    /// sets none, the same on every attempt, so the call is retried as safely as an idempotent
    /// one.
    pub idempotency_header: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// How to fetch the pages after the first, when the operation is a paginated list (set by
    /// the `paginate` pass): the call then gains `.pages()` and `.items()`.
    pub pagination: Option<Pagination>,
    /// The wire name of the JSON body's boolean field that asks for an event stream (OpenAI's
    /// `stream`), when the response offers one: `.stream()` sets it to `true`.
    pub stream_flag: Option<String>,
}

/// How a list operation pages through its results.
#[derive(Debug, Clone, PartialEq)]
pub struct Pagination {
    /// Which rule recognised it: reported by the command line and counted in the corpus.
    pub rule: PaginationRule,
    /// How the next page's request differs from the last one's.
    pub next: NextPage,
    /// Where the page's items are in the response body: the fields to follow from it (none:
    /// the body is the array).
    pub items: Vec<FieldStep>,
    /// The items' type.
    pub item_type: TypeRef,
}

/// The rules that recognise a paginated operation (documented in the README, "Pagination").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PaginationRule {
    /// `x-speakeasy-pagination` with `type: offsetLimit`.
    SpeakeasyOffsetLimit,
    /// `x-speakeasy-pagination` with `type: cursor`.
    SpeakeasyCursor,
    /// `x-speakeasy-pagination` with `type: url`.
    SpeakeasyUrl,
    /// `x-dropshot-pagination` (Oxide's Dropshot: `page_token` in, `next_page` out).
    Dropshot,
    /// A success response documenting a `Link` header (RFC 8288 `rel="next"`, GitHub's way).
    LinkHeader,
    /// A token parameter (`page_token`, `cursor`, ...) answered by a next-token field of the
    /// page (`next_page_token`, `next_cursor`, ...) beside one array.
    NextToken,
    /// Stripe's lists: `starting_after` taken from the last item's `id` while `has_more`.
    HasMore,
}

impl PaginationRule {
    /// The name the command line and CORPUS.md use.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SpeakeasyOffsetLimit => "x-speakeasy-pagination offsetLimit",
            Self::SpeakeasyCursor => "x-speakeasy-pagination cursor",
            Self::SpeakeasyUrl => "x-speakeasy-pagination url",
            Self::Dropshot => "x-dropshot-pagination",
            Self::LinkHeader => "Link header",
            Self::NextToken => "next-token field",
            Self::HasMore => "has_more + starting_after",
        }
    }
}

/// How the request of the next page is made from the last one's.
#[derive(Debug, Clone, PartialEq)]
pub enum NextPage {
    /// A page number or an offset in a query parameter, counted up.
    Number {
        /// The wire name of the page or offset parameter.
        param: String,
        /// An offset (advanced by the page's item count), not a page number (advanced by 1).
        offset: bool,
        /// The wire name of the page-size parameter, if there is one.
        limit: Option<String>,
        /// Its documented default, used to see a short page when the caller sets none.
        default_limit: Option<u64>,
    },
    /// A cursor taken from the page, sent in a query parameter.
    Cursor {
        /// The wire name of the cursor parameter.
        param: String,
        /// Where the cursor is.
        from: CursorFrom,
        /// Dropshot's rule: pages after the first send only these query parameters (by wire
        /// name) beside the cursor; `None` keeps them all.
        keep: Option<Vec<String>>,
        /// A boolean field of the page saying whether more pages follow.
        has_more: Option<Vec<FieldStep>>,
    },
    /// The next page's URL, from a field of the page.
    Url(Vec<FieldStep>),
    /// The next page's URL, from the `Link` response header.
    Link,
}

/// Where a page's cursor is.
#[derive(Debug, Clone, PartialEq)]
pub enum CursorFrom {
    /// A field of the page.
    Page(Vec<FieldStep>),
    /// A field of the page's last item.
    LastItem(Vec<FieldStep>),
}

/// One field followed from a value: how its Rust type wraps the value.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldStep {
    /// The Rust field.
    pub ident: String,
    /// The field is an `Option`.
    pub optional: bool,
}

/// HTTP methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum HttpMethod {
    /// GET
    Get,
    /// PUT
    Put,
    /// POST
    Post,
    /// DELETE
    Delete,
    /// OPTIONS
    Options,
    /// HEAD
    Head,
    /// PATCH
    Patch,
    /// TRACE
    Trace,
}

impl HttpMethod {
    /// The method as written on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Put => "PUT",
            Self::Post => "POST",
            Self::Delete => "DELETE",
            Self::Options => "OPTIONS",
            Self::Head => "HEAD",
            Self::Patch => "PATCH",
            Self::Trace => "TRACE",
        }
    }

    /// Idempotent by definition (RFC 9110 §9.2.2): a repeat has the effect of one call.
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Self::Post | Self::Patch)
    }
}

/// A path or query parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// The Rust name.
    pub ident: String,
    /// The name on the wire.
    pub wire_name: String,
    /// Its type and constraints.
    pub shape: Shape,
    /// Must be given.
    pub required: bool,
    /// `description`.
    pub description: Option<String>,
    /// Where the parameter is (`/paths/~1links~1{linkId}/get/parameters/0`).
    pub pointer: String,
}

/// The struct holding an operation's query, header and cookie parameters: a type of
/// [`Model::types`] whose fields match `bindings` one to one.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamsStruct {
    /// The struct's Rust name (`ListLinksParams`).
    pub type_name: String,
    /// Where and how each field is sent.
    pub bindings: Vec<ParamBinding>,
}

/// Where and how one parameter is sent.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamBinding {
    /// The struct field.
    pub ident: String,
    /// The name on the wire.
    pub wire_name: String,
    /// Query, header or cookie.
    pub location: ParamLocation,
    /// How values are written (OpenAPI `style` and `explode`).
    pub style: ParamStyle,
    /// Must be given (the field is not an `Option`).
    pub required: bool,
    /// The value's type.
    pub ty: TypeRef,
    /// Where the parameter is (`/paths/~1links/get/parameters/1`); empty for a form body's
    /// field written like a parameter.
    pub pointer: String,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// The query string.
    Query,
    /// A request header.
    Header,
    /// The `Cookie` header.
    Cookie,
}

/// OpenAPI parameter serialisation styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamStyle {
    /// `form`: `a=1&a=2` when exploded, `a=1,2` otherwise.
    Form {
        /// `explode` (default true).
        explode: bool,
    },
    /// `spaceDelimited` arrays: `a=1%202`.
    SpaceDelimited,
    /// `pipeDelimited` arrays: `a=1|2`.
    PipeDelimited,
    /// `deepObject`: `a[b]=1`, nested `a[b][c]=1`.
    DeepObject,
    /// `simple` (headers): `1,2`.
    Simple,
}

/// A request body.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestBody {
    /// Its type (for `Bytes` and `Text`, the spec's schema; the method takes `impl Into<Bytes>` (a `Bytes` when optional) or a `String`).
    pub ty: TypeRef,
    /// `required: true`.
    pub required: bool,
    /// How it is written.
    pub encoding: BodyEncoding,
    /// The media type it is sent as (`application/merge-patch+json`), without parameters.
    pub media_type: String,
    /// Per-property styles of a form body (the media type's `encoding` map), by wire name.
    pub field_styles: Vec<(String, ParamStyle)>,
}

/// How a request body is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyEncoding {
    /// `application/json` (and `+json`).
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/form-data`.
    Multipart,
    /// Raw bytes with this content type.
    Bytes(String),
    /// Text with this content type.
    Text(String),
}

/// The success response.
#[derive(Debug, Clone, PartialEq)]
pub struct SuccessResponse {
    /// The status codes that mean success.
    pub statuses: Vec<u16>,
    /// What the body is.
    pub body: ResponseBody,
    /// The type of each event's data, when the response also (or only) offers
    /// `text/event-stream`: the call then gains `.stream()`.
    pub events: Option<TypeRef>,
    /// The response's description.
    pub description: Option<String>,
}

/// A success response body.
#[derive(Debug, Clone, PartialEq)]
pub enum ResponseBody {
    /// JSON, decoded into this type.
    Json(TypeRef),
    /// Bytes, returned as `Vec<u8>`.
    Bytes,
    /// Text, returned as `String`.
    Text,
    /// Nothing worth reading.
    Empty,
}

/// A documented error status.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorResponse {
    /// The HTTP status.
    pub status: u16,
    /// What it means, from the spec.
    pub description: Option<String>,
    /// The type of its JSON body, when the spec gives a schema.
    pub body: Option<TypeRef>,
    /// The layout of that body, as far as `ApiError` reads it (set by
    /// `passes::mark_error_formats`).
    pub format: ErrorFormat,
}

/// The layout of an error body: which of `ApiError`'s fields the runtime reads from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ErrorFormat {
    /// `{"error": {"code", "message", "doc_url"}}` or `{"error": "message"}`.
    Nested,
    /// `{"message", "code"...}` at the top level.
    Flat,
    /// RFC 9457 problem details (`title`, `detail`, `type`...).
    Problem,
    /// Anything else, or no schema: only the raw body is kept.
    #[default]
    Opaque,
}

/// A security scheme of `components/securitySchemes` the SDK can send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityScheme {
    /// Its key in `components/securitySchemes` (`token`), how requirements name it.
    pub key: String,
    /// The `ClientBuilder` method that sets its credential (`token`).
    pub method: String,
    /// Whether `method` is generated for it; not when the scheme is named like the runtime's
    /// generic method of its kind (Stripe's `basicAuth` is set by `basic_auth`), which serves.
    pub own_method: bool,
    /// What it is and where it goes.
    pub kind: SchemeKind,
    /// Its `description`.
    pub description: Option<String>,
}

/// What a security scheme sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemeKind {
    /// HTTP `bearer`: `Authorization: Bearer <token>`.
    Bearer,
    /// HTTP `basic`: `Authorization: Basic base64(username:password)`.
    Basic,
    /// An API key in this header.
    ApiKeyHeader(String),
    /// An API key in this query parameter.
    ApiKeyQuery(String),
    /// An API key in this cookie.
    ApiKeyCookie(String),
    /// OAuth 2: a bearer access token, which the SDK fetches itself from `token_url` when the
    /// scheme has a client-credentials flow.
    OAuth2 {
        /// `flows.clientCredentials.tokenUrl`, as written (it may be relative).
        token_url: Option<String>,
        /// The scopes that flow lists.
        scopes: Vec<String>,
    },
    /// OpenID Connect: a bearer token the caller obtains.
    OpenIdConnect,
}

impl SchemeKind {
    /// In a few words, for docs and messages.
    pub fn describe(&self) -> String {
        match self {
            SchemeKind::Bearer => "HTTP bearer token (`Authorization: Bearer ...`)".to_owned(),
            SchemeKind::Basic => "HTTP basic authentication (username and password)".to_owned(),
            SchemeKind::ApiKeyHeader(name) => format!("API key in the `{name}` header"),
            SchemeKind::ApiKeyQuery(name) => format!("API key in the `{name}` query parameter"),
            SchemeKind::ApiKeyCookie(name) => format!("API key in the `{name}` cookie"),
            SchemeKind::OAuth2 {
                token_url: Some(_), ..
            } => "OAuth 2 access token (or client credentials, which the SDK exchanges for one)"
                .to_owned(),
            SchemeKind::OAuth2 {
                token_url: None, ..
            } => "OAuth 2 access token (`Authorization: Bearer ...`)".to_owned(),
            SchemeKind::OpenIdConnect => {
                "OpenID Connect token (`Authorization: Bearer ...`)".to_owned()
            }
        }
    }
}

/// The request field that makes a repeat harmless.
#[derive(Debug, Clone, PartialEq)]
pub struct IdempotencyKey {
    /// The field's name on the wire (`invoiceId`).
    pub wire_name: String,
    /// The Rust field (`invoice_id`).
    pub ident: String,
    /// Whether the field is an `Option` (then the key is present only when set and non-empty).
    pub optional: bool,
    /// Whether the field tells absent from `null` (`Option<Option<String>>`).
    pub explicit_null: bool,
}

/// `ty` with aliases seen through (up to 16 deep): the type of the values it holds.
pub fn base_type(types: &BTreeMap<String, TypeDef>, ty: &TypeRef) -> TypeRef {
    let mut ty = ty.clone();
    for _ in 0..16 {
        match &ty {
            TypeRef::Named(n) => match types.get(n).map(|d| &d.kind) {
                Some(TypeKind::Alias(shape)) => ty = shape.ty.clone(),
                _ => break,
            },
            _ => break,
        }
    }
    ty
}

impl Model {
    /// Every operation, group by group.
    pub fn operations(&self) -> impl Iterator<Item = &Operation> {
        self.groups.iter().flat_map(|group| group.operations.iter())
    }

    /// How many validation rules the generated code enforces (constraints, enums, required
    /// fields, metadata limits), counted over request types and parameters.
    pub fn validation_rule_count(&self) -> usize {
        let types: usize = self
            .types
            .values()
            .filter(|def| def.in_request)
            .map(|def| match &def.kind {
                TypeKind::Struct(s) => {
                    s.fields
                        .iter()
                        .map(|f| f.shape.constraints.count() + usize::from(f.required))
                        .sum::<usize>()
                        + usize::from(s.min_properties.is_some())
                        + usize::from(s.max_properties.is_some())
                }
                TypeKind::Enum(_) => 1,
                TypeKind::Union(_) => 0,
                TypeKind::Alias(shape) => shape.constraints.count(),
            })
            .sum();
        let params: usize = self
            .operations()
            .flat_map(|op| op.path_params.iter())
            .map(|p| p.shape.constraints.count())
            .sum();
        types + params
    }
}
