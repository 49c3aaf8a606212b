/**
 * Rebuilds a service's read models from its log, with a progress bar, and prints the figures.
 *
 *   npm run rebuild -- --service organisation --projection all|<name> --mode live|shadow-diff
 *                      [--pg postgres://...] [--mongo mongodb://host:27017/register] [--db <database>]
 *                      [--require <module>]... [--ignore-pos] [--keep-shadow] [--take-over-ms 90000]
 *
 * live: builds a shadow copy while the service keeps serving, then switches it in.
 * shadow-diff: builds a shadow copy up to the live one's position and compares them; exit code 2
 * when they differ. The service's projections come from `services/<service>/src/projections`
 * (which registers them) and any `--require`d module. Env: REGISTER_PG_URL, REGISTER_MONGO_URL.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import { timeLeft } from './time-left';
import { Pool } from 'pg';
import { EventSchemas, UpcastingEventStore } from '@register/event-sourcing';
import { openPostgresEventStore } from '@register/event-store';
import { readModelDatabase } from '../database';
import { rebuildLive, RebuildProgress, RebuildReport, rebuildShadowDiff } from '../rebuild';
import { logReaderOf, projections, RegisteredProjection } from '../registry';
import { MongoReadStore } from '../stores/mongo-read-store';
import { formatReport } from './report';

export interface CliArgs {
  service: string;
  projection: string;
  mode: 'live' | 'shadow-diff';
  pg: string;
  mongo: string;
  db?: string;
  require: string[];
  ignorePos: boolean;
  keepShadow: boolean;
  takeOverMs?: number;
}

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): CliArgs {
  const args: CliArgs = {
    service: '',
    projection: 'all',
    mode: 'shadow-diff',
    pg: env.REGISTER_PG_URL ?? 'postgres://register:register@127.0.0.1:55432/register',
    mongo: env.REGISTER_MONGO_URL ?? 'mongodb://127.0.0.1:27017/register',
    require: [],
    ignorePos: false,
    keepShadow: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const value = () => argv[++i] ?? fail(`${argv[i - 1]} needs a value`);
    switch (argv[i]) {
      case '--service': args.service = value(); break;
      case '--projection': args.projection = value(); break;
      case '--mode': args.mode = value() as CliArgs['mode']; break;
      case '--pg': args.pg = value(); break;
      case '--mongo': args.mongo = value(); break;
      case '--db': args.db = value(); break;
      case '--require': args.require.push(value()); break;
      case '--ignore-pos': args.ignorePos = true; break;
      case '--keep-shadow': args.keepShadow = true; break;
      case '--take-over-ms': args.takeOverMs = Number(value()); break;
      default: fail(`unknown argument ${argv[i]}`);
    }
  }
  if (!args.service) fail('--service is required');
  if (args.mode !== 'live' && args.mode !== 'shadow-diff') fail('--mode is live or shadow-diff');
  return args;
}

export const REBUILD_USAGE = `usage: npm run rebuild -- --service <name> [--projection all|<name>] [--mode live|shadow-diff] [--pg <url>] [--mongo <url>] [--db <name>] [--require <module>]... [--ignore-pos] [--keep-shadow]
  For the distributed set: a service's log in PostgreSQL (--pg, else REGISTER_PG_URL) and its read models in MongoDB (--mongo, else
  REGISTER_MONGO_URL); give the deployment's own, the defaults are the dev servers'. The embedded start builds its read models itself.`;

function fail(message: string): never {
  throw new Error(`${message}\n${REBUILD_USAGE}`);
}

/** Loads the modules that register the service's projections. */
export async function loadProjections(args: CliArgs): Promise<RegisteredProjection[]> {
  const conventional = join(__dirname, '..', '..', '..', '..', 'services', args.service, 'src', 'projections');
  if (['.js', '.ts'].some((ext) => existsSync(conventional + ext))) await import(conventional);
  for (const module of args.require) await import(resolve(module));
  const found = projections(args.service).filter((p) => args.projection === 'all' || p.projection.name === args.projection);
  if (found.length === 0) throw new Error(`no projection ${args.projection} registered for ${args.service}`);
  return found;
}

/** The whole command; returns the exit code. */
export async function runRebuildCli(argv: string[], out: (line: string) => void = console.log): Promise<number> {
  const args = parseArgs(argv);
  const list = await loadProjections(args);
  const schemas = list.reduce((s, p) => (p.schemas ? s.merge(p.schemas) : s), new EventSchemas());
  const stored = new UpcastingEventStore(await openPostgresEventStore(args.pg, args.service), schemas);
  // A service that does not read its log as stored (personnel's sealed personal data) says how it reads it.
  const reader = logReaderOf(args.service);
  const sql = reader ? new Pool({ connectionString: args.pg, max: 2 }) : undefined;
  const log = reader && sql ? reader(stored, sql) : stored;
  const store = await MongoReadStore.connect(args.mongo, args.db ?? readModelDatabase(args.mongo, args.service));
  const reports: RebuildReport[] = [];
  try {
    const head = await log.headPosition();
    out(`rebuilding ${list.length} projection(s) of ${args.service} (${args.mode}) from ${head} log positions into ${store.kind} ${store.connection.name}`);
    for (const { projection } of list) {
      const bar = progressBar(head);
      const options = { takeOverMs: args.takeOverMs, keepShadow: args.keepShadow, diff: { ignorePos: args.ignorePos }, onProgress: bar.update };
      try {
        reports.push(await (args.mode === 'live' ? rebuildLive : rebuildShadowDiff)(log, store, projection, options));
      } finally {
        bar.stop();
      }
    }
  } finally {
    await store.close();
    await stored.close();
    await sql?.end();
  }
  for (const line of formatReport(reports)) out(line);
  return reports.some((r) => (r.diff?.differences ?? 0) > 0) ? 2 : 0;
}

/** events done, rate and time left; the bar measures log positions (events are not contiguous in it). */
function progressBar(head: number) {
  const bar = new SingleBar({
    format: '{projection} {phase} |{bar}| {percentage}% | {events} events | {rate} ev/s | ETA {left}',
    hideCursor: true,
    noTTYOutput: !process.stderr.isTTY,
    notTTYSchedule: 5000,
  });
  const started = Date.now();
  bar.start(Math.max(head, 1), 0, { projection: '', phase: 'shadow', events: 0, rate: 0, left: '…' });
  return {
    update: (p: RebuildProgress) => {
      const seconds = Math.max(0.001, (Date.now() - started) / 1000);
      const position = Math.min(p.position, head);
      bar.update(position, { projection: p.projection, phase: p.phase, events: p.events, rate: Math.round(p.events / seconds), left: timeLeft(position, head, seconds) });
    },
    stop: () => bar.stop(),
  };
}

if (require.main === module && ['--help', '-h'].includes(process.argv[2] ?? '')) {
  console.log(REBUILD_USAGE);
} else if (require.main === module) {
  runRebuildCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      console.error((error as Error).message);
      process.exit(1);
    },
  );
}
