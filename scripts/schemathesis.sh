#!/usr/bin/env bash
# Fuzzes the API against its own /openapi.json with schemathesis (every check), once anonymous and
# once signed in as admin, on a fresh embedded instance; exits non-zero on any finding. Installs
# the pinned schemathesis from PyPI into a venv under ~/.cache/polystore when it is missing.
#
#   bash scripts/schemathesis.sh            # both runs, 30 examples per operation
#   ST_MAX_EXAMPLES=10 ST_SEED=7 bash scripts/schemathesis.sh
#
# Settings (env): ST_MAX_EXAMPLES (30), ST_SEED (1: the same cases every run; "random" for a new
# seed), ST_WORKERS (2, or 1 on a Python with the AST race below), ST_TIMEOUT (wall-clock seconds
# per run, 900), ST_REQUEST_TIMEOUT (seconds per request and the response-time check's limit, 30:
# a loaded CI machine is slow, a hang still fails), ST_PORT (a free port), ST_RUNS ("anonymous
# admin"). Reports go to .schemathesis/ (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."

ST_VERSION=4.32.5
# schemathesis' workers are threads, and CPython before 3.11.8 / 3.12.2 can fail a thread's AST
# build with "SystemError: AST constructor recursion depth mismatch" while another builds one
# (python/cpython#106905, fixed by #113035); hypothesis parses sources to describe filters, so a
# run on such a Python reports runtime errors that are not findings. Take a fixed Python if there
# is one (on PATH or under pyenv), else run one worker.
ast_safe() {
  "$1" -c 'import sys; v = sys.version_info[:3]
sys.exit(0 if v >= (3, 13) or (3, 12, 2) <= v < (3, 13) or (3, 11, 8) <= v < (3, 12) else 1)' 2>/dev/null
}
PY=""
for c in python3 python3.14 python3.13 python3.12 \
  $(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[1-9]*/bin/python3 2>/dev/null | sort -rV); do
  p="$(command -v "$c" 2>/dev/null)" || continue
  if ast_safe "$p"; then PY="$p"; break; fi
done
SAFE_WORKERS=2
if [ -z "$PY" ]; then PY="$(command -v python3)"; SAFE_WORKERS=1; fi
PY_VERSION="$("$PY" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')"
VENV="${XDG_CACHE_HOME:-$HOME/.cache}/polystore/schemathesis-$ST_VERSION-py$PY_VERSION"
ST="$VENV/bin/schemathesis"
if ! "$ST" --version 2>/dev/null | grep -q "version $ST_VERSION\$"; then
  echo "[schemathesis] installing schemathesis $ST_VERSION into $VENV"
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$ST_VERSION"
fi

MAX_EXAMPLES="${ST_MAX_EXAMPLES:-30}"
SEED="${ST_SEED:-1}"
WORKERS="${ST_WORKERS:-$SAFE_WORKERS}"
WALL="${ST_TIMEOUT:-900}"
REQUEST_TIMEOUT="${ST_REQUEST_TIMEOUT:-30}"
RUNS="${ST_RUNS:-anonymous admin}"
PORT="${ST_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
BASE="http://127.0.0.1:$PORT"
ADMIN_EMAIL="schemathesis-admin@example.test"
ADMIN_PASSWORD="st-$(python3 -c 'import secrets; print(secrets.token_urlsafe(18))')"
OUT=.schemathesis
mkdir -p "$OUT"

# A fresh embedded instance: its own data folder, no server, rate limits out of the way (429 is
# documented on every operation, but a fuzzer that is mostly refused tests nothing else).
DATA_DIR="$(mktemp -d -t polystore-schemathesis-XXXXXX)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$DATA_DIR"
}
trap cleanup EXIT
echo "[schemathesis] starting an embedded instance on $BASE"
env -u DATABASE_URL -u MONGODB_URL -u NEO4J_URL -u REDIS_URL -u S3_ENDPOINT \
  PORT="$PORT" HOST=127.0.0.1 DATA_DIR="$DATA_DIR" LOG_LEVEL=error \
  ADMIN_EMAIL="$ADMIN_EMAIL" ADMIN_PASSWORD="$ADMIN_PASSWORD" \
  RATE_LIMIT_ANON_PER_MIN=1000000 RATE_LIMIT_USER_PER_MIN=1000000 RATE_LIMIT_AUTH_PER_MIN=1000000 \
  deno run --allow-net --allow-env --allow-read --allow-write --allow-sys --allow-ffi main.ts \
  >"$OUT/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 240); do
  curl -fsS "$BASE/health" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "[schemathesis] the instance died:"; tail -20 "$OUT/server.log"; exit 1; }
  sleep 0.5
done
curl -fsS "$BASE/health" >/dev/null

admin_token() {
  curl -fsS -X POST "$BASE/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$ADMIN_EMAIL\",\"password\":\"$ADMIN_PASSWORD\"}" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])'
}

status=0
for run in $RUNS; do
  args=(run "$BASE/openapi.json" --checks all --max-examples "$MAX_EXAMPLES" --workers "$WORKERS"
    --request-timeout "$REQUEST_TIMEOUT" --max-response-time "$REQUEST_TIMEOUT"
    --report junit --report-junit-path "$OUT/$run.junit.xml")
  [ "$SEED" = random ] || args+=(--seed "$SEED")
  if [ "$run" = admin ]; then
    # Access tokens live 15 minutes, longer than a run. Ending the caller's own session (logout,
    # DELETE /auth/sessions/{id}) would sign the fuzzer out for the rest of the run; both are
    # fuzzed in the anonymous run and covered by tests/auth. So is revoking a role: the stateful
    # phase can grant admin to a user it registered and then revoke the fuzzer's own (allowed while
    # another admin is left), and every later admin case is a 403 (tests/users cover revocation).
    args+=(-H "Authorization: Bearer $(admin_token)"
      --exclude-path /api/v1/auth/logout --exclude-path '/api/v1/auth/sessions/{id}'
      --exclude-path '/api/v1/users/{id}/roles/{role}')
  fi
  echo "[schemathesis] $run run: all checks, $MAX_EXAMPLES examples per operation, seed $SEED, $WORKERS workers, Python $PY_VERSION"
  start=$(date +%s)
  set +e
  NO_COLOR=1 SCHEMATHESIS_HOOKS=scripts.schemathesis_hooks PYTHONPATH=. timeout "$WALL" \
    "$ST" --config-file scripts/schemathesis.toml --no-color "${args[@]}" >"$OUT/$run.txt" 2>&1
  rc=$?
  set -e
  # The summary names a finding's check only; its case (the request and a curl to replay it) is
  # in the failures section, printed too so that a CI log alone shows what failed.
  awk '/=== FAILURES ===/ { p = 1 } /=== (WARNINGS|SUMMARY) ===/ { p = 0 } p' "$OUT/$run.txt"
  sed -n '/=== SUMMARY ===/,$p' "$OUT/$run.txt"
  echo "[schemathesis] $run run: exit $rc in $(($(date +%s) - start)) s (full output: $OUT/$run.txt)"
  if [ "$rc" -eq 124 ]; then echo "[schemathesis] $run run: over the $WALL s limit"; fi
  [ "$rc" -eq 0 ] || status=1
done
exit "$status"
