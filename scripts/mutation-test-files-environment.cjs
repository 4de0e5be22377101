// Mutation runs (`make mutation`), Jest side: the Node test environment with two additions. In Stryker's
// initial run it notes which file holds each test (scripts/mutation-test-sequencer.cjs reads the notes to load
// only the files that hold a mutant's covering tests); in a mutant's run it skips every test after the first
// failure, since that failure already kills the mutant.
'use strict';
const { appendFileSync } = require('node:fs');
const { relative } = require('node:path');
const { TestEnvironment } = require('jest-environment-node');

/** Where the notes go: one line per test, `file<TAB>full name`; unset outside mutation runs. */
const NOTES_VARIABLE = 'ROOMCAST_MUTATION_TEST_FILES';
/** Set by Stryker's Jest runner to the mutant under test; unset in the initial run. */
const ACTIVE_MUTANT_VARIABLE = '__STRYKER_ACTIVE_MUTANT__';

/** The name Jest matches a test-name pattern against: describe titles, then the test's own, space-joined. */
function fullName(test) {
  const titles = [];
  for (let block = test; block?.parent; block = block.parent) titles.unshift(block.name);
  return titles.join(' ');
}

// Module state lives as long as the Stryker worker process: Jest runs every file of a mutant's run in band
// in it, each with a new environment instance.
const noted = new Set();
/** The mutant whose run already has a failing test. */
let killedMutant;

class MutationTestEnvironment extends TestEnvironment {
  #file;

  constructor(config, context) {
    super(config, context);
    this.#file = relative(config.globalConfig.rootDir, context.testPath);
  }

  async handleTestEvent(event) {
    const mutant = process.env[ACTIVE_MUTANT_VARIABLE];
    if (mutant === undefined) {
      if (event.name === 'test_start') this.#note(fullName(event.test));
      return;
    }
    if (killedMutant === mutant) {
      // A skipped describe block runs none of its hooks (beforeAll starting tables and servers included).
      if (event.name === 'run_describe_start') event.describeBlock.mode = 'skip';
      if (event.name === 'test_start') event.test.mode = 'skip';
      return;
    }
    if (event.name === 'test_done' && event.test.errors.length > 0) killedMutant = mutant;
  }

  #note(name) {
    const notes = process.env[NOTES_VARIABLE];
    // A name with a tab or line break cannot be written on one line: the file alone is noted instead, which
    // the sequencer reads as "keep this file for every mutant".
    const line = /[\t\n]/.test(name) ? this.#file : `${this.#file}\t${name}`;
    if (!notes || noted.has(line)) return;
    noted.add(line);
    appendFileSync(notes, `${line}\n`);
  }
}

module.exports = MutationTestEnvironment;
module.exports.NOTES_VARIABLE = NOTES_VARIABLE;
module.exports.ACTIVE_MUTANT_VARIABLE = ACTIVE_MUTANT_VARIABLE;
/** Whether a test has already failed in this mutant's run (scripts/mutation-test-runner.cjs stops there). */
module.exports.hasKilled = (mutant) => killedMutant === mutant;
