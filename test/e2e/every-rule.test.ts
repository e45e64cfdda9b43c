// Every cleansing rule, end to end: one task of each of the fourteen rules goes from open
// to closed through the screens (Chromium through the harness, main's IPC, the working-set
// worker with its encrypted store, key in the real Secret Service, and a real service),
// each with one of the ways docs/cleansing.md lists for its rule: a merge, a correction
// the national index accepts, a decision with its reason, or a referral. Then the national
// record is read back: changed where a correction or merge was sent, untouched where the
// task closed with a decision. axe on every screen.
//
// The training data has no invalid identifiers, case information or deceased children
// (the service validates what it is supplied), so records as a 2009 legacy load would
// have left them are written straight into the service's store before the first sync.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RULE_IDS, RULES, type RuleId } from '../../domain/cleanse/rules.js';
import type { ChildRecord } from '../../domain/child-record.js';
import { cpNumberFromSerial } from '../../domain/cp-number.js';
import { addDays, addYears } from '../../domain/dates.js';
import { insertChildren } from '../../service/records/child-store.js';
import { keyringUnavailable } from '../support/working-set.js';
import { WIRRAL } from '../support/children.js';
import { describeWhere } from '../support/skip.js';
import { startHarness, type Harness } from './harness.js';
import { expectAccessible, expectHeading, signInWithToken } from './journey-support.js';

const skipReason = keyringUnavailable();
const purpose = 'Cleansing the working set';

interface Held {
  version: number;
  record: Record<string, unknown>;
}

describeWhere(skipReason, 'every cleansing rule, one task each, from open to closed through the screens', () => {
  let h: Harness;
  const today = new Date().toISOString().slice(0, 10);
  /** The planted records by what they are for. */
  const planted: Record<string, string> = {};

  const held = async (cp: string): Promise<Held | undefined> =>
    (await h.service!.db.query<Held>('SELECT version, record FROM children WHERE cp_number = $1', [cp]))[0];

  beforeAll(async () => {
    h = await startHarness({ trainingCount: 3000, syncPageSize: 1000 });
    const db = h.service!.db;
    const [template] = await db.query<{ record: ChildRecord }>(
      `SELECT record FROM children WHERE local_authority = $1 AND status = 'active' AND NOT shielded
         AND record->>'whereabouts' = 'current' AND record ? 'gp' AND record ? 'education'
       ORDER BY cp_number LIMIT 1`,
      [WIRRAL],
    );
    const [shielded] = await db.query<{ record: ChildRecord }>(
      `SELECT record FROM children WHERE local_authority = $1 AND status = 'active' AND shielded
         AND record->>'whereabouts' = 'current' ORDER BY cp_number LIMIT 1`,
      [WIRRAL],
    );
    const t = template!.record;
    let serial = 99_300_001;
    // Each its own child (its own name, date of birth and no shared identifier), so that
    // none is a possible duplicate of the template or of another.
    const child = (key: string, given: string, dob: string, patch: Partial<ChildRecord>): ChildRecord => {
      const cpNumber = cpNumberFromSerial(serial++);
      planted[key] = cpNumber;
      return {
        ...t,
        cpNumber,
        name: { given, family: 'Quennell-Ashdown', former: [] },
        dob,
        identifiers: { supplierRefs: [] },
        involvements: [],
        ...patch,
      } as ChildRecord;
    };
    const address = t.address!;
    const legacy = [
      child('nhs', 'Perpetua', '2016-02-11', { identifiers: { nhsNumber: '1234567890', supplierRefs: [] } }),
      child('upn', 'Leopoldine', '2015-05-20', { identifiers: { upn: 'NOTAPUPILNUM', supplierRefs: [] } }),
      child('postcode', 'Wilhelmina', '2014-08-02', { address: { ...address, postcode: 'CH41 XYZ' } }),
      child('missing', 'Evander', '2013-10-30', { gender: '' as ChildRecord['gender'] }),
      child('case', 'Octavian', '2012-03-14', {
        address: { ...address, lines: ['Police House', ...address.lines.slice(1)] },
      }),
      child('deceased', 'Aurelian', '2011-07-07', { dateOfDeath: addDays(today, -500) }),
      // Reaches its archive age of 18 in a fortnight.
      child('archive', 'Seraphina', addDays(addYears(today, -18), 14), {}),
      // An unshielded copy of a shielded child, as a 2009 supply would have made.
      {
        ...shielded!.record,
        cpNumber: (planted.copy = cpNumberFromSerial(serial++)),
        shielded: false,
        name: { ...shielded!.record.name, given: `${shielded!.record.name.given}e` },
      },
    ];
    planted.shielded = shielded!.record.cpNumber;
    await insertChildren(db, legacy, { at: new Date() });
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });

  /** Open a task of the rule from its queue, the purpose given once; returns the task panel's CP numbers. */
  async function openTask(rule: RuleId, cp?: string): Promise<{ id: number; cps: string[] }> {
    const { page } = h;
    await page.getByRole('button', { name: 'Cleansing', exact: true }).click();
    await page.getByRole('button', { name: RULES[rule].title, exact: true }).click();
    const list = page.getByRole('listbox');
    await list.locator('[role=option]').first().waitFor();
    const option = cp ? list.locator('[role=option]').filter({ hasText: cp }) : list.locator('[role=option]').first();
    await option.click();
    const field = page.getByRole('textbox', { name: 'Purpose of this work' });
    if (await field.isVisible().catch(() => false)) {
      await field.fill(purpose);
      await page.getByRole('button', { name: 'Continue' }).click();
    }
    const panel = page.getByTestId('task-panel');
    await panel.getByRole('heading', { level: 3 }).first().waitFor();
    const cps = ((await panel.getByRole('heading', { level: 3 }).first().textContent()) ?? '').match(/CP\d{9}/g)!;
    const { tasks } = (await h.core.workingSet!.call({ op: 'cleanseTasks', rule, offset: 0, limit: 1000 })) as {
      tasks: { id: number; cpNumber: string; otherCpNumber?: string | null }[];
    };
    const task = tasks.find((x) => x.cpNumber === cps[0] && (cps[1] === undefined || x.otherCpNumber === cps[1]))!;
    expect(task, `${rule}: the open task shown`).toBeDefined();
    await expectAccessible(page);
    return { id: task.id, cps };
  }

  async function decide(label: string): Promise<void> {
    const form = h.page.getByTestId('task-panel').getByTestId('task-decision');
    await form.getByLabel(label, { exact: true }).check();
    await form.getByRole('textbox').fill('Checked with the supplier by telephone');
    await form.getByRole('button', { name: 'Record decision' }).click();
    await expect
      .poll(() => h.page.getByTestId('cleanse-notice').textContent())
      .toMatch(new RegExp(`^Closed: ${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/^Referral: /, '')}`));
  }

  /** Correct the record shown, changing the form with `fill`; waits for the national index to accept it. */
  async function correct(fill: () => Promise<void>, changedRows = 1): Promise<void> {
    const { page } = h;
    await page.getByTestId('task-panel').getByRole('button', { name: 'Correct this record' }).click();
    await page.getByTestId('correction-form').waitFor();
    await fill();
    await page.getByTestId('correction-form').getByRole('button', { name: 'Continue' }).click();
    const check = page.getByTestId('correction-check');
    await check.waitFor();
    expect(await check.getByTestId('correction-changes').locator('tbody tr').count()).toBe(changedRows);
    await expectAccessible(page);
    await check.getByRole('button', { name: 'Send the correction' }).click();
    await page.getByTestId('correction-accepted').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('correction-accepted').textContent()).toMatch(/The task is closed/);
    await expectAccessible(page);
  }

  it('closes one task of each of the fourteen rules, and the national index holds what was sent', async () => {
    const { page } = h;
    const ws = h.core.workingSet!;
    await signInWithToken(h, 'trn-la-team');
    await expectHeading(page, 'Working set');
    await page.getByRole('button', { name: 'Start the first sync' }).click();
    await page.getByTestId('sync-result').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Cleansing', exact: true }).click();
    await expectHeading(page, 'Cleansing');
    await page.getByRole('button', { name: 'Run the checks' }).click();
    await page.getByTestId('queues').waitFor({ timeout: 90_000 });
    await expect.poll(async () => ws.cleanse().running, { timeout: 90_000 }).toBe(false);
    await page.getByTestId('cleanse-last-run').waitFor();
    const { queues } = (await ws.call({ op: 'cleanseQueues' })) as unknown as {
      queues: { rule: RuleId; open: number }[];
    };
    // Every rule has work: the test would prove nothing for a rule with an empty queue.
    expect(
      queues
        .filter((q) => q.open > 0)
        .map((q) => q.rule)
        .sort(),
    ).toEqual([...RULE_IDS].sort());
    await expectAccessible(page);

    /** What each rule's task was, how it was closed, and the national record before. */
    const closed: { rule: RuleId; id: number; cps: string[]; before: (Held | undefined)[]; how: string }[] = [];
    const take = async (rule: RuleId, how: string, act: () => Promise<void>, cp?: string) => {
      const { id, cps } = await openTask(rule, cp);
      const before = await Promise.all(cps.map(held));
      await act();
      closed.push({ rule, id, cps, before, how });
    };

    // A merge: the unshielded copy into the shielded child, sent from the outbox.
    await take(
      'possible-duplicate-of-shielded',
      'merge',
      async () => {
        const panel = page.getByTestId('task-panel');
        await panel
          .getByRole('group', { name: 'Which ContactPoint number stays' })
          .getByRole('radio', { name: planted.shielded!, exact: true })
          .check();
        await panel.getByRole('button', { name: `Merge into ${planted.shielded}` }).click();
        await expect.poll(() => page.getByTestId('cleanse-notice').textContent()).toMatch(/will be merged into/);
      },
      planted.copy,
    );
    await take('possible-duplicate', 'decision', async () => {
      await page.getByTestId('task-panel').getByRole('button', { name: 'Not a duplicate' }).click();
      await expect.poll(() => page.getByTestId('cleanse-notice').textContent()).toMatch(/will not come back/);
    });
    await take(
      'invalid-nhs-number',
      'correction',
      () =>
        correct(async () => {
          await page.getByRole('checkbox', { name: 'NHS number not known' }).check();
        }),
      planted.nhs,
    );
    await take(
      'invalid-upn',
      'decision',
      () => decide('Referral: referred to the supplier to correct its feed'),
      planted.upn,
    );
    await take(
      'invalid-postcode',
      'correction',
      () =>
        correct(async () => {
          await page.getByRole('textbox', { name: 'Postcode' }).fill('CH41 1AA');
        }),
      planted.postcode,
    );
    await take(
      'missing-without-not-known',
      'correction',
      () =>
        correct(async () => {
          await page.getByRole('radio', { name: 'Not specified' }).check();
        }),
      planted.missing,
    );
    await take('supplier-discrepancy', 'decision', () => decide("confirmed: the record's value is right"));
    await take(
      'possible-case-information',
      'correction',
      () =>
        correct(async () => {
          const lines = page.getByRole('textbox', { name: 'Address (one line each)' });
          const text = await lines.inputValue();
          await lines.fill(text.split('\n').slice(1).join('\n'));
        }),
      planted.case,
    );
    await take('no-educational-setting', 'decision', () => decide('confirmed: home educated'));
    await take('no-nhs-number', 'decision', () =>
      decide('Referral: referred to the health supplier to trace the NHS number'),
    );
    await take('no-gp-practice', 'correction', () =>
      correct(async () => {
        const notKnown = page.getByRole('checkbox', { name: 'GP practice not known' });
        if (await notKnown.isChecked()) await notKnown.uncheck();
        await page.getByRole('textbox', { name: 'GP practice ODS code' }).fill('N82001');
        await page.getByRole('textbox', { name: 'GP practice name' }).fill('Seacombe Training Medical Centre');
      }),
    );
    await take(
      'deceased-not-archived',
      'decision',
      () => decide('confirmed: date of death is right, the archive run will take it'),
      planted.deceased,
    );
    await take(
      'archive-due',
      'correction',
      () =>
        correct(async () => {
          await page.getByRole('radio', { name: '19: Connexions, with consent' }).check();
          await page.getByRole('checkbox', { name: 'Consent to keeping the record past 18 is recorded' }).check();
        }, 2),
      planted.archive,
    );
    await take('stale-involvement', 'decision', () => decide('confirmed: the service is still involved'));
    await h.screenshot('56-cleansing-every-rule-closed');

    // The merge waits in the outbox until the team sends the changes.
    await page.getByRole('button', { name: 'Working set', exact: true }).click();
    await page.getByRole('button', { name: /^Send \d+ waiting change/ }).click();
    await expect.poll(async () => (await held(planted.copy!)) === undefined, { timeout: 30_000 }).toBe(true);

    expect(closed.map((c) => c.rule).sort()).toEqual([...RULE_IDS].sort());
    for (const [i, c] of closed.entries()) {
      const { tasks } = (await ws.call({ op: 'cleanseTasks', rule: c.rule, offset: 0, limit: 1000 })) as {
        tasks: { id: number }[];
      };
      expect(
        tasks.some((t) => t.id === c.id),
        `${c.rule}: task ${c.id} still open`,
      ).toBe(false);
      // A child may be in the tasks of several rules: what later steps sent to it counts too.
      const sentLater = (cp: string) =>
        closed.slice(i + 1).filter((l) => l.how !== 'decision' && l.how !== 'merge' && l.cps[0] === cp).length;
      const after = await Promise.all(c.cps.map(held));
      if (c.how === 'decision') {
        // Decided here: nothing was sent, and the national record is as it was.
        expect(
          after.map((a) => a?.version),
          c.rule,
        ).toEqual(c.before.map((b, j) => (b === undefined ? undefined : b.version + sentLater(c.cps[j]!))));
      } else if (c.how === 'correction') {
        // Sent, and accepted as one new version.
        expect(after[0]!.version, c.rule).toBe(c.before[0]!.version + 1 + sentLater(c.cps[0]!));
      }
    }

    // What each correction and the merge did to the national record.
    const record = async (key: string) =>
      (await held(planted[key]!))!.record as unknown as Pick<ChildRecord, 'identifiers' | 'address' | 'gender'> & {
        address: { lines: string[]; postcode: string };
      };
    expect((await record('nhs')).identifiers.nhsNumber).toBeUndefined();
    expect((await record('postcode')).address.postcode).toBe('CH41 1AA');
    expect((await record('missing')).gender).toBe('not-specified');
    expect((await record('case')).address.lines).not.toContain('Police House');
    expect(await record('archive')).toMatchObject({ archiveAge: 19 });
    const gp = closed.find((c) => c.rule === 'no-gp-practice')!;
    expect((await held(gp.cps[0]!))!.record).toMatchObject({
      gp: { odsCode: 'N82001', name: 'Seacombe Training Medical Centre' },
    });
    expect(await held(planted.shielded!)).toBeDefined();
    const merged = await h.service!.db.query<{ reason: string }>(
      "SELECT reason FROM changes WHERE cp_number = $1 AND kind = 'tombstone'",
      [planted.copy!],
    );
    expect(merged.map((m) => m.reason)).toContain('merged');
    await expectAccessible(page);
  }, 600_000);
});
