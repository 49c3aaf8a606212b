import { setTimeout as sleep } from 'node:timers/promises';

/** Exponential backoff bounds, in milliseconds. */
export interface Backoff {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 100, maxMs: 2_000 };

/** The wait before retry number `attempt` (1-based): doubles from `initialMs`, capped at `maxMs`. */
export function backoffDelay(backoff: Backoff, attempt: number): number {
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.max(0, attempt - 1));
}

export function pause(ms: number): Promise<void> {
  return sleep(ms);
}
