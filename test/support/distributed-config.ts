import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { loadConfig, RegisterConfig } from '@register/service-kit';
import { servers, uniqueName } from './servers';

/**
 * The configuration of a distributed register on the real servers: a PostgreSQL database and a
 * MongoDB (FerretDB) database of its own, named after `label`, Kafka's brokers, a fresh DATA_DIR.
 */
export async function distributedConfig(label: string): Promise<RegisterConfig> {
  const database = uniqueName(label);
  const pg = new Client({ connectionString: servers.postgresUrl });
  await pg.connect();
  await pg.query(`create database ${database}`);
  await pg.end();
  return loadConfig({
    REGISTER_MODE: 'distributed',
    EVENT_STORE: 'postgres',
    REGISTER_PG_URL: servers.postgresUrl.replace(/\/[^/]+$/, `/${database}`),
    KAFKA_BROKERS: servers.kafkaBrokers.join(','),
    REGISTER_MONGO_URL: `${servers.mongoUrl.replace(/\/[^/]*$/, '')}/${database}`,
    DATA_DIR: mkdtempSync(join(tmpdir(), `register-${label}-`)),
  });
}
