/**
 * What training knows of other services' facts, learnt from their events only (organisation's tree,
 * personnel's members and posts), as plain data for pure rules. Each fact keeps when it took effect
 * (`on`, an effective date) and when it was recorded (`at`, epoch ms), so that a question can be
 * answered as of a date or as of an instant.
 */
export interface Placement {
  kind: 'unit' | 'branch';
  id: string;
  parentId: string | null;
  on: string | null;
  at: number | null;
}

export interface BranchLife {
  branchId: string;
  /** A residential branch (thôn, bản, tổ dân phố) has an area. */
  residential: boolean;
  establishedOn: string | null;
  establishedAt: number | null;
  closedOn: string | null;
  closedAt: number | null;
}

/** One spell of a post: a secretary or deputy from startsOn until (not including) endsOn. */
export interface PostSpell {
  branchId: string;
  memberId: string;
  role: 'secretary' | 'deputy-secretary';
  startsOn: string;
  at: number | null;
  endsOn: string | null;
  endedAt: number | null;
}

/** A date (effective dates up to it) or an instant (what was recorded by then, in force on its day). */
export type When = { date: string; until?: number };

export const recordedBy = (at: number | null, when: When) => when.until === undefined || at === null || at <= when.until;
const tookEffect = (on: string | null, when: When) => on === null || on <= when.date;

export function placementInForce(p: Placement, when: When): boolean {
  return tookEffect(p.on, when) && recordedBy(p.at, when);
}

/** Open on the day: established by then and not yet closed (a closure ends the branch at the start of its day). */
export function branchOpenOn(b: BranchLife, when: When): boolean {
  const established = tookEffect(b.establishedOn, when) && recordedBy(b.establishedAt, when);
  const closed = b.closedOn !== null && b.closedOn <= when.date && recordedBy(b.closedAt, when);
  return established && !closed;
}

/** The branches whose unit is `unitId` or lies under it, after these placements in the order they happened. */
export function branchesWithin(placements: Placement[], unitId: string): string[] {
  const unitParent = new Map<string, string | null>();
  const branchParent = new Map<string, string>();
  for (const p of placements) {
    if (p.kind === 'unit') unitParent.set(p.id, p.parentId);
    else if (p.parentId !== null) branchParent.set(p.id, p.parentId);
  }
  const memo = new Map<string, boolean>();
  const within = (start: string): boolean => {
    if (memo.has(start)) return memo.get(start)!;
    // The tree has no cycles; the bound only keeps a damaged replica from looping.
    let found = false;
    for (let id: string | null | undefined = start, steps = 0; id && steps <= unitParent.size; id = unitParent.get(id), steps++) if (id === unitId) found = true;
    memo.set(start, found);
    return found;
  };
  return [...branchParent].filter(([, parent]) => within(parent)).map(([id]) => id);
}

/** The units from `unitId` up to the root, in the tree these placements make. */
export function ancestry(placements: Placement[], unitId: string): string[] {
  return chainOf(unitParents(placements), unitId);
}

/** Each unit's parent as the placements leave it. */
function unitParents(placements: Placement[]): Map<string, string | null> {
  const parent = new Map<string, string | null>();
  for (const p of placements) if (p.kind === 'unit') parent.set(p.id, p.parentId);
  return parent;
}

function chainOf(parent: Map<string, string | null>, unitId: string): string[] {
  const chain: string[] = [];
  for (let id: string | null | undefined = unitId; id && parent.has(id) && chain.length <= parent.size; id = parent.get(id)) chain.push(id);
  return chain;
}

/**
 * The unit and every unit under it, as the placements leave the tree. The parents are read once,
 * so a country's tree costs its placements plus its units' depths, not their product.
 */
export function unitsWithin(placements: Placement[], unitId: string): string[] {
  const parent = unitParents(placements);
  return [...parent.keys()].filter((u) => chainOf(parent, u).includes(unitId));
}
