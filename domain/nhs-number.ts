// NHS number: ten digits, the last a modulus 11 check digit over the first nine.
// Canonical form is the ten digits alone; people write it 3-3-4 ("943 476 5919").

const CANONICAL = /^\d{10}$/;
const FIRST_NINE = /^\d{9}$/;
// Spaces or hyphens are accepted only in the usual 3-3-4 grouping, and consistently,
// so that a mistyped number is not silently reassembled from stray fragments.
const GROUPED = /^(\d{3})([ -])(\d{3})\2(\d{4})$/;

/**
 * The check digit for the first nine digits, or null when there is none: the
 * remainder leaves 10, so no NHS number is ever issued with these nine digits.
 * Also null when the input is not nine digits.
 */
export function nhsCheckDigit(firstNine: string): number | null {
  if (!FIRST_NINE.test(firstNine)) return null;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(firstNine[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  if (check === 10) return null;
  return check;
}

/** Canonical form only: exactly ten digits, no spaces. */
export function isValidNhsNumber(s: string): boolean {
  if (!CANONICAL.test(s)) return false;
  return nhsCheckDigit(s.slice(0, 9)) === Number(s[9]);
}

/** Accepts "9434765919", "943 476 5919" or "943-476-5919"; returns the ten digits, or null if invalid. */
export function normaliseNhsNumber(input: string): string | null {
  const trimmed = input.trim();
  const grouped = GROUPED.exec(trimmed);
  const digits = grouped ? `${grouped[1]}${grouped[3]}${grouped[4]}` : trimmed;
  return isValidNhsNumber(digits) ? digits : null;
}

/** 999 000 0000 to 999 999 9999 are reserved for testing and never issued. */
export function isNhsTestRange(s: string): boolean {
  return CANONICAL.test(s) && s.startsWith('999');
}
