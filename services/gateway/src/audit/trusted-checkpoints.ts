import { ValidationFailed } from '@register/service-kit';
import { VERIFIABLE_SERVICES } from './log-integrities';

const ORIGIN = /^union-register\/([a-z-]+)$/;

/**
 * The checkpoints an auditor trusts, by the log each signs (its note's first line, the origin
 * `union-register/<service>`): at most one per log, and only of logs this verification checks.
 */
export function trustedByLog(notes: string[] | undefined, verified: string[]): Map<string, string> {
  const byLog = new Map<string, string>();
  (notes ?? []).forEach((note, i) => {
    const field = `trustedCheckpoints[${i}]`;
    const service = ORIGIN.exec(note.split('\n')[0] ?? '')?.[1];
    if (!service || !(VERIFIABLE_SERVICES as readonly string[]).includes(service)) {
      throw new ValidationFailed([{ field, rule: 'unknown-log', message: `${field} must be a signed checkpoint of one of the logs (its first line union-register/<${VERIFIABLE_SERVICES.join('|')}>)` }]);
    }
    if (!verified.includes(service)) throw new ValidationFailed([{ field, rule: 'log-not-verified', message: `${field} is a checkpoint of the ${service} log, which this verification does not check` }]);
    if (byLog.has(service)) throw new ValidationFailed([{ field, rule: 'one-per-log', message: `${field}: another trusted checkpoint of the ${service} log is given` }]);
    byLog.set(service, note);
  });
  return byLog;
}
