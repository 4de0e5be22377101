// Benchmark 8, fairness: another user's ping round trip while one room floods, over the same ping with
// the stack idle, and one answer per send; under many users' load, and under the reported abuse with the
// shipped limits. The measurement is bench/measure/fairness.ts.

import { problemList, row, type Benchmark } from '../benchmark.js';
import { duration, times, wholeNumber } from '../format.js';
import { markdownTable } from '../markdown.js';
import {
  runFairness,
  type FairnessConfig,
  type FairnessResult,
  type PingSummary,
} from '../measure/fairness.js';
import type { FloodReply } from '../lib/swarm.js';

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

const answerList = (flood: FloodReply) =>
  Object.entries(flood.answers)
    .map(([kind, count]) => `${wholeNumber(count)} \`${kind}\``)
    .join(', ');

/** One answer per send, every accepted send delivered to every connection, no gateway error frame. */
function floodProblems(name: string, flood: FloodReply, expect: (ok: boolean, problem: string) => void) {
  expect(
    flood.deliveries === flood.expectedDeliveries,
    `${name}: ${flood.deliveries} of ${flood.expectedDeliveries} deliveries`,
  );
  const answeredOnce = Object.entries(flood.answers)
    .filter(([kind]) => !kind.includes('+') && kind !== 'none')
    .reduce((sum, [, count]) => sum + count, 0);
  expect(answeredOnce === flood.requests, `${name}: one answer per send (${answerList(flood)})`);
  expect(flood.gatewayErrors === 0, `${name}: ${flood.gatewayErrors} gateway error frames`);
}

export const fairness: Benchmark<FairnessConfig, FairnessResult> = {
  name: 'fairness',
  templateName: 'fairness',
  sizes: {
    // The report's load: 220 connections in one room, 20 senders sending 20 messages each at once.
    full: {
      listeners: 200,
      senders: 20,
      messagesEach: 20,
      idlePings: 40,
      pingIntervalMs: 200,
      busyPingMs: 20_000,
      timeoutMs: 300_000,
      settleMs: 5_000,
      // The report's abuse: 200 connections of one user in the room, 20 of another sending 20 each.
      abuse: { listenerConnections: 200, senderConnections: 20, messagesEach: 20, busyPingMs: 4_000 },
    },
    smoke: {
      listeners: 10,
      senders: 3,
      messagesEach: 3,
      idlePings: 5,
      pingIntervalMs: 200,
      busyPingMs: 300,
      timeoutMs: 60_000,
      settleMs: 200,
      abuse: { listenerConnections: 25, senderConnections: 3, messagesEach: 25, busyPingMs: 300 },
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
    floodProblems('fairness', result.flood, expect);
    // Many users, each inside every limit: every send is accepted.
    expect(
      result.flood.expectedDeliveries === deliveries(result),
      `fairness: sends refused under many users' load (${answerList(result.flood)})`,
    );
    floodProblems('fairness, abuse', result.abuseResult.flood, expect);
    expect(
      result.idle.count > 0 && result.busy.count > 0 && result.abuseResult.busy.count > 0,
      'fairness: pings timed',
    );
    const refused = result.idle.refused + result.busy.refused + result.abuseResult.busy.refused;
    expect(
      refused === 0,
      `fairness: ${refused} of the bystander's pings refused (its pace must stay inside its limit)`,
    );
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
    {
      id: 'fairness-abuse-ping-p50',
      what: "fairness: another user's ping p50 during the reported abuse (shipped limits), over idle",
      limit: `<= ${PING_RATIO_LIMIT}`,
      value: (result) => result.abuseResult.ratios.p50,
      isMet: (value) => value <= PING_RATIO_LIMIT,
    },
  ],

  rows: (result) => [
    ...(['p50', 'p95'] as const).map((percentile) =>
      row({
        bench: '8 fairness',
        measure: `another user's ping during ${wholeNumber(deliveries(result))} deliveries: ${percentile}`,
        ours: duration(result.busy[percentile]),
        floor: duration(result.idle[percentile]),
        vsFloor: times(result.ratios[percentile]),
      }),
    ),
    row({
      bench: '8 fairness',
      measure: `another user's ping during the reported abuse (shipped limits): p50`,
      ours: duration(result.abuseResult.busy.p50),
      floor: duration(result.idle.p50),
      vsFloor: times(result.abuseResult.ratios.p50),
    }),
  ],

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
    answers: answerList(result.flood),
    gatewayErrors: wholeNumber(result.flood.gatewayErrors),
    pingInterval: duration(result.pingIntervalMs),
    abuseListeners: wholeNumber(result.abuse.listenerConnections),
    abuseListenersOpened: wholeNumber(result.abuseResult.listeners.opened),
    abuseSenders: wholeNumber(result.abuse.senderConnections),
    abuseSendersOpened: wholeNumber(result.abuseResult.senders.opened),
    abuseMessagesEach: wholeNumber(result.abuse.messagesEach),
    abuseRequests: wholeNumber(result.abuseResult.flood.requests),
    abuseAnswers: answerList(result.abuseResult.flood),
    abuseDelivered: wholeNumber(result.abuseResult.flood.deliveries),
    abuseFloodTime: duration(result.abuseResult.flood.ms),
    abusePingTime: duration(result.abuse.busyPingMs),
    abuseGatewayErrors: wholeNumber(result.abuseResult.flood.gatewayErrors),
    limit: String(PING_RATIO_LIMIT),
    table: markdownTable(
      ['ping', 'count', 'p50', 'p95', 'max'],
      [
        pingCells('idle', result.idle),
        pingCells('while the room floods (many users)', result.busy),
        ['flooding / idle', '', times(result.ratios.p50), times(result.ratios.p95), ''],
        pingCells('during the reported abuse (two users)', result.abuseResult.busy),
        ['abuse / idle', '', times(result.abuseResult.ratios.p50), times(result.abuseResult.ratios.p95), ''],
      ],
    ),
  }),

  comparable: (before, now) =>
    before.pingIntervalMs === now.pingIntervalMs &&
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
