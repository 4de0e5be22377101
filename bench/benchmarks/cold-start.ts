// Benchmark 4, cold start: bundle sizes and module initialisation of every function against a floor that
// only builds the SDK clients, what dominates, and two what-ifs. The measurement is bench/measure.

import { problemList, row, type Benchmark } from '../benchmark.js';
import { asyncHookCount, decimal, duration, percent, range, times, wholeNumber } from '../format.js';
import { median } from '../lib/stats.js';
import { markdownTable } from '../markdown.js';
import {
  messageRoutes,
  runColdStart,
  type BundleTiming,
  type ColdStartConfig,
  type ColdStartResult,
} from '../measure/cold-start.js';

/** The functions that carry chat traffic: all but the authorizer. */
const chatFunctions = (result: ColdStartResult) => result.functions.filter((f) => f.name !== 'authorizer');

/** What the what-if puts the Tracer at init at, in ms and as a share of that cold start. */
function tracerCost(result: ColdStartResult): string {
  const { tracerAtInitCostMs, tracerAtInitCostShare } = result.summary;
  return tracerAtInitCostMs > 0
    ? `${duration(tracerAtInitCostMs)} (${percent(tracerAtInitCostShare)})`
    : `nothing measurable (${duration(tracerAtInitCostMs)}, within this run's noise)`;
}

const timingCells = (timing: BundleTiming, overFloor: string) => [
  timing.name,
  decimal(timing.bundleKiB, 0),
  decimal(timing.gzipKiB, 0),
  duration(timing.initMs),
  overFloor,
];

export const coldStart: Benchmark<ColdStartConfig, ColdStartResult> = {
  name: 'coldStart',
  templateName: 'cold-start',
  sizes: {
    full: { runs: 15, analysisRuns: 15 },
    smoke: { runs: 2, analysisRuns: 1, functions: ['message', 'authorizer'], slices: ['empty', 'tracer'] },
  },
  describeSizes: (config) =>
    `cold start: ${config.runs} processes per function, ${config.analysisRuns} per slice and what-if`,

  run: (context, config) => runColdStart(config, context.log),

  check(result, config) {
    const { problems, expect } = problemList();
    const expected = config.functions?.length;
    if (expected !== undefined)
      expect(result.functions.length === expected, 'coldStart: one row per function');
    const { withTracerAtInit, floorUnbundled } = result.whatIf;
    for (const timing of [result.floor, ...result.functions, withTracerAtInit, floorUnbundled]) {
      expect(
        timing.bundleKiB > 0 && timing.gzipKiB > 0 && timing.gzipKiB < timing.bundleKiB,
        `coldStart ${timing.name}: sizes`,
      );
      expect(timing.initMs > 0, `coldStart ${timing.name}: timed`);
    }
    expect(result.packages.length > 0, 'coldStart: packages from the metafile');
    expect(result.messageRouteFunctions.length > 0, 'coldStart: functions serving the message routes');
    expect(result.slices.length === (config.slices?.length ?? result.slices.length), 'coldStart: slices');
    return problems;
  },

  budgets: [
    {
      id: 'cold-start-over-floor',
      what: 'cold start: median chat function initialisation over the SDK-clients floor',
      // 1.12 to 1.13 measured in three runs at a load average of 2 to 3 on two shared cores.
      limit: '<= 1.2',
      value: (result) => 1 / result.summary.floorShare,
      isMet: (value) => value <= 1.2,
    },
    {
      id: 'init-async-hooks',
      what: 'cold start: async hooks created at module initialisation, any function',
      limit: '0 (the X-Ray SDK stays off the cold path)',
      value: (result) => Math.max(0, ...result.functions.map((f) => f.asyncHooks)),
      isMet: (value) => value === 0,
    },
    {
      id: 'bundle-gzip',
      what: 'bundle: largest function, gzipped KiB',
      limit: '<= 260',
      value: (result) => Math.max(...result.functions.map((f) => f.gzipKiB)),
      isMet: (value) => value <= 260,
    },
  ],

  rows(result) {
    const chat = chatFunctions(result);
    const largestGzip = chat.length > 0 ? Math.max(...chat.map((f) => f.gzipKiB)) : Number.NaN;
    const floor = result.floor;
    const rows = [
      row({
        bench: '4 cold start',
        measure: `chat functions (median of ${chat.length}): module init, median of ${result.runs} processes`,
        ours: duration(result.summary.chatInitMedianMs),
        floor: duration(floor.initMs),
        vsFloor: times(1 / result.summary.floorShare),
      }),
    ];
    const authorizer = result.functions.find((f) => f.name === 'authorizer');
    if (authorizer !== undefined) {
      rows.push(
        row({
          bench: '4 cold start',
          measure: 'authorizer: module init',
          ours: duration(authorizer.initMs),
          floor: duration(floor.initMs),
          vsFloor: times(authorizer.ratioToFloor),
        }),
      );
    }
    const whatIf = result.whatIf;
    rows.push(
      row({
        bench: '4 cold start',
        measure: 'largest chat bundle: minified KiB, gzipped KiB',
        ours: Number.isFinite(largestGzip)
          ? `${decimal(Math.max(...chat.map((f) => f.bundleKiB)), 0)}, ${decimal(largestGzip, 0)}`
          : '-',
        floor: `${decimal(floor.bundleKiB, 0)}, ${decimal(floor.gzipKiB, 0)}`,
        vsFloor: times(largestGzip / floor.gzipKiB),
      }),
      row({
        bench: '4 cold start',
        measure: `${result.analysed} as built; with the tracer at init (what-if): module init`,
        ours: duration(whatIf.analysedMs),
        baseline: `${duration(whatIf.withTracerAtInit.initMs)} with tracer`,
        floor: duration(whatIf.floorMs),
        vsBaseline: times(whatIf.analysedMs / whatIf.withTracerAtInit.initMs),
        vsFloor: times(whatIf.analysedMs / whatIf.floorMs),
      }),
    );
    return rows;
  },

  section(result) {
    const slices = [...result.slices].sort((a, b) => b.addedMs - a.addedMs);
    const chat = chatFunctions(result);
    const group = chat.length > 0 ? chat : result.functions;
    const analysedTiming = result.functions.find((f) => f.name === result.analysed);
    const { withTracerAtInit, floorUnbundled } = result.whatIf;
    const servers = result.messageRouteFunctions;
    const others = slices.filter(
      (slice) => !slice.slice.startsWith('sdk-') && slice.slice !== 'empty' && slice.slice !== 'tracer',
    );
    return {
      runs: String(result.runs),
      analysisRuns: String(result.analysisRuns),
      environment: result.environment,
      analysed: result.analysed,
      table: markdownTable(
        ['Function', 'Bundle KiB', 'gzip KiB', 'Init (median)', 'Over floor'],
        [
          timingCells({ ...result.floor, name: '(floor)' }, ''),
          ...result.functions.map((f) => timingCells(f, times(f.ratioToFloor))),
        ],
      ),
      floorShare: String(Math.round(result.summary.floorShare * 100)),
      floorMs: duration(result.floor.initMs),
      chatInitMedianMs: duration(result.summary.chatInitMedianMs),
      packages: markdownTable(
        ['Package', 'KiB', 'Share of the bundle'],
        result.packages
          .slice(0, 8)
          .map((share) => [share.package, decimal(share.kib, 1), `${decimal(share.share * 100, 0)}%`]),
      ),
      slices: markdownTable(
        ['Slice', 'Bundle KiB', 'Init', 'Added'],
        slices.map((slice) => [
          slice.slice,
          decimal(slice.bundleKiB, 0),
          duration(slice.initMs),
          duration(slice.addedMs),
        ]),
      ),
      largestOwnSlice: result.summary.largestOwnSlice,
      withTracerMs: duration(withTracerAtInit.initMs),
      analysedMs: duration(result.whatIf.analysedMs),
      tracerCost: tracerCost(result),
      withTracerHooks: asyncHookCount(withTracerAtInit.asyncHooks),
      analysedHooks: asyncHookCount(result.whatIf.analysedAsyncHooks),
      bundlesAlike: analysedTiming === undefined ? undefined : '',
      bundleDifferenceKiB:
        analysedTiming === undefined
          ? undefined
          : decimal(Math.abs(withTracerAtInit.bundleKiB - analysedTiming.bundleKiB), 1),
      analysedKiB: analysedTiming === undefined ? undefined : decimal(analysedTiming.bundleKiB, 0),
      analysedSizeAndInit:
        analysedTiming === undefined
          ? ''
          : ` (${decimal(analysedTiming.bundleKiB, 0)} KiB, ${duration(analysedTiming.initMs)} to initialise here)`,
      unbundledMs: duration(floorUnbundled.initMs),
      bundledFloorMs: duration(result.whatIf.floorMs),
      unbundledRatio: times(floorUnbundled.initMs / result.whatIf.floorMs),
      messageRoutes: String(messageRoutes().length),
      servedBy:
        servers.length === 1
          ? `one function, \`${servers[0] ?? ''}\``
          : `${servers.length} functions (${servers.map((name) => `\`${name}\``).join(', ')})`,
      functionCount: `${group.length} function${group.length === 1 ? '' : 's'}`,
      functionSizes: range(
        group.map((f) => f.bundleKiB),
        (kib) => decimal(kib, 0),
      ),
      functionInits: range(
        group.map((f) => f.initMs),
        duration,
      ),
      others: others.length > 0 ? '' : undefined,
      otherSlices: others.map((slice) => `\`${slice.slice}\``).join(', '),
      othersAddAtMost: duration(Math.max(...others.map((slice) => slice.addedMs))),
    };
  },

  comparisons: () => [
    {
      measure: `function bundles serving the ${messageRoutes().length} WebSocket message routes`,
      value: (result: ColdStartResult) => result.messageRouteFunctions.length,
      format: wholeNumber,
    },
    {
      measure: 'cold start: functions besides the authorizer',
      value: (result: ColdStartResult) => chatFunctions(result).length,
      format: wholeNumber,
    },
    {
      measure: 'cold start: median module init of the functions besides the authorizer',
      value: (result: ColdStartResult) => result.summary.chatInitMedianMs,
      format: duration,
    },
    {
      measure: 'cold start: that median over the SDK-clients floor',
      value: (result: ColdStartResult) => 1 / result.summary.floorShare,
      format: times,
    },
    {
      measure: 'cold start: function(s) serving the message routes, init over the floor (median)',
      value: (result: ColdStartResult) => {
        const servers = new Set(result.messageRouteFunctions);
        return median(result.functions.filter((f) => servers.has(f.name)).map((f) => f.ratioToFloor));
      },
      format: times,
    },
  ],
};
