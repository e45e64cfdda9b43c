// A local supplier's own service's involvement with a child, taken in with the child's
// record. It is upserted by supplier and service: a case-management system that states
// the same involvement again (an end date, another practitioner) updates it rather than
// adding a second. involvement_owners says which supplier (its supply-link key) stated
// each one and when, as it says which practitioner recorded theirs; a statement older
// than the one that last set the involvement changes nothing (the newest wins, as it
// does for every supplied field).
import type { ChildRecord, Involvement, SuppliedInvolvement } from '../../domain/child-record.js';
import type { Actor } from '../../domain/roles.js';
import { appendAudit, canonicalJson } from '../audit/audit-log.js';
import type { Queryable } from '../store/database.js';

/** The fields a supplier's statement sets on its involvement. */
const statedFields = ['practitioner', 'startDate', 'endDate', 'leadProfessional', 'cafCompleted'] as const;

export interface InvolvementPlan {
  /** The record with the involvement added or updated (as it was for 'unchanged' and 'older'). */
  record: ChildRecord;
  involvement: Involvement;
  outcome: 'added' | 'updated' | 'unchanged' | 'older';
  /** For 'updated': the fields that changed (names only). */
  fields: string[];
}

/** One service however its name is spaced or capitalised. */
export function sameService(a: string, b: string): boolean {
  const key = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();
  return key(a) === key(b);
}

function statedInvolvement(id: string, service: string, s: SuppliedInvolvement): Involvement {
  return {
    id,
    service,
    // Never sensitive: see suppliedInvolvementSchema.
    sensitive: false,
    ...(s.practitioner !== undefined ? { practitioner: s.practitioner } : {}),
    leadProfessional: s.leadProfessional,
    cafCompleted: s.cafCompleted,
    startDate: s.startDate,
    ...(s.endDate !== undefined ? { endDate: s.endDate } : {}),
  };
}

/**
 * What `supplier`'s statement of an involvement, made on `date`, does to `record`. The
 * statement is the supplier's whole view of it: a practitioner or end date it leaves
 * out is one it no longer holds. `cpNumber` null: a child not yet stored.
 */
export async function planSuppliedInvolvement(
  tx: Queryable,
  cpNumber: string | null,
  record: ChildRecord,
  supplier: string,
  stated: SuppliedInvolvement,
  date: string,
  newId: () => string,
): Promise<InvolvementPlan> {
  const owned =
    cpNumber === null
      ? []
      : await tx.query<{ involvement_id: string; supplied_on: string }>(
          'SELECT involvement_id, supplied_on FROM involvement_owners WHERE cp_number = $1 AND supplier = $2',
          [cpNumber, supplier],
        );
  const suppliedOn = new Map(owned.map((o) => [o.involvement_id, o.supplied_on]));
  const current = record.involvements.find((i) => suppliedOn.has(i.id) && sameService(i.service, stated.service));
  if (!current) {
    const involvement = statedInvolvement(newId(), stated.service, stated);
    return {
      record: { ...record, involvements: [...record.involvements, involvement] },
      involvement,
      outcome: 'added',
      fields: [],
    };
  }
  if (date < suppliedOn.get(current.id)!) return { record, involvement: current, outcome: 'older', fields: [] };
  // The service keeps the name it was first recorded under: it is the involvement's identity.
  const involvement = statedInvolvement(current.id, current.service, stated);
  const fields = statedFields.filter((f) => canonicalJson(current[f]) !== canonicalJson(involvement[f]));
  if (fields.length === 0) return { record, involvement: current, outcome: 'unchanged', fields };
  return {
    record: { ...record, involvements: record.involvements.map((i) => (i.id === current.id ? involvement : i)) },
    involvement,
    outcome: 'updated',
    fields,
  };
}

/**
 * Keep who stated the involvement and when, and audit it as a practitioner's own is
 * audited (involvement-recorded, -updated or -ended), once the child is written.
 */
export async function recordSuppliedInvolvement(
  tx: Queryable,
  cpNumber: string,
  plan: InvolvementPlan,
  supplier: string,
  date: string,
  audit: { at: Date; actor: Actor },
): Promise<void> {
  const id = plan.involvement.id;
  if (plan.outcome === 'older') return;
  if (plan.outcome === 'added') {
    await tx.query(
      'INSERT INTO involvement_owners (cp_number, involvement_id, supplier, supplied_on) VALUES ($1, $2, $3, $4)',
      [cpNumber, id, supplier, date],
    );
    await appendAudit(tx, {
      at: audit.at,
      userId: audit.actor.userId,
      action: 'involvement-recorded',
      cpNumber,
      detail: {
        involvementId: id,
        supplier,
        leadProfessional: plan.involvement.leadProfessional,
        cafCompleted: plan.involvement.cafCompleted,
      },
    });
    return;
  }
  await tx.query('UPDATE involvement_owners SET supplied_on = $3 WHERE cp_number = $1 AND involvement_id = $2', [
    cpNumber,
    id,
    date,
  ]);
  if (plan.outcome === 'updated') {
    const ended = plan.fields.includes('endDate') && plan.involvement.endDate !== undefined;
    await appendAudit(tx, {
      at: audit.at,
      userId: audit.actor.userId,
      action: ended ? 'involvement-ended' : 'involvement-updated',
      cpNumber,
      detail: { involvementId: id, supplier, fields: plan.fields },
    });
  }
}
