// The adapter checks a million rows at a time, so a few of its text rules take a
// shorter road for the common case. Each shorter road must give exactly the answer of
// the plain definition it stands in for: these properties hold them to it, over texts
// built to sit near the edges (the words themselves, in any case, next to letters,
// digits, hyphens and every kind of white space).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CASE_WORDS, caseWords } from '../../../domain/cleanse/rules.js';
import { namesSensitiveService, SENSITIVE_NAMES } from '../../../domain/sensitive-services.js';
import { applyTransform, readDate, titleCase } from '../../../domain/adapter/transforms.js';

const RUNS = { numRuns: 2000 };

/** The plain definition: the word, whole (no letter either side), in any case; a space or hyphen in it may be a space, a hyphen or nothing. */
const wholeWords = (words: readonly string[]) =>
  new RegExp(`(?<![a-z])(${words.map((w) => w.replace(/[-\s]/g, '[-\\s]?')).join('|')})(?![a-z])`, 'i');

const WHITE = [' ', '  ', '\t', '\n', '\r', '\u00a0', '\u2003', '\u3000', '\ufeff'];
const BITS = ['a', 'Z', 's', 'e', '1', '4', '7', '-', "'", '.', ',', '(', 'é', 'ß', ...WHITE];

/** Texts of words from the list (cased any way, cut short, run into letters) and bits around them. */
function textsNear(words: readonly string[]) {
  const word = fc.constantFrom(...words).chain((w) =>
    fc.oneof(
      fc.constant(w),
      fc.constant(w.toUpperCase()),
      fc.constant(w.replace(/[-\s]/g, '')),
      fc.constant(w.replace(/ /g, '-')),
      fc.nat({ max: Math.max(0, w.length - 1) }).map((n) => w.slice(0, n)),
    ),
  );
  return fc.array(fc.oneof(word, fc.constantFrom(...BITS)), { maxLength: 8 }).map((parts) => parts.join(''));
}

describe('shorter roads that must give the plain answer', () => {
  it('caseWords finds case information in exactly the texts the whole-word definition does, and the same words', () => {
    const plain = wholeWords(CASE_WORDS);
    const all = new RegExp(plain.source, 'gi');
    fc.assert(
      fc.property(textsNear(CASE_WORDS), (text) => {
        const found = caseWords(text);
        expect(found.length > 0).toBe(plain.test(text));
        expect(found).toEqual([...new Set([...text.matchAll(all)].map((m) => m[1]!.toLowerCase()))]);
      }),
      RUNS,
    );
  });

  it('namesSensitiveService agrees with the whole-word definition over the sensitive names', () => {
    const plain = wholeWords(SENSITIVE_NAMES);
    fc.assert(
      fc.property(textsNear(SENSITIVE_NAMES), (text) => namesSensitiveService(text) === plain.test(text)),
      RUNS,
    );
  });

  const textWithWhiteSpace = fc
    .array(fc.constantFrom('a', 'B', '7', '-', 'x', ...WHITE), { maxLength: 12 })
    .map((p) => p.join(''));

  it('collapse-spaces gives what replacing every run of white space with one space gives', () => {
    fc.assert(
      fc.property(
        fc.oneof(textWithWhiteSpace, fc.string()),
        (v) => applyTransform(v, 'collapse-spaces') === v.replace(/\s+/g, ' '),
      ),
      RUNS,
    );
  });

  it('digits-only gives what removing every non-digit gives', () => {
    fc.assert(
      fc.property(
        fc.oneof(textWithWhiteSpace, fc.string(), fc.stringMatching(/^[0-9 ]{0,12}$/)),
        (v) => applyTransform(v, 'digits-only') === v.replace(/\D/g, ''),
      ),
      RUNS,
    );
  });

  it('a DD/MM/YYYY date written in full, with or without a time after it, reads as the pattern reads it, and anything else as before', () => {
    const pad = (s: string) => (s.length === 1 ? `0${s}` : s);
    // The plain reading: trimmed, any time at the end dropped, then the pattern.
    const plain = (v: string) => {
      let t = v.trim();
      if (t.length > 10) t = t.replace(/[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/, '');
      const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(t);
      return m ? `${m[3]}-${pad(m[2]!)}-${pad(m[1]!)}` : null;
    };
    const ch = fc.constantFrom('0', '1', '3', '9', '/', ' ', 'a', '٣', '-');
    const tenish = fc.array(ch, { minLength: 8, maxLength: 11 }).map((p) => p.join(''));
    const nearDate = fc
      .tuple(
        fc.array(ch, { minLength: 2, maxLength: 2 }),
        fc.array(ch, { minLength: 2, maxLength: 2 }),
        fc.array(ch, { minLength: 4, maxLength: 4 }),
      )
      .map(([d, m, y]) => `${d.join('')}/${m.join('')}/${y.join('')}`);
    const time = fc.constantFrom(
      '',
      ' 12:27',
      'T09:05:00',
      ' 9:05',
      ' 12:27:59.123',
      'T12:27Z',
      ' 12:27+01:00',
      ' 12:27 ',
      ' 12:2',
      '  12:27',
      ' 12:27:5',
      'x12:27',
      ' 12:27:00Zx',
    );
    const digits = (n: number) =>
      fc.array(fc.constantFrom(...'0123456789'.split('')), { minLength: n, maxLength: n }).map((d) => d.join(''));
    const fullDate = fc.tuple(digits(2), digits(2), digits(4)).map(([d, m, y]) => `${d}/${m}/${y}`);
    const withTime = fc.tuple(fc.oneof(fullDate, nearDate, tenish), time).map(([d, t]) => `${d}${t}`);
    fc.assert(
      fc.property(
        fc.oneof(tenish, nearDate, fullDate, withTime),
        (v) => readDate(v, 'DD/MM/YYYY', '2026-12-06') === plain(v),
      ),
      RUNS,
    );
    expect(readDate('04/12/2026 12:27', 'DD/MM/YYYY', '2026-12-06')).toBe('2026-12-04');
    expect(readDate('04/03/2015', 'DD/MM/YYYY', '2026-12-06')).toBe('2015-03-04');
    expect(readDate('04/0a/2015', 'DD/MM/YYYY', '2026-12-06')).toBeNull();
  });

  it('title-case gives what casing each word gives (Mc kept), names already cased included', () => {
    // The plain definition, as titleCase was written before its shorter road.
    const plain = (name: string) => {
      const lower = name.toLowerCase();
      let out = '';
      let start = true;
      for (const c of lower) {
        out += start ? c.toUpperCase() : c;
        start = c === ' ' || c === '-' || c === "'" || c === '’';
      }
      return out.includes('Mc') ? out.replace(/\bMc(\p{Ll})/gu, (_m, l: string) => `Mc${l.toUpperCase()}`) : out;
    };
    const letters = [
      'a',
      'z',
      'A',
      'Z',
      'M',
      'c',
      'C',
      'm',
      'é',
      'É',
      'ß',
      ' ',
      '-',
      "'",
      '’',
      '1',
      '[',
      '`',
      '{',
      '@',
    ];
    const names = fc.oneof(
      fc.array(fc.constantFrom(...letters), { maxLength: 12 }).map((a) => a.join('')),
      fc.constantFrom('Mcdonald', 'McDonald', 'Mc', 'M', 'Brown', 'BROWN', 'brown', 'Ó', 'Zoë', 'Ab', 'A'),
    );
    fc.assert(
      fc.property(names, (n) => {
        expect(titleCase(n)).toBe(plain(n));
      }),
      RUNS,
    );
  });
});
