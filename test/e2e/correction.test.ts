// Correcting a record, end to end: Chromium through the harness, main's IPC, the
// working-set worker with its encrypted store (key in the real Secret Service) and a
// real service. A cleansing task of a non-duplicate rule goes from open to closed
// through a correction: the form (GOV.UK errors naming the field), the check page with
// before, after and provenance, the signed update, the pending state, the acceptance;
// and the national record holds the change. Driven from the keyboard where a person
// would; axe on every screen.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { keyringUnavailable } from '../support/working-set.js';
import { startHarness, type Harness } from './harness.js';
import { expectAccessible, expectHeading, signInWithToken } from './journey-support.js';
import { describeWhere } from '../support/skip.js';
import { RULES, type RuleId } from '../../domain/cleanse/rules.js';
import { WIRRAL } from '../support/children.js';
import { createSignIn } from '../support/national-service.js';

const skipReason = keyringUnavailable();

/** The rules this test can correct, and how, in the order it prefers them. */
const PREFERRED: RuleId[] = ['invalid-nhs-number', 'invalid-postcode', 'no-educational-setting', 'invalid-upn'];

describeWhere(skipReason, 'correcting a record, as the ContactPoint team does it', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ trainingCount: 3000, syncPageSize: 1000 });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('a task of a non-duplicate rule goes from open to closed through a correction the national index accepts', async () => {
    const { page } = h;
    await signInWithToken(h, 'trn-la-team');
    await expectHeading(page, 'Working set');
    await page.getByRole('button', { name: 'Start the first sync' }).click();
    await page.getByTestId('sync-result').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Cleansing', exact: true }).click();
    await expectHeading(page, 'Cleansing');
    await page.getByRole('button', { name: 'Run the checks' }).click();
    await page.getByTestId('queues').waitFor({ timeout: 90_000 });
    // The run over, and the screen showing it: a queue opened before that is drawn again
    // when the run's status arrives, and the purpose prompt with it.
    await expect.poll(async () => h.core.workingSet!.cleanse().running, { timeout: 90_000 }).toBe(false);
    await page.getByTestId('cleanse-last-run').waitFor();

    const ws = h.core.workingSet!;
    const { queues } = (await ws.call({ op: 'cleanseQueues' })) as unknown as {
      queues: { rule: RuleId; open: number }[];
    };
    const open = new Set(queues.filter((q) => q.open > 0).map((q) => q.rule));
    const rule = PREFERRED.find((r) => open.has(r));
    expect(rule, `queues: ${[...open].join(', ')}`).toBeDefined();

    await page.getByRole('button', { name: RULES[rule!].title, exact: true }).click();
    const list = page.getByRole('listbox');
    await list.locator('[role=option]').first().waitFor();
    const openBefore = Number(await list.locator('[role=option]').first().getAttribute('aria-setsize'));
    // The keyboard: the list, Enter on the first task.
    await list.focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('Enter');
    const field = page.getByRole('textbox', { name: 'Purpose of this work' });
    await field.waitFor();
    await field.fill('Correcting records the checks found');
    await page.keyboard.press('Tab');
    await page.getByRole('button', { name: 'Continue' }).click();
    const panel = page.getByTestId('task-panel');
    await panel.getByTestId('finding').waitFor();
    const cp = (await panel.getByRole('heading', { level: 3 }).first().textContent())!.trim();
    const { tasks } = (await ws.call({ op: 'cleanseTasks', rule: rule!, offset: 0, limit: 500 })) as {
      tasks: { id: number; cpNumber: string; state: string }[];
    };
    const task = tasks.find((t) => t.cpNumber === cp)!;
    expect(task.state).toBe('open');
    const [before] = await h.service!.db.query<{ version: number; record: Record<string, unknown> }>(
      'SELECT version, record FROM children WHERE cp_number = $1',
      [cp],
    );

    // "Correct this record", from the keyboard.
    await panel.getByRole('button', { name: 'Correct this record' }).focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('correction-form').waitFor();
    await expectAccessible(page);
    await h.screenshot('45-correction-form');

    // A wrong value first: the error summary names the field, and nothing is sent.
    const nhs = page.getByRole('checkbox', { name: 'NHS number not known' });
    if (await nhs.isChecked()) await nhs.uncheck();
    await page.getByRole('textbox', { name: 'NHS number' }).fill('1234567890');
    await page.getByRole('button', { name: 'Continue' }).click();
    const summary = page.locator('.govuk-error-summary');
    await summary.waitFor();
    expect(await summary.textContent()).toMatch(/NHS number .*check digit/);
    await expectAccessible(page);
    await h.screenshot('46-correction-errors');

    // Typing in a field with the summary up: each key re-renders the form, and focus stays
    // in the field (the summary takes focus when the problems change, not at each key).
    const nhsBox = page.getByRole('textbox', { name: 'NHS number' });
    await nhsBox.focus();
    await page.keyboard.press('End');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('0');
    expect(await nhsBox.inputValue()).toBe('1234567890');
    expect(await nhsBox.evaluate((el) => el === document.activeElement)).toBe(true);

    // The correction for the rule; the NHS number back as it was unless it is what is wrong.
    let expected: Record<string, unknown>;
    const heldNhs = (before!.record.identifiers as Record<string, string | undefined>).nhsNumber;
    if (rule === 'invalid-nhs-number' || heldNhs === undefined) {
      await nhs.focus();
      await page.keyboard.press(' ');
      expect(await nhs.isChecked()).toBe(true);
    } else {
      await page.getByRole('textbox', { name: 'NHS number' }).fill(heldNhs);
    }
    if (rule === 'invalid-nhs-number') {
      expected = {};
    } else if (rule === 'invalid-postcode') {
      await page.getByRole('textbox', { name: 'Postcode' }).fill('CH41 1AA');
      expected = { address: { postcode: 'CH41 1AA' } };
    } else if (rule === 'no-educational-setting') {
      await page.getByRole('checkbox', { name: 'Educational setting not known' }).uncheck();
      await page.getByRole('textbox', { name: 'School URN' }).fill('105012');
      await page.getByRole('textbox', { name: 'School name' }).fill('Wirral Primary School');
      await page.getByRole('textbox', { name: 'Date started at the school' }).fill('2024-09-04');
      expected = { education: { urn: '105012', name: 'Wirral Primary School' } };
    } else {
      await page.getByRole('checkbox', { name: 'UPN not known' }).check();
      expected = {};
    }
    await page.getByRole('button', { name: 'Continue' }).click();
    const check = page.getByTestId('correction-check');
    await check.waitFor();
    const changes = check.getByTestId('correction-changes');
    const today = new Date().toISOString().slice(0, 10);
    expect(await changes.textContent()).toContain(`Wirral ContactPoint team, ${today}`);
    // Only what the person changed: one field for each of these rules.
    expect(await changes.locator('tbody tr').count()).toBe(1);
    await expectAccessible(page);
    await h.screenshot('47-correction-check');

    await check.getByRole('button', { name: 'Send the correction' }).focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('correction').waitFor();
    // Sent as a signed update at once; the task closes when the national index has accepted it.
    await page.getByTestId('correction-accepted').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('correction-accepted').textContent()).toMatch(/The task is closed/);
    // And the queue beside it lists one task fewer, without being opened again.
    await expect
      .poll(async () =>
        (await list.locator('[role=option]').count()) === 0
          ? 0
          : Number(await list.locator('[role=option]').first().getAttribute('aria-setsize')),
      )
      .toBe(openBefore - 1);
    await expectAccessible(page);
    await h.screenshot('48-correction-accepted');

    const still = (await ws.call({ op: 'cleanseTasks', rule: rule!, offset: 0, limit: 500 })) as {
      tasks: { id: number }[];
    };
    expect(still.tasks.some((t) => t.id === task.id)).toBe(false);
    const [after] = await h.service!.db.query<{ version: number; record: Record<string, unknown> }>(
      'SELECT version, record FROM children WHERE cp_number = $1',
      [cp],
    );
    expect(after!.version).toBe(before!.version + 1);
    expect(after!.record).toMatchObject(expected);
    expect((after!.record.identifiers as Record<string, unknown>).nhsNumber).toBe(
      rule === 'invalid-nhs-number' ? undefined : heldNhs,
    );
    const [audit] = await h.service!.db.query<{ user_id: string; detail: { fields: string[] } }>(
      "SELECT user_id, detail FROM audit_log WHERE cp_number = $1 AND action = 'record-changed' ORDER BY seq DESC LIMIT 1",
      [cp],
    );
    expect(audit).toMatchObject({ user_id: 'trn-la-team' });
    if (rule === 'invalid-nhs-number') expect(audit!.detail.fields).toContain('identifiers.nhsNumber');
  }, 240_000);

  it('a conflict (someone changed the record first) shows both versions; chosen per field, it is sent again and the task closes', async () => {
    const { page } = h;
    const ws = h.core.workingSet!;
    await page.getByRole('button', { name: 'Cleansing', exact: true }).click();
    await page
      .getByRole('button', { name: 'No educational setting (possible child missing education)', exact: true })
      .click();
    const list = page.getByRole('listbox');
    await list.locator('[role=option]').first().waitFor();
    await list.locator('[role=option]').nth(1).click();
    const purposeField = page.getByRole('textbox', { name: 'Purpose of this work' });
    if (await purposeField.isVisible().catch(() => false)) {
      await purposeField.fill('Correcting records the checks found');
      await page.getByRole('button', { name: 'Continue' }).click();
    }
    const panel = page.getByTestId('task-panel');
    await panel.getByTestId('finding').waitFor();
    const cp = (await panel.getByRole('heading', { level: 3 }).first().textContent())!.trim();
    const { tasks } = (await ws.call({
      op: 'cleanseTasks',
      rule: 'no-educational-setting',
      offset: 0,
      limit: 500,
    })) as { tasks: { id: number; cpNumber: string }[] };
    const task = tasks.find((t) => t.cpNumber === cp)!;
    await panel.getByRole('button', { name: 'Correct this record' }).click();
    const form = page.getByTestId('correction-form');
    await form.getByRole('checkbox', { name: 'Educational setting not known' }).uncheck();
    await form.getByRole('textbox', { name: 'School URN' }).fill('105013');
    await form.getByRole('textbox', { name: 'School name' }).fill('Birkenhead Park School');
    await form.getByRole('textbox', { name: 'Date started at the school' }).fill('2023-09-06');
    await form.getByRole('button', { name: 'Continue' }).click();
    await page.getByTestId('correction-check').waitFor();

    // Meanwhile, the second member of the team changes the record at the national index.
    const [before] = await h.service!.db.query<{ version: number; record: { gender: string } }>(
      'SELECT version, record FROM children WHERE cp_number = $1',
      [cp],
    );
    const other = await createSignIn(h.service!.url, h.clock)('trn-la-team-2');
    const gender = before!.record.gender === 'female' ? 'male' : 'female';
    const changed = await other.post('/v1/submissions', {
      items: [
        {
          idempotencyKey: `other-${cp}`,
          cpNumber: cp,
          baseVersion: before!.version,
          op: 'update',
          changes: { gender },
        },
      ],
    });
    expect(changed.body.results[0].status).toBe('applied');

    await page.getByRole('button', { name: 'Send the correction' }).click();
    await page.getByTestId('correction-conflict').waitFor({ timeout: 30_000 });
    await page.getByTestId('conflict-needs-sync').waitFor();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Sync now' }).click();
    const choice = page.getByTestId('conflict-choice');
    await choice.waitFor({ timeout: 60_000 });
    expect(await choice.textContent()).toContain('Birkenhead Park School');
    await expectAccessible(page);
    await h.screenshot('50-correction-conflict');
    // Keep the school (the correction), from the keyboard.
    await choice.getByRole('radio', { name: /^Yours: Birkenhead Park School/ }).focus();
    await page.keyboard.press(' ');
    await choice.getByRole('button', { name: 'Send the chosen values' }).click();
    await page.getByTestId('correction-accepted').waitFor({ timeout: 30_000 });
    await page.getByTestId('correction-resent').waitFor();
    await expectAccessible(page);

    const still = (await ws.call({ op: 'cleanseTasks', rule: 'no-educational-setting', offset: 0, limit: 500 })) as {
      tasks: { id: number }[];
    };
    expect(still.tasks.some((t) => t.id === task.id)).toBe(false);
    const [after] = await h.service!.db.query<{ version: number; record: Record<string, unknown> }>(
      'SELECT version, record FROM children WHERE cp_number = $1',
      [cp],
    );
    // Both changes stand: theirs (the gender) and the one chosen here (the school).
    expect(after!.version).toBe(before!.version + 2);
    expect(after!.record).toMatchObject({ gender, education: { urn: '105013', name: 'Birkenhead Park School' } });
  }, 180_000);

  it("a shielded child's record is corrected from the working set without its hidden details reaching the page", async () => {
    const { page } = h;
    const db = h.service!.db;
    const [row] = await db.query<{
      cp_number: string;
      version: number;
      record: { name: { given: string; family: string }; dob: string; address: { lines: string[]; postcode: string } };
    }>(
      `SELECT cp_number, version, record FROM children WHERE local_authority = '${WIRRAL}' AND status = 'active' AND shielded
         AND record->'address' IS NOT NULL AND record->'address' <> 'null'::jsonb ORDER BY cp_number LIMIT 1`,
    );
    const cp = row!.cp_number;
    const { name, dob, address } = row!.record;
    const hidden = async () => {
      const html = await page.content();
      return !html.includes(address.postcode) && !html.includes(address.lines[0]!);
    };
    await page.getByRole('button', { name: 'Search the working set' }).click();
    await expectHeading(page, 'Search the working set');
    const form = page.getByRole('form', { name: 'Search the working set' });
    const [y, m, d] = dob.split('-');
    await form.getByLabel('Surname', { exact: true }).fill(name.family);
    await form.getByLabel('Day', { exact: true }).fill(d!);
    await form.getByLabel('Month', { exact: true }).fill(m!);
    await form.getByLabel('Year', { exact: true }).fill(y!);
    await form.getByRole('button', { name: 'Search' }).click();
    const hit = page.getByTestId('local-result-row').filter({ hasText: cp });
    await hit.waitFor();
    await hit.getByRole('button', { name: /^Open/ }).click();
    const purposeField = page.getByRole('textbox', { name: 'Purpose of this work' });
    await purposeField.waitFor();
    await purposeField.fill('Correcting a name the family reported');
    await page.getByRole('button', { name: 'Continue' }).click();
    const record = page.getByTestId('ws-record');
    await record.waitFor();

    await record.getByRole('button', { name: 'Correct this record' }).click();
    await page.getByTestId('correction-withheld').waitFor();
    const correction = page.getByTestId('correction-form');
    // Only what a shield leaves visible is offered: no address, no contact details.
    expect(await correction.getByRole('textbox', { name: 'Postcode' }).count()).toBe(0);
    expect(await correction.getByRole('textbox', { name: /telephone/ }).count()).toBe(0);
    expect(await hidden()).toBe(true);
    await expectAccessible(page);
    await h.screenshot('49-correction-shielded');
    await correction.getByRole('textbox', { name: 'Given name' }).fill(`${name.given}-Rose`);
    await correction.getByRole('button', { name: 'Continue' }).click();
    await page.getByTestId('correction-check').waitFor();
    expect(await page.getByTestId('correction-changes').locator('tbody tr').count()).toBe(1);
    expect(await hidden()).toBe(true);
    await page.getByRole('button', { name: 'Send the correction' }).click();
    await page.getByTestId('correction-accepted').waitFor({ timeout: 30_000 });
    expect(await hidden()).toBe(true);
    await expectAccessible(page);
    const [after] = await db.query<{ version: number; record: { name: { given: string }; address: unknown } }>(
      'SELECT version, record FROM children WHERE cp_number = $1',
      [cp],
    );
    expect(after).toMatchObject({ version: row!.version + 1, record: { name: { given: `${name.given}-Rose` } } });
    expect(after!.record.address).toEqual(address);
  }, 120_000);

  it('nobody outside a ContactPoint team can correct a record: the IPC refuses them', async () => {
    await h.page.getByRole('button', { name: 'Sign out' }).click();
    await signInWithToken(h, 'trn-practitioner');
    await expectHeading(h.page, 'Find a child');
    const r = await h.core.router(
      'correction.submit',
      { cpNumber: 'CP000000018', baseVersion: 1, changes: { gender: 'female' }, revealed: true },
      { url: 'http://app.localhost/index.html' },
    );
    expect(r).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});
