// The one place where renderer requests enter the main process. The renderer is
// untrusted: the sender is checked, the channel must exist, the payload must match
// its schema, and whatever goes wrong comes back as {code, message}, never a stack.
import type { z } from 'zod';
import {
  channels,
  describeIssues,
  isChannel,
  type AppError,
  type Channel,
  type ResponseOf,
  type Result,
} from '../../domain/ipc-contract.js';
import { AppFailure } from './app-failure.js';
import { timed, timedSync, withTiming } from '../timing.js';

/**
 * A request as its handler receives it: parsed by the channel's schema, so with its
 * defaults filled in (the renderer sends `RequestOf`, the schema's input).
 */
export type ParsedRequestOf<C extends Channel> = z.output<(typeof channels)[C]['request']>;

export type Handlers = {
  [C in Channel]: (request: ParsedRequestOf<C>) => Promise<ResponseOf<C>>;
};

export interface Sender {
  /** URL of the frame that sent the request (Electron's senderFrame.url). */
  url: string | undefined;
}

export interface RouterOptions {
  /** The only origin (scheme + host) allowed to call, e.g. "app://contactpoint". */
  trustedOrigin: string;
  /** Where unexpected failures are reported; it receives the code and channel only. */
  onInternalError?: (channel: string, error: unknown) => void;
  /**
   * Whether to time each request (the machine policy's `debugTiming`): its spans (main's
   * and the service's, durations only) then ride beside the result as `timing`.
   */
  timing?: () => boolean;
}

export type Router = (channel: unknown, payload: unknown, sender: Sender) => Promise<Result<unknown>>;

/** Origin comparison that also works for custom schemes (WHATWG gives them origin "null"). */
export function originOf(url: string | undefined): string | null {
  if (url === undefined) return null;
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return null;
  }
}

const fail = (code: AppError['code'], message: string): Result<never> => ({ ok: false, error: { code, message } });

export function createRouter(handlers: Handlers, options: RouterOptions): Router {
  const trusted = originOf(options.trustedOrigin);
  if (trusted === null) throw new Error('trustedOrigin must be an absolute URL');

  const route: Router = async (channel, payload, sender) => {
    if (originOf(sender.url) !== trusted) {
      return fail('untrusted-sender', 'This request did not come from the ContactPoint application and was refused.');
    }
    if (!isChannel(channel)) {
      const shown = typeof channel === 'string' ? `"${channel.slice(0, 64)}"` : `a ${typeof channel}`;
      return fail('unknown-channel', `There is no channel called ${shown}.`);
    }
    const parsed = timedSync('main.validate', () => channels[channel].request.safeParse(payload));
    if (!parsed.success) {
      return fail(
        'invalid-payload',
        `The request to "${channel}" was refused: ${describeIssues(parsed.error.issues)}.`,
      );
    }
    try {
      const handler = handlers[channel] as (request: unknown) => Promise<unknown>;
      return { ok: true, value: await timed('main.handler', () => handler(parsed.data)) };
    } catch (error) {
      if (error instanceof AppFailure) {
        return error.triesLeft === undefined
          ? fail(error.code, error.message)
          : { ok: false, error: { code: error.code, message: error.message, triesLeft: error.triesLeft } };
      }
      options.onInternalError?.(channel, error);
      return fail(
        'internal-error',
        'Something went wrong in ContactPoint. Try again; if it keeps happening, tell your IT service desk.',
      );
    }
  };
  if (!options.timing) return route;
  const timingOn = options.timing;
  return async (channel, payload, sender) => {
    if (!timingOn()) return route(channel, payload, sender);
    const { result, spans } = await withTiming(() => route(channel, payload, sender));
    return { ...result, timing: spans.list() };
  };
}
