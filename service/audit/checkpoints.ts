// Signed checkpoints of the audit chain's head: its size (the last seq), the last
// entry's hash and where sealing began, signed with the audit signing key (Ed25519,
// audit-key.ts) and written, one JSON file each, to a directory outside the database,
// which a second system copies. A checkpoint pins everything before it: whoever later
// rewrites the database, even with its head, cannot make the chain pass through a head
// someone has already copied away. The service publishes one when it starts, at least
// hourly, on demand and when it stops.
//
// A partitioned trail (audit-log.ts): size, head and keyedFrom are partition 0's, as
// before, `partitions` the others' heads, and `national` the fold of every head into the
// national chain (national.ts) made for this checkpoint: all of it signed.
import { sign, verify, type KeyObject } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Clock } from '../context.js';
import type { Database, Queryable } from '../store/database.js';
import { canonicalJson, partitionOf, partitionSpan } from './audit-log.js';
import { publicKeyId, type AuditKeys, type SealKey } from './audit-key.js';
import { ChainBroken, ChainChecker, GENESIS_HASH, type AuditChainProblem, type ChainEntry } from './chain.js';
import { foldHeads, partitionHeads } from './national.js';

export const checkpointFormat = 'contactpoint-audit-checkpoint/1';
/** The public key's file, beside the checkpoints. */
export const publicKeyFile = 'audit-signing-public.pem';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits');

export const checkpointSchema = z
  .object({
    format: z.literal(checkpointFormat),
    /** The chain's length: the seq of its last entry (0: empty). */
    size: z.number().int().min(0),
    /** The hash of entry `size` (the genesis hash when empty). */
    head: hex64,
    /** The first seq that carries a seal. */
    keyedFrom: z.number().int().min(1),
    /** The seal key's public id: tells a wrong key from a broken chain. */
    sealKeyId: z.string().regex(/^[0-9a-f]{16}$/),
    /** SHA-256 of the signing public key (SPKI DER), hex. */
    signingKeyId: hex64,
    at: z.iso.datetime(),
    reason: z.enum(['start', 'hourly', 'on-demand', 'shutdown']),
    /** Partitions other than 0, each as size, head and keyedFrom are partition 0's. */
    partitions: z
      .array(
        z
          .object({
            part: z.number().int().min(1).max(63),
            size: z.number().int().min(0),
            head: hex64,
            keyedFrom: z.number().int().min(1),
          })
          .strict(),
      )
      .optional(),
    /** The fold of every head into the national chain made for this checkpoint: its seq and hash. */
    national: z
      .object({ size: z.number().int().min(1), head: hex64 })
      .strict()
      .optional(),
    /** Ed25519 over the canonical JSON of every other field, base64. */
    signature: z.string().min(1).max(200),
  })
  .strict();
export type AuditCheckpoint = z.infer<typeof checkpointSchema>;
export type CheckpointReason = AuditCheckpoint['reason'];

const signedPart = (c: Omit<AuditCheckpoint, 'signature'>) =>
  Buffer.from(
    canonicalJson({
      format: c.format,
      size: c.size,
      head: c.head,
      keyedFrom: c.keyedFrom,
      sealKeyId: c.sealKeyId,
      signingKeyId: c.signingKeyId,
      at: c.at,
      reason: c.reason,
      // Absent from a checkpoint of one chain made before migration 23: signed as before.
      partitions: c.partitions,
      national: c.national,
    }),
  );

export function signCheckpoint(
  keys: AuditKeys,
  fields: {
    size: number;
    head: string;
    keyedFrom: number;
    at: Date;
    reason: CheckpointReason;
    partitions?: AuditCheckpoint['partitions'];
    national?: AuditCheckpoint['national'];
  },
): AuditCheckpoint {
  const unsigned = {
    format: checkpointFormat,
    size: fields.size,
    head: fields.head,
    keyedFrom: fields.keyedFrom,
    sealKeyId: keys.seal.id,
    signingKeyId: keys.signing.id,
    at: fields.at.toISOString(),
    reason: fields.reason,
    ...(fields.partitions && fields.partitions.length > 0 ? { partitions: fields.partitions } : {}),
    ...(fields.national ? { national: fields.national } : {}),
  } as const;
  return { ...unsigned, signature: sign(null, signedPart(unsigned), keys.signing.privateKey).toString('base64') };
}

/** Whether `c` was signed by `publicKey`, exactly as it stands. */
export function checkpointSignatureValid(c: AuditCheckpoint, publicKey: KeyObject): boolean {
  if (c.signingKeyId !== publicKeyId(publicKey)) return false;
  try {
    return verify(null, signedPart(c), publicKey, Buffer.from(c.signature, 'base64'));
  } catch {
    return false;
  }
}

/** A file that is not a checkpoint: the message names the file. */
export class CheckpointFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointFileError';
  }
}

/** A checkpoint file's text, parsed and checked for shape (not yet for its signature). */
export function parseCheckpoint(text: string, where: string): AuditCheckpoint {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CheckpointFileError(`${where} is not JSON: it is not an audit checkpoint.`);
  }
  const parsed = checkpointSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CheckpointFileError(
      `${where} is not an audit checkpoint: ${issue?.path.join('.') || 'it'} ${issue?.message ?? 'is not valid'}.`,
    );
  }
  return parsed.data;
}

// ---------------------------------------------------------------------------------
// Checking a downloaded range against a checkpoint, offline

/** One entry of an export (GET /v1/audit/export). */
export const exportedEntrySchema = z
  .object({
    seq: z.number().int().min(1),
    at: z.string(),
    userId: z.string().nullable(),
    action: z.string(),
    cpNumber: z.string().nullable(),
    reason: z.string().nullable(),
    detail: z.record(z.string(), z.unknown()),
    prevHash: z.string(),
    hash: z.string(),
    mac: z.string().nullable(),
  })
  .strict();
export const auditExportSchema = z
  .object({ entries: z.array(exportedEntrySchema), next: z.number().int().nullable().optional() })
  .passthrough();

export type RangeVerdict =
  | { ok: true; from: number; to: number; checkpointSize: number; sealsChecked: boolean }
  | { ok: false; firstBroken: { seq: number | null; problem: AuditChainProblem; message: string } };

/**
 * Check a contiguous range of entries against a checkpoint: the checkpoint's signature,
 * then every entry (hash, link, seal when `seal` is given) up to and past the
 * checkpoint's head, which must be in the range. Without the seal key (the desktop) a
 * rewrite is caught where it meets the signed head; with it, at the first rewritten entry.
 */
export function verifyRange(
  entries: readonly ChainEntry[],
  checkpoint: AuditCheckpoint,
  options: { publicKey: KeyObject; seal?: SealKey | null },
): RangeVerdict {
  const broken = (seq: number | null, problem: AuditChainProblem, message: string): RangeVerdict => ({
    ok: false,
    firstBroken: { seq, problem, message },
  });
  if (!checkpointSignatureValid(checkpoint, options.publicKey)) {
    return broken(
      null,
      'checkpoint-signature',
      checkpoint.signingKeyId !== publicKeyId(options.publicKey)
        ? "The checkpoint was not signed with the published key (its signing key id differs): it is not one of the service's checkpoints."
        : "The checkpoint's signature is not valid: the checkpoint has been changed since it was signed.",
    );
  }
  const seal = options.seal ?? null;
  if (seal && seal.id !== checkpoint.sealKeyId) {
    return broken(
      null,
      'wrong-key',
      "The audit key given is not the one this checkpoint's chain is sealed with: check the key file.",
    );
  }
  const first = entries[0];
  const last = entries.at(-1);
  // A range is of one partition (its first entry's); the checkpoint's head for it anchors it.
  const part = first ? partitionOf(first.seq) : 0;
  const base = part * partitionSpan;
  const pinned = part === 0 ? checkpoint : checkpoint.partitions?.find((p) => p.part === part);
  if (!pinned) {
    return broken(
      null,
      'outside-range',
      `The checkpoint of ${checkpoint.at} has no head for partition ${part}, where the range starts: check it against a later checkpoint.`,
    );
  }
  // A checkpoint of an empty chain vouches for nothing: an empty range agrees with it.
  if (pinned.size === base && !first)
    return { ok: true, from: 0, to: 0, checkpointSize: pinned.size, sealsChecked: seal !== null };
  if (!first || !last || first.seq > Math.max(pinned.size, base + 1) || last.seq < pinned.size) {
    const runs = first && last ? `runs from entry ${first.seq} to ${last.seq}` : 'is empty';
    return broken(
      null,
      'outside-range',
      `The range ${runs}: it must include entry ${pinned.size}, the checkpoint's head.`,
    );
  }
  const checker = new ChainChecker({
    seal,
    keyedFrom: pinned.keyedFrom,
    anchor: { size: pinned.size, head: pinned.head, keyedFrom: pinned.keyedFrom, at: checkpoint.at },
    // A range from a partition's first entry must start at the genesis; one from later can only be checked from its first link on.
    start: first.seq === base + 1 ? { seq: base, hash: GENESIS_HASH } : { seq: first.seq - 1, hash: null },
  });
  try {
    for (const e of entries) checker.check(e);
    checker.finish();
  } catch (e) {
    if (!(e instanceof ChainBroken)) throw e;
    return broken(e.seq, e.problem, e.message);
  }
  return { ok: true, from: first.seq, to: last.seq, checkpointSize: pinned.size, sealsChecked: seal !== null };
}

// ---------------------------------------------------------------------------------
// Publishing

export interface CheckpointPublisherOptions {
  db: Queryable;
  clock: Clock;
  keys: AuditKeys;
  /** Where checkpoint files go; none: kept in memory only (an in-memory training store). */
  dir?: string;
  log?: (line: string) => void;
}

const fileName = (c: AuditCheckpoint) =>
  `checkpoint-${String(c.size).padStart(12, '0')}-${c.at.replace(/[:.]/g, '-')}.json`;

/** Checkpoint files in `dir`, oldest first by size then time. */
export function listCheckpointFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => /^checkpoint-\d{12}-.+\.json$/.test(n))
    .sort();
}

export class CheckpointPublisher {
  private last: AuditCheckpoint | null = null;
  private publishing: Promise<AuditCheckpoint> | null = null;

  constructor(private readonly options: CheckpointPublisherOptions) {
    const { dir, keys } = options;
    if (dir !== undefined) {
      try {
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, publicKeyFile), keys.signing.publicKeyPem);
        const names = listCheckpointFiles(dir);
        const newest = names.at(-1);
        if (newest) this.last = parseCheckpoint(readFileSync(join(dir, newest), 'utf8'), newest);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === undefined) throw e;
        throw new Error(`Cannot use the audit checkpoint directory ${dir} (${(e as NodeJS.ErrnoException).code}).`, {
          cause: e,
        });
      }
    }
  }

  get signingKey(): AuditKeys['signing'] {
    return this.options.keys.signing;
  }

  latest(): AuditCheckpoint | null {
    return this.last;
  }

  /** Sign the head as it stands and publish it. Calls made while one is under way share it. */
  publish(reason: CheckpointReason): Promise<AuditCheckpoint> {
    this.publishing ??= this.make(reason).finally(() => {
      this.publishing = null;
    });
    return this.publishing;
  }

  private async make(reason: CheckpointReason): Promise<AuditCheckpoint> {
    const { db, clock, keys, dir } = this.options;
    const at = clock.now();
    // Every partition's head folded into the national chain, and the fold signed with
    // them. Each head is committed state: every entry up to it is in the log.
    const fold = 'transaction' in db ? await foldHeads(db as Database, at) : undefined;
    const heads = fold?.heads ?? (await partitionHeads(db));
    const head = heads.find((h) => h.part === 0);
    if (!head) throw new Error('The audit head is missing: the store is not migrated.');
    const checkpoint = signCheckpoint(keys, {
      size: head.seq,
      head: head.hash,
      keyedFrom: head.keyedFrom,
      at,
      reason,
      partitions: heads
        .filter((h) => h.part > 0)
        .map((h) => ({ part: h.part, size: h.seq, head: h.hash, keyedFrom: h.keyedFrom })),
      ...(fold ? { national: { size: fold.seq, head: fold.hash } } : {}),
    });
    if (dir !== undefined) {
      // Written whole, then renamed: a copier never sees half a checkpoint.
      const name = fileName(checkpoint);
      const tmp = join(dir, `.${name}.tmp`);
      writeFileSync(tmp, `${JSON.stringify(checkpoint, null, 2)}\n`);
      renameSync(tmp, join(dir, name));
    }
    this.last = checkpoint;
    return checkpoint;
  }
}

/**
 * Publish a checkpoint whenever `intervalMs` has passed on the service's clock since the
 * last one. The clock is looked at every `checkEveryMs` (a minute) of real time, so a
 * test moves the service's clock rather than waiting an hour.
 */
export function startCheckpointTimer(
  publisher: CheckpointPublisher,
  clock: Clock,
  options: { intervalMs?: number; checkEveryMs?: number; onError?(e: unknown): void } = {},
): { stop(): Promise<void> } {
  const intervalMs = options.intervalMs ?? 60 * 60 * 1000;
  const due = () => {
    const last = publisher.latest();
    return last === null || clock.now().getTime() - Date.parse(last.at) >= intervalMs;
  };
  let running: Promise<unknown> | null = null;
  const tick = () => {
    if (running || !due()) return;
    running = publisher
      .publish('hourly')
      .catch((e: unknown) => {
        if (options.onError) options.onError(e);
        // Only the error's name: a database error's text could quote a value.
        else process.stderr.write(`audit checkpoint failed (${(e as Error)?.name ?? 'error'}); it will be retried\n`);
      })
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, options.checkEveryMs ?? 60_000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
