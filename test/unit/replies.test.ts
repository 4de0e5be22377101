// Unit: answering a request (which line the answer waits in, what a failed answer leaves) and fitting a
// list of messages into one @connections payload.

import { describe, expect, it } from '@jest/globals';
import {
  encodedSize,
  roomConversation,
  type Caller,
  type DeliveryOptions,
  type NotifierPort,
  type ServerEvent,
  type StoredMessage,
} from '../../src/domain/index.js';
import { fitMessages, reply } from '../../src/domain/use-cases/replies.js';
import { RecordingLogger } from '../fakes/recording-logger.js';

function caller(): Caller {
  return {
    connectionId: 'conn-1',
    identity: { userId: 'ada', displayName: 'Ada' },
    connectedAt: 0,
    request: { answered: false },
  };
}

/** A notifier that records the options of each delivery and can fail them all. */
function notifier(fail = false) {
  const options: DeliveryOptions[] = [];
  const port: NotifierPort = {
    deliver: async (_id, _event, given = {}) => {
      options.push(given);
      if (fail) throw new Error('socket hang up');
      return 'delivered';
    },
    close: async () => 'closed',
  };
  return { port, options };
}

describe('reply', () => {
  it('sends an ack in line with the deliveries and every other answer ahead of them', async () => {
    const { port, options } = notifier();
    const deps = { notifier: port, logger: new RecordingLogger() };
    const ack: ServerEvent = {
      type: 'ack',
      requestId: 'r1',
      room: 'lobby',
      seq: 1,
      messageId: 'm1',
    } as ServerEvent;
    await reply(deps, caller(), ack);
    await reply(deps, caller(), { type: 'pong', serverTime: 1 });
    expect(options.map((given) => given.reply)).toEqual([false, true]);
  });

  it('counts the request answered and logs, never throws, an answer it could not deliver', async () => {
    const { port } = notifier(true);
    const logger = new RecordingLogger();
    const asker = caller();
    await expect(
      reply({ notifier: port, logger }, asker, { type: 'pong', serverTime: 1 }),
    ).resolves.toBeUndefined();
    expect(asker.request?.answered).toBe(true);
    expect(logger.withMessage('reply not delivered')).toEqual([
      expect.objectContaining({
        level: 'warn',
        fields: expect.objectContaining({ connectionId: 'conn-1', type: 'pong' }),
      }),
    ]);
  });
});

describe('fitMessages', () => {
  const messages: StoredMessage[] = Array.from({ length: 6 }, (_, i) => ({
    conversation: roomConversation('lobby'),
    messageId: `m${i}`,
    from: { userId: 'ada', displayName: 'Ada' },
    text: 'x'.repeat(i * 7),
    sentAt: 1_000 + i,
    expiresAt: 9_999,
    seq: i + 1,
  }));
  const build = (events: ServerEvent[]): ServerEvent =>
    ({ type: 'history', room: 'lobby', messages: events, hasMore: false }) as unknown as ServerEvent;

  it('keeps the longest oldest-first prefix whose payload fits, at every size limit', () => {
    const sizes = [0, ...messages.map((_, i) => i + 1)].map((n) =>
      encodedSize(build(fitMessages(messages.slice(0, n), Number.MAX_SAFE_INTEGER, build).events)),
    );
    // From one byte short of the empty list to one byte past the whole list, every limit.
    for (let maxBytes = (sizes[0] as number) - 1; maxBytes <= (sizes.at(-1) as number) + 1; maxBytes += 1) {
      const fitted = fitMessages(messages, maxBytes, build);
      const expected = Math.max(0, sizes.filter((size) => size <= maxBytes).length - 1);
      expect([maxBytes, fitted.events.length]).toEqual([maxBytes, expected]);
      expect(fitted.dropped).toBe(expected < messages.length);
      if (expected > 0) expect(encodedSize(build(fitted.events))).toBeLessThanOrEqual(maxBytes);
    }
  });
});
