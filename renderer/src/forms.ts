// Pure helpers for the journey's forms: dates typed as day/month/year, the search rule,
// and how a gender is shown (format.ts shows dates). No DOM, so they are tested in Node.
import type { FieldError } from './components/ErrorSummary.js';

export interface DateParts {
  day: string;
  month: string;
  year: string;
}

export const emptyDate: DateParts = { day: '', month: '', year: '' };

export const isEmptyDate = (d: DateParts) => d.day.trim() === '' && d.month.trim() === '' && d.year.trim() === '';

/** `YYYY-MM-DD` for a real calendar date, else null. */
export function isoFromParts(d: DateParts): string | null {
  const [day, month, year] = [d.day.trim(), d.month.trim(), d.year.trim()];
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) return null;
  const [dn, mn, yn] = [Number(day), Number(month), Number(year)];
  const date = new Date(Date.UTC(yn, mn - 1, dn));
  if (date.getUTCFullYear() !== yn || date.getUTCMonth() !== mn - 1 || date.getUTCDate() !== dn) return null;
  return `${year}-${String(mn).padStart(2, '0')}-${String(dn).padStart(2, '0')}`;
}

export function partsFromIso(iso: string): DateParts {
  const [year = '', month = '', day = ''] = iso.split('-');
  return { day: String(Number(day)), month: String(Number(month)), year };
}

const genders: Record<string, string> = { male: 'Male', female: 'Female', 'not-specified': 'Not specified' };

/** A gender as the record's reader sees it. */
export function genderLabel(gender: string): string {
  return genders[gender] ?? gender;
}

/** Today as `YYYY-MM-DD` in the computer's time zone. */
export function todayIso(now: Date = new Date()): string {
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

export interface SearchForm {
  surname: string;
  forename: string;
  dob: DateParts;
  postcode: string;
  nhsNumber: string;
  cpNumber: string;
}

export const emptySearch: SearchForm = {
  surname: '',
  forename: '',
  dob: emptyDate,
  postcode: '',
  nhsNumber: '',
  cpNumber: '',
};

export type SearchQuery = Partial<
  Record<'surname' | 'forename' | 'dob' | 'postcode' | 'nhsNumber' | 'cpNumber', string>
>;

/**
 * The service's rule, checked before sending: a surname, an NHS number, a ContactPoint
 * number, or a date of birth with a postcode (a forename or a postcode alone would
 * list a street).
 */
export function validateSearch(form: SearchForm): { errors: FieldError[]; query: SearchQuery } {
  const errors: FieldError[] = [];
  const query: SearchQuery = {};
  const text = (v: string) => v.trim();
  for (const key of ['surname', 'forename', 'postcode', 'nhsNumber', 'cpNumber'] as const) {
    if (text(form[key]) !== '') query[key] = text(form[key]);
  }
  if (!isEmptyDate(form.dob)) {
    const iso = isoFromParts(form.dob);
    if (iso === null) errors.push({ field: 'dob-day', message: 'Date of birth must be a real date' });
    else query.dob = iso;
  }
  if (query.nhsNumber !== undefined && !/^\d{10}$/.test(query.nhsNumber.replace(/\s+/g, ''))) {
    errors.push({ field: 'nhsNumber', message: 'NHS number must be 10 numbers' });
  }
  const enough =
    query.surname !== undefined ||
    query.nhsNumber !== undefined ||
    query.cpNumber !== undefined ||
    (query.dob !== undefined && query.postcode !== undefined);
  if (!enough && errors.length === 0) {
    errors.push({
      field: 'surname',
      message: 'Enter a surname, an NHS number, a ContactPoint number, or a date of birth and postcode',
    });
  }
  return { errors, query };
}
