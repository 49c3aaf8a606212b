import { CallHandler, ExecutionContext, Global, HttpException, HttpStatus, Injectable, Module, NestInterceptor } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { from, mergeMap, type Observable } from 'rxjs';
import { EventStore } from '@register/event-sourcing';
import { LogRelay } from '@register/messaging';
import { untilKnown } from './until-known';

/** How long a settle of every log stands for the same position (one read's two settles are a few milliseconds apart). */
const RECENT_MS = 100;

/** What a read with `minPosition` learnt of the other services' logs before it waits for its own. */
export type Settled = 'none' | 'settled' | 'behind';

/** This process's consumer of other services' topics (distributed: its ReliableKafkaServer). */
export interface TopicsConsumer {
  handledAllNow(deadline: number): Promise<boolean>;
}

/** A log of this process, as its relay's answers wait on it: its head by query, and (SQL) what its store appended. */
type LocalLog = Pick<EventStore, 'headPosition' | 'appendedUpTo'>;

/**
 * A command answers the position of its events in its own service's log, and a client hands that
 * number to a read of any service (api.md: `GET …?minPosition=N`). Positions do not say which log
 * they are of, so a read also waits for every other log that could hold N to have reached this
 * process up to it, and then for its own log's head: the reactions those events caused here
 * (a merger's members moved by personnel) are in it (docs/openapi.md).
 * - embedded: each other log whose head is at N or beyond, until its relay has published N; the
 *   in-process bus resolves a publish once every consumer has handled it;
 * - distributed: until this process's consumer group has handled what its topics hold now.
 */
@Injectable()
export class UpstreamLogs {
  private readonly local = new Map<string, { store: LocalLog; relay: LogRelay }>();
  private consumer?: TopicsConsumer;
  /** The last settle of every log (the interceptor's, before the controller), for the read model's wait of the same read to take again. */
  private recent?: { position: number; at: number; settled: Promise<Settled> };

  /** A service's log and relay in this process: every service's in the embedded start, its own in a service's process. */
  addLocal(service: string, store: LocalLog, relay: LogRelay): void {
    this.local.set(service, { store, relay });
  }

  /** How far the relay of a log of this process has published it (the internal head endpoint tells the gateway). */
  publishedUpTo(service: string): number | undefined {
    return this.local.get(service)?.relay.publishedUpTo;
  }

  /** Whether this process's relay of the log publishes it, or stands by while another instance's does. */
  relayLeads(service: string): boolean | undefined {
    return this.local.get(service)?.relay.leading;
  }

  /** The process's consumer of other services' topics (a distributed service). */
  attachConsumer(consumer: TopicsConsumer): void {
    this.consumer = consumer;
  }

  /**
   * Whether every event every log holds now has reached this process's consumers, by `deadline`. Known
   * only where every log is in this process (the embedded start: each relay has published its log's
   * head to the in-process bus); elsewhere false, as a log's newest events may not be on its topic yet.
   */
  async arrivedNow(deadline: number): Promise<boolean> {
    if (this.consumer || this.local.size < 2) return false;
    for (const { store, relay } of this.local.values()) {
      if (!(await relay.whenPublished(await store.headPosition(), deadline))) return false;
    }
    return true;
  }

  /**
   * Distributed, a command is decided on this process's replicas of the other services only once
   * they hold what those services' topics hold now: a command sent right after another service's
   * answer (an enrolment after the appointment) was decided on a copy without it, and recorded a
   * wrong fact for good or refused with a 422 that read as final (a probe). True where nothing is
   * consumed from other services' topics (the embedded start, whose answers wait instead: publishedAnswer).
   */
  async commandsMayDecide(deadline: number): Promise<boolean> {
    return this.consumer ? this.consumer.handledAllNow(deadline) : true;
  }

  /**
   * Distributed, a command is answered once its events are on its service's topic: the client's next
   * command, to any service, then finds them there (commandsMayDecide). False by `deadline`: the
   * answer goes out anyway (the change is made), as a read's `minPosition` would then wait.
   * Embedded, once its events are published to the in-process bus, which resolves a publish when
   * every consumer has handled it: the other services' reactions (a merger's moves of its members)
   * are then recorded, and the client's next command is decided on them (a probe's appointment sent
   * right after a merger's answer was refused, its member not moved yet).
   */
  async publishedAnswer(position: number, deadline: number): Promise<boolean> {
    if (!this.consumer) return this.local.size < 2 || position <= 0 || this.publishedHere(position, deadline);
    if (this.local.size !== 1) return true;
    const [{ relay }] = this.local.values();
    return relay.whenPublished(position, deadline);
  }

  /**
   * Embedded: every log of this process that this process appended up to `position` (its command's,
   * by what its store told, with no query: a command paid four head reads for it, a test of the
   * statements per command found) has published it to the bus.
   */
  private async publishedHere(position: number, deadline: number): Promise<boolean> {
    for (const { store, relay } of this.local.values()) {
      if (store.appendedUpTo === undefined || relay.publishedUpTo >= position || store.appendedUpTo < position) continue;
      if (!(await relay.whenPublished(position, deadline))) return false;
    }
    return true;
  }

  /** Waits, briefly, until `known` holds for every id (untilKnown), or until every event then in the logs has arrived. */
  untilKnown(ids: Iterable<string | null | undefined>, known: (id: string) => boolean): Promise<void> {
    return untilKnown(ids, known, (deadline) => this.arrivedNow(deadline));
  }

  /** 'none': no other log could hold `position`; 'settled': they reached this process; 'behind': not by `deadline`. */
  async settle(position: number, ownService: string, deadline: number): Promise<Settled> {
    // One read settles twice (before its controller, then in its read model's wait): the second takes the first's
    // answer, when it waited for every log (own service '') for this very position a moment ago.
    const recent = this.recent;
    if (recent && recent.position === position && Date.now() - recent.at < RECENT_MS && (await recent.settled) !== 'behind') return recent.settled;
    const settled = this.settleNow(position, ownService, deadline);
    if (ownService === '') this.recent = { position, at: Date.now(), settled };
    return settled;
  }

  private async settleNow(position: number, ownService: string, deadline: number): Promise<Settled> {
    if (this.consumer) return (await this.consumer.handledAllNow(deadline)) ? 'settled' : 'behind';
    let any = false;
    for (const [service, { store, relay }] of this.local) {
      if (service === ownService) continue;
      if (relay.publishedUpTo < position && (await store.headPosition()) < position) continue;
      any = true;
      if (!(await relay.whenPublished(position, deadline))) return 'behind';
    }
    return any ? 'settled' : 'none';
  }
}

/** How long a read's `minPosition` waits for the other logs, as a read model's wait does. */
const SETTLE_WAIT_MS = 3000;
/** How long a command waits for the other services' topics (before it is decided), and for its own events to be published (before it answers). */
const COMMAND_WAIT_MS = 3000;

const COMMAND_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const INTERNAL = /^\/api\/v1\/internal\//;

/** The newest position a command's answer names: its own, or its items' (a batch). */
function answeredPosition(body: unknown): number {
  if (body === null || typeof body !== 'object') return 0;
  const at = (v: unknown) => (v !== null && typeof v === 'object' && typeof (v as { position?: unknown }).position === 'number' ? (v as { position: number }).position : 0);
  const nested = Object.values(body).flatMap((v) => (Array.isArray(v) ? v.map(at) : []));
  return Math.max(at(body), ...nested);
}

/**
 * Before a GET with a plain `minPosition` reaches its controller: the other logs that could hold it
 * have reached this process (settle), so that the replicas a controller asks first (is this unit
 * known? a probe was told a commune established at that position did not exist) reflect them too,
 * not only the read model it reads after. 503 when they do not get there in time.
 */
@Injectable()
export class SettledReadsInterceptor implements NestInterceptor {
  constructor(private readonly upstream: UpstreamLogs) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const request = context.switchToHttp().getRequest<{ method?: string; query?: Record<string, unknown>; url?: string } | undefined>();
    // The internal endpoints (the gateway's reads of a log, its verification) change nothing: no wait.
    if (COMMAND_METHODS.has(request?.method ?? '') && !INTERNAL.test(request?.url ?? '')) return this.command(next);
    const asked = request?.method === 'GET' ? request.query?.minPosition : undefined;
    if (typeof asked === 'string' && /^\d{1,15}$/.test(asked) && Number(asked) > 0) {
      const settled = await this.upstream.settle(Number(asked), '', Date.now() + SETTLE_WAIT_MS);
      if (settled === 'behind') throw new HttpException(`the other services' events up to position ${asked} have not reached this service yet; retry shortly`, HttpStatus.SERVICE_UNAVAILABLE);
    }
    return next.handle();
  }

  /** A command: decided once the other services' topics have reached this process, answered once its own events are published (UpstreamLogs). */
  private async command(next: CallHandler): Promise<Observable<unknown>> {
    if (!(await this.upstream.commandsMayDecide(Date.now() + COMMAND_WAIT_MS))) {
      throw new HttpException("the other services' latest events have not reached this service yet; retry shortly", HttpStatus.SERVICE_UNAVAILABLE);
    }
    return next.handle().pipe(mergeMap((body) => from(this.upstream.publishedAnswer(answeredPosition(body), Date.now() + COMMAND_WAIT_MS).then(() => body))));
  }
}

@Global()
@Module({ providers: [UpstreamLogs, { provide: APP_INTERCEPTOR, useClass: SettledReadsInterceptor }], exports: [UpstreamLogs] })
export class UpstreamLogsModule {}
