// Ends every run with one plain line, "N passed, N failed" (", N skipped" when any), which CI tooling reads.
export default class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`;
    process.stderr.write(`\ntests: ${line}\n`);
  }
}
