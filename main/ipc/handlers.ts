// What each IPC channel does. Records pass through main only on their way to the
// screen: main keeps none of them, and checks every answer against the contract's
// schema so the renderer gets exactly the shape it was promised (what the user may not
// see is already absent: the service leaves it out).
import type { z } from 'zod';
import { accessReasonHeader } from '../../domain/api/records.js';
import { channels, type AppInfo, type CardStatus, type Channel } from '../../domain/ipc-contract.js';
import type { ServiceClient } from '../service-client.js';
import type { SessionManager } from '../session/session-manager.js';
import { AppFailure } from './app-failure.js';
import type { Handlers } from './router.js';

export interface HandlerDeps {
  appInfo: AppInfo;
  service: ServiceClient;
  session: SessionManager;
  /** The smartcard's presence, for the sign-in screen. */
  cardStatus: () => Promise<CardStatus>;
}

/** The answer, if it has the promised shape; a service-error otherwise (never the raw answer). */
function checked<C extends Channel>(channel: C, value: unknown): z.output<(typeof channels)[C]['response']> {
  const parsed = channels[channel].response.safeParse(value);
  if (!parsed.success) {
    throw new AppFailure('service-error', 'The national index service sent an answer ContactPoint could not understand. Tell your IT service desk.');
  }
  return parsed.data as z.output<(typeof channels)[C]['response']>;
}

const typographic: Record<string, string> = { '\u2018': "'", '\u2019': "'", '\u201c': '"', '\u201d': '"', '\u2013': '-', '\u2014': '-', '\u2026': '...' };

/**
 * The reason for access travels in an HTTP header (national-api.md), which carries
 * plain ASCII text on one line. Typographic quotes and dashes become their plain forms
 * and accents are dropped ("Zoë" → "Zoe"); anything else a header cannot carry is
 * refused with a message that says what to change.
 */
export function accessReasonForHeader(reason: string): string {
  const plain = reason
    .replace(/[\u2018\u2019\u201c\u201d\u2013\u2014\u2026]/g, (c) => typographic[c] ?? c)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (!/^[\x20-\x7e]*$/.test(plain)) {
    throw new AppFailure('invalid-payload', 'The reason for access may use letters, numbers, spaces and common punctuation only. Remove any symbols or emoji.');
  }
  return plain;
}

const cpPath = (cpNumber: string) => `/v1/children/${encodeURIComponent(cpNumber)}`;

export function createHandlers(deps: HandlerDeps): Handlers {
  const { session } = deps;
  return {
    'app.info': async () => deps.appInfo,
    'service.status': async () => deps.service.status(),

    'session.watch': async ({ after }) => session.watch(after),
    'session.signInCard': async ({ pin }) => session.signInCard(pin),
    'session.signInToken': async (request) => session.signInToken(request),
    'session.signOut': async () => session.signOut(),
    'session.activity': async () => {
      session.activity();
      return {};
    },
    'card.status': async () => deps.cardStatus(),

    'children.search': async (query) => {
      const given = Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined && v.trim() !== ''));
      return checked('children.search', await session.call({ method: 'GET', path: '/v1/children', query: given }));
    },
    'children.read': async ({ cpNumber, reason }) =>
      checked(
        'children.read',
        await session.call({ method: 'GET', path: cpPath(cpNumber), headers: { [accessReasonHeader]: accessReasonForHeader(reason) } }),
      ),
    'children.shieldOverride': async ({ cpNumber, reason }) =>
      checked(
        'children.shieldOverride',
        await session.call({
          method: 'POST',
          path: `${cpPath(cpNumber)}/shield-override`,
          body: { reason, acknowledgeInvestigation: true },
        }),
      ),
    'involvements.record': async ({ cpNumber, involvement }) =>
      checked('involvements.record', await session.call({ method: 'POST', path: `${cpPath(cpNumber)}/involvements`, body: involvement })),
    'involvements.update': async ({ cpNumber, id, change }) =>
      checked(
        'involvements.update',
        await session.call({ method: 'PATCH', path: `${cpPath(cpNumber)}/involvements/${encodeURIComponent(id)}`, body: change }),
      ),
  };
}
