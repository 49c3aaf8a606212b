import { DomainEvent } from './envelope';

/**
 * An aggregate as a pure decider (after Emmett / J. Chassaing):
 * `decide` turns a command and the current state into new facts, or throws a RuleViolation;
 * `evolve` folds one fact into the state. No I/O, no framework.
 */
export interface Decider<C, E extends DomainEvent, S> {
  initialState(): S;
  decide(command: C, state: S): E[];
  evolve(state: S, event: E): S;
}

export function fold<E extends DomainEvent, S>(decider: Pick<Decider<unknown, E, S>, 'initialState' | 'evolve'>, events: readonly E[]): S {
  return events.reduce((state, event) => decider.evolve(state, event), decider.initialState());
}
