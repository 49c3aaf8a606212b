/**
 * The organisation service's published events (topic `register.organisation.events`), version 1.
 * Other services depend on these shapes: change them only by adding a new version and an upcaster.
 */
import { DomainEvent } from '@register/event-sourcing';

export const ORGANISATION_TOPIC = 'register.organisation.events';
/** The one stream that holds the union's structure (see services/organisation/README.md). */
export const STRUCTURE_STREAM = 'organisation-structure';

/** central: Trung ương Đoàn; province: Tỉnh/Thành đoàn; district: Huyện/Quận/Thị đoàn; grassroots: Đoàn cơ sở. */
export const UNIT_KINDS = ['central', 'province', 'district', 'grassroots'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

/** Thôn, bản, xóm, ấp, bon, buôn, tổ dân phố, khối, khu phố: where a residential branch lives. */
export const AREA_KINDS = ['hamlet', 'village', 'mountain-village', 'residential-group', 'block', 'quarter', 'other'] as const;
export type AreaKind = (typeof AREA_KINDS)[number];

export interface ResidentialArea {
  kind: AreaKind;
  name: string;
}

export type UnitEstablished = DomainEvent<'UnitEstablished', { unitId: string; kind: UnitKind; name: string; parentId: string | null }>;
export type UnitRenamed = DomainEvent<'UnitRenamed', { unitId: string; name: string; previousName: string }>;
export type UnitMoved = DomainEvent<'UnitMoved', { unitId: string; fromParentId: string | null; toParentId: string }>;
export type UnitDissolved = DomainEvent<'UnitDissolved', { unitId: string }>;

/** A branch (chi đoàn); residential when it has an area. `predecessorIds` is set when a merger or split created it. */
export type BranchEstablished = DomainEvent<
  'BranchEstablished',
  { branchId: string; parentUnitId: string; name: string; area: ResidentialArea | null; predecessorIds: string[] }
>;
export type BranchRenamed = DomainEvent<'BranchRenamed', { branchId: string; name: string; previousName: string; area: ResidentialArea | null }>;
export type BranchMoved = DomainEvent<'BranchMoved', { branchId: string; fromUnitId: string; toUnitId: string }>;
export type BranchDissolved = DomainEvent<'BranchDissolved', { branchId: string }>;

/** Sáp nhập / hợp nhất: the sources close and their members and officers go to `intoBranchId`. */
export type BranchesMerged = DomainEvent<'BranchesMerged', { mergerId: string; sourceBranchIds: string[]; intoBranchId: string; intoNewBranch: boolean }>;

/** Chia tách: the source closes; its members go to the successors by the given lists. */
export type BranchSplit = DomainEvent<
  'BranchSplit',
  { splitId: string; sourceBranchId: string; parts: Array<{ branchId: string; memberIds: string[] }> }
>;

/**
 * Communes or provinces combine (the 2025 reform): the sources end, merged into `intoUnitId`. The
 * decision's UnitMoved and BranchMoved events, recorded with it and just before it, carry the
 * sources' child units and branches to the successor; `intoNewUnit` when a UnitEstablished of the
 * same decision made it.
 */
export type UnitsMerged = DomainEvent<'UnitsMerged', { mergerId: string; sourceUnitIds: string[]; intoUnitId: string; intoNewUnit: boolean }>;

export type OrganisationEvent =
  | UnitEstablished
  | UnitRenamed
  | UnitMoved
  | UnitDissolved
  | BranchEstablished
  | BranchRenamed
  | BranchMoved
  | BranchDissolved
  | BranchesMerged
  | BranchSplit
  | UnitsMerged;

export const ORGANISATION_SCHEMA_VERSIONS: Record<OrganisationEvent['type'], number> = {
  UnitEstablished: 1,
  UnitRenamed: 1,
  UnitMoved: 1,
  UnitDissolved: 1,
  BranchEstablished: 1,
  BranchRenamed: 1,
  BranchMoved: 1,
  BranchDissolved: 1,
  BranchesMerged: 1,
  BranchSplit: 1,
  UnitsMerged: 1,
};

/**
 * The units merged into `unitId`, and those merged into them, from each merged unit's successor
 * (UnitsMerged, as a service's replica keeps it): a successor's lists and reports hold what was
 * placed under them. `inForce`: which mergers count (those that took effect by a day).
 */
export function unitsMergedInto(mergedInto: ReadonlyMap<string, string>, unitId: string, inForce: (mergedUnitId: string) => boolean = () => true): string[] {
  const found: string[] = [];
  for (let frontier = [unitId]; frontier.length > 0; ) {
    const next = [...mergedInto].filter(([from, into]) => frontier.includes(into) && from !== unitId && !found.includes(from) && inForce(from)).map(([from]) => from);
    found.push(...next);
    frontier = next;
  }
  return found;
}
