// Mutation runs (`make mutation`), Jest side: for each mutant Stryker asks Jest for the files related to the
// mutated file (nearly every unit test file imports the domain's core) and a pattern naming the tests that
// reach the mutant. Jest loads every related file to find those tests, about 5 s for 37 files on two cores,
// which was most of a domain mutant's cost. This sequencer keeps only the files that hold a named test, using
// the notes scripts/mutation-test-files-environment.cjs took in Stryker's initial run.
'use strict';
const { appendFileSync, readFileSync, statSync } = require('node:fs');
const { relative } = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;
const { ACTIVE_MUTANT_VARIABLE, NOTES_VARIABLE } = require('./mutation-test-files-environment.cjs');

/**
 * Where each run's start is noted (`ms<TAB>worker pid<TAB>mutant<TAB>files`), beside the test-file notes: the
 * gaps between one worker's runs say where a mutation run's time went (a timed-out mutant shows as its
 * allowance plus the restarted worker's first run).
 */
const timelineFile = (notes) => notes.replace(/[^/\\]*$/, 'timeline.tsv');

/** Marks a file noted without names (one of its names could not be written): it is kept for every mutant. */
const EVERY_MUTANT = Symbol('every mutant');

/** The notes, read again only when the file has grown: file -> the full names of its tests. */
let cached = { size: -1, namesByFile: new Map() };

function namesByFile(notes) {
  let size;
  try {
    size = statSync(notes).size;
  } catch {
    return new Map();
  }
  if (size !== cached.size) {
    const byFile = new Map();
    for (const line of readFileSync(notes, 'utf8').split('\n')) {
      if (line === '') continue;
      const tab = line.indexOf('\t');
      const file = tab < 0 ? line : line.slice(0, tab);
      if (!byFile.has(file)) byFile.set(file, []);
      byFile.get(file).push(tab < 0 ? EVERY_MUTANT : line.slice(tab + 1));
    }
    cached = { size, namesByFile: byFile };
  }
  return cached.namesByFile;
}

class CoveringFilesSequencer extends Sequencer {
  #globalConfig;

  constructor(options) {
    super(options);
    this.#globalConfig = options.globalConfig;
  }

  /**
   * The files holding a covering test, the file that failed last time first (the mutants of one stretch of
   * code tend to fall to the same tests), then the quickest first: the environment skips everything after
   * the first failure, so an early kill saves the rest.
   */
  async sort(tests) {
    const { testNamePattern, rootDir } = this.#globalConfig;
    const notes = process.env[NOTES_VARIABLE];
    let chosen = tests;
    if (testNamePattern && notes) {
      const known = namesByFile(notes);
      // The same match Jest applies to each test's full name.
      const pattern = new RegExp(testNamePattern, 'i');
      const holding = tests.filter((test) => {
        const names = known.get(relative(rootDir, test.path));
        // A file with no notes (not seen in the initial run) stays: dropping it could hide a kill.
        return names === undefined || names.some((name) => name === EVERY_MUTANT || pattern.test(name));
      });
      if (holding.length > 0) chosen = holding;
    }
    if (notes) {
      const mutant = process.env[ACTIVE_MUTANT_VARIABLE] ?? 'initial';
      const files = chosen.map((test) => relative(rootDir, test.path)).join(',');
      appendFileSync(timelineFile(notes), `${Date.now()}\t${process.pid}\t${mutant}\t${files}\n`);
    }
    for (const test of chosen) test.duration = this.time(test);
    return [...chosen].sort((a, b) => {
      const failedA = this.hasFailed(a);
      if (failedA !== this.hasFailed(b)) return failedA ? -1 : 1;
      // A file with no recorded time goes last; two such keep their order (Infinity - Infinity is NaN).
      if (a.duration === b.duration) return 0;
      return (a.duration ?? Infinity) < (b.duration ?? Infinity) ? -1 : 1;
    });
  }
}

module.exports = CoveringFilesSequencer;
