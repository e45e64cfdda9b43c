// Moved to composition-root.ts (issue 19: the name says what it is). Kept only for
// test/unit/packaging/logs.test.ts, which imports this path and is not main's to edit:
// delete this file once that test imports ../../../main/composition-root.js.
export * from './composition-root.js';
