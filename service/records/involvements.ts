// A practitioner records that they are involved with a child, and later ends or
// updates that involvement: their own only. The practitioner's details come from their
// account, never from the request, and the body schema is strict, so no case
// information can reach the record.
import type { RecordInvolvementBody, UpdateInvolvementBody } from '../../domain/api/records.js';
import { contactSchema, type ChildRecord, type Involvement } from '../../domain/child-record.js';
import type { Actor } from '../../domain/roles.js';
import { appendAudit } from '../audit/audit-log.js';
import { conflict, forbidden, notFound, unprocessable } from '../http/api-error.js';
import type { Queryable } from '../store/database.js';
import { loadChild, updateChild, type StoredChild } from './child-store.js';

export interface InvolvementOutcome {
  involvement: Involvement;
  /** The record's version after the change. */
  version: number;
}

export interface InvolvementOptions {
  at: Date;
  /** Today (YYYY-MM-DD) by the injected clock. */
  today: string;
}

const noSuchChild = () => notFound('There is no child with that ContactPoint number.');

/** Active on `today`: not ended, or ending today or later. */
function isActive(inv: Involvement, today: string): boolean {
  return inv.endDate === undefined || inv.endDate >= today;
}

/** A child has one lead professional at a time: whether `candidate` would be a second. */
export function wouldBeSecondLead(record: ChildRecord, candidate: Involvement, today: string): boolean {
  if (!candidate.leadProfessional || !isActive(candidate, today)) return false;
  return record.involvements.some((i) => i.id !== candidate.id && i.leadProfessional && isActive(i, today));
}

/** A fresh involvement id, the same shape however the involvement was recorded. */
export function newInvolvementId(randomBytes: (size: number) => Buffer): string {
  return `inv-${randomBytes(12).toString('hex')}`;
}

function assertOneLead(record: ChildRecord, candidate: Involvement, today: string): void {
  if (wouldBeSecondLead(record, candidate, today)) {
    throw conflict(
      'lead-professional-exists',
      'Another practitioner is already the lead professional for this child: they must step down first.',
    );
  }
}

function assertDates(inv: Involvement, today: string): void {
  if (inv.startDate > today) throw unprocessable('start-date-in-future', 'startDate must not be in the future.');
  if (inv.endDate !== undefined && inv.endDate < inv.startDate) {
    throw unprocessable('end-before-start', 'endDate must not be before the involvement started.');
  }
}

/** Lock the child for the read-modify-write; archived children are not in the live index. */
async function lockActiveChild(tx: Queryable, cpNumber: string): Promise<StoredChild> {
  const stored = await loadChild(tx, cpNumber, { forUpdate: true });
  if (!stored || stored.status !== 'active') throw noSuchChild();
  return stored;
}

/** The practitioner as the record shows them: from the user's account and organisation. */
async function practitionerOf(tx: Queryable, actor: Actor): Promise<NonNullable<Involvement['practitioner']>> {
  const [row] = await tx.query<{ name: string; contact: Record<string, unknown> | null; organisation: string }>(
    'SELECT u.name, u.contact, o.name AS organisation FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE u.id = $1',
    [actor.userId],
  );
  const name = row?.name ?? actor.name;
  const organisation = row?.organisation ?? actor.organisation.name;
  // Only a phone number and an email address are shown, and only if they are well formed.
  const phone = contactSchema.shape.phone.safeParse(row?.contact?.['phone']);
  const email = contactSchema.shape.email.safeParse(row?.contact?.['email']);
  return {
    name,
    organisation,
    ...(phone.success && phone.data !== undefined ? { phone: phone.data } : {}),
    ...(email.success && email.data !== undefined ? { email: email.data } : {}),
  };
}

/** Record the actor's own involvement with a child. */
export async function recordInvolvement(
  tx: Queryable,
  actor: Actor,
  cpNumber: string,
  body: RecordInvolvementBody,
  options: InvolvementOptions & { randomBytes(size: number): Buffer },
): Promise<InvolvementOutcome> {
  // The body schema refuses this too; checked here as well because the rule is the law's,
  // not the HTTP layer's, and a caller inside the service could skip the schema.
  if (body.sensitiveCategory !== undefined && body.sensitiveBasis === undefined) {
    throw unprocessable(
      'sensitive-basis-required',
      'sensitiveBasis is required for a sensitive service: "consent" or "significant-harm".',
    );
  }
  if (body.sensitiveCategory === undefined && body.sensitiveBasis !== undefined) {
    throw unprocessable(
      'sensitive-basis-not-sensitive',
      'sensitiveBasis is only for a sensitive service (give sensitiveCategory).',
    );
  }
  const stored = await lockActiveChild(tx, cpNumber);
  const involvement: Involvement = {
    id: newInvolvementId(options.randomBytes),
    service: body.service,
    sensitive: body.sensitiveCategory !== undefined,
    ...(body.sensitiveCategory !== undefined ? { sensitiveCategory: body.sensitiveCategory } : {}),
    // The fact of consent (or of significant harm) and nothing about it.
    ...(body.sensitiveBasis !== undefined ? { sensitiveBasis: body.sensitiveBasis } : {}),
    practitioner: await practitionerOf(tx, actor),
    leadProfessional: body.leadProfessional ?? false,
    cafCompleted: body.cafCompleted ?? false,
    startDate: body.startDate,
  };
  assertDates(involvement, options.today);
  assertOneLead(stored.record, involvement, options.today);
  const next: ChildRecord = { ...stored.record, involvements: [...stored.record.involvements, involvement] };
  const updated = await updateChild(tx, cpNumber, stored.version, next, { at: options.at });
  await tx.query('INSERT INTO involvement_owners (cp_number, involvement_id, user_id) VALUES ($1, $2, $3)', [
    cpNumber,
    involvement.id,
    actor.userId,
  ]);
  await appendAudit(tx, {
    at: options.at,
    userId: actor.userId,
    action: 'involvement-recorded',
    cpNumber,
    // The basis, not the category: the trail says a consent-dependent item was recorded
    // and on what footing, without naming the kind of service.
    detail: {
      involvementId: involvement.id,
      leadProfessional: involvement.leadProfessional,
      cafCompleted: involvement.cafCompleted,
      ...(involvement.sensitiveBasis !== undefined ? { sensitiveBasis: involvement.sensitiveBasis } : {}),
    },
  });
  return { involvement, version: updated.version };
}

/** End or update the actor's own involvement. */
export async function updateInvolvement(
  tx: Queryable,
  actor: Actor,
  cpNumber: string,
  involvementId: string,
  body: UpdateInvolvementBody,
  options: InvolvementOptions,
): Promise<InvolvementOutcome> {
  const stored = await lockActiveChild(tx, cpNumber);
  const current = stored.record.involvements.find((i) => i.id === involvementId);
  if (!current) throw notFound('This child has no involvement with that id.');
  const [owner] = await tx.query<{ user_id: string }>(
    'SELECT user_id FROM involvement_owners WHERE cp_number = $1 AND involvement_id = $2',
    [cpNumber, involvementId],
  );
  if (owner?.user_id !== actor.userId) {
    throw forbidden('not-your-involvement', 'You may end or change only an involvement you recorded yourself.');
  }
  const involvement: Involvement = {
    ...current,
    ...(body.endDate !== undefined ? { endDate: body.endDate } : {}),
    ...(body.leadProfessional !== undefined ? { leadProfessional: body.leadProfessional } : {}),
    ...(body.cafCompleted !== undefined ? { cafCompleted: body.cafCompleted } : {}),
  };
  if (involvement.endDate !== undefined && involvement.endDate < involvement.startDate) {
    throw unprocessable('end-before-start', 'endDate must not be before the involvement started.');
  }
  assertOneLead(stored.record, involvement, options.today);
  const next: ChildRecord = {
    ...stored.record,
    involvements: stored.record.involvements.map((i) => (i.id === involvementId ? involvement : i)),
  };
  const updated = await updateChild(tx, cpNumber, stored.version, next, { at: options.at });
  await appendAudit(tx, {
    at: options.at,
    userId: actor.userId,
    action: body.endDate !== undefined ? 'involvement-ended' : 'involvement-updated',
    cpNumber,
    detail: {
      involvementId,
      fields: Object.keys(body).filter((k) => body[k as keyof UpdateInvolvementBody] !== undefined),
    },
  });
  return { involvement, version: updated.version };
}
