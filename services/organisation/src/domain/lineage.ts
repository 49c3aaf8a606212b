/** What has a lineage: branches through mergers and splits, units through mergers. */
export interface WithLineage {
  predecessorIds: string[];
  successorIds: string[];
}

/** Every predecessor and successor of `id`, transitively, nearest first. */
export function lineageIn<T extends WithLineage>(all: Map<string, T>, id: string): { predecessors: T[]; successors: T[] } {
  const walk = (from: string, next: (x: T) => string[], seen = new Set<string>()): T[] => {
    const out: T[] = [];
    for (const n of next(all.get(from)!)) {
      if (seen.has(n) || !all.has(n)) continue;
      seen.add(n);
      out.push(all.get(n)!, ...walk(n, next, seen));
    }
    return out;
  };
  return { predecessors: walk(id, (x) => x.predecessorIds), successors: walk(id, (x) => x.successorIds) };
}
