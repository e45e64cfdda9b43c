// The ContactPoint number (our own design): "CP", an eight-digit serial, and a Luhn
// check digit over the serial. Luhn catches every single-digit slip and every
// adjacent transposition except 09 <-> 90, which is what phone and paper errors are.

const CP_NUMBER = /^CP\d{9}$/;
const DIGITS = /^\d+$/;
const MAX_SERIAL = 99_999_999;

/** The digit that makes `digits` followed by it pass the Luhn check. */
export function luhnCheckDigit(digits: string): number {
  if (!DIGITS.test(digits)) throw new RangeError(`Luhn input must be digits: ${JSON.stringify(digits)}`);
  let sum = 0;
  // Walking from the right, the digit next to the (future) check digit is doubled first.
  for (let i = digits.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = Number(digits[i]);
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

export function isValidCpNumber(s: string): boolean {
  return CP_NUMBER.test(s) && luhnCheckDigit(s.slice(2, 10)) === Number(s[10]);
}

/** The ContactPoint number for a serial in 0..99,999,999. */
export function cpNumberFromSerial(serial: number): string {
  if (!Number.isInteger(serial) || serial < 0 || serial > MAX_SERIAL) {
    throw new RangeError(`serial must be a whole number from 0 to ${MAX_SERIAL}: ${serial}`);
  }
  const payload = String(serial).padStart(8, '0');
  return `CP${payload}${luhnCheckDigit(payload)}`;
}
