// Wire schemas of the directory of partner organisations and their accreditation
// (issue 21, item 1): an authority's team proposes an organisation and prepares it; a
// national administrator or data manager accredits, suspends, reinstates or withdraws
// it (domain/organisation-stages.ts holds the table). Every object is strict: an
// unknown field is refused with 422 naming it. The facts and formats are in
// organisation-stages.ts, so the desktop checks a form by the same rules.
import { z } from 'zod';
import { isoDateSchema } from '../child-record.js';
import {
  basedInProblem,
  evidenceMax,
  odsCodeProblem,
  officerMax,
  organisationKinds,
  organisationStages,
  partnerKinds,
  stageActions,
  urnProblem,
  type OrganisationKind,
  type OrganisationStage,
  type StageAction,
} from '../organisation-stages.js';
import { localAuthorityCodeSchema } from './sync.js';

const upper = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((s) => s.toUpperCase());
const optionalText = (max: number, what: string) =>
  z
    .string()
    .trim()
    .min(1, `must not be empty: leave it out instead`)
    .max(max, `${what} must be at most ${max} characters`);

export const proposeOrganisationSchema = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
    kind: z.enum(partnerKinds, { error: `must be one of ${partnerKinds.join(', ')}` }),
    odsCode: upper(6).optional(),
    urn: z.string().trim().max(6).optional(),
    /** For a cross-border agency: the ONS code of the Welsh or neighbouring authority it is based in. */
    basedIn: upper(9).optional(),
    /** The authority the organisation partners: the team's own when not given; required of a national administrator. */
    localAuthority: localAuthorityCodeSchema.optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    const checks: [keyof typeof b, string | null][] = [
      ['odsCode', odsCodeProblem(b.kind, b.odsCode || null)],
      ['urn', urnProblem(b.kind, b.urn || null)],
      ['basedIn', basedInProblem(b.kind, b.basedIn || null, b.localAuthority ?? null)],
    ];
    for (const [path, message] of checks) if (message) ctx.addIssue({ code: 'custom', path: [path], message });
  });
export type ProposeOrganisation = z.output<typeof proposeOrganisationSchema>;

/** One step of the process; what each must carry is in the stage table (service-checked too). */
export const stageStepSchema = z
  .object({
    action: z.enum(stageActions.filter((a) => a !== 'propose') as [StageAction, ...StageAction[]], {
      error: `must be one of ${stageActions.filter((a) => a !== 'propose').join(', ')}`,
    }),
    /** The named responsible officer in the partner organisation. */
    responsibleOfficer: optionalText(officerMax, 'the name').optional(),
    /** The day the partner signed the accreditation agreement. */
    agreementSignedOn: isoDateSchema.optional(),
    /** The evidence seen, or why: a short note, never case information. */
    evidence: optionalText(evidenceMax, 'the note').optional(),
    /** The stage the person saw: a step taken on an organisation that has moved since is 409 stage-changed. */
    expectedStage: z.enum(organisationStages).optional(),
  })
  .strict();
export type StageStep = z.output<typeof stageStepSchema>;

export const organisationsQuerySchema = z
  .object({
    stage: z.enum(organisationStages).optional(),
    kind: z.enum(organisationKinds).optional(),
  })
  .strict();
export type OrganisationsQuery = z.output<typeof organisationsQuerySchema>;

/** One step in an organisation's history, as every screen shows it. */
export interface StageEntryView {
  action: StageAction | 'recorded';
  stage: OrganisationStage;
  at: string;
  decidedBy: { id: string; name: string } | null;
  responsibleOfficer: string | null;
  agreementSignedOn: string | null;
  evidence: string | null;
}

/** An organisation in the directory. */
export interface DirectoryEntryView {
  id: string;
  name: string;
  kind: OrganisationKind;
  stage: OrganisationStage;
  accredited: boolean;
  localAuthority: string | null;
  supplier: string | null;
  odsCode: string | null;
  urn: string | null;
  basedIn: string | null;
  responsibleOfficer: string | null;
  agreementSignedOn: string | null;
  evidence: string | null;
  /** When the stage last changed; null for an organisation entered before stages were kept. */
  stageSince: string | null;
  users: number;
}

export interface OrganisationDetailView extends DirectoryEntryView {
  history: StageEntryView[];
  /** The steps the caller may take now (the table, their scope, and whether they proposed or prepared it). */
  nextActions: StageAction[];
}
