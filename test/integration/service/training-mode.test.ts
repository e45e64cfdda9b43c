// Training mode as the README promises it: the default dataset (over 20,000 children in
// Wirral, the rest in neighbouring Cheshire West and Chester) and the training accounts
// exactly as the README lists them, signing in for real.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSync } from 'otplib';
import { trainingAccounts } from '../../../service/training/accounts.js';
import { defaultTrainingCount } from '../../../service/training/seed.js';
import { startServiceHarness, type ServiceHarness } from '../../support/national-service.js';
import { generateSessionKey } from '../../support/request-signer.js';

interface ReadmeAccount {
  id: string;
  password: string;
  secret: string;
  roles: string;
}

/** The rows of the README's training accounts table. */
function readmeAccounts(): ReadmeAccount[] {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.split('### Training accounts')[1];
  if (!section) throw new Error('README.md has no "### Training accounts" section');
  const rows = section.split('\n').filter((l) => /^\| `trn-/.test(l));
  return rows.map((row) => {
    const cells = row.split('|').map((c) => c.trim().replace(/^`|`$/g, ''));
    return { id: cells[1]!, password: cells[2]!, secret: cells[3]!, roles: cells[4]! };
  });
}

let h: ServiceHarness;
beforeAll(async () => {
  h = await startServiceHarness({ trainingCount: defaultTrainingCount });
}, 120_000);
afterAll(async () => {
  await h?.close();
});

describe('the training dataset', () => {
  it('holds over 20,000 children in Wirral and the rest in its neighbour, Cheshire West and Chester', async () => {
    const rows = await h.db.query<{ local_authority: string; n: number }>(
      'SELECT local_authority, count(*)::int8 AS n FROM children GROUP BY local_authority',
    );
    const by = Object.fromEntries(rows.map((r) => [r.local_authority, r.n]));
    expect(by['E08000015']).toBeGreaterThanOrEqual(20_000);
    expect(by['E06000050']).toBeGreaterThan(1_000);
    expect(Object.keys(by).sort()).toEqual(['E06000050', 'E08000015']);
  });
});

describe('the training accounts in the README', () => {
  it('lists every training account with its password, TOTP secret and roles', () => {
    const listed = readmeAccounts();
    expect(listed.map((a) => a.id).sort()).toEqual(trainingAccounts.map((a) => a.id).sort());
    for (const account of trainingAccounts) {
      const row = listed.find((a) => a.id === account.id)!;
      expect(row.password).toBe(account.password);
      expect(row.secret).toBe(account.totpSecret);
      for (const role of account.roles) expect(row.roles).toContain(role);
    }
  });

  it('each signs in with the README values, or is refused for the reason the README gives', async () => {
    const roles = new Set<string>();
    for (const row of readmeAccounts()) {
      h.clock.advance(30_000);
      const res = await h.fetchJson('/v1/sessions', {
        method: 'POST',
        body: {
          method: 'otp',
          userId: row.id,
          password: row.password,
          otp: generateSync({ secret: row.secret, epoch: Math.floor(h.clock.now().getTime() / 1000) }),
          sessionKey: generateSessionKey().publicJwk,
        },
      });
      const refusal = /Refused/.test(trainingAccounts.find((a) => a.id === row.id)!.purpose);
      expect(res.status, row.id).toBe(refusal ? 403 : 201);
      if (!refusal) for (const r of res.body.user.roles as string[]) roles.add(r);
    }
    // One working account for each role the service knows.
    expect([...roles].sort()).toEqual([
      'child-protection',
      'data-manager',
      'la-team',
      'national-admin',
      'practitioner',
      'supplier-system',
    ]);
  }, 60_000);
});
