// Sensitive services (sexual health, mental health, substance misuse) may be recorded
// only with consent or on reasonable cause to suspect significant harm, and ordinary
// users never see which one is involved. A record that arrives by a route that cannot
// affirm either (a supply) must not carry one under an ordinary name, where everyone
// would see it: this recognises the names such services go by.
// A space or hyphen in a name matches a space, a hyphen or nothing.
export const SENSITIVE_NAMES = [
  'sexual health',
  'genito-urinary',
  'gum clinic',
  'contraception',
  'contraceptive',
  'mental health',
  'camhs',
  'psychiatric',
  'psychiatry',
  'substance misuse',
  'substance use',
  'drug',
  'drugs',
  'alcohol',
];
// A start of text or a non-letter before the name (not a look behind at every position: the same answer, sooner).
const pattern = new RegExp(
  `(?:^|[^a-z])(?:${SENSITIVE_NAMES.map((n) => n.replace(/[-\s]/g, '[-\\s]?')).join('|')})(?![a-z])`,
  'i',
);

/** Whether a service's name says it is a sensitive one. */
export function namesSensitiveService(service: string): boolean {
  return pattern.test(service);
}
