// npm run training:data -- [--count N] [--seed S] [--today YYYY-MM-DD] [--out FILE]
// Writes the deterministic training dataset as JSON Lines, one generated child a line
// ({record, truthId, supplies}), streaming, so a million children need no more memory
// than ten.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { isValidIsoDate } from '../domain/dates.js';
import { generateChildren, MAX_TRAINING_COUNT } from '../service/training/index.js';

function usage(problem: string): never {
  process.stderr.write(
    `${problem}\nUsage: npm run training:data -- [--count N] [--seed S] [--today YYYY-MM-DD] [--out FILE]\n`,
  );
  process.exit(2);
}

let values: { count: string; seed: string; today: string; out?: string };
try {
  ({ values } = parseArgs({
    options: {
      count: { type: 'string', default: '20000' },
      seed: { type: 'string', default: 'contactpoint-training' },
      today: { type: 'string', default: new Date().toISOString().slice(0, 10) },
      out: { type: 'string' },
    },
    strict: true,
  }) as { values: typeof values });
} catch (e) {
  usage((e as Error).message);
}
const count = Number(values.count);
if (!Number.isInteger(count) || count < 1 || count > MAX_TRAINING_COUNT) {
  usage(`--count must be a whole number from 1 to ${MAX_TRAINING_COUNT}, not "${values.count}".`);
}
if (!isValidIsoDate(values.today)) usage(`--today must be a date written YYYY-MM-DD, not "${values.today}".`);

const out = values.out ? createWriteStream(values.out) : process.stdout;
let written = 0;
for (const child of generateChildren({ seed: values.seed, count, today: values.today })) {
  if (!out.write(`${JSON.stringify(child)}\n`)) await once(out, 'drain');
  written += 1;
  if (values.out && written % 100_000 === 0) process.stderr.write(`${written} of ${count} children written\n`);
}
if (values.out) {
  out.end();
  await once(out, 'finish');
  process.stderr.write(`${written} children written to ${values.out}\n`);
}
