// A record of the working set as the screen shows it. Shielded, it shows what a shield
// leaves visible and "Show shielded details", which main checks and audits.
import { useEffect, useRef, useState } from 'react';
import type { RecordView } from '../../../../domain/api/records.js';
import type { WorkingSetRecordView } from '../../../../domain/working-set-access.js';
import { Warning } from '../../components/Warning.js';
import { RecordDetails } from '../RecordDetails.js';
import { CorrectionFlow } from '../correction/CorrectionFlow.js';
import { CorrectionStatus } from '../correction/CorrectionStatus.js';

/**
 * A record of the working set. Shielded: what a shield leaves visible, and "Show shielded
 * details" (main checks the role and records the showing in the child's audit trail).
 */
export function WorkingSetRecord({
  view,
  onReveal,
  onClose,
}: {
  view: WorkingSetRecordView;
  onReveal: () => void;
  onClose?: () => void;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  /** "Correct this record": the correction form in place of the record. */
  const [correcting, setCorrecting] = useState(false);
  const name = view.record.name as { given?: string; family?: string } | undefined;
  // A new record (or its details shown) moves focus to its heading.
  useEffect(() => {
    heading.current?.focus();
  }, [view.cpNumber, view.withheld]);
  return (
    <section aria-labelledby={`record-${view.cpNumber}`} className="cp-ws-record" data-testid="ws-record">
      <h2 className="govuk-heading-m" id={`record-${view.cpNumber}`} tabIndex={-1} ref={heading}>
        <bdi>{`${name?.given ?? ''} ${name?.family ?? ''}`}</bdi>{' '}
        <span className="govuk-caption-m">{view.cpNumber}</span>
      </h2>
      {view.shielded || view.shieldPending ? (
        view.withheld ? (
          <>
            <Warning>
              {view.shielded
                ? 'This record is shielded: its address, contact details and the other details a shield hides are not shown.'
                : 'This record may be a duplicate of a shielded record, so it is treated as shielded until a person decides: its hidden details are not shown.'}
            </Warning>
            <p className="govuk-body">
              Show them only to broker contact. Showing them is recorded in the child&apos;s audit trail with your name
              and purpose.
            </p>
            <button type="button" className="govuk-button govuk-button--warning" onClick={onReveal}>
              Show shielded details
            </button>
          </>
        ) : (
          <div className="govuk-inset-text" data-testid="shielded-shown">
            Shielded details shown. This has been recorded in the child&apos;s audit trail.
          </div>
        )
      ) : null}
      {correcting ? (
        <CorrectionFlow key={String(view.withheld)} view={view} onCancel={() => setCorrecting(false)} />
      ) : (
        <>
          <CorrectionStatus of={{ cpNumber: view.cpNumber }} />
          <button type="button" className="govuk-button" onClick={() => setCorrecting(true)}>
            Correct this record
          </button>
          <RecordDetails record={view.record as unknown as RecordView} actions={{ render: () => null }} />
        </>
      )}
      {onClose ? (
        <button type="button" className="govuk-button govuk-button--secondary" onClick={onClose}>
          Close the record
        </button>
      ) : null}
    </section>
  );
}
