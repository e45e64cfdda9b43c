// What closes a task of each cleansing rule (docs/cleansing.md "What closes a task"): a
// correction of named fields, a merge, a decision with a reason from the rule's own list,
// or a referral to a supplier, a service or another authority. The desktop offers exactly
// these, the worker accepts only a decision on the task's rule's list, and the document's
// table is generated from here (test/unit/domain/cleanse-actions-doc.test.ts).
import { caseWords, RULE_IDS, RULES, type RuleId } from './rules.js';

export type RuleActionKind = 'correction' | 'merge' | 'decision' | 'referral';

export interface RuleAction {
  kind: RuleActionKind;
  /** A decision's or referral's id, stored with the closed task; a correction's is "correct". */
  id: string;
  /** What the person chooses, and what the closed task says. */
  label: string;
  /** For a correction: the fields of the record it changes ("Correct this record"). */
  fields?: string[];
  /** May be applied to several selected tasks at once. Never a merge or a pair's decision. */
  bulk: boolean;
}

const correct = (fields: string[]): RuleAction => ({
  kind: 'correction',
  id: 'correct',
  label: 'Correct this record',
  fields,
  bulk: false,
});
const decision = (id: string, label: string, bulk = true): RuleAction => ({ kind: 'decision', id, label, bulk });
const referral = (id: string, label: string): RuleAction => ({ kind: 'referral', id, label, bulk: true });
const toSupplier = referral('referred-to-supplier', 'referred to the supplier to correct its feed');

export const RULE_ACTIONS: Record<RuleId, RuleAction[]> = {
  'possible-duplicate-of-shielded': [
    { kind: 'merge', id: 'merge', label: 'merge, choosing the value to keep for each field', bulk: false },
    decision('different-children', 'not a duplicate: different children', false),
  ],
  'possible-duplicate': [
    { kind: 'merge', id: 'merge', label: 'merge, choosing the value to keep for each field', bulk: false },
    decision('different-children', 'not a duplicate: different children', false),
  ],
  'invalid-nhs-number': [correct(['identifiers.nhsNumber']), toSupplier],
  'invalid-upn': [correct(['identifiers.upn']), toSupplier],
  'invalid-postcode': [
    correct(['address.postcode', 'parents.*.contact.address.postcode', 'education', 'gp']),
    toSupplier,
  ],
  'missing-without-not-known': [
    correct(['name.given', 'name.family', 'gender', 'dob', 'whereabouts', 'address', 'intendsToReturn']),
    decision('confirmed-not-known', 'confirmed not known'),
  ],
  'supplier-discrepancy': [
    correct(['dob', 'gender', 'name.given', 'name.family', 'address']),
    decision('record-is-right', "confirmed: the record's value is right"),
    decision('other-supplier-right', 'confirmed: the other supplier is right, its next supply will correct it'),
    toSupplier,
  ],
  'possible-case-information': [
    correct(['address.lines', 'parents.*.name', 'education.name', 'gp.name', 'involvements.*']),
    decision('not-case-information', 'confirmed: not case information (a name or place)'),
  ],
  'no-educational-setting': [
    correct(['education']),
    decision('home-educated', 'confirmed: home educated'),
    decision('left-area', 'confirmed: moved to another authority'),
    referral('referred-to-education-welfare', 'referred to the education welfare service (child missing education)'),
  ],
  'no-nhs-number': [
    correct(['identifiers.nhsNumber']),
    decision('confirmed-not-known', 'confirmed not known: no NHS number can be traced'),
    referral('referred-for-tracing', 'referred to the health supplier to trace the NHS number'),
  ],
  'no-gp-practice': [
    correct(['gp']),
    decision('confirmed-not-known', 'confirmed not known: not registered with a GP practice'),
    referral('referred-to-health', 'referred to the health visiting or school nursing service to help register'),
  ],
  'deceased-not-archived': [
    correct(['dateOfDeath']),
    decision('death-confirmed', 'confirmed: date of death is right, the archive run will take it'),
  ],
  'archive-due': [
    correct(['archiveAge', 'archiveConsent']),
    decision('archive-as-due', 'confirmed: archive at the due age'),
  ],
  'stale-involvement': [
    correct(['involvements.*.endDate']),
    decision('still-involved', 'confirmed: the service is still involved'),
    referral('referred-to-service', 'referred to the service to end its involvement'),
  ],
};

/** A decision or referral on this rule's list, or null. */
export function decisionOf(rule: RuleId, id: string): RuleAction | null {
  return RULE_ACTIONS[rule].find((a) => (a.kind === 'decision' || a.kind === 'referral') && a.id === id) ?? null;
}

/** The decisions and referrals that can close tasks of this rule from the queue. */
export function decisionsFor(rule: RuleId): RuleAction[] {
  return RULE_ACTIONS[rule].filter((a) => (a.kind === 'decision' || a.kind === 'referral') && a.bulk);
}

export const DECISION_NOTE_MAX = 200;

/** Why a decision's note cannot be kept, or null: a note holds no case information. */
export function decisionNoteProblem(note: string): string | null {
  if (note.length > DECISION_NOTE_MAX) return `The note is longer than ${DECISION_NOTE_MAX} characters.`;
  const words = caseWords(note);
  if (words.length > 0)
    return `The note looks like case information (${words.map((w) => `"${w}"`).join(', ')}): ContactPoint holds none. Say only what was checked and with whom.`;
  return null;
}

const KIND_LABEL: Record<RuleActionKind, string> = {
  correction: 'correction',
  merge: 'merge',
  decision: 'decision',
  referral: 'referral',
};

function cell(a: RuleAction): string {
  const what = a.kind === 'correction' ? `of ${(a.fields ?? []).map((f) => `\`${f}\``).join(', ')}` : `"${a.label}"`;
  return `${KIND_LABEL[a.kind]} ${what}${a.bulk ? ' (bulk)' : ''}`;
}

/** The table in docs/cleansing.md, one row a rule. */
export function ruleActionsMarkdown(): string {
  return [
    '| rule | title | what closes a task |',
    '|---|---|---|',
    ...RULE_IDS.map((id) => `| \`${id}\` | ${RULES[id].title} | ${RULE_ACTIONS[id].map(cell).join('; ')} |`),
  ].join('\n');
}
