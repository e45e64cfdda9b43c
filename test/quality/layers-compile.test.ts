// The compiler guards the layers, not only lint: each layer's TypeScript project
// (domain/, renderer/, main/ … tsconfig.json) gives it only the globals it may use. This
// proves it by compiling a one-line probe under each layer's own settings and ambient
// declarations: Node's `process` in the renderer and the DOM's `document` in the domain
// must fail to compile, while the same lines compile where they belong (so the test would
// notice a probe that fails for some other reason).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'cp-layers-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The layer's ambient declarations (its *.d.ts files), which may add globals. */
function ambientFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.d.ts'))
    .map((f) => join(root, dir, f));
}

/** Compiles `source` as a file of `layer` (its tsconfig, its ambient files); returns tsc's errors. */
function compileIn(layer: string, source: string): string[] {
  const dir = mkdtempSync(join(work, `${layer}-`));
  const probe = join(dir, 'probe.ts');
  writeFileSync(probe, `${source}\nexport {};\n`);
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: join(root, layer, 'tsconfig.json'),
      compilerOptions: {
        typeRoots: [join(root, 'node_modules/@types')],
        composite: false,
        noEmit: true,
        emitDeclarationOnly: false,
        declaration: false,
        tsBuildInfoFile: null,
        rootDir: null,
        outDir: null,
      },
      files: [probe, ...ambientFiles(layer)],
      references: [],
    }),
  );
  const r = spawnSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(dir, 'tsconfig.json')], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.error) throw r.error;
  return `${r.stdout}${r.stderr}`
    .split('\n')
    .filter((l) => l.includes('error TS'))
    .map((l) => (l.includes('probe.ts(') ? l.slice(l.indexOf('probe.ts(')) : l));
}

describe('the compiler keeps each layer to its own globals', () => {
  // One probe per layer: the lines that must fail and the lines that must compile, so
  // each layer is compiled once and a probe that fails for another reason shows up.
  it("the renderer has the DOM and not Node's process, Buffer or require", () => {
    const errors = compileIn(
      'renderer',
      'const t: string = document.title;\nconst h: string = window.location.href;\n' +
        "const a = process.env['HOME'];\nconst b = Buffer.from('x');\nconst c = require('node:fs');\nvoid [t, h, a, b, c];",
    );
    expect(errors).toHaveLength(3);
    expect(errors.join('\n')).toMatch(/probe\.ts\(3,11\).*Cannot find name 'process'/);
    expect(errors.join('\n')).toMatch(/probe\.ts\(4,11\).*Cannot find name 'Buffer'/);
    expect(errors.join('\n')).toMatch(/probe\.ts\(5,11\).*Cannot find name 'require'/);
  }, 120_000);

  it('the domain has the globals every runtime has, and neither the DOM nor Node', () => {
    const errors = compileIn(
      'domain',
      "const t: number = performance.now();\nconst u: string = new URL('https://example.org/').host;\nsetTimeout(() => undefined, 0);\n" +
        'const a = document.title;\nconst b = window.name;\nconst c = process.pid;\nvoid [t, u, a, b, c];',
    );
    expect(errors).toHaveLength(3);
    expect(errors.join('\n')).toMatch(/probe\.ts\(4,11\).*Cannot find name 'document'/);
    expect(errors.join('\n')).toMatch(/probe\.ts\(5,11\).*Cannot find name 'window'/);
    expect(errors.join('\n')).toMatch(/probe\.ts\(6,11\).*Cannot find name 'process'/);
  }, 120_000);

  it.each(['main', 'service', 'scripts'])(
    '%s has Node and not the DOM',
    (layer) => {
      const errors = compileIn(layer, 'const a: number = process.pid;\nconst b = document.title;\nvoid [a, b];');
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/probe\.ts\(2,11\).*Cannot find name 'document'/);
    },
    120_000,
  );
});
