//! Generating every spec, each in a child process (`xtask gen-one`) that calls the generator
//! library under `catch_unwind`: a panic is reported with its message and location, and a stack
//! overflow, an abort or a hang (killed after a timeout) costs one spec, not the run.
//!
//! The child writes its outcome as one JSON object to a result file; the parent runs `jobs`
//! children at a time and turns the files into [`GenResult`]s.

use crate::specs::Spec;
use serde_json::{Value, json};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A generator warning, as counted and quoted by the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Warning {
    pub(crate) kind: String,
    pub(crate) pointer: String,
    pub(crate) message: String,
}

/// What generating one spec came to.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum GenStatus {
    /// A crate was generated (and written, if it was selected for a compile check).
    Generated {
        operations: usize,
        types: usize,
        warnings: Vec<Warning>,
        /// Operations given a paginator, by the rule that recognised them.
        paginated: std::collections::BTreeMap<String, usize>,
    },
    /// The generator returned an error: the spec cannot be expressed.
    Failed {
        kind: String,
        pointer: String,
        message: String,
        /// The document is Swagger 2.0, which the generator refuses by design.
        swagger2: bool,
    },
    /// The generator panicked: message and location.
    Panicked(String),
    /// The child died without a result (stack overflow, abort, signal): exit status and the
    /// last line of its stderr.
    Crashed(String),
    /// Killed after the timeout.
    TimedOut,
}

/// One spec's outcome and how long it took.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GenResult {
    pub(crate) status: GenStatus,
    /// The generator's own time (reading, resolving, emitting), or the wall time when the child
    /// reported nothing.
    pub(crate) elapsed: Duration,
}

impl GenResult {
    /// A panic or a crash: the generator broke its promise never to panic.
    pub(crate) fn is_panic(&self) -> bool {
        matches!(self.status, GenStatus::Panicked(_) | GenStatus::Crashed(_))
    }
}

/// Arguments of the hidden `gen-one` mode.
#[derive(Debug, clap::Args)]
pub(crate) struct OneArgs {
    /// The spec file.
    #[arg(long)]
    spec: PathBuf,
    /// The name diagnostics give the spec.
    #[arg(long)]
    name: String,
    /// The generated crate's name.
    #[arg(long)]
    crate_name: String,
    /// Also write the crate here, as a member of a workspace (its own `[workspace]` table removed).
    #[arg(long)]
    write: Option<PathBuf>,
    /// Where to write the outcome (JSON).
    #[arg(long)]
    result: PathBuf,
}

static PANIC: Mutex<Option<String>> = Mutex::new(None);

/// `gen-one`: generates one spec and writes the outcome to `--result`. Exits non-zero only
/// when the result cannot be written.
pub(crate) fn run_one(args: &OneArgs) -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(non-string payload)".to_owned());
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        if let Ok(mut slot) = PANIC.lock() {
            *slot = Some(format!("{message}{location}"));
        }
    }));
    let started = Instant::now();
    let outcome = catch_unwind(AssertUnwindSafe(|| generate_one(args)));
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    let mut result = match outcome {
        Ok(value) => value,
        Err(_) => {
            let message = PANIC
                .lock()
                .ok()
                .and_then(|mut slot| slot.take())
                .unwrap_or_else(|| "(no message)".to_owned());
            json!({ "status": "panic", "message": message })
        }
    };
    result["elapsed_ms"] = json!(elapsed_ms);
    match std::fs::write(&args.result, result.to_string()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cannot write {}: {e}", args.result.display());
            ExitCode::FAILURE
        }
    }
}

fn generate_one(args: &OneArgs) -> Value {
    let text = match std::fs::read_to_string(&args.spec) {
        Ok(text) => text,
        Err(e) => return failure("io", "", &format!("cannot read the spec: {e}"), false),
    };
    let generated = match codeqr_codegen::Config::new()
        .crate_name(&args.crate_name)
        .generate_from_str(&args.name, &text, true)
    {
        Ok(generated) => generated,
        Err(error) => {
            return failure(
                error.kind,
                &error.pointer,
                &error.message,
                is_swagger2(&text),
            );
        }
    };
    if let Some(dir) = &args.write {
        let mut files = generated.files.clone();
        if let Some(manifest) = files.get_mut("Cargo.toml") {
            *manifest = crate::check::strip_workspace_table(manifest);
        }
        if let Err(e) = codeqr_codegen::write_files(dir, &files) {
            return failure("io", "", &format!("cannot write the crate: {e}"), false);
        }
    }
    let summary = generated.summary();
    let warnings: Vec<Value> = generated
        .warnings
        .iter()
        .map(|w| json!([w.kind, w.pointer, w.message]))
        .collect();
    json!({
        "status": "ok",
        "operations": summary.operations.len(),
        "types": summary.structs + summary.enums + summary.aliases,
        "warnings": warnings,
        "paginated": summary.paginated,
    })
}

fn failure(kind: &str, pointer: &str, message: &str, swagger2: bool) -> Value {
    json!({
        "status": "error",
        "kind": kind,
        "pointer": pointer,
        "message": message,
        "swagger2": swagger2,
    })
}

/// Whether the document has a top-level `swagger` field (Swagger 2.0).
fn is_swagger2(text: &str) -> bool {
    let document: Option<Value> = if text.trim_start().starts_with('{') {
        serde_json::from_str(text).ok()
    } else {
        serde_yaml::from_str(text).ok()
    };
    document.is_some_and(|d| d.get("swagger").is_some())
}

/// How the parent runs the children.
#[derive(Debug, Clone)]
pub(crate) struct Pool<'a> {
    /// Children at a time.
    pub(crate) jobs: usize,
    /// A child still running after this is killed.
    pub(crate) timeout: Duration,
    /// A spec slower than this is named on the console as it finishes.
    pub(crate) slow: Duration,
    /// Scratch directory for result files.
    pub(crate) scratch: &'a Path,
}

/// Generates every spec (biggest first, for a balanced finish); `write_to(i)` says where spec
/// `i`'s crate goes, if anywhere. Returns one result per spec, in the order of `specs`.
pub(crate) fn generate_all(
    specs: &[Spec],
    write_to: &(dyn Fn(usize) -> Option<PathBuf> + Sync),
    pool: &Pool<'_>,
) -> Result<Vec<GenResult>, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find xtask's binary: {e}"))?;
    std::fs::create_dir_all(pool.scratch)
        .map_err(|e| format!("cannot create {}: {e}", pool.scratch.display()))?;
    let mut order: Vec<usize> = (0..specs.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(specs[i].size));
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<GenResult>>> = Mutex::new(vec![None; specs.len()]);
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..pool.jobs.max(1) {
            scope.spawn(|| {
                while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let result = run_child(&exe, &specs[i], write_to(i), pool, i);
                    if result.elapsed > pool.slow {
                        eprintln!(
                            "  slow: {} took {:.1} s",
                            specs[i].name,
                            result.elapsed.as_secs_f64()
                        );
                    }
                    if result.is_panic() {
                        eprintln!("  PANIC: {}: {:?}", specs[i].name, result.status);
                    }
                    if let Ok(mut results) = results.lock() {
                        results[i] = Some(result);
                    }
                    let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                    if n.is_multiple_of(250) || n == specs.len() {
                        eprintln!(
                            "  generated {n}/{} ({:.0} s)",
                            specs.len(),
                            started.elapsed().as_secs_f64()
                        );
                    }
                }
            });
        }
    });
    let results = results
        .into_inner()
        .map_err(|_| "a generation worker panicked".to_owned())?;
    results
        .into_iter()
        .zip(specs)
        .map(|(r, spec)| r.ok_or_else(|| format!("no result for {}", spec.name)))
        .collect()
}

fn run_child(
    exe: &Path,
    spec: &Spec,
    write: Option<PathBuf>,
    pool: &Pool<'_>,
    index: usize,
) -> GenResult {
    let result_file = pool.scratch.join(format!("{index}.json"));
    let stderr_file = pool.scratch.join(format!("{index}.stderr"));
    let _ = std::fs::remove_file(&result_file);
    let started = Instant::now();
    let crashed = |message: String| GenResult {
        status: GenStatus::Crashed(message),
        elapsed: started.elapsed(),
    };
    let stderr = match std::fs::File::create(&stderr_file) {
        Ok(file) => file,
        Err(e) => return crashed(format!("cannot create {}: {e}", stderr_file.display())),
    };
    let mut command = Command::new(exe);
    command
        .arg("gen-one")
        .arg("--spec")
        .arg(&spec.path)
        .arg("--name")
        .arg(&spec.name)
        .arg("--crate-name")
        .arg(&spec.crate_name)
        .arg("--result")
        .arg(&result_file)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr);
    if let Some(dir) = &write {
        command.arg("--write").arg(dir);
    }
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => return crashed(format!("cannot start xtask gen-one: {e}")),
    };
    let mut poll = Duration::from_millis(1);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > pool.timeout => {
                let _ = child.kill();
                let _ = child.wait();
                let _ = std::fs::remove_file(&stderr_file);
                return GenResult {
                    status: GenStatus::TimedOut,
                    elapsed: started.elapsed(),
                };
            }
            Ok(None) => {
                std::thread::sleep(poll);
                poll = (poll * 2).min(Duration::from_millis(50));
            }
            Err(e) => return crashed(format!("cannot wait for xtask gen-one: {e}")),
        }
    };
    let wall = started.elapsed();
    let text = std::fs::read_to_string(&result_file);
    let stderr_text = std::fs::read_to_string(&stderr_file).unwrap_or_default();
    let _ = std::fs::remove_file(&result_file);
    let _ = std::fs::remove_file(&stderr_file);
    match text {
        Ok(text) if status.success() => parse_result(&text, wall),
        _ => {
            let last = stderr_text
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("(no output)");
            GenResult {
                status: GenStatus::Crashed(format!("{status}: {last}")),
                elapsed: wall,
            }
        }
    }
}

/// Reads a child's result file.
fn parse_result(text: &str, wall: Duration) -> GenResult {
    let value: Value = serde_json::from_str(text).unwrap_or(Value::Null);
    let str_of = |key: &str| value[key].as_str().unwrap_or_default().to_owned();
    let count = |key: &str| value[key].as_u64().unwrap_or(0) as usize;
    let elapsed = value["elapsed_ms"]
        .as_f64()
        .map_or(wall, |ms| Duration::from_secs_f64(ms / 1000.0));
    let status = match value["status"].as_str() {
        Some("ok") => GenStatus::Generated {
            operations: count("operations"),
            types: count("types"),
            warnings: value["warnings"]
                .as_array()
                .map(|ws| {
                    ws.iter()
                        .map(|w| Warning {
                            kind: w[0].as_str().unwrap_or_default().to_owned(),
                            pointer: w[1].as_str().unwrap_or_default().to_owned(),
                            message: w[2].as_str().unwrap_or_default().to_owned(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            paginated: value["paginated"]
                .as_object()
                .map(|rules| {
                    rules
                        .iter()
                        .map(|(rule, n)| (rule.clone(), n.as_u64().unwrap_or(0) as usize))
                        .collect()
                })
                .unwrap_or_default(),
        },
        Some("error") => GenStatus::Failed {
            kind: str_of("kind"),
            pointer: str_of("pointer"),
            message: str_of("message"),
            swagger2: value["swagger2"].as_bool().unwrap_or(false),
        },
        Some("panic") => GenStatus::Panicked(str_of("message")),
        _ => GenStatus::Crashed(format!("unreadable result: {text:.200}")),
    };
    GenResult { status, elapsed }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_files_round_trip() {
        let ok = r#"{"status":"ok","operations":3,"types":5,"warnings":[["unsupported-schema","/components/schemas/A","typed as serde_json::Value"]],"paginated":{"Link header":2},"elapsed_ms":12.5}"#;
        let result = parse_result(ok, Duration::from_secs(1));
        assert_eq!(result.elapsed, Duration::from_micros(12_500));
        assert_eq!(
            result.status,
            GenStatus::Generated {
                operations: 3,
                types: 5,
                warnings: vec![Warning {
                    kind: "unsupported-schema".into(),
                    pointer: "/components/schemas/A".into(),
                    message: "typed as serde_json::Value".into(),
                }],
                paginated: [("Link header".to_owned(), 2)].into_iter().collect(),
            }
        );
        let panic = r#"{"status":"panic","message":"boom at src/x.rs:1","elapsed_ms":1}"#;
        assert!(parse_result(panic, Duration::ZERO).is_panic());
        assert!(matches!(
            parse_result("garbage", Duration::ZERO).status,
            GenStatus::Crashed(_)
        ));
    }

    #[test]
    fn swagger2_is_recognised() {
        assert!(is_swagger2(r#"{"swagger": "2.0", "info": {}}"#));
        assert!(is_swagger2("swagger: '2.0'\ninfo: {}\n"));
        assert!(!is_swagger2(r#"{"openapi": "3.0.3"}"#));
    }
}
