// Benchmark 4, cold start, measured: per function, the bundle's size (minified, gzipped) and its module
// initialisation time (median over fresh Node processes importing dist/functions/<name>/index.mjs),
// against a floor handler that only constructs the same SDK clients, bundled the same way. To find what
// dominates: the bundle's bytes by package (esbuild metafile) and the import time of each dependency
// bundled alone. Two what-ifs, each timed with its original in the same loop: the `message` function
// with the Powertools Tracer loaded at init (the usual way to use it; the functions load it only when
// SDK_TRACING=on), and the floor with the SDK left in node_modules.

import { build, type Metafile } from 'esbuild';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { ROUTE_TABLE, type FunctionName } from '../../src/handlers/route-table.js';
import { REPO_ROOT } from '../lib/children.js';
import type { Log } from '../lib/log.js';
import { median, ratio } from '../lib/stats.js';
import { functionBuildOptions } from '../../scripts/esbuild-options.mjs';

const run = promisify(execFile);

export interface ColdStartConfig {
  /** Functions to measure; all of the route table when absent. */
  readonly functions?: readonly string[];
  /** Fresh processes per function and for the floor. */
  readonly runs: number;
  /** Fresh processes per dependency slice and what-if bundle. */
  readonly analysisRuns: number;
  /** Slices to time (file names under bench/cold-start/slices, without .ts); all when absent. */
  readonly slices?: readonly string[];
}

export interface BundleTiming {
  readonly name: string;
  readonly bundleKiB: number;
  readonly gzipKiB: number;
  readonly initMs: number;
  /** initMs / the floor's. */
  readonly ratioToFloor: number;
  /** Async hooks created while the bundle was imported (the X-Ray SDK's `cls-hooked` creates one). */
  readonly asyncHooks: number;
}

export interface PackageShare {
  readonly package: string;
  readonly kib: number;
  readonly share: number;
}

export interface SliceTiming {
  readonly slice: string;
  readonly bundleKiB: number;
  readonly initMs: number;
  /** Over the empty module's import time: what the dependency itself adds. */
  readonly addedMs: number;
}

export interface ColdStartResult {
  readonly runs: number;
  readonly analysisRuns: number;
  readonly environment: string;
  readonly floor: BundleTiming;
  readonly functions: readonly BundleTiming[];
  /** The function the analysis looks into: the one serving every WebSocket message route. */
  readonly analysed: string;
  /** The distinct functions serving the WebSocket message routes (every route but $connect and $disconnect). */
  readonly messageRouteFunctions: readonly string[];
  readonly packages: readonly PackageShare[];
  readonly slices: readonly SliceTiming[];
  readonly whatIf: {
    /** The analysed function and the floor, timed in the same loop as the what-ifs. */
    readonly analysedMs: number;
    /** Async hooks the analysed function's import created. */
    readonly analysedAsyncHooks: number;
    readonly floorMs: number;
    /** The analysed function with the Powertools Tracer imported and constructed at init. */
    readonly withTracerAtInit: BundleTiming;
    /** The floor with the SDK left in node_modules instead of bundled. */
    readonly floorUnbundled: BundleTiming;
  };
  readonly summary: {
    readonly chatInitMedianMs: number;
    /** Share of a chat function's initialisation the floor accounts for. */
    readonly floorShare: number;
    /** The slice that adds the most, the SDK clients aside. */
    readonly largestOwnSlice: string;
    /**
     * What loading the Tracer at init costs, and so what keeping it off the cold path saves: the median of
     * the paired, run-by-run differences between the what-if and the analysed function as built.
     */
    readonly tracerAtInitCostMs: number;
    /** That cost as a share of the what-if's initialisation (the cold start it would otherwise be). */
    readonly tracerAtInitCostShare: number;
  };
}

const HERE = fileURLToPath(new URL('../cold-start/', import.meta.url));
const SLICES = join(HERE, 'slices');
const ALL_SLICES = [
  'empty',
  'sdk-dynamodb',
  'sdk-management',
  'tracer',
  'logger',
  'metrics',
  'middy',
  'inversify',
  'jwt',
];

/** The function the analysis looks into: every WebSocket message route is served by it. */
const ANALYSED: FunctionName = 'message';

/** Route keys of the WebSocket connection lifecycle; every other route carries a client's message. */
const LIFECYCLE_ROUTES = new Set(['$connect', '$disconnect']);

/** The WebSocket route keys that carry a client's message: `$default` and one per action. */
export function messageRoutes(): string[] {
  return Object.keys(ROUTE_TABLE.routes).filter((route) => !LIFECYCLE_ROUTES.has(route));
}

/** The distinct functions the route table has serve the WebSocket message routes. */
export function messageRouteFunctions(): string[] {
  return [...new Set(messageRoutes().map((route) => ROUTE_TABLE.routes[route] as string))];
}

/** The package an input file of the bundle belongs to (the last node_modules segment wins). */
function packageOf(input: string): string {
  const parts = input.split('node_modules/');
  if (parts.length < 2) return input.startsWith('src/') ? 'roomcast (src)' : 'other';
  const rest = parts[parts.length - 1] as string;
  const segments = rest.split('/');
  return rest.startsWith('@') ? `${segments[0]}/${segments[1]}` : (segments[0] as string);
}

function packagesOf(metafile: Metafile): PackageShare[] {
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint !== undefined);
  if (output === undefined) return [];
  const bytes = new Map<string, number>();
  for (const [input, info] of Object.entries(output.inputs)) {
    bytes.set(packageOf(input), (bytes.get(packageOf(input)) ?? 0) + info.bytesInOutput);
  }
  const total = [...bytes.values()].reduce((sum, b) => sum + b, 0);
  return [...bytes]
    .sort((a, b) => b[1] - a[1])
    .map(([name, b]) => ({ package: name, kib: b / 1024, share: b / total }));
}

/**
 * What the child runs: import the bundle and report how long the import took and how many async hooks it
 * created (counted by wrapping `createHook`, which bundled CommonJS code reaches through `require`). Node's
 * own start-up is outside the measurement; Lambda's runtime start-up is outside our control too.
 */
const IMPORT_SCRIPT =
  "import hooks from 'node:async_hooks'; let created = 0; const createHook = hooks.createHook;" +
  'hooks.createHook = (...args) => { created += 1; return createHook(...args); };' +
  'const t0 = performance.now(); await import(process.env.BENCH_BUNDLE_URL);' +
  'process.stdout.write(JSON.stringify({ ms: performance.now() - t0, asyncHooks: created }));';

interface ImportSample {
  readonly ms: number;
  readonly asyncHooks: number;
}

async function importOnce(file: string): Promise<ImportSample> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', IMPORT_SCRIPT], {
    // What a function sees at import in Lambda, minus the Lambda markers. SDK_TRACING is unset, its
    // default (off), so the functions leave the Tracer unloaded; the what-if that imports it at init has
    // every module evaluated all the same (a Tracer outside Lambda only stops recording).
    env: {
      PATH: process.env['PATH'] ?? '',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      TABLE_NAME: 'roomcast-bench',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      BENCH_BUNDLE_URL: pathToFileURL(file).href,
    },
    cwd: tmpdir(),
  });
  let sample: Partial<ImportSample> = {};
  try {
    sample = JSON.parse(stdout) as Partial<ImportSample>;
  } catch {
    // Reported below.
  }
  const { ms, asyncHooks } = sample;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || typeof asyncHooks !== 'number')
    throw new Error(`could not time the import of ${file}: ${stdout}`);
  return { ms, asyncHooks };
}

async function sizes(file: string): Promise<{ bundleKiB: number; gzipKiB: number }> {
  const code = await readFile(file);
  return { bundleKiB: code.length / 1024, gzipKiB: gzipSync(code).length / 1024 };
}

interface Timed {
  /** Import times in ms, per target, in run order. */
  readonly samples: Map<string, number[]>;
  /** Async hooks each target's import created (the most any run saw). */
  readonly asyncHooks: Map<string, number>;
}

/** Times every target `runs` times, interleaved, so a change in machine load hits them all alike. */
async function timeAll(files: ReadonlyMap<string, string>, runs: number): Promise<Timed> {
  const samples = new Map<string, number[]>([...files.keys()].map((name) => [name, []]));
  const asyncHooks = new Map<string, number>([...files.keys()].map((name) => [name, 0]));
  for (let i = 0; i < runs; i += 1) {
    for (const [name, file] of files) {
      const sample = await importOnce(file);
      samples.get(name)?.push(sample.ms);
      asyncHooks.set(name, Math.max(asyncHooks.get(name) ?? 0, sample.asyncHooks));
    }
  }
  return { samples, asyncHooks };
}

const medians = (samples: ReadonlyMap<string, number[]>) =>
  new Map([...samples].map(([name, list]) => [name, median(list)]));

/** Median of the run-by-run differences: two targets timed back to back share the load of the moment. */
function pairedDifference(samples: ReadonlyMap<string, number[]>, a: string, b: string): number {
  const first = samples.get(a) ?? [];
  const second = samples.get(b) ?? [];
  return median(first.map((ms, i) => ms - (second[i] ?? Number.NaN)));
}

export async function runColdStart(config: ColdStartConfig, log: Log): Promise<ColdStartResult> {
  const names = config.functions ?? Object.keys(ROUTE_TABLE.functions);
  const bundleOf = (name: string) => join(REPO_ROOT, 'dist/functions', name, 'index.mjs');
  const analysed = ANALYSED;
  const missing = [...new Set([...names, analysed])].filter((name) => !existsSync(bundleOf(name)));
  if (missing.length > 0)
    throw new Error(`bundles missing (${missing.join(', ')}): run \`make build\` first`);

  const entryOf = (name: FunctionName) =>
    join(REPO_ROOT, 'src/handlers/functions', ROUTE_TABLE.functions[name].entry);
  const work = await mkdtemp(join(tmpdir(), 'roomcast-bench-'));
  try {
    // The floor, the slices and the what-ifs, bundled the way the functions are.
    const floorFile = join(work, 'floor', 'index.mjs');
    await build(functionBuildOptions(join(HERE, 'floor-handler.ts'), floorFile));
    const slices = config.slices ?? ALL_SLICES;
    const sliceFiles = new Map<string, string>();
    for (const slice of slices) {
      const file = join(work, 'slices', slice, 'index.mjs');
      await build(functionBuildOptions(join(SLICES, `${slice}.ts`), file));
      sliceFiles.set(slice, file);
    }
    const analysedBuild = await build({
      ...functionBuildOptions(entryOf(analysed), join(work, 'analysed', 'index.mjs')),
      write: false,
    });
    const withTracerFile = join(work, 'with-tracer-at-init', 'index.mjs');
    await build(functionBuildOptions(join(HERE, 'message-with-tracer.ts'), withTracerFile));
    // The SDK loaded from node_modules, as it would be if it were not bundled.
    const unbundledDir = join(work, 'floor-unbundled');
    await mkdir(unbundledDir, { recursive: true });
    await symlink(join(REPO_ROOT, 'node_modules'), join(unbundledDir, 'node_modules'), 'dir');
    const unbundledFile = join(unbundledDir, 'index.mjs');
    await build({
      ...functionBuildOptions(join(HERE, 'floor-handler.ts'), unbundledFile),
      packages: 'external',
      banner: {},
    });

    log(`cold start: timing ${names.length} functions and the floor, ${config.runs} fresh processes each`);
    const main = new Map<string, string>([
      ['(floor)', floorFile],
      ...names.map((n) => [n, bundleOf(n)] as const),
    ]);
    const mainTimed = await timeAll(main, config.runs);
    const mainMs = medians(mainTimed.samples);
    log(`cold start: timing ${slices.length} slices and 2 what-ifs, ${config.analysisRuns} processes each`);
    // Each what-if is compared with its original timed in the same loop, under the same load.
    const analysis = new Map<string, string>([
      ...[...sliceFiles].map(([slice, file]) => [`slice:${slice}`, file] as const),
      ['analysed', bundleOf(analysed)],
      ['with-tracer-at-init', withTracerFile],
      ['floor', floorFile],
      ['floor-unbundled', unbundledFile],
    ]);
    const analysisTimed = await timeAll(analysis, config.analysisRuns);
    const analysisSamples = analysisTimed.samples;
    const analysisMs = medians(analysisSamples);
    const tracerAtInitCostMs = pairedDifference(analysisSamples, 'with-tracer-at-init', 'analysed');

    const floorMs = mainMs.get('(floor)') as number;
    const timing = async (
      name: string,
      file: string,
      key: string,
      timed: Timed,
      floorBase: number,
    ): Promise<BundleTiming> => {
      const ms = median(timed.samples.get(key) ?? []);
      return {
        name,
        ...(await sizes(file)),
        initMs: ms,
        ratioToFloor: ratio(ms, floorBase),
        asyncHooks: timed.asyncHooks.get(key) ?? 0,
      };
    };
    const floor = await timing('floor', floorFile, '(floor)', mainTimed, floorMs);
    const functions: BundleTiming[] = [];
    for (const name of names) functions.push(await timing(name, bundleOf(name), name, mainTimed, floorMs));
    const emptyMs = analysisMs.get('slice:empty') ?? 0;
    const sliceTimings: SliceTiming[] = [];
    for (const [slice, file] of sliceFiles) {
      const ms = analysisMs.get(`slice:${slice}`) as number;
      sliceTimings.push({
        slice,
        bundleKiB: (await sizes(file)).bundleKiB,
        initMs: ms,
        addedMs: ms - emptyMs,
      });
    }
    const analysedMs = analysisMs.get('analysed') as number;
    const analysisFloorMs = analysisMs.get('floor') as number;
    const withTracer = await timing(
      `${analysed} with the tracer at init`,
      withTracerFile,
      'with-tracer-at-init',
      analysisTimed,
      analysisFloorMs,
    );
    const unbundled = await timing(
      'floor, SDK not bundled',
      unbundledFile,
      'floor-unbundled',
      analysisTimed,
      analysisFloorMs,
    );
    const chat = functions.filter((f) => f.name !== 'authorizer');
    const chatInitMedianMs = median((chat.length > 0 ? chat : functions).map((f) => f.initMs));
    const own = sliceTimings.filter((s) => !s.slice.startsWith('sdk-') && s.slice !== 'empty');
    const largestOwn = own.reduce<SliceTiming | undefined>(
      (a, b) => (a === undefined || b.addedMs > a.addedMs ? b : a),
      undefined,
    );
    return {
      runs: config.runs,
      analysisRuns: config.analysisRuns,
      environment: 'fresh `node` per import; AWS_REGION and dummy credentials set, no Lambda markers',
      floor,
      functions,
      analysed,
      messageRouteFunctions: messageRouteFunctions(),
      packages: analysedBuild.metafile === undefined ? [] : packagesOf(analysedBuild.metafile).slice(0, 12),
      slices: sliceTimings,
      whatIf: {
        analysedMs,
        analysedAsyncHooks: analysisTimed.asyncHooks.get('analysed') ?? 0,
        floorMs: analysisFloorMs,
        withTracerAtInit: withTracer,
        floorUnbundled: unbundled,
      },
      summary: {
        chatInitMedianMs,
        floorShare: ratio(floorMs, chatInitMedianMs),
        largestOwnSlice: largestOwn?.slice ?? 'none',
        tracerAtInitCostMs,
        tracerAtInitCostShare: ratio(tracerAtInitCostMs, withTracer.initMs),
      },
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
