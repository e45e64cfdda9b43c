// The fields duplicate detection compares and the names of their levels, in words a
// cleanser reads. No dependencies: the renderer shows these labels too.
export const FIELDS = [
  'given',
  'family',
  'dob',
  'gender',
  'postcode',
  'address',
  'locality',
  'nhs',
  'upn',
  'otherId',
] as const;
export type Field = (typeof FIELDS)[number];

export const FIELD_LABELS: Record<Field, string> = {
  given: 'Given name',
  family: 'Family name',
  dob: 'Date of birth',
  gender: 'Gender',
  postcode: 'Postcode',
  address: 'Address',
  locality: 'Town or locality',
  nhs: 'NHS number',
  upn: 'Unique Pupil Number',
  otherId: 'Other identifier',
};

/** Each field's levels, from 1: what each means, in words a cleanser reads. */
export const LEVELS: Record<Field, readonly string[]> = {
  given: [
    'not given on both',
    'the same',
    'spelt slightly differently',
    'sound alike, or a nickname',
    'similar',
    'different',
    'swapped with the family name',
  ],
  family: [
    'not given on both',
    'the same',
    'spelt slightly differently',
    'sound alike, part of a double-barrelled name or a former name',
    'similar',
    'different',
    'swapped with the given name',
  ],
  dob: ['not given on both', 'the same', 'day and month swapped', 'one digit different', 'different'],
  gender: ['not given on both', 'the same', 'different'],
  postcode: ['not given on both', 'the same', 'one character different', 'same district', 'different'],
  // 4-6: levels 1-3 again, when the postcodes differ beyond one character (compare.ts).
  address: [
    'not given on both',
    'the same',
    'one or two characters different',
    'different',
    'the same, though the postcodes differ',
    'one or two characters different, and the postcodes differ',
    'different, as are the postcodes',
  ],
  locality: [
    'not given on both',
    'the same',
    'similar',
    'different',
    'the same, though the postcodes differ',
    'similar, and the postcodes differ',
    'different, as are the postcodes',
  ],
  nhs: ['not given on both', 'the same', 'one digit different', 'different'],
  upn: ['not given on both', 'the same', 'different'],
  otherId: ['not given on both', 'the same', 'one character different', 'different'],
};

/**
 * Each field's levels in groups that share one distribution. Most fields have one group,
 * all their levels. The address and the town have two: their levels beside postcodes
 * that are alike (1-3) and beside postcodes that differ (4-6, compare.ts). The model
 * learns each group's shares within the group (how often the street is the same, given
 * that the postcodes differ), so a level weighs only what it adds to the postcode. A
 * group of one level weighs nothing: the family name's "swapped", which the given
 * name's "swapped" has already said (a swap is one fact, not two).
 */
const all = (f: Field): readonly (readonly number[])[] => [LEVELS[f].map((_, l) => l).slice(1)];
const split: readonly (readonly number[])[] = [
  [1, 2, 3],
  [4, 5, 6],
];
export const LEVEL_GROUPS: Record<Field, readonly (readonly number[])[]> = {
  given: all('given'),
  family: [[1, 2, 3, 4, 5], [6]],
  dob: all('dob'),
  gender: all('gender'),
  postcode: all('postcode'),
  address: split,
  locality: split,
  nhs: all('nhs'),
  upn: all('upn'),
  otherId: all('otherId'),
};
