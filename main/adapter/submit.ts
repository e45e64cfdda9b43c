// Sending a checked load to the national index: the valid rows a person has not left
// out, in signed batches of up to a thousand, each with an idempotency key. A batch is
// marked 'sending' (committed) before it leaves; after a crash or a lost answer it goes
// again with the same key and the service answers from what it stored, so nothing is
// applied twice. What is sent is what was checked: the file must still have the size and
// SHA-256 it had, and each row is mapped again with the profile and date kept with the
// load. Each row's outcome (matched, created, possible-duplicate, invalid, forbidden) is
// kept.
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import type Database from 'better-sqlite3-multiple-ciphers';
import { compileMapping } from '../../domain/adapter/mapping.js';
import { parseProfile } from '../../domain/adapter/profile.js';
import { SUPPLY_MAX_RECORDS, type SupplyResult } from '../../domain/api/supply.js';
import type { SupplierRecord } from '../../domain/child-record.js';
import type { ApiRequest } from '../api/client.js';
import { AppFailure } from '../ipc/app-failure.js';
import { sourceFormatOf } from './check-part.js';
import { ensureLoadsSchema, getLoad } from './loads.js';
import { readSource } from './source/index.js';

export interface SubmitProgress {
  sent: number;
  total: number;
}

export interface SubmitOptions {
  db: Database.Database;
  loadId: number;
  /** A signed call to the national index (main's session, or the worker's signer). */
  call: (request: ApiRequest) => Promise<unknown>;
  /** The authority a new child is placed with: the team's own. */
  localAuthority: string;
  batchSize?: number;
  onProgress?: (p: SubmitProgress) => void;
  cancelled?: () => boolean;
  now?: () => Date;
}

export interface SubmitSummary {
  loadId: number;
  /** Rows per outcome, with "excluded" for rows a person left out. */
  outcome: Record<string, number>;
}

export class SubmitCancelled extends Error {
  override name = 'SubmitCancelled';
  constructor() {
    super('Sending was stopped after the batch in hand. What was sent is kept; send again to go on.');
  }
}

function sha256Of(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path, { highWaterMark: 1 << 20 })
      .on('data', (d) => h.update(d))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

const changed = () =>
  new AppFailure(
    'invalid-payload',
    'The file has changed (or gone) since it was checked, so it is not what was checked. Check it again before sending. Nothing was sent.',
  );

export async function submitLoad(options: SubmitOptions): Promise<SubmitSummary> {
  const { db, loadId } = options;
  ensureLoadsSchema(db);
  const now = options.now ?? (() => new Date());
  const load = getLoad(db, loadId);
  if (!load) throw new AppFailure('not-found', 'There is no such load on this computer.');
  if (load.state === 'submitted')
    throw new AppFailure('conflict', 'This load has already been sent. Check the file again to send it again.');
  if (load.state === 'checking') throw new AppFailure('conflict', 'This load is still being checked.');
  try {
    if (statSync(load.filePath).size !== load.fileSize || (await sha256Of(load.filePath)) !== load.fileSha256)
      throw changed();
  } catch (e) {
    if (e instanceof AppFailure) throw e;
    throw changed();
  }
  const batchSize = Math.min(options.batchSize ?? SUPPLY_MAX_RECORDS, SUPPLY_MAX_RECORDS);

  // Batches are fixed once, in row order, so a resumed load sends the same rows under the same keys.
  db.transaction(() => {
    const unbatched = db
      .prepare<[number], { row: number }>(
        'SELECT row FROM load_rows WHERE load_id = ? AND excluded = 0 AND batch IS NULL AND status IS NULL ORDER BY row',
      )
      .all(loadId);
    if (unbatched.length === 0) return;
    const first =
      ((db.prepare('SELECT max(batch) AS b FROM load_batches WHERE load_id = ?').get(loadId) as { b: number | null })
        .b ?? -1) + 1;
    const setBatch = db.prepare('UPDATE load_rows SET batch = ? WHERE load_id = ? AND row = ?');
    const addBatch = db.prepare(
      "INSERT INTO load_batches (load_id, batch, idempotency_key, rows, state) VALUES (?, ?, ?, ?, 'pending')",
    );
    for (let i = 0; i < unbatched.length; i += batchSize) {
      const b = first + i / batchSize;
      const rows = unbatched.slice(i, i + batchSize);
      for (const r of rows) setBatch.run(b, loadId, r.row);
      addBatch.run(loadId, b, `load-${load.loadKey}-${b}`, rows.length);
    }
  })();
  db.prepare("UPDATE loads SET state = 'submitting' WHERE id = ?").run(loadId);

  const batches = db
    .prepare<[number], { batch: number; idempotency_key: string; rows: number; state: string }>(
      "SELECT batch, idempotency_key, rows, state FROM load_batches WHERE load_id = ? AND state IN ('pending', 'sending') ORDER BY batch",
    )
    .all(loadId);
  const total = (
    db.prepare('SELECT count(*) AS n FROM load_rows WHERE load_id = ? AND batch IS NOT NULL').get(loadId) as {
      n: number;
    }
  ).n;
  let sent = total - batches.reduce((n, b) => n + b.rows, 0);
  options.onProgress?.({ sent, total });

  const rowsOf = db.prepare<[number, number], { row: number }>(
    'SELECT row FROM load_rows WHERE load_id = ? AND batch = ? ORDER BY row',
  );
  const markSending = db.prepare(
    "UPDATE load_batches SET state = 'sending', attempts = attempts + 1, sent_at = ? WHERE load_id = ? AND batch = ?",
  );
  const markDone = db.prepare(
    "UPDATE load_batches SET state = 'done', answered_at = ? WHERE load_id = ? AND batch = ?",
  );
  const setResult = db.prepare(
    'UPDATE load_rows SET status = ?, cp_number = ?, message = ? WHERE load_id = ? AND row = ?',
  );
  const mapping = compileMapping(parseProfile(JSON.parse(load.profileJson), 'The profile kept with the load'), {
    today: load.loadDate,
  });

  try {
    if (batches.length > 0) {
      const source = readSource(load.filePath, sourceFormatOf(parseProfile(JSON.parse(load.profileJson))))[
        Symbol.asyncIterator
      ]();
      let pending: { row: number; fields: Record<string, string> }[] = [];
      let at = 0;
      const nextRow = async () => {
        while (at >= pending.length) {
          const n = await source.next();
          if (n.done) return null;
          pending = n.value;
          at = 0;
        }
        return pending[at++]!;
      };
      for (const b of batches) {
        if (options.cancelled?.() === true) throw new SubmitCancelled();
        const wanted = rowsOf.all(loadId, b.batch).map((r) => r.row);
        const records: { row: number; record: SupplierRecord }[] = [];
        for (const row of wanted) {
          let r = await nextRow();
          while (r !== null && r.row < row) r = await nextRow();
          if (r === null || r.row !== row) throw changed();
          const mapped = mapping.map(r.fields, r.row);
          // Checked valid, so valid now: anything else means the file is not what was checked.
          if (mapped.record === null) throw changed();
          records.push({ row, record: mapped.record });
        }
        markSending.run(now().toISOString(), loadId, b.batch);
        const answer = (await options.call({
          method: 'POST',
          path: '/v1/supplies',
          headers: { 'Idempotency-Key': b.idempotency_key },
          body: { localAuthority: options.localAuthority, records: records.map((r) => r.record) },
        })) as { results: SupplyResult[] };
        const byRef = new Map(answer.results.map((r) => [r.supplierRef, r]));
        db.transaction(() => {
          for (const { row, record } of records) {
            const result = byRef.get(record.supplierRef);
            const message = result?.problems?.map((p) => `${p.path} ${p.message}`).join('; ') ?? null;
            setResult.run(result?.status ?? 'unanswered', result?.cpNumber ?? null, message, loadId, row);
          }
          markDone.run(now().toISOString(), loadId, b.batch);
        })();
        sent += records.length;
        options.onProgress?.({ sent, total });
      }
      await source.return?.(undefined);
    }
  } catch (e) {
    // Cut off: what was answered is kept; a batch in flight goes again under its key.
    db.prepare("UPDATE loads SET state = 'interrupted' WHERE id = ?").run(loadId);
    throw e;
  }
  const counts = db
    .prepare<[number], { status: string | null; excluded: number; n: number }>(
      'SELECT status, excluded, count(*) AS n FROM load_rows WHERE load_id = ? GROUP BY status, excluded',
    )
    .all(loadId);
  const outcome: Record<string, number> = {};
  for (const c of counts) {
    const key = c.excluded === 1 ? 'excluded' : (c.status ?? 'unsent');
    outcome[key] = (outcome[key] ?? 0) + c.n;
  }
  db.prepare("UPDATE loads SET state = 'submitted', submitted_at = ?, outcome = ? WHERE id = ?").run(
    now().toISOString(),
    JSON.stringify(outcome),
    loadId,
  );
  return { loadId, outcome };
}
