// Nonces seen in good request signatures, until their signature expires: a request
// replayed inside its signature's lifetime is refused. After expiry the signature
// itself is refused, so nothing older needs remembering.
import type { Clock } from '../context.js';
import { ApiError } from '../http/api-error.js';
import type { Queryable } from '../store/database.js';

export interface NonceCache {
  /** Record a nonce for a key; false when it was seen before (and has not expired). */
  remember(keyid: string, nonce: string, expiresAt: Date): Promise<boolean>;
}

/** Unambiguous: the keyid's length first, so "ab"+"c" and "a"+"bc" differ. */
const entryKey = (keyid: string, nonce: string) => `${keyid.length}:${keyid}${nonce}`;

export interface MemoryNonceCacheOptions {
  /** Most entries held; at this size expired entries are swept, and past it requests are refused. */
  maxEntries?: number;
  /** Sweep expired entries after this many insertions. */
  sweepEvery?: number;
}

/**
 * In memory, for tests and tools only: it forgets every nonce when the process ends, so
 * the service itself uses StoreNonceCache on both engines.
 */
export class MemoryNonceCache implements NonceCache {
  private readonly entries = new Map<string, number>();
  private readonly maxEntries: number;
  private readonly sweepEvery: number;
  private insertsSinceSweep = 0;

  constructor(
    private readonly clock: Clock,
    options: MemoryNonceCacheOptions = {},
  ) {
    this.maxEntries = options.maxEntries ?? 1_000_000;
    this.sweepEvery = options.sweepEvery ?? 1_000;
  }

  get size(): number {
    return this.entries.size;
  }

  async remember(keyid: string, nonce: string, expiresAt: Date): Promise<boolean> {
    const now = this.clock.now().getTime();
    const key = entryKey(keyid, nonce);
    const seen = this.entries.get(key);
    if (seen !== undefined && seen > now) return false;
    if (++this.insertsSinceSweep >= this.sweepEvery || this.entries.size >= this.maxEntries) this.sweep(now);
    if (this.entries.size >= this.maxEntries) {
      // Forgetting a live nonce would let its request be replayed: refuse instead.
      throw new ApiError(503, 'service-busy', 'The service is too busy to accept this request. Try again shortly.');
    }
    this.entries.set(key, expiresAt.getTime());
    return true;
  }

  private sweep(now: number): void {
    this.insertsSinceSweep = 0;
    for (const [key, expiresAt] of this.entries) if (expiresAt <= now) this.entries.delete(key);
  }
}

export interface StoreNonceCacheOptions {
  /** How often expired rows are swept (ms). */
  sweepIntervalMs?: number;
  /** Most rows one sweep deletes, so a sweep never holds up the request that runs it for long. */
  sweepBatch?: number;
}

/**
 * The table request_nonces, on either engine: nonces outlive a restart of the service
 * (sessions do, so a request captured before a restart must not work after it), and
 * several instances sharing one PostgreSQL database see each other's nonces. On PGlite
 * a remember costs about 0.4 ms (one INSERT), against a request's other queries.
 */
export class StoreNonceCache implements NonceCache {
  private lastSweep = Number.NEGATIVE_INFINITY;
  private readonly sweepIntervalMs: number;
  private readonly sweepBatch: number;

  constructor(
    private readonly db: Queryable,
    private readonly clock: Clock,
    options: StoreNonceCacheOptions | number = {},
  ) {
    const o = typeof options === 'number' ? { sweepIntervalMs: options } : options;
    this.sweepIntervalMs = o.sweepIntervalMs ?? 60_000;
    this.sweepBatch = o.sweepBatch ?? 5_000;
  }

  async remember(keyid: string, nonce: string, expiresAt: Date): Promise<boolean> {
    const now = this.clock.now();
    if (now.getTime() - this.lastSweep >= this.sweepIntervalMs) {
      this.lastSweep = now.getTime();
      // A bounded batch (through the expiry index): a backlog is worked off over several
      // requests rather than making one of them wait for all of it.
      const swept = await this.db.query(
        `DELETE FROM request_nonces WHERE ctid = ANY (ARRAY(
           SELECT ctid FROM request_nonces WHERE expires_at <= $1 LIMIT ${this.sweepBatch}))
         RETURNING 1`,
        [now],
      );
      // A full batch means more is waiting: the next request sweeps again.
      if (swept.length >= this.sweepBatch) this.lastSweep = Number.NEGATIVE_INFINITY;
    }
    // A row whose time has passed (not yet swept) no longer counts as seen.
    const rows = await this.db.query(
      `INSERT INTO request_nonces (session_id, nonce, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (session_id, nonce) DO UPDATE SET expires_at = EXCLUDED.expires_at
         WHERE request_nonces.expires_at <= $4
       RETURNING nonce`,
      [keyid, nonce, expiresAt, now],
    );
    return rows.length === 1;
  }
}
