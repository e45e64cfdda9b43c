// How the management screens name the roles an account holds.

export const roleLabels: Record<string, string> = {
  practitioner: 'Practitioner',
  'child-protection': 'Child protection',
  'la-team': 'ContactPoint team',
  'data-manager': 'Data manager',
};
