// A throwaway PostgreSQL server for tests: the Debian `postgresql` package's own
// binaries, a fresh cluster in a temporary directory, a free port on 127.0.0.1, and
// everything removed on stop. PostgreSQL refuses to run as root, so as root (as tests
// and CI run) the cluster belongs to the `postgres` user and its tools run through
// runuser.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';

export interface TestPostgres {
  /** A URL for `database` (default: the `postgres` database), as user postgres over TCP. */
  url(database?: string): string;
  /** Make a fresh, empty database `cp_test_<random>` and return its URL. */
  createDatabase(): Promise<string>;
  /** Stop the server (fast shutdown: clients are disconnected) and remove its files. */
  stop(): Promise<void>;
}

/** The role the tests can use to check password authentication (see pg_hba below). */
export const passwordRole = { name: 'cp_password_user', password: 'Correct-Horse-7f3e' } as const;

const runningAsRoot = process.getuid?.() === 0;

/** The bin directory of the highest PostgreSQL version installed. */
function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'pg_ctl')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0] === undefined) {
    throw new Error(
      'PostgreSQL is not installed (no /usr/lib/postgresql/<version>/bin/pg_ctl): run "sudo apt-get install postgresql".',
    );
  }
  return join(root, versions[0], 'bin');
}

/** Run a PostgreSQL tool, as the postgres user when we are root; resolves with its output. */
function run(bin: string, tool: string, args: readonly string[]): Promise<string> {
  const command = runningAsRoot ? 'runuser' : join(bin, tool);
  const argv = runningAsRoot ? ['-u', 'postgres', '--', join(bin, tool), ...args] : [...args];
  return new Promise((resolve, reject) => {
    // cwd: a directory the postgres user can read, whatever the caller's cwd is.
    const child = spawn(command, argv, { cwd: '/', stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${tool} failed (exit ${code}): ${output.trim().slice(-2000)}`));
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

// Trust for the postgres superuser (the tests' own connections); a password for every
// other role, so that tests can see a wrong password refused.
const hba = `local all all trust
host all postgres 127.0.0.1/32 trust
host all all 127.0.0.1/32 scram-sha-256
`;

/**
 * Start a new, empty PostgreSQL server. Call `stop()` when done (afterAll). `settings`
 * are more server settings (`-c name=value`), for a benchmark tuned for bulk loading.
 */
export async function startPostgres(server: { settings?: Record<string, string> } = {}): Promise<TestPostgres> {
  const extra = Object.entries(server.settings ?? {})
    .map(([name, value]) => {
      if (!/^[a-z_.]+$/.test(name) || !/^[\w.]+$/.test(value)) throw new RangeError(`bad setting ${name}=${value}`);
      return ` -c ${name}=${value}`;
    })
    .join('');
  const bin = binDir();
  // mkdtemp makes the directory 0700; as root, hand it to postgres so that the server
  // (and only it) can use it. /tmp itself is traversable by everyone.
  const dir = mkdtempSync('/tmp/cp-pg-');
  if (runningAsRoot) {
    const pw = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gr = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    if (pw.status !== 0 || gr.status !== 0) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(
        'Running as root needs the "postgres" user, which the Debian package creates: run "apt-get install postgresql".',
      );
    }
    chownSync(dir, Number(pw.stdout.trim()), Number(gr.stdout.trim()));
  }
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  let started = false;
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  // A test process that dies without stop() must not leave a server running.
  const onExit = () => {
    if (started) {
      const [command, argv] = runningAsRoot
        ? ['runuser', ['-u', 'postgres', '--', join(bin, 'pg_ctl'), 'stop', '-D', data, '-m', 'immediate']]
        : [join(bin, 'pg_ctl'), ['stop', '-D', data, '-m', 'immediate']];
      spawnSync(command as string, argv as string[], { cwd: '/', stdio: 'ignore' });
    }
    removeDir();
  };
  process.on('exit', onExit);

  let port = 0;
  try {
    await run(bin, 'initdb', [
      '-D',
      data,
      '--auth=trust',
      '-U',
      'postgres',
      '--encoding=UTF8',
      '--no-sync',
      '--locale=C.UTF-8',
    ]);
    writeFileSync(join(data, 'pg_hba.conf'), hba);
    // The port is free when asked, but another process could take it before the
    // server binds: try a few.
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c deadlock_timeout=100ms${extra}`;
      try {
        await run(bin, 'pg_ctl', ['start', '-w', '-t', '60', '-D', data, '-l', log, '-o', options]);
        started = true;
        break;
      } catch (e) {
        if (attempt >= 3) {
          const tail = existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : '';
          throw new Error(`${(e as Error).message}\n${tail}`, { cause: e });
        }
      }
    }
  } catch (e) {
    process.off('exit', onExit);
    removeDir();
    throw e;
  }

  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;

  async function admin(sql: string): Promise<void> {
    const client = new pg.Client({ connectionString: url() });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }

  await admin(`CREATE ROLE ${passwordRole.name} LOGIN PASSWORD '${passwordRole.password}'`);

  return {
    url,
    async createDatabase() {
      // A name made here from hex digits: an identifier cannot be a parameter.
      const name = `cp_test_${randomBytes(6).toString('hex')}`;
      await admin(`CREATE DATABASE ${name}`);
      return url(name);
    },
    async stop() {
      process.off('exit', onExit);
      try {
        if (started) await run(bin, 'pg_ctl', ['stop', '-w', '-D', data, '-m', 'fast']);
        started = false;
      } finally {
        removeDir();
      }
    },
  };
}
