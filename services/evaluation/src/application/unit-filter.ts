/**
 * A list's filter by unit (subtree): the documents placed under the unit when they were recorded,
 * those of the branches moved under it since (`movedIn`, SubjectsReplica.branchesMovedUnder), so
 * that a commune's lists follow the hamlets a merger gave it, and those placed under the units
 * merged into it (`mergedIn`, SubjectsReplica.unitsMergedInto), the branches they had closed
 * before included. The old unit keeps its own.
 */
export function underUnit(unitId: string | undefined, movedIn: string[], mergedIn: string[] = []): Record<string, unknown> {
  if (unitId === undefined) return {};
  const units = mergedIn.length === 0 ? { unitIds: unitId } : { unitIds: { $in: [unitId, ...mergedIn] } };
  return movedIn.length === 0 ? units : { $or: [units, { branchId: { $in: movedIn } }] };
}
