// Deterministic training data: the public API of service/training.
export {
  generateChildren,
  MAX_TRAINING_COUNT,
  TRAINING_RATES,
  type GenerateChildrenOptions,
  type GeneratedChild,
} from './generator.js';
export { createRandom, Random, WeightedTable } from './random.js';
export {
  adultFemaleGivenNames,
  adultMaleGivenNames,
  boysGivenNames,
  familyNames,
  girlsGivenNames,
  hostileNames,
  nicknames,
  nicknamesOf,
  spellingVariants,
  spellingVariantsOf,
  type HostileName,
  type WeightedNames,
} from './names.js';
export {
  CHESHIRE_WEST_AND_CHESTER,
  colleges,
  districtOf,
  districts,
  dramaLandline,
  dramaMobile,
  INWARD_LETTERS,
  localAuthorities,
  outwardCodes,
  WIRRAL,
  type District,
  type GpPractice,
  type LocalAuthority,
  type School,
  type SchoolPhase,
  type Street,
} from './places.js';
