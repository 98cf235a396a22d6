#!/usr/bin/env bash
# Real servers judge the SDK: Prefect 3.9.1 and Apache Airflow 2.11.2, installed from PyPI into
# virtual environments under target/real-servers (once; reused while the pinned version is
# there), started on 127.0.0.1 at free ports with embedded storage (SQLite) in a scratch
# directory, and stopped by their process ids (each in a process group of its own: Airflow's
# webserver is a gunicorn master with workers) on any exit. The description each serves is
# fetched, an SDK generated from it with the command line, and the round-trip programs
# tests/real-servers/prefect and tests/real-servers/airflow run against the servers.
#
# Needs python3 (3.9+) with venv and pip, curl, cargo, and the PyPI and crates.io registries.
# Measured at about 3 minutes with the environments installed (Airflow's install: ~30 s,
# Prefect's: ~20 s, on 2 cores).
#
# Usage: bash tests/real-servers/run.sh [prefect|airflow]...   (default: both)
set -euo pipefail
cd "$(dirname "$0")/../.."

ROOT="$PWD/target/real-servers"
PREFECT_VERSION=3.9.1
AIRFLOW_VERSION=2.11.2
say() { printf '[real-servers] %s\n' "$*" >&2; }
servers=("$@")
(( ${#servers[@]} )) || servers=(prefect airflow)

mkdir -p "$ROOT"
SCRATCH="$(mktemp -d "$ROOT/run.XXXXXX")"
PIDS=()
stop() {
  for pid in "${PIDS[@]}"; do
    kill -TERM -- "-$pid" 2> /dev/null || true
  done
  sleep 2
  for pid in "${PIDS[@]}"; do
    kill -KILL -- "-$pid" 2> /dev/null || true
  done
  rm -rf "$SCRATCH"
}
trap stop EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# A virtual environment with one pinned package, installed unless it is there.
venv() {
  local name=$1 requirement=$2 version=$3 dir="$ROOT/venv-$1"
  if [[ "$("$dir/bin/python" -m pip show "$name" 2> /dev/null | sed -n 's/^Version: //p')" != "$version" ]]; then
    say "installing $requirement into $dir"
    rm -rf "$dir"
    python3 -m venv "$dir"
    local started=$SECONDS
    "$dir/bin/python" -m pip install --quiet --disable-pip-version-check "$requirement" >&2
    say "installed $requirement in $((SECONDS - started)) s"
  fi
}

# Waits until `url` answers 200, or gives up after `seconds`, showing the server's log.
wait_for() {
  local url=$1 seconds=$2 log=$3 started=$SECONDS
  until curl -fsS -o /dev/null "$url" 2> /dev/null; do
    if (( SECONDS - started > seconds )); then
      say "no answer from $url after $seconds s; the server's log ends:"
      tail -30 "$log" >&2
      return 1
    fi
    sleep 1
  done
  say "$url answered after $((SECONDS - started)) s"
}

generate() {
  local spec=$1 name=$2
  cargo run --quiet --release -p codeqr-codegen -- generate --spec "$spec" --out "$ROOT/$name" --crate-name "$name" --quiet
}

start_prefect() {
  venv prefect "prefect==$PREFECT_VERSION" "$PREFECT_VERSION"
  local port log="$SCRATCH/prefect.log"
  port=$(free_port)
  say "starting Prefect on 127.0.0.1:$port"
  PREFECT_HOME="$SCRATCH/prefect-home" PREFECT_SERVER_ANALYTICS_ENABLED=false \
    PREFECT_UI_ENABLED=false \
    setsid "$ROOT/venv-prefect/bin/prefect" server start --host 127.0.0.1 --port "$port" > "$log" 2>&1 &
  PIDS+=("$!")
  wait_for "http://127.0.0.1:$port/api/health" 120 "$log"
  curl -fsS "http://127.0.0.1:$port/api/openapi.json" -o "$ROOT/prefect-openapi.json"
  generate "$ROOT/prefect-openapi.json" prefect
  PREFECT_URL="http://127.0.0.1:$port/api"
}

start_airflow() {
  venv apache-airflow "apache-airflow==$AIRFLOW_VERSION" "$AIRFLOW_VERSION"
  local port log="$SCRATCH/airflow.log" bin="$ROOT/venv-apache-airflow/bin"
  port=$(free_port)
  export AIRFLOW_HOME="$SCRATCH/airflow-home"
  export AIRFLOW__API__AUTH_BACKENDS=airflow.api.auth.backend.basic_auth
  export AIRFLOW__CORE__LOAD_EXAMPLES=False
  say "migrating Airflow's database and creating its user"
  "$bin/airflow" db migrate > "$SCRATCH/airflow-migrate.log" 2>&1 \
    || { tail -30 "$SCRATCH/airflow-migrate.log" >&2; return 1; }
  "$bin/airflow" users create -u admin -p admin -r Admin -f a -l b -e a@b.c > /dev/null 2>&1
  say "starting Airflow's webserver on 127.0.0.1:$port"
  setsid "$bin/airflow" webserver --hostname 127.0.0.1 --port "$port" --workers 1 > "$log" 2>&1 &
  PIDS+=("$!")
  wait_for "http://127.0.0.1:$port/api/v1/openapi.yaml" 180 "$log"
  curl -fsS "http://127.0.0.1:$port/api/v1/openapi.yaml" -o "$ROOT/airflow-openapi.yaml"
  generate "$ROOT/airflow-openapi.yaml" airflow
  AIRFLOW_URL="http://127.0.0.1:$port/api/v1"
}

PREFECT_URL="" AIRFLOW_URL=""
for server in "${servers[@]}"; do
  case $server in
    prefect) start_prefect ;;
    airflow) start_airflow ;;
    *) say "unknown server: $server"; exit 2 ;;
  esac
done
# One target directory for both programs: their dependencies build once.
export CARGO_TARGET_DIR="$ROOT/target"
if [[ -n "$PREFECT_URL" ]]; then
  say "running the Prefect round trips"
  cargo run --quiet --manifest-path tests/real-servers/prefect/Cargo.toml -- "$PREFECT_URL"
fi
if [[ -n "$AIRFLOW_URL" ]]; then
  say "running the Airflow round trips"
  cargo run --quiet --manifest-path tests/real-servers/airflow/Cargo.toml -- "$AIRFLOW_URL" admin admin
fi
say "done in $SECONDS s"
