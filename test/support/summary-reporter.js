/**
 * Prints one plain closing line after the run — "jest: N passed, N failed, N skipped" — which CI
 * reads to know how many tests ran, and which says which database the suite ran on.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const db = process.env.TEST_DATABASE_URL ? 'MariaDB/MySQL' : 'SQLite';
    const skipped = results.numPendingTests + results.numTodoTests;
    process.stdout.write(`\n(database: ${db}; suites: ${results.numPassedTestSuites} passed, ${results.numFailedTestSuites} failed)\n`);
    process.stdout.write(`jest: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped\n`);
  }
}
module.exports = SummaryReporter;
