import { OFFICER_SOURCES, OfficerSource } from '@register/contracts';
import { ReplicaBranch } from '../application/branch-replica';
import { PostRow } from '../application/personnel-directory';

/**
 * Branches without a secretary, and since when: the day the last secretary's post ended, or the
 * branch's establishment when it never had one (null when the replica does not know that date).
 */
export function vacancies(branches: ReplicaBranch[], postsOf: (branchId: string) => PostRow[]) {
  return branches
    .map((b) => {
      const secretaries = postsOf(b.branchId).filter((p) => p.role === 'secretary');
      if (secretaries.some((p) => p.endsOn === null)) return undefined;
      const lastEnd = secretaries.map((p) => p.endsOn!).sort().pop();
      return { branchId: b.branchId, name: b.name, parentUnitId: b.parentUnitId, vacantSince: lastEnd ?? b.establishedOn, everHadSecretary: secretaries.length > 0 };
    })
    .filter((v): v is NonNullable<typeof v> => v !== undefined)
    .sort((a, b) => (a.vacantSince ?? '').localeCompare(b.vacantSince ?? '') || a.branchId.localeCompare(b.branchId));
}

/** Interim officers (lâm thời) still in post whose congress deadline has passed by `on`. */
export function overdueInterimOfficers(current: PostRow[], on: string) {
  return current
    .filter((p) => p.method === 'interim' && p.endsOn === null && p.congressDeadline !== null && p.congressDeadline < on)
    .sort((a, b) => a.congressDeadline!.localeCompare(b.congressDeadline!) || a.branchId.localeCompare(b.branchId));
}

/** How many secretaries in post come from each source: districts see which sources work. */
export function secretariesBySource(current: PostRow[], inScope: (branchId: string) => boolean = () => true): Record<OfficerSource, number> {
  const counts = Object.fromEntries(OFFICER_SOURCES.map((s) => [s, 0])) as Record<OfficerSource, number>;
  for (const p of current) if (p.role === 'secretary' && p.endsOn === null && inScope(p.branchId)) counts[p.source]++;
  return counts;
}
