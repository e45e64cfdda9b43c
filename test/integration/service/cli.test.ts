import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';

function startCli(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'service/cli.ts', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return { child, out: () => stdout, err: () => stderr };
}

describe('npm run service', () => {
  it('with --port 0 picks a free port, says where it listens, serves, and stops cleanly on SIGTERM', async () => {
    // A small training set: loading 24,000 children is not what this test is about, and
    // on a busy 2-core machine it can take longer than the wait below.
    const cli = startCli(['--port', '0', '--training-count', '2000']);
    await expect.poll(() => cli.out(), { timeout: 60_000 }).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+\n/);
    const url = /listening on (\S+)/.exec(cli.out())![1]!;
    expect(url).not.toMatch(/:0$/);
    const res = await fetch(`${url}/v1/status`);
    expect(res.status).toBe(200);
    cli.child.kill('SIGTERM');
    const [code] = await once(cli.child, 'exit');
    expect(code).toBe(0);
    await expect(fetch(`${url}/v1/status`)).rejects.toThrow();
  }, 90_000);

  it.each([
    [['--port', 'eighty'], /--port must be a whole number from 0 to 65535, not "eighty"/],
    [['--port', '70000'], /--port must be a whole number/],
    [['--colour', 'blue'], /Unknown option '--colour'/],
    [
      ['--trusted-proxy', 'proxy.example'],
      /--trusted-proxy takes IP addresses separated by commas; "proxy.example" is not one/,
    ],
    [['--sign-in-ceiling', '0'], /--sign-in-ceiling must be a whole number/],
    [['--audit-partitions', '65'], /--audit-partitions must be a whole number of audit partitions from 1 to 64/],
    [['--audit-partitions', 'eight'], /--audit-partitions must be a whole number of audit partitions/],
  ])(
    'refuses bad arguments %j with a usage line and exit code 2',
    async (args, message) => {
      const cli = startCli(args);
      const [code] = await once(cli.child, 'exit');
      expect(code).toBe(2);
      expect(cli.err()).toMatch(message);
      expect(cli.err()).toContain('Usage: npm run service');
      expect(cli.err()).not.toMatch(/\n\s+at /);
    },
    30_000,
  );
});
