// Benchmark 2, fan-out time and memory: one event to N live clients on the shared emulator crowd, ours
// (PagedFanOut) against Promise.all and sequential delivery. The measurement is bench/measure.

import { DEFAULT_CHAT_POLICY } from '../../src/domain/index.js';
import { problemList, row, type Benchmark } from '../benchmark.js';
import { decimal, duration, mebibytes, times, wholeNumber } from '../format.js';
import { markdownTable } from '../markdown.js';
import {
  runFanOutTime,
  type FanOutTimeConfig,
  type FanOutTimeResult,
  type FanOutTimeRow,
} from '../measure/fan-out-time.js';

const largestRoom = (result: FanOutTimeResult) => result.rows.at(-1);

/** The row of the room as large as `now`'s largest, in either run. */
const sameRoom = (result: FanOutTimeResult, members: number): FanOutTimeRow | undefined =>
  result.rows.find((measured) => measured.members === members);

export const fanOutTime: Benchmark<FanOutTimeConfig, FanOutTimeResult> = {
  name: 'fanOutTime',
  templateName: 'fan-out-time',
  sizes: {
    full: {
      // 100 as well: the room the cost model prices.
      sizes: [100, 1_000, 5_000],
      latencyMs: 20,
      concurrency: DEFAULT_CHAT_POLICY.fanOutConcurrency,
      pageSize: DEFAULT_CHAT_POLICY.membersPageSize,
      sequentialSample: 200,
    },
    smoke: { sizes: [20], latencyMs: 5, concurrency: 4, pageSize: 8, sequentialSample: 5 },
  },
  describeSizes: (config) =>
    `fan-out time: ${config.sizes.map(wholeNumber).join(', ')} clients, ${config.latencyMs} ms per call, concurrency ${config.concurrency}, sequential sample ${config.sequentialSample}`,
  shares: { emulatorConnections: (config) => Math.max(...config.sizes) },

  async run(context, config) {
    const crowd = await context.emulatorCrowd();
    await crowd.server.setLatency(config.latencyMs);
    try {
      return await runFanOutTime(crowd, config, context.log);
    } finally {
      await crowd.server.setLatency(0);
    }
  },

  check(result, config) {
    const { problems, expect } = problemList();
    expect(result.rows.length === config.sizes.length, 'fanOutTime: one row per size');
    for (const measured of result.rows) {
      const strategies = {
        ours: measured.ours,
        promiseAll: measured.promiseAll,
        sequential: measured.sequential,
      };
      for (const [strategy, timing] of Object.entries(strategies)) {
        const label = `fanOutTime ${measured.members} ${strategy}`;
        expect(timing.received === timing.timed, `${label}: every frame arrived`);
        expect(timing.ms > 0 && timing.idealMs > 0, `${label}: timed`);
      }
    }
    return problems;
  },

  budgets: [
    {
      id: 'fan-out-vs-ideal',
      what: 'fan-out time: ours over ceil(N / concurrency) x latency, largest room',
      limit: '<= 2.5 (two shared cores: the sender is CPU-bound)',
      value: (result) => largestRoom(result)?.ours.ratioToIdeal,
      isMet: (value) => value <= 2.5,
    },
    {
      id: 'fan-out-vs-promise-all',
      what: 'fan-out time: ours over the Promise.all baseline, largest room',
      limit: '<= 1.25',
      value: (result) => {
        const largest = largestRoom(result);
        return largest === undefined ? undefined : largest.ours.ms / largest.promiseAll.ms;
      },
      isMet: (value) => value <= 1.25,
    },
    {
      id: 'fan-out-memory',
      what: 'fan-out memory: ours peak heap growth over the Promise.all baseline, largest room',
      limit: '<= 0.5',
      value: (result) => {
        const largest = largestRoom(result);
        return largest === undefined
          ? undefined
          : Math.max(0, largest.ours.memory.heapMiB) / Math.max(0.1, largest.promiseAll.memory.heapMiB);
      },
      isMet: (value) => value <= 0.5,
    },
  ],

  rows(result) {
    const rows = result.rows.map((measured) =>
      row({
        bench: '2 fan-out time',
        measure: `${wholeNumber(measured.members)} clients, ${result.latencyMs} ms/call: send to last delivery (sequential scaled)`,
        ours: duration(measured.ours.ms),
        baseline: `${duration(measured.promiseAll.ms)}; seq ${duration(measured.sequential.ms)}`,
        floor: `ideal ${duration(measured.ours.idealMs)}`,
        vsBaseline: times(measured.ours.ms / measured.promiseAll.ms),
        vsFloor: times(measured.ours.ratioToIdeal),
      }),
    );
    const largest = largestRoom(result);
    if (largest !== undefined) {
      const { ours, promiseAll } = largest;
      rows.push(
        row({
          bench: '2 fan-out memory',
          measure: `${wholeNumber(largest.members)} clients: peak heap (RSS) growth of the sender`,
          ours: `${mebibytes(ours.memory.heapMiB)} (${mebibytes(ours.memory.rssMiB)})`,
          baseline: `${mebibytes(promiseAll.memory.heapMiB)} (${mebibytes(promiseAll.memory.rssMiB)})`,
          vsBaseline: times(ours.memory.heapMiB / promiseAll.memory.heapMiB),
        }),
      );
    }
    return rows;
  },

  section(result) {
    const largest = largestRoom(result);
    const traced = largest?.oursWithTracer;
    return {
      latencyMs: String(result.latencyMs),
      concurrency: String(result.concurrency),
      policyDefault:
        result.concurrency === DEFAULT_CHAT_POLICY.fanOutConcurrency ? ', the policy default' : '',
      pageSize: String(result.pageSize),
      sdkDefaultMaxSockets: String(result.sdkDefaultMaxSockets),
      sequentialSample: String(result.sequentialSample),
      table: markdownTable(
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
        result.rows.map((measured) => [
          wholeNumber(measured.members),
          duration(measured.ours.ms),
          `${duration(measured.ours.idealMs)} (${times(measured.ours.ratioToIdeal)})`,
          duration(measured.promiseAll.ms),
          `${duration(measured.promiseAll.idealMs)} (${times(measured.promiseAll.ratioToIdeal)})`,
          duration(measured.sequential.ms),
          `${mebibytes(measured.ours.memory.heapMiB)} / ${mebibytes(measured.ours.memory.rssMiB)}`,
          `${mebibytes(measured.promiseAll.memory.heapMiB)} / ${mebibytes(measured.promiseAll.memory.rssMiB)}`,
          `${duration(measured.ours.cpuMsPer1000)} / ${duration(measured.promiseAll.cpuMsPer1000)}`,
        ]),
      ),
      largest: largest === undefined ? undefined : '',
      largestMembers: largest === undefined ? undefined : wholeNumber(largest.members),
      largestTimeOverBaseline:
        largest === undefined ? undefined : times(largest.ours.ms / largest.promiseAll.ms),
      largestHeapOverBaseline:
        largest === undefined
          ? undefined
          : times(largest.ours.memory.heapMiB / largest.promiseAll.memory.heapMiB),
      cpuPerDelivery: largest === undefined ? undefined : decimal(largest.ours.cpuMsPer1000 / 1_000, 2),
      cpuForAll:
        largest === undefined ? undefined : duration(largest.ours.cpuMsPer1000 * (largest.members / 1_000)),
      traced: traced === undefined ? undefined : '',
      tracedCpu: traced === undefined ? undefined : duration(traced.cpuMsPer1000),
      untracedCpu: largest === undefined ? undefined : duration(largest.ours.cpuMsPer1000),
      tracedCpuRatio:
        traced === undefined || largest === undefined
          ? undefined
          : times(traced.cpuMsPer1000 / largest.ours.cpuMsPer1000),
      tracedTime: traced === undefined ? undefined : duration(traced.ms),
      untracedTime: largest === undefined ? undefined : duration(largest.ours.ms),
    };
  },

  // The largest room, at the same latency and concurrency.
  comparable: (before, now) => before.latencyMs === now.latencyMs && before.concurrency === now.concurrency,
  comparisons(now) {
    const largest = largestRoom(now);
    if (largest === undefined) return [];
    const label = `fan-out, ${wholeNumber(largest.members)} clients`;
    return [
      {
        measure: `${label}: time over the ideal`,
        value: (result: FanOutTimeResult) => sameRoom(result, largest.members)?.ours.ratioToIdeal,
        format: times,
      },
      {
        measure: `${label}: sender CPU per 1,000 deliveries, Tracer not loaded in either run`,
        value: (result: FanOutTimeResult) => sameRoom(result, largest.members)?.ours.cpuMsPer1000,
        format: duration,
      },
    ];
  },
};
