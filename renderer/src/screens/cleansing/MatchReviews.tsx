// The national match-review queue on the cleansing screen: possible duplicates the
// national index opened itself when a supply looked like a child it holds. Each opens
// side by side like a local duplicate (the same fields: fields.ts) and is settled on the
// national index as the same child (merged there) or different children. A doubtful pair
// a team member decided is one child waits here for a second look by another member, who
// sees neither that decision nor the score. Below the queue: how often second looks
// agreed, and what the reviewed pairs say about the automatic band's precision.
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import type {
  LabelFigures,
  MatchReviewAgreementView,
  MatchReviewItem,
  MatchReviewPair,
} from '../../../../domain/match-review.js';
import { getApi } from '../../api.js';
import { ErrorSummary, type FieldError } from '../../components/ErrorSummary.js';
import { TableHead } from '../../components/TableHead.js';
import { TextArea } from '../../components/TextArea.js';
import { Notice, problem } from '../../feedback.js';
import { formatDateTime, formatNumber } from '../../format.js';
import { PurposeForm, useTaskSession } from '../TaskPurpose.js';
import { COMPARED, show, VISIBLE_ON_SHIELDED } from './fields.js';
import { TableScroll } from '../../components/TableScroll.js';

const percent = (x: number) => `${Math.round(x * 1000) / 10}%`;
/** The opening words of main's notice that a decision is recorded but a second person must decide. */
const RECORDED = 'Your decision is recorded.';

/** How records are opened: the team's cleansing task session, or a data manager's reason with each review. */
type Access = { taskSession: string } | { reason: string };

/**
 * The queue. A team opens reviews in its cleansing task session (the purpose asked once);
 * a data manager (`dataManager`: no working set, no labels) gives a reason with each review.
 */
export function MatchReviews({ dataManager = false }: { dataManager?: boolean } = {}) {
  const [reviews, setReviews] = useState<MatchReviewItem[] | null>(null);
  const [figures, setFigures] = useState<LabelFigures | null>(null);
  const [agreement, setAgreement] = useState<MatchReviewAgreementView | null>(null);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const [openId, setOpenId] = useState<number | null>(null);
  const task = useTaskSession('cleansing', !dataManager);
  const [reason, setReason] = useState<string | null>(null);
  const forgetReason = useCallback(() => setReason(null), []);
  const access: Access | null = dataManager
    ? reason === null
      ? null
      : { reason }
    : task.session
      ? { taskSession: task.session.taskSession }
      : null;

  const refresh = useCallback(async () => {
    const r = await getApi().reviews.list();
    if (r.ok) {
      setReviews(r.value.reviews);
      setAgreement(r.value.agreement);
    } else setErrors(problem(r.error, 'match-reviews'));
    const f = await getApi().reviews.labels();
    if (f.ok) setFigures(f.value);
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);

  const resolved = async (text: string, settled?: number) => {
    // A settled review leaves the list in the same render as the notice that says so.
    if (settled !== undefined) setReviews((list) => list?.filter((r) => r.id !== settled) ?? list);
    setOpenId(null);
    setNotice(text);
    // Focus first, then the list afresh: focus moved after the answer came back would pull
    // a keyboard user back from wherever they had gone on to meanwhile.
    document.getElementById('match-reviews-heading')?.focus();
    await refresh();
  };

  return (
    <section aria-labelledby="match-reviews-heading" data-testid="match-reviews" id="match-reviews">
      <h2 className="govuk-heading-m" id="match-reviews-heading" tabIndex={-1}>
        Possible duplicates found by the national index
      </h2>
      <ErrorSummary errors={errors} />
      {notice ? <Notice text={notice} testId="match-review-done" /> : null}
      <p className="govuk-body">
        When a supply looks like a child the national index already holds, it opens a review for a person to decide.
        Until then the new record is treated as shielded if the other one is. A pair marked &ldquo;second look&rdquo;
        has been decided once by another member of the team: decide it on the records alone.
      </p>
      {reviews === null ? (
        <p className="govuk-body">Opening the national reviews…</p>
      ) : reviews.length === 0 ? (
        <p className="govuk-body" data-testid="match-reviews-empty">
          No open national reviews.
        </p>
      ) : (
        <TableScroll>
          <table className="govuk-table" data-testid="match-review-list">
            <caption className="govuk-table__caption govuk-visually-hidden">
              Open national reviews, oldest first
            </caption>
            <TableHead
              columns={['New record', 'Held record', { label: 'Likelihood', numeric: true }, 'Opened', 'Review']}
            />
            <tbody className="govuk-table__body">
              {reviews.map((r) => (
                <tr className="govuk-table__row" key={r.id}>
                  <td className="govuk-table__cell">
                    {r.cpNumber}
                    {r.shieldPending ? (
                      <strong className="govuk-tag govuk-tag--orange cp-differs__tag">treated as shielded</strong>
                    ) : null}
                    {r.secondLook ? (
                      <strong className="govuk-tag govuk-tag--blue cp-differs__tag" data-testid="second-look-tag">
                        {r.secondLook === 'needed' ? 'second look' : 'for a data manager'}
                      </strong>
                    ) : null}
                  </td>
                  <td className="govuk-table__cell">{r.candidateCpNumber}</td>
                  <td className="govuk-table__cell govuk-table__cell--numeric">
                    {r.score === undefined ? 'Not shown' : percent(r.score)}
                  </td>
                  <td className="govuk-table__cell">{formatDateTime(r.createdAt)}</td>
                  <td className="govuk-table__cell">
                    <button
                      type="button"
                      className="cp-link-button"
                      aria-current={openId === r.id ? 'true' : undefined}
                      onClick={() => {
                        setNotice(null);
                        setOpenId(r.id);
                        // A data manager's reason is for one review.
                        if (dataManager && openId !== r.id) setReason(null);
                      }}
                    >
                      Open<span className="govuk-visually-hidden"> the review of {r.cpNumber}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {openId !== null && access === null && dataManager ? (
        <ReasonForm onGiven={setReason} onCancel={() => setOpenId(null)} />
      ) : null}
      {openId !== null && access === null && !dataManager ? (
        <PurposeForm
          screen="cleansing"
          id="match-review-purpose"
          what="reviews"
          onStarted={task.start}
          onCancel={() => setOpenId(null)}
        />
      ) : null}
      {openId !== null && access !== null ? (
        <ReviewPanel
          key={`${openId}-${'reason' in access ? access.reason : access.taskSession}`}
          id={openId}
          access={access}
          onLost={dataManager ? forgetReason : task.lost}
          onResolved={resolved}
          onClose={() => setOpenId(null)}
        />
      ) : null}
      <AgreementView agreement={agreement} />
      <LabelFiguresView figures={figures} />
    </section>
  );
}

/** How often a second look agreed with the first, as the national index counts it, with the counts behind it. */
function AgreementView({ agreement }: { agreement: MatchReviewAgreementView | null }) {
  if (agreement === null) return null;
  const looked = agreement.agreed + agreement.disagreed;
  return (
    <div data-testid="agreement">
      <h3 className="govuk-heading-s">How often a second look agreed</h3>
      <p className="govuk-body" data-testid="agreement-rate">
        {agreement.rate === null
          ? 'No second look has been decided yet.'
          : `${percent(agreement.rate)}: ${formatNumber(agreement.agreed)} of ${formatNumber(looked)} second look${
              looked === 1 ? '' : 's'
            } agreed with the first decision; ${formatNumber(agreement.disagreed)} did not and went to a data manager.`}{' '}
        {formatNumber(agreement.awaiting)} waiting for a second person.
      </p>
    </div>
  );
}

function LabelFiguresView({ figures }: { figures: LabelFigures | null }) {
  if (figures === null) return null;
  return (
    <div data-testid="label-figures">
      <h3 className="govuk-heading-s">What the reviewed pairs say about the matcher</h3>
      <p className="govuk-body">
        {formatNumber(figures.labels)} reviewed pair{figures.labels === 1 ? '' : 's'} ({formatNumber(figures.same)} the
        same child). The matcher learns without them; they are used only to check it.
      </p>
      <dl className="govuk-summary-list">
        <div className="govuk-summary-list__row">
          <dt className="govuk-summary-list__key">Precision at the current threshold ({figures.threshold})</dt>
          <dd className="govuk-summary-list__value" data-testid="label-precision">
            {figures.precision === null
              ? 'Too few labels to say'
              : `${percent(figures.precision)} of ${formatNumber(figures.above)} reviewed pairs above it`}
          </dd>
        </div>
        <div className="govuk-summary-list__row">
          <dt className="govuk-summary-list__key">Suggested threshold for a precision of 99.5%</dt>
          <dd className="govuk-summary-list__value" data-testid="label-suggested">
            {figures.suggestedThreshold === null ? 'Not yet: see below' : String(figures.suggestedThreshold)}
          </dd>
        </div>
      </dl>
      {figures.note ? <p className="govuk-body-s">{figures.note}</p> : null}
    </div>
  );
}

/** A data manager's reason for opening one review (both records are read with it, and audited). */
function ReasonForm({ onGiven, onCancel }: { onGiven: (reason: string) => void; onCancel: () => void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    document.getElementById('match-review-reason')?.focus();
  }, []);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (reason.trim() === '') {
      setError('Enter the reason for opening these records');
      document.getElementById('match-review-reason')?.focus();
      return;
    }
    onGiven(reason.trim());
  };
  return (
    <form noValidate onSubmit={submit} aria-label="Reason for access" data-testid="match-review-reason-form">
      <TextArea
        id="match-review-reason"
        label="Reason for opening these two records"
        value={reason}
        onChange={setReason}
        error={error}
        maxLength={500}
      />
      <div className="govuk-button-group">
        <button type="submit" className="govuk-button">
          Continue
        </button>
        <button type="button" className="cp-link-button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function ReviewPanel({
  id,
  access,
  onLost,
  onResolved,
  onClose,
}: {
  id: number;
  access: Access;
  onLost: () => void;
  onResolved: (text: string, settled?: number) => Promise<void>;
  onClose: () => void;
}) {
  const [pair, setPair] = useState<MatchReviewPair | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reveal, setReveal] = useState<string[]>([]);
  const [decision, setDecision] = useState<'same-child' | 'different-children' | null>(null);
  const [decisionError, setDecisionError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    let live = true;
    void getApi()
      .reviews.open({ id, ...access, ...(reveal.length > 0 ? { reveal } : {}) })
      .then((r) => {
        if (!live) return;
        if (r.ok) setPair(r.value);
        else if (r.error.code === 'purpose-required') onLost();
        else setError(r.error.message);
      });
    return () => {
      live = false;
    };
    // `access` is fixed for the panel's life (a new review or reason is a new panel).
  }, [id, reveal, onLost]);
  const opened = pair !== null;
  useEffect(() => {
    if (opened) heading.current?.focus();
  }, [opened]);

  const rows = useMemo(() => {
    if (!pair) return [];
    const withheld = pair.first.withheld || pair.second.withheld;
    return COMPARED.map((f) => {
      const a = f.read(pair.first.record);
      const b = f.read(pair.second.record);
      const hidden = withheld && !VISIBLE_ON_SHIELDED.has(f.key);
      return { ...f, a, b, differs: !hidden && JSON.stringify(a ?? null) !== JSON.stringify(b ?? null) };
    });
  }, [pair]);

  if (error)
    return (
      <p className="govuk-body" role="alert" data-testid="match-review-error">
        {error}
      </p>
    );
  if (!pair) return <p className="govuk-body">Opening the review…</p>;
  const { review, first, second } = pair;

  const submit = async () => {
    if (decision === null) {
      setDecisionError('Choose whether they are the same child or different children');
      document.getElementById('review-decision-same-child')?.focus();
      return;
    }
    setBusy(true);
    const r = await getApi().reviews.resolve({ id: review.id, decision });
    setBusy(false);
    if (!r.ok) {
      // Recorded, not settled: a second person must decide (main/cleansing/match-reviews.ts
      // secondPersonNotice). The review stays in the queue, with no hint of this decision.
      if (r.error.code === 'conflict' && r.error.message.startsWith(RECORDED)) {
        await onResolved(r.error.message);
        return;
      }
      setDecisionError(r.error.message);
      return;
    }
    await onResolved(
      decision === 'same-child'
        ? `${review.cpNumber} was merged into ${r.value.cpNumber} on the national index.`
        : `${review.cpNumber} and ${review.candidateCpNumber} are recorded as different children.`,
      review.id,
    );
  };

  return (
    <section className="cp-task-panel" aria-labelledby="review-heading" data-testid="match-review-panel">
      <h3 className="govuk-heading-m" id="review-heading" tabIndex={-1} ref={heading}>
        {first.cpNumber} and {second.cpNumber}
      </h3>
      {review.score === undefined ? (
        <p className="govuk-body" data-testid="review-score">
          A second look: decide from the two records alone whether they are one child. If you decide they are,{' '}
          {first.cpNumber} is merged into {second.cpNumber}.
        </p>
      ) : (
        <p className="govuk-body" data-testid="review-score">
          The national index found them {percent(review.score)} likely to be the same child. {first.cpNumber} is the new
          record; {second.cpNumber} the one it already held.
        </p>
      )}
      {[first, second].some((side) => side.withheld) ? (
        <div className="govuk-inset-text" data-testid="review-withheld">
          {[first, second].map((side) =>
            side.withheld ? (
              <p className="govuk-body" key={side.cpNumber}>
                {side.cpNumber} is shielded: its address and other hidden details are not shown.{' '}
                {side.mayReveal ? (
                  <button
                    type="button"
                    className="govuk-button govuk-button--warning govuk-!-margin-bottom-0"
                    onClick={() => setReveal((r) => [...r, side.cpNumber])}
                  >
                    Show shielded details<span className="govuk-visually-hidden"> of {side.cpNumber}</span>
                  </button>
                ) : (
                  'Your role may not see them.'
                )}
              </p>
            ) : null,
          )}
          <p className="govuk-body-s">
            Showing them is recorded in the child&apos;s audit trail with your name and the purpose of this work.
          </p>
        </div>
      ) : null}
      <TableScroll>
        <table className="govuk-table cp-compare" data-testid="review-compare">
          <caption className="govuk-table__caption govuk-table__caption--s">
            The two records side by side; fields that differ are marked
          </caption>
          <TableHead columns={['Field', first.cpNumber, second.cpNumber]} />
          <tbody className="govuk-table__body">
            {rows.map((r) => (
              <tr className={`govuk-table__row${r.differs ? ' cp-differs' : ''}`} key={r.key}>
                <th scope="row" className="govuk-table__header">
                  {r.label}
                  {r.differs ? <strong className="govuk-tag govuk-tag--yellow cp-differs__tag">differs</strong> : null}
                </th>
                <td className="govuk-table__cell cp-wrap">
                  {first.withheld && !VISIBLE_ON_SHIELDED.has(r.key) ? 'Hidden by the shield' : show(r.a)}
                </td>
                <td className="govuk-table__cell cp-wrap">
                  {second.withheld && !VISIBLE_ON_SHIELDED.has(r.key) ? 'Hidden by the shield' : show(r.b)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      <div className={`govuk-form-group${decisionError ? ' govuk-form-group--error' : ''}`}>
        <fieldset className="govuk-fieldset" aria-describedby={decisionError ? 'review-decision-error' : undefined}>
          <legend className="govuk-fieldset__legend govuk-fieldset__legend--s">Your decision</legend>
          {review.shieldPending ? (
            <div className="govuk-hint" data-testid="review-shield-warning">
              {first.cpNumber} is treated as shielded while it may be a shielded child. Deciding they are different
              children can end that, and then anyone who may find {first.cpNumber} sees its address: decide only when
              you are sure.
            </div>
          ) : null}
          {decisionError ? (
            <p className="govuk-error-message" id="review-decision-error" data-testid="review-decision-error">
              <span className="govuk-visually-hidden">Error:</span> {decisionError}
            </p>
          ) : null}
          <div className="govuk-radios govuk-radios--small">
            {(
              [
                ['same-child', `The same child: merge ${first.cpNumber} into ${second.cpNumber}`],
                ['different-children', 'Different children'],
              ] as const
            ).map(([value, label]) => (
              <div className="govuk-radios__item" key={value}>
                <input
                  className="govuk-radios__input"
                  type="radio"
                  id={`review-decision-${value}`}
                  name="review-decision"
                  checked={decision === value}
                  onChange={() => {
                    setDecision(value);
                    setDecisionError(null);
                  }}
                />
                <label className="govuk-label govuk-radios__label" htmlFor={`review-decision-${value}`}>
                  {label}
                </label>
              </div>
            ))}
          </div>
        </fieldset>
      </div>
      <div className="govuk-button-group">
        <button type="button" className="govuk-button" disabled={busy} onClick={() => void submit()}>
          Record the decision
        </button>
        <button type="button" className="cp-link-button" onClick={onClose}>
          Close
        </button>
      </div>
    </section>
  );
}
