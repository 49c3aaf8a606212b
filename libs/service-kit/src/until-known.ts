/**
 * How long a command naming what this service has not heard of yet waits for the event that names
 * it: long enough for an event on its way (in one process, microseconds; over Kafka, a hop), short
 * enough that every typo does not hold its caller (a longer one held the OpenAPI fuzz run past its
 * time: docs/openapi.md). A service still reacting to a reorganisation may take longer: then it refuses
 * as before, and says to send the command again.
 */
export const UNTIL_KNOWN_WAIT_MS = 500;
const UNTIL_KNOWN_POLL_MS = 25;

/**
 * Whether every event the logs hold now has reached this process's consumers, by `deadline`; false
 * where that cannot be known (UpstreamLogs.arrivedNow).
 */
export type ArrivedNow = (deadline: number) => Promise<boolean>;

/**
 * Waits, briefly, until `known` holds for every id: another service answers a new branch or member a
 * moment before its event reaches this one (longer while this one reacts to a reorganisation), and
 * a command naming it at once was refused as unknown, a lag given as a rule (a black-box probe of
 * api.md). What is still unknown after the wait is refused as before; `undefined` and `null` ids
 * are skipped. With `arrived`, the wait ends as soon as every event then in the logs has arrived:
 * what is still unknown then is not on its way (a typo is refused at once, not after the wait).
 */
export async function untilKnown(ids: Iterable<string | null | undefined>, known: (id: string) => boolean, arrived?: ArrivedNow, waitMs = UNTIL_KNOWN_WAIT_MS): Promise<void> {
  const wanted = [...new Set(ids)].filter((id): id is string => typeof id === 'string');
  const allKnown = () => wanted.every((id) => known(id));
  if (allKnown()) return;
  const deadline = Date.now() + waitMs;
  // Settled: every event arrived (true), or arrival cannot be known (false: the wait runs its course).
  let settled = (arrived ? undefined : false) as boolean | undefined;
  const settling = arrived?.(deadline).then((ok) => { settled = ok; }, () => { settled = false; });
  while (!allKnown() && settled !== true && Date.now() < deadline) {
    const poll = new Promise((resolve) => setTimeout(resolve, UNTIL_KNOWN_POLL_MS));
    // Raced only while it is pending: a settled promise would end every round at once, a loop that never yields to timers.
    await (settled === undefined && settling ? Promise.race([poll, settling]) : poll);
  }
}
