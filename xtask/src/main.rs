//! `cargo xtask`: project automation that needs more than a shell one-liner.
//!
//! - `cargo xtask corpus`: runs the generator over a corpus of real OpenAPI descriptions (the
//!   named specs, `../shared/specs`, the whole APIs.guru directory), compile-checks the named ones
//!   and a seeded random sample of APIs.guru, and writes the results to `CORPUS.md`.
//! - `cargo xtask schema-suite`: judges the generated SDK's validation by the official JSON
//!   Schema Test Suite and writes `SCHEMA-SUITE.md`.
//! - `cargo xtask semver`: judges `codeqr-codegen diff` by cargo-semver-checks over spec pairs
//!   and writes `SEMVER.md`.
//!
//! Two hidden modes serve `corpus` itself: `gen-one` generates one spec in a child process (so a
//! stack overflow or a hang in one spec cannot take the whole run down), and, when
//! [`check::TIMING_ENV`] is set, the binary acts as cargo's `RUSTC_WRAPPER` to time each
//! generated crate's check (clippy-driver's run).

mod check;
mod corpus;
mod generate;
mod report;
mod responses;
mod sample;
mod schema_suite;
mod semver_suite;
mod specs;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Project automation for the codeqr-codegen workspace.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate every spec of the corpus, compile-check the named ones and a random sample of
    /// APIs.guru, and write the results to CORPUS.md.
    Corpus(corpus::Options),
    /// Judge the generated SDK by the official JSON Schema Test Suite (Draft 4 and 2020-12)
    /// and write the results to SCHEMA-SUITE.md.
    SchemaSuite(schema_suite::Options),
    /// Feed every response the given specs allow to their generated SDKs and write the results
    /// to RESPONSES.md.
    Responses(responses::Options),
    /// Judge `codeqr-codegen diff` by cargo-semver-checks over hand-made and real spec pairs,
    /// and write the results to SEMVER.md.
    Semver(semver_suite::Options),
    /// Internal: generate one spec (run by `corpus` in a child process).
    #[command(hide = true)]
    GenOne(generate::OneArgs),
}

/// The exit code of a suite: success when it met its targets (or `report_only` says misses only
/// go to the report); its error, prefixed by the suite's name, otherwise.
pub(crate) fn exit_code(suite: &str, outcome: Result<bool, String>, report_only: bool) -> ExitCode {
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) if report_only => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("{suite}: {message}");
            ExitCode::FAILURE
        }
    }
}

/// A suite's scratch directory, created if missing, as an absolute path (the suites run
/// commands in other directories).
pub(crate) fn work_dir(dir: &std::path::Path) -> Result<std::path::PathBuf, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    dir.canonicalize()
        .map_err(|e| format!("{}: {e}", dir.display()))
}

/// Runs `command` (a download, an unpacking) to success, or says which step failed.
pub(crate) fn run_command(command: &mut std::process::Command, what: &str) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|e| format!("{what}: cannot start: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what}: {status}"))
    }
}

fn main() -> ExitCode {
    if let Some(log) = std::env::var_os(check::TIMING_ENV) {
        return check::rustc_wrapper(&log);
    }
    match Cli::parse().command {
        Command::Corpus(options) => corpus::run(&options),
        Command::SchemaSuite(options) => schema_suite::run(&options),
        Command::Responses(options) => responses::run(&options),
        Command::Semver(options) => semver_suite::run(&options),
        Command::GenOne(args) => generate::run_one(&args),
    }
}
