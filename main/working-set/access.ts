// Access to the records of the working set: every record opened on this computer (and
// every time a shielded record's details are shown) is written to a local access log,
// in the same encrypted store and the same transaction as the outbox item that takes it
// to the national service, before anything of the record is returned. Offline, the
// entry waits in the outbox (it survives a restart); once sent it is in the child's
// audit trail, recorded at the time it was viewed, as the person who viewed it.
//
// A shielded record (or one treated as shielded while a possible duplicate of a
// shielded record waits for a person) is returned without its hidden fields unless its
// shielded details are asked for: main checks the role before it asks.
import type Database from 'better-sqlite3-multiple-ciphers';
import {
  withheldProvenance,
  withheldRecord,
  visibleOnShielded,
  type AccessView,
  type TaskScreen,
  type WorkingSetRecordView,
} from '../../domain/working-set-access.js';
import type { CleanseTask } from '../cleansing/cleanse.js';
import { queueChanges, type Task } from './outbox.js';
import { childId, WorkingSetError, type WorkingSetStore } from './store.js';

const SCHEMA = `
-- Who opened which record here, when, why, and what they saw: the local copy of what
-- the outbox sends to the child's audit trail (outbox_id), kept with the rest of the
-- working set (encrypted, wiped with it).
CREATE TABLE IF NOT EXISTS access_log (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  user_id TEXT NOT NULL,
  cp TEXT NOT NULL,
  version INTEGER NOT NULL,
  purpose TEXT NOT NULL,
  view TEXT NOT NULL,
  context TEXT NOT NULL,
  outbox_id INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS access_log_cp ON access_log (cp, id);
`;

export function ensureAccessSchema(db: Database.Database): void {
  db.exec(SCHEMA);
}

/** Who is looking, why, and on which screen: main's task session. */
export interface Accessor {
  userId: string;
  purpose: string;
  context: TaskScreen;
}

export interface AccessEntry {
  id: number;
  at: string;
  userId: string;
  cpNumber: string;
  version: number;
  purpose: string;
  view: AccessView;
  context: TaskScreen;
  outboxId: number;
}

/** What the outbox keeps of an access entry (its `changes` column). */
export interface AccessPayload {
  viewedAt: string;
  viewedBy: string;
  reason: string;
  view: AccessView;
  context: TaskScreen;
}

/**
 * Writes one access entry and queues it for the national service, in one transaction.
 * Call before returning anything of the record: a record is never shown unaudited.
 */
export function recordAccess(
  store: WorkingSetStore,
  cpNumber: string,
  who: Accessor,
  view: AccessView,
  at: Date,
): AccessEntry {
  ensureAccessSchema(store.db);
  return store.db.transaction(() => {
    const held = store.child(cpNumber);
    if (!held) throw new WorkingSetError('not-held', `${cpNumber} is not in this working set. Sync, then try again.`);
    const payload: AccessPayload = {
      viewedAt: at.toISOString(),
      viewedBy: who.userId,
      reason: who.purpose,
      view,
      context: who.context,
    };
    const [item] = queueChanges(store, [{ cpNumber, op: 'working-set-access', access: payload, source: 'team' }], at);
    const id = Number(
      store.db
        .prepare(
          'INSERT INTO access_log (at, user_id, cp, version, purpose, view, context, outbox_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(payload.viewedAt, who.userId, cpNumber, held.version, who.purpose, view, who.context, item!.id)
        .lastInsertRowid,
    );
    return {
      id,
      at: payload.viewedAt,
      userId: who.userId,
      cpNumber,
      version: held.version,
      purpose: who.purpose,
      view,
      context: who.context,
      outboxId: item!.id,
    };
  })();
}

/** The access log, latest first (for tests and support: it holds no record data, only who, why and which child). */
export function accessLog(store: WorkingSetStore, limit = 200): AccessEntry[] {
  ensureAccessSchema(store.db);
  return store.db
    .prepare<
      [number],
      {
        id: number;
        at: string;
        user_id: string;
        cp: string;
        version: number;
        purpose: string;
        view: AccessView;
        context: TaskScreen;
        outbox_id: number;
      }
    >('SELECT * FROM access_log ORDER BY id DESC LIMIT ?')
    .all(limit)
    .map((r) => ({
      id: r.id,
      at: r.at,
      userId: r.user_id,
      cpNumber: r.cp,
      version: r.version,
      purpose: r.purpose,
      view: r.view,
      context: r.context,
      outboxId: r.outbox_id,
    }));
}

/** Whether a record's shielded details are hidden from the screen: shielded, or treated as shielded. */
function isShieldedKeys(db: Database.Database): (cpNumber: string) => boolean {
  const flags = db.prepare<[number], { shielded: number; shield_pending: number }>(
    'SELECT shielded, shield_pending FROM child_keys WHERE id = ?',
  );
  return (cp) => {
    const id = childId(cp);
    const row = id === null ? undefined : flags.get(id);
    // Not held (any more): nothing of it to show, so nothing to hide; treat as hidden all the same.
    return row === undefined || row.shielded === 1 || row.shield_pending === 1;
  };
}

/**
 * A record as it may reach the screen: with its shielded details only when `reveal`
 * (main has checked the role) or when it is not shielded. Provenance is cleansing's.
 */
export function recordForScreen(
  store: WorkingSetStore,
  cpNumber: string,
  reveal: boolean,
  withProvenance: boolean,
): WorkingSetRecordView | null {
  const held = store.child(cpNumber);
  if (!held) return null;
  let provenance: Record<string, unknown> | null = null;
  if (withProvenance) {
    const row = store.db
      .prepare<[number], { json: Buffer }>('SELECT json FROM provenance WHERE id = ?')
      .get(childId(cpNumber)!);
    provenance = row ? (JSON.parse(row.json.toString('utf8')) as Record<string, unknown>) : null;
  }
  const withheld = (held.shielded || held.shieldPending) && !reveal;
  return {
    cpNumber: held.cpNumber,
    version: held.version,
    shielded: held.shielded,
    shieldPending: held.shieldPending,
    withheld,
    record: withheld ? withheldRecord(held.record) : held.record,
    provenance: withheld ? withheldProvenance(provenance) : provenance,
  };
}

const hiddenFinding = 'A detail the shield hides: show the shielded details to see it.';
/** The fields duplicate detection compares that a shield leaves visible. */
const VISIBLE_PAIR_FIELDS = new Set(['given', 'family', 'dob', 'gender']);

/**
 * Cleansing tasks as they may reach the screen: a finding about a field a shield hides,
 * on a shielded record, says so without its message or the suppliers' values (a message
 * may quote the value: "CH41 1AA" is not a UK postcode); a pair involving a shielded
 * record shows how the visible fields compare, not the hidden ones.
 */
export function tasksForScreen(db: Database.Database, tasks: readonly CleanseTask[]): CleanseTask[] {
  const hidden = isShieldedKeys(db);
  return tasks.map((t) => {
    if (t.otherCpNumber !== null) {
      if (!hidden(t.cpNumber) && !hidden(t.otherCpNumber)) return t;
      const d = t.detail as { fields?: { field: string }[] };
      return {
        ...t,
        detail: {
          ...t.detail,
          fields: (d.fields ?? []).filter((f) => VISIBLE_PAIR_FIELDS.has(f.field)),
        } as CleanseTask['detail'],
      };
    }
    const f = t.detail as { rule: string; path: string; message: string; values?: unknown };
    if (!hidden(t.cpNumber) || visibleOnShielded(f.path)) return t;
    return { ...t, detail: { rule: f.rule, path: f.path, message: hiddenFinding } as CleanseTask['detail'] };
  });
}

/**
 * The outbox's tasks for a person (conflicts, refusals) as they may reach the screen: a
 * change to a shielded record keeps its versions and the service's message, not the
 * values it would have set (an address, a telephone number).
 */
export function outboxTasksForScreen(db: Database.Database, tasks: readonly Task[]): Task[] {
  const hidden = isShieldedKeys(db);
  return tasks.map((t) => {
    if (!hidden(t.cpNumber) || t.detail.changes === undefined) return t;
    const { changes: _withheld, ...detail } = t.detail;
    return { ...t, detail };
  });
}
