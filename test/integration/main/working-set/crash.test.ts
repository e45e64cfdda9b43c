// A sync killed with SIGKILL in the middle is resumed by the next run from the last page
// it finished: the store is consistent at the kill, nothing is fetched twice beyond the
// page that was in flight, and the working set ends equal to the service's.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { WIRRAL } from '../../../support/children.js';
import { startServiceHarness, type ServiceHarness, type SignedClient } from '../../../support/national-service.js';
import { createTestWorkingSet, keyringUnavailable, type TestWorkingSet } from '../../../support/working-set.js';
import { describeWhere } from '../../../support/skip.js';

const PAGE = 40;
const skipReason = keyringUnavailable();

interface Line {
  received?: number;
  finished?: { kind: string; outcome: string; upserts: number; removed: number };
}

function startSync(
  h: ServiceHarness,
  team: SignedClient,
  ws: TestWorkingSet,
): { child: ChildProcess; lines: AsyncIterable<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/integration/main/working-set/sync-process.ts'], {
    env: {
      ...process.env,
      CP_WS_DIR: ws.dir,
      CP_WS_ACCOUNT: ws.account,
      CP_SERVICE_URL: h.url,
      CP_SESSION_ID: team.sessionId,
      CP_SESSION_KEY: team.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      CP_CLOCK_OFFSET_MS: String(h.clock.now().getTime() - Date.now()),
      CP_LOCAL_AUTHORITY: WIRRAL,
      CP_PAGE_SIZE: String(PAGE),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return { child, lines: createInterface({ input: child.stdout! }) };
}

const exited = (child: ChildProcess) =>
  new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );

describeWhere(skipReason, 'a sync killed with SIGKILL', () => {
  let h: ServiceHarness;
  let team: SignedClient;
  let ws: TestWorkingSet;
  let total: number;

  beforeAll(async () => {
    h = await startServiceHarness({ trainingCount: 2500 });
    team = await h.signIn('trn-la-team');
    ws = createTestWorkingSet();
    const [row] = await h.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM changes WHERE local_authority = '${WIRRAL}'`,
    );
    total = row!.n;
  }, 120_000);
  afterAll(async () => {
    ws?.cleanup();
    await h?.close();
  });

  it('resumes from the last page it finished, and ends consistent and complete', async () => {
    expect(total).toBeGreaterThan(20 * PAGE);
    // First run: killed once it is well into the feed.
    const first = startSync(h, team, ws);
    const firstExit = exited(first.child);
    let receivedBeforeKill = 0;
    for await (const text of first.lines) {
      const line = JSON.parse(text) as Line;
      expect(line.finished).toBeUndefined();
      receivedBeforeKill = line.received ?? receivedBeforeKill;
      if (receivedBeforeKill >= total / 3) {
        first.child.kill('SIGKILL');
        break;
      }
    }
    expect(await firstExit).toBe('SIGKILL');

    // The store opens, passes SQLite's integrity check, and holds a whole prefix of the feed.
    const store = ws.open();
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    const held = store.childCount();
    expect(held).toBeGreaterThan(0);
    expect(store.runs(5)[0]).toMatchObject({ kind: 'full', outcome: 'interrupted' });
    const cursorAtKill = store.meta('cursor');
    expect(cursorAtKill).not.toBeNull();
    const lastSeqAtKill = Number(store.meta('lastSeq'));
    // Every child the feed delivered up to the stored cursor is held (none half-applied).
    const deliveredSoFar = await h.db.query<{ cp_number: string }>(
      `SELECT DISTINCT cp_number FROM changes WHERE local_authority = '${WIRRAL}' AND seq <= $1 AND kind = 'upsert'`,
      [lastSeqAtKill],
    );
    expect(deliveredSoFar.length).toBeGreaterThanOrEqual(held);
    store.close();

    // Second run: starts where the first stopped.
    const second = startSync(h, team, ws);
    const secondExit = exited(second.child);
    let finished: Line['finished'];
    let receivedAfter = 0;
    for await (const text of second.lines) {
      const line = JSON.parse(text) as Line;
      receivedAfter = line.received ?? receivedAfter;
      if (line.finished) finished = line.finished;
    }
    expect(await secondExit).toBe(0);
    expect(finished).toMatchObject({ kind: 'full', outcome: 'completed' });
    // Not everything again: only what the first run had not finished.
    expect(receivedAfter).toBeLessThan(total - receivedBeforeKill + PAGE * 3);
    expect(receivedAfter).toBeGreaterThan(0);

    const after = ws.open();
    try {
      const active = await h.db.query<{ cp_number: string; version: number }>(
        `SELECT cp_number, version FROM children WHERE local_authority = '${WIRRAL}' AND status = 'active'`,
      );
      expect(after.childCount()).toBe(active.length);
      for (const c of active) expect(after.child(c.cp_number)?.version, c.cp_number).toBe(c.version);
      expect(after.runs(5).map((r) => r.outcome)).toEqual(['completed', 'interrupted']);
    } finally {
      after.close();
    }
  }, 120_000);
});
