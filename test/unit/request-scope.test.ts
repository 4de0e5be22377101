// Unit: the scope middleware between the error mapping and a handler: it puts the configuration, the use
// cases of the event's stage and the caller on the request, and a handler reading a scope that was never
// put there is told which parts are missing.

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Context } from 'aws-lambda';
import { appServices, resetAppContainer } from '../../src/handlers/composition-root.js';
import { ConfigError } from '../../src/handlers/config.js';
import {
  backendScope,
  callerScope,
  partialScopeOf,
  stageScope,
} from '../../src/handlers/runtime/chat-scope.js';
import type { WsEvent } from '../../src/handlers/runtime/ws-event.js';
import { connectEvent, httpEvent, messageEvent } from '../support/ws-events.js';

const stageEndpoint = 'https://abcde12345.execute-api.eu-west-1.amazonaws.com/prod';
const saved = { ...process.env };

/** The process's container, rebuilt from this environment (no AWS call is made by building it). */
function environment(extra: Record<string, string> = {}): void {
  process.env = { ...saved, AWS_REGION: 'eu-west-1', TABLE_NAME: 'roomcast' };
  delete process.env['MANAGEMENT_ENDPOINT'];
  Object.assign(process.env, extra);
  resetAppContainer();
}

beforeEach(() => environment());

afterEach(() => {
  process.env = saved;
  resetAppContainer();
});

function requestOf<E>(event: E) {
  return { event, context: {} as Context, response: undefined, error: undefined, internal: {} };
}

const alice = { authorizer: { principalId: 'alice', userId: 'alice', name: 'Alice' } };

describe('the stage scope ($disconnect)', () => {
  it("puts the configuration and the use cases and notifier of the event's stage on the request", async () => {
    const scope = stageScope();
    const request = requestOf<WsEvent>(messageEvent('AliceConn00001=', 'whoami', '{}', alice));

    await scope.before?.(request as never);

    const services = appServices();
    const { config, chat, notifier } = scope.of(request.context);
    expect(config).toBe(services.config);
    expect(chat).toBe(services.chatFor(stageEndpoint));
    expect(notifier).toBe(services.notifierFor(stageEndpoint));
  });

  it('tells a handler whose chain never ran it which parts of the scope are missing', () => {
    expect(() => stageScope().of({} as Context)).toThrow(
      new Error('The request has no config, chat, notifier: its scope middleware did not run'),
    );
  });
});

describe('the caller scope (client routes and $connect)', () => {
  it('adds the caller of a frame, with its request not yet answered', async () => {
    const scope = callerScope('connection');
    const request = requestOf<WsEvent>(messageEvent('AliceConn00001=', 'whoami', '{}', alice));

    await scope.before?.(request as never);

    expect(scope.of(request.context).caller).toMatchObject({
      connectionId: 'AliceConn00001=',
      identity: { userId: 'alice', displayName: 'Alice' },
      managementEndpoint: stageEndpoint,
      request: { answered: false },
    });
  });

  it('refuses a handshake without an identity from the authorizer, after putting the stage on the request', async () => {
    const request = requestOf<WsEvent>(connectEvent('NoAuthConn0001='));

    await expect(callerScope('handshake').before?.(request as never)).rejects.toMatchObject({
      code: 'unauthorized',
      message: 'No identity from the authorizer',
    });
    expect(partialScopeOf(request.context).notifier).toBe(appServices().notifierFor(stageEndpoint));
  });

  it('tells a handler whose chain never ran it that the caller is missing too', () => {
    expect(() => callerScope('connection').of({} as Context)).toThrow(
      new Error('The request has no config, chat, notifier, caller: its scope middleware did not run'),
    );
  });
});

describe('the backend scope (HTTP API)', () => {
  const publish = () => httpEvent('POST /rooms/{room}/messages', { path: '/rooms/general/messages' });

  it('puts the configuration and the use cases of the configured WebSocket stage on the request', async () => {
    environment({ MANAGEMENT_ENDPOINT: 'https://ws.example.com/prod' });
    const scope = backendScope();
    const request = requestOf(publish());

    await scope.before?.(request as never);

    const services = appServices();
    const { config, chat } = scope.of(request.context);
    expect(config).toBe(services.config);
    expect(chat).toBe(services.chatFor('https://ws.example.com/prod'));
  });

  it('fails with a ConfigError naming MANAGEMENT_ENDPOINT when no stage is configured', () => {
    const before = () => backendScope().before?.(requestOf(publish()) as never);

    expect(before).toThrow(ConfigError);
    expect(before).toThrow(
      new Error('Missing environment variable MANAGEMENT_ENDPOINT (the WebSocket stage to push to)'),
    );
  });

  it('tells a handler whose chain never ran it which parts of the scope are missing', () => {
    expect(() => backendScope().of({} as Context)).toThrow(
      new Error('The request has no config, chat: its scope middleware did not run'),
    );
  });
});
