// The log an IT service desk is sent: <profile>/logs/main.log (main/log-file.ts), fed by
// main's real core (createCore, as the Electron shell and the E2E harness build it) talking
// to a real national service, with a real SoftHSM2 card. Failures are driven with a planted
// surname, PIN, password and reason for access, and none of them may reach the file.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTransport, type Transport } from '../../../main/api/transport.js';
import { appOrigin, createCore, type Core } from '../../../main/composition-root.js';
import { createLogFile } from '../../../main/log-file.js';
import { startService, type RunningService } from '../../../service/server.js';
import { totpFor } from '../../support/national-service.js';
import { buildCardWorker, createSoftHsm, SOFTHSM2_MODULE, type SoftHsm } from '../../support/softhsm.js';

const scratch = mkdtempSync(join(tmpdir(), 'cp-logs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the log file (main/log-file.ts)', () => {
  it('writes one timestamped line per call to <dir>/main.log, readable only by the user', () => {
    const dir = join(scratch, 'plain', 'logs');
    const log = createLogFile({ dir, now: () => new Date('2026-03-01T09:30:00.000Z') });
    log.write('session: signed in (card)');
    log.write('forged\n2026-03-01T09:30:00.000Z session: signed out\r');
    expect(log.path).toBe(join(dir, 'main.log'));
    expect(readFileSync(log.path, 'utf8')).toBe(
      '2026-03-01T09:30:00.000Z session: signed in (card)\n2026-03-01T09:30:00.000Z forged 2026-03-01T09:30:00.000Z session: signed out \n',
    );
    expect(statSync(log.path).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('rotates by size, keeping the newest lines and a fixed number of old files', () => {
    const dir = join(scratch, 'rotating');
    const log = createLogFile({ dir, maxBytes: 200, keep: 2 });
    for (let i = 0; i < 40; i++) log.write(`line ${String(i).padStart(2, '0')}`);
    expect(readdirSync(dir).sort()).toEqual(['main.1.log', 'main.2.log', 'main.log']);
    for (const f of readdirSync(dir)) expect(statSync(join(dir, f)).size).toBeLessThanOrEqual(200);
    expect(readFileSync(join(dir, 'main.log'), 'utf8')).toMatch(/line 39\n$/);
    expect(readFileSync(join(dir, 'main.1.log'), 'utf8')).not.toContain('line 39');
  });

  it('never throws when it cannot write, and says so once', () => {
    const blocker = join(scratch, 'not-a-folder');
    writeFileSync(blocker, '');
    const said: string[] = [];
    const log = createLogFile({ dir: blocker, onWriteError: (m) => said.push(m) });
    expect(() => {
      log.write('one');
      log.write('two');
    }).not.toThrow();
    expect(said).toEqual([expect.stringMatching(/^log file: cannot write \(E[A-Z]+\)$/)]);
  });
});

describe('no personal data reaches the log, whatever fails', () => {
  const surname = 'Quartermaine';
  const pin = '739164';
  const password = 'Planted-Passw0rd-9931';
  const reason = `Worried about Zebedee ${surname} at 14 Acacia Avenue`;
  const logDir = join(scratch, 'profile', 'logs');
  let service: RunningService;
  let softhsm: SoftHsm;
  let core: Core;
  const call = (channel: string, payload: unknown) => core.router(channel, payload, { url: `${appOrigin}/index.html` });

  beforeAll(async () => {
    service = await startService({ port: 0, trainingMode: true, trainingCount: 50, lifecycleIntervalMs: 0 });
    softhsm = createSoftHsm();
    await softhsm.makeCard({ userId: 'trn-practitioner' });
    const worker = await buildCardWorker(scratch);
    const log = createLogFile({ dir: logDir });
    // The real transport, except that a request carrying the planted name fails the way a
    // broken connection might, with the URL (and so the name) in its message.
    const real = createTransport({});
    const transport: Transport = async (request) => {
      if (request.url.includes(surname) || (request.headers['cp-access-reason'] ?? '').includes(surname)) {
        throw new Error(`socket hang up while asking ${request.url} (${request.headers['cp-access-reason'] ?? ''})`);
      }
      return real(request);
    };
    core = createCore({
      serviceUrl: service.url,
      trainingMode: true,
      version: '0.0.0-test',
      transport,
      card: { modulePath: SOFTHSM2_MODULE, workerFile: worker.workerFile, env: { ...softhsm.env, ...worker.env } },
      workingSet: null,
      log: (line) => log.write(line),
    });
  });
  afterAll(async () => {
    await core?.close();
    await service?.close();
    softhsm?.cleanup();
  });

  it('signs in and out through refusals and failures, and the log names only channels, reasons and error classes', async () => {
    expect(await call('session.signInCard', { pin })).toMatchObject({ ok: false });
    expect(await call('session.signInToken', { userId: 'trn-practitioner', password, otp: '000000' })).toMatchObject({
      ok: false,
      error: { code: 'sign-in-refused' },
    });
    expect(await call('children.search', { surname, extra: surname })).toMatchObject({
      ok: false,
      error: { code: 'invalid-payload' },
    });

    const otp = totpFor('trn-practitioner', new Date());
    expect(
      await call('session.signInToken', { userId: 'trn-practitioner', password: 'Practitioner-Training-1', otp }),
    ).toMatchObject({ ok: true });
    expect(await call('children.search', { surname })).toMatchObject({ ok: false, error: { code: 'internal-error' } });
    const [child] = await service.db.query<{ cp_number: string }>(
      'SELECT cp_number FROM children ORDER BY cp_number LIMIT 1',
    );
    expect(await call('children.read', { cpNumber: child!.cp_number, reason })).toMatchObject({
      ok: false,
      error: { code: 'internal-error' },
    });
    core.session.lock('idle');

    const text = readdirSync(logDir)
      .map((f) => readFileSync(join(logDir, f), 'utf8'))
      .join('');
    // The failures did reach the log, as what happened and to which channel...
    expect(text).toContain('session: signed in (otp)');
    expect(text).toContain('ipc children.search: internal error (Error)');
    expect(text).toContain('ipc children.read: internal error (Error)');
    expect(text).toContain('session: locked (idle)');
    // ...and nothing that was typed, searched for or given as a reason did.
    for (const planted of [surname, pin, password, 'Acacia', 'Zebedee', 'Practitioner-Training-1', otp])
      expect(text).not.toContain(planted);
  });
});
