import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defaultPkcs11Module,
  helpdeskOf,
  loadMachinePolicy,
  loadPolicyFile,
  parsePolicy,
  PolicyError,
  readTrustedCa,
} from '../../../main/policy.js';

describe('machine policy', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cp-policy-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('with no policy file, is the training kiosk with the embedded service', async () => {
    const p = await loadPolicyFile(join(dir, 'absent.json'));
    expect(p).toEqual({
      trainingMode: true,
      kiosk: true,
      idleMinutes: 5,
      lockWarningSeconds: 60,
      sessionEndWarningMinutes: 10,
      zoomPercent: 100,
      debugTiming: false,
      maxDaysWithoutSync: 14,
    });
  });

  it('reads a real deployment policy', async () => {
    const file = join(dir, 'policy.json');
    await writeFile(
      file,
      JSON.stringify({ serviceUrl: 'https://index.example.gov.uk', trainingMode: false, kiosk: true, idleMinutes: 3 }),
    );
    expect(await loadPolicyFile(file)).toMatchObject({
      serviceUrl: 'https://index.example.gov.uk',
      trainingMode: false,
      idleMinutes: 3,
    });
  });

  it.each([
    [{ serviceUrl: 'http://index.example.gov.uk' }, /serviceUrl: must use https:\/\//],
    [{ serviceUrl: 'http://10.0.0.5:8443' }, /serviceUrl: must use https:\/\//],
    [{ trainingMode: false }, /serviceUrl: is required unless trainingMode is true/],
    [{ idleMinutes: 0 }, /idleMinutes/],
    [{ idleMinutes: '5' }, /idleMinutes/],
    [{ maxDaysWithoutSync: 0 }, /maxDaysWithoutSync/],
    [{ maxDaysWithoutSync: 365 }, /maxDaysWithoutSync/],
    [{ kiosk: 'no' }, /kiosk/],
    [{ lockWarningSeconds: 5 }, /lockWarningSeconds: must be from 20 to 300 seconds/],
    [{ sessionEndWarningMinutes: 0 }, /sessionEndWarningMinutes: must be from 1 to 60 minutes/],
    [{ zoomPercent: 1000 }, /zoomPercent: must be from 50 to 300 per cent/],
    [{ helpdeskName: '' }, /helpdeskName: must not be empty/],
    [{ helpdeskName: 'Team\nCall 999' }, /helpdeskName: must be one line of printable characters/],
    [{ helpdeskName: 'x'.repeat(81) }, /helpdeskName: must be at most 80 characters/],
    [{ helpdeskPhone: 'call us' }, /helpdeskPhone: must be a telephone number/],
    [{ helpdeskHours: 'Mon\u0007' }, /helpdeskHours: must be one line of printable characters/],
    [{ allowDevTools: true }, /unexpected field "allowDevTools"/],
    [{ serviceUrl: 'http://127.0.0.1.example.com' }, /serviceUrl: must use https:\/\//],
    [{ serviceUrl: 'http://localhost.example.com' }, /serviceUrl: must use https:\/\//],
    [{ serviceUrl: 'http://[::2]:8443' }, /serviceUrl: must use https:\/\//],
    [{ serviceUrl: 'http://0.0.0.0:8443' }, /serviceUrl: must use https:\/\//],
    [{ serviceUrl: 'https://index.example.gov.uk/v1' }, /serviceUrl: must be the service's address only/],
    [{ serviceUrl: 'https://it:secret@index.example.gov.uk' }, /serviceUrl: must be the service's address only/],
    [{ pkcs11Module: 'opensc-pkcs11.so' }, /pkcs11Module: must be an absolute path/],
    [{ trustedCaFile: 'ca.pem' }, /trustedCaFile: must be an absolute path/],
    [{ pinnedCertificateSha256: 'AB:CD:EF' }, /pinnedCertificateSha256: must be a base64 SHA-256/],
    [
      {
        trustedCaFile: '/etc/contactpoint/ca.pem',
        pinnedCertificateSha256: 'q9nDkdUJ0pM7v0wPFO9lAq8FJ1L0oO3X3uQx3fJ4vVQ=',
      },
      /pinnedCertificateSha256: cannot be combined with trustedCaFile/,
    ],
  ])('refuses %j with a message naming the problem', (raw, message) => {
    expect(() => parsePolicy(raw, 'test.json')).toThrow(PolicyError);
    expect(() => parsePolicy(raw, 'test.json')).toThrow(message);
  });

  it('allows plain http only to this computer', () => {
    for (const url of [
      'http://127.0.0.1:8443',
      'http://localhost:8443',
      'http://[::1]:8443',
      'http://127.12.0.254:8443',
      'http://127.0.0.1:8443/',
    ]) {
      expect(parsePolicy({ serviceUrl: url }, 't').serviceUrl).toBe(url);
    }
  });

  it('names a file that is not JSON, without quoting it', async () => {
    const file = join(dir, 'broken.json');
    await writeFile(file, '{"serviceUrl": "https://x", password: hunter2');
    const err = await loadPolicyFile(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PolicyError);
    expect((err as Error).message).toBe(`The machine policy ${file} is not valid JSON.`);
    expect((err as Error).message).not.toContain('hunter2');
  });
});

describe('the machine policy on Linux: only a root-owned file counts', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cp-machine-policy-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const live = {
    serviceUrl: 'https://index.example.gov.uk',
    trainingMode: false,
    trustedCaFile: '/etc/contactpoint/ca.pem',
  };

  it('reads a root-owned policy that only root may change', async () => {
    expect(process.getuid?.()).toBe(0); // these tests make files for root and for "nobody"
    const file = join(dir, 'policy.json');
    await writeFile(file, JSON.stringify(live), { mode: 0o644 });
    expect(await loadMachinePolicy({ platform: 'linux', policyFile: file })).toEqual({
      ...live,
      kiosk: true,
      idleMinutes: 5,
      lockWarningSeconds: 60,
      sessionEndWarningMinutes: 10,
      zoomPercent: 100,
      debugTiming: false,
      maxDaysWithoutSync: 14,
    });
  });

  it('with no file, is the training kiosk', async () => {
    expect(await loadMachinePolicy({ platform: 'linux', policyFile: join(dir, 'absent', 'policy.json') })).toEqual({
      trainingMode: true,
      kiosk: true,
      idleMinutes: 5,
      lockWarningSeconds: 60,
      sessionEndWarningMinutes: 10,
      zoomPercent: 100,
      debugTiming: false,
      maxDaysWithoutSync: 14,
    });
  });

  it('refuses a policy file a user owns or could change, or one in a folder a user could change', async () => {
    const owned = join(dir, 'owned-by-nobody.json');
    await writeFile(owned, JSON.stringify(live), { mode: 0o644 });
    await chown(owned, 65534, 65534);
    const writable = join(dir, 'group-writable.json');
    await writeFile(writable, JSON.stringify(live));
    await chmod(writable, 0o664);
    const openDir = join(dir, 'open');
    await mkdir(openDir);
    await chmod(openDir, 0o777);
    const inOpenDir = join(openDir, 'policy.json');
    await writeFile(inOpenDir, JSON.stringify(live), { mode: 0o644 });
    for (const [file, what] of [
      [owned, 'file'],
      [writable, 'file'],
      [inOpenDir, 'folder'],
    ] as const) {
      const e = await loadMachinePolicy({ platform: 'linux', policyFile: file }).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(PolicyError);
      expect((e as Error).message).toBe(
        `The machine policy ${file} is not used: its ${what} must be owned by root and writable only by root (for example chown root:root and chmod 644). Tell your IT service desk.`,
      );
    }
  });
});

describe('the trusted CA file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cp-ca-'));
    await chmod(dir, 0o755);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

  it('is read when root owns it and only root may change it', async () => {
    const file = join(dir, 'ca.pem');
    await writeFile(file, pem, { mode: 0o644 });
    expect(await readTrustedCa(file, 'linux')).toBe(pem);
  });

  it('is refused when a user could replace it, when missing, and when it holds no certificate', async () => {
    const owned = join(dir, 'user-ca.pem');
    await writeFile(owned, pem, { mode: 0o644 });
    await chown(owned, 65534, 65534);
    await expect(readTrustedCa(owned, 'linux')).rejects.toThrow(
      `The trusted CA file ${owned} is not used: its file must be owned by root and writable only by root`,
    );
    await expect(readTrustedCa(join(dir, 'absent.pem'), 'linux')).rejects.toThrow(/could not be read \(ENOENT\)/);
    const notPem = join(dir, 'not-pem.txt');
    await writeFile(notPem, 'hello', { mode: 0o644 });
    await expect(readTrustedCa(notPem, 'linux')).rejects.toThrow('holds no PEM certificate');
  });
});

describe('the default PKCS#11 module', () => {
  it('is OpenSC on Windows, SoftHSM2 for Linux training, OpenSC for Linux live', () => {
    expect(defaultPkcs11Module('win32', true)).toBe('C:\\Windows\\System32\\opensc-pkcs11.dll');
    expect(defaultPkcs11Module('win32', false)).toBe('C:\\Windows\\System32\\opensc-pkcs11.dll');
    expect(defaultPkcs11Module('linux', true)).toBe('/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so');
    expect(defaultPkcs11Module('linux', false)).toBe('/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so');
  });
});

describe('the helpdesk the screens name', () => {
  it('is none without settings, all three when set, and a plain name when only a number or hours are set', () => {
    expect(helpdeskOf(parsePolicy({}, 'test'))).toBeNull();
    expect(
      helpdeskOf(
        parsePolicy(
          { helpdeskName: ' Northshire ContactPoint team ', helpdeskPhone: '01632 960 123', helpdeskHours: 'Mon-Fri' },
          'test',
        ),
      ),
    ).toEqual({ name: 'Northshire ContactPoint team', phone: '01632 960 123', hours: 'Mon-Fri' });
    expect(helpdeskOf(parsePolicy({ helpdeskPhone: '01632 960 123' }, 'test'))).toEqual({
      name: 'IT service desk',
      phone: '01632 960 123',
    });
  });
});
