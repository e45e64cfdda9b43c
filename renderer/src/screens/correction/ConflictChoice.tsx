// A conflict about a correction: someone changed the record at the national index
// first. Each field of the correction beside the value the national index holds now;
// the person keeps theirs or the national one, field by field, and what they keep is
// sent again against the version held now. A shielded record's hidden fields are not
// here (main leaves them out).
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { EditableChanges } from '../../../../domain/api/sync.js';
import { describe, labelOf, type CorrectionConflictView } from '../../../../domain/correction.js';
import { getApi } from '../../api.js';
import { ErrorSummary } from '../../components/ErrorSummary.js';
import { TableScroll } from '../../components/TableScroll.js';

type Loose = Record<string, unknown>;

export function ConflictChoice({ taskId, onSent }: { taskId: number; onSent: () => void }) {
  const [view, setView] = useState<CorrectionConflictView | null>(null);
  const [error, setError] = useState<string | null>(null);
  // One array until the error changes: the summary takes focus when given a new one.
  const summaryErrors = useMemo(() => (error ? [{ field: 'conflict-send', message: error }] : []), [error]);
  const [choice, setChoice] = useState<Record<string, 'mine' | 'national'>>({});
  const [syncing, setSyncing] = useState(false);
  const load = useCallback(async () => {
    const r = await getApi().correction.conflict(taskId);
    if (r.ok) setView(r.value);
    else setError(r.error.message);
  }, [taskId]);
  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    if (!syncing) return;
    const timer = setInterval(() => {
      void getApi()
        .workingSet.status()
        .then((s) => {
          if (s.ok && !s.value.sync.running) {
            setSyncing(false);
            void load();
          }
        });
    }, 1000);
    return () => clearInterval(timer);
  }, [syncing, load]);

  if (!view) return error ? <span role="alert"> {error}</span> : null;
  if (view.needsSync)
    return (
      <div className="govuk-inset-text" data-testid="conflict-needs-sync">
        <p className="govuk-body">
          Somebody changed this record at the national index first. Sync the working set to fetch the record as it is
          now, then choose field by field.
        </p>
        <button
          type="button"
          className="govuk-button govuk-button--secondary"
          disabled={syncing}
          onClick={() =>
            void getApi()
              .workingSet.sync()
              .then(() => setSyncing(true))
          }
        >
          {syncing ? 'Syncing…' : 'Sync now'}
        </button>
      </div>
    );
  const fields = Object.keys(view.changes);
  const national = (field: string): unknown =>
    field === 'identifiers'
      ? Object.fromEntries(
          Object.keys(view.changes.identifiers as Loose).map((k) => [k, (view.record.identifiers as Loose)?.[k]]),
        )
      : view.record[field];
  const show = (field: string, v: unknown) =>
    field === 'identifiers'
      ? Object.entries(v as Loose)
          .map(([k, x]) => `${k === 'nhsNumber' ? 'NHS number' : 'UPN'}: ${describe(k, x)}`)
          .join('; ')
      : describe(field, v);
  const send = async () => {
    const mine = fields.filter((f) => (choice[f] ?? 'mine') === 'mine');
    if (mine.length === 0) {
      setError('Keep at least one of your changes, or leave the record as the national index has it.');
      return;
    }
    const changes = Object.fromEntries(mine.map((f) => [f, view.changes[f]])) as EditableChanges;
    const r = await getApi().correction.submit({
      cpNumber: view.cpNumber,
      baseVersion: view.heldVersion,
      changes,
      revealed: !view.withheld,
      conflictTaskId: view.taskId,
      ...(view.cleanseTaskId !== null ? { cleanseTaskId: view.cleanseTaskId } : {}),
    });
    if (r.ok) onSent();
    else setError(r.error.message);
  };
  return (
    <div className="govuk-!-margin-top-3" data-testid="conflict-choice">
      <ErrorSummary errors={summaryErrors} />
      <TableScroll>
        <table className="govuk-table">
          <caption className="govuk-table__caption govuk-table__caption--s">
            Your correction (made on version {view.baseVersion}) and the national index now (version {view.heldVersion})
          </caption>
          <thead className="govuk-table__head">
            <tr className="govuk-table__row">
              <th scope="col" className="govuk-table__header">
                Field
              </th>
              <th scope="col" className="govuk-table__header">
                Keep
              </th>
            </tr>
          </thead>
          <tbody className="govuk-table__body">
            {fields.map((f) => (
              <tr className="govuk-table__row" key={f}>
                <th scope="row" className="govuk-table__header">
                  {f === 'identifiers' ? 'Identifiers' : labelOf(f)}
                </th>
                <td className="govuk-table__cell">
                  <fieldset className="govuk-fieldset">
                    <legend className="govuk-visually-hidden">Keep which {labelOf(f).toLowerCase()}</legend>
                    <div className="govuk-radios govuk-radios--small">
                      {(['mine', 'national'] as const).map((side) => (
                        <div className="govuk-radios__item" key={side}>
                          <input
                            className="govuk-radios__input"
                            type="radio"
                            id={`conflict-${f}-${side}`}
                            name={`conflict-${f}`}
                            checked={(choice[f] ?? 'mine') === side}
                            onChange={() => setChoice((c) => ({ ...c, [f]: side }))}
                          />
                          <label className="govuk-label govuk-radios__label cp-wrap" htmlFor={`conflict-${f}-${side}`}>
                            {side === 'mine' ? 'Yours: ' : 'National index now: '}
                            {show(f, side === 'mine' ? view.changes[f] : national(f))}
                          </label>
                        </div>
                      ))}
                    </div>
                  </fieldset>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {view.withheld ? (
        <p className="govuk-body-s">
          The record is shielded: fields the shield hides are not compared here. Show its shielded details on the record
          to compare them.
        </p>
      ) : null}
      <button type="button" className="govuk-button" id="conflict-send" onClick={() => void send()}>
        Send the chosen values
      </button>
    </div>
  );
}
