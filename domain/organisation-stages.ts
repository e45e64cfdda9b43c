// The directory of an authority's partner organisations and their accreditation as a
// process (issue 21, item 1; the seed: "organisational accreditation is currently the
// main focus of activity for all partners"). The plain facts every layer needs: the
// kinds of organisation and how they read, the identifiers each kind carries (ODS code,
// DfE URN) and their formats, the stages and the one table of who may move an
// organisation from which stage to which. No schema library here, so the renderer may
// import it (zod probes `new Function`, which the page's Trusted Types policy refuses);
// the wire schemas built on these are in api/organisations.ts, and the service enforces
// the table in service/accounts/organisations.ts.
import type { Role } from './roles.js';

/**
 * Every kind of organisation. The partner kinds map the seed's list onto the kinds the
 * directory already had: a council department is `local-authority`, an NHS trust (or
 * other health body) `health`, the third sector `voluntary`; `cross-border` is new.
 */
export const organisationKinds = [
  'gp-practice',
  'school',
  'local-authority',
  'health',
  'police',
  'voluntary',
  'national',
  'supplier',
  'cross-border',
] as const;
export type OrganisationKind = (typeof organisationKinds)[number];

/** The kinds an authority's team proposes as partners (not the national service or a supplier's system). */
export const partnerKinds = [
  'local-authority',
  'health',
  'gp-practice',
  'school',
  'voluntary',
  'police',
  'cross-border',
] as const satisfies readonly OrganisationKind[];
export type PartnerKind = (typeof partnerKinds)[number];

export const organisationKindLabels: Record<OrganisationKind, string> = {
  'local-authority': 'Council department',
  health: 'NHS trust or other health body',
  'gp-practice': 'GP practice',
  school: 'School',
  voluntary: 'Third sector (voluntary or community)',
  police: 'Police',
  'cross-border': 'Cross-border agency (Wales or a neighbouring authority)',
  national: 'National service',
  supplier: 'Data supplier',
};

/** A GP practice's ODS code: a letter and five digits (N82054). */
export const gpOdsPattern = /^[A-Z]\d{5}$/;
/** Any other organisation's ODS code: 3 to 6 capital letters and digits (an NHS trust's RBL, a site's RBL01). */
export const odsPattern = /^[A-Z0-9]{3,6}$/;
/** A school's DfE Unique Reference Number: 6 digits. */
export const urnPattern = /^\d{6}$/;
/** Where a cross-border agency is based: a Welsh authority (W06…) or another English one (E…), by ONS code. */
export const basedInPattern = /^[EW]\d{8}$/;

/** What is wrong with an ODS code for this kind, or null when it is right (or not given where optional). */
export function odsCodeProblem(kind: OrganisationKind, code: string | null | undefined): string | null {
  if (kind === 'school') return code ? 'a school has a DfE URN, not an ODS code' : null;
  if (!code) return kind === 'gp-practice' ? 'a GP practice must have its ODS code' : null;
  if (kind === 'gp-practice')
    return gpOdsPattern.test(code) ? null : "must be the practice's ODS code: a letter and five digits, such as N82054";
  return odsPattern.test(code) ? null : 'must be an ODS code: 3 to 6 capital letters and digits, such as RBL';
}

/** What is wrong with a DfE URN for this kind, or null. */
export function urnProblem(kind: OrganisationKind, urn: string | null | undefined): string | null {
  if (kind !== 'school') return urn ? 'only a school has a DfE URN' : null;
  if (!urn) return 'a school must have its DfE URN';
  return urnPattern.test(urn) ? null : 'must be the 6 digits of the DfE Unique Reference Number, such as 105080';
}

/** What is wrong with where an organisation is based, against the authority it partners. */
export function basedInProblem(
  kind: OrganisationKind,
  basedIn: string | null | undefined,
  authority: string | null,
): string | null {
  if (kind !== 'cross-border') return basedIn ? 'only a cross-border agency is based in another authority' : null;
  if (!basedIn) return 'say where the agency is based: the ONS code of its Welsh or neighbouring authority';
  if (!basedInPattern.test(basedIn)) return 'must be an ONS authority code, such as W06000006 or E06000050';
  return basedIn === authority ? 'a cross-border agency is based outside the authority it works with' : null;
}

export const organisationStages = ['proposed', 'in-progress', 'accredited', 'suspended', 'withdrawn'] as const;
export type OrganisationStage = (typeof organisationStages)[number];

export const stageLabels: Record<OrganisationStage, string> = {
  proposed: 'Proposed',
  'in-progress': 'In progress',
  accredited: 'Accredited',
  suspended: 'Suspended',
  withdrawn: 'Withdrawn',
};

/** What may be done to an organisation's accreditation; `propose` makes the entry. */
export const stageActions = [
  'propose',
  'start',
  'prepare',
  'accredit',
  'suspend',
  'reinstate',
  'withdraw',
  'stop',
  'propose-again',
] as const;
export type StageAction = (typeof stageActions)[number];

export interface StageRule {
  action: StageAction;
  /** What the button says. */
  label: string;
  /** The stages it may be taken from (none: it makes the entry). */
  from: readonly OrganisationStage[];
  to: OrganisationStage;
  /** Roles that take it for any authority's organisations. */
  anywhere: readonly Role[];
  /** Roles that take it only for organisations of their own authority. */
  ownAuthority: readonly Role[];
  /** What the step must carry. */
  needs: readonly ('responsibleOfficer' | 'evidence')[];
}

const team = { anywhere: ['national-admin'], ownAuthority: ['la-team'] } as const;
const accreditors = { anywhere: ['national-admin', 'data-manager'], ownAuthority: [] } as const;

/**
 * The one table of the process. The authority's team proposes and prepares; a national
 * administrator or data manager accredits, suspends, reinstates and withdraws
 * (domain/separation-of-duties.ts, `organisation-accredit`); whoever proposed or
 * prepared an organisation may not accredit it.
 */
export const stageRules: readonly StageRule[] = [
  { action: 'propose', label: 'Propose an organisation', from: [], to: 'proposed', ...team, needs: [] },
  {
    action: 'start',
    label: 'Mark in progress',
    from: ['proposed'],
    to: 'in-progress',
    ...team,
    needs: ['responsibleOfficer'],
  },
  {
    action: 'prepare',
    label: 'Record preparation',
    from: ['in-progress'],
    to: 'in-progress',
    ...team,
    needs: [],
  },
  { action: 'accredit', label: 'Accredit', from: ['in-progress'], to: 'accredited', ...accreditors, needs: [] },
  { action: 'suspend', label: 'Suspend', from: ['accredited'], to: 'suspended', ...accreditors, needs: ['evidence'] },
  {
    action: 'reinstate',
    label: 'Reinstate',
    from: ['suspended'],
    to: 'accredited',
    ...accreditors,
    needs: ['evidence'],
  },
  {
    action: 'withdraw',
    label: 'Withdraw accreditation',
    from: ['accredited', 'suspended'],
    to: 'withdrawn',
    ...accreditors,
    needs: ['evidence'],
  },
  {
    action: 'stop',
    label: 'Stop the proposal',
    from: ['proposed', 'in-progress'],
    to: 'withdrawn',
    anywhere: ['national-admin', 'data-manager'],
    ownAuthority: ['la-team'],
    needs: ['evidence'],
  },
  { action: 'propose-again', label: 'Propose again', from: ['withdrawn'], to: 'proposed', ...team, needs: [] },
];

export function stageRuleFor(action: StageAction): StageRule {
  const rule = stageRules.find((r) => r.action === action);
  if (!rule) throw new Error(`No stage rule for ${action}`);
  return rule;
}

/** Whether a holder of `roles` in `actorAuthority` may take `rule` on an organisation of `orgAuthority`. */
export function mayTakeStep(
  rule: StageRule,
  roles: readonly Role[],
  actorAuthority: string | null,
  orgAuthority: string | null,
): boolean {
  if (roles.some((r) => rule.anywhere.includes(r))) return true;
  return roles.some((r) => rule.ownAuthority.includes(r)) && actorAuthority !== null && actorAuthority === orgAuthority;
}

/** The steps a holder of `roles` may take on an organisation at `stage` (before the service's independence check). */
export function nextSteps(
  stage: OrganisationStage,
  roles: readonly Role[],
  actorAuthority: string | null,
  orgAuthority: string | null,
): StageRule[] {
  return stageRules.filter((r) => r.from.includes(stage) && mayTakeStep(r, roles, actorAuthority, orgAuthority));
}

/** The longest evidence note or officer's name the directory keeps. */
export const evidenceMax = 300;
export const officerMax = 120;
