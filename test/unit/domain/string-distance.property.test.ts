// Duplicate detection compares millions of pairs of names, so domain/dedupe/compare.ts
// has its own Jaro-Winkler and edit distance: no allocation, char codes, a bound that
// stops early, buffers kept between calls. They claim to give exactly what the plain
// definitions in domain/matching.ts give; these properties hold them to it, over any
// text (letters beyond ASCII, astral characters, half surrogates, the empty string,
// texts longer than the buffers the fast versions start with) and over pairs a slip or
// two apart, which is where names that matter are compared.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { boundedEditDistance, fastJaroWinkler, oneSlip } from '../../../domain/dedupe/compare.js';
import { editDistance, jaroWinkler } from '../../../domain/matching.js';

const RUNS = { numRuns: 2000 };

/** Few letters, so strings share many and the matching windows and transpositions are busy. */
const FEW = ['a', 'b', 'c', 'e', 'n', 'é', 'E', '-', ' ', 'ß', '\u0301', '😀', '\ud83d', '\ude00', '\u0000'];
const fewLetters = fc.string({ unit: fc.constantFrom(...FEW), maxLength: 12 });
const nameKey = fc.string({ unit: fc.constantFrom(...'abcdeghilmnorstuy'.split('')), maxLength: 14 });
/** Past the 64 code units the fast versions' buffers start with. */
const long = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'ä'), minLength: 60, maxLength: 150 });
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
  fc.string({ maxLength: 20 }),
  fewLetters,
  nameKey,
  fc.constant(''),
);

type Slip = (s: string, at: number, c: string) => string;
const SLIPS: Slip[] = [
  (s, at, c) => s.slice(0, at) + c + s.slice(at + 1), // a letter changed
  (s, at) => s.slice(0, at) + s.slice(at + 1), // dropped
  (s, at, c) => s.slice(0, at) + c + s.slice(at), // one put in
  (s, at) => s.slice(0, at) + s.slice(at, at + 1) + s.slice(at), // doubled
  (s, at) => s.slice(0, at) + s.slice(at + 1, at + 2) + s.slice(at, at + 1) + s.slice(at + 2), // two swapped
];
const slip = fc.tuple(fc.nat({ max: SLIPS.length - 1 }), fc.nat(), fc.constantFrom(...FEW, 'x', 'y'));

/** A text and the same text after up to four slips: near-equal pairs. */
const nearPair = fc
  .tuple(fc.oneof(nameKey, fewLetters, long), fc.array(slip, { maxLength: 4 }))
  .map(
    ([a, slips]) =>
      [a, slips.reduce((s, [k, at, c]) => SLIPS[k]!(s, s.length === 0 ? 0 : at % s.length, c), a)] as const,
  );
const anyPair = fc.tuple(anyText, anyText);
const pair = fc.oneof(
  nearPair,
  anyPair,
  fc.tuple(long, long),
  anyText.map((a) => [a, a] as const),
);

describe('the fast string distances give what the plain definitions give', () => {
  it('fastJaroWinkler equals jaroWinkler, to the last bit, in either order', () => {
    fc.assert(
      fc.property(pair, ([a, b]) => {
        expect(fastJaroWinkler(a, b)).toBe(jaroWinkler(a, b));
        expect(fastJaroWinkler(b, a)).toBe(jaroWinkler(b, a));
      }),
      RUNS,
    );
  });

  it('boundedEditDistance is the edit distance when that is within the bound, and the bound plus one when it is over', () => {
    fc.assert(
      fc.property(pair, fc.nat({ max: 5 }), ([a, b], max) => {
        const plain = editDistance(a, b);
        const bounded = boundedEditDistance(a, b, max);
        if (plain <= max) expect(bounded).toBe(plain);
        else expect(bounded).toBe(max + 1);
      }),
      RUNS,
    );
  });

  it('boundedEditDistance with a bound no distance reaches is the edit distance itself', () => {
    fc.assert(
      fc.property(pair, ([a, b]) => {
        expect(boundedEditDistance(a, b, Math.max(a.length, b.length))).toBe(editDistance(a, b));
      }),
      RUNS,
    );
  });

  it('oneSlip is an edit distance of exactly one between texts of the same length (a letter changed, or two swapped)', () => {
    fc.assert(
      fc.property(pair, ([a, b]) => {
        expect(oneSlip(a, b)).toBe(a.length === b.length && editDistance(a, b) === 1);
      }),
      RUNS,
    );
  });

  it('keep giving the plain answers when long and short texts follow one another (the buffers are reused)', () => {
    fc.assert(
      fc.property(fc.array(pair, { minLength: 2, maxLength: 8 }), fc.nat({ max: 3 }), (pairs, max) => {
        for (const [a, b] of pairs) {
          expect(fastJaroWinkler(a, b)).toBe(jaroWinkler(a, b));
          expect(boundedEditDistance(a, b, max)).toBe(Math.min(editDistance(a, b), max + 1));
        }
      }),
      { numRuns: 500 },
    );
  });
});
