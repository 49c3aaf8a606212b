#!/usr/bin/env bash
# Creates the register's topics on a self-managed cluster (not needed with Strimzi: strimzi/topics.yaml).
#   deploy/kafka/create-topics.sh <bootstrap> [replication]     e.g. kafka-1:9092 3
# Needs Kafka's kafka-topics.sh on PATH. Existing topics are left as they are.
set -euo pipefail
BOOTSTRAP="${1:?usage: $0 <bootstrap> [replication]}"
REPLICATION="${2:-3}"
MIN_ISR=$(( REPLICATION > 1 ? 2 : 1 ))
for service in organisation personnel training evaluation; do
  kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --create --if-not-exists \
    --topic "register.$service.events" --partitions 6 --replication-factor "$REPLICATION" \
    --config min.insync.replicas="$MIN_ISR" --config cleanup.policy=delete \
    --config retention.ms=-1 --config retention.bytes=-1 --config unclean.leader.election.enable=false
done
# Dead-letter topics are created by the consumers on first use (1 partition, broker defaults);
# on a cluster with auto-creation off and restricted ACLs, create them here, e.g.:
#   kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --create --if-not-exists \
#     --topic register.organisation.events.dlq.personnel.branch-sync --partitions 1 \
#     --replication-factor "$REPLICATION" --config min.insync.replicas="$MIN_ISR" --config retention.ms=7776000000
