#!/usr/bin/env bash
# Starts (or stops) every real server the integration tests need, natively, on loopback:
# PostgreSQL (Debian's packages), Kafka (KRaft, jars from Maven Central), FerretDB (built from the Go module proxy).
#   servers.sh up | down | status | reset
# Each script is idempotent: a server already running is checked and left alone. `reset` starts them
# again from empty data: tests leave databases, topics and collections behind (a cluster that had
# served many runs held 1,468 databases and 13 GB, and a whole test run took 28 minutes instead of 18).
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
  reset)
    bash "$here/ferretdb.sh" reset
    bash "$here/kafka.sh" reset
    bash "$here/postgres.sh" reset
    bash "$here/kafka.sh" up
    bash "$here/ferretdb.sh" up
    ;;
  *) echo "usage: $0 up|down|status|reset" >&2; exit 2 ;;
esac
