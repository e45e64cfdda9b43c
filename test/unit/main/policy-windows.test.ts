// The Windows machine policy: HKLM\Software\Policies\ContactPoint read through reg.exe.
// There is no Windows registry on the machines that run these tests, so this is the
// one boundary replaced here: `readRegistry` feeds loadMachinePolicy the text reg.exe
// prints (its real format: CRLF lines, the key, then "    Name    REG_TYPE    data"
// with four-space columns and REG_DWORD data as 0x… hex), and everything after that —
// parsing, type checks, the shared schema — is the code Windows runs.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRegQueryOutput } from '../../../main/policy-windows.js';
import { loadMachinePolicy, PolicyError, policyRegistryValues } from '../../../main/policy.js';

/** What `reg query "HKLM\Software\Policies\ContactPoint"` prints for these value lines. */
const regOutput = (...values: string[]) =>
  ['', 'HKEY_LOCAL_MACHINE\\Software\\Policies\\ContactPoint', ...values.map((v) => `    ${v}`), '', ''].join('\r\n');

const fromRegistry = (text: string | null) => loadMachinePolicy({ platform: 'win32', readRegistry: async () => text });

async function refusal(text: string): Promise<string> {
  const e = await fromRegistry(text).catch((err: unknown) => err);
  expect(e).toBeInstanceOf(PolicyError);
  return (e as Error).message;
}

describe('Windows machine policy from reg.exe output (registry simulated: no Windows here)', () => {
  it('reads every value of a live deployment into the policy', async () => {
    const text = regOutput(
      'ServiceUrl    REG_SZ    https://index.example.gov.uk',
      'TrainingMode    REG_DWORD    0x0',
      'Kiosk    REG_DWORD    0x1',
      'IdleMinutes    REG_DWORD    0xa',
      'MaxDaysWithoutSync    REG_DWORD    0x7',
      'Pkcs11Module    REG_SZ    C:\\Program Files\\OpenSC Project\\OpenSC\\pkcs11\\opensc-pkcs11.dll',
      'TrustedCaFile    REG_SZ    C:\\ProgramData\\ContactPoint\\council-ca.pem',
    );
    expect(await fromRegistry(text)).toEqual({
      serviceUrl: 'https://index.example.gov.uk',
      trainingMode: false,
      kiosk: true,
      idleMinutes: 10,
      lockWarningSeconds: 60,
      sessionEndWarningMinutes: 10,
      zoomPercent: 100,
      debugTiming: false,
      maxDaysWithoutSync: 7,
      pkcs11Module: 'C:\\Program Files\\OpenSC Project\\OpenSC\\pkcs11\\opensc-pkcs11.dll',
      trustedCaFile: 'C:\\ProgramData\\ContactPoint\\council-ca.pem',
    });
  });

  it('reads a pinned certificate, value names in any case, and ignores the default value and subkeys', async () => {
    const pin = 'q9nDkdUJ0pM7v0wPFO9lAq8FJ1L0oO3X3uQx3fJ4vVQ=';
    const text = [
      '',
      'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\ContactPoint',
      '    (Default)    REG_SZ    (value not set)',
      '    serviceurl    REG_SZ    https://index.example.gov.uk:8443',
      '    TRAININGMODE    REG_DWORD    0x0',
      `    PinnedCertificateSha256    REG_SZ    ${pin}`,
      '',
      'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\ContactPoint\\Extensions',
      '',
    ].join('\r\n');
    expect(await fromRegistry(text)).toEqual({
      serviceUrl: 'https://index.example.gov.uk:8443',
      trainingMode: false,
      kiosk: true,
      idleMinutes: 5,
      lockWarningSeconds: 60,
      sessionEndWarningMinutes: 10,
      zoomPercent: 100,
      debugTiming: false,
      maxDaysWithoutSync: 14,
      pinnedCertificateSha256: pin,
    });
  });

  it('with no key (reg.exe exits 1), or a key with no values, is the training kiosk', async () => {
    const defaults = {
      trainingMode: true,
      kiosk: true,
      idleMinutes: 5,
      lockWarningSeconds: 60,
      sessionEndWarningMinutes: 10,
      zoomPercent: 100,
      debugTiming: false,
      maxDaysWithoutSync: 14,
    };
    expect(await fromRegistry(null)).toEqual(defaults);
    expect(await fromRegistry(regOutput())).toEqual(defaults);
  });

  it.each([
    ['IdleMinutes    REG_SZ    5', 'IdleMinutes: must be a REG_DWORD, not REG_SZ'],
    ['MaxDaysWithoutSync    REG_DWORD    0x0', 'MaxDaysWithoutSync: must be from 1 to 90 days'],
    ['ServiceUrl    REG_DWORD    0x1', 'ServiceUrl: must be a REG_SZ, not REG_DWORD'],
    ['Kiosk    REG_SZ    true', 'Kiosk: must be a REG_DWORD, not REG_SZ'],
    ['Kiosk    REG_QWORD    0x1', 'Kiosk: must be a REG_DWORD, not REG_QWORD'],
    // An expandable string would take %VARIABLES% from the user's environment.
    [
      'Pkcs11Module    REG_EXPAND_SZ    %SystemRoot%\\System32\\opensc-pkcs11.dll',
      'Pkcs11Module: must be a REG_SZ, not REG_EXPAND_SZ',
    ],
    ['TrainingMode    REG_DWORD    0x2', 'TrainingMode: must be 0 (off) or 1 (on)'],
    ['AllowDevTools    REG_DWORD    0x1', 'unexpected value "AllowDevTools"'],
  ])('refuses %j, naming the value', async (line, problem) => {
    expect(await refusal(regOutput(line))).toBe(
      `The machine policy in the registry (HKLM\\Software\\Policies\\ContactPoint) is not valid: ${problem}.`,
    );
  });

  it('validates with the same schema as the Linux file, naming the registry value', async () => {
    expect(await refusal(regOutput('IdleMinutes    REG_DWORD    0x0'))).toMatch(/: IdleMinutes: .*>=1/);
    expect(await refusal(regOutput('ServiceUrl    REG_SZ    http://index.example.gov.uk'))).toMatch(
      /: ServiceUrl: must use https:\/\//,
    );
    expect(await refusal(regOutput('TrainingMode    REG_DWORD    0x0'))).toMatch(
      /: ServiceUrl: is required unless trainingMode is true/,
    );
    expect(await refusal(regOutput('Pkcs11Module    REG_SZ    opensc-pkcs11.dll'))).toMatch(
      /: Pkcs11Module: must be an absolute path/,
    );
    expect(
      await refusal(
        regOutput(
          'TrustedCaFile    REG_SZ    C:\\ca.pem',
          'PinnedCertificateSha256    REG_SZ    q9nDkdUJ0pM7v0wPFO9lAq8FJ1L0oO3X3uQx3fJ4vVQ=',
        ),
      ),
    ).toMatch(/: PinnedCertificateSha256: cannot be combined with trustedCaFile/);
  });

  it('reads only HKLM: output for any other key is refused', async () => {
    const userKey = [
      '',
      'HKEY_CURRENT_USER\\Software\\Policies\\ContactPoint',
      '    TrainingMode    REG_DWORD    0x1',
      '',
    ].join('\r\n');
    expect(await refusal(userKey)).toMatch(/different key/);
    expect(parseRegQueryOutput('    Kiosk    REG_DWORD    0x0\r\n', policyRegistryValues)).toEqual({
      ok: false,
      problem: expect.stringMatching(/did not name/),
    });
  });

  it('says so when reg.exe cannot be run', async () => {
    const e = await loadMachinePolicy({
      platform: 'win32',
      readRegistry: async () => {
        throw new Error('reg.exe could not be run (ENOENT)');
      },
    }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(PolicyError);
    expect((e as Error).message).toBe(
      'The machine policy in the registry (HKLM\\Software\\Policies\\ContactPoint) could not be read: reg.exe could not be run (ENOENT).',
    );
  });

  it('on Windows never reads a policy file, and on Linux never the registry', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cp-policy-win-'));
    try {
      const file = join(dir, 'policy.json');
      await writeFile(file, JSON.stringify({ kiosk: false }));
      const win = await loadMachinePolicy({
        platform: 'win32',
        policyFile: file,
        readRegistry: async () => regOutput('Kiosk    REG_DWORD    0x1'),
      });
      expect(win.kiosk).toBe(true);
      let registryRead = false;
      const linux = await loadMachinePolicy({
        platform: 'linux',
        policyFile: file,
        readRegistry: async () => {
          registryRead = true;
          return regOutput('Kiosk    REG_DWORD    0x1');
        },
      });
      expect(linux.kiosk).toBe(false);
      expect(registryRead).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
