import { Inject, Injectable } from '@nestjs/common';
import { EventStore, foldRecorded, readStreamsOf, RecordedEvent } from '@register/event-sourcing';
import { memberStream } from '@register/contracts';
import { AsOf, countsAsOf, nameKey, paginate } from '@register/service-kit';
import { foldDiacritics } from '@register/text';
import { PersonnelDirectory } from '../application/personnel-directory';
import { PERSONNEL_STORE } from '../application/tokens';
import { Member, memberAggregate } from '../domain/member';
import { DirectoryMemberDoc, exactKey } from './member-directory.projection';
import { MemberDirectoryRequest } from './member-directory.read-model';

const PAGE = 1000;
const MEMBER_STREAM_PREFIX = memberStream('');

/** Organisation's rule for history: a date keeps what took effect by then (of what was recorded by knownAt), an instant what was recorded by then. */
const inForce = (e: RecordedEvent, asOf: AsOf) => countsAsOf(asOf, { effectiveDate: e.metadata.effectiveDate, recordedAt: e.recordedAt });

/** A member as of then, in the directory's shape (no name when it cannot be read: erased). */
function asDirectoryDoc(m: Member): DirectoryMemberDoc {
  const name = m.personal?.fullName ?? null;
  const folded = foldDiacritics(name ?? '');
  return {
    _id: m.memberId, branchId: m.branchId, status: m.status, away: m.status === 'away-work' || m.status === 'away-study',
    fullName: name, dateOfBirth: m.personal?.dateOfBirth ?? null, gender: m.personal?.gender ?? null, admittedOn: m.admittedOn,
    erased: m.erased, search: folded, exact: exactKey(name), sortName: folded,
    // Folded as of then: nothing is pending in it.
    changes: [], settledOn: '',
  };
}

/** The directory's `q`: typed without diacritics it matches any accented form, typed with them exactly. */
function matchesName(doc: DirectoryMemberDoc, q: string | undefined): boolean {
  if (!q) return true;
  const folded = foldDiacritics(q);
  const exact = exactKey(q);
  return exact !== folded ? doc.exact.includes(exact) : doc.search.includes(folded);
}

/**
 * `GET /members?asOf=`: the member list then, folded from personnel's log (the read model knows
 * only today). Each member's stream is folded up to the date or instant, so a member a merger
 * later moved is listed in their old branch; paged in memory with the directory's name cursor.
 * A unit's or a branch's list reads only the streams of the members ever placed in its branches
 * (PersonnelDirectory.placedIn): whoever was there then was placed there by then, so it costs
 * what those members cost, not the log. The whole register's list still reads the whole log.
 */
@Injectable()
export class MemberListAsOf {
  constructor(
    @Inject(PERSONNEL_STORE) private readonly store: EventStore,
    private readonly directory: PersonnelDirectory,
  ) {}

  async list(request: MemberDirectoryRequest & { branchIds?: string[] }, asOf: AsOf) {
    return pageOf(await this.matching(request, asOf), request);
  }

  /** Every member the request asks for as of then, in the directory's order (one fold: a CSV's pages are cut from it). */
  async matching(request: MemberDirectoryRequest & { branchIds?: string[] }, asOf: AsOf) {
    const branches = request.branchIds ? new Set(request.branchIds) : undefined;
    return (await this.membersThen(asOf, request.branchId ? [request.branchId] : request.branchIds))
      .map(asDirectoryDoc)
      .filter((d) => (!request.branchId || d.branchId === request.branchId) && (!branches || branches.has(d.branchId)) && (!request.status || d.status === request.status) && matchesName(d, request.q))
      .sort((a, b) => (nameKey(a.sortName, a._id) < nameKey(b.sortName, b._id) ? -1 : 1));
  }

  /** Every member admitted by then (of these branches' candidates when given), as they stood then: one fold per member stream. */
  private async membersThen(asOf: AsOf, branchIds: string[] | undefined): Promise<Member[]> {
    const streams = new Map<string, RecordedEvent[]>();
    const add = (e: RecordedEvent) => (streams.get(e.streamId) ?? streams.set(e.streamId, []).get(e.streamId)!).push(e);
    if (branchIds) {
      // The directory must have read what the log holds now: a member placed a moment ago (dated back) is a candidate.
      await this.directory.caughtUp();
      for (const e of await readStreamsOf(this.store, this.directory.placedIn(branchIds).map(memberStream))) if (inForce(e, asOf)) add(e);
      return this.folded(streams);
    }
    for (let after = 0, page = await this.store.readAll(after, PAGE); page.length > 0; after = page[page.length - 1].position, page = await this.store.readAll(after, PAGE)) {
      for (const e of page) if (e.streamId.startsWith(MEMBER_STREAM_PREFIX) && inForce(e, asOf)) add(e);
    }
    return this.folded(streams);
  }

  private folded(streams: Map<string, RecordedEvent[]>): Member[] {
    return [...streams.values()].map((events) => foldRecorded(memberAggregate, events)).filter((m) => m.exists);
  }
}

/** One page of members already matched and sorted. */
export const pageOf = <T extends { sortName: string; _id: string }>(docs: T[], request: Pick<MemberDirectoryRequest, 'limit' | 'cursor'>) =>
  paginate(docs, (d) => nameKey(d.sortName, d._id), Math.min(Math.max(request.limit ?? 50, 1), 500), request.cursor);
