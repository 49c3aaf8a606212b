import type { KeyObject } from 'node:crypto';
import { ChainRow, ChainVersion, FinishedRun, Frontier, fromHex, Hash, LogVerdict, LogVerifier, Problem } from './verifier-core';

/** How many events a run holds at least before it may be closed (each costs the verifier a few hundred bytes). */
export const RUN_EVENTS = 50_000;

/** The signed notes of the checkpoints of sizes in (after, upTo], smallest first. */
export type NotesBetween = (after: number, upTo: number) => Promise<string[]>;

export interface LogKey {
  name: string;
  publicKey: KeyObject;
  origin?: string;
}

/**
 * A whole log's verification in bounded memory. LogVerifier keeps every event it is fed, to put
 * the chain in order and name what is out of it; a national log would not fit. The log is read in
 * position order, so it is verified in runs: a run is closed once it holds `runEvents` events that
 * all came at their index, each chained to the one before, and the next run starts from its end
 * (its compact range, last hash and chain version), as a bundle's range starts from its prefix.
 * Each run checks the checkpoints whose sizes end inside it, read when it closes (a log signed every
 * few seconds for years has millions); the last run, those beyond the log.
 * Damage keeps a run open (it is named with its neighbours, as before); an event claiming an index
 * of a run already closed (a row moved or copied far back) could be named differently by runs, so
 * then the log is verified again in one run (`again`), as it was before runs.
 */
export class VerificationRuns {
  private verifier = new LogVerifier();
  private readonly problems: Problem[] = [];
  private events = 0;
  private lastPosition = 0;
  private held?: boolean;
  /** The roots drawn at the checkpoints' sizes and at `alsoAt`, over every run. */
  private readonly roots = new Map<number, Hash>();
  private lastLeaf?: Hash;
  /** An event claimed an index of a run already closed. */
  reachedBack = false;

  /**
   * `start`: where the first run goes on from, a trusted checkpoint (which held) or a bundle's
   * prefix (`trusted: false`: nothing known of the checkpoint before). `alsoAt`: sizes where the
   * log's root is wanted besides the checkpoints' (a checkpoint the auditor kept).
   */
  constructor(
    private readonly notesBetween: NotesBetween,
    private readonly key: LogKey,
    private readonly runEvents = RUN_EVENTS,
    start?: { frontier: Frontier; prev: Hash; version: ChainVersion; trusted?: boolean; afterPosition?: number },
    private readonly alsoAt: number[] = [],
  ) {
    if (start) [this.verifier, this.held] = [new LogVerifier(start.frontier, start.prev, start.version), start.trusted === false ? undefined : true];
    // From a trusted checkpoint at the head, no event is read: the head is the checkpoint's last event's position.
    this.lastPosition = start?.afterPosition ?? 0;
  }

  /** Whether a run was closed: only then can an event reach back into one. */
  private closedOne = false;

  feed(row: ChainRow): void {
    // Before the first run's start (a range's prefix, a trusted checkpoint) is no closed run: the run's verifier names it.
    if (row.seq !== null && row.seq < this.verifier.run.from && this.closedOne) this.reachedBack = true;
    this.verifier.feed(row);
  }

  /** Closes the run where it may be closed: called before each page's events (so that the last run is never empty). */
  async pageComing(): Promise<void> {
    const run = this.verifier.run;
    if (run.fed >= this.runEvents && run.orderly) await this.close(false);
  }

  /** The log's verdict; undefined when it must be verified again in one run (reachedBack). */
  async finish(): Promise<LogVerdict | undefined> {
    const last = await this.close(true);
    if (this.reachedBack) return undefined;
    const problems = [...this.problems].sort((a, b) => (a.position ?? Infinity) - (b.position ?? Infinity));
    return { events: this.events, headPosition: last.headPosition || this.lastPosition, size: last.size, rootHash: last.rootHash, problems };
  }

  /** Once finished: the roots drawn at the checkpoints' sizes (and `alsoAt`), and the last event's leaf. */
  get drawn(): Pick<FinishedRun, 'roots' | 'lastLeaf'> {
    return { roots: this.roots, lastLeaf: this.lastLeaf };
  }

  private async close(final: boolean) {
    const { from, fed } = this.verifier.run;
    // A run closed before the end is orderly: each event it was fed is chained, so it ends at from + fed.
    const notes = await this.notesBetween(from, final ? Number.MAX_SAFE_INTEGER : from + fed);
    const verdict = this.verifier.finish(notes, this.key.name, this.key.publicKey, this.alsoAt, this.key.origin, this.held);
    this.problems.push(...verdict.problems);
    for (const [size, root] of verdict.roots) this.roots.set(size, root);
    this.lastLeaf = verdict.lastLeaf ?? this.lastLeaf;
    this.events += verdict.events;
    this.lastPosition = verdict.headPosition || this.lastPosition;
    this.held = verdict.next.held;
    const { frontier, prev, version } = verdict.next;
    this.verifier = new LogVerifier(Frontier.fromJSON(frontier), prev === undefined ? undefined : fromHex(prev), version);
    this.closedOne ||= !final;
    return verdict;
  }
}
