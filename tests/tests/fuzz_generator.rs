//! The generator never panics, hangs or overflows the stack, whatever spec text it is given.
//!
//! cargo-fuzz needs a nightly toolchain, so this is a proptest over mutated specs instead: seeds
//! (`spec/openapi.yaml`, `tests/fixtures/features.yaml` and a few small synthetic specs) are
//! mutated structurally (wrong types, huge numbers, dangling and cyclic `$ref`s, deep nesting,
//! odd names, removed keys), written as JSON or YAML, then mutated as text (truncation, byte
//! flips, inserted and deleted ranges), and handed to `Config::generate_from_str`. Every run must
//! return: `Ok`, or an `Err` that names the file and a JSON pointer (the location the issue asks
//! for), within a time limit.
//!
//! Knobs (environment variables):
//! - `FUZZ_GENERATOR_CASES` (default 40): cases per batch, and the whole run without `FUZZ_SECONDS`.
//! - `FUZZ_SECONDS`: keep running batches of fresh random cases until this many seconds passed
//!   (the 30-minute run in BENCHMARKS.md; CI's short run). Prints executions and time at the end.
//! - `FUZZ_DETERMINISTIC`: a fixed seed (CI), instead of a fresh random one per batch.
//! - `FUZZ_LAST_INPUT`: a file to which each input is written before it runs, so an input that
//!   aborts the process (a stack overflow cannot be caught) is left on disk. Give an absolute
//!   path: cargo runs the test in `tests/`. An input that overruns the time limit is kept in
//!   the system's temporary directory (`codeqr-fuzz-hang-N-...`) and named on stderr.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use codeqr_codegen::{Config, Severity};
use proptest::prelude::*;
use proptest::test_runner::{Config as RunnerConfig, TestCaseError, TestError, TestRunner};
use serde_json::{Map, Value, json};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------------------
// seeds
// ---------------------------------------------------------------------------------------------

const MINIMAL: &str = r##"
openapi: 3.0.3
info: {title: Minimal, version: '1'}
paths:
  /things/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
    get:
      operationId: getThing
      parameters:
        - {name: q, in: query, schema: {type: array, items: {type: integer}}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
components:
  schemas:
    Thing:
      type: object
      required: [id]
      properties:
        id: {type: string, minLength: 1, maxLength: 10, pattern: '^[a-z]+$'}
        size: {type: number, minimum: 0, exclusiveMaximum: true, maximum: 10, multipleOf: 0.5}
        tags: {type: array, items: {type: string}, minItems: 1, maxItems: 3, uniqueItems: true}
        owner: {$ref: '#/components/schemas/Owner'}
        kind: {type: string, enum: [a, b], nullable: true}
        extra: {type: object, additionalProperties: {type: integer}, maxProperties: 4}
    Owner:
      type: object
      properties:
        email: {type: string, format: email}
        next: {$ref: '#/components/schemas/Owner'}
        pick:
          oneOf:
            - {$ref: '#/components/schemas/Thing'}
            - {type: string}
"##;

/// 3.1 idioms: type arrays, numeric exclusive bounds, const, $defs, webhooks.
const V31: &str = r##"{
  "openapi": "3.1.0",
  "info": {"title": "ThreeOne", "version": "1"},
  "paths": {
    "/a": {"post": {
      "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}},
      "responses": {"201": {"description": "made", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}
    }}
  },
  "webhooks": {"ping": {"post": {"responses": {"200": {"description": "ok"}}}}},
  "components": {"schemas": {
    "A": {"type": "object", "properties": {
      "n": {"type": ["integer", "null"], "exclusiveMinimum": 0, "maximum": 9007199254740993},
      "c": {"const": "fixed"},
      "b": {"$ref": "#/components/schemas/B", "description": "sibling"},
      "l": {"type": "array", "items": {"$ref": "#/$defs/L"}}
    }},
    "B": {"anyOf": [{"type": "string"}, {"type": "integer"}], "discriminator": {"propertyName": "x"}}
  }},
  "$defs": {"L": {"type": "string", "format": "uuid"}}
}"##;

/// Cycles through allOf, a self-referencing alias chain, and references into `paths`.
const CYCLES: &str = r##"
openapi: 3.0.0
info: {title: Cycles, version: '1'}
paths:
  /c:
    put:
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/A'}
      responses:
        default:
          description: any
          content:
            application/json:
              schema: {$ref: '#/paths/~1c/put/requestBody/content/application~1json/schema'}
components:
  schemas:
    A: {allOf: [{$ref: '#/components/schemas/B'}, {type: object, properties: {a: {$ref: '#/components/schemas/A'}}}]}
    B: {allOf: [{$ref: '#/components/schemas/A'}]}
    C: {$ref: '#/components/schemas/D'}
    D: {$ref: '#/components/schemas/C'}
    E: {type: array, items: {$ref: '#/components/schemas/E'}}
"##;

struct Seed {
    name: &'static str,
    value: Value,
}

fn seeds() -> &'static [Seed] {
    static SEEDS: OnceLock<Vec<Seed>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
        let read = |path: &str| {
            std::fs::read_to_string(format!("{root}/{path}"))
                .unwrap_or_else(|e| panic!("reading {path}: {e}"))
        };
        let yaml = |text: &str| -> Value { serde_yaml::from_str(text).expect("seed is YAML") };
        vec![
            Seed {
                name: "openapi",
                value: yaml(&read("spec/openapi.yaml")),
            },
            Seed {
                name: "features",
                value: yaml(&read("tests/fixtures/features.yaml")),
            },
            Seed {
                name: "minimal",
                value: yaml(MINIMAL),
            },
            Seed {
                name: "v31",
                value: serde_json::from_str(V31).expect("seed is JSON"),
            },
            Seed {
                name: "cycles",
                value: yaml(CYCLES),
            },
        ]
    })
}

// ---------------------------------------------------------------------------------------------
// mutations
// ---------------------------------------------------------------------------------------------

/// Names that have tripped code generators: keywords, prelude names, leading digits, escapes,
/// invisible and right-to-left characters, JSON pointer metacharacters, very long names.
const ODD_NAMES: &[&str] = &[
    "",
    " ",
    "self",
    "Self",
    "super",
    "crate",
    "type",
    "r#type",
    "_",
    "__",
    "1abc",
    "123",
    "😀",
    "é",
    "名前",
    "a/b",
    "a~b",
    "~1",
    "~0~1",
    "%2F",
    "%ZZ",
    "\u{200B}",
    "\u{202E}abc",
    "a\nb",
    "a\"b",
    "a b",
    "-",
    "$ref",
    "x-",
    "None",
    "Some",
    "Option",
    "Result",
    "String",
    "Vec",
    "Box",
    "std",
    "serde",
    "Default",
    "Validate",
    "Client",
    "Error",
    "validate",
    "builder",
    "build",
    "fooBar",
    "foo_bar",
    "FOO_BAR",
    "Unknown",
    "{id}",
    "/",
    "//",
    "/a/{}",
    "#",
    "\\",
];

/// Number literals around the limits of i64, u64 and f64 (written into the text, so YAML and
/// JSON readers see them exactly as a hostile spec would write them).
const HUGE_NUMBERS: &[&str] = &[
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",
    "340282366920938463463374607431768211456",
    "1e308",
    "-1e308",
    "1e309",
    "1e-400",
    "0.1",
    "-0",
    "4.9e-324",
    "123456789012345678901234567890.5",
];

/// Keywords a schema can carry, for schemas with random (often mistyped) keyword values.
const KEYWORDS: &[&str] = &[
    "type",
    "format",
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "enum",
    "items",
    "minItems",
    "maxItems",
    "uniqueItems",
    "properties",
    "required",
    "additionalProperties",
    "minProperties",
    "maxProperties",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "nullable",
    "discriminator",
    "default",
    "readOnly",
    "writeOnly",
    "$ref",
    "x-max-stringified-length",
    "x-idempotency-key",
    "const",
    "items",
];

#[derive(Debug, Clone)]
enum Replacement {
    Null,
    Bool(bool),
    /// An index into `HUGE_NUMBERS`, spliced into the text as a bare number.
    Huge(usize),
    Str(String),
    EmptyObject,
    EmptyArray,
    /// A `$ref` to something that does not exist, or is malformed.
    DanglingRef(String),
    /// A `$ref` to the node being replaced: a cycle of length one.
    SelfRef,
    /// A `$ref` to the node's n-th ancestor: a cycle through the parents.
    AncestorRef(usize),
    /// A `$ref` to another node of the document (by preorder index).
    RefTo(usize),
    /// A schema nested `depth` levels deep through `shape`.
    Deep(usize, usize),
    /// A schema with random keywords, each given a random (often wrongly typed) value.
    OddSchema(Vec<(usize, usize)>),
}

#[derive(Debug, Clone)]
enum Structural {
    Replace(usize, Replacement),
    Remove(usize),
    /// Renames one key of an object node to an odd name.
    Rename(usize, usize, usize),
    /// Adds an odd-named key holding a replacement value.
    Insert(usize, usize, Replacement),
}

#[derive(Debug, Clone)]
enum Textual {
    /// Cut the text at this fraction (per 10,000) of its length.
    Truncate(u16),
    /// XOR the byte at this fraction with a mask; invalid UTF-8 becomes U+FFFD.
    FlipByte(u16, u8),
    Insert(u16, String),
    Delete(u16, u16),
    /// Repeat a slice of the text (unbalanced brackets, duplicate keys).
    Duplicate(u16, u16),
}

#[derive(Debug, Clone)]
struct Case {
    seed: usize,
    structural: Vec<Structural>,
    yaml: bool,
    textual: Vec<Textual>,
    standalone: bool,
}

fn replacement() -> impl Strategy<Value = Replacement> {
    prop_oneof![
        Just(Replacement::Null),
        any::<bool>().prop_map(Replacement::Bool),
        (0..HUGE_NUMBERS.len()).prop_map(Replacement::Huge),
        prop_oneof![
            (0..ODD_NAMES.len()).prop_map(|i| ODD_NAMES[i].to_owned()),
            ".{0,12}",
        ]
        .prop_map(Replacement::Str),
        Just(Replacement::EmptyObject),
        Just(Replacement::EmptyArray),
        prop_oneof![
            Just("#/components/schemas/Nope".to_owned()),
            Just("#/components/schemas/".to_owned()),
            Just("#".to_owned()),
            Just(String::new()),
            Just("other.yaml#/components/schemas/A".to_owned()),
            Just("https://example.com/s.json".to_owned()),
            Just("#/paths/~1nope/get".to_owned()),
            Just("#/components/schemas/%ZZ".to_owned()),
            Just("#/components/schemas/A/properties/~2".to_owned()),
            Just("#/info/title".to_owned()),
            Just("#/openapi".to_owned()),
            Just("#/components/schemas/Thing/properties/tags/items/0".to_owned()),
            "#/[a-z~/0-9]{0,20}",
        ]
        .prop_map(Replacement::DanglingRef),
        Just(Replacement::SelfRef),
        (1usize..6).prop_map(Replacement::AncestorRef),
        any::<usize>().prop_map(Replacement::RefTo),
        (
            prop_oneof![1usize..40, 40usize..140, Just(1000usize)],
            0..DEEP_SHAPES
        )
            .prop_map(|(d, s)| Replacement::Deep(d, s)),
        prop::collection::vec((0..KEYWORDS.len(), 0usize..16), 1..5)
            .prop_map(Replacement::OddSchema),
    ]
}

fn structural() -> impl Strategy<Value = Structural> {
    prop_oneof![
        4 => (any::<usize>(), replacement()).prop_map(|(n, r)| Structural::Replace(n, r)),
        2 => any::<usize>().prop_map(Structural::Remove),
        2 => (any::<usize>(), any::<usize>(), 0..ODD_NAMES.len())
            .prop_map(|(n, k, o)| Structural::Rename(n, k, o)),
        2 => (any::<usize>(), 0..ODD_NAMES.len(), replacement())
            .prop_map(|(n, o, r)| Structural::Insert(n, o, r)),
    ]
}

fn textual() -> impl Strategy<Value = Textual> {
    prop_oneof![
        (0u16..10_000).prop_map(Textual::Truncate),
        (0u16..10_000, 1u8..=255).prop_map(|(a, m)| Textual::FlipByte(a, m)),
        (
            0u16..10_000,
            prop_oneof![
                Just("{".to_owned()),
                Just("[".to_owned()),
                Just(": ".to_owned()),
                Just("\n  - ".to_owned()),
                Just("&a [*a, *a]".to_owned()),
                Just("*a".to_owned()),
                Just("!!binary x".to_owned()),
                Just("<<: *x\n".to_owned()),
                Just("\t".to_owned()),
                Just("\"".to_owned()),
                Just("'".to_owned()),
                Just("\u{FEFF}".to_owned()),
                Just("---\n".to_owned()),
                ".{0,8}",
            ]
        )
            .prop_map(|(a, t)| Textual::Insert(a, t)),
        (0u16..10_000, 1u16..200).prop_map(|(a, l)| Textual::Delete(a, l)),
        (0u16..10_000, 1u16..200).prop_map(|(a, l)| Textual::Duplicate(a, l)),
    ]
}

fn case() -> impl Strategy<Value = Case> {
    (
        0..seeds().len(),
        prop::collection::vec(structural(), 0..6),
        any::<bool>(),
        // Most cases keep the text parseable, so the reader, resolver and emitter all see them.
        prop_oneof![
            3 => Just(Vec::new()),
            1 => prop::collection::vec(textual(), 1..4),
        ],
        any::<bool>(),
    )
        .prop_map(|(seed, structural, yaml, textual, standalone)| Case {
            seed,
            structural,
            yaml,
            textual,
            standalone,
        })
}

/// Number of shapes `deep` knows.
const DEEP_SHAPES: usize = 8;

/// A value nested `depth` levels through one of eight shapes, the schema ones ending in a string.
fn deep(depth: usize, shape: usize) -> Value {
    let mut value = json!({"type": "string"});
    for _ in 0..depth {
        value = match shape % DEEP_SHAPES {
            0 => json!({"type": "object", "properties": {"a": value}}),
            1 => json!({"type": "array", "items": value}),
            2 => json!({"allOf": [value]}),
            3 => json!({"oneOf": [value, {"type": "integer"}]}),
            4 => json!({"type": "object", "additionalProperties": value}),
            5 => json!({"not": value}),
            6 => json!([value]),
            _ => json!({"a": value}),
        };
    }
    value
}

/// Preorder JSON pointers of every node of `doc`.
fn pointers(doc: &Value) -> Vec<String> {
    fn walk(v: &Value, at: String, out: &mut Vec<String>) {
        match v {
            Value::Object(map) => {
                out.push(at.clone());
                for (k, child) in map {
                    let seg = k.replace('~', "~0").replace('/', "~1");
                    walk(child, format!("{at}/{seg}"), out);
                }
            }
            Value::Array(items) => {
                out.push(at.clone());
                for (i, child) in items.iter().enumerate() {
                    walk(child, format!("{at}/{i}"), out);
                }
            }
            _ => out.push(at),
        }
    }
    let mut out = Vec::new();
    walk(doc, String::new(), &mut out);
    out
}

/// A marker string replaced in the final text by a bare huge number (so the number reaches the
/// reader as written, not as serde_json would round it).
fn huge_marker(i: usize) -> String {
    format!("@@HUGE{i}@@")
}

fn odd_value(slot: usize) -> Value {
    match slot {
        0 => Value::Null,
        1 => json!(true),
        2 => json!(-1),
        3 => json!(0),
        4 => json!(1e300),
        5 => json!("("),
        6 => json!("[a-"),
        7 => json!("string"),
        8 => json!("nonsense"),
        9 => json!(["string", "null"]),
        10 => json!([]),
        11 => json!({}),
        12 => json!({"$ref": "#/components/schemas/Nope"}),
        13 => json!([{"type": "string"}, {"$ref": "#"}]),
        14 => Value::String(huge_marker(0)),
        _ => json!({"propertyName": "😀", "mapping": {"a": "#/x"}}),
    }
}

fn build_replacement(r: &Replacement, at: &str, all: &[String]) -> Value {
    match r {
        Replacement::Null => Value::Null,
        Replacement::Bool(b) => json!(b),
        Replacement::Huge(i) => Value::String(huge_marker(*i)),
        Replacement::Str(s) => json!(s),
        Replacement::EmptyObject => json!({}),
        Replacement::EmptyArray => json!([]),
        Replacement::DanglingRef(r) => json!({ "$ref": r }),
        Replacement::SelfRef => json!({ "$ref": format!("#{at}") }),
        Replacement::AncestorRef(n) => {
            let mut p = at;
            for _ in 0..*n {
                p = p.rsplit_once('/').map_or("", |(head, _)| head);
            }
            json!({ "$ref": format!("#{p}") })
        }
        Replacement::RefTo(i) => json!({ "$ref": format!("#{}", all[i % all.len()]) }),
        Replacement::Deep(depth, shape) => deep(*depth, *shape),
        Replacement::OddSchema(keywords) => {
            let mut map = Map::new();
            for (k, slot) in keywords {
                map.insert(KEYWORDS[*k].to_owned(), odd_value(*slot));
            }
            Value::Object(map)
        }
    }
}

fn apply_structural(doc: &mut Value, m: &Structural) {
    let all = pointers(doc);
    let pick = |n: usize| all[n % all.len()].clone();
    match m {
        Structural::Replace(n, r) => {
            let at = pick(*n);
            let new = build_replacement(r, &at, &all);
            if let Some(slot) = doc.pointer_mut(&at) {
                *slot = new;
            }
        }
        Structural::Remove(n) => {
            let at = pick(*n);
            let Some((parent, last)) = at.rsplit_once('/') else {
                return;
            };
            let key = last.replace("~1", "/").replace("~0", "~");
            match doc.pointer_mut(parent) {
                Some(Value::Object(map)) => {
                    map.remove(&key);
                }
                Some(Value::Array(items)) => {
                    if let Ok(i) = key.parse::<usize>()
                        && i < items.len()
                    {
                        items.remove(i);
                    }
                }
                _ => {}
            }
        }
        Structural::Rename(n, k, odd) => {
            let at = pick(*n);
            if let Some(Value::Object(map)) = doc.pointer_mut(&at)
                && !map.is_empty()
            {
                let key = map.keys().nth(k % map.len()).cloned().unwrap_or_default();
                if let Some(v) = map.remove(&key) {
                    map.insert(ODD_NAMES[*odd].to_owned(), v);
                }
            }
        }
        Structural::Insert(n, odd, r) => {
            let at = pick(*n);
            let key = ODD_NAMES[*odd];
            let new = build_replacement(r, &format!("{at}/{key}"), &all);
            if let Some(Value::Object(map)) = doc.pointer_mut(&at) {
                map.insert(key.to_owned(), new);
            }
        }
    }
}

/// The byte offset at `per_10k` of `len`, moved back to a char boundary of `text`.
fn offset(text: &str, per_10k: u16) -> usize {
    let mut at = text.len() * usize::from(per_10k) / 10_000;
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply_textual(text: String, m: &Textual) -> String {
    match m {
        Textual::Truncate(p) => text[..offset(&text, *p)].to_owned(),
        Textual::FlipByte(p, mask) => {
            let mut bytes = text.into_bytes();
            if bytes.is_empty() {
                return String::new();
            }
            let at = (bytes.len() * usize::from(*p) / 10_000).min(bytes.len() - 1);
            bytes[at] ^= mask;
            String::from_utf8_lossy(&bytes).into_owned()
        }
        Textual::Insert(p, s) => {
            let at = offset(&text, *p);
            format!("{}{s}{}", &text[..at], &text[at..])
        }
        Textual::Delete(p, len) => {
            let at = offset(&text, *p);
            let mut end = (at + usize::from(*len)).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            format!("{}{}", &text[..at], &text[end..])
        }
        Textual::Duplicate(p, len) => {
            let at = offset(&text, *p);
            let mut end = (at + usize::from(*len)).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            format!("{}{}", &text[..end], &text[at..])
        }
    }
}

/// The spec text of a case, and the file name it is given (`.yaml` or `.json`).
fn render(case: &Case) -> (String, String) {
    let seed = &seeds()[case.seed];
    let mut doc = seed.value.clone();
    for m in &case.structural {
        apply_structural(&mut doc, m);
    }
    let (mut text, ext) = if case.yaml {
        (
            serde_yaml::to_string(&doc).unwrap_or_else(|e| format!("{e}")),
            "yaml",
        )
    } else {
        (
            serde_json::to_string_pretty(&doc).expect("a Value serializes"),
            "json",
        )
    };
    // Splice the huge numbers in as bare literals (quoted markers in YAML and JSON alike).
    for (i, number) in HUGE_NUMBERS.iter().enumerate() {
        let marker = huge_marker(i);
        text = text
            .replace(&format!("\"{marker}\""), number)
            .replace(&format!("'{marker}'"), number)
            .replace(&marker, number);
    }
    for m in &case.textual {
        text = apply_textual(text, m);
    }
    (text, format!("{}-fuzz.{ext}", seed.name))
}

// ---------------------------------------------------------------------------------------------
// the property
// ---------------------------------------------------------------------------------------------

/// How long one generation may take before it counts as a hang. Generous: debug builds on a
/// loaded 2-core machine take up to a second on the largest seed.
const HANG_LIMIT: Duration = Duration::from_secs(60);

/// The stack a generation runs on: the 8 MiB of a main thread, which is what `build.rs` and the
/// command line get.
const STACK: usize = 8 << 20;

/// Runs the generator on `text` in its own thread, bounded by `HANG_LIMIT`, and checks the
/// outcome: no panic, and every error located. `Ok(true)` when the spec generated.
fn check_generator(file: &str, text: &str, standalone: bool) -> Result<bool, TestCaseError> {
    if let Ok(path) = std::env::var("FUZZ_LAST_INPUT") {
        // Written before the run, so an input that aborts the process is left behind.
        let _ = std::fs::write(path, text);
    }
    let (tx, rx) = std::sync::mpsc::channel();
    let (file_owned, text_owned) = (file.to_owned(), text.to_owned());
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || {
            let outcome = std::panic::catch_unwind(|| {
                Config::new()
                    .generate_from_str(&file_owned, &text_owned, standalone)
                    .map(|g| g.files.len())
            });
            let _ = tx.send(outcome);
        })
        .expect("spawn a generator thread");
    let outcome = match rx.recv_timeout(HANG_LIMIT) {
        Ok(outcome) => outcome,
        Err(_) => {
            // Kept on disk at once: shrinking a hang takes a minute per step, and the thread
            // that hangs cannot be stopped, so the run may have to be.
            static HANGS: AtomicU64 = AtomicU64::new(0);
            let n = HANGS.fetch_add(1, Ordering::Relaxed);
            let kept = std::env::temp_dir().join(format!("codeqr-fuzz-hang-{n}-{file}"));
            let saved = match std::fs::write(&kept, text) {
                Ok(()) => format!("input kept in {}", kept.display()),
                Err(e) => format!("input not kept ({}: {e})", kept.display()),
            };
            eprintln!("fuzz_generator: a hang ({} bytes); {saved}", text.len());
            return Err(TestCaseError::fail(format!(
                "generation did not finish within {HANG_LIMIT:?}; {saved}"
            )));
        }
    };
    match outcome {
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            Err(TestCaseError::fail(format!(
                "the generator panicked: {message}"
            )))
        }
        Ok(Ok(files)) => {
            prop_assert!(files > 0, "Ok with no files");
            Ok(true)
        }
        Ok(Err(d)) => {
            // The location: the file we named, and a JSON pointer ("" = the whole document,
            // which is what a syntax error is about; its line and column are in the message).
            prop_assert_eq!(&d.file, file, "error names another file: {}", d);
            prop_assert_eq!(d.severity, Severity::Error, "Err holds a warning: {}", d);
            prop_assert!(
                d.pointer.is_empty() || d.pointer.starts_with('/'),
                "error pointer is not a JSON pointer: {}",
                d
            );
            prop_assert!(
                !d.message.trim().is_empty(),
                "error without a message: {}",
                d
            );
            prop_assert!(!d.kind.is_empty(), "error without a kind: {}", d);
            // A syntax error has no pointer, so its message must carry the position (yaml_serde
            // names a byte position for some errors, e.g. control characters; the reader adds
            // the line 1, column 1 that yaml_serde leaves out). Exception: the alias expansion
            // limit ("billion laughs") is about the whole document.
            if d.pointer.is_empty() && d.kind == "unparsable-spec" {
                let positioned = d.message.contains("line")
                    || d.message.contains("position")
                    || d.message.contains("EOF");
                let document_wide = d.message.contains("repetition limit exceeded");
                prop_assert!(
                    positioned || document_wide,
                    "syntax error without a position: {}",
                    d
                );
            }
            Ok(false)
        }
    }
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

#[test]
fn generator_never_panics_on_mutated_specs() {
    // The harness builds, walks and serializes values up to ~2,000 levels deep, recursively:
    // it gets a big stack of its own (only the pages used are committed), so that only the
    // generator's 8 MiB threads are under test.
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(fuzz_generator)
        .expect("spawn the fuzzing thread")
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
}

fn fuzz_generator() {
    let cases = env_number("FUZZ_GENERATOR_CASES").unwrap_or(40) as u32;
    let deadline = env_number("FUZZ_SECONDS").map(Duration::from_secs);
    let started = Instant::now();
    let executions = AtomicU64::new(0);
    // (generated, refused): both pass; counted to show the mutations reach past the reader.
    let outcomes = std::sync::Mutex::new((0u64, 0u64));
    loop {
        let config = RunnerConfig {
            cases,
            // A fresh random seed per batch; a failure prints the shrunk case in full.
            failure_persistence: None,
            // Shrinking a hang costs the limit per step: stop after 5 minutes with what it has
            // (the original input is kept on disk, see `check_generator`).
            max_shrink_time: 300_000,
            ..RunnerConfig::default()
        };
        // FUZZ_DETERMINISTIC: the same cases on every run (CI's: CI must not fail at random;
        // finding new inputs is the long runs' job, see BENCHMARKS.md).
        let mut runner = if std::env::var_os("FUZZ_DETERMINISTIC").is_some() {
            TestRunner::new_with_rng(
                config,
                proptest::test_runner::TestRng::deterministic_rng(
                    proptest::test_runner::RngAlgorithm::ChaCha,
                ),
            )
        } else {
            TestRunner::new(config)
        };
        let result = runner.run(&case(), |case| {
            executions.fetch_add(1, Ordering::Relaxed);
            let (text, file) = render(&case);
            let generated = check_generator(&file, &text, case.standalone)?;
            let mut counts = outcomes.lock().expect("counter lock");
            if generated {
                counts.0 += 1;
            } else {
                counts.1 += 1;
            }
            Ok(())
        });
        match result {
            Ok(()) => {}
            Err(TestError::Fail(reason, case)) => {
                let (text, file) = render(&case);
                panic!("{reason}\nfile: {file}\ncase: {case:?}\ntext:\n{text}");
            }
            Err(e) => panic!("{e}"),
        }
        if deadline.is_some() {
            // Progress, so that a run cut short still tells how far it got.
            eprintln!(
                "fuzz_generator: {} executions after {:.0} s",
                executions.load(Ordering::Relaxed),
                started.elapsed().as_secs_f64()
            );
        }
        match deadline {
            Some(limit) if started.elapsed() < limit => continue,
            _ => break,
        }
    }
    let (oks, errs) = *outcomes.lock().expect("counter lock");
    let n = executions.load(Ordering::Relaxed);
    println!(
        "fuzz_generator: {n} executions (incl. shrinking) in {:.1} s: {oks} Ok, {errs} Err, 0 panics",
        started.elapsed().as_secs_f64()
    );
    // The mutations must leave a fair share of specs generating, or the resolver and emitters
    // would never see the odd names, refs and nesting.
    assert!(
        oks > 0 && errs > 0,
        "{oks} Ok, {errs} Err: mutations too weak or too strong"
    );
}

// ---------------------------------------------------------------------------------------------
// deep nesting and alias bombs, each in a child process
// ---------------------------------------------------------------------------------------------

/// The opening and closing text of one level of each nesting shape, in JSON syntax (which YAML
/// reads as flow style too).
const NESTING: &[(&str, &str, &str)] = &[
    ("properties", r#"{"type":"object","properties":{"a":"#, "}}"),
    ("items", r#"{"type":"array","items":"#, "}"),
    ("allOf", r#"{"allOf":["#, "]}"),
    ("oneOf", r#"{"oneOf":[{"type":"integer"},"#, "]}"),
    (
        "additionalProperties",
        r#"{"type":"object","additionalProperties":"#,
        "}",
    ),
    ("not", r#"{"not":"#, "}"),
    ("arrays", "[", "]"),
    (
        "anyOf-nullable",
        r#"{"nullable":true,"anyOf":[{"type":"string"},"#,
        "]}",
    ),
];

/// Depths around the readers' recursion limit (128) and far beyond it.
const DEPTHS: &[usize] = &[16, 60, 127, 128, 129, 1_000, 100_000];

/// A spec whose schema `Deep` (also a request body, so validation is emitted for it) nests
/// `depth` levels through `shape`, as YAML or JSON text. Built as text: a `serde_json::Value`
/// 100,000 levels deep would itself overflow the stack when serialized or dropped.
fn deep_spec(shape: usize, depth: usize, yaml: bool) -> String {
    let (_, open, close) = NESTING[shape];
    let mut schema = String::with_capacity(depth * (open.len() + close.len()) + 20);
    for _ in 0..depth {
        schema.push_str(open);
    }
    schema.push_str(r#"{"type":"string","maxLength":3}"#);
    for _ in 0..depth {
        schema.push_str(close);
    }
    if yaml {
        format!(
            "openapi: 3.0.3\ninfo: {{title: Deep, version: '1'}}\npaths:\n  /deep:\n    post:\n      operationId: deep\n      requestBody:\n        content:\n          application/json:\n            schema: {{$ref: '#/components/schemas/Deep'}}\n      responses: {{'204': {{description: ok}}}}\ncomponents:\n  schemas:\n    Deep: {schema}\n"
        )
    } else {
        format!(
            r##"{{"openapi":"3.0.3","info":{{"title":"Deep","version":"1"}},"paths":{{"/deep":{{"post":{{"operationId":"deep","requestBody":{{"content":{{"application/json":{{"schema":{{"$ref":"#/components/schemas/Deep"}}}}}}}},"responses":{{"204":{{"description":"ok"}}}}}}}}}},"components":{{"schemas":{{"Deep":{schema}}}}}}}"##
        )
    }
}

/// A YAML "billion laughs": ten levels of aliases, each repeating the one before ten times.
fn alias_bomb() -> String {
    let mut text = String::from(
        "openapi: 3.0.3\ninfo: {title: Bomb, version: '1'}\npaths: {}\nx-l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n",
    );
    for i in 1..10 {
        let prev = format!("*l{}", i - 1);
        let items = [prev.as_str(); 10].join(", ");
        text.push_str(&format!("x-l{i}: &l{i} [{items}]\n"));
    }
    text
}

/// Runs in the child process: every depth of one shape and syntax, deepest last, printing each
/// depth before it runs so that an abort names the depth that caused it.
fn deep_nesting_child(spec: &str) {
    let (shape, syntax) = spec
        .split_once(',')
        .expect("DEEP_NESTING_CHILD=shape,syntax");
    if shape == "alias-bomb" {
        println!("running alias bomb");
        let outcome = check_generator("bomb.yaml", &alias_bomb(), true);
        assert!(outcome.is_ok(), "{outcome:?}");
        return;
    }
    let shape: usize = shape.parse().expect("shape index");
    let yaml = syntax == "yaml";
    for &depth in DEPTHS {
        println!("running {} depth {depth} {syntax}", NESTING[shape].0);
        let text = deep_spec(shape, depth, yaml);
        let file = format!("deep.{syntax}");
        match check_generator(&file, &text, true) {
            Ok(generated) => println!("  -> {}", if generated { "generated" } else { "refused" }),
            Err(e) => panic!("{} depth {depth} {syntax}: {e}", NESTING[shape].0),
        }
    }
}

/// Deeply nested specs are either generated or refused with a located error, and never overflow
/// the stack (which aborts the process instead of panicking, so each shape runs in a child
/// process: this same test binary, re-run with `DEEP_NESTING_CHILD` set).
#[test]
fn deep_nesting_never_overflows_the_stack() {
    if let Ok(spec) = std::env::var("DEEP_NESTING_CHILD") {
        deep_nesting_child(&spec);
        return;
    }
    let exe = std::env::current_exe().expect("the test binary");
    let mut jobs: Vec<String> = (0..NESTING.len())
        .flat_map(|s| [format!("{s},yaml"), format!("{s},json")])
        .collect();
    jobs.push("alias-bomb,yaml".to_owned());
    let mut failures = Vec::new();
    for job in jobs {
        let out = std::process::Command::new(&exe)
            .args([
                "--exact",
                "deep_nesting_never_overflows_the_stack",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("DEEP_NESTING_CHILD", &job)
            .output()
            .expect("run the child");
        if !out.status.success() {
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            let last = stdout
                .lines()
                .rfind(|l| l.starts_with("running"))
                .unwrap_or("?");
            failures.push(format!(
                "{job}: {} while {last}\n{}",
                out.status,
                stderr.lines().take(5).collect::<Vec<_>>().join("\n")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

// ---------------------------------------------------------------------------------------------
// one bad node
// ---------------------------------------------------------------------------------------------

/// What one node of a valid description is made into.
#[derive(Debug, Clone, Copy)]
enum BadNode {
    /// Left out: a required field missing, when it was one.
    Deleted,
    Null,
    Number,
    List,
    Text,
}

/// A defect confined to one node is a warning and a degraded node, never a refused document:
/// for every seed, any one node (but the `openapi` version, without which the text is not an
/// OpenAPI description) deleted, or replaced by `null`, a number, a list or a string, still
/// generates. `FUZZ_BAD_NODE_CASES` sets the count (default 64; `.ci/run` runs more).
#[test]
fn one_bad_node_never_refuses_the_document() {
    let cases = env_number("FUZZ_BAD_NODE_CASES").unwrap_or(64) as u32;
    let config = RunnerConfig {
        cases,
        failure_persistence: None,
        ..RunnerConfig::default()
    };
    // As above: CI's run is the same cases every time.
    let mut runner = if std::env::var_os("FUZZ_DETERMINISTIC").is_some() {
        TestRunner::new_with_rng(
            config,
            proptest::test_runner::TestRng::deterministic_rng(
                proptest::test_runner::RngAlgorithm::ChaCha,
            ),
        )
    } else {
        TestRunner::new(config)
    };
    let kinds = prop_oneof![
        Just(BadNode::Deleted),
        Just(BadNode::Null),
        Just(BadNode::Number),
        Just(BadNode::List),
        Just(BadNode::Text),
    ];
    let warned = AtomicU64::new(0);
    let result = runner.run(
        &(0..seeds().len(), any::<prop::sample::Index>(), kinds),
        |(seed, node, bad)| {
            let seed = &seeds()[seed];
            let mut doc = seed.value.clone();
            let all: Vec<String> = pointers(&doc)
                .into_iter()
                .filter(|p| !p.is_empty() && p != "/openapi")
                .collect();
            let at = node.get(&all).clone();
            let (parent_at, key) = at.rsplit_once('/').expect("a pointer below the root");
            let replacement = match bad {
                BadNode::Deleted => None,
                BadNode::Null => Some(Value::Null),
                BadNode::Number => Some(json!(7)),
                BadNode::List => Some(json!([1, "a"])),
                BadNode::Text => Some(json!("x")),
            };
            match (doc.pointer_mut(parent_at), replacement) {
                (Some(Value::Object(map)), None) => {
                    let key = key.replace("~1", "/").replace("~0", "~");
                    map.shift_remove(&key);
                }
                (Some(Value::Array(items)), None) => {
                    items.remove(key.parse::<usize>().expect("an index"));
                }
                (_, Some(value)) => *doc.pointer_mut(&at).expect("the node") = value,
                (_, None) => unreachable!("a parent is an object or a list"),
            }
            let text = serde_json::to_string(&doc).expect("serializes");
            let file = format!("{}-bad-node.json", seed.name);
            match Config::new().generate_from_str(&file, &text, false) {
                Ok(generated) => {
                    if !generated.warnings.is_empty() {
                        warned.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(())
                }
                Err(e) => Err(TestCaseError::fail(format!(
                    "{bad:?} at {}#{at} refused the document: {e}",
                    seed.name
                ))),
            }
        },
    );
    if let Err(TestError::Fail(why, case)) = result {
        panic!("{why}: {case:?}");
    }
    eprintln!(
        "one bad node: {cases} cases, {} with warnings",
        warned.load(Ordering::Relaxed)
    );
}

// ---------------------------------------------------------------------------------------------
// what it generates compiles
// ---------------------------------------------------------------------------------------------

/// The generator's output for mutated specs compiles, clippy-clean: a crate with an error or a
/// warning is a finding like a panic. `FUZZ_COMPILE_CASES` crates (`.ci/run` builds 40; unset,
/// the test says it did not run) are drawn with a fixed seed from the mutations above and from
/// one-bad-node mutants, written as standalone crates into one scratch workspace
/// (`target/fuzz-compile`, each with the spec it came from) and checked by one `cargo clippy`,
/// sharing the corpus suite's target directory so that dependencies compile once.
#[test]
fn mutated_specs_generate_crates_that_compile() {
    let Some(wanted) = env_number("FUZZ_COMPILE_CASES").map(|n| n as usize) else {
        eprintln!("mutated_specs_generate_crates_that_compile: set FUZZ_COMPILE_CASES to run it");
        return;
    };
    // The generator recurses deeply on the deepest mutations: a thread with a big stack.
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || compile_fuzzed(wanted))
        .expect("spawn")
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
}

fn compile_fuzzed(wanted: usize) {
    use proptest::strategy::ValueTree;
    let root = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let scratch = root.join("target/fuzz-compile");
    let _ = std::fs::remove_dir_all(&scratch);
    let mut runner = TestRunner::new_with_rng(
        RunnerConfig::default(),
        proptest::test_runner::TestRng::deterministic_rng(
            proptest::test_runner::RngAlgorithm::ChaCha,
        ),
    );
    let mut members = Vec::new();
    let mut tried = 0;
    while members.len() < wanted && tried < wanted * 50 {
        tried += 1;
        // Every other crate from a one-bad-node mutant (always generates), the rest from the
        // structural and textual mutations (kept when they generate).
        let (file, text) = if tried % 2 == 0 {
            let seed = &seeds()[tried / 2 % seeds().len()];
            let mut doc = seed.value.clone();
            let all: Vec<String> = pointers(&doc)
                .into_iter()
                .filter(|p| !p.is_empty() && p != "/openapi")
                .collect();
            let at = &all[(tried * 7919) % all.len()];
            if let Some(node) = doc.pointer_mut(at) {
                *node = [Value::Null, json!(7), json!([1, "a"]), json!("x")][tried % 4].clone();
            }
            let text = serde_json::to_string(&doc).expect("serializes");
            (format!("{}-bad-node.json", seed.name), text)
        } else {
            let case = case().new_tree(&mut runner).expect("a case").current();
            render(&case)
        };
        let name = format!("fuzz_case_{}", members.len());
        let Ok(generated) = Config::new()
            .crate_name(name.clone())
            .generate_from_str(&file, &text, true)
        else {
            continue;
        };
        let dir = scratch.join("crates").join(&name);
        codeqr_codegen::write_files(&dir, &generated.files).expect("writes the crate");
        let manifest = dir.join("Cargo.toml");
        let toml = std::fs::read_to_string(&manifest).expect("a manifest");
        std::fs::write(&manifest, toml.replace("\n[workspace]\n", "\n")).expect("writes");
        std::fs::write(dir.join(file), &text).expect("keeps the spec");
        members.push(name);
    }
    let list: String = members
        .iter()
        .map(|m| format!("    \"crates/{m}\",\n"))
        .collect();
    std::fs::write(
        scratch.join("Cargo.toml"),
        format!("[workspace]\nresolver = \"3\"\nmembers = [\n{list}]\n"),
    )
    .expect("writes the workspace");
    std::fs::copy(root.join("Cargo.lock"), scratch.join("Cargo.lock")).expect("copies the lock");
    let output =
        std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args([
                "clippy",
                "--workspace",
                "--keep-going",
                "--lib",
                // `other-schemas`, off by default, included.
                "--all-features",
                "--message-format",
                "short",
            ])
            .current_dir(&scratch)
            .env("CARGO_TARGET_DIR", root.join("target/corpus/target"))
            .env("CARGO_INCREMENTAL", "0")
            .env_remove("RUSTFLAGS")
            .output()
            .expect("runs cargo clippy");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let findings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("crates/") && (l.contains(": error") || l.contains(": warning")))
        .collect();
    eprintln!(
        "mutated specs: {} crates from {tried} tries, {} findings, in {}",
        members.len(),
        findings.len(),
        scratch.display()
    );
    assert!(
        output.status.success() && findings.is_empty(),
        "generated crates that do not compile clean (each crate keeps its spec):\n{}\n{}",
        findings.join("\n"),
        stderr.lines().rev().take(5).collect::<Vec<_>>().join("\n")
    );
}
