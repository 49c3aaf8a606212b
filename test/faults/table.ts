import { FAULT_STATUSES } from './client';
import { ScenarioResult } from './scenario';

/** One row of the closing table: a component and a fault, over every run. */
export interface Row {
  component: string;
  fault: string;
  runs: number;
  acknowledged: number;
  lost: number;
  doubled: number;
  /** Answers that break the rule: 500 (any 5xx but 502/503), or a 502/503 that is not problem+json. */
  bad5xx: number;
  /** 502/503 with problem+json: the answers a fault may give. */
  unavailable: number;
  recoveries: Array<number | undefined>;
}

const BETWEEN = '(between faults)';

/**
 * The table: each acknowledged command, answer, loss and doubling counted in the row of the fault under
 * way when it was sent or answered (the rest in a row of their own), recovery times per fault.
 */
export function rowsOf(results: ScenarioResult[]): Row[] {
  const rows = new Map<string, Row>();
  const row = (label = BETWEEN) => {
    if (!rows.has(label)) {
      const [component, fault] = label === BETWEEN ? [BETWEEN, ''] : label.split(' ');
      rows.set(label, { component, fault, runs: 0, acknowledged: 0, lost: 0, doubled: 0, bad5xx: 0, unavailable: 0, recoveries: [] });
    }
    return rows.get(label)!;
  };
  for (const r of results) {
    for (const f of r.records) {
      const x = row(`${f.target} ${f.kind}`);
      x.runs++;
      x.recoveries.push(f.recoveryMs);
    }
    const faultOf = new Map<string, string | undefined>();
    for (const a of r.acknowledged) {
      row(a.fault).acknowledged++;
      faultOf.set(a.key, a.fault);
    }
    for (const l of r.findings.lost) row(l.fault).lost++;
    for (const d of r.findings.doubled) row(faultOf.get(d.split(' ')[0])).doubled++;
    for (const a of r.answers) {
      if (r.bad.includes(a)) row(a.fault).bad5xx++;
      else if (FAULT_STATUSES.has(a.status)) row(a.fault).unavailable++;
    }
  }
  return [...rows.values()].sort((a, b) => (a.component === BETWEEN ? 1 : b.component === BETWEEN ? -1 : `${a.component} ${a.fault}`.localeCompare(`${b.component} ${b.fault}`)));
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const seconds = (ms: number | undefined) => (ms === undefined ? '—' : `${(ms / 1000).toFixed(1)} s`);

/** The table as Markdown, and the run-wide checks below it. */
export function formatTable(results: ScenarioResult[]): string {
  const lines = [
    '| component | fault | runs | acknowledged | lost | doubled | 5xx (not 502/503) | 502/503 problem+json | recovery p50 | recovery max |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rowsOf(results)) {
    const measured = r.recoveries.filter((v): v is number => v !== undefined);
    const missing = r.recoveries.length - measured.length;
    const max = missing > 0 ? `not recovered ×${missing}` : seconds(measured.length ? Math.max(...measured) : undefined);
    lines.push(`| ${r.component} | ${r.fault} | ${r.runs} | ${r.acknowledged} | ${r.lost} | ${r.doubled} | ${r.bad5xx} | ${r.unavailable} | ${seconds(measured.length ? percentile(measured, 50) : undefined)} | ${max} |`);
  }
  lines.push('');
  for (const r of results) {
    const f = r.findings;
    lines.push(`- run ${r.runId}: ${f.acknowledged} acknowledged, ${r.answers.length} answers; orphan events ${f.orphans.length}; members left in absorbed branches ${f.notMoved.length}; read models differing from their shadow rebuild ${f.readModelDiffs.length ? f.readModelDiffs.join('; ') : 0}; log verification ${f.verification.ok ? 'clean' : `NOT clean: ${JSON.stringify(f.verification.problems).slice(0, 300)}`}; crashes ${f.crashes?.length ? f.crashes.join('; ') : 0}`);
  }
  return lines.join('\n');
}

/** Everything that should be zero is zero, and every fault recovered. */
export function clean(results: ScenarioResult[]): boolean {
  const rows = rowsOf(results);
  const zero = rows.every((r) => r.lost === 0 && r.doubled === 0 && r.bad5xx === 0 && r.recoveries.every((v) => v !== undefined));
  return zero && results.every((r) => r.findings.orphans.length === 0 && r.findings.notMoved.length === 0 && r.findings.readModelDiffs.length === 0 && r.findings.verification.ok && !r.findings.crashes?.length);
}
