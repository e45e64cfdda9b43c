// electron-builder.yml (and the test build beside it) as electron-builder itself reads
// them: its own loader (extends merged) and its own validator, the JSON schema it
// refuses a build with. Then the settings security and deployment depend on: a
// per-machine MSI with a fixed upgrade code, no auto-update, asar with native modules
// unpacked (by electron-builder's own matcher), and the fuses, flipped through the same
// code path electron-builder takes. No installer is built here: that needs the Electron
// runtime and, for the MSI, Windows.
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { electronBinary, electronVersion } from '../../../scripts/electron-binary.mjs';

const require = createRequire(import.meta.url);
type Config = Record<string, unknown> & {
  publish?: unknown;
  electronFuses?: Record<string, boolean>;
  msi?: Record<string, unknown>;
  win?: { target?: unknown };
  linux?: { target?: unknown };
  asarUnpack?: string[];
};
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  getConfig(projectDir: string, configPath: string | null, fromOptions: null): Promise<Config>;
  validateConfiguration(config: Config, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
const { getFileMatchers } = require('app-builder-lib/out/fileMatcher') as {
  getFileMatchers(
    config: Config,
    name: string,
    destination: string,
    options: {
      macroExpander: (s: string) => string;
      customBuildOptions: object;
      globalOutDir: string;
      defaultSrc: string;
    },
  ): { createFilter(): (file: string, stat: ReturnType<typeof statSync>) => boolean }[] | null;
};
const { PlatformPackager } = require('app-builder-lib') as {
  PlatformPackager: {
    prototype: { generateFuseConfig(fuses: Record<string, boolean>): Promise<Record<string, unknown>> };
  };
};
const fuses = require('@electron/fuses') as {
  flipFuses(binary: string, config: Record<string, unknown>): Promise<number>;
  getCurrentFuseWire(binary: string): Promise<Record<string, unknown>>;
  FuseV1Options: Record<string, number>;
};

/** Documented in docs/admin-guide.md: changing it would make a new MSI install beside the old one. */
const documentedUpgradeCode = '48F16D4A-DD2C-4A35-9593-C7B8F8FB7AF4';
const projectDir = resolve('.');
const load = (file: string) => getConfig(projectDir, file, null);
const validate = (config: Config) => validateConfiguration(config, new DebugLogger(false));

const scratch = mkdtempSync(join(tmpdir(), 'cp-builder-config-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("electron-builder's own validation", () => {
  it.each(['electron-builder.yml', 'electron-builder.test.yml'])('accepts %s', async (file) => {
    await expect(validate(await load(file))).resolves.toBeUndefined();
  });

  it.each([
    [
      'a misspelt MSI option',
      (y: string) => y.replace('  perMachine: true', '  perMachin: true'),
      /configuration\.msi should be/,
    ],
    ['an unknown top-level key', (y: string) => `${y}autoUpdate: true\n`, /autoUpdate/],
    [
      'a fuse that does not exist',
      (y: string) => y.replace('  runAsNode: false', '  runAsNodeFuse: false'),
      /configuration\.electronFuses should be/,
    ],
    ['a value of the wrong type', (y: string) => y.replace('asar: true', 'asar: maybe'), /asar/],
  ])('refuses a copy with %s', async (_what, spoil, named) => {
    const dir = mkdtempSync(join(scratch, 'broken-'));
    copyFileSync('package.json', join(dir, 'package.json'));
    writeFileSync(join(dir, 'electron-builder.yml'), spoil(readFileSync('electron-builder.yml', 'utf8')));
    const config = await getConfig(dir, 'electron-builder.yml', null);
    await expect(validate(config)).rejects.toThrow(named);
  });
});

describe('the installers', () => {
  it('Windows: a per-machine MSI (x64) with the documented, fixed upgrade code, that does not start itself after a silent install', async () => {
    const config = await load('electron-builder.yml');
    expect(config.win?.target).toEqual([{ target: 'msi', arch: ['x64'] }]);
    expect(config.msi).toMatchObject({ perMachine: true, runAfterFinish: false, upgradeCode: documentedUpgradeCode });
    expect(readFileSync('docs/admin-guide.md', 'utf8')).toContain(documentedUpgradeCode);
  });

  it('Linux: deb and AppImage', async () => {
    expect((await load('electron-builder.yml')).linux?.target).toEqual(['deb', 'AppImage']);
  });

  it('no auto-update: no publish provider anywhere, and electron-updater is neither a dependency nor imported', async () => {
    const config = await load('electron-builder.yml');
    expect(config.publish).toBeNull();
    for (const section of ['win', 'msi', 'linux', 'deb', 'appImage'] as const) {
      expect((config[section] as Record<string, unknown> | undefined)?.publish).toBeUndefined();
    }
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as Record<string, Record<string, string>>;
    expect(Object.keys({ ...pkg.dependencies, ...pkg.devDependencies, ...pkg.optionalDependencies })).not.toContain(
      'electron-updater',
    );
    const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, unknown> };
    expect(Object.keys(lock.packages).filter((p) => p.endsWith('node_modules/electron-updater'))).toEqual([]);
    const sources = ['main', 'preload', 'service'].flatMap((dir) =>
      readdirSync(dir, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.ts'))
        .map((f) => join(dir, f)),
    );
    expect(sources.length).toBeGreaterThan(50);
    expect(sources.filter((f) => readFileSync(f, 'utf8').includes('electron-updater'))).toEqual([]);
  });

  it('the packaged app is named ContactPoint, which names its profile folder (%APPDATA%\\ContactPoint)', async () => {
    const config = await load('electron-builder.yml');
    expect(config.productName).toBe('ContactPoint');
    expect(config.extraMetadata).toEqual({ productName: 'ContactPoint' });
  });
});

describe('asar and the native modules', () => {
  const nativePackages = ['better-sqlite3-multiple-ciphers', 'pkcs11js', '@napi-rs/keyring'];

  it("packs the app into asar and rebuilds native modules for Electron's ABI before packaging, from prebuilt binaries", async () => {
    const config = await load('electron-builder.yml');
    expect(config).toMatchObject({ asar: true, npmRebuild: true, buildDependenciesFromSource: false });
    // electron-builder packs production dependencies only: the native modules must be ones.
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(pkg.dependencies)).toEqual(expect.arrayContaining(nativePackages));
  });

  it("unpacks every native module's .node file and PGlite's files from asar, and nothing of the app's own code", async () => {
    const config = await load('electron-builder.yml');
    const [matcher] = getFileMatchers(config, 'asarUnpack', join(scratch, 'app'), {
      macroExpander: (s) => s,
      customBuildOptions: {},
      globalOutDir: join(projectDir, 'release'),
      defaultSrc: projectDir,
    })!;
    const unpacked = matcher!.createFilter();
    // The matcher asks the stat only whether a path is a directory: these are all files.
    const fileStat = statSync('package.json');
    const check = (file: string) => unpacked(join(projectDir, file), fileStat);
    // Each native package as installed here, with its platform's prebuilt package (@napi-rs/keyring-linux-x64-gnu).
    const dirs = readdirSync('node_modules/@napi-rs').map((d) => `node_modules/@napi-rs/${d}`);
    const nodeFiles = ['node_modules/better-sqlite3-multiple-ciphers', 'node_modules/pkcs11js', ...dirs].flatMap(
      (dir) =>
        readdirSync(dir, { recursive: true, encoding: 'utf8' })
          .filter((f) => f.endsWith('.node'))
          .map((f) => `${dir}/${f}`),
    );
    expect(nodeFiles.some((f) => f.includes('better_sqlite3.node'))).toBe(true);
    expect(nodeFiles.some((f) => f.includes('pkcs11.node'))).toBe(true);
    expect(nodeFiles.some((f) => f.includes('keyring.'))).toBe(true);
    expect(nodeFiles.filter((f) => !check(f))).toEqual([]);
    expect(check('node_modules/@electric-sql/pglite/dist/pglite.wasm')).toBe(true);
    // The app's code stays inside the archive, under its integrity check.
    for (const own of ['dist/main/main.cjs', 'dist/main/pkcs11-worker.cjs', 'dist/preload/preload.cjs', 'package.json'])
      expect(check(own)).toBe(false);
  });
});

describe('Electron fuses', () => {
  const expected = {
    runAsNode: false,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    enableCookieEncryption: true,
    grantFileProtocolExtraPrivileges: false,
    loadBrowserProcessSpecificV8Snapshot: false,
  };

  it('are set exactly: RunAsNode, NODE_OPTIONS and inspect arguments off; asar integrity, asar only and cookie encryption on; file:// privileges off', async () => {
    expect((await load('electron-builder.yml')).electronFuses).toEqual(expected);
  });

  it('the test build differs from the release only in keeping the inspect arguments (for Playwright), saying it is a test build, and in its output folder', async () => {
    const release = await load('electron-builder.yml');
    const test = await load('electron-builder.test.yml');
    expect(test.electronFuses).toEqual({ ...expected, enableNodeCliInspectArguments: true });
    const { electronFuses: _a, directories: releaseDirs, extraMetadata: releaseMeta, ...releaseRest } = release;
    const { electronFuses: _b, directories: testDirs, extends: parent, extraMetadata: testMeta, ...testRest } = test;
    expect(parent).toBe('./electron-builder.yml');
    // The flag that lets main.ts accept Playwright's debugging switches in this build only.
    expect(testMeta).toEqual({ ...(releaseMeta as object), contactpointTestBuild: true });
    expect(releaseMeta).not.toHaveProperty('contactpointTestBuild');
    expect(testRest).toEqual(releaseRest);
    expect(testDirs).toEqual({ ...(releaseDirs as object), output: 'release-test' });
  });

  it("flip an Electron fuse wire to exactly these states through electron-builder's own fuse code", async () => {
    // A stand-in binary with Electron's sentinel and a V1 wire of 8 fuses in Electron's
    // default states; the real one is flipped the same way at package time.
    const sentinel = Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX');
    const defaults = '10110001'; // RunAsNode on, cookie encryption off, NODE_OPTIONS on, inspect on, ... file:// privileges on
    const binary = join(scratch, 'electron');
    writeFileSync(
      binary,
      Buffer.concat([
        Buffer.alloc(64, 7),
        sentinel,
        Buffer.from([1, defaults.length]),
        Buffer.from(defaults),
        Buffer.alloc(64, 7),
      ]),
    );
    const config = await PlatformPackager.prototype.generateFuseConfig.call(
      null,
      (await load('electron-builder.yml')).electronFuses!,
    );
    await fuses.flipFuses(binary, config);
    const wire = await fuses.getCurrentFuseWire(binary);
    const O = fuses.FuseV1Options;
    const on = 49;
    const off = 48;
    expect(wire).toMatchObject({
      [O.RunAsNode!]: off,
      [O.EnableCookieEncryption!]: on,
      [O.EnableNodeOptionsEnvironmentVariable!]: off,
      [O.EnableNodeCliInspectArguments!]: off,
      [O.EnableEmbeddedAsarIntegrityValidation!]: on,
      [O.OnlyLoadAppFromAsar!]: on,
      [O.LoadBrowserProcessSpecificV8Snapshot!]: off,
      [O.GrantFileProtocolExtraPrivileges!]: off,
    });
  });

  it('the installed Electron has a fuse wire long enough for every fuse set', async (ctx) => {
    const binary = electronBinary();
    if (!binary)
      return ctx.skip(`no Electron ${electronVersion()} runtime on this machine (it cannot be downloaded here)`);
    const wire = await fuses.getCurrentFuseWire(binary);
    const length = Object.keys(wire).filter((k) => k !== 'version').length;
    expect(wire.version).toBe('1');
    expect(length).toBeGreaterThanOrEqual(Object.keys(expected).length);
  });
});
