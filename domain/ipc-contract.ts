// The contract between the renderer (untrusted) and the main process: every channel
// has a request schema that main validates and a response type that the renderer
// relies on. Shared by preload (types), main (validation) and renderer (types only).
import { historyViewSchema } from './api/mi-history.js';
import { rolloutViewSchema } from './api/rollout.js';
import { subjectAccessReportSchema } from './api/subject-access.js';
import { z } from 'zod';
import type { Span } from './timing.js';
import {
  childSearchResponseSchema,
  involvementResponseSchema,
  recordInvolvementBodySchema,
  recordViewSchema,
  updateInvolvementBodySchema,
} from './api/records.js';
import { referralChannels } from './api/referrals.js';
import { helpdeskChannels } from './management/helpdesk.js';
import { cpNumberSchema } from './child-record.js';
import {
  correctionCheckedSchema,
  correctionConflictSchema,
  correctionRequests,
  correctionViewSchema,
} from './correction-check.js';
import { roleSchema } from './roles.js';
import {
  localSearchAnswerSchema,
  sendSummarySchema,
  syncRunSchema,
  taskSchema,
  workingSetStatusSchema,
} from './working-set.js';
import {
  endTaskRequestSchema,
  openRecordRequestSchema,
  startTaskRequestSchema,
  taskSessionSchema,
  workingSetRecordSchema,
} from './working-set-access.js';
import {
  accountRequestSchema,
  accountSchema,
  alertSchema,
  confirmedRequestSchema,
  archivedSchema,
  auditCheckpointViewSchema,
  auditPageSchema,
  auditRangeVerdictSchema,
  auditVerifySchema,
  createdAccountSchema,
  lapsingSchema,
  managementInformationSchema,
  managementRequests,
  organisationDetailSchema,
  organisationSchema,
  signalSchema,
  transferSchema,
  unshieldRequestSchema,
} from './management/views.js';
import {
  importOutcomeSchema,
  practitionerRequests,
  practitionerSchema,
  readinessTaskSchema,
  requestedAccountSchema,
} from './management/practitioners.js';
import {
  labelFiguresSchema,
  matchReviewAgreementSchema,
  matchReviewItemSchema,
  matchReviewPairSchema,
  matchReviewRequests,
  matchReviewResolvedSchema,
  secondLookAskedSchema,
} from './match-review.js';
import {
  adapterRequests,
  adapterStatusSchema,
  chosenFileSchema,
  loadProblemsSchema,
  loadRowsSchema,
  loadSummarySchema,
  previewSchema,
  profileEntrySchema,
} from './adapter/views.js';
import {
  cleanseQueueHistorySchema,
  cleanseResolutionSchema,
  cleanseResolvedSchema,
  cleanseStatusSchema,
  cleanseTaskDetailSchema,
  cleanseTaskPageSchema,
  teamSchema,
} from './cleanse/views.js';

export const errorCodes = [
  'invalid-payload',
  'unknown-channel',
  'untrusted-sender',
  'internal-error',
  // The national index service
  'service-unreachable',
  'service-error',
  /** The computer's clock and the service's disagree by more than a signature allows. */
  'clock-skew',
  /** No live session: signed out, locked, or the session ended or expired (sign in again). */
  'signed-out',
  'session-expired',
  /** The service refused: the user's role or account may not do this. */
  'forbidden',
  'not-found',
  /** The service refused the request's content (422/400): the message names the field. */
  'invalid-request',
  /** Somebody else changed it first, or the rule allows one (409). */
  'conflict',
  // Signing in
  'sign-in-refused',
  'card-absent',
  'card-pin-incorrect',
  'card-pin-locked',
  'card-unreadable',
  'card-module-missing',
  // The working set on this computer
  /** The store cannot be opened (its key is missing or wrong, or it is damaged): nothing was deleted. */
  'working-set-unavailable',
  /** The OS credential store, where the working set's key is kept, cannot be used. */
  'credential-store-unavailable',
  /** The working set belongs to another local authority. */
  'other-authority',
  /** The child is not in the working set. */
  'not-held',
  /** A long run (cleansing) was stopped by the person who started it: nothing changed. */
  'cancelled',
  /** A file to load cannot be read as a whole (encoding, quotes, binary, an XML DTD...): the message names the row. */
  'file-unreadable',
  /** A record of the working set opens only in a task session: give the purpose of the work first (workingSet.startTask). */
  'purpose-required',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export interface AppError {
  code: ErrorCode;
  message: string;
  /** card-pin-incorrect: how many tries the card has left before it locks. */
  triesLeft?: number;
}

/**
 * What every call answers. `timing`: main's and the service's spans of this request
 * (durations only, domain/timing.ts), present only when the policy's `debugTiming` is on.
 */
export type Result<T> = { ok: true; value: T; timing?: Span[] } | { ok: false; error: AppError; timing?: Span[] };

const empty = z.object({}).strict();

/** Who users call for help: the machine policy's helpdesk settings (null when none is set). */
export const helpdeskSchema = z.object({
  name: z.string(),
  phone: z.string().optional(),
  hours: z.string().optional(),
});
export type Helpdesk = z.infer<typeof helpdeskSchema>;

export const appInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  trainingMode: z.boolean(),
  helpdesk: helpdeskSchema.nullable(),
  /** The policy's debugTiming: the renderer keeps its spans in the performance timeline. */
  debugTiming: z.boolean(),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

export const serviceStatusSchema = z.object({
  service: z.string(),
  version: z.string(),
  trainingMode: z.boolean(),
});
export type ServiceStatus = z.infer<typeof serviceStatusSchema>;

// ---------------------------------------------------------------------------------
// Sessions and locking

export const signedInUserSchema = z.object({
  id: z.string(),
  name: z.string(),
  roles: z.array(roleSchema),
  organisation: z.object({ id: z.string(), name: z.string() }),
  localAuthority: z.string().nullable(),
});
export type SignedInUser = z.infer<typeof signedInUserSchema>;

export const lockReasonSchema = z.enum(['card-removed', 'idle', 'computer-locked']);
export type LockReason = z.infer<typeof lockReasonSchema>;

export const signOutReasonSchema = z.enum(['signed-out', 'session-expired', 'account-refused']);

/**
 * What main tells the renderer about the session. `locked`: the session key is gone and
 * the server session ended; only a fresh sign-in (PIN or token) opens the screen again.
 */
/** One half of an activation code as handed over: 10 characters, a dash or space allowed in the middle. */
const activationHalf = z
  .string()
  .trim()
  .regex(
    /^[0-9A-Za-z]{5}[-\s]?[0-9A-Za-z]{5}$/,
    'must be the 10 characters of one half of the activation code, such as 7KQ2M-XR4PD',
  );
export const activationRequestSchema = z
  .object({
    userId: z.string().trim().min(1, 'give your user ID').max(64),
    firstHalf: activationHalf,
    secondHalf: activationHalf,
    password: z.string().min(12, 'must be at least 12 characters').max(256),
  })
  .strict();
export const activatedTokenSchema = z.object({
  userId: z.string(),
  totpSecret: z.string().regex(/^[A-Z2-7]+$/),
  otpauthUri: z.string().startsWith('otpauth://'),
});
export type ActivatedToken = z.infer<typeof activatedTokenSchema>;

export const sessionStateSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('signed-out'), reason: signOutReasonSchema.optional() }),
  z.object({
    status: z.literal('signed-in'),
    method: z.enum(['card', 'otp']),
    user: signedInUserSchema,
    expiresAt: z.string(),
    idleMinutes: z.number().int(),
    /**
     * A warning on screen: the idle lock (which "stay signed in" postpones) or the
     * session's end (which nothing postpones) comes in `secondsLeft` seconds.
     */
    warning: z.object({ kind: z.enum(['idle', 'session-end']), secondsLeft: z.number().int().min(0) }).optional(),
  }),
  z.object({
    status: z.literal('locked'),
    reason: lockReasonSchema,
    method: z.enum(['card', 'otp']),
    /** Who was signed in: the lock screen says whose session it was. */
    user: z.object({ id: z.string(), name: z.string() }),
  }),
]);
export type SessionState = z.infer<typeof sessionStateSchema>;

/** A numbered state: the renderer long-polls `session.watch` with the last number it saw. */
export const sessionEventSchema = z.object({ seq: z.number().int().min(0), state: sessionStateSchema });
export type SessionEvent = z.infer<typeof sessionEventSchema>;

export const cardStatusSchema = z.object({
  /** The machine has a working PKCS#11 module. */
  reader: z.enum(['ready', 'module-missing', 'error']),
  present: z.boolean(),
  /** The user ID the inserted card belongs to (from its token label). */
  userId: z.string().optional(),
});
export type CardStatus = z.infer<typeof cardStatusSchema>;

const pin = z.string().regex(/^[0-9]{4,12}$/, 'must be 4 to 12 digits');

// ---------------------------------------------------------------------------------
// Records

const searchText = z.string().max(100).optional();
export const searchRequestSchema = z
  .object({
    surname: searchText,
    forename: searchText,
    dob: searchText,
    postcode: searchText,
    nhsNumber: searchText,
    cpNumber: searchText,
  })
  .strict();

const reason = z.string().trim().min(1, 'give a reason for access').max(500);

export const shieldOverrideRequestSchema = z
  .object({ cpNumber: cpNumberSchema, reason, acknowledgeInvestigation: z.literal(true) })
  .strict();

/**
 * Every channel the renderer may call. `request` is validated in main; `response`
 * is the shape main promises back (validated in tests, trusted at run time).
 */
export const channels = {
  'app.info': { request: empty, response: appInfoSchema },
  'service.status': { request: empty, response: serviceStatusSchema },
  /** Resolves at once if the state changed after `after`, otherwise when it next changes (or after 20 s). */
  'session.watch': { request: z.object({ after: z.number().int().min(-1) }).strict(), response: sessionEventSchema },
  'session.signInCard': { request: z.object({ pin }).strict(), response: sessionStateSchema },
  'session.signInToken': {
    request: z
      .object({
        userId: z.string().trim().min(1).max(64),
        password: z.string().min(1).max(256),
        otp: z.string().regex(/^[0-9]{6}$/, 'must be the 6-digit code from the security token'),
      })
      .strict(),
    response: sessionStateSchema,
  },
  /** The holder activates a new account or replacement token: both halves of the code and their own password; the token secret comes back once. */
  'session.activate': { request: activationRequestSchema, response: activatedTokenSchema },
  'session.signOut': { request: empty, response: sessionStateSchema },
  /** The user did something (key press, click): postpones the idle lock. */
  'session.activity': { request: empty, response: z.object({}) },
  'card.status': { request: empty, response: cardStatusSchema },
  'children.search': { request: searchRequestSchema, response: childSearchResponseSchema },
  'children.read': { request: z.object({ cpNumber: cpNumberSchema, reason }).strict(), response: recordViewSchema },
  'children.shieldOverride': { request: shieldOverrideRequestSchema, response: recordViewSchema },
  'involvements.record': {
    request: z.object({ cpNumber: cpNumberSchema, involvement: recordInvolvementBodySchema }).strict(),
    response: involvementResponseSchema,
  },
  'involvements.update': {
    request: z
      .object({ cpNumber: cpNumberSchema, id: z.string().min(1).max(64), change: updateInvolvementBodySchema })
      .strict(),
    response: involvementResponseSchema,
  },
  // Referrals: a problem with a record reported to the child's authority's team
  ...referralChannels,
  ...helpdeskChannels,
  // The working set (local authority ContactPoint teams only)
  /** The working set, the sync running now (progress) and how the last one ended. */
  'workingSet.status': { request: empty, response: workingSetStatusSchema },
  /** Starts a sync (full the first time, then delta) and answers at once with the status. */
  'workingSet.sync': { request: empty, response: workingSetStatusSchema },
  /** Stops the running sync after the page in hand; everything applied is kept. */
  'workingSet.cancel': { request: empty, response: workingSetStatusSchema },
  'workingSet.history': { request: empty, response: z.array(syncRunSchema) },
  /** Shielded and pending-shielded records come without their postcode, and are matched on the fields a shield leaves visible. */
  'workingSet.search': { request: searchRequestSchema, response: localSearchAnswerSchema },
  /**
   * Starts a task session on a screen with the purpose of the work (the reason for access),
   * ending that screen's earlier one. Records open only in a live task session; it ends with
   * workingSet.endTask, a new one on the screen, signing out or locking.
   */
  'workingSet.startTask': { request: startTaskRequestSchema, response: taskSessionSchema },
  'workingSet.endTask': { request: endTaskRequestSchema, response: z.object({}) },
  /**
   * Opens a record (audited once a task session, with its purpose, before it is returned).
   * A shielded record comes without the fields a shield hides (withheld: true).
   */
  'workingSet.record': { request: openRecordRequestSchema, response: workingSetRecordSchema },
  /** "Show shielded details": the whole record, for a role that may see it (checked in main); audited every time. */
  'workingSet.revealShielded': { request: openRecordRequestSchema, response: workingSetRecordSchema },
  'workingSet.tasks': { request: empty, response: z.array(taskSchema) },
  /** Sends the outbox's waiting changes. */
  'workingSet.send': { request: empty, response: sendSummarySchema },
  /** Deletes the working set on this computer and its key. */
  'workingSet.wipe': { request: z.object({ confirm: z.literal(true) }).strict(), response: workingSetStatusSchema },
  // Cleansing the working set (local authority ContactPoint teams only)
  /** The queues (open tasks per rule), the run in progress and how the last one ended. */
  'cleanse.status': { request: empty, response: cleanseStatusSchema },
  /** The queues' sizes over the last `days` days (default 84), one entry a day recorded. */
  'cleanse.queueHistory': {
    request: z.object({ days: z.number().int().min(1).max(366).optional() }).strict(),
    response: cleanseQueueHistorySchema,
  },
  /** Starts a cleansing run (every rule and duplicate detection) and answers at once. */
  'cleanse.run': { request: empty, response: cleanseStatusSchema },
  /** Stops the run: the queues stay as the last completed run left them. */
  'cleanse.cancel': { request: empty, response: cleanseStatusSchema },
  /** A window of one queue's open tasks. */
  'cleanse.tasks': {
    request: z
      .object({
        rule: z.string().min(1).max(64),
        offset: z.number().int().min(0),
        limit: z.number().int().min(1).max(500),
      })
      .strict(),
    response: cleanseTaskPageSchema,
  },
  /** One task with its record(s) and their provenance, for the side-by-side comparison. */
  /** Needs a live cleansing task session; each record shown is audited once in it; shielded details withheld. */
  'cleanse.task': {
    request: z.object({ id: z.number().int().min(1), taskSession: endTaskRequestSchema.shape.taskSession }).strict(),
    response: cleanseTaskDetailSchema,
  },
  /** Merge a pair, mark pairs "not a duplicate", dismiss or assign tasks. */
  'cleanse.resolve': { request: cleanseResolutionSchema, response: cleanseResolvedSchema },
  /** The team's members a task can be assigned to: the authority's active ContactPoint team accounts. */
  'cleanse.team': { request: empty, response: teamSchema },
  // Correcting a record of the working set (local authority ContactPoint teams only)
  /** Queues a correction as a signed update; its cleansing task closes when the national index accepts it. */
  'correction.submit': { request: correctionRequests.submit, response: correctionViewSchema },
  /** A record's corrections, or a task's, latest first: pending, accepted, conflict or refused. */
  'correction.list': { request: correctionRequests.list, response: z.array(correctionViewSchema) },
  /** A conflict about a correction: the change and the record as held now, to decide field by field. */
  'correction.conflict': { request: correctionRequests.conflict, response: correctionConflictSchema },
  /** The form's draft checked with the national index's own schemas (the renderer holds none). */
  'correction.check': { request: correctionRequests.check, response: correctionCheckedSchema },
  // The national match-review queue (a team's own authority's reviews; a data manager's all)
  /** Open reviews the national service opened itself (supply intake): numbers and scores only. */
  'reviews.list': {
    request: empty,
    response: z.object({ reviews: z.array(matchReviewItemSchema), agreement: matchReviewAgreementSchema.nullable() }),
  },
  /** A doubtful local pair decided to be one child: a second look asked of the national index; the task closes. */
  'reviews.secondLook': { request: matchReviewRequests.secondLook, response: secondLookAskedSchema },
  /** A review side by side, read with the cleansing task session's purpose; shielded details only in `reveal`. */
  'reviews.open': { request: matchReviewRequests.open, response: matchReviewPairSchema },
  /** same-child or different-children, on the national index; kept as a labelled pair. */
  'reviews.resolve': { request: matchReviewRequests.resolve, response: matchReviewResolvedSchema },
  /** Precision of the automatic band on the labelled pairs, and the threshold they suggest. */
  'reviews.labels': { request: empty, response: labelFiguresSchema },
  // The adapter: local data supply (local authority ContactPoint teams only)
  /** The shipped mapping profiles and the team's own. */
  'adapter.profiles': { request: empty, response: z.array(profileEntrySchema) },
  /** Saves a team profile (validated by the profile schema first). */
  'adapter.saveProfile': { request: adapterRequests.profile, response: z.record(z.string(), z.unknown()) },
  'adapter.deleteProfile': { request: adapterRequests.name, response: z.object({ deleted: z.boolean() }) },
  /** Opens the computer's file dialog; the screen gets an id for the file, never its path. */
  'adapter.chooseFile': { request: empty, response: chosenFileSchema },
  /** The file's columns and first rows as the profile maps them (case-information cells withheld). */
  'adapter.preview': { request: adapterRequests.preview, response: previewSchema },
  /** Starts checking the file with the profile; answers at once with the status. */
  'adapter.check': { request: adapterRequests.preview, response: adapterStatusSchema },
  'adapter.status': { request: empty, response: adapterStatusSchema },
  /** Stops the check (nothing kept) or the submission (after the batch in hand). */
  'adapter.cancel': { request: empty, response: adapterStatusSchema },
  'adapter.loads': { request: empty, response: z.array(loadSummarySchema) },
  'adapter.load': { request: adapterRequests.load, response: loadSummarySchema },
  'adapter.problems': { request: adapterRequests.problems, response: loadProblemsSchema },
  'adapter.rows': { request: adapterRequests.rows, response: loadRowsSchema },
  /** Leaves rows out of the submission (or puts them back), before it is sent. */
  'adapter.exclude': { request: adapterRequests.exclude, response: z.object({ changed: z.number().int() }) },
  /** Starts sending a checked load; answers at once with the status. */
  'adapter.submit': { request: adapterRequests.load, response: adapterStatusSchema },
  /** Saves the load's report as CSV where the person chooses (the computer's save dialog). */
  'adapter.exportReport': {
    request: adapterRequests.load,
    response: z.object({ saved: z.boolean(), name: z.string().nullable() }),
  },
  // Management (the local authority's ContactPoint team; the archive for data managers)
  /** Shields a child now, with the reason. */
  'manage.shield': {
    request: managementRequests.shield,
    response: z.object({ cpNumber: z.string(), shielded: z.boolean(), version: z.number() }),
  },
  /** Asks for a shield to be removed: a second member of the team must approve. */
  'manage.requestUnshield': {
    request: managementRequests.shield,
    response: z.object({ request: unshieldRequestSchema }),
  },
  'manage.unshieldRequests': {
    request: managementRequests.unshieldRequests,
    response: z.object({ requests: z.array(unshieldRequestSchema) }),
  },
  'manage.decideUnshield': {
    request: managementRequests.decideUnshield,
    response: z.object({ request: unshieldRequestSchema }).passthrough(),
  },
  /** The accounts of the team's authority. */
  'manage.users': { request: empty, response: z.object({ users: z.array(accountSchema) }) },
  /** The directory of partner organisations with their stage of accreditation. */
  'manage.organisations': { request: empty, response: z.object({ organisations: z.array(organisationSchema) }) },
  /** One organisation: its stage history and the steps the signed-in person may take next. */
  'manage.organisation': {
    request: managementRequests.organisation,
    response: z.object({ organisation: organisationDetailSchema }),
  },
  /** Proposes a partner organisation for the team's authority. */
  'manage.proposeOrganisation': {
    request: managementRequests.proposeOrganisation,
    response: z.object({ organisation: organisationDetailSchema }),
  },
  /** One step of accreditation (start, prepare, accredit, suspend, reinstate, withdraw, stop, propose again). */
  'manage.organisationStep': {
    request: managementRequests.organisationStep,
    response: z.object({ organisation: organisationDetailSchema }),
  },
  /** Creates an account: its first password and security-token secret are shown this once. */
  'manage.createUser': { request: managementRequests.createUser, response: createdAccountSchema },
  /** Requests that need a second person, which the user asked for or may confirm. */
  'manage.accountRequests': { request: empty, response: z.object({ requests: z.array(accountRequestSchema) }) },
  /** Confirm as the second person: for a credential, the second half of the holder's code comes back once. */
  'manage.confirmAccountRequest': { request: managementRequests.accountRequest, response: confirmedRequestSchema },
  'manage.cancelAccountRequest': {
    request: managementRequests.accountRequest,
    response: z.object({ request: accountRequestSchema }),
  },
  /** Suspends, reinstates or closes an account, or records its check, training and agreement. */
  'manage.updateUser': { request: managementRequests.updateUser, response: z.object({ user: accountSchema }) },
  /** The practitioners to ready, in training order, each with what they still need. */
  'manage.practitioners': {
    request: practitionerRequests.list,
    response: z.object({ practitioners: z.array(practitionerSchema) }),
  },
  'manage.addPractitioner': {
    request: practitionerRequests.add,
    response: z.object({ practitioner: practitionerSchema }),
  },
  'manage.updatePractitioner': {
    request: practitionerRequests.update,
    response: z.object({ practitioner: practitionerSchema }),
  },
  /** Reads a CSV the person chooses, checks every row, and sends them only if all are good. */
  'manage.importPractitioners': { request: empty, response: importOutcomeSchema },
  /** Opens the two-person account request for a person who is ready: the first half of the code comes back once. */
  'manage.requestPractitionerAccount': {
    request: practitionerRequests.requestAccount,
    response: requestedAccountSchema,
  },
  /** Lapsing checks and refreshers falling due within 30 days, of people and of accounts. */
  'manage.practitionerTasks': { request: empty, response: z.object({ tasks: z.array(readinessTaskSchema) }) },
  /** Accounts whose accreditation lapses within the days given (or is incomplete). */
  'manage.lapsing': { request: managementRequests.lapsing, response: lapsingSchema },
  'manage.alerts': { request: managementRequests.alerts, response: z.object({ alerts: z.array(alertSchema) }) },
  'manage.acknowledgeAlert': { request: managementRequests.alert, response: alertSchema },
  'manage.closeAlert': { request: managementRequests.closeAlert, response: alertSchema },
  'manage.audit': { request: managementRequests.audit, response: auditPageSchema },
  'manage.auditVerify': { request: empty, response: auditVerifySchema },
  /** The latest signed checkpoint of the audit head, its signature checked in main (null: the service publishes none). */
  'manage.auditCheckpoint': {
    request: empty,
    response: z.object({ checkpoint: auditCheckpointViewSchema.nullable() }),
  },
  /** Downloads the audit range up to the latest checkpoint and checks it there, offline from the service's own verdict. */
  'manage.auditVerifyRange': { request: managementRequests.auditVerifyRange, response: auditRangeVerdictSchema },
  'manage.auditSignals': {
    request: managementRequests.signals,
    response: z.object({ signals: z.array(signalSchema) }),
  },
  /** The archive (data managers): CP numbers, dates and who may open each. */
  'manage.archive': {
    request: managementRequests.archive,
    response: z.object({ records: z.array(archivedSchema), next: z.union([z.string(), z.number()]).nullable() }),
  },
  /** Opens an archived record: a reason, and after its first year a purpose (s.47, serious case review, child-death review). */
  'manage.archiveRead': { request: managementRequests.archiveRead, response: recordViewSchema },
  'manage.transfers': {
    request: managementRequests.transfers,
    response: z.object({ transfers: z.array(transferSchema) }),
  },
  'manage.requestTransfer': {
    request: managementRequests.requestTransfer,
    response: z.object({ transfer: transferSchema }).passthrough(),
  },
  'manage.decideTransfer': {
    request: managementRequests.decideTransfer,
    response: z.object({ transfer: transferSchema }).passthrough(),
  },
  'manage.information': { request: managementRequests.information, response: managementInformationSchema },
  /** Usage and data quality week by week and the daily snapshots: the team's authority, or any or all for a data manager. */
  'manage.informationHistory': { request: managementRequests.history, response: historyViewSchema },
  /** Roll-out progress month by month: the team's authority, or every authority for a data manager. */
  'manage.rollout': { request: managementRequests.rollout, response: rolloutViewSchema },
  /** A data manager's subject-access report of a child (issue 21, item 6): shown, and saved as a PDF if asked. */
  'manage.subjectAccess': {
    request: managementRequests.subjectAccess,
    response: z.object({ report: subjectAccessReportSchema, saved: z.string().nullable() }).strict(),
  },
  /** Saves a table the screen shows (audit, management information) as CSV where the person chooses. */
  'manage.saveCsv': {
    request: managementRequests.saveCsv,
    response: z.object({ saved: z.boolean(), name: z.string().nullable() }),
  },
} as const;

export type Channel = keyof typeof channels;
export type RequestOf<C extends Channel> = z.input<(typeof channels)[C]['request']>;
export type ResponseOf<C extends Channel> = z.output<(typeof channels)[C]['response']>;

export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && Object.hasOwn(channels, name);
}

/** Turns schema issues into one sentence a developer (and a support desk) can act on. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join('.') : 'payload';
      if (issue.code === 'unrecognized_keys') {
        return `${where}: unexpected field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
      }
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}
