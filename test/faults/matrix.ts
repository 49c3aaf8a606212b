import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBetween } from '../messaging/processes';
import { COMPONENTS, SERVICES } from './cluster';
import { runEmbeddedScenario } from './embedded';
import { Fault } from './faults';
import { PrivateServers } from './private-servers';
import { runScenario, ScenarioOptions, ScenarioResult } from './scenario';
import { formatTable } from './table';
import { WorkloadLimits } from './workload';

export type Profile = 'ci' | 'full';

interface Plan {
  /** PostgreSQL, Kafka and FerretDB of the profile's own (PrivateServers), or the shared ones. */
  privateServers: boolean;
  distributed: Array<Omit<ScenarioOptions, 'log'>>;
  embedded: { limits: WorkloadLimits; kills: number };
}

const shuffle = <T>(items: T[]): T[] => items.map((v) => [Math.random(), v] as const).sort((a, b) => a[0] - b[0]).map(([, v]) => v);
const kills = (times: number): Fault[] => Array.from({ length: times }, () => COMPONENTS.map((target): Fault => ({ target, kind: 'SIGKILL' }))).flat();
/** Personnel SIGKILLed right after a branch merger is acknowledged: the members' moves are its reaction. */
const amidMerger: Fault = { target: 'personnel', kind: 'SIGKILL', afterMerger: true };
/** The service whose Kafka traffic a partition cuts (it consumes organisation's events and publishes its own). */
const PARTITIONED = 'personnel';

/**
 * The runs of a profile. ci (within the CI budget, on the servers CI gives): one distributed run with
 * personnel SIGKILLed amid a merger's reactions, every other service and the gateway SIGKILLed once
 * and one service stalled 10 s,
 * and one embedded run with one SIGKILL. full (on PostgreSQL, Kafka and FerretDB of its own): every
 * component SIGKILLed twice (one of personnel's amid a merger) and stalled once (10–30 s); then the
 * servers killed and stalled, and personnel cut off from Kafka twice; the embedded start killed three times.
 */
export function planOf(profile: Profile): Plan {
  if (profile === 'ci') {
    const stalled = SERVICES[Math.floor(Math.random() * SERVICES.length)];
    const others = kills(1).filter((f) => f.target !== 'personnel');
    const faults: Fault[] = [amidMerger, ...shuffle<Fault>([...others, { target: stalled, kind: 'SIGSTOP' }])];
    return {
      privateServers: false,
      distributed: [{ faults, limits: { commands: 1500, durationMs: 4 * 60_000, concurrency: 3 }, stall: () => 10_000 }],
      embedded: { limits: { commands: 600, durationMs: 2 * 60_000, concurrency: 4 }, kills: 1 },
    };
  }
  const limits = { commands: 5000, durationMs: 15 * 60_000, concurrency: 3 };
  const stalls = COMPONENTS.map((target): Fault => ({ target, kind: 'SIGSTOP' }));
  const ofComponents = shuffle<Fault>([...kills(2).filter((f) => f.target !== 'personnel'), { target: 'personnel', kind: 'SIGKILL' }, ...stalls]);
  const ofServers: Fault[] = [
    ...(['postgres', 'kafka', 'ferretdb'] as const).flatMap((target): Fault[] => [
      { target, kind: 'SIGKILL' },
      { target, kind: 'SIGSTOP' },
    ]),
    { target: PARTITIONED, kind: 'partition' },
    { target: PARTITIONED, kind: 'partition' },
  ];
  const stall = () => randomBetween(10_000, 30_000);
  return {
    privateServers: true,
    distributed: [
      { faults: [amidMerger, ...ofComponents], limits, stall },
      { faults: shuffle(ofServers), limits, stall, cluster: { isolated: PARTITIONED } },
    ],
    embedded: { limits: { commands: 2000, durationMs: 5 * 60_000, concurrency: 4 }, kills: 3 },
  };
}

/** Runs a profile: its distributed runs one after the other (on its own servers, stopped at the end), then the embedded one. */
export async function runProfile(profile: Profile, log: (line: string) => void): Promise<ScenarioResult[]> {
  const plan = planOf(profile);
  const servers = plan.privateServers ? await PrivateServers.start(mkdtempSync(join(tmpdir(), 'register-faults-servers-')), log) : undefined;
  const results: ScenarioResult[] = [];
  const failures: Error[] = [];
  try {
    for (const options of plan.distributed) {
      // One run that cannot be carried through does not lose the others' results.
      await runScenario({ ...options, cluster: { ...options.cluster, servers }, log }).then((r) => results.push(r), (error: Error) => failures.push(error));
    }
  } finally {
    await servers?.stop();
  }
  await runEmbeddedScenario(plan.embedded.limits, plan.embedded.kills, log).then((r) => results.push(r), (error: Error) => failures.push(error));
  if (failures.length > 0) {
    log(`the runs that completed:\n${formatTable(results)}`);
    throw new AggregateError(failures, `${failures.length} run(s) could not be carried through: ${failures.map((f) => f.message).join('; ')}`);
  }
  return results;
}
