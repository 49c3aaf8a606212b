import { BatchOutcome, CommandResult } from '@register/event-sourcing';
import { Problem, toProblem } from './problem-details';

/** What a command answers (201/202): the entity, its version (ETag) and where its events sit. */
export interface CommandAnswer {
  id: string;
  /** The aggregate's (or entity's) version after the command: its ETag. */
  version: number;
  /** The same number under the contract's name (../shared/api.md: a command answers `id`, `revision` and `position`). */
  revision: number;
  /** Global log position of the change (of the log's head when the command recorded nothing); pass it as `minPosition` to read your own write. */
  position: number;
  duplicate?: boolean;
}

/** The answer to a command on `id` from the command runner's result. */
export const commandAnswer = (id: string, r: CommandResult): CommandAnswer => ({ id, version: r.revision, revision: r.revision, position: r.position, ...(r.duplicate ? { duplicate: true } : {}) });

/** One item of a batch of commands: its answer as the single command's (201), or its refusal as a problem (409, 422, 404). */
export type BatchItemAnswer = { index: number; status: number } & (CommandAnswer | (Problem & { id?: string }));

/** What a batch of commands answers (200): each item in the batch's order, how many stood and were refused, and the last position written. */
export interface BatchAnswer {
  /** The items that stood and recorded a change (or were recorded by this batch's earlier run, its retry answered). */
  recorded: number;
  /** The items that stood and recorded nothing: what they asked for was so already. */
  unchanged: number;
  refused: number;
  /** The highest position among the items (an item that recorded nothing answers the log's head): pass it as `minPosition` to read them all. */
  position: number;
  items: BatchItemAnswer[];
}

/**
 * The answer to a batch from runBatch's outcomes; `idOf` names each item's entity, and `refusedId`
 * the entity a refused item names (by default the same; none for an entity it would have created
 * under an id of the register's making: a probe's client kept ids of members never admitted).
 */
export function batchAnswer(outcomes: readonly BatchOutcome[], idOf: (index: number) => string, refusedId: (index: number) => string | undefined = idOf): BatchAnswer {
  const refused = (index: number) => {
    const id = refusedId(index);
    return id === undefined ? {} : { id };
  };
  const items = outcomes.map((o): BatchItemAnswer => (o.result ? { index: o.index, status: 201, ...commandAnswer(idOf(o.index), o.result) } : { index: o.index, ...toProblem(o.refusal), ...refused(o.index) }));
  const stood = outcomes.filter((o) => o.result).length;
  const unchanged = outcomes.filter((o) => o.result && o.result.events.length === 0 && !o.result.duplicate).length;
  return { recorded: stood - unchanged, unchanged, refused: outcomes.length - stood, position: Math.max(0, ...outcomes.map((o) => o.result?.position ?? 0)), items };
}
