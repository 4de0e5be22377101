// Driving side: the one middleware that takes what a handler needs from the composition root and puts it
// on the request (Middy's context): the configuration, the use cases replying through the event's
// stage, and, for client routes, the caller. Handlers read these from their context argument and never
// see the container.

import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { anonymousIdentity, type Caller, type Chat, type NotifierPort } from '../../domain/index.js';
import { appServices, type AppServices } from '../composition-root.js';
import { ConfigError, type ChatConfig } from '../config.js';
import type { HttpEvent, HttpResult } from '../http/http-event.js';
import { callerOf, identifiedCaller, identityFromAuthorizer, managementEndpointOf } from './caller.js';
import type { WsEvent, WsResult } from './ws-event.js';

export interface ChatScope {
  readonly config: ChatConfig;
  readonly chat: Chat;
}

/** A WebSocket route's scope: replies go to the stage the event came through. */
export interface StageScope extends ChatScope {
  /** Posts to connections of the event's stage: how an error frame reaches the caller. */
  readonly notifier: NotifierPort;
}

export interface CallerScope extends StageScope {
  readonly caller: Caller;
}

/**
 * How a route learns who is calling. `connection`: a message on an open connection, identity from the
 * authorizer (anonymous mode: from the record `$connect` made). `handshake`: `$connect` itself, identity
 * from the authorizer (anonymous mode: a new anonymous identity named by `?name=`).
 */
export type CallerSource = 'connection' | 'handshake';

/**
 * The middleware, and the typed reader of what it put on the request: a handler takes its scope with
 * `scope.of(context)`. (Middy can also widen the context's type, but then the exported handler would
 * ask its callers for a context that already holds the scope.)
 */
export interface ScopeMiddleware<E, R, S> extends MiddlewareObj<E, R> {
  of(context: Context): S;
}

/** The configuration and the use cases of the event's stage, for routes that act for no caller ($disconnect). */
export function stageScope(): ScopeMiddleware<WsEvent, WsResult, StageScope> {
  return {
    before: (request) => {
      Object.assign(request.context, stageOf(request.event, appServices()));
    },
    of: (context) => read(context, ['config', 'chat', 'notifier']),
  };
}

/**
 * The stage's scope and the caller. The stage's part is on the request before the caller is looked
 * for, so a caller without an identity still gets its error frame.
 */
export function callerScope(source: CallerSource): ScopeMiddleware<WsEvent, WsResult, CallerScope> {
  return {
    before: async (request) => {
      const services = appServices();
      const stage = stageOf(request.event, services);
      Object.assign(request.context, stage);
      const caller: Caller =
        source === 'connection'
          ? {
              ...(await callerOf(request.event.requestContext, services.config, services.connections)),
              // A client frame gets one answer: error-frames.ts reads this before sending an error.
              request: { answered: false },
            }
          : handshakeCaller(request.event, stage.config, services);
      Object.assign(request.context, { caller });
    },
    of: (context) => read(context, ['config', 'chat', 'notifier', 'caller']),
  };
}

/** The backend HTTP API's scope: it replies through the WebSocket stage the configuration names. */
export function backendScope(): ScopeMiddleware<HttpEvent, HttpResult, ChatScope> {
  return {
    before: (request) => {
      const { config, chatFor } = appServices();
      const endpoint = config.managementEndpoint;
      if (endpoint === undefined) {
        throw new ConfigError(
          'Missing environment variable MANAGEMENT_ENDPOINT (the WebSocket stage to push to)',
        );
      }
      Object.assign(request.context, { config, chat: chatFor(endpoint) } satisfies ChatScope);
    },
    of: (context) => read(context, ['config', 'chat']),
  };
}

/** What a scope middleware put on the context, if it ran (an error mapper cannot count on it). */
export function partialScopeOf(context: Context): Partial<CallerScope> {
  return context as Partial<CallerScope>;
}

function read<S>(context: Context, keys: readonly (keyof CallerScope)[]): S {
  const scoped = partialScopeOf(context);
  const absent = keys.filter((key) => scoped[key] === undefined);
  // Only a chain built without its scope middleware gets here.
  if (absent.length > 0)
    throw new Error(`The request has no ${absent.join(', ')}: its scope middleware did not run`);
  return scoped as S;
}

function stageOf(event: WsEvent, services: AppServices): StageScope {
  const endpoint = managementEndpointOf(event.requestContext, services.config);
  return {
    config: services.config,
    chat: services.chatFor(endpoint),
    notifier: services.notifierFor(endpoint),
  };
}

function handshakeCaller(event: WsEvent, config: ChatConfig, services: AppServices): Caller {
  const context = event.requestContext;
  const identity =
    identityFromAuthorizer(context) ??
    (config.anonymous ? anonymousIdentity(services.ids, event.queryStringParameters?.['name']) : undefined);
  return identifiedCaller(context, config, identity, 'No identity from the authorizer');
}
