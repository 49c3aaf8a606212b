/**
 * Topic names and message headers: the published contract between services, documented in
 * docs/messaging.md. Change them only with a migration plan: every consumer group depends on them.
 */
import { hostname } from 'node:os';

/** Partitions per events topic: enough parallelism for a province's consumers, few enough to keep ordering cheap. */
export const EVENTS_TOPIC_PARTITIONS = 6;

/**
 * `register.<service>.events`: the one topic a service's relay publishes its log to. With
 * REGISTER_KAFKA_NAMESPACE set (test runs that share one broker, e.g. test/faults), it is
 * `register.<namespace>.<service>.events`, and consumer groups are `<namespace>.<group>`
 * (kafkaGroup), so one run never reads another's events nor takes its partitions. Unset: unchanged.
 */
export function eventsTopic(service: string, env: NodeJS.ProcessEnv = process.env): string {
  if (!/^[a-z][a-z0-9_-]*$/.test(service)) throw new Error(`bad service name for a topic: ${service}`);
  const namespace = kafkaNamespace(env);
  return namespace ? `register.${namespace}.${service}.events` : `register.${service}.events`;
}

/** A consumer group's name on the broker: `<namespace>.<group>` under REGISTER_KAFKA_NAMESPACE, else the group. */
export function kafkaGroup(group: string, env: NodeJS.ProcessEnv = process.env): string {
  const namespace = kafkaNamespace(env);
  return namespace ? `${namespace}.${group}` : group;
}

/**
 * An in-memory consumer group's name for this process: `<group>.<REGISTER_INSTANCE_ID>`. Each
 * instance of a service keeps the whole replica, so each must read every partition: in one shared
 * group Kafka would hand each instance a share of them, and each would answer from part of the
 * register. Without an instance id, the host and the HTTP port stand for it: two instances on one
 * host listen on two ports, and a process started again on its port is the same instance, with the
 * same snapshot row (a name new at each start would leave a whole replica's row behind each time,
 * for an hour). Without a port either, the process id.
 */
export function instanceGroup(group: string, env: NodeJS.ProcessEnv = process.env): string {
  const instance = (env.REGISTER_INSTANCE_ID || `${hostname()}-${env.PORT || `pid${process.pid}`}`).replace(/[^A-Za-z0-9_-]/g, '_');
  return `${group}.${instance}`;
}

function kafkaNamespace(env: NodeJS.ProcessEnv): string | undefined {
  const namespace = env.REGISTER_KAFKA_NAMESPACE;
  if (!namespace) return undefined;
  if (!/^[a-z0-9_-]{1,40}$/.test(namespace)) throw new Error(`bad REGISTER_KAFKA_NAMESPACE: ${namespace}`);
  return namespace;
}

/** `<topic>.dlq.<consumer-group>`: one dead-letter topic per source topic and consumer group, so a
 *  group replays only its own failures and the others never see them. */
export function deadLetterTopic(topic: string, group: string): string {
  return `${topic}.dlq.${group}`;
}

/** Headers on every published event: what a consumer may route or log on without parsing the value. */
export const EventHeaders = {
  eventId: 'event-id',
  eventType: 'event-type',
  schemaVersion: 'schema-version',
  streamId: 'stream-id',
  streamRevision: 'stream-revision',
  position: 'position',
  correlationId: 'correlation-id',
  causationId: 'causation-id',
  recordedAt: 'recorded-at',
  /** The id of the first event of the log that published it: which log a position belongs to. */
  logOrigin: 'log-origin',
} as const;

/** Headers a dead letter adds to the original ones. */
export const DeadLetterHeaders = {
  error: 'dlq-error',
  attempts: 'dlq-attempts',
  group: 'dlq-consumer-group',
  topic: 'dlq-original-topic',
  partition: 'dlq-original-partition',
  offset: 'dlq-original-offset',
  failedAt: 'dlq-failed-at',
} as const;
