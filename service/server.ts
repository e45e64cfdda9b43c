// The national index service on a socket: opens the store (embedded PGlite, a PGlite
// directory, or a PostgreSQL server), loads training data in training mode, and serves
// HTTP or HTTPS. close() stops taking connections, lets requests in flight finish, and
// closes the store, so a SIGTERM loses nothing.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createNationalService } from './app.js';
import { systemClock, type Clock } from './context.js';
import { keyFor, SecretBox } from './auth/secret-box.js';
import { sealStoredSecrets } from './accounts/stored-secrets.js';
import { planAuditKeeping, startAuditKeeping, type AuditKeeping } from './audit/keeping.js';
import { startLifecycleTimer } from './lifecycle/lifecycle.js';
import { takeDailySnapshot } from './management/history.js';
import type { Database } from './store/database.js';
import { openStore } from './store/open-store.js';
import { seedTrainingAccounts, seedTrainingChildren, type SeedProgress } from './training/seed.js';

export interface ServiceOptions {
  /** Interface to bind; loopback unless a deployment says otherwise. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  trainingMode: boolean;
  /** A directory for a persistent embedded store; in memory when neither this nor databaseUrl. */
  dataDir?: string;
  /** postgres://... : a PostgreSQL server instead of the embedded store. */
  databaseUrl?: string;
  /** An already-open store (tests); the service closes it on close(). */
  database?: Database;
  /** PEM certificate and key: serve HTTPS. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** The public origin (https://host[:port]) clients use, when behind a TLS-terminating proxy. */
  publicUrl?: string;
  /** Addresses of the proxies in front (--trusted-proxy): only from them is X-Forwarded-For believed. */
  trustedProxies?: readonly string[];
  /** Sign-in attempts a minute from all addresses together before everyone gets 429 (default 1,000). */
  signInCeilingPerMinute?: number;
  /** A Server-Timing header on every answer (http/handler.ts): for the desktop's debug timing only. */
  serverTiming?: boolean;
  clock?: Clock;
  /** Training children to load into an empty store (default 24,000). */
  trainingCount?: number;
  /** How often the lifecycle job (archive, destroy) runs; 0 turns it off. Default hourly. */
  lifecycleIntervalMs?: number;
  /** The audit keys and checkpoints (audit/audit-key.ts, audit/keeping.ts); required live with a persistent store. */
  audit?: {
    sealKeyFile?: string;
    signingKeyFile?: string;
    checkpointDir?: string;
    checkpointIntervalMs?: number;
    checkpointCheckEveryMs?: number;
    /** Audit partitions new entries are spread over (1 to 64); else CP_AUDIT_PARTITIONS, else 1. */
    partitions?: number;
  };
  /** The key that seals TOTP secrets (32 bytes); else from secretsKeyFile / secretsKeyEnv (auth/secret-box.ts keyFor). */
  secretsKey?: Buffer;
  secretsKeyFile?: string;
  /** The CP_SECRETS_KEY environment variable's value, passed in by the command line. */
  secretsKeyEnv?: string;
  onProgress?: (p: SeedProgress) => void;
  log?: (line: string) => void;
}

export interface RunningService {
  url: string;
  port: number;
  db: Database;
  close(): Promise<void>;
}

/** The origin of a public URL: https only (plain http only to loopback, for tests). */
export function publicOriginOf(publicUrl: string): string {
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch {
    throw new Error(`The public URL "${publicUrl}" is not a URL.`);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new Error('The public URL must be https:// (plain http only to loopback).');
  }
  if (url.pathname !== '/' || url.search || url.hash || url.username) {
    throw new Error('The public URL must be an origin only, such as https://index.example.gov.uk');
  }
  return url.origin;
}

export async function startService(options: ServiceOptions): Promise<RunningService> {
  const host = options.host ?? '127.0.0.1';
  const clock = options.clock ?? systemClock;
  // The key before the store: a live service without one refuses to start, having opened nothing.
  const secrets = new SecretBox(
    options.secretsKey ??
      keyFor({
        keyFile: options.secretsKeyFile,
        envValue: options.secretsKeyEnv,
        trainingMode: options.trainingMode,
        dataDir: options.dataDir,
      }),
  );
  // Like the secrets key: settled before the store opens, so a live service without its
  // audit keys and checkpoint directory refuses to start having opened nothing.
  const auditPlan = planAuditKeeping({
    trainingMode: options.trainingMode,
    persistent: options.dataDir !== undefined || options.databaseUrl !== undefined,
    ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
    ...(options.audit?.sealKeyFile !== undefined ? { sealKeyFile: options.audit.sealKeyFile } : {}),
    ...(options.audit?.signingKeyFile !== undefined ? { signingKeyFile: options.audit.signingKeyFile } : {}),
    ...(options.audit?.checkpointDir !== undefined ? { checkpointDir: options.audit.checkpointDir } : {}),
    ...(options.audit?.partitions !== undefined ? { partitions: options.audit.partitions } : {}),
  });
  const db = options.database ?? (await openStore({ dataDir: options.dataDir, databaseUrl: options.databaseUrl }));
  let audit: AuditKeeping | undefined;
  let server: Server | undefined;
  let timer: { stop(): Promise<void> } | undefined;
  try {
    // Before anything is written: every entry from here on is sealed with the service's key.
    audit = startAuditKeeping(db, clock, auditPlan, {
      ...(options.audit?.checkpointIntervalMs !== undefined ? { intervalMs: options.audit.checkpointIntervalMs } : {}),
      ...(options.audit?.checkpointCheckEveryMs !== undefined
        ? { checkEveryMs: options.audit.checkpointCheckEveryMs }
        : {}),
      ...(options.log ? { log: options.log } : {}),
    });
    // Secrets stored in the clear by an earlier version are sealed now; a key that does not
    // open the store's secrets stops the start here, not at each user's sign-in (and
    // before the training accounts are sealed afresh under it).
    await sealStoredSecrets(db, secrets);
    if (options.trainingMode) {
      await seedTrainingAccounts(db, clock, secrets);
      const loaded = await seedTrainingChildren(db, clock, {
        count: options.trainingCount,
        onProgress: options.onProgress,
      });
      // Fresh planner statistics: without them a big store gets plans that scan it all.
      if (loaded > 0) await db.exec('ANALYZE');
    }
    // Today's snapshot for the management information's time series, if none yet.
    await takeDailySnapshot(db, clock);
    // The head as the service starts serving: training data loaded, nothing yet asked.
    await audit.checkpoints.publish('start');
    const scheme = options.tls ? 'https' : 'http';
    const { handler } = createNationalService({
      db,
      auditCheckpoints: audit.checkpoints,
      clock,
      trainingMode: options.trainingMode,
      secrets,
      scheme,
      ...(options.publicUrl ? { publicOrigin: publicOriginOf(options.publicUrl) } : {}),
      ...(options.trustedProxies ? { trustedProxies: options.trustedProxies } : {}),
      ...(options.signInCeilingPerMinute !== undefined
        ? { signInCeilingPerMinute: options.signInCeilingPerMinute }
        : {}),
      log: options.log,
      ...(options.serverTiming ? { serverTiming: true } : {}),
    });

    const inFlight = new Set<Promise<void>>();
    const listener = (req: IncomingMessage, res: ServerResponse) => {
      const p = handler(req, res).finally(() => inFlight.delete(p));
      inFlight.add(p);
    };
    server = options.tls
      ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, listener)
      : createHttpServer(listener);
    server.keepAliveTimeout = 5_000;
    server.headersTimeout = 10_000;
    server.requestTimeout = 30_000;
    const s = server;
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(options.port ?? 0, host, () => {
        s.off('error', reject);
        resolve();
      });
    });
    const interval = options.lifecycleIntervalMs ?? 60 * 60 * 1000;
    if (interval > 0) {
      // PGlite has no autovacuum to keep planner statistics fresh: the hourly run does.
      const hooks = db.kind === 'pglite' ? { onRun: () => void db.exec('ANALYZE').catch(() => undefined) } : {};
      timer = startLifecycleTimer(db, clock, interval, hooks);
    }
    const { port } = s.address() as AddressInfo;
    const shownHost = host.includes(':') ? `[${host}]` : host;

    let closing: Promise<void> | undefined;
    return {
      url: `${scheme}://${shownHost}:${port}`,
      port,
      db,
      close: () =>
        (closing ??= (async () => {
          // A lifecycle run under way finishes before the store closes.
          const stopped = timer?.stop();
          const closed = new Promise<void>((resolve) => s.close(() => resolve()));
          s.closeIdleConnections();
          await Promise.allSettled([...inFlight]);
          // Answered connections go idle once their response is flushed; a client that
          // keeps one open past that is cut off after a grace period.
          s.closeIdleConnections();
          const force = setTimeout(() => s.closeAllConnections(), 5_000);
          await closed;
          clearTimeout(force);
          // A request that came on a kept-alive connection after the first wait (or one
          // whose connection was cut by the grace period) still runs: the store must
          // outlive it, or it fails half done (a supply's Idempotency-Key left claimed).
          while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
          await stopped;
          // The last checkpoint, of the head as the last request left it.
          await audit?.stop();
          await db.close();
        })()),
    };
  } catch (e) {
    await timer?.stop();
    await audit?.stop();
    server?.close();
    await db.close().catch(() => undefined);
    throw e;
  }
}
