// The referral channels (issue 20, item 5): a practitioner reports a problem with a
// record they have open, and the child's authority's team works its queue. Each is a
// signed call on the person's own session: the service decides who may report, who
// sees which referral and what counts as case information, and main passes on only
// answers that fit the contract.
import type { z } from 'zod';
import { accessReasonHeader } from '../../domain/api/records.js';
import { channels, type Channel } from '../../domain/ipc-contract.js';
import type { SessionManager } from '../session/session-manager.js';
import { AppFailure } from './app-failure.js';
import type { Handlers } from './router.js';

type ReferralChannel = Extract<Channel, `referrals.${string}`>;

const checked = <C extends Channel>(channel: C, value: unknown): z.output<(typeof channels)[C]['response']> => {
  const parsed = channels[channel].response.safeParse(value);
  if (!parsed.success)
    throw new AppFailure(
      'service-error',
      'The national index service sent an answer ContactPoint could not understand. Tell your IT service desk.',
    );
  return parsed.data as z.output<(typeof channels)[C]['response']>;
};

export interface ReferralDeps {
  session: SessionManager;
  /** The reason for access made fit for its header (handlers.ts), as when the record was read. */
  accessReasonForHeader: (reason: string) => string;
}

export function createReferralHandlers(deps: ReferralDeps): Pick<Handlers, ReferralChannel> {
  const { session } = deps;
  return {
    'referrals.make': async ({ cpNumber, reason, referral }) =>
      checked(
        'referrals.make',
        await session.call({
          method: 'POST',
          path: `/v1/children/${encodeURIComponent(cpNumber)}/referrals`,
          headers: { [accessReasonHeader]: deps.accessReasonForHeader(reason) },
          body: { kind: referral.kind, ...(referral.text ? { text: referral.text } : {}) },
        }),
      ),
    'referrals.list': async ({ status }) =>
      checked(
        'referrals.list',
        await session.call({ method: 'GET', path: '/v1/referrals', query: { status: status ?? 'open' } }),
      ),
    'referrals.close': async ({ reference, outcome }) =>
      checked(
        'referrals.close',
        await session.call({
          method: 'POST',
          path: `/v1/referrals/${encodeURIComponent(reference)}/close`,
          body: { outcome },
        }),
      ),
  };
}
