// Mutation testing (`make mutation`): StrykerJS mutates src/domain, src/adapters and src/handlers/runtime
// in a sandbox copy under .stryker-tmp/ and runs the Jest suites that cover each area against every mutant.
// MUTATE=domain|adapters|runtime narrows a run to one area (`make mutation` runs them one by one);
// without it, `npx stryker run` takes all three together.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import jestConfig from './jest.config.js';

// Test files left out of an area's runs, and why:
// - handler-config.test.ts reads src/handlers and src/adapters as text to check that only config.ts reads
//   process.env; Stryker's instrumentation adds such a read to every mutated file, so it would fail the
//   initial run. (Its other tests cover caller.ts: mutants there that only it kills show up as survivors.)
const SCANS_HANDLER_SOURCES = '/test/unit/handler-config\\.test\\.ts$';

/** Each area: what to mutate, which Jest projects can kill its mutants, and which of their files to skip. */
const areas = {
  domain: {
    folder: 'src/domain',
    mutate: ['src/domain/**/*.ts'],
    projects: ['unit'],
  },
  adapters: {
    folder: 'src/adapters',
    mutate: ['src/adapters/**/*.ts'],
    skip: [SCANS_HANDLER_SOURCES],
    // The contract suites run the real adapters against DynamoDB Local and the @connections server on
    // loopback; the integration suites add the chat flows on top; the unit project holds the tests of the
    // adapters' pure helpers (cursors, bucket keys, retry plans).
    projects: ['unit', 'contract', 'integration'],
  },
  runtime: {
    folder: 'src/handlers/runtime',
    mutate: ['src/handlers/runtime/**/*.ts'],
    skip: [SCANS_HANDLER_SOURCES],
    projects: ['unit', 'integration'],
  },
};

const selected = process.env.MUTATE || 'all';
const chosen = selected === 'all' ? Object.keys(areas) : [selected];
for (const name of chosen) {
  if (!(name in areas))
    throw new Error(`MUTATE=${selected}: expected one of all, ${Object.keys(areas).join(', ')}`);
}

const onlyDomain = chosen.every((name) => name === 'domain');
const reportDir = selected === 'all' ? 'reports/mutation' : `reports/mutation/${selected}`;

// Which test file holds each test, noted in the initial run so that each mutant loads only the files that
// hold its covering tests (see scripts/mutation-test-sequencer.cjs). Emptied here, at the start of a run.
const testFileNotes = fileURLToPath(new URL(`${reportDir}/test-files.tsv`, import.meta.url));
mkdirSync(fileURLToPath(new URL(reportDir, import.meta.url)), { recursive: true });
writeFileSync(testFileNotes, '');
// ...and when each mutant's run started, in which worker (the sequencer writes it; see timeline.tsv).
writeFileSync(fileURLToPath(new URL(`${reportDir}/timeline.tsv`, import.meta.url)), '');
process.env.ROOMCAST_MUTATION_TEST_FILES = testFileNotes;
const supportFile = (name) => fileURLToPath(new URL(`scripts/${name}`, import.meta.url));

// The type-checker that discards mutants which do not compile sees the mutated folders and what they import,
// not the whole project: with the tests in its program (some 390 files where the domain has 80), the two
// checker processes took as much CPU as the test runners for most of a domain run. A mutant that only
// breaks a test's types is run instead (ts-jest does not type-check), where its tests judge it.
const checkerTsconfig = 'tsconfig.mutation.json';
writeFileSync(
  fileURLToPath(new URL(checkerTsconfig, import.meta.url)),
  `${JSON.stringify({ extends: './tsconfig.json', include: chosen.map((name) => areas[name].folder) }, null, 2)}\n`,
);

const projectNames = new Set(chosen.flatMap((name) => areas[name].projects));
const projects = jestConfig.projects.filter((project) => projectNames.has(project.displayName));
// Stryker swaps in its own test environment to learn which test covers which mutant, but only on the
// top-level config: Jest projects keep their own. So the chosen projects are flattened into one config
// that shares their transform (ts-jest in ESM mode) and takes the union of their test files.
const { displayName: _name, testMatch: _match, ...shared } = projects[0];
const flatJestConfig = {
  ...shared,
  // Stryker merges this over jest.config.js (key by key, after a JSON round trip that drops undefined):
  // an empty list is what stops the file's projects from applying.
  projects: [],
  // A mutant that leaves a promise pending (a delivery never answered, a loop awaiting forever) should fail its
  // test quickly, in the same process, rather than reach Stryker's timeout below, which restarts the worker.
  // The domain's slowest unit test takes about 2 s when idle; the adapters' about 8.5 s.
  testTimeout: onlyDomain ? 10_000 : jestConfig.testTimeout,
  testEnvironment: supportFile('mutation-test-files-environment.cjs'),
  testSequencer: supportFile('mutation-test-sequencer.cjs'),
  runner: supportFile('mutation-test-runner.cjs'),
  testMatch: projects.flatMap((project) => project.testMatch),
  // The bundle test builds and zips every function with esbuild: it checks packaging, kills no mutant and
  // costs a quarter of the integration project's time.
  testPathIgnorePatterns: [
    '/node_modules/',
    '/test/integration/bundles\\.test\\.ts$',
    ...new Set(chosen.flatMap((name) => areas[name].skip ?? [])),
  ],
};

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: chosen.flatMap((name) => areas[name].mutate).concat(['!src/**/index.ts']),
  // Regex mutants can be invalid under the `u` flag (`\v` becomes `\V` in display-name.ts): one such
  // literal fails the whole module at parse time, so no test can load it and the run stops.
  mutator: { excludedMutations: ['Regex'] },
  testRunner: 'jest',
  // Jest runs in native ESM mode: the runner's worker processes need the same Node flag as `make test`.
  testRunnerNodeArgs: ['--experimental-vm-modules'],
  jest: {
    projectType: 'custom',
    config: flatJestConfig,
    // Per mutant (and in the initial run), Jest narrows the test files to those that import the mutated
    // file, directly or through others; the handler suites import the functions with literal paths so that
    // this reaches them. Without it every mutant would load every test file of its projects. With the
    // sequencer below choosing the files anyway, turning it off was tried and measured slower (7 min 8 s
    // against 6 min 28 s on fan-out/delivery-pool.ts).
    enableFindRelatedTests: true,
  },
  // perTest: the dry run records which tests reach which mutant, and each mutant runs only those tests.
  coverageAnalysis: 'perTest',
  // Mutants that do not type-check are discarded before any test runs.
  checkers: ['typescript'],
  tsconfigFile: checkerTsconfig,
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  // A rerun reuses the results of mutants whose file and covering tests did not change.
  incremental: true,
  incrementalFile: `${reportDir}/incremental.json`,
  reporters: ['html', 'json', 'progress', 'clear-text'],
  htmlReporter: { fileName: `${reportDir}/mutation.html` },
  jsonReporter: { fileName: `${reportDir}/mutation.json` },
  clearTextReporter: { allowConsoleColors: false, logTests: false, reportScoreTable: true },
  // Stryker gives half the slots to type-checkers and half to test runners: four makes two of each. The
  // checkers finish early and idle, so on two cores this is two busy Jest processes.
  concurrency: 4,
  // A mutant times out after 1.5 times its tests' own time in the initial run plus this allowance. The
  // allowance covers what that time leaves out: Jest starting and loading the test files, and for the
  // runtime and the adapters the suites' beforeAll (tables on the shared DynamoDB Local, servers on
  // loopback). The first run in a fresh worker loads Jest and ts-jest as well: at 5 s, that made a timeout
  // restart the worker and the next mutant time out in turn (8 of a file's 67 mutants, each killed in a
  // second when run alone). Loops that never end reach Stryker's hit limit first, and pending promises
  // the Jest timeout above, so a real timeout is rare and the allowance can be generous.
  timeoutMS: onlyDomain ? 15_000 : 20_000,
  // Static mutants (in code that runs when a module loads: constant tables, top-level Sets) cannot be
  // traced to the tests that reach them, so each runs every test: 6% of the domain's mutants took 44% of
  // its time (Stryker's estimate). They are left out of the runs and the score (reported as ignored).
  ignoreStatic: true,
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  // The sandbox needs the sources, the tests, the docs one unit test reads and the root configs.
  ignorePatterns: ['dist', 'artifacts', 'tmp', 'reports', 'terraform', 'bench', 'web', '.ci', '.github'],
  thresholds: { high: 85, low: 75, break: null },
};
