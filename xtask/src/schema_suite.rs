//! `cargo xtask schema-suite`: the generated SDK judged by the official JSON Schema Test Suite.
//!
//! The suite ships in the PyPI source distribution of `jsonschema` ([`SDIST`]); it is fetched with
//! pip into the scratch directory at run time, never committed. For each judged draft (Draft 4,
//! which OpenAPI 3.0's Schema Object extends, and 2020-12, OpenAPI 3.1's dialect), every test
//! group whose schema uses only keywords OpenAPI has ([`applicable`]) becomes the request body of
//! one operation of one generated spec; the spec is generated into a crate, and a harness crate
//! beside it (one build per draft) asks the SDK for its verdict on every instance: the JSON text
//! decodes into the operation's body type and the call passes `validate()` (the call goes to a
//! closed loopback port, so "accepted" is a transport error, "refused" a validation error).
//!
//! A *case* is one instance of one test group (the suite's "test"), judged against the suite's
//! `valid`. Disagreements that are design choices are listed in [`KNOWN`] with their reason; any
//! other disagreement fails the command. The report, `SCHEMA-SUITE.md`, counts per draft and per
//! keyword (the suite's file), lists every listed disagreement and every reason a group was not
//! applicable, and ends with one `N/M applicable cases agree (draft)` line per draft.
//!
//! Scratch space: `target/schema-suite/` (the sdist and its unpacked tree, `<draft>/` with the
//! spec, the SDK crate, the harness crate and the cases file, and `target/` shared by both
//! drafts' builds).

use crate::check::strip_workspace_table;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

/// The PyPI distribution that carries the suite, pinned.
const SDIST: &str = "jsonschema==4.26.0";
/// The directory the sdist unpacks to.
const SDIST_DIR: &str = "jsonschema-4.26.0";

/// Options of `cargo xtask schema-suite`.
#[derive(Debug, clap::Args)]
pub(crate) struct Options {
    /// The suite's `tests` directory (holding `draft4/`, `draft2020-12/`) [default: fetched with
    /// pip into the scratch directory].
    #[arg(long)]
    suite: Option<PathBuf>,
    /// Scratch directory.
    #[arg(long, default_value = "target/schema-suite")]
    work: PathBuf,
    /// Where to write the report.
    #[arg(long, default_value = "SCHEMA-SUITE.md")]
    out: PathBuf,
    /// Exit 0 even on unlisted disagreements.
    #[arg(long)]
    report_only: bool,
}

/// A judged draft: the suite's directory name and the OpenAPI version whose dialect it is.
struct Draft {
    dir: &'static str,
    title: &'static str,
    openapi: &'static str,
    /// OpenAPI 3.0 (Draft 4 based): one `type` (plus `nullable`), no `const`, no `prefixItems`,
    /// no boolean schemas.
    v30: bool,
}

const DRAFTS: &[Draft] = &[
    Draft {
        dir: "draft4",
        title: "Draft 4 (OpenAPI 3.0.3)",
        openapi: "3.0.3",
        v30: true,
    },
    Draft {
        dir: "draft2020-12",
        title: "Draft 2020-12 (OpenAPI 3.1.0)",
        openapi: "3.1.0",
        v30: false,
    },
];

/// The keywords judged: those OpenAPI's Schema Object has for validation (the issue's list).
const KEYWORDS: &[&str] = &[
    "type",
    "enum",
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "required",
    "properties",
    "additionalProperties",
    "items",
    "allOf",
    "anyOf",
    "oneOf",
    "format",
];
/// Judged in 2020-12 only (OpenAPI 3.1).
const KEYWORDS_31: &[&str] = &["const", "prefixItems"];
/// Annotations: they constrain nothing, so they never make a group inapplicable.
const ANNOTATIONS: &[&str] = &[
    "description",
    "title",
    "default",
    "$comment",
    "examples",
    "deprecated",
];
/// Why a listed disagreement is allowed to stand.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A design choice of the SDK, with its reason (README, "Validation and JSON Schema").
    Design,
    /// Not enforced yet: a known gap, counted apart from the design choices and to be fixed.
    #[allow(dead_code)] // none today; the report keeps the column for the next one found
    Gap,
}

/// A listed disagreement: which cases (the suite's file stem, the group's description, the
/// test's description; `*` matches any run of characters), in either draft, and why. An entry
/// that matches no disagreement fails the command: it would hide a regression.
struct Known {
    file: &'static str,
    group: &'static str,
    test: &'static str,
    kind: Kind,
    reason: &'static str,
}

const fn design(
    file: &'static str,
    group: &'static str,
    test: &'static str,
    reason: &'static str,
) -> Known {
    Known {
        file,
        group,
        test,
        kind: Kind::Design,
        reason,
    }
}

const TYPE_IMPLIED: &str = "a schema without `type` whose keywords speak of one JSON type \
    (`properties`, `required`, `items`, `prefixItems`) is generated as that type (a struct, a \
    list), as API descriptions mean it; a value of another type cannot be held, so it is refused";
const ONE_OF: &str = "a `oneOf` of variants of different types or shapes decodes as the first \
    variant that fits, without checking that no other fits (README, \"Validation judged by JSON \
    Schema\"): APIs' `oneOf`s often overlap where `anyOf` was meant, and refusing a request the \
    server would take is worse than sending one it refuses. Branches that only constrain one \
    type are counted exactly, except identical ones (`true`, `true`), read as `anyOf`: they \
    differ only in what the SDK cannot see";
const TUPLE_LENGTH: &str = "a closed tuple (`prefixItems` with `items: false`) is a Rust tuple \
    of its length, as API descriptions mean it (a pair, a coordinate); a shorter array cannot \
    be held, so it is refused";
const REQUIRED_NULL: &str = "a required property that may be `null` decodes from a missing key \
    as `null` (servers often leave nulls out), and the SDK always sends it, so the request it \
    would send is valid";

/// Listed disagreements.
const KNOWN: &[Known] = &[
    design("properties", "*", "ignores *", TYPE_IMPLIED),
    design("required", "required validation", "ignores *", TYPE_IMPLIED),
    design("items", "a schema given for items", "*", TYPE_IMPLIED),
    design(
        "prefixItems",
        "a schema given for prefixItems",
        "JavaScript pseudo-array is valid",
        TYPE_IMPLIED,
    ),
    design(
        "additionalProperties",
        "additionalProperties does not look in applicators",
        "*",
        "`allOf` parts are merged into one struct, and `additionalProperties` then speaks of \
         the properties none of the parts names (what API descriptions mean by it), not of \
         every property the schema's own `properties` leaves out",
    ),
    design(
        "type",
        "integer type matches integers",
        "a float with zero fractional part is an integer",
        "`type: integer` is a Rust integer, and `1.0` is not decoded into one (serde_json \
         reads it as a float); integers are sent without a fraction",
    ),
    design("oneOf", "*", "both*valid*", ONE_OF),
    design("oneOf", "oneOf with boolean schemas, *", "*", ONE_OF),
    design(
        "items",
        "prefixItems with no additional items allowed",
        "*",
        TUPLE_LENGTH,
    ),
    design(
        "allOf",
        "allOf with base schema",
        "mismatch second allOf",
        REQUIRED_NULL,
    ),
];

/// Tests that judge a configuration other than the one judged here: 2020-12's `format.json`
/// checks that `format` is only an annotation when the format-assertion vocabulary is off, while
/// `optional/format/*.json` (judged) checks the same strings with assertion on; the suite runs
/// one set or the other, never both.
fn test_not_applicable(description: &str) -> Option<&'static str> {
    description
        .contains("only an annotation by default")
        .then_some(
            "judges `format` as an annotation only; the SDK asserts the formats it checks, as \
         `optional/format` (judged) expects",
        )
}

/// One test group of the suite.
struct Group {
    /// The file's stem (`minLength`, or `format: email` for `optional/format/email.json`).
    keyword: String,
    description: String,
    schema: Value,
    tests: Vec<Test>,
}

struct Test {
    description: String,
    data: Value,
    valid: bool,
}

/// What became of one group.
enum Fate {
    /// Not expressible as a request body with the judged keywords.
    NotApplicable(String),
    /// The operation `case<N>` of the draft's spec.
    Judged(usize),
}

/// Generator warnings, by the number of the operation (case group) they are about.
type Warnings = BTreeMap<usize, Vec<String>>;

/// One judged case's outcome.
struct Outcome {
    group: usize,
    test: usize,
    /// The SDK accepted it.
    accepted: bool,
    /// Why it was refused (decode or validation error).
    why: String,
}

/// Runs the suite and returns the process's exit code.
pub(crate) fn run(options: &Options) -> ExitCode {
    crate::exit_code("schema-suite", try_run(options), options.report_only)
}

fn try_run(options: &Options) -> Result<bool, String> {
    let started = Instant::now();
    let work = crate::work_dir(&options.work)?;
    let suite = match &options.suite {
        Some(dir) => dir.clone(),
        None => fetch_suite(&work)?,
    };
    let mut report = Report::default();
    for draft in DRAFTS {
        let groups = load_draft(&suite, draft)?;
        let fates: Vec<Fate> = {
            let mut next = 0;
            groups
                .iter()
                .map(|g| match applicable(&g.schema, draft, true) {
                    Err(reason) => Fate::NotApplicable(reason),
                    Ok(()) => {
                        next += 1;
                        Fate::Judged(next - 1)
                    }
                })
                .collect()
        };
        let dir = work.join(draft.dir);
        let (outcomes, warnings) = judge(draft, &groups, &fates, &dir, &work.join("target"))?;
        report.drafts.push(DraftResult {
            draft,
            groups,
            fates,
            outcomes,
            warnings,
        });
    }
    let text = report.render(started.elapsed().as_secs());
    std::fs::write(&options.out, &text).map_err(|e| format!("{}: {e}", options.out.display()))?;
    let unlisted = report.unlisted();
    for line in text
        .lines()
        .rev()
        .take(DRAFTS.len())
        .collect::<Vec<_>>()
        .iter()
        .rev()
    {
        println!("{line}");
    }
    println!("report: {}", options.out.display());
    if unlisted > 0 {
        eprintln!(
            "schema-suite: {unlisted} disagreement(s) not listed as design choices (see the report)"
        );
    }
    let unused = report.unused_entries();
    for k in &unused {
        eprintln!(
            "schema-suite: the listed disagreement {} / {} / {} matches none: remove it from KNOWN",
            k.file, k.group, k.test
        );
    }
    println!("schema-suite: {} s", started.elapsed().as_secs());
    Ok(unlisted == 0 && unused.is_empty())
}

/// Downloads the sdist with pip (unless it is there) and unpacks its `json/tests`.
fn fetch_suite(work: &Path) -> Result<PathBuf, String> {
    let tests = work.join(SDIST_DIR).join("json").join("tests");
    if tests.is_dir() {
        return Ok(tests);
    }
    let archive = work.join(format!("{SDIST_DIR}.tar.gz"));
    if !archive.is_file() {
        let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
        crate::run_command(
            Command::new(python)
                .args([
                    "-m",
                    "pip",
                    "download",
                    "--quiet",
                    "--no-deps",
                    "--no-binary",
                    ":all:",
                ])
                .arg(SDIST)
                .arg("-d")
                .arg(work),
            "pip download",
        )?;
    }
    crate::run_command(
        Command::new("tar")
            .arg("xzf")
            .arg(&archive)
            .arg("-C")
            .arg(work),
        "tar",
    )?;
    if tests.is_dir() {
        Ok(tests)
    } else {
        Err(format!("{} has no json/tests", archive.display()))
    }
}

/// Reads a draft's keyword files and its `optional/format` files, sorted by file name.
fn load_draft(suite: &Path, draft: &Draft) -> Result<Vec<Group>, String> {
    let mut files = Vec::new();
    for (sub, prefix) in [("", ""), ("optional/format", "format: ")] {
        let dir = suite.join(draft.dir).join(sub);
        let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "json") {
                let stem = path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                files.push((format!("{prefix}{stem}"), path));
            }
        }
    }
    files.sort();
    let mut groups = Vec::new();
    for (keyword, path) in files {
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let value: Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        for group in value.as_array().into_iter().flatten() {
            let tests = group["tests"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|t| Test {
                    description: t["description"].as_str().unwrap_or_default().to_owned(),
                    data: t["data"].clone(),
                    valid: t["valid"].as_bool().unwrap_or_default(),
                })
                .collect();
            groups.push(Group {
                keyword: keyword.clone(),
                description: group["description"].as_str().unwrap_or_default().to_owned(),
                schema: group["schema"].clone(),
                tests,
            });
        }
    }
    Ok(groups)
}

/// Whether `schema` can be a request body of an OpenAPI document of `draft`'s version using only
/// the judged keywords; the reason when not.
fn applicable(schema: &Value, draft: &Draft, root: bool) -> Result<(), String> {
    let map = match schema {
        Value::Bool(_) if draft.v30 => {
            return Err("a boolean schema: OpenAPI 3.0 has none".to_owned());
        }
        Value::Bool(_) => return Ok(()),
        Value::Object(map) => map,
        _ => return Err("the schema is not an object".to_owned()),
    };
    for (key, value) in map {
        let key = key.as_str();
        if ANNOTATIONS.contains(&key) || (root && key == "$schema") {
            continue;
        }
        let judged = KEYWORDS.contains(&key) || (!draft.v30 && KEYWORDS_31.contains(&key));
        if !judged {
            return Err(format!("uses `{key}`, outside the keywords judged"));
        }
        match key {
            "type" if draft.v30 => match value {
                Value::String(t) if t == "null" => {
                    return Err("`type: null`: OpenAPI 3.0 has no null type".to_owned());
                }
                Value::Array(types) => {
                    let others = types.iter().filter(|t| *t != "null").count();
                    if others != 1 || types.len() != 2 {
                        return Err(
                            "`type` lists several types: OpenAPI 3.0 allows one (with `nullable`)"
                                .to_owned(),
                        );
                    }
                }
                _ => {}
            },
            "format" => {
                let name = value.as_str().unwrap_or_default();
                if !codeqr_codegen::model::CHECKED_FORMATS.contains(&name) {
                    return Err(format!("format `{name}`, which the SDK does not check"));
                }
            }
            "properties" => {
                for sub in value.as_object().into_iter().flat_map(|m| m.values()) {
                    applicable(sub, draft, false)?;
                }
            }
            "items" if draft.v30 && value.is_array() => {
                return Err("`items` as a list: OpenAPI 3.0 allows one schema".to_owned());
            }
            "items" | "additionalProperties" if value.is_object() => {
                applicable(value, draft, false)?;
            }
            "allOf" | "anyOf" | "oneOf" | "prefixItems" => {
                for sub in value.as_array().into_iter().flatten() {
                    applicable(sub, draft, false)?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// The schema as the draft's OpenAPI version writes it: `$schema` dropped; for 3.0, a
/// `[T, "null"]` type becomes `type: T, nullable: true`.
fn to_openapi(schema: &Value, draft: &Draft) -> Value {
    let Value::Object(map) = schema else {
        return schema.clone();
    };
    let mut out = Map::new();
    for (key, value) in map {
        let converted = match key.as_str() {
            "$schema" => continue,
            "type" if draft.v30 && value.is_array() => {
                let t = value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|t| *t != "null")
                    .cloned()
                    .unwrap_or(Value::Null);
                out.insert("nullable".to_owned(), Value::Bool(true));
                t
            }
            "properties" => Value::Object(
                value
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| (k.clone(), to_openapi(v, draft)))
                    .collect(),
            ),
            "items" | "additionalProperties" => to_openapi(value, draft),
            "allOf" | "anyOf" | "oneOf" | "prefixItems" => Value::Array(
                value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|v| to_openapi(v, draft))
                    .collect(),
            ),
            _ => value.clone(),
        };
        out.insert(key.clone(), converted);
    }
    Value::Object(out)
}

/// The spec: one `POST /case/<N>` (operation `case<N>`, tag `suite`) per judged group, its body
/// the group's schema under `components/schemas/Case<N>`.
fn spec(draft: &Draft, groups: &[Group], fates: &[Fate]) -> Value {
    let mut paths = Map::new();
    let mut schemas = Map::new();
    for (group, fate) in groups.iter().zip(fates) {
        let Fate::Judged(n) = fate else { continue };
        schemas.insert(format!("Case{n}"), to_openapi(&group.schema, draft));
        paths.insert(
            format!("/case/{n}"),
            json!({ "post": {
                "operationId": format!("case{n}"),
                "tags": ["suite"],
                "summary": format!("{}: {}", group.keyword, group.description),
                "requestBody": { "required": true, "content": { "application/json": {
                    "schema": { "$ref": format!("#/components/schemas/Case{n}") } } } },
                "responses": { "204": { "description": "accepted" } }
            }}),
        );
    }
    json!({
        "openapi": draft.openapi,
        "info": { "title": format!("JSON Schema Test Suite, {}", draft.dir), "version": "1" },
        "paths": paths,
        "components": { "schemas": schemas },
    })
}

/// Generates the draft's SDK and harness, runs every case through it, and returns the outcomes
/// and the generator's warnings by operation number.
fn judge(
    draft: &Draft,
    groups: &[Group],
    fates: &[Fate],
    dir: &Path,
    target: &Path,
) -> Result<(Vec<Outcome>, Warnings), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let spec_path = dir.join("spec.json");
    let spec_text = serde_json::to_string_pretty(&spec(draft, groups, fates))
        .map_err(|e| format!("spec: {e}"))?;
    std::fs::write(&spec_path, spec_text).map_err(|e| format!("{}: {e}", spec_path.display()))?;

    let crate_name = format!("suite_{}", draft.dir.replace('-', "_"));
    let mut config = codeqr_codegen::Config::new();
    config.crate_name(crate_name.clone());
    let mut generated = config
        .generate_crate(&spec_path)
        .map_err(|e| format!("generating {}: {e}", spec_path.display()))?;
    let mut warnings = Warnings::new();
    for w in &generated.warnings {
        let n = w
            .pointer
            .strip_prefix("/components/schemas/Case")
            .or_else(|| w.pointer.strip_prefix("/paths/~1case~1"))
            .and_then(|rest| rest.split(['/', '~']).next())
            .and_then(|n| n.parse().ok());
        if let Some(n) = n {
            warnings
                .entry(n)
                .or_default()
                .push(format!("{}: {}", w.kind, w.message));
        }
    }
    if let Some(manifest) = generated.files.get_mut("Cargo.toml") {
        *manifest = strip_workspace_table(manifest);
    }
    codeqr_codegen::write_files(&dir.join("sdk"), &generated.files)?;

    let judged: Vec<usize> = fates
        .iter()
        .filter_map(|f| match f {
            Fate::Judged(n) => Some(*n),
            Fate::NotApplicable(_) => None,
        })
        .collect();
    write_harness(dir, &crate_name, judged.len())?;

    // The cases: one line per instance, `<operation> <JSON text>`.
    let mut cases = String::new();
    let mut index = Vec::new();
    for (g, (group, fate)) in groups.iter().zip(fates).enumerate() {
        let Fate::Judged(n) = fate else { continue };
        for (t, test) in group.tests.iter().enumerate() {
            if test_not_applicable(&test.description).is_some() {
                continue;
            }
            let _ = writeln!(cases, "{n} {}", test.data);
            index.push((g, t));
        }
    }
    let cases_path = dir.join("cases.txt");
    std::fs::write(&cases_path, cases).map_err(|e| format!("{}: {e}", cases_path.display()))?;

    eprintln!(
        "schema-suite: {}: {} operations, {} cases; building the harness",
        draft.dir,
        judged.len(),
        index.len()
    );
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    // The generated crate must be clippy-clean, as every generated crate must.
    crate::run_command(
        Command::new(&cargo)
            .args(["clippy", "--quiet", "-p", &crate_name, "--manifest-path"])
            .arg(dir.join("Cargo.toml"))
            .args(["--", "-D", "warnings"])
            .env("CARGO_TARGET_DIR", target),
        &format!("clippy on the {} SDK", draft.dir),
    )?;
    let output = Command::new(&cargo)
        .args(["run", "--quiet", "-p", "harness", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .arg("--")
        .arg(&cases_path)
        .env("CARGO_TARGET_DIR", target)
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("cargo run: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "the {} harness failed: {}",
            draft.dir, output.status
        ));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let verdicts: Vec<&str> = stdout.lines().collect();
    if verdicts.len() != index.len() {
        return Err(format!(
            "the {} harness answered {} verdicts for {} cases",
            draft.dir,
            verdicts.len(),
            index.len()
        ));
    }
    let outcomes = index
        .into_iter()
        .zip(verdicts)
        .map(|((group, test), verdict)| Outcome {
            group,
            test,
            accepted: verdict == "accept",
            why: verdict
                .strip_prefix("reject ")
                .unwrap_or(verdict)
                .to_owned(),
        })
        .collect();
    Ok((outcomes, warnings))
}

/// The harness: a workspace of the SDK and a binary that reads `cases.txt` and prints one verdict
/// per line (`accept`, or `reject <why>`). The body type of each operation is inferred from the
/// operation's signature, so the harness does not depend on the names the generator chose.
fn write_harness(dir: &Path, sdk: &str, operations: usize) -> Result<(), String> {
    let write = |path: PathBuf, text: String| {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))
    };
    write(
        dir.join("Cargo.toml"),
        "# Written by `cargo xtask schema-suite`.\n[workspace]\nresolver = \"3\"\nmembers = [\"sdk\", \"harness\"]\n".to_owned(),
    )?;
    write(
        dir.join("harness/Cargo.toml"),
        format!(
            "[package]\nname = \"harness\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\nsdk = {{ package = \"{sdk}\", path = \"../sdk\" }}\n\
             serde = \"1\"\nserde_json = \"1\"\ntokio = {{ version = \"1\", features = [\"rt\", \"macros\"] }}\n"
        ),
    )?;
    let mut arms = String::new();
    for n in 0..operations {
        let _ = writeln!(
            arms,
            "        {n} => judge(text, |b| api.case{n}(b)).await,"
        );
    }
    write(
        dir.join("harness/src/main.rs"),
        format!(
            r#"//! Written by `cargo xtask schema-suite`: the SDK's verdict on each case of `cases.txt`.

use serde::de::DeserializeOwned;
use std::io::Write;

/// Decodes the body, then sends it: a validation error is a refusal; anything else (the port is
/// closed) means the SDK let the request go.
async fn judge<B: DeserializeOwned>(
    text: &str,
    call: impl FnOnce(B) -> sdk::Call<()>,
) -> Result<(), String> {{
    let body: B = serde_json::from_str(text).map_err(|e| format!("decode: {{e}}"))?;
    match call(body).max_retries(0).await {{
        Err(sdk::Error::Validation(e)) => Err(format!("validate: {{e}}")),
        _ => Ok(()),
    }}
}}

async fn case(client: &sdk::Client, n: usize, text: &str) -> Result<(), String> {{
    let api = client.suite();
    match n {{
{arms}        _ => Err(format!("no operation {{n}}")),
    }}
}}

#[tokio::main(flavor = "current_thread")]
async fn main() {{
    let path = std::env::args().nth(1).expect("the cases file");
    let cases = std::fs::read_to_string(path).expect("readable cases");
    let client = sdk::Client::builder()
        .base_url("http://127.0.0.1:9")
        .max_retries(0)
        .build()
        .expect("a client");
    let mut out = std::io::stdout().lock();
    for line in cases.lines() {{
        let (n, text) = line.split_once(' ').expect("<operation> <json>");
        let verdict = match case(&client, n.parse().expect("a number"), text).await {{
            Ok(()) => "accept".to_owned(),
            Err(why) => format!("reject {{}}", why.replace('\n', " ")),
        }};
        writeln!(out, "{{verdict}}").expect("stdout");
    }}
}}
"#
        ),
    )
}

#[derive(Default)]
struct Report<'a> {
    drafts: Vec<DraftResult<'a>>,
}

struct DraftResult<'a> {
    draft: &'a Draft,
    groups: Vec<Group>,
    fates: Vec<Fate>,
    outcomes: Vec<Outcome>,
    warnings: Warnings,
}

/// Per keyword (file) counts.
#[derive(Default)]
struct Counts {
    groups: usize,
    cases: usize,
    applicable: usize,
    agree: usize,
    /// Listed as design choices.
    listed: usize,
    /// Listed as known gaps.
    gaps: usize,
    unlisted: usize,
}

/// `text` matches `pattern`, where each `*` stands for any run of characters.
fn matches(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

impl DraftResult<'_> {
    fn known(&self, outcome: &Outcome) -> Option<&'static Known> {
        let group = &self.groups[outcome.group];
        let test = &group.tests[outcome.test];
        KNOWN.iter().find(|k| {
            matches(k.file, &group.keyword)
                && matches(k.group, &group.description)
                && matches(k.test, &test.description)
        })
    }

    fn agrees(&self, outcome: &Outcome) -> bool {
        outcome.accepted == self.groups[outcome.group].tests[outcome.test].valid
    }
}

impl Report<'_> {
    fn unlisted(&self) -> usize {
        self.drafts
            .iter()
            .map(|d| {
                d.outcomes
                    .iter()
                    .filter(|o| !d.agrees(o) && d.known(o).is_none())
                    .count()
            })
            .sum()
    }

    /// Listed entries that match no disagreement in any draft: stale, and they would hide a
    /// regression in what they name.
    fn unused_entries(&self) -> Vec<&'static Known> {
        KNOWN
            .iter()
            .filter(|k| {
                !self.drafts.iter().any(|d| {
                    d.outcomes.iter().any(|o| {
                        !d.agrees(o) && d.known(o).is_some_and(|found| std::ptr::eq(found, *k))
                    })
                })
            })
            .collect()
    }

    fn render(&self, seconds: u64) -> String {
        let mut md = String::new();
        let _ = writeln!(
            md,
            "# The JSON Schema Test Suite\n\n\
             Written by `cargo xtask schema-suite` ({seconds} s). The official suite \
             (json-schema-org/JSON-Schema-Test-Suite, from the PyPI sdist `{SDIST}`) judges the \
             generated SDK: each test group whose schema uses only keywords OpenAPI has becomes \
             a request body, and each of its instances (a *case*) must be accepted by the SDK \
             (it decodes into the body type and passes `validate()`) exactly when the suite says \
             it is valid. Disagreements that are design choices are listed with their reason; \
             any other fails the command.\n"
        );
        let mut last_lines = Vec::new();
        for d in &self.drafts {
            let mut by_keyword: BTreeMap<&str, Counts> = BTreeMap::new();
            let mut not_applicable: BTreeMap<&str, Vec<String>> = BTreeMap::new();
            for (group, fate) in d.groups.iter().zip(&d.fates) {
                let counts = by_keyword.entry(&group.keyword).or_default();
                counts.groups += 1;
                counts.cases += group.tests.len();
                match fate {
                    Fate::NotApplicable(reason) => {
                        not_applicable.entry(reason).or_default().push(format!(
                            "{}: {} ({} cases)",
                            group.keyword,
                            group.description,
                            group.tests.len()
                        ));
                    }
                    Fate::Judged(_) => {
                        for test in &group.tests {
                            if let Some(reason) = test_not_applicable(&test.description) {
                                not_applicable.entry(reason).or_default().push(format!(
                                    "{}: {} / {} (1 case)",
                                    group.keyword, group.description, test.description
                                ));
                            }
                        }
                    }
                }
            }
            let mut listed = Vec::new();
            let mut gaps = Vec::new();
            let mut unlisted = Vec::new();
            for o in &d.outcomes {
                let group = &d.groups[o.group];
                let counts = by_keyword.entry(&group.keyword).or_default();
                counts.applicable += 1;
                if d.agrees(o) {
                    counts.agree += 1;
                    continue;
                }
                let test = &group.tests[o.test];
                let line = format!(
                    "{}: {} / {}: `{}`: the suite says {}, the SDK {}{}",
                    group.keyword,
                    group.description,
                    test.description,
                    test.data,
                    if test.valid { "valid" } else { "invalid" },
                    if o.accepted { "accepts" } else { "refuses" },
                    if o.accepted {
                        String::new()
                    } else {
                        format!(" ({})", o.why)
                    },
                );
                match d.known(o) {
                    Some(k) if k.kind == Kind::Design => {
                        counts.listed += 1;
                        listed.push(format!("{line}. **Why:** {}", k.reason));
                    }
                    Some(k) => {
                        counts.gaps += 1;
                        gaps.push(format!("{line}. **Gap:** {}", k.reason));
                    }
                    None => {
                        counts.unlisted += 1;
                        let warned = d.fates.get(o.group).and_then(|f| match f {
                            Fate::Judged(n) => d.warnings.get(n),
                            Fate::NotApplicable(_) => None,
                        });
                        match warned {
                            Some(w) => {
                                unlisted.push(format!("{line} (generator: {})", w.join("; ")))
                            }
                            None => unlisted.push(line),
                        }
                    }
                }
            }
            let total: Counts = by_keyword.values().fold(Counts::default(), |mut a, c| {
                a.groups += c.groups;
                a.cases += c.cases;
                a.applicable += c.applicable;
                a.agree += c.agree;
                a.listed += c.listed;
                a.gaps += c.gaps;
                a.unlisted += c.unlisted;
                a
            });
            let _ = writeln!(md, "## {}\n", d.draft.title);
            let _ = writeln!(
                md,
                "{} groups, {} cases; {} cases applicable, {} agree ({:.1} %), {} disagree by \
                 design ({:.1} % of applicable), {} are known gaps ({:.1} %), {} unlisted.\n",
                total.groups,
                total.cases,
                total.applicable,
                total.agree,
                percent(total.agree, total.applicable),
                total.listed,
                percent(total.listed, total.applicable),
                total.gaps,
                percent(total.gaps, total.applicable),
                total.unlisted
            );
            let _ = writeln!(
                md,
                "| keyword (suite file) | groups | cases | applicable | agree | by design | known gap | unlisted |\n\
                 |---|--:|--:|--:|--:|--:|--:|--:|"
            );
            for (keyword, c) in &by_keyword {
                let _ = writeln!(
                    md,
                    "| {keyword} | {} | {} | {} | {} | {} | {} | {} |",
                    c.groups, c.cases, c.applicable, c.agree, c.listed, c.gaps, c.unlisted
                );
            }
            let _ = writeln!(md);
            if !unlisted.is_empty() {
                let _ = writeln!(md, "### Unlisted disagreements (failures)\n");
                for line in &unlisted {
                    let _ = writeln!(md, "- {line}");
                }
                let _ = writeln!(md);
            }
            if !listed.is_empty() {
                let _ = writeln!(md, "### Disagreements by design\n");
                for line in &listed {
                    let _ = writeln!(md, "- {line}");
                }
                let _ = writeln!(md);
            }
            if !gaps.is_empty() {
                let _ = writeln!(md, "### Known gaps (not enforced yet)\n");
                for line in &gaps {
                    let _ = writeln!(md, "- {line}");
                }
                let _ = writeln!(md);
            }
            let _ = writeln!(md, "### Not applicable, by reason\n");
            for (reason, groups) in &not_applicable {
                let _ = writeln!(md, "- {reason}: {} groups", groups.len());
                for g in groups {
                    let _ = writeln!(md, "  - {g}");
                }
            }
            let _ = writeln!(md);
            last_lines.push(format!(
                "{}/{} applicable cases agree ({})",
                total.agree, total.applicable, d.draft.dir
            ));
        }
        for line in last_lines {
            let _ = writeln!(md, "{line}");
        }
        md
    }
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_outside_openapi_make_a_group_inapplicable() {
        let v30 = &DRAFTS[0];
        let v31 = &DRAFTS[1];
        assert!(applicable(&json!({"type": "string", "minLength": 2}), v30, true).is_ok());
        assert!(applicable(&json!({"not": {"type": "string"}}), v31, true).is_err());
        assert!(applicable(&json!({"properties": {"a": {"$ref": "#"}}}), v31, true).is_err());
        assert!(applicable(&json!({"const": 1}), v30, true).is_err());
        assert!(applicable(&json!({"const": 1}), v31, true).is_ok());
        assert!(applicable(&json!({"type": ["integer", "null"]}), v30, true).is_ok());
        assert!(applicable(&json!({"type": ["integer", "string"]}), v30, true).is_err());
        assert!(applicable(&json!({"format": "iri"}), v31, true).is_err());
        assert!(applicable(&json!({"items": [{}]}), v30, true).is_err());
    }

    #[test]
    fn patterns_match_with_any_number_of_stars() {
        assert!(matches("*", "anything"));
        assert!(matches("ignores *", "ignores arrays"));
        assert!(!matches("ignores *", "ignore arrays"));
        assert!(matches("both * valid*", "both oneOf valid (complex)"));
        assert!(matches(
            "*Of with boolean schemas*",
            "anyOf with boolean schemas, all false"
        ));
        assert!(!matches("a*b", "ab-c"));
        assert!(matches("exact", "exact"));
        assert!(!matches("exact", "exact!"));
    }

    #[test]
    fn a_nullable_type_becomes_openapi_30s_nullable() {
        let converted = to_openapi(
            &json!({"type": ["integer", "null"], "minimum": 1}),
            &DRAFTS[0],
        );
        assert_eq!(
            converted,
            json!({"type": "integer", "nullable": true, "minimum": 1})
        );
    }
}
