// Who may do what: the roles of ContactPoint users and the person acting on a request.
import { z } from 'zod';
import { organisationKinds } from './organisation-stages.js';

export const roles = [
  /** A practitioner who works with children: GP reception, school, health, youth services. */
  'practitioner',
  /** A practitioner with child-protection duties: may override a shield (audited, raised). */
  'child-protection',
  /** A local authority's ContactPoint team: sees and manages its authority's records in full. */
  'la-team',
  /** A data manager: audit review, accreditation, archive access in the archive's first year. */
  'data-manager',
  /** The national administrator: accounts and organisations everywhere. */
  'national-admin',
  /** A supplier's system (GRO, DWP, NHS, school census, a local adapter): supplies data only. */
  'supplier-system',
] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

// The kinds, with how each reads and which identifiers it carries: organisation-stages.ts.
export { organisationKinds };

export const organisationSchema = z
  .object({
    id: z.string().min(1).max(64),
    name: z.string().min(1).max(200),
    kind: z.enum(organisationKinds),
    accredited: z.boolean(),
    /** ONS code of the authority the organisation sits in, where it has one. */
    localAuthority: z
      .string()
      .regex(/^E\d{8}$/)
      .nullable(),
    /** For a supplier's organisation: the supplier code its records carry. */
    supplier: z.string().min(1).max(64).nullable(),
  })
  .strict();
export type Organisation = z.infer<typeof organisationSchema>;

/** The person (or supplier system) behind an authenticated request, checked on every request. */
export interface Actor {
  userId: string;
  name: string;
  roles: readonly Role[];
  organisation: Organisation;
  /** The authority the user works for, where the user belongs to one. */
  localAuthority: string | null;
  sessionId: string;
}

/**
 * The management team: local authority teams, data managers and the national
 * administrator. They see shielded data and sensitive services in order to broker contact.
 */
export const managementRoles = ['la-team', 'data-manager', 'national-admin'] as const satisfies readonly Role[];

/** Holds one of the management roles. */
export function isManagement(actor: Pick<Actor, 'roles'>): boolean {
  return hasRole(actor, ...managementRoles);
}

export function hasRole(actor: Pick<Actor, 'roles'>, ...wanted: Role[]): boolean {
  return actor.roles.some((r) => wanted.includes(r));
}
