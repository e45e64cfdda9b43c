// Where a record's (or a task's) corrections are: waiting for the national index,
// accepted, refused, or a conflict to decide field by field. It looks again every
// couple of seconds while one is waiting.
import { useCallback, useEffect, useRef, useState } from 'react';
import { labelOf, type CorrectionView } from '../../../../domain/correction.js';
import { getApi } from '../../api.js';
import { ConflictChoice } from './ConflictChoice.js';

const TAGS: Record<CorrectionView['state'], { label: string; colour: string }> = {
  pending: { label: 'Waiting for the national index', colour: 'govuk-tag--blue' },
  accepted: { label: 'Accepted', colour: 'govuk-tag--green' },
  conflict: { label: 'Conflict: decide', colour: 'govuk-tag--orange' },
  refused: { label: 'Refused', colour: 'govuk-tag--red' },
  resent: { label: 'Conflict decided', colour: 'govuk-tag--grey' },
};

export function CorrectionStatus({
  of,
  from,
  onAccepted,
}: {
  of: { cpNumber: string } | { cleanseTaskId: number };
  /** Show only this correction (the one just made) and any made after it (a conflict decided). */
  from?: number;
  onAccepted?: () => void;
}) {
  const [list, setList] = useState<CorrectionView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const key = JSON.stringify(of);
  const load = useCallback(async () => {
    const r = await getApi().correction.list(JSON.parse(key) as typeof of);
    if (r.ok) setList(from === undefined ? r.value : r.value.filter((c) => c.id >= from));
    else setError(r.error.message);
  }, [key, from]);
  useEffect(() => {
    void load();
  }, [load]);
  const waiting = list?.some((c) => c.state === 'pending') ?? false;
  const accepted = list?.some((c) => c.state === 'accepted') ?? false;
  useEffect(() => {
    if (!waiting) return;
    const timer = setInterval(() => void load(), 1500);
    return () => clearInterval(timer);
  }, [waiting, load]);
  // Told once: the caller may re-render with a new callback, which must not ask again.
  const told = useRef(false);
  useEffect(() => {
    if (!accepted || told.current) return;
    told.current = true;
    onAccepted?.();
  }, [accepted, onAccepted]);

  if (error)
    return (
      <p className="govuk-body" role="alert">
        {error}
      </p>
    );
  if (!list || list.length === 0) return null;
  return (
    <div data-testid="corrections" aria-live="polite">
      <ul className="govuk-list">
        {list.map((c) => (
          <li key={c.id} data-testid={`correction-${c.state}`}>
            <strong className={`govuk-tag ${TAGS[c.state].colour}`}>{TAGS[c.state].label}</strong> Correction of{' '}
            {c.fields.map((f) => labelOf(f).toLowerCase()).join(', ')} by {c.provenance}.
            {c.state === 'pending'
              ? ' It goes to the national index as soon as it can be reached; it is kept on this computer until then.'
              : ''}
            {c.state === 'accepted' && c.cleanseTaskId !== null ? ' The task is closed.' : ''}
            {c.state === 'refused' && c.message ? ` ${c.message}` : ''}
            {c.state === 'resent' ? ' Somebody changed the record first; the values chosen were sent again.' : ''}
            {c.state === 'conflict' && c.conflictTaskId !== null ? (
              <ConflictChoice taskId={c.conflictTaskId} onSent={() => void load()} />
            ) : null}
          </li>
        ))}
      </ul>
      {waiting ? (
        <button
          type="button"
          className="govuk-button govuk-button--secondary"
          onClick={() =>
            void getApi()
              .workingSet.send()
              .then(() => load())
          }
        >
          Try sending now
        </button>
      ) : null}
    </div>
  );
}
