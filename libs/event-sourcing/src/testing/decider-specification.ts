import { deepStrictEqual, fail } from 'node:assert';
import { Decider, fold } from '../decider';
import { DomainEvent } from '../envelope';

type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * Given/when/then for deciders (after Emmett's DeciderSpecification):
 *   spec.given([past events]).when(command).then([new events])
 *   spec.given([...]).when(command).thenThrows(RuleViolation, (e) => e.rule === '...')
 */
export function deciderSpecification<C, E extends DomainEvent, S>(decider: Decider<C, E, S>) {
  return {
    given(past: E[]) {
      return {
        when(command: C) {
          const run = () => decider.decide(command, fold(decider, past));
          return {
            then(expected: E[]) {
              deepStrictEqual(run(), expected);
            },
            thenNothingHappens() {
              deepStrictEqual(run(), []);
            },
            thenThrows<T extends ErrorClass>(kind: T, check?: (error: InstanceType<T>) => boolean) {
              let events: E[];
              try {
                events = run();
              } catch (error) {
                if (!(error instanceof kind)) throw error;
                if (check && !check(error as InstanceType<T>)) fail(`${kind.name} did not pass the check: ${(error as Error).message}`);
                return;
              }
              fail(`expected ${kind.name}, but the decider returned ${JSON.stringify(events)}`);
            },
          };
        },
      };
    },
  };
}
