// Benchmark 9, CPU per delivery: the notifier posting through the @connections SDK client as the service
// builds it, against a frozen copy of the client as it was built before its middleware stack was trimmed,
// and the same client without its HTTP handler and without signing, to price each part. Each run is a
// fresh helper process (bench/lib/delivery-cost.ts); the variants take turns, round after round, so a
// busy moment of the machine falls on all of them.

import { fileURLToPath } from 'node:url';
import type { EmulatorCrowd } from '../benchmark.js';
import { runInFreshHelper } from '../lib/children.js';
import {
  DELIVERY_COST_VARIANTS,
  type DeliveryCostReply,
  type DeliveryCostRequest,
  type DeliveryCostVariant,
} from '../lib/delivery-cost.js';
import type { Log } from '../lib/log.js';
import { median, ratio } from '../lib/stats.js';

const HELPER = fileURLToPath(new URL('../lib/delivery-cost.ts', import.meta.url));

export interface DeliveryCpuConfig {
  /** Deliveries per run, round-robin over the crowd's connections. */
  readonly deliveries: number;
  readonly concurrency: number;
  /** Runs of each variant; the figures are their medians. */
  readonly rounds: number;
}

export interface DeliveryCpuResult extends DeliveryCpuConfig {
  /** Median CPU milliseconds per delivery, per variant. */
  readonly msPerDelivery: Readonly<Record<DeliveryCostVariant, number>>;
  /** Every run's figure, per variant, in round order. */
  readonly samples: Readonly<Record<DeliveryCostVariant, readonly number[]>>;
  /** Ours over the baseline client. */
  readonly ratio: number;
  /** Where ours spends it: the HTTP handler, the signing, and the rest of the stack with the notifier. */
  readonly breakdown: { readonly http: number; readonly signing: number; readonly stack: number };
}

export async function runDeliveryCpu(
  crowd: EmulatorCrowd,
  config: DeliveryCpuConfig,
  log: Log,
): Promise<DeliveryCpuResult> {
  const samples = Object.fromEntries(DELIVERY_COST_VARIANTS.map((v) => [v, [] as number[]])) as Record<
    DeliveryCostVariant,
    number[]
  >;
  const timeoutMs = 60_000 + config.deliveries * 20;
  for (let round = 0; round < config.rounds; round += 1) {
    for (const variant of DELIVERY_COST_VARIANTS) {
      const tag = `cpu-${variant}-${round}-${Date.now().toString(36)}`;
      const reachesCrowd = variant === 'baseline' || variant === 'ours';
      // Counting starts before the helper does, so no frame can arrive unseen.
      const seen = reachesCrowd ? crowd.swarm.expect(tag, config.deliveries, timeoutMs) : undefined;
      const reply = await runInFreshHelper<DeliveryCostRequest, DeliveryCostReply>(
        HELPER,
        {
          op: 'deliveries',
          variant,
          endpoint: crowd.endpoint,
          connectionIds: crowd.connectionIds,
          deliveries: config.deliveries,
          concurrency: config.concurrency,
          round: tag,
        },
        timeoutMs,
      );
      if (reply.delivered !== config.deliveries) {
        throw new Error(`${variant}: ${reply.delivered} of ${config.deliveries} deliveries succeeded`);
      }
      const received = seen === undefined ? undefined : (await seen).received;
      if (received !== undefined && received !== config.deliveries) {
        throw new Error(`${variant}: ${received} of ${config.deliveries} frames arrived`);
      }
      const perDelivery = reply.cpuMs / config.deliveries;
      samples[variant].push(perDelivery);
      log(`delivery cpu: ${variant}, round ${round + 1}: ${perDelivery.toFixed(3)} ms per delivery`);
    }
  }
  const msPerDelivery = Object.fromEntries(
    DELIVERY_COST_VARIANTS.map((variant) => [variant, median(samples[variant])]),
  ) as Record<DeliveryCostVariant, number>;
  return {
    ...config,
    msPerDelivery,
    samples,
    ratio: ratio(msPerDelivery.ours, msPerDelivery.baseline),
    breakdown: {
      http: msPerDelivery.ours - msPerDelivery['ours-no-http'],
      signing: msPerDelivery['ours-no-http'] - msPerDelivery['ours-unsigned'],
      stack: msPerDelivery['ours-unsigned'],
    },
  };
}
