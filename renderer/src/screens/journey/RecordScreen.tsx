// A child's record as the practitioner opened it: who else is involved and how to reach
// them, the practitioner's own involvements to end or change, and for child protection
// the way to a shielded record's details (an override the management team is told of).
import { useState } from 'react';
import type { InvolvementView, RecordView } from '../../../../domain/api/records.js';
import type { SignedInUser } from '../../../../domain/ipc-contract.js';
import { getApi } from '../../api.js';
import { Banner } from '../../components/Banner.js';
import { ErrorSummary, type FieldError } from '../../components/ErrorSummary.js';
import { Name } from '../../components/Name.js';
import { PageHeading } from '../../components/PageHeading.js';
import { problem } from '../../feedback.js';
import { todayIso } from '../../forms.js';
import { RecordDetails } from '../RecordDetails.js';
import { BackButton } from './ChildScreenTop.js';
import type { RecordScreenState } from './Journey.js';
import { ReportProblem } from './ReportProblem.js';
import { reRead } from './reRead.js';

export function RecordScreen(props: {
  user: SignedInUser;
  screen: RecordScreenState;
  onBack: () => void;
  onNewSearch: () => void;
  onOverride: () => void;
  onInvolvement: () => void;
  onChanged: (record: RecordView, banner: string) => void;
}) {
  const { user, screen, onBack, onNewSearch, onOverride, onInvolvement, onChanged } = props;
  const { record, override } = screen;
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);
  const mayOverride = user.roles.includes('child-protection');
  // Reporting a problem is a step within the record: back from it is the record as it was.
  const [reporting, setReporting] = useState(false);

  const update = async (
    inv: InvolvementView,
    change: { endDate?: string; leadProfessional?: boolean; cafCompleted?: boolean },
    banner: string,
  ) => {
    setBusy(true);
    setErrors([]);
    const r = await getApi().involvements.update({ cpNumber: record.cpNumber, id: inv.id, change });
    if (!r.ok) {
      setBusy(false);
      setErrors(problem(r.error, `involvement-${inv.id}`));
      return;
    }
    const reread = await reRead(record.cpNumber, screen.reason);
    setBusy(false);
    if (reread.ok) onChanged(reread.value, banner);
    else setErrors(problem(reread.error, `involvement-${inv.id}`));
  };

  if (reporting)
    return <ReportProblem child={screen.child} reason={screen.reason} onBack={() => setReporting(false)} />;

  return (
    <>
      <div className="cp-record-nav">
        <BackButton onClick={onBack} label="Back to results" />
        <button type="button" className="govuk-button govuk-button--secondary cp-new-search" onClick={onNewSearch}>
          New search
        </button>
      </div>
      <ErrorSummary errors={errors} />
      {screen.banner && errors.length === 0 ? (
        <Banner title="Success" success key={`${screen.banner}:${record.version}`}>
          <p className="govuk-notification-banner__heading">{screen.banner}</p>
        </Banner>
      ) : null}
      <PageHeading caption="Child's record">
        <Name given={record.name.given} family={record.name.family} />
      </PageHeading>
      {record.shielded && override ? (
        <Banner title="Shielded record">
          <p className="govuk-notification-banner__heading">Shielded details shown under override.</p>
          <p className="govuk-body">
            They will be gone when you leave this record. The management team has been alerted.
          </p>
        </Banner>
      ) : record.shielded ? (
        <Banner title="Shielded record">
          <p className="govuk-notification-banner__heading">This record is shielded.</p>
          <p className="govuk-body">Address, contact details, education, GP and services are hidden.</p>
          {mayOverride ? (
            <button type="button" className="govuk-button govuk-button--warning" onClick={onOverride}>
              View shielded details
            </button>
          ) : null}
        </Banner>
      ) : null}
      <RecordDetails
        record={record}
        actions={{
          render: (inv) =>
            inv.mine && inv.endDate === undefined ? (
              <div className="govuk-button-group" id={`involvement-${inv.id}`} tabIndex={-1}>
                <button
                  type="button"
                  className="govuk-button govuk-button--secondary"
                  disabled={busy}
                  onClick={() => void update(inv, { endDate: todayIso() }, 'Your involvement has ended.')}
                >
                  End my involvement
                </button>
                {inv.cafCompleted ? null : (
                  <button
                    type="button"
                    className="govuk-button govuk-button--secondary"
                    disabled={busy}
                    onClick={() => void update(inv, { cafCompleted: true }, 'CAF marked as completed.')}
                  >
                    Mark CAF completed
                  </button>
                )}
                <button
                  type="button"
                  className="govuk-button govuk-button--secondary"
                  disabled={busy}
                  onClick={() =>
                    void update(
                      inv,
                      { leadProfessional: !inv.leadProfessional },
                      inv.leadProfessional
                        ? 'You are no longer the lead professional.'
                        : 'You are now the lead professional.',
                    )
                  }
                >
                  {inv.leadProfessional ? 'Stop being lead professional' : 'Make me lead professional'}
                </button>
              </div>
            ) : null,
        }}
      />
      {user.roles.includes('practitioner') || user.roles.includes('child-protection') ? (
        <button type="button" className="govuk-button" onClick={onInvolvement}>
          Record my involvement
        </button>
      ) : null}
      <p className="govuk-body">
        <button type="button" className="govuk-link cp-link-button" onClick={() => setReporting(true)}>
          Report a problem with this record
        </button>
      </p>
    </>
  );
}
