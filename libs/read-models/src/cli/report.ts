import { RebuildReport } from '../rebuild';

/** The closing figures of a rebuild, and for a diff its first differing documents. */
export function formatReport(reports: RebuildReport[]): string[] {
  const rows = reports.map((r) => [
    r.projection,
    r.mode,
    String(r.events),
    r.seconds.toFixed(1),
    String(Math.round(r.events / Math.max(r.seconds, 0.001))),
    String(r.position),
    Object.entries(r.documents).map(([c, n]) => `${c}:${n}`).join(' '),
    r.diff ? String(r.diff.differences) : '-',
  ]);
  const header = ['projection', 'mode', 'events', 'seconds', 'events/s', 'position', 'documents', 'differences'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  const lines = ['', line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  for (const r of reports) {
    for (const c of r.diff?.collections ?? []) {
      if (c.missing + c.extra + c.different === 0) continue;
      lines.push('', `${c.collection}: ${c.missing} missing, ${c.extra} extra, ${c.different} different (live ${c.live}, rebuilt ${c.rebuilt})`);
      for (const e of c.examples) lines.push(`  ${e.kind} ${e._id}${e.fields ? ` fields ${e.fields.join(', ')}` : ''}: live ${JSON.stringify(e.live)} rebuilt ${JSON.stringify(e.rebuilt)}`);
    }
  }
  return lines;
}
