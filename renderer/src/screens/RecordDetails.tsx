// A child's record as GOV.UK summary lists. What the user may not see is not in the
// record main passed on (the service leaves it out), so this shows what it is given;
// a shielded record says what is hidden.
import type { ReactNode } from 'react';
import type { InvolvementView, RecordView } from '../../../domain/api/records.js';
import type { Contact } from '../../../domain/child-record.js';
import { SummaryList, type SummaryRow } from '../components/SummaryList.js';
import { formatDate } from '../format.js';
import { genderLabel } from '../forms.js';

const whereabouts: Record<string, string> = {
  current: 'Current address',
  'last-known': 'Last known address',
  'no-known-address': 'No known address',
  'left-england': 'Left England',
};

const relationships: Record<string, string> = {
  mother: 'Mother',
  father: 'Father',
  'step-parent': 'Step-parent',
  carer: 'Carer',
  guardian: 'Guardian',
  grandparent: 'Grandparent',
  other: 'Other',
};

function Lines({ lines }: { lines: readonly string[] }) {
  return (
    <>
      {lines.map((line, i) => (
        <span className="cp-line" key={i}>
          <bdi>{line}</bdi>
        </span>
      ))}
    </>
  );
}

function contactLines(contact: Contact | undefined): string[] {
  if (!contact) return [];
  return [
    ...(contact.address ? [...contact.address.lines, contact.address.postcode] : []),
    ...(contact.phone ? [contact.phone] : []),
    ...(contact.email ? [contact.email] : []),
  ];
}

function Section({ title, rows, empty }: { title: string; rows: SummaryRow[]; empty: string }) {
  return (
    <>
      <h2 className="govuk-heading-m">{title}</h2>
      {rows.length > 0 ? <SummaryList rows={rows} /> : <p className="govuk-body">{empty}</p>}
    </>
  );
}

export interface InvolvementActions {
  render(involvement: InvolvementView): ReactNode;
}

export function RecordDetails({ record, actions }: { record: RecordView; actions: InvolvementActions }) {
  const child: SummaryRow[] = [{ key: 'ContactPoint number', value: record.cpNumber }];
  if (record.identifiers?.nhsNumber) child.push({ key: 'NHS number', value: record.identifiers.nhsNumber });
  child.push({ key: 'Date of birth', value: formatDate(record.dob) });
  child.push({ key: 'Gender', value: genderLabel(record.gender) });
  if (record.dateOfDeath) child.push({ key: 'Date of death', value: formatDate(record.dateOfDeath) });
  if (record.name.former.length > 0) {
    child.push({
      key: 'Former names',
      value: <Lines lines={record.name.former.map((f) => `${f.given ? `${f.given} ` : ''}${f.family}`)} />,
    });
  }
  if (record.address)
    child.push({
      key: whereabouts[record.whereabouts ?? 'current'] ?? 'Address',
      value: <Lines lines={[...record.address.lines, record.address.postcode]} />,
    });
  else if (record.whereabouts)
    child.push({ key: 'Whereabouts', value: whereabouts[record.whereabouts] ?? record.whereabouts });

  const parents: SummaryRow[] = record.parents.map((p) => ({
    key: relationships[p.relationship] ?? p.relationship,
    value: <Lines lines={[p.name, ...contactLines(p.contact)]} />,
  }));

  const education: SummaryRow[] = record.education
    ? [
        { key: 'Setting', value: <Lines lines={[record.education.name]} /> },
        { key: 'Since', value: formatDate(record.education.startDate) },
        { key: 'Contact', value: <Lines lines={contactLines(record.education.contact)} /> },
      ]
    : [];
  const gp: SummaryRow[] = record.gp
    ? [
        { key: 'Practice', value: <Lines lines={[record.gp.name]} /> },
        { key: 'Contact', value: <Lines lines={contactLines(record.gp.contact)} /> },
      ]
    : [];

  const hidden = record.shielded && record.address === undefined;
  const involvements = record.involvements ?? [];
  return (
    <>
      <Section title="Child" rows={child} empty="" />
      <Section title="Parents and carers" rows={parents} empty="No parents or carers are recorded." />
      <Section title="Education" rows={education} empty={hidden ? 'Hidden by the shield.' : 'Not known.'} />
      <Section title="GP practice" rows={gp} empty={hidden ? 'Hidden by the shield.' : 'Not known.'} />
      <h2 className="govuk-heading-m">Services involved</h2>
      {involvements.length === 0 ? (
        <p className="govuk-body">
          {record.involvements === undefined && hidden ? 'Hidden by the shield.' : 'No services are recorded.'}
        </p>
      ) : (
        involvements.map((inv) => (
          <div className="govuk-summary-card" key={inv.id}>
            <div className="govuk-summary-card__title-wrapper">
              <h3 className="govuk-summary-card__title cp-wrap">
                <bdi>{inv.service}</bdi>
                {inv.mine ? <strong className="govuk-tag govuk-tag--grey cp-tag-gap">You</strong> : null}
              </h3>
            </div>
            <div className="govuk-summary-card__content">
              <SummaryList
                rows={[
                  ...(inv.practitioner
                    ? [
                        {
                          key: 'Practitioner',
                          value: (
                            <Lines
                              lines={[
                                inv.practitioner.name,
                                ...(inv.practitioner.organisation ? [inv.practitioner.organisation] : []),
                                ...(inv.practitioner.phone ? [inv.practitioner.phone] : []),
                                ...(inv.practitioner.email ? [inv.practitioner.email] : []),
                              ]}
                            />
                          ),
                        },
                      ]
                    : []),
                  { key: 'Started', value: formatDate(inv.startDate) },
                  ...(inv.endDate ? [{ key: 'Ended', value: formatDate(inv.endDate) }] : []),
                  ...(inv.leadProfessional ? [{ key: 'Lead professional', value: 'Yes' }] : []),
                  ...(inv.cafCompleted ? [{ key: 'CAF completed', value: 'Yes' }] : []),
                ]}
              />
              {actions.render(inv)}
            </div>
          </div>
        ))
      )}
    </>
  );
}
