// Deterministic training data: children of the Wirral (and its Cheshire West and
// Chester neighbours) as ContactPoint would hold them, with what each national and
// local supplier said about them, including the mistakes suppliers make, and the
// ground truth (truthId) that tells a benchmark which records are the same child.
//
// Output is a stream, generated household by household from one seeded stream of
// random numbers, so a run never depends on its own length: the first N children of
// any run are exactly a run of N. Nothing reads the clock or Math.random; "today" is
// given by the caller.
import type {
  Address,
  ChildRecord,
  Education,
  Gender,
  GpPractice as GpPracticeRecord,
  Involvement,
  Parent,
  SensitiveCategory,
  Supplier,
  SupplierRecord,
  Whereabouts,
} from '../../domain/child-record.js';
import { cpNumberFromSerial } from '../../domain/cp-number.js';
import { addYears, ageOn, dayNumber, isoFromDayNumber, parseIsoDate, transposeDayMonth } from '../../domain/dates.js';
import { nhsCheckDigit } from '../../domain/nhs-number.js';
import { upnCheckLetter } from '../../domain/upn.js';
import {
  adultFemaleGivenNames,
  adultMaleGivenNames,
  boysGivenNames,
  familyNames,
  girlsGivenNames,
  hostileNames,
  nicknamesOf,
  spellingVariantsOf,
} from './names.js';
import { MAX_NATIONAL_AUTHORITIES, nationalPlaces, type Places } from './national-places.js';
import {
  CHESHIRE_WEST_AND_CHESTER,
  colleges,
  districtOf,
  districts,
  dramaLandline,
  dramaMobile,
  INWARD_LETTERS,
  WIRRAL,
  type District,
  type LocalAuthority,
  type School,
} from './places.js';
import { Random, WeightedTable } from './random.js';

export interface GenerateChildrenOptions {
  /** Same seed, count and today: the same children, every time. */
  seed: string | number;
  /** How many records to emit, duplicates included. */
  count: number;
  /** The injected clock: ages, school years and supply dates are worked out from it. */
  today: string;
  /**
   * National mode: children of this many English authorities (2 to 150, always
   * including the Wirral and Cheshire West and Chester), shared out by population,
   * each authority with its own districts, schools and GP practices. Left out: the
   * training places (the Wirral and its neighbours), exactly as before.
   */
  authorities?: number | undefined;
}

export interface GeneratedChild {
  record: ChildRecord;
  /** The real child behind the record: a duplicate record shares its original's truthId. */
  truthId: string;
  /**
   * What suppliers sent about this child (one to four). For a duplicate record, the
   * one supply it was wrongly created from.
   */
  supplies: SupplierRecord[];
}

/** Enough for any benchmark, and far inside the ContactPoint serial space. */
export const MAX_TRAINING_COUNT = 20_000_000;

// Rates the tests and benchmarks rely on: change them here, not inline.
export const TRAINING_RATES = {
  /** Per birth: the chance it is twins. About 1.6% of children are then twins. */
  twinBirth: 0.008,
  /** Per household, so that siblings are shielded together; about 0.5% of children. */
  shieldedHousehold: 0.005,
  /** Per child: the chance a supply also created a second record for it. */
  duplicate: 0.014,
  /**
   * Shielded children move and change names more often, which is what made the 2009
   * feed create unshielded duplicates of them: benchmarks need some of those.
   */
  duplicateOfShielded: 0.12,
  /** Per supply: the chance it carries a mistake. */
  corruptSupply: 0.16,
  /** Per household: young adults (care leavers, Connexions) kept past 18. */
  youngAdult: 0.003,
  nhsNumber: 0.975,
  /** Children of statutory school age who are in school; the rest have no setting. */
  inSchool: 0.985,
  gp: 0.97,
  /** One child in this many has a hostile name (always including an early one). */
  hostileNameEvery: 5000,
} as const;

// ---------------------------------------------------------------------------
// Fixed tables, built once.

const FAMILY_NAMES = WeightedTable.fromPairs(familyNames);
const BOYS = WeightedTable.fromPairs(boysGivenNames);
const GIRLS = WeightedTable.fromPairs(girlsGivenNames);
/** The training places: the Wirral and the neighbouring part of Cheshire West and Chester. */
const TRAINING_PLACES: Places = {
  districts,
  weights: districts.map((d) => d.weight),
  colleges,
  districtOf,
  landline: (_la, n) => dramaLandline(n),
};
const BIRTHS = new WeightedTable([1, 2, 3, 4, 5, 6], [42, 36, 14, 5, 2, 1]);
const GENDERS = new WeightedTable<Gender>(['male', 'female', 'not-specified'], [50.6, 49.1, 0.3]);

type Structure =
  'two-parents' | 'single-mother' | 'single-father' | 'mother-and-step-parent' | 'grandparents' | 'foster-carer';
const STRUCTURES = WeightedTable.fromPairs<Structure>([
  ['two-parents', 64],
  ['single-mother', 22],
  ['single-father', 3],
  ['mother-and-step-parent', 6],
  ['grandparents', 2],
  ['foster-carer', 1],
]);

const WHEREABOUTS = WeightedTable.fromPairs<Whereabouts>([
  ['current', 96.5],
  ['last-known', 1.5],
  ['no-known-address', 0.5],
  ['left-england', 1.5],
]);
const YOUNG_ADULT_WHEREABOUTS = WeightedTable.fromPairs<Whereabouts>([
  ['current', 90],
  ['last-known', 4],
  ['no-known-address', 6],
]);
const INTENDS_TO_RETURN = WeightedTable.fromPairs<'yes' | 'no' | 'not-known'>([
  ['yes', 3],
  ['no', 2],
  ['not-known', 5],
]);

type Corruption =
  | 'typo-family'
  | 'typo-given'
  | 'nickname'
  | 'spelling-variant'
  | 'swapped-day-month'
  | 'swapped-names'
  | 'older-address'
  | 'postcode-typo'
  | 'gender-not-specified';
const CORRUPTIONS = WeightedTable.fromPairs<Corruption>([
  ['typo-family', 22],
  ['typo-given', 18],
  ['nickname', 12],
  ['spelling-variant', 8],
  ['swapped-day-month', 12],
  ['swapped-names', 6],
  ['older-address', 12],
  ['postcode-typo', 6],
  ['gender-not-specified', 4],
]);

const LOWER = 'abcdefghijklmnopqrstuvwxyz';

type ServiceKind = 'health' | 'council' | 'youth-justice';
interface ServiceSpec {
  service: string;
  kind: ServiceKind;
  minAge: number;
  maxAge: number;
  /** Chance, for a child in the age band. */
  p: number;
  sensitive?: SensitiveCategory;
  lead: number;
  caf: number;
  ended: number;
}

const SERVICES: readonly ServiceSpec[] = [
  { service: 'Health visiting', kind: 'health', minAge: 0, maxAge: 4, p: 0.55, lead: 0.05, caf: 0.03, ended: 0 },
  { service: 'School nursing', kind: 'health', minAge: 5, maxAge: 17, p: 0.08, lead: 0.05, caf: 0.05, ended: 0.3 },
  {
    service: "Children's social care",
    kind: 'council',
    minAge: 0,
    maxAge: 17,
    p: 0.04,
    lead: 0.6,
    caf: 0.3,
    ended: 0.3,
  },
  {
    service: 'Early help and family support',
    kind: 'council',
    minAge: 0,
    maxAge: 17,
    p: 0.05,
    lead: 0.5,
    caf: 0.7,
    ended: 0.35,
  },
  {
    service: 'Youth offending team',
    kind: 'youth-justice',
    minAge: 10,
    maxAge: 17,
    p: 0.015,
    lead: 0.3,
    caf: 0.2,
    ended: 0.4,
  },
  {
    service: 'Targeted youth support',
    kind: 'council',
    minAge: 13,
    maxAge: 17,
    p: 0.05,
    lead: 0.2,
    caf: 0.2,
    ended: 0.4,
  },
  {
    service: 'Educational psychology',
    kind: 'council',
    minAge: 4,
    maxAge: 17,
    p: 0.02,
    lead: 0.1,
    caf: 0.1,
    ended: 0.4,
  },
  {
    service: 'Speech and language therapy',
    kind: 'health',
    minAge: 1,
    maxAge: 10,
    p: 0.03,
    lead: 0.05,
    caf: 0.05,
    ended: 0.4,
  },
  {
    service: 'Child and adolescent mental health service',
    kind: 'health',
    minAge: 5,
    maxAge: 17,
    p: 0.019,
    sensitive: 'mental-health',
    lead: 0.1,
    caf: 0.1,
    ended: 0.3,
  },
  {
    service: 'Sexual health service',
    kind: 'health',
    minAge: 13,
    maxAge: 17,
    p: 0.012,
    sensitive: 'sexual-health',
    lead: 0,
    caf: 0,
    ended: 0.5,
  },
  {
    service: "Young people's substance misuse service",
    kind: 'health',
    minAge: 12,
    maxAge: 17,
    p: 0.009,
    sensitive: 'substance-misuse',
    lead: 0.1,
    caf: 0.1,
    ended: 0.4,
  },
];
const LEAVING_CARE: ServiceSpec = {
  service: 'Leaving care service',
  kind: 'council',
  minAge: 18,
  maxAge: 24,
  p: 1,
  lead: 1,
  caf: 0,
  ended: 0,
};

function organisation(kind: ServiceKind, la: LocalAuthority): { name: string; domain: string } {
  if (la.code !== WIRRAL.code && la.code !== CHESHIRE_WEST_AND_CHESTER.code) {
    // A national dataset's other authorities.
    const domain = slug(la.name);
    switch (kind) {
      case 'health':
        return { name: `${la.name} community health services`, domain: `${domain}-health.example` };
      case 'council':
        return { name: `${la.name} children's services`, domain: `${domain}-council.example` };
      case 'youth-justice':
        return { name: `${la.name} youth justice service`, domain: `${domain}-council.example` };
    }
  }
  const wirral = la.code === WIRRAL.code;
  switch (kind) {
    case 'health':
      return wirral
        ? { name: 'Wirral community health services', domain: 'wirral-health.example' }
        : { name: 'West Cheshire community health services', domain: 'westcheshire-health.example' };
    case 'council':
      return wirral
        ? { name: "Wirral children's services", domain: 'wirral-council.example' }
        : { name: "Cheshire West and Chester children's services", domain: 'cwac-council.example' };
    case 'youth-justice':
      return wirral
        ? { name: 'Wirral youth justice service', domain: 'wirral-council.example' }
        : { name: 'Cheshire youth justice services', domain: 'cwac-council.example' };
  }
}

// ---------------------------------------------------------------------------
// Small helpers.

function cloneAddress(a: Address): Address {
  return { lines: [...a.lines], postcode: a.postcode };
}

function slug(s: string): string {
  return s
    .normalize('NFD')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** A keyboard slip inside a name: one letter changed, dropped or doubled. Null if the name has no room for one. */
function typo(r: Random, s: string): string | null {
  for (let attempt = 0; attempt < 6; attempt++) {
    // Never the first character, and only lower-case letters, so the result keeps
    // its capital and never gains leading or trailing space.
    const i = r.int(1, Math.max(1, s.length - 1));
    const c = s.charAt(i);
    if (c < 'a' || c > 'z') continue;
    const op = r.int(0, 2);
    if (op === 0) {
      let sub = c;
      while (sub === c) sub = LOWER.charAt(r.int(0, 25));
      return s.slice(0, i) + sub + s.slice(i + 1);
    }
    if (op === 1 && s.length > 2) return s.slice(0, i) + s.slice(i + 1);
    if (s.length < 100) return s.slice(0, i + 1) + s.slice(i);
  }
  return null;
}

/** The same street with a slip in the postcode's inward code: still a valid postcode in the same district. */
function postcodeTypo(r: Random, postcode: string): string {
  const space = postcode.indexOf(' ');
  const outward = postcode.slice(0, space);
  const inward = postcode.slice(space + 1);
  const at = r.int(0, 2);
  let replacement = inward.charAt(at);
  while (replacement === inward.charAt(at)) {
    replacement = at === 0 ? String(r.int(0, 9)) : INWARD_LETTERS.charAt(r.int(0, INWARD_LETTERS.length - 1));
  }
  return `${outward} ${inward.slice(0, at)}${replacement}${inward.slice(at + 1)}`;
}

// ---------------------------------------------------------------------------

interface Household {
  district: District;
  /** The current address, or the last one known when the family's whereabouts are not current. */
  address: Address;
  /** Where the family lived before moving on `movedDay`. */
  previous?: { address: Address; movedDay: number };
  whereabouts: Whereabouts;
  intendsToReturn?: 'yes' | 'no' | 'not-known';
  shielded: boolean;
  parents: Parent[];
  primary: School;
  secondary: School;
  gp: GpPracticeRecord | undefined;
}

/** One real child while it is being built: what suppliers could know about it. */
interface ChildTruth {
  /** Position among the real children of the run: the truthId, and what picks hostile names. */
  ordinal: number;
  household: Household;
  given: string;
  family: string;
  /** The surname before a parent's remarriage, and the day it changed. */
  former?: { family: string; changedDay: number };
  gender: Gender;
  dobDay: number;
  dob: string;
  archiveAge: number;
  nhsNumber?: string;
  upn?: string;
  bornInEngland: boolean;
  involvements: Involvement[];
}

class Generation {
  private readonly r: Random;
  private readonly todayDay: number;
  /** The earliest date of birth of a child under 18 today. */
  private readonly minChildDay: number;
  /** The year in which the current school year began (1 September). */
  private readonly schoolYearStart: number;
  private cpSerial = 1;
  private nhsCursor = 0;
  private readonly nhsOffset: number;
  private upnCounter = 0;
  private refCounter = 0;
  private involvementCounter = 0;
  private childOrdinal = 0;
  private readonly districtTable: WeightedTable<District>;

  constructor(
    seed: string | number,
    private readonly today: string,
    private readonly places: Places = TRAINING_PLACES,
  ) {
    this.districtTable = new WeightedTable(places.districts, places.weights);
    this.r = new Random(seed);
    this.todayDay = dayNumber(today);
    this.minChildDay = dayNumber(addYears(today, -18)) + 1;
    const cal = parseIsoDate(today)!;
    this.schoolYearStart = cal.month >= 9 ? cal.year : cal.year - 1;
    this.nhsOffset = this.r.int(0, 999_999);
  }

  /** A household's records: its children in birth order, then any duplicates of them. */
  nextHousehold(): GeneratedChild[] {
    const r = this.r;
    if (r.chance(TRAINING_RATES.youngAdult)) return this.youngAdult();

    const district = r.weightedPick(this.districtTable);
    const shielded = r.chance(TRAINING_RATES.shieldedHousehold);
    // A shielded child is shielded because there is an address to hide.
    const whereabouts: Whereabouts = shielded ? 'current' : r.weightedPick(WHEREABOUTS);

    const dobDays = this.birthDays();
    const eldestDay = dobDays[0]!;
    const youngestDay = dobDays[dobDays.length - 1]!;

    const address = this.homeAddress(district);
    let previous: Household['previous'];
    if (r.chance(0.25) && eldestDay < this.todayDay) {
      const from = r.chance(0.6) ? district : r.weightedPick(this.districtTable);
      previous = { address: this.homeAddress(from), movedDay: r.int(eldestDay + 1, this.todayDay) };
    }

    // Surnames and parents.
    const structure = r.weightedPick(STRUCTURES);
    const fatherSurname = r.weightedPick(FAMILY_NAMES);
    const motherBirthSurname = r.weightedPick(FAMILY_NAMES);
    const married = r.chance(0.55);
    let motherSurname = married ? fatherSurname : motherBirthSurname;
    let childSurname: string = fatherSurname;
    let otherSurname: string = motherSurname;
    let stepSurname: string | undefined;
    const parentsDraft: { given: string; family: string; relationship: Parent['relationship'] }[] = [];
    const mother = () => ({
      given: r.pick(adultFemaleGivenNames),
      family: motherSurname,
      relationship: 'mother' as const,
    });
    const father = () => ({
      given: r.pick(adultMaleGivenNames),
      family: fatherSurname,
      relationship: 'father' as const,
    });
    switch (structure) {
      case 'two-parents':
        if (!married && r.chance(0.25)) childSurname = motherSurname;
        else if (!married && r.chance(0.08)) childSurname = `${motherSurname}-${fatherSurname}`;
        parentsDraft.push(mother(), father());
        break;
      case 'single-mother':
        childSurname = r.chance(0.6) ? motherSurname : fatherSurname;
        otherSurname = childSurname === motherSurname ? fatherSurname : motherSurname;
        parentsDraft.push(mother());
        break;
      case 'single-father':
        parentsDraft.push(father());
        break;
      case 'mother-and-step-parent': {
        stepSurname = r.weightedPick(FAMILY_NAMES);
        motherSurname = stepSurname;
        parentsDraft.push(mother(), {
          given: r.pick(adultMaleGivenNames),
          family: stepSurname,
          relationship: 'step-parent',
        });
        break;
      }
      case 'grandparents': {
        const gpSurname = r.chance(0.5) ? motherBirthSurname : fatherSurname;
        parentsDraft.push({ given: r.pick(adultFemaleGivenNames), family: gpSurname, relationship: 'grandparent' });
        if (r.chance(0.5))
          parentsDraft.push({ given: r.pick(adultMaleGivenNames), family: gpSurname, relationship: 'grandparent' });
        break;
      }
      case 'foster-carer':
        parentsDraft.push({
          given: r.pick(adultFemaleGivenNames),
          family: r.weightedPick(FAMILY_NAMES),
          relationship: 'carer',
        });
        break;
    }
    // After a remarriage most children take the step-parent's surname; the old one becomes a former name.
    const renamed = stepSurname !== undefined && stepSurname !== childSurname && r.chance(0.6);
    const renameDay = renamed ? r.int(youngestDay, this.todayDay) : 0;

    const hasContact = whereabouts === 'current' || whereabouts === 'last-known';
    const parents: Parent[] = parentsDraft.map((p) => {
      const contact: NonNullable<Parent['contact']> = {};
      if (hasContact) contact.address = cloneAddress(address);
      if (r.chance(0.8)) contact.phone = dramaMobile(r.int(0, 999));
      const parent: Parent = { name: `${p.given} ${p.family}`, relationship: p.relationship };
      if (contact.address || contact.phone) parent.contact = contact;
      return parent;
    });

    const gpSite =
      r.chance(TRAINING_RATES.gp) && (whereabouts !== 'left-england' || r.chance(0.15))
        ? r.pick(district.gpPractices)
        : undefined;
    const household: Household = {
      district,
      address,
      whereabouts,
      shielded,
      parents,
      primary: r.pick(district.primarySchools),
      secondary: r.pick(district.secondarySchools),
      gp: gpSite && {
        name: gpSite.name,
        odsCode: gpSite.odsCode,
        contact: { address: cloneAddress(gpSite.address), phone: gpSite.phone },
      },
    };
    if (previous) household.previous = previous;
    if (whereabouts === 'left-england') household.intendsToReturn = r.weightedPick(INTENDS_TO_RETURN);

    const out: GeneratedChild[] = [];
    const duplicates: GeneratedChild[] = [];
    const usedGiven = new Set<string>();
    let previousDay = Number.NaN;
    let family = childSurname;
    for (const dobDay of dobDays) {
      // Half-siblings: now and then a child carries the other parent's surname (twins share theirs).
      if (dobDay !== previousDay) family = r.chance(0.06) ? otherSurname : childSurname;
      previousDay = dobDay;
      const truth = this.newChild(household, dobDay, family, usedGiven, 18);
      if (renamed && truth.family === childSurname && stepSurname) {
        truth.former = { family: truth.family, changedDay: renameDay };
        truth.family = stepSurname;
      }
      this.emit(truth, out, duplicates);
    }
    return out.concat(duplicates);
  }

  /** Care leavers (to 25) and Connexions clients (to 19) whose records stay past 18, with consent. */
  private youngAdult(): GeneratedChild[] {
    const r = this.r;
    const careLeaver = r.chance(0.75);
    const archiveAge = careLeaver ? 25 : 19;
    const district = r.weightedPick(this.districtTable);
    const whereabouts = r.weightedPick(YOUNG_ADULT_WHEREABOUTS);
    const parents: Parent[] = [];
    if (!careLeaver || r.chance(0.4)) {
      parents.push({
        name: `${r.pick(adultFemaleGivenNames)} ${r.weightedPick(FAMILY_NAMES)}`,
        relationship: 'mother',
      });
    }
    const gpSite = r.chance(0.9) ? r.pick(district.gpPractices) : undefined;
    const household: Household = {
      district,
      address: this.homeAddress(district),
      whereabouts,
      shielded: false,
      parents,
      primary: r.pick(district.primarySchools),
      secondary: r.pick(district.secondarySchools),
      gp: gpSite && {
        name: gpSite.name,
        odsCode: gpSite.odsCode,
        contact: { address: cloneAddress(gpSite.address), phone: gpSite.phone },
      },
    };
    // Old enough to be past 18 today, young enough not to be archived yet.
    const earliest = dayNumber(addYears(this.today, -archiveAge)) + 1;
    const latest = this.minChildDay - 1;
    const truth = this.newChild(
      household,
      r.int(earliest, latest),
      r.weightedPick(FAMILY_NAMES),
      new Set(),
      archiveAge,
    );
    if (careLeaver) truth.involvements.push(this.involvement(LEAVING_CARE, truth, false));
    const out: GeneratedChild[] = [];
    const duplicates: GeneratedChild[] = [];
    this.emit(truth, out, duplicates);
    return out.concat(duplicates);
  }

  /** Dates of birth of a household's children: siblings one to six years apart, and now and then twins. */
  private birthDays(): number[] {
    const r = this.r;
    const births = r.weightedPick(BIRTHS);
    const gaps: number[] = [];
    let span = 0;
    const room = this.todayDay - this.minChildDay;
    for (let i = 1; i < births; i++) {
      const gap = r.int(300, 2200);
      if (span + gap > room) break;
      gaps.push(gap);
      span += gap;
    }
    let day = r.int(this.minChildDay, this.todayDay - span);
    const days: number[] = [];
    for (let i = 0; i <= gaps.length; i++) {
      days.push(day);
      if (r.chance(TRAINING_RATES.twinBirth)) days.push(day);
      if (i < gaps.length) day += gaps[i]!;
    }
    return days;
  }

  private homeAddress(d: District): Address {
    const r = this.r;
    const street = r.pick(d.streets);
    const first = r.chance(0.12)
      ? `Flat ${r.int(1, 24)}, ${r.int(1, 200)} ${street.name}`
      : `${r.int(1, 240)} ${street.name}`;
    const lines = street.locality === d.postTown ? [first, d.postTown] : [first, street.locality, d.postTown];
    return { lines, postcode: r.pick(street.postcodes) };
  }

  private newChild(
    h: Household,
    dobDay: number,
    family: string,
    usedGiven: Set<string>,
    archiveAge: number,
  ): ChildTruth {
    const r = this.r;
    const ordinal = this.childOrdinal++;
    const gender = r.weightedPick(GENDERS);
    const names = gender === 'male' ? BOYS : gender === 'female' ? GIRLS : r.chance(0.5) ? BOYS : GIRLS;
    // Siblings, and twins above all, never share a given name.
    let given = r.weightedPick(names);
    while (usedGiven.has(given)) given = r.weightedPick(names);
    usedGiven.add(given);

    const every = TRAINING_RATES.hostileNameEvery;
    if (ordinal % every === 7) {
      const hostile = hostileNames[Math.floor(ordinal / every) % hostileNames.length]!;
      if (hostile.part === 'given') given = hostile.value;
      else family = hostile.value;
    }

    const dob = isoFromDayNumber(dobDay);
    const truth: ChildTruth = {
      ordinal,
      household: h,
      given,
      family,
      gender,
      dobDay,
      dob,
      archiveAge,
      bornInEngland: r.chance(0.95),
      involvements: [],
    };
    if (r.chance(TRAINING_RATES.nhsNumber)) {
      const nhs = this.nextNhsNumber();
      if (nhs) truth.nhsNumber = nhs;
    }
    const age = ageOn(dob, this.today);
    truth.involvements = this.involvements(truth, age);
    return truth;
  }

  /** Build the record and supplies of a child, and perhaps a duplicate record from one of its supplies. */
  private emit(truth: ChildTruth, out: GeneratedChild[], duplicates: GeneratedChild[]): void {
    const r = this.r;
    const h = truth.household;
    const truthId = `truth-${pad(truth.ordinal, 8)}`;
    const age = ageOn(truth.dob, this.today);
    const education = this.education(truth, age);
    const yearGroup = this.yearGroup(truth.dob);
    if (yearGroup >= 0 && r.chance(education ? 0.99 : 0.6)) truth.upn = this.nextUpn(h.district.localAuthority);

    const supplies = this.supplies(truth);
    const record: ChildRecord = {
      cpNumber: cpNumberFromSerial(this.cpSerial++),
      localAuthority: h.district.localAuthority.code,
      name: {
        given: truth.given,
        family: truth.family,
        former: truth.former ? [{ family: truth.former.family }] : [],
      },
      gender: truth.gender,
      dob: truth.dob,
      whereabouts: h.whereabouts,
      address: h.whereabouts === 'current' || h.whereabouts === 'last-known' ? cloneAddress(h.address) : null,
      shielded: h.shielded,
      archiveAge: truth.archiveAge,
      parents: h.parents.map((p) => structuredParent(p)),
      involvements: truth.involvements,
      identifiers: {
        supplierRefs: supplies.records.map((s) => ({ supplier: s.supplier, reference: s.supplierRef })),
      },
      version: supplies.records.length + truth.involvements.length,
    };
    if (h.intendsToReturn) record.intendsToReturn = h.intendsToReturn;
    if (education) record.education = education;
    if (h.gp) record.gp = cloneGp(h.gp);
    if (truth.nhsNumber) record.identifiers.nhsNumber = truth.nhsNumber;
    if (truth.upn) record.identifiers.upn = truth.upn;
    out.push({ record, truthId, supplies: supplies.records });

    if (r.chance(h.shielded ? TRAINING_RATES.duplicateOfShielded : TRAINING_RATES.duplicate)) {
      duplicates.push(this.duplicate(truth, truthId, record, supplies));
    }
  }

  /**
   * A second record for the same child, as an update feed creates when it fails to
   * match a supply: new CP number, the supply's (often mistaken) identity, and none
   * of the original's protections — a duplicate of a shielded child arrives unshielded.
   */
  private duplicate(truth: ChildTruth, truthId: string, original: ChildRecord, supplies: Supplies): GeneratedChild {
    const r = this.r;
    // The supplier sends the child again (a change of address, a new claim) with the
    // same kind of mistake as before, or a new one, and the feed fails to match it.
    const corruptedIndex = supplies.corrupted.indexOf(true);
    const earlier = corruptedIndex >= 0 ? supplies.records[corruptedIndex]! : r.pick(supplies.records);
    const source = cloneSupply(earlier);
    if (corruptedIndex < 0 || r.chance(0.3)) this.corrupt(source, truth);
    source.supplierRef = supplierReference(source.supplier, ++this.refCounter, truth.dob);
    source.receivedAt = isoFromDayNumber(r.int(dayNumber(earlier.receivedAt), this.todayDay));
    const district = source.address ? this.places.districtOf(source.address.postcode) : undefined;
    const record: ChildRecord = {
      cpNumber: cpNumberFromSerial(this.cpSerial++),
      localAuthority: district?.localAuthority.code ?? original.localAuthority,
      name: { given: source.name.given, family: source.name.family, former: [] },
      gender: source.gender,
      dob: source.dob,
      whereabouts: source.address ? 'current' : 'no-known-address',
      address: source.address ? cloneAddress(source.address) : null,
      shielded: false,
      archiveAge: original.archiveAge,
      parents: [],
      involvements: [],
      identifiers: { supplierRefs: [{ supplier: source.supplier, reference: source.supplierRef }] },
      version: 1,
    };
    if (source.nhsNumber) record.identifiers.nhsNumber = source.nhsNumber;
    if (source.upn) record.identifiers.upn = source.upn;
    return { record, truthId, supplies: [source] };
  }

  /** School year of a child today: -1 nursery, 0 reception, 1-11 years 1 to 11, 12-13 sixth form. */
  private yearGroup(dob: string): number {
    const birth = parseIsoDate(dob)!;
    // A child starts reception in the September after its fourth birthday.
    const receptionYear = birth.year + (birth.month >= 9 ? 5 : 4);
    return this.schoolYearStart - receptionYear;
  }

  private education(truth: ChildTruth, age: number): Education | undefined {
    const r = this.r;
    const h = truth.household;
    if (h.whereabouts === 'left-england') return undefined;
    const yearGroup = this.yearGroup(truth.dob);
    let school: School;
    let startYearGroup: number;
    if (truth.archiveAge > 18 || age >= 18) {
      // Young adults: some at college, started last September.
      if (!r.chance(0.3)) return undefined;
      school = this.places.colleges.get(h.district.localAuthority.code)!;
      startYearGroup = yearGroup;
    } else if (yearGroup === -1) {
      if (!r.chance(0.6)) return undefined;
      school = h.primary;
      startYearGroup = -1;
    } else if (yearGroup >= 0 && yearGroup <= 6) {
      if (!r.chance(TRAINING_RATES.inSchool)) return undefined;
      school = h.primary;
      startYearGroup = r.chance(0.9) ? 0 : -1;
    } else if (yearGroup >= 7 && yearGroup <= 11) {
      if (!r.chance(TRAINING_RATES.inSchool)) return undefined;
      school = h.secondary;
      startYearGroup = 7;
    } else if (yearGroup >= 12 && yearGroup <= 13) {
      if (!r.chance(0.85)) return undefined;
      school = r.chance(0.5) ? h.secondary : this.places.colleges.get(h.district.localAuthority.code)!;
      startYearGroup = school === h.secondary ? 7 : 12;
    } else {
      return undefined;
    }
    let startDay = dayNumber(`${this.schoolYearStart - (yearGroup - startYearGroup)}-09-01`);
    // A family that moved since changed school mid-year.
    if (h.previous && h.previous.movedDay > startDay) startDay = h.previous.movedDay;
    if (startDay < truth.dobDay) startDay = truth.dobDay;
    return {
      name: school.name,
      urn: school.urn,
      contact: { address: cloneAddress(school.address), phone: school.phone },
      startDate: isoFromDayNumber(startDay),
    };
  }

  private involvements(truth: ChildTruth, age: number): Involvement[] {
    const r = this.r;
    const result: Involvement[] = [];
    let leadTaken = false;
    for (const spec of SERVICES) {
      if (age < spec.minAge || age > spec.maxAge || !r.chance(spec.p)) continue;
      const inv = this.involvement(spec, truth, leadTaken);
      leadTaken ||= inv.leadProfessional;
      result.push(inv);
    }
    return result;
  }

  private involvement(spec: ServiceSpec, truth: ChildTruth, leadTaken: boolean): Involvement {
    const r = this.r;
    const la = truth.household.district.localAuthority;
    const org = organisation(spec.kind, la);
    const earliest =
      spec.service === 'Health visiting' ? truth.dobDay : Math.max(truth.dobDay, this.todayDay - 5 * 365);
    const startDay =
      spec.service === 'Health visiting'
        ? Math.min(truth.dobDay + r.int(10, 14), this.todayDay)
        : r.int(earliest, this.todayDay);
    const inv: Involvement = {
      id: `inv-${pad(++this.involvementCounter, 9)}`,
      service: spec.service,
      sensitive: spec.sensitive !== undefined,
      leadProfessional: !leadTaken && r.chance(spec.lead),
      cafCompleted: r.chance(spec.caf),
      startDate: isoFromDayNumber(startDay),
    };
    if (spec.sensitive) inv.sensitiveCategory = spec.sensitive;
    if (r.chance(0.9)) {
      const given = r.pick(r.chance(0.7) ? adultFemaleGivenNames : adultMaleGivenNames);
      const family = r.weightedPick(FAMILY_NAMES);
      inv.practitioner = {
        name: `${given} ${family}`,
        organisation: org.name,
        phone: this.places.landline(la, r.int(0, 999)),
        email: `${slug(given)}.${slug(family)}@${org.domain}`,
      };
    }
    if (r.chance(spec.ended) && startDay < this.todayDay)
      inv.endDate = isoFromDayNumber(r.int(startDay + 1, this.todayDay));
    return inv;
  }

  // --- supplies -------------------------------------------------------------

  private supplies(truth: ChildTruth): Supplies {
    const r = this.r;
    const today = this.todayDay;
    const dob = truth.dobDay;
    const chosen: { supplier: Supplier; day: number }[] = [];
    const councilInvolved = truth.involvements.some(
      (i) => !i.sensitive && i.service !== 'Health visiting' && i.service !== 'School nursing',
    );
    const yot = truth.involvements.some((i) => i.service === 'Youth offending team');
    if (truth.bornInEngland && r.chance(0.92))
      chosen.push({ supplier: 'gro', day: Math.min(dob + r.int(3, 42), today) });
    if (truth.nhsNumber && r.chance(0.9)) chosen.push({ supplier: 'nhs', day: r.int(dob, today) });
    if (r.chance(0.6)) chosen.push({ supplier: 'dwp', day: Math.min(dob + r.int(14, 4000), today) });
    if (truth.upn && r.chance(0.9))
      chosen.push({ supplier: 'school-census', day: r.int(Math.max(dob, today - 300), today) });
    if (councilInvolved && r.chance(0.85))
      chosen.push({ supplier: 'local-authority', day: r.int(Math.max(dob, today - 900), today) });
    if (yot && r.chance(0.8))
      chosen.push({ supplier: 'youth-offending', day: r.int(Math.max(dob, today - 600), today) });
    if (chosen.length === 0) chosen.push({ supplier: truth.nhsNumber ? 'nhs' : 'dwp', day: r.int(dob, today) });
    if (chosen.length > 4) r.shuffle(chosen).length = 4;
    chosen.sort((a, b) => a.day - b.day);

    const records: SupplierRecord[] = [];
    const corrupted: boolean[] = [];
    for (const { supplier, day } of chosen) {
      const s = this.supply(truth, supplier, day);
      let bad = false;
      if (r.chance(TRAINING_RATES.corruptSupply)) {
        bad = this.corrupt(s, truth);
        if (r.chance(0.15)) this.corrupt(s, truth);
      }
      records.push(s);
      corrupted.push(bad);
    }
    return { records, corrupted };
  }

  /** What a supplier knew about the child on `day`: name and address as they were then. */
  private supply(truth: ChildTruth, supplier: Supplier, day: number): SupplierRecord {
    const r = this.r;
    const h = truth.household;
    const family = truth.former && day < truth.former.changedDay ? truth.former.family : truth.family;
    const address = h.previous && day < h.previous.movedDay ? h.previous.address : h.address;
    const ref = ++this.refCounter;
    const s: SupplierRecord = {
      supplier,
      supplierRef: supplierReference(supplier, ref, truth.dob),
      receivedAt: isoFromDayNumber(day),
      name: { given: truth.given, family, former: [] },
      gender: truth.gender,
      dob: truth.dob,
      address: cloneAddress(address),
    };
    if (truth.nhsNumber && (supplier === 'nhs' || (supplier === 'local-authority' && r.chance(0.7))))
      s.nhsNumber = truth.nhsNumber;
    if (truth.upn && (supplier === 'school-census' || (supplier === 'local-authority' && r.chance(0.3))))
      s.upn = truth.upn;
    return s;
  }

  /** Put one realistic mistake into a supply. Returns false only if none could be made. */
  private corrupt(s: SupplierRecord, truth: ChildTruth): boolean {
    const r = this.r;
    for (let attempt = 0; attempt < 4; attempt++) {
      switch (r.weightedPick(CORRUPTIONS)) {
        case 'typo-family': {
          const t = typo(r, s.name.family);
          if (t === null) continue;
          s.name.family = t;
          return true;
        }
        case 'typo-given': {
          const t = typo(r, s.name.given);
          if (t === null) continue;
          s.name.given = t;
          return true;
        }
        case 'nickname': {
          const options = nicknamesOf(s.name.given);
          if (options.length === 0) continue;
          s.name.given = r.pick(options);
          return true;
        }
        case 'spelling-variant': {
          const family = spellingVariantsOf(s.name.family);
          const given = spellingVariantsOf(s.name.given);
          if (family.length > 0 && (given.length === 0 || r.chance(0.5))) s.name.family = r.pick(family);
          else if (given.length > 0) s.name.given = r.pick(given);
          else continue;
          return true;
        }
        case 'swapped-day-month': {
          const swapped = transposeDayMonth(s.dob);
          if (swapped === null) continue;
          const day = dayNumber(swapped);
          // Keep the mistake plausible: not born in the future, not already past archive age.
          if (day > this.todayDay || ageOn(swapped, this.today) >= truth.archiveAge) continue;
          s.dob = swapped;
          return true;
        }
        case 'swapped-names': {
          if (s.name.given === s.name.family) continue;
          s.name = { given: s.name.family, family: s.name.given, former: [] };
          return true;
        }
        case 'older-address': {
          const prev = truth.household.previous;
          if (!prev || s.address === null || s.address.postcode === prev.address.postcode) continue;
          s.address = cloneAddress(prev.address);
          return true;
        }
        case 'postcode-typo': {
          if (s.address === null) continue;
          s.address.postcode = postcodeTypo(r, s.address.postcode);
          return true;
        }
        case 'gender-not-specified': {
          if (s.gender === 'not-specified') continue;
          s.gender = 'not-specified';
          return true;
        }
      }
    }
    return false;
  }

  // --- identifiers ----------------------------------------------------------

  /**
   * The next NHS number from the never-issued test range 999 000 0000-999 999 9999,
   * in a seed-dependent scrambled order so neighbours in a run do not look sequential.
   * The range holds about 909,000 valid numbers; a run that uses them all gives the
   * remaining children none.
   */
  private nextNhsNumber(): string | undefined {
    while (this.nhsCursor < 1_000_000) {
      // 738,457 is coprime to 10^6, so this visits every six-digit suffix once.
      const suffix = (this.nhsCursor * 738_457 + this.nhsOffset) % 1_000_000;
      this.nhsCursor++;
      const firstNine = `999${pad(suffix, 6)}`;
      const check = nhsCheckDigit(firstNine);
      if (check !== null) return `${firstNine}${check}`;
    }
    return undefined;
  }

  /** A permanent UPN: check letter, the authority's DfE number, then nine digits unique in the run. */
  private nextUpn(la: LocalAuthority): string {
    const last12 = `${la.dfeNumber}${pad(++this.upnCounter, 9)}`;
    const check = upnCheckLetter(last12);
    if (check === null) throw new Error(`cannot make a UPN from ${last12}`);
    return `${check}${last12}`;
  }
}

interface Supplies {
  records: SupplierRecord[];
  /** Parallel to records: whether each carries a deliberate mistake. */
  corrupted: boolean[];
}

function supplierReference(supplier: Supplier, n: number, dob: string): string {
  switch (supplier) {
    case 'gro':
      return `GRO/${dob.slice(0, 4)}/${pad(n, 8)}`;
    case 'dwp':
      return `CHB${pad(n, 9)}`;
    case 'nhs':
      return `PDS-${pad(n, 9)}`;
    case 'school-census':
      return `SC${pad(n, 9)}`;
    case 'local-authority':
      return `LCS-${pad(n, 9)}`;
    case 'youth-offending':
      return `YOT-${pad(n, 9)}`;
  }
}

function structuredParent(p: Parent): Parent {
  const copy: Parent = { name: p.name, relationship: p.relationship };
  if (p.contact) {
    copy.contact = {};
    if (p.contact.address) copy.contact.address = cloneAddress(p.contact.address);
    if (p.contact.phone) copy.contact.phone = p.contact.phone;
  }
  return copy;
}

function cloneGp(gp: GpPracticeRecord): GpPracticeRecord {
  const copy: GpPracticeRecord = { name: gp.name, odsCode: gp.odsCode, contact: { ...gp.contact } };
  if (gp.contact.address) copy.contact.address = cloneAddress(gp.contact.address);
  return copy;
}

function cloneSupply(s: SupplierRecord): SupplierRecord {
  const copy: SupplierRecord = {
    ...s,
    name: { given: s.name.given, family: s.name.family, former: s.name.former.map((f) => ({ ...f })) },
    address: s.address ? cloneAddress(s.address) : null,
  };
  return copy;
}

function validate(options: GenerateChildrenOptions): void {
  const { seed, count, today, authorities } = options;
  if (
    authorities !== undefined &&
    (!Number.isInteger(authorities) || authorities < 2 || authorities > MAX_NATIONAL_AUTHORITIES)
  ) {
    throw new RangeError(`authorities must be a whole number from 2 to ${MAX_NATIONAL_AUTHORITIES}: ${authorities}`);
  }
  if (typeof seed === 'string' ? seed.length === 0 : !Number.isFinite(seed)) {
    throw new RangeError('seed must be a non-empty string or a finite number');
  }
  if (!Number.isInteger(count) || count < 0 || count > MAX_TRAINING_COUNT) {
    throw new RangeError(`count must be a whole number from 0 to ${MAX_TRAINING_COUNT}: ${count}`);
  }
  const date = parseIsoDate(today);
  if (!date || date.year < 1930 || date.year > 2170) {
    throw new RangeError(`today must be a date written YYYY-MM-DD between 1930 and 2170: ${JSON.stringify(today)}`);
  }
}

/**
 * Stream `count` training records. Households are generated whole, in order, from the
 * seed alone, so the first N records of any run equal a run of N. Options are checked
 * at once (a RangeError), not at the first iteration.
 */
export function generateChildren(options: GenerateChildrenOptions): Generator<GeneratedChild, void, undefined> {
  validate(options);
  const places = options.authorities === undefined ? TRAINING_PLACES : nationalPlaces(options.authorities);
  return stream(new Generation(options.seed, options.today, places), options.count);
}

function* stream(generation: Generation, count: number): Generator<GeneratedChild, void, undefined> {
  let emitted = 0;
  while (emitted < count) {
    for (const child of generation.nextHousehold()) {
      if (emitted >= count) return;
      yield child;
      emitted++;
    }
  }
}
