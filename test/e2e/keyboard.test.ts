// Every journey with the keyboard alone, and what a screen reader is told. Chromium
// through the harness, main's real router, a SoftHSM2 card and a real national service,
// as in journey.test.ts; but here nothing is clicked or filled: only Tab, Shift+Tab,
// Enter, Space, the arrow keys and typing. Locators only read the page. After each step
// the test asks where focus went (never left on the page's body, always visible), that a
// control can be reached by Tab (`tabTo`), and that Tab leads out of each screen again (no
// trap). The live regions (search summary, sync progress, lock reason, error summary) are
// read from the accessibility tree, with their roles.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CASE_MANAGEMENT_COLUMNS, caseManagementLine, caseManagementRows } from '../../service/training/exports.js';
import { totpFor } from '../support/national-service.js';
import { describeWhere } from '../support/skip.js';
import { keyringUnavailable } from '../support/working-set.js';
import { startHarness, type Harness } from './harness.js';
import {
  account,
  expectAccessible,
  expectHeading,
  findChildren,
  fullName,
  TRAINING_PIN,
  type TrainingChild,
} from './journey-support.js';

/** The focused element, as a person would name it. */
interface Focus {
  tag: string;
  id: string;
  type: string;
  role: string;
  /** Its label, aria-label or text (first 80 characters). */
  name: string;
  /** It has a box on screen, inside the viewport, and is not hidden. */
  visible: boolean;
  /** Where it is, for the message when it is not visible. */
  box: string;
  checked: boolean;
  current: string;
  className: string;
}

async function focus(page: Page): Promise<Focus> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body || el === document.documentElement)
      return {
        tag: 'body',
        id: '',
        type: '',
        role: '',
        name: '',
        visible: false,
        box: '',
        checked: false,
        current: '',
        className: '',
      };
    const input = el as HTMLInputElement;
    const label =
      el.getAttribute('aria-label') ??
      (input.labels && input.labels.length > 0 ? input.labels[0]!.textContent : null) ??
      el.textContent ??
      '';
    // GOV.UK radios and checkboxes draw their control over a transparent input: the label is what is seen.
    const seen = (input.type === 'radio' || input.type === 'checkbox') && input.labels?.[0] ? input.labels[0] : el;
    const r = seen.getBoundingClientRect();
    const visible =
      seen.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true }) &&
      r.width > 0 &&
      r.height > 0 &&
      r.bottom > 0 &&
      r.right > 0 &&
      r.top < window.innerHeight &&
      r.left < window.innerWidth;
    return {
      tag: el.tagName.toLowerCase(),
      id: el.id,
      type: input.type ?? '',
      role: el.getAttribute('role') ?? '',
      name: label.replace(/\s+/g, ' ').trim().slice(0, 80),
      visible,
      box: `top ${Math.round(r.top)}, bottom ${Math.round(r.bottom)} in a viewport ${window.innerHeight} high`,
      checked: input.checked === true,
      current: el.getAttribute('aria-current') ?? '',
      className: el.className,
    };
  });
}

const describe = (f: Focus) => (f.tag === 'body' ? 'body' : `${f.tag}${f.id ? `#${f.id}` : ''} "${f.name}"`);

/** Focus is on something (not the body) that can be seen; returns it. */
async function expectFocusVisible(page: Page): Promise<Focus> {
  const f = await focus(page);
  expect(f.tag, 'focus was left on the page body').not.toBe('body');
  expect(f.visible, `the focused element ${describe(f)} is not visible (${f.box})`).toBe(true);
  return f;
}

/** Wait until focus satisfies `ok` (focus moves in React effects, just after the screen renders). */
async function expectFocus(page: Page, ok: (f: Focus) => boolean, what: string): Promise<Focus> {
  let last: Focus | null = null;
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    last = await focus(page);
    if (ok(last)) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  expect(ok(last!), `expected focus on ${what}, but it is on ${describe(last!)}`).toBe(true);
  return expectFocusVisible(page);
}

const onHeading = (page: Page, text: string) =>
  expectFocus(page, (f) => f.tag === 'h1' && f.name === text, `the page heading "${text}"`);
const onErrorSummary = (page: Page) =>
  expectFocus(page, (f) => f.className.includes('govuk-error-summary'), 'the error summary');

/**
 * Press Tab (or Shift+Tab) until the focused element satisfies `ok`: the control can be
 * reached by keyboard. Fails with every element focused on the way.
 */
async function tabTo(page: Page, ok: (f: Focus) => boolean, max = 60, key = 'Tab'): Promise<Focus> {
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(key);
    const f = await focus(page);
    seen.push(describe(f));
    if (ok(f)) {
      expect(f.visible, `the focused element ${describe(f)} is not visible (${f.box})`).toBe(true);
      return f;
    }
  }
  throw new Error(`not reached by ${key} in ${max} presses; focus went: ${seen.join(' → ')}`);
}

const button = (name: string) => (f: Focus) => f.tag === 'button' && f.name === name;
const field = (id: string) => (f: Focus) => f.id === id;

/**
 * No keyboard trap: from here Tab reaches the end of the page and wraps to the skip
 * link (the first thing in the page), passing through distinct elements on the way.
 */
async function expectNoTrap(page: Page): Promise<void> {
  const seen: string[] = [];
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    const f = await focus(page);
    seen.push(describe(f));
    if (f.name === 'Skip to main content') return;
    expect(seen.slice(-4).length === 4 && new Set(seen.slice(-4)).size === 1, `Tab is stuck: ${seen.join(' → ')}`).toBe(
      false,
    );
  }
  throw new Error(`Tab never left the page to wrap to the skip link: ${seen.join(' → ')}`);
}

async function type(page: Page, text: string): Promise<void> {
  await page.keyboard.type(text);
}

/** The accessibility tree's view of a live region: its role and the words in it. */
async function announced(page: Page, testIdOrRole: { testId: string } | 'alert'): Promise<string> {
  const loc = testIdOrRole === 'alert' ? page.getByRole('alert').first() : page.getByTestId(testIdOrRole.testId);
  return (await loc.ariaSnapshot({ timeout: 2_000 }).catch(() => '')) ?? '';
}

/** Sign in by token with the keyboard: choose the method by arrow key, type each field, Enter. */
async function keyboardTokenSignIn(h: Harness, userId: string): Promise<void> {
  const { page } = h;
  await expectHeading(page, 'Sign in to ContactPoint');
  // Into the radio group (its first radio), then the arrow key chooses "Security token".
  await tabTo(page, (f) => f.type === 'radio' && f.name === 'Smartcard');
  await page.keyboard.press('ArrowDown');
  const chosen = await expectFocusVisible(page);
  expect(chosen.name).toBe('Security token');
  expect(chosen.checked).toBe(true);
  await tabTo(page, field('userId'));
  await type(page, userId);
  await tabTo(page, field('password'));
  await type(page, account(userId).password);
  await tabTo(page, field('otp'));
  h.clock.advance(30_000);
  await type(page, totpFor(userId, h.clock.now()));
  await page.keyboard.press('Enter');
}

async function signOut(page: Page): Promise<void> {
  await tabTo(page, button('Sign out'), 120);
  await page.keyboard.press('Enter');
  await expectHeading(page, 'Sign in to ContactPoint');
  await expect.poll(() => page.getByTestId('signed-out-notice').textContent()).toBe('You have signed out.');
}

const plainNames = `record->'name'->>'given' ~ '^[A-Za-z]+$' AND record->'name'->>'family' ~ '^[A-Za-z]+$'`;
const skipReason = keyringUnavailable();

describeWhere(skipReason, 'every journey by keyboard alone, and what a screen reader hears', () => {
  let h: Harness;
  let child: TrainingChild;
  let dir: string;
  let file: string;

  beforeAll(async () => {
    h = await startHarness({ trainingCount: 1_000, syncPageSize: 10 });
    [child] = (await findChildren(
      h.service!.db,
      `shielded = false AND ${plainNames}
       AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(COALESCE(record->'involvements', '[]'::jsonb)) i WHERE (i->>'sensitive')::boolean)`,
    )) as [TrainingChild];
    dir = mkdtempSync(join(tmpdir(), 'cp-keyboard-e2e-'));
    const today = new Date().toISOString().slice(0, 10);
    const rows = [...caseManagementRows({ seed: 'keyboard-e2e', count: 12, today })].map((r, i) => ({
      ...r,
      'Person ID': `KB${i}`,
    }));
    rows[3] = { ...rows[3]!, 'Date of Birth': '31/02/2015' };
    file = join(dir, 'keyboard-export.csv');
    writeFileSync(file, `${CASE_MANAGEMENT_COLUMNS.join(',')}\r\n${rows.map(caseManagementLine).join('\r\n')}\r\n`);
    await h.insertCard('trn-practitioner');
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a practitioner signs in by card, searches, gives a reason, records involvement, is locked and signs out', async () => {
    const { page } = h;
    await expectHeading(page, 'Sign in to ContactPoint');

    // The skip link is the first thing Tab reaches, and it moves focus into the page.
    const skip = await tabTo(page, (f) => f.name === 'Skip to main content', 1);
    expect(skip.tag).toBe('a');

    // The method by Space, then a wrong PIN: the error summary takes focus and is an alert.
    await tabTo(page, (f) => f.type === 'radio' && f.name === 'Smartcard');
    await page.keyboard.press('Space');
    expect((await focus(page)).checked).toBe(true);
    await tabTo(page, field('pin'));
    await type(page, '999999');
    await page.keyboard.press('Enter');
    await onErrorSummary(page);
    await expect.poll(() => announced(page, 'alert')).toMatch(/- alert:[\s\S]*There is a problem[\s\S]*2 tries left/);
    await expectAccessible(page);

    // The summary's link takes focus to the PIN field.
    await tabTo(page, (f) => f.tag === 'a' && /tries left/.test(f.name), 1);
    await page.keyboard.press('Enter');
    await expectFocus(page, field('pin'), 'the PIN field');
    await type(page, TRAINING_PIN);
    await page.keyboard.press('Enter');
    await expectHeading(page, 'Find a child');
    await onHeading(page, 'Find a child');

    // A search with nothing in it: the summary takes focus and says what to do.
    await tabTo(page, button('Search'));
    await page.keyboard.press('Enter');
    await onErrorSummary(page);
    await expect.poll(() => announced(page, 'alert')).toMatch(/- alert:[\s\S]*There is a problem/);

    // A real search, typed field by field; the count is announced as a status.
    await tabTo(page, (f) => f.tag === 'input' && f.name === 'Surname');
    await type(page, child.family);
    const [y, m, d] = child.dob.split('-') as [string, string, string];
    await tabTo(page, (f) => f.tag === 'input' && f.name === 'Day');
    await type(page, d);
    await tabTo(page, (f) => f.tag === 'input' && f.name === 'Month');
    await type(page, m);
    await tabTo(page, (f) => f.tag === 'input' && f.name === 'Year');
    await type(page, y);
    await tabTo(page, button('Search'));
    await page.keyboard.press('Enter');
    await expect
      .poll(() => announced(page, { testId: 'search-summary' }))
      .toMatch(/^- status: (\d+ (child matches|children match)|More than 50 children match)/);
    // Focus stays on the Search button (not lost to the body while the search ran).
    await expectFocus(page, button('Search'), 'the Search button');
    await expectAccessible(page);

    // The child's name in the results opens the reason screen.
    await tabTo(page, button(fullName(child)));
    await page.keyboard.press('Enter');
    await onHeading(page, 'Why are you opening this record?');

    // No reason: the error summary, its link to the first radio, then arrow keys choose.
    await tabTo(page, button('Open record'));
    await page.keyboard.press('Enter');
    await onErrorSummary(page);
    await expect.poll(() => announced(page, 'alert')).toMatch(/- alert:[\s\S]*Select why you are opening this record/);
    await tabTo(page, (f) => f.tag === 'a' && f.name === 'Select why you are opening this record', 1);
    await page.keyboard.press('Enter');
    await expectFocus(page, (f) => f.type === 'radio', 'the first reason');
    await page.keyboard.press('ArrowDown');
    let radio = await expectFocusVisible(page);
    expect(radio).toMatchObject({ name: 'Making or receiving a referral', checked: true });
    await page.keyboard.press('ArrowUp');
    radio = await expectFocusVisible(page);
    expect(radio).toMatchObject({ name: 'Checking who else is working with this child', checked: true });
    await tabTo(page, button('Open record'));
    await page.keyboard.press('Enter');
    await expectHeading(page, fullName(child));
    await onHeading(page, fullName(child));
    await expectAccessible(page);

    // Record their own involvement.
    await tabTo(page, button('Record my involvement'), 120);
    await page.keyboard.press('Enter');
    await onHeading(page, 'Record your involvement');
    await tabTo(page, (f) => f.tag === 'input' && f.name === 'Service or role');
    await type(page, 'School nurse (keyboard)');
    await tabTo(page, button('Save involvement'));
    await page.keyboard.press('Enter');
    await expectHeading(page, fullName(child));
    // Back on the record, its heading focused; the success banner is an alert, so it is read out too.
    await expectFocus(
      page,
      (f) => (f.tag === 'h1' && f.name === fullName(child)) || (f.role === 'alert' && /recorded/.test(f.name)),
      'the record heading or its banner',
    );
    expect(await announced(page, 'alert')).toMatch(/^- alert:[\s\S]*Your involvement has been recorded/);
    await expectNoTrap(page);

    // The card comes out: the lock screen says why, as an alert, and focus is on its heading.
    await h.removeCard('trn-practitioner');
    await expectHeading(page, 'ContactPoint is locked');
    await onHeading(page, 'ContactPoint is locked');
    await expect.poll(() => announced(page, { testId: 'lock-reason' })).toBe('- alert: Your smartcard was removed.');
    await expectAccessible(page);

    // Unlock with the PIN, by keyboard.
    await h.insertCard('trn-practitioner');
    await tabTo(page, field('pin'));
    await type(page, TRAINING_PIN);
    await page.keyboard.press('Enter');
    await expectHeading(page, 'Find a child');
    await onHeading(page, 'Find a child');

    await signOut(page);
    await onHeading(page, 'Sign in to ContactPoint');
  }, 120_000);

  it('the ContactPoint team signs in by token, syncs (progress announced), opens cleansing and checks a file', async () => {
    const { page } = h;
    await keyboardTokenSignIn(h, 'trn-la-team');
    await expectHeading(page, 'Working set');
    await onHeading(page, 'Working set');

    const cdp = await page.context().newCDPSession(page);
    const progressbars = async () => {
      const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
        nodes: {
          ignored: boolean;
          role?: { value: string };
          name?: { value: string };
          value?: { value: unknown };
          properties?: { name: string; value: { value: unknown } }[];
        }[];
      };
      // A progressbar's value (aria-valuenow) is the node's value; its range is in its properties.
      return nodes
        .filter((n) => !n.ignored && n.role?.value === 'progressbar')
        .map((n) => ({
          name: n.name?.value ?? '',
          now: Number(n.value?.value),
          max: Number(n.properties?.find((p) => p.name === 'valuemax')?.value.value),
        }));
    };

    await tabTo(page, button('Start the first sync'));
    await page.keyboard.press('Enter');
    // While it runs: a progress bar with a value, and a status that says how far it has got.
    const values: number[] = [];
    const said = new Set<string>();
    for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
      const [bar] = await progressbars();
      if (bar !== undefined) {
        expect(bar.max).toBe(100);
        expect(bar.name).toMatch(/^Fetching the working set: \d+%$/);
        values.push(bar.now);
      }
      const text = await announced(page, { testId: 'sync-announcement' });
      said.add(text);
      if (/Sync completed/.test(text)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(
      values.some((v) => v > 0),
      `progress values seen: ${values.join(',')}`,
    ).toBe(true);
    expect(
      [...said].some((t) => /^- status: "Fetching the working set: [1-9]\d*% done\."$/.test(t)),
      [...said].join(' | '),
    ).toBe(true);
    expect([...said]).toContainEqual(
      expect.stringMatching(/^- status: "Sync completed: [\d,]+ records brought up to date, 0 removed\."$/),
    );
    // Focus stayed on the sync button all along (it became "Stop the sync", then "Sync now").
    await expectFocus(page, button('Sync now'), 'the Sync now button');
    await expectAccessible(page);

    // Cleansing, from the team's tabs.
    await tabTo(page, button('Cleansing'), 80, 'Shift+Tab');
    await page.keyboard.press('Enter');
    await onHeading(page, 'Cleansing');
    await tabTo(page, button('Run the checks'));
    await page.keyboard.press('Enter');
    await page.getByTestId('queues').waitFor({ timeout: 60_000 });
    await expectFocusVisible(page);
    await expectAccessible(page);
    await expectNoTrap(page);

    // The adapter: the file dialog opened by Enter, then the whole file checked.
    await tabTo(page, button('Load local data'));
    await page.keyboard.press('Enter');
    await onHeading(page, 'Load local data');
    h.chooseNext(file);
    await tabTo(page, button('Choose a file'));
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('chosen-file').textContent()).toContain('keyboard-export.csv');
    await expectFocus(page, button('Choose another file'), 'the file button');
    await page.getByTestId('preview').waitFor();
    await tabTo(page, button('Check the file'), 120);
    await page.keyboard.press('Enter');
    await page.getByTestId('load').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('load-rejected').textContent()).toBe('1');
    await expectFocusVisible(page);
    await expectAccessible(page);
    await expectNoTrap(page);
  }, 150_000);

  it('the team and a data manager reach the management screens', async () => {
    const { page } = h;
    await tabTo(page, button('Management'));
    await page.keyboard.press('Enter');
    await onHeading(page, 'Management information');
    for (const sub of ['Shields', 'Accounts', 'Override alerts', 'Audit']) {
      await tabTo(page, button(sub));
      await page.keyboard.press('Enter');
      await expectHeading(page, sub);
      // The tab just chosen keeps focus and says it is the current one.
      await expectFocus(page, (f) => f.name === sub && f.current === 'page', `the "${sub}" tab, current`);
    }
    await expectAccessible(page);
    await signOut(page);

    await keyboardTokenSignIn(h, 'trn-data-manager');
    await expectHeading(page, 'Archive');
    await onHeading(page, 'Archive');
    for (const sub of ['Audit', 'Override alerts']) {
      await tabTo(page, button(sub));
      await page.keyboard.press('Enter');
      await expectHeading(page, sub);
      await expectFocus(page, (f) => f.name === sub && f.current === 'page', `the "${sub}" tab, current`);
    }
    await tabTo(page, button('Match reviews'), 80, 'Shift+Tab');
    await page.keyboard.press('Enter');
    await expectFocusVisible(page);
    await expectAccessible(page);
    await expectNoTrap(page);
    await signOut(page);
  }, 120_000);
});
