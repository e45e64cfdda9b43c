// `npm run national`: the national service as England would run it, on this machine
// (scripts/national/stack.ts, docs/deploy.md): a pg_auto_failover monitor, a primary and
// (with --standby) a synchronous standby, N service instances, HAProxy over HTTPS with a
// CA made for the stack. Ctrl-C stops every part and removes what it made.
//
//   npm run national -- [--instances 2] [--standby] [--port 8443] [--dir DIR]
//                       [--training-count N | --children N [--authorities 150]]
//
// --children loads England-scale generated data with COPY before any instance starts
// (service/training/national-load.ts); --training-count has the first instance load the
// training children as `npm run service` does.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadNational } from '../service/training/national-load.js';
import { missingPackages, startNationalStack } from './national/stack.js';

const usageText =
  'Usage: npm run national -- [--instances N] [--standby] [--port N] [--dir DIR] ' +
  '[--training-count N | --children N [--authorities N]]';

function usage(problem: string): never {
  process.stderr.write(`${problem}\n${usageText}\n`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      instances: { type: 'string', default: '2' },
      standby: { type: 'boolean', default: false },
      port: { type: 'string', default: '8443' },
      dir: { type: 'string' },
      'training-count': { type: 'string' },
      children: { type: 'string' },
      authorities: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  }));
} catch (e) {
  usage((e as Error).message);
}
const whole = (flag: string, text: string, min: number, max: number): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    usage(`--${flag} must be a whole number from ${min} to ${max}, not "${text}".`);
  return n;
};
const instances = whole('instances', values.instances, 1, 16);
const port = whole('port', values.port, 0, 65535);
const trainingCount =
  values['training-count'] !== undefined ? whole('training-count', values['training-count'], 1, 2_000_000) : undefined;
const children = values.children !== undefined ? whole('children', values.children, 1, 20_000_000) : undefined;
const authorities = values.authorities !== undefined ? whole('authorities', values.authorities, 2, 150) : undefined;
if (children !== undefined && trainingCount !== undefined) usage('Give --children or --training-count, not both.');
if (authorities !== undefined && children === undefined) usage('--authorities goes with --children.');

// As `npm test` does: install the Debian packages when we can, else name them.
const missing = missingPackages();
if (missing.length > 0) {
  if (process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0) {
    process.stderr.write(`Installing the Debian packages the national stack uses: ${missing.join(' ')}\n`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const ok =
      spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env }).status === 0 &&
      spawnSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit', env }).status === 0;
    if (!ok) {
      process.stderr.write('apt-get could not install them.\n');
      process.exit(1);
    }
  } else {
    process.stderr.write(
      `The national stack needs these Debian packages, which are missing: ${missing.join(' ')}.\n` +
        `Install them with:  sudo apt-get install ${missing.join(' ')}\n`,
    );
    process.exit(1);
  }
}

const stack = await startNationalStack({
  instances,
  standby: values.standby,
  port,
  ...(values.dir !== undefined ? { dir: values.dir } : {}),
  ...(trainingCount !== undefined ? { trainingCount } : {}),
  ...(children !== undefined
    ? {
        load: async (databaseUrl: string) => {
          const report = await loadNational({
            databaseUrl,
            children,
            ...(authorities !== undefined ? { authorities } : {}),
            log: (line) => process.stderr.write(`load: ${line}\n`),
          });
          process.stderr.write(`load: ${report.children} children in ${report.totalSeconds.toFixed(0)} s\n`);
        },
      }
    : {}),
  log: (line) => process.stderr.write(`${line}\n`),
}).catch((e: unknown) => {
  process.stderr.write(`The national stack did not start: ${(e as Error).message}\n`);
  process.exit(1);
});

process.stdout.write(
  [
    `ContactPoint national service: ${stack.url}`,
    `  trust this CA:   ${join(stack.dir, 'tls', 'ca.pem')}`,
    `  instances:       ${stack.instancePorts.map((p) => `127.0.0.1:${p}`).join(', ')}`,
    `  database:        ${stack.databaseUrl}`,
    `  files and logs:  ${stack.dir}`,
    'Ctrl-C stops it.',
    '',
  ].join('\n'),
);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  process.stderr.write(`${signal}: stopping the instances, HAProxy, the database nodes and the monitor...\n`);
  stack.stop().then(
    () => {
      process.stderr.write('Stopped.\n');
      process.exit(0);
    },
    (e: unknown) => {
      process.stderr.write(`Stopping failed: ${(e as Error).message}\n`);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
