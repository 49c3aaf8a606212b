import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@register/event-sourcing';
import { afterName, BY_NAME, decodeNameCursor, nameCursorOf } from '@register/service-kit';
import { CollectionQueries, Doc, ReadModelQueries } from '@register/read-models';
import { foldDiacritics, textQueryFilter } from '@register/text';
import { PeopleReplica } from '../people/people-replica';
import { branchDirectoryProjection, DirectoryBranchDoc } from './branch-directory.projection';
import { DirectoryPeople } from '../domain/branch-people';
import { DirectoryFilter } from './directory-query';

export interface DirectoryRequest extends DirectoryFilter {
  limit?: number;
  cursor?: string;
  /** Wait until the read model has applied the log up to here (a command's `position`). */
  minPosition?: number;
}

/** A directory document as the API shows a branch (the fields and order of branchView). */
export const directoryView = (d: DirectoryBranchDoc) => ({
  id: d._id,
  parentUnitId: d.parentUnitId,
  name: d.name,
  area: d.area,
  status: d.status,
  predecessorIds: d.predecessorIds,
  successorIds: d.successorIds,
  establishedOn: d.establishedOn,
  closedOn: d.closedOn ?? null,
  version: d.version,
});

/** The store query of a directory filter; the people filters are not in it (see `pageDirectory`). */
export function directoryFilter(filter: DirectoryFilter): Record<string, unknown> {
  const status = filter.status ?? 'active';
  return {
    ...(status === 'any' ? {} : { status }),
    ...(filter.parentUnitId ? { ancestorIds: filter.parentUnitId } : {}),
    ...(filter.q && foldDiacritics(filter.q) ? textQueryFilter(filter.q) : {}),
  };
}

/**
 * One page of the directory, keyset-paged on (sortName, _id). What the organisation knows of
 * each branch's people (hasMembers, hasSecretary) lives in PeopleReplica, fed by personnel's
 * events, not in this service's log: those filters are applied to the documents as they are read,
 * in chunks, until the page is full.
 */
export async function pageDirectory(branches: CollectionQueries, request: DirectoryRequest, people: DirectoryPeople) {
  const limit = Math.min(Math.max(request.limit ?? 50, 1), 500);
  const keep = (d: Doc) =>
    (request.hasMembers === undefined || people.hasMembers(String(d._id)) === request.hasMembers) &&
    (request.hasSecretary === undefined || people.hasSecretary(String(d._id)) === request.hasSecretary);
  const peopleFiltered = request.hasMembers !== undefined || request.hasSecretary !== undefined;
  const chunk = peopleFiltered ? 500 : limit + 1;
  const filter = directoryFilter(request);
  const found: Doc[] = [];
  let after = decodeNameCursor(request.cursor);
  for (;;) {
    const docs = await branches.find(afterName(filter, after), { sort: BY_NAME, limit: chunk });
    for (const d of docs) if (keep(d) && found.push(d) > limit) break;
    const last = docs[docs.length - 1];
    if (found.length > limit || docs.length < chunk || !last) break;
    after = [String(last.sortName), String(last._id)];
  }
  const items = found.slice(0, limit);
  return { items: (items as unknown as DirectoryBranchDoc[]).map(directoryView), nextCursor: found.length > limit ? nameCursorOf(items[items.length - 1]) : null };
}

/** The directory's reads of today: the `branch-directory` read model, waited for up to `minPosition`. */
@Injectable()
export class DirectoryReads {
  constructor(
    private readonly readModels: ReadModelQueries,
    private readonly people: PeopleReplica,
  ) {}

  async list(request: DirectoryRequest) {
    const model = await this.readModels.of(branchDirectoryProjection).require(request.minPosition);
    return pageDirectory(model.collection('branches'), request, this.people.on(undefined));
  }

  /** Every predecessor and successor of a branch, transitively. */
  async lineage(branchId: string, minPosition?: number) {
    return readLineage((await this.readModels.of(branchDirectoryProjection).require(minPosition)).collection('branches'), branchId);
  }
}

/** A branch's lineage from the directory: its predecessors and successors, transitively, in the order lineageOf gives them. */
export async function readLineage(branches: CollectionQueries, branchId: string) {
  const cache = new Map<string, DirectoryBranchDoc | undefined>();
  const get = async (id: string) => {
    if (!cache.has(id)) cache.set(id, (await branches.get(id)) as DirectoryBranchDoc | undefined);
    return cache.get(id);
  };
  const branch = await get(branchId);
  if (!branch) throw new NotFoundError('branch', branchId);
  const walk = async (from: DirectoryBranchDoc, next: (b: DirectoryBranchDoc) => string[], seen: Set<string>): Promise<DirectoryBranchDoc[]> => {
    const out: DirectoryBranchDoc[] = [];
    for (const id of next(from)) {
      const found = seen.has(id) ? undefined : await get(id);
      if (!found) continue;
      seen.add(id);
      out.push(found, ...(await walk(found, next, seen)));
    }
    return out;
  };
  const predecessors = await walk(branch, (b) => b.predecessorIds, new Set());
  const successors = await walk(branch, (b) => b.successorIds, new Set());
  return { branch: directoryView(branch), predecessors: predecessors.map(directoryView), successors: successors.map(directoryView) };
}
