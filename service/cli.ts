// `npm run service`: the national index service on its own.
import { parseArgs } from 'node:util';
import { startService } from './server.js';

function usage(problem: string): never {
  process.stderr.write(`${problem}\nUsage: npm run service -- [--port N] [--host 127.0.0.1]\n`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: { port: { type: 'string', default: '8443' }, host: { type: 'string', default: '127.0.0.1' } },
    strict: true,
  }));
} catch (e) {
  usage((e as Error).message);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) usage(`--port must be a whole number from 0 to 65535, not "${values.port}".`);

const service = await startService({ host: values.host, port, trainingMode: true });
process.stdout.write(`listening on ${service.url}\n`);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`${signal}: stopping\n`);
  service.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
