// `npm run audit:verify -- --data DIR` or `-- --database-url postgres://...`: check the
// audit trail's hash chain from first entry to last, outside the running service.
// Exit 0: intact. 1: broken (the first broken entry is named). 2: usage, or the store
// could not be opened or read.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Database } from '../store/database.js';
import { openStore } from '../store/open-store.js';
import { verifyAuditChain } from './verify.js';

export interface CommandIo {
  /** One line of the result (stdout). */
  out(line: string): void;
  /** One line of progress or a problem (stderr). */
  err(line: string): void;
}

const usageText = 'Usage: npm run audit:verify -- --data DIR | --database-url postgres://USER@HOST/DB [--batch-size N]';

type Target = { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string };

class UsageError extends Error {}

function parse(argv: string[]): { target: Target; batchSize: number } {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { data: { type: 'string' }, 'database-url': { type: 'string' }, 'batch-size': { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    // parseArgs names the unknown option, never a value: safe to show.
    throw new UsageError((e as Error).message);
  }
  const data = values.data;
  const url = values['database-url'];
  if ((data === undefined) === (url === undefined)) throw new UsageError('Give exactly one of --data DIR or --database-url URL.');
  const batchSize = values['batch-size'] === undefined ? 5000 : Number(values['batch-size']);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000) {
    throw new UsageError('--batch-size must be a whole number from 1 to 100000.');
  }
  if (url !== undefined) {
    if (!/^postgres(ql)?:\/\//.test(url)) throw new UsageError('--database-url must start with postgres:// or postgresql://.');
    return { target: { kind: 'postgres', url }, batchSize };
  }
  const dataDir = resolve(data!);
  // PGlite would quietly create an empty store in a directory that holds none, and an
  // empty chain is intact: refuse instead, so a mistyped path cannot pass.
  if (!existsSync(dataDir) || !statSync(dataDir).isDirectory() || !existsSync(join(dataDir, 'PG_VERSION'))) {
    throw new UsageError(`There is no store in ${dataDir}.`);
  }
  return { target: { kind: 'pglite', dataDir }, batchSize };
}

function open(target: Target): Promise<Database> {
  return openStore(target.kind === 'pglite' ? { dataDir: target.dataDir } : { databaseUrl: target.url });
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
  let target: Target;
  let batchSize: number;
  try {
    ({ target, batchSize } = parse(argv));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(e.message);
    io.err(usageText);
    return 2;
  }
  const url = target.kind === 'postgres' ? target.url : undefined;
  let db: Database | undefined;
  try {
    db = await open(target);
    let lastPercent = -1;
    const verdict = await verifyAuditChain(db, {
      batchSize,
      onProgress(checked, total) {
        const percent = total === 0 ? 100 : Math.floor((checked / total) * 100);
        if (percent === lastPercent) return;
        lastPercent = percent;
        io.err(`checked ${checked} of ${total} entries (${percent}%)`);
      },
    });
    if (verdict.ok) {
      io.out(`audit chain intact: ${verdict.entries} entries`);
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

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (invokedDirectly) {
  process.exitCode = await runVerifyCommand(process.argv.slice(2), {
    out: (line) => void process.stdout.write(`${line}\n`),
    err: (line) => void process.stderr.write(`${line}\n`),
  });
}
