/** Requests per second and burst of one caller (key or subject). */
export interface RateLimitOptions {
  ratePerSecond: number;
  burst: number;
}

export function rateLimitFromEnv(env: NodeJS.ProcessEnv = process.env): RateLimitOptions {
  const rate = Number(env.REGISTER_RATE_PER_SEC ?? 50);
  const burst = Number(env.REGISTER_RATE_BURST ?? 200);
  return { ratePerSecond: rate > 0 ? rate : 50, burst: burst > 0 ? burst : 200 };
}

/** Token buckets in memory, one per caller. Enough for one gateway process; shared limits need Redis or the like. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private options: RateLimitOptions) {}

  configure(options: RateLimitOptions) {
    this.options = options;
    this.buckets.clear();
  }

  /** Takes one token; answers 0 when allowed, else the seconds to wait (Retry-After). */
  take(caller: string, now = Date.now()): number {
    const { ratePerSecond, burst } = this.options;
    const bucket = this.buckets.get(caller) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * ratePerSecond);
    bucket.at = now;
    this.buckets.set(caller, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    if (this.buckets.size > 100_000) this.sweep(now);
    return Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerSecond));
  }

  private sweep(now: number) {
    for (const [k, b] of this.buckets) if (now - b.at > 60_000) this.buckets.delete(k);
  }
}
