// Unit: one answer per request. A use case's reply (an ack, a pong) marks the request answered, and the
// error middleware then turns a later failure into a log line and a metric, never a second frame.

import { describe, expect, it } from '@jest/globals';
import type { Context } from 'aws-lambda';
import type { Caller, ConnectionId, DeliveryOptions, ServerEvent } from '../../src/domain/index.js';
import { errorFrames } from '../../src/handlers/runtime/error-frames.js';
import { metrics } from '../../src/handlers/runtime/powertools.js';
import type { WsEvent, WsResult } from '../../src/handlers/runtime/ws-event.js';
import { chatHarness } from '../support/chat-harness.js';

function asking(caller: Caller): Caller & { request: { answered: boolean } } {
  return { ...caller, request: { answered: false } };
}

describe('a use case answering its caller', () => {
  it('marks the request answered when the ack goes out, and sends the ack in line with the deliveries', async () => {
    const h = chatHarness();
    const lanes: (DeliveryOptions | undefined)[] = [];
    const deliver = h.notifier.deliver.bind(h.notifier);
    h.notifier.deliver = (connectionId: ConnectionId, event: ServerEvent, options?: DeliveryOptions) => {
      if (event.type === 'ack') lanes.push(options);
      return deliver(connectionId, event);
    };
    const alice = asking(await h.connect('alice', 'c-alice'));
    await h.chat.join.execute(alice, { action: 'join', room: 'general' });
    const sending = asking(alice);

    await h.chat.sendMessage.execute(sending, { action: 'sendMessage', room: 'general', text: 'hi' });

    expect(sending.request.answered).toBe(true);
    expect(lanes).toEqual([{ reply: false }]);
  });

  it('leaves a refused request unanswered, so its error frame still goes out', async () => {
    const h = chatHarness();
    const alice = asking(await h.connect('alice', 'c-alice'));

    await expect(
      h.chat.sendMessage.execute(alice, { action: 'sendMessage', room: 'elsewhere', text: 'hi' }),
    ).rejects.toMatchObject({ code: 'not_a_member' });
    expect(alice.request.answered).toBe(false);
  });
});

describe('the error middleware', () => {
  function failedRequest(answered: boolean) {
    const posted: ServerEvent[] = [];
    const notifier = {
      deliver: async (_connectionId: ConnectionId, event: ServerEvent) => {
        posted.push(event);
        return 'delivered' as const;
      },
      close: async () => 'closed' as const,
    };
    const caller = { connectionId: 'c-1', identity: { userId: 'u', displayName: 'u' }, connectedAt: 0 };
    const request = {
      event: {
        body: '{"action":"sendMessage","room":"r","text":"x","requestId":"r-1"}',
        requestContext: { connectionId: 'c-1' },
      } as unknown as WsEvent,
      context: { notifier, caller: { ...caller, request: { answered } } } as unknown as Context,
      error: new Error('Task timed out after the ack'),
      response: undefined as WsResult | undefined,
      internal: {},
    };
    return { request, posted };
  }

  it('sends an error frame for a request not yet answered', async () => {
    const { request, posted } = failedRequest(false);
    await errorFrames().onError?.(request as never);
    expect(posted).toEqual([
      expect.objectContaining({ type: 'error', code: 'internal_error', requestId: 'r-1' }),
    ]);
  });

  it('sends nothing for a request already answered, and counts it in a metric', async () => {
    const { request, posted } = failedRequest(true);
    metrics.clearMetrics();
    await errorFrames().onError?.(request as never);
    expect(posted).toEqual([]);
    expect(request.response).toEqual({ statusCode: 500 });
    expect(metrics.serializeMetrics()).toMatchObject({ ErrorsAfterAnswer: 1 });
    metrics.clearMetrics();
  });
});
