// One account at the helpdesk: what it is (organisation, roles, state, lock-out, token,
// cards), what waits for a second person, the helpdesk's actions, and its history.
// Every action asks for a reason, which the service audits and the history shows.
//
// Credentials: the person who asks for a token or card is shown the first half of the
// holder's activation code, once; the person who confirms is shown the second half,
// once; the holder activates with both (on the sign-in screen). A card is read in this
// computer's reader with its holder present: the holder types the PIN, which goes to
// main and the card and is cleared from the form whatever the outcome.
import { useCallback, useEffect, useState } from 'react';
import type { AppError, Result, SignedInUser } from '../../../../domain/ipc-contract.js';
import type { AccountHistoryEntryView, HelpdeskUserView } from '../../../../domain/management/helpdesk.js';
import type { AccountRequestItemView } from '../../../../domain/management/views.js';
import { getApi } from '../../api.js';
import { SummaryList } from '../../components/SummaryList.js';
import { TableHead } from '../../components/TableHead.js';
import { TextArea } from '../../components/TextArea.js';
import { TextField } from '../../components/TextField.js';
import { useFeedback } from '../../feedback.js';
import { formatDate, formatDateTime } from '../../format.js';
import { accountState } from './account-state.js';
import { roleLabels } from './roles.js';
import { UserHistory } from './UserHistory.js';
import { TableScroll } from '../../components/TableScroll.js';

const kindLabels: Record<AccountRequestItemView['kind'], string> = {
  'account-create': 'New account',
  'token-reset': 'Replacement token',
  'card-enrol': 'Smartcard',
  'role-grant': 'Added roles',
};

const reasonMissing: AppError = {
  code: 'invalid-request',
  message: 'Give a reason: what happened to the account (never anything about a child)',
};

/** Half of an activation code, shown once to the person who hands it to the holder in person. */
interface Half {
  half: 'first' | 'second';
  what: 'token' | 'card';
  code: string;
}

function HalfPanel({ account, half, onHandedOver }: { account: string; half: Half; onHandedOver: () => void }) {
  return (
    <div className="govuk-panel cp-credentials" data-testid="helpdesk-half" role="region" aria-label="Half of a code">
      <h2 className="govuk-heading-m">
        Give this {half.half} half of the activation code to {account}, in person
      </h2>
      <p className="govuk-body">
        {half.half === 'first'
          ? 'A second member of the team, or a data manager, confirms it and gives the holder the second half. '
          : 'Whoever asked for it gave the holder the first half. '}
        {half.what === 'token'
          ? 'The holder activates on the sign-in screen with both halves, chooses their own password and adds their new token’s secret: nobody else ever sees it.'
          : 'The holder activates the card on the sign-in screen with both halves and the card’s PIN: the card proves itself.'}{' '}
        Shown this once and kept nowhere on this computer.
      </p>
      <p className="govuk-body cp-code" data-testid="helpdesk-half-code">
        {half.code}
      </p>
      <button type="button" className="govuk-button govuk-button--secondary" onClick={onHandedOver}>
        I have handed it over
      </button>
    </div>
  );
}

export function UserPage({ user, id, onBack }: { user: SignedInUser; id: string; onBack: () => void }) {
  const f = useFeedback('helpdesk-notice');
  const [account, setAccount] = useState<HelpdeskUserView | null>(null);
  const [history, setHistory] = useState<AccountHistoryEntryView[]>([]);
  const [requests, setRequests] = useState<AccountRequestItemView[]>([]);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | undefined>();
  const [pin, setPin] = useState('');
  const [half, setHalf] = useState<Half | null>(null);
  const [busy, setBusy] = useState(false);
  // Closing is for good: a second press, on a button that says so, does it.
  const [closing, setClosing] = useState(false);
  const mayAsk = user.roles.includes('la-team') || user.roles.includes('national-admin');

  const refresh = useCallback(async () => {
    const [u, h, q] = await Promise.all([
      getApi().manage.user(id),
      getApi().manage.userHistory(id),
      getApi().manage.accountRequests(),
    ]);
    if (u.ok) setAccount(u.value.user);
    else f.fail(u.error, 'helpdesk-reason');
    if (h.ok) setHistory(h.value.entries);
    if (q.ok) setRequests(q.value.requests.filter((r) => r.account === id));
  }, [id]);
  useEffect(() => {
    void refresh();
  }, [refresh]);

  /** Run one action with the reason given, report it, and show the account afresh. */
  async function act<T>(field: string, run: (why: string) => Promise<Result<T>>, done: (value: T) => string) {
    const why = reason.trim();
    if (why === '') {
      setReasonError(reasonMissing.message);
      f.fail(reasonMissing, 'helpdesk-reason');
      return;
    }
    setReasonError(undefined);
    setBusy(true);
    const r = await run(why);
    setBusy(false);
    if (!r.ok) {
      f.fail(r.error, field);
      return;
    }
    setReason('');
    f.done(done(r.value));
    await refresh();
  }

  const enrolCard = () =>
    act(
      'helpdesk-pin',
      async (why) => {
        const typed = pin;
        // The PIN leaves the form whatever the outcome.
        setPin('');
        return getApi().manage.enrolCard({ id, pin: typed, reason: why });
      },
      (v) => {
        setHalf({ half: 'first', what: 'card', code: v.firstHalf });
        return `Card read and enrolment asked for: a second person confirms it for ${id}.`;
      },
    );

  if (!account) {
    return (
      <section aria-label="Account">
        {f.view}
        <button type="button" className="govuk-back-link cp-link-button" onClick={onBack}>
          Back to finding an account
        </button>
        <p className="govuk-body">Loading the account…</p>
      </section>
    );
  }

  const closed = account.closedAt !== null && account.closedAt !== undefined;
  const locked = account.lockedUntil !== null && new Date(account.lockedUntil) > new Date();
  return (
    <section aria-label={`Account ${account.id}`}>
      <button type="button" className="govuk-back-link cp-link-button" onClick={onBack}>
        Back to finding an account
      </button>
      {f.view}
      {half ? <HalfPanel account={account.id} half={half} onHandedOver={() => setHalf(null)} /> : null}
      <h2 className="govuk-heading-l" data-testid="helpdesk-user-name">
        {account.name} <span className="govuk-caption-m">{account.id}</span>
      </h2>
      <div data-testid="helpdesk-user">
        <SummaryList
          rows={[
            { key: 'Organisation', value: account.organisation.name },
            { key: 'Roles', value: account.roles.map((r) => roleLabels[r] ?? r).join(', ') },
            {
              key: 'State',
              value: closed
                ? `Closed on ${formatDate(account.closedAt!)}`
                : locked
                  ? `Locked out until ${formatDateTime(account.lockedUntil!)}`
                  : accountState(account),
            },
            {
              key: 'Security token',
              value: account.tokenActive ? 'In use' : 'None in use: waiting for its holder to activate one',
            },
            {
              key: 'Smartcards',
              value:
                account.cards.length === 0
                  ? 'None'
                  : account.cards
                      .map((c) => `${c.thumbprint.slice(0, 12)}… (since ${formatDate(c.registeredAt)})`)
                      .join('; '),
            },
            {
              key: 'Enhanced check, training, agreement',
              value: `${account.enhancedCheckDate ? formatDate(account.enhancedCheckDate) : 'No check recorded'}; training ${account.trainingCompleted ? 'done' : 'not recorded'}; agreement ${account.agreementSigned ? 'signed' : 'not signed'}`,
            },
          ]}
        />
      </div>

      <TextArea
        id="helpdesk-reason"
        label="Reason for what you do next (kept in the audit; what happened to the account, never anything about a child)"
        value={reason}
        onChange={setReason}
        error={reasonError}
        maxLength={300}
      />

      {requests.length > 0 ? (
        <>
          <h3 className="govuk-heading-s">Waiting for a second person or for the holder</h3>
          <TableScroll>
            <table className="govuk-table cp-table--compact" data-testid="helpdesk-requests">
              <caption className="govuk-table__caption govuk-visually-hidden">Open requests for this account</caption>
              <TableHead columns={['What', 'Asked by', 'State', 'Decide']} />
              <tbody className="govuk-table__body">
                {requests.map((q) => (
                  <tr className="govuk-table__row" key={q.id} id={`helpdesk-request-${q.id}`} tabIndex={-1}>
                    <td className="govuk-table__cell cp-wrap">
                      {kindLabels[q.kind]}
                      {q.cardThumbprint ? ` (card ${q.cardThumbprint.slice(0, 12)}…)` : ''}
                    </td>
                    <td className="govuk-table__cell">{q.requestedBy === user.id ? 'You' : q.requestedBy}</td>
                    <td className="govuk-table__cell">
                      {q.status === 'awaiting-activation'
                        ? `Confirmed by ${q.confirmedBy ?? 'a second person'}: waiting for the holder`
                        : 'Waiting for a second person'}
                    </td>
                    <td className="govuk-table__cell">
                      <div className="govuk-button-group">
                        {q.status === 'awaiting-confirmation' ? (
                          <button
                            type="button"
                            className="govuk-button govuk-!-margin-bottom-0"
                            disabled={busy}
                            onClick={() =>
                              void act(
                                `helpdesk-request-${q.id}`,
                                (why) => getApi().manage.confirmAccountRequest({ id: q.id, reason: why }),
                                (v) => {
                                  if (v.secondHalf)
                                    setHalf({
                                      half: 'second',
                                      what: q.kind === 'card-enrol' ? 'card' : 'token',
                                      code: v.secondHalf,
                                    });
                                  return `Confirmed: give ${id} the second half of the code.`;
                                },
                              )
                            }
                          >
                            Confirm {kindLabels[q.kind].toLowerCase()}
                          </button>
                        ) : null}
                        <button
                          type="button"
                          className="govuk-button govuk-button--secondary govuk-!-margin-bottom-0"
                          disabled={busy}
                          onClick={() =>
                            void act(
                              `helpdesk-request-${q.id}`,
                              (why) => getApi().manage.cancelAccountRequest({ id: q.id, reason: why }),
                              () => `The request for ${kindLabels[q.kind].toLowerCase()} is cancelled.`,
                            )
                          }
                        >
                          Cancel the request
                        </button>
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </>
      ) : null}

      {mayAsk && !closed ? (
        <>
          <h3 className="govuk-heading-s">Account</h3>
          <div className="govuk-button-group" id="helpdesk-actions" tabIndex={-1}>
            {locked ? (
              <button
                type="button"
                className="govuk-button"
                disabled={busy}
                onClick={() =>
                  void act(
                    'helpdesk-actions',
                    (why) => getApi().manage.unlockUser({ id, reason: why }),
                    () => `${id} is unlocked and may sign in again.`,
                  )
                }
              >
                Unlock
              </button>
            ) : null}
            <button
              type="button"
              className="govuk-button govuk-button--secondary"
              disabled={busy}
              onClick={() =>
                void act(
                  'helpdesk-actions',
                  (why) => getApi().manage.resetToken({ id, reason: why }),
                  (v) => {
                    setHalf({ half: 'first', what: 'token', code: v.firstHalf });
                    return `The old password and token of ${id} stopped now: a second person confirms the replacement.`;
                  },
                )
              }
            >
              Replace a lost or broken token
            </button>
            <button
              type="button"
              className="govuk-button govuk-button--secondary"
              disabled={busy}
              onClick={() =>
                void act(
                  'helpdesk-actions',
                  (why) => getApi().manage.updateUser({ id, changes: { suspended: !account.suspended, reason: why } }),
                  () => (account.suspended ? `${id} is reinstated.` : `${id} is suspended.`),
                )
              }
            >
              {account.suspended ? 'Reinstate' : 'Suspend'}
            </button>
            {closing ? (
              <>
                <button
                  type="button"
                  className="govuk-button govuk-button--warning"
                  disabled={busy}
                  onClick={() =>
                    void act(
                      'helpdesk-actions',
                      (why) => getApi().manage.updateUser({ id, changes: { closed: true, reason: why } }),
                      () => `${id} is closed for good.`,
                    ).then(() => setClosing(false))
                  }
                >
                  Yes, close {id} for good
                </button>
                <button
                  type="button"
                  className="govuk-button govuk-button--secondary"
                  onClick={() => setClosing(false)}
                >
                  Keep it open
                </button>
              </>
            ) : (
              <button type="button" className="govuk-button govuk-button--warning" onClick={() => setClosing(true)}>
                Close the account for good
              </button>
            )}
          </div>

          <h3 className="govuk-heading-s">Smartcards</h3>
          {account.cards.length > 0 ? (
            <ul className="govuk-list" data-testid="helpdesk-cards">
              {account.cards.map((c) => (
                <li key={c.thumbprint} className="cp-inline">
                  <span className="cp-code cp-wrap">{c.thumbprint}</span>
                  <button
                    type="button"
                    className="govuk-button govuk-button--warning govuk-!-margin-bottom-0"
                    disabled={busy}
                    onClick={() =>
                      void act(
                        'helpdesk-actions',
                        (why) => getApi().manage.revokeCard({ id, thumbprint: c.thumbprint, reason: why }),
                        (v) => `The card is revoked; ${v.sessionsEnded} card session(s) ended.`,
                      )
                    }
                  >
                    Revoke this card
                  </button>
                </li>
              ))}
            </ul>
          ) : null}
          <p className="govuk-body">
            To enrol a card, the holder is here with it: put the card in this computer’s reader and let the holder type
            its PIN. ContactPoint reads the card’s public key; a second person confirms; the holder activates it.
          </p>
          <div className="cp-inline">
            <TextField
              id="helpdesk-pin"
              label="Card PIN (typed by the holder)"
              labelSize="s"
              type="password"
              inputMode="numeric"
              autoComplete="off"
              width={10}
              value={pin}
              onChange={(e) => setPin(e.target.value)}
            />
            <button type="button" className="govuk-button" disabled={busy} onClick={() => void enrolCard()}>
              Read the card and ask for its enrolment
            </button>
          </div>
        </>
      ) : null}

      <UserHistory entries={history} self={account.id} />
    </section>
  );
}
