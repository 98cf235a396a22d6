//! `cargo xtask responses`: every response a description allows must decode. For each spec,
//! the JSON success response of every operation gets the instances its schema allows
//! (`codeqr-instances`: every branch, nulls, absent and present optional fields, enum values,
//! bounds, map entries, an unknown field), those the `jsonschema` crate accepts are kept, and a
//! harness crate beside the generated SDK decodes each into the operation's response type; an
//! unknown enum value must decode too (the SDK keeps it). The results, per spec, go to
//! `RESPONSES.md`; any failure makes the command fail.
//!
//! Scratch space: `target/responses/` (`crates/<spec>` and `harness/<spec>` per spec, one
//! workspace over them, `target/` shared).

use crate::check::strip_workspace_table;
use codeqr_instances::{Builder, Components, Side};
use serde_json::Value;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

/// Instances per response, at most (the structural variants come first).
const PER_RESPONSE: usize = 200;

/// Options of `cargo xtask responses`.
#[derive(Debug, clap::Args)]
pub(crate) struct Options {
    /// Spec files to judge [default: the shared specs beside the project].
    specs: Vec<PathBuf>,
    /// Scratch directory.
    #[arg(long, default_value = "target/responses")]
    work: PathBuf,
    /// Where to write the report.
    #[arg(long, default_value = "RESPONSES.md")]
    out: PathBuf,
    /// Also judge this many APIs.guru specs of the corpus, drawn by `--seed`.
    #[arg(long, default_value_t = 0)]
    sample: usize,
    /// The sample's seed (fixed by default: CI must not fail at random).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Only APIs.guru specs up to this many kilobytes are drawn (their SDKs build in debug).
    #[arg(long, default_value_t = 300)]
    max_kb: u64,
    /// The corpus directory, as written by fetch-specs.sh.
    #[arg(long, default_value = "target/openapi-corpus")]
    corpus: PathBuf,
    /// Also put the table into this report (CORPUS.md), replacing its "Responses" section.
    #[arg(long)]
    corpus_report: Option<PathBuf>,
}

/// One spec's outcome.
#[derive(Default)]
struct SpecResult {
    name: String,
    schemas: usize,
    instances: usize,
    left_out: usize,
    promised: usize,
    failures: Vec<String>,
    error: Option<String>,
}

pub(crate) fn run(options: &Options) -> ExitCode {
    crate::exit_code("responses", try_run(options), false)
}

fn try_run(options: &Options) -> Result<bool, String> {
    let started = Instant::now();
    let mut specs: Vec<(PathBuf, String)> = if options.specs.is_empty() {
        shared_specs()?
    } else {
        options.specs.clone()
    }
    .into_iter()
    .map(|path| {
        let name = crate_name(&path);
        (path, name)
    })
    .collect();
    if options.sample > 0 {
        let guru: Vec<crate::specs::Spec> =
            crate::specs::discover(&options.corpus, Path::new("../shared/specs"), true)?
                .into_iter()
                .filter(|s| {
                    s.group == crate::specs::Group::ApisGuru && s.size <= options.max_kb * 1024
                })
                .collect();
        for i in crate::sample::sample_indices(guru.len(), options.sample, options.seed) {
            let spec = &guru[i];
            specs.push((spec.path.clone(), format!("resp_{}", spec.crate_name)));
        }
    }
    let work = crate::work_dir(&options.work)?;
    let mut prepared = Vec::new();
    let mut results = Vec::new();
    for (path, name) in &specs {
        let name = name.clone();
        match prepare(path, &name, &work) {
            Ok(p) => prepared.push(p),
            Err(error) => results.push(SpecResult {
                name,
                error: Some(error),
                ..SpecResult::default()
            }),
        }
    }
    let members: Vec<String> = prepared
        .iter()
        .flat_map(|p| [format!("crates/{}", p.name), format!("harness/{}", p.name)])
        .collect();
    let mut manifest = String::from(
        "# Written by `cargo xtask responses`.\n[workspace]\nresolver = \"3\"\nmembers = [\n",
    );
    for member in &members {
        let _ = writeln!(manifest, "    {member:?},");
    }
    // No debug info: the harnesses answer verdicts, nobody debugs them, and with it the 35
    // crates (GitHub's, Stripe's, Kubernetes' among them) took 4.4 GB of a CI disk that had 3.5.
    manifest.push_str("]\n\n[profile.dev]\ndebug = false\n");
    write(&work.join("Cargo.toml"), &manifest)?;
    eprintln!("responses: building {} harnesses", prepared.len());
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = Command::new(&cargo)
        .args(["build", "--quiet", "--workspace", "--manifest-path"])
        .arg(work.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", work.join("target"))
        .status()
        .map_err(|e| format!("cargo build: {e}"))?;
    if !status.success() {
        return Err(format!("building the harnesses: {status}"));
    }
    for p in prepared {
        results.push(judge(p, &work)?);
    }
    results.sort_by(|a, b| a.name.cmp(&b.name));
    let report = render(&results, started.elapsed().as_secs());
    write(&options.out, &report)?;
    if let Some(corpus) = &options.corpus_report {
        let text =
            std::fs::read_to_string(corpus).map_err(|e| format!("{}: {e}", corpus.display()))?;
        write(corpus, &with_section(&text, &report))?;
    }
    let failures: usize = results.iter().map(|r| r.failures.len()).sum();
    let errors = results.iter().filter(|r| r.error.is_some()).count();
    println!(
        "responses: {} specs, {} instances, {failures} failures, {errors} specs not judged; report: {}",
        results.len(),
        results
            .iter()
            .map(|r| r.instances + r.promised)
            .sum::<usize>(),
        options.out.display()
    );
    Ok(failures == 0 && errors == 0)
}

/// `../shared/specs/*.json` beside the project.
fn shared_specs() -> Result<Vec<PathBuf>, String> {
    let dir = Path::new("../shared/specs");
    let mut specs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json" || e == "yaml"))
        .collect();
    specs.sort();
    Ok(specs)
}

fn crate_name(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let clean: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("resp_{clean}")
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// A spec ready to judge: its crate and harness written, its cases built.
struct Prepared {
    name: String,
    /// The cases, in order: (operation id and status, instance, kept by the schema or promised).
    cases: Vec<(String, Value, bool)>,
    schemas: usize,
    left_out: usize,
}

fn prepare(path: &Path, name: &str, work: &Path) -> Result<Prepared, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let file = path.display().to_string();
    // The description as the generator reads it (3.1 normalised into 3.0 idioms).
    let (openapi, _) = codeqr_codegen::read::parse(&file, &text).map_err(|e| e.to_string())?;
    let spec = serde_json::to_value(&openapi).map_err(|e| e.to_string())?;
    let mut config = codeqr_codegen::Config::new();
    config.crate_name(name.to_owned());
    let mut generated = config.generate_crate(path).map_err(|e| e.to_string())?;
    if let Some(manifest) = generated.files.get_mut("Cargo.toml") {
        *manifest = strip_workspace_table(manifest);
    }
    codeqr_codegen::write_files(&work.join("crates").join(name), &generated.files)?;

    let builder = Builder { spec: &spec };
    let components = Components::new(&spec, Side::Response);
    let mut cases = Vec::new();
    let mut arms = String::new();
    let (mut schemas, mut left_out) = (0, 0);
    for op in generated.model.operations() {
        let codeqr_codegen::model::ResponseBody::Json(ty) = &op.success.body else {
            continue;
        };
        let Some(status) = op.success.statuses.first() else {
            continue;
        };
        let method = op.http_method.as_str().to_lowercase();
        let response =
            builder.resolve(&spec["paths"][&op.path][&method]["responses"][status.to_string()]);
        let Some(schema) = response["content"].as_object().and_then(|content| {
            content
                .iter()
                .find(|(media, _)| media.contains("json"))
                .and_then(|(_, m)| m.get("schema"))
        }) else {
            continue;
        };
        let Ok(validator) = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .should_validate_formats(true)
            .build(&components.root(schema))
        else {
            continue;
        };
        schemas += 1;
        let index = arms.lines().count();
        let rust = codeqr_codegen::rust_type(ty).replace("crate ::", &format!("{name} ::"));
        let _ = writeln!(arms, "        {index} => decode::<{rust}>(text),");
        let label = format!("{} {status}", op.operation_id);
        let judged = builder.judged(schema, PER_RESPONSE, |i| validator.is_valid(i));
        left_out += judged.left_out;
        for instance in judged.valid {
            cases.push((format!("{index}\t{label}"), instance, true));
        }
        if let Some(instance) = judged.unknown_enum {
            cases.push((
                format!("{index}\t{label} (unknown enum value)"),
                instance,
                false,
            ));
        }
    }
    let harness = work.join("harness").join(name);
    write(
        &harness.join("Cargo.toml"),
        &format!(
            "[package]\nname = \"harness_{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\n{name} = {{ path = \"../../crates/{name}\" }}\nserde = \"1\"\nserde_json = \"1\"\n"
        ),
    )?;
    write(
        &harness.join("src/main.rs"),
        &format!(
            "//! Written by `cargo xtask responses`: decodes each case of the file it is given.\n\
             #![allow(clippy::all, unused)]\n\
             use std::io::Write;\n\n\
             fn decode<T: serde::de::DeserializeOwned>(text: &str) -> Result<(), String> {{\n    \
             serde_json::from_str::<T>(text).map(drop).map_err(|e| e.to_string())\n}}\n\n\
             fn case(index: usize, text: &str) -> Result<(), String> {{\n    match index {{\n{arms}        \
             _ => Err(format!(\"no response {{index}}\")),\n    }}\n}}\n\n\
             fn main() {{\n    let path = std::env::args().nth(1).expect(\"a cases file\");\n    \
             let cases = std::fs::read_to_string(path).expect(\"readable\");\n    \
             let mut out = std::io::stdout().lock();\n    \
             for line in cases.lines() {{\n        \
             let (index, text) = line.split_once(' ').expect(\"<index> <json>\");\n        \
             let verdict = match case(index.parse().expect(\"a number\"), text) {{\n            \
             Ok(()) => \"ok\".to_owned(),\n            Err(e) => format!(\"error {{}}\", e.replace('\\n', \" \")),\n        }};\n        \
             writeln!(out, \"{{verdict}}\").expect(\"stdout\");\n    }}\n}}\n"
        ),
    )?;
    Ok(Prepared {
        name: name.to_owned(),
        cases,
        schemas,
        left_out,
    })
}

fn judge(p: Prepared, work: &Path) -> Result<SpecResult, String> {
    let mut text = String::new();
    for (key, instance, _) in &p.cases {
        let index = key.split('\t').next().unwrap_or_default();
        let _ = writeln!(text, "{index} {instance}");
    }
    let cases_path = work.join("harness").join(&p.name).join("cases.txt");
    write(&cases_path, &text)?;
    let binary = work
        .join("target/debug")
        .join(format!("harness_{}", p.name));
    let output = Command::new(&binary)
        .arg(&cases_path)
        .output()
        .map_err(|e| format!("{}: {e}", binary.display()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let verdicts: Vec<&str> = stdout.lines().collect();
    let mut result = SpecResult {
        name: p.name.trim_start_matches("resp_").to_owned(),
        schemas: p.schemas,
        left_out: p.left_out,
        ..SpecResult::default()
    };
    if !output.status.success() || verdicts.len() != p.cases.len() {
        result.error = Some(format!(
            "the harness answered {} verdicts for {} cases ({})",
            verdicts.len(),
            p.cases.len(),
            output.status
        ));
        return Ok(result);
    }
    for ((key, instance, valid), verdict) in p.cases.iter().zip(verdicts) {
        if *valid {
            result.instances += 1;
        } else {
            result.promised += 1;
        }
        if let Some(error) = verdict.strip_prefix("error ") {
            let label = key.split('\t').nth(1).unwrap_or_default();
            let text = instance.to_string();
            let shown: String = text.chars().take(300).collect();
            result.failures.push(format!("{label}: {error}: `{shown}`"));
        }
    }
    Ok(result)
}

/// `report` as the "Responses" section of `text` (between markers, replaced on each run).
fn with_section(text: &str, report: &str) -> String {
    const START: &str = "<!-- responses: written by cargo xtask responses -->";
    const END: &str = "<!-- /responses -->";
    // The report's title becomes the section's, its per-spec failure lists subsections.
    let body = report.replace("\n## ", "\n### ").replacen(
        "# Every response",
        "## Responses: every response",
        1,
    );
    let section = format!("{START}\n{}\n{END}\n", body.trim_end());
    match (text.find(START), text.find(END)) {
        (Some(start), Some(end)) if end > start => {
            format!(
                "{}{section}{}",
                &text[..start],
                text[end + END.len()..].trim_start_matches('\n')
            )
        }
        _ => format!("{}\n\n{section}", text.trim_end()),
    }
}

fn render(results: &[SpecResult], seconds: u64) -> String {
    let mut md = format!(
        "# Every response the description allows decodes\n\n\
         Written by `cargo xtask responses` ({seconds} s). For each JSON success response of each \
         operation, the instances its schema allows (every `oneOf`/`anyOf` branch, `null` where \
         allowed, optional fields absent and present, enum values, bounds, map entries, an \
         unknown field; `codeqr-instances`), kept where the `jsonschema` crate (Draft 4, formats \
         on) accepts them, are decoded into the generated response type; so is each response \
         with an unknown enum value, which the SDK keeps. *Left out*: built instances \
         `jsonschema` refused (a `pattern` the builder cannot satisfy, say), not failures.\n\n\
         | spec | response schemas | instances decoded | unknown enum values | left out | failures |\n\
         |---|--:|--:|--:|--:|--:|\n"
    );
    for r in results {
        match &r.error {
            Some(error) => {
                let _ = writeln!(md, "| {} | not judged: {error} | | | | |", r.name);
            }
            None => {
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | {} | {} | {} |",
                    r.name,
                    r.schemas,
                    r.instances,
                    r.promised,
                    r.left_out,
                    r.failures.len()
                );
            }
        }
    }
    for r in results.iter().filter(|r| !r.failures.is_empty()) {
        let _ = writeln!(md, "\n## {}: {} failures\n", r.name, r.failures.len());
        for failure in r.failures.iter().take(30) {
            let _ = writeln!(md, "- {failure}");
        }
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_corpus_report_gets_one_responses_section_replaced_on_each_run() {
        let report = "# Every response x\n\n| a |\n\n## spec: 1 failures\n\n- f\n";
        let once = with_section("# Corpus results\n\nbody\n", report);
        assert!(once.starts_with("# Corpus results\n\nbody\n\n<!-- responses"));
        assert!(once.contains("## Responses: every response x"));
        assert!(once.contains("### spec: 1 failures"));
        let twice = with_section(&once, "# Every response y\n");
        assert!(twice.contains("every response y") && !twice.contains("every response x"));
        assert_eq!(twice.matches("<!-- responses").count(), 1);
    }
}
