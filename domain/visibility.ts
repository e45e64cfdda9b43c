// What a viewer may see of a child's record. The service builds every response from
// these functions, so what a user may not see is absent from the response (never
// blanked by a client), and the rules live in one place:
// - the management team (la-team for its own authority's children, data managers,
//   national administrators) sees everything, to broker contact;
// - on a shielded record (or a possible duplicate of one, awaiting a person) an
//   ordinary user sees only name, gender, date of birth, ContactPoint number and the
//   names of parents or carers; a child-protection override shows the rest, except
//   sensitive services;
// - a sensitive service shows to an ordinary user only as "Unspecified service";
// - a supplier's own reference is visible only to that supplier.
import type { ChildRecord, Involvement } from './child-record.js';
import type { ChildSearchResult, InvolvementView, RecordView } from './api/records.js';
import { unspecifiedService } from './api/records.js';
import type { Actor } from './roles.js';
import { hasRole } from './roles.js';

export interface StoredView {
  record: ChildRecord;
  /** The stored flag: the record's shield, or a pending match with a shielded record. */
  shielded: boolean;
}

export interface Viewer {
  actor: Actor;
  /** A child-protection user has overridden the shield, for this response only. */
  override?: boolean;
}

/** Management for this child: sees shielded data and sensitive services. */
export function seesInFull(actor: Actor, childLocalAuthority: string): boolean {
  if (hasRole(actor, 'data-manager', 'national-admin')) return true;
  return hasRole(actor, 'la-team') && actor.localAuthority !== null && actor.localAuthority === childLocalAuthority;
}

/** Whether this viewer may see the shielded data (address, whereabouts...) of this child. */
export function seesShieldedData(viewer: Viewer, stored: StoredView): boolean {
  return !stored.shielded || viewer.override === true || seesInFull(viewer.actor, stored.record.localAuthority);
}

function involvementView(inv: Involvement, full: boolean): InvolvementView {
  if (full || !inv.sensitive) {
    return {
      id: inv.id,
      service: inv.service,
      sensitive: inv.sensitive,
      ...(full && inv.sensitiveCategory !== undefined ? { sensitiveCategory: inv.sensitiveCategory } : {}),
      ...(full && inv.sensitiveBasis !== undefined ? { sensitiveBasis: inv.sensitiveBasis } : {}),
      ...(inv.practitioner !== undefined ? { practitioner: inv.practitioner } : {}),
      leadProfessional: inv.leadProfessional,
      cafCompleted: inv.cafCompleted,
      startDate: inv.startDate,
      ...(inv.endDate !== undefined ? { endDate: inv.endDate } : {}),
    };
  }
  return {
    id: inv.id,
    service: unspecifiedService,
    sensitive: true,
    leadProfessional: inv.leadProfessional,
    cafCompleted: inv.cafCompleted,
    startDate: inv.startDate,
    ...(inv.endDate !== undefined ? { endDate: inv.endDate } : {}),
  };
}

/** Exactly what `viewer` may see of a stored child: the body of GET /v1/children/{cpNumber}. */
export function recordView(stored: StoredView, viewer: Viewer): RecordView {
  const r = stored.record;
  const full = seesInFull(viewer.actor, r.localAuthority);
  const name = { given: r.name.given, family: r.name.family, former: r.name.former.map((f) => ({ ...f })) };

  if (!seesShieldedData(viewer, stored)) {
    return {
      cpNumber: r.cpNumber,
      name,
      gender: r.gender,
      dob: r.dob,
      shielded: true,
      parents: r.parents.map((p) => ({ name: p.name, relationship: p.relationship })),
      version: r.version,
    };
  }

  const ownSupplier = viewer.actor.organisation.supplier;
  return {
    cpNumber: r.cpNumber,
    localAuthority: r.localAuthority,
    name,
    gender: r.gender,
    dob: r.dob,
    ...(r.dateOfDeath !== undefined ? { dateOfDeath: r.dateOfDeath } : {}),
    whereabouts: r.whereabouts,
    ...(r.intendsToReturn !== undefined ? { intendsToReturn: r.intendsToReturn } : {}),
    address: r.address,
    shielded: stored.shielded,
    archiveAge: r.archiveAge,
    parents: r.parents.map((p) => ({
      name: p.name,
      relationship: p.relationship,
      ...(p.contact !== undefined ? { contact: p.contact } : {}),
    })),
    ...(r.education !== undefined ? { education: r.education } : {}),
    ...(r.gp !== undefined ? { gp: r.gp } : {}),
    involvements: r.involvements.map((inv) => involvementView(inv, full)),
    identifiers: {
      ...(r.identifiers.nhsNumber !== undefined ? { nhsNumber: r.identifiers.nhsNumber } : {}),
      ...(r.identifiers.upn !== undefined ? { upn: r.identifiers.upn } : {}),
      supplierRefs:
        ownSupplier === null
          ? []
          : r.identifiers.supplierRefs.filter((s) => s.supplier === ownSupplier).map((s) => ({ ...s })),
    },
    version: r.version,
  };
}

/** One search result as `actor` may see it. */
export function searchResultView(stored: StoredView, actor: Actor, score: number): ChildSearchResult {
  const r = stored.record;
  const visible = seesShieldedData({ actor }, stored);
  return {
    cpNumber: r.cpNumber,
    name: { given: r.name.given, family: r.name.family },
    dob: r.dob,
    gender: r.gender,
    shielded: stored.shielded,
    score,
    ...(visible ? { localAuthority: r.localAuthority } : {}),
    ...(visible && r.address !== null ? { postcode: r.address.postcode } : {}),
  };
}
