// `contactpoint`: the headless commands, for scheduled runs on a council server.
//   contactpoint dedupe --input FILE --profile PROFILE --out pairs.csv [--threshold 0.5]
//   contactpoint cleanse --dir WORKING_SET_DIR [--account working-set] --out REPORT [--today YYYY-MM-DD]
// Exit codes: 0 done; 2 the command line is wrong; 3 the input, profile or working set
// cannot be read (the message says which and why). Progress goes to stderr; results go
// only to the files named (never to the console: they hold personal data).
import { createWriteStream, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { RULES } from '../../domain/cleanse/rules.js';
import { DEFAULT_THRESHOLD, findDuplicates, type DedupeProgress } from '../../domain/dedupe/index.js';
import { CsvError } from '../adapter/csv.js';
import { loadProfile, ProfileError, profilePath, readDedupeRecords } from '../adapter/profile.js';
import { allOpenTasks, runCleanse, type CleanseProgress } from '../working-set/cleanse.js';
import { startChecksFromSource } from '../working-set/checks-from-source.js';
import { openStore, WorkingSetError } from '../working-set/store.js';
import { createKeyringVault, VaultError } from '../working-set/vault.js';

const USAGE = `Usage:
  contactpoint dedupe --input FILE --profile PROFILE --out pairs.csv [--threshold 0.5]
  contactpoint cleanse --dir WORKING_SET_DIR [--account working-set] --out REPORT [--today YYYY-MM-DD]
PROFILE is a shipped profile's name (${['febrl'].join(', ')}) or the path of a profile file.`;

export class UsageError extends Error {}
export class InputError extends Error {}

const shippedProfiles = resolve(dirname(fileURLToPath(import.meta.url)), '../../profiles');

/** A CSV cell: quoted when needed; a leading = + - @ neutralised so a spreadsheet never runs it. */
export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function progressLine(stage: string, done: number, total: number): void {
  if (!process.stderr.isTTY) return;
  const pct = total > 0 ? Math.floor((100 * done) / total) : 0;
  process.stderr.write(`\r${stage.padEnd(12)} ${String(pct).padStart(3)}%`);
}

async function dedupe(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { input: { type: 'string' }, profile: { type: 'string' }, out: { type: 'string' }, threshold: { type: 'string' } },
    strict: true,
  });
  if (!values.input || !values.profile || !values.out) throw new UsageError('dedupe needs --input, --profile and --out.');
  const threshold = values.threshold === undefined ? DEFAULT_THRESHOLD : Number(values.threshold);
  if (!(threshold >= 0 && threshold <= 1)) throw new UsageError(`--threshold must be a number from 0 to 1, not "${values.threshold}".`);
  const profile = loadProfile(profilePath(values.profile, shippedProfiles));
  const { records, problems } = await readDedupeRecords(values.input, profile);
  for (const p of problems.slice(0, 20)) process.stderr.write(`row ${p.row} skipped: it ${p.message}\n`);
  if (problems.length > 20) process.stderr.write(`... and ${problems.length - 20} more rows skipped\n`);
  const result = await findDuplicates(records, { threshold, onProgress: (p: DedupeProgress) => progressLine(p.stage, p.done, p.total) });
  const out = createWriteStream(values.out);
  out.write('id_a,id_b,score\n');
  for (const pair of result.pairs) out.write(`${csvCell(records[pair.a]!.id)},${csvCell(records[pair.b]!.id)},${pair.score.toFixed(4)}\n`);
  await new Promise<void>((done, fail) => out.end((e?: Error | null) => (e ? fail(e) : done())));
  process.stderr.write(
    `\n${records.length} records read (${problems.length} skipped), ${result.stats.candidatePairs} pairs compared, ` +
      `${result.pairs.length} pairs at or above ${threshold} written to ${values.out}\n`,
  );
}

async function cleanse(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { dir: { type: 'string' }, account: { type: 'string' }, out: { type: 'string' }, today: { type: 'string' } },
    strict: true,
  });
  if (!values.dir || !values.out) throw new UsageError('cleanse needs --dir and --out.');
  const today = values.today ?? new Date().toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today)) throw new UsageError(`--today must be YYYY-MM-DD, not "${today}".`);
  const store = openStore(values.dir, createKeyringVault(values.account ?? 'working-set'));
  try {
    if (store.childCount() === 0) throw new InputError(`The working set in ${values.dir} holds no records: sync it first.`);
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
    writeFileSync(`${values.out}.csv`, `${header.join(',')}\n${rows.map((r) => header.map((h) => csvCell(r[h])).join(',')).join('\n')}\n`, { mode: 0o600 });
    writeFileSync(
      `${values.out}.json`,
      `${JSON.stringify({ today, summary, rules: Object.values(RULES), tasks }, null, 2)}\n`,
      { mode: 0o600 },
    );
    process.stderr.write(`\n${summary.records} records checked, ${summary.tasks} tasks; report in ${values.out}.csv and ${values.out}.json\n`);
  } finally {
    store.close();
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'dedupe') await dedupe(rest);
    else if (command === 'cleanse') await cleanse(rest);
    else throw new UsageError(command === undefined ? 'Give a command.' : `There is no command "${command}".`);
    return 0;
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
      return 2;
    }
    if (e instanceof InputError || e instanceof ProfileError || e instanceof CsvError || e instanceof WorkingSetError || e instanceof VaultError) {
      process.stderr.write(`${(e as Error).message}\n`);
      return 3;
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
