// The text in a file: UTF-8 with or without a byte-order mark, or Windows-1252 as council
// exports often are, told apart on their own or as the user says; and files that are not
// text at all (a workbook, a PDF, UTF-16) refused with a message that says what to do.
import { describe, expect, it } from 'vitest';
import { previewSource } from '../../../../main/adapter/source/index.js';
import { failure, readAll, tempFolder, windows1252 } from '../../../support/source-files.js';

const files = tempFolder('encoding');
const text = 'family,given,note\nO’Brien,Zoë,“£5 fee” – paid €3\nMüller,José,naïve\n';
const expected = [
  { row: 2, fields: { family: 'O’Brien', given: 'Zoë', note: '“£5 fee” – paid €3' } },
  { row: 3, fields: { family: 'Müller', given: 'José', note: 'naïve' } },
];

/** A CSV of `rows` plain data rows, with `bad` bytes put at the start of one of them. */
function bigFile(rows: number, badRow: number, bad: number[]): Buffer {
  const parts: Buffer[] = [Buffer.from('id,family,given\n')];
  for (let row = 2; row <= rows + 1; row++) {
    const line = Buffer.from(`${row},Okafor,Ada\n`);
    parts.push(
      row === badRow ? Buffer.concat([Buffer.from(`${row},`), Buffer.from(bad), Buffer.from('Okafor,Ada\n')]) : line,
    );
  }
  return Buffer.concat(parts);
}

describe('UTF-8', () => {
  it('reads UTF-8, with a byte-order mark or without', async () => {
    expect(await readAll(files.file('plain.csv', text))).toEqual(expected);
    // The header's first name quoted: a byte-order mark left in front of it would make its quote a stray one.
    const withBom = files.file(
      'bom.csv',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`"family"${text.slice('family'.length)}`)]),
    );
    const rows = await readAll(withBom);
    expect(rows).toEqual(expected);
    expect(Object.keys(rows[0]!.fields)[0]).toBe('family');
    const jsonl = files.file('bom.jsonl', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":"1"}\n')]));
    expect(await readAll(jsonl, { type: 'jsonl' })).toEqual([{ row: 1, fields: { a: '1' } }]);
    expect((await previewSource(withBom, { type: 'csv' })).encoding).toBe('utf-8');
  });

  it('reads a character cut in two by the end of a 1 MiB chunk', async () => {
    for (const shift of [1, 2, 3]) {
      const pad = 'x'.repeat(1024 * 1024 - 'id,note\n1,'.length - shift);
      const rows = await readAll(
        files.file('split-char.csv', `id,note\n1,${pad}😀é\n2,ok\n`),
        { type: 'csv' },
        { maxField: 2_000_000 },
      );
      expect(rows[0]!.fields.note!.endsWith('😀é')).toBe(true);
      expect(rows[1]!.fields.note).toBe('ok');
    }
  });

  it('with encoding utf-8, refuses invalid UTF-8, naming the row', async () => {
    const path = files.file('invalid.csv', bigFile(10, 7, [0xa3]));
    const e = await failure(path, { type: 'csv', encoding: 'utf-8' });
    expect([e.code, e.row]).toEqual(['encoding', 7]);
    expect(e.message).toMatch(/^Row 7 is not valid UTF-8/);
    expect(e.before).toHaveLength(5);
  });

  it('refuses overlong and surrogate forms, which are not UTF-8', async () => {
    for (const bad of [
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
    ]) {
      const e = await failure(files.file('overlong.csv', bigFile(3, 3, bad)), { type: 'csv', encoding: 'utf-8' });
      expect([e.code, e.row]).toEqual(['encoding', 3]);
    }
  });
});

describe('Windows-1252', () => {
  it('is read correctly when chosen, £ é and curly quotes included', async () => {
    const path = files.file('cp1252.csv', windows1252(text));
    expect(await readAll(path, { type: 'csv', encoding: 'windows-1252' })).toEqual(expected);
  });

  it('is recognised in auto mode by invalid UTF-8 in the first 64 KiB, and reported by the preview', async () => {
    const path = files.file('cp1252-auto.csv', windows1252(text));
    expect(await readAll(path)).toEqual(expected);
    expect(await previewSource(path, { type: 'csv' })).toEqual({
      columns: ['family', 'given', 'note'],
      rows: expected,
      encoding: 'windows-1252',
    });
    // Further in, but within 64 KiB: the whole file is Windows-1252 all the same.
    const later = files.file('cp1252-later.csv', bigFile(2000, 2000, [0xe9]));
    const rows = await readAll(later);
    expect(rows).toHaveLength(2000);
    expect(rows.find((r) => r.row === 2000)!.fields.family).toBe('éOkafor');
  });

  it('refuses the five bytes Windows-1252 leaves undefined, naming the row', async () => {
    for (const bad of [0x81, 0x8d, 0x8f, 0x90, 0x9d]) {
      const e = await failure(files.file('undefined.csv', bigFile(6, 5, [0xe9, bad])));
      expect([e.code, e.row]).toEqual(['encoding', 5]);
      expect(e.message).toMatch(/^Row 5 holds a byte that is not text in Windows-1252/);
    }
  });
});

describe('auto, when UTF-8 goes wrong late in a big file', () => {
  it('stops with an encoding error naming the row, and says to choose windows-1252', async () => {
    // About 2.6 MB: the bad byte is well past the 64 KiB auto looks at, and past the first chunk.
    const path = files.file('late.csv', bigFile(150_000, 123_457, [0x93]));
    const e = await failure(path);
    expect(e.code).toBe('encoding');
    expect(e.row).toBe(123_457);
    expect(e.message).toMatch(/^Row 123457 is not valid UTF-8/);
    expect(e.message).toContain('set the encoding to windows-1252');
    // Every row before it was delivered.
    expect(e.before).toHaveLength(123_455);
    expect(e.before.at(-1)!.row).toBe(123_456);
    // And chosen as such, the same file reads to the end.
    const rows = await readAll(path, { type: 'csv', encoding: 'windows-1252' });
    expect(rows).toHaveLength(150_000);
    expect(rows[123_455]!.fields.family).toBe('“Okafor');
  });
});

describe('files that are not text', () => {
  it('refuses UTF-16, saying to save it as UTF-8', async () => {
    for (const bom of [
      [0xff, 0xfe],
      [0xfe, 0xff],
    ]) {
      const e = await failure(
        files.file('utf16.csv', Buffer.concat([Buffer.from(bom), Buffer.from('a\u0000,\u0000b\u0000', 'latin1')])),
      );
      expect([e.code, e.row]).toEqual(['encoding', 0]);
      expect(e.message).toMatch(/UTF-16: save it as UTF-8/);
    }
  });

  it('refuses a workbook, a PDF or an image named .csv', async () => {
    const signatures = [
      [0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00], // .xlsx (zip)
      [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], // .xls
      [...Buffer.from('%PDF-1.7\n')],
      [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
      [...Buffer.from('GIF89a')],
    ];
    for (const signature of signatures) {
      const e = await failure(
        files.file('workbook.csv', Buffer.concat([Buffer.from(signature), Buffer.from('family,given\nOkafor,Ada\n')])),
      );
      expect([e.code, e.row]).toEqual(['binary', 0]);
      expect(e.message).toContain('this is not a text file: an Excel workbook? Save it as CSV');
    }
  });

  it('refuses a NUL byte, naming the row, in either encoding', async () => {
    for (const encoding of ['auto', 'utf-8', 'windows-1252'] as const) {
      const e = await failure(files.file('nul.csv', bigFile(5, 4, [0x00, 0x01])), { type: 'csv', encoding });
      expect([e.code, e.row]).toEqual(['binary', 4]);
      expect(e.before).toHaveLength(2);
    }
  });

  it('keeps a planted value out of encoding and binary messages', async () => {
    const surname = 'Featherstonehaugh';
    const bad = (byte: number) =>
      Buffer.concat([
        Buffer.from(`id,family\n1,Okafor\n2,${surname}`),
        Buffer.from([byte]),
        Buffer.from(`${surname}\n`),
      ]);
    for (const [byte, encoding] of [
      [0x00, 'auto'],
      [0xa3, 'utf-8'],
      [0x81, 'windows-1252'],
    ] as const) {
      const e = await failure(files.file('planted.csv', bad(byte)), { type: 'csv', encoding });
      expect(e.row).toBe(3);
      expect(e.message).not.toContain(surname);
    }
  });
});
