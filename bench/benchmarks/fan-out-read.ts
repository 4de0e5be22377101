// Benchmark 1, fan-out read cost: what one broadcast to one room reads from DynamoDB, ours (a Query per
// page of the room) against the classic Scan of every connection. The measurement is bench/measure.

import { DEFAULT_CHAT_POLICY } from '../../src/domain/index.js';
import { problemList, row, type Benchmark } from '../benchmark.js';
import { decimal, times, wholeNumber } from '../format.js';
import { markdownTable } from '../markdown.js';
import {
  runFanOutRead,
  type FanOutReadConfig,
  type FanOutReadResult,
  type ReadCost,
} from '../measure/fan-out-read.js';

const readUnits = (cost: ReadCost) => cost.readUnits ?? cost.readUnitsComputed;

export const fanOutRead: Benchmark<FanOutReadConfig, FanOutReadResult> = {
  name: 'fanOutRead',
  templateName: 'fan-out-read',
  sizes: {
    full: {
      rooms: 10,
      sizes: [100, 1_000, 5_000],
      pageSize: DEFAULT_CHAT_POLICY.membersPageSize,
      seedConcurrency: 8,
    },
    smoke: { rooms: 3, sizes: [10, 30], pageSize: 8, seedConcurrency: 4 },
  },
  describeSizes: (config) =>
    `fan-out read: ${config.rooms} rooms of ${config.sizes.map(wholeNumber).join(', ')} members, ${config.pageSize} a page`,
  shares: { devStack: true },

  async run(context, config) {
    const { stack } = await context.devStack();
    return runFanOutRead(stack.dynamo, config, context.log);
  },

  check(result, config) {
    const { problems, expect } = problemList();
    expect(result.rows.length === config.sizes.length, 'fanOutRead: one row per size');
    for (const measured of result.rows) {
      const label = `fanOutRead ${measured.members}`;
      // Each Query but the last also returns the first member of the next page, which tells the adapter
      // that another page exists; the next Query reads it again. A counted room's shape item heads its
      // first bucket, so the first page may bring it too.
      expect(
        measured.ours.itemsReturned >= measured.members &&
          measured.ours.itemsReturned <= measured.members + measured.ours.requests,
        `${label}: ours returned the room (one member more a page at most, and the room's shape)`,
      );
      expect(measured.baseline.itemsReturned === measured.members, `${label}: the scan kept the room`);
      expect(measured.ours.requests >= 1 && measured.baseline.requests >= 1, `${label}: requests counted`);
      expect(measured.ours.readUnitsComputed > 0, `${label}: read units computed`);
    }
    return problems;
  },

  budgets: [
    {
      id: 'read-scales-with-room',
      what: 'fan-out read: items read per room member, largest room',
      limit: '<= 1.01 (the room, not the table; pages overlap by one look-ahead item)',
      value: (result) => {
        const largest = result.rows.at(-1);
        return largest === undefined ? undefined : largest.ours.itemsRead / largest.members;
      },
      isMet: (value) => value <= 1.01,
    },
    {
      id: 'read-requests',
      what: 'fan-out read: Queries per broadcast over ceil(N / page size), largest room',
      limit: '<= 1',
      value: (result) => {
        const largest = result.rows.at(-1);
        return largest === undefined
          ? undefined
          : largest.ours.requests / Math.max(1, Math.ceil(largest.members / result.pageSize));
      },
      isMet: (value) => value <= 1,
    },
  ],

  rows: (result) =>
    result.rows.map((measured) =>
      row({
        bench: '1 fan-out read',
        measure: `room of ${wholeNumber(measured.members)}, table of ${wholeNumber(measured.tableItems)}: read units (requests, items read)`,
        ours: `${decimal(readUnits(measured.ours))} (${wholeNumber(measured.ours.requests)}, ${wholeNumber(measured.ours.itemsRead)})`,
        baseline: `${decimal(readUnits(measured.baseline))} (${wholeNumber(measured.baseline.requests)}, ${wholeNumber(measured.baseline.itemsRead)})`,
        vsBaseline: times(1 / measured.readUnitsRatio),
      }),
    ),

  section: (result) => ({
    rooms: String(result.rooms),
    pageSize: String(result.pageSize),
    capacitySource: result.capacitySource,
    memberItemBytes: wholeNumber(result.memberItemBytes),
    classicItemBytes: wholeNumber(result.classicItemBytes),
    table: markdownTable(
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
      result.rows.map((measured) => [
        wholeNumber(measured.members),
        wholeNumber(measured.tableItems),
        wholeNumber(measured.ours.requests),
        wholeNumber(measured.ours.itemsRead),
        `${decimal(measured.ours.readUnits ?? Number.NaN)} (${decimal(measured.ours.readUnitsComputed)})`,
        wholeNumber(measured.baseline.requests),
        wholeNumber(measured.baseline.itemsRead),
        `${decimal(measured.baseline.readUnits ?? Number.NaN)} (${decimal(measured.baseline.readUnitsComputed)})`,
        times(1 / measured.readUnitsRatio),
      ]),
    ),
  }),

  // Rooms of the same size, paged alike.
  comparable: (before, now) => before.pageSize === now.pageSize,
  comparisons: (now) =>
    now.rows.map((measured) => ({
      measure: `fan-out read: Queries per broadcast, room of ${wholeNumber(measured.members)} (${now.pageSize} a page)`,
      value: (result: FanOutReadResult) =>
        result.rows.find((r) => r.members === measured.members && r.tableItems === measured.tableItems)?.ours
          .requests,
      format: wholeNumber,
    })),
};
