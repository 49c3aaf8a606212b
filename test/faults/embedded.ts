import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createPglite } from '@register/event-store';
import { mintToken, MintOptions } from '@register/auth';
import { randomBetween, until } from '../messaging/processes';
import { badAnswers, RegisterClient } from './client';
import { freePort, NodeProcess, snapshotBuild } from './cluster';
import { FaultRecord } from './faults';
import { checkLogs, Findings, membersLeftBehind, readLogs, settled, verification } from './invariants';
import { ScenarioResult } from './scenario';
import { Workload, WorkloadLimits } from './workload';

/**
 * The embedded start (`npm start`'s program) on a DATA_DIR of its own: the workload's writes under
 * way, SIGKILL `kills` times at random moments, each followed by a restart on the same DATA_DIR.
 * The invariants are checked on its PGlite log once it has stopped cleanly (PGlite has one process).
 */
export async function runEmbeddedScenario(limits: WorkloadLimits, kills: number, log: (line: string) => void = () => undefined): Promise<ScenarioResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'register-faults-embedded-'));
  const secret = randomBytes(32).toString('base64url');
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: String(port), REGISTER_JWT_SECRET: secret, REGISTER_KAFKA_LOG: 'nothing' };
  for (const key of ['REGISTER_MODE', 'METRICS_PORT', 'EVENT_STORE', 'REGISTER_JWKS_URL']) delete env[key];
  const embedded = new NodeProcess('embedded', 'services/embedded/src/main.js', port, env, join(dataDir, 'embedded.log'), snapshotBuild(dataDir));
  const bearer = (o: MintOptions) => mintToken(secret, { ttlSeconds: 3600, ...o }).then((t) => `Bearer ${t}`);
  log(`embedded run on ${dataDir}`);
  await embedded.start();
  const runId = `embedded-${randomBytes(4).toString('hex')}`;
  const client = new RegisterClient(`${embedded.url}/api/v1`, runId);
  const workload = new Workload(client, { admin: await bearer({ sub: 'faults-admin', roles: ['central-admin'] }), second: await bearer({ sub: 'faults-admin-2', roles: ['central-admin'] }) });
  const records: FaultRecord[] = [];
  try {
    await workload.seed();
    log('embedded: seeded; writes and the kill under way');
    const load = workload.run(limits);
    for (let i = 0; i < kills; i++) {
      await sleep(randomBetween(2000, 5000));
      records.push(await killAndRestart(embedded, client));
      log(`embedded SIGKILL: ready again in ${records.at(-1)!.recoveryMs} ms`);
    }
    workload.stop();
    await load;
    log(`embedded: workload done, ${client.acknowledged.length} acknowledged; checking the invariants`);
    // A merger's moves are reactions, and the member list a read model: both follow the log (the embedded
    // start's PGlite runs on a thread of its own since 5 December 2026), so wait as the distributed check does.
    const checker = await bearer({ sub: 'faults-checker', roles: ['central-admin'] });
    const notMoved = await settled(() => membersLeftBehind(client, checker, workload), 60_000);
    const verified = await verification(`${embedded.url}/api/v1`, await bearer({ sub: 'faults-auditor', roles: ['auditor'] }));
    await embedded.stop();
    const findings: Findings = { acknowledged: client.acknowledged.length, ...(await logChecks(dataDir, client)), notMoved, readModelDiffs: [], verification: verified, crashes: embedded.crashes };
    return { runId, records, findings, answers: client.answers, acknowledged: client.acknowledged, bad: badAnswers(client.answers) };
  } finally {
    await embedded.stop();
    rmSync(join(dataDir, 'build'), { recursive: true, force: true });
  }
}

/** SIGKILL under the writes, then a restart on the same DATA_DIR; recovery: until it answers ready (its read models are rebuilt from the log before). */
async function killAndRestart(embedded: NodeProcess, client: RegisterClient): Promise<FaultRecord> {
  client.fault = 'embedded SIGKILL';
  const startedAt = Date.now();
  await embedded.kill();
  const resumedAt = Date.now();
  await embedded.start();
  await until('embedded ready', () => embedded.ready());
  client.fault = undefined;
  return { target: 'embedded', kind: 'SIGKILL', startedAt, resumedAt, recoveryMs: Date.now() - resumedAt };
}

async function logChecks(dataDir: string, client: RegisterClient) {
  const db = await createPglite(join(dataDir, 'event-log'));
  try {
    return checkLogs(await readLogs(db), client);
  } finally {
    await db.close();
  }
}
