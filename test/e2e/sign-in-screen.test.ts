import { existsSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, startHarness, type Harness } from './harness.js';

describe('the first screen, through the harness', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('is sign-in, with the training banner and a live connection to the service', async () => {
    const { page } = h;
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in to ContactPoint');
    await expect.poll(() => page.getByRole('region', { name: 'Training mode' }).isVisible()).toBe(true);
    // This text only appears once main has fetched /v1/status from the real service.
    await expect
      .poll(() => page.getByTestId('service-status').textContent())
      .toBe('Connected to the national index (training).');
    const shot = await h.screenshot('sign-in');
    expect(existsSync(shot) && statSync(shot).size).toBeGreaterThan(10_000);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('is usable by keyboard alone, and names each missing field when submitted empty', async () => {
    const { page } = h;
    await page.keyboard.press('Tab'); // skip link
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to main content');
    await page.getByRole('button', { name: 'Continue' }).focus();
    await page.keyboard.press('Enter');
    const summary = page.getByRole('alert');
    await expect.poll(() => summary.textContent()).toContain('Select how you are signing in');
    // Focus moves to the summary so a screen reader announces it.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.classList.contains('govuk-error-summary')))
      .toBe(true);

    await page.getByLabel('Security token').check();
    await page.getByLabel('Security code').fill('12a456');
    await page.getByRole('button', { name: 'Continue' }).click();
    const text = await summary.textContent();
    expect(text).toContain('Enter your user ID');
    expect(text).toContain('Enter your password');
    expect(text).toContain('Code must be 6 numbers');
    await h.screenshot('sign-in-errors');
    expect(await axeViolations(page)).toEqual([]);

    // The error summary links take the keyboard to the field.
    await summary.getByRole('link', { name: 'Enter your password' }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('password');

    // Switching to the smartcard asks for the PIN only, and checks its shape.
    await page.getByLabel('Smartcard').check();
    expect(await page.getByLabel('User ID').count()).toBe(0);
    await page.getByLabel('Smartcard PIN').fill('12');
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => summary.textContent()).toBe('There is a problemPIN must be 4 to 12 numbers');
    expect(await page.getByLabel('Smartcard PIN').getAttribute('type')).toBe('password');
    expect(await page.getByLabel('Smartcard PIN').getAttribute('aria-invalid')).toBe('true');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('loads nothing from outside the application, and runs under its CSP without a single error', () => {
    expect(h.blockedRequests).toEqual([]);
    expect(h.pageErrors).toEqual([]);
  });

  it('serves the page with a CSP that allows only the hashed bundle to run', async () => {
    const other = await h.context.newPage();
    const nav = await other.goto('http://app.localhost/index.html');
    const csp = nav?.headers()['content-security-policy'] ?? '';
    expect(csp).toMatch(/script-src 'sha384-[A-Za-z0-9+/]{64}'(;|$)/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|script-src[^;]*'self'/);
    expect(csp).toContain("require-trusted-types-for 'script'");
    // Injected script is refused: by Trusted Types at the sink, or by the CSP if it got that far.
    const outcome = await other.evaluate(() => {
      try {
        const s = document.createElement('script');
        s.textContent = 'window.__injected = true';
        document.head.append(s);
      } catch (e) {
        return (e as Error).name;
      }
      return (window as unknown as { __injected?: boolean }).__injected === true ? 'ran' : 'blocked';
    });
    expect(['TypeError', 'blocked']).toContain(outcome);
    await other.close();
  });

  it('refuses a deliberately wrong IPC payload from the renderer with a clear error', async () => {
    const result = await h.page.evaluate(() => window.__cpInvoke!('service.status', { surname: 'Smith' }));
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'invalid-payload',
        message: 'The request to "service.status" was refused: payload: unexpected field "surname".',
      },
    });
    const unknown = await h.page.evaluate(() => window.__cpInvoke!('records.deleteAll', {}));
    expect(unknown).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
  });

  it('refuses calls from any page that is not the application', async () => {
    const other = await h.context.newPage();
    await other.route('http://elsewhere.localhost/**', (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>x</title>' }),
    );
    await other.goto('http://elsewhere.localhost/');
    const result = await other.evaluate(() => window.__cpInvoke!('app.info', {}));
    expect(result).toMatchObject({ ok: false, error: { code: 'untrusted-sender' } });
    // The same call from the application succeeds, so the refusal is about the sender.
    const ok = await h.page.evaluate(() => window.contactpoint!.app.info());
    expect(ok).toEqual({
      ok: true,
      value: { name: 'ContactPoint', version: '0.0.0-test', trainingMode: true, helpdesk: null, debugTiming: false },
    });
    await other.close();
  });
});

describe('the first screen when the service is down', () => {
  let h: Harness;
  beforeAll(async () => {
    // Port 9 (discard) on loopback: nothing listens there.
    h = await startHarness({ serviceUrl: 'http://127.0.0.1:9' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('says the service cannot be reached, in words a receptionist can act on', async () => {
    const warning = h.page.locator('.govuk-warning-text');
    await expect
      .poll(() => warning.textContent(), { timeout: 15_000 })
      .toContain('The national index service cannot be reached');
    expect(await axeViolations(h.page)).toEqual([]);
  });
});
