import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { randomBetween, ROOT, until } from '../messaging/processes';
import { RegisterClient } from './client';
import { Cluster, Component } from './cluster';
import { heads, readModelsCaughtUp } from './invariants';

const run = promisify(execFile);

/** The shared servers on loopback (deploy/dev): killed in the full matrix only, as other test runs use them. */
export type Server = 'postgres' | 'kafka' | 'ferretdb';
export type FaultKind = 'SIGKILL' | 'SIGSTOP';

export interface Fault {
  target: Component | Server;
  kind: FaultKind;
}

export interface FaultRecord {
  target: Fault['target'] | 'embedded';
  kind: FaultKind;
  startedAt: number;
  /** When the restart was issued (right after the kill), or SIGCONT sent. */
  resumedAt: number;
  /** From resumedAt until every process is ready and every read model has reached the log heads of that moment; undefined: not within the limit. */
  recoveryMs?: number;
}

const SERVERS: Server[] = ['postgres', 'kafka', 'ferretdb'];
export const isServer = (t: Fault['target']): t is Server => SERVERS.includes(t as Server);

const serversDir = () => process.env.REGISTER_SERVERS_DIR ?? join(homedir(), '.cache/union-register');

/** Where each server's script keeps its pid (deploy/dev/<server>.sh). */
function serverPid(server: Server): number {
  const file = {
    postgres: join(process.env.REGISTER_PG_DIR ?? '/var/tmp/union-register/postgres', 'postmaster.pid'),
    kafka: join(serversDir(), 'kafka/kafka.pid'),
    ferretdb: join(serversDir(), `ferretdb/port-${process.env.MONGO_PORT ?? 27017}/ferretdb.pid`),
  }[server];
  return Number(readFileSync(file, 'utf8').split('\n')[0].trim());
}

/** SIGKILL of the server's process, then its script's `up` (which waits until it serves). */
async function killServer(server: Server): Promise<void> {
  const pid = serverPid(server);
  process.kill(pid, 'SIGKILL');
  await until(`${server} (pid ${pid}) gone`, () => !alive(pid), 60_000);
}

async function startServer(server: Server): Promise<void> {
  await run('bash', [join(ROOT, `deploy/dev/${server}.sh`), 'up'], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signal(cluster: Cluster, target: Fault['target'], sig: 'SIGSTOP' | 'SIGCONT'): void {
  if (isServer(target)) process.kill(serverPid(target), sig);
  else cluster.get(target).signal(sig);
}

/**
 * One fault under the running workload: SIGKILL then restart, or SIGSTOP for `stallMs` then SIGCONT.
 * The client labels the answers given meanwhile with the fault. Recovery is measured from the
 * restart (or SIGCONT) until every process is ready and every read model has reached the log heads
 * of that moment.
 */
export async function inject(cluster: Cluster, client: RegisterClient, fault: Fault, stallMs: number, recoveryLimitMs = 120_000): Promise<FaultRecord> {
  const label = `${fault.target} ${fault.kind}`;
  client.fault = label;
  const startedAt = Date.now();
  if (fault.kind === 'SIGSTOP') {
    signal(cluster, fault.target, 'SIGSTOP');
    await sleep(stallMs);
    signal(cluster, fault.target, 'SIGCONT');
  } else if (isServer(fault.target)) {
    await killServer(fault.target);
  } else {
    await cluster.get(fault.target).kill();
  }
  const resumedAt = Date.now();
  if (fault.kind === 'SIGKILL') await (isServer(fault.target) ? startServer(fault.target) : cluster.get(fault.target).start());
  const recoveryMs = await recovery(cluster, resumedAt, recoveryLimitMs);
  client.fault = undefined;
  return { ...fault, startedAt, resumedAt, recoveryMs };
}

async function recovery(cluster: Cluster, resumedAt: number, limitMs: number): Promise<number | undefined> {
  try {
    const target = await retrying(() => heads(cluster.config.pgUrl), limitMs);
    await until('recovered', async () => (await cluster.allReady()) && (await readModelsCaughtUp(cluster, target).catch(() => false)), limitMs);
    return Date.now() - resumedAt;
  } catch {
    return undefined;
  }
}

async function retrying<T>(attempt: () => Promise<T>, limitMs: number): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(500);
    }
  }
}

/** Faults spread over the workload: each waits a random 2–6 s of load first, then the next follows once recovered. */
export async function injectAll(cluster: Cluster, client: RegisterClient, faults: Fault[], stall: () => number, stillRunning: () => boolean, log: (line: string) => void): Promise<FaultRecord[]> {
  const records: FaultRecord[] = [];
  for (const fault of faults) {
    await sleep(randomBetween(2000, 6000));
    if (!stillRunning()) {
      log(`the workload ended before ${fault.target} ${fault.kind}: not injected`);
      continue;
    }
    const record = await inject(cluster, client, fault, stall());
    log(`${fault.target} ${fault.kind}: recovered in ${record.recoveryMs ?? 'more than the limit of'} ms`);
    records.push(record);
  }
  return records;
}
