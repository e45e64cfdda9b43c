// The national service as England would run it, on one machine (docs/deploy.md):
//
//   clients ──HTTPS──▶ HAProxy ──HTTP──▶ service instance 1 ┐
//                        (test CA)  └──▶ service instance 2 ┼──▶ primary ◀──sync──▶ standby
//                                                           ┘        ▲                ▲
//                                                                    └── monitor ─────┘
//
// PostgreSQL is made highly available by pg_auto_failover (a monitor, a primary and a
// synchronous standby, each its own data directory and port on loopback); the service
// instances address both nodes with target_session_attrs=read-write and follow a
// failover by themselves (service/store/postgres.ts); HAProxy terminates TLS with a
// certificate from a CA made for the stack and balances the instances, routing around
// one that stops answering. Everything lives under one directory and stops cleanly.
//
// PostgreSQL refuses to run as root: as root (tests, CI) its parts run as the `postgres`
// user through runuser, as test/support/postgres.ts does.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import pg from 'pg';

const root = resolve(import.meta.dirname, '../..');
const runningAsRoot = process.getuid?.() === 0;

/** The Debian packages the stack needs, by the command that shows each is there. */
export const stackPackages: readonly { package: string; present: () => boolean }[] = [
  { package: 'postgresql', present: () => pgBinDir() !== undefined },
  { package: 'postgresql-15-auto-failover', present: () => onPath('pg_autoctl') },
  { package: 'pg-auto-failover-cli', present: () => onPath('pg_autoctl') },
  { package: 'haproxy', present: () => onPath('haproxy') || existsSync('/usr/sbin/haproxy') },
  { package: 'openssl', present: () => onPath('openssl') },
];

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function pgBinDir(): string | undefined {
  for (const v of ['17', '16', '15']) {
    const dir = `/usr/lib/postgresql/${v}/bin`;
    if (existsSync(join(dir, 'pg_ctl'))) return dir;
  }
  return undefined;
}

/** The packages missing on this machine (empty when the stack can start). */
export function missingPackages(): string[] {
  return [...new Set(stackPackages.filter((p) => !p.present()).map((p) => p.package))];
}

export interface NationalStackOptions {
  /** How many service instances (default 2). */
  instances?: number;
  /** Start a synchronous standby beside the primary (default true). */
  standby?: boolean;
  /** HAProxy's HTTPS port on 127.0.0.1 (default 0: a free one). */
  port?: number;
  /** Where everything lives (default a new directory under /tmp, removed at stop). */
  dir?: string;
  /** Training children loaded into an empty store by the first instance (default 24,000). */
  trainingCount?: number;
  /** Fill the store before any instance starts (the England-scale loader), given the primary's URL. */
  load?: (databaseUrl: string) => Promise<void>;
  /**
   * The monitor's health checks at loopback speed (a check a second, a node unhealthy
   * after 5 s) rather than pg_auto_failover's defaults for a network (5 s and 20 s).
   * Default true; docs/deploy.md says what production uses.
   */
  fastHealthChecks?: boolean;
  /** Progress lines. */
  log?: (line: string) => void;
}

export interface NodeState {
  name: string;
  port: number;
  reported: string;
  goal: string;
}

export interface NationalStack {
  /** HAProxy's address: https://127.0.0.1:PORT */
  url: string;
  /** The stack's CA certificate (PEM): trust this to reach `url`. */
  ca: Buffer;
  /** The service's database URL: both nodes, target_session_attrs=read-write (superuser, loopback, trust). */
  databaseUrl: string;
  /** Where the stack's files are. */
  dir: string;
  /** The service instances' own (plain HTTP, loopback) ports. */
  instancePorts: number[];
  /** The audit seal key's file, which every instance uses (for `npm run audit:verify -- --audit-key`). */
  auditKeyFile: string;
  /** The PostgreSQL nodes as the monitor sees them. */
  nodes(): Promise<NodeState[]>;
  /** The node that is primary now (or wait_primary, writable without its standby). */
  primary(): Promise<NodeState | undefined>;
  /** SIGKILL the primary's postmaster; returns the node it was. */
  killPrimaryPostmaster(): Promise<NodeState>;
  /** Wait until `test` holds for the nodes (polled twice a second). */
  waitForNodes(test: (nodes: NodeState[]) => boolean, timeoutMs: number): Promise<NodeState[]>;
  /** Each part's process group (its processes, for CPU accounting): monitor, node1, node2, instance-N, haproxy. */
  parts(): { name: string; pgid: number; postmaster?: number }[];
  /** SIGKILL service instance `index` (0-based). */
  killInstance(index: number): void;
  /** Stop every part: instances, HAProxy, the nodes, the monitor; remove `dir` if the stack made it. */
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function idsOf(user: string): { uid: number; gid: number } {
  const uid = spawnSync('id', ['-u', user], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', user], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) {
    throw new Error(`Running as root needs the "${user}" user, which the Debian postgresql package creates.`);
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Run a command to completion; rejects with its output's tail. */
function run(command: string, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: '/', env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', fail);
    child.on('close', (code) =>
      code === 0
        ? done(output)
        : fail(new Error(`${command} ${args[0] ?? ''} failed (exit ${code}): ${output.trim().slice(-1500)}`)),
    );
  });
}

export async function startNationalStack(options: NationalStackOptions = {}): Promise<NationalStack> {
  const missing = missingPackages();
  if (missing.length > 0) {
    throw new Error(
      `The national stack needs these Debian packages, which are missing: ${missing.join(' ')}. ` +
        `Install them with: sudo apt-get install ${missing.join(' ')}`,
    );
  }
  const instances = options.instances ?? 2;
  if (!Number.isInteger(instances) || instances < 1 || instances > 16) {
    throw new Error(`instances must be a whole number from 1 to 16, not ${String(options.instances)}.`);
  }
  const withStandby = options.standby ?? true;
  const log = options.log ?? (() => undefined);
  const bin = pgBinDir()!;
  const madeDir = options.dir === undefined;
  const dir = options.dir !== undefined ? resolve(options.dir) : mkdtempSync('/tmp/cp-national-');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Traversable (not readable) by others, so that the postgres user reaches its own part.
  if (runningAsRoot) chmodSync(dir, 0o711);
  const pgDir = join(dir, 'pg');
  mkdirSync(pgDir, { recursive: true, mode: 0o700 });
  if (runningAsRoot) {
    const { uid, gid } = idsOf('postgres');
    chownSync(pgDir, uid, gid);
  }
  // pg_autoctl keeps its own state under XDG directories: the stack's, not the user's.
  const pgEnv: NodeJS.ProcessEnv = {
    PATH: `${bin}:/usr/bin:/bin:/usr/sbin:/sbin`,
    XDG_CONFIG_HOME: join(pgDir, 'config'),
    XDG_DATA_HOME: join(pgDir, 'data'),
    XDG_RUNTIME_DIR: join(pgDir, 'run'),
    LANG: 'C.UTF-8',
  };
  const asPostgres = (args: readonly string[]): [string, string[]] =>
    runningAsRoot
      ? ['runuser', ['-u', 'postgres', '--', 'env', ...Object.entries(pgEnv).map(([k, v]) => `${k}=${v}`), ...args]]
      : [args[0]!, args.slice(1)];
  const autoctl = (args: readonly string[]) => {
    const [command, argv] = asPostgres(['pg_autoctl', ...args]);
    return run(command, argv, runningAsRoot ? { PATH: process.env['PATH'] } : { ...process.env, ...pgEnv });
  };

  const children: { name: string; child: ChildProcess }[] = [];
  const keepers: { pgdata: string; child: ChildProcess }[] = [];
  let stopped = false;
  const startChild = (
    name: string,
    command: string,
    args: readonly string[],
    env: NodeJS.ProcessEnv,
    logFile: string,
  ) => {
    const out = createWriteStream(join(dir, logFile));
    // A line written after stop() removed the directory is dropped, not thrown.
    out.on('error', () => undefined);
    // Its own process group: Ctrl-C reaches the stack's runner, which stops the parts in order.
    const child = spawn(command, args, { cwd: '/', env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => out.write(d));
    child.stderr!.on('data', (d: Buffer) => out.write(d));
    child.once('exit', () => out.end());
    children.push({ name, child });
    return child;
  };
  const runKeeper = (pgdata: string, name: string) => {
    const [command, argv] = asPostgres(['pg_autoctl', 'run', '--pgdata', pgdata]);
    const child = startChild(
      name,
      command,
      argv,
      runningAsRoot ? { PATH: process.env['PATH'] } : { ...process.env, ...pgEnv },
      `${name}.log`,
    );
    keepers.push({ pgdata, child });
  };

  // A process that dies without stop() must not leave servers running.
  const emergency = () => {
    for (const { child } of children) if (child.pid && child.exitCode === null) tryKill(-child.pid, 'SIGKILL');
    for (const { pgdata } of keepers) {
      const [command, argv] = asPostgres([join(bin, 'pg_ctl'), 'stop', '-D', pgdata, '-m', 'immediate']);
      spawnSync(command, argv, { cwd: '/', stdio: 'ignore' });
    }
    if (madeDir) rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', emergency);

  const monitorPort = await freePort();
  const nodePorts = [await freePort(), await freePort()];
  const monitorUrl = `postgres://postgres@127.0.0.1:${monitorPort}/pg_auto_failover`;
  const monitorPgdata = join(pgDir, 'monitor');
  const nodeDir = (i: number) => join(pgDir, `node${i + 1}`);
  const nodeCount = withStandby ? 2 : 1;

  async function monitorQuery<R extends pg.QueryResultRow>(sql: string): Promise<R[]> {
    const client = new pg.Client({ connectionString: monitorUrl, connectionTimeoutMillis: 3_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return (await client.query<R>(sql)).rows;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  async function nodes(): Promise<NodeState[]> {
    const rows = await monitorQuery<{ nodename: string; nodeport: number; reportedstate: string; goalstate: string }>(
      'SELECT nodename, nodeport, reportedstate::text, goalstate::text FROM pgautofailover.node ORDER BY nodeid',
    );
    return rows.map((r) => ({ name: r.nodename, port: r.nodeport, reported: r.reportedstate, goal: r.goalstate }));
  }
  async function waitForNodes(test: (n: NodeState[]) => boolean, timeoutMs: number): Promise<NodeState[]> {
    const until = Date.now() + timeoutMs;
    let last: NodeState[] = [];
    for (;;) {
      try {
        last = await nodes();
        if (test(last)) return last;
      } catch {
        // The monitor may be starting: ask again.
      }
      if (Date.now() > until) {
        throw new Error(
          `The database nodes did not reach the expected state in ${timeoutMs / 1000} s: ` +
            (last.map((n) => `${n.name} ${n.reported}/${n.goal}`).join(', ') || 'no node reported'),
        );
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  const writable = (n: NodeState) =>
    (n.reported === 'primary' || n.reported === 'single' || n.reported === 'wait_primary') && n.goal === n.reported;

  try {
    // --- PostgreSQL: monitor, primary, standby ----------------------------------------
    log(`monitor: creating on port ${monitorPort}`);
    await autoctl([
      'create',
      'monitor',
      '--pgdata',
      monitorPgdata,
      '--pgport',
      String(monitorPort),
      '--hostname',
      '127.0.0.1',
      '--listen',
      '127.0.0.1',
      '--auth',
      'trust',
      '--no-ssl',
      '--pgctl',
      join(bin, 'pg_ctl'),
    ]);
    runKeeper(monitorPgdata, 'monitor');
    await waitFor(() => monitorQuery('SELECT 1').then(() => true), 30_000, 'the monitor to accept connections');
    if (options.fastHealthChecks ?? true) {
      for (const [name, value] of [
        ['health_check_period', 1000],
        ['health_check_retry_delay', 500],
        ['health_check_timeout', 1000],
        ['health_check_max_retries', 1],
        ['node_considered_unhealthy_timeout', 5000],
      ] as const) {
        await monitorQuery(`ALTER SYSTEM SET pgautofailover.${name} = ${value}`);
      }
      await monitorQuery('SELECT pg_reload_conf()');
    }
    for (let i = 0; i < nodeCount; i++) {
      log(`node${i + 1}: creating on port ${nodePorts[i]}${i === 0 ? ' (primary)' : ' (synchronous standby)'}`);
      await autoctl([
        'create',
        'postgres',
        '--pgdata',
        nodeDir(i),
        '--pgport',
        String(nodePorts[i]),
        '--hostname',
        '127.0.0.1',
        '--listen',
        '127.0.0.1',
        '--name',
        `node${i + 1}`,
        '--dbname',
        'contactpoint',
        '--auth',
        'trust',
        '--no-ssl',
        '--pgctl',
        join(bin, 'pg_ctl'),
        '--monitor',
        `postgres://autoctl_node@127.0.0.1:${monitorPort}/pg_auto_failover`,
      ]);
      runKeeper(nodeDir(i), `node${i + 1}`);
      await waitForNodes(
        (ns) =>
          ns.length === i + 1 &&
          (i === 0
            ? writable(ns[0]!)
            : ns.every((n) => n.reported === n.goal && (n.reported === 'primary' || n.reported === 'secondary'))),
        180_000,
      );
    }
    const databaseUrl =
      `postgres://postgres@${nodePorts
        .slice(0, nodeCount)
        .map((p) => `127.0.0.1:${p}`)
        .join(',')}` + '/contactpoint?target_session_attrs=read-write';
    log(`database: ${databaseUrl}`);
    // The monitor can report the node ready while its keeper is still restarting
    // PostgreSQL (seen with no standby): wait until the primary itself answers.
    const primaryUrl = `postgres://postgres@127.0.0.1:${nodePorts[0]}/contactpoint`;
    await waitFor(
      async () => {
        // The primary alone: pg's Client takes one host, not the instances' multi-host URL.
        const client = new pg.Client({ connectionString: primaryUrl, connectionTimeoutMillis: 3_000 });
        client.on('error', () => undefined);
        try {
          await client.connect();
          await client.query('SELECT 1');
          return true;
        } finally {
          await client.end().catch(() => undefined);
        }
      },
      60_000,
      'the primary to accept connections',
    );
    if (options.load) await options.load(primaryUrl);

    // --- Keys and certificates ---------------------------------------------------------
    const tls = join(dir, 'tls');
    mkdirSync(tls, { recursive: true, mode: 0o700 });
    const ssl = (args: string[]) => run('openssl', args);
    await ssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', join(tls, 'ca.key')]);
    await ssl([
      'req',
      '-x509',
      '-new',
      '-key',
      join(tls, 'ca.key'),
      '-sha256',
      '-days',
      '30',
      '-subj',
      '/CN=ContactPoint national stack test CA',
      '-out',
      join(tls, 'ca.pem'),
    ]);
    await ssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', join(tls, 'server.key')]);
    await ssl([
      'req',
      '-new',
      '-key',
      join(tls, 'server.key'),
      '-subj',
      '/CN=127.0.0.1',
      '-out',
      join(tls, 'server.csr'),
    ]);
    writeFileSync(
      join(tls, 'server.ext'),
      'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n',
    );
    await ssl([
      'x509',
      '-req',
      '-in',
      join(tls, 'server.csr'),
      '-CA',
      join(tls, 'ca.pem'),
      '-CAkey',
      join(tls, 'ca.key'),
      '-CAcreateserial',
      '-days',
      '30',
      '-sha256',
      '-extfile',
      join(tls, 'server.ext'),
      '-out',
      join(tls, 'server.pem'),
    ]);
    writeFileSync(
      join(tls, 'haproxy.pem'),
      readFileSync(join(tls, 'server.pem'), 'utf8') + readFileSync(join(tls, 'server.key'), 'utf8'),
      { mode: 0o600 },
    );
    const keys = join(dir, 'keys');
    mkdirSync(keys, { recursive: true, mode: 0o700 });
    // Every instance seals, signs and unseals with the same keys: one store, one trail.
    writeFileSync(join(keys, 'audit.key'), randomBytes(32).toString('hex'), { mode: 0o600 });
    writeFileSync(join(keys, 'secrets.key'), randomBytes(32).toString('base64'), { mode: 0o600 });
    await run('openssl', ['genpkey', '-algorithm', 'ed25519', '-out', join(keys, 'audit-signing.pem')]);

    // --- Service instances -------------------------------------------------------------
    const proxyPort = options.port || (await freePort());
    const instancePorts: number[] = [];
    for (let i = 0; i < instances; i++) instancePorts.push(await freePort());
    const tsx = join(root, 'node_modules/tsx/dist/cli.mjs');
    const startInstance = async (i: number) => {
      const checkpoints = join(dir, `checkpoints-${i + 1}`);
      mkdirSync(checkpoints, { recursive: true, mode: 0o700 });
      const args = [
        tsx,
        join(root, 'service/cli.ts'),
        '--host',
        '127.0.0.1',
        '--port',
        String(instancePorts[i]),
        '--database-url',
        databaseUrl,
        '--public-url',
        `https://127.0.0.1:${proxyPort}`,
        '--trusted-proxy',
        '127.0.0.1',
        '--mode',
        'training',
        '--audit-key',
        join(keys, 'audit.key'),
        '--audit-signing-key',
        join(keys, 'audit-signing.pem'),
        '--audit-checkpoints',
        checkpoints,
        '--secrets-key-file',
        join(keys, 'secrets.key'),
        // Eight audit chains, so audited actions from many people do not queue on one
        // chain head (docs/service.md, "The audit trail").
        '--audit-partitions',
        '8',
        ...(options.trainingCount !== undefined ? ['--training-count', String(options.trainingCount)] : []),
      ];
      const child = startChild(
        `instance-${i + 1}`,
        process.execPath,
        args,
        { ...process.env, NODE_ENV: 'production' },
        `instance-${i + 1}.log`,
      );
      await new Promise<void>((done, fail) => {
        let seen = '';
        const onData = (d: Buffer) => {
          seen += d.toString();
          if (/listening on /.test(seen)) {
            child.stdout!.off('data', onData);
            done();
          }
        };
        child.stdout!.on('data', onData);
        child.on('exit', (code) =>
          fail(
            new Error(
              `Service instance ${i + 1} stopped (exit ${code}) before it listened: see ${join(dir, `instance-${i + 1}.log`)}`,
            ),
          ),
        );
      });
      log(`instance-${i + 1}: listening on 127.0.0.1:${instancePorts[i]}`);
    };
    // The first instance migrates the store and loads the training data; then the rest together.
    await startInstance(0);
    await Promise.all(instancePorts.slice(1).map((_, j) => startInstance(j + 1)));

    // --- HAProxy -----------------------------------------------------------------------
    const config = [
      'global',
      '  maxconn 4096',
      'defaults',
      '  mode http',
      '  timeout connect 2s',
      '  timeout client 60s',
      '  timeout server 60s',
      // A connection refused by a stopped instance is tried again on another: nothing was sent.
      '  retries 2',
      '  option redispatch',
      'frontend national',
      `  bind 127.0.0.1:${proxyPort} ssl crt ${join(tls, 'haproxy.pem')} alpn http/1.1`,
      '  option forwardfor',
      '  default_backend instances',
      'backend instances',
      '  balance roundrobin',
      // HTTP/1.1 with a Host header: the service refuses a request without one.
      '  option httpchk',
      '  http-check send meth GET uri /v1/status ver HTTP/1.1 hdr Host 127.0.0.1',
      '  http-check expect status 200',
      '  default-server inter 500ms fall 2 rise 2',
      ...instancePorts.map((p, i) => `  server instance-${i + 1} 127.0.0.1:${p} check`),
      '',
    ].join('\n');
    writeFileSync(join(dir, 'haproxy.cfg'), config);
    const haproxyBin = onPath('haproxy') ? 'haproxy' : '/usr/sbin/haproxy';
    await run(haproxyBin, ['-c', '-f', join(dir, 'haproxy.cfg')]);
    startChild('haproxy', haproxyBin, ['-db', '-f', join(dir, 'haproxy.cfg')], process.env, 'haproxy.log');
    const ca = readFileSync(join(tls, 'ca.pem'));
    const url = `https://127.0.0.1:${proxyPort}`;
    await waitFor(() => statusOk(url, ca), 30_000, 'HAProxy to answer');
    log(`national service: ${url} (trust ${join(tls, 'ca.pem')})`);

    const byName = (name: string) => children.find((c) => c.name === name)?.child;
    return {
      url,
      ca,
      databaseUrl,
      dir,
      auditKeyFile: join(keys, 'audit.key'),
      instancePorts,
      nodes,
      waitForNodes,
      async primary() {
        return (await nodes()).find(
          (n) => n.reported === 'primary' || n.reported === 'single' || n.reported === 'wait_primary',
        );
      },
      async killPrimaryPostmaster() {
        const primary = (await nodes()).find((n) => writable(n));
        if (!primary) throw new Error('No node is primary now.');
        const pgdata = nodeDir(Number(primary.name.replace('node', '')) - 1);
        const pid = Number(readFileSync(join(pgdata, 'postmaster.pid'), 'utf8').split('\n')[0]);
        process.kill(pid, 'SIGKILL');
        return primary;
      },
      parts() {
        return children
          .filter((c) => c.child.pid !== undefined)
          .map((c) => {
            // A node's postmaster and its backends may leave the keeper's process group.
            const pidFile = c.name.startsWith('node')
              ? join(nodeDir(Number(c.name.slice(4)) - 1), 'postmaster.pid')
              : c.name === 'monitor'
                ? join(monitorPgdata, 'postmaster.pid')
                : undefined;
            let postmaster: number | undefined;
            try {
              if (pidFile) postmaster = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
            } catch {
              // Not running now.
            }
            return { name: c.name, pgid: c.child.pid!, ...(postmaster ? { postmaster } : {}) };
          });
      },
      killInstance(index: number) {
        const child = byName(`instance-${index + 1}`);
        if (!child?.pid) throw new Error(`There is no service instance ${index + 1}.`);
        tryKill(-child.pid, 'SIGKILL');
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        await stopAll();
      },
    };
  } catch (e) {
    await stopAll().catch(() => undefined);
    throw e;
  }

  async function stopAll(): Promise<void> {
    // Instances first (they finish their requests and publish a last checkpoint), then
    // the proxy, then the data nodes, then the monitor.
    const order = [
      ...children.filter((c) => c.name.startsWith('instance-')),
      ...children.filter((c) => c.name === 'haproxy'),
      ...children.filter((c) => c.name.startsWith('node')).reverse(),
      ...children.filter((c) => c.name === 'monitor'),
    ];
    for (const { child } of order) await stopChild(child);
    process.off('exit', emergency);
    if (madeDir) rmSync(dir, { recursive: true, force: true });
  }
}

function tryKill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

/** SIGTERM a part's process group, SIGKILL it if it has not gone in 20 s. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (!child.pid || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((r) => child.once('exit', () => r()));
  tryKill(-child.pid, 'SIGTERM');
  const timer = setTimeout(() => tryKill(-child.pid!, 'SIGKILL'), 20_000);
  await gone;
  clearTimeout(timer);
}

async function waitFor(test: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await test().catch(() => false)) return;
    if (Date.now() > until) throw new Error(`Gave up waiting for ${what} after ${timeoutMs / 1000} s.`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function statusOk(url: string, ca: Buffer): Promise<boolean> {
  const { request } = await import('node:https');
  return new Promise((done) => {
    const req = request(`${url}/v1/status`, { ca, timeout: 2_000 }, (res) => {
      res.resume();
      done(res.statusCode === 200);
    });
    req.on('error', () => done(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}
