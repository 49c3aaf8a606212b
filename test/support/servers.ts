/** Where the integration tests find the real servers that deploy/dev/servers.sh starts. */
export const servers = {
  postgresUrl: process.env.REGISTER_PG_URL ?? 'postgres://register:register@127.0.0.1:55432/register_test',
  kafkaBrokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  mongoUrl: process.env.REGISTER_MONGO_URL ?? 'mongodb://127.0.0.1:27017/',
  eventStoreDbUrl: process.env.EVENTSTORE_URL,
};

/** A name no other test run uses, for schemas, streams, topics and databases. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}
