// The training accounts: one for each role, and some that are refused on purpose so a
// trainer can show what each refusal looks like. Training data only: these passwords
// and TOTP secrets are public (the README lists them) and exist only in training mode.
import type { Organisation, Role } from '../../domain/roles.js';
import { CHESHIRE_WEST_AND_CHESTER, WIRRAL } from './places.js';

export interface TrainingAccount {
  id: string;
  name: string;
  roles: Role[];
  organisationId: string;
  localAuthority: string | null;
  password: string;
  /** RFC 6238 secret, base32: what a trainee types into an authenticator app. */
  totpSecret: string;
  contact: { phone?: string; email?: string };
  /** Years since the enhanced check, counted back from the day the service starts. */
  enhancedCheckYearsAgo: number | null;
  trainingCompleted: boolean;
  agreementSigned: boolean;
  suspended: boolean;
  /** What the account is for, as the README shows it. */
  purpose: string;
}

export const trainingOrganisations: readonly Organisation[] = [
  {
    id: 'org-gp-training',
    name: 'Seacombe Training Medical Centre',
    kind: 'gp-practice',
    accredited: true,
    localAuthority: WIRRAL.code,
    supplier: null,
  },
  {
    id: 'org-wirral',
    name: 'Wirral Council Children’s Services',
    kind: 'local-authority',
    accredited: true,
    localAuthority: WIRRAL.code,
    supplier: null,
  },
  {
    id: 'org-cheshire-west',
    name: 'Cheshire West and Chester Council Children’s Services',
    kind: 'local-authority',
    accredited: true,
    localAuthority: CHESHIRE_WEST_AND_CHESTER.code,
    supplier: null,
  },
  {
    id: 'org-national',
    name: 'ContactPoint National Service',
    kind: 'national',
    accredited: true,
    localAuthority: null,
    supplier: null,
  },
  {
    id: 'org-nhs-supplier',
    name: 'NHS registrations feed',
    kind: 'supplier',
    accredited: true,
    localAuthority: null,
    supplier: 'nhs',
  },
  {
    id: 'org-unaccredited',
    name: 'Unaccredited Training Charity',
    kind: 'voluntary',
    accredited: false,
    localAuthority: WIRRAL.code,
    supplier: null,
  },
];

const base = { enhancedCheckYearsAgo: 1, trainingCompleted: true, agreementSigned: true, suspended: false };

export const trainingAccounts: readonly TrainingAccount[] = [
  {
    ...base,
    id: 'trn-practitioner',
    name: 'Alex Morgan',
    roles: ['practitioner'],
    organisationId: 'org-gp-training',
    localAuthority: WIRRAL.code,
    password: 'Practitioner-Training-1',
    totpSecret: 'VYR7FI5JCLKGRDGLEKXD3PISTXCXCBP5',
    contact: { phone: '0151 496 0000', email: 'alex.morgan@training.invalid' },
    purpose: 'GP practice receptionist: search, read, record involvement',
  },
  {
    ...base,
    id: 'trn-child-protection',
    name: 'Sam Taylor',
    roles: ['practitioner', 'child-protection'],
    organisationId: 'org-wirral',
    localAuthority: WIRRAL.code,
    password: 'ChildProtection-Training-1',
    totpSecret: '5PB3SOZW6BSKTMLIRURISZBJ3DVMPOFL',
    contact: { phone: '0151 496 0001', email: 'sam.taylor@training.invalid' },
    purpose: 'Social worker with child-protection duties: may override a shield',
  },
  {
    ...base,
    id: 'trn-la-team',
    name: 'Jordan Lee',
    roles: ['la-team'],
    organisationId: 'org-wirral',
    localAuthority: WIRRAL.code,
    password: 'LaTeam-Training-1',
    totpSecret: 'F7NCEMVYFXMLSMNMRZZO4DXI2GS3PAMS',
    contact: { phone: '0151 496 0002', email: 'jordan.lee@training.invalid' },
    purpose: 'Wirral ContactPoint team: sync, cleanse, shields, match reviews',
  },
  {
    ...base,
    id: 'trn-la-team-2',
    name: 'Casey Brooks',
    roles: ['la-team'],
    organisationId: 'org-wirral',
    localAuthority: WIRRAL.code,
    password: 'LaTeamSecond-Training-1',
    totpSecret: 'RIFAKJIVJ2BP6PA5GTS34EYZF3AJZAGY',
    contact: { phone: '0151 496 0009', email: 'casey.brooks@training.invalid' },
    purpose: 'A second member of the Wirral team: the independent second person for shields and accounts',
  },
  {
    ...base,
    id: 'trn-la-team-cwac',
    name: 'Morgan Price',
    roles: ['la-team'],
    organisationId: 'org-cheshire-west',
    localAuthority: CHESHIRE_WEST_AND_CHESTER.code,
    password: 'LaTeamCwac-Training-1',
    totpSecret: 'NC66ECHRRBFCGRL5EFQCWC5YEZDZG6LA',
    contact: { phone: '01244 496 003', email: 'morgan.price@training.invalid' },
    purpose: 'Cheshire West and Chester ContactPoint team (the neighbouring authority)',
  },
  {
    ...base,
    id: 'trn-data-manager',
    name: 'Chris Patel',
    roles: ['data-manager'],
    organisationId: 'org-wirral',
    localAuthority: WIRRAL.code,
    password: 'DataManager-Training-1',
    totpSecret: 'HQE5GLNWXFKWOA7JBBJU2L3TFYNZO5SC',
    contact: { phone: '0151 496 0004', email: 'chris.patel@training.invalid' },
    purpose: 'Data manager: audit review, archive access',
  },
  {
    ...base,
    id: 'trn-national-admin',
    name: 'Robin Hughes',
    roles: ['national-admin'],
    organisationId: 'org-national',
    localAuthority: null,
    password: 'NationalAdmin-Training-1',
    totpSecret: 'GATVL7644OB662YRALGU6NC5NA64SPHV',
    contact: { email: 'robin.hughes@training.invalid' },
    purpose: 'National administrator: accounts, organisations, lifecycle runs',
  },
  {
    ...base,
    id: 'trn-supplier-nhs',
    name: 'NHS registrations feed',
    roles: ['supplier-system'],
    organisationId: 'org-nhs-supplier',
    localAuthority: null,
    password: 'SupplierNhs-Training-1',
    totpSecret: '22CWPZ5IX7VG446HN5MF442PGO4UHSZ2',
    contact: {},
    enhancedCheckYearsAgo: null,
    purpose: 'A national supplier’s system: supplies records only',
  },
  {
    ...base,
    id: 'trn-suspended',
    name: 'Dana Suspended',
    roles: ['practitioner'],
    organisationId: 'org-gp-training',
    localAuthority: WIRRAL.code,
    password: 'Suspended-Training-1',
    totpSecret: 'AQL2Q7SNYKYSA5KSVYBUBB6TPBPS5EEU',
    contact: {},
    suspended: true,
    purpose: 'Refused: account suspended',
  },
  {
    ...base,
    id: 'trn-unaccredited',
    name: 'Eli Unaccredited',
    roles: ['practitioner'],
    organisationId: 'org-unaccredited',
    localAuthority: WIRRAL.code,
    password: 'Unaccredited-Training-1',
    totpSecret: 'B6ARVGWW5Z66VXWOVYGIB3MDT74F7PYR',
    contact: {},
    purpose: 'Refused: organisation not accredited',
  },
  {
    ...base,
    id: 'trn-check-expired',
    name: 'Frankie Expired',
    roles: ['practitioner'],
    organisationId: 'org-gp-training',
    localAuthority: WIRRAL.code,
    password: 'CheckExpired-Training-1',
    totpSecret: '4J6T7QEDKF3AV7Y3EWF56ENQ4VRAWNCD',
    contact: {},
    enhancedCheckYearsAgo: 4,
    purpose: 'Refused: enhanced criminal records check over 3 years old',
  },
  {
    ...base,
    id: 'trn-no-training',
    name: 'Gene Untrained',
    roles: ['practitioner'],
    organisationId: 'org-gp-training',
    localAuthority: WIRRAL.code,
    password: 'NoTraining-Training-1',
    totpSecret: 'WURDES24U4ISZ7KZVD5XXIDKI3X6YRA3',
    contact: {},
    trainingCompleted: false,
    purpose: 'Refused: mandatory training not completed',
  },
  {
    ...base,
    id: 'trn-no-agreement',
    name: 'Harper Unsigned',
    roles: ['practitioner'],
    organisationId: 'org-gp-training',
    localAuthority: WIRRAL.code,
    password: 'NoAgreement-Training-1',
    totpSecret: 'FQNAJ4VWMW56TSQ5ZJZXBCE65PXAZOVH',
    contact: {},
    agreementSigned: false,
    purpose: 'Refused: end-user agreement not signed',
  },
];
