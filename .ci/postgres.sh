#!/usr/bin/env bash
# A throw-away PostgreSQL 15 server for the tests (issue 14), on a temporary data directory
# and a loopback port. Source it, then call:
#   pg_test_start   # starts it; exports SHIEN_TEST_DATABASE_URL (never DATABASE_URL: the bot
#                   # under test stays on SQLite unless a test asks for PostgreSQL)
#   pg_test_stop    # stops it and removes the data directory (.ci/run calls it from a trap)
# PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user.
# Debian's package puts the binaries in /usr/lib/postgresql/15/bin; when they are missing
# (and we are root) the package is installed with apt-get.

PG_TEST_PORT="${PG_TEST_PORT:-55432}"
PG_TEST_DIR=""

pg_test_bin() {
  local bin
  for bin in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
    if [ -x "$bin/initdb" ] && [ -x "$bin/pg_ctl" ]; then echo "$bin"; return 0; fi
  done
  return 1
}

pg_test_start() {
  local bin
  if ! bin="$(pg_test_bin)"; then
    if [ "$(id -u)" = 0 ]; then
      echo "postgres: installing postgresql-15 with apt-get" >&2
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql-15 >&2 || DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2
      bin="$(pg_test_bin)" || { echo "postgres: no initdb after apt-get install" >&2; return 1; }
    else
      echo "postgres: initdb not found (install Debian's postgresql package)" >&2
      return 1
    fi
  fi
  # A port in use (another run, a developer's server) moves us to the next free one.
  local tries=0
  while (exec 3<>"/dev/tcp/127.0.0.1/$PG_TEST_PORT") 2>/dev/null; do
    tries=$((tries + 1))
    [ "$tries" -lt 20 ] || { echo "postgres: no free port from $((PG_TEST_PORT - tries))" >&2; return 1; }
    PG_TEST_PORT=$((PG_TEST_PORT + 1))
  done
  PG_TEST_DIR="$(mktemp -d /tmp/shien-pg.XXXXXX)"
  local run=()
  if [ "$(id -u)" = 0 ]; then
    chown postgres: "$PG_TEST_DIR"
    run=(runuser -u postgres --)
  fi
  "${run[@]}" "$bin/initdb" -D "$PG_TEST_DIR/data" -U shien --auth=trust -E UTF8 --locale=C.UTF-8 >"$PG_TEST_DIR/initdb.log" 2>&1 \
    || { cat "$PG_TEST_DIR/initdb.log" >&2; return 1; }
  # Loopback only, socket in the temporary directory (not /var/run/postgresql), fsync off: it is thrown away.
  "${run[@]}" "$bin/pg_ctl" -D "$PG_TEST_DIR/data" -l "$PG_TEST_DIR/server.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_TEST_PORT -k $PG_TEST_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >&2 \
    || { cat "$PG_TEST_DIR/server.log" >&2; return 1; }
  export SHIEN_TEST_DATABASE_URL="postgres://shien@127.0.0.1:$PG_TEST_PORT/postgres"
  echo "postgres: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_TEST_PORT (SHIEN_TEST_DATABASE_URL)" >&2
}

pg_test_stop() {
  [ -n "$PG_TEST_DIR" ] || return 0
  local bin run=()
  bin="$(pg_test_bin)" || return 0
  [ "$(id -u)" = 0 ] && run=(runuser -u postgres --)
  "${run[@]}" "$bin/pg_ctl" -D "$PG_TEST_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_TEST_DIR"
  PG_TEST_DIR=""
}
