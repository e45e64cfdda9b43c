// The audit trail's keeping while the service runs: its keys given to the store (so every
// entry is sealed), a checkpoint when the service starts, at least hourly, and one last
// when it stops. server.ts calls these; the routes reach the publisher through the
// service context.
import type { Clock } from '../context.js';
import type { Database } from '../store/database.js';
import { besideStore, resolveAuditKeys, useAuditKeys, type AuditKeyOptions, type AuditKeys } from './audit-key.js';
import { auditPartitionsEnv, parseAuditPartitions, useAuditPartitions } from './audit-log.js';
import { CheckpointPublisher, startCheckpointTimer } from './checkpoints.js';

export interface AuditKeepingOptions {
  trainingMode: boolean;
  /** The store's data directory (PGlite), when it has one. */
  dataDir?: string;
  /** Whether the store outlives the process (a data directory or a PostgreSQL server). */
  persistent: boolean;
  sealKeyFile?: string;
  signingKeyFile?: string;
  /** Where checkpoints go (--audit-checkpoints). */
  checkpointDir?: string;
  /** Audit partitions new entries are spread over (audit-log.ts); default CP_AUDIT_PARTITIONS, else 1. */
  partitions?: number;
  env?: Record<string, string | undefined>;
}

export const checkpointDirEnv = 'CP_AUDIT_CHECKPOINTS';

export interface AuditKeepingPlan {
  keys: AuditKeys;
  checkpointDir: string | undefined;
  /** Audit partitions new entries are spread over. */
  partitions: number;
  /** Said once at start when the arrangement protects less than it seems to. */
  warning?: string;
}

/**
 * Where the keys and checkpoints come from, settled before the store is opened: a live
 * service with a persistent store refuses to start without keys and a checkpoint
 * directory outside the database, having opened nothing.
 */
export function planAuditKeeping(options: AuditKeepingOptions): AuditKeepingPlan {
  const env = options.env ?? process.env;
  const live = !options.trainingMode && options.persistent;
  const keyOptions: AuditKeyOptions = {
    env,
    requireConfigured: live,
    ...(options.sealKeyFile !== undefined ? { sealKeyFile: options.sealKeyFile } : {}),
    ...(options.signingKeyFile !== undefined ? { signingKeyFile: options.signingKeyFile } : {}),
    ...(options.trainingMode && options.dataDir !== undefined ? { besideStore: options.dataDir } : {}),
  };
  const keys = resolveAuditKeys(keyOptions);
  const given = options.checkpointDir ?? (env[checkpointDirEnv] || undefined);
  if (live && given === undefined) {
    throw new Error(
      `A live service publishes audit checkpoints outside the database: give --audit-checkpoints DIR or set ${checkpointDirEnv}. See docs/admin-guide.md.`,
    );
  }
  const checkpointDir =
    given ??
    (options.trainingMode && options.dataDir !== undefined ? besideStore(options.dataDir).checkpoints : undefined);
  // A training store on PostgreSQL has no directory to keep keys beside: keys made for
  // this process seal its entries, and after a restart those seals no longer check.
  const warning =
    options.persistent && options.dataDir === undefined && keys.seal.origin === 'process'
      ? `audit: no --audit-key given, so this store's entries are sealed with a key for this process only; after a restart their seals will not verify (give --audit-key and --audit-signing-key to keep them)`
      : undefined;
  const setting = env[auditPartitionsEnv];
  const partitions =
    options.partitions ?? (setting ? parseAuditPartitions(setting, `The setting ${auditPartitionsEnv}`) : 1);
  return { keys, checkpointDir, partitions, ...(warning ? { warning } : {}) };
}

export interface AuditKeeping {
  checkpoints: CheckpointPublisher;
  /** Publish the shutdown checkpoint and stop the timer; call before the store closes. */
  stop(): Promise<void>;
}

export function startAuditKeeping(
  db: Database,
  clock: Clock,
  plan: AuditKeepingPlan,
  options: { intervalMs?: number; checkEveryMs?: number; log?: (line: string) => void } = {},
): AuditKeeping {
  useAuditKeys(db, plan.keys);
  useAuditPartitions(db, plan.partitions);
  if (plan.warning) options.log?.(plan.warning);
  const checkpoints = new CheckpointPublisher({
    db,
    clock,
    keys: plan.keys,
    ...(plan.checkpointDir !== undefined ? { dir: plan.checkpointDir } : {}),
  });
  // The start checkpoint is the caller's (server.ts publishes it once training data is
  // loaded); until then the timer's first look finds none and publishes one.
  const timer = startCheckpointTimer(checkpoints, clock, {
    ...(options.intervalMs !== undefined ? { intervalMs: options.intervalMs } : {}),
    ...(options.checkEveryMs !== undefined ? { checkEveryMs: options.checkEveryMs } : {}),
  });
  let stopping: Promise<void> | undefined;
  return {
    checkpoints,
    stop: () =>
      (stopping ??= (async () => {
        await timer.stop();
        try {
          await checkpoints.publish('shutdown');
        } catch (e) {
          // The store may already be gone; the last hourly checkpoint stands.
          options.log?.(`audit checkpoint at shutdown failed (${(e as Error)?.name ?? 'error'})`);
        }
      })()),
  };
}
