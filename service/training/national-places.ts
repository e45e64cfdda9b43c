// Places for national training data: 150 English local authorities (real ONS codes,
// names and DfE numbers; populations rounded from the 2021 census, in thousands) with
// procedurally generated postcode districts, streets, schools, colleges and GP
// practices. The Wirral and Cheshire West and Chester keep the districts of places.ts,
// so a national dataset contains the training places unchanged. Everything else is
// invented the same way as places.ts invents streets: outward codes are in each
// authority's real postcode area but numbered here, school URNs are in 991000-999999,
// GP ODS codes are letter + 9xxxx, and telephone numbers are in Ofcom's drama ranges
// (01632 960xxx, and 020 7946 0xxx in London).
import type { Address } from '../../domain/child-record.js';
import {
  CHESHIRE_WEST_AND_CHESTER,
  colleges as trainingColleges,
  districts as trainingDistricts,
  INWARD_LETTERS,
  WIRRAL,
  type District,
  type GpPractice,
  type LocalAuthority,
  type School,
  type SchoolPhase,
  type Street,
} from './places.js';
import { Random } from './random.js';

export interface NationalAuthority extends LocalAuthority {
  /** Residents, thousands (rounded): children are shared out in proportion. */
  readonly population: number;
  /** The postcode area (the letters of its outward codes). */
  readonly area: string;
  readonly london: boolean;
}

type Row = readonly [code: string, name: string, dfeNumber: string, population: number, area: string];

// London boroughs (E09), metropolitan districts (E08), unitary authorities (E06) and
// county councils (E10): 150 children's services authorities. The City of London and
// the Isles of Scilly (a few hundred children each) and Rutland are left out.
const rows: readonly Row[] = [
  ['E09000002', 'Barking and Dagenham', '301', 219, 'RM'],
  ['E09000003', 'Barnet', '302', 389, 'N'],
  ['E09000004', 'Bexley', '303', 246, 'DA'],
  ['E09000005', 'Brent', '304', 339, 'NW'],
  ['E09000006', 'Bromley', '305', 330, 'BR'],
  ['E09000007', 'Camden', '202', 210, 'NW'],
  ['E09000008', 'Croydon', '306', 390, 'CR'],
  ['E09000009', 'Ealing', '307', 367, 'W'],
  ['E09000010', 'Enfield', '308', 330, 'EN'],
  ['E09000011', 'Greenwich', '203', 289, 'SE'],
  ['E09000012', 'Hackney', '204', 259, 'E'],
  ['E09000013', 'Hammersmith and Fulham', '205', 183, 'W'],
  ['E09000014', 'Haringey', '309', 264, 'N'],
  ['E09000015', 'Harrow', '310', 261, 'HA'],
  ['E09000016', 'Havering', '311', 262, 'RM'],
  ['E09000017', 'Hillingdon', '312', 305, 'UB'],
  ['E09000018', 'Hounslow', '313', 288, 'TW'],
  ['E09000019', 'Islington', '206', 217, 'N'],
  ['E09000020', 'Kensington and Chelsea', '207', 143, 'SW'],
  ['E09000021', 'Kingston upon Thames', '314', 168, 'KT'],
  ['E09000022', 'Lambeth', '208', 317, 'SW'],
  ['E09000023', 'Lewisham', '209', 301, 'SE'],
  ['E09000024', 'Merton', '315', 215, 'SW'],
  ['E09000025', 'Newham', '316', 351, 'E'],
  ['E09000026', 'Redbridge', '317', 311, 'IG'],
  ['E09000027', 'Richmond upon Thames', '318', 195, 'TW'],
  ['E09000028', 'Southwark', '210', 307, 'SE'],
  ['E09000029', 'Sutton', '319', 209, 'SM'],
  ['E09000030', 'Tower Hamlets', '211', 310, 'E'],
  ['E09000031', 'Waltham Forest', '320', 278, 'E'],
  ['E09000032', 'Wandsworth', '212', 328, 'SW'],
  ['E09000033', 'Westminster', '213', 205, 'W'],
  ['E08000001', 'Bolton', '350', 296, 'BL'],
  ['E08000002', 'Bury', '351', 193, 'BL'],
  ['E08000003', 'Manchester', '352', 552, 'M'],
  ['E08000004', 'Oldham', '353', 242, 'OL'],
  ['E08000005', 'Rochdale', '354', 223, 'OL'],
  ['E08000006', 'Salford', '355', 270, 'M'],
  ['E08000007', 'Stockport', '356', 294, 'SK'],
  ['E08000008', 'Tameside', '357', 231, 'OL'],
  ['E08000009', 'Trafford', '358', 235, 'M'],
  ['E08000010', 'Wigan', '359', 330, 'WN'],
  ['E08000011', 'Knowsley', '340', 155, 'L'],
  ['E08000012', 'Liverpool', '341', 487, 'L'],
  ['E08000013', 'St Helens', '342', 183, 'WA'],
  ['E08000014', 'Sefton', '343', 279, 'L'],
  ['E08000015', 'Wirral', '344', 320, 'CH'],
  ['E08000016', 'Barnsley', '370', 245, 'S'],
  ['E08000017', 'Doncaster', '371', 308, 'DN'],
  ['E08000018', 'Rotherham', '372', 265, 'S'],
  ['E08000019', 'Sheffield', '373', 556, 'S'],
  ['E08000021', 'Newcastle upon Tyne', '391', 300, 'NE'],
  ['E08000022', 'North Tyneside', '392', 209, 'NE'],
  ['E08000023', 'South Tyneside', '393', 148, 'NE'],
  ['E08000024', 'Sunderland', '394', 274, 'SR'],
  ['E08000025', 'Birmingham', '330', 1145, 'B'],
  ['E08000026', 'Coventry', '331', 345, 'CV'],
  ['E08000027', 'Dudley', '332', 323, 'DY'],
  ['E08000028', 'Sandwell', '333', 341, 'B'],
  ['E08000029', 'Solihull', '334', 216, 'B'],
  ['E08000030', 'Walsall', '335', 284, 'WS'],
  ['E08000031', 'Wolverhampton', '336', 263, 'WV'],
  ['E08000032', 'Bradford', '380', 546, 'BD'],
  ['E08000033', 'Calderdale', '381', 206, 'HX'],
  ['E08000034', 'Kirklees', '382', 434, 'HD'],
  ['E08000035', 'Leeds', '383', 812, 'LS'],
  ['E08000036', 'Wakefield', '384', 353, 'WF'],
  ['E08000037', 'Gateshead', '390', 196, 'NE'],
  ['E06000001', 'Hartlepool', '805', 92, 'TS'],
  ['E06000002', 'Middlesbrough', '806', 144, 'TS'],
  ['E06000003', 'Redcar and Cleveland', '807', 137, 'TS'],
  ['E06000004', 'Stockton-on-Tees', '808', 197, 'TS'],
  ['E06000005', 'Darlington', '841', 108, 'DL'],
  ['E06000006', 'Halton', '876', 128, 'WA'],
  ['E06000007', 'Warrington', '877', 211, 'WA'],
  ['E06000008', 'Blackburn with Darwen', '889', 154, 'BB'],
  ['E06000009', 'Blackpool', '890', 141, 'FY'],
  ['E06000010', 'Kingston upon Hull', '810', 267, 'HU'],
  ['E06000011', 'East Riding of Yorkshire', '811', 342, 'YO'],
  ['E06000012', 'North East Lincolnshire', '812', 157, 'DN'],
  ['E06000013', 'North Lincolnshire', '813', 169, 'DN'],
  ['E06000014', 'York', '816', 202, 'YO'],
  ['E06000015', 'Derby', '831', 261, 'DE'],
  ['E06000016', 'Leicester', '856', 368, 'LE'],
  ['E06000018', 'Nottingham', '892', 323, 'NG'],
  ['E06000019', 'Herefordshire', '884', 187, 'HR'],
  ['E06000020', 'Telford and Wrekin', '894', 185, 'TF'],
  ['E06000021', 'Stoke-on-Trent', '861', 259, 'ST'],
  ['E06000022', 'Bath and North East Somerset', '800', 193, 'BA'],
  ['E06000023', 'Bristol', '801', 472, 'BS'],
  ['E06000024', 'North Somerset', '802', 216, 'BS'],
  ['E06000025', 'South Gloucestershire', '803', 290, 'BS'],
  ['E06000026', 'Plymouth', '879', 264, 'PL'],
  ['E06000027', 'Torbay', '880', 139, 'TQ'],
  ['E06000030', 'Swindon', '866', 233, 'SN'],
  ['E06000031', 'Peterborough', '874', 215, 'PE'],
  ['E06000032', 'Luton', '821', 225, 'LU'],
  ['E06000033', 'Southend-on-Sea', '882', 181, 'SS'],
  ['E06000034', 'Thurrock', '883', 176, 'RM'],
  ['E06000035', 'Medway', '887', 279, 'ME'],
  ['E06000036', 'Bracknell Forest', '867', 125, 'RG'],
  ['E06000037', 'West Berkshire', '869', 162, 'RG'],
  ['E06000038', 'Reading', '870', 174, 'RG'],
  ['E06000039', 'Slough', '871', 158, 'SL'],
  ['E06000040', 'Windsor and Maidenhead', '868', 154, 'SL'],
  ['E06000041', 'Wokingham', '872', 177, 'RG'],
  ['E06000042', 'Milton Keynes', '826', 287, 'MK'],
  ['E06000043', 'Brighton and Hove', '846', 277, 'BN'],
  ['E06000044', 'Portsmouth', '851', 208, 'PO'],
  ['E06000045', 'Southampton', '852', 249, 'SO'],
  ['E06000046', 'Isle of Wight', '921', 140, 'PO'],
  ['E06000047', 'County Durham', '840', 522, 'DH'],
  ['E06000049', 'Cheshire East', '895', 398, 'CW'],
  ['E06000050', 'Cheshire West and Chester', '896', 357, 'CH'],
  ['E06000051', 'Shropshire', '893', 323, 'SY'],
  ['E06000052', 'Cornwall', '908', 570, 'TR'],
  ['E06000054', 'Wiltshire', '865', 510, 'SN'],
  ['E06000055', 'Bedford', '822', 185, 'MK'],
  ['E06000056', 'Central Bedfordshire', '823', 294, 'LU'],
  ['E06000057', 'Northumberland', '929', 320, 'NE'],
  ['E06000058', 'Bournemouth, Christchurch and Poole', '839', 400, 'BH'],
  ['E06000059', 'Dorset', '838', 379, 'DT'],
  ['E06000060', 'Buckinghamshire', '825', 553, 'HP'],
  ['E06000061', 'North Northamptonshire', '940', 359, 'NN'],
  ['E06000062', 'West Northamptonshire', '941', 425, 'NN'],
  ['E06000063', 'Cumberland', '942', 274, 'CA'],
  ['E06000064', 'Westmorland and Furness', '943', 225, 'LA'],
  ['E06000065', 'North Yorkshire', '815', 615, 'HG'],
  ['E06000066', 'Somerset', '933', 572, 'TA'],
  ['E10000003', 'Cambridgeshire', '873', 678, 'CB'],
  ['E10000007', 'Derbyshire', '830', 795, 'DE'],
  ['E10000008', 'Devon', '878', 811, 'EX'],
  ['E10000011', 'East Sussex', '845', 546, 'TN'],
  ['E10000012', 'Essex', '881', 1503, 'CM'],
  ['E10000013', 'Gloucestershire', '916', 645, 'GL'],
  ['E10000014', 'Hampshire', '850', 1400, 'SO'],
  ['E10000015', 'Hertfordshire', '919', 1198, 'AL'],
  ['E10000016', 'Kent', '886', 1577, 'CT'],
  ['E10000017', 'Lancashire', '888', 1235, 'PR'],
  ['E10000018', 'Leicestershire', '855', 712, 'LE'],
  ['E10000019', 'Lincolnshire', '925', 768, 'LN'],
  ['E10000020', 'Norfolk', '926', 916, 'NR'],
  ['E10000024', 'Nottinghamshire', '891', 824, 'NG'],
  ['E10000025', 'Oxfordshire', '931', 725, 'OX'],
  ['E10000028', 'Staffordshire', '860', 876, 'ST'],
  ['E10000029', 'Suffolk', '935', 761, 'IP'],
  ['E10000030', 'Surrey', '936', 1203, 'GU'],
  ['E10000031', 'Warwickshire', '937', 597, 'CV'],
  ['E10000032', 'West Sussex', '938', 882, 'RH'],
  ['E10000034', 'Worcestershire', '885', 604, 'WR'],
];

/** The 150 authorities, in the order of the table above. */
export const nationalAuthorities: readonly NationalAuthority[] = rows.map(
  ([code, name, dfeNumber, population, area]) => {
    const base =
      code === WIRRAL.code ? WIRRAL : code === CHESHIRE_WEST_AND_CHESTER.code ? CHESHIRE_WEST_AND_CHESTER : null;
    return { ...(base ?? { code, name, dfeNumber }), population, area, london: code.startsWith('E09') };
  },
);

/** What the generator needs of a set of places. */
export interface Places {
  readonly districts: readonly District[];
  /** Relative share of children, parallel to districts. */
  readonly weights: readonly number[];
  readonly colleges: ReadonlyMap<string, School>;
  districtOf(postcode: string): District | undefined;
  /** A practitioner's landline in the authority's drama range. */
  landline(la: LocalAuthority, n: number): string;
}

const SYLLABLES = [
  'Ash',
  'Brad',
  'Brom',
  'Cal',
  'Chal',
  'Dun',
  'Elm',
  'Fair',
  'Gar',
  'Hale',
  'Hart',
  'Kings',
  'Lang',
  'Mar',
  'Mil',
  'New',
  'Nor',
  'Oak',
  'Pen',
  'Red',
  'Sal',
  'Stan',
  'Thorn',
  'Up',
  'Wal',
  'West',
  'Whit',
  'Wood',
];
const ENDINGS = [
  'bury',
  'by',
  'cester',
  'den',
  'field',
  'ford',
  'ham',
  'hurst',
  'ley',
  'minster',
  'stead',
  'ton',
  'well',
  'wick',
  'worth',
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
  'Chestnut',
  'Highfield',
  'School',
  'Green',
  'Hill',
  'Dale',
  'Heath',
  'Carlton',
  'Melrose',
  'Rosebery',
  'York',
  'Stanley',
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
  'Willow',
  'Grange',
  'Hollybank',
  'Riverside',
  'Oakfield',
];
const PRACTICE_KINDS = ['Medical Centre', 'Surgery', 'Health Centre', 'Family Practice'];
const ODS_LETTERS = 'ABCDEFGHJKLMNPY';

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function londonLandline(n: number): string {
  return `020 7946 0${pad(n % 1000, 3)}`;
}

function fictionalLandline(n: number): string {
  return `01632 960${pad(n % 1000, 3)}`;
}

/** Postcode districts per authority: about one per 80,000 residents, at least three. */
function districtCount(a: NationalAuthority): number {
  return Math.max(3, Math.round(a.population / 80));
}

function build(authorities: readonly NationalAuthority[]): Places {
  // A fixed seed: the same places whatever the children's seed.
  const rng = new Random('contactpoint-national-places-v1');
  const usedOutward = new Set(trainingDistricts.map((d) => d.outward));
  const usedPostcodes = new Set<string>();
  for (const d of trainingDistricts) for (const s of d.streets) for (const p of s.postcodes) usedPostcodes.add(p);
  const nextNumber = new Map<string, number>();
  let nextUrn = 991_000;
  let nextOds = 0;
  let nextPhone = 0;

  const outwardIn = (area: string): string => {
    for (;;) {
      const n = nextNumber.get(area) ?? 1;
      if (n > 99) throw new RangeError(`postcode area ${area} has no district numbers left`);
      nextNumber.set(area, n + 1);
      const outward = `${area}${n}`;
      if (!usedOutward.has(outward)) {
        usedOutward.add(outward);
        return outward;
      }
    }
  };
  const townName = () => `${rng.pick(SYLLABLES)}${rng.pick(ENDINGS)}`;
  const inwardCode = () =>
    `${rng.int(0, 9)}${INWARD_LETTERS.charAt(rng.int(0, INWARD_LETTERS.length - 1))}${INWARD_LETTERS.charAt(rng.int(0, INWARD_LETTERS.length - 1))}`;
  const siteAddress = (streets: readonly Street[], postTown: string): Address => {
    const street = rng.pick(streets);
    const lines = [`${rng.int(1, 120)} ${street.name}`];
    if (street.locality !== postTown) lines.push(street.locality);
    lines.push(postTown);
    return { lines, postcode: rng.pick(street.postcodes) };
  };
  const urn = () => {
    if (nextUrn > 999_999) throw new RangeError('the invented URN range is exhausted');
    return String(nextUrn++);
  };

  const districts: District[] = [];
  const weights: number[] = [];
  const colleges = new Map<string, School>();
  for (const la of authorities) {
    const phone = () => (la.london ? londonLandline(nextPhone++) : fictionalLandline(nextPhone++));
    const own = trainingDistricts.filter((d) => d.localAuthority.code === la.code);
    if (own.length > 0) {
      // The training places, unchanged, sharing the authority's population by their own weights.
      const total = own.reduce((s, d) => s + d.weight, 0);
      for (const d of own) {
        districts.push(d);
        weights.push((la.population * d.weight) / total);
      }
      colleges.set(la.code, trainingColleges.get(la.code)!);
      continue;
    }
    const n = districtCount(la);
    const towns = la.london ? ['London'] : Array.from({ length: Math.max(1, Math.round(n / 3)) }, townName);
    const usedNames = new Set<string>();
    const uniqueName = (make: () => string): string => {
      for (;;) {
        const name = make();
        if (!usedNames.has(name)) {
          usedNames.add(name);
          return name;
        }
      }
    };
    const mine: District[] = [];
    for (let i = 0; i < n; i++) {
      const outward = outwardIn(la.area);
      const postTown = la.london ? 'London' : towns[i % towns.length]!;
      const localities = la.london
        ? Array.from({ length: 3 }, () => `${rng.pick(SYLLABLES)}${rng.pick(ENDINGS)}`)
        : [postTown, townName(), townName()];
      const streetNames = new Set<string>();
      while (streetNames.size < 24) streetNames.add(`${rng.pick(STREET_STEMS)} ${rng.pick(STREET_SUFFIXES)}`);
      const streets: Street[] = [...streetNames].map((name) => {
        const postcodes: string[] = [];
        const count = rng.int(1, 3);
        while (postcodes.length < count) {
          const pc = `${outward} ${inwardCode()}`;
          if (usedPostcodes.has(pc)) continue;
          usedPostcodes.add(pc);
          postcodes.push(pc);
        }
        return { name, locality: rng.pick(localities), postcodes };
      });
      const school = (phase: SchoolPhase, name: string): School => ({
        name,
        urn: urn(),
        phase,
        address: siteAddress(streets, postTown),
        phone: phone(),
      });
      const primaries = Math.max(2, Math.round(la.population / n / 20));
      const primarySchools = Array.from({ length: primaries }, () =>
        school(
          'primary',
          uniqueName(() =>
            rng.chance(0.5)
              ? `${rng.pick(localities)} ${rng.pick(SCHOOL_STEMS)} Primary School`
              : `${rng.pick(SCHOOL_STEMS)} ${rng.pick(['Community Primary School', 'Infant and Junior School', 'Primary Academy'])} (${rng.pick(localities)})`,
          ),
        ),
      );
      const secondarySchools = [
        school(
          'secondary',
          uniqueName(
            () =>
              `${rng.pick(localities)} ${rng.pick(['High School', 'Academy', 'Grammar School', 'Secondary School'])}`,
          ),
        ),
      ];
      const gpPractices: GpPractice[] = Array.from({ length: Math.max(1, Math.round(primaries / 2)) }, () => {
        const k = nextOds++;
        return {
          name: uniqueName(() =>
            rng.chance(0.5)
              ? `${rng.pick(localities)} ${rng.pick(PRACTICE_KINDS)}`
              : `${rng.pick(streets).name} ${rng.pick(PRACTICE_KINDS)}`,
          ),
          odsCode: `${ODS_LETTERS.charAt(Math.floor(k / 1000) % ODS_LETTERS.length)}9${pad(k % 1000, 4)}`,
          address: siteAddress(streets, postTown),
          phone: phone(),
        };
      });
      const district: District = {
        outward,
        postTown,
        localities,
        localAuthority: la,
        weight: la.population / n,
        streets,
        primarySchools,
        secondarySchools,
        gpPractices,
      };
      mine.push(district);
      districts.push(district);
      weights.push(la.population / n);
    }
    const first = mine[0]!;
    colleges.set(la.code, {
      name: `${la.london ? la.name : first.postTown} College`,
      urn: urn(),
      phase: 'college',
      address: siteAddress(first.streets, first.postTown),
      phone: phone(),
    });
  }
  const byOutward = new Map(districts.map((d) => [d.outward, d]));
  const london = new Set(authorities.filter((a) => a.london).map((a) => a.code));
  return {
    districts,
    weights,
    colleges,
    districtOf: (postcode) => byOutward.get(postcode.slice(0, postcode.indexOf(' '))),
    landline: (la, n) => (london.has(la.code) ? londonLandline(n) : fictionalLandline(n)),
  };
}

/** The most authorities a national dataset can have. */
export const MAX_NATIONAL_AUTHORITIES = nationalAuthorities.length;

/**
 * The first `count` authorities by population, always including the Wirral and
 * Cheshire West and Chester (so every national dataset holds the training places).
 */
export function authoritiesFor(count: number): readonly NationalAuthority[] {
  if (!Number.isInteger(count) || count < 2 || count > MAX_NATIONAL_AUTHORITIES) {
    throw new RangeError(`authorities must be a whole number from 2 to ${MAX_NATIONAL_AUTHORITIES}: ${count}`);
  }
  const isTraining = (a: NationalAuthority) => a.code === WIRRAL.code || a.code === CHESHIRE_WEST_AND_CHESTER.code;
  const others = nationalAuthorities
    .filter((a) => !isTraining(a))
    .sort((a, b) => b.population - a.population || (a.code < b.code ? -1 : 1))
    .slice(0, count - 2);
  const chosen = new Set([...nationalAuthorities.filter(isTraining), ...others]);
  // In the order of the table above.
  return nationalAuthorities.filter((a) => chosen.has(a));
}

const cache = new Map<number, Places>();

/** The places of a national dataset of `authorities` authorities (built once per count). */
export function nationalPlaces(authorities: number): Places {
  let places = cache.get(authorities);
  if (!places) {
    places = build(authoritiesFor(authorities));
    cache.set(authorities, places);
  }
  return places;
}
