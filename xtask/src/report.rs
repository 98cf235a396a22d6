//! Turning per-spec outcomes into `CORPUS.md` (deterministic order: groups, then spec names;
//! counts, then names, in the tallies), a machine-readable TSV, a console summary, and the
//! pass/fail verdict against the targets.

use crate::check::CheckResult;
use crate::generate::{GenResult, GenStatus};
use crate::specs::{Group, Spec};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::time::Duration;

/// The share of APIs.guru specs that must generate, and of the sample that must compile clean.
pub(crate) const TARGET_RATE: f64 = 0.99;

/// Failures listed one by one in `CORPUS.md` at most (the TSV has them all).
const MAX_LISTED_FAILURES: usize = 300;

/// One spec's row: what happened when generating it and, if it was selected, checking it.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub(crate) spec: Spec,
    pub(crate) generation: GenResult,
    /// Selected for a compile check (named, shared, or in the sample).
    pub(crate) selected: bool,
    /// The check's result, when the crate was generated and checked.
    pub(crate) check: Option<CheckResult>,
}

impl Row {
    fn refused_as_expected(&self) -> bool {
        matches!(
            self.generation.status,
            GenStatus::Failed { swagger2: true, .. }
        ) && self.spec.group != Group::ApisGuru
    }

    fn generated(&self) -> bool {
        matches!(self.generation.status, GenStatus::Generated { .. })
    }

    fn clean(&self) -> bool {
        self.check.as_ref().is_some_and(CheckResult::is_clean)
    }

    /// The step that failed and its first error, if any did.
    fn failure(&self) -> Option<(&'static str, String)> {
        match &self.generation.status {
            GenStatus::Generated { .. } => {}
            GenStatus::Failed { .. } if self.refused_as_expected() => return None,
            GenStatus::Failed {
                kind,
                pointer,
                message,
                ..
            } => return Some(("generate", format!("{kind} at #{pointer}: {message}"))),
            GenStatus::Panicked(message) => return Some(("panic", message.clone())),
            GenStatus::Crashed(message) => return Some(("crash", message.clone())),
            GenStatus::TimedOut => return Some(("timeout", "killed after the timeout".into())),
        }
        let check = self.check.as_ref()?;
        if check.is_clean() {
            None
        } else if let Some(error) = &check.first_error {
            Some(("check", strip_crate_dir(error, &self.spec.crate_name)))
        } else if let Some(warning) = &check.first_warning {
            Some((
                "check (warning)",
                strip_crate_dir(warning, &self.spec.crate_name),
            ))
        } else {
            Some((
                "check",
                "not checked: cargo stopped before this crate".into(),
            ))
        }
    }
}

/// What the run was and how long it took, for the report's header.
#[derive(Debug, Clone)]
pub(crate) struct RunInfo {
    pub(crate) command: String,
    /// `None` when no sample was drawn (`--named-only`, `--no-compile`, `--sample 0`).
    pub(crate) seed: Option<u64>,
    pub(crate) sample_size: usize,
    pub(crate) compiled: bool,
    pub(crate) jobs: usize,
    pub(crate) timings: Vec<(&'static str, Duration)>,
    /// Cargo's own failure, when the check could not run at all.
    pub(crate) cargo_error: Option<String>,
}

/// How the run measured up against the targets.
#[derive(Debug, Clone, Default)]
pub(crate) struct Verdict {
    /// Panics and crashes: always fatal.
    pub(crate) panics: usize,
    /// Every target missed, one line each.
    pub(crate) misses: Vec<String>,
}

struct Tally {
    specs: usize,
    generated: usize,
    refused: usize,
    errors: usize,
    panics: usize,
    timeouts: usize,
    times: Vec<Duration>,
    selected: usize,
    checked: usize,
    clean: usize,
    warnings_only: usize,
    with_errors: usize,
}

fn tally<'a>(rows: impl Iterator<Item = &'a Row>) -> Tally {
    let mut t = Tally {
        specs: 0,
        generated: 0,
        refused: 0,
        errors: 0,
        panics: 0,
        timeouts: 0,
        times: Vec::new(),
        selected: 0,
        checked: 0,
        clean: 0,
        warnings_only: 0,
        with_errors: 0,
    };
    for row in rows {
        t.specs += 1;
        t.times.push(row.generation.elapsed);
        match &row.generation.status {
            GenStatus::Generated { .. } => t.generated += 1,
            GenStatus::Failed { .. } if row.refused_as_expected() => t.refused += 1,
            GenStatus::Failed { .. } => t.errors += 1,
            GenStatus::Panicked(_) | GenStatus::Crashed(_) => t.panics += 1,
            GenStatus::TimedOut => t.timeouts += 1,
        }
        if row.selected {
            t.selected += 1;
        }
        if let Some(check) = row.check.as_ref().filter(|c| c.checked) {
            t.checked += 1;
            if check.errors > 0 {
                t.with_errors += 1;
            } else if check.warnings > 0 {
                t.warnings_only += 1;
            } else {
                t.clean += 1;
            }
        }
    }
    t.times.sort();
    t
}

fn rate(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        1.0
    } else {
        part as f64 / whole as f64
    }
}

/// Judges the run: panics, and every target missed.
pub(crate) fn verdict(rows: &[Row], info: &RunInfo) -> Verdict {
    let mut v = Verdict {
        panics: rows.iter().filter(|r| r.generation.is_panic()).count(),
        ..Verdict::default()
    };
    for row in rows.iter().filter(|r| r.spec.group != Group::ApisGuru) {
        if row.refused_as_expected() {
            continue;
        }
        if !row.generated() {
            v.misses
                .push(format!("{} does not generate", row.spec.name));
        } else if info.compiled && !row.clean() {
            v.misses
                .push(format!("{} does not compile clean", row.spec.name));
        }
    }
    let guru = tally(rows.iter().filter(|r| r.spec.group == Group::ApisGuru));
    if guru.specs > 0 && rate(guru.generated, guru.specs) < TARGET_RATE {
        v.misses.push(format!(
            "APIs.guru generation rate {:.1}% is below {:.0}%",
            100.0 * rate(guru.generated, guru.specs),
            100.0 * TARGET_RATE
        ));
    }
    if guru.selected > 0 && rate(guru.clean, guru.selected) < TARGET_RATE {
        v.misses.push(format!(
            "APIs.guru sample compile rate {:.1}% is below {:.0}%",
            100.0 * rate(guru.clean, guru.selected),
            100.0 * TARGET_RATE
        ));
    }
    if let Some(error) = &info.cargo_error {
        v.misses
            .push(format!("cargo clippy could not run: {error}"));
    }
    v
}

/// `CORPUS.md`.
pub(crate) fn markdown(rows: &[Row], info: &RunInfo) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# Corpus results\n");
    let _ = writeln!(
        md,
        "Written by `{}` (`cargo xtask corpus --help`); rerun it rather than editing this file. \
         The corpus is fetched by `../shared/corpus/fetch-specs.sh`.\n",
        info.command
    );
    let timings: Vec<String> = info
        .timings
        .iter()
        .map(|(what, d)| format!("{what} {}", human(*d)))
        .collect();
    let _ = writeln!(md, "- Time: {} ({} jobs).", timings.join(", "), info.jobs);
    match info.seed {
        Some(seed) => {
            let _ = writeln!(
                md,
                "- Sample: {} APIs.guru specs drawn with seed {seed} (`--sample {} --seed {seed}` reproduces it).",
                info.sample_size, info.sample_size
            );
        }
        None => {
            let _ = writeln!(md, "- Sample: none drawn.");
        }
    }
    let _ = writeln!(
        md,
        "- \"Clean\" means `cargo clippy` (rustc's and clippy's default lints) reports no error and no warning in the generated crate."
    );
    targets_section(&mut md, rows, info);
    summary_section(&mut md, rows, info);
    named_section(&mut md, rows, info);
    pagination_section(&mut md, rows);
    categories_section(&mut md, rows);
    warnings_section(&mut md, rows);
    compiler_section(&mut md, rows);
    failures_section(&mut md, rows);
    md
}

fn targets_section(md: &mut String, rows: &[Row], info: &RunInfo) {
    let verdict = verdict(rows, info);
    let _ = writeln!(md, "\n## Targets\n");
    let mark = |ok: bool| if ok { "✅" } else { "❌" };
    let _ = writeln!(
        md,
        "- {} No panics: {} panicked or crashed.",
        mark(verdict.panics == 0),
        verdict.panics
    );
    let pinned: Vec<&Row> = rows
        .iter()
        .filter(|r| r.spec.group != Group::ApisGuru)
        .collect();
    let t = tally(pinned.iter().copied());
    let should = t.specs - t.refused;
    let _ = writeln!(
        md,
        "- {} Shared and named specs: {}/{should} generate{}{}.",
        mark(t.generated == should && (!info.compiled || t.clean == should)),
        t.generated,
        if info.compiled {
            format!(", {}/{should} compile clean", t.clean)
        } else {
            String::new()
        },
        if t.refused > 0 {
            format!(" ({} Swagger 2.0 refused, as it should be)", t.refused)
        } else {
            String::new()
        }
    );
    let guru = tally(rows.iter().filter(|r| r.spec.group == Group::ApisGuru));
    if guru.specs > 0 {
        let r = rate(guru.generated, guru.specs);
        let _ = writeln!(
            md,
            "- {} APIs.guru: {}/{} generate ({:.1}%, target ≥ {:.0}%).",
            mark(r >= TARGET_RATE),
            guru.generated,
            guru.specs,
            100.0 * r,
            100.0 * TARGET_RATE
        );
    }
    if guru.selected > 0 {
        let r = rate(guru.clean, guru.selected);
        let _ = writeln!(
            md,
            "- {} APIs.guru sample: {}/{} compile clean ({:.1}%, target ≥ {:.0}%).",
            mark(r >= TARGET_RATE),
            guru.clean,
            guru.selected,
            100.0 * r,
            100.0 * TARGET_RATE
        );
    }
    if let Some(error) = &info.cargo_error {
        let _ = writeln!(md, "- ❌ cargo clippy could not run: {}", cell(error));
    }
}

fn summary_section(md: &mut String, rows: &[Row], info: &RunInfo) {
    let _ = writeln!(md, "\n## Generation\n");
    let _ = writeln!(
        md,
        "| group | specs | generated | refused (Swagger 2.0) | errors | panics | timeouts | time p50 | time max |"
    );
    let _ = writeln!(md, "|---|--:|--:|--:|--:|--:|--:|--:|--:|");
    let mut compile_rows = Vec::new();
    for group in Group::ALL {
        let t = tally(rows.iter().filter(|r| r.spec.group == group));
        if t.specs == 0 {
            continue;
        }
        let p50 = t.times.get(t.times.len() / 2).copied().unwrap_or_default();
        let max = t.times.last().copied().unwrap_or_default();
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            group.label(),
            t.specs,
            t.generated,
            t.refused,
            t.errors,
            t.panics,
            t.timeouts,
            human(p50),
            human(max)
        );
        if t.selected > 0 {
            compile_rows.push(format!(
                "| {}{} | {} | {} | {} | {} | {} | {} | {:.1}% |",
                group.label(),
                if group == Group::ApisGuru {
                    " (sample)"
                } else {
                    ""
                },
                t.selected,
                t.selected - t.checked,
                t.checked,
                t.clean,
                t.warnings_only,
                t.with_errors,
                100.0 * rate(t.clean, t.selected - t.refused),
            ));
        }
    }
    if info.compiled && !compile_rows.is_empty() {
        let _ = writeln!(md, "\n## Compile check\n");
        let _ = writeln!(
            md,
            "| group | selected | not generated or not checked | checked | clean | warnings only | errors | clean rate |"
        );
        let _ = writeln!(md, "|---|--:|--:|--:|--:|--:|--:|--:|");
        for row in compile_rows {
            let _ = writeln!(md, "{row}");
        }
    }
}

/// How many operations got a paginator, by the rule that recognised them, across the corpus and
/// in the shared and named specs.
fn pagination_section(md: &mut String, rows: &[Row]) {
    let mut by_rule: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    let mut named: Vec<(&str, usize, String)> = Vec::new();
    for row in rows {
        let GenStatus::Generated { paginated, .. } = &row.generation.status else {
            continue;
        };
        for (rule, n) in paginated {
            let entry = by_rule.entry(rule.as_str()).or_default();
            entry.0 += n;
            entry.1 += 1;
            if row.spec.group != Group::ApisGuru {
                entry.2 += n;
            }
        }
        if row.spec.group != Group::ApisGuru && !paginated.is_empty() {
            let rules: Vec<String> = paginated.iter().map(|(r, n)| format!("{r} {n}")).collect();
            named.push((&row.spec.name, paginated.values().sum(), rules.join(", ")));
        }
    }
    let _ = writeln!(md, "\n## Pagination\n");
    let _ = writeln!(
        md,
        "Operations whose calls gained `.pages()` and `.items()`, by the rule that recognised them (README, \"Lists: every page, lazily\")."
    );
    let _ = writeln!(md);
    let _ = writeln!(
        md,
        "| rule | operations | specs | of which shared and named |"
    );
    let _ = writeln!(md, "|---|--:|--:|--:|");
    let mut total = (0, 0);
    for (rule, (operations, specs, pinned)) in &by_rule {
        total.0 += operations;
        total.1 += pinned;
        let _ = writeln!(md, "| {rule} | {operations} | {specs} | {pinned} |");
    }
    let _ = writeln!(md, "| all | {} | | {} |", total.0, total.1);
    if !named.is_empty() {
        let _ = writeln!(
            md,
            "\n| shared or named spec | paginated operations | rules |"
        );
        let _ = writeln!(md, "|---|--:|---|");
        for (name, n, rules) in named {
            let _ = writeln!(md, "| {name} | {n} | {rules} |");
        }
    }
}

fn named_section(md: &mut String, rows: &[Row], info: &RunInfo) {
    let _ = writeln!(md, "\n## Shared and named specs\n");
    let _ = writeln!(
        md,
        "| spec | operations | types | warnings | generation | check | check time |"
    );
    let _ = writeln!(md, "|---|--:|--:|--:|--:|---|--:|");
    for row in rows.iter().filter(|r| r.spec.group != Group::ApisGuru) {
        let (operations, types, warnings) = match &row.generation.status {
            GenStatus::Generated {
                operations,
                types,
                warnings,
                ..
            } => (
                operations.to_string(),
                types.to_string(),
                warnings.len().to_string(),
            ),
            _ => ("—".into(), "—".into(), "—".into()),
        };
        let generation = match &row.generation.status {
            GenStatus::Generated { .. } => human(row.generation.elapsed),
            GenStatus::Failed { .. } if row.refused_as_expected() => "refused (expected)".into(),
            GenStatus::Failed { .. } => "error".into(),
            GenStatus::Panicked(_) => "PANIC".into(),
            GenStatus::Crashed(_) => "CRASH".into(),
            GenStatus::TimedOut => "timeout".into(),
        };
        let (check, time) = match &row.check {
            _ if !info.compiled => ("not run".into(), "—".into()),
            None => ("—".into(), "—".into()),
            Some(c) => (check_summary(c), c.time.map_or_else(|| "—".into(), human)),
        };
        let _ = writeln!(
            md,
            "| {} | {operations} | {types} | {warnings} | {generation} | {check} | {time} |",
            row.spec.name
        );
    }
}

fn check_summary(c: &CheckResult) -> String {
    if !c.checked {
        return "not checked".into();
    }
    match (c.errors, c.warnings) {
        (0, 0) => "clean".into(),
        (0, w) => format!("{w} warning{}", plural(w)),
        (e, 0) => format!("{e} error{}", plural(e)),
        (e, w) => format!("{e} error{}, {w} warning{}", plural(e), plural(w)),
    }
}

fn categories_section(md: &mut String, rows: &[Row]) {
    let mut categories: BTreeMap<(&str, String), Vec<&str>> = BTreeMap::new();
    for row in rows {
        if let Some((step, error)) = row.failure() {
            categories
                .entry((step, category(&error)))
                .or_default()
                .push(&row.spec.name);
        }
    }
    if categories.is_empty() {
        return;
    }
    let _ = writeln!(md, "\n## Failure categories\n");
    let _ = writeln!(
        md,
        "First errors grouped after replacing names, quoted text and numbers with `…`.\n"
    );
    let _ = writeln!(md, "| specs | step | first error | for example |");
    let _ = writeln!(md, "|--:|---|---|---|");
    let mut sorted: Vec<_> = categories.into_iter().collect();
    sorted.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
    for ((step, category), specs) in sorted {
        let examples: Vec<&str> = specs.iter().take(3).copied().collect();
        let _ = writeln!(
            md,
            "| {} | {step} | {} | {} |",
            specs.len(),
            cell(&category),
            examples.join(", ")
        );
    }
}

fn warnings_section(md: &mut String, rows: &[Row]) {
    // kind → (warnings, specs, first example)
    let mut kinds: BTreeMap<&str, (usize, BTreeSet<&str>, String)> = BTreeMap::new();
    for row in rows {
        if let GenStatus::Generated { warnings, .. } = &row.generation.status {
            for w in warnings {
                let entry = kinds.entry(&w.kind).or_insert_with(|| {
                    (
                        0,
                        BTreeSet::new(),
                        format!("{} `#{}`: {}", row.spec.name, w.pointer, w.message),
                    )
                });
                entry.0 += 1;
                entry.1.insert(&row.spec.name);
            }
        }
    }
    let _ = writeln!(md, "\n## Generator warnings by kind\n");
    if kinds.is_empty() {
        let _ = writeln!(md, "None.");
        return;
    }
    let _ = writeln!(md, "| kind | warnings | specs | for example |");
    let _ = writeln!(md, "|---|--:|--:|---|");
    let mut sorted: Vec<_> = kinds.into_iter().collect();
    sorted.sort_by(|a, b| b.1.0.cmp(&a.1.0).then_with(|| a.0.cmp(b.0)));
    for (kind, (count, specs, example)) in sorted {
        let _ = writeln!(
            md,
            "| {kind} | {count} | {} | {} |",
            specs.len(),
            cell(&example)
        );
    }
}

fn compiler_section(md: &mut String, rows: &[Row]) {
    let mut codes: BTreeMap<&(String, String), (usize, usize)> = BTreeMap::new();
    for check in rows.iter().filter_map(|r| r.check.as_ref()) {
        for (code, count) in &check.codes {
            let entry = codes.entry(code).or_default();
            entry.0 += count;
            entry.1 += 1;
        }
    }
    if codes.is_empty() {
        return;
    }
    let _ = writeln!(md, "\n## Compiler diagnostics in the checked crates\n");
    let _ = writeln!(md, "| level | code | count | crates |");
    let _ = writeln!(md, "|---|---|--:|--:|");
    let mut sorted: Vec<_> = codes.into_iter().collect();
    sorted.sort_by(|a, b| b.1.0.cmp(&a.1.0).then_with(|| a.0.cmp(b.0)));
    for ((level, code), (count, crates)) in sorted {
        let _ = writeln!(md, "| {level} | {code} | {count} | {crates} |");
    }
}

fn failures_section(md: &mut String, rows: &[Row]) {
    let failures: Vec<(&Row, &str, String)> = rows
        .iter()
        .filter_map(|r| r.failure().map(|(step, error)| (r, step, error)))
        .collect();
    let _ = writeln!(md, "\n## Failures\n");
    if failures.is_empty() {
        let _ = writeln!(md, "None.");
        return;
    }
    let _ = writeln!(md, "| spec | step | first error |");
    let _ = writeln!(md, "|---|---|---|");
    for (row, step, error) in failures.iter().take(MAX_LISTED_FAILURES) {
        let sampled = if row.selected && row.spec.group == Group::ApisGuru {
            " (in the sample)"
        } else {
            ""
        };
        let _ = writeln!(
            md,
            "| {}{sampled} | {step} | {} |",
            row.spec.name,
            cell(error)
        );
    }
    if failures.len() > MAX_LISTED_FAILURES {
        let _ = writeln!(
            md,
            "\n…and {} more: see `target/corpus/results.tsv`.",
            failures.len() - MAX_LISTED_FAILURES
        );
    }
}

/// One line per spec, tab-separated, for tools: name, group, generation status, milliseconds,
/// operations, warnings, selected for a check, check, first error.
pub(crate) fn tsv(rows: &[Row]) -> String {
    let mut out = String::from(
        "spec\tgroup\tgeneration\tms\toperations\twarnings\tselected\tcheck\tfirst_error\n",
    );
    for row in rows {
        let (status, operations, warnings) = match &row.generation.status {
            GenStatus::Generated {
                operations,
                warnings,
                ..
            } => ("generated", *operations, warnings.len()),
            GenStatus::Failed { swagger2: true, .. } => ("refused-swagger2", 0, 0),
            GenStatus::Failed { .. } => ("error", 0, 0),
            GenStatus::Panicked(_) => ("panic", 0, 0),
            GenStatus::Crashed(_) => ("crash", 0, 0),
            GenStatus::TimedOut => ("timeout", 0, 0),
        };
        let check = row.check.as_ref().map_or_else(|| "-".into(), check_summary);
        let error = row
            .failure()
            .map(|(step, e)| format!("{step}: {e}"))
            .unwrap_or_default()
            .replace(['\t', '\n'], " ");
        let _ = writeln!(
            out,
            "{}\t{:?}\t{status}\t{}\t{operations}\t{warnings}\t{}\t{check}\t{error}",
            row.spec.name,
            row.spec.group,
            row.generation.elapsed.as_millis(),
            row.selected
        );
    }
    out
}

/// A few lines for the console: the targets, and the top failure categories.
pub(crate) fn console(rows: &[Row], info: &RunInfo) -> String {
    let md = markdown(rows, info);
    let mut out = String::new();
    let mut section = "";
    let mut category_lines = 0;
    for line in md.lines() {
        if let Some(title) = line.strip_prefix("## ") {
            section = title;
            continue;
        }
        match section {
            "Targets" if !line.is_empty() => {
                let _ = writeln!(out, "{line}");
            }
            "Failure categories" if line.starts_with("| ") && category_lines < 12 => {
                if category_lines == 0 {
                    let _ = writeln!(out, "top failure categories (specs | step | first error):");
                }
                category_lines += 1;
                if category_lines > 1 {
                    let _ = writeln!(out, "  {line}");
                }
            }
            _ => {}
        }
    }
    out
}

/// Groups first errors: drops a `file:line:col: ` prefix, and replaces `code`, "quoted" text,
/// JSON pointers and numbers with `…`.
pub(crate) fn category(error: &str) -> String {
    let line = error.lines().next().unwrap_or_default();
    let line = match (line.find(": error"), line.find(": warning")) {
        (Some(i), _) | (None, Some(i)) if line[..i].contains(".rs:") => &line[i + 2..],
        _ => line,
    };
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '`' | '"' => {
                let mut closed = false;
                for d in chars.by_ref() {
                    if d == c {
                        closed = true;
                        break;
                    }
                }
                out.push(c);
                out.push('…');
                if closed {
                    out.push(c);
                }
            }
            '#' if chars.peek() == Some(&'/') => {
                while chars
                    .peek()
                    .is_some_and(|d| !d.is_whitespace() && *d != ':')
                {
                    chars.next();
                }
                out.push_str("#/…");
            }
            d if d.is_ascii_digit() => {
                while chars
                    .peek()
                    .is_some_and(|d| d.is_ascii_digit() || *d == '.')
                {
                    chars.next();
                }
                if !out.ends_with('…') {
                    out.push('…');
                }
            }
            _ => out.push(c),
        }
    }
    out
}

fn strip_crate_dir(line: &str, crate_name: &str) -> String {
    line.strip_prefix(&format!("crates/{crate_name}/"))
        .unwrap_or(line)
        .to_owned()
}

/// A Markdown table cell: one line, `|` escaped, at most 240 characters.
fn cell(text: &str) -> String {
    let one_line = text.lines().next().unwrap_or_default().replace('|', "\\|");
    if one_line.chars().count() > 240 {
        let cut: String = one_line.chars().take(239).collect();
        format!("{cut}…")
    } else {
        one_line
    }
}

/// `850 µs`, `12 ms`, `3.4 s`, `2 min 05 s`.
pub(crate) fn human(d: Duration) -> String {
    let secs = d.as_secs_f64();
    if secs < 0.001 {
        format!("{} µs", d.as_micros())
    } else if secs < 1.0 {
        format!("{} ms", d.as_millis())
    } else if secs < 120.0 {
        format!("{secs:.1} s")
    } else {
        format!("{} min {:02} s", d.as_secs() / 60, d.as_secs() % 60)
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_group_similar_errors() {
        assert_eq!(
            category("src/types.rs:10:5: error[E0425]: cannot find type `FooBar` in this scope"),
            "error[E…]: cannot find type `…` in this scope"
        );
        assert_eq!(
            category("invalid-spec at #/paths/~1a/get: expected \"x\" at line 3"),
            "invalid-spec at #/…: expected \"…\" at line …"
        );
        assert_eq!(
            category("unsupported-version at #/openapi: OpenAPI 3.1.0 is not supported yet"),
            "unsupported-version at #/…: OpenAPI … is not supported yet"
        );
    }

    #[test]
    fn cells_stay_on_one_line() {
        assert_eq!(cell("a | b\nc"), "a \\| b");
        assert_eq!(cell(&"x".repeat(300)).chars().count(), 240);
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(human(Duration::from_micros(850)), "850 µs");
        assert_eq!(human(Duration::from_millis(12)), "12 ms");
        assert_eq!(human(Duration::from_millis(3_450)), "3.5 s");
        assert_eq!(human(Duration::from_secs(125)), "2 min 05 s");
    }
}
