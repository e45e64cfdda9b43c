// Switches that open the application to a debugger: Chromium's remote debugging (a
// port or a pipe that drives the window), Node's inspector (the main process, which
// holds the session key), and V8 flags. A packaged build refuses to start with any of
// them: with one, another program on the PC could read every record on screen and make
// signed calls as the user. The inspect fuse (electron-builder.yml) already makes
// Electron ignore Node's inspector switches; this refuses the Chromium ones too, and
// says so rather than starting quietly without them. Pure, so it is tested in Node;
// main/electron/main.ts calls it before anything else.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Switch names (without their dashes, lower case) that a packaged build refuses. */
const refused = new Set([
  'remote-debugging-port',
  'remote-debugging-pipe',
  'inspect',
  'inspect-brk',
  'inspect-port',
  'inspect-wait',
  'inspect-brk-node',
  'debug-port',
  'js-flags',
]);

/**
 * The refused switches in `argv` (as `--name`, each once, in order), or none when the
 * build is not packaged (a developer's `npm start`). Chromium takes a switch after "--"
 * or "-", and on Windows "/" too, and matches names there whatever their case: all are
 * caught. A switch anywhere in argv counts, even after a bare "--": the application
 * takes no other arguments, so refusing is never wrong.
 */
export function refusedDebugSwitches(
  argv: readonly string[],
  isPackaged: boolean,
  platform: NodeJS.Platform = process.platform,
): string[] {
  if (!isPackaged) return [];
  const prefix = platform === 'win32' ? /^(?:--|-|\/)/ : /^(?:--|-)/;
  const found: string[] = [];
  // argv[0] is the executable itself.
  for (const arg of argv.slice(1)) {
    const dashes = prefix.exec(arg);
    if (!dashes) continue;
    const name = arg.slice(dashes[0].length).split('=')[0]!.toLowerCase();
    if (refused.has(name) && !found.includes(`--${name}`)) found.push(`--${name}`);
  }
  return found;
}

/** What to tell the person who started it: which switches, why, and what to do. */
export function debugSwitchRefusal(names: readonly string[]): string {
  return (
    `ContactPoint will not start with ${names.join(', ')}: debugging switches would let another program ` +
    'read and control it. Start it without them, or tell your IT service desk if a shortcut adds them.'
  );
}

/**
 * Whether the packaged application at `appPath` is the test build: its package.json
 * carries `contactpointTestBuild: true` (electron-builder.test.yml's extraMetadata). A
 * missing or unreadable file, or any other value, is a release.
 */
export function isTestBuild(appPath: string): boolean {
  try {
    const meta = JSON.parse(readFileSync(join(appPath, 'package.json'), 'utf8')) as { contactpointTestBuild?: unknown };
    return meta.contactpointTestBuild === true;
  } catch {
    return false;
  }
}
