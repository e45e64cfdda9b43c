// The helpdesk (docs/team-guide.md "Helpdesk"): find an account of the authority by name
// or user ID, and open it to see its state and history and do the helpdesk's work on it
// (UserPage.tsx). A data manager finds every authority's accounts, to confirm what a team
// asked for. The list is what the national index says; nothing is kept on this computer.
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import type { SignedInUser } from '../../../../domain/ipc-contract.js';
import type { AccountView } from '../../../../domain/management/views.js';
import { getApi } from '../../api.js';
import { TableHead } from '../../components/TableHead.js';
import { TextField } from '../../components/TextField.js';
import { useFeedback } from '../../feedback.js';
import { accountState } from './account-state.js';
import { roleLabels } from './roles.js';
import { UserPage } from './UserPage.js';
import { TableScroll } from '../../components/TableScroll.js';

/** At most this many matches are listed: a longer list means the search needs more letters. */
const SHOWN = 50;

/** Accounts whose name or user ID holds every word of `query`, case and accents aside. */
export function findAccounts(users: readonly AccountView[], query: string): AccountView[] {
  const fold = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  return users.filter((u) => {
    const text = fold(`${u.name} ${u.id}`);
    return words.every((w) => text.includes(w));
  });
}

export function HelpdeskView({ user }: { user: SignedInUser }) {
  const f = useFeedback('helpdesk-search-notice');
  const [users, setUsers] = useState<AccountView[] | null>(null);
  const [query, setQuery] = useState('');
  const [searched, setSearched] = useState('');
  const [open, setOpen] = useState<string | null>(null);

  useEffect(() => {
    void getApi()
      .manage.users()
      .then((r) => {
        if (r.ok) setUsers(r.value.users);
        else f.fail(r.error, 'helpdesk-find');
      });
    // Once, when the tab opens: the page of one account loads its own.
  }, []);

  const found = useMemo(() => findAccounts(users ?? [], searched), [users, searched]);

  if (open !== null) return <UserPage user={user} id={open} onBack={() => setOpen(null)} />;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setSearched(query);
  };

  return (
    <section aria-label="Helpdesk">
      {f.view}
      <p className="govuk-body">
        Unlock an account after a lock-out, replace a lost or broken security token, enrol a smartcard with its holder
        at the desk, revoke a card, suspend, reinstate or close an account. Each asks for a reason, which the audit
        keeps and the account’s history shows. Nobody does this work on their own account.
      </p>
      <form noValidate onSubmit={onSubmit} aria-label="Find an account" className="cp-inline">
        <TextField
          id="helpdesk-find"
          label="Name or user ID"
          labelSize="s"
          autoComplete="off"
          spellCheck={false}
          width={20}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <button type="submit" className="govuk-button">
          Find
        </button>
      </form>
      {searched.trim() === '' ? null : found.length === 0 ? (
        <p className="govuk-body" data-testid="helpdesk-none">
          {users === null ? 'The accounts are still loading.' : `No account’s name or user ID matches “${searched}”.`}
        </p>
      ) : (
        <TableScroll>
          <table className="govuk-table cp-table--compact" data-testid="helpdesk-results">
            <caption className="govuk-table__caption govuk-table__caption--s">
              {found.length > SHOWN
                ? `The first ${SHOWN} of ${found.length} accounts matching “${searched}”: add more of the name`
                : `${found.length} ${found.length === 1 ? 'account matches' : 'accounts match'} “${searched}”`}
            </caption>
            <TableHead columns={['Account', 'Organisation', 'Roles', 'State']} />
            <tbody className="govuk-table__body">
              {found.slice(0, SHOWN).map((a) => (
                <tr className="govuk-table__row" key={a.id}>
                  <td className="govuk-table__cell cp-wrap">
                    <button type="button" className="govuk-link cp-link-button" onClick={() => setOpen(a.id)}>
                      {a.name}
                    </button>
                    <br />
                    <span className="govuk-body-s">{a.id}</span>
                  </td>
                  <td className="govuk-table__cell cp-wrap">{a.organisation.name}</td>
                  <td className="govuk-table__cell">{a.roles.map((r) => roleLabels[r] ?? r).join(', ')}</td>
                  <td className="govuk-table__cell">{accountState(a)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </section>
  );
}
