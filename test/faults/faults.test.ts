import { buildUnlessFresh } from './cluster';
import { runProfile } from './matrix';
import { formatTable, rowsOf } from './table';
import { ScenarioResult } from './scenario';

jest.setTimeout(20 * 60_000);

/**
 * The CI profile of the fault matrix (docs/faults.md): the distributed set as separate processes
 * under a mixed workload, personnel SIGKILLed right after a branch merger is acknowledged (amid its
 * reactions), the gateway SIGKILLed and one service stalled, then the embedded start SIGKILLed under
 * writes. It runs on the servers CI gives (never killed; the full matrix kills servers of its own).
 */
describe('faults (CI profile): kill anything under load, lose nothing, double nothing', () => {
  let results: ScenarioResult[];

  beforeAll(async () => {
    const started = Date.now();
    // Each line with the seconds since the start, so that where the time goes can be read off a run.
    const log = (line: string) => process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${line}\n`);
    buildUnlessFresh();
    log('built');
    results = await runProfile('ci', log);
    process.stdout.write(`\n${formatTable(results)}\n`);
  });

  it('injected every fault of the profile: each service (personnel amid a merger) and the gateway SIGKILLed once, one SIGSTOP, the embedded SIGKILL', () => {
    const injected = results.flatMap((r) => r.records.map((f) => `${f.target} ${f.kind}`)).sort();
    expect(injected.filter((f) => f.endsWith('SIGKILL'))).toEqual(['embedded SIGKILL', 'evaluation SIGKILL', 'gateway SIGKILL', 'organisation SIGKILL', 'personnel SIGKILL', 'training SIGKILL']);
    expect(injected.filter((f) => f.endsWith('SIGSTOP'))).toHaveLength(1);
  });

  it('lost no acknowledged command, doubled none, answered no 500 and recovered from every fault', () => {
    const rows = rowsOf(results).map((r) => ({ row: `${r.component} ${r.fault}`, lost: r.lost, doubled: r.doubled, bad5xx: r.bad5xx, unrecovered: r.recoveries.filter((v) => v === undefined).length }));
    expect(rows.filter((r) => r.lost + r.doubled + r.bad5xx + r.unrecovered > 0)).toEqual([]);
    expect(results.every((r) => r.acknowledged.length > 0)).toBe(true);
  });

  it('left no event without a command, every member of an absorbed branch moved, the read models equal their shadow rebuild, the logs verify and no process crashed', () => {
    expect(results.map((r) => ({ orphans: r.findings.orphans, notMoved: r.findings.notMoved, diffs: r.findings.readModelDiffs, verified: r.findings.verification.ok, crashes: r.findings.crashes }))).toEqual(
      results.map(() => ({ orphans: [], notMoved: [], diffs: [], verified: true, crashes: [] })),
    );
  });
});
