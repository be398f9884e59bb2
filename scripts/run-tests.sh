#!/usr/bin/env bash
# The whole test suite, as `make test` runs it (after `make setup`).
# Steps, in order, stopping at the first failure:
#   1. ruff check + ruff format --check
#   2. mypy (files listed in pyproject.toml)
#   3. pytest over tests/ on the default settings (SQLite)
#   4. pytest tests/web -m "not browser" against a real PostgreSQL test server,
#      run at the same time as step 3 (its output is shown after step 3's)
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BIN="$ROOT/.venv/bin"
PY="$BIN/python"

if [ ! -x "$PY" ]; then
  echo "run-tests: $PY not found: run 'make setup' (or 'make test') first" >&2
  exit 1
fi

export PATH="$BIN:$PATH"
export PYTHONDONTWRITEBYTECODE=1
# The browser tests drive Debian's Chromium (Playwright's own browser download does not work here).
export DEPOSITAIRE_CHROMIUM=/usr/bin/chromium

if [ -t 1 ]; then
  BOLD=$'\e[1m'; RED=$'\e[31m'; GREEN=$'\e[32m'; YELLOW=$'\e[33m'; RESET=$'\e[0m'
else
  BOLD=""; RED=""; GREEN=""; YELLOW=""; RESET=""
fi

STEP_NAMES=(
  "ruff check + format --check"
  "mypy"
  "pytest tests/ (SQLite)"
  "pytest tests/web on PostgreSQL"
)
STEP_STATUS=("not run" "not run" "not run" "not run")
STEP_TIME=("" "" "" "")
START_ALL=$SECONDS

summary() {
  echo
  echo "${BOLD}==================== test summary ====================${RESET}"
  local i colour
  for i in "${!STEP_NAMES[@]}"; do
    case "${STEP_STATUS[$i]}" in
      PASS) colour=$GREEN ;;
      FAIL*) colour=$RED ;;
      *) colour=$YELLOW ;;
    esac
    printf '  %d. %-34s %s%s%s%s\n' "$((i + 1))" "${STEP_NAMES[$i]}" \
      "$colour" "${STEP_STATUS[$i]}" "$RESET" "${STEP_TIME[$i]:+  (${STEP_TIME[$i]}s)}"
  done
  echo "  total: $((SECONDS - START_ALL))s"
}

banner() { echo; echo "${BOLD}==> step $1: ${STEP_NAMES[$(($1 - 1))]}${RESET}"; }

fail() {  # fail <step number> <message>
  local i=$(($1 - 1))
  STEP_STATUS[$i]="FAIL"
  STEP_TIME[$i]=$((SECONDS - t))
  echo
  echo "${RED}${BOLD}run-tests: step $1 (${STEP_NAMES[$i]}) FAILED: $2${RESET}" >&2
  summary
  echo "${RED}${BOLD}TESTS FAILED${RESET}"
  exit 1
}

pass() { STEP_STATUS[$(($1 - 1))]="PASS"; }

# pytest exit codes: 0 ok, 1 tests failed, 2 interrupted, 3 internal error,
# 4 usage error, 5 no tests collected.
pytest_message() {
  case "$1" in
    1) echo "some tests failed" ;;
    2) echo "pytest was interrupted (collection error?)" ;;
    3) echo "pytest internal error" ;;
    4) echo "pytest usage error" ;;
    5) echo "pytest collected no tests: something is broken (paths, markers or imports)" ;;
    *) echo "pytest exited with code $1" ;;
  esac
}

# ---------------------------------------------------------------- 1. ruff
banner 1
t=$SECONDS
"$BIN/ruff" check src tests || fail 1 "ruff check found problems (try: make fmt)"
"$BIN/ruff" format --check src tests || fail 1 "files are not formatted (run: make fmt)"
STEP_TIME[0]=$((SECONDS - t)); pass 1

# ---------------------------------------------------------------- 2. mypy
banner 2
t=$SECONDS
"$BIN/mypy" || fail 2 "mypy reported errors (see above)"
STEP_TIME[1]=$((SECONDS - t)); pass 2

# ------------------------------------------- 3 and 4. pytest, SQLite and PostgreSQL side by side
# The two runs share nothing (own database, own data folder), so they run at the same
# time on the machine's cores: the PostgreSQL run writes to var/test-logs/postgresql.log,
# shown after the SQLite run, whose output streams here.
LOGS="$ROOT/var/test-logs"
mkdir -p "$LOGS"
PG_PID=""
PG_STARTED_HERE=0
stop_pg() {
  # Leave a server that was already running (started by hand) as it was.
  if [ -n "$PG_PID" ]; then kill "$PG_PID" 2>/dev/null || true; fi
  if [ "$PG_STARTED_HERE" -eq 1 ]; then
    bash scripts/pg-test-server.sh stop || true
  fi
}
if [ -d tests/web ]; then
  banner 4
  t4=$SECONDS
  if ! bash scripts/pg-test-server.sh status 2>/dev/null; then
    PG_STARTED_HERE=1
  fi
  trap stop_pg EXIT
  t=$SECONDS
  DB_URL="$(bash scripts/pg-test-server.sh start)" \
    || fail 4 "could not start the PostgreSQL test server (see var/pgtest/server.log)"
  echo "PostgreSQL test server: $DB_URL (run in the background, log: var/test-logs/postgresql.log)"
  rm -f "$LOGS/postgresql.rc"
  (
    DEPOSITAIRE_DATABASE_URL="$DB_URL" DEPOSITAIRE_DATA_DIR="$ROOT/var/test-pg" \
      "$PY" -m pytest -p no:cacheprovider --durations=30 --junitxml="$LOGS/junit-postgresql.xml" tests/web -m "not browser" >"$LOGS/postgresql.log" 2>&1
    echo $? >"$LOGS/postgresql.rc"
  ) &
  PG_PID=$!
fi

banner 3
t=$SECONDS
# Default settings: make sure no database URL leaks in from the environment.
env -u DEPOSITAIRE_DATABASE_URL "$PY" -m pytest -p no:cacheprovider --durations=30 --junitxml="$LOGS/junit-sqlite.xml" tests/
rc=$?
STEP_TIME[2]=$((SECONDS - t))
[ "$rc" -eq 0 ] && pass 3

if [ -z "$PG_PID" ]; then
  echo "no web tests yet (tests/web does not exist): skipped"
  STEP_STATUS[3]="SKIP (no web tests yet)"
  [ "$rc" -eq 0 ] || fail 3 "$(pytest_message "$rc")"
else
  echo
  echo "${BOLD}==> step 4 (PostgreSQL), run alongside step 3: waiting for it${RESET}"
  wait "$PG_PID"
  PG_PID=""
  pg_rc="$(cat "$LOGS/postgresql.rc" 2>/dev/null || echo 3)"
  cat "$LOGS/postgresql.log"
  STEP_TIME[3]=$((SECONDS - t4))
  if [ "$rc" -ne 0 ]; then
    [ "$pg_rc" -eq 0 ] && pass 4 || STEP_STATUS[3]="FAIL"
    t=$((SECONDS - STEP_TIME[2])); fail 3 "$(pytest_message "$rc")"
  fi
  t=$t4
  [ "$pg_rc" -eq 0 ] || fail 4 "$(pytest_message "$pg_rc")"
  pass 4
fi

summary
echo "${GREEN}${BOLD}ALL TESTS PASSED${RESET}"
exit 0
