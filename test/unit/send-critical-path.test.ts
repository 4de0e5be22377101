// Unit: the critical path of sendMessage. With every port call recorded as it starts and ends (each one
// taking a turn of the event loop, as a network round trip would), the rate limits, the membership check
// and the room's first members are read together; the sequence number and the message write follow; the
// ack goes out with the first deliveries, and the sender's own copy after its ack. A refused frame draws
// no sequence number, stores nothing and delivers nothing, in the order of checks the user sees.

import { describe, expect, it } from '@jest/globals';
import {
  dispatch,
  parseClientAction,
  type Caller,
  type ConnectionId,
  type DeliveryOptions,
  type ServerEvent,
} from '../../src/domain/index.js';
import { chatHarness, type ChatHarness } from '../support/chat-harness.js';

/** Each recorded call takes one turn of the event loop, so calls started together overlap. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

function recorded(h: ChatHarness) {
  const log: string[] = [];
  function wrap<T extends object, K extends keyof T>(
    target: T,
    method: K,
    name: (args: unknown[]) => string,
  ) {
    const original = (target[method] as (...args: unknown[]) => Promise<unknown>).bind(target);
    (target as Record<K, unknown>)[method] = async (...args: unknown[]) => {
      const label = name(args);
      log.push(`start ${label}`);
      await turn();
      try {
        return await original(...args);
      } finally {
        log.push(`end ${label}`);
      }
    };
  }
  wrap(h.rateLimiter, 'take', (args) => `take:${(args[0] as { scope: string }).scope}`);
  wrap(h.memberships, 'isMember', () => 'isMember');
  wrap(h.bans, 'isBanned', () => 'isBanned');
  wrap(h.memberships, 'membersPage', () => 'membersPage');
  wrap(h.messages, 'append', () => 'append');
  wrap(h.messages, 'read', () => 'read');
  wrap(h.memberships, 'roomsOf', () => 'roomsOf');
  wrap(h.memberships, 'add', () => 'add');
  wrap(h.connections, 'connectionsOfUser', (args) => `connectionsOfUser:${String(args[0])}`);
  wrap(h.notifier, 'deliver', (args) => {
    const [connectionId, event] = args as [ConnectionId, ServerEvent, DeliveryOptions | undefined];
    return `deliver:${event.type}:${connectionId}`;
  });
  const index = (entry: string) => {
    const at = log.indexOf(entry);
    if (at === -1) throw new Error(`not recorded: ${entry}\n${log.join('\n')}`);
    return at;
  };
  return { log, index };
}

async function roomOfThree() {
  const h = chatHarness({ lobbyRoom: null });
  const alice = await h.connect('alice', 'c-alice');
  const bob = await h.connect('bob', 'c-bob');
  const carol = await h.connect('carol', 'c-carol');
  for (const caller of [alice, bob, carol])
    await h.chat.join.execute(caller, { action: 'join', room: 'general' });
  return { h, alice, bob, carol };
}

/** As the message route runs a frame: admission started first, then the action with it. */
function send(h: ChatHarness, caller: Caller, frame: Record<string, unknown>) {
  const admitted = h.chat.admission.admit(caller);
  admitted.catch(() => undefined);
  return dispatch(h.chat, caller, parseClientAction(frame), admitted);
}

describe('sendMessage, round trip by round trip', () => {
  it('reads the rate limits, the membership and the first members together, before anything else', async () => {
    const { h, alice } = await roomOfThree();
    const { log, index } = recorded(h);

    await send(h, alice, { action: 'sendMessage', room: 'general', text: 'hi' });

    const firstEnd = log.findIndex((entry) => entry.startsWith('end '));
    for (const call of ['take:connection', 'take:user', 'isMember', 'isBanned', 'membersPage']) {
      expect(index(`start ${call}`)).toBeLessThan(firstEnd);
    }
  });

  it('stores only once the frame is admitted and the sender is a member, then acks with the first deliveries', async () => {
    const { h, alice } = await roomOfThree();
    const { index } = recorded(h);

    await send(h, alice, { action: 'sendMessage', room: 'general', text: 'hi' });

    const append = index('start append');
    expect(append).toBeGreaterThan(index('end take:connection'));
    expect(append).toBeGreaterThan(index('end take:user'));
    expect(append).toBeGreaterThan(index('end isMember'));
    expect(append).toBeGreaterThan(index('end isBanned'));
    // The ack and the first member deliveries start after the write and overlap one another.
    const ack = index('start deliver:ack:c-alice');
    const toBob = index('start deliver:message:c-bob');
    expect(ack).toBeGreaterThan(index('end append'));
    expect(toBob).toBeGreaterThan(index('end append'));
    expect(toBob).toBeLessThan(index('end deliver:ack:c-alice'));
    // The members' page was read once, ahead: the fan-out did not read it again.
    expect(() => index('start membersPage')).not.toThrow();
  });

  it("delivers the sender's own copy only after its ack", async () => {
    const { h, alice } = await roomOfThree();
    const { index } = recorded(h);

    await send(h, alice, { action: 'sendMessage', room: 'general', text: 'hi' });

    expect(index('start deliver:message:c-alice')).toBeGreaterThan(index('end deliver:ack:c-alice'));
  });

  it('reads the first members once: the fan-out uses the page read ahead', async () => {
    const { h, alice } = await roomOfThree();
    const { log } = recorded(h);

    await send(h, alice, { action: 'sendMessage', room: 'general', text: 'hi' });

    expect(log.filter((entry) => entry === 'start membersPage')).toHaveLength(1);
  });
});

describe('sendDirect, round trip by round trip', () => {
  it("reads both users' connections with the rate limits, then stores, then acks with the deliveries", async () => {
    const { h, alice } = await roomOfThree();
    await h.connect('bob', 'c-bob-phone');
    const { log, index } = recorded(h);

    await send(h, alice, { action: 'sendDirect', to: 'bob', text: 'psst' });

    const firstEnd = log.findIndex((entry) => entry.startsWith('end '));
    for (const call of ['take:connection', 'take:user', 'connectionsOfUser:bob', 'connectionsOfUser:alice']) {
      expect(index(`start ${call}`)).toBeLessThan(firstEnd);
    }
    expect(index('start append')).toBeGreaterThan(index('end take:user'));
    const toPhone = index('start deliver:direct:c-bob-phone');
    expect(toPhone).toBeGreaterThan(index('end append'));
    expect(toPhone).toBeLessThan(index('end deliver:ack:c-alice'));
  });
});

describe('join, round trip by round trip', () => {
  it('checks with the rate limits, writes, then reads the snapshot and the missed messages while announcing', async () => {
    const { h } = await roomOfThree();
    const dave = await h.connect('dave', 'c-dave');
    const { log, index } = recorded(h);

    await send(h, dave, { action: 'join', room: 'general', since: 0, requestId: 'j' });

    const firstEnd = log.findIndex((entry) => entry.startsWith('end '));
    for (const call of ['take:connection', 'take:user', 'isMember', 'roomsOf', 'isBanned']) {
      expect(index(`start ${call}`)).toBeLessThan(firstEnd);
    }
    const add = index('end add');
    expect(index('start add')).toBeGreaterThan(index('end take:user'));
    // After the write, the missed messages, the snapshot and the announcement's listing start together.
    const read = index('start read');
    expect(read).toBeGreaterThan(add);
    const listings = log.flatMap((entry, at) => (entry === 'start membersPage' && at > add ? [at] : []));
    expect(listings.length).toBeGreaterThanOrEqual(2);
    for (const listing of listings.slice(0, 2)) expect(listing).toBeLessThan(index('end read'));
    expect(read).toBeLessThan(index('end deliver:member_joined:c-bob'));
  });
});

describe('a backend publish, round trip by round trip', () => {
  it("reads the room's first members before storing, and only once", async () => {
    const { h } = await roomOfThree();
    const { log, index } = recorded(h);

    await h.chat.backend.publish.toRoom('general', { text: 'maintenance at noon' });

    expect(index('start membersPage')).toBeLessThan(index('start append'));
    expect(log.filter((entry) => entry === 'start membersPage')).toHaveLength(1);
    expect(index('start deliver:message:c-bob')).toBeGreaterThan(index('end append'));
  });
});

describe('a refused sendMessage', () => {
  async function refused(
    frame: Record<string, unknown>,
    setup?: (h: ChatHarness, alice: Caller) => Promise<void>,
  ) {
    const { h, alice, bob } = await roomOfThree();
    await setup?.(h, alice);
    const { log } = recorded(h);
    const error = await send(h, alice, frame).then(
      () => undefined,
      (failure: unknown) => failure as { code: string },
    );
    const history = (await dispatch(
      h.chat,
      bob,
      parseClientAction({ action: 'history', room: 'general' }),
    )) as {
      messages: unknown[];
    };
    return { error, log, history, h };
  }

  it('rate limited: refused first, even when it is also too large and not a member', async () => {
    const { error, log, history } = await refused(
      { action: 'sendMessage', room: 'elsewhere', text: 'x'.repeat(10_000) },
      async (h, alice) => {
        for (let i = 0; i < 100; i += 1) {
          const decision = await h.rateLimiter.take(
            { scope: 'connection', connectionId: alice.connectionId },
            {
              burst: h.policy.rateLimit?.burst ?? 1,
              intervalMs: 1_000 / (h.policy.rateLimit?.perSecond ?? 1),
            },
          );
          if (!decision.allowed) break;
        }
      },
    );
    expect(error?.code).toBe('rate_limited');
    expect(history.messages).toEqual([]);
    expect(log.some((entry) => entry.startsWith('start append'))).toBe(false);
    expect(log.some((entry) => /^start deliver:(message|ack)/.test(entry))).toBe(false);
  });

  it('too large: refused before the membership matters, nothing stored or delivered', async () => {
    const { error, log } = await refused({
      action: 'sendMessage',
      room: 'elsewhere',
      text: 'x'.repeat(10_000),
    });
    expect(error?.code).toBe('message_too_large');
    expect(log.some((entry) => entry.startsWith('start append'))).toBe(false);
    expect(log.some((entry) => /^start deliver:(message|ack)/.test(entry))).toBe(false);
  });

  it('not a member: nothing stored or delivered, and the next accepted message takes the next number', async () => {
    const { error, log, h } = await refused(
      { action: 'sendMessage', room: 'general', text: 'hi' },
      async (chat, alice) => {
        await chat.chat.leave.execute(alice, { action: 'leave', room: 'general' });
      },
    );
    expect(error?.code).toBe('not_a_member');
    expect(log.some((entry) => entry.startsWith('start append'))).toBe(false);
    expect(log.some((entry) => entry.startsWith('start deliver:message'))).toBe(false);
    const bob = {
      connectionId: 'c-bob',
      identity: { userId: 'bob', displayName: 'bob' },
      connectedAt: h.clock.now(),
    };
    const sent = (await send(h, bob, { action: 'sendMessage', room: 'general', text: 'next' })) as {
      message: { seq: number };
    };
    expect(sent.message.seq).toBe(1);
  });

  it('banned while still a member (a send racing its ban): forbidden, nothing stored or delivered', async () => {
    const { error, log, history } = await refused(
      { action: 'sendMessage', room: 'general', text: 'hi' },
      async (h, alice) => {
        await h.bans.ban('general', alice.identity.userId);
      },
    );
    expect(error?.code).toBe('forbidden');
    expect(history.messages).toEqual([]);
    expect(log.some((entry) => entry.startsWith('start append'))).toBe(false);
    expect(log.some((entry) => /^start deliver:(message|ack)/.test(entry))).toBe(false);
  });
});
