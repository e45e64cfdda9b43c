// Access to records in a local authority team's working set: what reaches the screen
// of a shielded record before a person deliberately shows its shielded details, and the
// IPC shapes of a task session (the purpose given once for a piece of work) and of a
// record opened in it.
//
// The LA team is management and may see shielded data to broker contact (the brief),
// but only deliberately: a shielded record, or one treated as shielded while a possible
// duplicate of a shielded record waits for a person, reaches the renderer as the service
// shows it to an ordinary user (domain/visibility.ts recordView), until "Show shielded
// details" is asked for in main, role-checked there and audited.
import { z } from 'zod';
import { accessReasonSchema } from './api/records.js';
import { cpNumberSchema } from './child-record.js';
import type { Role } from './roles.js';

/** The screens on which records of the working set are opened, each with its own task session. */
export const taskScreens = ['local-search', 'cleansing'] as const;
export const taskScreenSchema = z.enum(taskScreens);
export type TaskScreen = z.infer<typeof taskScreenSchema>;

/** What an access entry records: the record opened, or its shielded details shown. */
export const accessViews = ['record', 'shielded-details'] as const;
export type AccessView = (typeof accessViews)[number];

/**
 * Whether `path` (a record field, a provenance key or a finding's path, dotted) is one a
 * shield leaves visible: the ContactPoint number, name (and former names), gender, date
 * of birth, and the names and relationships of parents or carers. Everything else
 * (address, whereabouts, contact details, school, GP, services, identifiers, the
 * authority, dates of death and archive) is hidden.
 */
export function visibleOnShielded(path: string): boolean {
  const [head, ...rest] = path.split('.');
  if (
    head === 'cpNumber' ||
    head === 'gender' ||
    head === 'dob' ||
    head === 'shielded' ||
    head === 'version' ||
    head === 'name'
  )
    return true;
  // parents.N.name and parents.N.relationship; not parents.N.contact, nor "parents" whole.
  return (
    head === 'parents' &&
    rest.length === 2 &&
    /^\d+$/.test(rest[0]!) &&
    (rest[1] === 'name' || rest[1] === 'relationship')
  );
}

/**
 * A shielded record as it may reach the screen before its shielded details are shown:
 * built from an allowlist (never by deleting the hidden fields), so a field added to the
 * record later stays hidden until it is added here on purpose. The same fields as the
 * service's restricted view (domain/visibility.ts), which a test holds it to.
 */
export function withheldRecord(record: Record<string, unknown>): Record<string, unknown> {
  const name = (record.name ?? {}) as { given?: unknown; family?: unknown; former?: unknown };
  const parents = Array.isArray(record.parents) ? (record.parents as { name?: unknown; relationship?: unknown }[]) : [];
  return {
    cpNumber: record.cpNumber,
    name: {
      given: name.given,
      family: name.family,
      former: Array.isArray(name.former)
        ? (name.former as Record<string, unknown>[]).map((f) => ({
            ...(f.given !== undefined ? { given: f.given } : {}),
            family: f.family,
          }))
        : [],
    },
    gender: record.gender,
    dob: record.dob,
    shielded: true,
    parents: parents.map((p) => ({ name: p.name, relationship: p.relationship })),
    ...(record.version !== undefined ? { version: record.version } : {}),
  };
}

/** Provenance (field → each supplier's statement) of a shielded record: only the visible fields. */
export function withheldProvenance(provenance: Record<string, unknown> | null): Record<string, unknown> | null {
  if (provenance === null) return null;
  return Object.fromEntries(Object.entries(provenance).filter(([field]) => visibleOnShielded(field)));
}

/**
 * Who may have a shielded record's details shown in the working set: the management of
 * the working set's own authority (the LA ContactPoint team), as the service's
 * seesInFull. Checked in main before the worker is asked for them.
 */
export function mayRevealShielded(
  user: { roles: readonly Role[]; localAuthority: string | null },
  workingSetAuthority: string | null,
): boolean {
  if (workingSetAuthority === null || user.localAuthority !== workingSetAuthority) return false;
  return user.roles.includes('la-team');
}

// ---------------------------------------------------------------------------------
// IPC shapes

/** Starting a task session: the screen, and the purpose of the work (the reason for access). */
export const startTaskRequestSchema = z.object({ screen: taskScreenSchema, purpose: accessReasonSchema }).strict();

export const taskSessionSchema = z.object({
  /** Opaque: names the task session in the requests that open records. */
  taskSession: z.string(),
  screen: taskScreenSchema,
  purpose: z.string(),
  startedAt: z.string(),
});
export type TaskSessionView = z.infer<typeof taskSessionSchema>;

const taskSessionId = z.string().regex(/^[0-9a-f]{32}$/, 'must be the id of a task session');
export const endTaskRequestSchema = z.object({ taskSession: taskSessionId }).strict();
export const openRecordRequestSchema = z.object({ taskSession: taskSessionId, cpNumber: cpNumberSchema }).strict();

/** A record of the working set as it reaches the screen. */
export const workingSetRecordSchema = z.object({
  cpNumber: cpNumberSchema,
  version: z.number().int(),
  shielded: z.boolean(),
  shieldPending: z.boolean(),
  /** The record's shielded details are not in `record` (nor in `provenance`): "Show shielded details" shows them. */
  withheld: z.boolean(),
  record: z.record(z.string(), z.unknown()),
  /** Per field: who gave the held value and when (cleansing), or null. */
  provenance: z.record(z.string(), z.unknown()).nullable(),
});
export type WorkingSetRecordView = z.infer<typeof workingSetRecordSchema>;
