// npm run national:load -- --database-url URL --children N [--authorities 150] [--seed S]
// Loads England-scale training data into an empty PostgreSQL store with COPY, the
// indexes built after (service/training/national-load.ts; docs/deploy.md "Loading
// England-scale data"). Progress goes to stderr; the final figures to stdout as JSON.
import { parseArgs } from 'node:util';
import { loadNational, NationalLoadRefused } from '../service/training/national-load.js';

const usageText =
  'Usage: npm run national:load -- --database-url postgres://... --children N [--authorities 150] [--seed S]';

function usage(problem: string): never {
  process.stderr.write(`${problem}\n${usageText}\n`);
  process.exit(2);
}

let values: { 'database-url'?: string; children?: string; authorities: string; seed: string };
try {
  ({ values } = parseArgs({
    options: {
      'database-url': { type: 'string' },
      children: { type: 'string' },
      authorities: { type: 'string', default: '150' },
      seed: { type: 'string', default: 'contactpoint-national' },
    },
    strict: true,
    allowPositionals: false,
  }) as { values: typeof values });
} catch (e) {
  usage((e as Error).message);
}
if (values['database-url'] === undefined) usage('--database-url is required.');
if (values.children === undefined) usage('--children is required.');
const wholeNumber = (s: string) => (/^\d+$/.test(s.replace(/_/g, '')) ? Number(s.replace(/_/g, '')) : Number.NaN);

const started = Date.now();
try {
  const report = await loadNational({
    databaseUrl: values['database-url'],
    children: wholeNumber(values.children),
    authorities: wholeNumber(values.authorities),
    seed: values.seed,
    log: (line) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0)} s] ${line}\n`),
  });
  process.stdout.write(`${JSON.stringify(report)}\n`);
} catch (e) {
  if (e instanceof NationalLoadRefused) usage(e.message);
  // Never the URL (it may carry a password): the loader's own messages do not include it.
  process.stderr.write(`The national load failed: ${(e as Error).message}\n`);
  process.exit(1);
}
