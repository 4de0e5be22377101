// Benchmark 6, cost per million messages on AWS: computed from benchmarks 1 to 3 and the prices in
// bench/prices.ts, ours against the classic design. The model is bench/measure/cost.ts.

import { problemList, row, type Benchmark } from '../benchmark.js';
import { decimal, dollars, times, wholeNumber } from '../format.js';
import { markdownTable } from '../markdown.js';
import { costModel, type CostConfig, type CostResult } from '../measure/cost.js';
import { PRICES } from '../prices.js';
import { endToEnd } from './end-to-end.js';
import { fanOutRead } from './fan-out-read.js';
import { fanOutTime } from './fan-out-time.js';

/** The room priced is the end-to-end run's. */
type PricingConfig = Omit<CostConfig, 'members'>;

const PRICING: PricingConfig = {
  messagesPerSecond: 1,
  // Terraform's default for the chat functions (function_memory_mb).
  lambdaMemoryMb: 512,
  dynamoRoundTripMs: 10,
};

/** Dollars with the cents a line of the cost table needs. */
const lineDollars = (value: number) => `$${value.toFixed(value >= 1 ? 2 : 4)}`;

const dynamoDbSpend = (result: CostResult, side: 'ours' | 'baseline') =>
  result.lines.filter((line) => line.item.startsWith('DynamoDB')).reduce((sum, line) => sum + line[side], 0);

export const cost: Benchmark<PricingConfig, CostResult> = {
  name: 'cost',
  templateName: 'cost',
  sizes: { full: PRICING, smoke: PRICING },
  needs: [fanOutRead, fanOutTime, endToEnd],

  async run(context, config) {
    const read = context.resultOf(fanOutRead);
    const time = context.resultOf(fanOutTime);
    const e2e = context.resultOf(endToEnd);
    if (read === undefined || time === undefined || e2e === undefined)
      throw new Error('the cost model needs benchmarks 1, 2 and 3');
    return Promise.resolve(costModel({ ...config, members: e2e.clients }, read, time, e2e));
  },

  check(result) {
    const { problems, expect } = problemList();
    expect(result.lines.length > 0 && result.totalOurs > 0 && result.totalBaseline > 0, 'cost: totals');
    expect(result.prices.checked.length > 0, 'cost: prices dated');
    return problems;
  },

  budgets: [
    {
      id: 'cost',
      what: 'cost per million messages: ours over the classic design, at the size priced',
      limit: '<= 1.05',
      value: (result) => result.ratio,
      isMet: (value) => value <= 1.05,
    },
  ],

  rows: (result) => [
    row({
      bench: '6 cost',
      measure: `per million messages, room of ${result.config.members} at ${result.config.messagesPerSecond}/s (us-east-1)`,
      ours: dollars(result.totalOurs),
      baseline: dollars(result.totalBaseline),
      vsBaseline: times(result.ratio),
    }),
    row({
      bench: '6 cost',
      measure: 'of which DynamoDB',
      ours: dollars(dynamoDbSpend(result, 'ours')),
      baseline: dollars(dynamoDbSpend(result, 'baseline')),
      vsBaseline: times(dynamoDbSpend(result, 'ours') / dynamoDbSpend(result, 'baseline')),
    }),
  ],

  section: (result) => ({
    region: PRICES.region,
    checked: PRICES.checked,
    perMillionMessages: PRICES.apiGateway.perMillionMessages.toFixed(2),
    perMillionConnectionMinutes: PRICES.apiGateway.perMillionConnectionMinutes.toFixed(2),
    lambdaArchitecture: PRICES.lambda.architecture,
    perGbSecond: String(PRICES.lambda.perGbSecond),
    perMillionRequests: PRICES.lambda.perMillionRequests.toFixed(2),
    perMillionWriteUnits: String(PRICES.dynamoDb.perMillionWriteRequestUnits),
    perMillionReadUnits: String(PRICES.dynamoDb.perMillionReadRequestUnits),
    assumptions: result.assumptions.map((assumption) => `- ${assumption}.`).join('\n'),
    table: markdownTable(
      ['Item', 'Ours / message', 'Classic / message', 'Ours per million', 'Classic per million'],
      [
        ...result.lines.map((line) => [
          line.item,
          decimal(line.oursPerMessage, 4),
          decimal(line.baselinePerMessage, 4),
          lineDollars(line.ours),
          lineDollars(line.baseline),
        ]),
        [
          '**Total**',
          '',
          '',
          `**${lineDollars(result.totalOurs)}**`,
          `**${lineDollars(result.totalBaseline)}**`,
        ],
      ],
    ),
    breakEvenConnections: wholeNumber(result.breakEvenConnections),
  }),

  // The same room priced.
  comparable: (before, now) => before.config.members === now.config.members,
  comparisons: (now) => {
    const label = `cost per million messages, room of ${wholeNumber(now.config.members)}`;
    return [
      {
        measure: `${label}: ours`,
        value: (result: CostResult) => result.totalOurs,
        format: (value: number) => `$${value.toFixed(2)}`,
      },
      {
        measure: `${label}: ours over the classic design`,
        value: (result: CostResult) => result.ratio,
        format: times,
      },
    ];
  },
};
