// A child's subject-access report, for a data manager answering a request: what the
// national index holds about the child, where each item came from, and who opened the
// record, when and why. Made with the request's reference as the reason (every report is
// audited), printed from the page or saved as a PDF (main writes it, as a report of its
// own). A shielded child's report says at the top that its hidden details must not go
// to whoever asked unchecked.
import { useState, type FormEvent } from 'react';
import type { SubjectAccessReport } from '../../../../domain/api/subject-access.js';
import { entryLine, heldSections } from '../../../../domain/subject-access-view.js';
import { getApi } from '../../api.js';
import { PageHeading } from '../../components/PageHeading.js';
import { TableHead } from '../../components/TableHead.js';
import { TextField } from '../../components/TextField.js';
import { Warning } from '../../components/Warning.js';
import { useFeedback } from '../../feedback.js';
import { formatDateTime, formatNumber } from '../../format.js';
import { TableScroll } from '../../components/TableScroll.js';

export function SubjectAccessView() {
  const f = useFeedback('subject-access-notice');
  const [cpNumber, setCpNumber] = useState('');
  const [reason, setReason] = useState('');
  const [report, setReport] = useState<SubjectAccessReport | null>(null);

  const make = async (pdf: boolean) => {
    const cp = cpNumber.trim().toUpperCase();
    const r = await getApi().manage.subjectAccess({ cpNumber: cp, reason: reason.trim(), ...(pdf ? { pdf } : {}) });
    if (!r.ok) return f.fail(r.error, /reason/i.test(r.error.message) ? 'sar-reason' : 'sar-cp');
    setReport(r.value.report);
    if (pdf)
      f.done(
        r.value.saved === null
          ? 'Not saved: no file was chosen. The report was still made and recorded.'
          : `Saved as ${r.value.saved}. Saving it made a report of its own, recorded in the audit trail.`,
      );
    else f.clear();
    document.getElementById('sar-report-heading')?.focus();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void make(false);
  };

  return (
    <section aria-label="Subject-access report" data-testid="subject-access">
      <PageHeading caption="For a data manager answering a request">Subject-access report</PageHeading>
      {f.view}
      <div className="cp-no-print">
        <p className="govuk-body">
          When a child, or someone acting for them, asks what ContactPoint holds about the child, make the report here.
          It holds the record, where each item came from, and every entry of the audit trail about the child: who opened
          the record, when and why. Making it is recorded, with the request&apos;s reference as the reason.
        </p>
        <form onSubmit={submit} aria-label="Make a subject-access report">
          <TextField
            id="sar-cp"
            label="ContactPoint number"
            hint="For example CP000000018"
            width={10}
            value={cpNumber}
            onChange={(e) => setCpNumber(e.target.value)}
          />
          <TextField
            id="sar-reason"
            label="Reference of the request"
            hint="The subject-access request's reference and who made it, for example SAR-2026-014 from the child's mother"
            maxLength={500}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
          <button type="submit" className="govuk-button">
            Make the report
          </button>
        </form>
      </div>
      {report ? <Report report={report} onPdf={() => void make(true)} /> : null}
    </section>
  );
}

function Report({ report, onPdf }: { report: SubjectAccessReport; onPdf: () => void }) {
  return (
    <article aria-label={`Subject-access report of ${report.cpNumber}`} data-testid="subject-access-report">
      <h2 className="govuk-heading-m" id="sar-report-heading" tabIndex={-1}>
        {report.record.name.given} {report.record.name.family}{' '}
        <span className="govuk-caption-m">{report.cpNumber}</span>
      </h2>
      <p className="govuk-body-s">
        Made by {report.generatedBy.name} on {formatDateTime(report.generatedAt)}, for: <bdi>{report.reason}</bdi>
      </p>
      {report.record.shielded ? (
        <div data-testid="subject-access-shielded">
          <Warning>
            This record is shielded. Its address, contacts, services and identifiers must not be disclosed to the person
            who asked without the decision the shield calls for.
          </Warning>
        </div>
      ) : null}
      <div className="govuk-button-group cp-no-print">
        <button type="button" className="govuk-button govuk-button--secondary" onClick={() => window.print()}>
          Print
        </button>
        <button type="button" className="govuk-button govuk-button--secondary" onClick={onPdf}>
          Save as PDF
        </button>
      </div>
      {heldSections(report).map((s) => (
        <TableScroll>
          <table className="govuk-table" key={s.heading}>
            <caption className="govuk-table__caption govuk-table__caption--s">{s.heading}</caption>
            <tbody className="govuk-table__body">
              {s.rows.length === 0 ? (
                <tr className="govuk-table__row">
                  <td className="govuk-table__cell">None recorded.</td>
                </tr>
              ) : (
                s.rows.map(([label, value], i) => (
                  <tr className="govuk-table__row" key={`${label}-${i}`}>
                    <th scope="row" className="govuk-table__header">
                      {label}
                    </th>
                    <td className="govuk-table__cell cp-wrap">
                      <bdi>{value}</bdi>
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </TableScroll>
      ))}
      <TableScroll>
        <table className="govuk-table" data-testid="subject-access-entries">
          <caption className="govuk-table__caption govuk-table__caption--s">
            Who opened the record, and what was done to it: {formatNumber(report.entries.length)} entries, oldest first
            {report.truncated ? ' (more are held: ask the national administrator for the rest)' : ''}
          </caption>
          <TableHead columns={['When', 'What', 'Who', 'Reason given']} />
          <tbody className="govuk-table__body">
            {report.entries.map((e) => {
              const [when, what, who, why] = entryLine(e);
              return (
                <tr className="govuk-table__row" key={e.seq}>
                  <td className="govuk-table__cell">{when}</td>
                  <td className="govuk-table__cell">{what}</td>
                  <td className="govuk-table__cell">
                    <bdi>{who}</bdi>
                  </td>
                  <td className="govuk-table__cell cp-wrap">
                    <bdi>{why}</bdi>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableScroll>
    </article>
  );
}
