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

/** `attempt` run until it succeeds, at most `attempts` times, with growing pauses between; the last failure is thrown. */
export async function retried<T>(attempt: () => Promise<T>, attempts: number, backoff: Backoff = DEFAULT_BACKOFF): Promise<T> {
  for (let n = 1; ; n += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (n >= attempts) throw error;
      await pause(backoffDelay(backoff, n));
    }
  }
}

/** What `work` gives by `deadline` (epoch ms); undefined if it fails or takes longer. */
export async function beforeDeadline<T>(work: Promise<T>, deadline: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), Math.max(0, deadline - Date.now()))));
  try {
    return await Promise.race([work.catch(() => undefined), late]);
  } finally {
    clearTimeout(timer);
  }
}
