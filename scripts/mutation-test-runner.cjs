// Mutation runs (`make mutation`), Jest side: Jest's own test runner, with one change for a mutant's run. Once a
// test has failed (scripts/mutation-test-files-environment.cjs notes it), the mutant is killed, so the files
// still to come are reported as skipped without being loaded. The environment alone can only skip their
// tests, and loading a file (its whole module graph, evaluated afresh in each run) was most of what a mutant
// covered by tests in many files cost. Stryker's Jest runner cannot use Jest's own `bail`.
'use strict';
const TestRunner = require('jest-runner').default;
const { createEmptyTestResult } = require('@jest/test-result');
const { ACTIVE_MUTANT_VARIABLE, hasKilled } = require('./mutation-test-files-environment.cjs');

class StopAtFirstKillRunner extends TestRunner {
  /** The listeners Jest registers, kept so that a file left out can be reported to them as Jest would. */
  #listeners = new Map();

  on(eventName, listener) {
    if (!this.#listeners.has(eventName)) this.#listeners.set(eventName, []);
    this.#listeners.get(eventName).push(listener);
    return super.on(eventName, listener);
  }

  async runTests(tests, watcher, options) {
    const mutant = process.env[ACTIVE_MUTANT_VARIABLE];
    // The initial run, and any run not in band, is Jest's own.
    if (mutant === undefined || !options.serial) return super.runTests(tests, watcher, options);
    for (const test of tests) {
      if (hasKilled(mutant)) await this.#reportLeftOut(test);
      else await super.runTests([test], watcher, options);
    }
  }

  async #reportLeftOut(test) {
    const now = Date.now();
    const empty = createEmptyTestResult();
    const title = 'left out: an earlier test already killed this mutant';
    const result = {
      ...empty,
      testFilePath: test.path,
      // Skipped: Jest keeps no timing for it, so the sequencer's "quickest first" is not misled.
      skipped: true,
      perfStats: { ...empty.perfStats, start: now, end: now, runtime: 0 },
      // Jest fails a file that reports no test at all ("must contain at least one test"), and Stryker
      // would count that as an error rather than a kill: one skipped entry stands for the file's tests.
      numPendingTests: 1,
      testResults: [
        {
          ancestorTitles: [],
          duration: 0,
          failureDetails: [],
          failureMessages: [],
          fullName: title,
          invocations: 0,
          location: null,
          numPassingAsserts: 0,
          retryReasons: [],
          status: 'pending',
          title,
        },
      ],
    };
    await this.#emit('test-file-start', [test]);
    await this.#emit('test-file-success', [test, result]);
  }

  async #emit(eventName, payload) {
    for (const listener of this.#listeners.get(eventName) ?? []) await listener(payload);
  }
}

module.exports = StopAtFirstKillRunner;
