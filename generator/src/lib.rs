//! `codeqr-codegen` turns an OpenAPI 3.0 or 3.1 description into a typed, validated, async Rust SDK.
//!
//! The pipeline: [`read`] (YAML or JSON into `openapiv3`) → [`model`] (every `$ref`, name and
//! constraint decided once) → `emit` (`quote!`, formatted by prettyplease) → files.
//!
//! From a `build.rs`, in the prost-build manner:
//!
//! ```no_run
//! // build.rs
//! if let Err(error) = codeqr_codegen::Config::new()
//!     .crate_name("codeqr")
//!     .compile("../spec/openapi.yaml")
//! {
//!     eprintln!("{error}"); // one line: file#/json/pointer: what is wrong
//!     std::process::exit(1);
//! }
//! ```
//! and in the crate's `src/lib.rs`: `include!(concat!(env!("OUT_DIR"), "/codeqr.rs"));`.

pub mod diagnostics;
pub mod diff;
mod emit;
pub mod model;
pub mod names;
pub mod read;

pub use diagnostics::{Diagnostic, Severity};
pub use emit::{DEPENDENCIES, OPTIONAL_DEPENDENCIES};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What a generation run produced.
#[derive(Debug, Clone)]
pub struct Generated {
    /// File contents by path relative to the output directory.
    pub files: BTreeMap<String, String>,
    /// The model the files were written from.
    pub model: model::Model,
    /// Warnings: what was skipped or approximated, and where.
    pub warnings: Vec<Diagnostic>,
    /// How long reading, resolving and emitting took.
    pub elapsed: Duration,
    /// The same time by phase: reading the file, resolving the model, emitting and formatting.
    pub phases: [(&'static str, Duration); 3],
}

impl Generated {
    /// Counts for a human: types, operations, rules, warnings.
    pub fn summary(&self) -> Summary {
        let mut structs = 0;
        let mut enums = 0;
        let mut aliases = 0;
        let mut unions = 0;
        for def in self.model.types.values() {
            match def.kind {
                model::TypeKind::Struct(_) => structs += 1,
                model::TypeKind::Enum(_) => enums += 1,
                model::TypeKind::Alias(_) => aliases += 1,
                model::TypeKind::Union(_) => unions += 1,
            }
        }
        Summary {
            structs,
            enums,
            aliases,
            unions,
            operations: self
                .model
                .operations()
                .map(|op| {
                    let pages = op
                        .pagination
                        .as_ref()
                        .map(|p| format!(" (paginated: {})", p.rule.as_str()))
                        .unwrap_or_default();
                    format!(
                        "{} {} → {}{pages}",
                        op.http_method.as_str(),
                        op.path,
                        op.method_name
                    )
                })
                .collect(),
            paginated: {
                let mut by_rule: BTreeMap<&'static str, usize> = BTreeMap::new();
                for op in self.model.operations() {
                    if let Some(p) = &op.pagination {
                        *by_rule.entry(p.rule.as_str()).or_default() += 1;
                    }
                }
                by_rule
            },
            validation_rules: self.model.validation_rule_count(),
            warnings: self.warnings.len(),
            lines: self.files.values().map(|f| f.lines().count()).sum(),
            elapsed: self.elapsed,
        }
    }
}

/// The Rust type the generated crate uses for `ty`, written from inside that crate
/// (`crate::types::Link`, `::std::vec::Vec<crate::types::Link>`): for tools and tests that write
/// code against a generated crate from its model.
pub fn rust_type(ty: &model::TypeRef) -> String {
    emit::rust_type_text(ty)
}

fn resolve_model(
    file: &str,
    spec: &openapiv3::OpenAPI,
    read_warnings: Vec<Diagnostic>,
) -> Result<(model::Model, Vec<Diagnostic>), Diagnostic> {
    let mut diags = diagnostics::Diagnostics::new(file);
    diags.extend(read_warnings);
    let model = model::resolve(spec, &mut diags);
    match diags.first_error() {
        Some(error) => Err(error.clone()),
        None => Ok((model, diags.into_vec())),
    }
}

/// Counts describing a generated SDK.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Structs generated.
    pub structs: usize,
    /// String enums generated.
    pub enums: usize,
    /// Type aliases generated.
    pub aliases: usize,
    /// Unions (`oneOf`/`anyOf`) generated.
    pub unions: usize,
    /// `METHOD /path → method_name`, one per operation.
    pub operations: Vec<String>,
    /// Operations given a paginator, counted by the rule that recognised them (named as
    /// `PaginationRule::as_str` names them).
    pub paginated: BTreeMap<&'static str, usize>,
    /// Validation rules enforced on requests.
    pub validation_rules: usize,
    /// Warnings reported.
    pub warnings: usize,
    /// Lines of Rust and TOML written.
    pub lines: usize,
    /// Time taken.
    pub elapsed: Duration,
}

/// Configures and runs the generator. Cheap to build; `generate` is pure and writes nothing.
#[derive(Debug, Clone)]
pub struct Config {
    crate_name: String,
    out_dir: Option<PathBuf>,
    emit_rerun_if_changed: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self::new()
    }
}

impl Config {
    /// Defaults: crate name `codeqr`, output to `$OUT_DIR`, `cargo:rerun-if-changed` printed.
    pub fn new() -> Self {
        Self {
            crate_name: "codeqr".to_owned(),
            out_dir: None,
            emit_rerun_if_changed: true,
        }
    }

    /// The generated crate's name: file names, environment variables (`NAME_API_KEY`) and the
    /// `User-Agent` (`name-rust/<version>`) follow it.
    pub fn crate_name(&mut self, name: impl Into<String>) -> &mut Self {
        self.crate_name = name.into();
        self
    }

    /// Where [`Config::compile`] writes (default: `$OUT_DIR`).
    pub fn out_dir(&mut self, dir: impl Into<PathBuf>) -> &mut Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Whether [`Config::compile`] prints `cargo:rerun-if-changed` for the spec (default: yes).
    pub fn emit_rerun_if_changed(&mut self, yes: bool) -> &mut Self {
        self.emit_rerun_if_changed = yes;
        self
    }

    /// Reads `spec` and returns the files of the `build.rs` layout (`<crate>.rs` plus one file per
    /// module), without writing anything.
    pub fn generate(&self, spec: impl AsRef<Path>) -> Result<Generated, Diagnostic> {
        self.run(spec.as_ref(), emit::Layout::OutDir)
    }

    /// Reads `spec` and returns the files of a standalone crate (`Cargo.toml`, `src/…`).
    pub fn generate_crate(&self, spec: impl AsRef<Path>) -> Result<Generated, Diagnostic> {
        self.run(spec.as_ref(), emit::Layout::Crate)
    }

    /// Generates from spec text (for tests and tools that hold the spec in memory).
    pub fn generate_from_str(
        &self,
        file_name: &str,
        text: &str,
        standalone: bool,
    ) -> Result<Generated, Diagnostic> {
        let started = Instant::now();
        let (spec, warnings) = read::parse(file_name, text)?;
        let layout = if standalone {
            emit::Layout::Crate
        } else {
            emit::Layout::OutDir
        };
        self.finish(file_name, spec, warnings, layout, started)
    }

    /// Reads `spec` and resolves the model an SDK would be written from, with the warnings,
    /// without writing code: what `diff` compares.
    pub fn model(
        &self,
        spec: impl AsRef<Path>,
    ) -> Result<(model::Model, Vec<Diagnostic>), Diagnostic> {
        let spec_path = spec.as_ref();
        let (spec, warnings) = read::read_file(spec_path)?;
        resolve_model(&spec_path.display().to_string(), &spec, warnings)
    }

    /// [`Config::model`] from spec text.
    pub fn model_from_str(
        &self,
        file_name: &str,
        text: &str,
    ) -> Result<(model::Model, Vec<Diagnostic>), Diagnostic> {
        let (spec, warnings) = read::parse(file_name, text)?;
        resolve_model(file_name, &spec, warnings)
    }

    fn run(&self, spec_path: &Path, layout: emit::Layout) -> Result<Generated, Diagnostic> {
        let started = Instant::now();
        let (spec, warnings) = read::read_file(spec_path)?;
        let file = spec_path.display().to_string();
        self.finish(&file, spec, warnings, layout, started)
    }

    fn finish(
        &self,
        file: &str,
        spec: openapiv3::OpenAPI,
        read_warnings: Vec<Diagnostic>,
        layout: emit::Layout,
        started: Instant,
    ) -> Result<Generated, Diagnostic> {
        let read_done = started.elapsed();
        let mut diags = diagnostics::Diagnostics::new(file);
        diags.extend(read_warnings);
        let model = model::resolve(&spec, &mut diags);
        // The description is not needed past here: its memory goes back to the allocator for
        // emission to reuse, rather than emission taking fresh pages from the system.
        drop(spec);
        let resolve_done = started.elapsed();
        if let Some(error) = diags.first_error() {
            return Err(error.clone());
        }
        let spec_name = Path::new(file)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| file.to_owned());
        let info = emit::CrateInfo {
            name: self.crate_name.clone(),
            spec_name,
        };
        let files = emit::files(&model, &info, layout).map_err(|message| Diagnostic {
            severity: Severity::Error,
            kind: "internal",
            file: file.to_owned(),
            pointer: String::new(),
            message,
        })?;
        let elapsed = started.elapsed();
        Ok(Generated {
            files,
            model,
            warnings: diags.into_vec(),
            elapsed,
            phases: [
                ("read", read_done),
                ("resolve", resolve_done.saturating_sub(read_done)),
                ("emit", elapsed.saturating_sub(resolve_done)),
            ],
        })
    }

    /// For `build.rs`: generates from `spec` into the output directory, rewriting only the files
    /// whose content changed, and prints each warning as `cargo:warning`.
    pub fn compile(&self, spec: impl AsRef<Path>) -> Result<Summary, Diagnostic> {
        let spec = spec.as_ref();
        if self.emit_rerun_if_changed {
            println!("cargo:rerun-if-changed={}", spec.display());
        }
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or_else(|| {
                    io_error(
                        spec,
                        "OUT_DIR is not set: call compile() from a build script, or set out_dir()"
                            .to_owned(),
                    )
                })?,
        };
        let generated = self.generate(spec)?;
        write_files(&out_dir, &generated.files).map_err(|e| io_error(spec, e))?;
        for warning in &generated.warnings {
            println!("cargo:warning={warning}");
        }
        Ok(generated.summary())
    }

    /// Writes a standalone crate for `spec` into `dir`.
    pub fn write_crate(
        &self,
        spec: impl AsRef<Path>,
        dir: impl AsRef<Path>,
    ) -> Result<Generated, Diagnostic> {
        let spec = spec.as_ref();
        let generated = self.generate_crate(spec)?;
        write_files(dir.as_ref(), &generated.files).map_err(|e| io_error(spec, e))?;
        Ok(generated)
    }
}

fn io_error(spec: &Path, message: String) -> Diagnostic {
    Diagnostic {
        severity: Severity::Error,
        kind: "io",
        file: spec.display().to_string(),
        pointer: String::new(),
        message,
    }
}

/// How a file under a directory differs from what would be written there (`--check`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileChange {
    /// Would be written, and is missing: its line count.
    Added { path: String, lines: usize },
    /// Is there, and would not be written (a stale file): its line count.
    Removed { path: String, lines: usize },
    /// Differs: lines the new text adds and removes.
    Changed {
        path: String,
        added: usize,
        removed: usize,
    },
}

impl std::fmt::Display for FileChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileChange::Added { path, lines } => write!(f, "added    {path} ({lines} lines)"),
            FileChange::Removed { path, lines } => {
                write!(f, "removed  {path} ({lines} lines)")
            }
            FileChange::Changed {
                path,
                added,
                removed,
            } => write!(f, "changed  {path} (+{added} -{removed} lines)"),
        }
    }
}

/// What writing `files` under `dir` would change, in path order; empty when `dir` holds exactly
/// them. Files under `target/`, hidden entries and `Cargo.lock` are not the generator's and are
/// never counted as stale.
pub fn compare_files(dir: &Path, files: &BTreeMap<String, String>) -> Vec<FileChange> {
    let mut changes = Vec::new();
    for (relative, content) in files {
        match std::fs::read(dir.join(relative)) {
            Err(_) => changes.push(FileChange::Added {
                path: relative.clone(),
                lines: content.lines().count(),
            }),
            Ok(bytes) => {
                let existing = String::from_utf8_lossy(&bytes);
                if existing != *content {
                    let (mut added, mut removed) = (0, 0);
                    for change in similar::TextDiff::from_lines(existing.as_ref(), content.as_str())
                        .iter_all_changes()
                    {
                        match change.tag() {
                            similar::ChangeTag::Insert => added += 1,
                            similar::ChangeTag::Delete => removed += 1,
                            similar::ChangeTag::Equal => {}
                        }
                    }
                    changes.push(FileChange::Changed {
                        path: relative.clone(),
                        added,
                        removed,
                    });
                }
            }
        }
    }
    let mut present = Vec::new();
    collect_files(dir, "", &mut present);
    for relative in present {
        if !files.contains_key(&relative) {
            let lines = std::fs::read(dir.join(&relative))
                .map(|b| String::from_utf8_lossy(&b).lines().count())
                .unwrap_or(0);
            changes.push(FileChange::Removed {
                path: relative,
                lines,
            });
        }
    }
    changes.sort_by(|a, b| change_path(a).cmp(change_path(b)));
    changes
}

fn change_path(change: &FileChange) -> &str {
    match change {
        FileChange::Added { path, .. }
        | FileChange::Removed { path, .. }
        | FileChange::Changed { path, .. } => path,
    }
}

/// The files under `dir` (relative, `/`-separated), leaving out `target/`, hidden entries and
/// `Cargo.lock`.
fn collect_files(dir: &Path, prefix: &str, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.')
            || (prefix.is_empty() && (name == "target" || name == "Cargo.lock"))
        {
            continue;
        }
        let relative = format!("{prefix}{name}");
        match entry.file_type() {
            Ok(t) if t.is_dir() => collect_files(&entry.path(), &format!("{relative}/"), out),
            Ok(_) => out.push(relative),
            Err(_) => {}
        }
    }
}

/// Writes `files` under `dir`, skipping files whose content is already the same (so cargo sees
/// no change and rebuilds nothing).
pub fn write_files(dir: &Path, files: &BTreeMap<String, String>) -> Result<(), String> {
    for (relative, content) in files {
        let path = dir.join(relative);
        if std::fs::read_to_string(&path).is_ok_and(|existing| existing == *content) {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, content)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}
