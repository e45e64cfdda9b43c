// The store's one interface over PostgreSQL, whether embedded (PGlite) or a server
// (pg). One SQL dialect; every value goes in as a parameter ($1, $2...), never in the
// SQL text.
//
// Conventions both engines are set to: int8 comes back as a number, `date` as a
// 'YYYY-MM-DD' string, timestamptz as a Date. JSON goes in as JSON.stringify(value)
// with an explicit `$n::jsonb` cast, and text[] as a plain array of strings.
export type SqlValue =
  string | number | bigint | boolean | null | Date | readonly string[] | Record<string, unknown> | unknown[];

export interface Queryable {
  /** Run one parameterised statement and return its rows. */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
  /** Run several statements with no parameters (migrations only). */
  exec(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Run `work` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

// Which store a transaction belongs to: the audit trail seals its entries with the
// store's key (audit/audit-key.ts) and is handed only the transaction. The engines
// record each transaction they open here; a WeakMap, so nothing outlives its transaction.
const storesOf = new WeakMap<Queryable, Database>();

/** Note that `tx` is a transaction of `db` (the engines call this). */
export function linkTransaction<Q extends Queryable>(tx: Q, db: Database): Q {
  storesOf.set(tx, db);
  return tx;
}

/** The store `q` is, or is a transaction of; undefined for a Queryable no engine made. */
export function storeOf(q: Queryable): Database | undefined {
  return storesOf.get(q) ?? ('transaction' in q ? (q as Database) : undefined);
}

/**
 * The store's server is gone for now (it crashed, or a failover is under way): the
 * statement did not run, or its outcome is unknown. The service answers 503 with
 * Retry-After, and a client may retry what is safe to retry (reads, and writes that
 * carry an Idempotency-Key).
 */
export class StoreUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreUnavailable';
  }
}
