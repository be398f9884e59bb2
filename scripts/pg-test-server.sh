#!/usr/bin/env bash
# Throwaway PostgreSQL cluster for the test suite.
#
#   scripts/pg-test-server.sh start   # init if needed, start, print the database URL on stdout
#   scripts/pg-test-server.sh stop    # stop it (no error if not running)
#   scripts/pg-test-server.sh status  # exit 0 if running
#   scripts/pg-test-server.sh url     # print the URL
#
# Data in var/pgtest (gitignored), listens on 127.0.0.1:54329 only (or
# $DEPOSITAIRE_PG_TEST_PORT), unix socket in
# var/pgtest/run, trust authentication: for local tests only, never for real data.
# PostgreSQL refuses to run as root: when run as root, the server runs as the
# `postgres` system user (created by the Debian package), or `pgtest` if absent.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PGTEST="$ROOT/var/pgtest"
PGDATA="$PGTEST/data"
SOCKDIR="$PGTEST/run"
LOGFILE="$PGTEST/server.log"
# DEPOSITAIRE_PG_TEST_PORT lets two checkouts run their tests side by side.
PORT="${DEPOSITAIRE_PG_TEST_PORT:-54329}"
HOST=127.0.0.1
DB_USER=depositaire
DB_NAME=depositaire_test
URL="postgres://$DB_USER@$HOST:$PORT/$DB_NAME"

log() { echo "pg-test-server: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

find_bindir() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
  [ -n "$dir" ] && [ -x "$dir/pg_ctl" ] || die "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin (run scripts/setup-system.sh)"
  echo "$dir"
}

# Who runs the server: the current user, or a system user when we are root.
RUN_AS=()
setup_user() {
  if [ "$(id -u)" -ne 0 ]; then
    RUN_AS=()
    return
  fi
  local user
  if id postgres >/dev/null 2>&1; then
    user=postgres
  else
    if ! id pgtest >/dev/null 2>&1; then
      log "creating system user pgtest"
      useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin pgtest
    fi
    user=pgtest
  fi
  RUN_AS=(runuser -u "$user" --)
  PG_OWNER="$user"
}

# Run a PostgreSQL program as the server user, from / so that it never
# complains about an unreadable working directory.
as_pg() { (cd / && "${RUN_AS[@]}" "$@"); }

is_running() {
  [ -f "$PGDATA/PG_VERSION" ] || return 1
  as_pg "$BINDIR/pg_ctl" status -D "$PGDATA" >/dev/null 2>&1
}

psql_admin() {
  "$BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCKDIR" -p "$PORT" -U postgres -d postgres "$@"
}

init_cluster() {
  mkdir -p "$PGTEST" "$SOCKDIR"
  if [ "${#RUN_AS[@]}" -ne 0 ]; then
    chown -R "$PG_OWNER": "$PGTEST"
    # The application keeps its data folder (var/ by default, where the demo's SQLite
    # lives) at 0700: the server user needs to pass through it (not to list it) to reach
    # var/pgtest. 0711 lets it through; the files inside keep their own 0600 modes.
    if ! "${RUN_AS[@]}" test -x "$(dirname "$PGTEST")"; then
      log "$(dirname "$PGTEST") made passable (0711) for the server user $PG_OWNER"
      chmod 0711 "$(dirname "$PGTEST")"
    fi
  fi
  if [ -f "$PGDATA/PG_VERSION" ]; then
    local have want
    have="$(cat "$PGDATA/PG_VERSION")"
    want="$(basename "$(dirname "$BINDIR")")"
    if [ "$have" != "$want" ]; then
      log "cluster in $PGDATA is version $have, binaries are $want: re-creating it"
      rm -rf "$PGDATA"
    else
      return 0
    fi
  fi
  log "initialising cluster in $PGDATA"
  rm -rf "$PGDATA"
  as_pg "$BINDIR/initdb" -D "$PGDATA" -U postgres --auth=trust \
    --encoding=UTF8 --locale=C >"$PGTEST/initdb.log" 2>&1 \
    || { cat "$PGTEST/initdb.log" >&2; die "initdb failed"; }
  # Settings for a throwaway test server (durability off, fast).
  cat >>"$PGDATA/postgresql.conf" <<CONF

# --- Dépositaire test server (scripts/pg-test-server.sh) ---
listen_addresses = '$HOST'
port = $PORT
unix_socket_directories = '$SOCKDIR'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 50
CONF
  if [ "${#RUN_AS[@]}" -ne 0 ]; then
    chown "$PG_OWNER": "$PGDATA/postgresql.conf"
  fi
}

ensure_db() {
  psql_admin <<SQL
SELECT 'CREATE ROLE $DB_USER LOGIN CREATEDB'
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER')\gexec
SELECT 'CREATE DATABASE $DB_NAME OWNER $DB_USER'
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$DB_NAME')\gexec
SQL
}

cmd_start() {
  init_cluster
  if is_running; then
    log "already running on $HOST:$PORT"
  else
    # The socket path must fit in sun_path (107 bytes).
    [ "${#SOCKDIR}" -lt 90 ] || die "socket directory path too long: $SOCKDIR"
    mkdir -p "$SOCKDIR"
    if [ "${#RUN_AS[@]}" -ne 0 ]; then
      chown "$PG_OWNER": "$SOCKDIR"
    fi
    log "starting on $HOST:$PORT (log: $LOGFILE)"
    if ! as_pg "$BINDIR/pg_ctl" start -D "$PGDATA" -o "-p $PORT" -l "$LOGFILE" -w -t 60 >/dev/null; then
      tail -n 30 "$LOGFILE" >&2 || true
      die "server did not start (is port $PORT taken?)"
    fi
  fi
  ensure_db || die "could not create role/database"
  echo "$URL"
}

cmd_stop() {
  if is_running; then
    log "stopping"
    as_pg "$BINDIR/pg_ctl" stop -D "$PGDATA" -m fast -w -t 60 >/dev/null
  else
    log "not running"
  fi
}

usage() { echo "usage: $0 start|stop|status|url" >&2; exit 2; }

[ $# -eq 1 ] || usage
BINDIR="$(find_bindir)"
PG_OWNER=""
setup_user
case "$1" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) if is_running; then log "running: $URL"; else log "not running"; exit 3; fi ;;
  url) echo "$URL" ;;
  *) usage ;;
esac
