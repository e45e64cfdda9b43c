// Cleansing: the team's task queues. A run (every rule, then duplicate detection) goes
// in the working set's worker with a progress bar and a stop button; the queues list
// open tasks per rule, most urgent first, and the chosen one opens below them
// (QueueView, with its task beside the list: TaskPanel).
import { useCallback, useEffect, useState } from 'react';
import type { CleanseStatus } from '../../../../domain/cleanse/views.js';
import { getApi } from '../../api.js';
import { ErrorSummary, type FieldError } from '../../components/ErrorSummary.js';
import { PageHeading } from '../../components/PageHeading.js';
import { HelpDetails } from '../../components/HelpDetails.js';
import { TableHead } from '../../components/TableHead.js';
import { problem } from '../../feedback.js';
import { formatDateTime, formatNumber } from '../../format.js';
import { CleansingRulesHelp } from '../help/CleansingRulesHelp.js';
import { CleanseProgress } from './Progress.js';
import { MatchReviews } from './MatchReviews.js';
import { QueueView } from './QueueView.js';
import { Referrals } from './Referrals.js';
import { TableScroll } from '../../components/TableScroll.js';

const priorityTag: Record<string, string> = {
  urgent: 'govuk-tag--red',
  high: 'govuk-tag--orange',
  normal: 'govuk-tag--blue',
  low: 'govuk-tag--grey',
};

export function CleansingScreen() {
  const [status, setStatus] = useState<CleanseStatus | null>(null);
  const [errors, setErrors] = useState<FieldError[]>([]);
  // The queue chosen, kept as it was when chosen: closing its last task leaves it (and the
  // task's outcome) on screen instead of taking the queue away from under the person.
  const [chosen, setChosen] = useState<CleanseStatus['queues'][number] | null>(null);
  const rule = chosen?.rule ?? null;
  const [version, setVersion] = useState(0);

  const refresh = useCallback(async () => {
    const s = await getApi().cleanse.status();
    if (!s.ok) setErrors(problem(s.error, 'cleanse-run'));
    else setStatus(s.value);
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const running = status?.running ?? false;
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => void refresh(), 300);
    return () => clearInterval(timer);
  }, [running, refresh]);
  // A run that ends refreshes the open queue.
  useEffect(() => {
    if (!running) setVersion((v) => v + 1);
  }, [running]);

  const act = async (what: 'run' | 'cancel') => {
    setErrors([]);
    const r = await (what === 'run' ? getApi().cleanse.run() : getApi().cleanse.cancel());
    if (!r.ok) setErrors(problem(r.error, 'cleanse-run'));
    else setStatus(r.value);
  };

  if (status === null) {
    return (
      <>
        <ErrorSummary errors={errors} />
        <PageHeading>Cleansing</PageHeading>
        <p className="govuk-body">Opening the task queues…</p>
      </>
    );
  }
  const queue = status.queues.find((q) => q.rule === rule) ?? chosen;
  return (
    <>
      <ErrorSummary errors={errors} />
      <PageHeading caption="Checks and duplicates in the working set">Cleansing</PageHeading>
      {status.lastRun ? (
        <p className="govuk-body" data-testid="cleanse-last-run">
          Last run {status.lastRun.outcome === 'completed' ? 'completed' : status.lastRun.outcome} on{' '}
          {formatDateTime(status.lastRun.startedAt)}: {formatNumber(status.lastRun.records)} records checked.
        </p>
      ) : (
        <p className="govuk-body">
          The working set has not been cleansed yet. Until the first run, children that a sync brings are not compared
          for duplicates either: run the checks to start.
        </p>
      )}
      {running ? <CleanseProgress status={status} /> : null}
      {!running && status.lastError ? (
        <div className="govuk-inset-text" role="status" data-testid="cleanse-error">
          {status.lastError.message}
        </div>
      ) : null}
      <div className="govuk-button-group">
        {running ? (
          <button type="button" className="govuk-button govuk-button--secondary" onClick={() => void act('cancel')}>
            Stop the run
          </button>
        ) : (
          <button type="button" className="govuk-button" id="cleanse-run" onClick={() => void act('run')}>
            Run the checks
          </button>
        )}
      </div>

      <h2 className="govuk-heading-m">Task queues</h2>
      <HelpDetails summary="What the checks and priorities mean" testId="cleansing-help">
        <CleansingRulesHelp />
      </HelpDetails>
      {status.queues.length === 0 ? (
        <p className="govuk-body">No open tasks.</p>
      ) : (
        <TableScroll>
          <table className="govuk-table" data-testid="queues">
            <caption className="govuk-table__caption govuk-visually-hidden">
              Open tasks by rule, most urgent first
            </caption>
            <TableHead columns={['Rule', 'Priority', { label: 'Open tasks', numeric: true }]} />
            <tbody className="govuk-table__body">
              {status.queues.map((q) => (
                <tr className="govuk-table__row" key={q.rule}>
                  <td className="govuk-table__cell">
                    <button
                      type="button"
                      className="cp-link-button"
                      aria-current={q.rule === rule ? 'true' : undefined}
                      onClick={() => setChosen(q)}
                    >
                      {q.title}
                    </button>
                  </td>
                  <td className="govuk-table__cell">
                    <strong className={`govuk-tag ${priorityTag[q.priority]}`}>{q.priority}</strong>
                  </td>
                  <td className="govuk-table__cell govuk-table__cell--numeric">{formatNumber(q.open)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {queue ? (
        <QueueView
          key={`${queue.rule}-${version}`}
          rule={queue.rule}
          title={queue.title}
          explanation={queue.explanation}
          onChanged={() => {
            void refresh();
          }}
        />
      ) : null}
      <MatchReviews />
      <Referrals />
    </>
  );
}
