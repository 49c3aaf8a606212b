import {
  branchOfficersStream,
  commendationStream,
  competitionStream,
  courseStream,
  memberStream,
  mentorAssignmentStream,
  OrganisationEvent,
  ratingStream,
  STRUCTURE_STREAM,
  supportVisitStream,
} from '@register/contracts';

/**
 * Which events belong to one entity's audit history: those of its own stream, and those whose data
 * names it in a field typed for its kind (a unit's `parentUnitId`, a merger's `sourceBranchIds`).
 * Never by text: units and branches share one id space, so a branch may carry a unit's id, and
 * only the field says which is meant. Pure, over one event, so it can move with the audit API.
 */
/**
 * What training and evaluation keep, each entity one stream of its service's log, named as that
 * service names it (libs/contracts): its history is that stream.
 */
const OWN_STREAMS = {
  course: { service: 'training', streamOf: courseStream },
  competition: { service: 'training', streamOf: competitionStream },
  'mentor-assignment': { service: 'training', streamOf: mentorAssignmentStream },
  rating: { service: 'evaluation', streamOf: ratingStream },
  commendation: { service: 'evaluation', streamOf: commendationStream },
  'support-visit': { service: 'evaluation', streamOf: supportVisitStream },
} as const;
type OwnStreamType = keyof typeof OWN_STREAMS;

export const AUDITED_ENTITY_TYPES = ['unit', 'branch', 'member', ...(Object.keys(OWN_STREAMS) as OwnStreamType[])] as const;
export type AuditedEntityType = (typeof AUDITED_ENTITY_TYPES)[number];
export interface AuditedEntity {
  type: AuditedEntityType;
  id: string;
}
export interface AuditedEvent {
  service: string;
  streamId: string;
  type: string;
  data: unknown;
}

type DataOf<T extends OrganisationEvent['type']> = Extract<OrganisationEvent, { type: T }>['data'];
/** Per organisation event type, the fields of its data (ids or lists of ids) that name one kind of entity. */
type References = { [T in OrganisationEvent['type']]?: (data: DataOf<T>) => unknown[] };

const UNIT_REFERENCES: References = {
  UnitEstablished: (d) => [d.unitId, d.parentId],
  UnitRenamed: (d) => [d.unitId],
  UnitMoved: (d) => [d.unitId, d.fromParentId, d.toParentId],
  UnitDissolved: (d) => [d.unitId],
  BranchEstablished: (d) => [d.parentUnitId],
  BranchMoved: (d) => [d.fromUnitId, d.toUnitId],
  UnitsMerged: (d) => [d.sourceUnitIds, d.intoUnitId],
};

const BRANCH_REFERENCES: References = {
  BranchEstablished: (d) => [d.branchId, d.predecessorIds],
  BranchRenamed: (d) => [d.branchId],
  BranchMoved: (d) => [d.branchId],
  BranchDissolved: (d) => [d.branchId],
  BranchesMerged: (d) => [d.sourceBranchIds, d.intoBranchId],
  BranchSplit: (d) => [d.sourceBranchId, Array.isArray(d.parts) ? d.parts.map((p) => p?.branchId) : []],
};

/**
 * The streams an entity's history is read from, by service: the organisation's structure (typed
 * references pick the entity's events from it) and the streams that are the entity's own.
 * A member's history is their own stream, and their appointments and departures from the officers'
 * streams of the branches they belonged to (officerStreamsOf, once their own stream is read).
 */
export function streamsOf(entity: AuditedEntity): Array<{ service: string; streamId: string; own: boolean }> {
  if (entity.type in OWN_STREAMS) {
    const { service, streamOf } = OWN_STREAMS[entity.type as OwnStreamType];
    return [{ service, streamId: streamOf(entity.id), own: true }];
  }
  const structure = { service: 'organisation', streamId: STRUCTURE_STREAM, own: false };
  if (entity.type === 'unit') return [structure];
  if (entity.type === 'branch') return [structure, { service: 'personnel', streamId: branchOfficersStream(entity.id), own: true }];
  return [{ service: 'personnel', streamId: memberStream(entity.id), own: true }];
}

/** Organisation's events that name an entity of a kind; the other kinds are their own stream alone. */
const REFERENCES: Partial<Record<AuditedEntityType, References>> = { unit: UNIT_REFERENCES, branch: BRANCH_REFERENCES };

/** The officers' streams of every branch a member's own events place them in: their posts are there. */
export function officerStreamsOf(memberEvents: Array<{ type: string; data: unknown }>): string[] {
  const branches = new Set<string>();
  for (const e of memberEvents) {
    const d = (e.data ?? {}) as { branchId?: unknown; toBranchId?: unknown };
    if (e.type === 'MemberAdmitted' && typeof d.branchId === 'string') branches.add(d.branchId);
    if ((e.type === 'MemberTransferred' || e.type === 'MemberMovedForPeriod' || e.type === 'MemberMoveTakenBack') && typeof d.toBranchId === 'string') branches.add(d.toBranchId);
  }
  return [...branches].map(branchOfficersStream);
}

const OFFICERS_STREAM_PREFIX = branchOfficersStream('');

/** True when the event is part of the entity's history. */
export function concerns(entity: AuditedEntity, event: AuditedEvent): boolean {
  const own = streamsOf(entity).some((s) => s.own && s.service === event.service && s.streamId === event.streamId);
  if (own) return true;
  if (entity.type === 'member' && event.service === 'personnel' && event.streamId.startsWith(OFFICERS_STREAM_PREFIX)) {
    return (event.data as { memberId?: unknown } | null)?.memberId === entity.id;
  }
  if (event.service !== 'organisation') return false;
  const references = REFERENCES[entity.type]?.[event.type as OrganisationEvent['type']] as ((data: unknown) => unknown[]) | undefined;
  if (!references || !event.data || typeof event.data !== 'object') return false;
  // A field missing from an event of another shape names nobody; only exact ids count.
  return references(event.data).flat().some((id) => id === entity.id);
}

/** The branches and units an organisation event closes. */
function closedBy(type: string, data: Record<string, unknown>): { branches: unknown[]; units: unknown[] } {
  if (type === 'BranchDissolved') return { branches: [data.branchId], units: [] };
  if (type === 'BranchesMerged') return { branches: ((data.sourceBranchIds as unknown[]) ?? []).filter((id) => id !== data.intoBranchId), units: [] };
  if (type === 'BranchSplit') return { branches: [data.sourceBranchId], units: [] };
  if (type === 'UnitDissolved') return { branches: [], units: [data.unitId] };
  if (type === 'UnitsMerged') return { branches: [], units: ((data.sourceUnitIds as unknown[]) ?? []).filter((id) => id !== data.intoUnitId) };
  return { branches: [], units: [] };
}

/**
 * The filter of an entity's history over its streams read in order. A unit's history also holds the
 * closures of the branches and units that sat under it when they closed, which name only
 * themselves (a probe found a unit's history showing its branches' establishment and moves, not
 * their dissolution): where each sits is followed along the structure's stream as the filter reads it.
 */
export function historyOf(entity: AuditedEntity): (event: AuditedEvent) => boolean {
  if (entity.type !== 'unit') return (event) => concerns(entity, event);
  const parentOf = new Map<unknown, unknown>();
  return (event) => {
    const named = concerns(entity, event);
    if (event.service !== 'organisation' || !event.data || typeof event.data !== 'object') return named;
    const d = event.data as Record<string, unknown>;
    const closed = closedBy(event.type, d);
    const under = [...closed.branches.map((id) => parentOf.get(`branch:${id}`)), ...closed.units.map((id) => parentOf.get(`unit:${id}`))].includes(entity.id);
    if (event.type === 'BranchEstablished') parentOf.set(`branch:${d.branchId}`, d.parentUnitId);
    if (event.type === 'BranchMoved') parentOf.set(`branch:${d.branchId}`, d.toUnitId);
    if (event.type === 'UnitEstablished') parentOf.set(`unit:${d.unitId}`, d.parentId);
    if (event.type === 'UnitMoved') parentOf.set(`unit:${d.unitId}`, d.toParentId);
    return named || under;
  };
}
