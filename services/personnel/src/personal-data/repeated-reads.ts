/** How long a caller's repeated reads of one view (polls of an import's progress) count as one read of the members it shows. */
const ONE_READ_MS = 60_000;

/**
 * Which members a view shows that its caller has not been logged as reading yet: a view that grows
 * while it is polled (an import's rows) is logged once per member, per view, caller and purpose, for
 * a minute; a read later, or for another purpose, is logged again. Marked before the log is written,
 * so that two polls at once log a member once.
 */
export class RepeatedReads {
  private readonly logged = new Map<string, { since: number; members: Set<string> }>();

  unlogged(view: string, actor: string, purpose: string | null, memberIds: string[], now = Date.now()): string[] {
    const key = `${view}\u0000${actor}\u0000${purpose ?? ''}`;
    const logged = this.logged.get(key);
    const seen = logged && now - logged.since < ONE_READ_MS ? logged.members : new Set<string>();
    if (seen !== logged?.members) this.logged.set(key, { since: now, members: seen });
    const fresh = memberIds.filter((id) => !seen.has(id));
    for (const id of fresh) seen.add(id);
    return fresh;
  }
}
