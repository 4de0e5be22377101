// Benchmark 9, CPU per delivery: the notifier posting through the @connections SDK client as the service
// builds it, against a frozen copy of the client as it was built before its middleware stack was trimmed,
// and the same client without its HTTP handler and without signing, to price each part. Each run is a
// fresh helper process (bench/lib/delivery-cost.ts) making two passes, priced apart; the variants take
// turns, round after round, so a busy moment of the machine falls on all of them.

import { fileURLToPath } from 'node:url';
import type { EmulatorCrowd } from '../benchmark.js';
import { runInFreshHelper } from '../lib/children.js';
import {
  DELIVERY_COST_VARIANTS,
  type DeliveryCostReply,
  type DeliveryCostRequest,
  type DeliveryCostVariant,
  secondPassRound,
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

/** Where ours spends its CPU per delivery: the HTTP handler, the signing, and the rest. */
export interface DeliveryCpuBreakdown {
  readonly http: number;
  readonly signing: number;
  /** The middleware stack, serde and the notifier. */
  readonly stack: number;
}

/** One pass's figures: each variant's median CPU per delivery and every run's figure. */
export interface DeliveryCpuPass {
  readonly msPerDelivery: Readonly<Record<DeliveryCostVariant, number>>;
  /** Every run's figure, per variant, in round order. */
  readonly samples: Readonly<Record<DeliveryCostVariant, readonly number[]>>;
  /** Ours over the baseline client. */
  readonly ratio: number;
  readonly breakdown: DeliveryCpuBreakdown;
}

/**
 * The first pass of each fresh process (what the budget holds: a container's first fan-out) at the top
 * level, and the second pass of the same processes in `warm` (absent in runs before it was measured).
 */
export interface DeliveryCpuResult extends DeliveryCpuConfig, DeliveryCpuPass {
  readonly warm?: DeliveryCpuPass;
}

function variantRecord<T>(make: (variant: DeliveryCostVariant) => T): Record<DeliveryCostVariant, T> {
  return Object.fromEntries(DELIVERY_COST_VARIANTS.map((v) => [v, make(v)])) as Record<
    DeliveryCostVariant,
    T
  >;
}

function passOf(samples: Record<DeliveryCostVariant, number[]>): DeliveryCpuPass {
  const msPerDelivery = variantRecord((variant) => median(samples[variant]));
  return {
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

export async function runDeliveryCpu(
  crowd: EmulatorCrowd,
  config: DeliveryCpuConfig,
  log: Log,
): Promise<DeliveryCpuResult> {
  const samples = variantRecord((): number[] => []);
  const warmSamples = variantRecord((): number[] => []);
  const timeoutMs = 60_000 + config.deliveries * 40;
  for (let round = 0; round < config.rounds; round += 1) {
    for (const variant of DELIVERY_COST_VARIANTS) {
      const tag = `cpu-${variant}-${round}-${Date.now().toString(36)}`;
      const reachesCrowd = variant === 'baseline' || variant === 'ours';
      // Counting starts before the helper does, so no frame can arrive unseen. The crowd counts every
      // round's frames as they come, and answers one request at a time: the second pass is asked after.
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
      for (const delivered of [reply.delivered, reply.warmDelivered]) {
        if (delivered !== config.deliveries) {
          throw new Error(`${variant}: ${delivered} of ${config.deliveries} deliveries succeeded`);
        }
      }
      if (seen !== undefined) {
        for (const round of [
          await seen,
          await crowd.swarm.expect(secondPassRound(tag), config.deliveries, timeoutMs),
        ]) {
          if (round.received !== config.deliveries) {
            throw new Error(
              `${variant}: ${round.received} of ${config.deliveries} frames of ${round.round} arrived`,
            );
          }
        }
      }
      const perDelivery = reply.cpuMs / config.deliveries;
      const warmPerDelivery = reply.warmCpuMs / config.deliveries;
      samples[variant].push(perDelivery);
      warmSamples[variant].push(warmPerDelivery);
      log(
        `delivery cpu: ${variant}, round ${round + 1}: ${perDelivery.toFixed(3)} ms per delivery, ` +
          `${warmPerDelivery.toFixed(3)} ms in the second pass`,
      );
    }
  }
  return { ...config, ...passOf(samples), warm: passOf(warmSamples) };
}
