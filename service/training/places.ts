// Places for training data: the real postcode districts of the Wirral peninsula and
// the neighbouring part of Cheshire West and Chester, with made-up streets' postcodes,
// schools and GP practices. Postcodes are format-valid but invented; school URNs
// (99xxxx) and GP ODS codes (N85 9xx / N81 9xx) are outside the ranges in real use;
// every telephone number is in Ofcom's range reserved for drama (0151 496 0000-0999,
// 07700 900000-900999), so nobody is ever rung by mistake.
import type { Address } from '../../domain/child-record.js';
import { Random } from './random.js';

export interface LocalAuthority {
  /** ONS code. */
  readonly code: string;
  readonly name: string;
  /** DfE local authority number: the digits after a UPN's check letter. */
  readonly dfeNumber: string;
}

export const WIRRAL: LocalAuthority = { code: 'E08000015', name: 'Wirral', dfeNumber: '344' };
export const CHESHIRE_WEST_AND_CHESTER: LocalAuthority = {
  code: 'E06000050',
  name: 'Cheshire West and Chester',
  dfeNumber: '896',
};
export const localAuthorities: readonly LocalAuthority[] = [WIRRAL, CHESHIRE_WEST_AND_CHESTER];

/** Letters allowed in the two final places of an inward code (never C I K M O V). */
export const INWARD_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

export type SchoolPhase = 'primary' | 'secondary' | 'college';

export interface School {
  readonly name: string;
  readonly urn: string;
  readonly phase: SchoolPhase;
  readonly address: Address;
  readonly phone: string;
}

export interface GpPractice {
  readonly name: string;
  readonly odsCode: string;
  readonly address: Address;
  readonly phone: string;
}

export interface Street {
  readonly name: string;
  readonly locality: string;
  /** One to three postcodes along the street. */
  readonly postcodes: readonly string[];
}

export interface District {
  /** Outward code, e.g. "CH41". */
  readonly outward: string;
  readonly postTown: string;
  readonly localities: readonly string[];
  readonly localAuthority: LocalAuthority;
  /** Relative share of the area's children. */
  readonly weight: number;
  readonly streets: readonly Street[];
  readonly primarySchools: readonly School[];
  readonly secondarySchools: readonly School[];
  readonly gpPractices: readonly GpPractice[];
}

interface DistrictSpec {
  outward: string;
  postTown: string;
  localities: string[];
  la: LocalAuthority;
  weight: number;
  /** Well-known roads of the district; the rest of its streets are invented. */
  roads: string[];
  primaries: number;
  secondaries: number;
  practices: number;
}

const specs: DistrictSpec[] = [
  {
    outward: 'CH41',
    postTown: 'Birkenhead',
    localities: ['Birkenhead', 'Tranmere', 'Woodside'],
    la: WIRRAL,
    weight: 8,
    roads: ['Borough Road', 'Conway Street', 'Grange Road', 'Price Street', 'Park Road East', 'Cleveland Street'],
    primaries: 4,
    secondaries: 1,
    practices: 3,
  },
  {
    outward: 'CH42',
    postTown: 'Birkenhead',
    localities: ['Rock Ferry', 'Tranmere', 'Higher Tranmere'],
    la: WIRRAL,
    weight: 7,
    roads: ['Old Chester Road', 'Bedford Road', 'Rock Lane West', 'Church Road', 'Derby Road'],
    primaries: 3,
    secondaries: 1,
    practices: 2,
  },
  {
    outward: 'CH43',
    postTown: 'Prenton',
    localities: ['Oxton', 'Claughton', 'Prenton', 'Noctorum', 'Bidston'],
    la: WIRRAL,
    weight: 9,
    roads: ['Upton Road', 'Woodchurch Road', 'Shrewsbury Road', 'Bidston Road', 'Claughton Road'],
    primaries: 4,
    secondaries: 2,
    practices: 3,
  },
  {
    outward: 'CH44',
    postTown: 'Wallasey',
    localities: ['Seacombe', 'Poulton', 'Liscard', 'Egremont'],
    la: WIRRAL,
    weight: 9,
    roads: ['Liscard Road', 'Poulton Road', 'Brighton Street', 'Wheatland Lane', 'Borough Road'],
    primaries: 4,
    secondaries: 1,
    practices: 3,
  },
  {
    outward: 'CH45',
    postTown: 'Wallasey',
    localities: ['New Brighton', 'Wallasey Village', 'Liscard'],
    la: WIRRAL,
    weight: 7,
    roads: ['Seabank Road', 'Victoria Road', 'Rowson Street', 'Wallasey Road', 'Grove Road'],
    primaries: 3,
    secondaries: 1,
    practices: 2,
  },
  {
    outward: 'CH46',
    postTown: 'Wirral',
    localities: ['Moreton', 'Leasowe', 'Saughall Massie'],
    la: WIRRAL,
    weight: 6,
    roads: ['Hoylake Road', 'Pasture Road', 'Reeds Lane', 'Leasowe Road', 'Upton Road'],
    primaries: 3,
    secondaries: 1,
    practices: 2,
  },
  {
    outward: 'CH47',
    postTown: 'Wirral',
    localities: ['Hoylake', 'Meols'],
    la: WIRRAL,
    weight: 3,
    roads: ['Market Street', 'Meols Drive', 'Birkenhead Road', 'Station Road', 'Park Road'],
    primaries: 2,
    secondaries: 1,
    practices: 1,
  },
  {
    outward: 'CH48',
    postTown: 'Wirral',
    localities: ['West Kirby', 'Caldy', 'Frankby'],
    la: WIRRAL,
    weight: 3,
    roads: ['Banks Road', 'Grange Road', 'Column Road', 'Village Road', 'Meols Drive'],
    primaries: 2,
    secondaries: 1,
    practices: 1,
  },
  {
    outward: 'CH49',
    postTown: 'Wirral',
    localities: ['Upton', 'Greasby', 'Woodchurch'],
    la: WIRRAL,
    weight: 7,
    roads: ['Ford Road', 'Arrowe Park Road', 'Greasby Road', 'Frankby Road', 'Saughall Massie Road'],
    primaries: 3,
    secondaries: 1,
    practices: 2,
  },
  {
    outward: 'CH60',
    postTown: 'Wirral',
    localities: ['Heswall', 'Gayton'],
    la: WIRRAL,
    weight: 3,
    roads: ['Telegraph Road', 'Pensby Road', 'Gayton Road', 'Dawstone Road', 'Thurstaston Road'],
    primaries: 2,
    secondaries: 1,
    practices: 1,
  },
  {
    outward: 'CH61',
    postTown: 'Wirral',
    localities: ['Pensby', 'Thingwall', 'Irby', 'Barnston'],
    la: WIRRAL,
    weight: 4,
    roads: ['Pensby Road', 'Thingwall Road', 'Irby Road', 'Barnston Road', 'Fishers Lane'],
    primaries: 2,
    secondaries: 1,
    practices: 2,
  },
  {
    outward: 'CH62',
    postTown: 'Wirral',
    localities: ['Bromborough', 'Eastham', 'Port Sunlight', 'New Ferry'],
    la: WIRRAL,
    weight: 6,
    roads: ['Bromborough Village Road', 'New Chester Road', 'Allport Road', 'Eastham Village Road', 'Greendale Road'],
    primaries: 3,
    secondaries: 1,
    practices: 2,
  },
  {
    outward: 'CH63',
    postTown: 'Wirral',
    localities: ['Bebington', 'Higher Bebington', 'Spital', 'Brimstage'],
    la: WIRRAL,
    weight: 6,
    roads: ['Bebington Road', 'Kings Lane', 'Teehey Lane', 'Town Lane', 'Spital Road'],
    primaries: 3,
    secondaries: 1,
    practices: 2,
  },
  {
    outward: 'CH64',
    postTown: 'Neston',
    localities: ['Neston', 'Parkgate', 'Little Neston', 'Willaston'],
    la: CHESHIRE_WEST_AND_CHESTER,
    weight: 3,
    roads: ['Parkgate Road', 'Chester Road', 'The Parade', 'Hooton Road', 'Burton Road'],
    primaries: 2,
    secondaries: 1,
    practices: 1,
  },
  {
    outward: 'CH65',
    postTown: 'Ellesmere Port',
    localities: ['Ellesmere Port', 'Whitby', 'Westminster Park'],
    la: CHESHIRE_WEST_AND_CHESTER,
    weight: 5,
    roads: ['Whitby Road', 'Stanney Lane', 'Overpool Road', 'Station Road', 'Chester Road'],
    primaries: 3,
    secondaries: 1,
    practices: 2,
  },
  {
    outward: 'CH66',
    postTown: 'Ellesmere Port',
    localities: ['Great Sutton', 'Little Sutton', 'Hooton', 'Childer Thornton'],
    la: CHESHIRE_WEST_AND_CHESTER,
    weight: 5,
    roads: ['Chester Road', 'Old Chester Road', 'Sutton Way', 'Berwick Road', 'Capenhurst Lane'],
    primaries: 3,
    secondaries: 1,
    practices: 2,
  },
];

const STREET_STEMS = [
  'Oak',
  'Ash',
  'Elm',
  'Beech',
  'Church',
  'Park',
  'Mill',
  'Victoria',
  'Queens',
  'Kings',
  'Station',
  'Manor',
  'Grange',
  'Windsor',
  'Albert',
  'Holly',
  'Cedar',
  'Willow',
  'Meadow',
  'Orchard',
  'Springfield',
  'Brook',
  'Hawthorn',
  'Rowan',
  'Sandy',
  'Shore',
  'Mersey',
  'Dee',
  'Hilbre',
  'Thurstaston',
  'Arrowe',
  'Storeton',
  'Raby',
  'Bidston',
  'Leasowe',
  'Caldy',
  'Dale',
  'Heath',
  'Lyndhurst',
  'Carlton',
  'Melrose',
  'Rosebery',
];
const STREET_SUFFIXES = [
  'Road',
  'Street',
  'Avenue',
  'Close',
  'Drive',
  'Lane',
  'Grove',
  'Way',
  'Crescent',
  'Gardens',
  'Court',
  'View',
];
const SCHOOL_STEMS = [
  'Park',
  'Brook',
  'Meadow',
  'Orchard',
  'Heath',
  'Shore',
  'Willow',
  'Grange',
  'Hollybank',
  'Riverside',
];
const PRACTICE_KINDS = ['Medical Centre', 'Surgery', 'Health Centre', 'Family Practice'];

// A fixed seed: places are the same in every training data set, whatever its seed.
const rng = new Random('contactpoint-training-places-v1');

let nextPhone = 1;
/** The next unused number in Ofcom's drama range for 0151. */
function allocatePhone(): string {
  if (nextPhone > 999) throw new RangeError('the 0151 496 drama range is exhausted');
  return `0151 496 ${String(nextPhone++).padStart(4, '0')}`;
}

function inwardCode(): string {
  return `${rng.int(0, 9)}${rng.pick([...INWARD_LETTERS])}${rng.pick([...INWARD_LETTERS])}`;
}

function buildStreets(spec: DistrictSpec, used: Set<string>): Street[] {
  const names = new Set(spec.roads);
  while (names.size < 24) names.add(`${rng.pick(STREET_STEMS)} ${rng.pick(STREET_SUFFIXES)}`);
  return [...names].map((name) => {
    const postcodes: string[] = [];
    const n = rng.int(1, 3);
    while (postcodes.length < n) {
      const pc = `${spec.outward} ${inwardCode()}`;
      if (used.has(pc)) continue;
      used.add(pc);
      postcodes.push(pc);
    }
    return { name, locality: rng.pick(spec.localities), postcodes };
  });
}

function siteAddress(streets: readonly Street[], postTown: string): Address {
  const street = rng.pick(streets);
  const lines = [`${rng.int(1, 120)} ${street.name}`];
  if (street.locality !== postTown) lines.push(street.locality);
  lines.push(postTown);
  return { lines, postcode: rng.pick(street.postcodes) };
}

let nextUrn = 990001;
let nextOds = 901;

function buildDistrict(spec: DistrictSpec, usedPostcodes: Set<string>, usedNames: Set<string>): District {
  const streets = buildStreets(spec, usedPostcodes);
  const uniqueName = (make: () => string): string => {
    for (;;) {
      const name = make();
      if (!usedNames.has(name)) {
        usedNames.add(name);
        return name;
      }
    }
  };
  const school = (phase: SchoolPhase, name: string): School => ({
    name,
    urn: String(nextUrn++),
    phase,
    address: siteAddress(streets, spec.postTown),
    phone: allocatePhone(),
  });
  const primarySchools = Array.from({ length: spec.primaries }, () =>
    school(
      'primary',
      uniqueName(() =>
        rng.chance(0.5)
          ? `${rng.pick(spec.localities)} ${rng.pick(SCHOOL_STEMS)} Primary School`
          : `${rng.pick(SCHOOL_STEMS)} ${rng.pick(['Community Primary School', 'Infant and Junior School', 'Primary Academy'])}`,
      ),
    ),
  );
  const secondarySchools = Array.from({ length: spec.secondaries }, () =>
    school(
      'secondary',
      uniqueName(
        () =>
          `${rng.pick(spec.localities)} ${rng.pick(['High School', 'Academy', 'Grammar School', 'Secondary School'])}`,
      ),
    ),
  );
  const prefix = spec.la === WIRRAL ? 'N85' : 'N81';
  const gpPractices = Array.from({ length: spec.practices }, () => ({
    name: uniqueName(() =>
      rng.chance(0.5)
        ? `${rng.pick(spec.localities)} ${rng.pick(PRACTICE_KINDS)}`
        : `${rng.pick(streets).name} ${rng.pick(PRACTICE_KINDS)}`,
    ),
    odsCode: `${prefix}${String(nextOds++).padStart(3, '0')}`,
    address: siteAddress(streets, spec.postTown),
    phone: allocatePhone(),
  }));
  return {
    outward: spec.outward,
    postTown: spec.postTown,
    localities: spec.localities,
    localAuthority: spec.la,
    weight: spec.weight,
    streets,
    primarySchools,
    secondarySchools,
    gpPractices,
  };
}

const usedPostcodes = new Set<string>();
const usedNames = new Set<string>();

export const districts: readonly District[] = specs.map((s) => buildDistrict(s, usedPostcodes, usedNames));

function buildCollege(name: string, outward: string): School {
  const d = districts.find((x) => x.outward === outward);
  if (!d) throw new Error(`no district ${outward}`);
  return {
    name,
    urn: String(nextUrn++),
    phase: 'college',
    address: siteAddress(d.streets, d.postTown),
    phone: allocatePhone(),
  };
}

/** Sixth-form and further-education colleges for 16 and 17 year olds, by local authority ONS code. */
export const colleges: ReadonlyMap<string, School> = new Map([
  [WIRRAL.code, buildCollege('Mersey Estuary College', 'CH41')],
  [CHESHIRE_WEST_AND_CHESTER.code, buildCollege('Dee Estuary College', 'CH65')],
]);

const byOutward = new Map(districts.map((d) => [d.outward, d]));

/** The district of a canonical postcode ("CH41 4AB" -> CH41), or undefined if it is not one of ours. */
export function districtOf(postcode: string): District | undefined {
  return byOutward.get(postcode.slice(0, postcode.indexOf(' ')));
}

/** Every outward code the training data uses. */
export const outwardCodes: readonly string[] = districts.map((d) => d.outward);

/** A practitioner's or parent's number: the 0151 drama range, or the mobile one. */
export function dramaLandline(n: number): string {
  return `0151 496 ${String(n % 1000).padStart(4, '0')}`;
}

export function dramaMobile(n: number): string {
  return `07700 900${String(n % 1000).padStart(3, '0')}`;
}
