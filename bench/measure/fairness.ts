// Benchmark 8, fairness: the load that once held other users' replies back for minutes. A room of
// listeners, a few senders each sending a burst of messages at once (every message a fan-out to the whole
// room), and a bystander in no room pinging one ping after another: its round trips while the room
// floods, over its round trips with the stack idle. The same run counts the answers each send got (one
// each) and the deliveries. Clients run in helper processes; the stack is the shared local stack.

import type { DevStack } from '../../src/local/dev-stack.js';
import type { Log } from '../lib/log.js';
import { percentile, ratio } from '../lib/stats.js';
import type { FloodReply } from '../lib/swarm.js';
import { Swarm } from '../lib/swarm-client.js';

export interface FairnessConfig {
  readonly listeners: number;
  readonly senders: number;
  readonly messagesEach: number;
  /** Pings timed with the stack idle. */
  readonly idlePings: number;
  /** How long the bystander pings once the flood starts (inside the flood: it lasts longer). */
  readonly busyPingMs: number;
  readonly timeoutMs: number;
  /** How long the senders keep listening after the last delivery, for frames that would follow an answer. */
  readonly settleMs: number;
}

export interface PingSummary {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

export interface FairnessResult extends FairnessConfig {
  readonly idle: PingSummary;
  readonly busy: PingSummary;
  /** Busy / idle, at p50 and p95. */
  readonly ratios: { readonly p50: number; readonly p95: number };
  readonly flood: FloodReply;
}

const ROOM = 'flooded';

function summary(rtts: readonly number[]): PingSummary {
  return {
    count: rtts.length,
    p50: percentile(rtts, 50),
    p95: percentile(rtts, 95),
    max: percentile(rtts, 100),
  };
}

export async function runFairness(
  stack: DevStack,
  config: FairnessConfig,
  log: Log,
): Promise<FairnessResult> {
  const crowd = new Swarm();
  const bystander = new Swarm();
  try {
    // One user per connection: the per-user caps are not what this measures.
    const urls = [
      ...Array.from({ length: config.listeners }, (_, i) => `listener-${i}`),
      ...Array.from({ length: config.senders }, (_, i) => `sender-${i}`),
    ].map((user) => `${stack.wsUrl}?token=${stack.tokenFor(user)}`);
    log(`fairness: ${urls.length} connections join "${ROOM}"`);
    await crowd.open({ urls });
    await crowd.join(ROOM);
    await bystander.open({ urls: [`${stack.wsUrl}?token=${stack.tokenFor('bystander')}`] });

    const idle = await bystander.pings({ count: config.idlePings, durationMs: 0 });
    const deliveries = config.senders * config.messagesEach * urls.length;
    log(`fairness: ${config.senders} senders x ${config.messagesEach} messages (${deliveries} deliveries)`);
    const [flood, busy] = await Promise.all([
      crowd.flood({
        room: ROOM,
        senders: config.senders,
        messagesEach: config.messagesEach,
        timeoutMs: config.timeoutMs,
        settleMs: config.settleMs,
      }),
      bystander.pings({ count: 1, durationMs: config.busyPingMs }),
    ]);
    const idleSummary = summary(idle);
    const busySummary = summary(busy);
    return {
      ...config,
      idle: idleSummary,
      busy: busySummary,
      ratios: { p50: ratio(busySummary.p50, idleSummary.p50), p95: ratio(busySummary.p95, idleSummary.p95) },
      flood,
    };
  } finally {
    await Promise.all([crowd.close(), bystander.close()]);
  }
}
