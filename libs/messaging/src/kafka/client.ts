import { Kafka, KafkaConfig, logCreator, logLevel } from 'kafkajs';

export interface KafkaConnection {
  brokers: string[];
  clientId: string;
  /** kafkajs log level: 'nothing' | 'error' | 'warn' | 'info' | 'debug'; REGISTER_KAFKA_LOG overrides, default 'warn'. */
  logLevel?: string;
}

const LEVELS: Record<string, logLevel> = { nothing: logLevel.NOTHING, error: logLevel.ERROR, warn: logLevel.WARN, info: logLevel.INFO, debug: logLevel.DEBUG };

export function kafkaLogLevel(name = process.env.REGISTER_KAFKA_LOG ?? 'warn'): logLevel {
  return LEVELS[name] ?? logLevel.WARN;
}

/** Warnings about choices we made on purpose (see publisher.ts and docs/messaging.md). */
const EXPECTED = ['Limiting retries for the idempotent producer', 'switched default partitioner'];

/**
 * One line per entry instead of kafkajs's JSON blobs, and each distinct message at most once per
 * ten seconds: a broker restart makes every connection report the same error many times over.
 */
export const quietLogCreator: logCreator = () => {
  const lastSeen = new Map<string, number>();
  return ({ namespace, level, log }) => {
    if (EXPECTED.some((text) => log.message?.includes(text))) return;
    const key = `${namespace}:${log.message}`;
    const now = Date.now();
    if ((lastSeen.get(key) ?? 0) > now - 10_000) return;
    lastSeen.set(key, now);
    const label = level === logLevel.ERROR ? 'ERROR' : level === logLevel.WARN ? 'WARN' : 'INFO';
    console.error(`[kafkajs] ${label} ${namespace}: ${log.message}`);
  };
};

/**
 * Client settings shared by producers, consumers and admin. Retries back off to at most 2 s, so
 * a broker that comes back is found within seconds, not kafkajs's default 30 s.
 */
export function kafkaConfig(connection: KafkaConnection): KafkaConfig {
  return {
    clientId: connection.clientId,
    brokers: connection.brokers,
    logLevel: kafkaLogLevel(connection.logLevel),
    logCreator: quietLogCreator,
    connectionTimeout: 3_000,
    retry: { initialRetryTime: 100, maxRetryTime: 2_000, retries: 10 },
  };
}

export function createKafka(connection: KafkaConnection): Kafka {
  return new Kafka(kafkaConfig(connection));
}
