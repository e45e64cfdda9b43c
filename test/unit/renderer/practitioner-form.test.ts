// The "Practitioners to ready" form's own check (renderer/src/screens/management/
// PractitionerForm.tsx): each problem names its field and links to its input, by the
// rules the service keeps (domain/practitioners-to-ready.ts).
import { describe, expect, it } from 'vitest';
import { practitionerFormErrors } from '../../../renderer/src/screens/management/PractitionerForm.js';

const good = {
  organisationId: 'org-gp-training',
  name: 'Ann Shaw',
  workEmail: 'Ann.Shaw@seacombe.nhs.uk',
  role: 'practitioner',
  trainingPriority: '3',
  enhancedCheckDate: '01/02/2025',
  courseBookedOn: '',
  courseAttendedOn: '2026-11-01',
  coursePassedOn: '2026-11-01',
  agreementSignedOn: '',
};

describe('the practitioner form', () => {
  it('gives the facts to send, days as ISO and the email in lower case', () => {
    const { errors, facts } = practitionerFormErrors(good, '2026-11-24');
    expect(errors).toEqual([]);
    expect(facts).toMatchObject({
      workEmail: 'ann.shaw@seacombe.nhs.uk',
      enhancedCheckDate: '2025-02-01',
      trainingPriority: 3,
    });
  });

  it('names each field with a problem and links to its input', () => {
    const { errors, facts } = practitionerFormErrors(
      {
        ...good,
        organisationId: '',
        name: '',
        workEmail: 'ann',
        trainingPriority: 'first',
        agreementSignedOn: '2027-01-01',
      },
      '2026-11-24',
    );
    expect(facts).toBeNull();
    expect(errors.map((e) => e.field)).toEqual([
      'practitioner-organisationId',
      'practitioner-name',
      'practitioner-workEmail',
      'practitioner-trainingPriority',
      'practitioner-agreementSignedOn',
    ]);
    expect(errors[2]!.message).toBe('Work email: must be an email address, such as name@example.org.uk');
  });
});
