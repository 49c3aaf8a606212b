#!/usr/bin/env bash
# Dev/test MongoDB-compatible server without Docker: FerretDB v1 (last v1 release) on its
# SQLite backend, built natively from the Go module proxy and run on 127.0.0.1.
#   deploy/dev/ferretdb.sh up|down|status|reset     (env: MONGO_PORT=27017, REGISTER_SERVERS_DIR)
# Why a tiny embedding main instead of `go install .../cmd/ferretdb`: that binary panics without the
# build/version/*.txt files that only `go generate` writes; the public `ferretdb` package needs none,
# and in embedded mode FerretDB creates no telemetry reporter (telemetry is disabled and locked).
set -euo pipefail

FDB_VERSION=v1.24.2
PORT="${MONGO_PORT:-27017}"
HOST=127.0.0.1
URL="mongodb://$HOST:$PORT/"
ROOT="${REGISTER_SERVERS_DIR:-$HOME/.cache/union-register}/ferretdb"
BIN="$ROOT/bin/ferretdb-$FDB_VERSION"   # versioned name: bumping FDB_VERSION rebuilds
RUN="$ROOT/port-$PORT"                  # per port, so a test instance can run beside the dev one
DATA="$RUN/data" PIDF="$RUN/ferretdb.pid" LOG="$RUN/ferretdb.log"
TIMEOUT="${FERRETDB_START_TIMEOUT:-30}"
export PATH="$PATH:/usr/local/go/bin" GOTOOLCHAIN="${GOTOOLCHAIN:-local}" CGO_ENABLED=0

build() {  # once; later runs reuse the binary. ~2-4 min on 2 cores with a cold Go cache.
  [[ -x $BIN ]] && return 0
  command -v go >/dev/null || { echo "ferretdb: Go toolchain not found (need go >= 1.24)" >&2; exit 1; }
  local src="$ROOT/src" t0=$SECONDS
  mkdir -p "$src" "$ROOT/bin"
  echo "ferretdb: building FerretDB $FDB_VERSION into $BIN (one-off, takes a few minutes)..." >&2
  printf 'module union-register/ferretdb-dev\n\ngo 1.24\n\nrequire github.com/FerretDB/FerretDB %s\n' \
    "$FDB_VERSION" >"$src/go.mod"
  cat >"$src/main.go" <<'EOF'
// Usage: ferretdb-dev serve HOST:PORT SQLITE_DIR | ferretdb-dev ping MONGODB_URL
package main

import (
	"context"
	"log"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

func main() {
	switch {
	case len(os.Args) == 3 && os.Args[1] == "ping": // a real MongoDB ping, so the script needs no mongosh
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		c, err := mongo.Connect(ctx, options.Client().ApplyURI(os.Args[2]).SetServerSelectionTimeout(2*time.Second))
		if err == nil {
			defer c.Disconnect(ctx)
			err = c.Database("admin").RunCommand(ctx, bson.D{{Key: "ping", Value: 1}}).Err()
		}
		if err != nil {
			log.Fatal(err)
		}
	case len(os.Args) == 4 && os.Args[1] == "serve":
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		f, err := ferretdb.New(&ferretdb.Config{
			Listener:  ferretdb.ListenerConfig{TCP: os.Args[2]},
			Handler:   "sqlite",
			SQLiteURL: "file:" + os.Args[3] + "/", // a directory: one SQLite file per database
		})
		if err != nil {
			log.Fatal(err)
		}
		log.Printf("serving %s", f.MongoDBURI())
		_ = f.Run(ctx) // returns on SIGTERM/SIGINT after closing the backend cleanly
	default:
		log.Fatal("usage: ferretdb-dev serve HOST:PORT SQLITE_DIR | ping MONGODB_URL")
	}
}
EOF
  (cd "$src" && go mod tidy && go build -trimpath -ldflags='-s -w' -o "$BIN.tmp" .)
  mv "$BIN.tmp" "$BIN"  # atomic: an interrupted build never leaves a half binary that skips rebuild
  echo "ferretdb: built in $((SECONDS - t0))s" >&2
}

pid_alive() {  # our pid file names a live process that really is our binary (not a recycled pid)
  [[ -f $PIDF ]] || return 1
  local pid; pid=$(<"$PIDF")
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "ferretdb-"
}
pings() { "$BIN" ping "$URL" 2>/dev/null; }
tcp_open() { (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null; }

up() {
  build
  if pings; then
    if pid_alive; then echo "ferretdb: already running (pid $(<"$PIDF")) at $URL"
    else echo "ferretdb: something MongoDB-compatible (not started by this script) already answers at $URL"; fi
    return 0
  fi
  pid_alive && { echo "ferretdb: pid $(<"$PIDF") exists but does not answer; run '$0 down' first" >&2; exit 1; }
  tcp_open && { echo "ferretdb: port $PORT is taken by something that is not MongoDB" >&2; exit 1; }
  mkdir -p "$DATA"
  # setsid+nohup: detach from this shell/terminal so the server outlives the caller.
  setsid nohup "$BIN" serve "$HOST:$PORT" "$DATA" >>"$LOG" 2>&1 </dev/null &
  echo $! >"$PIDF"
  local deadline=$((SECONDS + TIMEOUT))
  until tcp_open && pings; do  # cheap TCP poll first, then a real ping
    if ! pid_alive || ((SECONDS >= deadline)); then
      echo "ferretdb: failed to start within ${TIMEOUT}s; last log lines ($LOG):" >&2
      tail -n 20 "$LOG" >&2; down >/dev/null; exit 1
    fi
    sleep 0.2
  done
  echo "ferretdb: up (pid $(<"$PIDF"), data $DATA, log $LOG)"
  echo "$URL"
}

down() {
  if ! pid_alive; then rm -f "$PIDF"; echo "ferretdb: not running"; return 0; fi
  local pid i; pid=$(<"$PIDF")
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -0 "$pid" 2>/dev/null && { echo "ferretdb: no exit after SIGTERM, sending SIGKILL" >&2; kill -KILL "$pid" || true; }
  rm -f "$PIDF"; echo "ferretdb: stopped (pid $pid)"
}

status() {
  if pid_alive && pings; then echo "ferretdb: running (pid $(<"$PIDF")) at $URL"; return 0; fi
  if pid_alive; then echo "ferretdb: pid $(<"$PIDF") alive but not answering at $URL"; return 1; fi
  echo "ferretdb: not running (port $PORT)"; return 3
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) [[ -x $BIN ]] || { echo "ferretdb: not built yet ($BIN)"; exit 3; }; status ;;
  reset) down; rm -rf "$DATA"; echo "ferretdb: data wiped ($DATA)" ;;
  build) build ;;
  *) echo "usage: $0 up|down|status|reset|build   (env MONGO_PORT, REGISTER_SERVERS_DIR)" >&2; exit 2 ;;
esac
