#!/usr/bin/env bash
# The distributed register on this machine, without Docker: the four services and the gateway as
# separate processes, on the servers deploy/dev/servers.sh starts (PostgreSQL, Kafka, FerretDB).
#   bash deploy/dev/distributed.sh up|down|status
#   env: REGISTER_DIST_DIR (./data-distributed: secrets, each process's DATA_DIR, logs, pids),
#        REGISTER_DIST_NAME (register_dist: the PostgreSQL and MongoDB database, and the Kafka
#        namespace), REGISTER_DIST_PORT (3000: the gateway; the services take the next four),
#        REGISTER_DIST_INSTANCES (1 to 4, default 1: instances of each service; instance k of a
#        service listens 10 × k above the first, and the gateway spreads requests over them).
# Idempotent: a second `up` finds the processes running. The secrets are made once and kept (mode
# 0600) in REGISTER_DIST_DIR/secrets: the same register survives `down` and `up`.
set -euo pipefail
cd "$(dirname "$0")/../.."
DIR="${REGISTER_DIST_DIR:-$PWD/data-distributed}"
NAME="${REGISTER_DIST_NAME:-register_dist}"
PORT="${REGISTER_DIST_PORT:-3000}"
PGPORT="${PGPORT:-55432}"
INSTANCES="${REGISTER_DIST_INSTANCES:-1}"
[[ "$INSTANCES" =~ ^[1-4]$ ]] || { echo "REGISTER_DIST_INSTANCES must be 1 to 4" >&2; exit 2; }
SERVICES=(organisation personnel training evaluation)
# Each process: a service's first instance by the service's name, the others as <service>-<k>.
PROCS=()
for s in "${SERVICES[@]}"; do
  PROCS+=("$s")
  for k in $(seq 1 $((INSTANCES - 1))); do PROCS+=("$s-$k"); done
done
PROCS+=(gateway)

port_of() {
  local service="${1%-*}" k=0
  [ "$service" != "$1" ] && k="${1##*-}"
  case "$service" in
    gateway) echo "$PORT" ;; organisation) echo $((PORT + 1 + 10 * k)) ;; personnel) echo $((PORT + 2 + 10 * k)) ;;
    training) echo $((PORT + 3 + 10 * k)) ;; evaluation) echo $((PORT + 4 + 10 * k)) ;;
  esac
}

# The URLs of every instance of a service, separated by commas (the gateway's <SERVICE>_URL).
urls_of() {
  local urls="" p
  for p in "${PROCS[@]}"; do
    if [ "${p%-*}" = "$1" ]; then urls="${urls:+$urls,}http://127.0.0.1:$(port_of "$p")"; fi
  done
  echo "$urls"
}
running() { [ -f "$DIR/pids/$1" ] && kill -0 "$(cat "$DIR/pids/$1")" 2>/dev/null; }

secret() { # name, command printing a new value
  local file="$DIR/secrets/$1"
  if [ ! -s "$file" ]; then (umask 077; eval "$2" > "$file"); fi
  cat "$file"
}

up() {
  [[ "$NAME" =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "REGISTER_DIST_NAME must be lower-case letters, digits and _" >&2; exit 2; }
  bash deploy/dev/servers.sh up >/dev/null
  [ -f dist/services/gateway/src/main.js ] || npm run build --silent
  mkdir -p "$DIR/secrets" "$DIR/pids" "$DIR/logs"
  PGPASSWORD=register psql -h 127.0.0.1 -p "$PGPORT" -U register -d postgres -tAc "select 1 from pg_database where datname = '$NAME'" | grep -q 1 \
    || PGPASSWORD=register psql -h 127.0.0.1 -p "$PGPORT" -U register -d postgres -qc "create database $NAME"
  local rand='node -e "process.stdout.write(require(\"crypto\").randomBytes(32).toString(\"hex\"))"'
  local ed='node -e "process.stdout.write(require(\"crypto\").generateKeyPairSync(\"ed25519\").privateKey.export({type:\"pkcs8\",format:\"pem\"}))"'
  export REGISTER_MODE=distributed EVENT_STORE=postgres HOST=127.0.0.1
  export REGISTER_PG_URL="postgres://register:register@127.0.0.1:$PGPORT/$NAME"
  export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:9092}" REGISTER_KAFKA_NAMESPACE="$NAME"
  export REGISTER_MONGO_URL="mongodb://127.0.0.1:27017/$NAME"
  export REGISTER_INTERNAL_SECRET="$(secret internal "$rand")" REGISTER_FINGERPRINT_SECRET="$(secret fingerprint "$rand")"
  export REGISTER_JWT_SECRET="$(secret jwt "$rand")" REGISTER_LOG_SIGNING_KEY="$(secret log-signing-key.pem "$ed")"
  for p in "${SERVICES[@]}"; do export "${p^^}_URL=$(urls_of "$p")"; done
  for p in "${PROCS[@]}"; do
    if running "$p"; then echo "$p: running (pid $(cat "$DIR/pids/$p"))"; continue; fi
    mkdir -p "$DIR/$p"
    # An instance name the same across restarts: a process brought back after a crash takes its read
    # models' leases at once, rather than waiting out the dead one's 30 s (docs/faults.md).
    REGISTER_INSTANCE_ID="$NAME-$p" DATA_DIR="$DIR/$p" PORT="$(port_of "$p")" nohup node --max-semi-space-size=64 -r ./scripts/paths.js "dist/services/${p%-*}/src/main.js" \
      >> "$DIR/logs/$p.log" 2>&1 &
    echo $! > "$DIR/pids/$p"
    echo "$p: started (pid $!, port $(port_of "$p"), log $DIR/logs/$p.log)"
  done
  for p in "${PROCS[@]}"; do
    for _ in $(seq 1 120); do
      curl -sf "http://127.0.0.1:$(port_of "$p")/health/ready" >/dev/null 2>&1 && break
      running "$p" || { echo "$p stopped while starting: see $DIR/logs/$p.log" >&2; exit 1; }
      sleep 1
    done
    curl -sf "http://127.0.0.1:$(port_of "$p")/health/ready" >/dev/null 2>&1 || { echo "$p not ready after 120 s: see $DIR/logs/$p.log" >&2; exit 1; }
  done
  echo "Union Register (distributed) is up: http://127.0.0.1:$PORT/api/v1  docs: http://127.0.0.1:$PORT/api/docs"
  echo "a token: REGISTER_JWT_SECRET=\$(cat $DIR/secrets/jwt) npm run -s token -- --sub admin --role central-admin"
}

down() {
  # The gateway first, then every process with a pid file (whatever REGISTER_DIST_INSTANCES was at `up`).
  local p
  for p in gateway $(ls "$DIR/pids" 2>/dev/null | grep -vx gateway | sort -r); do
    if running "$p"; then
      local pid; pid="$(cat "$DIR/pids/$p")"
      kill -TERM "$pid"
      for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
      echo "$p: stopped"
    fi
    rm -f "$DIR/pids/$p"
  done
}

status() {
  for p in "${PROCS[@]}"; do
    if running "$p"; then echo "$p: running (pid $(cat "$DIR/pids/$p"), port $(port_of "$p"))"; else echo "$p: not running"; fi
  done
}

case "${1:-}" in
  up) up ;; down) down ;; status) status ;;
  *) echo "usage: bash deploy/dev/distributed.sh up|down|status" >&2; exit 2 ;;
esac
