import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Pool } from 'pg';
import { EventSchemas, EventStore, UpcastingEventStore } from '@register/event-sourcing';
import { openPostgresEventStore } from '@register/event-store';
import { logReaderOf, MongoReadStore, readModelDatabase, rebuildShadowDiff } from '@register/read-models';
import { loadProjections, parseArgs } from '../../libs/read-models/src/cli/rebuild';
import { ROOT } from '../messaging/processes';
import { SERVICES } from './cluster';

const run = promisify(execFile);

/** shadowRebuildDiffs in a process of its own, from a copy of the build (see shadow-main.ts). */
export async function shadowRebuildDiffsApart(build: string, pgUrl: string, mongoUrl: string): Promise<string[]> {
  const { stdout } = await run(process.execPath, ['-r', join(build, 'scripts/paths.js'), join(build, 'dist/test/faults/shadow-main.js'), pgUrl, mongoUrl], { cwd: ROOT, env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules') }, maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as string[];
}

/**
 * A shadow rebuild of every projection of every service, diffed against the live copy, as the
 * rebuild CLI's shadow-diff does (each log read as its service reads it: registerLogReader), the
 * four services side by side (FerretDB's round trips, not the processor, are what they wait on), with
 * each failure or difference named.
 */
export async function shadowRebuildDiffs(pgUrl: string, mongoUrl: string): Promise<string[]> {
  const sql = new Pool({ connectionString: pgUrl, max: 4 });
  try {
    return (await Promise.all(SERVICES.map((service) => serviceDiffs(service, pgUrl, mongoUrl, sql)))).flat();
  } finally {
    await sql.end();
  }
}

async function serviceDiffs(service: (typeof SERVICES)[number], pgUrl: string, mongoUrl: string, sql: Pool): Promise<string[]> {
  const diffs: string[] = [];
  const list = await loadProjections(parseArgs(['--service', service], {}));
  const schemas = list.reduce((s, p) => (p.schemas ? s.merge(p.schemas) : s), new EventSchemas());
  const stored = new UpcastingEventStore(await openPostgresEventStore(pgUrl, service), schemas);
  const reader = logReaderOf(service);
  const log: EventStore = reader ? reader(stored, sql) : stored;
  const store = await MongoReadStore.connect(mongoUrl, readModelDatabase(mongoUrl, service));
  try {
    for (const { projection } of list) {
      const report = await rebuildShadowDiff(log, store, projection).catch((error: Error) => error);
      if (report instanceof Error) diffs.push(`${service}/${projection.name}: the shadow rebuild failed: ${report.message.slice(0, 300)}`);
      else if ((report.diff?.differences ?? 0) > 0) diffs.push(`${service}/${projection.name}: ${report.diff?.differences} differences`);
    }
  } finally {
    await store.close();
    await stored.close();
  }
  return diffs;
}
