// Management, end to end: Chromium through the harness, main's IPC and session, a real
// national index underneath. The team's figures and charts; a shield applied and its
// removal approved by a second member of the team (four eyes), reaching the working set
// at the next sync; an account made, accredited, suspended and closed, and the lapsing
// list; an override alert investigated and closed; the audit searched, saved, its chain
// checked, and a misuse signal raised; a transfer agreed by both authorities; and the
// archive opened by a data manager, with a purpose after its first year.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addDays, addYears } from '../../domain/dates.js';
import { SettableClock } from '../../service/context.js';
import { runLifecycle } from '../../service/lifecycle/lifecycle.js';
import { addChild, CHESHIRE_WEST_AND_CHESTER, traceableChild, WIRRAL } from '../support/children.js';
import { createSignIn } from '../support/national-service.js';
import { keyringUnavailable } from '../support/working-set.js';
import { startHarness, type Harness } from './harness.js';
import { expectAccessible, expectHeading, search, signInWithToken } from './journey-support.js';
import { describeWhere } from '../support/skip.js';

const skipReason = keyringUnavailable();

describeWhere(skipReason, 'management, as the ContactPoint team and a data manager see it', () => {
  let h: Harness;
  let dir: string;
  /** The account the team made in the desktop and its holder activated. */
  let member: { id: string; password: string; totpSecret: string };
  const api = () => createSignIn(h.service!.url, h.clock);
  const tab = (name: string) => h.page.getByRole('button', { name, exact: true });
  const signOut = () => h.page.getByRole('button', { name: 'Sign out' }).click();
  /** Signed in as `userId` (signing out whoever else is), each test standing on its own. */
  const as = async (userId: string, credentials?: { password: string; totpSecret: string }) => {
    const state = h.core.session.current().state;
    if (state.status === 'signed-in' && state.user.id === userId) return;
    if (state.status === 'signed-in') await signOut();
    await signInWithToken(h, userId, credentials ? { credentials } : {});
    await h.page.locator('h1').first().waitFor();
  };
  /** One of the management tabs, from anywhere on the team's screens. */
  const manage = async (sub: string) => {
    await tab('Management').click();
    await tab(sub).click();
  };
  const one = async <T>(sql: string, params: (string | number)[] = []) =>
    (await h.service!.db.query<T>(sql, params))[0]!;

  beforeAll(async () => {
    h = await startHarness({ trainingCount: 2000, syncPageSize: 1000 });
    dir = mkdtempSync(join(tmpdir(), 'cp-management-e2e-'));
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The team's working set synced (the first sync, or a later one), from anywhere on the team's screens. */
  const synced = async () => {
    await tab('Working set').click();
    // Whichever the screen offers, once it has read the working set's state.
    await h.page.getByRole('button', { name: /^(Start the first sync|Sync now)$/ }).click();
    await h.page.getByTestId('sync-result').waitFor({ timeout: 60_000 });
  };

  it('shows the authority’s figures as cards, charts and tables that agree with the index, and saves them as CSV', async () => {
    const { page } = h;
    await as('trn-la-team');
    // The team's cleansing tasks by rule come from this computer's working set: sync it and run the checks first.
    await synced();
    await tab('Cleansing').click();
    await page.getByRole('button', { name: 'Run the checks' }).click();
    await page.getByTestId('queues').waitFor({ timeout: 60_000 });
    await expect
      .poll(
        async () =>
          (await page
            .getByTestId('cleanse-last-run')
            .textContent()
            .catch(() => '')) ?? '',
        { timeout: 60_000 },
      )
      .toMatch(/completed/);
    const status = (await h.core.router('cleanse.status', {}, { url: 'http://app.localhost/index.html' })) as {
      ok: boolean;
      value: { queues: { title: string; open: number }[] };
    };
    const queues = status.value.queues.filter((q) => q.open > 0);
    expect(queues.length).toBeGreaterThan(0);
    await tab('Management').click();
    await expectHeading(page, 'Management information');
    await page.getByTestId('mi-cards').waitFor();
    const { n } = await one<{ n: number }>(
      "SELECT count(*)::int AS n FROM children WHERE local_authority = $1 AND status = 'active'",
      [WIRRAL],
    );
    expect(await page.getByTestId('mi-cards').textContent()).toContain(
      `Active children${new Intl.NumberFormat('en-GB').format(n)}`,
    );
    expect(await page.getByTestId('mi-nhs').textContent()).toMatch(
      /\d+(\.\d)?% \([\d,]+ of [\d,]+\)\. (At or above|Below) the 95% the NHS successor required/,
    );
    expect(await page.getByTestId('mi-services').locator('tbody tr').count()).toBeGreaterThan(0);
    for (const q of queues) {
      expect(await page.getByTestId('mi-queues').locator('tr').filter({ hasText: q.title }).textContent()).toContain(
        new Intl.NumberFormat('en-GB').format(q.open),
      );
    }
    await expectAccessible(page);
    await h.screenshot('27-management-information');
    const csv = join(dir, 'mi.csv');
    h.chooseNext(csv);
    await page.getByRole('button', { name: 'Save as CSV' }).click();
    await expect.poll(() => page.getByTestId('manage-notice').textContent()).toMatch(/mi\.csv/);
    const saved = readFileSync(csv, 'utf8');
    expect(saved).toContain(`Active children,${n}`);
    expect(saved).toContain(`Cleansing tasks: ${queues[0]!.title},${queues[0]!.open}`);
  }, 180_000);

  it('makes an account that only its holder can use: a second member confirms, the holder activates it; accreditation lapsing soon is listed', async () => {
    const { page } = h;
    await as('trn-la-team');
    await manage('Accounts');
    await page.getByTestId('accounts').waitFor();
    await page.locator('#new-id').fill('wirral-new-member');
    await page.locator('#new-name').fill('Riley Shaw');
    await page.locator('#new-organisation').selectOption({ index: 1 });
    await page.locator('#new-role-practitioner').uncheck();
    await page.locator('#new-role-team').check();
    // An enhanced check a little under three years old: it lapses within the month.
    const today = h.clock.now().toISOString().slice(0, 10);
    await page
      .locator('#new-check')
      .fill(
        addYears(today, -3).replace(
          /-(\d\d)$/,
          (_m, d: string) => `-${String(Math.min(28, Number(d) + 10)).padStart(2, '0')}`,
        ),
      );
    await page.locator('#new-trainingCompleted').check();
    await page.locator('#new-agreementSigned').check();
    await page.getByRole('button', { name: 'Make the account' }).click();
    // No password or token secret: the first half of the holder's activation code, to hand over.
    const handOver = page.getByTestId('hand-over');
    await handOver.waitFor();
    const firstHalf = ((await page.getByTestId('hand-over-code').textContent()) ?? '').trim();
    expect(firstHalf).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    expect(await handOver.textContent()).not.toMatch(/[A-Z2-7]{32}/); // no token secret anywhere
    await expectAccessible(page);
    await h.screenshot('28-management-accounts');
    await page.getByRole('button', { name: 'I have handed it over' }).click();
    await expect(handOver.count()).resolves.toBe(0);
    await expect
      .poll(async () => (await page.getByTestId('lapsing').textContent()) ?? '')
      .toContain('wirral-new-member');
    // The one who asked cannot confirm it.
    await expect
      .poll(async () => (await page.getByTestId('account-requests').textContent()) ?? '')
      .toContain('Your request: another person confirms.');
    await expect(page.getByRole('button', { name: 'Confirm new account for wirral-new-member' }).count()).resolves.toBe(
      0,
    );

    // A second member of the team confirms, and is given the second half.
    await as('trn-la-team-2');
    await manage('Accounts');
    await page.getByRole('button', { name: 'Confirm new account for wirral-new-member' }).click();
    await page.getByTestId('hand-over').waitFor();
    expect(await page.getByTestId('hand-over').textContent()).toContain('second half');
    const secondHalf = ((await page.getByTestId('hand-over-code').textContent()) ?? '').trim();
    expect(secondHalf).not.toBe(firstHalf);
    await signOut();

    // The holder activates it on the sign-in screen, choosing a password nobody else knows.
    await page.getByRole('button', { name: 'Activate a new account or a replacement security token' }).click();
    await expectHeading(page, 'Activate your account');
    await page.getByLabel('User ID').fill('wirral-new-member');
    await page.getByLabel('First half of the activation code').fill(firstHalf);
    await page.getByLabel('Second half of the activation code').fill(secondHalf);
    await page.getByLabel('Choose a password').fill('Riley’s own long password');
    await page.getByLabel('Type the password again').fill('Riley’s own long password');
    await expectAccessible(page);
    await h.screenshot('28b-activate-account');
    await page.getByRole('button', { name: 'Activate', exact: true }).click();
    const secret = ((await page.getByTestId('activated-secret').textContent()) ?? '').trim();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await expectAccessible(page);
    await page.getByRole('button', { name: 'I have added it: sign in' }).click();
    member = { id: 'wirral-new-member', password: 'Riley’s own long password', totpSecret: secret };
    await signInWithToken(h, member.id, { credentials: member });
    await expect
      .poll(() => h.core.session.current().state)
      .toMatchObject({ status: 'signed-in', user: { id: 'wirral-new-member' } });
    const { roles } = await one<{ roles: string[] }>('SELECT roles FROM users WHERE id = $1', ['wirral-new-member']);
    expect(roles).toEqual(['la-team']);
  }, 180_000);

  it('shields a child; removing the shield needs a second member, and both changes reach the working set at the next sync', async () => {
    const { page } = h;
    await as('trn-la-team');
    await tab('Find a child (national index)').click();
    await expectHeading(page, 'Find a child');
    // The working-set search stays mounted behind its tab: no id may be on the page twice, or a label names the wrong field.
    const duplicateIds = await page.evaluate(() => {
      const ids = [...document.querySelectorAll('[id]')].map((e) => e.id);
      return ids.filter((id, i) => ids.indexOf(id) !== i);
    });
    expect(duplicateIds).toEqual([]);
    await synced();
    const child = await one<{ cp_number: string }>(
      "SELECT cp_number FROM children WHERE local_authority = $1 AND status = 'active' AND shielded = false ORDER BY cp_number LIMIT 1",
      [WIRRAL],
    );
    await manage('Shields');
    await page.locator('#shield-cp').fill(child.cp_number);
    await page.locator('#shield-reason').fill('Family moved to a refuge; address must not be known');
    await page.getByRole('button', { name: 'Shield this child' }).click();
    await expect.poll(() => page.getByTestId('manage-notice').textContent()).toMatch(/is shielded/);
    expect(
      (await one<{ shielded: boolean }>('SELECT shielded FROM children WHERE cp_number = $1', [child.cp_number]))
        .shielded,
    ).toBe(true);
    await tab('Working set').click();
    await page.getByRole('button', { name: 'Sync now' }).click();
    await expect
      .poll(async () => (await h.core.workingSet!.call({ op: 'child', cpNumber: child.cp_number }))?.shielded, {
        timeout: 30_000,
      })
      .toBe(true);

    await manage('Shields');
    await page.locator('#shield-cp').fill(child.cp_number);
    await page.locator('#shield-reason').fill('Family back at their own address');
    await page.getByRole('button', { name: 'Ask for the shield to be removed' }).click();
    await expect
      .poll(() => page.getByTestId('unshield-requests').textContent())
      .toContain('Your request: another member decides.');
    // The requester cannot approve it, even by asking main directly.
    const open = (await h.core.router(
      'manage.unshieldRequests',
      { status: 'open' },
      { url: 'http://app.localhost/index.html' },
    )) as { ok: boolean; value?: { requests: { id: string }[] } };
    const own = await h.core.router(
      'manage.decideUnshield',
      { id: open.value!.requests[0]!.id, decision: 'approve' },
      { url: 'http://app.localhost/index.html' },
    );
    expect(own).toMatchObject({ ok: false });
    await expectAccessible(page);
    await h.screenshot('29-management-shields');

    // An account the requester made would not do: the second member is independent of them.
    await as('trn-la-team-2');
    await manage('Shields');
    await page.getByRole('button', { name: `Approve removing the shield on ${child.cp_number}` }).click();
    await expect.poll(() => page.getByTestId('manage-notice').textContent()).toMatch(/shield on .* is removed/);
    expect(
      (await one<{ shielded: boolean }>('SELECT shielded FROM children WHERE cp_number = $1', [child.cp_number]))
        .shielded,
    ).toBe(false);
    const actions = await h.service!.db.query<{ action: string; user_id: string }>(
      "SELECT action, user_id FROM audit_log WHERE cp_number = $1 AND action IN ('shield-applied', 'unshield-requested', 'unshield-approved') ORDER BY seq",
      [child.cp_number],
    );
    expect(actions.map((a) => `${a.action}:${a.user_id}`)).toEqual([
      'shield-applied:trn-la-team',
      'unshield-requested:trn-la-team',
      'unshield-approved:trn-la-team-2',
    ]);
  }, 180_000);

  it('suspends an account (refused at its next sign-in) and closes another for good', async () => {
    const { page } = h;
    await as('trn-la-team');
    await manage('Accounts');
    await page.getByRole('button', { name: `Suspend ${member.id}` }).click();
    await expect.poll(() => page.getByTestId(`state-${member.id}`).textContent()).toBe('Suspended');
    await expect(api()(member.id, member)).rejects.toThrow(/sign-in of wirral-new-member failed: (401|403)/);
    await page.getByRole('button', { name: `Close ${member.id}` }).click();
    await page.getByRole('button', { name: `Yes, close ${member.id} for good` }).click();
    await expect.poll(() => page.getByTestId(`state-${member.id}`).textContent()).toBe('Closed');
    expect(
      (await one<{ closed: boolean }>('SELECT closed_at IS NOT NULL AS closed FROM users WHERE id = $1', [member.id]))
        .closed,
    ).toBe(true);
    await expectAccessible(page);
  }, 120_000);

  it('a shield override lands in the team’s queue, is investigated and closed with an outcome', async () => {
    const { page } = h;
    const shielded = await one<{ cp_number: string }>(
      "SELECT cp_number FROM children WHERE local_authority = $1 AND status = 'active' AND shielded = true ORDER BY cp_number LIMIT 1",
      [WIRRAL],
    );
    const social = await api()('trn-child-protection');
    const override = await social.post(`/v1/children/${shielded.cp_number}/shield-override`, {
      reason: 'Section 47 enquiry under way',
      acknowledgeInvestigation: true,
    });
    expect(override.status).toBe(200);
    await as('trn-la-team');
    await manage('Override alerts');
    const row = page.getByTestId('alert-row').filter({ hasText: shielded.cp_number });
    await row.getByRole('button', { name: 'Investigate' }).click();
    await page.locator('#alert-status').selectOption('investigating');
    await page.getByTestId('alert-row').filter({ hasText: shielded.cp_number }).waitFor();
    const id = await page
      .getByTestId('alert-row')
      .filter({ hasText: shielded.cp_number })
      .locator('select')
      .getAttribute('id');
    await page.locator(`#${id}`).selectOption('justified');
    await page.getByRole('button', { name: 'Close the alert' }).click();
    await expect.poll(() => page.getByTestId('manage-notice').textContent()).toMatch(/Alert closed/);
    await page.locator('#alert-status').selectOption('closed');
    await expect
      .poll(async () => (await page.getByTestId('alerts').textContent()) ?? '')
      .toContain('The override was justified');
    await expectAccessible(page);
    await h.screenshot('30-management-alerts');
  }, 120_000);

  it('searches and saves the audit, checks its chain, and lists a search for the user’s own surname for a person to judge', async () => {
    const { page } = h;
    // Jordan Lee looks up the surname Lee.
    await as('trn-la-team');
    await tab('Find a child (national index)').click();
    // The working-set search stays mounted behind its tab: no id may be on the page twice, or a label names the wrong field.
    const duplicateIds = await page.evaluate(() => {
      const ids = [...document.querySelectorAll('[id]')].map((e) => e.id);
      return ids.filter((id, i) => ids.indexOf(id) !== i);
    });
    expect(duplicateIds).toEqual([]);
    await search(page, { surname: 'Lee' });
    await manage('Audit');
    await expect
      .poll(
        async () =>
          (await page
            .getByTestId('signals')
            .textContent()
            .catch(() => '')) ?? '',
      )
      .toContain('trn-la-team');
    await page.locator('#audit-action').selectOption('shield-applied');
    await page.getByRole('button', { name: 'Search the audit' }).click();
    await expect.poll(async () => page.getByTestId('audit-entries').locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('audit-entries').textContent()).toContain('shield-applied');
    await page.getByRole('button', { name: 'Check the audit chain' }).click();
    await expect.poll(() => page.getByTestId('audit-verify-result').textContent()).toMatch(/intact/);
    const csv = join(dir, 'audit.csv');
    h.chooseNext(csv);
    await page.locator('#audit-save').click();
    await expect.poll(() => page.getByTestId('manage-notice').textContent()).toMatch(/audit\.csv/);
    expect(readFileSync(csv, 'utf8').split('\n')[0]).toBe('seq,at,user,action,cp_number,reason');
    await expectAccessible(page);
    await h.screenshot('31-management-audit');
  }, 120_000);

  it('shows the latest signed checkpoint, and a data manager checks the downloaded audit against it: intact, then a changed entry named', async () => {
    const { page } = h;
    // A checkpoint of the trail as the tests so far left it (on demand; the service also makes one hourly).
    const made = await (await api()('trn-data-manager')).post('/v1/audit/checkpoints', {});
    expect(made.status).toBe(201);
    await as('trn-data-manager');
    await manage('Audit');
    await page.getByTestId('audit-checkpoint').waitFor();
    expect(await page.getByTestId('audit-checkpoint').textContent()).toContain(
      new Intl.NumberFormat('en-GB').format(made.body.checkpoint.size),
    );
    expect(await page.getByTestId('audit-checkpoint').textContent()).toMatch(/Signature\s*Valid/);
    await page.getByRole('button', { name: 'Download and check against the checkpoint' }).click();
    await expect
      .poll(
        async () =>
          (await page
            .getByTestId('audit-range-result')
            .textContent()
            .catch(() => '')) ?? '',
      )
      .toMatch(/^Entries 1 to [\d,]+ are intact/);
    // Someone with the database changes an entry the checkpoint covers: the desktop names it.
    const { reason } = await one<{ reason: string | null }>('SELECT reason FROM audit_log WHERE seq = 3');
    await h.service!.db.query("UPDATE audit_log SET reason = 'nothing to see' WHERE seq = 3");
    try {
      await page.getByRole('button', { name: 'Download and check against the checkpoint' }).click();
      await expect
        .poll(
          async () =>
            (await page
              .getByTestId('audit-range-result')
              .textContent()
              .catch(() => '')) ?? '',
        )
        .toMatch(/does NOT match the signed checkpoint at entry 3: Entry 3 has been changed/);
      await expectAccessible(page);
      await h.screenshot('31b-management-audit-checkpoint');
    } finally {
      await h.service!.db.query('UPDATE audit_log SET reason = $1 WHERE seq = 3', [reason]);
    }
  }, 120_000);

  it('transfers a child to another authority only when that authority’s team accepts', async () => {
    const { page } = h;
    const child = await one<{ cp_number: string }>(
      "SELECT cp_number FROM children WHERE local_authority = $1 AND status = 'active' AND shielded = false ORDER BY cp_number DESC LIMIT 1",
      [WIRRAL],
    );
    await as('trn-la-team');
    await manage('Transfers');
    await page.locator('#transfer-cp').fill(child.cp_number);
    await page.locator('#transfer-to').fill(CHESHIRE_WEST_AND_CHESTER);
    await page.locator('#transfer-reason').fill('The family moved to Chester');
    await page.getByRole('button', { name: 'Propose the transfer' }).click();
    await expect.poll(() => page.getByTestId('transfers-outgoing').textContent()).toContain(child.cp_number);
    expect(
      (await one<{ la: string }>('SELECT local_authority AS la FROM children WHERE cp_number = $1', [child.cp_number]))
        .la,
    ).toBe(WIRRAL);
    await expectAccessible(page);
    await h.screenshot('32-management-transfers');
    await as('trn-la-team-cwac');
    await manage('Transfers');
    await page.getByRole('button', { name: `Accept ${child.cp_number}` }).click();
    await expect.poll(() => page.getByTestId('manage-notice').textContent()).toMatch(/now your authority/);
    expect(
      (await one<{ la: string }>('SELECT local_authority AS la FROM children WHERE cp_number = $1', [child.cp_number]))
        .la,
    ).toBe(CHESHIRE_WEST_AND_CHESTER);
  }, 120_000);

  it('a data manager lists the archive and opens a record: in its first year with a reason, after it only with a purpose', async () => {
    const { page } = h;
    // Two children of a made-up family reach 18: one a year and a half ago, archived by
    // the lifecycle run on that day (the run's clock moved back, as the lifecycle's own
    // tests move it), and one today, archived by the run the national administrator asks for.
    const today = h.clock.now().toISOString().slice(0, 10);
    const pastDay = addDays(addYears(today, -1), -180);
    const older = (
      await addChild(h.service!.db, traceableChild({ dob: addYears(pastDay, -18), family: 'Archivold' }), {
        at: new Date(`${addYears(pastDay, -1)}T00:00:00Z`),
      })
    ).cpNumber;
    await runLifecycle(h.service!.db, new SettableClock(new Date(`${pastDay}T12:00:00Z`)));
    const recent = (
      await addChild(h.service!.db, traceableChild({ dob: addYears(today, -18), family: 'Archivnew' }), {
        at: new Date(`${addYears(pastDay, -1)}T00:00:00Z`),
      })
    ).cpNumber;
    expect((await (await api()('trn-national-admin')).post('/v1/lifecycle/run', undefined)).status).toBeLessThan(300);
    const state = async (cp: string) =>
      one<{ status: string; archived_on: string }>(
        'SELECT status, archived_on::text FROM children WHERE cp_number = $1',
        [cp],
      );
    expect(await state(recent)).toEqual({ status: 'archived', archived_on: today });
    expect(await state(older)).toEqual({ status: 'archived', archived_on: pastDay });
    await as('trn-data-manager');
    await expectHeading(page, 'Archive');
    await page.getByTestId('archive').waitFor();
    const restricted = page.getByTestId('archive-row').filter({ hasText: older });
    await expect.poll(() => restricted.textContent()).toMatch(/Restricted/);
    await expect
      .poll(() => page.getByTestId('archive-row').filter({ hasText: recent }).textContent())
      .not.toMatch(/Restricted/);
    const cp = older;
    await restricted.getByRole('button').click();
    await page.locator('#archive-reason').fill('Checking an old record');
    await page.getByRole('button', { name: 'Open the archived record' }).click();
    await expect
      .poll(
        async () =>
          (await page
            .locator('.govuk-error-summary')
            .textContent()
            .catch(() => '')) ?? '',
      )
      .toMatch(/purpose|restricted/i);
    await page.getByLabel('A serious case review').check();
    await page.getByRole('button', { name: 'Open the archived record' }).click();
    await expect.poll(() => page.locator('main').textContent()).toContain('This record is in the archive');
    expect(await page.locator('main').textContent()).toContain(cp);
    expect(await page.getByRole('heading', { level: 2, name: 'Tamsin Archivold' }).count()).toBe(1);
    await expectAccessible(page);
    await h.screenshot('33-management-archive');
    const reads = async (c: string) =>
      (
        await one<{ n: number }>(
          "SELECT count(*)::int AS n FROM audit_log WHERE action = 'archive-read' AND cp_number = $1 AND user_id = 'trn-data-manager'",
          [c],
        )
      ).n;
    expect(await reads(cp)).toBe(1);
    // In its first year a data manager opens it with a reason alone: no purpose is asked for.
    await page.getByRole('button', { name: 'Close the record' }).click();
    await page.getByTestId('archive-row').filter({ hasText: recent }).getByRole('button').click();
    expect(await page.getByTestId('archive-open').getByRole('radio').count()).toBe(0);
    await page.locator('#archive-reason').fill('Checking a record archived this year');
    await page.getByRole('button', { name: 'Open the archived record' }).click();
    await expect.poll(() => page.locator('main').textContent()).toContain('This record is in the archive');
    expect(await page.locator('main').textContent()).toContain(recent);
    expect(await reads(recent)).toBe(1);
  }, 180_000);

  it('a practitioner cannot reach management: the IPC refuses them', async () => {
    await as('trn-practitioner');
    await expectHeading(h.page, 'Find a child');
    for (const channel of ['manage.users', 'manage.auditVerify', 'manage.information'] as const) {
      const r = await h.core.router(channel, {}, { url: 'http://app.localhost/index.html' });
      expect(r).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
  });
});
