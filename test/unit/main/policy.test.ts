import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicyFile, parsePolicy, PolicyError } from '../../../main/policy.js';

describe('machine policy', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cp-policy-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('with no policy file, is the training kiosk with the embedded service', async () => {
    const p = await loadPolicyFile(join(dir, 'absent.json'));
    expect(p).toEqual({ trainingMode: true, kiosk: true, idleMinutes: 5 });
  });

  it('reads a real deployment policy', async () => {
    const file = join(dir, 'policy.json');
    await writeFile(file, JSON.stringify({ serviceUrl: 'https://index.example.gov.uk', trainingMode: false, kiosk: true, idleMinutes: 3 }));
    expect(await loadPolicyFile(file)).toMatchObject({ serviceUrl: 'https://index.example.gov.uk', trainingMode: false, idleMinutes: 3 });
  });

  it.each([
    [{ serviceUrl: 'http://index.example.gov.uk' }, /serviceUrl: must use https:\/\//],
    [{ serviceUrl: 'http://10.0.0.5:8443' }, /serviceUrl: must use https:\/\//],
    [{ trainingMode: false }, /serviceUrl: is required unless trainingMode is true/],
    [{ idleMinutes: 0 }, /idleMinutes/],
    [{ idleMinutes: '5' }, /idleMinutes/],
    [{ kiosk: 'no' }, /kiosk/],
    [{ allowDevTools: true }, /unexpected field "allowDevTools"/],
  ])('refuses %j with a message naming the problem', (raw, message) => {
    expect(() => parsePolicy(raw, 'test.json')).toThrow(PolicyError);
    expect(() => parsePolicy(raw, 'test.json')).toThrow(message);
  });

  it('allows plain http only to this computer', () => {
    for (const url of ['http://127.0.0.1:8443', 'http://localhost:8443', 'http://[::1]:8443']) {
      expect(parsePolicy({ serviceUrl: url }, 't').serviceUrl).toBe(url);
    }
  });

  it('names a file that is not JSON, without quoting it', async () => {
    const file = join(dir, 'broken.json');
    await writeFile(file, '{"serviceUrl": "https://x", password: hunter2');
    const err = await loadPolicyFile(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PolicyError);
    expect((err as Error).message).toBe(`The machine policy ${file} is not valid JSON.`);
    expect((err as Error).message).not.toContain('hunter2');
  });
});
