#!/usr/bin/env bash
# The build-time step of the `codeqr` crate: what `generated/build.rs` (the generator run on
# spec/openapi.yaml) costs in a clean `cargo build`.
#
# 1. A clean `cargo build -p codeqr --timings` in its own target directory
#    (target/bench-build, emptied first): the whole build, the compilation of codeqr-codegen and
#    of the build script, the run of the build script, and whether that run was on the build's
#    critical path, read from cargo's timing report (target/bench-build/cargo-timings/).
# 2. The build script binary that build produced, run again REPS times under /usr/bin/time with
#    a scratch OUT_DIR: the generation step alone, as cargo runs it (build scripts and their
#    dependencies are compiled unoptimised in the dev profile, unlike `cargo bench`'s figures).
#
# Usage: bash bench/build-step.sh        (from anywhere; 3-8 minutes on 2 cores)
# Knobs: REPS=10 (runs of step 2), PROFILE=dev|release.
# Needs: cargo, node (to read cargo's timing report), /usr/bin/time.
set -euo pipefail
export LC_ALL=C CARGO_TERM_COLOR=never
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
REPS="${REPS:-10}"
PROFILE="${PROFILE:-dev}"
TARGET="$ROOT/target/bench-build"
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"

rm -rf "$TARGET"
printf '[build-step] clean `cargo build -p codeqr --timings` (profile %s) into %s\n' "$PROFILE" "$TARGET" >&2
start=$(date +%s.%N)
CARGO_TARGET_DIR="$TARGET" cargo build -p codeqr --profile "$PROFILE" --timings > "$TARGET.log" 2>&1 \
  || { tail -n 30 "$TARGET.log" >&2; exit 1; }
end=$(date +%s.%N)
report="$TARGET/cargo-timings/cargo-timing.html"

# cargo's report embeds every unit as JSON: `const UNIT_DATA = [...]` (name, mode, target, start
# and duration in seconds).
node - "$report" << 'EOF'
const fs = require("fs");
const html = fs.readFileSync(process.argv[2], "utf8");
const m = html.match(/const UNIT_DATA = (\[.*?\]);\n/s);
if (!m) { console.error("no UNIT_DATA in " + process.argv[2]); process.exit(1); }
const units = JSON.parse(m[1]);
const one = (what, pred) => {
  const found = units.filter(pred);
  if (found.length !== 1) { console.error(`expected one unit for ${what}, found ${found.length}`); process.exit(1); }
  return found[0];
};
const codegen = one("codeqr-codegen", u => u.name === "codeqr-codegen" && u.mode === "todo");
const script = one("codeqr build script", u => u.name === "codeqr" && u.mode === "todo" && u.target.includes("build-script"));
const run = one("codeqr build script run", u => u.name === "codeqr" && u.mode === "run-custom-build");
const lib = one("codeqr lib", u => u.name === "codeqr" && u.mode === "todo" && u.target.trim() === "");
const end = Math.max(...units.map(u => u.start + u.duration));
const s = x => x.toFixed(2) + " s";
console.log("| unit (clean `cargo build -p codeqr`) | starts at | takes |");
console.log("|---|---:|---:|");
console.log(`| the whole build, ${units.length} units | 0 s | ${s(end)} |`);
console.log(`| compile codeqr-codegen (the generator library) | ${s(codegen.start)} | ${s(codegen.duration)} |`);
console.log(`| compile codeqr's build script | ${s(script.start)} | ${s(script.duration)} |`);
console.log(`| **run codeqr's build script: generate the SDK from spec/openapi.yaml** | ${s(run.start)} | **${s(run.duration)}** |`);
console.log(`| compile codeqr (the generated SDK) | ${s(lib.start)} | ${s(lib.duration)} |`);
const ready = run.start + run.duration;
console.log(ready <= lib.start
  ? `\nThe generated code was ready at ${s(ready)}, before codeqr's other dependencies (reqwest, ...) were: the generation step was off this build's critical path.`
  : `\nThe generated code was ready at ${s(ready)}; codeqr's compilation started at ${s(lib.start)}: the generation step was on this build's critical path.`);
EOF
printf '\ncargo build wall time (bash): %.1f s\n' "$(echo "$end - $start" | bc)"

# ---- the build script alone, run again -----------------------------------------------------------
script="$(ls -t "$TARGET"/*/build/codeqr-*/build-script-build 2> /dev/null | head -n1)"
[[ -x "$script" ]] || { echo "no build-script-build found under $TARGET" >&2; exit 1; }
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
walls=() cpus=()
for _ in $(seq 1 "$REPS"); do
  rm -rf "${out:?}"/*
  # What cargo sets for this build script: OUT_DIR, and the package directory as the working
  # directory (the script names ../spec/openapi.yaml relative to it).
  ( cd generated && OUT_DIR="$out" CARGO_MANIFEST_DIR="$ROOT/generated" \
      /usr/bin/time -f '%e %U %S' -o "$out.time" "$script" > /dev/null )
  read -r e u s < "$out.time"
  walls+=("$e"); cpus+=("$(echo "$u + $s" | bc)")
done
rm -f "$out.time"
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
printf 'build script run alone (%s profile), %s runs: median wall %s s, median CPU %s s (min wall %s s)\n' \
  "$PROFILE" "$REPS" "$(median "${walls[@]}")" "$(median "${cpus[@]}")" "$(printf '%s\n' "${walls[@]}" | sort -g | head -n1)"
printf 'files written: %s\n' "$(cd generated && OUT_DIR="$out" "$script" > /dev/null && ls "$out" | tr '\n' ' ')"
printf 'load average at the start: %s, at the end: %s; nproc %s; %s\n' "$LOAD_START" "$(cut -d' ' -f1-3 /proc/loadavg)" "$(nproc)" "$(rustc --version)"
