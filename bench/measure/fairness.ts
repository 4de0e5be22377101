// Benchmark 8, fairness: the load that once held other users' replies back for minutes. A room of
// listeners, a few senders each sending a burst of messages at once (every message a fan-out to the whole
// room), and a bystander in no room pinging at a steady pace inside its own rate limit: its round trips
// while the room floods, over its round trips with the stack idle. Then the abuse as first reported, with
// the shipped per-user limits: one user's many connections listening, another user's connections sending.
// The same runs count the answers each send got (one each) and the deliveries. Clients run in helper
// processes; the stack is the shared local stack.

import type { DevStack } from '../../src/local/dev-stack.js';
import type { Log } from '../lib/log.js';
import { percentile, ratio } from '../lib/stats.js';
import type { FloodReply, PingsReply } from '../lib/swarm.js';
import { Swarm } from '../lib/swarm-client.js';

export interface FairnessConfig {
  readonly listeners: number;
  readonly senders: number;
  readonly messagesEach: number;
  /** Pings timed with the stack idle. */
  readonly idlePings: number;
  /**
   * From one ping to the next: inside the bystander's own rate limit (5 frames a second by default), so
   * that every ping is a `pong` that did the same work idle and busy; a refused ping does less.
   */
  readonly pingIntervalMs: number;
  /** How long the bystander pings once the flood starts (inside the flood: it lasts longer). */
  readonly busyPingMs: number;
  readonly timeoutMs: number;
  /** How long the senders keep listening after the last delivery, for frames that would follow an answer. */
  readonly settleMs: number;
  /** The abuse as reported: one user's connections in the room, another user's connections sending at once. */
  readonly abuse: {
    readonly listenerConnections: number;
    readonly senderConnections: number;
    readonly messagesEach: number;
    /** The flood is short once the user's limits refuse most of it: the pings cover its start. */
    readonly busyPingMs: number;
  };
}

export interface PingSummary {
  readonly count: number;
  /** Pings answered with an error frame (not timed); 0 when the pace keeps inside the limit. */
  readonly refused: number;
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

export interface Opened {
  readonly opened: number;
  readonly refused: number;
}

export interface AbuseResult {
  readonly listeners: Opened;
  readonly senders: Opened;
  readonly busy: PingSummary;
  /** Busy / idle (the idle pings of the first scenario), at p50 and p95. */
  readonly ratios: { readonly p50: number; readonly p95: number };
  readonly flood: FloodReply;
}

export interface FairnessResult extends FairnessConfig {
  readonly idle: PingSummary;
  readonly busy: PingSummary;
  /** Busy / idle, at p50 and p95. */
  readonly ratios: { readonly p50: number; readonly p95: number };
  readonly flood: FloodReply;
  readonly abuseResult: AbuseResult;
}

const ROOM = 'flooded';
const ABUSED_ROOM = 'abused';

function summary({ rtts, refused }: PingsReply): PingSummary {
  return {
    count: rtts.length,
    refused,
    p50: percentile(rtts, 50),
    p95: percentile(rtts, 95),
    max: percentile(rtts, 100),
  };
}

const ratios = (busy: PingSummary, idle: PingSummary) => ({
  p50: ratio(busy.p50, idle.p50),
  p95: ratio(busy.p95, idle.p95),
});

export async function runFairness(
  stack: DevStack,
  config: FairnessConfig,
  log: Log,
): Promise<FairnessResult> {
  const bystander = new Swarm();
  try {
    await bystander.open({ urls: [`${stack.wsUrl}?token=${stack.tokenFor('bystander')}`] });
    const pace = { intervalMs: config.pingIntervalMs };
    const idle = summary(await bystander.pings({ count: config.idlePings, durationMs: 0, ...pace }));
    const capacity = await manyUsers(stack, config, log, bystander);
    const abuseResult = await twoUsers(stack, config, log, bystander, idle);
    return { ...config, idle, ...capacity, ratios: ratios(capacity.busy, idle), abuseResult };
  } finally {
    await bystander.close();
  }
}

/** The room's load from many users, each inside every limit: what the machine can take. */
async function manyUsers(stack: DevStack, config: FairnessConfig, log: Log, bystander: Swarm) {
  const crowd = new Swarm();
  try {
    // One user per connection: the per-user caps are not what this measures.
    const urls = [
      ...Array.from({ length: config.listeners }, (_, i) => `listener-${i}`),
      ...Array.from({ length: config.senders }, (_, i) => `sender-${i}`),
    ].map((user) => `${stack.wsUrl}?token=${stack.tokenFor(user)}`);
    log(`fairness: ${urls.length} connections join "${ROOM}"`);
    await crowd.open({ urls });
    await crowd.join(ROOM);
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
      bystander.pings({ count: 1, durationMs: config.busyPingMs, intervalMs: config.pingIntervalMs }),
    ]);
    return { flood, busy: summary(busy) };
  } finally {
    await crowd.close();
  }
}

/** The abuse as reported, against the shipped limits: one user's connections listen, another's send. */
async function twoUsers(
  stack: DevStack,
  config: FairnessConfig,
  log: Log,
  bystander: Swarm,
  idle: PingSummary,
): Promise<AbuseResult> {
  const { abuse } = config;
  const crowd = new Swarm();
  try {
    log(
      `fairness, abuse: one user opens ${abuse.listenerConnections} connections, another ${abuse.senderConnections}`,
    );
    const listeners = await crowd.open(
      { url: `${stack.wsUrl}?token=${stack.tokenFor('hoarder')}`, count: abuse.listenerConnections },
      50,
      true,
    );
    // Opened last, so the flood's senders (the crowd's last connections) are this user's.
    const senders = await crowd.open(
      { url: `${stack.wsUrl}?token=${stack.tokenFor('flooder')}`, count: abuse.senderConnections },
      50,
      true,
    );
    await crowd.join(ABUSED_ROOM);
    const [flood, busy] = await Promise.all([
      crowd.flood({
        room: ABUSED_ROOM,
        senders: senders.opened,
        messagesEach: abuse.messagesEach,
        timeoutMs: config.timeoutMs,
        settleMs: config.settleMs,
      }),
      bystander.pings({ count: 1, durationMs: abuse.busyPingMs, intervalMs: config.pingIntervalMs }),
    ]);
    const busySummary = summary(busy);
    return {
      listeners: { opened: listeners.opened, refused: listeners.refused },
      senders: { opened: senders.opened, refused: senders.refused },
      busy: busySummary,
      ratios: ratios(busySummary, idle),
      flood,
    };
  } finally {
    await crowd.close();
  }
}
