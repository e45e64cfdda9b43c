// The fields a cleansing task compares side by side: how to read each from a record,
// which a merge may take from the other record, and which a shield leaves visible.
import type { CleanseTaskDetail } from '../../../../domain/cleanse/views.js';
import { FIELD_LABELS } from '../../../../domain/dedupe/fields.js';

export type Side = NonNullable<CleanseTaskDetail['first']>;
export type Loose = Record<string, unknown>;

/** The fields compared side by side: label, how to read it from a record, and the provenance key. */
export const COMPARED: { key: string; label: string; read: (r: Loose) => unknown; provenance?: string }[] = [
  {
    key: 'given',
    label: FIELD_LABELS.given,
    read: (r) => (r.name as Loose | undefined)?.given,
    provenance: 'name.given',
  },
  {
    key: 'family',
    label: FIELD_LABELS.family,
    read: (r) => (r.name as Loose | undefined)?.family,
    provenance: 'name.family',
  },
  { key: 'dob', label: FIELD_LABELS.dob, read: (r) => r.dob, provenance: 'dob' },
  { key: 'gender', label: FIELD_LABELS.gender, read: (r) => r.gender, provenance: 'gender' },
  { key: 'address', label: FIELD_LABELS.address, read: (r) => r.address, provenance: 'address' },
  {
    key: 'nhsNumber',
    label: FIELD_LABELS.nhs,
    read: (r) => (r.identifiers as Loose | undefined)?.nhsNumber,
    provenance: 'identifiers.nhsNumber',
  },
  {
    key: 'upn',
    label: FIELD_LABELS.upn,
    read: (r) => (r.identifiers as Loose | undefined)?.upn,
    provenance: 'identifiers.upn',
  },
  { key: 'education', label: 'Educational setting', read: (r) => (r.education as Loose | undefined)?.name },
  { key: 'gp', label: 'GP practice', read: (r) => (r.gp as Loose | undefined)?.name },
];
export const MERGEABLE = new Set(['given', 'family', 'dob', 'gender', 'address', 'nhsNumber', 'upn']);
/** The compared fields a shield leaves visible: the rest are not in a withheld record. */
export const VISIBLE_ON_SHIELDED = new Set(['given', 'family', 'dob', 'gender']);

/** A value as text: an address as its lines and postcode, anything else structured as JSON. */
export function show(v: unknown): string {
  if (v === undefined || v === null || v === '') return '—';
  if (typeof v === 'object') {
    const a = v as { lines?: string[]; postcode?: string };
    if (Array.isArray(a.lines)) return [...a.lines, a.postcode ?? ''].filter(Boolean).join(', ');
    return JSON.stringify(v);
  }
  return String(v);
}
