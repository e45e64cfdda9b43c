// Machine policy: set by council IT (Group Policy on Windows, a root-owned JSON file on
// Linux), validated by one schema, never overridable by the user. No policy at all means
// the no-configuration training kiosk: embedded service, training data. docs/policy.md
// lists every setting.
import { readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { describeIssues } from '../domain/ipc-contract.js';
import { parseRegQueryOutput, policyRegistryKey, queryPolicyRegistry, registryNameOfField } from './policy-windows.js';

/** This computer: localhost, the IPv6 loopback, or anywhere in 127.0.0.0/8. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

const serviceUrlSchema = z
  .url()
  .refine(
    (value) => {
      const u = new URL(value);
      return u.protocol === 'https:' || (u.protocol === 'http:' && isLoopbackHost(u.hostname));
    },
    { message: 'must use https:// (plain http:// is allowed only to this computer: localhost, 127.x.x.x or [::1])' },
  )
  .refine(
    (value) => {
      const u = new URL(value);
      return u.pathname === '/' && u.search === '' && u.hash === '' && u.username === '' && u.password === '';
    },
    { message: 'must be the service\'s address only, such as https://index.example.gov.uk (no path, query or user name)' },
  );

/** An absolute path: /usr/lib/… on Linux, C:\… or \\server\… on Windows. Relative paths would depend on the user's working directory. */
const absolutePath = z
  .string()
  .min(1)
  .max(1024)
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:\\/.test(p) || p.startsWith('\\\\'), { message: 'must be an absolute path' });

export const policySchema = z
  .object({
    /** Absent in training mode: the service is embedded in-process. */
    serviceUrl: serviceUrlSchema.optional(),
    trainingMode: z.boolean().default(true),
    kiosk: z.boolean().default(true),
    idleMinutes: z.number().int().min(1).max(60).default(5),
    /** The working set on this computer is wiped when it has not synced for longer than this. */
    maxDaysWithoutSync: z.number().int().min(1, 'must be from 1 to 90 days').max(90, 'must be from 1 to 90 days').default(14),
    pkcs11Module: absolutePath.optional(),
    trustedCaFile: absolutePath.optional(),
    pinnedCertificateSha256: z
      .string()
      .regex(/^[A-Za-z0-9+/]{43}=$/, 'must be a base64 SHA-256 digest of the certificate\'s public key')
      .optional(),
  })
  .strict()
  .refine((p) => p.trainingMode || p.serviceUrl !== undefined, {
    path: ['serviceUrl'],
    message: 'is required unless trainingMode is true',
  })
  // A pin replaces the certificate-authority check (so a pinned self-signed certificate
  // works): a CA file next to it would never be consulted, so setting both is a mistake.
  .refine((p) => p.trustedCaFile === undefined || p.pinnedCertificateSha256 === undefined, {
    path: ['pinnedCertificateSha256'],
    message: 'cannot be combined with trustedCaFile: set one or the other (a pin already says exactly which certificate to trust)',
  });
export type Policy = z.infer<typeof policySchema>;

export class PolicyError extends Error {
  override name = 'PolicyError';
}

export const defaultPolicyPath = '/etc/contactpoint/policy.json';

/**
 * Validates a policy. `fieldNames` renames fields in the message (the registry's value
 * names on Windows), so IT is told the name they set.
 */
export function parsePolicy(raw: unknown, source: string, fieldNames: Record<string, string> = {}): Policy {
  const parsed = policySchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({
      ...issue,
      path: issue.path.map((p) => (typeof p === 'string' ? (fieldNames[p] ?? p) : p)),
    }));
    throw new PolicyError(`The machine policy in ${source} is not valid: ${describeIssues(issues)}.`);
  }
  return parsed.data;
}

/** Reads the policy file; a missing file means the defaults (training kiosk). */
export async function loadPolicyFile(path: string = defaultPolicyPath): Promise<Policy> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return parsePolicy({}, 'the built-in defaults');
    throw new PolicyError(`The machine policy ${path} could not be read (${(e as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PolicyError(`The machine policy ${path} is not valid JSON.`);
  }
  return parsePolicy(json, path);
}

/**
 * The policy file and its folder must be owned by root and writable by nobody else:
 * otherwise a user could write their own policy. A missing file is fine (defaults).
 */
async function checkRootOwned(path: string, name = 'The machine policy'): Promise<void> {
  for (const [what, target] of [
    ['file', path],
    ['folder', dirname(path)],
  ] as const) {
    let info;
    try {
      info = await stat(target);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new PolicyError(`${name} ${path} could not be checked (${(e as NodeJS.ErrnoException).code ?? 'error'}).`);
    }
    if (info.uid !== 0 || (info.mode & 0o022) !== 0) {
      throw new PolicyError(
        `${name} ${path} is not used: its ${what} must be owned by root and writable only by root (for example chown root:root and chmod 644). Tell your IT service desk.`,
      );
    }
  }
}

/**
 * The certificate authority the policy's trustedCaFile names. On Linux it is held to
 * the policy file's own rule (owned by root, writable only by root): a CA a user could
 * replace would let them vouch for any server.
 */
export async function readTrustedCa(path: string, platform: NodeJS.Platform = process.platform): Promise<string> {
  if (platform !== 'win32') await checkRootOwned(path, 'The trusted CA file');
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch (e) {
    throw new PolicyError(`The trusted CA file ${path} named in the machine policy could not be read (${(e as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new PolicyError(`The trusted CA file ${path} named in the machine policy holds no PEM certificate.`);
  }
  return pem;
}

export interface LoadMachinePolicyOptions {
  platform?: NodeJS.Platform;
  /** Linux (and other Unix): the policy file; default /etc/contactpoint/policy.json. */
  policyFile?: string;
  /**
   * Windows: what `reg query "HKLM\Software\Policies\ContactPoint"` prints, or null when
   * the key does not exist. Default: run reg.exe. Tests replace it, as there is no
   * Windows registry on the machines that run them.
   */
  readRegistry?: () => Promise<string | null>;
}

/** This computer's policy: the HKLM registry key on Windows, the root-owned file elsewhere. */
export async function loadMachinePolicy(options: LoadMachinePolicyOptions = {}): Promise<Policy> {
  const platform = options.platform ?? process.platform;
  if (platform !== 'win32') {
    const path = options.policyFile ?? defaultPolicyPath;
    await checkRootOwned(path);
    return loadPolicyFile(path);
  }
  const source = `the registry (${policyRegistryKey})`;
  let text: string | null;
  try {
    text = await (options.readRegistry ?? queryPolicyRegistry)();
  } catch (e) {
    throw new PolicyError(`The machine policy in ${source} could not be read: ${e instanceof Error ? e.message : 'error'}.`);
  }
  if (text === null) return parsePolicy({}, 'the built-in defaults');
  const parsed = parseRegQueryOutput(text);
  if (!parsed.ok) throw new PolicyError(`The machine policy in ${source} is not valid: ${parsed.problem}.`);
  return parsePolicy(parsed.raw, source, registryNameOfField);
}

/** The PKCS#11 module when the policy names none (the policy's pkcs11Module wins). */
export function defaultPkcs11Module(platform: NodeJS.Platform, trainingMode: boolean): string {
  if (platform === 'win32') return 'C:\\Windows\\System32\\opensc-pkcs11.dll';
  return trainingMode ? '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so' : '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so';
}
