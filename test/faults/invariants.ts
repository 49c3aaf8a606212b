import mongoose from 'mongoose';
import { Client } from 'pg';
import { readModelDatabase } from '@register/read-models';
import { until } from '../messaging/processes';
import { Acknowledged, RegisterClient } from './client';
import { Cluster, SERVICES } from './cluster';
import { shadowRebuildDiffsApart } from './shadow';
import { Workload } from './workload';

/** One event of a service's log, as the invariants need it. */
interface LoggedEvent {
  service: string;
  position: number;
  stream: string;
  type: string;
  revision: number;
  data: string;
  commandId: string | null;
  causationId: string | null;
}

export interface Findings {
  acknowledged: number;
  /** Acknowledged commands without any event in any log. */
  lost: Acknowledged[];
  /** Commands (or reactions) whose events are in a log more than once. */
  doubled: string[];
  /** Events behind which there is no command the client sent nor an event that caused them. */
  orphans: LoggedEvent[];
  /** Members still in a branch a merger absorbed. */
  notMoved: string[];
  /** Projections whose shadow rebuild differs from the live copy (see shadow.ts). */
  readModelDiffs: string[];
  verification: { ok: boolean; problems: unknown };
  /** Processes that exited by themselves (a crash), and checks that could not complete. */
  crashes?: string[];
}

/** A SQL connection of either kind (pg's Client, PGlite): only `query`. */
export interface Sql {
  query(text: string): Promise<{ rows: Array<Record<string, unknown>> }>;
}

/** Every log of the run, through SQL on the run's own database (PostgreSQL, or the embedded start's PGlite). */
export async function readLogs(sql: Sql): Promise<LoggedEvent[]> {
  const all: LoggedEvent[] = [];
  for (const service of SERVICES) {
    const r = await sql.query(`select position, stream_id, revision, type, data::text as data, metadata->>'commandId' as command_id, metadata->>'causationId' as causation_id from ${service}.events order by position`);
    for (const row of r.rows) {
      all.push({ service, position: Number(row.position), stream: String(row.stream_id), revision: Number(row.revision), data: String(row.data), type: String(row.type), commandId: (row.command_id as string) ?? null, causationId: (row.causation_id as string) ?? null });
    }
  }
  return all;
}

async function readPostgresLogs(pgUrl: string): Promise<LoggedEvent[]> {
  const pg = new Client({ connectionString: pgUrl });
  await pg.connect();
  try {
    return await readLogs(pg);
  } finally {
    await pg.end();
  }
}

/** The head position of each service's log. */
export async function heads(pgUrl: string): Promise<Record<string, number>> {
  const pg = new Client({ connectionString: pgUrl });
  await pg.connect();
  try {
    const found: Record<string, number> = {};
    // One query at a time: a pg Client runs one (queued queries are deprecated).
    for (const s of SERVICES) found[s] = Number((await pg.query(`select coalesce(max(position), 0) as head from ${s}.events`)).rows[0].head);
    return found;
  } finally {
    await pg.end();
  }
}

/** Every live projection of every service has reached `target` (its log's head, each service), by its `_checkpoints` document. */
async function checkpointsReached(connection: mongoose.Connection, mongoUrl: string, target: Record<string, number>): Promise<boolean> {
  for (const service of SERVICES) {
    const states = await connection.useDb(readModelDatabase(mongoUrl, service)).collection('_checkpoints').find({}).toArray();
    const live = states.filter((s) => !String(s._id).includes('~'));
    if (live.length === 0 || live.some((s) => Number(s.position) < target[service])) return false;
  }
  return true;
}

/**
 * Polls until every process answers ready and every read model has reached `target` (or, without
 * one, the log heads as they stand at each poll), on one FerretDB connection for the whole wait
 * rather than a new one (its handshake and pool) for each poll, ten a second. A failed read (FerretDB restarting, in the full matrix) drops the connection; the next poll opens one.
 */
export async function untilCaughtUp(cluster: Cluster, what: string, timeoutMs: number, target?: Record<string, number>): Promise<void> {
  const { mongoUrl, pgUrl } = cluster.config;
  let connection: mongoose.Connection | undefined;
  const reached = async () => {
    try {
      connection ??= await mongoose.createConnection(mongoUrl, { serverSelectionTimeoutMS: 5000 }).asPromise();
      return await checkpointsReached(connection, mongoUrl, target ?? (await heads(pgUrl)));
    } catch {
      await connection?.close().catch(() => undefined);
      connection = undefined;
      return false;
    }
  };
  try {
    await until(what, async () => (await cluster.allReady()) && (await reached()), timeoutMs);
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

export async function waitCaughtUp(cluster: Cluster, timeoutMs = 120_000): Promise<void> {
  await untilCaughtUp(cluster, 'every process ready and every read model at its log head', timeoutMs);
}

/**
 * Groups whose events were appended more than once: the events of one command (or of one reaction to
 * one event) on one stream are one append, so their revisions follow each other; two appends show as
 * a gap in the revisions or as the same event (type and data) twice.
 */
function repeated(events: LoggedEvent[], by: (e: LoggedEvent) => string | null): string[] {
  const groups = new Map<string, LoggedEvent[]>();
  for (const e of events) {
    const k = by(e);
    if (k) groups.set(`${k} ${e.service}/${e.stream}`, [...(groups.get(`${k} ${e.service}/${e.stream}`) ?? []), e]);
  }
  return [...groups].filter(([, group]) => twice(group)).map(([k, group]) => `${k}: ${group.map((e) => `${e.type}@${e.revision}`).join(' ')}`);
}

function twice(group: LoggedEvent[]): boolean {
  const revisions = group.map((e) => e.revision).sort((a, b) => a - b);
  const gap = revisions.some((r, i) => i > 0 && r !== revisions[i - 1] + 1);
  const same = new Set(group.map((e) => `${e.type} ${e.data}`)).size < group.length;
  return gap || same;
}

/** Log invariants: nothing acknowledged is missing, nothing is there twice, nothing comes from nowhere. */
export function checkLogs(events: LoggedEvent[], client: RegisterClient) {
  const keys = new Set(events.map((e) => e.commandId));
  const lost = client.acknowledged.filter((a) => !keys.has(a.key));
  const doubled = [...repeated(events.filter((e) => !e.causationId), (e) => e.commandId), ...repeated(events.filter((e) => e.causationId), (e) => e.causationId)];
  // The register's own events (a log's upgrade, a checkpoint) carry no command id; every other
  // event comes from a key the client sent, or is a reaction to an event (its causation).
  const orphans = events.filter((e) => e.commandId && !e.causationId && !client.sentKeys.has(e.commandId));
  return { lost, doubled, orphans };
}

/** After every acknowledged merger, no member is left in an absorbed branch (personnel moved each once). */
export async function membersLeftBehind(client: RegisterClient, admin: string, workload: Workload): Promise<string[]> {
  const left: string[] = [];
  for (const merger of workload.mergers) {
    for (const source of merger.sources) {
      const r = await client.get('check-members', `/members?branchId=${source}&limit=100`, admin);
      const items = (r.body.items ?? r.body.data ?? []) as Array<{ id: string }>;
      if (r.status !== 200) left.push(`${source}: GET /members answered ${r.status}`);
      for (const m of items) left.push(`${m.id} still in ${source}`);
    }
  }
  return left;
}

export async function verification(gatewayUrl: string, auditor: string): Promise<Findings['verification']> {
  // Not through the workload's client: a verification appends nothing, and is no command to account for.
  const answer = await fetch(`${gatewayUrl}/audit/verifications`, { method: 'POST', headers: { authorization: auditor, 'content-type': 'application/json' }, body: '{}' });
  const r = { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
  const logs = (r.body.logs ?? []) as Array<{ service: string; ok: boolean; problems: unknown[] }>;
  return { ok: r.status === 200 && r.body.ok === true, problems: r.status === 200 ? logs.filter((l) => !l.ok) : r };
}

/** The findings of `check` once they are none, or as they stand after `limitMs` (reactions and read models follow the log, not the answer). */
export async function settled<T>(check: () => Promise<T[]>, limitMs: number): Promise<T[]> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const found = await check();
    if (found.length === 0 || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Every invariant, once everything has recovered and the read models are caught up; how long each check took goes to `log`. */
export async function checkInvariants(cluster: Cluster, client: RegisterClient, workload: Workload, log: (line: string) => void = () => undefined): Promise<Findings> {
  const timed = async <T>(what: string, check: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    const result = await check();
    log(`${what}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return result;
  };
  await timed('caught up', () => waitCaughtUp(cluster));
  const events = await timed('logs read', () => readPostgresLogs(cluster.config.pgUrl));
  // Personnel moves the members in reaction to organisation's event, through Kafka: the last
  // mergers' reactions may still be on their way when the read models are caught up.
  const checker = await cluster.bearer({ sub: 'faults-checker', roles: ['central-admin'] });
  const notMoved = await timed('absorbed branches', () => settled(() => membersLeftBehind(client, checker, workload), 60_000));
  const verified = await timed('verification', async () => verification(cluster.gatewayUrl, await cluster.bearer({ sub: 'faults-auditor', roles: ['auditor'] })));
  // A shadow rebuild takes each live copy's lease over to diff it: from a running service that waits
  // for its next renewal (up to 10 s a projection, a minute in all); stopped, the services let them go.
  await cluster.stopProcesses();
  return {
    acknowledged: client.acknowledged.length,
    ...checkLogs(events, client),
    notMoved,
    readModelDiffs: await timed('shadow rebuilds', () => shadowRebuildDiffsApart(cluster.build, cluster.config.pgUrl, cluster.config.mongoUrl)),
    verification: verified,
  };
}
