#!/usr/bin/env bash
# Dev/test MongoDB-compatible server without Docker: FerretDB v1 (last v1 release) on its SQLite
# backend, built natively from the Go module proxy, listening on 127.0.0.1 only.
#   deploy/dev/ferretdb.sh up|down|status|reset|build
#   env: MONGO_PORT (27017), REGISTER_SERVERS_DIR (~/.cache/union-register),
#        FERRETDB_RUN_DIR (REGISTER_SERVERS_DIR/ferretdb/port-MONGO_PORT: data, pid and log),
#        FERRETDB_POSTGRESQL_URL (optional: use the PostgreSQL backend instead of SQLite)
# Why ferretdb/main.go embeds the public `ferretdb` package instead of `go install .../cmd/ferretdb`:
# that binary panics without build/version/*.txt, which only `go generate` writes.
# Why three one-line patches to v1.24.2, applied with sed at build time:
#  1. the update command keeps every statement's cursor open until the whole command ends, so an
#     update/bulkWrite with >=100 statements matching existing docs exhausts the connection pool and
#     hangs forever: close each cursor once its statement is done;
#  2. SQLite `_id` lookups are written ->'$._id' but the _id index is on ->"_id", so SQLite never used
#     it (each _id find/update/delete scanned the whole table): write them as the index does;
#  3. $group gives all accumulators one shared iterator, so each after the first (n:{$sum:1},
#     total:{$sum:"$x"}) silently yields 0: give each accumulator its own.
set -euo pipefail

FDB_VERSION=v1.24.2
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PORT="${MONGO_PORT:-27017}" HOST=127.0.0.1
URL="mongodb://$HOST:$PORT/"
ROOT="${REGISTER_SERVERS_DIR:-$HOME/.cache/union-register}/ferretdb"
# The binary's name carries a hash of the version, build() (its patches) and main.go: editing any
# of them rebuilds; editing how the server is started or waited for does not.
BIN="$ROOT/bin/ferretdb-$FDB_VERSION-$({ echo "$FDB_VERSION"; sed -n '/^build() {/,/^}/p' "${BASH_SOURCE[0]}"; cat "$HERE/ferretdb/main.go"; } | sha256sum | cut -c1-10)"
RUN="${FERRETDB_RUN_DIR:-$ROOT/port-$PORT}"  # per port, so a test instance can run beside the dev one
DATA="$RUN/data" PIDF="$RUN/ferretdb.pid" LOG="$RUN/ferretdb.log"
# A fresh CI machine starts this right after the build, beside a JVM warming up: 30 s was not
# always enough there, so wait longer and say every few seconds what is still missing.
TIMEOUT="${FERRETDB_START_TIMEOUT:-180}"
export PATH="$PATH:/usr/local/go/bin" GOTOOLCHAIN="${GOTOOLCHAIN:-local}" CGO_ENABLED=0

build() {  # once; later runs reuse the binary. ~1.5 min on 2 cores from empty Go caches, seconds warm.
  [[ -x $BIN ]] && return 0
  command -v go >/dev/null || { echo "ferretdb: Go toolchain not found (need go >= 1.24)" >&2; exit 1; }
  local src="$ROOT/src" mod=github.com/FerretDB/FerretDB t0=$SECONDS dir f
  rm -rf "$src"; mkdir -p "$src" "$ROOT/bin"
  echo "ferretdb: building FerretDB $FDB_VERSION into $BIN (one-off)..." >&2
  dir=$(cd "$src" && go mod download -json "$mod@$FDB_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  cp -r "$dir" "$src/FerretDB" && chmod -R u+w "$src/FerretDB"  # module cache copies are read-only
  f="$src/FerretDB/internal"
  sed -i '/result, err := common.UpdateDocument(ctx, c, "update", iter, &u)/a closer.Close() // patched' \
    "$f/handler/msg_update.go"
  sed -i "s|IDColumn = DefaultColumn + \"->'\\\$._id'\"|IDColumn = DefaultColumn + \`->\"_id\"\` // patched|" \
    "$f/backends/sqlite/metadata/metadata.go"
  sed -i 's|out, err := accumulation.accumulator.Accumulate(groupIter)$|ai := iterator.Values(iterator.ForSlice(groupedDocument.documents)); out, err := accumulation.accumulator.Accumulate(ai); ai.Close() // patched|' \
    "$f/handler/common/aggregations/stages/group.go"
  [[ $(cat "$f"/handler/{msg_update.go,common/aggregations/stages/group.go} \
    "$f/backends/sqlite/metadata/metadata.go" | grep -c '// patched') == 3 ]] ||
    { echo "ferretdb: patching FerretDB failed" >&2; exit 1; }
  printf 'module union-register/ferretdb-dev\n\ngo 1.24\n\nrequire %s %s\n\nreplace %s => ./FerretDB\n' \
    "$mod" "$FDB_VERSION" "$mod" >"$src/go.mod"
  cp "$HERE/ferretdb/main.go" "$src/"
  (cd "$src" && go mod tidy && go build -trimpath -ldflags='-s -w' -o "$BIN.tmp" .)
  mv "$BIN.tmp" "$BIN"  # atomic: an interrupted build never leaves a half binary that skips the build
  find "$ROOT/bin" -name 'ferretdb-*' ! -name "${BIN##*/}" -delete  # superseded builds
  echo "ferretdb: built in $((SECONDS - t0))s" >&2
}

pid_alive() {  # the pid file names a live process that really is our binary (not a recycled pid)
  [[ -f $PIDF ]] || return 1
  local pid; pid=$(<"$PIDF")
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "ferretdb-"
}
pings() { "$BIN" ping "$URL" 2>/dev/null; }
PING_ERR=""
pings_why() { PING_ERR=$("$BIN" ping "$URL" 2>&1 >/dev/null | tail -n 1); [[ -z $PING_ERR ]]; }
tcp_open() { (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null; }
# What the start still waits for, in words (empty once it answers): the port first, then a real ping.
waiting_for() {
  tcp_open || { echo "port $PORT not open yet"; return; }
  pings_why || echo "port open, MongoDB ping fails: ${PING_ERR:-no answer}"
}

up() {
  build
  if pings; then
    if pid_alive; then echo "ferretdb: already running (pid $(<"$PIDF"))"
    else echo "ferretdb: a MongoDB-compatible server not started by this script already answers"; fi
    echo "$URL"; return 0
  fi
  pid_alive && { echo "ferretdb: pid $(<"$PIDF") exists but does not answer; run '$0 down' first" >&2; exit 1; }
  tcp_open && { echo "ferretdb: port $PORT is taken by something that is not MongoDB" >&2; exit 1; }
  mkdir -p "$DATA"; echo "=== $(date -Is) starting ${BIN##*/} on $HOST:$PORT" >>"$LOG"
  # setsid+nohup: detach from this shell and terminal so the server outlives the caller.
  setsid nohup "$BIN" serve "$HOST:$PORT" "$DATA" >>"$LOG" 2>&1 </dev/null &
  echo $! >"$PIDF"
  local t0=$SECONDS deadline=$((SECONDS + TIMEOUT)) told=$SECONDS why
  until why=$(waiting_for); [[ -z $why ]]; do
    # plain kill -0: until setsid/nohup exec the binary, the cmdline check in pid_alive would miss
    if ! kill -0 "$(<"$PIDF")" 2>/dev/null; then
      echo "ferretdb: the server exited before it answered; last log lines ($LOG):" >&2
      tail -n 20 "$LOG" >&2; rm -f "$PIDF"; exit 1
    fi
    if ((SECONDS >= deadline)); then
      echo "ferretdb: did not answer within ${TIMEOUT}s ($why); last log lines ($LOG):" >&2
      tail -n 20 "$LOG" >&2; down >/dev/null; exit 1
    fi
    if ((SECONDS - told >= 5)); then
      told=$SECONDS; echo "ferretdb: waiting ($((SECONDS - t0))s): $why; load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
    fi
    sleep 0.3
  done
  echo "ferretdb: up in $((SECONDS - t0))s (pid $(<"$PIDF"), data $DATA, log $LOG)"
  echo "$URL"
}

down() {
  if ! pid_alive; then rm -f "$PIDF"; echo "ferretdb: not running (port $PORT)"; return 0; fi
  local pid i; pid=$(<"$PIDF")
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then echo "ferretdb: still alive after 10s, SIGKILL" >&2; kill -KILL "$pid" || true; fi
  rm -f "$PIDF"; echo "ferretdb: stopped (pid $pid)"
}

status() {  # exit 0 = running and answering, 1 = alive but not answering, 3 = not running
  [[ -x $BIN ]] || { echo "ferretdb: not built yet ($BIN)"; return 3; }
  if pid_alive && pings; then echo "ferretdb: running (pid $(<"$PIDF")) at $URL"; return 0; fi
  if pid_alive; then echo "ferretdb: pid $(<"$PIDF") alive but not answering at $URL"; return 1; fi
  echo "ferretdb: not running (port $PORT)"; return 3
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  reset) down; rm -rf "$DATA"; echo "ferretdb: data wiped ($DATA)" ;;
  build) build ;;
  *) echo "usage: $0 up|down|status|reset|build" >&2; exit 2 ;;
esac
