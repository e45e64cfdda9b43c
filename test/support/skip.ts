// A suite that needs something this machine may not have (the OS credential store, say).
// Where it is there the suite runs; where it is not, the suite reports one skipped test
// whose note says what is missing, so the run's summary lists why: it never vanishes,
// and no test in it is skipped without a reason.
import { describe, it } from 'vitest';

export function describeWhere(missing: string | null, title: string, suite: () => void): void {
  if (missing === null) {
    describe(title, suite);
    return;
  }
  describe(title, () => {
    it('runs where what it needs is on the machine', (ctx) => ctx.skip(missing));
  });
}
