import { Injectable } from '@nestjs/common';
import { MemberStatus } from '@register/contracts';
import { CollectionQueries, ReadModelQueries } from '@register/read-models';
import { afterName, BY_NAME, Clock, decodeNameCursor, nameCursorOf } from '@register/service-kit';
import { foldDiacritics, textQueryFilter } from '@register/text';
import { DirectoryMemberDoc, memberDirectoryProjection, memberOn } from './member-directory.projection';

export interface MemberDirectoryRequest {
  q?: string;
  branchId?: string;
  /** The branches of a unit's subtree (unitId). */
  branchIds?: string[];
  status?: MemberStatus;
  limit?: number;
  cursor?: string;
  /** Wait until the read model has applied the log up to here (a command's `position`). */
  minPosition?: number;
}

/**
 * The store query of a directory request. `q` typed without diacritics matches any accented form
 * ("thi huong" finds Hương and Hường); typed with them, it matches them exactly.
 */
export function memberFilter(request: Pick<MemberDirectoryRequest, 'q' | 'branchId' | 'branchIds' | 'status'>): Record<string, unknown> {
  const text = request.q && foldDiacritics(request.q) ? textQueryFilter(request.q) : {};
  const inBranches = request.branchIds ? { branchId: { $in: request.branchIds } } : {};
  return { ...inBranches, ...(request.branchId ? { branchId: request.branchId } : {}), ...(request.status ? { status: request.status } : {}), ...text };
}

/** A member as the directory shows them. */
export const memberListView = (m: DirectoryMemberDoc) => ({ id: m._id, branchId: m.branchId, status: m.status, fullName: m.fullName, dateOfBirth: m.dateOfBirth, gender: m.gender, admittedOn: m.admittedOn });

/**
 * The store query of a directory request on `today`: the documents that match and have no change
 * pending after today, and those with one pending (few), which only `memberOn` can place.
 */
function filterOn(request: MemberDirectoryRequest, today: string): Record<string, unknown> {
  return { $or: [{ ...memberFilter(request), settledOn: { $lte: today } }, { ...memberFilter({ q: request.q }), settledOn: { $gt: today } }] };
}

/** The member on `today` if they match the request's branch and status then. */
function shownOn(doc: DirectoryMemberDoc, request: MemberDirectoryRequest, today: string): DirectoryMemberDoc | null {
  const m = memberOn(doc, today);
  if (!m || (request.branchId && m.branchId !== request.branchId) || (request.branchIds && !request.branchIds.includes(m.branchId))) return null;
  return request.status && m.status !== request.status ? null : m;
}

/**
 * One page of the directory on `today`, keyset-paged on (sortName, _id): a member whose change is
 * pending shows as they are today, and the store is read on until the page is full.
 */
export async function pageMembers(members: CollectionQueries, request: MemberDirectoryRequest, today: string) {
  const limit = Math.min(Math.max(request.limit ?? 50, 1), 500);
  const filter = filterOn(request, today);
  const items: DirectoryMemberDoc[] = [];
  for (let after = decodeNameCursor(request.cursor); ; ) {
    const docs = (await members.find(afterName(filter, after), { sort: BY_NAME, limit: limit + 1 })) as unknown as DirectoryMemberDoc[];
    for (const doc of docs) {
      const shown = shownOn(doc, request, today);
      if (shown && items.push(shown) > limit) break;
    }
    if (items.length > limit || docs.length <= limit) break;
    after = [docs[limit].sortName, docs[limit]._id];
  }
  return { items: items.slice(0, limit), nextCursor: items.length > limit ? nameCursorOf(items[limit - 1]) : null };
}

/** Today's member directory and the member lists of the reports: the `member-directory` read model, waited for up to `minPosition`. */
@Injectable()
export class MemberDirectoryReads {
  constructor(
    private readonly readModels: ReadModelQueries,
    private readonly clock: Clock,
  ) {}

  private async members(minPosition?: number) {
    return (await this.readModels.of(memberDirectoryProjection).require(minPosition)).collection('members');
  }

  async list(request: MemberDirectoryRequest) {
    return pageMembers(await this.members(request.minPosition), request, this.clock.today());
  }

  /** Every member with one of these statuses today (of one branch, when given), status by status, each in the directory's order. */
  async withStatus(statuses: MemberStatus[], minPosition?: number, branchId?: string): Promise<DirectoryMemberDoc[]> {
    const members = await this.members(minPosition);
    const today = this.clock.today();
    const out: DirectoryMemberDoc[] = [];
    for (const status of statuses) {
      const docs = (await members.find(filterOn({ status, branchId }, today), { sort: BY_NAME })) as unknown as DirectoryMemberDoc[];
      out.push(...docs.map((d) => shownOn(d, { status, branchId }, today)).filter((d): d is DirectoryMemberDoc => d !== null));
    }
    return out;
  }
}
