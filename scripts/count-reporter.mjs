// Prints `N passed, N failed, N skipped` as the very last line of a run, so CI can count the tests.
function count(suite, totals) {
  for (const test of suite.tests ?? []) {
    if (test.skipped) totals.skipped += 1;
    else if (test.passed) totals.passed += 1;
    else totals.failed += 1;
  }
  for (const child of suite.suites ?? []) count(child, totals);
}

export function countReporter() {
  let totals = { passed: 0, failed: 0, skipped: 0 };
  let sessionErrors = 0;
  return {
    onTestRunFinished({ sessions }) {
      totals = { passed: 0, failed: 0, skipped: 0 };
      sessionErrors = 0;
      for (const session of sessions) {
        if (session.testResults) count(session.testResults, totals);
        if (!session.passed && (session.errors ?? []).length > 0) sessionErrors += 1;
      }
    },
    stop() {
      // Tests run before the browser suite (the Node tests of the server helper) are added in.
      const passed = totals.passed + Number(process.env.EXTRA_PASSED ?? 0);
      const failed = totals.failed + sessionErrors + Number(process.env.EXTRA_FAILED ?? 0);
      const line = `${passed} passed, ${failed} failed` + (totals.skipped ? `, ${totals.skipped} skipped` : '');
      // After the default reporter's summary, on its own line.
      setTimeout(() => process.stdout.write(`\n${line}\n`), 0);
    },
  };
}
