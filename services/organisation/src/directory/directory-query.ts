import { foldDiacritics, matchesTextQuery, sortKey, textKeys } from '@register/text';
import { nameKey } from '@register/service-kit';
import { Branch, Structure } from '../domain/structure';
import { DirectoryPeople, nobodyYet } from '../domain/branch-people';
import { isInSubtree } from '../domain/rules';
import { lineageIn } from '../domain/lineage';

export interface DirectoryFilter {
  /** Every branch in this unit's subtree. */
  parentUnitId?: string;
  /** Matches name or area name, with or without Vietnamese diacritics. */
  q?: string;
  status?: Branch['status'] | 'any';
  hasMembers?: boolean;
  hasSecretary?: boolean;
}

/** The branch directory over a structure: used for `asOf` reads, rebuilt from the log. */
export function searchBranches(s: Structure, filter: DirectoryFilter, people: DirectoryPeople = nobodyYet): Branch[] {
  const q = filter.q && foldDiacritics(filter.q) ? filter.q : undefined;
  const status = filter.status ?? 'active';
  return [...s.branches.values()]
    .filter((b) => status === 'any' || b.status === status)
    .filter((b) => !filter.parentUnitId || isInSubtree(s, filter.parentUnitId, b.parentUnitId))
    .filter((b) => !q || matchesTextQuery(textKeys(`${b.name} ${b.area?.name ?? ''}`), q))
    .filter((b) => filter.hasMembers === undefined || people.hasMembers(b.id) === filter.hasMembers)
    .filter((b) => filter.hasSecretary === undefined || people.hasSecretary(b.id) === filter.hasSecretary)
    // The order of today's read model (BY_NAME) compared as plain strings, so that a cursor pages exactly.
    .map((b) => ({ b, key: nameKey(sortKey(b.name), b.id) }))
    .sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0))
    .map(({ b }) => b);
}

/** The lineage of a branch: every predecessor and successor, transitively, with the facts' dates. */
export function lineageOf(s: Structure, branchId: string) {
  return lineageIn(s.branches, branchId);
}
