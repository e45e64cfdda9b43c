// Machine policy: set by council IT (Group Policy on Windows, a root-owned JSON file on
// Linux), validated by schema, never overridable by the user. No policy at all means
// the no-configuration training kiosk: embedded service, training data.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { describeIssues } from '../domain/ipc-contract.js';

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

const serviceUrlSchema = z.url().refine(
  (value) => {
    const u = new URL(value);
    return u.protocol === 'https:' || (u.protocol === 'http:' && loopbackHosts.has(u.hostname));
  },
  { message: 'must use https:// (plain http:// is allowed only to this computer, 127.0.0.1 or localhost)' },
);

export const policySchema = z
  .object({
    /** Absent in training mode: the service is embedded in-process. */
    serviceUrl: serviceUrlSchema.optional(),
    trainingMode: z.boolean().default(true),
    kiosk: z.boolean().default(true),
    idleMinutes: z.number().int().min(1).max(60).default(5),
    pkcs11Module: z.string().min(1).max(1024).optional(),
    trustedCaFile: z.string().min(1).max(1024).optional(),
    pinnedCertificateSha256: z
      .string()
      .regex(/^[A-Za-z0-9+/]{43}=$/, 'must be a base64 SHA-256 digest of the certificate\'s public key')
      .optional(),
  })
  .strict()
  .refine((p) => p.trainingMode || p.serviceUrl !== undefined, {
    path: ['serviceUrl'],
    message: 'is required unless trainingMode is true',
  });
export type Policy = z.infer<typeof policySchema>;

export class PolicyError extends Error {
  override name = 'PolicyError';
}

export const defaultPolicyPath = '/etc/contactpoint/policy.json';

export function parsePolicy(raw: unknown, source: string): Policy {
  const parsed = policySchema.safeParse(raw);
  if (!parsed.success) {
    throw new PolicyError(`The machine policy in ${source} is not valid: ${describeIssues(parsed.error.issues)}.`);
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
