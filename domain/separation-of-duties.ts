// Separation of duties (docs/security.md "Separation of duties"): the one table of who
// may start which sensitive action, who must complete it, and what no single person can
// do. The service enforces it (service/accounts/account-requests.ts, shields) and the
// tests iterate it (test/integration/service/http/separation-of-duties.test.ts), so a new
// row is enforced and tested or the tests fail.
//
// The promise: no sequence of calls by one person lifts a shield, grants override
// powers (or any power to see shielded data) or yields another person's working
// credentials. Each row that could do so needs a second person who is independent of
// the first: not the same account, not the account the action is about, and not an
// account whose credentials or powers either of them took part in issuing.
import { managementRoles, type Role } from './roles.js';

export type DualDuty =
  | 'account-create'
  | 'token-reset'
  | 'card-enrol'
  | 'role-grant'
  | 'unshield'
  | 'match-different'
  | 'organisation-accredit';

/** Who may act: every authority's accounts and children, or only their own authority's. */
export interface Actors {
  /** Roles that act on any authority. */
  anywhere: readonly Role[];
  /** Roles that act only on their own authority's accounts (holding only team-grantable roles) or children. */
  ownAuthority: readonly Role[];
}

export interface DualDutyRule {
  duty: DualDuty;
  /** What it does, for the table in docs/security.md. */
  what: string;
  /** Who may ask for it. */
  start: Actors;
  /** Who may give the second approval: someone independent of whoever asked. */
  confirm: Actors;
  /** What completes it after the approval. */
  completes: 'holder-activates' | 'on-approval';
  /** Why one person must not do it alone. */
  why: string;
}

/** Roles that carry a power over shielded children: overriding a shield, seeing shielded data, or managing accounts. */
export const powerRoles: readonly Role[] = ['child-protection', ...managementRoles];

const managers: Actors = { anywhere: ['national-admin'], ownAuthority: ['la-team'] };
const credentialConfirmers: Actors = { anywhere: ['national-admin', 'data-manager'], ownAuthority: ['la-team'] };

export const dualDuties: readonly DualDutyRule[] = [
  {
    duty: 'account-create',
    what: 'Create an account (it holds no credential until its holder activates it)',
    start: managers,
    confirm: credentialConfirmers,
    completes: 'holder-activates',
    why: "An account whose credentials its creator holds is a second identity for the creator: it could approve the creator's own requests.",
  },
  {
    duty: 'token-reset',
    what: 'Replace a lost security token: the old password and token stop at once; new ones only by activation',
    start: managers,
    confirm: credentialConfirmers,
    completes: 'holder-activates',
    why: "Whoever sets a colleague's new password and token can sign in as the colleague.",
  },
  {
    duty: 'card-enrol',
    what: 'Enrol a smartcard for an account: the holder activates it with the card itself',
    start: managers,
    confirm: credentialConfirmers,
    completes: 'holder-activates',
    why: "Whoever registers their own card as a colleague's signs in as the colleague (a child-protection user can override shields).",
  },
  {
    duty: 'role-grant',
    what: `Add a role with power over shielded children (${powerRoles.join(', ')}) to an existing account`,
    start: { anywhere: ['national-admin'], ownAuthority: [] },
    confirm: { anywhere: ['national-admin', 'data-manager'], ownAuthority: [] },
    completes: 'on-approval',
    why: 'Granting override or management powers alone would let one administrator give them to anyone, themselves included.',
  },
  {
    duty: 'unshield',
    what: 'Remove a shield',
    start: { anywhere: ['data-manager'], ownAuthority: ['la-team'] },
    confirm: { anywhere: ['data-manager'], ownAuthority: ['la-team'] },
    completes: 'on-approval',
    why: 'A mistaken removal reveals where a child at risk lives.',
  },
  {
    duty: 'match-different',
    what: 'Settle a match review against a shielded or shield-pending child as "different children" (it can end a pending shield); a second person who decides "same child" sends it to a data manager, independent of both',
    start: { anywhere: ['data-manager'], ownAuthority: ['la-team'] },
    confirm: { anywhere: ['data-manager'], ownAuthority: ['la-team'] },
    completes: 'on-approval',
    why: "If the two records are one shielded child, ending the new record's pending shield shows the child's new address to anyone who may find it.",
  },
  {
    duty: 'organisation-accredit',
    what: "Accredit a partner organisation: its authority's team proposes it and prepares it (the responsible officer, the agreement signed, the evidence); someone who neither proposed nor prepared it accredits it (domain/organisation-stages.ts)",
    start: { anywhere: ['national-admin'], ownAuthority: ['la-team'] },
    confirm: { anywhere: ['national-admin', 'data-manager'], ownAuthority: [] },
    completes: 'on-approval',
    why: "Accreditation lets an organisation's people be given access: whoever gathered the evidence should not also be the one to judge it.",
  },
];

/** Actions one person may take alone, and why that is safe: listed so the table in docs/security.md is whole. */
export const singleDuties: readonly { action: string; who: string; why: string }[] = [
  {
    action: 'Apply a shield',
    who: 'la-team (own authority), data-manager',
    why: 'It only hides more; audited with a reason.',
  },
  {
    action: 'Override a shield for one record',
    who: 'child-protection',
    why: "The brief's emergency power: warned first, visible only while on the record, audited and raised to the management team at once.",
  },
  {
    action: 'Suspend, close, unlock an account; revoke a card; record vetting, training, agreement',
    who: 'national-admin, la-team (own authority)',
    why: 'They take access away or confirm facts; none yields a credential. Nobody changes these of their own account.',
  },
  { action: 'Remove roles from an account', who: 'national-admin', why: 'It only takes power away.' },
  {
    action: 'Settle a match review as "same child", or one against no shielded or shield-pending child',
    who: 'la-team (own authority), data-manager',
    why: 'A merge keeps either shield on the survivor; unlinking two unshielded, unpending children ends no pending shield.',
  },
  {
    action: "Suspend, reinstate or withdraw an organisation's accreditation",
    who: 'national-admin, data-manager',
    why: "Suspending and withdrawing take access away; reinstating restores an accreditation two people gave, and lets no one sign in: every account still needs two people and its holder. Never one's own organisation.",
  },
  {
    action: 'Propose a partner organisation, prepare it, or stop a proposal',
    who: 'national-admin, la-team (own authority); data-manager also stops',
    why: 'None of them gives access: only accreditation does, by someone else.',
  },
  {
    action: 'Activate an account, token or card',
    who: 'the holder, with both halves of the activation code',
    why: 'The holder chooses the password and receives the token secret, or proves the card; the two people who approved each hold only half the code.',
  },
];

export function ruleFor(duty: DualDuty): DualDutyRule {
  const rule = dualDuties.find((r) => r.duty === duty);
  if (!rule) throw new Error(`No separation-of-duties rule for ${duty}`);
  return rule;
}

/** Whether a holder of `roles` (in `actorAuthority`) may take this part of a duty on something in `targetAuthority`. */
export function mayTakePart(
  actors: Actors,
  roles: readonly Role[],
  actorAuthority: string | null,
  targetAuthority: string | null,
): boolean {
  if (roles.some((r) => actors.anywhere.includes(r))) return true;
  return (
    roles.some((r) => actors.ownAuthority.includes(r)) && actorAuthority !== null && actorAuthority === targetAuthority
  );
}

const whoOf = (a: Actors) => [...a.anywhere, ...a.ownAuthority.map((r) => `${r} (own authority)`)].join(', ') || '—';

/** The two tables as docs/security.md shows them; a test holds the document to this text. */
export function separationOfDutiesMarkdown(): string {
  const lines = [
    '| duty | what | asked by | confirmed by (independent of the asker) | then | why not one person |',
    '|---|---|---|---|---|---|',
    ...dualDuties.map(
      (r) =>
        `| \`${r.duty}\` | ${r.what} | ${whoOf(r.start)} | ${whoOf(r.confirm)} | ${r.completes === 'holder-activates' ? 'the holder activates with both halves' : 'takes effect'} | ${r.why} |`,
    ),
    '',
    '| one person may | who | why that is safe |',
    '|---|---|---|',
    ...singleDuties.map((r) => `| ${r.action} | ${r.who} | ${r.why} |`),
  ];
  return lines.join('\n');
}
