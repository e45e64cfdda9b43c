// `npm run service`: the national index service on its own.
//   npm run service -- [--port N] [--host H] [--data DIR | --database-url URL]
//                      [--tls-cert FILE --tls-key FILE] [--public-url https://HOST] [--trusted-proxy ADDR[,ADDR]]
//                      [--sign-in-ceiling N] [--mode training|live] [--training-count N]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseAuditPartitions } from './audit/audit-log.js';
import { parseTrustedProxies } from './http/client-address.js';
import { startService, type ServiceOptions } from './server.js';

const usageText =
  'Usage: npm run service -- [--port N] [--host 127.0.0.1] [--data DIR | --database-url postgres://...] ' +
  '[--audit-key FILE --audit-signing-key FILE --audit-checkpoints DIR] [--audit-partitions N] [--secrets-key-file FILE] ' +
  '[--tls-cert FILE --tls-key FILE] [--public-url https://HOST] [--trusted-proxy ADDR[,ADDR]] [--sign-in-ceiling N] ' +
  '[--mode training|live] [--training-count N]';

function usage(problem: string): never {
  process.stderr.write(`${problem}\n${usageText}\n`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      port: { type: 'string', default: '8443' },
      host: { type: 'string', default: '127.0.0.1' },
      data: { type: 'string' },
      'database-url': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'public-url': { type: 'string' },
      'trusted-proxy': { type: 'string' },
      'sign-in-ceiling': { type: 'string' },
      mode: { type: 'string', default: 'training' },
      'training-count': { type: 'string' },
      // The audit keys and checkpoint directory (docs/admin-guide.md); live mode with a store needs all three.
      'audit-key': { type: 'string' },
      'audit-signing-key': { type: 'string' },
      'audit-checkpoints': { type: 'string' },
      // Audit chains new entries are spread over (1 to 64; or CP_AUDIT_PARTITIONS; default 1).
      'audit-partitions': { type: 'string' },
      // The key that seals security-token secrets (or CP_SECRETS_KEY); live mode needs one.
      'secrets-key-file': { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  }));
} catch (e) {
  usage((e as Error).message);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535)
  usage(`--port must be a whole number from 0 to 65535, not "${values.port}".`);
if (values.data !== undefined && values['database-url'] !== undefined)
  usage('Give --data or --database-url, not both.');
if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined))
  usage('--tls-cert and --tls-key go together.');
if (values.mode !== 'training' && values.mode !== 'live')
  usage(`--mode must be "training" or "live", not "${values.mode}".`);
let trainingCount: number | undefined;
if (values['training-count'] !== undefined) {
  trainingCount = Number(values['training-count']);
  if (!Number.isInteger(trainingCount) || trainingCount < 1 || trainingCount > 2_000_000) {
    usage(`--training-count must be a whole number from 1 to 2000000, not "${values['training-count']}".`);
  }
}

let auditPartitions: number | undefined;
if (values['audit-partitions'] !== undefined) {
  try {
    auditPartitions = parseAuditPartitions(values['audit-partitions'], '--audit-partitions');
  } catch (e) {
    usage((e as Error).message);
  }
}

let trustedProxies: string[] | undefined;
if (values['trusted-proxy'] !== undefined) {
  try {
    trustedProxies = parseTrustedProxies(values['trusted-proxy']);
  } catch (e) {
    usage((e as Error).message);
  }
}
let signInCeiling: number | undefined;
if (values['sign-in-ceiling'] !== undefined) {
  signInCeiling = Number(values['sign-in-ceiling']);
  if (!Number.isInteger(signInCeiling) || signInCeiling < 1) {
    usage(
      `--sign-in-ceiling must be a whole number of attempts a minute, at least 1, not "${values['sign-in-ceiling']}".`,
    );
  }
}

function readPem(flag: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    usage(`${flag}: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
}

const options: ServiceOptions = {
  host: values.host,
  port,
  trainingMode: values.mode === 'training',
  ...(values.data !== undefined ? { dataDir: values.data } : {}),
  ...(values['database-url'] !== undefined ? { databaseUrl: values['database-url'] } : {}),
  ...(values['tls-cert'] !== undefined && values['tls-key'] !== undefined
    ? { tls: { cert: readPem('--tls-cert', values['tls-cert']), key: readPem('--tls-key', values['tls-key']) } }
    : {}),
  ...(trainingCount !== undefined ? { trainingCount } : {}),
  ...(values['public-url'] !== undefined ? { publicUrl: values['public-url'] } : {}),
  ...(trustedProxies !== undefined ? { trustedProxies } : {}),
  ...(signInCeiling !== undefined ? { signInCeilingPerMinute: signInCeiling } : {}),
  audit: {
    ...(values['audit-key'] !== undefined ? { sealKeyFile: values['audit-key'] } : {}),
    ...(values['audit-signing-key'] !== undefined ? { signingKeyFile: values['audit-signing-key'] } : {}),
    ...(values['audit-checkpoints'] !== undefined ? { checkpointDir: values['audit-checkpoints'] } : {}),
    ...(auditPartitions !== undefined ? { partitions: auditPartitions } : {}),
  },
  ...(values['secrets-key-file'] !== undefined ? { secretsKeyFile: values['secrets-key-file'] } : {}),
  ...(process.env['CP_SECRETS_KEY'] !== undefined ? { secretsKeyEnv: process.env['CP_SECRETS_KEY'] } : {}),
  log: (line) => process.stderr.write(`${line}\n`),
  onProgress: ({ loaded, total }) => process.stderr.write(`loading training data: ${loaded} of ${total} children\n`),
};

let service;
try {
  service = await startService(options);
} catch (e) {
  // Store and TLS errors carry clear messages and never a password (see store/open-store.ts).
  process.stderr.write(`The service could not start: ${(e as Error).message}\n`);
  process.exit(1);
}
process.stdout.write(`listening on ${service.url}\n`);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`${signal}: finishing requests in flight, then stopping\n`);
  service.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
