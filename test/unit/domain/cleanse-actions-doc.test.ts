// docs/cleansing.md says, per rule, what closes a task: the table is generated from
// domain/cleanse/actions.ts, so an action changed in code and not in the document (or the
// other way round) fails here; and every rule has at least one way to close its tasks.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  decisionNoteProblem,
  decisionOf,
  decisionsFor,
  RULE_ACTIONS,
  ruleActionsMarkdown,
} from '../../../domain/cleanse/actions.js';
import { RULE_IDS } from '../../../domain/cleanse/rules.js';

describe('docs/cleansing.md', () => {
  const doc = readFileSync(new URL('../../../docs/cleansing.md', import.meta.url), 'utf8');
  it('holds the per-rule action table exactly as the code has it', () => {
    expect(doc).toContain(ruleActionsMarkdown());
  });
  it('has a row for every rule', () => {
    for (const id of RULE_IDS) expect(doc).toContain(`| \`${id}\` |`);
  });
});

describe('rule actions', () => {
  it('gives every rule a correction or a merge, and one other way to close it', () => {
    for (const id of RULE_IDS) {
      const kinds = RULE_ACTIONS[id].map((a) => a.kind);
      expect(
        kinds.some((k) => k === 'correction' || k === 'merge'),
        id,
      ).toBe(true);
      expect(
        kinds.some((k) => k === 'decision' || k === 'referral'),
        id,
      ).toBe(true);
    }
  });
  it('never offers a merge or a pair decision in bulk', () => {
    for (const id of ['possible-duplicate', 'possible-duplicate-of-shielded'] as const) {
      expect(decisionsFor(id)).toEqual([]);
      expect(RULE_ACTIONS[id].every((a) => !a.bulk)).toBe(true);
    }
  });
  it('accepts only a decision on the rule’s own list', () => {
    expect(decisionOf('no-educational-setting', 'home-educated')?.label).toBe('confirmed: home educated');
    expect(decisionOf('invalid-upn', 'home-educated')).toBeNull();
    expect(decisionOf('invalid-upn', 'correct')).toBeNull();
  });
  it('refuses a note that looks like case information, naming the words', () => {
    expect(decisionNoteProblem('Checked with the school office')).toBeNull();
    expect(decisionNoteProblem('mother disclosed abuse')).toMatch(/"abuse"/);
    expect(decisionNoteProblem('x'.repeat(201))).toMatch(/longer than 200/);
  });
});
