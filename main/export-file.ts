// Writing an export or report, which holds personal data: into a new file beside the
// target, created exclusively with mode 0600, then renamed over the target. Writing
// into the target itself would keep the mode of a file that was already there (0644,
// readable by everyone on the machine), and a failure part-way would leave half a
// report where the old one was. Here a reader sees the old file or the whole new one,
// and a failure leaves the old file as it was and no temporary file behind.
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Bytes gathered before each write: a report of a million rows is not a million system calls. */
const bufferBytes = 64 * 1024;

/**
 * Replace `path` with what `produce` writes (UTF-8). The temporary file is in the same
 * directory, so the rename never crosses file systems; on Windows the rename fails if
 * another program (a spreadsheet) holds the target open, and the old file stays.
 */
export async function replaceFile(
  path: string,
  produce: (write: (chunk: string) => Promise<void>) => Promise<void>,
): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  // 'wx': never through a file or link someone else put at this name.
  const handle = await open(temporary, 'wx', 0o600);
  let renamed = false;
  try {
    // The mode asked of open() is narrowed by the umask, never widened: set it exactly.
    await handle.chmod(0o600);
    let pending: string[] = [];
    let pendingBytes = 0;
    const flush = async () => {
      if (pending.length === 0) return;
      const text = pending.join('');
      pending = [];
      pendingBytes = 0;
      await handle.write(text, null, 'utf8');
    };
    await produce(async (chunk) => {
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= bufferBytes) await flush();
    });
    await flush();
    await handle.sync();
    await handle.close();
    await rename(temporary, path);
    renamed = true;
  } finally {
    if (!renamed) {
      await handle.close().catch(() => undefined);
      await unlink(temporary).catch(() => undefined);
    }
  }
}

/** Replace `path` with `text`: replaceFile for content already in memory. */
export function replaceFileWith(path: string, text: string): Promise<void> {
  return replaceFile(path, (write) => write(text));
}
