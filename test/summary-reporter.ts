// Ends every run with the one line CI reads: "N passed, N failed, N skipped", and
// lists each skipped test with the reason it gave, so nothing vanishes silently.
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const skipNotes: string[] = [];
    for (const mod of testModules) {
      let tests = 0;
      for (const test of mod.children.allTests()) {
        tests += 1;
        const result = test.result();
        if (result.state === 'passed') passed += 1;
        else if (result.state === 'failed') failed += 1;
        else {
          skipped += 1;
          const note = result.state === 'skipped' && result.note ? result.note : 'no reason given';
          skipNotes.push(`  skipped: ${test.fullName}: ${note}`);
        }
      }
      // A file that failed to load has no tests to count: count it as one failure.
      if (tests === 0 || (mod.state() === 'failed' && mod.errors().length > 0)) failed += 1;
    }
    failed += unhandledErrors.length;
    if (skipNotes.length > 0) process.stdout.write(`\n${skipNotes.join('\n')}\n`);
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
