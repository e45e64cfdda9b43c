// A cleansing task opened beside its queue: a single record's finding with what each
// supplier said, or a pair of possible duplicates side by side with the fields that
// differ marked, why they may be the same child, and the merge with a choice per field
// (or "not a duplicate"). Shielded details are shown only on request, and audited.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { CleanseTaskDetail } from '../../../../domain/cleanse/views.js';
import { FIELD_LABELS } from '../../../../domain/dedupe/fields.js';
import { getApi } from '../../api.js';
import { CorrectionFlow } from '../correction/CorrectionFlow.js';
import { CorrectionStatus } from '../correction/CorrectionStatus.js';
import { DecisionForm } from './DecisionForm.js';
import { TableHead } from '../../components/TableHead.js';
import { COMPARED, MERGEABLE, show, VISIBLE_ON_SHIELDED, type Loose } from './fields.js';
import { Provenance } from './Provenance.js';
import { isPair, pairDetail, type ResolveRequest } from './tasks.js';
import { TableScroll } from '../../components/TableScroll.js';

export function TaskPanel({
  id,
  taskSession,
  onLost,
  onResolve,
  onSecondLook,
  onClose,
  onCorrected,
}: {
  id: number;
  taskSession: string;
  /** Main no longer holds the task session (locked, signed out): the purpose is asked again. */
  onLost: () => void;
  onResolve: (request: ResolveRequest, done: string) => Promise<void>;
  /** A doubtful pair (the review band) decided to be one child: a second look asked, not a merge. */
  onSecondLook: (taskId: number, survivor: string, done: string) => Promise<void>;
  onClose: () => void;
  /** A correction made here was accepted, which closed the task: the queue lists it no more. */
  onCorrected?: () => void;
}) {
  const [detail, setDetail] = useState<CleanseTaskDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [survivor, setSurvivor] = useState<'first' | 'second'>('first');
  const [choice, setChoice] = useState<Record<string, 'first' | 'second'>>({});
  /** "Correct this record": the correction form in place of the task's actions. */
  const [correcting, setCorrecting] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    let live = true;
    void getApi()
      .cleanse.task(id, taskSession)
      .then((r) => {
        if (!live) return;
        if (r.ok) setDetail(r.value);
        else if (r.error.code === 'purpose-required') onLost();
        else setError(r.error.message);
      });
    return () => {
      live = false;
    };
  }, [id, taskSession, onLost]);

  /** "Show shielded details" of one side: main checks the role and audits it. */
  const reveal = async (which: 'first' | 'second') => {
    const side = detail?.[which];
    if (!side) return;
    const r = await getApi().workingSet.revealShielded({ taskSession, cpNumber: side.cpNumber });
    if (r.ok) setDetail((d) => (d ? { ...d, [which]: r.value } : d));
    else if (r.error.code === 'purpose-required') onLost();
    else setError(r.error.message);
  };
  useEffect(() => {
    if (detail) heading.current?.focus();
  }, [detail]);

  const rows = useMemo(() => {
    if (!detail?.first) return [];
    const withheld = detail.first.withheld || (detail.second?.withheld ?? false);
    return COMPARED.map((f) => {
      const a = f.read(detail.first!.record);
      const b = detail.second ? f.read(detail.second.record) : undefined;
      // A field a shield hides is not compared (nor offered for the merge) until its details are shown.
      const hidden = withheld && !VISIBLE_ON_SHIELDED.has(f.key);
      return {
        ...f,
        a,
        b,
        hidden,
        differs: !hidden && detail.second !== null && JSON.stringify(a ?? null) !== JSON.stringify(b ?? null),
      };
    });
  }, [detail]);

  if (error)
    return (
      <p className="govuk-body" role="alert">
        {error}
      </p>
    );
  if (detail && !detail.first)
    return (
      <p className="govuk-body">
        The record of this task is no longer in the working set: sync, then run the checks again.
      </p>
    );
  if (!detail?.first) return <p className="govuk-body">Opening the task…</p>;
  const { task, first, second } = detail;

  const merge = () => {
    if (!second) return;
    if (doubtful) {
      const keep = survivor === 'first' ? first : second;
      const other = survivor === 'first' ? second : first;
      void onSecondLook(
        task.id,
        keep.cpNumber,
        `A second look is asked: another member of the team decides whether ${other.cpNumber} and ${keep.cpNumber} are one child, in the national match reviews. Nothing is merged until they agree.`,
      );
      return;
    }
    const keep = survivor === 'first' ? first : second;
    const other = survivor === 'first' ? second : first;
    // Never a value from a side whose shielded details are withheld: it is not here to send.
    const pick = (key: string) =>
      (choice[key] ?? survivor) !== survivor && (!other.withheld || VISIBLE_ON_SHIELDED.has(key));
    const changes: Loose = {};
    const from = (r: Loose) => r;
    const k = from(keep.record);
    const o = from(other.record);
    const kn = (k.name ?? {}) as Loose;
    const on = (o.name ?? {}) as Loose;
    if (pick('given') || pick('family')) {
      changes.name = {
        given: pick('given') ? on.given : kn.given,
        family: pick('family') ? on.family : kn.family,
        former: kn.former ?? [],
      };
    }
    if (pick('dob')) changes.dob = o.dob;
    if (pick('gender')) changes.gender = o.gender;
    if (pick('address')) {
      changes.address = o.address ?? null;
      changes.whereabouts = o.whereabouts;
    }
    const ids: Loose = {};
    const oi = (o.identifiers ?? {}) as Loose;
    if (pick('nhsNumber')) ids.nhsNumber = oi.nhsNumber ?? null;
    if (pick('upn')) ids.upn = oi.upn ?? null;
    if (Object.keys(ids).length > 0) changes.identifiers = ids;
    void onResolve(
      {
        action: 'merge',
        id: task.id,
        survivor: keep.cpNumber,
        ...(Object.keys(changes).length > 0 ? { changes: changes as never } : {}),
      },
      `${other.cpNumber} will be merged into ${keep.cpNumber} when the changes are sent.`,
    );
  };

  const finding = !isPair(task)
    ? (task.detail as { path: string; message: string; values?: { supplier: string; value: unknown; date: string }[] })
    : null;
  const weights = isPair(task) ? pairDetail(task) : null;
  /** In the review band: a merge takes a blind second look by another member (no per-field choice). */
  const doubtful = weights?.band === 'review';
  return (
    <section className="cp-task-panel" aria-labelledby="task-heading" data-testid="task-panel">
      <h3 className="govuk-heading-m" id="task-heading" tabIndex={-1} ref={heading}>
        {second ? `${first.cpNumber} and ${second.cpNumber}` : first.cpNumber}
      </h3>
      {finding ? (
        <>
          <p className="govuk-body" data-testid="finding">
            {finding.message} <span className="govuk-body-s">(field: {finding.path})</span>
          </p>
          {finding.values ? (
            <TableScroll>
              <table className="govuk-table">
                <caption className="govuk-table__caption govuk-table__caption--s">What each supplier said</caption>
                <TableHead columns={['Supplier', 'Value', 'Date']} />
                <tbody className="govuk-table__body">
                  {finding.values.map((v) => (
                    <tr className="govuk-table__row" key={v.supplier}>
                      <td className="govuk-table__cell">{v.supplier}</td>
                      <td className="govuk-table__cell cp-wrap">{show(v.value)}</td>
                      <td className="govuk-table__cell">{v.date || 'before any supplier'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          ) : null}
        </>
      ) : null}
      {[first, second].some((side) => side?.withheld) ? (
        <div className="govuk-inset-text" data-testid="withheld">
          {[first, second].map((side, i) =>
            side?.withheld ? (
              <p className="govuk-body" key={side.cpNumber}>
                {side.cpNumber} is {side.shielded ? 'shielded' : 'treated as shielded until this pair is decided'}: its
                address, contact details and other hidden details are not shown.{' '}
                <button
                  type="button"
                  className="govuk-button govuk-button--warning govuk-!-margin-bottom-0"
                  onClick={() => void reveal(i === 0 ? 'first' : 'second')}
                >
                  Show shielded details<span className="govuk-visually-hidden"> of {side.cpNumber}</span>
                </button>
              </p>
            ) : null,
          )}
          <p className="govuk-body-s">
            Showing them is recorded in the child&apos;s audit trail with your name and the purpose of this work.
          </p>
        </div>
      ) : null}
      {[first, second].some((side) => side && (side.shielded || side.shieldPending) && !side.withheld) ? (
        <p className="govuk-body-s" data-testid="shielded-shown">
          Shielded details shown. This has been recorded in the child&apos;s audit trail.
        </p>
      ) : null}
      {second ? (
        <>
          {weights ? (
            <p className="govuk-body" data-testid="pair-score">
              {Math.round(weights.score * 100)}% likely to be the same child.
              {weights.shielded ? ' One of them is shielded: the other is treated as shielded until you decide.' : ''}
            </p>
          ) : null}
          {doubtful ? (
            <div className="govuk-inset-text" data-testid="band-notice">
              <strong className="govuk-tag govuk-tag--yellow">doubtful: review band</strong> This pair scored below the
              level at which one person may merge. If you decide they are the same child, another member of the team
              takes a second look without seeing your decision or the score, and the national index merges them only if
              they agree. If you decide they are different children, the pair does not come back.
            </div>
          ) : null}
          <TableScroll>
            <table className="govuk-table cp-compare" data-testid="compare">
              <caption className="govuk-table__caption govuk-table__caption--s">
                The two records side by side; fields that differ are marked
              </caption>
              <TableHead columns={['Field', first.cpNumber, second.cpNumber, 'Keep']} />
              <tbody className="govuk-table__body">
                {rows.map((r) => (
                  <tr className={`govuk-table__row${r.differs ? ' cp-differs' : ''}`} key={r.key}>
                    <th scope="row" className="govuk-table__header">
                      {r.label}
                      {r.differs ? (
                        <strong className="govuk-tag govuk-tag--yellow cp-differs__tag">differs</strong>
                      ) : null}
                    </th>
                    <td className="govuk-table__cell cp-wrap">
                      {first.withheld && !VISIBLE_ON_SHIELDED.has(r.key) ? 'Hidden by the shield' : show(r.a)}
                      <Provenance side={first} field={r.provenance} />
                    </td>
                    <td className="govuk-table__cell cp-wrap">
                      {second.withheld && !VISIBLE_ON_SHIELDED.has(r.key) ? 'Hidden by the shield' : show(r.b)}
                      <Provenance side={second} field={r.provenance} />
                    </td>
                    <td className="govuk-table__cell">
                      {r.differs && MERGEABLE.has(r.key) && !doubtful ? (
                        <fieldset className="govuk-fieldset">
                          <legend className="govuk-visually-hidden">Keep which {r.label.toLowerCase()}</legend>
                          <div className="govuk-radios govuk-radios--small">
                            {(['first', 'second'] as const).map((s) => (
                              <div className="govuk-radios__item" key={s}>
                                <input
                                  className="govuk-radios__input"
                                  type="radio"
                                  id={`keep-${r.key}-${s}`}
                                  name={`keep-${r.key}`}
                                  checked={(choice[r.key] ?? survivor) === s}
                                  onChange={() => setChoice((c) => ({ ...c, [r.key]: s }))}
                                />
                                <label className="govuk-label govuk-radios__label" htmlFor={`keep-${r.key}-${s}`}>
                                  {s === 'first' ? first.cpNumber : second.cpNumber}
                                </label>
                              </div>
                            ))}
                          </div>
                        </fieldset>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
          {weights ? (
            <TableScroll>
              <table className="govuk-table" data-testid="weights">
                <caption className="govuk-table__caption govuk-table__caption--s">
                  Why: what each field added to or took from the likelihood
                </caption>
                <TableHead columns={['Field', 'How they compare', { label: 'Weight', numeric: true }]} />
                <tbody className="govuk-table__body">
                  {weights.fields.map((f) => (
                    <tr className="govuk-table__row" key={f.field}>
                      <td className="govuk-table__cell">{FIELD_LABELS[f.field]}</td>
                      <td className="govuk-table__cell">{f.level}</td>
                      <td className="govuk-table__cell govuk-table__cell--numeric">
                        {f.weight > 0 ? `+${f.weight.toFixed(1)}` : f.weight.toFixed(1)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          ) : null}
          <fieldset className="govuk-fieldset govuk-!-margin-bottom-4">
            <legend className="govuk-fieldset__legend govuk-fieldset__legend--s">
              Which ContactPoint number stays
            </legend>
            <div className="govuk-radios govuk-radios--small">
              {(['first', 'second'] as const).map((s) => (
                <div className="govuk-radios__item" key={s}>
                  <input
                    className="govuk-radios__input"
                    type="radio"
                    id={`survivor-${s}`}
                    name="survivor"
                    checked={survivor === s}
                    onChange={() => setSurvivor(s)}
                  />
                  <label className="govuk-label govuk-radios__label" htmlFor={`survivor-${s}`}>
                    {s === 'first' ? first.cpNumber : second.cpNumber}
                  </label>
                </div>
              ))}
            </div>
          </fieldset>
          <div className="govuk-button-group">
            <button type="button" className="govuk-button" onClick={merge}>
              {doubtful ? 'Same child: ask for a second look, keeping ' : 'Merge into '}
              {survivor === 'first' ? first.cpNumber : second.cpNumber}
            </button>
            <button
              type="button"
              className="govuk-button govuk-button--secondary"
              onClick={() =>
                void onResolve(
                  { action: 'not-duplicate', ids: [task.id] },
                  'Marked as different children. This pair will not come back.',
                )
              }
            >
              Not a duplicate
            </button>
            <button type="button" className="cp-link-button" onClick={onClose}>
              Close
            </button>
          </div>
        </>
      ) : correcting ? (
        <CorrectionFlow
          key={String(first.withheld)}
          view={first}
          cleanseTaskId={task.id}
          onCancel={() => setCorrecting(false)}
          onAccepted={onCorrected}
        />
      ) : (
        <>
          <CorrectionStatus of={{ cleanseTaskId: task.id }} />
          <DecisionForm
            rule={task.rule}
            count={1}
            idPrefix="task"
            onDecide={(decision, note, label) =>
              onResolve(
                { action: 'dismiss', ids: [task.id], decision, ...(note ? { note } : {}) },
                `Closed: ${label}. It will not come back unless the record changes.`,
              )
            }
          />
          <div className="govuk-button-group">
            <button type="button" className="govuk-button" onClick={() => setCorrecting(true)}>
              Correct this record
            </button>
            <button type="button" className="cp-link-button" onClick={onClose}>
              Close
            </button>
          </div>
        </>
      )}
    </section>
  );
}
