// Per-field provenance: for each field a supplier can give, who gave the value the
// record holds now and when, and what EVERY supplier last said about it, so that a
// cleanser can see that GRO said one thing and the NHS another.
//
// Stored in children.provenance as { [fieldPath]: FieldProvenance }:
//   "dob": { "supplier": "nhs", "date": "2025-02-01",
//            "values": { "gro": { "value": "2015-03-04", "date": "2024-11-30" },
//                        "nhs": { "value": "2015-04-03", "date": "2025-02-01" } } }
// `supplier`/`date` name the source of the held value (the shape child-store's
// Provenance type gives); `values` keeps each supplier's latest statement. The newest
// statement (by the supplier's receivedAt date) sets the held value; an older one is
// still kept in `values`. A value the record held before any supplier gave that field
// (entered by hand) is kept under 'unattributed' with the date ''.
import type { ChildRecord, Supplier, SupplierRecord } from '../../domain/child-record.js';
import { canonicalJson } from '../audit/audit-log.js';
import type { Provenance } from '../records/child-store.js';

export interface SupplierStatement {
  value: unknown;
  /** YYYY-MM-DD: when the supplier said it (its receivedAt). */
  date: string;
}

export interface FieldProvenance {
  supplier: string;
  date: string;
  values: Record<string, SupplierStatement>;
}

export type SupplyProvenance = Record<string, FieldProvenance>;

/** The `values` key of a value the record held before any supplier gave the field (its date is ''). */
export const UNATTRIBUTED = 'unattributed';

/** The fields a supplier can give, by path in the record. */
export const suppliedFields = [
  'name.given',
  'name.family',
  'gender',
  'dob',
  'address',
  'identifiers.nhsNumber',
  'identifiers.upn',
  'parents',
  'education',
  'gp',
] as const;
export type SuppliedField = (typeof suppliedFields)[number];

/** The value a record holds for a supplied field (undefined when it holds none). */
export function heldValue(record: ChildRecord, field: SuppliedField): unknown {
  switch (field) {
    case 'name.given':
      return record.name.given;
    case 'name.family':
      return record.name.family;
    case 'gender':
      return record.gender;
    case 'dob':
      return record.dob;
    case 'address':
      return record.address;
    case 'identifiers.nhsNumber':
      return record.identifiers.nhsNumber;
    case 'identifiers.upn':
      return record.identifiers.upn;
    case 'parents':
      // No parents recorded is holding none, not a statement of "no parents".
      return record.parents.length > 0 ? record.parents : undefined;
    case 'education':
      return record.education;
    case 'gp':
      return record.gp;
  }
}

/** The record with one supplied field set (an address also makes the whereabouts current). */
export function withValue(record: ChildRecord, field: SuppliedField, value: unknown): ChildRecord {
  switch (field) {
    case 'name.given':
      return { ...record, name: { ...record.name, given: value as string } };
    case 'name.family':
      return { ...record, name: { ...record.name, family: value as string } };
    case 'gender':
      return { ...record, gender: value as ChildRecord['gender'] };
    case 'dob':
      return { ...record, dob: value as string };
    case 'address': {
      const { intendsToReturn: _dropped, ...rest } = record;
      return { ...rest, whereabouts: 'current', address: value as ChildRecord['address'] };
    }
    case 'identifiers.nhsNumber':
      return { ...record, identifiers: { ...record.identifiers, nhsNumber: value as string } };
    case 'identifiers.upn':
      return { ...record, identifiers: { ...record.identifiers, upn: value as string } };
    case 'parents':
      return { ...record, parents: value as ChildRecord['parents'] };
    case 'education':
      return { ...record, education: value as NonNullable<ChildRecord['education']> };
    case 'gp':
      return { ...record, gp: value as NonNullable<ChildRecord['gp']> };
  }
}

/**
 * What a supply says about each field. A supplier that does not know something (no
 * address, gender "not specified", no NHS number, no parents, school or GP practice)
 * says nothing about it, rather than erase what another supplier knows.
 */
export function statementsOf(s: SupplierRecord): Partial<Record<SuppliedField, unknown>> {
  return {
    'name.given': s.name.given,
    'name.family': s.name.family,
    ...(s.gender !== 'not-specified' ? { gender: s.gender } : {}),
    dob: s.dob,
    ...(s.address !== null ? { address: s.address } : {}),
    ...(s.nhsNumber !== undefined ? { 'identifiers.nhsNumber': s.nhsNumber } : {}),
    ...(s.upn !== undefined ? { 'identifiers.upn': s.upn } : {}),
    // An empty list of parents says nothing either: it would erase what others know.
    ...(s.parents !== undefined && s.parents.length > 0 ? { parents: s.parents } : {}),
    ...(s.education !== undefined ? { education: s.education } : {}),
    ...(s.gp !== undefined ? { gp: s.gp } : {}),
  };
}

/** Stored provenance in the full shape: entries written without `values` get one from the held record. */
export function readProvenance(stored: Provenance, record: ChildRecord): SupplyProvenance {
  const out: SupplyProvenance = {};
  for (const [field, entry] of Object.entries(stored)) {
    const values = (entry as Partial<FieldProvenance>).values;
    const held = (suppliedFields as readonly string[]).includes(field)
      ? heldValue(record, field as SuppliedField)
      : undefined;
    out[field] = {
      supplier: entry.supplier,
      date: entry.date,
      values: values ?? { [entry.supplier]: { value: held, date: entry.date } },
    };
  }
  return out;
}

/**
 * Apply one supplier's statements to a record: each newer-or-equal statement sets the
 * held value and its source; every statement is remembered under its supplier.
 */
export function applyStatements(
  record: ChildRecord,
  provenance: SupplyProvenance,
  supplier: Supplier | string,
  date: string,
  statements: Partial<Record<SuppliedField, unknown>>,
): { record: ChildRecord; provenance: SupplyProvenance } {
  let next = record;
  const prov: SupplyProvenance = { ...provenance };
  for (const field of suppliedFields) {
    if (!(field in statements)) continue;
    const value = statements[field];
    const entry = prov[field];
    const earlier = entry?.values[supplier];
    const values = { ...(entry?.values ?? {}) };
    // A value held before any supplier spoke (entered by hand) stays visible too.
    const before = heldValue(record, field);
    if (!entry && before !== undefined && canonicalJson(before) !== canonicalJson(value)) {
      values[UNATTRIBUTED] = { value: before, date: '' };
    }
    if (!earlier || date >= earlier.date) values[supplier] = { value, date };
    if (!entry || date >= entry.date) {
      next = withValue(next, field, value);
      prov[field] = { supplier, date, values };
    } else {
      prov[field] = { ...entry, values };
    }
  }
  return { record: next, provenance: prov };
}

export interface Discrepancy {
  field: string;
  /** Each supplier's latest statement, where they do not all agree. */
  statements: { supplier: string; value: unknown; date: string }[];
}

/** The fields on which suppliers disagree: the cleanser's work list for one child. */
export function discrepancies(provenance: SupplyProvenance): Discrepancy[] {
  const out: Discrepancy[] = [];
  for (const [field, entry] of Object.entries(provenance)) {
    const statements = Object.entries(entry.values).map(([supplier, s]) => ({
      supplier,
      value: s.value,
      date: s.date,
    }));
    if (new Set(statements.map((s) => canonicalJson(s.value))).size > 1) out.push({ field, statements });
  }
  return out;
}

/**
 * Fold another record's provenance into this one (a merge of duplicates): every
 * supplier statement it holds is applied here in date order, so the newest statement
 * per field sets the value and every statement stays visible.
 */
export function foldProvenance(
  record: ChildRecord,
  provenance: SupplyProvenance,
  other: SupplyProvenance,
): { record: ChildRecord; provenance: SupplyProvenance } {
  const statements = Object.entries(other)
    .filter((entry): entry is [SuppliedField, FieldProvenance] =>
      (suppliedFields as readonly string[]).includes(entry[0]),
    )
    .flatMap(([field, entry]) =>
      Object.entries(entry.values)
        .filter(([supplier]) => supplier !== UNATTRIBUTED)
        .map(([supplier, s]) => ({ field, supplier, ...s })),
    )
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  let out = { record, provenance };
  for (const s of statements)
    out = applyStatements(out.record, out.provenance, s.supplier, s.date, { [s.field]: s.value });
  return out;
}
