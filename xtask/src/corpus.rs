//! `cargo xtask corpus`: the run itself. Fetches the corpus if needed, draws the sample,
//! generates every spec, checks the selected crates, writes `CORPUS.md` and
//! `target/corpus/results.tsv`, and exits non-zero on a panic or (without `--report-only`) on
//! any missed target.
//!
//! Scratch space: `target/corpus/` (`crates/<name>` per checked crate, a workspace over them,
//! `target/` shared by all checks, `results/` for the children's result files).

use crate::check;
use crate::generate::{self, GenStatus, Pool};
use crate::report::{self, Row, RunInfo};
use crate::sample;
use crate::specs::{self, Group};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

/// Options of `cargo xtask corpus`.
#[derive(Debug, clap::Args)]
pub(crate) struct Options {
    /// The corpus directory, as written by fetch-specs.sh [default: target/openapi-corpus].
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Fetch the corpus even if it is there (it is fetched anyway when missing).
    #[arg(long)]
    fetch: bool,
    /// How many APIs.guru specs to compile-check.
    #[arg(long, default_value_t = 100)]
    sample: usize,
    /// The sample's seed [default: today's UTC date as YYYYMMDD].
    #[arg(long)]
    seed: Option<u64>,
    /// Only the shared and named specs: skip APIs.guru.
    #[arg(long)]
    named_only: bool,
    /// Generate only: no compile checks.
    #[arg(long)]
    no_compile: bool,
    /// Generations and rustc processes at a time [default: the number of CPUs].
    #[arg(long)]
    jobs: Option<usize>,
    /// Where to write the report [default: CORPUS.md at the workspace root].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Exit 0 even when targets are missed (still non-zero on a panic).
    #[arg(long)]
    report_only: bool,
    /// Seconds after which one spec's generation is killed and reported as a timeout.
    #[arg(long, default_value_t = 120)]
    timeout: u64,
}

/// A spec that takes longer than this to generate is named on the console.
const SLOW: Duration = Duration::from_secs(60);

/// Runs the corpus and returns the process's exit code.
pub(crate) fn run(options: &Options) -> ExitCode {
    match try_run(options) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn try_run(options: &Options) -> Result<ExitCode, String> {
    let started = Instant::now();
    let root = workspace_root();
    let corpus_dir = options
        .dir
        .clone()
        .unwrap_or_else(|| root.join("target/openapi-corpus"));
    let out = options
        .out
        .clone()
        .unwrap_or_else(|| root.join("CORPUS.md"));
    let work = root.join("target/corpus");
    let jobs = options.jobs.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
    });
    let mut timings = Vec::new();

    let phase = Instant::now();
    if options.fetch || !is_fetched(&corpus_dir) {
        fetch(&root, &corpus_dir)?;
        timings.push(("fetch", phase.elapsed()));
    }

    let specs = specs::discover(
        &corpus_dir,
        &root.join("../shared/specs"),
        !options.named_only,
    )?;
    let guru: Vec<usize> = (0..specs.len())
        .filter(|&i| specs[i].group == Group::ApisGuru)
        .collect();
    let draw = !options.no_compile && !guru.is_empty() && options.sample > 0;
    let seed = draw.then(|| options.seed.unwrap_or_else(sample::default_seed));
    let mut selected = vec![false; specs.len()];
    if !options.no_compile {
        for (i, spec) in specs.iter().enumerate() {
            selected[i] = spec.group != Group::ApisGuru;
        }
    }
    if let Some(seed) = seed {
        for i in sample::sample_indices(guru.len(), options.sample, seed) {
            selected[guru[i]] = true;
        }
    }
    let count = |g: Group| specs.iter().filter(|s| s.group == g).count();
    eprintln!(
        "corpus: {} shared, {} named, {} APIs.guru specs; compile-checking {}{}",
        count(Group::Shared),
        count(Group::Named),
        count(Group::ApisGuru),
        selected.iter().filter(|s| **s).count(),
        seed.map_or_else(String::new, |s| format!(
            " (sample of {} drawn with --seed {s})",
            options.sample.min(guru.len())
        )),
    );

    let crates_dir = work.join("crates");
    let keep: BTreeSet<&str> = specs
        .iter()
        .zip(&selected)
        .filter(|(_, s)| **s)
        .map(|(spec, _)| spec.crate_name.as_str())
        .collect();
    remove_stale_crates(&crates_dir, &keep)?;

    let phase = Instant::now();
    eprintln!("generating {} specs, {jobs} at a time", specs.len());
    let write_to = |i: usize| selected[i].then(|| crates_dir.join(&specs[i].crate_name));
    let pool = Pool {
        jobs,
        timeout: Duration::from_secs(options.timeout),
        slow: SLOW,
        scratch: &work.join("results"),
    };
    let results = generate::generate_all(&specs, &write_to, &pool)?;
    timings.push(("generation", phase.elapsed()));
    eprintln!("generation took {}", report::human(phase.elapsed()));

    let mut rows: Vec<Row> = specs
        .into_iter()
        .zip(results)
        .zip(&selected)
        .map(|((spec, generation), &selected)| Row {
            spec,
            generation,
            selected,
            check: None,
        })
        .collect();

    let mut cargo_error = None;
    if !options.no_compile {
        // Biggest first: cargo tends to start members in this order, and the longest check
        // (GitHub's, minutes) should not be the last to start.
        let mut checked: Vec<&Row> = rows
            .iter()
            .filter(|r| r.selected && matches!(r.generation.status, GenStatus::Generated { .. }))
            .collect();
        checked.sort_by_key(|r| std::cmp::Reverse(r.spec.size));
        let members: Vec<String> = checked.iter().map(|r| r.spec.crate_name.clone()).collect();
        let phase = Instant::now();
        eprintln!("checking {} crates with cargo clippy", members.len());
        let run = check::check_crates(
            &work,
            &members,
            &work.join("target"),
            &root.join("Cargo.lock"),
            jobs,
        )?;
        timings.push(("cargo clippy", phase.elapsed()));
        eprintln!("cargo clippy took {}", report::human(run.elapsed));
        for row in &mut rows {
            if members.contains(&row.spec.crate_name) {
                row.check = Some(
                    run.crates
                        .get(&row.spec.crate_name)
                        .cloned()
                        .unwrap_or_default(),
                );
            }
        }
        cargo_error = run.cargo_error;
    }
    timings.push(("total", started.elapsed()));

    let info = RunInfo {
        command: command_line(),
        seed,
        sample_size: options.sample.min(guru.len()),
        compiled: !options.no_compile,
        jobs,
        timings,
        cargo_error,
    };
    write(&out, &report::markdown(&rows, &info))?;
    write(&work.join("results.tsv"), &report::tsv(&rows))?;
    eprintln!();
    eprint!("{}", report::console(&rows, &info));
    eprintln!(
        "wrote {} and {} in {}",
        out.display(),
        work.join("results.tsv").display(),
        report::human(started.elapsed())
    );

    let verdict = report::verdict(&rows, &info);
    if verdict.panics > 0 {
        eprintln!(
            "FAILED: the generator panicked or crashed on {} spec(s)",
            verdict.panics
        );
        return Ok(ExitCode::FAILURE);
    }
    if !verdict.misses.is_empty() {
        eprintln!("{} target(s) missed:", verdict.misses.len());
        for miss in verdict.misses.iter().take(30) {
            eprintln!("  {miss}");
        }
        if !options.report_only {
            return Ok(ExitCode::FAILURE);
        }
        eprintln!("(--report-only: exiting 0)");
    }
    Ok(ExitCode::SUCCESS)
}

/// The workspace root: xtask's parent directory.
fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

fn is_fetched(dir: &Path) -> bool {
    std::fs::read_dir(dir.join("named")).is_ok_and(|mut entries| entries.next().is_some())
}

/// Runs `../shared/corpus/fetch-specs.sh DIR`.
fn fetch(root: &Path, dir: &Path) -> Result<(), String> {
    let script = root.join("../shared/corpus/fetch-specs.sh");
    eprintln!("fetching the corpus into {}", dir.display());
    let status = Command::new("bash")
        .arg(&script)
        .arg(dir)
        .status()
        .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{} failed: {status}", script.display()))
    }
}

/// Removes crate directories under `dir` that this run does not check, so old samples do not
/// pile up.
fn remove_stale_crates(dir: &Path, keep: &BTreeSet<&str>) -> Result<(), String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !keep.contains(name.to_string_lossy().as_ref()) {
            std::fs::remove_dir_all(entry.path())
                .map_err(|e| format!("cannot remove {}: {e}", entry.path().display()))?;
        }
    }
    Ok(())
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// `cargo xtask corpus ARGS...`, as the report's header quotes it.
fn command_line() -> String {
    let args: Vec<String> = std::env::args().skip(1).collect();
    format!("cargo xtask {}", args.join(" "))
}
