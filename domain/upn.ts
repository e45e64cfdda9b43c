// Unique Pupil Number (DfE): a check letter, eleven digits, then a digit (permanent)
// or a letter (temporary UPN).
//
// Check letter, per the Government Data Standards Catalogue entry "Unique Pupil
// Number" v2.0 and school census rule 1510: weight characters 2..13 by their
// position (2..13), sum, take mod 23, map 0..22 onto the alphabet without I, O, S.
// A temporary UPN's final letter counts as its index in that same alphabet, so a
// final "A" weighs the same as "0": the check letter cannot tell them apart.
// (School MIS help pages for rule 1510 work the example B207000016049 to 267 -> Q;
// the products actually sum to 266 -> P. We follow the algorithm, not the slip.)

const ALPHABET = 'ABCDEFGHJKLMNPQRTUVWXYZ';
const LAST_TWELVE = /^\d{11}[0-9A-HJ-NP-RT-Z]$/;
const SHAPE = /^[A-HJ-NP-RT-Z]\d{11}[0-9A-HJ-NP-RT-Z]$/;

function characterValue(c: string): number {
  return c >= '0' && c <= '9' ? Number(c) : ALPHABET.indexOf(c);
}

/** The check letter for characters 2..13 of a UPN, or null if they are not eleven digits and a digit or letter. */
export function upnCheckLetter(last12: string): string | null {
  if (!LAST_TWELVE.test(last12)) return null;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += characterValue(last12.charAt(i)) * (i + 2);
  return ALPHABET.charAt(sum % 23);
}

/** Canonical form only: 13 upper-case characters with the right check letter. */
export function isValidUpn(s: string): boolean {
  return SHAPE.test(s) && upnCheckLetter(s.slice(1)) === s[0];
}

/** A valid UPN ending in a letter: issued pending the pupil's permanent UPN. */
export function isTemporaryUpn(s: string): boolean {
  return isValidUpn(s) && !/\d$/.test(s);
}
