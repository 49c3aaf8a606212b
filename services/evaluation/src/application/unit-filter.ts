/**
 * A list's filter by unit (subtree): the documents placed under the unit when they were recorded,
 * and those of the branches moved under it since (`movedIn`, SubjectsReplica.branchesMovedUnder),
 * so that a commune's lists follow the hamlets a merger gave it. The old unit keeps its own.
 */
export function underUnit(unitId: string | undefined, movedIn: string[]): Record<string, unknown> {
  if (unitId === undefined) return {};
  return movedIn.length === 0 ? { unitIds: unitId } : { $or: [{ unitIds: unitId }, { branchId: { $in: movedIn } }] };
}
