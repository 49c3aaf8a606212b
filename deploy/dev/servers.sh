#!/usr/bin/env bash
# Starts (or stops) every real server the integration tests need, natively, on loopback:
# PostgreSQL (Debian's packages), Kafka (KRaft, jars from Maven Central), FerretDB (built from the Go module proxy).
#   servers.sh up | down | status
# Each script is idempotent: a server already running is checked and left alone.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
action="${1:-up}"
case "$action" in
  up|status)
    bash "$here/postgres.sh" "$action"
    bash "$here/kafka.sh" "$action"
    bash "$here/ferretdb.sh" "$action"
    ;;
  down)
    bash "$here/ferretdb.sh" down || true
    bash "$here/kafka.sh" down || true
    bash "$here/postgres.sh" down || true
    ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
