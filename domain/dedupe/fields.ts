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
  address: ['not given on both', 'the same', 'one or two characters different', 'different'],
  locality: ['not given on both', 'the same', 'similar', 'different'],
  nhs: ['not given on both', 'the same', 'one digit different', 'different'],
  upn: ['not given on both', 'the same', 'different'],
  otherId: ['not given on both', 'the same', 'one character different', 'different'],
};
