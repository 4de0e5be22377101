// Benchmark 8, fairness: another user's ping round trip while one room floods, over the same ping with
// the stack idle, and one answer per send. The measurement is bench/measure/fairness.ts.

import { problemList, row, type Benchmark } from '../benchmark.js';
import { duration, times, wholeNumber } from '../format.js';
import { markdownTable } from '../markdown.js';
import {
  runFairness,
  type FairnessConfig,
  type FairnessResult,
  type PingSummary,
} from '../measure/fairness.js';

/** The most another user's ping may slow down while a room floods (p50 over p50). */
const PING_RATIO_LIMIT = 3;

const deliveries = (config: FairnessConfig) =>
  config.senders * config.messagesEach * (config.listeners + config.senders);

const pingCells = (name: string, ping: PingSummary) => [
  name,
  wholeNumber(ping.count),
  duration(ping.p50),
  duration(ping.p95),
  duration(ping.max),
];

const answerList = (result: FairnessResult) =>
  Object.entries(result.flood.answers)
    .map(([kind, count]) => `${wholeNumber(count)} \`${kind}\``)
    .join(', ');

export const fairness: Benchmark<FairnessConfig, FairnessResult> = {
  name: 'fairness',
  templateName: 'fairness',
  sizes: {
    // The report's load: 220 connections in one room, 20 senders sending 20 messages each at once.
    full: {
      listeners: 200,
      senders: 20,
      messagesEach: 20,
      idlePings: 50,
      busyPingMs: 20_000,
      timeoutMs: 300_000,
      settleMs: 5_000,
    },
    smoke: {
      listeners: 10,
      senders: 3,
      messagesEach: 3,
      idlePings: 5,
      busyPingMs: 300,
      timeoutMs: 60_000,
      settleMs: 200,
    },
  },
  describeSizes: (config) =>
    `fairness: ${config.listeners + config.senders} connections in one room, ${config.senders} senders x ${config.messagesEach} messages at once (${wholeNumber(deliveries(config))} deliveries), a bystander pinging`,
  shares: { devStack: true },

  async run(context, config) {
    const { stack } = await context.devStack();
    return runFairness(stack, config, context.log);
  },

  check(result) {
    const { problems, expect } = problemList();
    const { flood } = result;
    expect(
      flood.deliveries === flood.expectedDeliveries,
      `fairness: ${flood.deliveries} of ${flood.expectedDeliveries} deliveries`,
    );
    const answeredOnce = Object.entries(flood.answers)
      .filter(([kind]) => !kind.includes('+') && kind !== 'none')
      .reduce((sum, [, count]) => sum + count, 0);
    expect(answeredOnce === flood.requests, `fairness: one answer per send (${answerList(result)})`);
    expect(flood.gatewayErrors === 0, `fairness: ${flood.gatewayErrors} gateway error frames`);
    expect(result.idle.count > 0 && result.busy.count > 0, 'fairness: pings timed');
    return problems;
  },

  budgets: [
    {
      id: 'fairness-ping-p50',
      what: "fairness: another user's ping p50 while a room floods, over idle",
      limit: `<= ${PING_RATIO_LIMIT}`,
      value: (result) => result.ratios.p50,
      isMet: (value) => value <= PING_RATIO_LIMIT,
    },
  ],

  rows: (result) =>
    (['p50', 'p95'] as const).map((percentile) =>
      row({
        bench: '8 fairness',
        measure: `another user's ping during ${wholeNumber(deliveries(result))} deliveries: ${percentile}`,
        ours: duration(result.busy[percentile]),
        floor: duration(result.idle[percentile]),
        vsFloor: times(result.ratios[percentile]),
      }),
    ),

  section: (result) => ({
    listeners: wholeNumber(result.listeners),
    senders: wholeNumber(result.senders),
    members: wholeNumber(result.listeners + result.senders),
    messagesEach: wholeNumber(result.messagesEach),
    requests: wholeNumber(result.flood.requests),
    deliveries: wholeNumber(result.flood.expectedDeliveries),
    delivered: wholeNumber(result.flood.deliveries),
    floodTime: duration(result.flood.ms),
    busyPingTime: duration(result.busyPingMs),
    settle: duration(result.settleMs),
    answers: answerList(result),
    gatewayErrors: wholeNumber(result.flood.gatewayErrors),
    limit: String(PING_RATIO_LIMIT),
    table: markdownTable(
      ['ping', 'count', 'p50', 'p95', 'max'],
      [
        pingCells('idle', result.idle),
        pingCells('while the room floods', result.busy),
        ['flooding / idle', '', times(result.ratios.p50), times(result.ratios.p95), ''],
      ],
    ),
  }),

  comparable: (before, now) =>
    before.listeners === now.listeners &&
    before.senders === now.senders &&
    before.messagesEach === now.messagesEach,
  comparisons: () => [
    {
      measure: "fairness: another user's ping p50 while a room floods, over idle",
      value: (result: FairnessResult) => result.ratios.p50,
      format: times,
    },
  ],
};
