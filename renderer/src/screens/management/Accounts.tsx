// Accounts and accreditation: the Accounts tab holds what the national index says about
// the authority's accounts and requests, and composes the parts that show and change
// them. Every change to an account is confirmed by a second, independent person.
import { useCallback, useEffect, useState } from 'react';
import type { SignedInUser } from '../../../../domain/ipc-contract.js';
import type { AccountRequestItemView, AccountView } from '../../../../domain/management/views.js';
import { getApi } from '../../api.js';
import { useFeedback } from '../../feedback.js';
import { AccountTable, Lapsing, type AccountChanges, type LapsingAccount } from './AccountList.js';
import { AccountRequests, HandOverPanel, type HandOver } from './AccountRequests.js';
import { NewAccount } from './NewAccount.js';

export function AccountsView({ user }: { user: SignedInUser }) {
  const f = useFeedback('manage-notice');
  const [users, setUsers] = useState<AccountView[]>([]);
  const [lapsing, setLapsing] = useState<LapsingAccount[]>([]);
  const [orgs, setOrgs] = useState<{ id: string; name: string }[]>([]);
  // A half of a holder's activation code, shown once to the person who must hand it over in person.
  const [handOver, setHandOver] = useState<HandOver | null>(null);
  const [requests, setRequests] = useState<AccountRequestItemView[]>([]);

  const refresh = useCallback(async () => {
    const [u, l, q] = await Promise.all([
      getApi().manage.users(),
      getApi().manage.lapsing({ days: 30 }),
      getApi().manage.accountRequests(),
    ]);
    if (u.ok) setUsers(u.value.users);
    if (l.ok) setLapsing(l.value.users);
    if (q.ok) setRequests(q.value.requests);
  }, []);
  useEffect(() => {
    void refresh();
    void getApi()
      .manage.organisations()
      .then((r) => {
        if (r.ok) setOrgs(r.value.organisations.filter((o) => o.accredited));
      });
  }, [refresh]);

  const update = async (a: AccountView, changes: AccountChanges, what: string): Promise<boolean> => {
    const r = await getApi().manage.updateUser({ id: a.id, changes });
    if (!r.ok) {
      f.fail(r.error, `account-${a.id}`);
      return false;
    }
    f.done(`${a.name} (${a.id}): ${what}.`);
    void refresh();
    return true;
  };

  const confirmRequest = async (q: AccountRequestItemView) => {
    const r = await getApi().manage.confirmAccountRequest({ id: q.id });
    if (!r.ok) return f.fail(r.error, `account-request-${q.id}`);
    if (r.value.secondHalf) setHandOver({ account: q.account, half: 'second', code: r.value.secondHalf, kind: q.kind });
    f.done(
      r.value.secondHalf
        ? `Confirmed: give ${q.account} the second half of the code.`
        : `Confirmed: ${q.account} now holds the roles asked for.`,
    );
    void refresh();
  };
  const cancelRequest = async (q: AccountRequestItemView) => {
    const r = await getApi().manage.cancelAccountRequest({ id: q.id });
    if (!r.ok) return f.fail(r.error, `account-request-${q.id}`);
    f.done(`The request for ${q.account} is cancelled.`);
    void refresh();
  };

  return (
    <section aria-label="Accounts">
      {f.view}
      {handOver ? <HandOverPanel handOver={handOver} onHandedOver={() => setHandOver(null)} /> : null}

      <AccountRequests
        user={user}
        requests={requests}
        onConfirm={(q) => void confirmRequest(q)}
        onCancel={(q) => void cancelRequest(q)}
      />

      <Lapsing lapsing={lapsing} />

      <AccountTable user={user} users={users} onUpdate={update} />

      <NewAccount
        orgs={orgs}
        feedback={f}
        onMade={(account, firstHalf) => {
          setHandOver({ account, half: 'first', code: firstHalf });
          void refresh();
        }}
      />
    </section>
  );
}
