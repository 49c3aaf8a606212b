import { Backoff, backoffDelay, pause } from './backoff';

/** How hard a consumer tries one message before it dead-letters it and moves on. */
export interface DeliveryPolicy {
  /** Attempts in all, the first included (>= 1). */
  maxAttempts: number;
  backoff: Backoff;
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = { maxAttempts: 5, backoff: { initialMs: 100, maxMs: 2_000 } };

/** A message that exhausted its attempts, as handed to the dead-letter sink. */
export interface Failure {
  error: unknown;
  attempts: number;
}

export interface DeliveryHooks {
  /** Called between attempts: Kafka needs a heartbeat while one message takes long. */
  beforeRetry?: () => Promise<void>;
  /** Must durably store the dead letter; if it throws, the message is not acknowledged and comes back. */
  deadLetter: (failure: Failure) => Promise<void>;
}

/**
 * Runs `attempt` until it succeeds or `maxAttempts` have failed, then dead-letters the message.
 * Resolving means "done with this message" (handled or dead-lettered), so the transport may commit
 * its offset: a poison message no longer blocks its partition.
 */
export async function deliver(attempt: () => Promise<void>, policy: DeliveryPolicy, hooks: DeliveryHooks): Promise<'handled' | 'dead-lettered'> {
  for (let n = 1; ; n++) {
    try {
      await attempt();
      return 'handled';
    } catch (error) {
      if (n >= policy.maxAttempts) {
        await hooks.deadLetter({ error, attempts: n });
        return 'dead-lettered';
      }
      await pause(backoffDelay(policy.backoff, n));
      await hooks.beforeRetry?.();
    }
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  if (typeof error === 'object' && error !== null) return JSON.stringify(error);
  return String(error);
}
