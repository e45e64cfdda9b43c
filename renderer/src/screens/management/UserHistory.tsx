// An account's history on the helpdesk's page: the audited actions on it, newest first,
// with who acted and the reason they gave. What the service's audit trail holds, read
// through it (each read is itself audited); never a credential or code.
import type { AccountHistoryEntryView } from '../../../../domain/management/helpdesk.js';
import { TableHead } from '../../components/TableHead.js';
import { formatDateTime } from '../../format.js';
import { TableScroll } from '../../components/TableScroll.js';

const kindLabels: Record<string, string> = {
  'account-create': 'the new account',
  'token-reset': 'a replacement token',
  'card-enrol': 'a smartcard',
  'role-grant': 'added roles',
};

/** One entry in words: "Token replaced", "Asked for a smartcard", "Confirmed a replacement token". */
export function historyText(e: AccountHistoryEntryView): string {
  if (e.action === 'sign-in-refused')
    return `Sign-in refused (${e.kind === 'card' ? 'smartcard' : e.kind === 'otp' ? 'security token' : 'unknown method'})`;
  const kind = e.kind ? (kindLabels[e.kind] ?? e.kind) : 'it';
  switch (e.change) {
    case 'created':
      return 'Account created';
    case 'updated':
      return 'Account changed';
    case 'closed':
      return 'Account closed';
    case 'unlocked':
      return 'Unlocked after a lock-out';
    case 'token-reset':
      return 'Old password and token stopped';
    case 'card-revoked':
      return 'Smartcard revoked';
    case 'card-registered':
      return 'Smartcard registered';
    case 'roles-granted':
      return 'Roles added';
    case 'requested':
      return `Asked for ${kind}`;
    case 'confirmed':
      return `Confirmed ${kind}`;
    case 'cancelled':
      return `Cancelled the request for ${kind}`;
    case 'activated':
      return `The holder activated ${kind}`;
    default:
      return e.change ?? e.action;
  }
}

export function UserHistory({ entries, self }: { entries: readonly AccountHistoryEntryView[]; self: string }) {
  return (
    <>
      <h2 className="govuk-heading-m">History</h2>
      {entries.length === 0 ? (
        <p className="govuk-body">Nothing has been done to this account yet.</p>
      ) : (
        <TableScroll>
          <table className="govuk-table cp-table--compact" data-testid="user-history">
            <caption className="govuk-table__caption govuk-visually-hidden">
              What was done to this account, newest first, by whom and why
            </caption>
            <TableHead columns={['When', 'Who', 'What', 'Reason']} />
            <tbody className="govuk-table__body">
              {entries.map((e) => (
                <tr className="govuk-table__row" key={e.seq} data-testid="history-row">
                  <td className="govuk-table__cell">{formatDateTime(e.at)}</td>
                  <td className="govuk-table__cell">
                    {e.by === null ? 'ContactPoint' : e.by === self ? 'The holder' : e.by}
                  </td>
                  <td className="govuk-table__cell">{historyText(e)}</td>
                  <td className="govuk-table__cell cp-wrap">{e.reason ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </>
  );
}
