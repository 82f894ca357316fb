// Writes each project's Jest totals (and each test file's wall time) to tmp/test-results/<package>.json, so that
// `.ci/run` can print one line for the whole run (Nx restores the file on a cache hit). A target other than
// `test` says so in the reporter's options ({ target: 'e2e' }) and writes <package>.<target>.json beside it; { dir } writes elsewhere (tests).
const fs = require('node:fs');
const path = require('node:path');
const { stripVTControlCharacters } = require('node:util');

const MAX_TESTS_PER_FILE = 5;
const MAX_MESSAGE_LINES = 6;

/** The first lines of a failure message, without colours or the stack. */
function headOf(message = '') {
  return stripVTControlCharacters(message)
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '' && !/^\s+at /.test(line))
    .slice(0, MAX_MESSAGE_LINES);
}

class ResultsFileReporter {
  constructor(globalConfig, options = {}) {
    this.rootDir = globalConfig.rootDir;
    this.target = options.target ?? 'test';
    this.dir = options.dir ?? path.join(__dirname, '..', '..', 'tmp', 'test-results');
  }

  onRunComplete(_contexts, results) {
    let name = path.basename(this.rootDir);
    try {
      name = JSON.parse(fs.readFileSync(path.join(this.rootDir, 'package.json'), 'utf8')).name;
    } catch {
      /* keep the folder name */
    }
    const suffix = this.target === 'test' ? '' : `.${this.target}`;
    const file = path.join(this.dir, `${name}${suffix}.json`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const failures = results.testResults
      .filter((suite) => suite.numFailingTests > 0 || suite.testExecError)
      .map((suite) => path.relative(path.join(__dirname, '..', '..'), suite.testFilePath));
    // The failing tests by name with the head of their message: CI shows only the end of its log,
    // where the totals are, so a failure must be readable there (a flaky one especially).
    const failedTests = results.testResults
      .filter((suite) => suite.numFailingTests > 0 || suite.testExecError)
      .flatMap((suite) => {
        const file = path.relative(path.join(__dirname, '..', '..'), suite.testFilePath);
        if (suite.testExecError) return [{ file, name: '(the file did not run)', message: headOf(suite.testExecError.message) }];
        return suite.testResults
          .filter((test) => test.status === 'failed')
          .slice(0, MAX_TESTS_PER_FILE)
          .map((test) => ({ file, name: test.fullName, message: headOf(test.failureMessages.join('\n')) }));
      });
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
        failedTests,
        files,
      }),
    );
  }
}

module.exports = ResultsFileReporter;
