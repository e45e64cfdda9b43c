// What the management screens receive over IPC (shields, accounts, alerts, audit review,
// archive, transfers, management information): the shapes main promises the renderer,
// and the requests it accepts. Main checks every answer of the national service against
// these before the screen sees it.
import { z } from 'zod';
import { actionReasonSchema } from '../api/accounts.js';
import { cpNumberSchema } from '../child-record.js';
import { ALERT_OUTCOMES, ARCHIVE_PURPOSES } from './choices.js';
import {
  evidenceMax,
  officerMax,
  organisationKinds,
  organisationStages,
  partnerKinds,
  stageActions,
} from '../organisation-stages.js';

export { ALERT_OUTCOMES, ARCHIVE_PURPOSES };

const reason = z.string().trim().min(1, 'give a reason').max(500, 'must be 500 characters or fewer');
const when = z.string();
const nullable = z.string().nullable();
const localAuthority = z.string().regex(/^E\d{8}$/, 'must be an ONS local authority code such as E08000015');

export const unshieldRequestSchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  cpNumber: z.string(),
  localAuthority: nullable,
  requestedBy: z.string(),
  requestedAt: when,
  reason: z.string(),
  status: z.enum(['open', 'approved', 'rejected', 'cancelled']),
  decidedBy: nullable,
  decidedAt: nullable,
});
export type UnshieldRequestView = z.infer<typeof unshieldRequestSchema>;

export const accountSchema = z.object({
  id: z.string(),
  name: z.string(),
  roles: z.array(z.string()),
  organisation: z.object({ id: z.string(), name: z.string() }),
  localAuthority: nullable,
  enhancedCheckDate: nullable,
  trainingCompleted: z.boolean(),
  agreementSigned: z.boolean(),
  suspended: z.boolean(),
  closedAt: nullable.optional(),
  lockedUntil: nullable,
});
export type AccountView = z.infer<typeof accountSchema>;

export const lapsingSchema = z.object({
  users: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      organisation: z.object({ id: z.string(), name: z.string() }),
      reasons: z.array(z.object({ kind: z.string(), date: z.string().optional() })),
    }),
  ),
});

export const organisationSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(organisationKinds),
  stage: z.enum(organisationStages),
  accredited: z.boolean(),
  localAuthority: nullable,
  odsCode: nullable,
  urn: nullable,
  basedIn: nullable,
  responsibleOfficer: nullable,
  agreementSignedOn: nullable,
  evidence: nullable,
  stageSince: nullable,
  users: z.number().int(),
});
export type OrganisationEntry = z.infer<typeof organisationSchema>;

/** One organisation with its stage history and the steps the signed-in person may take next. */
export const organisationDetailSchema = organisationSchema.extend({
  history: z.array(
    z.object({
      action: z.enum([...stageActions, 'recorded']),
      stage: z.enum(organisationStages),
      at: z.string(),
      decidedBy: z.object({ id: z.string(), name: z.string() }).nullable(),
      responsibleOfficer: nullable,
      agreementSignedOn: nullable,
      evidence: nullable,
    }),
  ),
  nextActions: z.array(z.enum(stageActions)),
});
export type OrganisationDetail = z.infer<typeof organisationDetailSchema>;

/** A request that needs a second person (domain/separation-of-duties.ts), as the service shows it. */
export const accountRequestSchema = z.object({
  id: z.string(),
  kind: z.enum(['account-create', 'token-reset', 'card-enrol', 'role-grant']),
  account: z.string(),
  requestedBy: z.string(),
  requestedAt: when,
  roles: z.array(z.string()).nullable(),
  confirmedBy: nullable,
  confirmedAt: nullable,
  status: z.enum(['awaiting-confirmation', 'awaiting-activation', 'completed', 'cancelled']),
  expiresAt: when,
  endReason: nullable,
  /** card-enrol: the card read at the desk (its key's thumbprint). */
  cardThumbprint: nullable.optional(),
});
export type AccountRequestItemView = z.infer<typeof accountRequestSchema>;

/** An account made: no credential, only the first half of its holder's activation code, to hand over in person. */
export const createdAccountSchema = z.object({
  user: accountSchema,
  request: accountRequestSchema,
  firstHalf: z.string(),
});
/** A request confirmed: for a credential, the second half of the holder's activation code. */
export const confirmedRequestSchema = z.object({ request: accountRequestSchema, secondHalf: z.string().optional() });

export const alertSchema = z.object({
  id: z.string(),
  at: when,
  kind: z.string(),
  userId: nullable,
  cpNumber: nullable,
  status: z.enum(['open', 'investigating', 'closed']),
  outcome: nullable,
  note: nullable,
  closedBy: nullable.optional(),
  closedAt: nullable.optional(),
});
export type AlertItemView = z.infer<typeof alertSchema>;

export const auditEntrySchema = z.object({
  seq: z.number(),
  at: when,
  userId: nullable,
  action: z.string(),
  cpNumber: nullable,
  reason: nullable,
});
export type AuditEntryView = z.infer<typeof auditEntrySchema>;

export const auditPageSchema = z.object({
  entries: z.array(auditEntrySchema),
  next: z.union([z.string(), z.number()]).nullable(),
});

export const auditVerifySchema = z
  .object({
    intact: z.boolean(),
    entries: z.number().optional(),
    lastHash: z.string().optional(),
    problem: z.unknown().optional(),
  })
  .passthrough();

/** The latest signed checkpoint of the audit chain's head, as main checked it. */
export const auditCheckpointViewSchema = z.object({
  /** Chain 0's length when signed: the seq of its last entry. */
  size: z.number().int(),
  /** That entry's hash. */
  head: z.string(),
  /** The chains it signs a head of: 1, or with the trail in partitions one for each partition used. */
  chains: z.number().int().min(1),
  /** Entries it covers, over every chain. */
  entries: z.number().int().min(0),
  at: when,
  reason: z.string(),
  /** SHA-256 of the signing public key: to compare with the one the operators published. */
  signingKeyId: z.string(),
  /** Whether the checkpoint's signature holds with the key the service published. */
  signatureValid: z.boolean(),
});
export type AuditCheckpointView = z.infer<typeof auditCheckpointViewSchema>;

/** A range downloaded (GET /v1/audit/export) and checked in main against the latest checkpoint. */
export const auditRangeVerdictSchema = z.object({
  ok: z.boolean(),
  /**
   * The range checked: from the entry asked for to the checkpoint's head (0 and 0 when
   * the checkpoint covers no entries). With the trail in partitions and no entry asked
   * for, every chain is checked: `from` is the first chain's first entry, `to` the last
   * chain's head; when not ok, the range of the chain that failed.
   */
  from: z.number().int(),
  to: z.number().int(),
  /** The audit chains checked (1, or one for each partition the checkpoint signs a head of). */
  chains: z.number().int().min(1),
  /** Entries downloaded and found intact, over every chain checked (up to the failure, when not ok). */
  entries: z.number().int().min(0),
  checkpoint: auditCheckpointViewSchema,
  /** When not ok: the problem, the first bad entry (null when the checkpoint itself is at fault) and what it means. */
  problem: z.string().nullable(),
  seq: z.number().int().nullable(),
  message: z.string().nullable(),
});
export type AuditRangeVerdictView = z.infer<typeof auditRangeVerdictSchema>;

export const signalSchema = z.object({
  kind: z.string(),
  userId: z.string(),
  count: z.number(),
  from: z.string(),
  to: z.string(),
  description: z.string(),
});
export type SignalView = z.infer<typeof signalSchema>;

export const archivedSchema = z.object({
  cpNumber: z.string(),
  localAuthority: nullable,
  archivedAt: z.string(),
  destroyAfter: z.string(),
  access: z.enum(['data-manager', 'restricted']),
});
export type ArchivedView = z.infer<typeof archivedSchema>;

export const transferSchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  cpNumber: z.string(),
  fromLocalAuthority: z.string(),
  toLocalAuthority: z.string(),
  requestedBy: z.string(),
  requestedAt: when,
  reason: z.string(),
  status: z.enum(['open', 'accepted', 'rejected', 'cancelled']),
  decidedBy: nullable,
  decidedAt: nullable,
  direction: z.enum(['incoming', 'outgoing']),
});
export type TransferView = z.infer<typeof transferSchema>;

export const managementInformationSchema = z.object({
  localAuthority: z.string(),
  at: z.string(),
  children: z.object({ active: z.number(), shielded: z.number(), shieldPending: z.number(), archived: z.number() }),
  /** target: the match rate the NHS successor required before going live (the service's figure). */
  nhs: z.object({ withNumber: z.number(), active: z.number(), matchRate: z.number(), target: z.number() }),
  involvementsByService: z.array(z.object({ service: z.string(), open: z.number() })),
  openMatchReviews: z.number(),
  openAlerts: z.number(),
  openUnshieldRequests: z.number(),
  transfers: z.object({ incoming: z.number(), outgoing: z.number() }),
});
export type ManagementInformationView = z.infer<typeof managementInformationSchema>;

const dateOrEmpty = z.union([z.literal(''), z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date')]).optional();

/** The requests the management channels take. */
export const managementRequests = {
  shield: z.object({ cpNumber: cpNumberSchema, reason }).strict(),
  unshieldRequests: z.object({ status: z.enum(['open', 'approved', 'rejected', 'cancelled']) }).strict(),
  decideUnshield: z
    .object({
      id: z.string().min(1).max(64),
      decision: z.enum(['approve', 'reject']),
      reason: z.string().max(500).optional(),
    })
    .strict(),
  createUser: z
    .object({
      id: z
        .string()
        .regex(
          /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
          'must be 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit',
        ),
      name: z.string().trim().min(1, 'give the person’s name').max(200),
      organisationId: z.string().min(1, 'choose the organisation').max(64),
      roles: z.array(z.enum(['practitioner', 'child-protection', 'la-team'])).min(1, 'choose at least one role'),
      enhancedCheckDate: dateOrEmpty,
      trainingCompleted: z.boolean(),
      agreementSigned: z.boolean(),
    })
    .strict(),
  updateUser: z
    .object({
      id: z.string().min(1).max(64),
      changes: z
        .object({
          suspended: z.boolean().optional(),
          closed: z.literal(true).optional(),
          trainingCompleted: z.boolean().optional(),
          agreementSigned: z.boolean().optional(),
          enhancedCheckDate: z
            .string()
            .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date')
            .optional(),
          /** Why (suspend, reinstate, close at the helpdesk): audited with the change. */
          reason: actionReasonSchema.optional(),
        })
        .strict(),
    })
    .strict(),
  lapsing: z.object({ days: z.number().int().min(1).max(365) }).strict(),
  accountRequest: z
    .object({
      id: z.string().regex(/^\d{1,18}$/, 'must be a request number'),
      /** Why the second person confirms or cancels: audited with it. */
      reason: actionReasonSchema.optional(),
    })
    .strict(),
  alerts: z.object({ status: z.enum(['open', 'investigating', 'closed', 'all']) }).strict(),
  alert: z.object({ id: z.string().min(1).max(64) }).strict(),
  closeAlert: z
    .object({ id: z.string().min(1).max(64), outcome: z.enum(ALERT_OUTCOMES), note: z.string().max(300).optional() })
    .strict(),
  audit: z
    .object({
      userId: z.string().max(64).optional(),
      cpNumber: z.string().max(11).optional(),
      action: z.string().max(200).optional(),
      from: dateOrEmpty,
      to: dateOrEmpty,
      after: z.string().max(64).optional(),
    })
    .strict(),
  signals: z.object({ from: dateOrEmpty, to: dateOrEmpty }).strict(),
  /** The first entry of the range to check (default 1: the whole chain up to the checkpoint). */
  auditVerifyRange: z.object({ from: z.number().int().min(1).optional() }).strict(),
  archive: z.object({ after: z.string().max(64).optional() }).strict(),
  archiveRead: z.object({ cpNumber: cpNumberSchema, reason, purpose: z.enum(ARCHIVE_PURPOSES).optional() }).strict(),
  /** A child's subject-access report; `pdf`: also saved as a PDF where the person chooses (a report of its own, audited). */
  subjectAccess: z
    .object({
      cpNumber: cpNumberSchema,
      reason,
      purpose: z.enum(ARCHIVE_PURPOSES).optional(),
      pdf: z.boolean().optional(),
    })
    .strict(),
  transfers: z.object({ status: z.enum(['open', 'accepted', 'rejected', 'cancelled']) }).strict(),
  requestTransfer: z.object({ cpNumber: cpNumberSchema, toLocalAuthority: localAuthority, reason }).strict(),
  decideTransfer: z
    .object({ id: z.string().min(1).max(64), decision: z.enum(['accept', 'reject', 'cancel']) })
    .strict(),
  information: z.object({ localAuthority: localAuthority.optional() }).strict(),
  history: z
    .object({ localAuthority: localAuthority.optional(), weeks: z.number().int().min(1).max(52).optional() })
    .strict(),
  rollout: z
    .object({ localAuthority: localAuthority.optional(), months: z.number().int().min(1).max(36).optional() })
    .strict(),
  organisation: z.object({ id: z.string().min(1).max(64) }).strict(),
  /** Checked again by the service (domain/api/organisations.ts): here only its shape. */
  proposeOrganisation: z
    .object({
      name: z.string().max(200),
      kind: z.enum(partnerKinds),
      odsCode: z.string().max(20).optional(),
      urn: z.string().max(20).optional(),
      basedIn: z.string().max(20).optional(),
    })
    .strict(),
  organisationStep: z
    .object({
      id: z.string().min(1).max(64),
      action: z.enum(stageActions).exclude(['propose']),
      responsibleOfficer: z.string().max(officerMax).optional(),
      agreementSignedOn: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date')
        .optional(),
      evidence: z.string().max(evidenceMax).optional(),
      /** The stage the screen showed: the service refuses a step on an organisation that has moved since. */
      expectedStage: z.enum(organisationStages),
    })
    .strict(),
  saveCsv: z
    .object({
      suggestedName: z.string().regex(/^[A-Za-z0-9 ._-]{1,80}\.csv$/, 'must be a simple file name ending .csv'),
      header: z.array(z.string().max(100)).min(1).max(50),
      rows: z.array(z.array(z.union([z.string(), z.number(), z.null()])).max(50)).max(200_000),
    })
    .strict(),
};
