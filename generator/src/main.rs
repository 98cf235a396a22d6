//! The command line: `codeqr-codegen generate --spec FILE --out DIR [--crate-name NAME]` writes a
//! standalone SDK crate. With no arguments it generates the CodeQR SDK from `spec/openapi.yaml`
//! into `out/codeqr` and says what it produced. With `--check` it writes nothing and exits 1
//! when `DIR` is not exactly what it would write, naming each file that differs.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

// Generation allocates millions of small, short-lived values (JSON values, token trees, syn
// nodes); with glibc's allocator a third of the time on GitHub's description went to malloc,
// free and fresh pages (measured with perf). mimalloc reuses memory per thread.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "codeqr-codegen",
    version,
    about = "Generate a typed, validated, async Rust SDK from an OpenAPI 3.0 or 3.1 description"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Write a standalone SDK crate (Cargo.toml, src/) for a spec.
    Generate {
        /// The OpenAPI description (YAML or JSON).
        #[arg(long, default_value = "spec/openapi.yaml")]
        spec: PathBuf,
        /// The directory to write the crate into (created if missing).
        #[arg(long, default_value = "out/codeqr")]
        out: PathBuf,
        /// The crate's name.
        #[arg(long, default_value = "codeqr")]
        crate_name: String,
        /// Print only errors.
        #[arg(long, short)]
        quiet: bool,
        /// Write nothing: exit 0 when the directory holds exactly what would be generated, 1
        /// naming each file added, removed or changed (for CI over a committed crate).
        #[arg(long)]
        check: bool,
    },
    /// Compare the SDKs two specs generate: each change to the SDK's API, classified major,
    /// minor or patch by Cargo's SemVer rules. The last line is `semver: major|minor|patch|none`.
    Diff {
        /// The description the published SDK was generated from.
        old: PathBuf,
        /// The new description.
        new: PathBuf,
        /// The published crate's version: prints `next version: A.B.C` before the verdict.
        #[arg(long, value_name = "X.Y.Z")]
        crate_version: Option<String>,
        /// Exit 1 when a change is at least this severe (major, minor or patch), for CI.
        #[arg(long, value_name = "LEVEL")]
        fail_on: Option<codeqr_codegen::diff::Level>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let (spec, out, crate_name, quiet, check) = match cli.command {
        Some(Command::Diff {
            old,
            new,
            crate_version,
            fail_on,
        }) => return diff(&old, &new, crate_version.as_deref(), fail_on),
        Some(Command::Generate {
            spec,
            out,
            crate_name,
            quiet,
            check,
        }) => (spec, out, crate_name, quiet, check),
        None => (
            PathBuf::from("spec/openapi.yaml"),
            PathBuf::from("out/codeqr"),
            "codeqr".to_owned(),
            false,
            false,
        ),
    };
    if check {
        return check_dir(&spec, &out, &crate_name, quiet);
    }
    let generated = match codeqr_codegen::Config::new()
        .crate_name(&crate_name)
        .write_crate(&spec, &out)
    {
        Ok(generated) => generated,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::FAILURE;
        }
    };
    if !quiet {
        report(&spec, &out, &crate_name, &generated);
    }
    ExitCode::SUCCESS
}

/// `--check`: what writing would change, one line per file; exit 1 if anything would.
fn check_dir(
    spec: &std::path::Path,
    out: &std::path::Path,
    crate_name: &str,
    quiet: bool,
) -> ExitCode {
    let generated = match codeqr_codegen::Config::new()
        .crate_name(crate_name)
        .generate_crate(spec)
    {
        Ok(generated) => generated,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::FAILURE;
        }
    };
    let changes = codeqr_codegen::compare_files(out, &generated.files);
    if changes.is_empty() {
        if !quiet {
            println!(
                "{} is up to date with {} ({} files)",
                out.display(),
                spec.display(),
                generated.files.len()
            );
        }
        return ExitCode::SUCCESS;
    }
    for change in &changes {
        println!("{change}");
    }
    eprintln!(
        "{} is stale: {} file(s) differ from what {} generates; run without --check to update",
        out.display(),
        changes.len(),
        spec.display()
    );
    ExitCode::FAILURE
}

/// `diff`: the report on stdout; exit 1 when `fail_on` is reached, 2 when a spec cannot be read
/// or the version is not `X.Y.Z`.
fn diff(
    old: &std::path::Path,
    new: &std::path::Path,
    crate_version: Option<&str>,
    fail_on: Option<codeqr_codegen::diff::Level>,
) -> ExitCode {
    const TROUBLE: u8 = 2;
    let version = match crate_version.map(semver::Version::parse).transpose() {
        Ok(Some(v)) if !v.pre.is_empty() || !v.build.is_empty() => {
            eprintln!("--crate-version {v}: give the released version as X.Y.Z");
            return ExitCode::from(TROUBLE);
        }
        Ok(v) => v,
        Err(error) => {
            eprintln!("--crate-version: {error} (expected X.Y.Z)");
            return ExitCode::from(TROUBLE);
        }
    };
    let config = codeqr_codegen::Config::new();
    let (old_model, new_model) = match (config.model(old), config.model(new)) {
        (Ok((a, _)), Ok((b, _))) => (a, b),
        (Err(error), _) | (_, Err(error)) => {
            eprintln!("{error}");
            return ExitCode::from(TROUBLE);
        }
    };
    let report = codeqr_codegen::diff::diff(
        &old_model,
        &new_model,
        &old.display().to_string(),
        &new.display().to_string(),
    );
    print!("{}", report.render(version.as_ref()));
    match (fail_on, report.level()) {
        (Some(threshold), Some(level)) if level >= threshold => ExitCode::FAILURE,
        _ => ExitCode::SUCCESS,
    }
}

fn report(
    spec: &std::path::Path,
    out: &std::path::Path,
    crate_name: &str,
    generated: &codeqr_codegen::Generated,
) {
    let summary = generated.summary();
    println!(
        "Generated crate `{crate_name}` from {} into {}",
        spec.display(),
        out.display()
    );
    println!(
        "  files:      {} ({} lines)",
        generated.files.len(),
        summary.lines
    );
    for file in generated.files.keys() {
        println!("              {}", out.join(file).display());
    }
    println!(
        "  types:      {} structs, {} enums, {} unions, {} aliases",
        summary.structs, summary.enums, summary.unions, summary.aliases
    );
    for def in generated.model.types.values() {
        let kind = match def.kind {
            codeqr_codegen::model::TypeKind::Struct(_) => "struct",
            codeqr_codegen::model::TypeKind::Enum(_) => "enum",
            codeqr_codegen::model::TypeKind::Alias(_) => "alias",
            codeqr_codegen::model::TypeKind::Union(_) => "union",
        };
        let side = match def.kind {
            codeqr_codegen::model::TypeKind::Alias(_) if def.in_request => " (request)",
            _ if def.in_request => " (request: builder + validation)",
            _ => "",
        };
        println!("              {kind} {}{side}", def.name);
    }
    println!("  operations: {}", summary.operations.len());
    for op in &summary.operations {
        println!("              {op}");
    }
    let paginated: usize = summary.paginated.values().sum();
    let rules: Vec<String> = summary
        .paginated
        .iter()
        .map(|(rule, n)| format!("{rule}: {n}"))
        .collect();
    if paginated > 0 {
        println!(
            "  pagination: {paginated} operations ({})",
            rules.join(", ")
        );
    } else {
        println!("  pagination: none recognised");
    }
    println!(
        "  validation: {} rules enforced on requests",
        summary.validation_rules
    );
    println!("  warnings:   {}", summary.warnings);
    for warning in &generated.warnings {
        println!("              {warning}");
    }
    let phases: Vec<String> = generated
        .phases
        .iter()
        .map(|(name, time)| format!("{name} {:.1} ms", time.as_secs_f64() * 1000.0))
        .collect();
    println!(
        "  time:       {:.1} ms ({})",
        summary.elapsed.as_secs_f64() * 1000.0,
        phases.join(", ")
    );
}
