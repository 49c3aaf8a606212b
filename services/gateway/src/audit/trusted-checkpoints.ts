import { RuleViolation } from '@register/event-sourcing';
import { VERIFIABLE_SERVICES } from './log-integrities';

const ORIGIN = /^union-register\/([a-z-]+)$/;

/**
 * The checkpoints an auditor trusts, by the log each signs (its note's first line, the origin
 * `union-register/<service>`): at most one per log, and only of logs this verification checks.
 * A 422 naming the field and the rule otherwise: the schema cannot say it (a note is any text).
 */
export function trustedByLog(notes: string[] | undefined, verified: string[]): Map<string, string> {
  const byLog = new Map<string, string>();
  (notes ?? []).forEach((note, i) => {
    const field = `trustedCheckpoints[${i}]`;
    const service = ORIGIN.exec(note.split('\n')[0] ?? '')?.[1];
    if (!service || !(VERIFIABLE_SERVICES as readonly string[]).includes(service)) {
      throw new RuleViolation('unknown-log', `${field} must be a signed checkpoint of one of the logs (its first line union-register/<${VERIFIABLE_SERVICES.join('|')}>)`, { field });
    }
    if (!verified.includes(service)) throw new RuleViolation('log-not-verified', `${field} is a checkpoint of the ${service} log, which this verification does not check`, { field });
    if (byLog.has(service)) throw new RuleViolation('one-per-log', `${field}: another trusted checkpoint of the ${service} log is given`, { field });
    byLog.set(service, note);
  });
  return byLog;
}
