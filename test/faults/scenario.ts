import { Acknowledged, Answer, badAnswers, RegisterClient } from './client';
import { Cluster, ClusterOptions } from './cluster';
import { Fault, FaultRecord, injectAll } from './faults';
import { checkInvariants, Findings } from './invariants';
import { Workload, WorkloadLimits } from './workload';

export interface ScenarioOptions {
  faults: Fault[];
  limits: WorkloadLimits;
  /** The stall of a SIGSTOP, in ms (10–30 s). */
  stall: () => number;
  /** Log lines as the run goes. */
  log?: (line: string) => void;
  /** Its servers and the service in a network namespace, if any (the shared servers and none by default). */
  cluster?: ClusterOptions;
}

export interface ScenarioResult {
  runId: string;
  records: FaultRecord[];
  findings: Findings;
  answers: Answer[];
  acknowledged: Acknowledged[];
  bad: Answer[];
}

/**
 * One run of the distributed set: started, seeded, then the workload with the faults one at a time
 * at random moments; the workload stops a few seconds after the last fault has recovered (or at its
 * own bounds), and the invariants are checked once everything has caught up.
 */
export async function runScenario(options: ScenarioOptions): Promise<ScenarioResult> {
  const log = options.log ?? (() => undefined);
  const cluster = await Cluster.create(options.cluster);
  log(`run ${cluster.config.runId}: starting the distributed set (logs in ${cluster.config.dataDir})`);
  try {
    await cluster.start();
    log('the distributed set is ready');
    const client = new RegisterClient(cluster.gatewayUrl, cluster.config.runId);
    const workload = new Workload(client, {
      admin: await cluster.bearer({ sub: 'faults-admin', roles: ['central-admin'] }),
      second: await cluster.bearer({ sub: 'faults-admin-2', roles: ['central-admin'] }),
    });
    await workload.seed();
    log('seeded; workload and faults under way');
    let running = true;
    const load = workload.run(options.limits).finally(() => (running = false));
    const records = await injectAll(cluster, client, options.faults, options.stall, { running: () => running, mergers: () => workload.mergers.length }, log);
    if (options.faults.length > 0) {
      await new Promise((r) => setTimeout(r, 3000));
      workload.stop();
    }
    await load;
    log(`workload done: ${client.acknowledged.length} acknowledged, ${client.answers.length} answers; checking the invariants`);
    const findings = await checkInvariants(cluster, client, workload, log).catch((error: Error): Findings => {
      log(`the checks did not complete: ${error.message}`);
      const failed = `the checks did not complete: ${error.message}`;
      return { acknowledged: client.acknowledged.length, lost: [], doubled: [], orphans: [], notMoved: [], readModelDiffs: [failed], verification: { ok: false, problems: failed } };
    });
    findings.crashes = [...cluster.processes.values()].flatMap((p) => p.crashes);
    return { runId: cluster.config.runId, records, findings, answers: client.answers, acknowledged: client.acknowledged, bad: badAnswers(client.answers) };
  } finally {
    await cluster.stop();
  }
}
