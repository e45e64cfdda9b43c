// Zoom in the kiosk (WCAG 1.4.4, Resize Text): the kiosk has no menu, so main answers
// Ctrl and + / − / 0 itself (and Ctrl with the mouse wheel), in Chromium's own steps from
// 50% to 300%. The machine policy's zoomPercent is where each user starts and where
// Ctrl 0 returns; a user's own choice is kept in their profile (zoom.json in the
// application's user data folder, which is per user), so it follows them at the next start.
// Nothing here needs Electron: main/electron/main.ts feeds it the window's key presses.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Chromium's zoom steps, in per cent. */
export const zoomSteps: readonly number[] = [50, 67, 75, 80, 90, 100, 110, 125, 150, 175, 200, 250, 300];
export const minZoom = zoomSteps[0]!;
export const maxZoom = zoomSteps[zoomSteps.length - 1]!;

export type ZoomCommand = 'in' | 'out' | 'reset';

/** The parts of Electron's before-input-event `Input` this needs. */
export interface KeyInput {
  type: string;
  key: string;
  code?: string;
  control: boolean;
  meta: boolean;
  alt: boolean;
}

/**
 * What a key press asks of the zoom, or null. Ctrl (Cmd on a Mac) with + or = (with or
 * without Shift, so both UK keyboards' + work), −, or 0, on the main keys or the number
 * pad; Alt combinations are left alone.
 */
export function zoomCommand(input: KeyInput): ZoomCommand | null {
  if (input.type !== 'keyDown' || !(input.control || input.meta) || input.alt) return null;
  if (input.key === '+' || input.key === '=' || input.code === 'NumpadAdd') return 'in';
  if (input.key === '-' || input.key === '_' || input.code === 'NumpadSubtract') return 'out';
  if (input.key === '0' || input.code === 'Numpad0' || input.code === 'Digit0') return 'reset';
  return null;
}

/** The zoom after a command: the next step up or down (from wherever it is now), or the policy's default. */
export function nextZoom(current: number, command: ZoomCommand, policyDefault: number): number {
  if (command === 'reset') return policyDefault;
  if (command === 'in') return zoomSteps.find((s) => s > current) ?? maxZoom;
  return [...zoomSteps].reverse().find((s) => s < current) ?? minZoom;
}

export interface ZoomStore {
  /** The user's own zoom, or the policy's default when they have not chosen one. */
  current(): number;
  /** Apply a command; keeps the result in the profile and returns it. */
  apply(command: ZoomCommand): number;
}

/**
 * The user's zoom, kept in `file` (their profile). A file that cannot be read or holds
 * anything but a zoom within the limits is ignored (the policy's default is used and the
 * log says so); a save that fails keeps the zoom for this run and logs why.
 */
export function createZoomStore(options: {
  file: string;
  policyDefault: number;
  log?: (line: string) => void;
}): ZoomStore {
  const log = options.log ?? (() => undefined);
  let zoom = options.policyDefault;
  let raw: string | undefined;
  try {
    raw = readFileSync(options.file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
      log(`zoom: the saved zoom could not be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (raw !== undefined) {
    let saved: unknown;
    try {
      saved = (JSON.parse(raw) as { zoomPercent?: unknown }).zoomPercent;
    } catch {
      saved = undefined;
    }
    if (typeof saved === 'number' && Number.isInteger(saved) && saved >= minZoom && saved <= maxZoom) zoom = saved;
    else
      log(
        `zoom: the saved zoom in ${options.file} is not a whole number from ${minZoom} to ${maxZoom}: the policy's ${options.policyDefault}% is used`,
      );
  }
  return {
    current: () => zoom,
    apply(command) {
      zoom = nextZoom(zoom, command, options.policyDefault);
      try {
        mkdirSync(dirname(options.file), { recursive: true });
        // Written whole then renamed: a crash mid-write never leaves half a file.
        const temp = `${options.file}.tmp`;
        writeFileSync(temp, `${JSON.stringify({ zoomPercent: zoom })}\n`, { mode: 0o600 });
        renameSync(temp, options.file);
      } catch (e) {
        log(`zoom: the zoom could not be saved (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
      }
      return zoom;
    },
  };
}
