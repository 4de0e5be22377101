// Integration: how the @connections notifier reads each kind of answer (gone, too large, throttled,
// refused) and what its typed failures carry, through the real AWS SDK client against the local
// management API and loopback stand-ins that answer with a chosen status and error type.

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DeliveryError,
  InFlightLimit,
  ManagementApiNotifier,
  ManagementClientPool,
  PayloadTooLargeError,
  type RetryPolicy,
} from '../../src/adapters/apigateway/index.js';
import type { ServerEvent } from '../../src/domain/index.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../src/local/dynamodb-local.js';
import { RetryClock } from '../support/retry-clock.js';
import { startConnectionsApi, type ConnectionsApiServer } from '../support/connections-api-server.js';

const event: ServerEvent = { type: 'pong', serverTime: 1 };
const policy: RetryPolicy = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 300, maxElapsedMs: 10_000 };

let api: ConnectionsApiServer;
let pool: ManagementClientPool;
const clock = new RetryClock();

const notifier = (client: ApiGatewayManagementApiClient, retry: Partial<RetryPolicy> = {}) =>
  clock.notifier(client, { ...policy, ...retry });

const failureOf = (outcome: Promise<unknown>): Promise<unknown> =>
  outcome.then(
    (value) => {
      throw new Error(`expected a failure, got ${String(value)}`);
    },
    (error: unknown) => error,
  );

beforeAll(async () => {
  api = await startConnectionsApi('prod');
});

afterAll(async () => {
  await api.stop();
});

beforeEach(() => {
  clock.reset();
  api.directory.throttleNext = 0;
  api.directory.failNext = 0;
  // A pool per test: each test builds its client itself.
  pool = new ManagementClientPool({ region: LOCAL_REGION, maxSockets: 4, credentials: LOCAL_CREDENTIALS });
});

afterEach(() => {
  pool.destroy();
});

describe('the failures the notifier throws, for the logs', () => {
  it('names a refused delivery, says who and why in its message, and keeps the SDK error as cause', async () => {
    // A path with no route: API Gateway answers 403 ForbiddenException, which is not worth a retry.
    const error = await failureOf(
      notifier(pool.clientFor(`${api.origin}/prod/extra`)).deliver('Refused0000001=', event),
    );

    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({
      name: 'DeliveryError',
      message: 'Delivery to Refused0000001= failed (ForbiddenException): not retryable',
      connectionId: 'Refused0000001=',
      details: { attempts: 1, status: 403, code: 'ForbiddenException' },
      cause: expect.objectContaining({ name: 'ForbiddenException' }),
    });
  });

  it('says how many attempts a delivery that kept failing made', async () => {
    api.directory.connect('Failing0000001=');
    api.directory.failNext = 3;

    const error = await failureOf(notifier(pool.clientFor(api.endpoint)).deliver('Failing0000001=', event));

    expect(error).toMatchObject({
      name: 'DeliveryError',
      message: expect.stringMatching(
        /^Delivery to Failing0000001= failed \(.+\): still failing after 3 attempts$/,
      ),
      details: { attempts: 3, status: 500 },
      cause: expect.objectContaining({ $metadata: expect.objectContaining({ httpStatusCode: 500 }) }),
    });
  });

  it('names an event over the size limit apart from other failures, with the SDK error as cause', async () => {
    api.directory.connect('TooLarge000001=');
    const huge: ServerEvent = { type: 'pong', serverTime: 1, requestId: 'x'.repeat(140_000) };

    const error = await failureOf(notifier(pool.clientFor(api.endpoint)).deliver('TooLarge000001=', huge));

    expect(error).toBeInstanceOf(PayloadTooLargeError);
    expect(error).toMatchObject({
      name: 'PayloadTooLargeError',
      message: 'The event is larger than the @connections API accepts',
      details: { attempts: 1, status: 413, code: 'PayloadTooLargeException' },
      cause: expect.objectContaining({ name: 'PayloadTooLargeException' }),
    });
    expect(clock.delays).toEqual([]);
  });
});

describe('the retry time budget', () => {
  it('still retries when the retry would start exactly at the end of the budget', async () => {
    api.directory.connect('Budget00000001=');
    api.directory.throttleNext = 1;

    // random 0.999 and a base of 100 ms plan the first retry 99 ms after the start: the budget's end.
    const outcome = await notifier(pool.clientFor(api.endpoint), { maxElapsedMs: 99 }).deliver(
      'Budget00000001=',
      event,
    );

    expect(outcome).toBe('delivered');
    expect(clock.delays).toEqual([99]);
  });
});

describe('the reply lane', () => {
  it('posts a reply waiting for a slot before a delivery that waited longer', async () => {
    api.directory.connect('Lanes000000001=');
    const limit = new InFlightLimit(1);
    const n = new ManagementApiNotifier({ client: pool.clientFor(api.endpoint), limit });
    let release = (): void => undefined;
    const holder = limit.run(() => new Promise<void>((resolve) => (release = resolve)));

    const fanOut = n.deliver('Lanes000000001=', { type: 'pong', serverTime: 1 });
    const plain = n.deliver('Lanes000000001=', { type: 'pong', serverTime: 2 }, { reply: false });
    const reply = n.deliver('Lanes000000001=', { type: 'pong', serverTime: 3 }, { reply: true });
    release();
    await holder;

    expect(await Promise.all([fanOut, plain, reply])).toEqual(['delivered', 'delivered', 'delivered']);
    expect(api.directory.frames('Lanes000000001=').map((frame) => JSON.parse(frame) as ServerEvent)).toEqual([
      { type: 'pong', serverTime: 3 },
      { type: 'pong', serverTime: 1 },
      { type: 'pong', serverTime: 2 },
    ]);
  });
});

describe('a fan-out of one event', () => {
  it('encodes the event once for all its connections', async () => {
    const ids = ['Encoded0000001=', 'Encoded0000002=', 'Encoded0000003='];
    ids.forEach((id) => api.directory.connect(id));
    const client = pool.clientFor(api.endpoint);
    const posted: unknown[] = [];
    // Reads what each PostToConnection carries, before the first send (the stack is cached after it).
    client.middlewareStack.add(
      (next) => async (args) => {
        posted.push((args.input as { Data?: unknown }).Data);
        return next(args);
      },
      { step: 'initialize', name: 'recordPostedData' },
    );
    const n = new ManagementApiNotifier({ client });
    const shared: ServerEvent = { type: 'pong', serverTime: 7 };

    for (const id of ids) await n.deliver(id, shared);
    await n.deliver(ids[0] as string, { type: 'pong', serverTime: 7 });

    expect(posted).toHaveLength(4);
    // The same bytes, not equal copies, for the one event; a different event object of the same
    // content is encoded on its own.
    expect(posted[1]).toBe(posted[0]);
    expect(posted[2]).toBe(posted[0]);
    expect(posted[3]).not.toBe(posted[0]);
    expect(posted[3]).toEqual(posted[0]);
    const frame = JSON.stringify(shared);
    expect(ids.map((id) => api.directory.frames(id))).toEqual([[frame, frame], [frame], [frame]]);
  });
});

/**
 * A loopback stand-in for the @connections API that answers every request with `status` and, when
 * given, the error type header the SDK names errors by: answers that the local API never gives, as a
 * proxy in front of it or another AWS protocol would.
 */
async function answering(status: number, errorType?: string) {
  let requests = 0;
  const server: Server = createServer((request, response) => {
    requests += 1;
    request.resume();
    request.on('end', () => {
      response.writeHead(status, {
        'content-type': 'application/json',
        ...(errorType === undefined ? {} : { 'x-amzn-ErrorType': errorType }),
      });
      response.end(JSON.stringify({ message: `answered ${status}` }));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    client: pool.clientFor(`http://127.0.0.1:${port}/prod`),
    requests: () => requests,
    stop: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

describe('answers recognised by their HTTP status alone', () => {
  it('takes a 410 without an error type as gone', async () => {
    const standIn = await answering(410);
    try {
      expect(await notifier(standIn.client).deliver('Status410000001=', event)).toBe('gone');
      expect(await notifier(standIn.client).close('Status410000001=')).toBe('gone');
      expect(standIn.requests()).toBe(2);
    } finally {
      await standIn.stop();
    }
  });

  it('takes a 413 without an error type as too large, without retrying', async () => {
    const standIn = await answering(413);
    try {
      const error = await failureOf(notifier(standIn.client).deliver('Status413000001=', event));
      expect(error).toBeInstanceOf(PayloadTooLargeError);
      expect(error).toMatchObject({ details: { attempts: 1, status: 413 } });
      expect(standIn.requests()).toBe(1);
    } finally {
      await standIn.stop();
    }
  });

  it('retries a 429 without an error type as throttling', async () => {
    const standIn = await answering(429);
    try {
      const error = await failureOf(notifier(standIn.client).deliver('Status429000001=', event));
      expect(error).toMatchObject({ details: { attempts: 3, status: 429 } });
      expect(standIn.requests()).toBe(3);
      expect(clock.delays).toEqual([99, 199]);
    } finally {
      await standIn.stop();
    }
  });
});

describe('throttling recognised by its error type alone', () => {
  // Other AWS protocols answer throttling with a 400, which by its status alone would not be retried.
  it.each(['ThrottlingException', 'LimitExceededException'])(
    'retries a %s answered with 400',
    async (errorType) => {
      const standIn = await answering(400, errorType);
      try {
        const error = await failureOf(notifier(standIn.client).deliver('Throttled400001=', event));
        expect(error).toMatchObject({ details: { attempts: 3, status: 400, code: errorType } });
        expect(standIn.requests()).toBe(3);
      } finally {
        await standIn.stop();
      }
    },
  );

  it('does not retry another 400', async () => {
    const standIn = await answering(400, 'BadRequestException');
    try {
      const error = await failureOf(notifier(standIn.client).deliver('BadRequest00001=', event));
      expect(error).toMatchObject({ details: { attempts: 1, status: 400, code: 'BadRequestException' } });
      expect(standIn.requests()).toBe(1);
    } finally {
      await standIn.stop();
    }
  });
});

describe('errors that carry only a name', () => {
  /**
   * A fake client, because the real one always attaches the HTTP status and throws its own error
   * classes: it throws what a second copy of the SDK in a bundle (other classes) or a wrapper that
   * drops the metadata would, an Error with a name and nothing else.
   */
  function throwingNamed(name: string) {
    let calls = 0;
    const client = {
      send: async () => {
        calls += 1;
        throw Object.assign(new Error(`${name} from elsewhere`), { name });
      },
    } as unknown as ApiGatewayManagementApiClient;
    return { client, calls: () => calls };
  }

  it('takes an error named GoneException as gone', async () => {
    const fake = throwingNamed('GoneException');
    expect(await notifier(fake.client).deliver('NamedGone000001=', event)).toBe('gone');
    expect(await notifier(fake.client).close('NamedGone000001=')).toBe('gone');
    expect(fake.calls()).toBe(2);
  });

  it('takes an error named PayloadTooLargeException as too large, without retrying', async () => {
    const fake = throwingNamed('PayloadTooLargeException');
    const error = await failureOf(notifier(fake.client).deliver('NamedLarge00001=', event));
    expect(error).toBeInstanceOf(PayloadTooLargeError);
    expect(error).toMatchObject({ details: { attempts: 1, code: 'PayloadTooLargeException' } });
    expect(fake.calls()).toBe(1);
  });

  it('does not retry an error named ForbiddenException', async () => {
    const fake = throwingNamed('ForbiddenException');
    const error = await failureOf(notifier(fake.client).deliver('NamedForbid0001=', event));
    expect(error).toMatchObject({ details: { attempts: 1, code: 'ForbiddenException' } });
    expect(fake.calls()).toBe(1);
  });

  it('retries an error with any other name, as a network failure', async () => {
    const fake = throwingNamed('TimeoutError');
    const error = await failureOf(notifier(fake.client).deliver('NamedTimeout001=', event));
    expect(error).toMatchObject({
      message: 'Delivery to NamedTimeout001= failed (TimeoutError): still failing after 3 attempts',
      details: { attempts: 3, code: 'TimeoutError' },
    });
    expect(fake.calls()).toBe(3);
  });
});
