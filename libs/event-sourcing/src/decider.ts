import { DomainEvent, RecordedEvent } from './envelope';

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

/** What folding needs of a decider. */
export type Evolver<E extends DomainEvent, S> = Pick<Decider<unknown, E, S>, 'initialState' | 'evolve'>;

/**
 * One capability's decider over an aggregate whose state and evolve live in one place (its domain
 * folder): the capability brings only its decisions.
 */
export function deciderOf<C, E extends DomainEvent, S>(aggregate: Evolver<E, S>, decide: (command: C, state: S) => E[]): Decider<C, E, S> {
  return { initialState: aggregate.initialState, evolve: aggregate.evolve, decide };
}

/**
 * One decider for every command of an aggregate, each routed by its type to its capability's
 * decisions: for specifications that play several capabilities' commands on one state (a service
 * runs each capability's own decider).
 */
export function routedDecider<C extends { type: string }, E extends DomainEvent, S>(
  aggregate: Evolver<E, S>,
  routes: { [T in C['type']]: (command: Extract<C, { type: T }>, state: S) => E[] },
): Decider<C, E, S> {
  const route = routes as unknown as Record<string, (command: C, state: S) => E[]>;
  return deciderOf(aggregate, (command: C, state: S) => route[command.type](command, state));
}

/** The state after these events, from the initial state or from a state already folded. */
export function fold<E extends DomainEvent, S>(decider: Evolver<E, S>, events: readonly E[], from: S = decider.initialState()): S {
  return events.reduce((state, event) => decider.evolve(state, event), from);
}

/**
 * Folds events read from a store into one aggregate's state. A stream holds the facts of one
 * aggregate only, so its events are that decider's: the one place where the log's untyped events
 * are taken as the decider's own (services fold through here, with no casts of their own).
 */
export function foldRecorded<E extends DomainEvent, S>(decider: Evolver<E, S>, events: readonly RecordedEvent[], from?: S): S {
  return fold(decider, events as unknown as readonly E[], from);
}
