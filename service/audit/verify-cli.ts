// `npm run audit:verify -- --data DIR` or `-- --database-url postgres://...`: check the
// audit trail's hash chain from first entry to last, outside the running service; with
// the seal key (--audit-key FILE, CP_AUDIT_KEY(_FILE), or the file beside a training
// store), every seal too; with --checkpoint FILE --public-key FILE, that the chain
// passes through that signed head (and, for a partitioned trail, through every head and
// national-chain fold it signed).
//
// `npm run audit:verify -- --range FILE --checkpoint FILE --public-key FILE [--audit-key FILE]`:
// check a downloaded range (GET /v1/audit/export, pages joined) against a signed
// checkpoint, offline: no store, no service.
//
// Exit 0: intact. 1: broken (the first broken entry is named). 2: usage, or the store
// or a file could not be opened or read.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Database } from '../store/database.js';
import { openStore } from '../store/open-store.js';
import { AuditKeyError, besideStore, configuredSealKey, parseSealKey, type SealKey } from './audit-key.js';
import type { ChainEntry } from './chain.js';
import {
  auditExportSchema,
  CheckpointFileError,
  checkpointSignatureValid,
  parseCheckpoint,
  verifyRange,
  type AuditCheckpoint,
} from './checkpoints.js';
import { verifyAuditChain } from './verify.js';

export interface CommandIo {
  /** One line of the result (stdout). */
  out(line: string): void;
  /** One line of progress or a problem (stderr). */
  err(line: string): void;
}

const usageText =
  'Usage: npm run audit:verify -- --data DIR | --database-url postgres://USER@HOST/DB [--batch-size N] [--audit-key FILE] [--checkpoint FILE --public-key FILE]\n' +
  '       npm run audit:verify -- --range FILE --checkpoint FILE --public-key FILE [--audit-key FILE]';

type Target = { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string } | { kind: 'range'; file: string };

class UsageError extends Error {}

interface Parsed {
  target: Target;
  batchSize: number;
  auditKeyFile: string | undefined;
  checkpointFile: string | undefined;
  publicKeyFile: string | undefined;
}

function parse(argv: string[]): Parsed {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        data: { type: 'string' },
        'database-url': { type: 'string' },
        range: { type: 'string' },
        'batch-size': { type: 'string' },
        'audit-key': { type: 'string' },
        checkpoint: { type: 'string' },
        'public-key': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    // parseArgs names the unknown option, never a value: safe to show.
    throw new UsageError((e as Error).message);
  }
  const data = values.data;
  const url = values['database-url'];
  const range = values.range;
  const keys = {
    auditKeyFile: values['audit-key'],
    checkpointFile: values.checkpoint,
    publicKeyFile: values['public-key'],
  };
  if ([data, url, range].filter((v) => v !== undefined).length !== 1)
    throw new UsageError('Give exactly one of --data DIR, --database-url URL or --range FILE.');
  if ((keys.checkpointFile === undefined) !== (keys.publicKeyFile === undefined)) {
    throw new UsageError('--checkpoint and --public-key go together: a checkpoint is worth only its signature.');
  }
  if (range !== undefined) {
    if (keys.checkpointFile === undefined)
      throw new UsageError('--range needs --checkpoint FILE and --public-key FILE to check it against.');
    return { target: { kind: 'range', file: resolve(range) }, batchSize: 0, ...keys };
  }
  const batchSize = values['batch-size'] === undefined ? 5000 : Number(values['batch-size']);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000) {
    throw new UsageError('--batch-size must be a whole number from 1 to 100000.');
  }
  if (url !== undefined) {
    if (!/^postgres(ql)?:\/\//.test(url))
      throw new UsageError('--database-url must start with postgres:// or postgresql://.');
    return { target: { kind: 'postgres', url }, batchSize, ...keys };
  }
  const dataDir = resolve(data!);
  // PGlite would quietly create an empty store in a directory that holds none, and an
  // empty chain is intact: refuse instead, so a mistyped path cannot pass.
  if (!existsSync(dataDir) || !statSync(dataDir).isDirectory() || !existsSync(join(dataDir, 'PG_VERSION'))) {
    throw new UsageError(`There is no store in ${dataDir}.`);
  }
  return { target: { kind: 'pglite', dataDir }, batchSize, ...keys };
}

function open(target: Exclude<Target, { kind: 'range' }>): Promise<Database> {
  return openStore(target.kind === 'pglite' ? { dataDir: target.dataDir } : { databaseUrl: target.url });
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`Cannot read the ${what} ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
}

/** The seal key: given, configured, or kept beside a training store (never made here). */
function sealKeyFor(parsed: Parsed): SealKey | undefined {
  const configured = configuredSealKey({
    ...(parsed.auditKeyFile !== undefined ? { sealKeyFile: parsed.auditKeyFile } : {}),
  });
  if (configured) return configured;
  if (parsed.target.kind === 'pglite') {
    const file = besideStore(parsed.target.dataDir).seal;
    if (existsSync(file)) return parseSealKey(readFileSync(file, 'utf8'), `The audit key file ${file}`, 'beside-store');
  }
  return undefined;
}

function checkpointFor(parsed: Parsed): { checkpoint: AuditCheckpoint; publicKey: KeyObject } | undefined {
  if (parsed.checkpointFile === undefined || parsed.publicKeyFile === undefined) return undefined;
  const checkpoint = parseCheckpoint(
    readText(parsed.checkpointFile, 'checkpoint file'),
    `The checkpoint file ${parsed.checkpointFile}`,
  );
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey(readText(parsed.publicKeyFile, 'public key file'));
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${parsed.publicKeyFile} does not hold a public key in PEM.`);
  }
  return { checkpoint, publicKey };
}

/** A downloaded range: an export page ({entries}), or pages in an array, or bare entries. */
function readRange(file: string): ChainEntry[] {
  let json: unknown;
  try {
    json = JSON.parse(readText(file, 'range file'));
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${file} is not JSON: give the answer of GET /v1/audit/export (or its pages in an array).`);
  }
  const pages =
    Array.isArray(json) && json.every((p) => p !== null && typeof p === 'object' && 'entries' in p)
      ? json
      : [Array.isArray(json) ? { entries: json } : json];
  const entries: ChainEntry[] = [];
  for (const page of pages) {
    const parsed = auditExportSchema.safeParse(page);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new UsageError(
        `${file} is not an audit export: ${issue?.path.join('.') || 'it'} ${issue?.message ?? 'is not valid'}.`,
      );
    }
    entries.push(...parsed.data.entries);
  }
  return entries.sort((a, b) => a.seq - b.seq);
}

/** Remove the URL, and the password in it, from a message about a failure. */
export function redactUrl(message: string, url: string | undefined): string {
  if (url === undefined) return message;
  let out = message.split(url).join('postgres://…');
  try {
    const password = new URL(url).password;
    if (password) {
      for (const form of new Set([password, decodeURIComponent(password)])) out = out.split(form).join('***');
    }
  } catch {
    // Not a URL the WHATWG parser reads: the whole string was removed above.
  }
  return out;
}

/** The verify command, in-process: returns the exit code. */
export async function runVerifyCommand(argv: string[], io: CommandIo): Promise<number> {
  let parsed: Parsed;
  let seal: SealKey | undefined;
  let anchor: ReturnType<typeof checkpointFor>;
  try {
    parsed = parse(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(e.message);
    io.err(usageText);
    return 2;
  }
  try {
    seal = sealKeyFor(parsed);
    anchor = checkpointFor(parsed);
  } catch (e) {
    // Key and file errors name the file, never a key.
    if (!(e instanceof UsageError) && !(e instanceof AuditKeyError) && !(e instanceof CheckpointFileError)) throw e;
    io.err((e as Error).message);
    return 2;
  }
  if (!seal)
    io.err(
      'No audit key given: hashes, links and checkpoints are checked, seals are not (give --audit-key FILE to check them).',
    );
  const { target, batchSize } = parsed;
  if (target.kind === 'range') {
    let entries: ChainEntry[];
    try {
      entries = readRange(target.file);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      io.err(e.message);
      return 2;
    }
    const verdict = verifyRange(entries, anchor!.checkpoint, { publicKey: anchor!.publicKey, seal: seal ?? null });
    if (verdict.ok) {
      io.out(
        `audit range intact: entries ${verdict.from} to ${verdict.to}, through the checkpoint of ${anchor!.checkpoint.at} (${verdict.checkpointSize} entries)${verdict.sealsChecked ? ', seals checked' : ''}`,
      );
      return 0;
    }
    io.out(
      verdict.firstBroken.seq === null
        ? `audit range not verified: ${verdict.firstBroken.problem}`
        : `audit range broken at entry ${verdict.firstBroken.seq}: ${verdict.firstBroken.problem}`,
    );
    io.err(verdict.firstBroken.message);
    return 1;
  }
  if (anchor && !checkpointSignatureValid(anchor.checkpoint, anchor.publicKey)) {
    io.out('audit chain not verified: checkpoint-signature');
    io.err(
      "The checkpoint's signature is not valid with the public key given: it has been changed, or is not one of the service's.",
    );
    return 1;
  }
  if (anchor && seal && seal.id !== anchor.checkpoint.sealKeyId) {
    io.out('audit chain not verified: wrong-key');
    io.err("The audit key given is not the one this checkpoint's chain is sealed with: check the key file.");
    return 1;
  }
  const url = target.kind === 'postgres' ? target.url : undefined;
  let db: Database | undefined;
  try {
    db = await open(target);
    let lastPercent = -1;
    const verdict = await verifyAuditChain(db, {
      seal: seal ?? null,
      ...(anchor ? { checkpoint: anchor.checkpoint } : {}),
      batchSize,
      onProgress(checked, total) {
        const percent = total === 0 ? 100 : Math.floor((checked / total) * 100);
        if (percent === lastPercent) return;
        lastPercent = percent;
        io.err(`checked ${checked} of ${total} entries (${percent}%)`);
      },
    });
    if (verdict.ok) {
      io.out(
        `audit chain intact: ${verdict.entries} entries${verdict.partitions ? ` in ${verdict.partitions} partitions` : ''}`,
      );
      return 0;
    }
    io.out(`audit chain broken at entry ${verdict.firstBroken.seq}: ${verdict.firstBroken.problem}`);
    io.err(verdict.firstBroken.message);
    return 1;
  } catch (e) {
    // Store errors say what went wrong without the password; redacting again costs nothing.
    io.err(redactUrl(`Could not read the audit trail: ${(e as Error).message}`, url));
    return 2;
  } finally {
    await db?.close().catch(() => undefined);
  }
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (invokedDirectly) {
  process.exitCode = await runVerifyCommand(process.argv.slice(2), {
    out: (line) => void process.stdout.write(`${line}\n`),
    err: (line) => void process.stderr.write(`${line}\n`),
  });
}
