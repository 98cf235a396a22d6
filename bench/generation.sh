#!/usr/bin/env bash
# Generation time, `cargo check` time and size of the generated crate: codeqr-codegen beside
# progenitor (cargo-progenitor from crates.io, installed here into target/bench-tools; it is not a
# dependency of the project), on Dub, Oxide Nexus, Stripe and GitHub.
#
# Every comparison is a ratio measured in this one run, with the repetitions interleaved
# (ours, progenitor, ours, progenitor, ...), so that a machine loaded by something else slows both
# alike. Absolute seconds are only meaningful beside the load average printed with them.
#
# Usage: bash bench/generation.sh            (from anywhere; about 40 minutes on 2 cores)
# Knobs (environment):
#   SPECS="dub nexus stripe github"   which specs
#   GEN_REPS_SMALL=5 GEN_REPS_LARGE=3  generation repetitions (small: Dub, Nexus; large: Stripe, GitHub)
#   CHECK_REPS_SMALL=2 CHECK_REPS_LARGE=1  timed `cargo check` repetitions
#   SKIP_CHECK=1                       skip the `cargo check` part
#   GITHUB_FEATURE=repos               also check GitHub's crate with only this tag's feature
#   CHECK_TIMEOUT=2400                 seconds before one `cargo check` is given up
#   CORPUS=target/openapi-corpus       where the corpus specs are (fetched if missing)
#   OURS_BIN=path                      use this codeqr-codegen binary instead of building the work tree's
# Output: the markdown tables on stdout and in target/bench/results.md; every sample in
# target/bench/samples.tsv; the logs of every command under target/bench/logs/.
set -uo pipefail
export LC_ALL=C CARGO_TERM_COLOR=never
# A timed check must check the whole crate, not replay an incremental cache of the untouched file.
export CARGO_INCREMENTAL=0
export RUST_BACKTRACE=0

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 1

SPECS="${SPECS:-dub nexus stripe github}"
GEN_REPS_SMALL="${GEN_REPS_SMALL:-5}"
GEN_REPS_LARGE="${GEN_REPS_LARGE:-3}"
CHECK_REPS_SMALL="${CHECK_REPS_SMALL:-2}"
CHECK_REPS_LARGE="${CHECK_REPS_LARGE:-1}"
SKIP_CHECK="${SKIP_CHECK:-0}"
CHECK_TIMEOUT="${CHECK_TIMEOUT:-2400}"
CORPUS="${CORPUS:-target/openapi-corpus}"
GITHUB_FEATURE="${GITHUB_FEATURE:-repos}"
PROGENITOR_VERSION="${PROGENITOR_VERSION:-}" # empty: the newest on crates.io

LOAD_START="$(uptime | sed 's/.*load average: //')"
B=target/bench
TOOLS=target/bench-tools
mkdir -p "$B/logs" "$B/bin" "$TOOLS"
SAMPLES="$B/samples.tsv"
printf 'kind\tspec\tgenerator\trep\twall_s\tcpu_s\tstatus\tpeak_kb\n' > "$SAMPLES"
say() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

spec_path() {
  case "$1" in
    dub) echo "$ROOT/../shared/specs/dub-openapi.json" ;;
    nexus) echo "$ROOT/../shared/specs/oxide-nexus.json" ;;
    stripe) echo "$CORPUS/named/apisguru-stripe.com.json" ;;
    github) echo "$CORPUS/named/github-rest-3.0.json" ;;
    *) echo "unknown spec $1" >&2; exit 2 ;;
  esac
}
spec_label() {
  case "$1" in dub) echo Dub ;; nexus) echo "Oxide Nexus" ;; stripe) echo Stripe ;; github) echo "GitHub REST" ;; esac
}
is_large() { [[ "$1" == stripe || "$1" == github ]]; }

# ---- inputs and tools --------------------------------------------------------------------------
for s in $SPECS; do
  if [[ ! -f "$(spec_path "$s")" ]]; then
    say "fetching the corpus into $CORPUS (missing $(spec_path "$s"))"
    bash "$ROOT/../shared/corpus/fetch-specs.sh" "$CORPUS" || { say "cannot fetch the corpus"; exit 1; }
    break
  fi
done

PROG="$TOOLS/bin/cargo-progenitor"
if [[ ! -x "$PROG" ]]; then
  say "installing cargo-progenitor into $TOOLS (once)"
  cargo install cargo-progenitor --locked --root "$TOOLS" ${PROGENITOR_VERSION:+--version "$PROGENITOR_VERSION"} \
    > "$B/logs/install-progenitor.log" 2>&1 || { say "cargo install cargo-progenitor failed, see $B/logs/install-progenitor.log"; exit 1; }
fi
PROG_VER=""
PROG_VER="${PROG_VER:-$(cargo install --list --root "$TOOLS" | grep -m1 '^cargo-progenitor' | tr -d :)}"

if [[ -n "${OURS_BIN:-}" ]]; then
  # A generator binary built elsewhere (e.g. from another commit), used as it is.
  cp "$OURS_BIN" "$B/bin/codeqr-codegen" || exit 1
  OURS_REV="binary $OURS_BIN"
else
  say "building codeqr-codegen (release)"
  # Others may rebuild the workspace while this runs: retry a broken build a few times, then use a
  # private copy of the binary so that every repetition runs the same one.
  for attempt in 1 2 3 4 5; do
    if cargo build --release -p codeqr-codegen > "$B/logs/build-ours.log" 2>&1; then break; fi
    [[ $attempt == 5 ]] && { say "cargo build failed 5 times, see $B/logs/build-ours.log"; exit 1; }
    say "build failed (attempt $attempt), retrying in 60 s"; sleep 60
  done
  cp target/release/codeqr-codegen "$B/bin/codeqr-codegen"
  OURS_REV="commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- generator 2>/dev/null || echo ' + uncommitted changes in generator/')"
fi
OURS="$B/bin/codeqr-codegen"
OURS_REV="$OURS_REV (binary sha256 $(sha256sum "$OURS" | cut -c1-12))"

# ---- helpers -----------------------------------------------------------------------------------
ELAPSED=0 CPU=0 PEAK_KB=0
# timed LOG CMD...: runs CMD with its output in LOG; sets ELAPSED (wall seconds), CPU (user +
# system seconds of CMD and its children: less sensitive to a loaded machine than wall time, as
# long as CMD is single-threaded) and PEAK_KB (GNU time's maximum resident set size: that of the
# largest process among CMD and the children it waited for, here rustc); returns CMD's status.
timed() {
  local log="$1"; shift
  local tf rc u sy
  tf=$(mktemp)
  /usr/bin/time -o "$tf" -f '%e %U %S %M' "$@" > "$log" 2>&1
  rc=$?
  read -r ELAPSED u sy PEAK_KB < <(tail -n1 "$tf")
  CPU=$(awk -v u="$u" -v s="$sy" 'BEGIN { printf "%.3f", u + s }')
  rm -f "$tf"
  return $rc
}
median() { # numbers as arguments
  [[ $# -eq 0 ]] && { echo "-"; return; }
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) printf "%.3f", v[(NR + 1) / 2]; else printf "%.3f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() { # a / b, or "-"
  [[ "$1" == "-" || "$2" == "-" ]] && { echo "-"; return; }
  awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f×", a / b; else print "-" }'
}
fmt_s() { [[ "$1" == "-" ]] && echo "-" || awk -v a="$1" 'BEGIN { printf "%.2f s", a }'; }
# The first telling line of a failure: a panic's message rather than its "panicked at" line.
first_error() {
  awk '
    /panicked at/ { getline msg; print "panics: " msg; found = 1; exit }
    /^gen fail:/ && !g { g = $0 }
    /^error(\[E[0-9]+\])?:/ && !e { e = $0 }
    /^Error/ && !E { E = $0 }
    NF && !any { any = $0 }
    END { if (found) exit; if (g) print g; else if (e) print e; else if (E) print E; else print any }
  ' "$1" | head -n1 | cut -c1-160 | sed 's/|/\\|/g'
}

declare -A GEN_SAMPLES GEN_CPU GEN_FAIL CHECK_SAMPLES CHECK_CPU CHECK_PEAK CHECK_FAIL

# ---- generation --------------------------------------------------------------------------------
for s in $SPECS; do
  spec="$(spec_path "$s")"
  reps=$GEN_REPS_SMALL; is_large "$s" && reps=$GEN_REPS_LARGE
  say "generation: $s ($reps interleaved repetitions)"
  for rep in $(seq 1 "$reps"); do
    for g in ours progenitor; do
      [[ -n "${GEN_FAIL[$g,$s]:-}" ]] && continue
      out="$B/gen/$g/$s"
      rm -rf "$out"; mkdir -p "$(dirname "$out")"
      log="$B/logs/gen-$g-$s-$rep.log"
      if [[ $g == ours ]]; then timed "$log" "$OURS" generate --spec "$spec" --out "$out" --crate-name "${s}_sdk" -q
      else timed "$log" "$PROG" progenitor -i "$spec" -o "$out" -n "${s}-sdk" -v 0.1.0; fi
      rc=$?
      if [[ $rc -ne 0 ]]; then
        GEN_FAIL[$g,$s]="fails: $(first_error "$log")"
        printf 'gen\t%s\t%s\t%s\t%s\t%s\tfail\t%s\n' "$s" "$g" "$rep" "$ELAPSED" "$CPU" "$PEAK_KB" >> "$SAMPLES"
        say "  $g failed on $s: ${GEN_FAIL[$g,$s]}"
        continue
      fi
      GEN_SAMPLES[$g,$s]="${GEN_SAMPLES[$g,$s]:-} $ELAPSED"
      GEN_CPU[$g,$s]="${GEN_CPU[$g,$s]:-} $CPU"
      printf 'gen\t%s\t%s\t%s\t%s\t%s\tok\t%s\n' "$s" "$g" "$rep" "$ELAPSED" "$CPU" "$PEAK_KB" >> "$SAMPLES"
      say "  rep $rep $g ${ELAPSED}s (cpu ${CPU}s)"
    done
  done
  # progenitor's crate names no workspace of its own: give it an empty one so that it builds
  # inside this repository's tree (ours writes one already). Not part of the timed generation.
  pc="$B/gen/progenitor/$s/Cargo.toml"
  if [[ -z "${GEN_FAIL[progenitor,$s]:-}" && -f "$pc" ]] && ! grep -q '^\[workspace\]' "$pc"; then
    printf '\n[workspace]\n' >> "$pc"
  fi
done

# ---- size --------------------------------------------------------------------------------------
declare -A LINES DOCS
for s in $SPECS; do
  for g in ours progenitor; do
    [[ -n "${GEN_FAIL[$g,$s]:-}" ]] && continue
    files=$(find "$B/gen/$g/$s" -name '*.rs' -type f)
    [[ -z "$files" ]] && continue
    # shellcheck disable=SC2086
    LINES[$g,$s]=$(cat $files | wc -l)
    # shellcheck disable=SC2086
    DOCS[$g,$s]=$(cat $files | grep -cE '^[[:space:]]*(///|//!)')
  done
done

# ---- cargo check -------------------------------------------------------------------------------
# What is checked: each spec's crate, and GitHub's again with only one tag's cargo feature
# (`github+repos`: ours only, progenitor has no features), and with every feature (`github+all`).
CHECKS=""
for s in $SPECS; do
  CHECKS="$CHECKS $s"
  # And with every feature: `other-schemas` (the schemas no operation reaches) is off by default.
  [[ $s == github ]] && CHECKS="$CHECKS github+all"
  [[ $s == github && -n "$GITHUB_FEATURE" ]] && CHECKS="$CHECKS github+$GITHUB_FEATURE"
done
base_of() { echo "${1%%+*}"; }
check_flags() {
  case "$1" in
    *+all) echo "--all-features" ;;
    *+*) echo "--no-default-features --features ${1#*+}" ;;
  esac
}
check_label() {
  case "$1" in
    *+all) echo "$(spec_label "$(base_of "$1")"), every feature" ;;
    *+*) echo "$(spec_label "$(base_of "$1")"), only \`${1#*+}\`" ;;
    *) spec_label "$1" ;;
  esac
}
check_crate_timed() { # LOG GEN CHECK
  local b; b=$(base_of "$3")
  # shellcheck disable=SC2046
  timed "$1" env -C "$B/gen/$2/$b" CARGO_TARGET_DIR="$ROOT/$B/$2-target" \
    timeout "$CHECK_TIMEOUT" cargo check $(check_flags "$3")
}
skip_check() { # GEN CHECK -> true when there is nothing to check
  local b; b=$(base_of "$2")
  [[ -n "${GEN_FAIL[$1,$b]:-}" ]] && return 0
  [[ "$2" == *+* && $1 == progenitor ]] && return 0
  return 1
}
if [[ "$SKIP_CHECK" != 1 ]]; then
  # Warm each generator's shared target directory: dependencies compile here, untimed for the table.
  for c in $CHECKS; do
    for g in ours progenitor; do
      skip_check "$g" "$c" && continue
      say "cargo check (warm-up, compiles dependencies): $g $c"
      if ! check_crate_timed "$B/logs/check-warm-$g-$c.log" "$g" "$c"; then
        CHECK_FAIL[$g,$c]="does not compile: $(first_error "$B/logs/check-warm-$g-$c.log")"
        say "  ${CHECK_FAIL[$g,$c]}"
      fi
      say "  ${ELAPSED}s"
    done
  done
  # Timed: the crate alone (touch src/lib.rs, dependencies already checked), interleaved.
  for c in $CHECKS; do
    reps=$CHECK_REPS_SMALL; is_large "$(base_of "$c")" && reps=$CHECK_REPS_LARGE
    for rep in $(seq 1 "$reps"); do
      for g in ours progenitor; do
        skip_check "$g" "$c" && continue
        [[ -n "${CHECK_FAIL[$g,$c]:-}" ]] && continue
        touch "$B/gen/$g/$(base_of "$c")/src/lib.rs"
        say "cargo check (timed, rep $rep): $g $c"
        if check_crate_timed "$B/logs/check-$g-$c-$rep.log" "$g" "$c"; then
          CHECK_SAMPLES[$g,$c]="${CHECK_SAMPLES[$g,$c]:-} $ELAPSED"
          CHECK_CPU[$g,$c]="${CHECK_CPU[$g,$c]:-} $CPU"
          CHECK_PEAK[$g,$c]="${CHECK_PEAK[$g,$c]:-} $PEAK_KB"
          printf 'check\t%s\t%s\t%s\t%s\t%s\tok\t%s\n' "$c" "$g" "$rep" "$ELAPSED" "$CPU" "$PEAK_KB" >> "$SAMPLES"
          say "  ${ELAPSED}s (cpu ${CPU}s, peak $((PEAK_KB / 1024)) MB)"
        else
          CHECK_FAIL[$g,$c]="fails: $(first_error "$B/logs/check-$g-$c-$rep.log")"
          printf 'check\t%s\t%s\t%s\t%s\t%s\tfail\t%s\n' "$c" "$g" "$rep" "$ELAPSED" "$CPU" "$PEAK_KB" >> "$SAMPLES"
        fi
      done
    done
  done
fi

# ---- report ------------------------------------------------------------------------------------
cell_time() { # KIND(gen|check) GEN SPEC -> "median" or failure text
  local kind=$1 g=$2 s=$3 fail samples
  fail="${GEN_FAIL[$g,$s]:-}"
  [[ $kind == check && -z "$fail" ]] && fail="${CHECK_FAIL[$g,$s]:-}"
  if [[ -n "$fail" ]]; then echo "$fail"; return; fi
  if [[ $kind == gen ]]; then samples="${GEN_SAMPLES[$g,$s]:-}"; else samples="${CHECK_SAMPLES[$g,$s]:-}"; fi
  # shellcheck disable=SC2086
  median $samples
}
cpu_median() { # KIND GEN SPEC -> median CPU seconds or "-"
  local samples
  if [[ $1 == gen ]]; then samples="${GEN_CPU[$2,$3]:-}"; else samples="${CHECK_CPU[$2,$3]:-}"; fi
  # shellcheck disable=SC2086
  median $samples
}
cpu_cells() { # KIND SPEC -> "ours s | progenitor s | ratio"
  local o p
  o=$(cpu_median "$1" ours "$2"); p=$(cpu_median "$1" progenitor "$2")
  echo "$(fmt_s "$o") | $(fmt_s "$p") | $(ratio "$p" "$o")"
}
n_of() { # KIND GEN SPEC -> number of samples
  local samples
  if [[ $1 == gen ]]; then samples="${GEN_SAMPLES[$2,$3]:-}"; else samples="${CHECK_SAMPLES[$2,$3]:-}"; fi
  # shellcheck disable=SC2086
  set -- $samples; echo $#
}
is_num() { [[ "$1" =~ ^[0-9.]+$ ]]; }
ratio_of() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f×", a / b; else print "-" }'; }
peak_cell() { # GEN CHECK -> the largest peak of its samples, in MB
  local samples="${CHECK_PEAK[$1,$2]:-}"
  [[ -z "${samples// /}" ]] && { echo "-"; return; }
  # shellcheck disable=SC2086
  printf '%s\n' $samples | sort -g | tail -n1 | awk '{ printf "%.0f MB", $1 / 1024 }'
}
show() { is_num "$1" && fmt_s "$1" || echo "$1"; }
size_cell() { # GEN SPEC
  local l="${LINES[$1,$2]:-}" d="${DOCS[$1,$2]:-}"
  [[ -z "$l" ]] && { echo "-"; return; }
  awk -v l="$l" -v d="$d" '
    function commas(n,  t) { t = ""; while (n >= 1000) { t = sprintf(",%03d", n % 1000) t; n = int(n / 1000) } return n t }
    BEGIN { printf "%s lines, %s doc (%.0f %%)", commas(l), commas(d), (l ? 100 * d / l : 0) }'
}

{
  echo "Run: $(date -u '+%Y-%m-%d %H:%M UTC'); nproc $(nproc); load average (1, 5, 15 min) at the start: $LOAD_START, at the end: $(uptime | sed 's/.*load average: //')."
  echo "codeqr-codegen: $OURS_REV; progenitor: $PROG_VER; $(rustc --version)."
  echo
  echo "### Generation time (median of interleaved repetitions; ratio = progenitor ÷ ours; CPU = user + system)"
  echo
  echo "| spec | size | ours, wall | progenitor, wall | ratio | ours, CPU | progenitor, CPU | ratio |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  for s in $SPECS; do
    size=$(awk -v b="$(stat -c %s "$(spec_path "$s")")" 'BEGIN { printf "%.1f MB", b / 1e6 }')
    o=$(cell_time gen ours "$s"); p=$(cell_time gen progenitor "$s")
    r="-"; is_num "$o" && is_num "$p" && r=$(ratio "$p" "$o")
    on="$(show "$o")"; is_num "$o" && on="$on (n=$(n_of gen ours "$s"))"
    pn="$(show "$p")"; is_num "$p" && pn="$pn (n=$(n_of gen progenitor "$s"))"
    echo "| $(spec_label "$s") | $size | $on | $pn | $r | $(cpu_cells gen "$s") |"
  done
  if [[ "$SKIP_CHECK" != 1 ]]; then
    echo
    echo "### \`cargo check\` of the generated crate alone (dependencies already checked; \`touch src/lib.rs\`, CARGO_INCREMENTAL=0; peak = rustc's maximum resident set size; ratio = ours ÷ progenitor)"
    echo
    echo "| crate | ours, wall | ours, peak | progenitor, wall | progenitor, peak | ratio | ours, CPU | progenitor, CPU |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    for c in $CHECKS; do
      o=$(cell_time check ours "$c"); p=$(cell_time check progenitor "$c")
      [[ "$c" == *+* ]] && p="(no features)"
      r="-"; is_num "$o" && is_num "$p" && r=$(ratio_of "$o" "$p")
      on="$(show "$o")"; is_num "$o" && on="$on (n=$(n_of check ours "$c"))"
      pn="$(show "$p")"; is_num "$p" && pn="$pn (n=$(n_of check progenitor "$c"))"
      echo "| $(check_label "$c") | $on | $(peak_cell ours "$c") | $pn | $(peak_cell progenitor "$c") | $r | $(fmt_s "$(cpu_median check ours "$c")") | $(fmt_s "$(cpu_median check progenitor "$c")") |"
    done
  fi
  echo
  echo "### Size of the generated crate (all .rs files; doc = lines that start with \`///\` or \`//!\`)"
  echo
  echo "| spec | ours | progenitor |"
  echo "|---|---:|---:|"
  for s in $SPECS; do
    p="$(size_cell progenitor "$s")"; [[ -n "${GEN_FAIL[progenitor,$s]:-}" ]] && p="(not generated)"
    o="$(size_cell ours "$s")"; [[ -n "${GEN_FAIL[ours,$s]:-}" ]] && o="(not generated)"
    echo "| $(spec_label "$s") | $o | $p |"
  done
  echo
  echo "Every sample: \`$B/samples.tsv\`; logs: \`$B/logs/\`."
} | tee "$B/results.md"
