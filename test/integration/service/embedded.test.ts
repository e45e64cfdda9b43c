// The training service as the desktop runs it: in a worker thread, from the bundle the
// build makes for Electron (dist/main/service-worker.cjs, plain CommonJS, no tsx).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EmbeddedServiceError, startEmbeddedService } from '../../../service/index.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'cp-embedded-'));
  dirs.push(d);
  return d;
};

describe('the embedded training service', () => {
  it('starts from the built worker bundle, reports loading progress, serves, and keeps its store across restarts', async () => {
    const dataDir = join(tempDir(), 'store');
    const progress: number[] = [];
    const first = await startEmbeddedService({
      workerFile: resolve('dist/main/service-worker.cjs'),
      dataDir,
      trainingCount: 300,
      onProgress: (p) => progress.push(p.loaded),
    });
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(progress.at(-1)).toBe(300);
    const status = await fetch(`${first.url}/v1/status`);
    expect(await status.json()).toMatchObject({ trainingMode: true });
    await first.close();
    await expect(fetch(`${first.url}/v1/status`)).rejects.toThrow();

    const loadedAgain: number[] = [];
    const second = await startEmbeddedService({
      workerFile: resolve('dist/main/service-worker.cjs'),
      dataDir,
      onProgress: (p) => loadedAgain.push(p.loaded),
    });
    expect(loadedAgain).toEqual([]);
    expect((await fetch(`${second.url}/v1/status`)).status).toBe(200);
    await second.close();
  }, 60_000);

  it('fails with a clear error when its store cannot be opened', async () => {
    const file = join(tempDir(), 'not-a-directory');
    writeFileSync(file, 'x');
    const started = startEmbeddedService({ workerFile: resolve('dist/main/service-worker.cjs'), dataDir: file });
    await expect(started).rejects.toBeInstanceOf(EmbeddedServiceError);
    await expect(started).rejects.toThrow(/could not start: .*not-a-directory/);
  }, 60_000);
});
