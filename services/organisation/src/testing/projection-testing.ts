/**
 * For the projections' specifications: runs a projection over given facts into an embedded read
 * store, and plays random but valid reorganisations through the decider, so that the read models
 * can be compared with the fold of the same facts.
 */
import { OrganisationEvent, ResidentialArea, STRUCTURE_STREAM } from '@register/contracts';
import { seededRandom, RecordedEvent } from '@register/event-sourcing';
import { AnyProjection, Dated as DatedFact, projectLog, ProjectOptions, recordedFacts } from '@register/read-models';
import { structureDecider, StructureCommand } from './structure-decider';
import { emptyStructure, evolveStructure, Structure } from '../domain/structure';

/** A fact with the day it took effect. */
export type Dated = DatedFact<OrganisationEvent>;

/** The facts as the log would record them, all in the structure's one stream. */
export const recorded = (events: Dated[]): RecordedEvent[] => recordedFacts(events, () => STRUCTURE_STREAM);

/** Runs `projection` over the facts into a store (default: a fresh MemoryReadStore); `maxBatchEvents: 1` writes each event alone, in batches. */
export const project = (projection: AnyProjection, events: Dated[], options: ProjectOptions = {}) => projectLog(projection, recorded(events), options);

/** The structure the facts fold to, as the write side and `asOf` reads fold it. */
export function foldFacts(events: Dated[]): Structure {
  let s = emptyStructure();
  for (const { on, ...e } of events) s = evolveStructure(s, { ...e, metadata: { effectiveDate: on ?? '2025-01-01' } } as never);
  return s;
}

/** The facts cut at a few points of their history (40 %, 70 %, all), to compare read models with folds along the way. */
export const prefixes = (events: Dated[]) => [0.4, 0.7, 1].map((f) => events.slice(0, Math.round(events.length * f)));


const HAMLETS = ['Thông Thụ', 'Na Ca', 'Huồi Mới', 'Pà Cọ', 'Đồng Mới', 'Mường Hin', 'Cắm Muộn', 'Tà Sỏi', 'Châu Kim', 'Quang Phong', 'Nậm Giải', 'Hạnh Dịch'];

/**
 * A province tree (central → 2 provinces → 3 districts → 8 communes, two with a school union
 * below them) and its branches, then `steps` random commands — moves of units and branches,
 * renames, mergers of both kinds, splits, dissolutions, unit mergers — each kept only if the decider accepts
 * it. Returns the facts and the structure they fold to.
 */
export function randomReorganisation(seed: number, steps = 120): { events: Dated[]; structure: Structure } {
  const r = seededRandom(seed);
  const events: Dated[] = [];
  let s = emptyStructure();
  let day = 0;
  let n = 0;
  const run = (command: StructureCommand) => {
    let produced: OrganisationEvent[];
    try {
      produced = structureDecider.decide(command, s);
    } catch {
      return;
    }
    const on = new Date(Date.UTC(2024, 0, 1 + day++)).toISOString().slice(0, 10);
    for (const e of produced) {
      s = evolveStructure(s, { ...e, metadata: { effectiveDate: on } } as never);
      events.push({ ...e, on });
    }
  };
  const area = (): ResidentialArea | null => (r.chance(0.8) ? { kind: r.pick(['hamlet', 'village', 'residential-group'] as const), name: `${r.pick(HAMLETS)} ${++n}` } : null);
  run({ type: 'EstablishUnit', unitId: 'tw', kind: 'central', name: 'Trung ương Đoàn', parentId: null });
  for (const p of ['na', 'th']) run({ type: 'EstablishUnit', unitId: p, kind: 'province', name: `Tỉnh đoàn ${p}`, parentId: 'tw' });
  for (const [d, p] of [['qp', 'na'], ['qc', 'na'], ['bt', 'th']]) run({ type: 'EstablishUnit', unitId: d, kind: 'district', name: `Huyện đoàn ${d}`, parentId: p });
  for (let i = 1; i <= 8; i++) run({ type: 'EstablishUnit', unitId: `x${i}`, kind: 'grassroots', name: `Đoàn xã ${r.pick(HAMLETS)} ${i}`, parentId: r.pick(['qp', 'qc', 'bt']) });
  for (const [school, commune] of [['s1', 'x1'], ['s2', 'x5']]) run({ type: 'EstablishUnit', unitId: school, kind: 'grassroots', name: `Đoàn trường ${school}`, parentId: commune });
  for (let i = 1; i <= 30; i++) {
    const a = area();
    run({ type: 'EstablishBranch', branchId: `b${i}`, parentUnitId: r.pick([...s.units.keys()].filter((u) => s.units.get(u)!.kind === 'grassroots')), name: `Chi đoàn ${a?.name ?? `cơ quan ${i}`}`, area: a });
  }
  const active = <T extends { status: string }>(m: Map<string, T>) => [...m.entries()].filter(([, x]) => x.status === 'active').map(([id]) => id);
  for (let k = 0; k < steps; k++) {
    const units = active(s.units);
    const branches = active(s.branches);
    const what = r.next();
    if (what < 0.15) run({ type: 'MoveUnit', unitId: r.pick(units), toParentId: r.pick(units) });
    else if (what < 0.3) run({ type: 'MoveBranch', branchId: r.pick(branches), toUnitId: r.pick(units) });
    else if (what < 0.4) {
      const a = r.chance(0.5) ? area() : undefined;
      run({ type: 'RenameBranch', branchId: r.pick(branches), name: `Chi đoàn ${a?.name ?? `${r.pick(HAMLETS)} ${++n}`}`, area: a });
    } else if (what < 0.45) run({ type: 'RenameUnit', unitId: r.pick(units), name: `Đoàn ${r.pick(HAMLETS)} ${++n}` });
    else if (what < 0.6) run({ type: 'MergeBranches', mergerId: `m${k}`, sourceBranchIds: [r.pick(branches)], into: { branchId: r.pick(branches) } });
    else if (what < 0.72) {
      const a = area();
      run({ type: 'MergeBranches', mergerId: `m${k}`, sourceBranchIds: [r.pick(branches), r.pick(branches)], into: { newBranchId: `n${k}`, name: `Chi đoàn hợp nhất ${++n}`, area: a, parentUnitId: r.chance(0.3) ? r.pick(units) : undefined } });
    } else if (what < 0.82) {
      // each successor gets a member: a split into an empty part is refused
      const parts = [1, 2].map((p) => ({ branchId: `p${k}-${p}`, name: `Chi đoàn tách ${++n}`, area: area(), memberIds: [`m${k}-${p}`], parentUnitId: r.chance(0.3) ? r.pick(units) : undefined }));
      run({ type: 'SplitBranch', splitId: `s${k}`, sourceBranchId: r.pick(branches), parts, knownMemberIds: parts.flatMap((p) => p.memberIds) });
    } else if (what < 0.9) run({ type: 'DissolveBranch', branchId: r.pick(branches) });
    else if (what < 0.93) run({ type: 'DissolveUnit', unitId: r.pick(units) });
    else if (what < 0.96) {
      const into = r.chance(0.5) ? { unitId: r.pick(units) } : { newUnitId: `u${k}`, name: `Đoàn xã hợp nhất ${++n}`, kind: 'grassroots' as const, parentId: r.pick(units) };
      run({ type: 'MergeUnits', mergerId: `um${k}`, sourceUnitIds: [r.pick(units), r.pick(units)].filter((u, i, all) => all.indexOf(u) === i), into });
    } else {
      const a = area();
      run({ type: 'EstablishBranch', branchId: `e${k}`, parentUnitId: r.pick(units), name: `Chi đoàn mới ${a?.name ?? ++n}`, area: a });
    }
  }
  return { events, structure: s };
}
