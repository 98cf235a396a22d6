#!/usr/bin/env bash
# The SDK judged by Prism: installs Prism (npm, into target/prism unless PRISM_PREFIX says
# otherwise), starts `prism mock spec/openapi.yaml` on 127.0.0.1 at a free port, waits until it
# answers, runs tests/tests/prism.rs against it (CODEQR_PRISM_URL), and stops Prism by its
# process id, on failure too. Needs Node.js 18+ with npm, cargo, and the npm and crates.io
# registries; about a minute once Prism is installed and the tests are compiled.
#
# Usage: bash .ci/prism.sh [extra arguments for the test binary, e.g. a test name]
set -euo pipefail
cd "$(dirname "$0")/.."

PRISM_VERSION=5.14.2
PRISM_PREFIX="${PRISM_PREFIX:-$PWD/target/prism}"
PRISM="$PRISM_PREFIX/node_modules/.bin/prism"
LOG="$PRISM_PREFIX/prism.log"
say() { printf '[prism] %s\n' "$*" >&2; }

command -v node > /dev/null && command -v npm > /dev/null || { say "node and npm are required"; exit 1; }
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if (( node_major < 18 )); then say "Prism $PRISM_VERSION needs Node.js 18 or newer, found $(node --version)"; exit 1; fi

# ---- install (once per prefix) ---------------------------------------------------------------
if [[ ! -x "$PRISM" || "$("$PRISM" --version 2> /dev/null)" != "$PRISM_VERSION" ]]; then
  say "installing @stoplight/prism-cli@$PRISM_VERSION into $PRISM_PREFIX"
  mkdir -p "$PRISM_PREFIX"
  npm install --prefix "$PRISM_PREFIX" --no-audit --no-fund --loglevel=error \
    "@stoplight/prism-cli@$PRISM_VERSION" >&2
fi

# ---- start, and stop on every exit -----------------------------------------------------------
PRISM_PID=""
stop_prism() {
  if [[ -n "$PRISM_PID" ]] && kill -0 "$PRISM_PID" 2> /dev/null; then
    kill "$PRISM_PID" 2> /dev/null || true
    # Give it a moment to close its socket, then make sure.
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$PRISM_PID" 2> /dev/null || break; sleep 0.2; done
    kill -9 "$PRISM_PID" 2> /dev/null || true
    wait "$PRISM_PID" 2> /dev/null || true
    say "stopped Prism (pid $PRISM_PID)"
  fi
  PRISM_PID=""
}
trap stop_prism EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() { # a port the kernel says is free now
  node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}
# Answers at all (any HTTP status): Prism has loaded the spec and is listening.
answers() {
  node -e 'fetch(process.argv[1], { method: "POST" }).then(() => process.exit(0), () => process.exit(1))' "$1"
}

URL=""
# Another process may take the port between free_port and Prism's bind: then try another.
for attempt in 1 2 3; do
  port="$(free_port)"
  "$PRISM" mock --host 127.0.0.1 --port "$port" spec/openapi.yaml > "$LOG" 2>&1 &
  PRISM_PID=$!
  for _ in $(seq 1 120); do # up to 60 s
    if ! kill -0 "$PRISM_PID" 2> /dev/null; then break; fi
    if answers "http://127.0.0.1:$port/track/sale"; then URL="http://127.0.0.1:$port"; break; fi
    sleep 0.5
  done
  [[ -n "$URL" ]] && break
  say "Prism did not come up on port $port (attempt $attempt); its log:"
  tail -n 20 "$LOG" >&2 || true
  stop_prism
done
[[ -n "$URL" ]] || { say "cannot start Prism"; exit 1; }
say "Prism $PRISM_VERSION (pid $PRISM_PID) serves spec/openapi.yaml at $URL"

# ---- the tests -------------------------------------------------------------------------------
if ! CODEQR_PRISM_URL="$URL" cargo test -p codeqr-tests --test prism -- "$@"; then
  say "the Prism tests failed; Prism's log (last 40 lines of $LOG):"
  tail -n 40 "$LOG" >&2 || true
  exit 1
fi
