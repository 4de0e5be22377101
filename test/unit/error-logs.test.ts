// Unit: the end of every WebSocket chain when a route throws: what the error middlewares log (message
// and fields), which frame reaches the caller and which status the invocation answers with.

import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { Context } from 'aws-lambda';
import { ChatError, type ConnectionId, type NotifierPort, type ServerEvent } from '../../src/domain/index.js';
import { errorFrames } from '../../src/handlers/runtime/error-frames.js';
import { lifecycleErrors } from '../../src/handlers/runtime/lifecycle-errors.js';
import { logger, metrics } from '../../src/handlers/runtime/powertools.js';
import type { WsEvent, WsResult } from '../../src/handlers/runtime/ws-event.js';

type Level = 'info' | 'warn' | 'error';
let logged: { level: Level; message: string; fields: unknown }[];

beforeEach(() => {
  logged = [];
  for (const level of ['info', 'warn', 'error'] as const) {
    jest.spyOn(logger, level).mockImplementation((...[message, fields]: unknown[]) => {
      logged.push({ level, message: String(message), fields });
    });
  }
});

afterEach(() => {
  jest.restoreAllMocks();
  metrics.clearMetrics();
});

/** A notifier that records what it posts, or fails every post with `failure`. */
function recordingNotifier(failure?: Error) {
  const posted: { connectionId: ConnectionId; event: ServerEvent }[] = [];
  const notifier: NotifierPort = {
    deliver: async (connectionId, event) => {
      if (failure !== undefined) throw failure;
      posted.push({ connectionId, event });
      return 'delivered';
    },
    close: async () => 'closed',
  };
  return { notifier, posted };
}

/** A request of connection c-1 whose route threw `error`, with what the scope middleware put on it. */
function failedRequest(error: unknown, scope: Record<string, unknown>, body?: string) {
  return {
    event: {
      requestContext: { connectionId: 'c-1' },
      ...(body === undefined ? {} : { body }),
    } as unknown as WsEvent,
    context: scope as unknown as Context,
    error,
    response: undefined as WsResult | undefined,
    internal: {},
  };
}

const caller = (answered: boolean) => ({
  connectionId: 'c-1',
  identity: { userId: 'u', displayName: 'u' },
  connectedAt: 0,
  request: { answered },
});

describe('the error frames of a client frame', () => {
  it('logs a refusal at INFO with its code and reason, and sends it to the caller with the requestId', async () => {
    const { notifier, posted } = recordingNotifier();
    const refusal = new ChatError('not_a_member', 'Join the room "general" first');
    const request = failedRequest(
      refusal,
      { notifier, caller: caller(false) },
      '{"action":"sendMessage","room":"general","text":"x","requestId":"r-7"}',
    );

    await errorFrames().onError?.(request as never);

    expect(logged).toEqual([
      {
        level: 'info',
        message: 'request refused',
        fields: { code: 'not_a_member', reason: 'Join the room "general" first' },
      },
    ]);
    expect(posted).toEqual([
      {
        connectionId: 'c-1',
        event: {
          type: 'error',
          code: 'not_a_member',
          message: 'Join the room "general" first',
          requestId: 'r-7',
        },
      },
    ]);
    expect(request.response).toEqual({ statusCode: 403 });
  });

  it('logs an unexpected error at ERROR with the error itself, and shows the caller only internal_error', async () => {
    const { notifier, posted } = recordingNotifier();
    const failure = new Error('ECONNREFUSED 10.0.0.12:443');
    const request = failedRequest(failure, { notifier, caller: caller(false) }, 'not json at all');

    await errorFrames().onError?.(request as never);

    expect(logged).toEqual([{ level: 'error', message: 'unexpected error', fields: { error: failure } }]);
    expect(posted.map(({ event }) => event)).toEqual([
      { type: 'error', code: 'internal_error', message: 'Something went wrong on our side' },
    ]);
    expect(request.response).toEqual({ statusCode: 500 });
  });

  it('logs an error after the answer at ERROR with the error and its code, and answers with its status', async () => {
    const { notifier, posted } = recordingNotifier();
    const failure = new ChatError('unavailable', 'The fan-out queue is unavailable');
    const request = failedRequest(failure, { notifier, caller: caller(true) });

    await errorFrames().onError?.(request as never);

    expect(logged).toEqual([
      {
        level: 'error',
        message: 'error after the request was answered',
        fields: { error: failure, code: 'unavailable' },
      },
    ]);
    expect(posted).toEqual([]);
    expect(request.response).toEqual({ statusCode: 503 });
  });

  it('logs at WARN, with the code, an error frame the notifier failed to post, and still answers', async () => {
    const goneAway = new Error('GoneException');
    const { notifier } = recordingNotifier(goneAway);
    const request = failedRequest(new ChatError('rate_limited', 'Slow down'), {
      notifier,
      caller: caller(false),
    });

    await errorFrames().onError?.(request as never);

    expect(logged.filter(({ level }) => level === 'warn')).toEqual([
      {
        level: 'warn',
        message: 'error frame not delivered',
        fields: { error: goneAway, code: 'rate_limited' },
      },
    ]);
    expect(request.response).toEqual({ statusCode: 429 });
  });

  it('logs at WARN that there was no notifier when the chain failed before its scope was set', async () => {
    const request = failedRequest(new Error('Missing environment variable TABLE_NAME'), {});

    await errorFrames().onError?.(request as never);

    expect(logged.filter(({ level }) => level === 'warn')).toEqual([
      {
        level: 'warn',
        message: 'error frame not delivered',
        fields: {
          error: new Error('No notifier: the chain failed before its scope was set'),
          code: 'internal_error',
        },
      },
    ]);
    expect(request.response).toEqual({ statusCode: 500 });
  });
});

describe('the errors of $connect and $disconnect', () => {
  const mapping = () => lifecycleErrors({ refused: 'connection refused', failed: 'connect failed' });

  it('logs a refusal at WARN with its code and reason, and answers with its status', async () => {
    const request = failedRequest(
      new ChatError('too_many_connections', 'At most 5 connections per user'),
      {},
    );

    await mapping().onError?.(request as never);

    expect(logged).toEqual([
      {
        level: 'warn',
        message: 'connection refused',
        fields: { code: 'too_many_connections', reason: 'At most 5 connections per user' },
      },
    ]);
    expect(request.response).toEqual({ statusCode: 429 });
  });

  it('logs anything else at ERROR with the error itself, and answers 500', async () => {
    const failure = new Error('ProvisionedThroughputExceededException');
    const request = failedRequest(failure, {});

    await mapping().onError?.(request as never);

    expect(logged).toEqual([{ level: 'error', message: 'connect failed', fields: { error: failure } }]);
    expect(request.response).toEqual({ statusCode: 500 });
  });
});
