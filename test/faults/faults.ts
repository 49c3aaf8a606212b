import { setTimeout as sleep } from 'node:timers/promises';
import { randomBetween, until } from '../messaging/processes';
import { RegisterClient } from './client';
import { Cluster, Component } from './cluster';
import { heads, untilCaughtUp } from './invariants';
import { PrivateServers, Server, SERVERS } from './private-servers';

/**
 * SIGKILL then restart; SIGSTOP then SIGCONT (a stall); a partition: the isolated service's Kafka
 * traffic held still in its network namespace, then let go (netns.ts).
 */
export type FaultKind = 'SIGKILL' | 'SIGSTOP' | 'partition';

export interface Fault {
  target: Component | Server;
  kind: FaultKind;
  /** Injected right after the workload's next acknowledged branch merger, in the middle of its reactions. */
  afterMerger?: boolean;
}

export interface FaultRecord {
  target: Fault['target'] | 'embedded';
  kind: FaultKind;
  startedAt: number;
  /** When the restart was issued (right after the kill), or SIGCONT sent. */
  resumedAt: number;
  /** From resumedAt until the restarted process answered ready (its own start). */
  startMs?: number;
  /** From resumedAt until every process is ready and every read model has reached the log heads of that moment; undefined: not within the limit. */
  recoveryMs?: number;
}

export const isServer = (t: Fault['target']): t is Server => SERVERS.includes(t as Server);

/** The run's own servers: the shared ones of deploy/dev are never killed. */
function privateServers(cluster: Cluster): PrivateServers {
  const servers = cluster.config.servers;
  if (!(servers instanceof PrivateServers)) throw new Error('a fault of PostgreSQL, Kafka or FerretDB needs the run to have servers of its own');
  return servers;
}

function signal(cluster: Cluster, target: Fault['target'], sig: 'SIGSTOP' | 'SIGCONT'): void {
  if (isServer(target)) privateServers(cluster).signal(target, sig);
  else cluster.get(target).signal(sig);
}

/** Holds, then lets go: a stall of the process, or the isolated service's Kafka traffic. */
async function interrupt(cluster: Cluster, fault: Fault, ms: number): Promise<void> {
  if (fault.kind === 'partition') {
    if (!cluster.netns) throw new Error(`a partition needs ${fault.target} in a network namespace (ClusterOptions.isolated)`);
    cluster.netns.partition(cluster.kafkaPort);
    await sleep(ms);
    cluster.netns.heal(cluster.kafkaPort);
    return;
  }
  signal(cluster, fault.target, 'SIGSTOP');
  await sleep(ms);
  signal(cluster, fault.target, 'SIGCONT');
}

/**
 * One fault under the running workload: SIGKILL then restart, or SIGSTOP (a partition) for `stallMs`
 * then SIGCONT (healed).
 * The client labels the answers given meanwhile with the fault. Recovery is measured from the
 * restart (or SIGCONT) until every process is ready and every read model has reached the log heads
 * of that moment.
 */
export async function inject(cluster: Cluster, client: RegisterClient, fault: Fault, stallMs: number, recoveryLimitMs = 120_000): Promise<FaultRecord> {
  const label = `${fault.target} ${fault.kind}`;
  client.fault = label;
  const startedAt = Date.now();
  if (fault.kind !== 'SIGKILL') {
    await interrupt(cluster, fault, stallMs);
  } else if (isServer(fault.target)) {
    await privateServers(cluster).kill(fault.target);
  } else {
    await cluster.get(fault.target).kill();
  }
  const resumedAt = Date.now();
  if (fault.kind === 'SIGKILL') await (isServer(fault.target) ? privateServers(cluster).up(fault.target) : cluster.get(fault.target).start());
  const startMs = Date.now() - resumedAt;
  const recoveryMs = await recovery(cluster, resumedAt, recoveryLimitMs);
  client.fault = undefined;
  return { target: fault.target, kind: fault.kind, startedAt, resumedAt, startMs, recoveryMs };
}

async function recovery(cluster: Cluster, resumedAt: number, limitMs: number): Promise<number | undefined> {
  try {
    const target = await retrying(() => heads(cluster.config.pgUrl), limitMs);
    await untilCaughtUp(cluster, 'recovered', limitMs, target);
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

/** What the faults need to know of the workload under way. */
export interface Load {
  running: () => boolean;
  /** Branch mergers acknowledged so far. */
  mergers: () => number;
}

/** Faults spread over the workload: each waits a random 2–6 s of load (or the next acknowledged merger) first, then the next follows once recovered. */
export async function injectAll(cluster: Cluster, client: RegisterClient, faults: Fault[], stall: () => number, load: Load, log: (line: string) => void): Promise<FaultRecord[]> {
  const records: FaultRecord[] = [];
  for (const fault of faults) {
    await sleep(randomBetween(2000, 6000));
    if (fault.afterMerger) {
      const seen = load.mergers();
      await until('a branch merger acknowledged', () => load.mergers() > seen || !load.running(), 5 * 60_000);
    }
    if (!load.running()) {
      log(`the workload ended before ${fault.target} ${fault.kind}: not injected`);
      continue;
    }
    const record = await inject(cluster, client, fault, stall());
    log(`${fault.target} ${fault.kind}${fault.afterMerger ? ' (after a merger)' : ''}: ready in ${record.startMs} ms, recovered in ${record.recoveryMs ?? 'more than the limit of'} ms`);
    records.push(record);
  }
  return records;
}
