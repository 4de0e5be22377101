// Benchmark 9, CPU per delivery: the @connections client as the service builds it over a frozen copy of
// the client before its middleware stack was trimmed, and where the remaining CPU goes (HTTP handler,
// signing, middleware stack), in a fresh process's first pass and in its second. The measurement is
// bench/measure/delivery-cpu.ts.

import { DEFAULT_CHAT_POLICY } from '../../src/domain/index.js';
import { problemList, row, type Benchmark } from '../benchmark.js';
import { decimal, percent, range, times, wholeNumber } from '../format.js';
import { DELIVERY_COST_VARIANTS } from '../lib/delivery-cost.js';
import { markdownTable } from '../markdown.js';
import { runDeliveryCpu, type DeliveryCpuConfig, type DeliveryCpuResult } from '../measure/delivery-cpu.js';

/** At most this share of the baseline client's CPU per delivery. */
const CPU_RATIO_LIMIT = 0.7;

const ms = (value: number) => `${decimal(value, 3)} ms`;

export const deliveryCpu: Benchmark<DeliveryCpuConfig, DeliveryCpuResult> = {
  name: 'deliveryCpu',
  templateName: 'delivery-cpu',
  sizes: {
    full: { deliveries: 5_000, concurrency: DEFAULT_CHAT_POLICY.fanOutConcurrency, rounds: 5 },
    smoke: { deliveries: 40, concurrency: 4, rounds: 1 },
  },
  describeSizes: (config) =>
    `CPU per delivery: ${wholeNumber(config.deliveries)} deliveries per run, ${config.concurrency} at a time, ${config.rounds} runs of each of ${DELIVERY_COST_VARIANTS.length} clients`,
  shares: { emulatorConnections: (config) => Math.min(config.deliveries, 1_000) },

  async run(context, config) {
    return runDeliveryCpu(await context.emulatorCrowd(), config, context.log);
  },

  check(result, config) {
    const { problems, expect } = problemList();
    for (const [pass, figures] of [
      ['first pass', result],
      ['second pass', result.warm],
    ] as const) {
      if (figures === undefined) {
        expect(false, `deliveryCpu: no ${pass}`);
        continue;
      }
      for (const variant of DELIVERY_COST_VARIANTS) {
        const samples = figures.samples[variant];
        expect(samples.length === config.rounds, `deliveryCpu ${variant}, ${pass}: one figure per round`);
        expect(
          samples.every((value) => value > 0),
          `deliveryCpu ${variant}, ${pass}: CPU measured`,
        );
      }
    }
    return problems;
  },

  budgets: [
    {
      id: 'delivery-cpu-vs-baseline',
      what: 'CPU per delivery: ours over the client before the trim, same run',
      limit: `<= ${CPU_RATIO_LIMIT}`,
      value: (result) => result.ratio,
      isMet: (value) => value <= CPU_RATIO_LIMIT,
    },
  ],

  rows: (result) => [
    row({
      bench: '9 delivery CPU',
      measure: 'CPU per delivery through the SDK client (median of runs)',
      ours: ms(result.msPerDelivery.ours),
      baseline: ms(result.msPerDelivery.baseline),
      vsBaseline: times(result.ratio),
    }),
    ...(result.warm === undefined
      ? []
      : [
          row({
            bench: '9 delivery CPU',
            measure: 'the same, second pass of each process (compiled code)',
            ours: ms(result.warm.msPerDelivery.ours),
            baseline: ms(result.warm.msPerDelivery.baseline),
            vsBaseline: times(result.warm.ratio),
          }),
        ]),
    ...(
      [
        ['HTTP handler', result.breakdown.http],
        ['SigV4 signing', result.breakdown.signing],
        ['middleware stack, serde and the notifier', result.breakdown.stack],
      ] as const
    ).map(([part, value]) =>
      row({
        bench: '9 delivery CPU',
        measure: `of ours: ${part} (share)`,
        ours: `${ms(value)} (${percent(value / result.msPerDelivery.ours)})`,
      }),
    ),
  ],

  section: (result) => {
    const ours = result.msPerDelivery.ours;
    const part = (value: number) => [ms(value), percent(value / ours)];
    const warm = result.warm;
    return {
      deliveries: wholeNumber(result.deliveries),
      concurrency: wholeNumber(result.concurrency),
      rounds: wholeNumber(result.rounds),
      baseline: ms(result.msPerDelivery.baseline),
      ours: ms(ours),
      ratio: times(result.ratio),
      verdict: result.ratio <= CPU_RATIO_LIMIT ? 'meets' : 'misses',
      // Each round runs the variants one after another, so a round's own ratio shares the machine's mood.
      roundRatios: range(
        result.samples.ours.map((ours, round) => ours / (result.samples.baseline[round] ?? Number.NaN)),
        (value) => times(value),
      ),
      limit: String(CPU_RATIO_LIMIT),
      table: markdownTable(
        ['client', 'CPU per delivery (median)', 'runs', 'second pass (median)', 'runs'],
        DELIVERY_COST_VARIANTS.map((variant) => [
          `\`${variant}\``,
          ms(result.msPerDelivery[variant]),
          range(result.samples[variant], (value) => decimal(value, 3)),
          warm === undefined ? '-' : ms(warm.msPerDelivery[variant]),
          warm === undefined ? '-' : range(warm.samples[variant], (value) => decimal(value, 3)),
        ]),
      ),
      breakdown: markdownTable(
        ['part of ours', 'CPU per delivery', 'share', 'second pass', 'share'],
        (
          [
            ['HTTP handler (Node http, keep-alive socket)', 'http'],
            ['SigV4 signing', 'signing'],
            ['middleware stack, serde and the notifier', 'stack'],
          ] as const
        ).map(([label, key]) => [
          label,
          ...part(result.breakdown[key]),
          ...(warm === undefined
            ? ['-', '-']
            : [ms(warm.breakdown[key]), percent(warm.breakdown[key] / warm.msPerDelivery.ours)]),
        ]),
      ),
      warmOurs: warm === undefined ? undefined : ms(warm.msPerDelivery.ours),
      warmBaseline: warm === undefined ? undefined : ms(warm.msPerDelivery.baseline),
      warmRatio: warm === undefined ? undefined : times(warm.ratio),
      firstOverWarm: warm === undefined ? undefined : times(ours / warm.msPerDelivery.ours),
    };
  },

  comparable: (before, now) => before.deliveries === now.deliveries && before.concurrency === now.concurrency,
  comparisons: () => [
    {
      measure: 'CPU per delivery through the SDK client',
      value: (result: DeliveryCpuResult) => result.msPerDelivery.ours,
      format: ms,
    },
  ],
};
