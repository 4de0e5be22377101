// Bench support: the harness's handle on a swarm helper process (see swarm.ts).

import { fileURLToPath } from 'node:url';
import { Helper } from './children.js';
import type { E2eReply, FloodReply, OpenedReply, PingsReply, RoundReply, SwarmRequest } from './swarm.js';

const SWARM = fileURLToPath(new URL('./swarm.ts', import.meta.url));

export class Swarm {
  private readonly helper = new Helper<SwarmRequest, unknown>(SWARM);

  /**
   * Opens `count` connections to one URL, or one per URL. With `refusalsExpected`, handshakes the stack
   * refuses (429 past a user's connection cap) are counted in the reply instead of failing the run.
   */
  async open(
    target: { url: string; count: number } | { urls: readonly string[] },
    concurrency = 50,
    refusalsExpected = false,
  ) {
    const count = 'count' in target ? target.count : target.urls.length;
    // Generous: a loaded two-core machine opens a few hundred connections a second.
    const timeoutMs = 30_000 + count * 20;
    const reply = (await this.helper.request(
      { op: 'open', ...target, concurrency, refusalsExpected },
      timeoutMs,
    )) as OpenedReply;
    // Without `refusalsExpected` a refused handshake fails the request itself, so `refused` is 0 here.
    if (reply.opened + reply.refused !== count) {
      throw new Error(`opened ${reply.opened} of ${count} connections (${reply.refused} refused)`);
    }
    return reply;
  }

  /** Waits until `count` frames of a round have arrived (or the time is up) and says when. */
  async expect(round: string, count: number, timeoutMs: number): Promise<RoundReply> {
    const reply = (await this.helper.request(
      { op: 'expect', round, count, timeoutMs },
      timeoutMs + 10_000,
    )) as RoundReply;
    // The helper answers one request at a time: a reply for another round means two were in flight.
    if (reply.round !== round)
      throw new Error(`asked for round ${round}, the crowd answered for ${reply.round}`);
    return reply;
  }

  async endToEnd(run: { firstIndex: number; messages: number; ratePerSecond: number }): Promise<E2eReply> {
    const timeoutMs = 30_000;
    const budget = (run.messages / run.ratePerSecond) * 1_000 + timeoutMs + 10_000;
    return (await this.helper.request({ op: 'e2e', ...run, timeoutMs }, budget)) as E2eReply;
  }

  /** Every connection joins the room; any refusal fails the run. */
  async join(room: string, timeoutMs = 60_000): Promise<void> {
    const reply = (await this.helper.request({ op: 'join', room, timeoutMs }, timeoutMs + 10_000)) as {
      joined: number;
      connections: number;
    };
    if (reply.joined !== reply.connections) {
      throw new Error(`${reply.joined} of ${reply.connections} connections joined ${room}`);
    }
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

  /** Pings from the first connection, one every `intervalMs` at most (at least `count`, see swarm.ts). */
  async pings(
    run: { count: number; durationMs: number; intervalMs: number },
    timeoutMs = 300_000,
  ): Promise<PingsReply> {
    return (await this.helper.request({ op: 'pings', ...run }, timeoutMs)) as PingsReply;
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
