import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy, loadScriptHashes, RendererBuildError } from '../../../main/csp.js';
import { createRendererFiles, type RendererFiles } from '../../../main/renderer-files.js';

describe('serving the renderer', () => {
  let root: string;
  let outside: string;
  let files: RendererFiles;
  const hash = `sha384-${'A'.repeat(64)}`;
  beforeAll(async () => {
    outside = await mkdtemp(join(tmpdir(), 'cp-files-'));
    root = join(outside, 'renderer');
    await mkdir(join(root, 'assets'), { recursive: true });
    await writeFile(join(root, 'index.html'), '<!doctype html><title>t</title>');
    await writeFile(join(root, 'assets', 'app.js'), 'console.log(1)');
    await writeFile(join(outside, 'secret.txt'), 'key material');
    await writeFile(join(root, 'csp.json'), JSON.stringify({ scriptHashes: [hash] }));
    files = createRendererFiles(root);
  });
  afterAll(async () => {
    await rm(outside, { recursive: true, force: true });
  });

  it('serves index.html for / with the strict CSP', async () => {
    const r = await files.read('app://contactpoint/');
    expect(r.status).toBe(200);
    expect(r.headers['Content-Type']).toBe('text/html; charset=utf-8');
    expect(r.headers['Content-Security-Policy']).toBe(contentSecurityPolicy([hash], 'header'));
    expect(r.headers['Content-Security-Policy']).toContain(`script-src '${hash}';`);
    expect(r.headers['Content-Security-Policy']).not.toMatch(/unsafe-(inline|eval)|'self' *'sha|script-src 'self'/);
  });

  it('serves assets with their content type', async () => {
    const r = await files.read('app://contactpoint/assets/app.js');
    expect([r.status, r.headers['Content-Type'], r.body.toString()]).toEqual([
      200,
      'text/javascript; charset=utf-8',
      'console.log(1)',
    ]);
  });

  it.each([
    'app://contactpoint/../secret.txt',
    'app://contactpoint/%2e%2e/secret.txt',
    'app://contactpoint/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    'app://contactpoint/assets/..%5c..%5csecret.txt',
    'app://contactpoint/index.html%00.js',
    'app://contactpoint/missing.js',
    'app://contactpoint/%E0%A4%A',
  ])('never serves anything outside the build (%s)', async (url) => {
    const r = await files.read(url);
    expect(r.status).toBe(404);
    expect(r.body.toString()).not.toContain('key material');
  });

  it('refuses to serve a build without its script hashes, saying what to do', async () => {
    await writeFile(join(root, 'csp.json'), '{"scriptHashes": ["sha256-short"]}');
    expect(() => createRendererFiles(root)).toThrow(/does not hold script hashes: run "npm run build"/);
    expect(() => createRendererFiles(root)).toThrow(RendererBuildError);
    expect(() => loadScriptHashes(join(outside, 'nowhere'))).toThrow(/incomplete \(no csp.json\): run "npm run build"/);
    expect(() => contentSecurityPolicy([], 'header')).toThrow(/hashes/);
    await writeFile(join(root, 'csp.json'), JSON.stringify({ scriptHashes: [hash] }));
  });
});
