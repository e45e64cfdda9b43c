// Reading JSON Lines: one object a line, flattened to the same kind of fields a CSV gives,
// a bad line a row with a problem (the read goes on), a line too long stopped early.
import { describe, expect, it } from 'vitest';
import { previewSource, type SourceFormat } from '../../../../main/adapter/source/index.js';
import { failure, readAll, tempFolder, windows1252 } from '../../../support/source-files.js';

const files = tempFolder('jsonl');
const jsonl: SourceFormat = { type: 'jsonl' };

describe('flattening', () => {
  it('gives nested objects by dotted path, scalar arrays joined, object arrays indexed, scalars as their JSON text', async () => {
    const record = {
      id: 7,
      name: { given: 'Ada', family: 'Okafor' },
      address: { postcode: 'LS1 4AP', lines: ['1 High St', 'Leeds'] },
      parents: [{ name: 'Ngozi', phone: ['0113', '0114'] }, { name: 'Tunde' }],
      shielded: false,
      score: 1.5,
      big: 1e21,
      middle: null,
      tags: [],
      mixed: [1, { a: 2 }],
    };
    const rows = await readAll(files.file('nested.jsonl', JSON.stringify(record) + '\n'), jsonl);
    expect(rows).toEqual([
      {
        row: 1,
        fields: {
          id: '7',
          'name.given': 'Ada',
          'name.family': 'Okafor',
          'address.postcode': 'LS1 4AP',
          'address.lines': '1 High St\nLeeds',
          'parents.0.name': 'Ngozi',
          'parents.0.phone': '0113\n0114',
          'parents.1.name': 'Tunde',
          shielded: 'false',
          score: '1.5',
          big: '1e+21',
          middle: '',
          tags: '',
          'mixed.0': '1',
          'mixed.1.a': '2',
        },
      },
    ]);
  });

  it('keeps a number too long for a double exactly as written', async () => {
    const rows = await readAll(
      files.file(
        'long-number.jsonl',
        '{"ref":12345678901234567890,"n":-1234567890123456789.5e3,"s":"12345678901234567890 in a string","ok":1234567890123456}\n',
      ),
      jsonl,
    );
    expect(rows[0]!.fields).toEqual({
      ref: '12345678901234567890',
      n: '-1234567890123456789.5e3',
      s: '12345678901234567890 in a string',
      ok: '1234567890123456',
    });
  });

  it('keeps a key named __proto__ as a field', async () => {
    const rows = await readAll(files.file('proto.jsonl', '{"__proto__":{"x":"1"},"a":"2"}\n'), jsonl);
    expect(rows[0]!.fields).toEqual({ '__proto__.x': '1', a: '2' });
    expect(Object.getPrototypeOf(rows[0]!.fields)).toBe(Object.prototype);
  });
});

describe('lines', () => {
  it('numbers rows by line, skipping blank lines, with LF or CRLF', async () => {
    const rows = await readAll(files.file('lines.jsonl', '{"a":"1"}\r\n\r\n  \n{"a":"2"}\n{"a":"3"}'), jsonl);
    expect(rows.map((r) => [r.row, r.fields.a])).toEqual([
      [1, '1'],
      [4, '2'],
      [5, '3'],
    ]);
  });

  it('yields a line that is not a JSON object as a row with a problem, and reads on', async () => {
    const path = files.file(
      'bad.jsonl',
      ['{"a":"1"}', '{"a": "Featherstonehaugh"', '[1,2]', '"text"', '42', 'null', '{"a":"7"}'].join('\n'),
    );
    const rows = await readAll(path, jsonl);
    expect(rows).toEqual([
      { row: 1, fields: { a: '1' } },
      { row: 2, fields: {}, problem: 'is not a JSON object' },
      { row: 3, fields: {}, problem: 'is not a JSON object' },
      { row: 4, fields: {}, problem: 'is not a JSON object' },
      { row: 5, fields: {}, problem: 'is not a JSON object' },
      { row: 6, fields: {}, problem: 'is not a JSON object' },
      { row: 7, fields: { a: '7' } },
    ]);
  });

  it('yields a line nested too deep as a problem rather than recursing into it', async () => {
    const deep = '{"a":'.repeat(500) + '1' + '}'.repeat(500);
    const rows = await readAll(files.file('deep.jsonl', `${deep}\n{"b":"2"}\n`), jsonl);
    expect(rows).toEqual([
      { row: 1, fields: {}, problem: 'nests deeper than 100 levels' },
      { row: 2, fields: { b: '2' } },
    ]);
  });

  it('stops at a line longer than ten times maxField, before holding it whole, naming the line', async () => {
    const long = `{"notes":"${'x'.repeat(3 * 1024 * 1024)}"}`;
    const e = await failure(files.file('long.jsonl', `{"a":"1"}\n{"a":"2"}\n${long}\n{"a":"4"}\n`), jsonl, {
      maxField: 1000,
    });
    expect([e.code, e.row]).toEqual(['field-too-long', 3]);
    expect(e.message).toMatch(/^Line 3 is longer than 10000 characters/);
    expect(e.before).toHaveLength(2);
    expect(e.bytesRead).toBeLessThanOrEqual(1024 * 1024);
  });

  it('stops at a field longer than maxField, naming the line and field', async () => {
    const e = await failure(files.file('field.jsonl', `{"a":"1"}\n{"name":{"family":"${'F'.repeat(101)}"}}\n`), jsonl, {
      maxField: 100,
    });
    expect([e.code, e.row]).toEqual(['field-too-long', 2]);
    expect(e.message).toMatch(/^Line 2, field name\.family, is longer than 100 characters/);
    expect(e.message).not.toContain('FFFF');
  });

  it('refuses an empty file, or one of blank lines', async () => {
    for (const content of ['', '\n\n  \n']) {
      const e = await failure(files.file('empty.jsonl', content), jsonl);
      expect(e.code).toBe('empty');
    }
  });

  it('reads Windows-1252 as CSV does', async () => {
    const rows = await readAll(files.file('cp1252.jsonl', windows1252('{"note":"£5 – “paid”"}\n')), jsonl);
    expect(rows[0]!.fields.note).toBe('£5 – “paid”');
  });
});

describe('the preview', () => {
  it('gives the union of field names over the sample rows, in first-seen order', async () => {
    const path = files.file(
      'preview.jsonl',
      ['{"b":"1","a":"2"}', '{"c":{"d":"3"},"a":"4"}', 'nonsense', '{"e":"5"}'].join('\n'),
    );
    const preview = await previewSource(path, jsonl, 3);
    expect(preview.columns).toEqual(['b', 'a', 'c.d']);
    expect(preview.rows.map((r) => r.row)).toEqual([1, 2, 3]);
    expect(preview.encoding).toBe('utf-8');
  });
});
