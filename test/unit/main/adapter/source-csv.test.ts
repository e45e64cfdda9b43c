// Reading a council's CSV export: quoting as RFC 4180 has it, a stray quote read as text
// with a warning (as lenient parsers read it), any line ends, a header naming the columns,
// rows numbered as a spreadsheet shows them, and a clear stop (naming the row and column,
// never the value) when the file cannot be read as a table.
import { describe, expect, it } from 'vitest';
import { previewSource } from '../../../../main/adapter/source/index.js';
import { CsvParser } from '../../../../main/adapter/source/csv-reader.js';
import type { SourceRow } from '../../../../main/adapter/source/source-format.js';
import { csv, failure, readAll, tempFolder } from '../../../support/source-files.js';

const files = tempFolder('csv');

describe('quoting', () => {
  it('keeps delimiters, line breaks and doubled quotes inside quoted fields', async () => {
    const path = files.file(
      'quoted.csv',
      'family,note,given\n"Smith, Jones","first line\nsecond line","say ""hi"""\nLee,plain,"",\n',
    );
    const rows = await readAll(path);
    expect(rows[0]).toEqual({
      row: 2,
      fields: { family: 'Smith, Jones', note: 'first line\nsecond line', given: 'say "hi"' },
    });
    // The last line has a fourth (empty) field: read, with its problem.
    expect(rows[1]).toEqual({
      row: 3,
      fields: { family: 'Lee', note: 'plain', given: '' },
      problem: 'has 4 fields where the header has 3',
    });
  });

  it('tolerates spaces around a quoted field, and keeps spaces in an unquoted one', async () => {
    const rows = await readAll(files.file('spaces.csv', 'a,b,c\n  "x, y"  , keep ,"z"\n'));
    expect(rows[0]!.fields).toEqual({ a: 'x, y', b: ' keep ', c: 'z' });
  });

  it('reads formulas as the plain text they are (neutralising is for exports, not reading)', async () => {
    const rows = await readAll(
      files.file('formula.csv', 'a,b,c,d\n"=HYPERLINK(""http://x"",""y"")",=SUM(A1:A2),+44 113,@x\n'),
    );
    expect(rows[0]!.fields).toEqual({ a: '=HYPERLINK("http://x","y")', b: '=SUM(A1:A2)', c: '+44 113', d: '@x' });
  });

  it('reads a quote in the middle of an unquoted field as text, with a warning naming the column, and reads on', async () => {
    const rows = await readAll(files.file('stray.csv', 'family,given\nOkafor,Ada\nPatel,Ra"vi\nLee,Sam\n'));
    expect(rows.map((r) => r.row)).toEqual([2, 3, 4]);
    expect(rows[0]).toEqual({ row: 2, fields: { family: 'Okafor', given: 'Ada' } });
    expect(rows[1]).toEqual({
      row: 3,
      fields: { family: 'Patel', given: 'Ra"vi' },
      warnings: [
        {
          column: 'given',
          message: expect.stringMatching(/^column 2 \(B\): quote inside an unquoted field, read literally/),
        },
      ],
    });
    expect(rows[2]).toEqual({ row: 4, fields: { family: 'Lee', given: 'Sam' } });
  });

  it('reads a formula cell holding quotes, unquoted as real exports write it, as the text it is', async () => {
    const one = await readAll(files.file('hyperlink1.csv', 'id,given,family\n1,=HYPERLINK("http://x"),Okafor\n'));
    expect(one[0]!.fields).toEqual({ id: '1', given: '=HYPERLINK("http://x")', family: 'Okafor' });
    expect(one[0]!.problem).toBeUndefined();
    expect(one[0]!.warnings!.map((w) => w.column)).toEqual(['given']);
    // A delimiter inside the unquoted formula still separates fields: the row is ragged, and says so.
    const two = await readAll(
      files.file('hyperlink2.csv', 'id,given,family\n1,=HYPERLINK("http://x","y"),Okafor\n2,Ada,Lee\n'),
    );
    expect(two[0]!.problem).toBe('has 4 fields where the header has 3');
    expect(two[0]!.warnings!.map((w) => w.column)).toEqual(['given', 'family']);
    expect(two[1]).toEqual({ row: 3, fields: { id: '2', given: 'Ada', family: 'Lee' } });
  });

  it('reads text after a closing quote on to the next delimiter, the quote kept, with a warning', async () => {
    const rows = await readAll(files.file('after-quote.csv', 'a,b\n"x"y,z\n"He said "hi" to me",n\nok,"fine"  \n'));
    expect(rows.map((r) => r.fields)).toEqual([
      { a: 'x"y', b: 'z' },
      { a: 'He said "hi" to me"', b: 'n' },
      { a: 'ok', b: 'fine' },
    ]);
    expect(rows[0]!.warnings).toEqual([
      {
        column: 'a',
        message: expect.stringMatching(
          /^column 1 \(A\): text after the closing quote of a quoted field, read literally/,
        ),
      },
    ]);
    expect(rows[1]!.warnings).toHaveLength(1);
    expect(rows[2]!.warnings).toBeUndefined();
  });

  it('names a stray quote past the header’s columns by its number', async () => {
    const rows = await readAll(files.file('stray-past.csv', 'a,b\n1,2,x"y\n'));
    expect(rows[0]!.problem).toBe('has 3 fields where the header has 2');
    expect(rows[0]!.warnings).toEqual([{ column: 'column 3 (C)', message: expect.stringMatching(/^column 3 \(C\)/) }]);
  });

  it('names the row where a quote that is never closed opened', async () => {
    const path = files.file('unclosed.csv', 'family,note\nOkafor,ok\nPatel,"opens here\nand,runs\non,to\nthe,end\n');
    const e = await failure(path);
    expect(e.code).toBe('unclosed-quote');
    expect(e.row).toBe(3);
    expect(e.message).toMatch(/^Row 3, column 2 \(B\) opens a quote that is never closed/);
    expect(e.column).toBe('note');
    expect(e.before.map((r) => r.row)).toEqual([2]);
  });

  it('stops at a quote never closed even when a later row holds quotes, rather than swallow rows', async () => {
    // Read leniently, the quote opening "Lee" would close row 3's field with text after it.
    const path = files.file('unclosed-later.csv', 'family,note\nOkafor,ok\nPatel,"opens here\nand,runs\n"Lee",x\n');
    const e = await failure(path);
    expect([e.code, e.row, e.column]).toEqual(['unclosed-quote', 3, 'note']);
    expect(e.before.map((r) => r.row)).toEqual([2]);
  });
});

// The reader is fed text in pieces (64 KiB characters to the parser, 1 MiB bytes from the
// file): a stray quote must read the same whichever piece it, or the field around it, falls in.
describe('a stray quote at a chunk boundary', () => {
  for (const boundary of [64 * 1024, 1024 * 1024]) {
    it(`reads the same wherever the ${boundary / 1024} KiB boundary falls around it`, async () => {
      const tail = 'x,Ra"vi,y\r\n"q"t,"a""b"c,z\r\nw, "ok" ,v\r\n';
      // Each character of the tail, and the line end before it, falls on the boundary once.
      for (let k = -3; k <= tail.length; k++) {
        const pad = 'p'.repeat(boundary - 'a,b,c\r\nq,'.length - ',r\r\n'.length - k);
        const rows = await readAll(files.file('stray-boundary.csv', `a,b,c\r\nq,${pad},r\r\n${tail}`), csv, {
          maxField: 2 * boundary,
        });
        expect(rows.map((r) => r.row)).toEqual([2, 3, 4, 5]);
        expect(rows[1]).toEqual({
          row: 3,
          fields: { a: 'x', b: 'Ra"vi', c: 'y' },
          warnings: [{ column: 'b', message: expect.stringContaining('quote inside an unquoted field') }],
        });
        expect(rows[2]!.fields).toEqual({ a: 'q"t', b: 'a"b"c', c: 'z' });
        expect(rows[2]!.warnings!.map((w) => w.column)).toEqual(['a', 'b']);
        expect(rows[3]).toEqual({ row: 5, fields: { a: 'w', b: 'ok', c: 'v' } });
        expect(rows.every((r) => r.problem === undefined)).toBe(true);
      }
    });
  }

  it('reads the same when the text comes one character at a time', () => {
    const text = 'a,b\nPat"el,1\n"x"y,2\n =HYPERLINK("u"),3\n"open, and\n""closed""",4\n';
    const whole = new CsvParser({ delimiter: ',', maxField: 1000 });
    const expected: SourceRow[] = [];
    whole.push(text, expected);
    whole.end(expected);
    const bits = new CsvParser({ delimiter: ',', maxField: 1000 });
    const got: SourceRow[] = [];
    for (const ch of text) bits.push(ch, got);
    bits.end(got);
    expect(got).toEqual(expected);
    expect(expected.map((r) => r.fields.a)).toEqual(['Pat"el', 'x"y', ' =HYPERLINK("u")', 'open, and\n"closed"']);
    expect(expected.map((r) => r.warnings?.length ?? 0)).toEqual([1, 1, 1, 0]);
  });
});

describe('line ends', () => {
  const table = (eol: string) => `id,note${eol}1,"a${eol}b"${eol}2,c${eol}${eol}${eol}`;
  for (const [name, eol] of [
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ] as const) {
    it(`reads ${name} line ends, a quoted line break kept as written, trailing empty lines ignored`, async () => {
      const rows = await readAll(files.file(`eol-${name}.csv`, table(eol)));
      expect(rows).toEqual([
        { row: 2, fields: { id: '1', note: `a${eol}b` } },
        { row: 3, fields: { id: '2', note: 'c' } },
      ]);
    });
  }

  it('counts a blank line in the middle as a row, as a spreadsheet shows it, but yields nothing for it', async () => {
    const rows = await readAll(files.file('blank.csv', 'id\n1\n\n3\n'));
    expect(rows.map((r) => [r.row, r.fields.id])).toEqual([
      [2, '1'],
      [4, '3'],
    ]);
  });

  it('reads a file with no line end after the last row, and an empty last field', async () => {
    const rows = await readAll(files.file('no-eol.csv', 'a,b\n1,'));
    expect(rows).toEqual([{ row: 2, fields: { a: '1', b: '' } }]);
  });

  // Text reaches the parser in pieces of 64 KiB characters (and the file in chunks of 1 MiB):
  // a CRLF, a doubled quote or a closing quote cut in two by either must read as if whole.
  for (const boundary of [64 * 1024, 1024 * 1024]) {
    it(`reads the same whatever falls on the ${boundary / 1024} KiB boundary`, async () => {
      const tail = 'x,"he said ""no""\r\nthen left",y\r\nz,"",w\r\n';
      // Each character of the tail, and the line end before it, falls on the boundary once.
      for (let k = -3; k <= tail.length; k++) {
        const pad = 'p'.repeat(boundary - 'a,b,c\r\nq,'.length - ',r\r\n'.length - k);
        const rows = await readAll(files.file('boundary.csv', `a,b,c\r\nq,${pad},r\r\n${tail}`), csv, {
          maxField: 2 * boundary,
        });
        expect(rows.map((r) => r.row)).toEqual([2, 3, 4]);
        expect(rows[1]!.fields).toEqual({ a: 'x', b: 'he said "no"\r\nthen left', c: 'y' });
        expect(rows[2]!.fields).toEqual({ a: 'z', b: '', c: 'w' });
        expect(rows.every((r) => r.problem === undefined)).toBe(true);
      }
    });
  }
});

describe('the header', () => {
  it('names the columns, trimmed', async () => {
    const rows = await readAll(files.file('trim.csv', ' family , given\nOkafor,Ada\n'));
    expect(rows[0]!.fields).toEqual({ family: 'Okafor', given: 'Ada' });
  });

  it('is all there is in a file with no data: zero rows, not an error', async () => {
    const path = files.file('header-only.csv', 'family,given,dob\n');
    expect(await readAll(path)).toEqual([]);
    expect(await previewSource(path, { type: 'csv' })).toEqual({
      columns: ['family', 'given', 'dob'],
      rows: [],
      encoding: 'utf-8',
    });
  });

  it('refuses a column with no name, naming its number', async () => {
    const e = await failure(files.file('unnamed.csv', 'family, ,dob\nOkafor,Ada,2015-01-01\n'));
    expect([e.code, e.row]).toEqual(['header', 1]);
    expect(e.message).toContain('column 2 (B)');
  });

  it('refuses two columns of the same name, naming both', async () => {
    const e = await failure(files.file('repeated.csv', 'family,given,dob,given \n'));
    expect(e.code).toBe('header');
    expect(e.message).toContain('column 2 (B) and column 4 (D)');
  });

  it('refuses more than 1,000 columns', async () => {
    const header = Array.from({ length: 1001 }, (_, i) => `c${i}`).join(',');
    const e = await failure(files.file('wide.csv', `${header}\n`));
    expect(e.code).toBe('too-many-columns');
    // 1,000 is allowed.
    const ok = Array.from({ length: 1000 }, (_, i) => `c${i}`).join(',');
    const rows = await readAll(files.file('wide-ok.csv', `${ok}\n${ok}\n`));
    expect(Object.keys(rows[0]!.fields)).toHaveLength(1000);
    expect(rows[0]!.fields.c999).toBe('c999');
  });

  it('reads a column named __proto__ as a field like any other', async () => {
    const rows = await readAll(files.file('proto.csv', '__proto__,constructor\nx,y\n'));
    expect(Object.keys(rows[0]!.fields)).toEqual(['__proto__', 'constructor']);
    expect(rows[0]!.fields['__proto__']).toBe('x');
    expect(Object.getPrototypeOf(rows[0]!.fields)).toBe(Object.prototype);
  });
});

describe('ragged rows', () => {
  it('yields a row with too few or too many fields, saying so, with the right row numbers after a multi-line field', async () => {
    const path = files.file('ragged.csv', 'a,b,c\n1,"two\nlines",3\n1,2\n"x\ny\nz",2,3,4\n1,2,3\n');
    const rows = await readAll(path);
    expect(rows).toEqual([
      { row: 2, fields: { a: '1', b: 'two\nlines', c: '3' } },
      { row: 3, fields: { a: '1', b: '2' }, problem: 'has 2 fields where the header has 3' },
      { row: 4, fields: { a: 'x\ny\nz', b: '2', c: '3' }, problem: 'has 4 fields where the header has 3' },
      { row: 5, fields: { a: '1', b: '2', c: '3' } },
    ]);
    // Missing columns are absent, not empty.
    expect('c' in rows[1]!.fields).toBe(false);
  });
});

describe('delimiters', () => {
  for (const delimiter of [';', '\t', '|', ' ']) {
    it(`reads fields separated by ${JSON.stringify(delimiter)}`, async () => {
      const d = delimiter;
      const rows = await readAll(files.file('delimited.csv', `a${d}b${d}c\n1${d}"x${d}y"${d}3\n`), {
        type: 'csv',
        delimiter,
      });
      expect(rows[0]!.fields).toEqual({ a: '1', b: `x${d}y`, c: '3' });
    });
  }

  it('refuses a delimiter that is not one character, or is a quote or a line break', async () => {
    const path = files.file('any.csv', 'a,b\n1,2\n');
    for (const delimiter of ['', ',,', '"', '\n', '\r']) {
      const e = await failure(path, { type: 'csv', delimiter });
      expect(e.message).toMatch(/delimiter must be one character other than a quote or a line break/);
    }
  });
});

describe('a field too long to be one', () => {
  // A reader that held the field whole would hold 10 MB of file and 10 MB of text, at least.
  const tenMegabytes = 10 * 1024 * 1024;

  for (const quoted of [false, true]) {
    it(`stops at a 10 MB ${quoted ? 'quoted' : 'unquoted'} field, naming the row and column, without holding it`, async () => {
      const big = 'Q'.repeat(tenMegabytes);
      const path = files.file(
        'long.csv',
        `id,family,notes\n1,Okafor,short\n2,Patel,${quoted ? `"${big}"` : big}\n3,Lee,short\n`,
      );
      global.gc?.();
      const before = process.memoryUsage().rss;
      const e = await failure(path);
      const grown = process.memoryUsage().rss - before;
      expect(e.code).toBe('field-too-long');
      expect(e.row).toBe(3);
      expect(e.message).toMatch(/^Row 3, column 3 \(C\) is longer than 100000 characters/);
      expect(e.before.map((r) => r.row)).toEqual([2]);
      // Stopped within the first chunks of the field, so it never held more of it than that.
      expect(e.bytesRead).toBeLessThanOrEqual(2 * 1024 * 1024);
      expect(grown).toBeLessThan(8 * 1024 * 1024);
    });
  }

  it('honours a smaller maxField, for the header too', async () => {
    const path = files.file('small.csv', 'id,notes\n1,' + 'x'.repeat(50) + '\n2,' + 'y'.repeat(51) + '\n');
    const e = await failure(path, { type: 'csv' }, { maxField: 50 });
    expect([e.code, e.row, e.before.length]).toEqual(['field-too-long', 3, 1]);
    const header = await failure(
      files.file('long-header.csv', 'id,' + 'n'.repeat(51) + '\n'),
      { type: 'csv' },
      { maxField: 50 },
    );
    expect([header.code, header.row]).toEqual(['field-too-long', 1]);
  });
});

describe('privacy', () => {
  // A surname planted in the bad row must never appear in what the user (or a log) is shown.
  const surname = 'Featherstonehaugh';
  const cases: [string, string, Record<string, unknown>?][] = [
    ['unclosed quote', `family,given\nOkafor,Ada\n"${surname},Ravi\n`],
    ['field too long', `family,given\n${surname}${'x'.repeat(200)},Ravi\n`, { maxField: 100 }],
    ['header', `${surname},${surname}\n`],
  ];
  for (const [name, content, options] of cases) {
    it(`keeps the value out of the message: ${name}`, async () => {
      const e = await failure(files.file('privacy.csv', content), { type: 'csv' }, options ?? {});
      expect(e.message).not.toContain(surname);
      expect(e.message).not.toContain('Ravi');
      expect(e.message).toMatch(/Row \d|row \d/);
    });
  }

  for (const [name, content] of [
    ['stray quote', `family,given\nOkafor,Ada\n${surname},Ra"vi\n`],
    ['text after a quote', `family,given\n"${surname}"x,"Ra"vi\n`],
  ] as const) {
    it(`keeps the value out of the warning: ${name}`, async () => {
      const rows = await readAll(files.file('privacy-warning.csv', content));
      const warnings = rows.flatMap((r) => r.warnings ?? []);
      expect(warnings.length).toBeGreaterThan(0);
      for (const w of warnings) {
        expect(JSON.stringify(w)).not.toContain(surname);
        expect(JSON.stringify(w)).not.toContain('Ra');
      }
    });
  }

  it('keeps values out of a ragged row’s problem', async () => {
    const rows = await readAll(files.file('ragged-privacy.csv', `family,given\n${surname}\n`));
    expect(rows[0]!.problem).toBe('has 1 fields where the header has 2');
  });
});

// UTF-8 is split as its bytes and only the fields holding anything above ASCII are decoded
// (the reader's fast path): what comes out must be exactly what decoding first gives.
describe('UTF-8 split as bytes', () => {
  const text =
    'Forename,Surname ’,Note é\r\n' +
    'Zoë,O’Brien,"Café, ""Ł"" 😀"\r\n' +
    'Ana,"Núñez"x’,plain\r\n' +
    'Bo,Lee,"two\nlines ÿ"\r\n';
  const expected = [
    { row: 2, fields: { Forename: 'Zoë', 'Surname ’': 'O’Brien', 'Note é': 'Café, "Ł" 😀' } },
    { row: 3, fields: { Forename: 'Ana', 'Surname ’': 'Núñez"x’', 'Note é': 'plain' } },
    { row: 4, fields: { Forename: 'Bo', 'Surname ’': 'Lee', 'Note é': 'two\nlines ÿ' } },
  ];

  it('gives the header and every field as decoding first would, quoted, doubled or loose', async () => {
    const rows = await readAll(files.file('utf8.csv', text));
    expect(rows.map(({ row, fields }) => ({ row, fields }))).toEqual(expected);
    expect(rows[1]!.warnings!.map((w) => w.column)).toEqual(['Surname ’']);
    const preview = await previewSource(files.file('utf8-preview.csv', text), csv, 5);
    expect(preview.columns).toEqual(['Forename', 'Surname ’', 'Note é']);
    expect(preview.encoding).toBe('utf-8');
  });

  it('reads a character cut by the 64 KiB parsing boundary, at every byte of it', async () => {
    for (let k = 0; k <= 6; k++) {
      // The boundary falls on each byte of "’😀" (3 + 4 bytes) in turn.
      const pad = 'p'.repeat(64 * 1024 - 'a,b\r\n'.length - 'x,'.length - k);
      const rows = await readAll(files.file('utf8-boundary.csv', `a,b\r\nx,${pad}’😀\r\n’,é\r\n`), csv, {
        maxField: 200_000,
      });
      expect(rows.map((r) => r.fields)).toEqual([
        { a: 'x', b: `${pad}’😀` },
        { a: '’', b: 'é' },
      ]);
    }
  });

  it('counts a field’s length in characters, not bytes', async () => {
    const ok = await readAll(files.file('utf8-len.csv', `a,b\n1,${'é'.repeat(50)}\n2,"${'’'.repeat(50)}"\n`), csv, {
      maxField: 50,
    });
    expect(ok.map((r) => r.fields.b)).toEqual(['é'.repeat(50), '’'.repeat(50)]);
    const e = await failure(files.file('utf8-long.csv', `a,b\n1,${'é'.repeat(50)}\n2,${'é'.repeat(51)}\n`), csv, {
      maxField: 50,
    });
    expect([e.code, e.row, e.before.length]).toEqual(['field-too-long', 3, 1]);
  });

  it('decodes first when the delimiter is not ASCII', async () => {
    const rows = await readAll(files.file('utf8-section.csv', 'a§b\nZoë§O’Brien\n'), { type: 'csv', delimiter: '§' });
    expect(rows[0]!.fields).toEqual({ a: 'Zoë', b: 'O’Brien' });
  });
});
