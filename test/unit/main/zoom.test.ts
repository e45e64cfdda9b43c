// The kiosk's zoom (main/zoom.ts): which key presses zoom, Chromium's steps, the policy's
// default, and the user's choice kept in their profile across starts, on real files.
// Electron's window (setZoomFactor, before-input-event) cannot run here: no Electron
// binary can be downloaded on this machine, so main/electron/main.ts's few lines of
// wiring are not exercised; everything they call is.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createZoomStore, nextZoom, zoomCommand, type KeyInput } from '../../../main/zoom.js';

const key = (k: string, extra: Partial<KeyInput> = {}): KeyInput => ({
  type: 'keyDown',
  key: k,
  control: true,
  meta: false,
  alt: false,
  ...extra,
});

describe('zoom keys', () => {
  it.each([
    [key('+'), 'in'],
    [key('='), 'in'],
    [key('+', { code: 'NumpadAdd' }), 'in'],
    [key('-'), 'out'],
    [key('-', { code: 'NumpadSubtract' }), 'out'],
    [key('0'), 'reset'],
    [key('Insert', { code: 'Numpad0' }), 'reset'],
    [key('=', { control: false, meta: true }), 'in'],
  ])('%j zooms %s', (input, command) => {
    expect(zoomCommand(input)).toBe(command);
  });

  it.each([
    [key('+', { control: false })],
    [key('+', { type: 'keyUp' })],
    [key('0', { alt: true })],
    [key('a')],
    [key('9')],
  ])('%j does not zoom', (input) => {
    expect(zoomCommand(input)).toBeNull();
  });
});

describe('zoom steps', () => {
  it("goes up and down Chromium's steps and stops at 50% and 300%", () => {
    expect(nextZoom(100, 'in', 100)).toBe(110);
    expect(nextZoom(175, 'in', 100)).toBe(200);
    expect(nextZoom(100, 'out', 100)).toBe(90);
    expect(nextZoom(300, 'in', 100)).toBe(300);
    expect(nextZoom(50, 'out', 100)).toBe(50);
    // From a policy default between steps, the next step either way.
    expect(nextZoom(120, 'in', 120)).toBe(125);
    expect(nextZoom(120, 'out', 120)).toBe(110);
    expect(nextZoom(250, 'reset', 120)).toBe(120);
  });
});

describe('the zoom kept in the profile', () => {
  const dirs: string[] = [];
  const profile = () => {
    const d = mkdtempSync(join(tmpdir(), 'cp-zoom-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("starts at the policy's default, keeps the user's choice across starts, and Ctrl 0 returns to the default", () => {
    const file = join(profile(), 'zoom.json');
    const first = createZoomStore({ file, policyDefault: 125 });
    expect(first.current()).toBe(125);
    expect(first.apply('in')).toBe(150);
    expect(first.apply('in')).toBe(175);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ zoomPercent: 175 });

    const next = createZoomStore({ file, policyDefault: 125 });
    expect(next.current()).toBe(175);
    expect(next.apply('reset')).toBe(125);
    expect(createZoomStore({ file, policyDefault: 125 }).current()).toBe(125);
  });

  it.each([['not json'], ['{"zoomPercent": 5000}'], ['{"zoomPercent": "200"}'], ['{"zoomPercent": 150.5}']])(
    'ignores a saved zoom of %s, says why in the log, and uses the policy default',
    (content) => {
      const file = join(profile(), 'zoom.json');
      writeFileSync(file, content);
      const lines: string[] = [];
      const store = createZoomStore({ file, policyDefault: 110, log: (l) => lines.push(l) });
      expect(store.current()).toBe(110);
      expect(lines.join('\n')).toMatch(/saved zoom .* is not a whole number from 50 to 300: the policy's 110% is used/);
      // The next choice replaces the bad file.
      expect(store.apply('in')).toBe(125);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ zoomPercent: 125 });
    },
  );

  it('a profile folder it cannot write keeps the zoom for this run and logs why', () => {
    const dir = profile();
    chmodSync(dir, 0o500);
    const lines: string[] = [];
    try {
      // Root ignores folder permissions: there, a file where the folder should be.
      const file = process.getuid?.() === 0 ? join(dir, 'blocked', 'zoom.json') : join(dir, 'zoom.json');
      if (process.getuid?.() === 0) {
        chmodSync(dir, 0o700);
        writeFileSync(join(dir, 'blocked'), 'a file, not a folder');
      }
      const store = createZoomStore({ file, policyDefault: 100, log: (l) => lines.push(l) });
      expect(store.apply('in')).toBe(110);
      expect(store.current()).toBe(110);
      expect(lines.join('\n')).toMatch(/zoom: the zoom could not be saved \((EACCES|ENOTDIR|EEXIST)\)/);
    } finally {
      chmodSync(dir, 0o700);
    }
  });
});
