// Machine policy: set by council IT (Group Policy on Windows, a root-owned JSON file on
// Linux), validated by one schema, never overridable by the user. No policy at all means
// the no-configuration training kiosk: embedded service, training data. docs/policy.md
// lists every setting.
import { readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { describeIssues } from '../domain/ipc-contract.js';
import {
  parseRegQueryOutput,
  policyRegistryKey,
  queryPolicyRegistry,
  type RegistryValueKind,
  type RegistryValueSpec,
} from './policy-windows.js';

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
    {
      message: "must be the service's address only, such as https://index.example.gov.uk (no path, query or user name)",
    },
  );

/** An absolute path: /usr/lib/… on Linux, C:\… or \\server\… on Windows. Relative paths would depend on the user's working directory. */
const absolutePath = z
  .string()
  .min(1)
  .max(1024)
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:\\/.test(p) || p.startsWith('\\\\'), {
    message: 'must be an absolute path',
  });

/** A short line of text for the screen: printable characters only, no line breaks. */
function helpdeskText(max: number) {
  return z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((t) => ![...t].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f), {
      message: 'must be one line of printable characters',
    });
}

export const policySchema = z
  .object({
    /** Absent in training mode: the service is embedded in-process. */
    serviceUrl: serviceUrlSchema.optional(),
    trainingMode: z.boolean().default(true),
    kiosk: z.boolean().default(true),
    idleMinutes: z.number().int().min(1).max(60).default(5),
    /** Warn this long before the idle lock (at most half the idle time), with "stay signed in". */
    lockWarningSeconds: z
      .number()
      .int()
      .min(20, 'must be from 20 to 300 seconds')
      .max(300, 'must be from 20 to 300 seconds')
      .default(60),
    /** Warn this long before the session's end (8 hours after sign-in). */
    sessionEndWarningMinutes: z
      .number()
      .int()
      .min(1, 'must be from 1 to 60 minutes')
      .max(60, 'must be from 1 to 60 minutes')
      .default(10),
    /** The window's zoom until the user chooses their own with Ctrl + and Ctrl −. */
    zoomPercent: z
      .number()
      .int()
      .min(50, 'must be from 50 to 300 per cent')
      .max(300, 'must be from 50 to 300 per cent')
      .default(100),
    /** Who to call: shown on the sign-in, lock and error screens and in the help. */
    helpdeskName: helpdeskText(80).optional(),
    helpdeskPhone: z
      .string()
      .trim()
      .regex(
        /^\+?[0-9][0-9 ()-]{2,30}$/,
        'must be a telephone number: digits, spaces, brackets and dashes, an optional + first',
      )
      .optional(),
    helpdeskHours: helpdeskText(80).optional(),
    /** The working set on this computer is wiped when it has not synced for longer than this. */
    maxDaysWithoutSync: z
      .number()
      .int()
      .min(1, 'must be from 1 to 90 days')
      .max(90, 'must be from 1 to 90 days')
      .default(14),
    /**
     * Time each request in every layer (renderer, IPC, main, the signed call, the service)
     * and keep the spans in the window's performance timeline: durations only, never data.
     */
    debugTiming: z.boolean().default(false),
    pkcs11Module: absolutePath.optional(),
    trustedCaFile: absolutePath.optional(),
    pinnedCertificateSha256: z
      .string()
      .regex(/^[A-Za-z0-9+/]{43}=$/, "must be a base64 SHA-256 digest of the certificate's public key")
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
    message:
      'cannot be combined with trustedCaFile: set one or the other (a pin already says exactly which certificate to trust)',
  });
export type Policy = z.infer<typeof policySchema>;

/**
 * The helpdesk the screens name, from the policy; null when none of its three settings is
 * set. A number or hours set without a name still reach the screens, under a plain name.
 */
export function helpdeskOf(policy: Policy): { name: string; phone?: string; hours?: string } | null {
  const { helpdeskName: name, helpdeskPhone: phone, helpdeskHours: hours } = policy;
  if (name === undefined && phone === undefined && hours === undefined) return null;
  return {
    name: name ?? 'IT service desk',
    ...(phone !== undefined ? { phone } : {}),
    ...(hours !== undefined ? { hours } : {}),
  };
}

/**
 * What Group Policy, the sample policy file and the admin guide need to know of each
 * setting, beside the schema that validates it: scripts/admx.ts writes the ADMX/ADML
 * templates from this and from the schema itself (its bounds, defaults and lengths), so
 * the templates cannot say anything the schema does not. Every schema field must have
 * an entry (the type says so), and no entry may exist without a field.
 */
export interface PolicySetting {
  /** The value under HKLM\Software\Policies\ContactPoint (Group Policy writes it). */
  registryValue: string;
  /** text: REG_SZ in a text box; boolean: REG_DWORD 1 enabled / 0 disabled; decimal: REG_DWORD in a number box. */
  kind: RegistryValueKind;
  /** The setting's name in the Group Policy editor. */
  displayName: string;
  /**
   * The Group Policy editor's help text (paragraphs separated by a blank line). What
   * "not configured" means is added from the schema's default, so it cannot drift.
   */
  explain: string;
  /** What a decimal setting counts ("minutes"), for that sentence. */
  unit?: string;
  /** The label beside the text or number box (text and decimal settings). */
  label?: string;
  /** A value for the sample policy file (Linux), valid against the schema. */
  example: string | number | boolean;
}

export const policySettings = {
  serviceUrl: {
    registryValue: 'ServiceUrl',
    kind: 'text',
    displayName: 'National index service address',
    label: 'Service address, such as https://index.example.gov.uk:',
    explain:
      'The address of the national index service, for example https://index.example.gov.uk. It must use https:// (plain http:// is allowed only to this computer: localhost, 127.x.x.x or [::1]) and be the address only, with no path, query or user name.\n\n' +
      'Required when training mode is disabled. Not configured in training mode: ContactPoint starts its own embedded training service with training data.',
    example: 'https://index.example.gov.uk',
  },
  trainingMode: {
    registryValue: 'TrainingMode',
    kind: 'boolean',
    displayName: 'Training mode',
    explain:
      'Enabled: training accounts and training data only. Without a service address ContactPoint runs its own embedded training service.\n\n' +
      'Disabled: a live deployment. The national index service address must then be set too, or ContactPoint refuses to start.',
    example: false,
  },
  kiosk: {
    registryValue: 'Kiosk',
    kind: 'boolean',
    displayName: 'Full-screen kiosk window',
    explain: 'Enabled: ContactPoint runs as a full-screen kiosk window. Disabled: an ordinary window.',
    example: true,
  },
  debugTiming: {
    registryValue: 'DebugTiming',
    kind: 'boolean',
    displayName: 'Time each request (for diagnosing slowness)',
    explain:
      "Enabled: ContactPoint times each request in every part it passes through (the window, the application's background process, the signed call, the national index service in training mode) and keeps the timings in the window's performance timeline, for IT staff diagnosing slowness. Timings hold durations only, never names or records. Disabled or not configured: nothing is timed.",
    example: false,
  },
  idleMinutes: {
    registryValue: 'IdleMinutes',
    kind: 'decimal',
    displayName: 'Lock after minutes without use',
    label: 'Minutes without keyboard or mouse activity:',
    explain:
      'ContactPoint locks after this many minutes without keyboard or mouse activity; unlocking needs the smartcard PIN or the security token again.',
    unit: 'minutes',
    example: 5,
  },
  lockWarningSeconds: {
    registryValue: 'LockWarningSeconds',
    kind: 'decimal',
    displayName: 'Warn before the idle lock',
    label: 'Seconds of warning before the idle lock:',
    explain:
      'ContactPoint warns this many seconds before it locks for lack of use, says so to screen readers, and offers "Stay signed in" (reachable from the keyboard; focus moves to it). The warning is never longer than half the idle time. Removing the smartcard still locks at once, with no warning.',
    unit: 'seconds',
    example: 60,
  },
  sessionEndWarningMinutes: {
    registryValue: 'SessionEndWarningMinutes',
    kind: 'decimal',
    displayName: 'Warn before the session ends',
    label: "Minutes of warning before the session's end:",
    explain:
      'A session lasts 8 hours from sign-in. ContactPoint warns this many minutes before it ends, and says so to screen readers, so that work in hand can be finished.',
    unit: 'minutes',
    example: 10,
  },
  zoomPercent: {
    registryValue: 'ZoomPercent',
    kind: 'decimal',
    displayName: 'Default zoom',
    label: 'Zoom, in per cent:',
    explain:
      "The size of text and everything else in ContactPoint's window, in per cent. Each user can change it with Ctrl and + or Ctrl and − (Ctrl and 0 goes back to this), and their choice is kept in their own profile.",
    unit: 'per cent',
    example: 100,
  },
  helpdeskName: {
    registryValue: 'HelpdeskName',
    kind: 'text',
    displayName: 'Helpdesk name',
    label: 'Name of the helpdesk:',
    explain:
      "Who users call for help with ContactPoint, for example your council's ContactPoint team. Shown on the sign-in, lock and error screens and in the help, with the telephone number and hours. One line, at most 80 characters.",
    example: 'Northshire ContactPoint team',
  },
  helpdeskPhone: {
    registryValue: 'HelpdeskPhone',
    kind: 'text',
    displayName: 'Helpdesk telephone number',
    label: 'Telephone number:',
    explain: "The helpdesk's telephone number: digits, spaces, brackets and dashes, with an optional + first.",
    example: '01632 960 123',
  },
  helpdeskHours: {
    registryValue: 'HelpdeskHours',
    kind: 'text',
    displayName: 'Helpdesk opening hours',
    label: 'Opening hours:',
    explain: 'When the helpdesk answers, for example Monday to Friday, 8am to 6pm. One line, at most 80 characters.',
    example: 'Monday to Friday, 8am to 6pm',
  },
  maxDaysWithoutSync: {
    registryValue: 'MaxDaysWithoutSync',
    kind: 'decimal',
    displayName: 'Wipe a working set not synced for this many days',
    label: 'Days without a sync:',
    explain:
      "A local authority team's working set on this computer (its encrypted database and the key in the credential store) is wiped when it has not synced with the national index for more than this many days. Checked when ContactPoint starts and every hour.",
    unit: 'days',
    example: 14,
  },
  pkcs11Module: {
    registryValue: 'Pkcs11Module',
    kind: 'text',
    displayName: 'Smartcard middleware (PKCS#11 module)',
    label: 'Full path of the PKCS#11 module:',
    explain:
      `The full path of the smartcard middleware's PKCS#11 module, for example C:\\Program Files\\OpenSC Project\\OpenSC\\pkcs11\\opensc-pkcs11.dll or the card vendor's own module. Not configured: ${defaultPkcs11Module('win32', false)} (OpenSC).\n\n` +
      'The path must be absolute, in plain ASCII characters, and is used as written: %VARIABLES% are not expanded.',
    example: '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so',
  },
  trustedCaFile: {
    registryValue: 'TrustedCaFile',
    kind: 'text',
    displayName: 'Trusted certificate authority file',
    label: 'Full path of the PEM file:',
    explain:
      "The full path of a PEM file holding the certificate authority (or authorities) that issued the national index service's certificate. Only these authorities are trusted: the file replaces the public roots built into ContactPoint, and the certificate must still name the service's host.\n\n" +
      'Cannot be combined with a pinned service certificate key: set one or the other, or ContactPoint refuses to start. Keep the file where only administrators can change it. The path must be absolute, in plain ASCII characters, and is used as written: %VARIABLES% are not expanded.',
    example: '/etc/contactpoint/council-ca.pem',
  },
  pinnedCertificateSha256: {
    registryValue: 'PinnedCertificateSha256',
    kind: 'text',
    displayName: 'Pinned service certificate key',
    label: 'Base64 SHA-256 of the public key (44 characters):',
    explain:
      "The national index service's certificate must carry exactly this public key: the base64 SHA-256 of its SubjectPublicKeyInfo, 44 characters ending in =. The pin replaces the certificate-authority and host-name checks, so a self-signed service certificate works when pinned and no other certificate does.\n\n" +
      'Work it out with: openssl x509 -in service.pem -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64\n\n' +
      'Cannot be combined with a trusted certificate authority file.',
    example: 'q9nDkdUJ0pM7v0wPFO9lAq8FJ1L0oO3X3uQx3fJ4vVQ=',
  },
} as const satisfies { [K in keyof z.input<typeof policySchema>]-?: PolicySetting };

export type PolicyField = keyof typeof policySettings;

/** The registry values the Windows policy may hold, one per setting. */
export const policyRegistryValues: readonly RegistryValueSpec[] = Object.entries(policySettings).map(([field, s]) => ({
  name: s.registryValue,
  field,
  kind: s.kind,
}));

/** Policy field → the registry value that sets it, for error messages. */
const registryNameOfField: Record<string, string> = Object.fromEntries(
  policyRegistryValues.map((v) => [v.field, v.name]),
);

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
    throw new PolicyError(
      `The machine policy ${path} could not be read (${(e as NodeJS.ErrnoException).code ?? 'error'}).`,
    );
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
    throw new PolicyError(
      `The trusted CA file ${path} named in the machine policy could not be read (${(e as NodeJS.ErrnoException).code ?? 'error'}).`,
    );
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
    throw new PolicyError(
      `The machine policy in ${source} could not be read: ${e instanceof Error ? e.message : 'error'}.`,
    );
  }
  if (text === null) return parsePolicy({}, 'the built-in defaults');
  const parsed = parseRegQueryOutput(text, policyRegistryValues);
  if (!parsed.ok) throw new PolicyError(`The machine policy in ${source} is not valid: ${parsed.problem}.`);
  return parsePolicy(parsed.raw, source, registryNameOfField);
}

/** The PKCS#11 module when the policy names none (the policy's pkcs11Module wins). */
export function defaultPkcs11Module(platform: NodeJS.Platform, trainingMode: boolean): string {
  if (platform === 'win32') return 'C:\\Windows\\System32\\opensc-pkcs11.dll';
  return trainingMode
    ? '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so'
    : '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so';
}
