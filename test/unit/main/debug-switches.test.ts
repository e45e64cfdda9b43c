// A packaged ContactPoint refuses to start with switches that open it to a debugger
// (Chromium's remote debugging, Node's inspector, V8 flags): with them another program
// could read every record on screen and drive the signed session. The decision is a
// pure function of argv and app.isPackaged, tested here in Node (Electron cannot run
// on every test machine); main.ts calls it before anything else.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { debugSwitchRefusal, refusedDebugSwitches } from '../../../main/debug-switches.js';

const exe = '/opt/ContactPoint/contactpoint';

describe('refusedDebugSwitches', () => {
  it.each([
    ['--remote-debugging-port=9222', '--remote-debugging-port'],
    ['--remote-debugging-port', '--remote-debugging-port'],
    ['--remote-debugging-pipe', '--remote-debugging-pipe'],
    ['--inspect', '--inspect'],
    ['--inspect=0.0.0.0:9229', '--inspect'],
    ['--inspect-brk', '--inspect-brk'],
    ['--inspect-brk=9229', '--inspect-brk'],
    ['--inspect-port=9229', '--inspect-port'],
    ['--inspect-brk-node', '--inspect-brk-node'],
    ['--js-flags=--allow-natives-syntax', '--js-flags'],
    // Chromium takes a switch after one dash as well as two, and names are matched whatever their case.
    ['-remote-debugging-port=9222', '--remote-debugging-port'],
    ['--Remote-Debugging-Port=9222', '--remote-debugging-port'],
  ])('refuses %s in a packaged build', (arg, name) => {
    expect(refusedDebugSwitches([exe, '--no-sandbox', arg], true)).toEqual([name]);
  });

  it('lists each refused switch once, in the order given', () => {
    expect(refusedDebugSwitches([exe, '--inspect=9229', '--js-flags=--expose-gc', '--inspect'], true)).toEqual([
      '--inspect',
      '--js-flags',
    ]);
  });

  it('on Windows also takes a switch written with a slash, as Chromium does there', () => {
    expect(
      refusedDebugSwitches(
        ['C:\\Program Files\\ContactPoint\\ContactPoint.exe', '/remote-debugging-port=9222'],
        true,
        'win32',
      ),
    ).toEqual(['--remote-debugging-port']);
    expect(refusedDebugSwitches([exe, '/remote-debugging-port=9222'], true, 'linux')).toEqual([]);
  });

  it('lets ordinary switches through, and anything in an unpackaged (developer) build', () => {
    expect(
      refusedDebugSwitches([exe, '--no-sandbox', '--user-data-dir=/tmp/p', '--dev', '--inspector-x'], true),
    ).toEqual([]);
    expect(refusedDebugSwitches([exe, '--inspect', '--remote-debugging-port=9222'], false)).toEqual([]);
  });

  it('says what was refused and why, in a message for the person who started it', () => {
    const message = debugSwitchRefusal(['--inspect', '--remote-debugging-port']);
    expect(message).toContain('--inspect');
    expect(message).toContain('--remote-debugging-port');
    expect(message).toMatch(/debug/i);
  });
});

describe('main/electron/main.ts', () => {
  it('checks the switches before it does anything else', () => {
    const source = readFileSync('main/electron/main.ts', 'utf8');
    const statements = source
      .split('\n')
      .filter(
        (l) =>
          l.trim() !== '' && !l.startsWith('//') && !l.startsWith('import ') && !/^\s/.test(l) && !l.startsWith('}'),
      );
    expect(statements[0]).toMatch(
      /refusedDebugSwitches\(process\.argv, app\.isPackaged && !isTestBuild\(app\.getAppPath\(\)\)\)/,
    );
  });
});

describe('the packaged test build', () => {
  it('is recognised only by its package.json flag; a release, a missing file or another value is not', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { isTestBuild } = await import('../../../main/debug-switches.js');
    const dir = mkdtempSync(join(tmpdir(), 'cp-testbuild-'));
    try {
      expect(isTestBuild(dir)).toBe(false);
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'contactpoint-desktop' }));
      expect(isTestBuild(dir)).toBe(false);
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ contactpointTestBuild: 'true' }));
      expect(isTestBuild(dir)).toBe(false);
      writeFileSync(join(dir, 'package.json'), '{not json');
      expect(isTestBuild(dir)).toBe(false);
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ contactpointTestBuild: true }));
      expect(isTestBuild(dir)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
