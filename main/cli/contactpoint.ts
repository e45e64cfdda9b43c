// `contactpoint`: the headless commands, for scheduled runs on a council server (USAGE
// below lists them and their exit codes). Progress goes to stderr; results go only to
// the files named (never to the console: they hold personal data).
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3-multiple-ciphers';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { RULES } from '../../domain/cleanse/rules.js';
import { DEFAULT_THRESHOLD, findDuplicates, type DedupeProgress } from '../../domain/dedupe/index.js';
import { ProfileError } from '../../domain/adapter/profile.js';
import { createApiClient } from '../api/client.js';
import { createTransport } from '../api/transport.js';
import { replaceFile, replaceFileWith } from '../export-file.js';
import { checkFile } from '../adapter/check.js';
import { startAdapterCheckFromSource } from '../adapter/check-from-source.js';
import { loadProfile, profilePath, readDedupeRecords, SHIPPED_PROFILE_NAMES } from '../adapter/profile.js';
import { csvCell, writeCsvReport, type FatalProblem } from '../adapter/report.js';
import { SourceError } from '../adapter/source/index.js';
import { submitLoad } from '../adapter/submit.js';
import { createCardReader } from '../card/card-reader.js';
import { AppFailure } from '../ipc/app-failure.js';
import { defaultPkcs11Module } from '../policy.js';
import { createSessionManager } from '../session/session-manager.js';
import { allOpenTasks, runCleanse, type CleanseProgress } from '../cleansing/cleanse.js';
import { startChecksFromSource } from '../cleansing/checks-from-source.js';
import { openStore, WorkingSetError } from '../working-set/store.js';
import { createKeyringVault, VaultError } from '../working-set/vault.js';

const USAGE = `Usage:
  contactpoint import --profile PROFILE --input FILE [--dry-run | --submit] [--report out.csv]
                      [--dir WORKING_SET_DIR] [--account working-set] [--service URL] [--pkcs11-module PATH] [--today YYYY-MM-DD]
  contactpoint dedupe --input FILE --profile PROFILE --out pairs.csv [--threshold 0.5]
  contactpoint cleanse --dir WORKING_SET_DIR [--account working-set] --out REPORT [--today YYYY-MM-DD]
PROFILE is a shipped profile's name (${SHIPPED_PROFILE_NAMES.join(', ')}) or the path of a profile file.
import checks every row (and, with --dir, matches it to the working set); --submit then sends the valid rows,
signed in with the smartcard in the reader (its PIN from the environment variable CONTACTPOINT_PIN).
Exit codes: 0 done, every row valid (and accepted; a row may carry a warning, such as a quote read as text);
2 the command line is wrong; 3 the input, profile or working set cannot be read (a quote opened and never
closed stops the file: nothing is loaded); 4 rows were rejected (by the check or by the national index), the
rest loaded; 5 the national index refused or could not be reached.
--report is written whatever the outcome once the command line is right: when the import stopped, its first
line has result "stopped" and severity "fatal", with the row and column where the file is at fault.`;

export class UsageError extends Error {}
export class InputError extends Error {}

const shippedProfiles = resolve(dirname(fileURLToPath(import.meta.url)), '../../profiles');

function progressLine(stage: string, done: number, total: number): void {
  if (!process.stderr.isTTY) return;
  const pct = total > 0 ? Math.floor((100 * done) / total) : 0;
  process.stderr.write(`\r${stage.padEnd(12)} ${String(pct).padStart(3)}%`);
}

async function dedupe(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      input: { type: 'string' },
      profile: { type: 'string' },
      out: { type: 'string' },
      threshold: { type: 'string' },
    },
    strict: true,
  });
  if (!values.input || !values.profile || !values.out)
    throw new UsageError('dedupe needs --input, --profile and --out.');
  const threshold = values.threshold === undefined ? DEFAULT_THRESHOLD : Number(values.threshold);
  if (!(threshold >= 0 && threshold <= 1))
    throw new UsageError(`--threshold must be a number from 0 to 1, not "${values.threshold}".`);
  const profile = loadProfile(profilePath(values.profile, shippedProfiles));
  const { records, problems } = await readDedupeRecords(values.input, profile);
  for (const p of problems.slice(0, 20)) process.stderr.write(`row ${p.row} skipped: it ${p.message}\n`);
  if (problems.length > 20) process.stderr.write(`... and ${problems.length - 20} more rows skipped\n`);
  const result = await findDuplicates(records, {
    threshold,
    onProgress: (p: DedupeProgress) => progressLine(p.stage, p.done, p.total),
  });
  // Mode 0600, replacing any file there whole (export-file.ts): the pairs name children.
  await replaceFile(values.out, async (write) => {
    await write('id_a,id_b,score\n');
    for (const pair of result.pairs)
      await write(`${csvCell(records[pair.a]!.id)},${csvCell(records[pair.b]!.id)},${pair.score.toFixed(4)}\n`);
  });
  process.stderr.write(
    `\n${records.length} records read (${problems.length} skipped), ${result.stats.candidatePairs} pairs compared, ` +
      `${result.pairs.length} pairs at or above ${threshold} written to ${values.out}\n`,
  );
}

async function cleanse(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      dir: { type: 'string' },
      account: { type: 'string' },
      out: { type: 'string' },
      today: { type: 'string' },
    },
    strict: true,
  });
  if (!values.dir || !values.out) throw new UsageError('cleanse needs --dir and --out.');
  const today = values.today ?? new Date().toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today)) throw new UsageError(`--today must be YYYY-MM-DD, not "${today}".`);
  const store = openStore(values.dir, createKeyringVault(values.account ?? 'working-set'));
  try {
    if (store.childCount() === 0)
      throw new InputError(`The working set in ${values.dir} holds no records: sync it first.`);
    const summary = await runCleanse(store, {
      today,
      onProgress: (p: CleanseProgress) => progressLine(p.stage, p.done, p.total),
      checksThread: { dir: values.dir, keyAccount: values.account ?? 'working-set', start: startChecksFromSource },
    });
    const tasks = allOpenTasks(store.db);
    const rows = tasks.map((t) => {
      const d = t.detail as unknown as Record<string, unknown>;
      return {
        rule: t.rule,
        title: RULES[t.rule].title,
        priority: t.priority,
        cpNumber: t.cpNumber,
        otherCpNumber: t.otherCpNumber ?? '',
        field: typeof d.path === 'string' ? d.path : '',
        detail: typeof d.message === 'string' ? d.message : `score ${String(d.score)}`,
      };
    });
    const header = ['rule', 'title', 'priority', 'cpNumber', 'otherCpNumber', 'field', 'detail'] as const;
    await replaceFileWith(
      `${values.out}.csv`,
      `${header.join(',')}\n${rows.map((r) => header.map((h) => csvCell(r[h])).join(',')).join('\n')}\n`,
    );
    await replaceFileWith(
      `${values.out}.json`,
      `${JSON.stringify({ today, summary, rules: Object.values(RULES), tasks }, null, 2)}\n`,
    );
    process.stderr.write(
      `\n${summary.records} records checked, ${summary.tasks} tasks; report in ${values.out}.csv and ${values.out}.json\n`,
    );
  } finally {
    store.close();
  }
}

/** The national index refused or could not be reached (exit code 5). */
export class ServiceRefusal extends Error {}

const EXIT = { done: 0, usage: 2, unreadable: 3, rejected: 4, refused: 5 } as const;

async function importFile(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      profile: { type: 'string' },
      input: { type: 'string' },
      'dry-run': { type: 'boolean' },
      submit: { type: 'boolean' },
      report: { type: 'string' },
      dir: { type: 'string' },
      account: { type: 'string' },
      service: { type: 'string' },
      'pkcs11-module': { type: 'string' },
      today: { type: 'string' },
    },
    strict: true,
  });
  if (!values.input || !values.profile) throw new UsageError('import needs --profile and --input.');
  if (values['dry-run'] && values.submit) throw new UsageError('Give --dry-run or --submit, not both.');
  if (values.submit && !values.dir)
    throw new UsageError(
      '--submit needs --dir: the working set keeps the journal that makes a cut-off submission resume without sending anything twice.',
    );
  if (values.submit && !values.service)
    throw new UsageError('--submit needs --service, the national index service URL.');
  const today = values.today ?? new Date().toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today)) throw new UsageError(`--today must be YYYY-MM-DD, not "${today}".`);
  // From here on the report is always written, so a scheduled load leaves an account of itself.
  const report = values.report;
  let store: ReturnType<typeof openStore> | null = null;
  let db: Database.Database | null = null;
  let loadId: number | null = null;
  try {
    const profile = loadProfile(profilePath(values.profile, shippedProfiles));
    const account = values.account ?? 'working-set';
    store = values.dir ? openStore(values.dir, createKeyringVault(account)) : null;
    // A dry run without a working set keeps its journal in memory, for the report.
    db = store?.db ?? new Database(':memory:');
    const checked = await checkFile({
      path: values.input,
      profile,
      today,
      userId: null,
      db,
      workingSet: store && store.childCount() > 0 ? { dir: values.dir!, keyAccount: account } : null,
      threads: { start: startAdapterCheckFromSource, count: 2 },
      onProgress: (p) => progressLine(p.stage, Math.round(p.fraction * 1000), 1000),
    });
    loadId = checked.loadId;
    process.stderr.write(
      `\n${checked.rows} rows read: ${checked.valid} valid (${checked.warnings} with warnings), ${checked.rejected} rejected` +
        (checked.matches
          ? `; in the working set: ${checked.matches.match} already held, ${checked.matches.possible} possible matches, ${checked.matches.new} new`
          : '') +
        '\n',
    );
    const caseColumns = checked.dropped.filter((d) => d.reason === 'case-information').map((d) => d.column);
    if (caseColumns.length > 0)
      process.stderr.write(`Never sent (their names say they hold case information): ${caseColumns.join(', ')}\n`);
    const otherColumns = checked.dropped.filter((d) => d.reason === 'not-mapped').map((d) => d.column);
    if (otherColumns.length > 0)
      process.stderr.write(`Not sent (not mapped by the profile): ${otherColumns.join(', ')}\n`);
    let refusedRows = 0;
    if (values.submit) {
      const session = await signInForImport(values.service!, values['pkcs11-module']);
      try {
        const state = session.current().state;
        if (
          state.status !== 'signed-in' ||
          !state.user.roles.includes('la-team') ||
          state.user.localAuthority === null
        ) {
          throw new ServiceRefusal(
            "Only a local authority's ContactPoint team may send local data: the card's account is not one.",
          );
        }
        const summary = await submitLoad({
          db,
          loadId: checked.loadId,
          localAuthority: state.user.localAuthority,
          call: (request) => session.call(request),
          onProgress: (p) => progressLine('sending', p.sent, p.total),
        });
        const o = summary.outcome;
        refusedRows = (o.invalid ?? 0) + (o.forbidden ?? 0);
        process.stderr.write(
          `\nSent: ${o.matched ?? 0} matched to a held child, ${o.created ?? 0} new children, ${o['possible-duplicate'] ?? 0} possible duplicates for review, ${refusedRows} refused by the national index\n`,
        );
      } finally {
        await session.signOut().catch(() => undefined);
        await session.close();
      }
    }
    if (report) {
      await writeCsvReport(db, checked.loadId, report);
      process.stderr.write(`Report: ${report}\n`);
    }
    return checked.rejected > 0 || refusedRows > 0 ? EXIT.rejected : EXIT.done;
  } catch (e) {
    // Stopped: the report says why first (the row and column, where the file is at fault),
    // then what the check found if it finished; a file that stopped the check left no load.
    if (report) {
      try {
        await writeCsvReport(loadId === null ? null : db, loadId, report, fatalOf(e));
        process.stderr.write(`Report: ${report}\n`);
      } catch (w) {
        process.stderr.write(`The report could not be written to ${report}: ${(w as Error).message}\n`);
      }
    }
    throw e;
  } finally {
    store?.close();
    if (!store) db?.close();
  }
}

/** What stopped an import, for its report: the messages of these classes are written for a person and quote no data. */
function fatalOf(e: unknown): FatalProblem {
  if (e instanceof SourceError) return { row: e.row > 0 ? e.row : null, column: e.column ?? null, message: e.message };
  const known =
    e instanceof UsageError ||
    e instanceof InputError ||
    e instanceof ProfileError ||
    e instanceof WorkingSetError ||
    e instanceof VaultError ||
    e instanceof ServiceRefusal ||
    e instanceof AppFailure;
  return {
    row: null,
    column: null,
    message: known
      ? (e as Error).message
      : `The import stopped on an unexpected error (${e instanceof Error ? e.name : 'unknown'}).`,
  };
}

/** A session signed in with the smartcard in the reader; its PIN from CONTACTPOINT_PIN. */
async function signInForImport(serviceUrl: string, modulePath: string | undefined) {
  const pin = process.env.CONTACTPOINT_PIN;
  if (!pin)
    throw new UsageError(
      '--submit signs in with the smartcard in the reader: put its PIN in the environment variable CONTACTPOINT_PIN.',
    );
  const workerFile = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist/main/pkcs11-worker.cjs');
  if (!existsSync(workerFile))
    throw new InputError(
      'The smartcard reader is built with the application: run "npm run build" once, then try again.',
    );
  const transport = createTransport({});
  const api = createApiClient({ baseUrl: serviceUrl, transport });
  const card = createCardReader({ modulePath: modulePath ?? defaultPkcs11Module(process.platform, true), workerFile });
  const session = createSessionManager({ api, card, idleMs: 3_600_000, log: () => undefined });
  const close = async () => {
    await session.close();
    await card.close();
  };
  try {
    await session.signInCard(pin);
  } catch (e) {
    await close();
    if (e instanceof AppFailure) throw new ServiceRefusal(e.message);
    throw e;
  }
  return {
    current: () => session.current(),
    call: session.call.bind(session),
    signOut: () => session.signOut(),
    close,
  };
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'import') return await importFile(rest);
    if (command === 'dedupe') await dedupe(rest);
    else if (command === 'cleanse') await cleanse(rest);
    else throw new UsageError(command === undefined ? 'Give a command.' : `There is no command "${command}".`);
    return 0;
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
      return 2;
    }
    if (
      e instanceof InputError ||
      e instanceof ProfileError ||
      e instanceof SourceError ||
      e instanceof WorkingSetError ||
      e instanceof VaultError
    ) {
      process.stderr.write(`${(e as Error).message}\n`);
      return EXIT.unreadable;
    }
    if (e instanceof ServiceRefusal || e instanceof AppFailure) {
      process.stderr.write(`${(e as Error).message}\n`);
      // The file changed since it was checked is the file's problem; anything else is the service's answer.
      return e instanceof AppFailure && e.code === 'invalid-payload' ? EXIT.unreadable : EXIT.refused;
    }
    throw e;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
// The shipped profiles, for the README and the tests.
export const SHIPPED_PROFILES_DIR = shippedProfiles;
export const shippedProfile = (name: string) => join(shippedProfiles, `${name}.json`);
