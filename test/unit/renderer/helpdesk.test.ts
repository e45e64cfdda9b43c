// The helpdesk's own logic in the renderer (renderer/src/screens/management/Helpdesk.tsx,
// UserHistory.tsx, account-state.ts): finding an account by any part of its name or id,
// an account's state in a word, and each history entry in words.
import { describe, expect, it } from 'vitest';
import type { AccountView } from '../../../domain/management/views.js';
import { accountState } from '../../../renderer/src/screens/management/account-state.js';
import { findAccounts } from '../../../renderer/src/screens/management/Helpdesk.js';
import { historyText } from '../../../renderer/src/screens/management/UserHistory.js';

const account = (id: string, name: string, over: Partial<AccountView> = {}): AccountView => ({
  id,
  name,
  roles: ['practitioner'],
  organisation: { id: 'org', name: 'Org' },
  localAuthority: 'E08000015',
  enhancedCheckDate: null,
  trainingCompleted: true,
  agreementSigned: true,
  suspended: false,
  lockedUntil: null,
  closedAt: null,
  ...over,
});

describe('finding an account', () => {
  const users = [
    account('trn-practitioner', 'Alex Morgan'),
    account('trn-la-team', 'Jordan Lee'),
    account('sian.o', 'Siân O’Brien'),
  ];
  it('matches every word against the name and id, case and accents aside', () => {
    expect(findAccounts(users, 'alex').map((u) => u.id)).toEqual(['trn-practitioner']);
    expect(findAccounts(users, 'TRN').map((u) => u.id)).toEqual(['trn-practitioner', 'trn-la-team']);
    expect(findAccounts(users, 'sian')).toHaveLength(1);
    expect(findAccounts(users, 'lee trn-la')).toHaveLength(1);
    expect(findAccounts(users, 'lee alex')).toEqual([]);
  });
  it('finds nothing for an empty search', () => {
    expect(findAccounts(users, '   ')).toEqual([]);
  });
});

describe('an account in a word', () => {
  const now = new Date('2026-12-07T10:00:00Z');
  it('puts closed before suspended before a live lock-out', () => {
    const lockedUntil = '2026-12-07T10:15:00Z';
    expect(accountState(account('a', 'A', { closedAt: '2026-01-01T00:00:00Z', suspended: true }), now)).toBe('Closed');
    expect(accountState(account('a', 'A', { suspended: true, lockedUntil }), now)).toBe('Suspended');
    expect(accountState(account('a', 'A', { lockedUntil }), now)).toBe('Locked out');
    expect(accountState(account('a', 'A', { lockedUntil: '2026-12-07T09:00:00Z' }), now)).toBe('Active');
  });
});

describe('the history in words', () => {
  const entry = (change: string | null, kind: string | null = null) => ({
    seq: 1,
    at: '2026-12-07T10:00:00Z',
    by: 'trn-la-team',
    action: 'account-request',
    change,
    kind,
    reason: null,
  });
  it('names the request and what happened to it', () => {
    expect(historyText(entry('requested', 'token-reset'))).toBe('Asked for a replacement token');
    expect(historyText(entry('confirmed', 'card-enrol'))).toBe('Confirmed a smartcard');
    expect(historyText(entry('activated', 'card-enrol'))).toBe('The holder activated a smartcard');
    expect(historyText(entry('unlocked'))).toBe('Unlocked after a lock-out');
    expect(historyText(entry(null))).toBe('account-request');
    expect(historyText({ ...entry(null, 'otp'), action: 'sign-in-refused' })).toBe('Sign-in refused (security token)');
  });
});
