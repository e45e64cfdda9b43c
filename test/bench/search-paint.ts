// npm run bench -- renderer.search-to-results: from pressing Search to the 50th row on
// screen, in Chromium, through main's signed call to a real service, at 5,000 and
// 200,000 training children on PGlite and 200,000 on PostgreSQL (CP_SEARCH_PAINT picks:
// "5000-pglite,200000-pglite,200000-postgres"). Two clocks: in the page (the debug
// timing's cp:search:total, from the submit event to just after the frame that shows
// the rows) and through Playwright (from its click to its seeing 50 rows, which adds
// the driver's own round trips and polling). Each sample's spans (domain/timing.ts)
// give the breakdown: where the time of the page's figure goes, layer by layer.
import { performance } from 'node:perf_hooks';
import type { Database } from '../../service/store/database.js';
import { migrate } from '../../service/store/migrations.js';
import { openPostgres } from '../../service/store/postgres.js';
import { startHarness, type Harness } from '../e2e/harness.js';
import { expectHeading, signInWithToken } from '../e2e/journey-support.js';
import { startPostgres } from '../support/postgres.js';
import { percentile, type Emit } from './measure.js';

interface Config {
  children: number;
  engine: 'pglite' | 'postgres';
}

function configs(): Config[] {
  const raw = process.env.CP_SEARCH_PAINT ?? '5000-pglite,200000-pglite,200000-postgres';
  return raw.split(',').map((item) => {
    const m = /^(\d+)-(pglite|postgres)$/.exec(item.trim());
    if (!m) throw new RangeError(`CP_SEARCH_PAINT: "${item}" is not <children>-<pglite|postgres>`);
    return { children: Number(m[1]), engine: m[2] as Config['engine'] };
  });
}

const round = (ms: number) => Number(ms.toFixed(2));

async function measureOne(emit: Emit, config: Config): Promise<void> {
  const pg = config.engine === 'postgres' ? await startPostgres() : null;
  let db: Database | undefined;
  if (pg) {
    db = await openPostgres(await pg.createDatabase());
    await migrate(db);
  }
  const loadStarted = performance.now();
  let h: Harness | undefined;
  try {
    h = await startHarness({
      trainingCount: config.children,
      debugTiming: true,
      ...(db ? { database: db } : {}),
    });
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    await signInWithToken(h, 'trn-practitioner');
    await expectHeading(h.page, 'Find a child');
    // Common surnames: each search matches more than 50 children (the service's limit),
    // so every answer paints the most rows a search can show.
    const common = await h.service!.db.query<{ family: string }>(
      `SELECT record->'name'->>'family' AS family FROM children WHERE status = 'active'
        GROUP BY 1 HAVING count(*) > 60 ORDER BY count(*) DESC LIMIT 5`,
    );
    const page = h.page;
    const inPage: number[] = [];
    const driver: number[] = [];
    const spans = new Map<string, number[]>();
    const runs = 65;
    for (let i = 0; i < runs; i++) {
      const surname = common[i % common.length]!.family;
      await page.getByLabel('Surname', { exact: true }).fill(surname);
      await page.getByLabel('Forename', { exact: true }).fill(i % 2 === 0 ? '' : 'a');
      await page.evaluate(() => performance.clearMeasures());
      const t0 = performance.now();
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      await page.waitForFunction(
        (want) =>
          document.querySelectorAll('[data-testid="result-row"]').length === 50 &&
          document.body.textContent!.includes(want),
        surname,
      );
      const seen = performance.now() - t0;
      const measures = await page.waitForFunction(() => {
        const all = performance.getEntriesByType('measure').filter((m) => m.name.startsWith('cp:search:'));
        return all.some((m) => m.name === 'cp:search:total')
          ? all.map((m) => [m.name.slice('cp:search:'.length), m.duration] as const)
          : null;
      });
      const values = (await measures.jsonValue())!;
      if (i >= 5) {
        driver.push(seen);
        for (const [name, ms] of values) {
          if (name === 'total') inPage.push(ms);
          else spans.set(name, [...(spans.get(name) ?? []), ms]);
        }
      }
      // Clear the results so the next run waits for fresh rows.
      await page.getByLabel('Surname', { exact: true }).fill('');
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="result-row"]').length === 0);
    }
    inPage.sort((a, b) => a - b);
    driver.sort((a, b) => a - b);
    const breakdownP50: Record<string, number> = {};
    const breakdownP95: Record<string, number> = {};
    for (const [name, values] of [...spans].sort()) {
      values.sort((a, b) => a - b);
      breakdownP50[name] = round(percentile(values, 50));
      breakdownP95[name] = round(percentile(values, 95));
    }
    const label = `${config.children}.${config.engine}`;
    const extra = {
      children: config.children,
      engine: config.engine,
      runs: inPage.length,
      rows: 50,
      loadSeconds: Math.round(loadSeconds),
      breakdownP50,
      breakdownP95,
      spans:
        'ipc = the renderer waiting for main; main.http = main waiting for the service (service.* within it); render = answer to React commit; paint = commit to just after the next frame',
    };
    emit(`renderer.search-to-results.in-page.p50.${label}`, percentile(inPage, 50), 'ms', {
      ...extra,
      clock: 'in the page: submit event to just after the frame that shows the rows',
    });
    emit(`renderer.search-to-results.in-page.p95.${label}`, percentile(inPage, 95), 'ms', {
      ...extra,
      clock: 'in the page: submit event to just after the frame that shows the rows',
    });
    emit(`renderer.search-to-results.p50.${label}`, percentile(driver, 50), 'ms', {
      ...extra,
      clock: "Playwright: its click to its seeing 50 rows (adds the driver's round trips and polling)",
    });
    emit(`renderer.search-to-results.p95.${label}`, percentile(driver, 95), 'ms', {
      ...extra,
      clock: "Playwright: its click to its seeing 50 rows (adds the driver's round trips and polling)",
    });
  } finally {
    // The service closes its store.
    await h?.close();
    await pg?.stop();
  }
}

export async function searchPaintBench(emit: Emit): Promise<void> {
  for (const config of configs()) await measureOne(emit, config);
}
