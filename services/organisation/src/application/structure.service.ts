import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { checkDecisionIssued, CommandContext, CommandHandler, Decider, EventStore, LiveAggregate, SnapshotStore, Snapshots } from '@register/event-sourcing';
import { STRUCTURE_STREAM } from '@register/contracts';
import { AsOf, Clock, CommandAnswer, parseAsOfKnownAt, recordedBy } from '@register/service-kit';
import { dated } from '../domain/dated-changes';
import { activeChildren } from '../domain/rules';
import { Structure, structureAggregate, structureCodec, StructureFact } from '../domain/structure';
import { TodaysStructure } from './todays-structure';

/** How many past days' structures structureOn keeps (a batch's ratings name a few: the periods' last days). */
const DAYS_KEPT = 8;
import { ORGANISATION_COMMANDS, ORGANISATION_SNAPSHOTS, ORGANISATION_STORE } from './tokens';

export type { CommandAnswer };

/** The write side of the organisation service, and the structure as it is or was. */
@Injectable()
export class StructureService implements OnModuleDestroy {
  private readonly live: LiveAggregate<StructureFact, Structure>;
  private readonly logger = new Logger('StructureService');
  private readonly todays: TodaysStructure;
  /** The structures of past days last asked (structureOn), at the live fold's revision. */
  private days?: { revision: number; byDay: Map<string, Promise<Structure>> };

  constructor(
    @Inject(ORGANISATION_STORE) private readonly store: EventStore,
    @Inject(ORGANISATION_COMMANDS) handler: CommandHandler,
    @Inject(ORGANISATION_SNAPSHOTS) snapshotStore: SnapshotStore | undefined,
    private readonly clock: Clock,
  ) {
    this.todays = new TodaysStructure(store);
    // The structure is folded once per process, from its last snapshot on, not from the first event.
    // @2: units carry their predecessors and successors (unit mergers); an @1 snapshot is never read.
    const snapshots = new Snapshots(snapshotStore, 'organisation.structure@3', structureCodec, undefined, (e) => this.logger.warn(`a snapshot of the structure was not saved: ${e.message}`));
    this.live = new LiveAggregate(store, STRUCTURE_STREAM, structureAggregate, handler, undefined, undefined, snapshots);
  }

  /** The last snapshot, while the log's database is still open (it closes at application shutdown). */
  async onModuleDestroy() {
    await this.live.flush();
  }

  /** Runs a command through its capability's decider on the one live structure. */
  async execute<C>(decider: Pick<Decider<C, StructureFact, Structure>, 'decide'>, command: C, context: CommandContext, entity: { kind: 'unit' | 'branch'; id: string }): Promise<CommandAnswer> {
    const result = await this.live.execute(dated(decider, this.dayOf(context)), command, context);
    const { state } = await this.live.current();
    const version = (entity.kind === 'unit' ? state.units.get(entity.id) : state.branches.get(entity.id))?.version ?? 0;
    return { id: entity.id, version, revision: version, position: result.position, ...(result.duplicate ? { duplicate: true } : {}) };
  }

  /** The day a command takes effect: its effectiveDate, else today (as the command handler records it). */
  /** A dry run refuses what its real run would: a decision dated after today among them (the command handler checks the real run's). */
  checkDecision(context: CommandContext): void {
    checkDecisionIssued(context.decision, this.clock.today());
  }

  dayOf(context: CommandContext): string {
    return context.effectiveDate ?? this.clock.today();
  }

  /**
   * The structure as the register shows it today: what took effect by today, as `asOf` today
   * answers; a change dated later is pending (`pending`: some change is). `live` holds every change
   * recorded, pending ones too: commands decide on it, and its versions are the ETags If-Match names.
   */
  async today(): Promise<{ structure: Structure; live: Structure; pending: boolean }> {
    const live = (await this.live.current()).state;
    return { ...(await this.todays.on(this.clock.today(), live)), live };
  }

  /**
   * The structure with every change recorded (what commands decide on), or as of a date (effective
   * dates; with knownAt, of what was recorded by then) or an instant (what was recorded by then).
   */
  async structure(asOf?: AsOf): Promise<Structure> {
    if (!asOf) return (await this.live.current()).state;
    const events = await this.store.readStream(STRUCTURE_STREAM, { recordedUpTo: recordedBy(asOf) });
    return this.live.foldFrom(asOf.kind === 'date' ? events.filter((e) => e.metadata.effectiveDate <= asOf.date) : events);
  }

  /** The units and branches open under a unit on a day, in the structure in force then (as recorded now). */
  async openUnder(unitId: string, on: string): Promise<{ on: string; unitIds: string[]; branchIds: string[] }> {
    const children = activeChildren(await this.structure({ kind: 'date', date: on }), unitId);
    return { on, unitIds: children.units.map((u) => u.id), branchIds: children.branches.map((b) => b.id) };
  }

  /**
   * The structure in force on a past day, as recorded now, kept while the structure does not change:
   * authorisation asks it of every rating of a past year (a batch's items, one day each), which
   * would otherwise read and fold the structure's stream once each.
   */
  async structureOn(day: string): Promise<Structure> {
    const { revision } = await this.live.current();
    if (this.days?.revision !== revision) this.days = { revision, byDay: new Map() };
    const byDay = this.days.byDay;
    if (!byDay.has(day)) {
      if (byDay.size >= DAYS_KEPT) byDay.delete(byDay.keys().next().value!);
      const folded = this.structure({ kind: 'date', date: day });
      folded.catch(() => byDay.delete(day));
      byDay.set(day, folded);
    }
    return byDay.get(day)!;
  }

  /** A read's asOf and knownAt (parseAsOfKnownAt), today being this service's clock's. */
  asOf(query: { asOf?: string; knownAt?: string }): AsOf | undefined {
    return parseAsOfKnownAt(query, this.clock);
  }

}

/** If-Match names the entity's version, checked by the decider; the stream itself may have moved on. */
export const noRevision = (ctx: CommandContext): CommandContext => ({ ...ctx, expectedRevision: undefined });
