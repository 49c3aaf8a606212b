#!/usr/bin/env bash
# Runs a PostgreSQL cluster of our own on loopback for tests and benchmarks, from Debian's packages.
#   postgres.sh up | down | status | reset
#   env: PGPORT (55432), REGISTER_PG_DIR (/var/tmp/union-register/postgres: the cluster's directory; its
#        parent is given to the postgres user), REGISTER_PG_DB (register_test): a second cluster on
#        another port and directory runs beside the dev one.
# Idempotent: `up` on a running cluster only checks it and makes sure the test database exists.
set -euo pipefail

PGPORT="${PGPORT:-55432}"                      # not 5432: never collide with a system cluster
PGDATA="${REGISTER_PG_DIR:-/var/tmp/union-register/postgres}"
DB="${REGISTER_PG_DB:-register_test}"
USER_NAME=register

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

bin_dir() {
  local d; d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  echo "$d"
}

install_if_missing() {
  if [ -z "$(bin_dir)" ] || [ ! -x "$(bin_dir)/initdb" ]; then
    echo "postgres: installing PostgreSQL from Debian's packages" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq postgresql >/dev/null
  fi
}

running() { [ -n "$(bin_dir)" ] && as_pg "$(bin_dir)/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; }

up() {
  install_if_missing
  local bin; bin=$(bin_dir)
  if ! [ -f "$PGDATA/PG_VERSION" ]; then
    mkdir -p "$PGDATA"; chown -R postgres:postgres "$(dirname "$PGDATA")"
    as_pg "$bin/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    # A throwaway test cluster: loopback only, enough connections for concurrency tests.
    cat >>"$PGDATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PGPORT
max_connections = 200
unix_socket_directories = '$PGDATA'
shared_buffers = 256MB
# Old write-ahead segments are deleted, not renamed for reuse with their contents (a shredded key's insertion among them).
wal_recycle = off
CONF
  fi
  if running; then
    echo "postgres: already running on 127.0.0.1:$PGPORT"
  else
    as_pg "$bin/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 start >/dev/null
    echo "postgres: started on 127.0.0.1:$PGPORT"
  fi
  local psql=("$bin/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -v ON_ERROR_STOP=1 -qtA)
  "${psql[@]}" -c "select 1 from pg_roles where rolname='$USER_NAME'" | grep -q 1 ||
    "${psql[@]}" -c "create role $USER_NAME login superuser password '$USER_NAME'"
  "${psql[@]}" -c "select 1 from pg_database where datname='$DB'" | grep -q 1 ||
    "${psql[@]}" -c "create database $DB owner $USER_NAME"
  echo "postgres: postgres://$USER_NAME:$USER_NAME@127.0.0.1:$PGPORT/$DB"
}

down() {
  if running; then as_pg "$(bin_dir)/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null; echo "postgres: stopped"; else echo "postgres: not running"; fi
}

case "${1:-up}" in
  up) up ;;
  down) down ;;
  status) running && echo "postgres: running on 127.0.0.1:$PGPORT" || { echo "postgres: not running"; exit 1; } ;;
  reset) down; rm -rf "$PGDATA"; up ;;
  *) echo "usage: $0 up|down|status|reset" >&2; exit 2 ;;
esac
