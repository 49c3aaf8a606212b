import { Branch, Structure, Unit } from '../domain/structure';

export const unitView = (u: Unit) => ({
  id: u.id,
  kind: u.kind,
  name: u.name,
  parentId: u.parentId,
  status: u.status,
  establishedOn: u.establishedOn,
  dissolvedOn: u.dissolvedOn ?? null,
  predecessorIds: u.predecessorIds,
  successorIds: u.successorIds,
  version: u.version,
});

export const branchView = (b: Branch) => ({
  id: b.id,
  parentUnitId: b.parentUnitId,
  name: b.name,
  area: b.area,
  status: b.status,
  predecessorIds: b.predecessorIds,
  successorIds: b.successorIds,
  establishedOn: b.establishedOn,
  closedOn: b.closedOn ?? null,
  version: b.version,
});

/** The chain of units from the top of the tree down to `unitId`; a unit merged away names its successor (`successorIds`). */
export function ancestry(s: Structure, unitId: string | null): Array<{ id: string; kind: string; name: string; status: Unit['status']; successorIds: string[] }> {
  const chain = [];
  for (let at = unitId; at; at = s.units.get(at)?.parentId ?? null) {
    const u = s.units.get(at);
    if (!u) break;
    chain.unshift({ id: u.id, kind: u.kind, name: u.name, status: u.status, successorIds: u.successorIds });
  }
  return chain;
}
