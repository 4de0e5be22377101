// Bench support: the harness's handle on a swarm helper process (see swarm.ts).

import { fileURLToPath } from 'node:url';
import { Helper } from './children.js';
import type { E2eReply, FloodReply, OpenedReply, RoundReply, SwarmRequest } from './swarm.js';

const SWARM = fileURLToPath(new URL('./swarm.ts', import.meta.url));

export class Swarm {
  private readonly helper = new Helper<SwarmRequest, unknown>(SWARM);

  /** Opens `count` connections to one URL, or one per URL. */
  async open(target: { url: string; count: number } | { urls: readonly string[] }, concurrency = 50) {
    const count = 'count' in target ? target.count : target.urls.length;
    // Generous: a loaded two-core machine opens a few hundred connections a second.
    const timeoutMs = 30_000 + count * 20;
    const reply = (await this.helper.request(
      { op: 'open', ...target, concurrency },
      timeoutMs,
    )) as OpenedReply;
    if (reply.opened !== count) throw new Error(`opened ${reply.opened} of ${count} connections`);
    return reply;
  }

  /** Waits until `count` frames of a round have arrived (or the time is up) and says when. */
  async expect(round: string, count: number, timeoutMs: number): Promise<RoundReply> {
    return (await this.helper.request(
      { op: 'expect', round, count, timeoutMs },
      timeoutMs + 10_000,
    )) as RoundReply;
  }

  async endToEnd(run: { firstIndex: number; messages: number; ratePerSecond: number }): Promise<E2eReply> {
    const timeoutMs = 30_000;
    const budget = (run.messages / run.ratePerSecond) * 1_000 + timeoutMs + 10_000;
    return (await this.helper.request({ op: 'e2e', ...run, timeoutMs }, budget)) as E2eReply;
  }

  /** Every connection joins the room. */
  async join(room: string, timeoutMs = 60_000): Promise<void> {
    await this.helper.request({ op: 'join', room, timeoutMs }, timeoutMs + 10_000);
  }

  /** The last `senders` connections send `messagesEach` messages each, all at once (see swarm.ts). */
  async flood(run: {
    room: string;
    senders: number;
    messagesEach: number;
    timeoutMs: number;
    settleMs: number;
  }) {
    return (await this.helper.request(
      { op: 'flood', ...run },
      run.timeoutMs + run.settleMs + 10_000,
    )) as FloodReply;
  }

  /** Round trips of pings from the first connection, one after another (at least `count`). */
  async pings(run: { count: number; durationMs: number }, timeoutMs = 300_000): Promise<number[]> {
    return ((await this.helper.request({ op: 'pings', ...run }, timeoutMs)) as { rtts: number[] }).rtts;
  }

  async close(): Promise<void> {
    try {
      await this.helper.request({ op: 'close' }, 10_000);
      await this.helper.done();
    } finally {
      await this.helper.stop();
    }
  }
}
