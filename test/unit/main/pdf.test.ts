// The report PDF writer: a file a reader can open (every cross-reference points at its
// object, each stream's length is right), text escaped so that nothing in it can end a
// string early, anything outside Latin-1 replaced, and long reports over several pages.
import { describe, expect, it } from 'vitest';
import { pdfString, renderPdf } from '../../../main/reports/pdf.js';

function objectsAt(pdf: string): number[] {
  const start = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(pdf)![1]);
  const lines = pdf.slice(start).split('\n');
  expect(lines[0]).toBe('xref');
  const count = Number(lines[1]!.split(' ')[1]);
  return lines.slice(3, 2 + count).map((l) => Number(l.slice(0, 10)));
}

describe('the report PDF writer', () => {
  it('writes a cross-reference table whose every offset is its object, and right stream lengths', () => {
    const pdf = renderPdf([{ text: 'ContactPoint', bold: true, size: 16 }, { text: 'CP000000018' }], 'A report');
    expect(pdf.startsWith('%PDF-1.4\n')).toBe(true);
    const offsets = objectsAt(pdf);
    expect(offsets.length).toBeGreaterThan(5);
    offsets.forEach((o, i) => expect(pdf.slice(o, o + `${i + 1} 0 obj`.length)).toBe(`${i + 1} 0 obj`));
    for (const m of pdf.matchAll(/<< \/Length (\d+) >>\nstream\n/g)) {
      const body = pdf.slice(m.index + m[0].length);
      expect(body.slice(Number(m[1]), Number(m[1]) + '\nendstream'.length)).toBe('\nendstream');
    }
    expect(pdf).toContain('(CP000000018) Tj');
  });

  it('escapes brackets and backslashes, writes Latin-1 as octal and the rest as ?', () => {
    expect(pdfString('a (b) \\ c')).toBe('(a \\(b\\) \\\\ c)');
    expect(pdfString('Zoë Łukasz')).toBe('(Zo\\353 ?ukasz)');
    expect(pdfString('it’s – ok')).toBe("(it's - ok)");
    expect(pdfString('line\nbreak')).toBe('(line?break)');
    // Nothing but printable ASCII in the file: the same bytes in any text encoding.
    expect(/^[\x20-\x7e\n]*$/.test(renderPdf([{ text: 'Zoë 日本 (x)' }], 'T'))).toBe(true);
  });

  it('wraps long lines and runs onto new pages, numbering them', () => {
    const lines = Array.from({ length: 150 }, (_, i) => ({ text: `Entry ${i} ${'word '.repeat(30)}` }));
    const pdf = renderPdf(lines, 'Long');
    const pages = Number(/\/Count (\d+)/.exec(pdf)![1]);
    expect(pages).toBeGreaterThan(3);
    expect(pdf).toContain(`(Long - page ${pages} of ${pages}) Tj`);
    expect(pdf).toContain('(Entry 149 ');
  });
});
