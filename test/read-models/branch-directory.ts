/**
 * A small projection for the read-model tests and the replay benchmark: a branch directory with
 * counters. It uses what real projections use — upserts with $set/$setOnInsert/$inc/$max/$push/
 * $addToSet/$pull, replace, delete — and handlers that read their earlier documents (a member's
 * branch, a merged branch's successor), which is what makes batching and crash recovery delicate.
 * Plus a seeded workload of plausible events, so that every run appends the same log.
 */
import { randomUUID } from 'node:crypto';
import { DomainEvent, EventToAppend } from '@register/event-sourcing';
import { defineProjection, Doc, op, Operation, ProjectionReader } from '@register/read-models';

type Gender = 'female' | 'male';

export type DirectoryEvent =
  | DomainEvent<'BranchEstablished', { branchId: string; unitId: string; name: string }>
  | DomainEvent<'BranchRenamed', { branchId: string; name: string }>
  | DomainEvent<'BranchesMerged', { sourceIds: string[]; intoId: string }>
  | DomainEvent<'BranchDissolved', { branchId: string }>
  | DomainEvent<'MemberJoined', { memberId: string; branchId: string; gender: Gender; on: string }>
  | DomainEvent<'MemberLeft', { memberId: string }>
  | DomainEvent<'MemberTransferred', { memberId: string; toBranchId: string }>
  | DomainEvent<'SecretaryAppointed', { branchId: string; memberId: string }>
  | DomainEvent<'SecretaryLeft', { branchId: string }>
  | DomainEvent<'NoteRecorded', { text: string }>; // handled by nobody: the checkpoint still moves past it

type C = 'branches' | 'units' | 'members';

/** A merged branch lives on in its successor: follow `mergedInto` (a chain of merges). */
async function activeBranch(reader: ProjectionReader<C>, branchId: string): Promise<Doc | undefined> {
  let doc = await reader.read('branches', branchId);
  for (let hops = 0; doc?.status === 'merged' && hops < 100; hops++) doc = await reader.read('branches', doc.mergedInto as string);
  return doc;
}

const count = (gender: unknown, by: number) => ({ members: by, [`byGender.${String(gender)}`]: by });

export const branchDirectory = defineProjection<DirectoryEvent, C>({
  name: 'branch-directory',
  version: 1,
  collections: { branches: { indexes: [{ key: { unitId: 1 } }] }, units: {}, members: {} },
  handlers: {
    BranchEstablished: ({ data }) => [
      // $setOnInsert then $inc of the same field cannot merge into one write: a second round.
      op.upsert('branches', data.branchId, { $set: { name: data.name, unitId: data.unitId, status: 'active' }, $setOnInsert: { members: 0 }, $push: { names: data.name } }),
      op.upsert('units', data.unitId, { $inc: { branches: 1 }, $addToSet: { branchIds: data.branchId } }),
    ],
    BranchRenamed: ({ data }) => op.update('branches', data.branchId, { $set: { name: data.name }, $push: { names: data.name } }),
    BranchesMerged: async ({ data, position }, reader) => {
      const ops: Operation<C>[] = [];
      let moved = 0;
      const byGender: Record<string, number> = {};
      for (const id of data.sourceIds) {
        const source = await reader.read('branches', id);
        if (!source || source.status !== 'active') continue;
        moved += (source.members as number) ?? 0;
        for (const [g, n] of Object.entries((source.byGender as Record<string, number>) ?? {})) byGender[g] = (byGender[g] ?? 0) + n;
        ops.push(op.update('branches', id, { $set: { status: 'merged', mergedInto: data.intoId, members: 0, byGender: {} }, $unset: { secretary: '' } }));
        ops.push(op.update('units', source.unitId as string, { $inc: { branches: -1 }, $pull: { branchIds: id } }));
      }
      const inc: Record<string, number> = { members: moved };
      for (const [g, n] of Object.entries(byGender)) inc[`byGender.${g}`] = n;
      ops.push(op.update('branches', data.intoId, { $inc: inc, $push: { absorbed: { $each: data.sourceIds } }, $max: { lastMergeAt: position } }));
      return ops;
    },
    BranchDissolved: async ({ data }, reader) => {
      const branch = await reader.read('branches', data.branchId);
      if (!branch || branch.status !== 'active' || (branch.members as number) > 0) return undefined;
      return [op.delete('branches', data.branchId), op.update('units', branch.unitId as string, { $inc: { branches: -1 }, $pull: { branchIds: data.branchId } })];
    },
    MemberJoined: async ({ data }, reader) => {
      const branch = await activeBranch(reader, data.branchId);
      if (!branch) return undefined;
      return [
        op.replace('members', data.memberId, { branchId: branch._id, gender: data.gender, joinedOn: data.on, moves: [] }),
        op.update('branches', branch._id as string, { $inc: count(data.gender, 1), $max: { lastJoinedOn: data.on } }),
      ];
    },
    MemberLeft: async ({ data }, reader) => {
      const member = await reader.read('members', data.memberId);
      if (!member) return undefined;
      const branch = await activeBranch(reader, member.branchId as string);
      return [op.delete('members', data.memberId), ...(branch ? [op.update('branches', branch._id as string, { $inc: count(member.gender, -1) })] : [])];
    },
    MemberTransferred: async ({ data }, reader) => {
      const member = await reader.read('members', data.memberId);
      const to = await activeBranch(reader, data.toBranchId);
      if (!member || !to) return undefined;
      const from = await activeBranch(reader, member.branchId as string);
      if (from?._id === to._id) return undefined;
      return [
        op.update('members', data.memberId, { $set: { branchId: to._id }, $push: { moves: { from: from?._id ?? null, to: to._id } } }),
        ...(from ? [op.update('branches', from._id as string, { $inc: count(member.gender, -1) })] : []),
        op.update('branches', to._id as string, { $inc: count(member.gender, 1) }),
      ];
    },
    SecretaryAppointed: ({ data }) => op.update('branches', data.branchId, { $set: { secretary: data.memberId } }),
    SecretaryLeft: ({ data }) => op.update('branches', data.branchId, { $unset: { secretary: '' } }),
  },
});

/** A small seeded generator (the same log every run; a failing case can be replayed). */
export function rng(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

export interface WorkloadOptions {
  events: number;
  seed?: number;
  /** Roughly how many branches stay active (the documents the counters land on). */
  branches?: number;
}

/**
 * Plausible register traffic: branches established, renamed, merged and dissolved; members
 * joining, leaving and moving (most events); secretaries; some events nobody handles. The
 * generator keeps its own model so that events refer to things that exist, mostly: a few refer to
 * merged branches or to members who left, which the handlers must resolve by reading.
 */
export function* workload(options: WorkloadOptions): Generator<DomainEvent> {
  const r = rng(options.seed ?? 20260326);
  const target = options.branches ?? 50;
  const branches: string[] = [];
  const members: string[] = [];
  let nextBranch = 0;
  let nextMember = 0;
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const takeAt = <T>(xs: T[], i: number) => {
    const x = xs[i];
    xs[i] = xs[xs.length - 1];
    xs.pop();
    return x;
  };
  const establish = (): DomainEvent => {
    const branchId = `b${(nextBranch++).toString().padStart(5, '0')}`;
    branches.push(branchId);
    return { type: 'BranchEstablished', data: { branchId, unitId: `u${Math.floor(r() * Math.max(3, target / 10))}`, name: `Chi đoàn thôn ${nextBranch}` } };
  };
  for (let n = 0; n < options.events; n++) {
    const x = r();
    if (branches.length < 2 || (branches.length < target && x < 0.06)) yield establish();
    else if (x < 0.47 || members.length < 5) {
      const memberId = `m${(nextMember++).toString().padStart(7, '0')}`;
      members.push(memberId);
      yield { type: 'MemberJoined', data: { memberId, branchId: pick(branches), gender: r() < 0.52 ? 'female' : 'male', on: `2026-${String(1 + Math.floor(r() * 12)).padStart(2, '0')}-15` } };
    } else if (x < 0.62) yield { type: 'MemberLeft', data: { memberId: takeAt(members, Math.floor(r() * members.length)) } };
    else if (x < 0.8) yield { type: 'MemberTransferred', data: { memberId: pick(members), toBranchId: pick(branches) } };
    else if (x < 0.85) yield { type: 'BranchRenamed', data: { branchId: pick(branches), name: `Chi đoàn khu phố ${Math.floor(r() * 1000)}` } };
    else if (x < 0.87 && branches.length > 4) {
      const into = pick(branches);
      const sourceIds = [0, 1].map(() => branches[Math.floor(r() * branches.length)]).filter((b, i, all) => b !== into && all.indexOf(b) === i);
      for (const id of sourceIds) takeAt(branches, branches.indexOf(id));
      yield { type: 'BranchesMerged', data: { sourceIds, intoId: into } };
    } else if (x < 0.88) yield { type: 'BranchDissolved', data: { branchId: pick(branches) } }; // refused by the handler unless empty
    else if (x < 0.94) yield { type: 'SecretaryAppointed', data: { branchId: pick(branches), memberId: pick(members) } };
    else if (x < 0.96) yield { type: 'SecretaryLeft', data: { branchId: pick(branches) } };
    else yield { type: 'NoteRecorded', data: { text: 'họp chi đoàn định kỳ' } };
  }
}

/** An event as the kernel would append it (ids and metadata), from a workload item. */
export function toAppend(event: DomainEvent): EventToAppend {
  return {
    eventId: randomUUID(),
    type: event.type,
    schemaVersion: 1,
    data: event.data,
    metadata: { actor: 'test:replay', reason: 'read-model test', effectiveDate: '2026-11-25', correlationId: randomUUID() },
  };
}

/** Appends the workload, `perAppend` events per append (each chunk its own stream, as a batch import would). */
export async function appendWorkload(log: { append(streamId: string, events: EventToAppend[], expected: 'no_stream'): Promise<{ position: number }> }, options: WorkloadOptions & { perAppend?: number; stream?: string }): Promise<number> {
  const per = options.perAppend ?? 200;
  let chunk: EventToAppend[] = [];
  let k = 0;
  let head = 0;
  const flush = async () => {
    if (chunk.length) head = (await log.append(`${options.stream ?? 'import'}-${k++}`, chunk, 'no_stream')).position;
    chunk = [];
  };
  for (const event of workload(options)) {
    chunk.push(toAppend(event));
    if (chunk.length >= per) await flush();
  }
  await flush();
  return head;
}
