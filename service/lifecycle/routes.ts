// The lifecycle on demand: an operator runs today's archiving and destruction now
// rather than waiting for the timer (after an outage, or to check a change of rules).
import { signedRoute, type Route } from '../http/route.js';
import { runLifecycle } from './lifecycle.js';

export const lifecycleRoutes: Route[] = [
  signedRoute({
    method: 'POST',
    path: '/v1/lifecycle/run',
    roles: ['national-admin'],
    doc: {
      tag: 'lifecycle',
      summary: "Run today's archiving and destruction now",
      description:
        'Archives every active record whose archive date has come (archive age, or one year after death) and destroys every record archived six years ago. ' +
        "The same run happens on a timer; running it again the same day changes nothing. Each record archived or destroyed is audited and tombstoned in its authority's sync feed.",
      response: {
        type: 'object',
        required: ['archived', 'destroyed'],
        properties: { archived: { type: 'integer' }, destroyed: { type: 'integer' } },
      },
    },
    async handle(_req, ctx) {
      return { status: 200, body: await runLifecycle(ctx.db, ctx.clock) };
    },
  }),
];
