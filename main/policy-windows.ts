// The machine policy on Windows: Group Policy writes it to the registry key
// HKLM\Software\Policies\ContactPoint, and we read it by running reg.exe (no native
// module) and parsing its text output. Only HKLM, never HKCU: a user cannot write
// there, so a user cannot override the policy. This module turns the registry's values
// into the same object the Linux policy file holds; policy.ts validates both with one
// schema.
import { execFile } from 'node:child_process';
import { win32 } from 'node:path';

/** The key under HKEY_LOCAL_MACHINE, as Group Policy's templates name it. */
export const policyRegistrySubkey = 'Software\\Policies\\ContactPoint';
export const policyRegistryKey = `HKLM\\${policyRegistrySubkey}`;
/** How reg.exe names the key in its output. */
const policyRegistryKeyLong = 'HKEY_LOCAL_MACHINE\\Software\\Policies\\ContactPoint';

/**
 * How a policy value is held in the registry and edited in Group Policy: text is a
 * REG_SZ (a text box), boolean a REG_DWORD 0 or 1 (enabled / disabled), decimal a
 * REG_DWORD number (a number box). main/policy.ts names the kind of every setting.
 */
export type RegistryValueKind = 'text' | 'boolean' | 'decimal';

export function registryTypeOf(kind: RegistryValueKind): 'REG_SZ' | 'REG_DWORD' {
  return kind === 'text' ? 'REG_SZ' : 'REG_DWORD';
}

/** One value under the policy key: its registry name, the policy field it sets, its kind. */
export interface RegistryValueSpec {
  name: string;
  field: string;
  kind: RegistryValueKind;
}

export type RegistryParse = { ok: true; raw: Record<string, unknown> } | { ok: false; problem: string };

// "    Name    REG_TYPE    data": reg.exe separates the columns with four spaces.
// Data may itself contain spaces (C:\Program Files\...), and is absent for an empty string.
const valueLine = /^ {4}(\S(?:.*?\S)?) {4}(REG_[A-Z0-9_]+)(?: {4}(.*))?$/;

/**
 * The values under HKLM\Software\Policies\ContactPoint in the text `reg query` prints,
 * as a policy object with the policy's field names (not yet validated). Values of the
 * wrong registry type, and values this application does not know, are refused with a
 * problem naming the value; the data itself is never quoted.
 */
export function parseRegQueryOutput(text: string, values: readonly RegistryValueSpec[]): RegistryParse {
  const raw: Record<string, unknown> = {};
  let inPolicyKey = false;
  let sawKey = false;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.replace(/\r$/, '');
    if (line.trim() === '') continue;
    if (!line.startsWith(' ')) {
      // A key heading: the policy key itself, or (ignored) one of its subkeys.
      inPolicyKey = line.trim().toLowerCase() === policyRegistryKeyLong.toLowerCase();
      if (inPolicyKey) sawKey = true;
      else if (!line.trim().toLowerCase().startsWith(`${policyRegistryKeyLong.toLowerCase()}\\`)) {
        return {
          ok: false,
          problem: 'the registry answered for a different key than HKLM\\Software\\Policies\\ContactPoint',
        };
      }
      continue;
    }
    if (!inPolicyKey) continue;
    const match = valueLine.exec(line);
    if (!match) return { ok: false, problem: 'a line of the reg.exe output could not be read' };
    const [, name = '', type = '', data = ''] = match;
    if (name === '(Default)') continue;
    const spec = values.find((v) => v.name.toLowerCase() === name.toLowerCase());
    if (!spec) return { ok: false, problem: `unexpected value ${JSON.stringify(name)}` };
    const known = spec.name;
    const expected = registryTypeOf(spec.kind);
    if (type !== expected) return { ok: false, problem: `${known}: must be a ${expected}, not ${type}` };
    if (spec.kind === 'text') {
      raw[spec.field] = data;
      continue;
    }
    if (!/^0x[0-9a-fA-F]{1,8}$/.test(data)) return { ok: false, problem: `${known}: is not a readable REG_DWORD` };
    const value = Number.parseInt(data.slice(2), 16);
    if (spec.kind === 'decimal') {
      raw[spec.field] = value;
    } else {
      if (value !== 0 && value !== 1) return { ok: false, problem: `${known}: must be 0 (off) or 1 (on)` };
      raw[spec.field] = value === 1;
    }
  }
  if (!sawKey && Object.keys(raw).length === 0 && text.trim() !== '') {
    return { ok: false, problem: 'the reg.exe output did not name HKLM\\Software\\Policies\\ContactPoint' };
  }
  return { ok: true, raw };
}

/** reg.exe from the Windows directory itself, not whatever the PATH finds first. */
function regExePath(): string {
  const root = process.env['SystemRoot'];
  const windowsDir = root && /^[A-Za-z]:\\[^"%<>|?*]*$/.test(root) ? root : 'C:\\Windows';
  return win32.join(windowsDir, 'System32', 'reg.exe');
}

/**
 * Runs `reg.exe query "HKLM\Software\Policies\ContactPoint" /reg:64` and returns what it
 * printed, or null when the key does not exist (reg.exe exits with 1). Only on Windows.
 */
export function queryPolicyRegistry(): Promise<string | null> {
  return new Promise((resolve, reject) => {
    execFile(
      regExePath(),
      ['query', policyRegistryKey, '/reg:64'],
      { windowsHide: true, timeout: 15_000, encoding: 'utf8', maxBuffer: 1024 * 1024 },
      (error, stdout) => {
        if (!error) resolve(stdout);
        else if (error.code === 1) resolve(null);
        else
          reject(
            new Error(
              `reg.exe could not be run (${typeof error.code === 'string' ? error.code : (error.signal ?? 'failed')})`,
            ),
          );
      },
    );
  });
}
