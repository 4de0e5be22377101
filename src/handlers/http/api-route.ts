// Driving side: the Middy chain of the backend HTTP API functions (tracer, logger, metrics flush, JSON
// body parser, error mapping) and the helpers to read path and query parameters. Errors become
// `{"error": {"code", "message"}}` with the status of their code; anything unexpected a clean 500
// carrying the request id.

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import {
  ChatError,
  ERROR_STATUS,
  isChatError,
  parseHistoryBounds,
  parseRoomField,
  parseUserField,
  type Chat,
  type HistoryBounds,
  type RoomName,
  type UserId,
} from '../../domain/index.js';
import { backendScope } from '../runtime/chat-scope.js';
import { logger, publishMetrics } from '../runtime/powertools.js';
import { traceInvocations } from '../runtime/tracing.js';
import type { HttpEvent, HttpResult } from './http-event.js';

export function json(statusCode: number, body: unknown): HttpResult {
  return { statusCode, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
}

function isBodyParserError(error: unknown): boolean {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return (status === 415 || status === 422) && (error as { expose?: unknown }).expose === true;
}

function httpErrors(): MiddlewareObj<HttpEvent, HttpResult> {
  return {
    onError: async (request) => {
      const error = request.error;
      const known = isChatError(error)
        ? error
        : isBodyParserError(error)
          ? new ChatError('invalid_json', 'The body is not valid JSON')
          : undefined;
      if (known !== undefined) {
        logger.info('request refused', { code: known.code, reason: known.message });
        request.response = json(ERROR_STATUS[known.code], {
          error: {
            code: known.code,
            message: known.message,
            ...(known.details ? { details: known.details } : {}),
          },
        });
        return;
      }
      logger.error('unexpected error', { error: error as Error });
      request.response = json(500, {
        error: {
          code: 'internal_error',
          message: 'Something went wrong on our side',
          requestId: request.event.requestContext.requestId,
        },
      });
    },
  };
}

export function apiRoute(
  run: (chat: Chat, event: HttpEvent) => Promise<HttpResult>,
  options: { body: boolean },
) {
  const scope = backendScope();
  const chain = middy<HttpEvent, HttpResult>()
    .use(traceInvocations())
    .use(injectLambdaContext(logger, { correlationIdPath: 'requestContext.requestId', resetKeys: true }))
    .use(publishMetrics())
    .use(httpErrors());
  // Callers often omit Content-Type; malformed JSON still becomes a 400.
  if (options.body) chain.use(httpJsonBodyParser({ disableContentTypeCheck: true }));
  return chain.use(scope).handler((event, context) => run(scope.of(context).chat, event));
}

export function roomParameter(event: HttpEvent): RoomName {
  return parseRoomField(event.pathParameters?.['room'], 'room');
}

export function userParameter(event: HttpEvent): UserId {
  return parseUserField(event.pathParameters?.['user'], 'user');
}

export function connectionParameter(event: HttpEvent): string {
  const id = event.pathParameters?.['connectionId'];
  if (typeof id !== 'string' || !/^[A-Za-z0-9_=-]{1,128}$/.test(id)) {
    throw new ChatError('invalid_request', 'Not a connection id', { field: 'connectionId' });
  }
  return id;
}

/** `?after=&before=&limit=`, checked by the same rules as the WebSocket `history` action. */
export function historyBoundsParameters(event: HttpEvent): HistoryBounds {
  const number = (name: string): number | undefined => {
    const raw = event.queryStringParameters?.[name];
    return raw === undefined || raw === '' ? undefined : Number(raw);
  };
  return parseHistoryBounds({ after: number('after'), before: number('before'), limit: number('limit') });
}

/** `{seq}`: the sequence number of a message, 1 or more. */
export function seqParameter(event: HttpEvent): number {
  const raw = event.pathParameters?.['seq'];
  const seq = raw !== undefined && /^[1-9][0-9]{0,15}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(seq)) {
    throw new ChatError('invalid_request', '"seq" must be a positive integer', { field: 'seq' });
  }
  return seq;
}

/**
 * The JSON body of a route that takes one or none (the parser is not in the chain): an absent or empty
 * body is `{}`, anything else must be a JSON object.
 */
export function optionalBodyObject(event: HttpEvent): Record<string, unknown> {
  const raw = event.body;
  if (raw === undefined || raw === null || raw === '') return {};
  const text = event.isBase64Encoded ? Buffer.from(String(raw), 'base64').toString('utf8') : String(raw);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ChatError('invalid_json', 'The body is not valid JSON');
  }
  return bodyObject({ ...event, body: parsed });
}

/** The JSON body as an object (the parser has run), or a 400. */
export function bodyObject(event: HttpEvent): Record<string, unknown> {
  const body = event.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ChatError('invalid_request', 'The body must be a JSON object');
  }
  return body as Record<string, unknown>;
}
