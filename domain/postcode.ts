// UK postcode: outward code, one space, inward code. Canonical form is upper case
// with exactly one space ("SW1A 1AA").
//
// Positional letter rules (BS 7666, Royal Mail's published format notes): the first
// letter is never Q, V or X, and a second letter is never I, J or Z; the inward
// letters are never C, I, K, M, O or V. The published lists for the third letter of
// A9A and fourth of AA9A disagree between sources (some omit P, others include it)
// and grow as districts are added, so those letters are left unrestricted rather
// than reject a real postcode.

const FIRST = '[A-PR-UWYZ]';
const SECOND = '[A-HK-Y]';
const OUTWARD = `(?:${FIRST}\\d{1,2}|${FIRST}${SECOND}\\d{1,2}|${FIRST}\\d[A-Z]|${FIRST}${SECOND}\\d[A-Z])`;
const INWARD = '\\d[ABD-HJLNP-UW-Z]{2}';
const CANONICAL = new RegExp(`^${OUTWARD} ${INWARD}$`);
// Girobank's historic postcode breaks the letter rules but is still in use.
const GIROBANK = 'GIR 0AA';

export function isValidPostcode(s: string): boolean {
  return s === GIROBANK || CANONICAL.test(s);
}

/** Any case, any or no internal spaces, surrounding whitespace; returns the canonical form, or null. */
export function normalisePostcode(input: string): string | null {
  const compact = input.replace(/\s+/g, '').toUpperCase();
  // The inward code is always three characters, which is what makes the split unambiguous.
  if (compact.length < 5) return null;
  const canonical = `${compact.slice(0, -3)} ${compact.slice(-3)}`;
  return isValidPostcode(canonical) ? canonical : null;
}

function parts(canonical: string): [string, string] {
  if (!isValidPostcode(canonical)) throw new RangeError(`not a canonical postcode: ${JSON.stringify(canonical)}`);
  const space = canonical.indexOf(' ');
  return [canonical.slice(0, space), canonical.slice(space + 1)];
}

/** "SW1A" of "SW1A 1AA": area and district. */
export function outwardCode(canonical: string): string {
  return parts(canonical)[0];
}

/** "1AA" of "SW1A 1AA": sector and unit. */
export function inwardCode(canonical: string): string {
  return parts(canonical)[1];
}
