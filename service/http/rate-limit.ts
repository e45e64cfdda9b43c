// A fixed-window rate limit per key (client address, user id): enough to stop password
// and code guessing at sign-in without a shared store. The account lock-out (5 failures,
// 15 minutes) is the durable defence; this limits the rate of trying.
import type { Clock } from '../context.js';
import { ApiError } from './api-error.js';

/** 429, and whether it is the first refusal of its window (worth an audit entry; the rest of a flood is not). */
export class RateLimited extends ApiError {
  constructor(
    retryAfter: number,
    readonly firstInWindow: boolean,
  ) {
    super(429, 'too-many-attempts', `Too many sign-in attempts. Try again in ${retryAfter} seconds.`, { retryAfter });
    this.name = 'RateLimited';
  }
}

export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Count one attempt for `key`; throws 429 when the window's allowance is spent. */
  hit(key: string): void {
    const now = this.clock.now().getTime();
    if (this.windows.size > 10_000) this.sweep(now);
    const w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      this.windows.set(key, { start: now, count: 1 });
      return;
    }
    w.count += 1;
    if (w.count > this.limit) {
      const retryAfter = Math.ceil((w.start + this.windowMs - now) / 1000);
      throw new RateLimited(retryAfter, w.count === this.limit + 1);
    }
  }

  private sweep(now: number): void {
    for (const [k, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(k);
  }
}
