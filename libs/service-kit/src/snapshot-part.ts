/**
 * A piece of in-memory state that the embedded start keeps across restarts (docs/scale.md): the
 * read store, a replica fed by the in-process bus, what a consumer has applied, a write-side view.
 * The embedded start writes every part's state into one snapshot under DATA_DIR at a quiet moment
 * (no relay publishing) and at shutdown, and gives it back at the next start before any relay or
 * subscription runs, so that a start reads the logs' tails only. Distributed, the parts fed by an
 * in-memory consumer group are kept with the group's offsets (GroupSnapshots, docs/messaging.md).
 */
export interface SnapshotPart {
  /** Unique and stable within the process, e.g. `personnel.branch-replica`. */
  readonly snapshotName: string;
  /** Bumped when the state's shape changes: a saved part of another version is ignored and the part is fed from the log's start. */
  readonly snapshotVersion: number;
  /** The state as data v8.serialize can copy (plain objects, arrays, Maps, Sets, Dates), taken synchronously. */
  snapshotState(): unknown;
  /** Called once, before any event reaches the part, with what snapshotState gave. */
  restoreState(state: unknown): void;
  /** True for a part fed from the service's own log or store, not by its consumer group: a distributed group's snapshot leaves it out. */
  readonly ownLog?: boolean;
}

/** Whether a provider or controller instance takes part in the embedded snapshot. */
export function isSnapshotPart(value: unknown): value is SnapshotPart {
  const v = value as Partial<SnapshotPart> | null;
  return !!v && typeof v.snapshotName === 'string' && typeof v.snapshotVersion === 'number' && typeof v.snapshotState === 'function' && typeof v.restoreState === 'function';
}

/** Why saved states cannot be given back to these parts (all or nothing): one is missing, or saved in another version. */
export function partsRefusal(parts: readonly SnapshotPart[], versions: Record<string, number>): string | undefined {
  for (const part of parts) {
    const version = versions[part.snapshotName];
    if (version === undefined) return `the snapshot has no ${part.snapshotName}`;
    if (version !== part.snapshotVersion) return `the snapshot has ${part.snapshotName} version ${version}, not ${part.snapshotVersion}`;
  }
  return undefined;
}
