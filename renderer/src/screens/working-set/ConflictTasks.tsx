// The changes the national index did not apply (a conflict with a newer version, or a
// refusal), for a person to look at.
import type { TaskView } from '../../../../domain/working-set.js';
import { TableHead } from '../../components/TableHead.js';
import { TableScroll } from '../../components/TableScroll.js';

export function ConflictTasks({ tasks }: { tasks: TaskView[] }) {
  return (
    <section aria-labelledby="tasks-heading">
      <h2 className="govuk-heading-m" id="tasks-heading">
        Changes that need a person
      </h2>
      <TableScroll>
        <table className="govuk-table" data-testid="tasks">
          <caption className="govuk-table__caption govuk-visually-hidden">
            Changes the national index did not apply
          </caption>
          <TableHead columns={['ContactPoint number', 'What happened', 'Versions']} />
          <tbody className="govuk-table__body">
            {tasks.map((t) => (
              <tr className="govuk-table__row" key={t.id}>
                <td className="govuk-table__cell">{t.cpNumber}</td>
                <td className="govuk-table__cell cp-wrap">
                  <strong className={`govuk-tag ${t.kind === 'conflict' ? 'govuk-tag--orange' : 'govuk-tag--red'}`}>
                    {t.kind === 'conflict' ? 'Conflict' : 'Refused'}
                  </strong>{' '}
                  {t.detail.message ?? ''}
                </td>
                <td className="govuk-table__cell">
                  Changed from version {t.detail.baseVersion}
                  {t.detail.currentVersion !== undefined ? `; now version ${t.detail.currentVersion}` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </section>
  );
}
