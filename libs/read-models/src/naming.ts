import { AnyProjection } from './projection';

/**
 * Where one copy of a projection lives: its state document (`_checkpoints/<state>`) and its
 * collections. The live copy is `<projection>.<collection>`; a rebuild writes a shadow copy
 * `<projection>~shadow.<collection>` and switches it in by renaming.
 */
export interface Target {
  readonly state: string;
  collection(name: string): string;
}

export const STATES = '_checkpoints';
export const JOURNAL = '_journal';

export function liveTarget(projection: Pick<AnyProjection, 'name'>): Target {
  return { state: projection.name, collection: (c) => `${projection.name}.${c}` };
}

export function shadowTarget(projection: Pick<AnyProjection, 'name'>): Target {
  const state = `${projection.name}~shadow`;
  return { state, collection: (c) => `${state}.${c}` };
}
