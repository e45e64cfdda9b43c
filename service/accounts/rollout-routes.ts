// Roll-out progress over HTTP (issue 21, item 3; rollout.ts).
import { rolloutQuerySchema, rolloutViewSchema } from '../../domain/api/rollout.js';
import { managementRoles } from '../../domain/roles.js';
import { z } from 'zod';
import { signedRoute, type Route } from '../http/route.js';
import { rolloutProgress } from './rollout.js';

export const rolloutRoutes: Route[] = [
  signedRoute({
    method: 'GET',
    path: '/v1/rollout',
    roles: managementRoles,
    query: rolloutQuerySchema,
    doc: {
      tag: 'accounts',
      summary:
        'Roll-out progress: accredited partners and practitioners identified, trained and with access, month by month',
      description:
        "Each count as it stood at the end of each of the last `months` months (default 12, at most 36): accredited partner organisations (their latest stage step by then), practitioners to ready identified (added), trained (course passed) and with access (account activated); and each organisation's stage and counts now. " +
        'An LA team sees its own authority (403 other-authority for another); a data manager and the national administrator every authority side by side, or the one named.',
      errors: { '403': 'other-authority' },
      response: z.toJSONSchema(rolloutViewSchema, { io: 'output', target: 'draft-2020-12' }) as Record<string, unknown>,
    },
    async handle(req, ctx) {
      return { status: 200, body: await rolloutProgress(ctx.db, req.actor, req.query, ctx.clock.now()) };
    },
  }),
];
