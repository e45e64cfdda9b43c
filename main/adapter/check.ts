// Checking a file before anything is sent (the original's "local data quality
// toolkit"): every row mapped through the profile and validated with the national
// service's rules, each valid row matched to the working set, the file's SHA-256 kept so
// that what is sent later is exactly what was checked, and the columns that will never
// be sent listed with why. The result is a load in the journal (loads.ts); a check that
// fails or is stopped leaves no load behind.
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3-multiple-ciphers';
import { looksLikeCaseInformation, mappedColumns, type Profile } from '../../domain/adapter/profile.js';
import { checkPart, sourceFormatOf, type CheckPartEnd, type CheckPartRequest, type CheckSlice } from './check-part.js';
import type { CheckWorkerData, CheckWorkerMessage } from './check-worker.js';
import { ensureLoadsSchema, type DroppedColumn } from './loads.js';
import { requireColumns } from './profile.js';
import { findSplit, previewSource, SourceError, type SourceErrorCode } from './source/index.js';

export interface CheckProgress {
  stage: 'checking' | 'saving';
  /** 0..1 of the file read. */
  fraction: number;
  rows: number;
}

export interface CheckOptions {
  path: string;
  profile: Profile;
  /** The load's date, YYYY-MM-DD. */
  today: string;
  userId: string | null;
  /** Where the load is kept: the working set's store (or a store of its own for a dry run). */
  db: Database.Database;
  /** Match each valid row to this working set (its store's folder and key), or not at all. */
  workingSet?: { dir: string; keyAccount: string } | null;
  /** Check in threads (two on a two-core PC); inline, in one part, without. */
  threads?: { start: (data: CheckWorkerData) => Worker; count: number };
  onProgress?: (p: CheckProgress) => void;
  cancelled?: () => boolean;
  now?: () => Date;
}

export interface CheckResult {
  loadId: number;
  rows: number;
  valid: number;
  rejected: number;
  warnings: number;
  dropped: DroppedColumn[];
  columns: string[];
  fileSha256: string;
  matches: { new: number; match: number; possible: number } | null;
}

export class CheckCancelled extends Error {
  override name = 'CheckCancelled';
  constructor() {
    super('The check was stopped. Nothing was kept.');
  }
}

/** The file's SHA-256, read in its own stream beside the check. */
function sha256Of(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path, { highWaterMark: 1 << 20 })
      .on('data', (d) => h.update(d))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

/** The part in a thread: its slices as they come, and its end (or the reader's error, rebuilt). */
function threadPart(
  start: (data: CheckWorkerData) => Worker,
  data: CheckWorkerData,
  onSlice: (s: CheckSlice) => void,
): { done: Promise<CheckPartEnd>; stop: () => void } {
  const worker = start(data);
  let finished = false;
  let stopped = false;
  const done = new Promise<CheckPartEnd>((resolve, reject) => {
    worker.on('message', (m: CheckWorkerMessage) => {
      // A part stopped (a failure elsewhere, a stop) may still have messages on their way: they are not this check's any more.
      if (stopped) return;
      if (m.type === 'slice') {
        onSlice(m.slice);
        worker.postMessage({ type: 'saved' });
      } else if (m.type === 'done') {
        finished = true;
        resolve(m.end);
      } else if (m.name === 'SourceError')
        reject(
          new SourceError(m.code as SourceErrorCode, m.message ?? 'The file could not be read.', m.row ?? 0, m.column),
        );
      else if (m.message !== undefined) reject(Object.assign(new Error(m.message), { name: m.name, code: m.code }));
      else reject(new Error(`A check thread failed (${m.name}).`));
    });
    worker.on('error', (e: Error & { code?: string }) =>
      reject(
        e.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new SourceError(
              'unreadable',
              'The check ran out of memory on this file: a record may be far larger than a child’s record should be. Check the file, or split it.',
              0,
            )
          : new Error('A check thread failed.'),
      ),
    );
    worker.on('exit', (code) => {
      if (!finished) reject(new Error(`A check thread stopped (exit code ${code}).`));
    });
  });
  done.catch(() => undefined);
  return {
    done,
    stop: () => {
      stopped = true;
      void worker.terminate();
    },
  };
}

export async function checkFile(options: CheckOptions): Promise<CheckResult> {
  const { db, profile, path } = options;
  ensureLoadsSchema(db);
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new SourceError('unreadable', `${basename(path)} is a folder, not a file.`, 0);
    size = st.size;
  } catch (e) {
    if (e instanceof SourceError) throw e;
    throw new SourceError('not-found', `The file ${basename(path)} does not exist or cannot be opened.`, 0);
  }
  await requireColumns(path, profile);
  const now = options.now ?? (() => new Date());
  const loadId = Number(
    db
      .prepare(
        `INSERT INTO loads (load_key, file_path, file_name, file_size, file_sha256, profile, profile_json, load_date, checked_at, user_id, rows, valid, rejected, warnings, dropped, state)
         VALUES (lower(hex(randomblob(16))), ?, ?, ?, '', ?, ?, ?, ?, ?, 0, 0, 0, 0, '[]', 'checking')`,
      )
      .run(
        path,
        basename(path),
        size,
        profile.profile,
        JSON.stringify(profile),
        options.today,
        now().toISOString(),
        options.userId,
      ).lastInsertRowid,
  );
  const addProblem = db.prepare(
    'INSERT INTO load_problems (load_id, row, reference, field, column_name, message, severity) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  // Valid rows go in fifty to a statement: a million rows are a million fewer calls.
  const ROWS_PER_INSERT = 50;
  const insertRows = (n: number) =>
    db.prepare(
      `INSERT INTO load_rows (load_id, row, reference, match, match_cp, match_score) VALUES ${Array(n).fill('(?, ?, ?, ?, ?, ?)').join(', ')}`,
    );
  const addRows = insertRows(ROWS_PER_INSERT);
  // Valid rows with nothing more to say, a slice at a time: [row, reference] pairs in one JSON text.
  const addPlain = db.prepare(
    'INSERT INTO load_rows (load_id, row, reference) SELECT ?, value ->> 0, value ->> 1 FROM json_each(?)',
  );
  const addRow = insertRows(1);
  const save = db.transaction(({ rows, plain }: Pick<CheckSlice, 'rows' | 'plain'>) => {
    if (plain.count > 0) addPlain.run(loadId, plain.json);
    const values: (string | number | null)[] = [];
    for (const r of rows) {
      let rejected = false;
      if (r.problems) {
        for (const p of r.problems) {
          addProblem.run(loadId, r.row, r.reference, p.field, p.column, p.message, p.severity);
          if (p.severity === 'error') rejected = true;
        }
      }
      if (rejected || r.reference === null) continue;
      values.push(
        loadId,
        r.row,
        r.reference,
        r.match?.match ?? null,
        r.match?.cpNumber ?? null,
        r.match?.score ?? null,
      );
      if (values.length === ROWS_PER_INSERT * 6) {
        addRows.run(values);
        values.length = 0;
      }
    }
    for (let k = 0; k < values.length; k += 6) addRow.run(values.slice(k, k + 6));
  });

  const parts = options.threads?.count ?? 1;
  const running: { done: Promise<CheckPartEnd>; stop: () => void }[] = [];
  let watch: ReturnType<typeof setInterval> | undefined;
  // A stop is noticed within a quarter of a second, whatever the parts are doing.
  const stopped = new Promise<never>((_, reject) => {
    watch = setInterval(() => {
      if (options.cancelled?.() === true) reject(new CheckCancelled());
    }, 250);
  });
  stopped.catch(() => undefined);

  /**
   * The parts of the check. Split: each thread reads its half of the file (CSV or JSON
   * Lines, cut at a record boundary) and checks every row of it. Otherwise every part reads
   * every row and checks each `parts`-th.
   */
  const run = async (
    split: { offset: number; rowsBefore: number; columns: string[]; encoding: 'utf-8' | 'windows-1252' } | null,
  ) => {
    const n = split ? 2 : parts;
    const read = new Array<number>(n).fill(0);
    let rowsSeen = 0;
    const report = () =>
      options.onProgress?.({
        stage: 'checking',
        fraction: size > 0 ? Math.min(1, (split ? read.reduce((a, b) => a + b, 0) : Math.min(...read)) / size) : 1,
        rows: rowsSeen,
      });
    const onSlice = (part: number) => (s: CheckSlice) => {
      save(s);
      read[part] = s.bytesRead;
      rowsSeen += s.rows.length + s.plain.count;
      report();
    };
    const request = (part: number): CheckPartRequest =>
      split
        ? {
            path,
            profile,
            today: options.today,
            part: 0,
            parts: 1,
            range:
              part === 0
                ? { start: 0, end: split.offset, firstRow: 1 }
                : {
                    start: split.offset,
                    end: size,
                    firstRow: split.rowsBefore + 1,
                    columns: split.columns,
                    encoding: split.encoding,
                  },
          }
        : { path, profile, today: options.today, part, parts };
    running.length = 0;
    if (options.threads) {
      for (let part = 0; part < n; part++)
        running.push(
          threadPart(
            options.threads.start,
            { request: request(part), workingSet: options.workingSet ?? null },
            onSlice(part),
          ),
        );
    } else {
      const abort = new AbortController();
      running.push({
        done: checkPart(request(0), {
          workingSet: options.workingSet ? db : null,
          signal: abort.signal,
          onSlice: onSlice(0),
        }),
        stop: () => abort.abort(),
      });
    }
    const ends = await Promise.race([Promise.all(running.map((r) => r.done)), stopped]);
    return { rows: split ? ends.reduce((a, e) => a + e.rows, 0) : ends[0]!.rows, columns: ends.map((e) => e.columns) };
  };

  try {
    const hash = sha256Of(path);
    hash.catch(() => undefined);
    let split: Parameters<typeof run>[0] = null;
    const type = profile.source.type;
    if (options.threads && parts >= 2 && (type === 'csv' || type === 'jsonl')) {
      const cut = await findSplit(
        path,
        type,
        undefined,
        profile.source.type === 'csv' ? (profile.source.delimiter ?? ',') : undefined,
      );
      if (cut) {
        const { columns, encoding } = await previewSource(path, sourceFormatOf(profile), 1);
        split = {
          offset: cut.offset,
          rowsBefore: cut.rowsBefore,
          columns,
          encoding: encoding === 'windows-1252' ? 'windows-1252' : 'utf-8',
        };
      }
    }
    let ran: Awaited<ReturnType<typeof run>>;
    try {
      ran = await run(split);
    } catch (e) {
      // A file the halves could not read is read again whole, so its error names the row a person will find.
      if (!(split && e instanceof SourceError)) throw e;
      for (const r of running) r.stop();
      db.transaction(() => {
        for (const t of ['load_problems', 'load_rows']) db.prepare(`DELETE FROM ${t} WHERE load_id = ?`).run(loadId);
      })();
      ran = await run(null);
    }
    if (options.cancelled?.() === true) throw new CheckCancelled();
    const fileSha256 = await hash;

    options.onProgress?.({ stage: 'saving', fraction: 1, rows: ran.rows });
    // The same reference twice: every row after the first is rejected (the service would take the second as a change to the first).
    db.transaction(() => {
      const repeats = db
        .prepare<[{ id: number }], { row: number; reference: string; first: number }>(
          `SELECT r.row, r.reference, f.first FROM load_rows r
             JOIN (SELECT reference, min(row) AS first FROM load_rows WHERE load_id = @id GROUP BY reference HAVING count(*) > 1) f ON f.reference = r.reference
            WHERE r.load_id = @id AND r.row > f.first`,
        )
        .all({ id: loadId });
      const drop = db.prepare('DELETE FROM load_rows WHERE load_id = ? AND row = ?');
      for (const r of repeats) {
        drop.run(loadId, r.row);
        addProblem.run(
          loadId,
          r.row,
          r.reference,
          'supplierRef',
          mappedColumns(profile).find((c) => c.field === 'reference')?.column ?? null,
          `repeats the reference of row ${r.first}: each child once per file`,
          'error',
        );
      }
    })();

    const columns = ran.columns.reduce((all, c) => [...all, ...c.filter((x) => !all.includes(x))], [] as string[]);
    const mapped = new Set(mappedColumns(profile).map((c) => c.column));
    const dropped: DroppedColumn[] = columns
      .filter((c) => !mapped.has(c))
      .map((column) => ({ column, reason: looksLikeCaseInformation(column) ? 'case-information' : 'not-mapped' }));
    const count = (sql: string) => (db.prepare(sql).get(loadId) as { n: number }).n;
    const valid = count('SELECT count(*) AS n FROM load_rows WHERE load_id = ?');
    const rejected = count(
      "SELECT count(DISTINCT row) AS n FROM load_problems WHERE load_id = ? AND severity = 'error'",
    );
    const warnings = count(
      "SELECT count(DISTINCT p.row) AS n FROM load_problems p JOIN load_rows r ON r.load_id = p.load_id AND r.row = p.row WHERE p.load_id = ? AND p.severity = 'warning'",
    );
    const rows = ran.rows;
    db.prepare(
      "UPDATE loads SET file_sha256 = ?, rows = ?, valid = ?, rejected = ?, warnings = ?, dropped = ?, state = 'checked' WHERE id = ?",
    ).run(fileSha256, rows, valid, rejected, warnings, JSON.stringify(dropped), loadId);
    let matches: CheckResult['matches'] = null;
    if (options.workingSet) {
      const by = db
        .prepare<[number], { match: string; n: number }>(
          'SELECT match, count(*) AS n FROM load_rows WHERE load_id = ? GROUP BY match',
        )
        .all(loadId);
      const n = (m: string) => by.find((b) => b.match === m)?.n ?? 0;
      matches = { new: n('new'), match: n('match'), possible: n('possible') };
    }
    return { loadId, rows, valid, rejected, warnings, dropped, columns, fileSha256, matches };
  } catch (e) {
    for (const r of running) r.stop();
    // Nothing half-checked stays in the journal.
    db.transaction(() => {
      for (const t of ['load_problems', 'load_rows']) db.prepare(`DELETE FROM ${t} WHERE load_id = ?`).run(loadId);
      db.prepare('DELETE FROM loads WHERE id = ?').run(loadId);
    })();
    throw e;
  } finally {
    if (watch) clearInterval(watch);
    // A part that has finished ends by itself; this makes sure none lingers.
    for (const r of running) r.stop();
  }
}
