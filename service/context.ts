// What every part of the service is given rather than reaching for: the store, the
// clock and randomness. Tests move the clock; nothing reads Date.now() directly.
import type { SecretBox } from './auth/secret-box.js';
import type { CheckpointPublisher } from './audit/checkpoints.js';
import type { Database } from './store/database.js';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock a test (or a training run) can move. */
export class SettableClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current.getTime());
  }
  set(to: Date): void {
    this.current = new Date(to.getTime());
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export interface ServiceContext {
  db: Database;
  clock: Clock;
  randomBytes(size: number): Buffer;
  trainingMode: boolean;
  /** The audit trail's checkpoints (audit/keeping.ts); absent where nothing publishes them (unit tests). */
  audit?: { checkpoints: CheckpointPublisher };
  /** Seals and opens secrets kept in the store (TOTP secrets) with a key held outside it. */
  secrets: SecretBox;
}

/** Today's date in UTC as YYYY-MM-DD: the unit the lifecycle rules count in. */
export function today(clock: Clock): string {
  return clock.now().toISOString().slice(0, 10);
}
