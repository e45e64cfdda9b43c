// The national index service as one request handler over a store: every route, the
// HTTP layer in front of them, and the context they share. No sockets here (server.ts).
import { randomBytes } from 'node:crypto';
import { organisationRoutes } from './accounts/organisation-routes.js';
import { practitionerRoutes } from './accounts/practitioner-routes.js';
import { rolloutRoutes } from './accounts/rollout-routes.js';
import { accountRoutes, activationRoutes } from './accounts/routes.js';
import type { NonceCache } from './auth/nonce-cache.js';
import { StoreNonceCache } from './auth/nonce-cache.js';
import { SecretBox } from './auth/secret-box.js';
import type { CheckpointPublisher } from './audit/checkpoints.js';
import { auditRoutes } from './audit/routes.js';
import { systemClock, type Clock, type ServiceContext } from './context.js';
import { createHandler } from './http/handler.js';
import { openApiDocument } from './http/openapi.js';
import { openRoute, type Route } from './http/route.js';
import { lifecycleRoutes } from './lifecycle/routes.js';
import { managementRoutes } from './management/routes.js';
import { recordRoutes } from './records/routes.js';
import { referralRoutes } from './referrals/routes.js';
import { sessionRoutes } from './sessions/routes.js';
import { shieldRoutes } from './shields/routes.js';
import type { Database } from './store/database.js';
import { supplyRoutes } from './supply/routes.js';
import { syncRoutes } from './sync/routes.js';
import { transferRoutes } from './transfers/routes.js';
import { serviceVersion } from './version.js';

export interface NationalServiceOptions {
  db: Database;
  trainingMode: boolean;
  clock?: Clock;
  scheme?: 'http' | 'https';
  /** The origin clients address, when behind a TLS-terminating proxy (see http/handler.ts). */
  publicOrigin?: string;
  /** Where replayed nonces are caught: the store by default, on both engines (they must outlive a restart). */
  nonces?: NonceCache;
  /** Proxies whose X-Forwarded-For is believed for the sign-in rate limits (http/client-address.ts). */
  trustedProxies?: readonly string[];
  /** Sign-in attempts a minute from all addresses together (default 1,000). */
  signInCeilingPerMinute?: number;
  /** A Server-Timing header on every answer (http/handler.ts): for the desktop's debug timing only. */
  serverTiming?: boolean;
  log?: (line: string) => void;
  /** The audit trail's checkpoint publisher (audit/keeping.ts), for the checkpoint routes. */
  auditCheckpoints?: CheckpointPublisher;
  /** Seals TOTP secrets; a fresh random key when not given (a store that lives no longer than the process). */
  secrets?: SecretBox;
}

export function createNationalService(options: NationalServiceOptions) {
  const clock = options.clock ?? systemClock;
  const ctx: ServiceContext = {
    db: options.db,
    clock,
    randomBytes: (n) => randomBytes(n),
    trainingMode: options.trainingMode,
    secrets: options.secrets ?? new SecretBox(randomBytes(32)),
  };
  // In the store on PGlite too: sessions persist in a --data directory, so a nonce kept
  // only in memory would let a captured request replay after a restart.
  const nonces = options.nonces ?? new StoreNonceCache(options.db, clock);
  const routes: Route[] = [
    openRoute({
      method: 'GET',
      path: '/v1/status',
      doc: {
        tag: 'service',
        summary: 'Whether the service is up, its version, and whether it holds training data',
        response: {
          type: 'object',
          properties: { service: { type: 'string' }, version: { type: 'string' }, trainingMode: { type: 'boolean' } },
        },
      },
      handle: async () => ({
        status: 200,
        body: { service: 'ContactPoint national index', version: serviceVersion, trainingMode: options.trainingMode },
      }),
    }),
    ...sessionRoutes(
      clock,
      options.signInCeilingPerMinute !== undefined ? { signInCeilingPerMinute: options.signInCeilingPerMinute } : {},
    ),
    ...recordRoutes,
    ...shieldRoutes,
    ...auditRoutes,
    ...syncRoutes,
    ...supplyRoutes,
    ...lifecycleRoutes,
    ...accountRoutes,
    ...organisationRoutes,
    ...practitionerRoutes,
    ...rolloutRoutes,
    ...activationRoutes(clock),
    ...managementRoutes,
    ...transferRoutes,
    ...referralRoutes,
  ];
  let document: Record<string, unknown> | undefined;
  routes.push(
    openRoute({
      method: 'GET',
      path: '/v1/openapi.json',
      doc: { tag: 'service', summary: 'This API as an OpenAPI 3.1 document' },
      handle: async () => ({ status: 200, body: (document ??= openApiDocument(routes)) }),
    }),
  );
  if (options.auditCheckpoints) ctx.audit = { checkpoints: options.auditCheckpoints };
  const handler = createHandler(ctx, routes, {
    scheme: options.scheme ?? 'http',
    nonces,
    ...(options.publicOrigin ? { publicOrigin: options.publicOrigin } : {}),
    ...(options.trustedProxies ? { trustedProxies: options.trustedProxies } : {}),
    ...(options.log ? { log: options.log } : {}),
    ...(options.serverTiming ? { serverTiming: true } : {}),
  });
  return { ctx, routes, handler };
}
