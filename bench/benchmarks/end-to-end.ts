// Benchmark 3, end-to-end latency and what one message costs: clients on the shared local stack against
// three floors (a bare `ws` server doing the same fan-out; the same storing each message; and a function
// on the emulator storing each message and posting through the same @connections client). The
// measurement is bench/measure.

import { ROUTE_TABLE } from '../../src/handlers/route-table.js';
import { problemList, row, type Benchmark } from '../benchmark.js';
import { decimal, duration, times, wholeNumber } from '../format.js';
import { ratio } from '../lib/stats.js';
import { markdownTable } from '../markdown.js';
import {
  runEndToEnd,
  type EndToEndConfig,
  type EndToEndResult,
  type LatencySummary,
} from '../measure/end-to-end.js';

const PERCENTILES = ['p50', 'p95', 'p99'] as const;

const latencyCells = (name: string, latency: LatencySummary) => [
  name,
  ...PERCENTILES.map((percentile) => duration(latency[percentile])),
  duration(latency.max),
  `${wholeNumber(latency.received)} of ${wholeNumber(latency.expected)}`,
];

export const endToEnd: Benchmark<EndToEndConfig, EndToEndResult> = {
  name: 'endToEnd',
  templateName: 'end-to-end',
  sizes: {
    // 5 a second: the local stack (DynamoDB Local, the emulator and the handlers on two cores) keeps up
    // with 100 deliveries per message at that rate and falls behind at 8. The floor needs no more than
    // 200 messages at the same rate for steady percentiles, which keeps the run within its budget.
    full: { clients: 100, messages: 1_000, ratePerSecond: 5, warmup: 20, floorMessages: 200 },
    smoke: { clients: 5, messages: 20, ratePerSecond: 20, warmup: 2, floorMessages: 20 },
  },
  describeSizes: (config) =>
    `end to end: ${config.clients} clients, ${wholeNumber(config.messages)} messages at ${config.ratePerSecond} a second (floor ${wholeNumber(config.floorMessages)})`,
  shares: { devStack: true },

  async run(context, config) {
    const { stack, handlerTimes } = await context.devStack();
    return runEndToEnd(stack, handlerTimes, config, context.log);
  },

  check(result) {
    const { problems, expect } = problemList();
    const sides = {
      ours: result.ours,
      floor: result.floor,
      durableFloor: result.durableFloor,
      connectionsFloor: result.connectionsFloor,
    };
    expect(sides.connectionsFloor !== undefined, 'endToEnd: the @connections floor measured');
    for (const [name, side] of Object.entries(sides)) {
      if (side === undefined) continue;
      expect(
        side.received === side.expected,
        `endToEnd ${name}: ${side.received} of ${side.expected} deliveries`,
      );
      expect(
        side.p50 > 0 && side.p50 <= side.p95 && side.p95 <= side.p99,
        `endToEnd ${name}: percentiles ordered`,
      );
    }
    expect(result.perMessage.dynamoRequests > 0, 'endToEnd: DynamoDB requests counted');
    // At smoke size messages are too close together to split every one apart: only require some.
    expect(result.criticalPath.messages > 0, 'endToEnd: critical path of the sends measured');
    expect(result.perMessage.billableMessages >= result.clients, 'endToEnd: billable messages counted');
    return problems;
  },

  budgets: [
    {
      id: 'e2e-p50',
      what: 'end to end: p50 send-to-receive over the bare ws floor',
      // The floor answers in a few milliseconds, so a millisecond of noise there moves this ratio a lot.
      limit: '<= 40',
      value: (result) => result.ratios.p50,
      isMet: (value) => value <= 40,
    },
    {
      id: 'e2e-critical-path',
      what: 'end to end: requests one after another before the first member delivery (median)',
      limit: '<= 3',
      value: (result) => result.criticalPath?.median,
      isMet: (value) => value <= 3,
    },
    {
      id: 'e2e-durable-p50',
      what: 'end to end: p50 send-to-receive over the durable floor (one PutItem per message)',
      limit: '<= 2',
      value: (result) => result.durableRatios?.p50,
      isMet: (value) => value <= 2,
    },
    {
      id: 'e2e-durable-p99',
      what: 'end to end: p99 send-to-receive over the durable floor (one PutItem per message)',
      limit: '<= 2',
      value: (result) => result.durableRatios?.p99,
      isMet: (value) => value <= 2,
    },
    {
      id: 'e2e-first-delivery-p50',
      what: 'end to end: p50 send to first member delivery over the durable floor',
      // A guard, not the goal: three requests where the floor makes one put it near 3x at best (section 3).
      limit: '<= 5',
      value: (result) => result.firstDeliveryRatios?.p50,
      isMet: (value) => value <= 5,
    },
    {
      id: 'e2e-connections-p50',
      what: 'end to end: p50 send-to-receive over the @connections floor (same delivery path, no checks)',
      // A guard on what the service's own logic adds; the delivery path is the floor's too.
      limit: '<= 2',
      value: (result) => result.connectionsRatios?.p50,
      isMet: (value) => value <= 2,
    },
    {
      id: 'e2e-connections-p99',
      what: 'end to end: p99 send-to-receive over the @connections floor (same delivery path, no checks)',
      limit: '<= 2',
      value: (result) => result.connectionsRatios?.p99,
      isMet: (value) => value <= 2,
    },
    {
      id: 'e2e-p99',
      what: 'end to end: p99 send-to-receive over the bare ws floor',
      limit: '<= 80',
      value: (result) => result.ratios.p99,
      isMet: (value) => value <= 80,
    },
  ],

  rows: (result) => [
    ...(result.firstDeliveryRatios === undefined
      ? []
      : (['p50', 'p99'] as const).map((percentile) =>
          row({
            bench: '3 end to end',
            measure: `${percentile} send to first member delivery, durable floor`,
            ours: duration(result.ours.firstDelivery[percentile]),
            floor: duration(result.durableFloor.firstDelivery[percentile]),
            vsFloor: times(result.firstDeliveryRatios?.[percentile] ?? Number.NaN),
          }),
        )),
    ...PERCENTILES.map((percentile) =>
      row({
        bench: '3 end to end',
        measure: `${result.clients} clients, ${wholeNumber(result.messages)} msgs at ${result.ratePerSecond}/s: ${percentile} send to receive`,
        ours: duration(result.ours[percentile]),
        floor: duration(result.floor[percentile]),
        vsFloor: times(result.ratios[percentile]),
      }),
    ),
    ...PERCENTILES.map((percentile) =>
      row({
        bench: '3 end to end',
        measure: `${percentile} send to receive, durable floor (one PutItem a message)`,
        ours: duration(result.ours[percentile]),
        floor: duration(result.durableFloor[percentile]),
        vsFloor: times(result.durableRatios[percentile]),
      }),
    ),
    ...connectionsRows(result),
    row({
      bench: '3 end to end',
      measure: 'requests one after another before the first member delivery (median)',
      ours: decimal(result.criticalPath.median, 0),
      floor: '1',
      vsFloor: times(result.criticalPath.median),
    }),
  ],

  section(result) {
    const perMessage = result.perMessage;
    const connectionsRatios = result.connectionsRatios;
    return {
      clients: String(result.clients),
      messages: wholeNumber(result.messages),
      ratePerSecond: String(result.ratePerSecond),
      warmup: String(result.warmup),
      floorMessages: wholeNumber(result.floorMessages),
      table: markdownTable(
        ['', 'p50', 'p95', 'p99', 'max', 'deliveries'],
        [
          latencyCells('ours', result.ours),
          latencyCells('floor', result.floor),
          latencyCells('durable floor', result.durableFloor),
          ...(result.connectionsFloor === undefined
            ? []
            : [latencyCells('@connections floor', result.connectionsFloor)]),
          ['ours / floor', ...PERCENTILES.map((percentile) => times(result.ratios[percentile])), '', ''],
          [
            'ours / durable floor',
            ...PERCENTILES.map((percentile) => times(result.durableRatios[percentile])),
            '',
            '',
          ],
          ...(connectionsRatios === undefined
            ? []
            : [
                [
                  'ours / @connections floor',
                  ...PERCENTILES.map((percentile) => times(connectionsRatios[percentile])),
                  '',
                  '',
                ],
              ]),
        ],
      ),
      firstDeliveryTable:
        result.firstDeliveryRatios === undefined
          ? undefined
          : markdownTable(
              ['first delivery of each message', 'p50', 'p99', 'then its median delivery, p50'],
              [
                ...Object.entries({
                  ours: result.ours,
                  floor: result.floor,
                  'durable floor': result.durableFloor,
                  ...(result.connectionsFloor === undefined
                    ? {}
                    : { '@connections floor': result.connectionsFloor }),
                }).map(([name, side]) => [
                  name,
                  duration(side.firstDelivery.p50),
                  duration(side.firstDelivery.p99),
                  side.medianAfterFirst === undefined ? '-' : `${duration(side.medianAfterFirst.p50)} later`,
                ]),
                [
                  'ours / durable floor',
                  times(result.firstDeliveryRatios.p50),
                  times(result.firstDeliveryRatios.p99),
                  '',
                ],
              ],
            ),
      firstDeliveryLeastRatio:
        result.firstDeliveryLeastRatio === undefined ? undefined : times(result.firstDeliveryLeastRatio),
      firstDeliveryP50: duration(result.ours.firstDelivery?.p50 ?? Number.NaN),
      durableFirstDeliveryP50: duration(result.durableFloor.firstDelivery?.p50 ?? Number.NaN),
      bareFirstDeliveryP50: duration(result.floor.firstDelivery?.p50 ?? Number.NaN),
      afterFirstP50:
        result.ours.medianAfterFirst === undefined ? undefined : duration(result.ours.medianAfterFirst.p50),
      durableAfterFirstP50:
        result.durableFloor.medianAfterFirst === undefined
          ? undefined
          : duration(result.durableFloor.medianAfterFirst.p50),
      durableP50: duration(result.durableFloor.p50),
      durableP50Twice: duration(2 * result.durableFloor.p50),
      halfRoom: wholeNumber(Math.floor(result.clients / 2)),
      connectionsP50:
        result.connectionsFloor === undefined ? undefined : duration(result.connectionsFloor.p50),
      connectionsP50Ratio:
        result.connectionsRatios === undefined ? undefined : times(result.connectionsRatios.p50),
      connectionsP99Ratio:
        result.connectionsRatios === undefined ? undefined : times(result.connectionsRatios.p99),
      connectionsFirstDeliveryRatio:
        result.connectionsRatios === undefined ? undefined : times(result.connectionsRatios.firstDeliveryP50),
      connectionsOverDurableP50:
        result.connectionsFloor === undefined
          ? undefined
          : times(ratio(result.connectionsFloor.p50, result.durableFloor.p50)),
      connectionsOverDurableP99:
        result.connectionsFloor === undefined
          ? undefined
          : times(ratio(result.connectionsFloor.p99, result.durableFloor.p99)),
      connectionsAfterFirstP50:
        result.connectionsFloor?.medianAfterFirst === undefined
          ? undefined
          : duration(result.connectionsFloor.medianAfterFirst.p50),
      dynamoRequests: decimal(perMessage.dynamoRequests, 2),
      dynamoByCommand: Object.entries(perMessage.dynamoByCommand)
        .map(([command, count]) => `${command} ${decimal(count, 2)}`)
        .join(', '),
      readUnits: decimal(perMessage.readUnits ?? Number.NaN, 2),
      writeUnits: decimal(perMessage.writeUnits ?? Number.NaN, 2),
      billableMessages: decimal(perMessage.billableMessages, 1),
      messagesIn: decimal(perMessage.messagesIn, 1),
      messagesOut: decimal(perMessage.messagesOut, 1),
      sendMessageFunction: ROUTE_TABLE.routes['sendMessage'] ?? 'sendMessage',
      handlerMsMedian: duration(perMessage.handlerMsMedian),
      handlerMsP95: duration(perMessage.handlerMsP95),
      criticalPathMedian: decimal(result.criticalPath.median, 0),
      criticalPathMax: decimal(result.criticalPath.max, 0),
      criticalPathMessages: wholeNumber(result.criticalPath.messages),
      criticalPathChain: result.criticalPath.chain.map((call) => `\`${call}\``).join(' → '),
      criticalPathTimes:
        result.criticalPath.chainMsMedian === undefined || result.criticalPath.spanMsMedian === undefined
          ? undefined
          : `${duration(result.criticalPath.chainMsMedian)} inside the chain's requests (${(result.criticalPath.linkMsMedians ?? []).map((ms) => duration(ms)).join(', ')}), of ${duration(result.criticalPath.spanMsMedian)} from a message's first request to its first member delivery (medians); the first round trip ran ${decimal(result.criticalPath.firstStageWidthMedian ?? Number.NaN, 0)} requests at once`,
    };
  },

  // The same crowd at the same rate.
  comparable: (before, now) => before.clients === now.clients && before.ratePerSecond === now.ratePerSecond,
  comparisons: () => [
    {
      measure: 'end to end: DynamoDB requests per message',
      value: (result: EndToEndResult) => result.perMessage.dynamoRequests,
      format: (value: number) => decimal(value, 2),
    },
    {
      measure: 'end to end: p50 send to first member delivery over the durable floor',
      value: (result: EndToEndResult) => result.firstDeliveryRatios?.p50,
      format: times,
    },
    {
      measure: 'end to end: requests one after another before the first member delivery',
      value: (result: EndToEndResult) => result.criticalPath?.median,
      format: (value: number) => decimal(value, 0),
    },
    ...PERCENTILES.map((percentile) => ({
      measure: `end to end: ${percentile} send to receive over the durable floor`,
      value: (result: EndToEndResult) => result.durableRatios?.[percentile],
      format: times,
    })),
    ...PERCENTILES.map((percentile) => ({
      measure: `end to end: ${percentile} send to receive over the floor`,
      value: (result: EndToEndResult) => result.ratios[percentile],
      format: times,
    })),
  ],
};

/** The rows against the @connections floor, in runs that measured it. */
function connectionsRows(result: EndToEndResult) {
  const floor = result.connectionsFloor;
  const ratios = result.connectionsRatios;
  if (floor === undefined || ratios === undefined) return [];
  return [
    ...(['p50', 'p99'] as const).map((percentile) =>
      row({
        bench: '3 end to end',
        measure: `${percentile} send to receive, @connections floor (same delivery path)`,
        ours: duration(result.ours[percentile]),
        floor: duration(floor[percentile]),
        vsFloor: times(ratios[percentile]),
      }),
    ),
    row({
      bench: '3 end to end',
      measure: 'p50 send to first member delivery, @connections floor',
      ours: duration(result.ours.firstDelivery.p50),
      floor: duration(floor.firstDelivery.p50),
      vsFloor: times(ratios.firstDeliveryP50),
    }),
  ];
}
