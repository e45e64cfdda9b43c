// The contract between the renderer (untrusted) and the main process: every channel
// has a request schema that main validates and a response type that the renderer
// relies on. Shared by preload (types), main (validation) and renderer (types only).
import { z } from 'zod';

export const errorCodes = [
  'invalid-payload',
  'unknown-channel',
  'untrusted-sender',
  'service-unreachable',
  'service-error',
  'internal-error',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export interface AppError {
  code: ErrorCode;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

const empty = z.object({}).strict();

export const appInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  trainingMode: z.boolean(),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

export const serviceStatusSchema = z.object({
  service: z.string(),
  version: z.string(),
  trainingMode: z.boolean(),
});
export type ServiceStatus = z.infer<typeof serviceStatusSchema>;

/**
 * Every channel the renderer may call. `request` is validated in main; `response`
 * is the shape main promises back (validated in tests, trusted at run time).
 */
export const channels = {
  'app.info': { request: empty, response: appInfoSchema },
  'service.status': { request: empty, response: serviceStatusSchema },
} as const;

export type Channel = keyof typeof channels;
export type RequestOf<C extends Channel> = z.input<(typeof channels)[C]['request']>;
export type ResponseOf<C extends Channel> = z.output<(typeof channels)[C]['response']>;

export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && Object.hasOwn(channels, name);
}

/** Turns schema issues into one sentence a developer (and a support desk) can act on. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join('.') : 'payload';
      if (issue.code === 'unrecognized_keys') {
        return `${where}: unexpected field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
      }
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}
