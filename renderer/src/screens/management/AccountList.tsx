// The authority's accounts: whose accreditation lapses soon, and every account with its
// roles, enhanced check, training and agreement, and state, with the changes a member
// makes to another's account (never their own: another member changes it).
import { useState } from 'react';
import type { SignedInUser } from '../../../../domain/ipc-contract.js';
import type { AccountView } from '../../../../domain/management/views.js';
import type { getApi } from '../../api.js';
import { TableHead } from '../../components/TableHead.js';
import { formatDate } from '../../format.js';
import { roleLabels } from './roles.js';
import { TableScroll } from '../../components/TableScroll.js';

export interface LapsingAccount {
  id: string;
  name: string;
  reasons: { kind: string; date?: string | undefined }[];
}

export type AccountChanges = Parameters<ReturnType<typeof getApi>['manage']['updateUser']>[0]['changes'];

function accountState(a: AccountView): string {
  if (a.closedAt) return 'Closed';
  if (a.suspended) return 'Suspended';
  if (a.lockedUntil && new Date(a.lockedUntil) > new Date()) return 'Locked out';
  return 'Active';
}

/** Accounts whose accreditation lapses in the next 30 days, or is incomplete. */
export function Lapsing({ lapsing }: { lapsing: readonly LapsingAccount[] }) {
  return (
    <>
      <h2 className="govuk-heading-m">Accreditation lapsing in the next 30 days</h2>
      {lapsing.length === 0 ? (
        <p className="govuk-body" data-testid="lapsing-none">
          Nobody’s accreditation lapses in the next 30 days.
        </p>
      ) : (
        <TableScroll>
          <table className="govuk-table cp-table--compact" data-testid="lapsing">
            <caption className="govuk-table__caption govuk-visually-hidden">
              Accounts whose accreditation lapses soon or is incomplete
            </caption>
            <TableHead columns={['Account', 'What', 'When']} />
            <tbody className="govuk-table__body">
              {lapsing.map((u) => (
                <tr className="govuk-table__row" key={u.id}>
                  <td className="govuk-table__cell">
                    {u.name} ({u.id})
                  </td>
                  <td className="govuk-table__cell">
                    {u.reasons
                      .map((r) =>
                        r.kind === 'enhanced-check'
                          ? 'Enhanced check lapses'
                          : r.kind === 'training-missing'
                            ? 'Training not recorded'
                            : r.kind === 'agreement-missing'
                              ? 'Agreement not signed'
                              : 'No enhanced check recorded',
                      )
                      .join('; ')}
                  </td>
                  <td className="govuk-table__cell">
                    {u.reasons.find((r) => r.date)?.date ? formatDate(u.reasons.find((r) => r.date)!.date!) : '—'}
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

/** Every account; `onUpdate` makes a change and says whether it was made. */
export function AccountTable({
  user,
  users,
  onUpdate,
}: {
  user: SignedInUser;
  users: readonly AccountView[];
  onUpdate: (a: AccountView, changes: AccountChanges, what: string) => Promise<boolean>;
}) {
  const [checkDate, setCheckDate] = useState<Record<string, string>>({});
  const [closing, setClosing] = useState<string | null>(null);
  const change = async (a: AccountView, changes: AccountChanges, what: string) => {
    if (await onUpdate(a, changes, what)) setClosing(null);
  };
  return (
    <>
      <h2 className="govuk-heading-m">Accounts</h2>
      <TableScroll>
        <table className="govuk-table cp-table--compact" data-testid="accounts">
          <caption className="govuk-table__caption govuk-visually-hidden">The accounts of your authority</caption>
          <TableHead
            columns={['Account', 'Roles', 'Organisation', 'Enhanced check', 'Training, agreement', 'State', 'Change']}
          />
          <tbody className="govuk-table__body">
            {users.map((a) => {
              const own = a.id === user.id;
              const closed = !!a.closedAt;
              return (
                <tr
                  className="govuk-table__row"
                  key={a.id}
                  id={`account-${a.id}`}
                  tabIndex={-1}
                  data-testid="account-row"
                >
                  <td className="govuk-table__cell cp-wrap">
                    {a.name}
                    <br />
                    <span className="govuk-body-s">{a.id}</span>
                  </td>
                  <td className="govuk-table__cell">{a.roles.map((r) => roleLabels[r] ?? r).join(', ')}</td>
                  <td className="govuk-table__cell cp-wrap">{a.organisation.name}</td>
                  <td className="govuk-table__cell">
                    {a.enhancedCheckDate ? formatDate(a.enhancedCheckDate) : 'None recorded'}
                    {!own && !closed ? (
                      <div className="cp-inline">
                        <input
                          className="govuk-input govuk-input--width-10"
                          type="date"
                          aria-label={`New enhanced check date for ${a.id}`}
                          value={checkDate[a.id] ?? ''}
                          onChange={(e) => setCheckDate({ ...checkDate, [a.id]: e.target.value })}
                        />
                        <button
                          type="button"
                          className="govuk-button govuk-button--secondary govuk-!-margin-bottom-0"
                          disabled={!checkDate[a.id]}
                          onClick={() =>
                            void change(a, { enhancedCheckDate: checkDate[a.id]! }, 'enhanced check recorded')
                          }
                        >
                          Record check for {a.id}
                        </button>
                      </div>
                    ) : null}
                  </td>
                  <td className="govuk-table__cell">
                    {a.trainingCompleted ? 'Trained' : 'Not trained'}, {a.agreementSigned ? 'signed' : 'not signed'}
                    {!own && !closed && (!a.trainingCompleted || !a.agreementSigned) ? (
                      <div>
                        <button
                          type="button"
                          className="govuk-button govuk-button--secondary govuk-!-margin-bottom-0"
                          onClick={() =>
                            void change(
                              a,
                              { trainingCompleted: true, agreementSigned: true },
                              'training and agreement recorded',
                            )
                          }
                        >
                          Record training and agreement for {a.id}
                        </button>
                      </div>
                    ) : null}
                  </td>
                  <td className="govuk-table__cell" data-testid={`state-${a.id}`}>
                    {accountState(a)}
                  </td>
                  <td className="govuk-table__cell">
                    {own ? (
                      <span className="govuk-body-s">Your own account: another member changes it.</span>
                    ) : closed ? null : (
                      <div className="govuk-button-group">
                        <button
                          type="button"
                          className="govuk-button govuk-button--secondary govuk-!-margin-bottom-0"
                          onClick={() =>
                            void change(a, { suspended: !a.suspended }, a.suspended ? 'reinstated' : 'suspended')
                          }
                        >
                          {a.suspended ? 'Reinstate' : 'Suspend'} {a.id}
                        </button>
                        {closing === a.id ? (
                          <button
                            type="button"
                            className="govuk-button govuk-button--warning govuk-!-margin-bottom-0"
                            onClick={() => void change(a, { closed: true }, 'closed for good')}
                          >
                            Yes, close {a.id} for good
                          </button>
                        ) : (
                          <button
                            type="button"
                            className="govuk-button govuk-button--secondary govuk-!-margin-bottom-0"
                            onClick={() => setClosing(a.id)}
                          >
                            Close {a.id}
                          </button>
                        )}
                      </div>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableScroll>
    </>
  );
}
