//! Compile checks: the selected generated crates become members of one scratch workspace, checked
//! by one `cargo clippy --workspace --keep-going` (dependencies compile once, both cores stay
//! busy), whose JSON messages are attributed to crates by manifest path.
//!
//! Each crate's own check time (clippy-driver, which is rustc with clippy's lints) is measured by
//! running this binary as cargo's `RUSTC_WRAPPER` (see [`rustc_wrapper`]).

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

/// When set, the binary acts as a rustc wrapper that appends `crate-name<TAB>milliseconds` to
/// the file this variable names.
pub(crate) const TIMING_ENV: &str = "XTASK_RUSTC_TIMING_LOG";

/// What `cargo clippy` said about one crate.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct CheckResult {
    /// Cargo finished checking it (an artifact was reported).
    pub(crate) checked: bool,
    pub(crate) errors: usize,
    pub(crate) warnings: usize,
    /// The first error, one line (`src/types.rs:10:5: error[E0425]: ...`).
    pub(crate) first_error: Option<String>,
    /// The first warning, one line.
    pub(crate) first_warning: Option<String>,
    /// Errors and warnings by code (`E0425`, `unused_imports`, `other`), with their level.
    pub(crate) codes: BTreeMap<(String, String), usize>,
    /// The crate's own `rustc` time.
    pub(crate) time: Option<Duration>,
}

impl CheckResult {
    /// Checked, with no error and no warning.
    pub(crate) fn is_clean(&self) -> bool {
        self.checked && self.errors == 0 && self.warnings == 0
    }
}

/// The outcome of one check run.
#[derive(Debug, Clone, Default)]
pub(crate) struct CheckRun {
    /// By crate name.
    pub(crate) crates: BTreeMap<String, CheckResult>,
    /// Wall time of the cargo invocations.
    pub(crate) elapsed: Duration,
    /// Cargo's first error not tied to one crate (resolution, network...), if it failed so.
    pub(crate) cargo_error: Option<String>,
}

/// Removes the `[workspace]` table (header and keys) from a generated `Cargo.toml`, so the crate
/// can become a member of another workspace.
pub(crate) fn strip_workspace_table(manifest: &str) -> String {
    let mut out = String::with_capacity(manifest.len());
    let mut in_workspace = false;
    for line in manifest.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            in_workspace = trimmed == "[workspace]" || trimmed.starts_with("[workspace.");
        }
        if !in_workspace {
            out.push_str(line);
            out.push('\n');
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// The scratch workspace's manifest: `members = ["crates/<name>", ...]`.
pub(crate) fn workspace_manifest(members: &[String]) -> String {
    let mut text = String::from(
        "# Written by `cargo xtask corpus`: the generated crates it compile-checks.\n\
         [workspace]\nresolver = \"3\"\nmembers = [\n",
    );
    for member in members {
        text.push_str(&format!("    \"crates/{member}\",\n"));
    }
    text.push_str("]\n");
    text
}

/// Checks `members` (crate directories under `workspace/crates`) with one `cargo clippy`,
/// sharing `target_dir`. `lockfile` seeds the workspace's `Cargo.lock` on the first run, so the
/// generated crates get the dependency versions the project itself is tested with. A member
/// cargo cannot even load is reported as such, dropped, and the rest checked again.
pub(crate) fn check_crates(
    workspace: &Path,
    members: &[String],
    target_dir: &Path,
    lockfile: &Path,
    jobs: usize,
) -> Result<CheckRun, String> {
    let mut run = CheckRun::default();
    let started = Instant::now();
    let lock = workspace.join("Cargo.lock");
    if !lock.exists() && lockfile.exists() {
        std::fs::copy(lockfile, &lock)
            .map_err(|e| format!("cannot copy {}: {e}", lockfile.display()))?;
    }
    let timing_log = workspace.join("rustc-times.tsv");
    let mut remaining: Vec<String> = members.to_vec();
    for _attempt in 0..5 {
        if remaining.is_empty() {
            break;
        }
        std::fs::write(workspace.join("Cargo.toml"), workspace_manifest(&remaining))
            .map_err(|e| format!("cannot write the corpus workspace: {e}"))?;
        let _ = std::fs::remove_file(&timing_log);
        let outcome = cargo_check(workspace, target_dir, &timing_log, jobs, remaining.len())?;
        for (name, result) in outcome.crates {
            run.crates.insert(name, result);
        }
        for (name, time) in read_timings(&timing_log) {
            if let Some(result) = run.crates.get_mut(&name) {
                result.time = Some(time);
            }
        }
        if outcome.success {
            run.cargo_error = None;
            break;
        }
        let first_error = first_cargo_error(&outcome.stderr);
        let broken: Vec<String> = remaining
            .iter()
            .filter(|m| outcome.stderr.contains(&format!("crates/{m}/")))
            .cloned()
            .collect();
        let compiled_something = run.crates.values().any(|r| r.checked || r.errors > 0);
        if broken.is_empty() || compiled_something {
            run.cargo_error = (!compiled_something).then_some(first_error);
            break;
        }
        for name in &broken {
            let result = run.crates.entry(name.clone()).or_default();
            result.errors += 1;
            result.first_error = Some(format!("cargo: {first_error}"));
        }
        remaining.retain(|m| !broken.contains(m));
    }
    run.elapsed = started.elapsed();
    Ok(run)
}

struct CargoOutcome {
    success: bool,
    stderr: String,
    crates: BTreeMap<String, CheckResult>,
}

fn cargo_check(
    workspace: &Path,
    target_dir: &Path,
    timing_log: &Path,
    jobs: usize,
    total: usize,
) -> Result<CargoOutcome, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find xtask's binary: {e}"))?;
    let mut child = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        // Clippy, not only rustc: generated crates promise `clippy -D warnings`, and a lint
        // clippy raises is a warning here like rustc's. Every feature: the schemas no operation
        // reaches (`other-schemas`) are off by default and must compile too.
        .args([
            "clippy",
            "--workspace",
            "--keep-going",
            "--lib",
            "--all-features",
        ])
        .args(["--message-format", "json-diagnostic-short"])
        .arg("--jobs")
        .arg(jobs.to_string())
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", target_dir)
        // Each generated crate is checked once: incremental state would only fill the disk
        // (gigabytes for GitHub's crate).
        .env("CARGO_INCREMENTAL", "0")
        // `cargo clippy` runs clippy-driver as the workspace wrapper; ours wraps it in turn
        // (cargo runs `RUSTC_WRAPPER RUSTC_WORKSPACE_WRAPPER rustc ...`), so it times
        // clippy-driver, and dependencies' rustc too, whose times no crate of ours claims.
        .env("RUSTC_WRAPPER", &exe)
        .env(TIMING_ENV, timing_log)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run cargo clippy: {e}"))?;
    let mut stderr_pipe = child.stderr.take();
    let stderr_reader = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(pipe) = stderr_pipe.as_mut() {
            let _ = pipe.read_to_string(&mut text);
        }
        text
    });
    let mut crates: BTreeMap<String, CheckResult> = BTreeMap::new();
    let mut finished = 0;
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let line = line.map_err(|e| format!("cannot read cargo's output: {e}"))?;
            match parse_message(&line) {
                Some(Message::Artifact { crate_name }) => {
                    finished += 1;
                    eprintln!("  checked {crate_name} ({finished}/{total})");
                    crates.entry(crate_name).or_default().checked = true;
                }
                Some(Message::Diagnostic {
                    crate_name,
                    level,
                    code,
                    rendered,
                }) => {
                    let result = crates.entry(crate_name).or_default();
                    *result.codes.entry((level.clone(), code)).or_default() += 1;
                    let (count, first) = if level == "error" {
                        (&mut result.errors, &mut result.first_error)
                    } else {
                        (&mut result.warnings, &mut result.first_warning)
                    };
                    *count += 1;
                    first.get_or_insert(rendered);
                }
                None => {}
            }
        }
    }
    let status = child
        .wait()
        .map_err(|e| format!("cannot wait for cargo clippy: {e}"))?;
    let stderr = stderr_reader.join().unwrap_or_default();
    // A crate with errors is reported by cargo, but gets no artifact: it was checked all the same.
    for result in crates.values_mut() {
        result.checked |= result.errors > 0;
    }
    Ok(CargoOutcome {
        success: status.success(),
        stderr,
        crates,
    })
}

/// A line of cargo's JSON output that concerns a workspace member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Message {
    /// The crate was checked.
    Artifact { crate_name: String },
    /// An error or warning in the crate.
    Diagnostic {
        crate_name: String,
        /// `error` or `warning`.
        level: String,
        /// `E0425`, a lint name, or `other`.
        code: String,
        /// One line: `src/types.rs:10:5: error[E0425]: ...`.
        rendered: String,
    },
}

/// Parses one line of `cargo clippy --message-format json-diagnostic-short`, attributing it to
/// the crate whose manifest is `.../crates/<name>/Cargo.toml`. Other lines, dependencies'
/// messages, and rustc's tallies (`2 warnings emitted`, `aborting due to...`) give `None`.
pub(crate) fn parse_message(line: &str) -> Option<Message> {
    let value: serde_json::Value = serde_json::from_str(line).ok()?;
    let manifest = Path::new(value["manifest_path"].as_str()?);
    let dir = manifest.parent()?;
    if dir.parent()?.file_name() != Some(OsStr::new("crates")) {
        return None;
    }
    let crate_name = dir.file_name()?.to_string_lossy().into_owned();
    match value["reason"].as_str()? {
        "compiler-artifact" => Some(Message::Artifact { crate_name }),
        "compiler-message" => {
            let message = &value["message"];
            let level = message["level"].as_str()?;
            let text = message["message"].as_str().unwrap_or_default();
            let is_tally = message["spans"].as_array().is_some_and(|s| s.is_empty())
                && (text.ends_with("warning emitted")
                    || text.ends_with("warnings emitted")
                    || text.starts_with("aborting due to"));
            if !matches!(level, "error" | "warning") || is_tally {
                return None;
            }
            let rendered = message["rendered"]
                .as_str()
                .unwrap_or(text)
                .lines()
                .next()
                .unwrap_or_default()
                .to_owned();
            let code = message["code"]["code"]
                .as_str()
                .unwrap_or("other")
                .to_owned();
            Some(Message::Diagnostic {
                crate_name,
                level: level.to_owned(),
                code,
                rendered,
            })
        }
        _ => None,
    }
}

/// Cargo's first `error:` line on stderr, or its last line.
fn first_cargo_error(stderr: &str) -> String {
    stderr
        .lines()
        .find(|l| l.starts_with("error"))
        .or_else(|| stderr.lines().rev().find(|l| !l.trim().is_empty()))
        .unwrap_or("cargo clippy failed without a message")
        .to_owned()
}

fn read_timings(log: &Path) -> BTreeMap<String, Duration> {
    let mut times = BTreeMap::new();
    for line in std::fs::read_to_string(log).unwrap_or_default().lines() {
        if let Some((name, ms)) = line.split_once('\t')
            && let Ok(ms) = ms.parse::<u64>()
        {
            *times.entry(name.to_owned()).or_insert(Duration::ZERO) += Duration::from_millis(ms);
        }
    }
    times
}

/// The `RUSTC_WRAPPER` mode: runs `rustc` (the first argument, clippy-driver for our crates) with the rest, and
/// appends the crate's name and the time taken to `log`. Exits as rustc did.
pub(crate) fn rustc_wrapper(log: &OsStr) -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let Some(rustc) = args.next() else {
        eprintln!("xtask as a rustc wrapper: no rustc given");
        return ExitCode::FAILURE;
    };
    let args: Vec<_> = args.collect();
    let crate_name = args
        .iter()
        .position(|a| a == "--crate-name")
        .and_then(|i| args.get(i + 1))
        .map(|n| n.to_string_lossy().into_owned());
    let started = Instant::now();
    let status = match Command::new(&rustc).args(&args).status() {
        Ok(status) => status,
        Err(e) => {
            eprintln!("xtask as a rustc wrapper: cannot run {rustc:?}: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(name) = crate_name {
        let line = format!("{name}\t{}\n", started.elapsed().as_millis());
        let appended = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(PathBuf::from(log))
            .and_then(|mut f| f.write_all(line.as_bytes()));
        if let Err(e) = appended {
            eprintln!("xtask as a rustc wrapper: cannot log the time: {e}");
        }
    }
    match status.code() {
        Some(0) => ExitCode::SUCCESS,
        Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        None => ExitCode::FAILURE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WARNING: &str = r#"{"reason":"compiler-message","package_id":"path+file:///w/crates/guru_x#0.0.1","manifest_path":"/w/crates/guru_x/Cargo.toml","target":{"name":"guru_x"},"message":{"rendered":"crates/guru_x/src/types.rs:3:5: warning: unused import: `std::fmt`\n","children":[],"code":{"code":"unused_imports","explanation":null},"level":"warning","message":"unused import: `std::fmt`","spans":[{"file_name":"crates/guru_x/src/types.rs"}]}}"#;
    const TALLY: &str = r#"{"reason":"compiler-message","manifest_path":"/w/crates/guru_x/Cargo.toml","message":{"rendered":"warning: 1 warning emitted\n","children":[],"code":null,"level":"warning","message":"1 warning emitted","spans":[]}}"#;
    const ERROR: &str = r#"{"reason":"compiler-message","manifest_path":"/w/crates/named_y/Cargo.toml","message":{"rendered":"crates/named_y/src/lib.rs:1:1: error[E0425]: cannot find value `x` in this scope\n","code":{"code":"E0425"},"level":"error","message":"cannot find value `x` in this scope","spans":[{}]}}"#;
    const DEPENDENCY: &str = r#"{"reason":"compiler-message","manifest_path":"/home/.cargo/registry/src/serde-1.0/Cargo.toml","message":{"rendered":"warning: x\n","code":null,"level":"warning","message":"x","spans":[{}]}}"#;
    const ARTIFACT: &str = r#"{"reason":"compiler-artifact","package_id":"path+file:///w/crates/guru_x#0.0.1","manifest_path":"/w/crates/guru_x/Cargo.toml","target":{"name":"guru_x"},"fresh":false}"#;

    #[test]
    fn messages_are_attributed_by_manifest_path() {
        assert_eq!(
            parse_message(WARNING),
            Some(Message::Diagnostic {
                crate_name: "guru_x".into(),
                level: "warning".into(),
                code: "unused_imports".into(),
                rendered: "crates/guru_x/src/types.rs:3:5: warning: unused import: `std::fmt`"
                    .into(),
            })
        );
        assert_eq!(
            parse_message(ERROR),
            Some(Message::Diagnostic {
                crate_name: "named_y".into(),
                level: "error".into(),
                code: "E0425".into(),
                rendered:
                    "crates/named_y/src/lib.rs:1:1: error[E0425]: cannot find value `x` in this scope"
                        .into(),
            })
        );
        assert_eq!(
            parse_message(ARTIFACT),
            Some(Message::Artifact {
                crate_name: "guru_x".into()
            })
        );
    }

    #[test]
    fn tallies_dependencies_and_other_lines_are_ignored() {
        assert_eq!(parse_message(TALLY), None);
        assert_eq!(parse_message(DEPENDENCY), None);
        assert_eq!(parse_message("   Compiling serde v1.0.0"), None);
        assert_eq!(
            parse_message(r#"{"reason":"build-finished","success":true}"#),
            None
        );
    }

    #[test]
    fn the_workspace_table_is_stripped() {
        let manifest = "[package]\nname = \"x\"\n\n[dependencies]\nserde = \"1\"\n\n[workspace]\n";
        assert_eq!(
            strip_workspace_table(manifest),
            "[package]\nname = \"x\"\n\n[dependencies]\nserde = \"1\"\n"
        );
        let with_keys = "[workspace]\nmembers = []\n\n[package]\nname = \"x\"\n";
        assert_eq!(
            strip_workspace_table(with_keys),
            "[package]\nname = \"x\"\n"
        );
    }

    #[test]
    fn the_workspace_lists_its_members() {
        let manifest = workspace_manifest(&["a".into(), "b".into()]);
        assert!(manifest.contains("\"crates/a\",\n    \"crates/b\",\n]"));
    }

    #[test]
    fn cargo_errors_are_found() {
        assert_eq!(
            first_cargo_error("    Updating index\nerror: failed to select a version\nmore"),
            "error: failed to select a version"
        );
    }
}
