import { Inject, Injectable } from '@nestjs/common';
import { BatchItem, BatchOutcome, CommandContext, CommandHandler, Decider, EventStore, foldRecorded, NotFoundError, readStreamsOf, RecordedEvent, Refusal, runBatchOnce } from '@register/event-sourcing';
import { BranchOfficersEvent, branchOfficersStream, MemberEvent, memberStream } from '@register/contracts';
import { AsOf, Clock, CommandAnswer, commandAnswer, parseAsOfKnownAt, recordedBy, UpstreamLogs } from '@register/service-kit';
import { BranchOfficers, branchOfficersAggregate, postsOn } from '../domain/branch-officers';
import { dayInForce, Member, memberAggregate } from '../domain/member';
import { BranchStatusFact, MergerAfter } from '../domain/facts';
import { BranchReplica } from './branch-replica';
import { PERSONNEL_COMMANDS, PERSONNEL_STORE } from './tokens';

export type { CommandAnswer };

const answer = commandAnswer;

/** The write side of the personnel service (one stream per member, one per branch's officers) and its reads of one aggregate. */
@Injectable()
export class PersonnelService {
  constructor(
    @Inject(PERSONNEL_STORE) private readonly store: EventStore,
    @Inject(PERSONNEL_COMMANDS) private readonly handler: CommandHandler,
    private readonly replica: BranchReplica,
    private readonly clock: Clock,
    private readonly upstream: UpstreamLogs,
  ) {}

  /** Today, by the application's clock: the default effective date, and the day today's reads answer for. */
  today(): string {
    return this.clock.today();
  }

  /** A read's asOf and knownAt (parseAsOfKnownAt), today being this service's clock's. */
  asOf(query: { asOf?: string; knownAt?: string }): AsOf | undefined {
    return parseAsOfKnownAt(query, this.clock);
  }

  /** A command on one member's stream, decided by its capability's decider. */
  async onMember<C extends { memberId: string }>(decider: Decider<C, MemberEvent, Member>, command: C, context: CommandContext): Promise<CommandAnswer> {
    return answer(command.memberId, await this.handler.handle(decider, memberStream(command.memberId), command, context));
  }

  /** Commands on many members decided together and appended in one transaction (runBatchOnce); a member named again is refused by `repeated`. */
  onMembers<C extends { memberId: string }>(decider: Decider<C, MemberEvent, Member>, items: ReadonlyArray<{ command: C; context?: BatchItem<C>['context'] }>, context: CommandContext, repeated: (index: number, first: number) => Refusal): Promise<BatchOutcome[]> {
    return runBatchOnce(this.handler, this.store, decider, items.map((i) => ({ streamId: memberStream(i.command.memberId), ...i })), context, repeated);
  }

  /** A command on one branch's officers, decided by its capability's decider. */
  async onOfficers<C extends { memberId: string; branchId: string }>(decider: Decider<C, BranchOfficersEvent, BranchOfficers>, command: C, context: CommandContext): Promise<CommandAnswer> {
    return answer(command.memberId, await this.handler.handle(decider, branchOfficersStream(command.branchId), command, context));
  }

  /** Members as they stood on a day (what took effect by then), their streams read in one query. */
  async membersOn(memberIds: string[], date: string): Promise<Member[]> {
    const byStream = new Map<string, RecordedEvent[]>();
    for (const e of await readStreamsOf(this.store, memberIds.map(memberStream))) {
      if (dayInForce(e) <= date) (byStream.get(e.streamId) ?? byStream.set(e.streamId, []).get(e.streamId)!).push(e);
    }
    return [...byStream.values()].map((events) => foldRecorded(memberAggregate, events));
  }

  /** A member now (every change recorded: what an appointment decides on) and on a day (what took effect by then), from one read of their stream. */
  async memberNowAndOn(memberId: string, date: string): Promise<{ now: Member; onDay: Member }> {
    const { state, events } = await this.handler.load(memberAggregate, memberStream(memberId));
    return { now: state, onDay: foldRecorded(memberAggregate, events.filter((e) => dayInForce(e) <= date)) };
  }

  /** The branch's status now, or for a member joining it on `on` (BranchReplica.statusOf). */
  branchStatus(branchId: string, on?: string) {
    return this.replica.statusOf(branchId, on);
  }

  /**
   * The branch as a member joining it on `on` finds it: open then, with the mergers that closed it
   * since (recorded already) that move them on (BranchReplica.mergersAfter); else its status.
   */
  branchJoinedOn(branchId: string, on: string): { status: BranchStatusFact; mergersAfter?: MergerAfter[] } {
    const mergersAfter = this.replica.mergersAfter(branchId, on);
    return mergersAfter ? { status: 'active', mergersAfter } : { status: this.replica.statusOf(branchId, on) };
  }

  /** Waits, briefly, until the replica has heard of these branches (UpstreamLogs.untilKnown). */
  heardOf(branchIds: Iterable<string | null | undefined>): Promise<void> {
    return this.upstream.untilKnown(branchIds, (id) => this.branchStatus(id) !== 'unknown');
  }

  /**
   * One member as the register shows it today: what took effect by today, a change dated later is
   * pending (as `asOf` today answers). Its version is the stream's revision, pending changes
   * included: the ETag that a write's If-Match names, since commands decide on the whole stream.
   */
  async memberToday(memberId: string): Promise<Member> {
    const events = await this.store.readStream(memberStream(memberId));
    const today = this.clock.today();
    const member = foldRecorded(memberAggregate, events.filter((e) => dayInForce(e) <= today));
    if (!member.exists && events.length > 0) {
      // Recorded, with an admission dated later: say so, rather than that no such member exists.
      const from = events[0].metadata.effectiveDate;
      throw new NotFoundError('member', memberId, `member ${memberId} is admitted from ${from}: not a member before that day (read it with asOf=${from})`);
    }
    if (!member.exists) throw new NotFoundError('member', memberId);
    return { ...member, version: events[events.length - 1].revision };
  }

  /** One member with every change recorded (pending ones too), or as of a date (effective dates; with knownAt, of what was recorded by then) or an instant (what was recorded by then). */
  async member(memberId: string, asOf?: AsOf): Promise<{ member: Member; events: RecordedEvent[] }> {
    const events = await this.eventsAsOf(memberStream(memberId), asOf);
    const member = foldRecorded(memberAggregate, events);
    if (!member.exists) throw new NotFoundError('member', memberId);
    return { member, events };
  }

  /** A branch's officers now or as of a date or instant, with the full history of its posts. */
  async officers(branchId: string, asOf?: AsOf): Promise<{ state: BranchOfficers; posts: BranchOfficers['history'] }> {
    // A date keeps the whole history of the posts (postsOn picks those held that day), of what was recorded by knownAt.
    const events = await this.store.readStream(branchOfficersStream(branchId), { recordedUpTo: recordedBy(asOf) });
    if (events.length === 0 && this.replica.statusOf(branchId) === 'unknown') throw new NotFoundError('branch', branchId);
    const state = foldRecorded(branchOfficersAggregate, events);
    return { state, posts: asOf?.kind === 'date' ? postsOn(state, asOf.date) : state.current };
  }

  private async eventsAsOf(streamId: string, asOf?: AsOf): Promise<RecordedEvent[]> {
    const events = await this.store.readStream(streamId, { recordedUpTo: recordedBy(asOf) });
    return asOf?.kind === 'date' ? events.filter((e) => dayInForce(e) <= asOf.date) : events;
  }
}
