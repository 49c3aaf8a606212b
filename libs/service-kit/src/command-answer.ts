import { CommandResult } from '@register/event-sourcing';

/** What a command answers (201/202): the entity, its version (ETag) and where its events sit. */
export interface CommandAnswer {
  id: string;
  /** The aggregate's (or entity's) version after the command: its ETag. */
  version: number;
  /** The same number under the contract's name (../shared/api.md: a command answers `id`, `revision` and `position`). */
  revision: number;
  /** Global log position of the change; pass it as `minPosition` to read your own write. */
  position: number;
  duplicate?: boolean;
}

/** The answer to a command on `id` from the command runner's result. */
export const commandAnswer = (id: string, r: CommandResult): CommandAnswer => ({ id, version: r.revision, revision: r.revision, position: r.position, ...(r.duplicate ? { duplicate: true } : {}) });
