// Shared by the pending-shield tests (example-based and model-based): a service context
// on either store engine with real accounts for the actors used, and the three ways a
// caller could learn where a child lives — a search by postcode, a read, a synced
// working set — each through the function its route calls.
import { childSearchQuerySchema, type RecordView } from '../../../../domain/api/records.js';
import type { FeedEntry } from '../../../../domain/api/sync.js';
import type { Actor } from '../../../../domain/roles.js';
import { SettableClock, today, type ServiceContext } from '../../../../service/context.js';
import { readChild } from '../../../../service/records/read.js';
import { searchChildren } from '../../../../service/records/search.js';
import type { Database } from '../../../../service/store/database.js';
import { readFeedPage, readFeedStatus } from '../../../../service/sync/feed.js';
import { CHESHIRE_WEST_AND_CHESTER, WIRRAL } from '../../../support/children.js';
import { openTestStore, type StoreEngine, type TestStore } from '../../../support/stores.js';
import { dataManager, laTeam, openContext, practitioner } from '../sync/fixtures.js';

export type PendingContext = ServiceContext & { clock: SettableClock };

/** A second member of an authority's team: the one who approves what the first asked for. */
export const secondMember = (la: string): Actor => laTeam(la, `u-la2-${la}`);

/** Organisations and users behind the fixture actors, as the service's own checks find them (a transfer needs a receiving team). */
async function addAccounts(db: Database): Promise<void> {
  const orgs = [
    ['org-local-authority-' + WIRRAL, 'local-authority', WIRRAL],
    ['org-local-authority-' + CHESHIRE_WEST_AND_CHESTER, 'local-authority', CHESHIRE_WEST_AND_CHESTER],
    ['org-gp-practice-' + WIRRAL, 'gp-practice', WIRRAL],
  ] as const;
  for (const [id, kind, la] of orgs) {
    await db.query(
      'INSERT INTO organisations (id, name, kind, accredited, local_authority) VALUES ($1, $2, $3, true, $4) ON CONFLICT DO NOTHING',
      [id, 'Test organisation', kind, la],
    );
  }
  const actors = [
    laTeam(WIRRAL),
    secondMember(WIRRAL),
    laTeam(CHESHIRE_WEST_AND_CHESTER),
    secondMember(CHESHIRE_WEST_AND_CHESTER),
    dataManager(),
    practitioner(),
  ];
  for (const a of actors) {
    const orgId = `org-${a.organisation.kind}-${a.organisation.localAuthority ?? 'national'}`;
    await db.query(
      `INSERT INTO users (id, name, organisation_id, roles, local_authority, enhanced_check_date, training_completed, agreement_signed)
       VALUES ($1, $2, $3, $4, $5, '2025-01-01', true, true) ON CONFLICT DO NOTHING`,
      [a.userId, a.name, orgId, a.roles, a.localAuthority],
    );
  }
}

/** A migrated store on `engine`, a context over it with a settable clock, and the accounts. */
export async function openPendingContext(engine: StoreEngine): Promise<{ ctx: PendingContext; store: TestStore }> {
  const store = await openTestStore(engine);
  // The fixture context carries whatever else a context needs; only its store is swapped.
  const base = await openContext();
  await base.db.close();
  const ctx: PendingContext = { ...base, db: store.db, clock: new SettableClock(new Date('2025-03-01T10:00:00Z')) };
  await addAccounts(store.db);
  return { ctx, store };
}

/** Who a search or read is made as: someone who may not see shielded details. */
export const ordinaryUser = practitioner;

/** CP numbers a search by date of birth and postcode (and surname, if given) returns (the query goes through the route's schema). */
export async function searchByPostcode(
  ctx: PendingContext,
  actor: Actor,
  q: { surname?: string; dob: string; postcode: string },
): Promise<string[]> {
  const query = childSearchQuerySchema.parse(q);
  const outcome = await ctx.db.transaction((tx) => searchChildren(tx, actor, query, ctx.clock.now()));
  return outcome.results.map((r) => r.cpNumber);
}

/** One child as `actor` reads it (GET /v1/children/{cp}). */
export function readAs(ctx: PendingContext, actor: Actor, cpNumber: string): Promise<RecordView> {
  return ctx.db.transaction((tx) =>
    readChild(tx, actor, cpNumber, {
      reason: 'Checking the pending shield',
      at: ctx.clock.now(),
      today: today(ctx.clock),
    }),
  );
}

/** What a view shows that a shield hides. */
export function hiddenFieldsIn(view: RecordView): string[] {
  return (
    ['address', 'whereabouts', 'localAuthority', 'education', 'gp', 'identifiers', 'involvements'] as const
  ).filter((f) => view[f] !== undefined);
}

/**
 * A local authority's synced working set, as the desktop keeps it: the latest current
 * upsert of each child, dropped on a tombstone. `sync()` reads the feed from where it
 * last stopped, through the feed's own paging.
 */
export class WorkingSet {
  readonly children = new Map<string, FeedEntry>();
  private cursor: string | undefined;
  private lastSeq = 0;
  constructor(
    private readonly ctx: PendingContext,
    readonly localAuthority: string,
  ) {}

  async sync(): Promise<void> {
    // The feed's status first, as the desktop does: nothing new, nothing to read.
    const { lastSeq } = await readFeedStatus(this.ctx, laTeam(this.localAuthority), this.localAuthority);
    if (lastSeq === this.lastSeq) return;
    for (;;) {
      const page = await readFeedPage(this.ctx, laTeam(this.localAuthority), this.localAuthority, {
        after: this.cursor,
        limit: 500,
        provenance: false,
      });
      for (const e of page.changes) {
        if (e.kind === 'tombstone') this.children.delete(e.cpNumber);
        else if (e.superseded !== true) this.children.set(e.cpNumber, e);
        this.lastSeq = e.seq;
      }
      this.cursor = page.cursor;
      if (!page.more) return;
    }
  }
}
