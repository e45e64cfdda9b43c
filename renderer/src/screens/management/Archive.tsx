// The archive, for data managers: records that left the directory at their archive age,
// until they are destroyed. Opening one needs a reason, and after its first year one of
// the purposes the law allows; every opening is recorded with them.
import { useEffect, useState, type FormEvent } from 'react';
import type { RecordView } from '../../../../domain/api/records.js';
import { ARCHIVE_PURPOSES } from '../../../../domain/management/choices.js';
import type { ArchivedView } from '../../../../domain/management/views.js';
import { getApi } from '../../api.js';
import { Banner } from '../../components/Banner.js';
import { TableHead } from '../../components/TableHead.js';
import { useFeedback } from '../../feedback.js';
import { formatDate } from '../../format.js';
import { RecordDetails } from '../RecordDetails.js';
import { TableScroll } from '../../components/TableScroll.js';

const purposeLabels: Record<(typeof ARCHIVE_PURPOSES)[number], string> = {
  's47-enquiry': 'A child protection enquiry (section 47)',
  'serious-case-review': 'A serious case review',
  'child-death-review': 'A child death review',
};

export function ArchiveView() {
  const f = useFeedback('manage-notice');
  const [records, setRecords] = useState<ArchivedView[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [opening, setOpening] = useState<ArchivedView | null>(null);
  const [reason, setReason] = useState('');
  const [purpose, setPurpose] = useState<(typeof ARCHIVE_PURPOSES)[number] | ''>('');
  const [record, setRecord] = useState<RecordView | null>(null);
  const page = async (after?: string) => {
    const r = await getApi().manage.archive(after ? { after } : {});
    if (!r.ok) return f.fail(r.error, 'archive');
    setRecords(after ? [...records, ...r.value.records] : r.value.records);
    setNext(r.value.next === null ? null : String(r.value.next));
  };
  useEffect(() => {
    void page();
  }, []);
  const open = async (e: FormEvent) => {
    e.preventDefault();
    if (!opening) return;
    const r = await getApi().manage.archiveRead({
      cpNumber: opening.cpNumber,
      reason,
      ...(purpose ? { purpose } : {}),
    });
    if (!r.ok) return f.fail(r.error, 'archive-reason');
    f.clear();
    setRecord(r.value);
  };
  if (record) {
    return (
      <section aria-label="Archived record">
        <Banner title="Archived record">
          <p className="govuk-notification-banner__heading">
            This record is in the archive. Your access is recorded with its reason{purpose ? ' and purpose' : ''}.
          </p>
        </Banner>
        <h2 className="govuk-heading-l">
          {record.name.given} {record.name.family}
        </h2>
        <RecordDetails record={record} actions={{ render: () => null }} />
        <button
          type="button"
          className="govuk-button govuk-button--secondary"
          onClick={() => {
            setRecord(null);
            setOpening(null);
            setReason('');
            setPurpose('');
          }}
        >
          Close the record
        </button>
      </section>
    );
  }
  return (
    <section aria-label="Archive">
      {f.view}
      <p className="govuk-body">
        Records leave the directory at their archive age and are destroyed six years later. In their first year a data
        manager may open them; after that only for a child protection enquiry, a serious case review or a child death
        review, with the purpose recorded.
      </p>
      {opening ? (
        <form onSubmit={(e) => void open(e)} data-testid="archive-open">
          <h2 className="govuk-heading-m">Open {opening.cpNumber}</h2>
          <div className="govuk-form-group">
            <label className="govuk-label govuk-label--s" htmlFor="archive-reason">
              Reason for access
            </label>
            <textarea
              className="govuk-textarea"
              id="archive-reason"
              rows={2}
              maxLength={500}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
          </div>
          {opening.access === 'restricted' ? (
            <div className="govuk-form-group">
              <fieldset className="govuk-fieldset">
                <legend className="govuk-fieldset__legend govuk-fieldset__legend--s">
                  Purpose (required more than a year after archiving)
                </legend>
                <div className="govuk-radios govuk-radios--small">
                  {ARCHIVE_PURPOSES.map((p) => (
                    <div className="govuk-radios__item" key={p}>
                      <input
                        className="govuk-radios__input"
                        id={`purpose-${p}`}
                        type="radio"
                        name="purpose"
                        checked={purpose === p}
                        onChange={() => setPurpose(p)}
                      />
                      <label className="govuk-label govuk-radios__label" htmlFor={`purpose-${p}`}>
                        {purposeLabels[p]}
                      </label>
                    </div>
                  ))}
                </div>
              </fieldset>
            </div>
          ) : null}
          <div className="govuk-button-group">
            <button type="submit" className="govuk-button">
              Open the archived record
            </button>
            <button type="button" className="govuk-button govuk-button--secondary" onClick={() => setOpening(null)}>
              Back to the archive
            </button>
          </div>
        </form>
      ) : (
        <>
          {records.length === 0 ? (
            <p className="govuk-body">The archive is empty.</p>
          ) : (
            <TableScroll>
              <table className="govuk-table cp-table--compact" data-testid="archive">
                <caption className="govuk-table__caption govuk-visually-hidden">Archived records</caption>
                <TableHead
                  columns={['ContactPoint number', 'Authority', 'Archived', 'Destroyed after', 'Who may open it', '']}
                />
                <tbody className="govuk-table__body">
                  {records.map((r) => (
                    <tr className="govuk-table__row" key={r.cpNumber} data-testid="archive-row">
                      <td className="govuk-table__cell">{r.cpNumber}</td>
                      <td className="govuk-table__cell">{r.localAuthority ?? '—'}</td>
                      <td className="govuk-table__cell">{formatDate(r.archivedAt.slice(0, 10))}</td>
                      <td className="govuk-table__cell">{formatDate(r.destroyAfter.slice(0, 10))}</td>
                      <td className="govuk-table__cell">
                        {r.access === 'restricted'
                          ? 'Restricted: s.47, serious case or child death review'
                          : 'A data manager'}
                      </td>
                      <td className="govuk-table__cell">
                        <button
                          type="button"
                          className="govuk-button govuk-button--secondary govuk-!-margin-bottom-0"
                          onClick={() => setOpening(r)}
                        >
                          Open {r.cpNumber}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          )}
          {next !== null ? (
            <button type="button" className="govuk-button govuk-button--secondary" onClick={() => void page(next)}>
              More
            </button>
          ) : null}
        </>
      )}
    </section>
  );
}
