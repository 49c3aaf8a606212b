import { CommandContext } from '@register/event-sourcing';
import { ValidationFailed } from '@register/service-kit';

/**
 * If-Match on a merger names the branch or unit merged into, as read (its ETag). A new one has no
 * version yet: "-1" (none) holds; any other is 400, not a 409 that no retry could pass (a probe
 * was told to read again and retry, against a revision no read gives).
 */
export function checkIfMatchOnNew(ctx: CommandContext, kind: 'branch' | 'unit'): void {
  if (ctx.expectedRevision === undefined || ctx.expectedRevision === -1) return;
  throw new ValidationFailed([
    { field: 'If-Match', rule: 'no-version-to-match', message: `If-Match names the ${kind} merged into, as read (its ETag); a merger into a new ${kind} has none yet: send none, or "-1"` },
  ]);
}
