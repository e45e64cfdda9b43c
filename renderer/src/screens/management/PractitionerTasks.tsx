// The team's lapsing tasks for readying practitioners: enhanced checks that lapse and
// refreshers that fall due within 30 days, of people not yet with access and of accounts
// (the service's GET /v1/practitioners/tasks, which reuses the accounts' lapsing list).
import { useEffect, useState } from 'react';
import type { ReadinessTask } from '../../../../domain/management/practitioners.js';
import { TASK_NOTICE_DAYS, taskLabels } from '../../../../domain/practitioners-to-ready.js';
import { getApi } from '../../api.js';
import { TableHead } from '../../components/TableHead.js';
import type { Feedback } from '../../feedback.js';
import { formatDate } from '../../format.js';
import { TableScroll } from '../../components/TableScroll.js';

/** The tasks, soonest first; `version` changes when the list does, to ask again. */
export function PractitionerTasks({ feedback, version }: { feedback: Feedback; version: number }) {
  const [tasks, setTasks] = useState<ReadinessTask[] | null>(null);
  useEffect(() => {
    let live = true;
    void getApi()
      .manage.practitionerTasks()
      .then((r) => {
        if (!live) return;
        if (r.ok) setTasks(r.value.tasks);
        else feedback.fail(r.error, 'practitioner-tasks');
      });
    return () => {
      live = false;
    };
    // feedback is a new object each render; asking again only when the list changes.
  }, [version]);
  return (
    <section aria-labelledby="practitioner-tasks-heading">
      <h2 className="govuk-heading-m" id="practitioner-tasks-heading">
        Tasks: items lapsing within {TASK_NOTICE_DAYS} days
      </h2>
      {tasks === null ? (
        <p className="govuk-body">Loading the tasks…</p>
      ) : tasks.length === 0 ? (
        <p className="govuk-body" data-testid="practitioner-tasks">
          Nothing lapses within {TASK_NOTICE_DAYS} days.
        </p>
      ) : (
        <TableScroll>
          <table className="govuk-table" data-testid="practitioner-tasks" id="practitioner-tasks">
            <caption className="govuk-table__caption govuk-table__caption--s">
              {tasks.length} tasks, soonest first
            </caption>
            <TableHead columns={['Due', 'Task', 'Person', 'Organisation', 'Account']} />
            <tbody className="govuk-table__body">
              {tasks.map((t, i) => (
                <tr className="govuk-table__row" key={`${t.kind}-${t.practitionerId ?? ''}-${t.userId ?? ''}-${i}`}>
                  <td className="govuk-table__cell">{t.due ? formatDate(t.due) : 'Now'}</td>
                  <td className="govuk-table__cell">{taskLabels[t.kind]}</td>
                  <td className="govuk-table__cell cp-wrap">{t.name}</td>
                  <td className="govuk-table__cell cp-wrap">{t.organisation.name}</td>
                  <td className="govuk-table__cell">{t.userId ?? 'Not yet'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </section>
  );
}
