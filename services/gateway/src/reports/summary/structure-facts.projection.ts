import { OrganisationEvent } from '@register/contracts';
import { RecordedEvent } from '@register/event-sourcing';
import { defineProjection, op, ProjectionReader } from '@register/read-models';
import { effectiveDay, Timeline } from './timeline';

type C = 'units' | 'branches';
type E<T extends OrganisationEvent['type']> = RecordedEvent<Extract<OrganisationEvent, { type: T }>>;

/** `report-structure.units`: a unit's parent on each day it changed, and the day it ended (dissolved or merged away). */
export interface UnitFactsDoc {
  _id: string;
  kind: string;
  parents: Timeline<string | null>;
  /** Its name on each day it was given (established, renamed): reports name a unit as it was called on their day. Absent before report-structure @5. */
  names?: Timeline<string>;
  /** Null or absent while it stands: FerretDB v1 drops a null given in `$setOnInsert` (a probe found every unit established after a restart of the gateway read as closed). */
  endedOn?: string | null;
  /** The unit it was merged into (absent: dissolved, or still open). */
  successorId?: string;
}

/**
 * `report-structure.branches`, the `structure` field of the branch's reporting document: a
 * branch's unit and whether it is residential, on each day they changed; every unit it ever sat
 * in (`unitIds`, indexed: a subtree's branch documents are one find).
 */
export interface BranchFactsDoc {
  _id: string;
  units: Timeline<string>;
  residential: Timeline<boolean>;
  unitIds: string[];
  /** Null or absent while it stands (see UnitFactsDoc.endedOn). */
  endedOn?: string | null;
}

/**
 * A move's day, or the day its thing came to be when the move is dated before it (a merger
 * recorded late moves a branch established since): recorded after the establishment, the move is
 * the later word from that day on.
 */
async function moveDay(reader: ProjectionReader<C>, collection: C, id: string, day: string, timeline: 'units' | 'parents'): Promise<string> {
  const doc = (await reader.read(collection, id)) as Record<string, Record<string, unknown> | undefined> | undefined;
  const first = Object.keys(doc?.[timeline] ?? {}).sort()[0];
  return first !== undefined && first > day ? first : day;
}

const ended = (collection: C, id: string, day: string) => op.upsert<C>(collection, id, { $set: { endedOn: day } });

/**
 * The union's structure as it stood on any day, from organisation's events: reports are counted
 * under the structure of their day, so a district abolished later still answers for its years.
 */
export const structureFacts = defineProjection<OrganisationEvent, C>({
  name: 'report-structure',
  // 3: a move dated before its thing was established takes effect from the establishment; 4: a merged unit's successor; 5: its names
  version: 5,
  collections: { units: {}, branches: { indexes: [{ key: { unitIds: 1 } }] } },
  handlers: {
    UnitEstablished: (e: E<'UnitEstablished'>) =>
      op.upsert<C>('units', e.data.unitId, { $set: { kind: e.data.kind, [`parents.${effectiveDay(e)}`]: e.data.parentId, [`names.${effectiveDay(e)}`]: e.data.name }, $setOnInsert: { endedOn: null } }),
    UnitRenamed: (e: E<'UnitRenamed'>) => op.upsert<C>('units', e.data.unitId, { $set: { [`names.${effectiveDay(e)}`]: e.data.name } }),
    UnitMoved: async (e: E<'UnitMoved'>, reader) => {
      const day = await moveDay(reader, 'units', e.data.unitId, effectiveDay(e), 'parents');
      return op.upsert<C>('units', e.data.unitId, { $set: { [`parents.${day}`]: e.data.toParentId } });
    },
    UnitDissolved: (e: E<'UnitDissolved'>) => ended('units', e.data.unitId, effectiveDay(e)),
    UnitsMerged: (e: E<'UnitsMerged'>) =>
      e.data.sourceUnitIds.filter((id) => id !== e.data.intoUnitId).map((id) => op.upsert<C>('units', id, { $set: { endedOn: effectiveDay(e), successorId: e.data.intoUnitId } })),
    BranchEstablished: (e: E<'BranchEstablished'>) =>
      op.upsert<C>('branches', e.data.branchId, {
        $set: { [`units.${effectiveDay(e)}`]: e.data.parentUnitId, [`residential.${effectiveDay(e)}`]: e.data.area !== null },
        $addToSet: { unitIds: e.data.parentUnitId },
        $setOnInsert: { endedOn: null },
      }),
    BranchRenamed: (e: E<'BranchRenamed'>) => op.upsert<C>('branches', e.data.branchId, { $set: { [`residential.${effectiveDay(e)}`]: e.data.area !== null } }),
    BranchMoved: async (e: E<'BranchMoved'>, reader) => {
      const day = await moveDay(reader, 'branches', e.data.branchId, effectiveDay(e), 'units');
      return op.upsert<C>('branches', e.data.branchId, { $set: { [`units.${day}`]: e.data.toUnitId }, $addToSet: { unitIds: e.data.toUnitId } });
    },
    BranchDissolved: (e: E<'BranchDissolved'>) => ended('branches', e.data.branchId, effectiveDay(e)),
    BranchesMerged: (e: E<'BranchesMerged'>) => e.data.sourceBranchIds.filter((id) => id !== e.data.intoBranchId).map((id) => ended('branches', id, effectiveDay(e))),
    BranchSplit: (e: E<'BranchSplit'>) => ended('branches', e.data.sourceBranchId, effectiveDay(e)),
  },
});
