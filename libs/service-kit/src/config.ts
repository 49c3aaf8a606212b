import { join } from 'node:path';
import { setRegisterTimeZone } from '@register/event-sourcing';

/** How one process of the register runs; every field comes from the environment. */
export interface RegisterConfig {
  /** embedded: every service in one process on PGlite, an in-process bus and an in-memory read store. */
  mode: 'embedded' | 'distributed';
  port: number;
  dataDir: string;
  eventStore: 'pglite' | 'postgres' | 'eventstoredb';
  postgresUrl: string;
  eventStoreDbUrl?: string;
  kafkaBrokers: string[];
  mongoUrl: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): RegisterConfig {
  const mode = env.REGISTER_MODE === 'distributed' ? 'distributed' : 'embedded';
  // The register's days (calendarDayOf): a zone that does not exist stops the start here, naming the variable.
  if (env.REGISTER_TIME_ZONE) setRegisterTimeZone(env.REGISTER_TIME_ZONE);
  return {
    mode,
    port: Number(env.PORT ?? 3000),
    dataDir: env.DATA_DIR ?? join(process.cwd(), 'data'),
    eventStore: (env.EVENT_STORE as RegisterConfig['eventStore']) ?? (mode === 'embedded' ? 'pglite' : 'postgres'),
    postgresUrl: env.REGISTER_PG_URL ?? 'postgres://register:register@127.0.0.1:55432/register',
    eventStoreDbUrl: env.EVENTSTORE_URL,
    kafkaBrokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    mongoUrl: env.REGISTER_MONGO_URL ?? 'mongodb://127.0.0.1:27017/register',
  };
}
