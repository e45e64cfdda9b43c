// Calendar dates as ISO strings (YYYY-MM-DD), with no time zone: a date of birth is
// a day, not an instant, so nothing here goes through Date.

export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;
// Wide enough for the oldest living supplier records and for any archive date we compute.
const MIN_YEAR = 1900;
const MAX_YEAR = 2199;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function isRealDate({ year, month, day }: CalendarDate): boolean {
  return (
    year >= MIN_YEAR && year <= MAX_YEAR && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)
  );
}

function format({ year, month, day }: CalendarDate): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function parseIsoDate(s: string): CalendarDate | null {
  const m = ISO.exec(s);
  if (!m) return null;
  const date = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  return isRealDate(date) ? date : null;
}

const digit = (s: string, i: number): number => {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
};

/** The same answer as parseIsoDate(s) !== null, without a regular expression or an object: adapter loads check millions. */
export function isValidIsoDate(s: string): boolean {
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  const y0 = digit(s, 0);
  const y1 = digit(s, 1);
  const y2 = digit(s, 2);
  const y3 = digit(s, 3);
  const m0 = digit(s, 5);
  const m1 = digit(s, 6);
  const d0 = digit(s, 8);
  const d1 = digit(s, 9);
  if ((y0 | y1 | y2 | y3 | m0 | m1 | d0 | d1) < 0) return false;
  return isRealDate({ year: y0 * 1000 + y1 * 100 + y2 * 10 + y3, month: m0 * 10 + m1, day: d0 * 10 + d1 });
}

function parseOrThrow(s: string): CalendarDate {
  const date = parseIsoDate(s);
  if (!date) throw new RangeError(`not a valid ISO date: ${JSON.stringify(s)}`);
  return date;
}

// English legal convention: someone born on 29 February has their birthday on
// 1 March in a common year (so turns 18 on 1 March, never on 28 February).
function anniversary(dob: CalendarDate, year: number): CalendarDate {
  if (dob.month === 2 && dob.day === 29 && !isLeapYear(year)) return { year, month: 3, day: 1 };
  return { year, month: dob.month, day: dob.day };
}

/** Whole years of age on the date `on`; throws if either date is invalid or `on` is before `dob`. */
export function ageOn(dob: string, on: string): number {
  const birth = parseOrThrow(dob);
  const day = parseOrThrow(on);
  if (on < dob) throw new RangeError(`${on} is before the date of birth ${dob}`);
  const birthday = anniversary(birth, day.year);
  const hadBirthday = day.month > birthday.month || (day.month === birthday.month && day.day >= birthday.day);
  return day.year - birth.year - (hadBirthday ? 0 : 1);
}

/** The anniversary `years` later (or earlier); 29 February becomes 1 March in a common year, as in ageOn. */
export function addYears(date: string, years: number): string {
  if (!Number.isInteger(years)) throw new RangeError(`years must be a whole number: ${years}`);
  const start = parseOrThrow(date);
  const result = anniversary(start, start.year + years);
  if (!isRealDate(result)) throw new RangeError(`${date} plus ${years} years is outside ${MIN_YEAR}-${MAX_YEAR}`);
  return format(result);
}

/**
 * The date with day and month swapped ("2015-03-04" -> "2015-04-03"), or null when
 * that is not a valid date or is the same date. Suppliers mix up US and UK order, so
 * matching treats a transposed date of birth as a near miss.
 */
export function transposeDayMonth(s: string): string | null {
  const date = parseIsoDate(s);
  if (!date || date.day === date.month) return null;
  const swapped = { year: date.year, month: date.day, day: date.month };
  return isRealDate(swapped) ? format(swapped) : null;
}

/** Negative, zero or positive, for sorting; throws on an invalid date rather than sort garbage quietly. */
export function compareIsoDates(a: string, b: string): number {
  parseOrThrow(a);
  parseOrThrow(b);
  // The canonical form is fixed-width, so string order is date order.
  return a < b ? -1 : a > b ? 1 : 0;
}

// Day numbers (days since 1970-01-01) for date arithmetic that must be exact and fast
// (the training generator adds days millions of times). Howard Hinnant's
// days-from-civil algorithms, which are public domain.
function dayFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Days since 1970-01-01 for a valid ISO date; throws on an invalid one. */
export function dayNumber(iso: string): number {
  const date = parseOrThrow(iso);
  return dayFromCivil(date.year, date.month, date.day);
}

/** The ISO date of a day number (days since 1970-01-01). */
export function isoFromDayNumber(day: number): string {
  if (!Number.isInteger(day)) throw new RangeError(`a day number must be a whole number: ${day}`);
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (m <= 2 ? 1 : 0);
  if (year < MIN_YEAR || year > MAX_YEAR) throw new RangeError(`day ${day} is outside ${MIN_YEAR}-${MAX_YEAR}`);
  return format({ year, month: m, day: d });
}

/** The date `days` later (or earlier, when negative). */
export function addDays(iso: string, days: number): string {
  return isoFromDayNumber(dayNumber(iso) + days);
}

/** Whole days from `a` to `b` (negative when b is earlier). */
export function daysBetween(a: string, b: string): number {
  return dayNumber(b) - dayNumber(a);
}
