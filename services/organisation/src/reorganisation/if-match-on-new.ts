import { CommandContext, ConflictError } from '@register/event-sourcing';

/**
 * If-Match on a merger names the branch or unit merged into, as read (its ETag). A new one has no
 * version yet: "-1" (none) holds; any other is a conflict (409, the header being well formed) that
 * says what to send, not "read it again and retry" against a revision no read gives (a probe).
 */
export function checkIfMatchOnNew(ctx: CommandContext, kind: 'branch' | 'unit'): void {
  if (ctx.expectedRevision === undefined || ctx.expectedRevision === -1) return;
  throw new ConflictError('no-version-to-match', `If-Match names the ${kind} merged into, as read (its ETag); a merger into a new ${kind} has none yet: send none, or "-1"`);
}
