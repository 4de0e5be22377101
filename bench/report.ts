// Bench report: the one results table (`make bench` prints it) and docs/performance.md, both from a
// results object, so the document always shows the numbers of the last run.

import { DEFAULT_CHAT_POLICY } from '../src/domain/index.js';
import { ROUTE_TABLE } from '../src/handlers/route-table.js';
import { messageRouteFunctions, messageRoutes } from './benchmarks/cold-start.js';
import { median, ratio } from './lib/stats.js';
import { PRICES } from './prices.js';
import type { Profile } from './profiles.js';
import type { BenchResults, Machine } from './results.js';

export interface Row {
  readonly bench: string;
  readonly measure: string;
  readonly ours: string;
  readonly baseline: string;
  readonly floor: string;
  /** Ours / baseline. */
  readonly vsBaseline: string;
  /** Ours / floor. */
  readonly vsFloor: string;
}

const COLUMNS: readonly [keyof Row, string][] = [
  ['bench', 'Benchmark'],
  ['measure', 'Measure'],
  ['ours', 'Ours'],
  ['baseline', 'Baseline'],
  ['floor', 'Floor'],
  ['vsBaseline', 'Ours / baseline'],
  ['vsFloor', 'Ours / floor'],
];

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const num = (n: number, digits = 1) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : '-';
const ms = (n: number) =>
  !Number.isFinite(n) ? '-' : n >= 10_000 ? `${num(n / 1_000, 1)} s` : `${int(n)} ms`;
const x = (n: number) => (!Number.isFinite(n) ? '-' : n >= 10 ? `${num(n, 0)}x` : `${num(n, 2)}x`);
const usd = (n: number) => `$${n >= 100 ? num(n, 0) : n >= 1 ? num(n, 2) : num(n, 3)}`;
const mib = (n: number) => `${num(n, 1)} MiB`;
const pct = (share: number) => (Number.isFinite(share) ? `${num(share * 100, 0)}%` : '-');
const hooks = (n: number) => (n === 0 ? 'none' : n === 1 ? 'one async hook' : `${int(n)} async hooks`);
/** `a to b`, or one value when both print alike. */
const span = (values: readonly number[], format: (n: number) => string) => {
  const low = format(Math.min(...values));
  const high = format(Math.max(...values));
  return low === high ? low : `${low} to ${high}`;
};
/** What the cold-start what-if puts the Tracer at init at, in ms and as a share of that cold start. */
const tracerCost = (cold: NonNullable<BenchResults['coldStart']>) =>
  cold.summary.tracerAtInitCostMs > 0
    ? `${ms(cold.summary.tracerAtInitCostMs)} (${pct(cold.summary.tracerAtInitCostShare)})`
    : `nothing measurable (${ms(cold.summary.tracerAtInitCostMs)}, within this run's noise)`;

export function resultRows(results: BenchResults): Row[] {
  const rows: Row[] = [];
  const add = (row: Partial<Row> & Pick<Row, 'bench' | 'measure' | 'ours'>) =>
    rows.push({ baseline: '', floor: '', vsBaseline: '', vsFloor: '', ...row });

  const read = results.fanOutRead;
  if (read !== undefined) {
    for (const row of read.rows) {
      const units = (c: typeof row.ours) => c.readUnits ?? c.readUnitsComputed;
      add({
        bench: '1 fan-out read',
        measure: `room of ${int(row.members)}, table of ${int(row.tableItems)}: read units (requests, items read)`,
        ours: `${num(units(row.ours))} (${int(row.ours.requests)}, ${int(row.ours.itemsRead)})`,
        baseline: `${num(units(row.baseline))} (${int(row.baseline.requests)}, ${int(row.baseline.itemsRead)})`,
        vsBaseline: x(1 / row.readUnitsRatio),
      });
    }
  }
  const time = results.fanOutTime;
  if (time !== undefined) {
    for (const row of time.rows) {
      add({
        bench: '2 fan-out time',
        measure: `${int(row.members)} clients, ${time.latencyMs} ms/call: send to last delivery (sequential scaled)`,
        ours: ms(row.ours.ms),
        baseline: `${ms(row.promiseAll.ms)}; seq ${ms(row.sequential.ms)}`,
        floor: `ideal ${ms(row.ours.idealMs)}`,
        vsBaseline: x(row.ours.ms / row.promiseAll.ms),
        vsFloor: x(row.ours.ratioToIdeal),
      });
    }
    const largest = time.rows.at(-1);
    if (largest !== undefined) {
      add({
        bench: '2 fan-out memory',
        measure: `${int(largest.members)} clients: peak heap (RSS) growth of the sender`,
        ours: `${mib(largest.ours.memory.heapMiB)} (${mib(largest.ours.memory.rssMiB)})`,
        baseline: `${mib(largest.promiseAll.memory.heapMiB)} (${mib(largest.promiseAll.memory.rssMiB)})`,
        vsBaseline: x(largest.ours.memory.heapMiB / largest.promiseAll.memory.heapMiB),
      });
    }
  }
  const e2e = results.endToEnd;
  if (e2e !== undefined) {
    for (const p of ['p50', 'p95', 'p99'] as const) {
      add({
        bench: '3 end to end',
        measure: `${e2e.clients} clients, ${int(e2e.messages)} msgs at ${e2e.ratePerSecond}/s: ${p} send to receive`,
        ours: ms(e2e.ours[p]),
        floor: ms(e2e.floor[p]),
        vsFloor: x(e2e.ratios[p]),
      });
    }
  }
  const cold = results.coldStart;
  if (cold !== undefined) {
    const chat = cold.functions.filter((f) => f.name !== 'authorizer');
    const gzip = chat.length > 0 ? Math.max(...chat.map((f) => f.gzipKiB)) : Number.NaN;
    add({
      bench: '4 cold start',
      measure: `chat functions (median of ${chat.length}): module init, median of ${cold.runs} processes`,
      ours: ms(cold.summary.chatInitMedianMs),
      floor: ms(cold.floor.initMs),
      vsFloor: x(1 / cold.summary.floorShare),
    });
    const authorizer = cold.functions.find((f) => f.name === 'authorizer');
    if (authorizer !== undefined) {
      add({
        bench: '4 cold start',
        measure: 'authorizer: module init',
        ours: ms(authorizer.initMs),
        floor: ms(cold.floor.initMs),
        vsFloor: x(authorizer.ratioToFloor),
      });
    }
    add({
      bench: '4 cold start',
      measure: 'largest chat bundle: minified KiB, gzipped KiB',
      ours: Number.isFinite(gzip)
        ? `${num(Math.max(...chat.map((f) => f.bundleKiB)), 0)}, ${num(gzip, 0)}`
        : '-',
      floor: `${num(cold.floor.bundleKiB, 0)}, ${num(cold.floor.gzipKiB, 0)}`,
      vsFloor: x(gzip / cold.floor.gzipKiB),
    });
    add({
      bench: '4 cold start',
      measure: `${cold.analysed} as built; with the tracer at init (what-if): module init`,
      ours: ms(cold.whatIf.analysedMs),
      baseline: `${ms(cold.whatIf.withTracerAtInit.initMs)} with tracer`,
      floor: ms(cold.whatIf.floorMs),
      vsBaseline: x(cold.whatIf.analysedMs / cold.whatIf.withTracerAtInit.initMs),
      vsFloor: x(cold.whatIf.analysedMs / cold.whatIf.floorMs),
    });
  }
  const capacity = results.emulatorCapacity;
  if (capacity !== undefined) {
    add({
      bench: '5 emulator',
      measure: `${int(capacity.emulator.idle.connections)} idle connections: RSS (heap) KiB per connection`,
      ours: `${num(capacity.emulator.idle.rssKiBPerConnection)} (${num(capacity.emulator.idle.heapKiBPerConnection)})`,
      floor: `${num(capacity.floor.idle.rssKiBPerConnection)} (${num(capacity.floor.idle.heapKiBPerConnection)})`,
      vsFloor: x(capacity.memoryRatio),
    });
    add({
      bench: '5 emulator',
      measure: `@connections posts relayed a second (${capacity.emulator.relay.concurrency} in flight)`,
      ours: int(capacity.emulator.relay.perSecond),
      floor: int(capacity.floor.relay.perSecond),
      vsFloor: x(capacity.relayRatio),
    });
  }
  const cost = results.cost;
  if (cost !== undefined) {
    add({
      bench: '6 cost',
      measure: `per million messages, room of ${cost.config.members} at ${cost.config.messagesPerSecond}/s (us-east-1)`,
      ours: usd(cost.totalOurs),
      baseline: usd(cost.totalBaseline),
      vsBaseline: x(cost.ratio),
    });
    const dynamo = cost.lines.filter((l) => l.item.startsWith('DynamoDB'));
    const sum = (side: 'ours' | 'baseline') => dynamo.reduce((s, l) => s + l[side], 0);
    add({
      bench: '6 cost',
      measure: 'of which DynamoDB',
      ours: usd(sum('ours')),
      baseline: usd(sum('baseline')),
      vsBaseline: x(sum('ours') / sum('baseline')),
    });
  }
  return rows;
}

/** The table as aligned text, for the terminal. */
export function renderText(rows: readonly Row[]): string {
  const widths = COLUMNS.map(([key, title]) => Math.max(title.length, ...rows.map((r) => r[key].length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [
    line(COLUMNS.map(([, title]) => title)),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((row) => line(COLUMNS.map(([key]) => row[key]))),
  ].join('\n');
}

function markdownTable(header: readonly string[], body: readonly (readonly string[])[]): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  return [
    `| ${header.map(escape).join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...body.map((cells) => `| ${cells.map(escape).join(' | ')} |`),
  ].join('\n');
}

const WIDTH = 110;

/** One paragraph wrapped at the docs' width (Prettier keeps prose as it is written). */
function para(...parts: string[]): string {
  const lines: string[] = [];
  let line = '';
  for (const word of parts
    .join(' ')
    .split(/\s+/)
    .filter((w) => w !== '')) {
    if (line !== '' && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines.join('\n');
}

/** A bulleted list, each item wrapped with its continuation indented. */
function bullets(items: readonly string[]): string {
  return items.map((item) => `- ${para(item).split('\n').join('\n  ')}`).join('\n');
}

function readSection(read: NonNullable<BenchResults['fanOutRead']>): string[] {
  return [
    '## 1. Fan-out read cost',
    para(
      `A table on DynamoDB Local holds ${read.rooms} rooms of N members; one broadcast reads one room.`,
      `**Ours** pages the room with \`RoomMembershipPort.membersPage\` (the DynamoDB adapter, ${read.pageSize}`,
      "members a page, as `PagedFanOut` reads it): one Query per page on the room's partition. The",
      "**baseline** is the classic sample's full Scan of a connections table (one item per connection, the",
      'room an attribute), following `LastEvaluatedKey` and keeping the room with a filter, which does not',
      'reduce what a Scan reads. Both tables hold the same rooms, seeded with `BatchWriteItem`; ours holds the',
      "member items exactly as `src/adapters/dynamodb/keys.ts` and the adapter's `add` lay them out.",
    ),
    para(
      `Read units are ${read.capacitySource} (\`ReturnConsumedCapacity: TOTAL\`, added by middleware on the`,
      "client) and cross-checked against units computed from the item sizes by DynamoDB's rules (a member",
      `item is about ${int(read.memberItemBytes)} bytes, a classic item about ${int(read.classicItemBytes)}; 4 KB per unit,`,
      'halved for the eventually consistent reads both use).',
    ),
    markdownTable(
      [
        'Room',
        'Table',
        'Ours: requests',
        'items read',
        'read units (computed)',
        'Scan: requests',
        'items read',
        'read units (computed)',
        'Ours / scan',
      ],
      read.rows.map((row) => [
        int(row.members),
        int(row.tableItems),
        int(row.ours.requests),
        int(row.ours.itemsRead),
        `${num(row.ours.readUnits ?? Number.NaN)} (${num(row.ours.readUnitsComputed)})`,
        int(row.baseline.requests),
        int(row.baseline.itemsRead),
        `${num(row.baseline.readUnits ?? Number.NaN)} (${num(row.baseline.readUnitsComputed)})`,
        x(1 / row.readUnitsRatio),
      ]),
    ),
    para(
      'Ours reads the room and nothing else: its cost follows the room and stays the same whatever else the',
      'table holds. The Scan reads the whole table for every broadcast, so its cost follows the whole service.',
      "Per item ours reads more bytes (its items carry their keys and the member's identity), which is why the",
      'read-unit ratio is smaller than the item ratio. Each Query asks for one member more than a page holds, so',
      'a room that fills its last page exactly costs no extra Query coming back empty (DynamoDB returns a',
      'continuation key whenever it stops at the Limit): `ceil(N / page size)` Queries. The member asked for',
      'beyond a page is the first of the next one and is read again by the next Query, so ours reads',
      '`N + Queries - 1` items.',
    ),
  ];
}

function timeSection(time: NonNullable<BenchResults['fanOutTime']>): string[] {
  const largest = time.rows.at(-1);
  const policyDefault =
    time.concurrency === DEFAULT_CHAT_POLICY.fanOutConcurrency ? ', the policy default' : '';
  const blocks = [
    '## 2. Fan-out time and memory',
    para(
      'N live WebSocket clients (real `ws` clients in a helper process) on the emulator, with',
      `\`gateway.faults.latencyMs = ${time.latencyMs}\`: every @connections call is answered ${time.latencyMs} ms late, a stand-in`,
      'for the round trip from Lambda to API Gateway. The time runs from the sender starting the fan-out to the',
      'last frame arriving at a client. Each strategy runs in a fresh sender process through the real AWS SDK',
      'client, after one warm-up post (a warm Lambda container); the emulator and the clients run in their',
      'own processes.',
    ),
    bullets([
      `**ours**: \`PagedFanOut\` with the \`ManagementApiNotifier\` and the client pool the composition root builds, concurrency ${time.concurrency}${policyDefault}, members paged ${time.pageSize} at a time from memory (what they cost to read is benchmark 1);`,
      `**baseline**: the classic \`Promise.all\` over every connection with an \`ApiGatewayManagementApiClient\` built with the SDK's defaults. In practice it is not unbounded: the SDK's default HTTP agent holds at most ${time.sdkDefaultMaxSockets} sockets, so ${time.sdkDefaultMaxSockets} posts are in flight and the rest wait in memory;`,
      `**sequential**: one post after another, timed on the first ${time.sequentialSample} clients and scaled to N (a whole large room would take minutes).`,
    ]),
    para(
      "The ideal is `ceil(N / concurrency) × latency` at each strategy's own concurrency (1 for sequential).",
      "Memory is the sender process's peak growth over its settled baseline during the fan-out (V8 heap plus",
      "external buffers, and RSS), sampled every 5 ms; CPU is the sender's user and system time.",
    ),
    markdownTable(
      [
        'Clients',
        'Ours',
        'ideal (×)',
        'Promise.all',
        'ideal (×)',
        'Sequential (scaled)',
        'Ours heap / RSS',
        'Promise.all heap / RSS',
        'CPU per 1,000 deliveries: ours / Promise.all',
      ],
      time.rows.map((row) => [
        int(row.members),
        ms(row.ours.ms),
        `${ms(row.ours.idealMs)} (${x(row.ours.ratioToIdeal)})`,
        ms(row.promiseAll.ms),
        `${ms(row.promiseAll.idealMs)} (${x(row.promiseAll.ratioToIdeal)})`,
        ms(row.sequential.ms),
        `${mib(row.ours.memory.heapMiB)} / ${mib(row.ours.memory.rssMiB)}`,
        `${mib(row.promiseAll.memory.heapMiB)} / ${mib(row.promiseAll.memory.rssMiB)}`,
        `${ms(row.ours.cpuMsPer1000)} / ${ms(row.promiseAll.cpuMsPer1000)}`,
      ]),
    ),
  ];
  if (largest === undefined) return blocks;
  blocks.push(
    para(
      `At ${int(largest.members)} clients ours takes ${x(largest.ours.ms / largest.promiseAll.ms)} the baseline's time with`,
      `${x(largest.ours.memory.heapMiB / largest.promiseAll.memory.heapMiB)} its peak heap: the baseline builds every request up front and parks`,
      "them in the agent's queue; ours holds a page and the deliveries in flight. Neither reaches its ideal on",
      'this machine because the sender is CPU-bound: each delivery through the SDK client costs about',
      `${num(largest.ours.cpuMsPer1000 / 1_000, 2)} ms of CPU here (building, signing and sending the request), so ${int(largest.members)}`,
      `deliveries need about ${ms(largest.ours.cpuMsPer1000 * (largest.members / 1_000))} of CPU whatever the concurrency. In Lambda the bound`,
      'is tighter still: CPU comes in proportion to memory (one vCPU at 1,769 MB), so at the 512 MB the chat',
      "functions run with, a large room's fan-out is set by CPU more than by the @connections round trip.",
    ),
  );
  const traced = largest.oursWithTracer;
  if (traced !== undefined) {
    blocks.push(
      para(
        `With the Powertools Tracer's module loaded, as it is in a function only when \`SDK_TRACING=on\` (the`,
        `default is off), the same ${int(largest.members)}-client fan-out used ${ms(traced.cpuMsPer1000)} of CPU per 1,000 deliveries`,
        `instead of ${ms(largest.ours.cpuMsPer1000)} (${x(traced.cpuMsPer1000 / largest.ours.cpuMsPer1000)}) and took ${ms(traced.ms)} instead of ${ms(largest.ours.ms)}.`,
        'Importing the X-Ray SDK creates a `cls-hooked` namespace, which switches on async hooks for the whole',
        'process, and every promise pays for them; with SDK tracing off the functions never import it.',
      ),
    );
  }
  return blocks;
}

function endToEndSection(e2e: NonNullable<BenchResults['endToEnd']>): string[] {
  const per = e2e.perMessage;
  const commands = Object.entries(per.dynamoByCommand)
    .map(([command, n]) => `${command} ${num(n, 2)}`)
    .join(', ');
  return [
    '## 3. End-to-end latency',
    para(
      `${e2e.clients} clients in the lobby of the full local stack (\`startDevStack\`: DynamoDB Local, the emulator,`,
      `the real handlers in-process, token mode) send ${int(e2e.messages)} messages at a steady ${e2e.ratePerSecond} a second,`,
      `each from the next client in turn, after ${e2e.warmup} warm-up messages. Every delivery of every message is`,
      'timed from the moment its sender wrote it to the moment a client received it (senders and receivers',
      'share one clock); no latency is injected. The **floor** is a bare `ws` server answering each message',
      `with an ack and the message to every client, at the same rate for ${int(e2e.floorMessages)} messages (its`,
      'percentiles settle long before that).',
    ),
    markdownTable(
      ['', 'p50', 'p95', 'p99', 'max', 'deliveries'],
      [
        [
          'ours',
          ms(e2e.ours.p50),
          ms(e2e.ours.p95),
          ms(e2e.ours.p99),
          ms(e2e.ours.max),
          `${int(e2e.ours.received)} of ${int(e2e.ours.expected)}`,
        ],
        [
          'floor',
          ms(e2e.floor.p50),
          ms(e2e.floor.p95),
          ms(e2e.floor.p99),
          ms(e2e.floor.max),
          `${int(e2e.floor.received)} of ${int(e2e.floor.expected)}`,
        ],
        ['ours / floor', x(e2e.ratios.p50), x(e2e.ratios.p95), x(e2e.ratios.p99), '', ''],
      ],
    ),
    para(
      `What one message cost in that run: ${num(per.dynamoRequests, 2)} DynamoDB requests (${commands}:`,
      'the rate limit, the sequence number, the membership check, the message, the member pages),',
      `${num(per.readUnits ?? Number.NaN, 2)} read and ${num(per.writeUnits ?? Number.NaN, 2)} write units, and ${num(per.billableMessages, 1)}`,
      `API Gateway messages (${num(per.messagesIn, 1)} in, ${num(per.messagesOut, 1)} out: the ack and one per member). The`,
      `\`${ROUTE_TABLE.routes['sendMessage'] ?? 'sendMessage'}\` function took ${ms(per.handlerMsMedian)} per \`sendMessage\` frame (median; p95 ${ms(per.handlerMsP95)}), most of it in DynamoDB Local, whose`,
      'requests take milliseconds each here and are made one after another before the fan-out starts.',
    ),
    para(
      `The rate is what the local stack sustains on this machine: every message is ${e2e.clients} @connections`,
      'posts through the SDK, and the emulator, the handlers, DynamoDB Local and the clients share the two',
      'cores; a faster rate makes the queue, not the service, the measurement.',
    ),
  ];
}

function coldStartSection(cold: NonNullable<BenchResults['coldStart']>): string[] {
  const top = cold.packages.slice(0, 8);
  const slices = [...cold.slices].sort((a, b) => b.addedMs - a.addedMs);
  const chat = cold.functions.filter((f) => f.name !== 'authorizer');
  const group = chat.length > 0 ? chat : cold.functions;
  const sizes = group.map((f) => f.bundleKiB);
  const inits = group.map((f) => f.initMs);
  const analysedTiming = cold.functions.find((f) => f.name === cold.analysed);
  const withTracer = cold.whatIf.withTracerAtInit;
  const routes = messageRoutes();
  const served =
    cold.messageRouteFunctions.length === 1
      ? `one function, \`${cold.messageRouteFunctions[0] ?? ''}\``
      : `${cold.messageRouteFunctions.length} functions (${cold.messageRouteFunctions.map((f) => `\`${f}\``).join(', ')})`;
  const others = slices.filter(
    (sl) => !sl.slice.startsWith('sdk-') && sl.slice !== 'empty' && sl.slice !== 'tracer',
  );
  return [
    '## 4. Cold start',
    para(
      'Per function: the bundle `make build` writes (minified, and gzipped) and the time to import it in a fresh',
      `Node process (median of ${cold.runs}; ${cold.environment}). The **floor** is a handler that only constructs the`,
      'SDK clients every chat function builds (`DynamoDBDocumentClient` and `ApiGatewayManagementApiClient`),',
      "bundled with the same esbuild options. Node's own start-up is left out: Lambda's runtime start-up is not",
      'ours to change.',
    ),
    markdownTable(
      ['Function', 'Bundle KiB', 'gzip KiB', 'Init (median)', 'Over floor'],
      [
        ['(floor)', num(cold.floor.bundleKiB, 0), num(cold.floor.gzipKiB, 0), ms(cold.floor.initMs), ''],
        ...cold.functions.map((f) => [
          f.name,
          num(f.bundleKiB, 0),
          num(f.gzipKiB, 0),
          ms(f.initMs),
          x(f.ratioToFloor),
        ]),
      ],
    ),
    '### What dominates',
    para(
      `The AWS SDK v3 clients. The floor alone is ${Math.round(cold.summary.floorShare * 100)}% of a chat function's initialisation`,
      `(${ms(cold.floor.initMs)} of ${ms(cold.summary.chatInitMedianMs)}), and the ${cold.analysed} bundle is mostly SDK by bytes`,
      '(esbuild metafile, largest packages):',
    ),
    markdownTable(
      ['Package', 'KiB', 'Share of the bundle'],
      top.map((p) => [p.package, num(p.kib, 1), `${num(p.share * 100, 0)}%`]),
    ),
    para(
      `Each dependency bundled alone and imported in a fresh process (median of ${cold.analysisRuns}; "added" is over an`,
      'empty module):',
    ),
    markdownTable(
      ['Slice', 'Bundle KiB', 'Init', 'Added'],
      slices.map((sl) => [sl.slice, num(sl.bundleKiB, 0), ms(sl.initMs), ms(sl.addedMs)]),
    ),
    para(
      'Alone, a slice also pays for the Node built-ins it is first to load (`http`, `https`, `crypto`, ...),',
      'which inside a function the SDK has loaded already, so slices overlap and overstate what removing one',
      `would save. The what-if measures the tracer in place: \`${cold.analysed}\` bundled with the Powertools Tracer`,
      'and its middleware imported, and a Tracer constructed, at module initialisation',
      '(`bench/cold-start/message-with-tracer.ts`; with it come the X-Ray SDK, `cls-hooked` and `semver`;',
      `\`${cold.summary.largestOwnSlice}\` is the largest slice after the SDK). It initialises in ${ms(withTracer.initMs)} against`,
      `${ms(cold.whatIf.analysedMs)} as built: the Tracer at init costs ${tracerCost(cold)} of that cold start (median of`,
      `the paired, run-by-run differences). Importing it creates ${hooks(withTracer.asyncHooks)}; importing the function as`,
      `built creates ${hooks(cold.whatIf.analysedAsyncHooks)}.`,
      ...(analysedTiming === undefined
        ? []
        : [
            `The two bundles are within ${num(Math.abs(withTracer.bundleKiB - analysedTiming.bundleKiB), 1)} KiB of each other`,
            `(${num(analysedTiming.bundleKiB, 0)} KiB): the function carries the Tracer for \`SDK_TRACING=on\` and evaluates it only then.`,
          ]),
      'Leaving the SDK out of the bundle is worse, not better: the floor loading the SDK from `node_modules`',
      `takes ${ms(cold.whatIf.floorUnbundled.initMs)} against ${ms(cold.whatIf.floorMs)} bundled (${x(cold.whatIf.floorUnbundled.initMs / cold.whatIf.floorMs)}). The functions build their`,
      'clients on first invocation (the container is lazy), so their times include loading the SDK but not',
      "constructing the clients, which the floor does: if anything, the SDK's share is understated.",
    ),
    '### What the functions do about it',
    para(
      'The SDK stays bundled and minified, as `make build` does: it is most of every cold start, and it loads',
      'faster bundled than from `node_modules`. What is left to act on is how often a cold start happens and',
      'our own share of it.',
    ),
    bullets([
      [
        `**One function for the message routes.** The ${routes.length} WebSocket message routes (\`$default\` and one per`,
        `action) are served by ${served}${analysedTiming === undefined ? '' : ` (${num(analysedTiming.bundleKiB, 0)} KiB, ${ms(analysedTiming.initMs)} to initialise here)`};`,
        '`connect`, `disconnect`, the authorizer and the backend API keep functions of their own, where their',
        `permissions differ. Besides the authorizer that makes ${group.length} function${group.length === 1 ? '' : 's'} of ${span(sizes, (v) => num(v, 0))} KiB`,
        `taking ${span(inits, ms)} to initialise. A cold start of \`${cold.analysed}\` warms a container for every`,
        'message route, so a rarely used route (`whoami`, `presence`, `typing`, `history`) does not cold-start',
        'in a pool of its own, and provisioned concurrency, where the first message must not wait, is bought',
        'once instead of per route.',
      ].join(' '),
      [
        '**The Tracer off the cold path.** The Powertools Tracer loads only when `SDK_TRACING=on`, on the first',
        'invocation (`src/handlers/runtime/tracing.ts`). By default it is bundled but never evaluated, so the',
        `${tracerCost(cold)} the what-if measures stays out of every cold start, and so do`,
        'the async hooks its X-Ray SDK installs, which every promise of the process pays for at run time',
        '(benchmark 2).',
        "Lambda's own Active tracing records every invocation with no code in the function; `SDK_TRACING=on`",
        'adds a subsegment for each SDK call, at that price.',
      ].join(' '),
    ]),
    ...(others.length > 0
      ? [
          para(
            `Our other dependencies are not worth trimming for cold start: alone, ${others.map((sl) => `\`${sl.slice}\``).join(', ')} add`,
            `${ms(Math.max(...others.map((sl) => sl.addedMs)))} at most, each.`,
          ),
        ]
      : []),
  ];
}

type DeepPartial<T> = T extends readonly (infer U)[]
  ? readonly DeepPartial<U>[]
  : T extends object
    ? { readonly [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/** An earlier run's results.json (bench/before.json) as read from disk: any field may be missing. */
export type EarlierResults = DeepPartial<BenchResults> & {
  readonly coldStart?: {
    /**
     * Runs whose functions loaded the Powertools Tracer at init measured it with the opposite what-if, the
     * function with the Tracer taken out; these are that what-if's saving and its share.
     */
    readonly summary?: { readonly tracerSavingMs?: number; readonly tracerSavingShare?: number };
    readonly whatIf?: { readonly withoutTracer?: { readonly bundleKiB?: number } };
  };
};

/** An array, or none: an earlier run's file is not trusted to hold what this one does. */
const list = <T>(value: readonly T[] | undefined): readonly T[] => (Array.isArray(value) ? value : []);

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** A finite number, or undefined: an earlier run's file is not trusted to hold what this one does. */
const finite = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

function describeRun(run: {
  readonly date?: string;
  readonly profile?: string;
  readonly durationS?: number;
  readonly machine?: DeepPartial<Machine>;
}): string {
  const m: DeepPartial<Machine> = typeof run.machine === 'object' && run.machine !== null ? run.machine : {};
  const cpus = finite(m.cpus);
  const memory = finite(m.memoryGiB);
  const load = finite(m.loadAtStart);
  const duration = finite(run.durationS);
  const parts = [
    text(run.profile) === undefined ? undefined : `profile \`${run.profile}\``,
    duration === undefined ? undefined : `${int(duration)} s`,
    cpus === undefined
      ? undefined
      : `on ${cpus} cores${text(m.cpuModel) === undefined ? '' : ` (${m.cpuModel})`}`,
    memory === undefined ? undefined : `${num(memory, 1)} GiB of memory`,
    text(m.node) === undefined ? undefined : `Node.js ${m.node}`,
    text(m.os),
    load === undefined ? undefined : `load average ${num(load, 2)} at the start`,
  ].filter((p) => p !== undefined);
  return `${text(run.date)?.slice(0, 10) ?? 'undated'}${parts.length > 0 ? `, ${parts.join(', ')}` : ''}`;
}

/**
 * The functions of a cold-start run that served the WebSocket message routes: the run's own list when it
 * recorded one, else the functions named after a message route, one function per route as routes were
 * once served.
 */
function routeFunctionsOf(cold: EarlierResults['coldStart']): string[] | undefined {
  const recorded = list(cold?.messageRouteFunctions).filter(
    (name): name is string => typeof name === 'string',
  );
  if (recorded !== undefined && recorded.length > 0) return recorded;
  const routes = messageRoutes();
  const named = list(cold?.functions)
    .map((f) => f?.name)
    .filter(
      (name): name is string => name !== undefined && (routes.includes(name) || routes.includes(`$${name}`)),
    );
  return named.length > 0 ? named : undefined;
}

function routeFunctionsOverFloor(cold: EarlierResults['coldStart'], names: readonly string[] | undefined) {
  if (names === undefined) return undefined;
  const ratios = list(cold?.functions)
    .filter((f) => f?.name !== undefined && names.includes(f.name))
    .map((f) => finite(f?.ratioToFloor))
    .filter((r): r is number => r !== undefined);
  return ratios.length > 0 ? median(ratios) : undefined;
}

/** Before and after: an earlier run (bench/before.json) against this one, row by row where both measured. */
function beforeAfterSection(before: EarlierResults, now: BenchResults): string[] {
  const rows: string[][] = [];
  const add = (measure: string, b: unknown, n: unknown, format: (value: number) => string) => {
    const then = finite(b);
    const current = finite(n);
    if (then === undefined || current === undefined) return;
    rows.push([measure, format(then), format(current), x(ratio(current, then))]);
  };
  const count = (value: number) => int(value);

  // Cold start and the functions serving the message routes.
  const beforeCold = before.coldStart;
  const nowCold = now.coldStart;
  const beforeRouteFunctions = routeFunctionsOf(beforeCold);
  const nowRouteFunctions = nowCold?.messageRouteFunctions ?? messageRouteFunctions();
  add(
    `function bundles serving the ${messageRoutes().length} WebSocket message routes`,
    beforeRouteFunctions?.length,
    nowRouteFunctions.length,
    count,
  );
  if (nowCold !== undefined) {
    const chat = (fns: readonly ({ readonly name?: string } | undefined)[] | undefined) =>
      (fns ?? []).filter((f) => f?.name !== undefined && f.name !== 'authorizer').length;
    add(
      `cold start: median module init of the functions besides the authorizer (${chat(list(beforeCold?.functions))} before, ${chat(nowCold.functions)} now)`,
      beforeCold?.summary?.chatInitMedianMs,
      nowCold.summary.chatInitMedianMs,
      ms,
    );
    const floorShare = finite(beforeCold?.summary?.floorShare);
    add(
      'cold start: that median over the SDK-clients floor',
      floorShare === undefined ? undefined : 1 / floorShare,
      1 / nowCold.summary.floorShare,
      x,
    );
    add(
      'cold start: function(s) serving the message routes, init over the floor (median)',
      routeFunctionsOverFloor(beforeCold, beforeRouteFunctions),
      routeFunctionsOverFloor(nowCold, nowRouteFunctions),
      x,
    );
  }

  // Fan-out read: rooms of the same size, paged alike.
  const beforeRead = before.fanOutRead;
  if (now.fanOutRead !== undefined && beforeRead?.pageSize === now.fanOutRead.pageSize) {
    for (const row of now.fanOutRead.rows) {
      const then = list(beforeRead.rows).find(
        (r) => r?.members === row.members && r.tableItems === row.tableItems,
      );
      add(
        `fan-out read: Queries per broadcast, room of ${int(row.members)} (${now.fanOutRead.pageSize} a page)`,
        then?.ours?.requests,
        row.ours.requests,
        count,
      );
    }
  }

  // End to end: the same crowd at the same rate.
  const e2e = now.endToEnd;
  const beforeE2e = before.endToEnd;
  if (
    e2e !== undefined &&
    beforeE2e?.clients === e2e.clients &&
    beforeE2e.ratePerSecond === e2e.ratePerSecond
  ) {
    add(
      'end to end: DynamoDB requests per message',
      beforeE2e.perMessage?.dynamoRequests,
      e2e.perMessage.dynamoRequests,
      (v) => num(v, 2),
    );
    for (const p of ['p50', 'p95', 'p99'] as const) {
      add(`end to end: ${p} send to receive over the floor`, beforeE2e.ratios?.[p], e2e.ratios[p], x);
    }
  }

  // Fan-out time: the largest room, at the same latency and concurrency.
  const time = now.fanOutTime;
  const largest = time?.rows.at(-1);
  const beforeTime = before.fanOutTime;
  const then = list(beforeTime?.rows).find((r) => r?.members === largest?.members);
  // Runs with the opposite cold-start what-if are runs whose functions loaded the Tracer at init.
  const tracerWasAtInit = finite(beforeCold?.summary?.tracerSavingMs) !== undefined;
  if (
    time !== undefined &&
    largest !== undefined &&
    then !== undefined &&
    beforeTime?.latencyMs === time.latencyMs &&
    beforeTime.concurrency === time.concurrency
  ) {
    const label = `fan-out, ${int(largest.members)} clients`;
    add(`${label}: time over the ideal`, then.ours?.ratioToIdeal, largest.ours.ratioToIdeal, x);
    add(
      `${label}: sender CPU per 1,000 deliveries, Tracer not loaded in either run`,
      then.ours?.cpuMsPer1000,
      largest.ours.cpuMsPer1000,
      ms,
    );
    if (tracerWasAtInit) {
      const thenTraced = then.oursWithTracer?.cpuMsPer1000;
      add(
        `${label}: CPU per 1,000 deliveries with the Tracer as the functions load it (before: at init; now: not loaded)`,
        thenTraced,
        largest.ours.cpuMsPer1000,
        ms,
      );
      const thenAll = finite(then.promiseAll?.cpuMsPer1000);
      add(
        `${label}: the same over the Promise.all baseline's CPU`,
        thenAll === undefined ? undefined : ratio(finite(thenTraced) ?? Number.NaN, thenAll),
        ratio(largest.ours.cpuMsPer1000, largest.promiseAll.cpuMsPer1000),
        x,
      );
    }
  }

  // Cost: the same room priced.
  const cost = now.cost;
  const beforeCost = before.cost;
  if (cost !== undefined && beforeCost?.config?.members === cost.config.members) {
    const label = `cost per million messages, room of ${int(cost.config.members)}`;
    add(`${label}: ours`, beforeCost.totalOurs, cost.totalOurs, (v) => `$${v.toFixed(2)}`);
    add(`${label}: ours over the classic design`, beforeCost.ratio, cost.ratio, x);
  }

  const blocks = [
    '## Before and after',
    para(
      `**Before**: the run kept in \`bench/before.json\`, ${describeRun(before)}. **Now**: the last run, ${describeRun(now)}.`,
      'Both machines are shared, so compare the ratios; absolute times move with whatever else runs at the',
      'same time.',
      ...(before.profile !== undefined && before.profile !== now.profile
        ? [
            `The two runs are of different profiles (\`${before.profile}\` before, \`${now.profile}\` now): only what was`,
            'measured at the same sizes is compared.',
          ]
        : []),
    ),
    rows.length > 0
      ? markdownTable(['Measure', 'Before', 'Now', 'Now / before'], rows)
      : para('The two runs have nothing measured alike to compare.'),
  ];
  const thenCost = finite(beforeCold?.summary?.tracerSavingMs);
  const thenAnalysedKiB = finite(
    list(beforeCold?.functions).find((f) => f?.name === beforeCold?.analysed)?.bundleKiB,
  );
  const thenStrippedKiB = finite(beforeCold?.whatIf?.withoutTracer?.bundleKiB);
  const thenBundleSaved =
    thenAnalysedKiB === undefined || thenStrippedKiB === undefined
      ? undefined
      : thenAnalysedKiB - thenStrippedKiB;
  if (thenCost !== undefined && nowCold !== undefined) {
    blocks.push(
      para(
        'The Powertools Tracer: in the run before, the functions loaded it at init, and its what-if (the',
        `function with the Tracer taken out) put its cost at ${ms(thenCost)} (${pct(finite(beforeCold?.summary?.tracerSavingShare) ?? Number.NaN)} of the cold start). Now the`,
        'functions leave it unloaded unless `SDK_TRACING=on`, and the what-if that loads it at init puts its',
        `cost at ${tracerCost(nowCold)}.`,
        ...(thenBundleSaved === undefined
          ? []
          : [
              `The earlier what-if also took the Tracer's code out of the bundle (${num(thenBundleSaved, 0)} KiB less to load); the`,
              'functions still carry it, unevaluated, for `SDK_TRACING=on`.',
            ]),
      ),
    );
  }
  return blocks;
}

function capacitySection(capacity: NonNullable<BenchResults['emulatorCapacity']>): string[] {
  const side = (name: string, c: typeof capacity.emulator) => [
    name,
    int(c.idle.connections),
    num(c.idle.rssKiBPerConnection),
    num(c.idle.heapKiBPerConnection),
    int(c.relay.perSecond),
  ];
  return [
    '## 5. Emulator capacity',
    para(
      `The emulator held ${int(capacity.emulator.idle.connections)} idle connections; the server, the clients and the sender each`,
      "run in their own process, so the server's memory is its own (measured after full collections, before",
      `and after the connections opened). Relay: a sender posts ${int(capacity.emulator.relay.messages)} events to the @connections`,
      `API over plain keep-alive HTTP, ${capacity.emulator.relay.concurrency} in flight, round-robin over the connections, timed to the last`,
      "frame received (plain HTTP because the SDK's own cost per call would cap the rate first, see benchmark",
      '2). The floor is the bare `ws` server taking the same posts and writing each body to its socket.',
    ),
    markdownTable(
      ['', 'Connections', 'RSS KiB / connection', 'Heap KiB / connection', 'Posts relayed / s'],
      [side('emulator', capacity.emulator), side('floor', capacity.floor)],
    ),
    para(
      'The sender is one process on the same two cores, so the relay rates are what one sender gets through',
      'either server: they show the emulator keeping up with a bare server, not its ceiling.',
    ),
  ];
}

function costSection(cost: NonNullable<BenchResults['cost']>): string[] {
  const dollars = (n: number) => `$${n.toFixed(n >= 1 ? 2 : 4)}`;
  return [
    '## 6. Cost per million messages on AWS',
    para(
      `Prices as published for ${PRICES.region}, checked ${PRICES.checked}: API Gateway WebSocket`,
      `$${PRICES.apiGateway.perMillionMessages.toFixed(2)} per million messages (metered in 32 KB units) and`,
      `$${PRICES.apiGateway.perMillionConnectionMinutes.toFixed(2)} per million connection minutes; Lambda (${PRICES.lambda.architecture})`,
      `$${PRICES.lambda.perGbSecond} per GB-second and $${PRICES.lambda.perMillionRequests.toFixed(2)} per million requests; DynamoDB`,
      `on-demand $${PRICES.dynamoDb.perMillionWriteRequestUnits} per million write and $${PRICES.dynamoDb.perMillionReadRequestUnits} per million read request units.`,
      'They live in `bench/prices.ts`, with that date.',
    ),
    'Assumptions:',
    bullets(cost.assumptions.map((a) => `${a}.`)),
    markdownTable(
      ['Item', 'Ours / message', 'Classic / message', 'Ours per million', 'Classic per million'],
      [
        ...cost.lines.map((l) => [
          l.item,
          num(l.oursPerMessage, 4),
          num(l.baselinePerMessage, 4),
          dollars(l.ours),
          dollars(l.baseline),
        ]),
        ['**Total**', '', '', `**${dollars(cost.totalOurs)}**`, `**${dollars(cost.totalBaseline)}**`],
      ],
    ),
    para(
      'API Gateway messages are most of the bill in both designs and cost the same per delivery. The design',
      'shows in DynamoDB and Lambda: ours pays for storing the message, its sequence number and the rate limit,',
      'for the ack and for a bounded fan-out; the classic design pays for reading every connection of the',
      'service on every message, so its cost follows the whole service, not the room. With everything else as',
      `measured, the two cost the same when the classic table holds about ${int(cost.breakEvenConnections)} connections;`,
      'beyond that ours is cheaper, and its cost per message does not move.',
    ),
  ];
}

/**
 * docs/performance.md: what is measured, how to reproduce it, the last run's numbers (against an earlier
 * run's when one is given), the budgets.
 */
export function renderMarkdown(results: BenchResults, profile: Profile, before?: EarlierResults): string {
  const m = results.machine;
  const rows = resultRows(results);
  const blocks: string[] = [
    '# Performance',
    para(
      'What `make bench` measures, how to run it, the numbers of the last run and the budgets we hold',
      'ourselves to. Every benchmark runs our code against a **baseline** that does the same job the way the',
      'classic walkthroughs do (scan every connection, `Promise.all` over all of them) and, where one exists, a',
      '**floor**: the fastest this machine does the same work with no service logic. All of them run in the',
      'same session on the same machine, so read the **ratios**; absolute numbers belong to this machine.',
    ),
    '## Reproduce',
    [
      '```sh',
      'make bench    # build, run every benchmark, print the table, write bench/results.json and this file',
      'npx tsx bench/run.ts --profile smoke --out tmp/bench    # every benchmark at tiny sizes, as `make test` does',
      'npx tsx bench/run.ts --only fanOutRead,coldStart --out tmp/bench    # some of them',
      '```',
    ].join('\n'),
    para(
      `The full run takes about ${Math.max(1, Math.round(results.durationS / 60))} minutes on the machine below, plus \`make build\`. It needs Java 17+ for`,
      'DynamoDB Local, like the test suites, and only talks to loopback. Progress goes to stderr, the table to',
      'stdout. The harness is in `bench/` (sizes in `bench/profiles.ts`, prices in `bench/prices.ts`, budgets in',
      '`bench/budgets.ts`); `test/bench` runs it at the smoke size as part of `make test` and checks that it',
      'produces well-formed results, never how fast anything is. Only a whole `full` run writes',
      '`bench/results.json` and this file; a smoke or partial run without `--out` writes to `tmp/bench`.',
      'When `bench/before.json` holds an earlier run, this file compares the two.',
    ),
    '## Last run',
    para(
      `${results.date.slice(0, 10)}, profile \`${results.profile}\`, ${Math.round(results.durationS)} s, on ${m.cpus} cores (${m.cpuModel}),`,
      `${num(m.memoryGiB, 1)} GiB of memory, Node.js ${m.node}, ${m.os}. The 1-minute load average was`,
      `${num(m.loadAtStart, 2)} at the start: the machine is shared, and other work running at the same time shows in`,
      'absolute numbers more than in ratios.',
    ),
    markdownTable(
      COLUMNS.map(([, title]) => title),
      rows.map((row) => COLUMNS.map(([key]) => row[key])),
    ),
  ];
  if (before !== undefined) blocks.push(...beforeAfterSection(before, results));
  if (results.fanOutRead !== undefined) blocks.push(...readSection(results.fanOutRead));
  if (results.fanOutTime !== undefined) blocks.push(...timeSection(results.fanOutTime));
  if (results.endToEnd !== undefined) blocks.push(...endToEndSection(results.endToEnd));
  if (results.coldStart !== undefined) blocks.push(...coldStartSection(results.coldStart));
  if (results.emulatorCapacity !== undefined) blocks.push(...capacitySection(results.emulatorCapacity));
  if (results.cost !== undefined) blocks.push(...costSection(results.cost));
  blocks.push(
    '## Budgets',
    para(
      'What we hold ourselves to, as ratios where possible so that they mean the same on any machine. Each run',
      'reports every budget as met or not; a miss is something to explain, and `make bench` prints which.',
    ),
    markdownTable(
      ['Budget', 'Limit', 'Last run', 'Met'],
      results.budgets.map((b) => [b.what, b.limit, num(b.value, 2), b.ok ? 'yes' : '**no**']),
    ),
    `## Sizes (profile \`${profile.name}\`)`,
    bullets([
      `fan-out read: ${profile.fanOutRead.rooms} rooms of ${profile.fanOutRead.sizes.map(int).join(', ')} members, ${profile.fanOutRead.pageSize} a page`,
      `fan-out time: ${profile.fanOutTime.sizes.map(int).join(', ')} clients, ${profile.fanOutTime.latencyMs} ms per call, concurrency ${profile.fanOutTime.concurrency}, sequential sample ${profile.fanOutTime.sequentialSample}`,
      `end to end: ${profile.endToEnd.clients} clients, ${int(profile.endToEnd.messages)} messages at ${profile.endToEnd.ratePerSecond} a second (floor ${int(profile.endToEnd.floorMessages)})`,
      `cold start: ${profile.coldStart.runs} processes per function, ${profile.coldStart.analysisRuns} per slice and what-if`,
      `emulator: ${int(profile.capacity.connections)} connections, ${int(profile.capacity.relayMessages)} posts relayed, ${profile.capacity.relayConcurrency} in flight`,
    ]),
  );
  return `${blocks.join('\n\n')}\n`;
}
