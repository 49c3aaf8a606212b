import { Inject, Injectable } from '@nestjs/common';
import { calendarDayOf, EventStore, foldRecorded, RecordedEvent } from '@register/event-sourcing';
import { memberStream } from '@register/contracts';
import { AsOf, countsAsOf, nameKey, paginate } from '@register/service-kit';
import { exactKey, foldDiacritics, matchesTextQuery, sortKey } from '@register/text';
import { PersonnelDirectory } from '../application/personnel-directory';
import { PERSONNEL_STORE } from '../application/tokens';
import { dayInForce, Member, memberAggregate } from '../domain/member';
import { DirectoryMemberDoc } from './member-directory.projection';
import { MemberDirectoryRequest } from './member-directory.read-model';
import { MemberStreams } from './member-streams';

const PAGE = 1000;
const MEMBER_STREAM_PREFIX = memberStream('');

/** Organisation's rule for history: a date keeps what took effect by then (of what was recorded by knownAt), an instant what was recorded by then. */
const inForce = (e: RecordedEvent, asOf: AsOf) => countsAsOf(asOf, { effectiveDate: dayInForce(e), recordedAt: e.recordedAt });

/** A member as of then, in the directory's shape (no name when it cannot be read: erased). */
function asDirectoryDoc(m: Member): DirectoryMemberDoc {
  const name = m.personal?.fullName ?? null;
  const folded = foldDiacritics(name ?? '');
  return {
    _id: m.memberId, branchId: m.branchId, status: m.status, away: m.status === 'away-work' || m.status === 'away-study',
    fullName: name, dateOfBirth: m.personal?.dateOfBirth ?? null, gender: m.personal?.gender ?? null, admittedOn: m.admittedOn,
    erased: m.erased, search: folded, exact: exactKey(name), sortName: sortKey(name ?? ''),
    // Folded as of then: nothing is pending in it.
    changes: [], settledOn: '',
  };
}

/** The request's filters but the name (the name is opened only for the members they keep). */
const keptBy = (request: MemberDirectoryRequest & { branchIds?: string[] }) => {
  const branches = request.branchIds ? new Set(request.branchIds) : undefined;
  return (m: Member) => (!request.branchId || m.branchId === request.branchId) && (!branches || branches.has(m.branchId)) && (!request.status || m.status === request.status);
};

/**
 * Whether a correction was recorded after the roster's day: by the day's end for a date, by the
 * instant for an instant (and never after knownAt, which inForce has applied already).
 */
const recordedAfter = (e: RecordedEvent, asOf: AsOf) => (asOf.kind === 'date' ? calendarDayOf(new Date(e.recordedAt)) > asOf.date : new Date(e.recordedAt) > asOf.instant);

/**
 * A member's events as a past roster of a place shows them: a member who has since left the place
 * (transferred out, their branch moved away) is shown with the personal data the register held by
 * the roster's day, not with corrections recorded since, which the place's officers have no
 * reason to read (a probe read a name and date of birth another province corrected after the move).
 * A member still there is shown as corrected: a correction fixes the record on every day.
 */
function asThePlaceKnewThem(events: RecordedEvent[], asOf: AsOf, stillThere: boolean): RecordedEvent[] {
  return stillThere ? events : events.filter((e) => e.type !== 'MemberPersonalDataCorrected' || !recordedAfter(e, asOf));
}

/** The last event in force that carries `personal` (admitted, corrected): the fold's personal data is that one's (or none once erased). */
const lastPersonal = (events: RecordedEvent[]) => {
  for (let i = events.length - 1; i >= 0; i--) if ('personal' in (events[i].data as object)) return i;
  return -1;
};

/** The directory's `q`: typed without diacritics it matches any accented form, typed with them those marks (or none: markedNamePattern). */
const matchesName = (doc: DirectoryMemberDoc, q: string | undefined): boolean => !q || matchesTextQuery(doc, q);

/**
 * `GET /members?asOf=`: the member list then, folded from personnel's log (the read model knows
 * only today). Each member's stream is folded up to the date or instant, so a member a merger
 * later moved is listed in their old branch; paged in memory with the directory's name cursor.
 * A unit's or a branch's list folds only the streams of the members ever placed in its branches
 * (PersonnelDirectory.placedIn): whoever was there then was placed there by then. Those streams
 * come from MemberStreams (kept as stored, read again only once they change), and are folded with
 * their personal data sealed; only the members the filters keep have a name opened, one each (the
 * one in force then): the names are needed to sort, so every member of the list, not of the page.
 * The whole register's list still reads and opens the whole log.
 */
/** A list's request: one branch, or the branches of a unit's subtree then and today (`branchIdsToday`). */
type PlaceRequest = MemberDirectoryRequest & { branchIds?: string[]; branchIdsToday?: string[] };

@Injectable()
export class MemberListAsOf {
  constructor(
    @Inject(PERSONNEL_STORE) private readonly store: EventStore,
    private readonly directory: PersonnelDirectory,
    private readonly streams: MemberStreams,
  ) {}

  async list(request: PlaceRequest, asOf: AsOf) {
    return pageOf(await this.matching(request, asOf), request);
  }

  /** Every member the request asks for as of then, in the directory's order (one fold: a CSV's pages are cut from it). */
  async matching(request: PlaceRequest, asOf: AsOf) {
    const branchIds = request.branchId ? [request.branchId] : request.branchIds;
    const today = request.branchId ? new Set([request.branchId]) : request.branchIdsToday && new Set(request.branchIdsToday);
    const members = branchIds ? await this.placedThen(asOf, branchIds, keptBy(request), today) : (await this.everyMemberThen(asOf)).filter(keptBy(request));
    return members
      .map(asDirectoryDoc)
      .filter((d) => matchesName(d, request.q))
      .sort((a, b) => (nameKey(a.sortName, a._id) < nameKey(b.sortName, b._id) ? -1 : 1));
  }

  /**
   * The members placed in these branches by then that `kept` keeps, as they stood then: folded
   * sealed, then the kept ones' names opened; those no longer in the place's branches of today
   * (`today`) as the place knew them (asThePlaceKnewThem).
   */
  private async placedThen(asOf: AsOf, branchIds: string[], kept: (m: Member) => boolean, today?: Set<string>): Promise<Member[]> {
    // The directory must have read what the log holds now: a member placed a moment ago (dated back) is a candidate.
    await this.directory.caughtUp();
    const listed: Array<{ member: Member; events: RecordedEvent[] }> = [];
    for (const stream of await this.streams.of(this.directory.placedIn(branchIds).map(memberStream))) {
      const events = stream.filter((e) => inForce(e, asOf));
      const member = foldRecorded(memberAggregate, events);
      if (member.exists && kept(member)) listed.push({ member, events });
    }
    // All at once, as the sealing store opens a page of the log: the keys the vault has not cached are asked together, not one after another.
    return Promise.all(listed.map(async ({ member, events }) => {
      const current = this.directory.member(member.memberId)?.branchId;
      const shown = asThePlaceKnewThem(events, asOf, today === undefined || (current !== undefined && today.has(current)));
      const last = lastPersonal(shown);
      if (last < 0) return shown === events ? member : foldRecorded(memberAggregate, shown);
      // Folded again with the personal data in force opened: evolve decides what of it stays (none once erased).
      const data = shown[last].data as { personal: unknown };
      shown[last] = { ...shown[last], data: { ...data, personal: await this.streams.open(data.personal) } };
      return foldRecorded(memberAggregate, shown);
    }));
  }

  /** Every member admitted by then, as they stood then: the whole log read and opened, one fold per member stream. */
  private async everyMemberThen(asOf: AsOf): Promise<Member[]> {
    const streams = new Map<string, RecordedEvent[]>();
    const add = (e: RecordedEvent) => (streams.get(e.streamId) ?? streams.set(e.streamId, []).get(e.streamId)!).push(e);
    for (let after = 0, page = await this.store.readAll(after, PAGE); page.length > 0; after = page[page.length - 1].position, page = await this.store.readAll(after, PAGE)) {
      for (const e of page) if (e.streamId.startsWith(MEMBER_STREAM_PREFIX) && inForce(e, asOf)) add(e);
    }
    return [...streams.values()].map((events) => foldRecorded(memberAggregate, events)).filter((m) => m.exists);
  }
}

/** One page of members already matched and sorted. */
export const pageOf = <T extends { sortName: string; _id: string }>(docs: T[], request: Pick<MemberDirectoryRequest, 'limit' | 'cursor'>) =>
  paginate(docs, (d) => nameKey(d.sortName, d._id), Math.min(Math.max(request.limit ?? 50, 1), 500), request.cursor);
