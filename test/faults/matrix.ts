import { randomBetween } from '../messaging/processes';
import { COMPONENTS, SERVICES } from './cluster';
import { runEmbeddedScenario } from './embedded';
import { Fault } from './faults';
import { runScenario, ScenarioOptions, ScenarioResult } from './scenario';

export type Profile = 'ci' | 'full';

const shuffle = <T>(items: T[]): T[] => items.map((v) => [Math.random(), v] as const).sort((a, b) => a[0] - b[0]).map(([, v]) => v);
const kills = (times: number): Fault[] => Array.from({ length: times }, () => COMPONENTS.map((target): Fault => ({ target, kind: 'SIGKILL' }))).flat();

/**
 * The runs of a profile. ci: one distributed run with each service and the gateway SIGKILLed once
 * and one service stalled 10 s, and one embedded run with one SIGKILL. full: every component
 * SIGKILLed twice and stalled once (10–30 s); PostgreSQL, Kafka and FerretDB killed and stalled
 * (the shared servers: run it when nothing else uses them); the embedded start killed three times.
 */
export function planOf(profile: Profile): { distributed: Array<Omit<ScenarioOptions, 'log'>>; embeddedKills: number } {
  const limits = { commands: 5000, durationMs: 15 * 60_000, concurrency: 3 };
  if (profile === 'ci') {
    const stalled = SERVICES[Math.floor(Math.random() * SERVICES.length)];
    return { distributed: [{ faults: shuffle([...kills(1), { target: stalled, kind: 'SIGSTOP' }]), limits, stall: () => 10_000 }], embeddedKills: 1 };
  }
  const stalls = COMPONENTS.map((target): Fault => ({ target, kind: 'SIGSTOP' }));
  const servers: Fault[] = [
    { target: 'postgres', kind: 'SIGKILL' },
    { target: 'kafka', kind: 'SIGKILL' },
    { target: 'ferretdb', kind: 'SIGKILL' },
    { target: 'postgres', kind: 'SIGSTOP' },
    { target: 'kafka', kind: 'SIGSTOP' },
    { target: 'ferretdb', kind: 'SIGSTOP' },
  ];
  const stall = () => randomBetween(10_000, 30_000);
  return {
    distributed: [
      { faults: shuffle([...kills(2), ...stalls]), limits, stall },
      { faults: shuffle(servers), limits, stall },
    ],
    embeddedKills: 3,
  };
}

/** Runs a profile: its distributed runs one after the other, then the embedded one. */
export async function runProfile(profile: Profile, log: (line: string) => void): Promise<ScenarioResult[]> {
  const plan = planOf(profile);
  const results: ScenarioResult[] = [];
  for (const options of plan.distributed) results.push(await runScenario({ ...options, log }));
  results.push(await runEmbeddedScenario({ commands: 2000, durationMs: 5 * 60_000, concurrency: 4 }, plan.embeddedKills, log));
  return results;
}
