/**
 * The suites run in two jest workers against one Kafka broker. Each worker's services publish and
 * consume under a namespace of their own (see libs/messaging/src/topics.ts), so that two suites
 * running at once never read each other's events nor share a consumer group's partitions.
 * A suite that sets its own namespace still does; child processes inherit this one.
 */
process.env.REGISTER_KAFKA_NAMESPACE ??= `jest-worker-${process.env.JEST_WORKER_ID ?? '1'}`;
