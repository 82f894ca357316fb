// Writes each project's Jest totals (and each test file's wall time) to tmp/test-results/<package>.json, so that
// `.ci/run` can print one line for the whole run (Nx restores the file on a cache hit). A target other than
// `test` says so in the reporter's options ({ target: 'e2e' }) and writes <package>.<target>.json beside it.
const fs = require('node:fs');
const path = require('node:path');

class ResultsFileReporter {
  constructor(globalConfig, options = {}) {
    this.rootDir = globalConfig.rootDir;
    this.target = options.target ?? 'test';
  }

  onRunComplete(_contexts, results) {
    let name = path.basename(this.rootDir);
    try {
      name = JSON.parse(fs.readFileSync(path.join(this.rootDir, 'package.json'), 'utf8')).name;
    } catch {
      /* keep the folder name */
    }
    const suffix = this.target === 'test' ? '' : `.${this.target}`;
    const file = path.join(__dirname, '..', '..', 'tmp', 'test-results', `${name}${suffix}.json`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const failures = results.testResults
      .filter((suite) => suite.numFailingTests > 0 || suite.testExecError)
      .map((suite) => path.relative(path.join(__dirname, '..', '..'), suite.testFilePath));
    // Wall time of each test file, so that .ci/run can name the slowest ones.
    const files = results.testResults.map((suite) => ({
      file: path.relative(path.join(__dirname, '..', '..'), suite.testFilePath),
      seconds: Math.round(((suite.perfStats?.end ?? 0) - (suite.perfStats?.start ?? 0)) / 100) / 10,
    }));
    fs.writeFileSync(
      file,
      JSON.stringify({
        project: name,
        target: this.target,
        passed: results.numPassedTests,
        failed: results.numFailedTests,
        skipped: results.numPendingTests + results.numTodoTests,
        failedSuites: results.numFailedTestSuites + results.numRuntimeErrorTestSuites,
        failures,
        files,
      }),
    );
  }
}

module.exports = ResultsFileReporter;
