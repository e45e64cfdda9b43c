// Reading a file as a whole: found or not, a file or not, in batches, reporting
// progress, stopping when aborted, and through to the last row of a large file.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { previewSource, readSource } from '../../../../main/adapter/source/index.js';
import { csv, failure, readAll, tempFolder } from '../../../support/source-files.js';

const files = tempFolder('reading');

function table(rows: number): string {
  let text = 'id,family,given,dob\n';
  for (let i = 1; i <= rows; i++) text += `${i},Okafor,Ada,2015-03-04\n`;
  return text;
}

describe('the file', () => {
  it('is not found', async () => {
    const e = await failure(files.path('missing.csv'));
    expect([e.code, e.row]).toEqual(['not-found', 0]);
    expect(e.message).toMatch(/not found/);
  });

  it('is a folder', async () => {
    const folder = files.path('a-folder.csv');
    mkdirSync(folder);
    const e = await failure(folder);
    expect(e.code).toBe('unreadable');
    expect(e.message).toMatch(/folder/);
  });

  it('is a named pipe: refused, not waited on', async (ctx) => {
    if (process.platform === 'win32')
      return ctx.skip('Windows has no mkfifo: its named pipes live in their own namespace, not in folders');
    const fifo = files.path('pipe.csv');
    execFileSync('mkfifo', [fifo]);
    const e = await failure(fifo);
    expect(e.code).toBe('unreadable');
    expect(e.message).toMatch(/not an ordinary file/);
  });

  it('cannot be read for want of permission', async (ctx) => {
    // Root reads any file: source-permission.test.ts covers the refusal with a stand-in for fs.open.
    if (process.getuid?.() === 0)
      return ctx.skip('running as root, every file is readable (source-permission.test.ts covers the refusal)');
    const path = files.file('locked.csv', 'a\n1\n');
    chmodSync(path, 0o000);
    const e = await failure(path);
    expect(e.code).toBe('unreadable');
    expect(e.message).toMatch(/permission/);
  });

  it('is empty: no bytes, only a byte-order mark, or only blank lines', async () => {
    for (const content of ['', '\ufeff', '\n\r\n\n', '\ufeff\n\n']) {
      const e = await failure(files.file('empty.csv', content));
      expect([e.code, e.row]).toEqual(['empty', 0]);
    }
  });
});

describe('batches, progress and aborting', () => {
  const path = files.file('2500.csv', table(2500));

  it('yields rows in batches of the size asked, 1,000 by default', async () => {
    const sizes = async (batch?: number) => {
      const seen: number[] = [];
      for await (const rows of readSource(path, csv, batch === undefined ? {} : { batch })) seen.push(rows.length);
      return seen;
    };
    expect(await sizes()).toEqual([1000, 1000, 500]);
    expect(await sizes(700)).toEqual([700, 700, 700, 400]);
    expect(await sizes(2500)).toEqual([2500]);
  });

  it('reports progress up to the size of the file', async () => {
    const size = statSync(path).size;
    const seen: [number, number][] = [];
    await readAll(path, csv, { onProgress: (read, total) => seen.push([read, total]) });
    expect(seen.at(-1)).toEqual([size, size]);
    expect(
      seen.every(([read, total], i) => total === size && read <= size && (i === 0 || read >= seen[i - 1]![0])),
    ).toBe(true);
  });

  it('stops when aborted, the generator returning', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    for await (const rows of readSource(path, csv, { signal: controller.signal })) {
      seen.push(rows.length);
      controller.abort();
    }
    expect(seen).toEqual([1000]);
    // Aborted before it starts: nothing at all.
    expect(await readAll(path, csv, { signal: AbortSignal.abort() })).toEqual([]);
  });

  it('previews the first rows only', async () => {
    const preview = await previewSource(path, csv, 5);
    expect(preview.columns).toEqual(['id', 'family', 'given', 'dob']);
    expect(preview.rows.map((r) => r.row)).toEqual([2, 3, 4, 5, 6]);
    expect((await previewSource(path, csv)).rows).toHaveLength(100);
  });

  it('delivers every row read before a fatal error, then the error', async () => {
    const e = await failure(files.file('late-error.csv', table(2500) + '2501,"Patel,Ravi,2015-03-04\n'));
    expect(e.code).toBe('unclosed-quote');
    expect(e.row).toBe(2502);
    expect(e.before).toHaveLength(2500);
  });
});

describe('a large file', () => {
  it('reads 200,000 rows to the last, with the right count and row numbers', async () => {
    const path = files.file('200k.csv', table(200_000));
    const started = performance.now();
    let count = 0;
    let last = null as unknown;
    for await (const rows of readSource(path, csv)) {
      count += rows.length;
      last = rows.at(-1);
    }
    expect(count).toBe(200_000);
    expect(last).toEqual({ row: 200_001, fields: { id: '200000', family: 'Okafor', given: 'Ada', dob: '2015-03-04' } });
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('options', () => {
  it('refuses a batch or maxField that is not a whole number of at least 1, when read rather than when called', async () => {
    const path = files.file('options.csv', table(3));
    for (const options of [{ batch: 0 }, { batch: Number.NaN }, { maxField: -1 }, { maxField: 1.5 }]) {
      const reading = readSource(path, csv, options);
      await expect(reading.next()).rejects.toThrow(RangeError);
    }
  });
});
