// What a practitioner types when looking for a child: the name as heard or misread (a
// transposed pair, a dropped or doubled letter, a wrong vowel, a sound spelt another
// way), sometimes with the forename, and a date of birth that is sometimes entered
// day-for-month. Deterministic for a seed, so a run can be repeated.

export { seededRandom } from '../../../domain/seeded-random.js';

const sounds: [RegExp, string][] = [
  [/ph/i, 'f'],
  [/ck/i, 'k'],
  [/ey$/i, 'y'],
  [/ie$/i, 'y'],
  [/y$/i, 'ie'],
  [/ou/i, 'ow'],
  [/th/i, 't'],
  [/son$/i, 'sen'],
  [/ll/i, 'l'],
  [/mm/i, 'm'],
];
const vowels = 'aeiou';

/** One realistic slip in `name` (unchanged when it is too short to slip). */
export function misspell(name: string, random: () => number): string {
  if (name.length < 4) return name;
  const i = 1 + Math.floor(random() * (name.length - 2));
  switch (Math.floor(random() * 5)) {
    case 0: // two letters swapped
      return name.slice(0, i) + name[i + 1]! + name[i]! + name.slice(i + 2);
    case 1: // a letter dropped
      return name.slice(0, i) + name.slice(i + 1);
    case 2: // a letter doubled
      return name.slice(0, i) + name[i]! + name.slice(i);
    case 3: {
      // a wrong vowel
      const at = [...name].findIndex((c, k) => k >= 1 && vowels.includes(c.toLowerCase()));
      if (at < 0) return name.slice(0, i) + name.slice(i + 1);
      const other = vowels[(vowels.indexOf(name[at]!.toLowerCase()) + 1 + Math.floor(random() * 4)) % 5]!;
      return name.slice(0, at) + other + name.slice(at + 1);
    }
    default: {
      // the sound spelt another way (after the first letter, which people get right)
      const rest = name.slice(1);
      const rule = sounds.find(([pattern]) => pattern.test(rest));
      if (!rule) return name.slice(0, i) + name[i + 1]! + name[i]! + name.slice(i + 2);
      return name[0]! + rest.replace(rule[0], rule[1]);
    }
  }
}

/** The date with day and month swapped, when that is still a date (day ≤ 12 and not equal). */
export function transposeDate(dob: string): string {
  const [y, m, d] = dob.split('-');
  if (y === undefined || m === undefined || d === undefined || Number(d) > 12 || d === m) return dob;
  return `${y}-${d}-${m}`;
}

export interface TypedSearch {
  surname: string;
  forename?: string;
  dob?: string;
  /** What was changed from the true values: for the report, no values. */
  slips: string[];
}

/**
 * The search a practitioner types for this child: a misspelt surname seven times in
 * ten, a forename half the time (misspelt one time in five), the date of birth four
 * times in five (day-for-month one time in ten).
 */
export function typedSearch(child: { given: string; family: string; dob: string }, random: () => number): TypedSearch {
  const slips: string[] = [];
  let surname = child.family;
  if (random() < 0.7) {
    surname = misspell(surname, random);
    if (surname !== child.family) slips.push('surname');
  }
  const out: TypedSearch = { surname, slips };
  if (random() < 0.5) {
    let forename = child.given;
    if (random() < 0.2) {
      forename = misspell(forename, random);
      if (forename !== child.given) slips.push('forename');
    }
    out.forename = forename;
  }
  if (random() < 0.8) {
    let dob = child.dob;
    if (random() < 0.1) {
      dob = transposeDate(dob);
      if (dob !== child.dob) slips.push('dob');
    }
    out.dob = dob;
  }
  return out;
}
