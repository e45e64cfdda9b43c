// The main process's log on disk: a small file in the profile's logs/ folder, rotated by
// size so it never grows without bound. What reaches it is what main logs (the `log`
// composition-root.ts hands every part): channel names, error classes, counts and
// reasons, never a message, a name or a PIN. Each line is one line: control characters
// in it cannot forge another.
import { appendFileSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface LogFileOptions {
  /** The folder: <profile>/logs in the application. */
  dir: string;
  /** Rotate when the current file would pass this size (default 1 MiB). */
  maxBytes?: number;
  /** How many rotated files to keep besides the current one (default 3). */
  keep?: number;
  now?: () => Date;
  /** Where a failure to write is reported, once (default stderr). */
  onWriteError?: (message: string) => void;
}

export interface LogFile {
  /** The current file: <dir>/main.log (older ones: main.1.log, main.2.log, ...). */
  path: string;
  write(line: string): void;
}

const maxLineLength = 2_000;

export function createLogFile(options: LogFileOptions): LogFile {
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  const keep = options.keep ?? 3;
  const now = options.now ?? (() => new Date());
  const onWriteError = options.onWriteError ?? ((message: string) => process.stderr.write(`${message}\n`));
  const path = join(options.dir, 'main.log');
  const rotated = (n: number) => join(options.dir, `main.${n}.log`);
  let size: number | undefined;
  let reported = false;

  function rotate(): void {
    rmSync(rotated(keep), { force: true });
    for (let n = keep - 1; n >= 1; n--) {
      try {
        renameSync(rotated(n), rotated(n + 1));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
    if (keep >= 1) renameSync(path, rotated(1));
    else rmSync(path, { force: true });
    size = 0;
  }

  return {
    path,
    write(line) {
      // eslint-disable-next-line no-control-regex -- control characters are exactly what it removes
      const clean = line.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, ' ').slice(0, maxLineLength);
      const text = `${now().toISOString()} ${clean}\n`;
      try {
        if (size === undefined) {
          // Only the user can read it (the profile folder is theirs anyway).
          mkdirSync(options.dir, { recursive: true, mode: 0o700 });
          try {
            size = statSync(path).size;
          } catch {
            size = 0;
          }
        }
        if (size > 0 && size + Buffer.byteLength(text) > maxBytes) rotate();
        appendFileSync(path, text, { mode: 0o600 });
        size += Buffer.byteLength(text);
      } catch (e) {
        // A full disk must not stop the application; say so once, by code only.
        size = undefined;
        if (!reported) onWriteError(`log file: cannot write (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
        reported = true;
      }
    },
  };
}
