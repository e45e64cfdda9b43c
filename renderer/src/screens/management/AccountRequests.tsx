// What waits for a second, independent person (a new account, a replacement token, a
// smartcard, added roles), and the half of a holder's activation code that the person
// who asked, or the one who confirmed, hands over in person.
import type { SignedInUser } from '../../../../domain/ipc-contract.js';
import type { AccountRequestItemView } from '../../../../domain/management/views.js';
import { TableHead } from '../../components/TableHead.js';
import { roleLabels } from './roles.js';
import { TableScroll } from '../../components/TableScroll.js';

const requestKindLabels: Record<AccountRequestItemView['kind'], string> = {
  'account-create': 'New account',
  'token-reset': 'Replacement token',
  'card-enrol': 'Smartcard',
  'role-grant': 'Added roles',
};

/** A half of a holder's activation code, shown once to the person who must hand it over in person. */
export interface HandOver {
  account: string;
  half: 'first' | 'second';
  code: string;
  /** What the holder activates: a card proves itself with its PIN; the rest need a password of their own. */
  kind?: AccountRequestItemView['kind'];
}

export function HandOverPanel({ handOver, onHandedOver }: { handOver: HandOver; onHandedOver: () => void }) {
  return (
    <div
      className="govuk-panel cp-credentials"
      data-testid="hand-over"
      role="region"
      aria-label="Half of an activation code to hand over"
    >
      <h2 className="govuk-heading-m">
        Give this {handOver.half} half of the activation code to {handOver.account}, in person
      </h2>
      <p className="govuk-body">
        {handOver.half === 'first'
          ? 'A second member of the team, or a data manager, confirms the account and gives the holder the second half. '
          : 'Whoever asked for it gave the holder the first half. '}
        {handOver.kind === 'card-enrol'
          ? 'The holder activates the card on the sign-in screen with both halves and the card’s PIN: the card proves itself. '
          : 'The holder activates the account on the sign-in screen with both halves and chooses their own password: nobody else ever holds it. '}
        Shown this once and kept nowhere on this computer.
      </p>
      <p className="govuk-body cp-code" data-testid="hand-over-code">
        {handOver.code}
      </p>
      <button type="button" className="govuk-button govuk-button--secondary" onClick={onHandedOver}>
        I have handed it over
      </button>
    </div>
  );
}

/** The requests of the authority's accounts that wait for a second person, with the buttons to decide them. */
export function AccountRequests({
  user,
  requests,
  onConfirm,
  onCancel,
}: {
  user: SignedInUser;
  requests: readonly AccountRequestItemView[];
  onConfirm: (q: AccountRequestItemView) => void;
  onCancel: (q: AccountRequestItemView) => void;
}) {
  return (
    <>
      <h2 className="govuk-heading-m">Waiting for a second person</h2>
      {requests.length === 0 ? (
        <p className="govuk-body" data-testid="account-requests-none">
          No account, token, card or role is waiting for a second person.
        </p>
      ) : (
        <TableScroll>
          <table className="govuk-table cp-table--compact" data-testid="account-requests">
            <caption className="govuk-table__caption govuk-visually-hidden">
              Requests that a second, independent person confirms
            </caption>
            <TableHead columns={['Account', 'What', 'Asked by', 'State', 'Decide']} />
            <tbody className="govuk-table__body">
              {requests.map((q) => (
                <tr className="govuk-table__row" key={q.id} id={`account-request-${q.id}`} tabIndex={-1}>
                  <td className="govuk-table__cell">{q.account}</td>
                  <td className="govuk-table__cell">
                    {requestKindLabels[q.kind]}
                    {q.roles ? ` (${q.roles.map((r) => roleLabels[r] ?? r).join(', ')})` : ''}
                  </td>
                  <td className="govuk-table__cell">{q.requestedBy === user.id ? 'You' : q.requestedBy}</td>
                  <td className="govuk-table__cell">
                    {q.status === 'awaiting-activation'
                      ? `Confirmed by ${q.confirmedBy ?? 'a second person'}: waiting for the holder`
                      : 'Waiting for a second person'}
                  </td>
                  <td className="govuk-table__cell">
                    <div className="govuk-button-group">
                      {q.status === 'awaiting-confirmation' && q.requestedBy !== user.id && q.account !== user.id ? (
                        <button
                          type="button"
                          className="govuk-button govuk-!-margin-bottom-0"
                          onClick={() => onConfirm(q)}
                        >
                          Confirm {requestKindLabels[q.kind].toLowerCase()} for {q.account}
                        </button>
                      ) : null}
                      {q.requestedBy === user.id && q.status === 'awaiting-confirmation' ? (
                        <span className="govuk-body-s">Your request: another person confirms.</span>
                      ) : null}
                      <button
                        type="button"
                        className="govuk-button govuk-button--secondary govuk-!-margin-bottom-0"
                        onClick={() => onCancel(q)}
                      >
                        Cancel the request for {q.account}
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </>
  );
}
