// Shared fixtures of the sync and supply tests: a migrated in-memory store with a
// settable clock, and actors of each kind. Children come from test/support/children.ts.
import { randomBytes } from 'node:crypto';
import type { Actor, Organisation, Role } from '../../../../domain/roles.js';
import { SettableClock, type ServiceContext } from '../../../../service/context.js';
import { openPglite } from '../../../../service/store/pglite.js';
import { migrate } from '../../../../service/store/migrations.js';
import { WIRRAL } from '../../../support/children.js';
import { testSecrets } from '../../../support/secrets.js';

export async function openContext(): Promise<ServiceContext & { clock: SettableClock }> {
  const db = await openPglite();
  await migrate(db);
  return {
    db,
    clock: new SettableClock(new Date('2025-03-01T10:00:00Z')),
    randomBytes: (n) => randomBytes(n),
    trainingMode: false,
    secrets: testSecrets,
  };
}

function organisation(
  kind: Organisation['kind'],
  localAuthority: string | null,
  supplier: string | null = null,
): Organisation {
  return {
    id: `org-${kind}-${localAuthority ?? supplier ?? 'national'}`,
    name: 'Test organisation',
    kind,
    accredited: true,
    localAuthority,
    supplier,
  };
}

export function laTeam(localAuthority: string, userId = `u-la-${localAuthority}`): Actor {
  return actorOf(userId, ['la-team'], organisation('local-authority', localAuthority), localAuthority);
}
export const dataManager = (): Actor =>
  actorOf('u-data-manager', ['data-manager'], organisation('local-authority', WIRRAL), WIRRAL);
export const nationalAdmin = (): Actor =>
  actorOf('u-national-admin', ['national-admin'], organisation('national', null), null);
export const practitioner = (): Actor =>
  actorOf('u-practitioner', ['practitioner'], organisation('gp-practice', WIRRAL), WIRRAL);
export const supplierSystem = (supplier: string): Actor =>
  actorOf(`u-supplier-${supplier}`, ['supplier-system'], organisation('supplier', null, supplier), null);

function actorOf(userId: string, roles: Role[], org: Organisation, localAuthority: string | null): Actor {
  return { userId, name: 'Test user', roles, organisation: org, localAuthority, sessionId: `s-${userId}` };
}
